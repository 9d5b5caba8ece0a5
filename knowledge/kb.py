"""The knowledge base: FAQ entries and product clause sections, from knowledge/data/*.yml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data"
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Entry:
    id: str
    language: str
    kind: str  # "faq" or "clause"
    topic: str  # FAQ category or clause's insurance type
    title: str  # the FAQ question, or "<product> <section title>"
    text: str  # the answer, or the clause text
    alternates: tuple[str, ...] = ()  # other ways customers ask for this entry (相似问法)
    product: str = ""  # clauses: the product whose contract this is
    section: str = ""  # clauses: the section title, e.g. "第三条 等待期"

    @property
    def searchable(self) -> str:
        return f"{self.title} {self.text}"


def load_entries(language: str, data_dir: Path = DATA) -> list[Entry]:
    entries: list[Entry] = []
    faq = yaml.safe_load((data_dir / f"faq_{language}.yml").read_text(encoding="utf-8"))
    for item in faq["entries"]:
        entries.append(Entry(item["id"], language, "faq", item["category"], item["question"].strip(),
                             item["answer"].strip(), _alternates(item)))
    clauses = yaml.safe_load((data_dir / f"clauses_{language}.yml").read_text(encoding="utf-8"))
    for product in clauses["products"]:
        for section in product["sections"]:
            entries.append(Entry(section["id"], language, "clause", product["insurance_type"],
                                 f"{product['product']} {section['title']}".strip(), section["text"].strip(),
                                 _alternates(section), product["product"], section["title"]))
    return entries


def _alternates(item: dict) -> tuple[str, ...]:
    return tuple(str(a).strip() for a in item.get("alternates") or () if str(a).strip())


@dataclass(frozen=True)
class EvalQuestion:
    text: str
    expected: str | None


def load_eval(language: str, data_dir: Path = DATA) -> list[EvalQuestion]:
    data = yaml.safe_load((data_dir / f"eval_{language}.yml").read_text(encoding="utf-8"))
    return [EvalQuestion(q["q"], q.get("expected")) for q in data["questions"]]
