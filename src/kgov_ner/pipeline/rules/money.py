"""MONEY candidates: a number grammar with 만/억/조 units and a currency word."""

from __future__ import annotations

import re
from typing import Iterator

from kgov_ner.pipeline.rules.common import HANGUL, Candidate, rest_of_word
from kgov_ner.resources.lexicon import is_particle_run, word_list

_NUM_DIGIT = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUM_HANGUL = "[일이삼사오육칠팔구십백천]+"
_TERM = rf"(?:(?:{_NUM_DIGIT})(?:천|백|십)?|{_NUM_HANGUL})여?(?:조|억|만)?여?"
_MONEY_RE = re.compile(
    rf"(?<![\d,.{HANGUL}A-Za-z])(?:{_TERM})(?:\s?(?:{_TERM}))*(?:\s?(?P<cur>원|달러))?"
)
_BIG_UNIT = re.compile("[조억만]")
_DIGIT = re.compile(r"\d")
_RANGE_TO = re.compile(r"\s?[~∼〜～-]\s?")
_BARE_END = re.compile(rf"(?:{_NUM_DIGIT})(?:천|백|십)?(?:조|억|만)여?")
_HANGUL_NUMERAL_AMOUNT = re.compile(f"{_NUM_HANGUL}(?:조|억|만)?여?\\s?(?:{_NUM_HANGUL}(?:조|억|만)?여?\\s?)*(?:원|달러)$")


def find_money(text: str) -> Iterator[Candidate]:
    """Amounts: 4500만 원, 1억 2000만원, 6억 2천여만 원, 50억, 오천만 원.

    An amount needs a currency word or a 만/억/조 unit; with no currency it
    must not be followed by a counter noun (3만 명, 1,100여 곳 are counts).
    Hangul-only numerals need a currency word (오천만 원), since 이/구/천 are
    also ordinary syllables.
    """
    counters = word_list("counters.txt")
    for m in _MONEY_RE.finditer(text):
        span = m.group(0).rstrip()
        start, end = m.start(), m.start() + len(span)
        has_cur = m.group("cur") is not None
        if not _DIGIT.search(span) and not has_cur:
            continue
        if not has_cur:
            end = _bare_amount_end(text, span, end, counters)
            if end is None:
                continue
        elif not _DIGIT.search(span[: m.start("cur") - m.start()]):
            # Hangul numerals need a unit word: 오천만 원 is money, 이원 is a name.
            if not _HANGUL_NUMERAL_AMOUNT.match(span) or not re.search("[십백천만억조]", span):
                continue
        yield Candidate(start, end, "MONEY", "money-grammar", 1)


def _bare_amount_end(text: str, span: str, end: int, counters: list[str]) -> int | None:
    """Where an amount written without a currency word ends, or None if it is no amount.

    A trailing 여 is trimmed and a big unit must end it (50억); a counter
    noun after it (3만 명) or Hangul fused to it (만큼, 억지) rules it out.
    """
    if not _BIG_UNIT.search(span):
        return None
    while span and span[-1] in "여":
        span = span[:-1]
        end -= 1
    if not span or span[-1] not in "조억만":
        return None
    rng = _RANGE_TO.match(text, end)
    if rng and (to := _BARE_END.match(text, rng.end())) and _counted(text, to.end(), counters):
        return None  # 20만~50만 명: the first end of a range is counted by the range's counter
    if _counted(text, end, counters):
        return None
    word = rest_of_word(text, end) if re.match(f"[{HANGUL}]", text[end:end + 1] or " ") else ""
    if word and not is_particle_run(word):
        return None  # fused into a longer word: 만큼, 억지
    return end


def _counted(text: str, end: int, counters: list[str]) -> bool:
    """Whether a counter noun follows *end* (3만 명, 1,100여 곳): a count, not an amount."""
    following = text[end:end + 8].lstrip()
    word = rest_of_word(following, 0) if following else ""
    return any(word.startswith(c) and is_particle_run(word[len(c):]) for c in counters)
