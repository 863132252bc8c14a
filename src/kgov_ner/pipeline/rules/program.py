"""PROGRAM candidates: quoted names, list items, event and fund names, later mentions.

Also the two patterns a program name is read with, here and by the
normaliser: a leading year and a trailing generic head (사업, 평가).
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
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
_DAY_EVENT_RE = re.compile(r"(?<![\w])\d{1,2}\s?(?:데이|Day|DAY)(?![A-Za-z])")
# "30억 규모의 청년창업 1, 2호 펀드": a named fund after an amount of 규모.
_FUND_RE = re.compile(
    f"규모의\\s(?P<name>[{HANGUL}A-Za-z0-9]+(?:,?\\s[{HANGUL}A-Za-z0-9]+){{0,4}}?\\s?(?:펀드|기금))"
)
_CRITERIA_TAIL = re.compile(r"^\s*등\s?\d+\s?개\s?(?:분야|항목|지표|부문|영역)")
#: The longest phrase :func:`_names_program` accepts.
_NAME_MAX = 60
_FOLLOWING_HEADS = frozenset({"사업", "프로그램", "평가", "공모", "공모전", "시상식", "사업평가", "프로젝트", "캠페인", "행사"})


@functools.lru_cache(maxsize=None)
def _program_head_regex() -> re.Pattern:
    return re.compile(f"(?:{alternation(word_list('program_heads.txt'))})$")


def _names_program(phrase: str) -> bool:
    """A phrase names a program when it ends in a program head and is no sentence or tier."""
    phrase = phrase.strip()
    if len(phrase) < 2 or len(phrase) > _NAME_MAX or _SENTENCE_END.search(phrase):
        return False
    if phrase in tiers() or default_gazetteer().lookup(phrase):
        return False
    return _program_head_regex().search(phrase) is not None


def find_programs(text: str, morphs_of=lambda s, e: None) -> Iterator[Candidate]:
    """Program names: quoted phrases ending in a program head, △/▲/ㆍ list items,
    unquoted evaluation and contest names, 19데이-style event names, and later
    mentions of a name found so.
    """
    found: list[str] = []
    for c in _quoted_programs(text):
        found.append(text[c.start:c.end])
        yield c
    for item_start, item in _list_programs(text, morphs_of):
        found.append(item)
        yield Candidate(item_start, item_start + len(item), "PROGRAM", "list-item", 4)
    yield from find_named_evaluations(text, morphs_of)
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
    words = None
    for s, e, closed in quoted_spans(text):
        if not closed:
            words = words or _Words(text)
            span = _unclosed_phrase(words, s, e)
            if span and _names_program(text[span[0]:span[1]]):
                yield Candidate(span[0], span[1], "PROGRAM", "quote-unclosed", 0)
            continue
        inner = text[s:e]
        stripped = inner.strip()
        year_named = LOOSE_YEAR_PREFIX.match(stripped) is not None and " " in stripped.strip()
        if _names_program(stripped) or (
            (year_named or _place_led(stripped) or _followed_by_head(text, e + 1)) and _quoted_name_shape(stripped)
        ):
            ls = s + len(inner) - len(inner.lstrip())
            yield Candidate(ls, ls + len(stripped), "PROGRAM", "quote", 0)


_WORD_TRAIL = ".,;:!?)]>’”"


class _Words:
    """The words of a text (``WORD_RE``), found once: an unclosed quote reads the
    words after it, and a line may hold thousands of unclosed quotes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = [m.span() for m in WORD_RE.finditer(text)]
        self.ends = [e for _, e in self.spans]
        self._core_ends: dict[int, int] = {}

    def core_end(self, k: int) -> int:
        """Where word ``k`` ends without its trailing punctuation (computed once per word)."""
        end = self._core_ends.get(k)
        if end is None:
            s, end = self.spans[k]
            while end > s and self.text[end - 1] in _WORD_TRAIL:
                end -= 1
            self._core_ends[k] = end
        return end


def _particle_cut(text: str, start: int, end: int) -> int:
    """How many characters of particles :func:`split_particles` takes off ``text[start:end]``."""
    for cut in range(min(end - start - 2, 6), 0, -1):
        if is_particle_run(text[end - cut:end]):
            return cut
    return 0


def _unclosed_phrase(words: _Words, start: int, end: int) -> tuple[int, int] | None:
    """Words after an unclosed quote, up to the first word that carries a particle.

    That word's stem still belongs to the name when the words before it do
    not yet end in a program head (‘송파 사회적경제 장터의 → …장터), and does
    not when they do (‘… 만들기사업 평가에서 → …만들기사업). None when the
    phrase would be longer than any name (:data:`_NAME_MAX`): then the scan
    stops, so a line of unclosed quotes costs no more than its length.
    """
    text = words.text
    last_end = None
    first = None
    for k in range(bisect_right(words.ends, start), len(words.spans)):
        ws, we = words.spans[k]
        if ws >= end:
            break
        ws = max(ws, start)  # a quote inside a word: the word starts after it
        if first is None:
            first = ws  # the name starts at its first word, not at spaces after the quote
        core_end = max(ws, words.core_end(k))
        stem_end = core_end - _particle_cut(text, ws, core_end)
        if core_end == we and stem_end == we:
            last_end = we
            if last_end - first > _NAME_MAX:
                return None  # too long to name a program, whatever follows
            continue
        done = last_end is not None and _names_program(text[start:last_end])
        if not done and stem_end > ws and stem_end - first <= _NAME_MAX and _names_program(text[start:stem_end]):
            last_end = stem_end
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


def _place_led(phrase: str) -> bool:
    """Three or more words led by a place: a district (남구), its name without the level
    (유성 for 유성구, 광양 for 광양시) or a region word (서울): ‘유성 스타트업 둥지’."""
    words = phrase.split()
    return len(words) >= 3 and (words[0] in _place_words() or bool(default_gazetteer().lookup(words[0])))


@functools.lru_cache(maxsize=None)
def _place_words() -> frozenset[str]:
    gaz = default_gazetteer()
    stems = {d.name.split()[-1][:-1] for d in gaz if len(d.name.split()[-1]) >= 3 and d.name[-1] in "시군구"}
    return frozenset(stems | set(gaz.region_words()))


def _quoted_name_shape(phrase: str) -> bool:
    """Short, no sentence, not a tier or a bare district: a name can be quoted this way."""
    if not phrase or len(phrase) > 40 or _SENTENCE_END.search(phrase):
        return False
    return phrase not in tiers() and not default_gazetteer().lookup(phrase)


# ---------------------------------------------------------------- list items


_CRITERION_TAILS = ("실적", "률", "율", "건수", "비율", "달성도", "만족도", "점수", "노력도", "알선", "비중", "인원")
# △▲▷ anywhere; ㆍ only where it opens an item (it also joins words: 시ㆍ군ㆍ구)
_ITEM_MARK = re.compile(rf"\s*(?:[{LIST_ITEM_MARKERS}]|ㆍ(?=\S))")
_ITEM_MARKER = re.compile(rf"[{LIST_ITEM_MARKERS}]|(?:(?<=^)|(?<=\s))ㆍ(?=\S)")
_ITEM_END = re.compile(r"\(|\s등(?:[이을의에과와은는도]|이다)?(?=\s|[.,]|$)|[.,;:]\s|[.]$")


def _is_criterion(item: str) -> bool:
    """A measured criterion, not a program: 세입 징수실적, 예산 집행률, 취업상담 및 알선."""
    return item.endswith(_CRITERION_TAILS) or re.search(r"\d+\s?(?:명|곳|건|개)$", item) is not None


def _list_programs(text: str, morphs_of=lambda s, e: None) -> Iterator[tuple[int, str]]:
    """Items of △/▲/▷/ㆍ lists that name programs (ANNOTATION.md, Clarifications).

    An item is whole, particles inside included (△청년이 머무는 마을 만들기),
    ending before the next marker, a parenthesis or a closing 등; the last item
    of a line also ends before the predicate (▲청풍 창업 학교를 운영 → 청풍 창업
    학교, by Kiwi's reading of the particle). A list is two items or more, on
    one line or one a line; a list closed by "등 6개 분야" enumerates evaluation
    areas, and a measured criterion (세입 징수실적) is never a program.
    """
    for items in _list_blocks(text, morphs_of):
        if len(items) < 2 or any(criteria for _, _, criteria in items):
            continue
        for start, item, _ in items:
            words = item.split()
            if 1 <= len(words) <= 8 and len(item) <= 40 and not _is_criterion(item) and not _SENTENCE_END.search(item):
                yield start, item


def _list_blocks(text: str, morphs_of) -> list[list[tuple[int, str, bool]]]:
    """The items of each list: a line with markers, or a run of lines opening with one."""
    blocks: list[list[tuple[int, str, bool]]] = []
    prev_single = False
    for line_match in re.finditer(r"[^\n]+", text):
        items = list(_line_items(line_match.group(0), line_match.start(), morphs_of))
        single = len(items) == 1 and bool(_ITEM_MARK.match(line_match.group(0)))
        if single and prev_single:
            blocks[-1].extend(items)  # ▲ 청년 창업 지원 프로그램 / ▲ 노인 일자리 박람회
        elif items:
            blocks.append(items)
        prev_single = single
    return blocks


def _line_items(line: str, base: int, morphs_of) -> Iterator[tuple[int, str, bool]]:
    """``(start, item, criteria)`` of every list item on ``line`` (at offset ``base``);
    ``criteria``: what closes the item is "등 6개 분야" (:data:`_CRITERIA_TAIL`).

    Only the item's own closing text is read for that: after it comes the next
    marker, which the tail cannot match, so reading on to the line's end (once
    per item) would find nothing more and cost the square of a long list."""
    marks = list(_ITEM_MARKER.finditer(line))
    for k, m in enumerate(marks):
        stop = marks[k + 1].start() if k + 1 < len(marks) else len(line)
        raw = line[m.end():stop]
        lead = len(raw) - len(raw.lstrip())
        raw = raw.strip()
        cut = _ITEM_END.search(raw)
        item = raw[: cut.start()].rstrip(" ,") if cut else raw.rstrip(" ,")
        if k + 1 == len(marks) and not cut:
            item = _cut_last_item(item, base + m.end() + lead, morphs_of)
        if item:
            yield base + m.end() + lead, item, bool(cut and _CRITERIA_TAIL.match(raw[cut.start():]))


def _cut_last_item(item: str, start: int, morphs_of) -> str:
    """The last item of a line, up to the word whose particle (by Kiwi) starts the predicate."""
    kept: list[str] = []
    pos = 0
    for word in item.split(" "):
        at = item.index(word, pos)
        pos = at + len(word)
        morphs = morphs_of(start + at, start + pos) if word else None
        if word == "등" or (word.startswith("등") and is_particle_run(word[1:])):
            break  # "… 박람회 등을 운영해": the list ends at 등
        if morphs and morphs[-1].tag.startswith("J") and len(morphs) > 1:
            kept.append(word[: morphs[-1].start - start - at])
            break
        if morphs and any(mm.tag.startswith(("V", "E")) for mm in morphs):
            break
        kept.append(word)
    return " ".join(kept).strip()


# ---------------------------------------------------------------- unquoted evaluation names

_EVAL_HEADS = ("실적평가", "종합평가", "사업평가", "정책평가", "평가", "경진대회", "대회", "공모전", "일자리대상", "대상")
_HEAD_IN_WORD = re.compile("|".join(map(re.escape, _EVAL_HEADS)))
_NAME_WORD = re.compile(f"[{HANGUL}A-Za-z0-9·]+")
_NOT_NAME_WORDS = frozenset({"올해", "지난해", "이번", "최근", "내년", "작년", "금년", "당시", "이날", "첫", "새", "각종",
                             "이", "그", "해당", "도", "시", "군", "구", "각", "모든", "여러", "주요", "자체", "우리"})
_YEARISH = re.compile(r"(?:19|20)\d{2}년?|제\d{1,3}회")
_NOMINAL_TAGS = ("NN", "SN", "SL", "SH", "XSN", "XPN", "XR", "NR", "SO", "SP")


def _nominal_word(morphs) -> bool:
    """Kiwi reads every morpheme of the word as a noun, number or symbol."""
    return morphs is None or all(m.tag.startswith(_NOMINAL_TAGS) for m in morphs)


def find_named_evaluations(text: str, morphs_of=lambda s, e: None) -> Iterator[Candidate]:
    """Unquoted evaluation and contest names (ANNOTATION.md, Clarifications): ``2021
    지역고용센터 평가``, ``대구 구·군 고용 창출 실적평가``, ``제5회 지방자치단체 청년정책 평가``.

    The head (평가, 경진대회, 대상 …) needs two name words before it, else the
    phrase is generic (``일자리 평가``); a year or ordinal before them belongs to
    the name, a district before them does not (it is its own entity), and the
    name words are nouns by Kiwi's reading (``좋은 평가`` is no name).
    """
    # Only the words holding a head can end a name: found by one scan of the text
    # (a head has no space, so each match lies inside the word it marks).
    hits = [m.start() for m in _HEAD_IN_WORD.finditer(text)]
    if not hits:
        return
    words = [(m.start(), m.end(), m.group(0)) for m in WORD_RE.finditer(text)]
    starts = [ws for ws, _, _ in words]
    quoted = _QuotedTest(text)
    for i in sorted({bisect_right(starts, pos) - 1 for pos in hits}):
        ws, _we, w = words[i]
        stem, head = _head_stem(w)
        if head is None or not re.fullmatch(f"[{HANGUL}A-Za-z0-9·]+", stem) or quoted(ws):
            continue
        if stem == "대상" and i >= 1 and words[i - 1][2].endswith(_EVAL_HEADS[:-1]):
            continue  # 경진대회 대상: the prize, not a contest's name
        start, names = _name_words_before(text, words, i, quoted, morphs_of)
        names += stem != head
        if (names >= 2 and stem != "대상") or names >= 3:
            yield Candidate(start if names else ws, ws + len(stem), "PROGRAM", "named-evaluation", 3)


class _QuotedTest:
    """Whether a position lies in a quoted stretch: a binary search, not a scan of
    every stretch per word (unclosed stretches overlap, so the ends seen so far are kept)."""

    def __init__(self, text: str) -> None:
        self.starts: list[int] = []
        self.reach: list[int] = []  # the furthest end of the stretches starting up to here
        for s, e, _ in quoted_spans(text):
            self.starts.append(s)
            self.reach.append(max(e, self.reach[-1]) if self.reach else e)

    def __call__(self, pos: int) -> bool:
        k = bisect_right(self.starts, pos) - 1
        return k >= 0 and self.reach[k] > pos


def _head_stem(word: str) -> tuple[str, str | None]:
    """``(stem, head)`` when ``word`` is an evaluation head plus particles (실적평가에서 →
    실적평가; a plain particle split would read 실적평+가에서)."""
    for head in _EVAL_HEADS:
        at = word.rfind(head)
        if at >= 0 and is_particle_run(word[at + len(head):]):
            return word[: at + len(head)], head
    return word, None


def _name_words_before(text, words, i, quoted, morphs_of) -> tuple[int, int]:
    """Where the name before the head word ``i`` starts, and how many name words it has."""
    gaz = default_gazetteer()
    start, names = words[i][0], 0
    for j in range(i - 1, max(-1, i - 8), -1):
        ps, pe, pw = words[j]
        if "\n" in text[pe:start] or not _NAME_WORD.fullmatch(pw) or pw in _NOT_NAME_WORDS:
            break
        if split_particles(pw)[1] or gaz.lookup(pw) or pw in tiers() or quoted(ps):
            break
        if not _nominal_word(morphs_of(ps, pe)):
            break
        start = ps
        if not _YEARISH.fullmatch(pw):
            names += 2 if len(pw) >= 5 else 1  # one long compound is distinctive: 지역고용센터 평가
    return start, names


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
