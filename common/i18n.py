"""One way to say a text in the customer's language.

Each service keeps its own catalogue (it owns its words: the actions' messages, the hub's notices, the voice
line's prompts, the reminder SMS ...); they all read them through `text` here, so the fallback (Mandarin) and
the formatting are the same everywhere. The assistant's own replies are Rasa responses in bot/domain/, with
variations on the `language` slot. A catalogue is a plain mapping of key to {"zh": ..., "en": ...};
`problems` names what is wrong with one (tests/unit/test_catalogues.py runs it on every catalogue)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from string import Formatter
from typing import TypedDict

from common.language import LANGUAGES, supported


class Entry(TypedDict):
    zh: str
    en: str


Catalogue = Mapping[str, Entry]


def text(catalogue: Catalogue, key: str, language: str | None, **values: object) -> str:
    """The entry in the language (Mandarin for any other), its {placeholders} filled from values."""
    entry = catalogue[key]
    return entry.get(supported(language), entry["zh"]).format(**values)


def label(catalogue: Catalogue, key: str, language: str | None) -> str:
    """A label (a status, a kind) as shown, unformatted; the key itself when the catalogue has none for it."""
    entry = catalogue.get(key)
    return entry.get(supported(language), entry["zh"]) if entry else key


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


def filled(catalogue: Catalogue, facts: Mapping[str, Mapping[str, str]]) -> dict[str, Entry]:
    """The catalogue with some placeholders filled in once, where the texts are defined: facts written down
    elsewhere (the hotline), given per language as {"zh": {name: value}, "en": {...}}. Other placeholders stay."""
    def fill(template: str, values: Mapping[str, str]) -> str:
        for name, value in values.items():
            template = template.replace("{" + name + "}", value)
        return template
    return {key: {"zh": fill(entry["zh"], facts["zh"]), "en": fill(entry["en"], facts["en"])}
            for key, entry in catalogue.items()}


def problems(catalogue: Catalogue, grammar: Collection[str] = ()) -> list[str]:
    """What keeps a catalogue from saying every text in both languages alike: a language missing or empty, one
    more than we serve, or placeholders that differ between the two (a value one language would not show).
    grammar: placeholders that carry no value, only one language's grammar (English "is"/"are"), not compared."""
    found = []
    for key, entry in catalogue.items():
        missing = [language for language in LANGUAGES if not entry.get(language)]
        extra = sorted(set(entry) - set(LANGUAGES))
        if missing or extra:
            found.append(f"{key}: missing {missing}, unknown {extra}")
            continue
        try:
            names = {language: placeholders(entry[language]) - set(grammar) for language in LANGUAGES}
        except ValueError as exc:
            found.append(f"{key}: unreadable template ({exc})")
            continue
        if names["zh"] != names["en"]:
            found.append(f"{key}: placeholders zh {sorted(names['zh'])} but en {sorted(names['en'])}")
    return found
