"""Texts and the facts they name, each written once.

Every catalogue of texts in the product (a module-level table declared `Catalogue`, or `dict[str, Entry]` for
one a catalogue is built from) says each key in Mandarin and English with the same {placeholders}; every
bilingual table is declared so (so none escapes this test); the hotline, the language rule and the policy-number
pattern have one definition (common/hotline.py, common/language.py, common/normalize.py) and the data files that
cannot import them agree with them."""

from __future__ import annotations

import ast
import importlib
import re

import pytest
import yaml

from common import hotline, i18n, language, normalize
from common.normalize import CLAIM_PREFIX, NUMBER_DIGITS, POLICY_PREFIXES
from tests.unit.test_architecture import ROOT, packages

DECLARED = {"Catalogue", "i18n.Catalogue", "dict[str, Entry]", "dict[str, i18n.Entry]"}
# Placeholders only English grammar needs (the voice line's queue position: "there is 1 caller", "are 3 callers").
GRAMMAR = {"verb", "callers", "unit"}


def _module_tables() -> list[tuple[str, str, ast.stmt]]:
    """(module, name, statement) of every module-level assignment of the product."""
    found = []
    for package in sorted(packages()):
        for path in sorted((ROOT / package).rglob("*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for node in ast.parse(path.read_text("utf-8")).body:
                target = node.target if isinstance(node, ast.AnnAssign) else (
                    node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None)
                if isinstance(target, ast.Name):
                    found.append((module, target.id, node))
    return found


def _bilingual_literal(node: ast.stmt) -> bool:
    value = getattr(node, "value", None)
    return isinstance(value, ast.Dict) and bool(value.values) and all(
        isinstance(v, ast.Dict) and {getattr(k, "value", None) for k in v.keys} & {"zh", "en"} for v in value.values)


def catalogues() -> list[tuple[str, str]]:
    return [(module, name) for module, name, node in _module_tables()
            if isinstance(node, ast.AnnAssign) and ast.unparse(node.annotation) in DECLARED]


def test_every_bilingual_table_is_a_declared_catalogue() -> None:
    undeclared = [f"{module}.{name}" for module, name, node in _module_tables()
                  if _bilingual_literal(node) and (module, name) not in catalogues()]
    assert not undeclared, "declare it `Catalogue` (common/i18n.py) and read it with common.i18n.text"


def test_the_scan_finds_the_catalogues() -> None:
    names = {name for _, name in catalogues()}
    assert {"MESSAGES", "PERSONAL_MESSAGES", "STATUS_LABELS", "TEXTS", "PROMPTS", "SMS", "UPDATES", "OUTCOME_MESSAGES"} \
        <= names, names
    table, labels, other = ast.parse('T = {"a": {"zh": "好", "en": "ok"}}\nL = {"x": {"en": "X"}}\nO = {"a": {"b": 1}}').body
    assert _bilingual_literal(table) and _bilingual_literal(labels) and not _bilingual_literal(other)


@pytest.mark.parametrize(("module", "name"), catalogues(), ids=lambda v: v)
def test_catalogue_says_every_key_in_both_languages_alike(module: str, name: str) -> None:
    catalogue = getattr(importlib.import_module(module), name)
    assert catalogue
    assert not i18n.problems(catalogue, grammar=GRAMMAR)


def test_the_check_finds_what_it_is_for() -> None:
    assert i18n.problems({"a": {"zh": "好"}}) == ["a: missing ['en'], unknown []"]  # type: ignore[typeddict-item]
    assert i18n.problems({"a": {"zh": "{n} 份", "en": "{count} policies"}}) == \
        ["a: placeholders zh ['n'] but en ['count']"]
    assert i18n.problems({"a": {"zh": "还有{n}位", "en": "there {verb} {n}"}}, grammar={"verb"}) == []
    assert i18n.problems({"a": {"zh": "好", "en": "ok", "fr": "bien"}}) == ["a: missing [], unknown ['fr']"]


def test_lookup_falls_back_to_mandarin_and_fills_values() -> None:
    catalogue: i18n.Catalogue = {"hi": {"zh": "您好，{name}", "en": "Hello, {name}"}}
    assert i18n.text(catalogue, "hi", "en", name="Ann") == "Hello, Ann"
    assert i18n.text(catalogue, "hi", "zh", name="王芳") == "您好，王芳"
    assert i18n.text(catalogue, "hi", None, name="王芳") == i18n.text(catalogue, "hi", "fr", name="王芳") == "您好，王芳"
    assert i18n.label(catalogue, "unknown", "en") == "unknown"
    assert i18n.label(catalogue, "hi", "en") == "Hello, {name}"


def test_facts_are_filled_in_once_and_other_placeholders_stay() -> None:
    catalogue: i18n.Catalogue = {"call": {"zh": "请拨打 {hotline}（{reason}）", "en": "Call {hotline} ({reason})"}}
    filled = i18n.filled(catalogue, hotline.facts())
    assert filled["call"] == {"zh": f"请拨打 {hotline.NUMBER}（{{reason}}）", "en": f"Call {hotline.NUMBER} ({{reason}})"}


def test_hotline_hours_written_and_spoken() -> None:
    assert hotline.facts()["zh"] == {"hotline": "95500-8888", "hotline_hours": "8:00–22:00"}
    assert hotline.facts()["en"]["hotline_hours"] == "8:00–22:00"
    assert hotline.facts(spoken=True)["zh"]["hotline_hours"] == "8点到22点"
    assert hotline.facts(spoken=True)["en"]["hotline_hours"] == "8 am to 10 pm"


def test_the_hotline_is_written_only_in_common_hotline() -> None:
    written = [path.relative_to(ROOT).as_posix() for package in packages() for path in (ROOT / package).rglob("*.py")
               if hotline.NUMBER in path.read_text("utf-8") and path != ROOT / "common" / "hotline.py"]
    assert not written, "name the hotline with the {hotline} placeholder (common.hotline.facts)"


def test_the_knowledge_base_names_the_same_hotline_and_hours() -> None:
    """The FAQ and the policy terms are content (indexed as written), so they spell the hotline out: the same."""
    text = "".join(path.read_text("utf-8") for path in sorted((ROOT / "knowledge" / "data").glob("*.yml")))
    assert set(re.findall(r"95500-\d{4}", text)) == {hotline.NUMBER}
    assert set(re.findall(r"\d{1,2}:00–\d{1,2}:00", text)) == {hotline.facts()["zh"]["hotline_hours"]}


@pytest.mark.parametrize(("text", "expected"), [
    ("查一下我的保单", "zh"), ("HL20240001 的保费", "zh"), ("my policy please", "en"), ("ok", "en"),
    ("HL20240001", None), ("CL20250001", None), ("138 0013 8000", None), ("1234", None), ("?", None), ("", None),
    ("/affirm", None), ("  /request_human", None), ('/choose{"title":"好的"}', None), ("HL20240001 please", "en"),
])
def test_one_language_rule(text: str, expected: str | None) -> None:
    assert language.detect(text) == expected


def test_the_nlu_regexes_read_the_same_policy_and_claim_numbers() -> None:
    """nlu_data/regex.yml is Rasa's training data, so it spells the patterns out: they must accept the same."""
    patterns = {item["regex"]: item["examples"].strip().removeprefix("- ")
                for item in yaml.safe_load((ROOT / "nlu_data" / "regex.yml").read_text("utf-8"))["nlu"]
                if "regex" in item}
    digits = "2024000123"[:NUMBER_DIGITS]
    for prefix in POLICY_PREFIXES:
        assert re.search(patterns["policy_number"], f"查询{prefix}{digits}")
        assert re.search(patterns["policy_number"], f"{prefix.lower()} {digits[:4]} {digits[4:]}")
    assert not re.search(patterns["policy_number"], f"XY{digits}")
    assert not re.search(patterns["policy_number"], f"{POLICY_PREFIXES[0]}{digits}1")
    assert re.search(patterns["claim_number"], f"{CLAIM_PREFIX}{digits}")
    assert not re.search(patterns["claim_number"], f"{POLICY_PREFIXES[0]}{digits}")
    # Typed with a Chinese keyboard's full-width forms: the same numbers (normalize.clean reads them as ASCII).
    for prefix in POLICY_PREFIXES:
        typed = _full_width(f"{prefix}{digits}")
        found = re.search(patterns["policy_number"], f"查询{typed}")
        assert found and normalize.policy_number(found.group()) == f"{prefix}{digits}"
    assert not re.search(patterns["policy_number"], f"查询{_full_width(f'{POLICY_PREFIXES[0]}{digits}1')}")
    found = re.search(patterns["claim_number"], f"{_full_width(CLAIM_PREFIX + digits)}进度")
    assert found and normalize.claim_number(found.group()) == f"{CLAIM_PREFIX}{digits}"
    found = re.search(patterns["phone"], f"手机{_full_width('138-0013-8000')}")
    assert found and normalize.clean(found.group()) == "13800138000"


def _full_width(text: str) -> str:
    """ASCII letters, digits and '-' as a Chinese keyboard types them in full-width mode (U+FF01 onwards)."""
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


def test_the_web_pages_catalogue_says_every_key_in_both_languages_alike() -> None:
    """The hub's pages run in the browser, so they have their catalogue and its lookup (`tr`) in
    handoff/static/i18n.js: the same rule holds there."""
    source = (ROOT / "handoff" / "static" / "i18n.js").read_text("utf-8")
    table = source[source.index("const I18N = {"):source.index("\n};")]
    pair = re.compile(r'(\w+): "((?:[^"\\]|\\.)*)"')
    blocks = {"zh": table[table.index("\n  zh: {"):table.index("\n  en: {")], "en": table[table.index("\n  en: {"):]}
    catalogue: dict[str, dict[str, str]] = {}
    for lang, block in blocks.items():
        for key, value in pair.findall(block):
            catalogue.setdefault(key, {})[lang] = value
    assert len(catalogue) > 100
    assert not i18n.problems(catalogue)  # type: ignore[arg-type]
