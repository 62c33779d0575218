// The EIMS conversations card's view: an account's SMS threads, kept live by a websocket
// subscription; a reply goes through the eims.send_sms action, so every guard applies.
const STRINGS = {
  en: {
    title: "Conversations",
    empty: "No messages yet.",
    message: "Text message",
    send: "Send",
    you: "You: {text}",
    unread: "Unread: {count}",
    send_failed: "Not sent: {error}",
    load_failed: "The messages could not be loaded: {error}",
    repeat: "Not sent again: the same text went to this number moments ago (repeat guard).",
  },
  de: {
    title: "Unterhaltungen",
    empty: "Noch keine Nachrichten.",
    message: "Nachricht",
    send: "Senden",
    you: "Du: {text}",
    unread: "Ungelesen: {count}",
    send_failed: "Nicht gesendet: {error}",
    load_failed: "Die Nachrichten konnten nicht geladen werden: {error}",
    repeat: "Nicht erneut gesendet: Derselbe Text ging gerade erst an diese Nummer (Wiederholungssperre).",
  },
  nl: {
    title: "Gesprekken",
    empty: "Nog geen berichten.",
    message: "Bericht",
    send: "Versturen",
    you: "Jij: {text}",
    unread: "Ongelezen: {count}",
    send_failed: "Niet verstuurd: {error}",
    load_failed: "De berichten konden niet worden geladen: {error}",
    repeat: "Niet opnieuw verstuurd: dezelfde tekst ging net al naar dit nummer (herhalingsbeveiliging).",
  },
  fr: {
    title: "Conversations",
    empty: "Aucun message pour l'instant.",
    message: "Message",
    send: "Envoyer",
    you: "Vous : {text}",
    unread: "Non lus : {count}",
    send_failed: "Non envoyé : {error}",
    load_failed: "Impossible de charger les messages : {error}",
    repeat: "Non renvoyé : le même texte vient d'être envoyé à ce numéro (anti-répétition).",
  },
  es: {
    title: "Conversaciones",
    empty: "Aún no hay mensajes.",
    message: "Mensaje",
    send: "Enviar",
    you: "Tú: {text}",
    unread: "No leídos: {count}",
    send_failed: "No enviado: {error}",
    load_failed: "No se pudieron cargar los mensajes: {error}",
    repeat: "No se volvió a enviar: el mismo texto acaba de ir a este número (protección contra repeticiones).",
  },
  "zh-Hans": {
    title: "会话",
    empty: "暂无消息。",
    message: "短信",
    send: "发送",
    you: "我：{text}",
    unread: "未读：{count}",
    send_failed: "未发送：{error}",
    load_failed: "无法加载消息：{error}",
    repeat: "未再次发送：相同内容刚刚已发送到此号码（重复发送保护）。",
  },
};
// mdi:send and mdi:account.
const SEND_ICON = "M2,21L23,12L2,3V10L17,12L2,14V21Z";
const PERSON_ICON =
  "M12,4A4,4 0 0,1 16,8A4,4 0 0,1 12,12A4,4 0 0,1 8,8A4,4 0 0,1 12,4M12,14C16.42,14 20,15.79 20,18V20H4V18C4,15.79 7.58,14 12,14Z";
// Sent messages that did not arrive, shown in the theme's error colour.
const FAILED = new Set(["failed", "delivery_timeout", "not_found", "expired"]);
const DAY = 86_400_000;

const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, key) => values[key]);

const node = (tag, className, text) => {
  const element = document.createElement(tag);
  element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
};

// Moves only what is out of place, so a focused thread keeps its focus as others move.
const place = (parent, children) => {
  children.forEach((child, index) => {
    if (parent.children[index] !== child) parent.insertBefore(child, parent.children[index] ?? null);
  });
  while (parent.children.length > children.length) parent.lastElementChild.remove();
};

const STYLE = `
:host { display: block; }
ha-card { display: flex; flex-direction: column; height: var(--eims-conversations-height, min(75vh, 560px)); overflow: hidden; }
.header { display: flex; align-items: center; gap: 4px; padding: 8px 16px; min-height: 48px; border-bottom: 1px solid var(--divider-color); }
.header.open { padding-inline-start: 4px; }
.heading { min-width: 0; }
h2 { margin: 0; font-size: var(--ha-font-size-l, 20px); font-weight: var(--ha-font-weight-normal, 400); color: var(--primary-text-color); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.subtitle { font-size: var(--ha-font-size-s, 12px); color: var(--secondary-text-color); }
.note { margin: 16px; color: var(--secondary-text-color); }
.note.error, .error { color: var(--error-color); }
.threads, .log { flex: 1; overflow-y: auto; overscroll-behavior: contain; }
.thread-item { display: flex; gap: 12px; align-items: center; width: 100%; padding: 10px 16px; border: 0; border-bottom: 1px solid var(--divider-color); background: none; color: var(--primary-text-color); font: inherit; text-align: start; cursor: pointer; }
.thread-item:hover { background: var(--secondary-background-color); }
.thread-item:focus-visible { outline: 2px solid var(--primary-color); outline-offset: -2px; }
.avatar { flex: none; display: grid; place-items: center; width: 40px; height: 40px; border-radius: 50%; background: var(--secondary-background-color); color: var(--secondary-text-color); font-weight: 500; }
.main { flex: 1; min-width: 0; }
.line { display: flex; gap: 8px; align-items: baseline; }
.name, .preview { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.name { font-weight: 500; }
.unread .name, .unread .preview { font-weight: 700; }
.time, .preview { font-size: var(--ha-font-size-s, 12px); color: var(--secondary-text-color); }
.badge { flex: none; min-width: 20px; padding: 0 6px; border-radius: 10px; box-sizing: border-box; background: var(--primary-color); color: var(--text-primary-color); font-size: 12px; line-height: 20px; text-align: center; }
.badge:empty { display: none; }
.log { display: flex; flex-direction: column-reverse; outline: none; }
.messages { display: flex; flex-direction: column; gap: 4px; padding: 8px 12px; }
.day { align-self: center; margin: 8px 0 4px; font-size: var(--ha-font-size-s, 12px); color: var(--secondary-text-color); }
.message { max-width: 80%; display: flex; flex-direction: column; content-visibility: auto; contain-intrinsic-size: auto 48px; }
.message.received { align-self: flex-start; }
.message.sent { align-self: flex-end; align-items: flex-end; }
.bubble { padding: 8px 12px; border-radius: 16px; white-space: pre-wrap; overflow-wrap: anywhere; background: var(--secondary-background-color); color: var(--primary-text-color); }
.sent .bubble { background: var(--primary-color); color: var(--text-primary-color); }
.meta { margin: 2px 8px 0; font-size: 11px; color: var(--secondary-text-color); }
.meta.failed { color: var(--error-color); }
.error { margin: 0 16px; font-size: var(--ha-font-size-s, 12px); }
.error:empty { display: none; }
.reply { padding: 4px 12px 8px; }
[hidden] { display: none !important; }
`;

class ConversationsView extends HTMLElement {
  constructor() {
    super();
    this._messages = new Map();
    this._threadItems = new Map();
    this._logItems = new Map();
    this._marking = new Set();
    const root = this.attachShadow({ mode: "open" });
    root.innerHTML = `<style>${STYLE}</style><ha-card>
      <div class="header"><ha-icon-button-arrow-prev hidden></ha-icon-button-arrow-prev>
        <div class="heading"><h2></h2><div class="subtitle"></div></div></div>
      <p class="note" role="status"></p>
      <div class="threads"></div>
      <div class="log" role="log" tabindex="-1" hidden><div class="messages"></div></div>
      <p class="error" role="alert"></p>
      <div class="reply" hidden><ha-input><ha-icon-button slot="end"></ha-icon-button></ha-input></div>
    </ha-card>`;
    const $ = (selector) => root.querySelector(selector);
    [this._header, this._back, this._title, this._subtitle] = [".header", "ha-icon-button-arrow-prev", "h2", ".subtitle"].map($);
    [this._note, this._threads, this._log, this._messageList] = [".note", ".threads", ".log", ".messages"].map($);
    [this._error, this._reply, this._input] = [".error", ".reply", "ha-input"].map($);
    this._send = $("ha-icon-button");
    this._send.path = SEND_ICON;
    this._back.addEventListener("click", () => this._close());
    this._threads.addEventListener("click", (ev) => {
      const item = ev.target.closest(".thread-item");
      // A click made with Enter or Space (detail 0) puts the keyboard in the reply box.
      if (item) this._openThread(item.dataset.number, ev.detail === 0);
    });
    this._threads.addEventListener("keydown", (ev) => {
      const step = { ArrowDown: "nextElementSibling", ArrowUp: "previousElementSibling" }[ev.key];
      const next = step && ev.target[step];
      if (next) {
        ev.preventDefault();
        next.focus();
      }
    });
    root.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape" && this._open !== undefined) {
        ev.preventDefault();
        this._close();
      }
    });
    this._input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        this._sendReply();
      }
    });
    this._send.addEventListener("click", () => this._sendReply());
  }

  set config(config) {
    const account = this._config?.config_entry_id;
    this._config = config;
    if (config.config_entry_id !== account) {
      this._open = undefined;
      this._subscribe();
    }
    this._render();
  }

  set hass(hass) {
    const language = this._language;
    this._hass = hass;
    this._language = hass.locale.language;
    if (this._language !== language) this._localize();
    if (!this._subscription) this._subscribe();
  }

  connectedCallback() {
    this._subscribe();
  }

  disconnectedCallback() {
    this._unsubscribe();
  }

  async _localize() {
    const hass = this._hass;
    const language = this._language;
    this._strings = STRINGS[language] ?? STRINGS[language.split("-")[0]] ?? STRINGS.en;
    this._back.hass = hass;
    this._send.label = this._strings.send;
    this._input.label = this._strings.message;
    this._threadItems.clear();
    this._logItems.clear();
    this._render();
    // Delivery statuses read as the account's delivery sensor names them.
    const localize = await hass.loadBackendTranslation("entity", "eims");
    if (language !== this._language) return;
    this._status = (status) =>
      localize(`component.eims.entity.sensor.last_delivery_status.state.${status}`) || status;
    this._logItems.clear();
    this._render();
  }

  _subscribe() {
    this._unsubscribe();
    const hass = this._hass;
    if (!hass || !this._config || !this.isConnected) return;
    const { connection } = hass;
    const subscription = { closed: false };
    // The first event of a subscription, also one renewed after a reconnect, is the whole history.
    const renewed = () => (subscription.fresh = true);
    renewed();
    connection.addEventListener("ready", renewed);
    subscription.close = () => {
      subscription.closed = true;
      connection.removeEventListener("ready", renewed);
      subscription.unsubscribe?.();
    };
    this._subscription = subscription;
    this._loaded = false;
    this._failure = undefined;
    connection
      .subscribeMessage((event) => this._receive(subscription, event), {
        type: "eims/messages/subscribe",
        config_entry_id: this._config.config_entry_id,
      })
      .then(
        (unsubscribe) => {
          if (subscription.closed) unsubscribe();
          else subscription.unsubscribe = unsubscribe;
        },
        async (err) => {
          if (subscription.closed) return;
          this._failure = await this._errorText(err);
          if (!subscription.closed) this._render();
        },
      );
    this._render();
  }

  _unsubscribe() {
    this._subscription?.close();
    this._subscription = undefined;
  }

  _receive(subscription, event) {
    if (subscription.fresh || event.reset) {
      subscription.fresh = false;
      this._messages.clear();
    }
    // Events list the newest first; the gateway's whole seconds tie often, the order decides.
    for (const message of event.messages.toReversed()) {
      message.time = Date.parse(message.at);
      message.order = this._messages.get(message.id)?.order ?? (this._order = (this._order ?? 0) + 1);
      this._messages.set(message.id, message);
    }
    this._loaded = true;
    this._render();
  }

  _groupThreads() {
    const threads = new Map();
    for (const message of this._messages.values()) {
      let thread = threads.get(message.number);
      if (!thread) threads.set(message.number, (thread = { number: message.number, messages: [], unread: 0 }));
      thread.messages.push(message);
      if (message.direction === "received" && !message.read) thread.unread += 1;
    }
    for (const thread of threads.values()) {
      thread.messages.sort((a, b) => a.time - b.time || a.order - b.order);
      thread.last = thread.messages.at(-1);
      thread.name = thread.messages.findLast((message) => message.contact)?.contact ?? thread.number;
    }
    return [...threads.values()].sort((a, b) => b.last.time - a.last.time || b.last.order - a.last.order);
  }

  _render() {
    if (!this._strings || !this._config) return;
    const threads = this._groupThreads();
    const open = this._open === undefined ? undefined : threads.find((thread) => thread.number === this._open);
    this._header.classList.toggle("open", this._open !== undefined);
    this._back.hidden = this._reply.hidden = this._log.hidden = this._open === undefined;
    this._threads.hidden = this._open !== undefined;
    this._title.textContent = open?.name ?? this._open ?? this._config.title ?? this._strings.title;
    this._subtitle.textContent = open && open.name !== open.number ? open.number : "";
    this._note.classList.toggle("error", this._failure !== undefined);
    if (this._failure !== undefined) this._note.textContent = fill(this._strings.load_failed, { error: this._failure });
    else if (!this._loaded) this._note.textContent = "";
    else this._note.textContent = threads.length || this._open !== undefined ? "" : this._strings.empty;
    this._note.hidden = !this._note.textContent;
    if (this._open === undefined) this._renderThreads(threads);
    else this._renderLog(open?.messages ?? []);
    if (open?.unread) this._markRead(open);
  }

  _renderThreads(threads) {
    const items = new Map();
    place(
      this._threads,
      threads.map((thread) => {
        const item = this._threadItems.get(thread.number) ?? this._threadItem(thread.number);
        items.set(thread.number, item);
        const { last } = thread;
        const preview = last.direction === "sent" ? fill(this._strings.you, { text: last.text }) : last.text;
        const time = this._listTime(last.time);
        const key = [thread.name, preview, time, thread.unread].join("\n");
        if (item.key !== key) {
          item.key = key;
          const { avatar, name, when, text, badge } = item.parts;
          item.classList.toggle("unread", thread.unread > 0);
          avatar.textContent = "";
          if (thread.name === thread.number) {
            const icon = document.createElement("ha-svg-icon");
            icon.path = PERSON_ICON;
            avatar.append(icon);
          } else avatar.textContent = [...thread.name][0].toUpperCase();
          name.textContent = thread.name;
          when.textContent = time;
          text.textContent = preview;
          badge.textContent = thread.unread || "";
          const unread = thread.unread ? fill(this._strings.unread, { count: thread.unread }) : "";
          item.setAttribute("aria-label", [thread.name, unread, time, preview].filter(Boolean).join(", "));
        }
        return item;
      }),
    );
    this._threadItems = items;
  }

  _threadItem(number) {
    const item = node("button", "thread-item");
    item.type = "button";
    item.dataset.number = number;
    const parts = {
      avatar: node("div", "avatar"),
      name: node("span", "name"),
      when: node("span", "time"),
      text: node("span", "preview"),
      badge: node("span", "badge"),
    };
    parts.avatar.setAttribute("aria-hidden", "true");
    const main = node("div", "main");
    const top = node("div", "line");
    const bottom = node("div", "line");
    top.append(parts.name, parts.when);
    bottom.append(parts.text, parts.badge);
    main.append(top, bottom);
    item.append(parts.avatar, main);
    item.parts = parts;
    return item;
  }

  // The log scrolls from its end (column-reverse): it opens at the newest without measuring the rest.
  _renderLog(messages) {
    const log = this._log;
    const atEnd = this._stick || log.scrollTop > -40;
    const items = new Map();
    const children = [];
    let day;
    for (const message of messages) {
      const messageDay = this._dayKey(message.time);
      if (messageDay !== day) {
        day = messageDay;
        const label = this._logItems.get(day) ?? node("div", "day", this._dayLabel(message.time));
        items.set(day, label);
        children.push(label);
      }
      const item = this._logItems.get(message.id) ?? node("div", `message ${message.direction}`);
      if (item.message !== message) {
        item.message = message;
        const meta = [this._formats.time.format(message.time)];
        if (message.status) meta.push(this._status?.(message.status) ?? message.status);
        item.replaceChildren(node("div", "bubble", message.text), node("div", `meta${FAILED.has(message.status) ? " failed" : ""}`, meta.join(" · ")));
      }
      items.set(message.id, item);
      children.push(item);
    }
    place(this._messageList, children);
    this._logItems = items;
    if (atEnd) log.scrollTop = 0;
    this._stick = false;
  }

  _openThread(number, typing) {
    this._open = number;
    this._logItems.clear();
    this._messageList.replaceChildren();
    this._error.textContent = "";
    this._stick = true;
    this._render();
    (typing ? this._input : this._log).focus();
  }

  _close() {
    const number = this._open;
    this._open = undefined;
    this._error.textContent = "";
    this._render();
    this._threadItems.get(number)?.focus();
  }

  async _markRead(thread) {
    const { number } = thread;
    if (this._marking.has(number)) return;
    this._marking.add(number);
    try {
      await this._hass.callWS({ type: "eims/messages/mark_read", config_entry_id: this._config.config_entry_id, number });
      // The subscription brings the change too; the badge need not wait for it.
      for (const message of thread.messages) {
        if (message.direction === "received" && !message.read) this._messages.set(message.id, { ...message, read: true });
      }
      this._render();
    } catch (err) {
      this._error.textContent = await this._errorText(err);
    } finally {
      this._marking.delete(number);
    }
  }

  async _sendReply() {
    const text = this._input.value ?? "";
    const number = this._open;
    if (!text.trim() || this._sending || number === undefined) return;
    this._sending = this._send.disabled = true;
    this._error.textContent = "";
    try {
      const { response } = await this._hass.callService(
        "eims",
        "send_sms",
        { config_entry_id: this._config.config_entry_id, numbers: [number], message: text },
        undefined,
        false,
        true,
      );
      // The repeat guard held it back: no error, but nothing went either; the text stays.
      if (response?.suppressed?.length) {
        this._error.textContent = this._strings.repeat;
        return;
      }
      // What was typed while it went stays for the next message.
      if (this._input.value === text) this._input.value = "";
      this._stick = true;
    } catch (err) {
      this._error.textContent = fill(this._strings.send_failed, { error: await this._errorText(err) });
    } finally {
      this._sending = this._send.disabled = false;
    }
  }

  async _errorText(err) {
    if (err.translation_domain && err.translation_key) {
      const localize = await this._hass.loadBackendTranslation("exceptions", err.translation_domain);
      const text = localize(
        `component.${err.translation_domain}.exceptions.${err.translation_key}.message`,
        err.translation_placeholders,
      );
      if (text) return text;
    }
    return err.message ?? String(err);
  }

  get _formats() {
    const { locale, config } = this._hass;
    const key = [locale.language, locale.time_format, locale.time_zone, config.time_zone].join();
    if (this._formatKey !== key) {
      this._formatKey = key;
      const timeZone = locale.time_zone === "server" ? config.time_zone : undefined;
      const hour12 = { 12: true, 24: false }[locale.time_format] ??
        (locale.time_format === "system" ? new Intl.DateTimeFormat(undefined, { hour: "numeric" }).resolvedOptions().hour12 : undefined);
      const format = (options, language = locale.language) => new Intl.DateTimeFormat(language, { timeZone, ...options });
      this._formatCache = {
        time: format({ hour: "numeric", minute: "2-digit", hour12 }),
        date: format({ day: "numeric", month: "short" }),
        dateYear: format({ day: "numeric", month: "short", year: "numeric" }),
        day: format({ weekday: "long", day: "numeric", month: "long", year: "numeric" }),
        dayKey: format({ year: "numeric", month: "2-digit", day: "2-digit" }, "en-CA"),
        relative: new Intl.RelativeTimeFormat(locale.language, { numeric: "auto" }),
      };
    }
    return this._formatCache;
  }

  _dayKey(time) {
    return this._formats.dayKey.format(time);
  }

  _dayLabel(time) {
    const now = Date.now();
    const day = this._dayKey(time);
    const ago = [now, now - DAY].findIndex((moment) => this._dayKey(moment) === day);
    if (ago < 0) return this._formats.day.format(time);
    const label = this._formats.relative.format(-ago, "day");
    return label[0].toLocaleUpperCase(this._language) + label.slice(1);
  }

  _listTime(time) {
    const day = this._dayKey(time);
    if (day === this._dayKey(Date.now())) return this._formats.time.format(time);
    return (day.slice(0, 4) === this._dayKey(Date.now()).slice(0, 4) ? this._formats.date : this._formats.dateYear).format(time);
  }
}

customElements.define("eims-conversations", ConversationsView);
