"""Normalised values for tagged entities.

Tagging tells where an entity is; a table of "which government won what, in
which program, for how much" also needs what it means: an amount in won, an
official district name and code, a comparable award rank, a program name that
groups its mentions. One function per label, each taking the entity's text
(plus context where the text alone cannot decide), each returning a plain,
JSON-serialisable dict. None of them raises: a form that cannot be read gets
its keys with ``None`` values and a ``"reason"``.

MONEY — :func:`normalize_money`
    ``{"krw": int, "approx": bool, "currency": "KRW"}``. ``4500만 원`` →
    45000000; ``6억 2천여만 원`` → 620000000, approx (여, 약, 가량, 정도,
    안팎, 남짓, 내외, 쯤 make it approximate). Digits with or without commas,
    decimals (1.5억), 천/백/십 inside a group (2천500만), Hangul numerals
    (삼천이백만 원), 조/억/만 groups, with or without 원. A trailing 천/백
    after 억 or 조 drops the next unit down, as speech and headlines do:
    ``1억 5천`` → 150000000. A bare number with neither a unit nor a
    currency (``2019``) is not read as money; particles and 규모/가량 after
    the amount and 약/총/최대 before it are tolerated.
    Vague amounts (수억, 수십억, 몇천만) → ``krw: None, approx: True,
    currency: "KRW", reason``. Foreign currencies are not converted (no
    exchange rate is known for the article's date): ``{"krw": None,
    "currency": "USD", "amount": 100, "usd": 100, "approx": False, "reason":
    "foreign currency: not converted"}``; 엔/유로/위안/파운드 give
    JPY/EUR/CNY/GBP with ``amount`` only.

DISTRICT — :func:`normalize_district`
    ``{"name": official full name, "level", "parent", "code", "status",
    "resolved_by"}``. A name several governments share (중구, 동구, 강서구,
    고성군, 광주시 …) is resolved, in this order, by

    1. ``region-word``: a region word or upper-level name right before it
       (``대전 동구``, ``부산시 동구``);
    2. ``page``: the other districts on the page that resolve without help,
       voting by their upper-level government (해운대구 and 수영구 → 부산);
       a tie keeps only the tied readings for the next step;
    3. ``article-city``: the single most frequent upper-level government the
       page names (서울시, 부산광역시) or whose region word it uses (서울,
       대전), if it is one of the readings;
    4. ``current``: the one reading that exists today when the others are
       former units (군위군 → 대구광역시 군위군).

    Otherwise the answer is ``{"name": None, "candidates": [full names],
    "reason": "ambiguous"}``: a wrong government in the table is worse than
    an empty cell. A name with one reading has ``resolved_by: "unique"``.
    :class:`DistrictContext` carries the page evidence.

AWARD — :func:`normalize_award`
    ``{"tier", "rank", "kind", "head"}`` (ministerial: ``"ministry"`` and
    ``"form"`` instead of ``"head"``: 고용노동부, 기관표창). Ranks compare
    only within a kind (1 = best):

    ============== ==========================================================
    kind           ranking
    ============== ==========================================================
    district-tier  최우수 (으뜸) 1 > 우수, 특별 2 > 장려, 모범 3 > 노력 4 —
                   the tier as the evaluation states it: 최우수구, 우수 자치구,
                   우수기관, 모범구, bare 우수
    prize          대상 1 > 최우수상, 금상, 으뜸상 2 > 우수상, 특별상, 은상 3 >
                   장려상, 모범상, 동상 4 > 노력상 5
    grade          S 1 > A 2 > B 3 > C 4 > D 5 (가 1 > 나 2 > …; 1등급 = 1)
    ministerial    대통령 1 > 국무총리 2 > 장관, 부총리 3
    ============== ==========================================================

    A tier word with the head 상 (최우수상, 우수상) is a *prize*, not a
    district tier: contests that give them (일자리대상 …) put 대상 above
    최우수상, so ranking 최우수상 as 1 would tie it with the grand prize.
    Its rank is the tier's district-tier rank plus one, so both ladders keep
    the order of tiers.tsv. The canonical tier is the tier word (최우수상 →
    ``tier: "최우수"``); ``head`` keeps the noun it was written with.

OFFICIAL — :func:`normalize_official`
    ``{"role": title nearest the name as written, "district": full name or
    None}``: ``박겸수 강북구청장`` → 구청장, 서울특별시 강북구;
    ``광진구(구청장 김선갑)`` → 구청장, 서울특별시 광진구; ``이정훈 청장`` →
    청장, None (a bare title names no district, and guessing the page's
    district would put a ministry's 청장 under a 구).

PROGRAM — :func:`normalize_program`
    ``{"name", "year", "key"}``: quotes, a leading year (``2019년``, ``2013``)
    and a trailing 사업/평가/사업평가 removed, whitespace collapsed, so
    ‘2019년 서울 희망일자리 만들기’ and 서울 희망일자리 만들기사업 both give
    ``서울 희망일자리 만들기``. ``key`` is the name without spaces, for
    grouping spellings that differ only in spacing. A leading 19xx/20xx
    followed by 년 or a space is read as the year, so a name that starts
    with the generation word ``2030`` loses it (no such name seen yet).

:class:`Normalizer` (factory ``"kgov_normalize"``) sets ``ent._.norm`` on
every entity of a Doc.
"""

from __future__ import annotations

import copy
import csv
import functools
import re
import unicodedata
from collections import Counter
from fractions import Fraction
from importlib import resources
from typing import Any, Callable, Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Span

from kgov_ner.pipeline.tokenizer import doc_text
from kgov_ner.resources.gazetteer import District, default_gazetteer
from kgov_ner.resources.lexicon import Tier, alternation, is_particle_run, tiers, word_list
from kgov_ner.text.nfc import nfc_view

__all__ = [
    "DistrictContext",
    "Normalizer",
    "normalize_award",
    "normalize_district",
    "normalize_doc",
    "normalize_money",
    "normalize_official",
    "normalize_program",
    "normalize_span",
]

HANGUL = "가-힣"
_HANGUL_RUN = re.compile(f"[{HANGUL}]+")
# Quote and bracket marks a span may still carry when a caller passes raw text.
_QUOTES = "‘’“”'\"「」『』《》〈〉<>[]()"
_SPACE = re.compile(r"\s+")


def _clean(text: str) -> str:
    # NFC so that decomposed Hangul from scraped pages compares equal;
    # \s covers the no-break spaces news sites put between words.
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _never_raise(fallback: dict) -> Callable:
    """A normaliser runs on every entity of every page; one odd string must
    not take the whole document down, so an unexpected error becomes a
    ``reason`` (the property tests check that this never happens)."""

    def wrap(func: Callable) -> Callable:
        @functools.wraps(func)
        def inner(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001
                return {**fallback, "reason": f"internal error: {type(exc).__name__}: {exc}"}

        return inner

    return wrap


# ================================================================= MONEY

_MONEY_KEYS = {"krw": None, "approx": None, "currency": None}

_HANGUL_DIGITS = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "륙": 6, "칠": 7, "팔": 8, "구": 9}
_SMALL_UNITS = {"십": 10, "백": 100, "천": 1000}
_BIG_UNITS = {"만": 10**4, "억": 10**8, "조": 10**12, "경": 10**16}
_UNIT_CHARS = "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)

# Tried in order, so a longer word comes before its prefix (원화 before 원).
_CURRENCIES = (
    ("원화", "KRW"), ("원정", "KRW"), ("원", "KRW"), ("KRW", "KRW"),
    ("미화", "USD"), ("달러", "USD"), ("불", "USD"), ("USD", "USD"),
    ("엔화", "JPY"), ("엔", "JPY"), ("유로", "EUR"), ("위안", "CNY"), ("파운드", "GBP"),
)
_CURRENCY_SIGNS = (("US$", "USD"), ("$", "USD"), ("₩", "KRW"), ("¥", "JPY"), ("€", "EUR"), ("£", "GBP"))
# Words the guideline keeps outside the span but a caller may pass along.
_PREFIXES = (("최대", False), ("최소", False), ("대략", True), ("무려", False), ("모두", False), ("약", True), ("총", False))
_SUFFIXES = (
    ("가량", True), ("정도", True), ("안팎", True), ("남짓", True), ("내외", True), ("쯤", True),
    ("상당", False), ("규모", False), ("수준", False), ("이상", False), ("이하", False), ("여", True),
)
_NUMBER = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+")
_MAX_DIGITS = 40  # longer digit runs are no amount and would slow int() down


class _MoneyError(ValueError):
    pass


def _strip_leading(s: str, words) -> tuple[str, bool]:
    """Drop leading words of ``words`` (약 총 …; 규모 가량 … after the amount);
    True if one of them makes the amount approximate."""
    approx = False
    stripped = True
    while stripped:
        stripped = False
        for word, is_approx in words:
            if s.startswith(word):
                s, stripped = s[len(word):].lstrip(), True
                approx |= is_approx
                break
    return s, approx


def _parse_amount(s: str) -> tuple[Fraction | None, bool, bool, int]:
    """Read the numeral at the start of ``s``.

    Returns (value, approx, vague, characters consumed); value is None when
    there is no numeral. Raises _MoneyError for malformed numerals.
    """
    i, n = 0, len(s)
    total = Fraction(0)
    group_small = Fraction(0)  # 천/백/십 parts of the current 만/억/조 group
    pending: Fraction | None = None  # a number not yet multiplied by a unit
    last_small = None  # smallest 천/백/십 seen in the group: they must decrease
    last_big = None
    group_started = False
    seen = False
    approx = vague = False
    consumed = 0
    while i < n:
        ch = s[i]
        if ch.isspace():
            i += 1
            continue
        m = _NUMBER.match(s, i)
        if m:
            raw = m.group(0).replace(",", "")
            if len(raw) > _MAX_DIGITS:
                raise _MoneyError("number too long")
            if pending is not None:
                raise _MoneyError("two numbers in a row")
            value = Fraction(raw)
            if last_small is not None and value >= last_small:
                raise _MoneyError(f"{m.group(0)} after a larger place value")
            pending, seen, group_started = value, True, True
            i = consumed = m.end()
            continue
        if ch in _HANGUL_DIGITS:
            # 이/구/사/일 are ordinary syllables too (50억이, 구청): a Hangul
            # digit counts only when a place value or 원 follows it.
            nxt = s[i + 1 : i + 2]
            if not nxt or (nxt not in _UNIT_CHARS and nxt not in "여원" and not nxt.isspace()):
                break
            if nxt.isspace():
                after = s[i + 1 :].lstrip()
                if not after.startswith(tuple(w for w, _ in _CURRENCIES)):
                    break
            if pending is not None:
                raise _MoneyError("two numbers in a row")
            value = Fraction(_HANGUL_DIGITS[ch])
            if last_small is not None and value >= last_small:
                raise _MoneyError("digit after a larger place value")
            pending, seen, group_started = value, True, True
            i = consumed = i + 1
            continue
        if ch in ("수", "몇"):
            # 수억, 수십억, 십수억, 몇천만: "several", no number to give.
            nxt = s[i + 1 : i + 2]
            if nxt and nxt in _UNIT_CHARS:
                vague = seen = group_started = True
                i = consumed = i + 1
                continue
            break
        if ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            if last_small is not None and unit >= last_small:
                raise _MoneyError(f"{ch} after a smaller place value")
            group_small += (pending if pending is not None else 1) * unit
            pending, last_small, seen, group_started = None, unit, True, True
            i = consumed = i + 1
            continue
        if ch in _BIG_UNITS:
            unit = _BIG_UNITS[ch]
            if last_big is not None and unit >= last_big:
                raise _MoneyError(f"{ch} after a smaller unit")
            group = group_small + (pending or 0)
            if not group_started:
                group = Fraction(1)  # bare 만 원, 억 원
            total += group * unit
            group_small, pending, last_small, last_big = Fraction(0), None, None, unit
            group_started, seen = False, True
            i = consumed = i + 1
            continue
        if ch == "여" and seen:
            approx = True
            i = consumed = i + 1
            continue
        break
    if not seen:
        return None, approx, vague, 0
    rest = group_small + (pending or 0)
    if last_big is not None and last_big > _BIG_UNITS["만"] and last_small is not None:
        # 1억 5천, 2조 5천: the next unit down is dropped (1억 5천만); nobody
        # writes 100,005,000 won that way.
        rest *= last_big // 10**4
    return total + rest, approx, vague, consumed


def _as_number(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


@_never_raise(_MONEY_KEYS)
def normalize_money(text: str) -> dict:
    """Amount of a MONEY span in won; see the module docstring.

    >>> normalize_money("6억 2천여만 원")
    {'krw': 620000000, 'approx': True, 'currency': 'KRW'}
    """
    s = _clean(unicodedata.normalize("NFKC", text)).strip(_QUOTES + " ")
    if not s:
        return {**_MONEY_KEYS, "reason": "empty"}
    s, approx = _strip_leading(s, _PREFIXES)
    currency = None
    for sign, code in _CURRENCY_SIGNS:
        if s.startswith(sign):
            currency, s = code, s[len(sign):].lstrip()
            break
    try:
        value, approx_num, vague, used = _parse_amount(s)
    except _MoneyError as exc:
        return {**_MONEY_KEYS, "reason": f"malformed amount: {exc}"}
    if value is None and not vague:
        return {**_MONEY_KEYS, "reason": "no amount"}
    approx |= approx_num
    rest = s[used:].strip()
    if currency is None:
        for word, code in _CURRENCIES:
            if rest.startswith(word):
                currency, rest = code, rest[len(word):].strip()
                break
    unit_written = bool(re.search(f"[{_UNIT_CHARS}]", s[:used]))
    # What may follow the amount: 규모/가량 and particles (4500만 원을).
    rest, approx_tail = _strip_leading(rest, _SUFFIXES)
    approx |= approx_tail
    if rest and not is_particle_run(rest):
        return {**_MONEY_KEYS, "reason": f"not an amount: trailing {rest[:20]!r}"}
    if currency is None:
        if not unit_written:
            return {**_MONEY_KEYS, "reason": "bare number: no unit or currency"}
        currency = "KRW"  # 50억: news leaves 원 out only for won
    if vague:
        return {"krw": None, "approx": True, "currency": currency, "reason": "vague amount"}
    if currency != "KRW":
        out = {"krw": None, "approx": approx, "currency": currency, "amount": _as_number(value)}
        if currency == "USD":
            out["usd"] = out["amount"]
        out["reason"] = "foreign currency: not converted"
        return out
    # Won has no subunit in use; 1.23456789억 is exact, 0.5원 is not.
    krw = round(value)
    return {"krw": int(krw), "approx": bool(approx or krw != value), "currency": "KRW"}


# ================================================================= DISTRICT

_DISTRICT_KEYS = {"name": None, "level": None, "parent": None, "code": None}
# Still a local government today; "former" and "new2026" rows are readings
# only context may select.
_LIVE = frozenset({"current", "admin"})
# Region words that are also everyday nouns (경기 = "economy", "match"): they
# count as the article's city only right before a district name.
_WEAK_REGION_WORDS = frozenset({"경기"})


def _home(d: District) -> str:
    """The upper-level government a reading belongs to (itself if upper)."""
    return d.parent or d.name


def _district_dict(d: District, resolved_by: str) -> dict:
    return {
        "name": d.full_name,
        "level": d.level,
        "parent": d.parent,
        "code": d.code,
        "status": d.status,
        "resolved_by": resolved_by,
    }


def _upper_of_word(word: str) -> District | None:
    """The upper-level government a word right before a name stands for."""
    gaz = default_gazetteer()
    return gaz.upper(word) or gaz.region_word(word)


def _lookup_stem(surface: str) -> tuple[str, list[District]]:
    """Gazetteer readings of ``surface``, tolerating particles left on it."""
    gaz = default_gazetteer()
    found = gaz.lookup(surface)
    if found:
        return surface, found
    for cut in range(len(surface) - 1, 1, -1):
        if is_particle_run(surface[cut:]):
            found = gaz.lookup(surface[:cut])
            if found:
                return surface[:cut], found
    return surface, []


class DistrictContext:
    """What a page says about which city its districts belong to.

    Build it once per page with :meth:`from_doc` or :meth:`from_text`; pass
    ``ctx.at(start, end)`` to :func:`normalize_district` to also use the word
    right before that mention. Contexts made by :meth:`at` share the page
    evidence, which is computed once.
    """

    def __init__(
        self,
        text: str = "",
        mentions: Iterable[tuple[int, int, str]] = (),
        regions: Iterable[tuple[int, int, str]] | None = None,
        position: tuple[int, int] | None = None,
    ):
        self.text = text
        self.mentions = tuple(mentions)
        self.regions = tuple(_find_region_words(text)) if regions is None else tuple(regions)
        self.position = position
        self._evidence: tuple[Counter, Counter] | None = None

    @classmethod
    def from_doc(cls, doc) -> DistrictContext:
        """DISTRICT ents of a tagged Doc plus the region words in its text."""
        mentions = [(e.start_char, e.end_char, e.text) for e in doc.ents if e.label_ == "DISTRICT"]
        return cls(doc_text(doc), mentions)

    @classmethod
    def from_text(cls, text: str, spans: Iterable[tuple[int, int]] | None = None) -> DistrictContext:
        """A page's context from raw text; districts found by the rule layer
        unless ``spans`` (character offsets) are given."""
        if spans is None:
            # Imported here: the other normalisers need no rule layer.
            from kgov_ner.pipeline.rules import find_districts

            view = nfc_view(text)  # rules match NFC; offsets must index ``text``
            spans = [(view.orig(c.start), view.orig_end(c.end)) for c in find_districts(view.text)]
        return cls(text, [(s, e, text[s:e]) for s, e in spans])

    def at(self, start: int, end: int) -> DistrictContext:
        """This page's context, for the mention at ``text[start:end]``."""
        self._page_evidence()
        other = copy.copy(self)
        other.position = (start, end)
        return other

    def preceding_upper(self, start: int | None = None) -> District | None:
        """Upper-level government named by the word right before ``start``
        (대전 동구, 부산시 동구); whitespace only in between."""
        if start is None:
            if self.position is None:
                return None
            start = self.position[0]
        window = self.text[max(0, start - 40):start]
        before = window.rstrip()
        if len(before) == len(window):
            return None  # no space: 부산동구 is one word, not a region + a name
        m = re.search(f"[{HANGUL}]+$", unicodedata.normalize("NFC", before))
        return _upper_of_word(m.group(0)) if m else None

    def _page_evidence(self) -> tuple[Counter, Counter]:
        """(votes of self-resolving lower-level districts by upper-level
        government, mentions of each upper-level government)."""
        if self._evidence is None:
            anchors: Counter = Counter()
            cities: Counter = Counter()
            for start, end, surface in self.mentions:
                cands = default_gazetteer().lookup(surface)
                if not cands:
                    continue
                chosen = _self_resolved(cands, self.preceding_upper(start))
                if chosen is None:
                    continue
                if chosen.is_upper:
                    cities[chosen.name] += 1
                else:
                    anchors[_home(chosen)] += 1
            for _s, _e, upper in self.regions:
                cities[upper] += 1
            self._evidence = (anchors, cities)
        return self._evidence


def _self_resolved(cands: list[District], prefix: District | None) -> District | None:
    """A reading chosen without the rest of the page, or None."""
    if len(cands) == 1:
        return cands[0]
    if prefix is not None:
        hit = [d for d in cands if _home(d) == prefix.name]
        if len(hit) == 1:
            return hit[0]
    return None


def _find_region_words(text: str) -> Iterable[tuple[int, int, str]]:
    """Bare region words standing as their own word (서울, 부산의)."""
    gaz = default_gazetteer()
    words = gaz.region_words()
    if not text or not words:
        return []
    nfc = unicodedata.normalize("NFC", text)
    # Offsets only matter as positions in the page, so an NFD page (whose NFC
    # offsets differ) still gives the right counts.
    out = []
    regex = _region_regex(tuple(sorted(words)))
    for m in regex.finditer(nfc):
        rest = _HANGUL_RUN.match(nfc, m.end())
        if rest and not is_particle_run(rest.group(0)):
            continue
        word = m.group(0)
        if word in _WEAK_REGION_WORDS:
            nxt = re.match(rf"\s+([{HANGUL}]+)", nfc[m.end():])
            if rest or not nxt or not _lookup_stem(nxt.group(1))[1]:
                continue
        out.append((m.start(), m.end(), words[word].name))
    return out


@functools.lru_cache(maxsize=4)
def _region_regex(words: tuple[str, ...]) -> re.Pattern:
    return re.compile(f"(?<![{HANGUL}])(?:{alternation(words)})")


@_never_raise(_DISTRICT_KEYS)
def normalize_district(text: str, context: DistrictContext | None = None) -> dict:
    """Official reading of a DISTRICT span; see the module docstring.

    ``text`` may carry its region word (``"대전 동구"``, ``"경기도 광주시"``).

    >>> normalize_district("서울시")["name"]
    '서울특별시'
    >>> normalize_district("동구", DistrictContext.from_text("부산 해운대구와 수영구, 동구"))["name"]
    '부산광역시 동구'
    """
    s = _clean(text).strip(_QUOTES + " ")
    if not s:
        return {**_DISTRICT_KEYS, "reason": "empty"}
    prefix = None
    words = s.split(" ")
    if len(words) == 2 and _upper_of_word(words[0]) is not None:
        prefix, s = _upper_of_word(words[0]), words[1]
    elif len(words) > 2:
        return {**_DISTRICT_KEYS, "reason": "not a district name"}
    _stem, cands = _lookup_stem(s)
    if not cands:
        return {**_DISTRICT_KEYS, "reason": "not in the gazetteer"}
    if len(cands) == 1:
        return _district_dict(cands[0], "unique")
    if prefix is None and context is not None:
        prefix = context.preceding_upper()

    # 1. a region word or upper-level name right before the mention
    if prefix is not None:
        hit = [d for d in cands if _home(d) == prefix.name]
        if len(hit) == 1:
            return _district_dict(hit[0], "region-word")

    remaining = list(cands)
    if context is not None:
        anchors, cities = context._page_evidence()
        # 2. the page's other districts vote by their upper-level government
        votes = {d: anchors.get(_home(d), 0) for d in remaining}
        best = max(votes.values())
        if best > 0:
            top = [d for d, v in votes.items() if v == best]
            if len(top) == 1:
                return _district_dict(top[0], "page")
            remaining = top
        # 3. the article's city: the single most named upper-level government
        ranked = cities.most_common(2)
        if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            city = ranked[0][0]
            hit = [d for d in remaining if _home(d) == city]
            if len(hit) == 1:
                return _district_dict(hit[0], "article-city")

    # 4. the only reading that still exists
    live = [d for d in remaining if d.status in _LIVE]
    if len(live) == 1:
        return _district_dict(live[0], "current")
    return {**_DISTRICT_KEYS, "candidates": [d.full_name for d in remaining], "reason": "ambiguous"}


# ================================================================= AWARD

_AWARD_KEYS = {"tier": None, "rank": None, "kind": None}


@functools.lru_cache(maxsize=None)
def _award_lexicon() -> dict[str, Tier]:
    """tiers.tsv plus the normaliser-only rows of award_norm.tsv."""
    text = resources.files("kgov_ner.resources").joinpath("data", "award_norm.tsv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    extra = {
        row["word"]: Tier(row["word"], row["tier"], int(row["rank"]), row["kind"])
        for row in csv.DictReader(lines, delimiter="\t")
    }
    return {**extra, **tiers()}


@functools.lru_cache(maxsize=None)
def _award_patterns() -> dict[str, re.Pattern]:
    lex = _award_lexicon()
    minist = [w for w, t in lex.items() if t.kind == "ministerial"]
    district = [w for w, t in lex.items() if t.kind == "district-tier"]
    grades = [w for w, t in lex.items() if t.kind == "grade"]
    return {
        "ministerial": re.compile(
            f"(?P<org>[{HANGUL}]{{1,12}}?부)?\\s?(?P<who>{alternation(minist)})"
            f"\\s?(?P<form>(?:기관\\s?|단체\\s?)?(?:표창장|표창|상))?"
        ),
        "grade": re.compile(f"(?P<g>{alternation(grades)}|\\d{{1,2}})\\s?(?P<head>등급)?"),
        "tier": re.compile(
            f"(?P<tier>{alternation(district)})\\s?(?P<head>[{HANGUL}]{{1,8}}(?:\\s[{HANGUL}]{{1,4}})?)?"
        ),
    }


@functools.lru_cache(maxsize=None)
def _award_heads() -> tuple[str, ...]:
    return tuple(word_list("award_heads.txt")) + ("표창",)


def _award_dict(t: Tier, kind: str | None = None, rank: int | None = None, **extra) -> dict:
    return {"tier": t.tier, "rank": rank if rank is not None else t.rank, "kind": kind or t.kind, **extra}


@_never_raise(_AWARD_KEYS)
def normalize_award(text: str) -> dict:
    """Tier, rank and kind of an AWARD span; see the table in the module docstring.

    >>> normalize_award("우수 자치구")
    {'tier': '우수', 'rank': 2, 'kind': 'district-tier', 'head': '자치구'}
    """
    s = _clean(unicodedata.normalize("NFKC", text)).strip(_QUOTES + " ")
    if not s:
        return {**_AWARD_KEYS, "reason": "empty"}
    lex = _award_lexicon()
    pats = _award_patterns()
    compact = s.replace(" ", "")
    if compact in lex and lex[compact].kind in ("prize", "district-tier"):
        return _award_dict(lex[compact], head=None)

    m = pats["ministerial"].fullmatch(s)
    if m:
        form = m.group("form")
        return _award_dict(
            lex[m.group("who")],
            ministry=m.group("org"),
            form=form.replace(" ", "") if form else None,
        )

    m = pats["grade"].fullmatch(re.sub("[a-z]", lambda c: c.group(0).upper(), s))
    if m and (m.group("head") or (m.group("g").isascii() and m.group("g").isalpha())):
        g = m.group("g")
        if g.isdigit():
            # 청렴도 1등급: the number is the rank.
            return {"tier": g, "rank": int(g), "kind": "grade", "head": "등급"}
        return _award_dict(lex[g], head=m.group("head"))

    m = pats["tier"].fullmatch(s)
    if m:
        t, head = lex[m.group("tier")], m.group("head")
        compact_head = head.replace(" ", "") if head else None
        if compact_head is None:
            return _award_dict(t, head=None)
        if compact_head.endswith("상"):
            return _award_dict(t, kind="prize", rank=t.rank + 1, head=head)
        if compact_head.endswith(_award_heads()):
            return _award_dict(t, head=head)
        # 우수사례, 우수인재: the guideline's adjective 우수, not a tier.
        return {**_AWARD_KEYS, "reason": f"unknown head {head!r}"}
    return {**_AWARD_KEYS, "reason": "unknown tier"}


# ================================================================= OFFICIAL

_OFFICIAL_KEYS = {"role": None, "district": None}
# Titles whose first syllable is the district's own suffix: 강북구청장 is
# 강북구 + 청장 as written but 강북 + 구청장 as a role.
_HEAD_TITLES = ("구청장", "부구청장", "군수", "부군수", "시장", "부시장", "도지사", "부지사", "지사")
_TRAILING_PUNCT = ".,;:!?)]>’”\"'…·"
_AFTER_WINDOW = 20  # characters after the name searched for its title
_MAX_WORDS_BEFORE_TITLE = 3  # 신면호 | 서울시 | 경제진흥본부장


@functools.lru_cache(maxsize=None)
def _title_regex() -> re.Pattern:
    return re.compile(f"(?:{alternation(word_list('titles.txt'))})")


def _title_stem(word: str) -> str | None:
    """``word`` without its particles when it ends in a title (강북구청장은 → 강북구청장)."""
    word = word.rstrip(_TRAILING_PUNCT)
    for m in _title_regex().finditer(word):
        if is_particle_run(word[m.end():]) and re.fullmatch(f"[{HANGUL}·]+", word[: m.end()]):
            return word[: m.end()]
    return None


def _split_title(stem: str) -> tuple[str | None, str]:
    """(district surface or None, role) of a title word: 강북구청장 → (강북구, 구청장)."""
    gaz = default_gazetteer()
    for title in sorted(_HEAD_TITLES, key=len, reverse=True):
        if stem.endswith(title) and len(stem) > len(title):
            prefix = stem[: -len(title)]
            suffix_char = title.lstrip("부")[0]
            for surface in (prefix + suffix_char, prefix):
                if gaz.lookup(surface) or _upper_of_word(surface):
                    return surface, title
    # 강북구보건소장, 서울시경제진흥본부장: the longest district name in front.
    for cut in range(len(stem) - 2, 1, -1):
        prefix = stem[:cut]
        if gaz.lookup(prefix) and _title_regex().search(stem[cut:]):
            return prefix, stem[cut:]
    return None, stem


def _district_name(surface: str, pos: int, doc_text: str, districts: Sequence[dict], ctx_cache: list,
                   index: dict) -> str | None:
    """Full name of the district written at ``pos``; the caller's normalised
    DISTRICT entity when one sits there, else resolved with the page context."""
    d = index.get(pos)
    if d is not None and isinstance(d.get("norm"), dict):
        return d["norm"].get("name")
    if not ctx_cache:
        spans = [
            (d["start"], d["end"])
            for d in districts
            if isinstance(d.get("start"), int) and isinstance(d.get("end"), int)
        ]
        # No entities given: the rule layer's districts are the next best page evidence.
        ctx_cache.append(DistrictContext.from_text(doc_text, spans or None))
    region = _upper_of_word(surface)
    if region is not None and not default_gazetteer().lookup(surface):
        return region.name  # 경남지사: a region word names the province
    return normalize_district(surface, ctx_cache[0].at(pos, pos + len(surface))).get("name")


def district_index(districts: Sequence[dict]) -> dict[int, dict]:
    """Start offset → district dict, for :func:`normalize_official`."""
    return {d["start"]: d for d in districts if isinstance(d, dict) and isinstance(d.get("start"), int)}


def _is_district_word(word: str) -> bool:
    return bool(default_gazetteer().lookup(word)) or _upper_of_word(word) is not None


# Words that may stand between a name and its title: the organisation the
# title belongs to (행정안전부, 경제진흥본부) or 전/현 (former/current).
_ORG_SUFFIXES = ("부", "청", "처", "원", "실", "국", "과", "단", "본부", "위원회", "센터", "공단", "공사", "재단", "소", "팀")
_ORG_WORDS = frozenset({"전", "현", "신임", "초대", "민선"})


@_never_raise(_OFFICIAL_KEYS)
def normalize_official(doc_text: str, start: int, end: int, districts: list[dict],
                       context: "DistrictContext | None" = None, index: dict | None = None) -> dict:
    """Role and district of the OFFICIAL at ``doc_text[start:end]``.

    ``districts`` are the page's DISTRICT entities as dicts with ``start``,
    ``end`` (offsets into ``doc_text``) and optionally ``text`` and ``norm``
    (a :func:`normalize_district` result); they resolve same-named districts
    (동구청장) the way the rest of the page does. ``context`` and ``index``
    (start offset → district dict): the page's :class:`DistrictContext` and
    district index when the caller has built them already (a page with many
    officials must not rebuild them for each).

    >>> normalize_official("박겸수 강북구청장은", 0, 3, [])
    {'role': '구청장', 'district': '서울특별시 강북구'}
    """
    if not isinstance(doc_text, str) or not (0 <= start < end <= len(doc_text)):
        return {**_OFFICIAL_KEYS, "reason": "span outside the text"}
    if index is None:
        districts = [d for d in (districts or []) if isinstance(d, dict)]
        index = district_index(districts)
    ctx_cache: list = [context] if context is not None else []

    def result(role: str, surface: str | None, pos: int | None) -> dict:
        name = None
        if surface and pos is not None:
            name = _district_name(surface, pos, doc_text, districts, ctx_cache, index)
        return {"role": role, "district": name}

    def titled(word: str, pos: int, district_before: tuple[str, int] | None) -> dict | None:
        stem = _title_stem(unicodedata.normalize("NFC", word))
        if not stem:
            return None
        surface, role = _split_title(stem)
        if surface:
            return result(role, surface, pos)
        if district_before:
            return result(role, *district_before)
        return result(role, None, None)

    # After the name: 박겸수 강북구청장, 신면호 서울시 경제진흥본부장, 이정훈 청장.
    between: tuple[str, int] | None = None
    tail = doc_text[end:end + _AFTER_WINDOW + 15]
    for k, m in enumerate(re.finditer(r"\S+", tail)):
        if k >= _MAX_WORDS_BEFORE_TITLE or m.start() > _AFTER_WINDOW or "\n" in tail[: m.start()]:
            break
        if k == 0 and m.start() == 0:
            break  # 김선갑)가, 김선갑이: no title word follows the name
        word = unicodedata.normalize("NFC", m.group(0))
        found = titled(word, end + m.start(), between)
        if found:
            return found
        if _is_district_word(word):
            between = (word, end + m.start())
        elif not (word in _ORG_WORDS or (re.fullmatch(f"[{HANGUL}]+", word) and word.endswith(_ORG_SUFFIXES))):
            break  # 씨는, “: the sentence has moved on

    # Inside parentheses before it: 광진구(구청장 김선갑), (서울시 경제진흥본부장 신면호).
    lo = max(0, start - 30)
    m = re.search(r"\(([^()\n]{0,25})$", doc_text[lo:start])
    if m:
        inner_start = lo + m.start(1)
        words = list(re.finditer(r"\S+", doc_text[inner_start:start]))
        if words:
            last = words[-1]
            district_before = None
            if len(words) >= 2 and _is_district_word(words[-2].group(0)):
                district_before = (words[-2].group(0), inner_start + words[-2].start())
            else:
                outer = re.search(f"[{HANGUL}]+$", doc_text[: inner_start - 1])
                if outer:
                    stem, cands = _lookup_stem(outer.group(0))
                    if cands:
                        district_before = (stem, outer.start())
            found = titled(last.group(0), inner_start + last.start(), district_before)
            if found:
                return found

    # The word right before it: 성동구청장 정원오.
    m = re.search(r"(\S+)\s+$", doc_text[lo:start])
    if m and "\n" not in m.group(0):
        word = unicodedata.normalize("NFC", m.group(1))
        if _title_stem(word) == word:  # 구청장과 김선갑: the title is someone else's
            found = titled(word, lo + m.start(1), None)
            if found:
                return found
    return {**_OFFICIAL_KEYS, "reason": "no title next to the name"}


# ================================================================= PROGRAM

_PROGRAM_KEYS = {"name": None, "year": None}
# Quote marks only: brackets belong to names such as 19(일자리 구하는 날) Day.
_PROGRAM_MARKS = "‘’“”'\"「」『』"
_YEAR_PREFIX = re.compile(r"^(?P<year>(?:19|20)\d{2})(?:\s?년도?\s*|\s+)")
_GENERIC_TAIL = re.compile(r"\s?(?:사업\s?평가|사업|평가)$")


@_never_raise(_PROGRAM_KEYS)
def normalize_program(text: str) -> dict:
    """Grouping name and year of a PROGRAM span; see the module docstring.

    >>> normalize_program("‘2019년 서울 희망일자리 만들기’")
    {'name': '서울 희망일자리 만들기', 'year': 2019, 'key': '서울희망일자리만들기'}
    """
    s = _clean(text).strip(_PROGRAM_MARKS + " ")
    if not s:
        return {**_PROGRAM_KEYS, "reason": "empty"}
    year = None
    m = _YEAR_PREFIX.match(s)
    if m and len(s) > m.end():
        year, s = int(m.group("year")), s[m.end():]
    tail = _GENERIC_TAIL.search(s)
    # 평가, 사업 alone, or 일자리사업 cut to two syllables: keep the phrase whole.
    if tail and len(s[: tail.start()].strip()) >= 2:
        s = s[: tail.start()].strip()
    return {"name": s, "year": year, "key": s.replace(" ", "")}


# ================================================================= dispatch

_KEYS_BY_LABEL = {
    "MONEY": _MONEY_KEYS,
    "DISTRICT": _DISTRICT_KEYS,
    "AWARD": _AWARD_KEYS,
    "OFFICIAL": _OFFICIAL_KEYS,
    "PROGRAM": _PROGRAM_KEYS,
}


def _district_entities(doc, ctx: DistrictContext) -> list[dict]:
    return [
        {
            "start": e.start_char,
            "end": e.end_char,
            "text": e.text,
            "norm": normalize_district(e.text, ctx.at(e.start_char, e.end_char)),
        }
        for e in doc.ents
        if e.label_ == "DISTRICT"
    ]


def _normalize(doc, ent, ctx: Callable[[], DistrictContext], districts: Callable[[], list[dict]],
               index: Callable[[], dict] | None = None) -> dict:
    index = index or _lazy(lambda: district_index(districts()))
    label = ent.label_
    if label == "MONEY":
        return normalize_money(ent.text)
    if label == "AWARD":
        return normalize_award(ent.text)
    if label == "PROGRAM":
        return normalize_program(ent.text)
    if label == "DISTRICT":
        return normalize_district(ent.text, ctx().at(ent.start_char, ent.end_char))
    if label == "OFFICIAL":
        return normalize_official(doc_text(doc), ent.start_char, ent.end_char, districts(), context=ctx(),
                                  index=index())
    return {"reason": f"no normaliser for label {label!r}"}


def _lazy(make: Callable[[], Any]) -> Callable[[], Any]:
    cache: list = []

    def get():
        if not cache:
            cache.append(make())
        return cache[0]

    return get


def normalize_span(doc, ent) -> dict:
    """Normalised value of one entity of ``doc``, using the whole page as context."""
    ctx = _lazy(lambda: DistrictContext.from_doc(doc))
    try:
        return _normalize(doc, ent, ctx, _lazy(lambda: _district_entities(doc, ctx())))
    except Exception as exc:  # noqa: BLE001 - see _never_raise
        keys = _KEYS_BY_LABEL.get(getattr(ent, "label_", None), {})
        return {**keys, "reason": f"internal error: {type(exc).__name__}: {exc}"}


def normalize_doc(doc) -> list[dict]:
    """Normalised values of ``doc.ents``, in order; the page context is built once."""
    ctx = _lazy(lambda: DistrictContext.from_doc(doc))
    districts = _lazy(lambda: _district_entities(doc, ctx()))
    index = _lazy(lambda: district_index(districts()))
    out = []
    for ent in doc.ents:
        try:
            out.append(_normalize(doc, ent, ctx, districts, index))
        except Exception as exc:  # noqa: BLE001 - see _never_raise
            out.append({**_KEYS_BY_LABEL.get(ent.label_, {}), "reason": f"internal error: {type(exc).__name__}: {exc}"})
    return out


# ================================================================= spaCy component


def _ensure_extension() -> None:
    if not Span.has_extension("norm"):
        Span.set_extension("norm", default=None)


class Normalizer:
    """Pipeline component: ``ent._.norm`` = the normalised dict of every entity.

    Add it after the taggers: ``nlp.add_pipe("kgov_normalize")``.
    """

    def __init__(self, nlp=None, name: str = "kgov_normalize"):
        self.name = name
        _ensure_extension()

    def __call__(self, doc):
        for ent, norm in zip(doc.ents, normalize_doc(doc)):
            ent._.norm = norm
        return doc


_ensure_extension()


@Language.factory("kgov_normalize")
def make_normalizer(nlp: Language, name: str) -> Normalizer:
    return Normalizer(nlp, name)
