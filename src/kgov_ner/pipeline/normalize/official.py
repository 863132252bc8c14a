"""OFFICIAL: the role a name is given and the district it belongs to.

``{"role": title nearest the name as written, "district": full name or
None}``: ``박겸수 강북구청장`` → 구청장, 서울특별시 강북구;
``광진구(구청장 김선갑)`` → 구청장, 서울특별시 광진구; ``이정훈 청장`` →
청장, None (a bare title names no district, and guessing the page's
district would put a ministry's 청장 under a 구).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Sequence

from kgov_ner.pipeline.normalize.common import never_raise
from kgov_ner.pipeline.normalize.district import DistrictContext, lookup_stem, normalize_district, upper_of_word
from kgov_ner.pipeline.rules.common import HANGUL
from kgov_ner.pipeline.rules.official import DEPUTY_TITLES, HEAD_TITLES, ORG_SUFFIXES, title_end, title_regex
from kgov_ner.resources.gazetteer import default_gazetteer

OFFICIAL_KEYS = {"role": None, "district": None}
# Titles whose first syllable is the district's own suffix: 강북구청장 is
# 강북구 + 청장 as written but 강북 + 구청장 as a role. Longest first, so
# 부구청장 is tried before 구청장.
_ROLE_TITLES = sorted(HEAD_TITLES + DEPUTY_TITLES, key=len, reverse=True)
_TRAILING_PUNCT = ".,;:!?)]>’”\"'…·"
_AFTER_WINDOW = 20  # characters after the name searched for its title
_MAX_WORDS_BEFORE_TITLE = 3  # 신면호 | 서울시 | 경제진흥본부장
# Words that may stand between a name and its title: the organisation the
# title belongs to (행정안전부, 경제진흥본부: ORG_SUFFIXES) or 전/현 (former/current).
_ORG_WORDS = frozenset({"전", "현", "신임", "초대", "민선"})


_PAREN_NOTE = re.compile(r"\([^()\n]{1,15}\)")
_CAPTION_NOTE = re.compile(r"\([^()]{1,10}\)(?=[가-힣]{0,3}$)")


def _title_stem(word: str) -> str | None:
    """``word`` without its particles when it ends in a title (강북구청장은 → 강북구청장)."""
    # 달서구청장(왼쪽)이, 구청장(55)은: a caption's position or an age between the title and its particle
    word = _CAPTION_NOTE.sub("", word.rstrip(",.;:!?…")).rstrip(_TRAILING_PUNCT)
    cut = title_end(word)
    return None if cut is None else word[:cut]


def _split_title(stem: str) -> tuple[str | None, str]:
    """(district surface or None, role) of a title word: 강북구청장 → (강북구, 구청장)."""
    gaz = default_gazetteer()
    for title in _ROLE_TITLES:
        if stem.endswith(title) and len(stem) > len(title):
            prefix = stem[: -len(title)]
            suffix_char = title.lstrip("부")[0]
            for surface in (prefix + suffix_char, prefix):
                if gaz.lookup(surface) or upper_of_word(surface):
                    return surface, title
    # 강북구보건소장, 서울시경제진흥본부장: the longest district name in front.
    for cut in range(len(stem) - 2, 1, -1):
        prefix = stem[:cut]
        if gaz.lookup(prefix) and title_regex().search(stem[cut:]):
            return prefix, stem[cut:]
    return None, stem


def district_index(districts: Sequence[dict]) -> dict[int, dict]:
    """Start offset → district dict, for :func:`normalize_official`."""
    return {d["start"]: d for d in districts if isinstance(d, dict) and isinstance(d.get("start"), int)}


def _is_district_word(word: str) -> bool:
    return bool(default_gazetteer().lookup(word)) or upper_of_word(word) is not None


def _is_org_word(word: str) -> bool:
    return word in _ORG_WORDS or (re.fullmatch(f"[{HANGUL}]+", word) is not None and word.endswith(ORG_SUFFIXES))


class _Page:
    """One page as :func:`normalize_official` reads it: the text and its districts."""

    def __init__(self, doc_text: str, districts: Sequence[dict], index: dict, context: DistrictContext | None):
        self.text = doc_text
        self.districts = districts
        self.index = index
        self.context = context  # built on first need: most officials carry their district in the title

    def district_name(self, surface: str, pos: int) -> str | None:
        """Full name of the district written at ``pos``; the caller's normalised
        DISTRICT entity when one sits there, else resolved with the page context."""
        d = self.index.get(pos)
        if d is not None and isinstance(d.get("norm"), dict):
            return d["norm"].get("name")
        if self.context is None:
            spans = [
                (d["start"], d["end"])
                for d in self.districts
                if isinstance(d.get("start"), int) and isinstance(d.get("end"), int)
            ]
            # No entities given: the rule layer's districts are the next best page evidence.
            self.context = DistrictContext.from_text(self.text, spans or None)
        region = upper_of_word(surface)
        if region is not None and not default_gazetteer().lookup(surface):
            return region.name  # 경남지사: a region word names the province
        return normalize_district(surface, self.context.at(pos, pos + len(surface))).get("name")

    def result(self, role: str, surface: str | None, pos: int | None) -> dict:
        name = None
        if surface and pos is not None:
            name = self.district_name(surface, pos)
        return {"role": role, "district": name}

    def titled(self, word: str, pos: int, district_before: tuple[str, int] | None) -> dict | None:
        """The result for a title ``word`` at ``pos``; None if ``word`` is no title."""
        stem = _title_stem(unicodedata.normalize("NFC", word))
        if not stem:
            return None
        surface, role = _split_title(stem)
        if surface:
            return self.result(role, surface, pos)
        if district_before:
            return self.result(role, *district_before)
        return self.result(role, None, None)

    def title_after(self, end: int) -> dict | None:
        """박겸수 강북구청장, 신면호 서울시 경제진흥본부장, 이정훈 청장: the title after the name."""
        between: tuple[str, int] | None = None
        tail = self.text[end:end + _AFTER_WINDOW + 15]
        # 동구청장(왼쪽 세 번째)과, 박겸수(59) 강북구청장: a parenthesis read as blanks (offsets kept)
        tail = _PAREN_NOTE.sub(lambda m: " " * len(m.group(0)), tail)
        for k, m in enumerate(re.finditer(r"\S+", tail)):
            if k >= _MAX_WORDS_BEFORE_TITLE or m.start() > _AFTER_WINDOW or "\n" in tail[: m.start()]:
                break
            if k == 0 and m.start() == 0:
                break  # 김선갑)가, 김선갑이: no title word follows the name
            word = unicodedata.normalize("NFC", m.group(0))
            found = self.titled(word, end + m.start(), between)
            if found:
                return found
            if _is_district_word(word):
                between = (word, end + m.start())
            elif not _is_org_word(word):
                break  # 씨는, “: the sentence has moved on
        return None

    def title_in_parens(self, start: int) -> dict | None:
        """광진구(구청장 김선갑), (서울시 경제진흥본부장 신면호): the title inside parentheses before it."""
        lo = max(0, start - 30)
        m = re.search(r"\(([^()\n]{0,25})$", self.text[lo:start])
        if not m:
            return None
        inner_start = lo + m.start(1)
        words = list(re.finditer(r"\S+", self.text[inner_start:start]))
        if not words:
            return None
        last = words[-1]
        district_before = None
        if len(words) >= 2 and _is_district_word(words[-2].group(0)):
            district_before = (words[-2].group(0), inner_start + words[-2].start())
        else:
            outer = re.search(f"[{HANGUL}]+$", self.text[: inner_start - 1])
            if outer:
                stem, cands = lookup_stem(outer.group(0))
                if cands:
                    district_before = (stem, outer.start())
        return self.titled(last.group(0), inner_start + last.start(), district_before)

    def title_right_before(self, start: int) -> dict | None:
        """성동구청장 정원오: the title is the word right before the name."""
        lo = max(0, start - 30)
        m = re.search(r"(\S+)\s+$", self.text[lo:start])
        if not m or "\n" in m.group(0):
            return None
        word = unicodedata.normalize("NFC", m.group(1))
        if _title_stem(word) != word:  # 구청장과 김선갑: the title is someone else's
            return None
        return self.titled(word, lo + m.start(1), None)


@never_raise(OFFICIAL_KEYS)
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
        return {**OFFICIAL_KEYS, "reason": "span outside the text"}
    if index is None:
        districts = [d for d in (districts or []) if isinstance(d, dict)]
        index = district_index(districts)
    page = _Page(doc_text, districts, index, context)
    found = page.title_after(end) or page.title_in_parens(start) or page.title_right_before(start)
    return found or {**OFFICIAL_KEYS, "reason": "no title next to the name"}
