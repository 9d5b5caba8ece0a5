"""Cleaning what speech recognition hears before the assistant reads it.

Pure functions (the Mandarin vocabulary loads once). Whisper slips on insurance words (宝单 for 保单,
礼赔 for 理赔), writes Traditional characters, spells numbers as words ("one three eight", 幺三八) and
spaces them out ("H L 2 0 2 4").
The assistant's parsers want 保单, 理赔, HL20240001 and 13800138000.
"""

from __future__ import annotations

import re
import unicodedata

from common.character_forms import simplified
from common.normalize import NUMBER_PREFIX_PATTERN
from common.parsing import CN_DIGITS
from voice.recognition.heard_slips import heard_slips
from voice.recognition.lexicon import mandarin_lexicon

# Near-homophones Whisper writes for the domain's words, by language. Longest first when applied.
ZH_SLIPS: dict[str, str] = {
    "宝单": "保单", "保丹": "保单", "报单": "保单", "饱单": "保单", "包单": "保单",
    "礼赔": "理赔", "理陪": "理赔", "里赔": "理赔", "理培": "理赔", "李赔": "理赔", "理配": "理赔", "立赔": "理赔",
    "须保": "续保", "需保": "续保", "叙保": "续保", "序保": "续保", "绪保": "续保",
    "保废": "保费", "保肥": "保费", "宝费": "保费",
    "投包": "投保", "头保": "投保",
    "报安": "报案", "包案": "报案",
    "专人工": "转人工", "转人公": "转人工", "赚人工": "转人工",
    "安鑫": "安心", "安欣": "安心", "安新": "安心",
    "医了险": "医疗险", "一疗险": "医疗险",
    "车线": "车险", "寿线": "寿险", "受险": "寿险", "受显": "寿险",
    "人工做习": "人工坐席", "人工做席": "人工坐席",
    "面子条款": "免责条款", "免则条款": "免责条款", "面责条款": "免责条款",
    "验针": "验真", "验正": "验真",
    "电子宝单": "电子保单",
}
EN_SLIPS: dict[str, str] = {
    r"\bclaim(?:ed)? status\b": "claim status",
    r"\be[\s-]?policy\b": "e-policy",
    r"\bre-new": "renew",
    r"\bpolice number\b": "policy number",
    r"\bpolice(?=\s+(?:number|details|status))": "policy",
    r"\bclaims? number\b": "claim number",
    # Whisper writes the homophone that ends a goodbye ("that's everything by"); a finished sentence does
    # not end on "by" (an unfinished "I'll pay by…" stays).
    r"(?<!pay )(?<!paid )\bby(?=\W*$)": "bye",
}

EN_DIGITS = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
             "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_DIGIT_WORD = r"(?:zero|oh|o|one|two|three|four|five|six|seven|eight|nine|\d)"
_DIGIT_RUN_EN = re.compile(rf"\b(?:(?:double|triple)\s+)?{_DIGIT_WORD}(?:[\s,-]+(?:(?:double|triple)\s+)?{_DIGIT_WORD}\b)+",
                           re.IGNORECASE)
# Letters of policy/claim prefixes spoken one by one: "H L 2024...", "h. l. two zero".
_SPELLED_PREFIX = re.compile(r"\b(h|a|l|c)[\s.]*\b(l|u|f|c)\b[\s.,-]*(?=\d)", re.IGNORECASE)
_SPOKEN_DIGIT_RUN_ZH = re.compile(r"[零〇一幺二两三四五六七八九]{3,}")
_DIGIT_GAP = re.compile(r"(?<=\d)[\s\-–—]+(?=\d)")  # "138 0013-8000"; not "." or "," (3.5万, 1,200)
# Whisper punctuates what nobody says; the assistant reads "Thanks a bunch." otherwise than "thanks a bunch".
_PUNCTUATION = re.compile(r"[，。？！；：、…“”\"!?;]+|(?<!\d)[.,:]+|[.,:]+(?!\d)")
_JUNK = re.compile(r"[^\w\s\u4e00-\u9fff，。？！、,.?!'%:：/-]")


def _digits(text: str) -> str:
    """Spoken Chinese digit runs to digits (幺三八 -> 138), gaps inside digit groups out."""
    text = _SPOKEN_DIGIT_RUN_ZH.sub(lambda m: "".join(str(CN_DIGITS[c]) for c in m.group()), text)
    return _DIGIT_GAP.sub("", text)


def _spoken_digits(match: re.Match[str]) -> str:
    words = re.findall(r"double|triple|[a-z]+|\d", match.group(0).lower())
    out, repeat = [], 1
    for word in words:
        if word in ("double", "triple"):
            repeat = 2 if word == "double" else 3
            continue
        out.append((EN_DIGITS.get(word) or word) * repeat)
        repeat = 1
    digits = "".join(out)
    # A lone "oh" or "o" is not a number; only runs that are mostly digits count.
    return digits if len(digits) >= 3 else match.group(0)


def correct_english(text: str) -> str:
    text = _DIGIT_RUN_EN.sub(_spoken_digits, text)
    text = _SPELLED_PREFIX.sub(lambda m: (m.group(1) + m.group(2)).upper(), text)
    for pattern, replacement in EN_SLIPS.items():
        text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
    return _digits(text)


def correct_chinese(text: str) -> str:
    text = simplified(text)  # Whisper base writes Mandarin in Traditional characters more often than not
    for slip in sorted(ZH_SLIPS, key=len, reverse=True):
        text = text.replace(slip, ZH_SLIPS[slip])
    text = _SPELLED_PREFIX.sub(lambda m: (m.group(1) + m.group(2)).upper(), text)
    # Digits first: a spoken number is not a slip of some word that sounds like it.
    text = mandarin_lexicon().correct(_digits(text))
    # Last, the slips learned from the training sentences spoken through the line (细胞 -> 细保 above, -> 续保 here).
    return heard_slips().correct(text)


def clean_transcript(text: str, language: str) -> str:
    """Full-width junk out, domain slips corrected, numbers made digits, punctuation out."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _JUNK.sub("", text)
    text = re.sub(r"\s+", " ", text).strip()
    if not re.search(r"[\u4e00-\u9fff]", text) and len(re.findall(r"[A-Za-z0-9]", text)) < 2:
        return ""  # a lone letter or symbol is noise Whisper wrote down, not a request
    text = correct_chinese(text) if language == "zh" else correct_english(text)
    text = _PUNCTUATION.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


# ---- keypad ----------------------------------------------------------------------------------

# Policy/claim prefixes keyed on the phone keypad's letters (H=4 L=5, A=2 U=8, L=5 F=3, A=2 C=2, C=2 L=5).
KEYPAD_PREFIXES = {"45": "HL", "28": "AU", "53": "LF", "22": "AC", "25": "CL"}


def keypad_to_text(digits: str) -> str:
    """What a keypad entry means: 4520240001 -> HL20240001; phone numbers and short codes as typed."""
    digits = digits.strip("#*")
    if len(digits) == 10 and digits[:2] in KEYPAD_PREFIXES:
        return KEYPAD_PREFIXES[digits[:2]] + digits[2:]
    return digits


# ---- reading numbers back --------------------------------------------------------------------

_NUMBER_TO_READ = re.compile(rf"(?<![A-Za-z0-9])(?:{NUMBER_PREFIX_PATTERN})?\d{{4,}}(?![0-9])|(?<![A-Za-z0-9])(?:{NUMBER_PREFIX_PATTERN})\d+")
ZH_DIGIT_NAMES = "零幺二三四五六七八九"  # 幺 for 1, as Chinese phone lines read digits


def numbers_in(text: str) -> list[str]:
    """Policy, claim, phone and ID digits the caller gave (4 digits or more)."""
    return _NUMBER_TO_READ.findall(text or "")


def spell_number(number: str, language: str) -> str:
    """Digit by digit, letters by name: HL20240001 -> "H L 2 0 2 4 0 0 0 1" / "H L 二零二四零零零幺"."""
    if language == "zh":
        return " ".join(ZH_DIGIT_NAMES[int(c)] if c.isdigit() else c for c in number)
    return " ".join(number)
