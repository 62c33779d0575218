// The EIMS conversations card's registration, loaded on every page: kept tiny, the view
// (eims-conversations.js) is imported only when a card is shown.
const TYPE = "eims-conversations-card";
// The view is fetched with this module's own ?v=, so a new release is never read from cache.
const VIEW = new URL(`eims-conversations.js${new URL(import.meta.url).search}`, import.meta.url);

const STRINGS = {
  en: {
    name: "EIMS conversations",
    description: "Read and answer the SMS of an EIMS account.",
    config_entry_id: "Account",
    title: "Title",
    no_account: "Choose an EIMS account.",
  },
  de: {
    name: "EIMS-Unterhaltungen",
    description: "SMS eines EIMS-Kontos lesen und beantworten.",
    config_entry_id: "Konto",
    title: "Titel",
    no_account: "Wähle ein EIMS-Konto.",
  },
  nl: {
    name: "EIMS-gesprekken",
    description: "Lees en beantwoord de sms'jes van een EIMS-account.",
    config_entry_id: "Account",
    title: "Titel",
    no_account: "Kies een EIMS-account.",
  },
  fr: {
    name: "Conversations EIMS",
    description: "Lire les SMS d'un compte EIMS et y répondre.",
    config_entry_id: "Compte",
    title: "Titre",
    no_account: "Choisissez un compte EIMS.",
  },
  es: {
    name: "Conversaciones EIMS",
    description: "Lee y responde los SMS de una cuenta EIMS.",
    config_entry_id: "Cuenta",
    title: "Título",
    no_account: "Elige una cuenta EIMS.",
  },
  "zh-Hans": {
    name: "EIMS 会话",
    description: "阅读并回复 EIMS 账户的短信。",
    config_entry_id: "账户",
    title: "标题",
    no_account: "请选择一个 EIMS 账户。",
  },
};

// Read when the card picker lists cards, once the user's language is known ("de-CH" reads "de").
const userStrings = () => {
  const language = document.querySelector("home-assistant")?.hass?.locale?.language;
  return STRINGS[language] ?? STRINGS[language?.split("-")[0]] ?? STRINGS.en;
};

class EimsConversationsCard extends HTMLElement {
  static async getStubConfig(hass) {
    const [entry] = await hass.callWS({ type: "config_entries/get", domain: "eims" });
    return { config_entry_id: entry?.entry_id ?? "" };
  }

  static getConfigForm() {
    return {
      schema: [
        {
          name: "config_entry_id",
          required: true,
          selector: { config_entry: { integration: "eims" } },
        },
        { name: "title", selector: { text: {} } },
      ],
      computeLabel: (field) => userStrings()[field.name],
    };
  }

  setConfig(config) {
    if (!config.config_entry_id) throw new Error(userStrings().no_account);
    this._config = config;
    if (this._view) this._view.config = config;
  }

  set hass(hass) {
    this._hass = hass;
    if (this._view) this._view.hass = hass;
    else this._load ??= this._loadView();
  }

  getCardSize() {
    return 9;
  }

  getGridOptions() {
    return { columns: 12, min_columns: 6, rows: "auto" };
  }

  async _loadView() {
    await import(VIEW.href);
    const view = document.createElement("eims-conversations");
    view.config = this._config;
    view.hass = this._hass;
    this._view = view;
    this.append(view);
  }
}

// Loaded alongside the app, which swaps in a scoped element registry: define into that one.
await customElements.whenDefined("home-assistant");
customElements.define(TYPE, EimsConversationsCard);
window.customCards ??= [];
window.customCards.push({
  type: TYPE,
  get name() {
    return userStrings().name;
  },
  get description() {
    return userStrings().description;
  },
  preview: true,
  documentationURL: "https://github.com/eims-ha/eims#conversations-card",
});
