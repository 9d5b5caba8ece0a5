"""Training variants of our hand-written examples: long chatty messages and traditional characters.

    .venv/bin/python -m nlu_gen.augment      # rewrites nlu_data/{zh,en}/augmented.yml

Customers wrap a request in a paragraph of context, and customers from Hong Kong, Taiwan and abroad
write traditional characters. Without examples of either the model reads the context, not the request.
The wrappers here are not the ones the robustness test uses (nlu_gen/variants.py), so that test still
measures something the model was not shown; the character table is the same one (167 characters).
"""

from __future__ import annotations

import random
import re
from functools import lru_cache
from pathlib import Path

from nlu_gen.examples import ANNOTATION, texts_of
from nlu_gen.variants import NOT_LONG, TO_TRADITIONAL

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = "augmented.yml"
SKIP = {OUTPUT, "out_of_scope_generated.yml"}
SEED = 41
LONG_PER_INTENT = 16
TRADITIONAL_SHARE = 6  # one zh example in six, unannotated ones only
# A two- or three-character phrase in traditional characters teaches the model nothing the table does not,
# and is the kind of stock phrase any evaluation set also holds.
TRADITIONAL_MIN_CHARS = 4
WRAPPERS = {
    "zh": ("不好意思打扰了，我这边情况有点复杂，简单说就是{text}，你们看怎么处理比较好",
           "跟你说个事，前两天我跟家里人商量了半天，最后决定还是来问一下：{text}。等你回复",
           "我平时工作忙很少上来看，今天正好有时间，{text}，就这个事",
           "刚才打电话一直占线，只好在这里留言了，{text}，麻烦看一下"),
    "en": ("sorry for the long message, my situation is a bit complicated but basically {text}, let me know",
           "so i talked it over with my wife for a while and we decided to just ask you directly: {text}",
           "i've been a customer for years and rarely get in touch, but {text}, that's all really",
           "i tried calling but the line was busy the whole morning, so i'm writing instead: {text}"),
}
# Context before and after a request, combined at random: more kinds of chatter than whole wrappers give, so the
# model learns that the request decides, not the words around it.
OPENINGS = {
    "zh": ("你好，想咨询个事，", "是这样的，我上周刚出差回来，", "我妈让我帮她问问，", "之前问过一次没说清楚，再问一下，",
           "我在你们这买了好几年保险了，", "我不太懂保险条款，", "刚收到你们的短信，", "晚上睡不着想起这件事，",
           "朋友推荐我来这里问，", "我在医院排队，顺便问下，", "第一次用这个聊天，", "哎，这事拖了好久了，"),
    "en": ("hi, quick question, ", "so i just got back from a work trip and ", "my mum asked me to sort this out for her: ",
           "i asked before but didn't get a clear answer, so again: ", "i've had insurance with you for years, ",
           "i don't really understand the small print, but ", "i got a text from you earlier and ",
           "couldn't sleep and remembered this, ", "a friend said to ask here: ", "i'm in the queue at the hospital, ",
           "first time using this chat, ", "ok so this has been dragging on for ages, "),
}
CLOSINGS = {
    "zh": ("，麻烦了", "，在线等，挺急的", "，谢谢啦", "，辛苦了", "，请尽快处理", "。就这些", "，能快点给个答复吗", "，拜托了",
           "，等你消息", "，回我一下就行"),
    "en": (", thanks a lot", ", cheers", ", it's kind of urgent", ". that's all", ", please get back to me asap",
           ", appreciate it", ", thank you so much", ". waiting for your reply", ", many thanks in advance", ""),
}


def hand_written(language: str) -> list[tuple[str, str]]:
    """(intent, raw example line with annotations) from our hand-written training files."""
    import yaml

    examples = []
    for path in sorted((ROOT / "nlu_data" / language).glob("*.yml")):
        if path.name in SKIP:
            continue
        for block in (yaml.safe_load(path.read_text("utf-8")) or {}).get("nlu", []):
            if "intent" not in block:
                continue
            for line in (block.get("examples") or "").splitlines():
                text = line.strip().removeprefix("- ").strip()
                if text and not text.startswith("#"):
                    examples.append((block["intent"], text))
    return examples


@lru_cache(maxsize=1)
def evaluation_texts() -> frozenset[str]:
    """Every sentence of every evaluation set (tests/nlu/), read once. A variant can come out equal to one of them
    (a short request in traditional characters): it is left out, so that training never holds a sentence we
    measure on."""
    return frozenset(texts_of(sorted((ROOT / "tests" / "nlu").rglob("*.yml"))))


def wrapped(text: str, language: str, rng: random.Random) -> str:
    """The request in one of the whole wrappers, or between an opening and a closing picked apart."""
    if rng.random() < 0.25:
        return rng.choice(WRAPPERS[language]).format(text=text)
    return f"{rng.choice(OPENINGS[language])}{text}{rng.choice(CLOSINGS[language])}"


def augment(language: str) -> dict[str, list[str]]:
    rng = random.Random(f"{SEED}-{language}")
    examples = hand_written(language)
    by_intent: dict[str, list[str]] = {}
    for intent, text in examples:
        by_intent.setdefault(intent, []).append(text)
    result: dict[str, list[str]] = {}
    for intent, texts in by_intent.items():
        if intent in NOT_LONG:
            continue
        for text in rng.sample(texts, min(LONG_PER_INTENT, len(texts))):
            result.setdefault(intent, []).append(wrapped(text, language, rng))
    if language == "zh":
        for intent, text in examples:
            if ANNOTATION.search(text) or rng.randrange(TRADITIONAL_SHARE) or len(text) < TRADITIONAL_MIN_CHARS:
                continue
            converted = text.translate(TO_TRADITIONAL)
            if converted != text:
                result.setdefault(intent, []).append(converted)
    known = {re.sub(r"\s+", " ", ANNOTATION.sub(r"\1", t)).lower() for _, t in examples}
    excluded = known | evaluation_texts()
    return {intent: sorted(set(t for t in texts if ANNOTATION.sub(r"\1", t).lower() not in excluded))
            for intent, texts in result.items()}


def main() -> None:
    for language in ("zh", "en"):
        result = augment(language)
        lines = [f"# Long messages and traditional characters made from our {language} examples.",
                 "# Generated by `python -m nlu_gen.augment`; do not edit.", 'version: "3.1"', "nlu:"]
        for intent, texts in result.items():
            lines += [f"- intent: {intent}", "  examples: |", *[f"    - {t}" for t in texts]]
        (ROOT / "nlu_data" / language / OUTPUT).write_text("\n".join(lines) + "\n", "utf-8")
        print(f"{language}: {sum(len(t) for t in result.values())} examples")


if __name__ == "__main__":
    main()
