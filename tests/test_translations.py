"""Every translation has exactly the keys and placeholders of strings.json.

The failure message lists what a language is missing (with the English text to translate),
what it has that strings.json no longer has, and where placeholders, URLs, typed names, line
breaks or markdown differ. services.yaml, triggers.yaml, strings.json and icons.json are checked
to name the same actions, triggers and fields.
"""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

import hass_frontend
from homeassistant.core import HomeAssistant
from homeassistant.helpers import translation
import pytest
import yaml

from custom_components.eims.const import DOMAIN

COMPONENT = Path(__file__).parents[1] / "custom_components" / "eims"
# Home Assistant's language codes (homeassistant/generated/languages.py).
LANGUAGES = ("de", "nl", "fr", "es", "zh-Hans")
# What a translation keeps exactly as strings.json has it, per string.
KEPT = {
    "placeholders": re.compile(r"\{(\w+)\}"),
    "URLs": re.compile(r"https?://(?:\w[\w.:/@%-]*\w)?", re.ASCII),
    # notify.send_message, sms.example.com, trigger.keyword: names the user types.
    "names": re.compile(r"\b[a-z0-9_]+(?:\.[a-z0-9_{}<>]+)+", re.ASCII),
    "line breaks": re.compile(r"\n"),
    "markdown": re.compile(r"\*\*|`"),
}
ICU_ARGUMENT = re.compile(r"\{\s*(\w+)\s*\}")
# Strings of this many words that read the same as English were left untranslated.
UNTRANSLATED_WORDS = 3


def _json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((COMPONENT / name).read_text(encoding="utf-8"))
    return data


def _yaml(name: str) -> dict[str, Any]:
    path = COMPONENT / name
    return (
        (yaml.safe_load(path.read_text(encoding="utf-8")) or {})
        if path.exists()
        else {}
    )


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{path}::"))
        else:
            flat[path] = value
    return flat


def _differences(english: dict[str, Any], translated: dict[str, Any]) -> list[str]:
    """Describe every way a translation's shape differs from strings.json."""
    problems = [
        f"missing {key}: {text!r}"
        for key, text in english.items()
        if key not in translated
    ]
    problems += [f"extra {key}" for key in translated if key not in english]
    for key, text in english.items():
        if key not in translated:
            continue
        value = translated[key]
        if not isinstance(value, str) or not value.strip():
            problems.append(f"empty or not text {key}: {value!r}")
            continue
        for name, pattern in KEPT.items():
            want, got = sorted(pattern.findall(text)), sorted(pattern.findall(value))
            if want != got:
                problems.append(f"{name} of {key}: {got} instead of {want}")
        if value == text and len(text.split()) >= UNTRANSLATED_WORDS:
            problems.append(f"untranslated {key}: {text!r}")
    return problems


def _frontend_arguments(text: str) -> list[str]:
    """The {name} arguments the frontend's ICU parser (intl-messageformat) finds in `text`.

    Raises ValueError where the frontend would show "Translation error": a brace that is not
    a simple argument, or an unclosed tag ("<room>"). An apostrophe before {, }, < or > quotes
    them ('{"1": "x"}' shows as {"1": "x"}), so "d'{name}" hides an argument.
    """
    arguments, at = [], 0
    while at < len(text):
        char, following = text[at], text[at + 1 : at + 2]
        if char == "'" and following == "'":
            at += 2
        elif char == "'" and following and following in "{}<>":
            at = _quote_end(text, at + 1)
        elif char == "{":
            argument = ICU_ARGUMENT.match(text, at)
            if argument is None:
                raise ValueError(f"a brace that is not an argument at {at}: {text!r}")
            arguments.append(argument.group(1))
            at = argument.end()
        elif char == "<" and (
            following == "/" or (following.isascii() and following.isalpha())
        ):
            raise ValueError(f"a tag at {at}: {text!r}")
        else:
            at += 1
    return arguments


def _quote_end(text: str, at: int) -> int:
    """Where the quoted text starting at `at` ends: after a lone apostrophe, or at the end."""
    while (at := text.find("'", at + 1)) != -1:
        if text[at + 1 : at + 2] != "'":
            return at + 1
        at += 1
    return len(text)


def test_english_is_strings_json() -> None:
    """translations/en.json is strings.json, so English never drifts from the source."""
    assert _json("translations/en.json") == _json("strings.json")


@pytest.mark.parametrize("language", LANGUAGES)
def test_translation_matches_strings_json(language: str) -> None:
    """The language has every key of strings.json, no other, with the same placeholders."""
    problems = _differences(
        _flatten(_json("strings.json")),
        _flatten(_json(f"translations/{language}.json")),
    )
    assert not problems, f"translations/{language}.json:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_frontend_can_render_every_string(language: str) -> None:
    """Each string parses as the frontend parses it, with the placeholders as its arguments."""
    english = _flatten(_json("strings.json"))
    problems = []
    for key, text in _flatten(_json(f"translations/{language}.json")).items():
        try:
            arguments = _frontend_arguments(text)
        except ValueError as error:
            problems.append(f"{key}: {error}")
            continue
        if sorted(arguments) != sorted(
            KEPT["placeholders"].findall(english.get(key, ""))
        ):
            problems.append(f"{key}: arguments {sorted(arguments)}")
    assert not problems, f"translations/{language}.json:\n" + "\n".join(problems)


# A list field's add button reads "Add {item}" (the frontend's
# ui.components.multi-textfield.add_item) with the field's label as the item, so list fields
# are labelled as one of their entries.
LIST_FIELDS = {
    "config_subentries::recipient::step::user::data::numbers": "numbers",
    "config_subentries::recipient::step::reconfigure::data::numbers": "numbers",
    "config_subentries::device::step::user::data::numbers": "numbers",
    "config_subentries::device::step::reconfigure::data::numbers": "numbers",
    "options::step::init::sections::assist::data::trusted_numbers": "trusted",
}
ADD_BUTTONS = {
    "en": {"numbers": "Add Phone number", "trusted": "Add Trusted number"},
    "de": {
        "numbers": "Telefonnummer hinzufügen",
        "trusted": "Vertrauenswürdige Nummer hinzufügen",
    },
    "nl": {
        "numbers": "Voeg Telefoonnummer toe",
        "trusted": "Voeg Vertrouwd nummer toe",
    },
    "fr": {
        "numbers": "Ajouter Numéro de téléphone",
        "trusted": "Ajouter Numéro de confiance",
    },
    "es": {
        "numbers": "Añadir Número de teléfono",
        "trusted": "Añadir Número de confianza",
    },
    "zh-Hans": {"numbers": "添加电话号码", "trusted": "添加受信任的号码"},
}


def _frontend_phrase(language: str, key: str) -> str:
    """Return one of the frontend's own strings in `language`, from the installed frontend."""
    folder = Path(hass_frontend.where()) / "static" / "translations"
    [path] = (
        path
        for path in folder.glob(f"{language}-*.json")
        if re.fullmatch(rf"{re.escape(language)}-[0-9a-f]+\.json", path.name)
    )
    phrase: str = json.loads(path.read_text(encoding="utf-8"))[key]
    return phrase


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_list_fields_add_buttons_read_well(language: str) -> None:
    """The add buttons of the number lists read as adding one number, in every language."""
    template = _frontend_phrase(language, "ui.components.multi-textfield.add_item")
    labels = _flatten(_json(f"translations/{language}.json"))
    buttons = {key: template.replace("{item}", labels[key]) for key in LIST_FIELDS}
    assert buttons == {
        key: ADD_BUTTONS[language][kind] for key, kind in LIST_FIELDS.items()
    }


def test_only_known_languages() -> None:
    """No translation file exists that the tests above do not check."""
    shipped = {path.stem for path in (COMPONENT / "translations").glob("*.json")}
    assert shipped == {"en", *LANGUAGES}


def _described(
    described: dict[str, Any], names: dict[str, Any], icons: dict[str, Any]
) -> list[str]:
    """Compare what a YAML file describes with its names in strings.json and its icons."""
    problems = []
    if set(icons) != set(described):
        problems.append(f"icons for {sorted(icons)}, described {sorted(described)}")
    if set(names) != set(described):
        problems.append(f"names for {sorted(names)}, described {sorted(described)}")
    for item, spec in described.items():
        fields: set[str] = set()
        sections: set[str] = set()
        for field, field_spec in ((spec or {}).get("fields") or {}).items():
            if "fields" in (field_spec or {}):
                sections.add(field)
                fields |= set(field_spec["fields"])
            else:
                fields.add(field)
        strings = names.get(item, {})
        if not {"name", "description"} <= set(strings):
            problems.append(f"{item} needs a name and a description")
        named = strings.get("fields", {})
        if set(named) != fields:
            problems.append(
                f"{item} fields named {sorted(named)}, described {sorted(fields)}"
            )
        problems += [
            f"{item}::{field} needs a name and a description"
            for field, text in named.items()
            if not {"name", "description"} <= set(text)
        ]
        if set(strings.get("sections", {})) != sections:
            problems.append(
                f"{item} sections named differently from {sorted(sections)}"
            )
    return problems


@pytest.mark.parametrize(
    ("kind", "icon"), [("services", "service"), ("triggers", "trigger")]
)
def test_yaml_descriptions_match_strings(kind: str, icon: str) -> None:
    """services.yaml and triggers.yaml, strings.json and icons.json name the same things."""
    icons = _json("icons.json").get(kind, {})
    problems = _described(
        _yaml(f"{kind}.yaml"), _json("strings.json").get(kind, {}), icons
    )
    problems += [
        f"{name} has no {icon} icon" for name, i in icons.items() if icon not in i
    ]
    assert not problems, "\n".join(problems)


def _select_selectors(tree: Any) -> list[dict[str, Any]]:
    if isinstance(tree, list):
        return [found for item in tree for found in _select_selectors(item)]
    if not isinstance(tree, dict):
        return []
    found = [tree["select"]] if isinstance(tree.get("select"), dict) else []
    return found + [
        selector for value in tree.values() for selector in _select_selectors(value)
    ]


def test_select_options_are_translated() -> None:
    """Every option of a translated select in services.yaml or triggers.yaml has a name."""
    selectors = _json("strings.json")["selector"]
    problems = []
    for select in _select_selectors([_yaml("services.yaml"), _yaml("triggers.yaml")]):
        if (key := select.get("translation_key")) is None:
            continue
        options = {
            option["value"] if isinstance(option, dict) else option
            for option in select["options"]
        }
        named = set(selectors.get(key, {}).get("options", {}))
        if options - named:
            problems.append(f"selector {key} has no name for {sorted(options - named)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_home_assistant_loads_the_translation(
    hass: HomeAssistant, language: str
) -> None:
    """Home Assistant finds the file under its language code and uses its text, not English."""
    flat = _flatten(_json(f"translations/{language}.json"))
    for category in _json("strings.json"):
        loaded = await translation.async_get_translations(
            hass, language, category, {DOMAIN}
        )
        assert loaded == {
            f"component.{DOMAIN}.{key.replace('::', '.')}": text
            for key, text in flat.items()
            if key.startswith(f"{category}::")
        }
