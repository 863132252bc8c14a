"""PROGRAM candidates: quoted names, list items, event and fund names, later mentions.

Also the two patterns a program name is read with, here and by the
normaliser: a leading year and a trailing generic head (사업, 평가).
"""

from __future__ import annotations

import functools
import re
from typing import Iterable, Iterator

from kgov_ner.pipeline.rules.common import (HANGUL, LIST_ITEM_MARKERS, WORD_RE, Candidate, quoted_spans,
                                             rest_of_word, split_particles)
from kgov_ner.resources.gazetteer import default_gazetteer
from kgov_ner.resources.lexicon import alternation, is_particle_run, tiers, word_list

_YEAR = r"(?:19|20)\d{2}"
#: A leading year as the normaliser reads it: 2019년, 2019년도, or 2013 and a
#: space (so 2030세대 keeps its number); the year is the group ``year``.
YEAR_PREFIX = re.compile(rf"^(?P<year>{_YEAR})(?:\s?년도?\s*|\s+)")
#: A leading year as the rule layer strips it for shorter mentions: looser, any
#: 19xx/20xx with an optional 년 (2019년도 leaves 도, 2030세대 loses 2030).
LOOSE_YEAR_PREFIX = re.compile(rf"^{_YEAR}\s?년?\s*")
#: A trailing generic head as the normaliser strips it: 사업, 평가, 사업평가 or 사업 평가.
GENERIC_TAIL = re.compile(r"\s?(?:사업\s?평가|사업|평가)$")
#: The rule layer's: 사업 평가 with a space loses its 평가 only (… 사업 평가 → … 사업).
UNSPACED_GENERIC_TAIL = re.compile(r"\s?(?:사업평가|사업|평가)$")

_SENTENCE_END = re.compile(r"(?:다|요|까|죠)[.!?]?\s*$|[.!?]\s")
# "30억 규모의 청년창업 1, 2호 펀드": a named fund after an amount of 규모.
_FUND_RE = re.compile(
    f"규모의\\s(?P<name>[{HANGUL}A-Za-z0-9]+(?:,?\\s[{HANGUL}A-Za-z0-9]+){{0,4}}?\\s?(?:펀드|기금))"
)
_DAY_EVENT_RE = re.compile(r"(?<![\w])\d{1,2}\s?(?:데이|Day|DAY)(?![A-Za-z])")
_LIST_TAIL = re.compile(r"\s*등(?:이다|을|이|의|에)?\.?$")
_CRITERIA_TAIL = re.compile(r"^\s*등\s?\d+\s?개\s?(?:분야|항목|지표|부문|영역)")
_FOLLOWING_HEADS = frozenset({"사업", "프로그램", "평가", "공모", "공모전", "시상식", "사업평가", "프로젝트", "캠페인", "행사"})


@functools.lru_cache(maxsize=None)
def _program_head_regex() -> re.Pattern:
    return re.compile(f"(?:{alternation(word_list('program_heads.txt'))})$")


def _names_program(phrase: str) -> bool:
    """A phrase names a program when it ends in a program head and is no sentence or tier."""
    phrase = phrase.strip()
    if len(phrase) < 2 or len(phrase) > 60 or _SENTENCE_END.search(phrase):
        return False
    if phrase in tiers() or default_gazetteer().lookup(phrase):
        return False
    return _program_head_regex().search(phrase) is not None


def find_programs(text: str) -> Iterator[Candidate]:
    """Program names: quoted phrases ending in a program head, △/▲ list items,
    19데이-style event names, and later mentions of a name found so.
    """
    found: list[str] = []
    for c in _quoted_programs(text):
        found.append(text[c.start:c.end])
        yield c
    for item_start, item in _list_programs(text):
        found.append(item)
        yield Candidate(item_start, item_start + len(item), "PROGRAM", "list-item", 4)
    for m in _DAY_EVENT_RE.finditer(text):
        if is_particle_run(rest_of_word(text, m.end())):
            yield Candidate(m.start(), m.end(), "PROGRAM", "day-event", 4)
    for m in _FUND_RE.finditer(text):
        name = m.group("name")
        if not is_particle_run(rest_of_word(text, m.end("name"))):
            continue
        found.append(name)
        yield Candidate(m.start("name"), m.end("name"), "PROGRAM", "fund", 4)
    yield from _later_mentions(text, found)


# ---------------------------------------------------------------- quoted names


def _quoted_programs(text: str) -> Iterator[Candidate]:
    """‘서울 희망일자리 만들기’, ‘2019 …’ 사업, and an unclosed quote's leading words."""
    for s, e, closed in quoted_spans(text):
        if not closed:
            span = _unclosed_phrase(text, s, e)
            if span and _names_program(text[span[0]:span[1]]):
                yield Candidate(span[0], span[1], "PROGRAM", "quote-unclosed", 0)
            continue
        inner = text[s:e]
        stripped = inner.strip()
        year_named = LOOSE_YEAR_PREFIX.match(stripped) is not None and " " in stripped.strip()
        if _names_program(stripped) or (
            (year_named or _followed_by_head(text, e + 1)) and _quoted_name_shape(stripped)
        ):
            ls = s + len(inner) - len(inner.lstrip())
            yield Candidate(ls, ls + len(stripped), "PROGRAM", "quote", 0)


def _unclosed_phrase(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Words after an unclosed quote, up to the first word that carries a particle.

    That word's stem still belongs to the name when the words before it do
    not yet end in a program head (‘송파 사회적경제 장터의 → …장터), and does
    not when they do (‘… 만들기사업 평가에서 → …만들기사업).
    """
    last_end = None
    first = None
    for m in WORD_RE.finditer(text, start, end):
        w = m.group(0)
        if first is None:
            first = m.start()  # the name starts at its first word, not at spaces after the quote
        core = w.rstrip(".,;:!?)]>’”")
        stem, particles = split_particles(core)
        if core == w and not particles:
            last_end = m.end()
            continue
        done = last_end is not None and _names_program(text[start:last_end])
        if not done and stem and _names_program(text[start:m.start() + len(stem)]):
            last_end = m.start() + len(stem)
        break
    if last_end is None or first is None:
        return None
    return first, last_end


def _followed_by_head(text: str, pos: int) -> bool:
    """The word after a closing quote is a program head: ‘…’ 사업, ‘…’ 프로그램."""
    m = re.compile(f"\\s?([{HANGUL}]+)").match(text, pos)
    if not m:
        return False
    word = split_particles(m.group(1))[0]
    return word in _FOLLOWING_HEADS


def _quoted_name_shape(phrase: str) -> bool:
    """Short, no sentence, not a tier or a bare district: a name can be quoted this way."""
    if not phrase or len(phrase) > 40 or _SENTENCE_END.search(phrase):
        return False
    return phrase not in tiers() and not default_gazetteer().lookup(phrase)


# ---------------------------------------------------------------- list items


def _list_programs(text: str) -> Iterator[tuple[int, str]]:
    """Items of △/▲/▷ lists that name programs.

    An item ending in a program head names one; its short, particle-free
    siblings on the same line do too (△희망두배 청년통장 △서울형 뉴딜일자리).
    A list closed by "등 6개 분야" enumerates evaluation areas, never programs.
    """
    for line_match in re.finditer(r"[^\n]+", text):
        items = _list_items(line_match.group(0), line_match.start())
        if not items or any(_CRITERIA_TAIL.match(c) for _, _, c in items):
            continue
        named = [_names_program(item) for _, item, _ in items]
        if not any(named):
            continue
        for (start, item, _), is_named in zip(items, named):
            words = item.split()
            sibling = len(item) <= 20 and len(words) <= 5 and not any(split_particles(w)[1] for w in words)
            if is_named or sibling:
                yield start, item


def _list_items(line: str, base: int) -> list[tuple[int, str, str]]:
    """``(start, item, what closes it)`` of every list item on ``line`` (at offset ``base``)."""
    items = []
    for m in re.finditer(f"[{LIST_ITEM_MARKERS}]\\s?([^{LIST_ITEM_MARKERS},]+)", line):
        raw = m.group(1).rstrip()
        item = _LIST_TAIL.sub("", raw)
        closing = raw[len(item):] + line[m.end(1):]
        item = _cut_at_particle(item)
        if item:
            items.append((base + m.start(1), item, closing))
    return items


def _cut_at_particle(phrase: str) -> str:
    """Words up to the first one carrying a particle, that word's stem included
    (▲제천 창업 스쿨을 새로 운영한다 → 제천 창업 스쿨)."""
    kept = []
    for word in phrase.split(" "):
        if word == "등" or (word.startswith("등") and is_particle_run(word[1:])):
            break  # "… 박람회 등을 운영해": the list ends at 등
        stem, particles = split_particles(word)
        kept.append(stem)
        if particles:
            break
    return " ".join(kept).rstrip()


# ---------------------------------------------------------------- later mentions


def _variants(name: str) -> set[str]:
    """Shorter forms a program is mentioned by later: no year, no 사업/평가,
    its last distinctive word (일자리대상), its leading words (서울 희망일자리)."""
    out = {name}
    base = LOOSE_YEAR_PREFIX.sub("", name)
    out.add(base)
    out.add(UNSPACED_GENERIC_TAIL.sub("", base))
    words = UNSPACED_GENERIC_TAIL.sub("", base).split()
    if len(words) >= 3:
        out.add(" ".join(words[:-1]))
    if len(words) >= 2 and len(words[-1]) >= 5:
        out.add(words[-1])
    return {v.strip() for v in out if len(v.strip()) >= 4}


def _later_mentions(text: str, names: Iterable[str]) -> Iterator[Candidate]:
    variants: set[str] = set()
    for name in names:
        variants |= _variants(name)
    if not variants:
        return
    regex = re.compile(f"(?<![{HANGUL}])(?:{alternation(variants)})")
    for m in regex.finditer(text):
        if is_particle_run(rest_of_word(text, m.end())):
            yield Candidate(m.start(), m.end(), "PROGRAM", "later-mention", 5)
