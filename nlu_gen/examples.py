"""Reading Rasa NLU YAML files as (text, intent) pairs, annotations removed."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]+\)|\{[^}]+\})")


def plain(line: str) -> str:
    """An example line as the customer typed it: no list dash, no entity annotations."""
    return ANNOTATION.sub(r"\1", line.strip().removeprefix("- ").strip())


def read_examples(path: Path) -> list[tuple[str, str]]:
    examples = []
    for block in (yaml.safe_load(path.read_text("utf-8")) or {}).get("nlu", []):
        if "intent" not in block:
            continue
        for line in (block.get("examples") or "").splitlines():
            text = plain(line)
            if text and not text.startswith("#"):
                examples.append((text, block["intent"]))
    return examples


def texts_of(paths: list[Path]) -> set[str]:
    """Every example text of these files, lower case."""
    return {text.lower() for path in paths for text, _ in read_examples(path)}
