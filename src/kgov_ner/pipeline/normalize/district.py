"""DISTRICT: the official local government a name stands for.

``{"name": official full name, "level", "parent", "code", "status",
"resolved_by"}``. A name several governments share (중구, 동구, 강서구,
고성군, 광주시 …) is resolved, in this order, by

1. ``region-word``: a region word or upper-level name right before it
   (``대전 동구``, ``부산시 동구``);
2. ``page``: an upper-level reading the page names in full (광주시 on a
   page that says 광주광역시); else the other districts on the page that
   resolve without help, voting by their upper-level government (해운대구
   and 수영구 → 부산);
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
"""

from __future__ import annotations

import copy
import functools
import re
import unicodedata
from collections import Counter
from typing import Iterable

from kgov_ner.pipeline.normalize.common import QUOTES, clean, never_raise
from kgov_ner.pipeline.rules.common import HANGUL, rest_of_word
from kgov_ner.pipeline.rules.district import find_districts
from kgov_ner.pipeline.tokenizer import doc_text
from kgov_ner.resources.gazetteer import District, default_gazetteer
from kgov_ner.resources.lexicon import alternation, is_particle_run
from kgov_ner.text.nfc import nfc_view

DISTRICT_KEYS = {"name": None, "level": None, "parent": None, "code": None}
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


def upper_of_word(word: str) -> District | None:
    """The upper-level government a word right before a name stands for."""
    gaz = default_gazetteer()
    return gaz.upper(word) or gaz.region_word(word)


def lookup_stem(surface: str) -> tuple[str, list[District]]:
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
        (대전 동구, 부산시 동구, a table's region cell: 경남 | 고성군); whitespace
        (and a cell separator) only in between."""
        if start is None:
            if self.position is None:
                return None
            start = self.position[0]
        window = self.text[max(0, start - 40):start]
        before = window.rstrip()
        if len(before) == len(window):
            return None  # no space: 부산동구 is one word, not a region + a name
        if before.endswith("|"):
            before = before[:-1].rstrip()
        m = re.search(f"[{HANGUL}]+$", unicodedata.normalize("NFC", before))
        return upper_of_word(m.group(0)) if m else None

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


def _only_under(cands: list[District], upper: str) -> District | None:
    """The reading that belongs to the upper-level government ``upper``, if exactly one does."""
    hit = [d for d in cands if _home(d) == upper]
    return hit[0] if len(hit) == 1 else None


def _self_resolved(cands: list[District], prefix: District | None) -> District | None:
    """A reading chosen without the rest of the page, or None."""
    if len(cands) == 1:
        return cands[0]
    if prefix is not None:
        return _only_under(cands, prefix.name)
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
        rest = rest_of_word(nfc, m.end())
        if rest and not is_particle_run(rest):
            continue
        word = m.group(0)
        if word in _WEAK_REGION_WORDS:
            nxt = re.match(rf"\s+([{HANGUL}]+)", nfc[m.end():])
            if rest or not nxt or not lookup_stem(nxt.group(1))[1]:
                continue
        out.append((m.start(), m.end(), words[word].name))
    return out


@functools.lru_cache(maxsize=4)
def _region_regex(words: tuple[str, ...]) -> re.Pattern:
    return re.compile(f"(?<![{HANGUL}])(?:{alternation(words)})")


@never_raise(DISTRICT_KEYS)
def normalize_district(text: str, context: DistrictContext | None = None) -> dict:
    """Official reading of a DISTRICT span; see the module docstring.

    ``text`` may carry its region word (``"대전 동구"``, ``"경기도 광주시"``).

    >>> normalize_district("서울시")["name"]
    '서울특별시'
    >>> normalize_district("동구", DistrictContext.from_text("부산 해운대구와 수영구, 동구"))["name"]
    '부산광역시 동구'
    """
    s = clean(text).strip(QUOTES + " ")
    if not s:
        return {**DISTRICT_KEYS, "reason": "empty"}
    prefix = None
    words = s.split(" ")
    if len(words) == 2 and upper_of_word(words[0]) is not None:
        prefix, s = upper_of_word(words[0]), words[1]
    elif len(words) > 2:
        return {**DISTRICT_KEYS, "reason": "not a district name"}
    _stem, cands = lookup_stem(s)
    if not cands:
        return {**DISTRICT_KEYS, "reason": "not in the gazetteer"}
    if len(cands) == 1:
        return _district_dict(cands[0], "unique")
    if prefix is None and context is not None:
        prefix = context.preceding_upper()
    return _resolve_shared_name(cands, prefix, context)


def _resolve_shared_name(cands: list[District], prefix: District | None, context: DistrictContext | None) -> dict:
    """The reading of a name several governments share: steps 1–4 of the module docstring."""
    # 1. a region word or upper-level name right before the mention
    hit = _only_under(cands, prefix.name) if prefix is not None else None
    if hit is not None:
        return _district_dict(hit, "region-word")
    remaining = list(cands)
    if context is not None:
        found, remaining = _resolve_by_page(remaining, context)
        if found is not None:
            return found
    # 4. the only reading that still exists
    live = [d for d in remaining if d.status in _LIVE]
    if len(live) == 1:
        return _district_dict(live[0], "current")
    return {**DISTRICT_KEYS, "candidates": [d.full_name for d in remaining], "reason": "ambiguous"}


def _resolve_by_page(remaining: list[District], context: DistrictContext) -> tuple[dict | None, list[District]]:
    """Steps 2 and 3: the page's vote, then the article's city; the readings left if neither decides."""
    anchors, cities = context._page_evidence()
    # 2a. an upper-level reading the page names in full (광주시 on a page that says 광주광역시)
    named = [d for d in remaining if d.is_upper and cities.get(d.name)]
    if len(named) == 1:
        return _district_dict(named[0], "page"), named
    # 2. the page's other districts vote by their upper-level government
    votes = {d: anchors.get(_home(d), 0) for d in remaining}
    best = max(votes.values())
    if best > 0:
        top = [d for d, v in votes.items() if v == best]
        if len(top) == 1:
            return _district_dict(top[0], "page"), top
        remaining = top
    # 3. the article's city: the single most named upper-level government
    ranked = cities.most_common(2)
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        hit = _only_under(remaining, ranked[0][0])
        if hit is not None:
            return _district_dict(hit, "article-city"), remaining
    return None, remaining
