"""Rule layer: candidate entities from gazetteers, grammars and patterns.

Each finder is a pure function over an NFC string (plus, for names, the
Kiwi morphemes) that yields :class:`Candidate` spans in that string's
offsets. :func:`resolve` picks a non-overlapping set by priority, following
ANNOTATION.md: inside quotes the longer proper name wins, elsewhere the inner
DISTRICT does.

The patterns express general shapes (a tier word before a head noun, a name
before a title, a number with 만/억), never a particular article's strings;
the word lists live in ``kgov_ner/data`` where users can extend them.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence

from kgov_ner.resources.gazetteer import default_gazetteer
from kgov_ner.resources.lexicon import alternation, is_particle_run, tiers, word_list

HANGUL = "가-힣"
_WORD_RE = re.compile(r"\S+")
_HANGUL_RUN = re.compile(f"[{HANGUL}]*")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A rule's proposal: ``text[start:end]`` is a ``label`` entity."""

    start: int
    end: int
    label: str
    rule: str
    priority: int  # lower wins when candidates overlap


@dataclass(frozen=True, slots=True)
class MorphInfo:
    """A Kiwi morpheme in the NFC string's offsets."""

    form: str
    tag: str
    start: int
    end: int


# ---------------------------------------------------------------- helpers


def _rest_of_word(text: str, end: int) -> str:
    """The Hangul that continues the word after ``end`` (송파구|는 → 는)."""
    return _HANGUL_RUN.match(text, end).group(0)


def _standalone(text: str, start: int, end: int) -> bool:
    """The span starts a word and only particles follow it inside the word."""
    if start > 0 and re.match(f"[{HANGUL}]", text[start - 1]):
        return False
    return is_particle_run(_rest_of_word(text, end))


# ---------------------------------------------------------------- DISTRICT


@functools.lru_cache(maxsize=None)
def _district_regex() -> re.Pattern:
    forms = default_gazetteer().surface_forms()
    return re.compile(f"(?<![{HANGUL}])(?:{alternation(forms)})")


def find_districts(text: str) -> Iterator[Candidate]:
    """Gazetteer names standing as their own word (송파구는 yes, 광진구청장 no)."""
    for m in _district_regex().finditer(text):
        if is_particle_run(_rest_of_word(text, m.end())):
            yield Candidate(m.start(), m.end(), "DISTRICT", "gazetteer", 3)


# ---------------------------------------------------------------- MONEY

_NUM_DIGIT = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUM_HANGUL = "[일이삼사오육칠팔구십백천]+"
_TERM = rf"(?:(?:{_NUM_DIGIT})(?:천|백|십)?|{_NUM_HANGUL})여?(?:조|억|만)?여?"
_MONEY_RE = re.compile(
    rf"(?<![\d,.{HANGUL}A-Za-z])(?:{_TERM})(?:\s?(?:{_TERM}))*(?:\s?(?P<cur>원|달러))?"
)
_BIG_UNIT = re.compile("[조억만]")
_DIGIT = re.compile(r"\d")


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
            # Trim a trailing 여 and require a big unit at the end.
            if not _BIG_UNIT.search(span):
                continue
            while span and span[-1] in "여":
                span = span[:-1]
                end -= 1
            if not span or span[-1] not in "조억만":
                continue
            following = text[end:end + 8].lstrip()
            word = _HANGUL_RUN.match(following).group(0) if following else ""
            if any(word.startswith(c) and is_particle_run(word[len(c):]) for c in counters):
                continue
            if word and not is_particle_run(word) and re.match(f"[{HANGUL}]", text[end:end + 1] or " "):
                continue  # fused into a longer word: 만큼, 억지
        elif not _DIGIT.search(span[: m.start("cur") - m.start()]):
            # Hangul numerals need a unit word: 오천만 원 is money, 이원 is a name.
            if not _HANGUL_NUMERAL_AMOUNT.match(span) or not re.search("[십백천만억조]", span):
                continue
        yield Candidate(start, end, "MONEY", "money-grammar", 1)


_HANGUL_NUMERAL_AMOUNT = re.compile(f"{_NUM_HANGUL}(?:조|억|만)?여?\\s?(?:{_NUM_HANGUL}(?:조|억|만)?여?\\s?)*(?:원|달러)$")


# ---------------------------------------------------------------- AWARD


@functools.lru_cache(maxsize=None)
def _award_regexes() -> dict[str, re.Pattern]:
    lex = tiers()
    district_tiers = [w for w, t in lex.items() if t.kind == "district-tier"]
    heads = word_list("award_heads.txt")
    tier_alt = alternation(district_tiers)
    head_alt = alternation(heads)
    return {
        "tier-head": re.compile(f"(?<![{HANGUL}])(?:{tier_alt})\\s?(?:{head_alt})"),
        "grade": re.compile(f"(?<![A-Za-z0-9{HANGUL}])[SABCD]\\s?등급"),
        "ministerial": re.compile(
            f"(?<![{HANGUL}])(?:(?:[{HANGUL}]{{1,10}}부\\s?)?장관|대통령|국무총리)\\s?(?:기관\\s?)?(?:상|표창)"
        ),
        "prize": re.compile(
            f"(?<![{HANGUL}])(?:{alternation([w for w, t in lex.items() if t.kind == 'prize'])})"
            f"(?=\\s?(?:을|를|은|의)?\\s?(?:수상|받|차지|영예|거머|수여|시상))"
        ),
        "quoted-tier": re.compile(f"(?<=[‘'“\"])\\s?(?:{tier_alt}|대상)\\s?(?=[’'”\"])"),
        "tier-selected": re.compile(
            f"(?<![{HANGUL}])(?:{tier_alt})(?=(?:에|로|으로|을|를)\\s?(?:선정|뽑|이름|올라|올랐|받|차지|수상))"
        ),
        "tier-after-streak": re.compile(f"(?<=연속\\s)(?:{tier_alt})(?![{HANGUL}])"),
    }


def find_awards(text: str) -> Iterator[Candidate]:
    """Tiers: 최우수구, 우수 자치구, 장려상, S등급, 장관 표창, ‘우수’, 최우수에 선정."""
    # A bare tier or 대상 handed to a district: 최우수에 전주시, 대상은 고창군에 돌아갔다.
    for m in _tier_to_district_regex().finditer(text):
        after = _district_regex().match(text, m.end())
        if after and is_particle_run(_rest_of_word(text, after.end())):
            yield Candidate(m.start("tier"), m.end("tier"), "AWARD", "tier-to-district", 2)
    for rule, regex in _award_regexes().items():
        for m in regex.finditer(text):
            start, end = m.start(), m.end()
            span = m.group(0)
            start += len(span) - len(span.lstrip())
            end -= len(span) - len(span.rstrip())
            if rule in ("tier-head", "grade", "ministerial") and not is_particle_run(_rest_of_word(text, end)):
                continue  # 우수상품, 우수구청: the head is part of a longer word
            yield Candidate(start, end, "AWARD", rule, 2)


@functools.lru_cache(maxsize=None)
def _tier_to_district_regex() -> re.Pattern:
    lex = tiers()
    words = [w for w, t in lex.items() if t.kind in ("district-tier", "prize")]
    return re.compile(f"(?<![{HANGUL}])(?P<tier>{alternation(words)})(?:에|은|는)\\s")


# ---------------------------------------------------------------- OFFICIAL


@functools.lru_cache(maxsize=None)
def _name_shape() -> re.Pattern:
    surnames = [s for s in word_list("surnames.txt")]
    two = alternation([s for s in surnames if len(s) == 2])
    one = alternation([s for s in surnames if len(s) == 1])
    return re.compile(f"(?:(?:{two})[{HANGUL}]{{1,2}}|(?:{one})[{HANGUL}]{{1,2}})")


@functools.lru_cache(maxsize=None)
def _title_regex() -> re.Pattern:
    return re.compile(f"(?:{alternation(word_list('titles.txt'))})")


_NOMINAL = re.compile(r"^(?:NN|XSN|XR|SL|SH|NR)")


def _looks_like_name(word: str, morphs: Sequence[MorphInfo] | None, strong_context: bool = False) -> bool:
    """A 2–4 syllable word shaped like surname + given name that Kiwi reads as a name.

    Kiwi tags unknown names as common nouns now and then (최은비/NNG); right
    before an unambiguous title such as 고창군수 any nominal reading will do,
    elsewhere the name must be read as a proper noun.
    """
    if not _name_shape().fullmatch(word):
        return False
    gaz = default_gazetteer()
    if word in _name_stopwords() or gaz.lookup(word) or gaz.region_word(word):
        return False
    if _title_regex().fullmatch(word):
        return False
    if morphs is None:
        return True
    if not morphs:
        return True
    if strong_context:
        # Kiwi may cut an unknown name into a noun and a particle (정유+나);
        # only a verb or an ending (선정된 구청장) rules the word out here.
        return not any(m.tag.startswith(("V", "E", "XSV", "XSA")) for m in morphs)
    if not all(_NOMINAL.match(m.tag) for m in morphs):
        return False
    # A known common noun (이번, 사회+적) is no name: Kiwi reads names as
    # proper nouns, whole (박겸수) or split (김선+갑).
    return strong_context or morphs[0].tag == "NNP"


# 시장 is also "market" (전통시장): it is only a title when a district precedes it.
_AMBIGUOUS_TITLES = frozenset({"시장"})
_HEAD_TITLES = ("구청장", "시장", "군수", "도지사", "지사", "청장")


def _is_district_title(stem: str) -> bool:
    """강북구청장, 고창군수, 제천시장: a district name fused with its head's title."""
    gaz = default_gazetteer()
    for title in _HEAD_TITLES:
        if stem.endswith(title) and len(stem) > len(title):
            prefix = stem[: -len(title)]
            if gaz.lookup(prefix) or gaz.lookup(prefix + title[0]):
                return True
    return False


@functools.lru_cache(maxsize=None)
def _name_stopwords() -> frozenset[str]:
    return frozenset(word_list("name_stopwords.txt"))


@functools.lru_cache(maxsize=None)
def _titles_set() -> frozenset[str]:
    return frozenset(word_list("titles.txt"))


def _title_end(word: str) -> int | None:
    """Length of the title-bearing stem of ``word`` if it ends in a title plus particles."""
    for m in _title_regex().finditer(word):
        if is_particle_run(word[m.end():]) and re.fullmatch(f"[{HANGUL}·]+", word[: m.end()]):
            return m.end()
    return None


def find_officials(text: str, morphs_of: Callable[[int, int], Sequence[MorphInfo] | None]) -> Iterator[Candidate]:
    """Names next to titles: 박겸수 강북구청장, 신면호 서울시 경제진흥본부장, 광진구(구청장 김선갑).

    Journalists never match: 기자 is not a title.
    """
    words = [(m.start(), m.end(), m.group(0)) for m in _WORD_RE.finditer(text)]
    gaz = default_gazetteer()
    for i, (ws, we, w) in enumerate(words):
        cut = _title_end(w)
        if cut is None:
            continue
        stem = w[:cut]
        district_title = _is_district_title(stem)
        if stem in _AMBIGUOUS_TITLES and not (i >= 1 and gaz.lookup(words[i - 1][2])):
            continue
        # Look back over at most two organisation words for the name.
        for k in (1, 2, 3):
            if i - k < 0:
                break
            ns, ne, name = words[i - k]
            if "\n" in text[ne:words[i - k + 1][0]]:
                break
            strong = k == 1 and (district_title or not stem.endswith(tuple(_AMBIGUOUS_TITLES)))
            if _looks_like_name(name, morphs_of(ns, ne), strong_context=strong):
                yield Candidate(ns, ne, "OFFICIAL", "name-title", 2)
                break
            # Words in between must be districts or bare nouns (서울시, 경제진흥본부).
            if not re.fullmatch(f"[{HANGUL}·]+", name) or (split_particles(name)[1] and not gaz.lookup(name)):
                break
    title_alt = alternation(word_list("titles.txt"))
    paren = re.compile(f"\\(\\s?(?:[{HANGUL}]+\\s)?(?:{title_alt})\\s?(?P<name>[{HANGUL}]{{2,4}})\\s?\\)")
    for m in paren.finditer(text):
        name = m.group("name")
        if _name_shape().fullmatch(name) and name not in _name_stopwords():
            yield Candidate(m.start("name"), m.end("name"), "OFFICIAL", "title-name-paren", 2)


# ---------------------------------------------------------------- PROGRAM

_QUOTE_PAIRS = {"‘": "’", "“": "”", "「": "」", "『": "』", "'": "'", '"': '"'}
_QUOTE_OPEN = re.compile("[" + re.escape("".join(_QUOTE_PAIRS)) + "]")
_LIST_MARKERS = "△▲▷"
_SENTENCE_END = re.compile(r"(?:다|요|까|죠)[.!?]?\s*$|[.!?]\s")


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


def quoted_spans(text: str) -> Iterator[tuple[int, int, bool]]:
    """``(start, end, closed)`` of quoted stretches inside one line, marks excluded."""
    i, n = 0, len(text)
    while i < n:
        m = _QUOTE_OPEN.search(text, i)  # jump to the next quote mark
        if m is None:
            return
        i = m.start()
        ch = m.group()
        close = _QUOTE_PAIRS[ch]
        line_end = text.find("\n", i)
        line_end = n if line_end < 0 else line_end
        j = text.find(close, i + 1, line_end)
        # A new opening mark of the same kind before the close: this one was never closed.
        reopen = text.find(ch, i + 1, line_end) if ch != close else -1
        if j < 0 or (0 <= reopen < j):
            yield i + 1, line_end, False
            i += 1
            continue
        yield i + 1, j, True
        i = j + 1


def _unclosed_phrase(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Words after an unclosed quote, up to the first word that carries a particle.

    That word's stem still belongs to the name when the words before it do
    not yet end in a program head (‘송파 사회적경제 장터의 → …장터), and does
    not when they do (‘… 만들기사업 평가에서 → …만들기사업).
    """
    last_end = None
    first = None
    for m in _WORD_RE.finditer(text, start, end):
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


def split_particles(word: str) -> tuple[str, str]:
    """``(stem, particles)`` with the longest particle run that leaves a stem of 2+ chars."""
    for cut in range(min(len(word) - 2, 6), 0, -1):
        if is_particle_run(word[-cut:]):
            return word[:-cut], word[-cut:]
    return word, ""


def find_programs(text: str) -> Iterator[Candidate]:
    """Program names: quoted phrases ending in a program head, △/▲ list items,
    19데이-style event names, and later mentions of a name found so.
    """
    found: list[str] = []
    for s, e, closed in quoted_spans(text):
        if not closed:
            span = _unclosed_phrase(text, s, e)
            if span and _names_program(text[span[0]:span[1]]):
                found.append(text[span[0]:span[1]])
                yield Candidate(span[0], span[1], "PROGRAM", "quote-unclosed", 0)
            continue
        inner = text[s:e]
        stripped = inner.strip()
        year_named = _YEAR_PREFIX.match(stripped) is not None and " " in stripped.strip()
        if _names_program(stripped) or (
            (year_named or _followed_by_head(text, e + 1)) and _quoted_name_shape(stripped)
        ):
            ls = s + len(inner) - len(inner.lstrip())
            found.append(stripped)
            yield Candidate(ls, ls + len(stripped), "PROGRAM", "quote", 0)
    for item_start, item in _list_programs(text):
        found.append(item)
        yield Candidate(item_start, item_start + len(item), "PROGRAM", "list-item", 4)
    for m in re.finditer(r"(?<![\w])\d{1,2}\s?(?:데이|Day|DAY)(?![A-Za-z])", text):
        if is_particle_run(_rest_of_word(text, m.end())):
            yield Candidate(m.start(), m.end(), "PROGRAM", "day-event", 4)
    for m in _FUND_RE.finditer(text):
        name = m.group("name")
        if not is_particle_run(_rest_of_word(text, m.end("name"))):
            continue
        found.append(name)
        yield Candidate(m.start("name"), m.end("name"), "PROGRAM", "fund", 4)
    yield from _later_mentions(text, found)


# "30억 규모의 청년창업 1, 2호 펀드": a named fund after an amount of 규모.
_FUND_RE = re.compile(
    f"규모의\\s(?P<name>[{HANGUL}A-Za-z0-9]+(?:,?\\s[{HANGUL}A-Za-z0-9]+){{0,4}}?\\s?(?:펀드|기금))"
)
_LIST_TAIL = re.compile(r"\s*등(?:이다|을|이|의|에)?\.?$")


_CRITERIA_TAIL = re.compile(r"^\s*등\s?\d+\s?개\s?(?:분야|항목|지표|부문|영역)")


def _list_programs(text: str) -> Iterator[tuple[int, str]]:
    """Items of △/▲/▷ lists that name programs.

    An item ending in a program head names one; its short, particle-free
    siblings on the same line do too (△희망두배 청년통장 △서울형 뉴딜일자리).
    A list closed by "등 6개 분야" enumerates evaluation areas, never programs.
    """
    for line_match in re.finditer(r"[^\n]+", text):
        line, base = line_match.group(0), line_match.start()
        items = []
        for m in re.finditer(f"[{_LIST_MARKERS}]\\s?([^{_LIST_MARKERS},]+)", line):
            raw = m.group(1).rstrip()
            item = _LIST_TAIL.sub("", raw)
            closing = raw[len(item):] + line[m.end(1):]
            item = _cut_at_particle(item)
            if item:
                items.append((base + m.start(1), item, closing))
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


def _followed_by_head(text: str, pos: int) -> bool:
    """The word after a closing quote is a program head: ‘…’ 사업, ‘…’ 프로그램."""
    m = re.compile(f"\\s?([{HANGUL}]+)").match(text, pos)
    if not m:
        return False
    word = split_particles(m.group(1))[0]
    return word in _FOLLOWING_HEADS


_FOLLOWING_HEADS = frozenset({"사업", "프로그램", "평가", "공모", "공모전", "시상식", "사업평가", "프로젝트", "캠페인", "행사"})


def _quoted_name_shape(phrase: str) -> bool:
    """Short, no sentence, not a tier or a bare district: a name can be quoted this way."""
    if not phrase or len(phrase) > 40 or _SENTENCE_END.search(phrase):
        return False
    return phrase not in tiers() and not default_gazetteer().lookup(phrase)


_YEAR_PREFIX = re.compile(r"^(?:19|20)\d{2}\s?년?\s*")
_GENERIC_TAIL = re.compile(r"\s?(?:사업평가|사업|평가)$")


def _variants(name: str) -> set[str]:
    """Shorter forms a program is mentioned by later: no year, no 사업/평가,
    its last distinctive word (일자리대상), its leading words (서울 희망일자리)."""
    out = {name}
    base = _YEAR_PREFIX.sub("", name)
    out.add(base)
    out.add(_GENERIC_TAIL.sub("", base))
    words = _GENERIC_TAIL.sub("", base).split()
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
        if is_particle_run(_rest_of_word(text, m.end())):
            yield Candidate(m.start(), m.end(), "PROGRAM", "later-mention", 5)


# ---------------------------------------------------------------- resolve


def find_all(text: str, morphs: Sequence[MorphInfo] = ()) -> list[Candidate]:
    """Every rule's candidates on ``text`` (may overlap)."""
    ordered = sorted(morphs, key=lambda m: m.start)
    starts = [m.start for m in ordered]

    def morphs_of(start: int, end: int) -> Sequence[MorphInfo] | None:
        if not ordered:
            return None
        lo, hi = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
        return [m for m in ordered[lo:hi] if m.end <= end and m.end > m.start]

    out: list[Candidate] = []
    out.extend(find_programs(text))
    out.extend(find_money(text))
    out.extend(find_awards(text))
    out.extend(find_officials(text, morphs_of))
    out.extend(find_districts(text))
    return out


def resolve(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Non-overlapping subset: lower priority value first, then longer, then earlier."""
    chosen: list[Candidate] = []
    taken = DisjointSpans()
    for c in sorted(candidates, key=lambda c: (c.priority, -(c.end - c.start), c.start)):
        if c.end > c.start and taken.add(c.start, c.end):
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)


class DisjointSpans:
    """Non-overlapping ``[start, end)`` spans kept sorted: overlap checks in log time."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)  # spans starting before ``end``
        return i > 0 and self.ends[i - 1] > start

    def add(self, start: int, end: int) -> bool:
        """Add the span unless it overlaps one already there; say whether it was added."""
        if self.overlaps(start, end):
            return False
        i = bisect.bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        return True
