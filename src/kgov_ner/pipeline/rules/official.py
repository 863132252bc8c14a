"""OFFICIAL candidates: personal names next to a title, and the title words themselves."""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from typing import Callable, Iterable, Iterator, Sequence

from kgov_ner.pipeline.rules.common import HANGUL, LINE_BULLETS, WORD_RE, Candidate, MorphInfo, split_particles
from kgov_ner.resources.gazetteer import default_gazetteer
from kgov_ner.resources.lexicon import alternation, is_particle_run, word_list

#: The title of a local government's head, written fused to its name:
#: 강북구청장, 고창군수, 제천시장, 경남지사.
HEAD_TITLES = ("구청장", "군수", "시장", "도지사", "지사")
#: The deputies' titles: 부구청장, 부군수, 부시장, 부지사.
DEPUTY_TITLES = ("부구청장", "부군수", "부시장", "부지사")
#: What the rule layer takes for a district fused with its head's title. It
#: differs from the normaliser's reading (``HEAD_TITLES + DEPUTY_TITLES``):
#: a bare 청장 counts after a district name (강북구 + 청장) and the deputies'
#: titles do not.
_FUSED_TITLES = HEAD_TITLES + ("청장",)
# 시장 is also "market" (전통시장): it is only a title when a district precedes it.
_AMBIGUOUS_TITLES = frozenset({"시장"})
_NOMINAL = re.compile(r"^(?:NN|XSN|XR|SL|SH|NR)")


@functools.lru_cache(maxsize=None)
def title_regex() -> re.Pattern:
    """Any title of ``titles.txt``."""
    return re.compile(f"(?:{alternation(word_list('titles.txt'))})")


def title_end(word: str) -> int | None:
    """Length of the title-bearing stem of ``word`` if it ends in a title plus particles."""
    for m in title_regex().finditer(word):
        if is_particle_run(word[m.end():]) and re.fullmatch(f"[{HANGUL}·0-9]+", word[: m.end()]):
            return m.end()
    return None


@functools.lru_cache(maxsize=None)
def _name_shape() -> re.Pattern:
    surnames = [s for s in word_list("surnames.txt")]
    two = alternation([s for s in surnames if len(s) == 2])
    one = alternation([s for s in surnames if len(s) == 1])
    return re.compile(f"(?:(?:{two})[{HANGUL}]{{1,2}}|(?:{one})[{HANGUL}]{{1,2}})")


@functools.lru_cache(maxsize=None)
def _name_stopwords() -> frozenset[str]:
    return frozenset(word_list("name_stopwords.txt"))


def _looks_like_name(word: str, morphs: Sequence[MorphInfo] | None, strong_context: bool = False) -> bool:
    """A 2–4 syllable word shaped like surname + given name that Kiwi reads as a name.

    Kiwi tags unknown names as common nouns now and then (최은비/NNG); right
    before an unambiguous title such as 고창군수 any nominal reading will do,
    elsewhere the name must be read as a proper noun.
    """
    if not _name_shape().fullmatch(word) or word in _two_syllable_surnames():
        return False  # 선우 시장: a surname alone is no name
    gaz = default_gazetteer()
    if word in _name_stopwords() or gaz.lookup(word) or gaz.region_word(word):
        return False
    if title_regex().fullmatch(word):
        return False
    if not morphs:  # None (no analysis given) or no morphemes in the word
        return True
    if strong_context:
        return _not_a_phrase(morphs)
    if not all(_NOMINAL.match(m.tag) for m in morphs):
        return False
    # A known common noun (이번, 사회+적) is no name: Kiwi reads names as
    # proper nouns, whole (박겸수) or split (김선+갑).
    return morphs[0].tag == "NNP"


def _not_a_phrase(morphs: Sequence[MorphInfo]) -> bool:
    """Right before a title, a name-shaped word is a name unless Kiwi reads it as
    a noun with its particle (조직+을) or a whole known noun with a verb (선정+된,
    참석+한). Unknown names come out in odd pieces (정유+나, 육+정+하+ㄴ, 권태+이+오): those stay."""
    if len(morphs) == 2 and morphs[1].tag.startswith("J") and morphs[0].tag.startswith("NN"):
        return False
    verb = next((j for j, m in enumerate(morphs) if m.tag.startswith(("V", "E", "XSV", "XSA"))), None)
    if verb is None:
        return True
    if verb > 0 and morphs[verb - 1].tag.startswith("NN") and morphs[verb].tag in ("EC", "EF"):
        return True  # 권태오 read as 권태+(이)+오: a noun, a dropped copula and an ending are no phrase before a title
    head = morphs[:verb]
    return bool(head) and not (len(head) == 1 and head[0].tag.startswith("NN") and len(head[0].form) >= 2)


@functools.lru_cache(maxsize=None)
def _two_syllable_surnames() -> frozenset[str]:
    return frozenset(s for s in word_list("surnames.txt") if len(s) == 2)


def _is_district_title(stem: str) -> bool:
    """강북구청장, 고창군수, 제천시장: a district name fused with its head's title."""
    gaz = default_gazetteer()
    for title in _FUSED_TITLES:
        if stem.endswith(title) and len(stem) > len(title):
            prefix = stem[: -len(title)]
            if gaz.lookup(prefix) or gaz.lookup(prefix + title[0]):
                return True
    return False


def find_officials(text: str, morphs_of: Callable[[int, int], Sequence[MorphInfo] | None]) -> Iterator[Candidate]:
    """Names next to titles: 박겸수 강북구청장, 신면호 서울시 경제진흥본부장, 광진구(구청장 김선갑).

    Journalists never match: 기자 is not a title.
    """
    yield from _names_before_titles(text, morphs_of)
    yield from _names_in_title_parens(text)


_PAREN = re.compile(r"\([^()\n]{0,30}\)")
_EDGE_PUNCT = "“”‘’\"'「」『』<>《》[]" + LINE_BULLETS + "·–—"
#: How the name of an office ends (고용노동부, 경제진흥본부, 일자리위원회): between a
#: name and its title (신면호 서울시 경제진흥본부장) the normaliser lets such a word stand.
ORG_SUFFIXES = ("부", "청", "처", "원", "실", "국", "과", "단", "본부", "위원회", "센터", "공단", "공사", "재단", "소", "팀")
#: The rule layer lets more stand there, when it looks for the name: any …회, and
#: the words of administrative units and halls (…도, …시, …군, …구, …관).
_NAME_TITLE_GAP_SUFFIXES = ORG_SUFFIXES + ("회", "도", "시", "군", "구", "관")
#: What :func:`_name_words` trims off a word's start and end.
_LEAD_TRIM = frozenset(_EDGE_PUNCT + "(")
_TAIL_TRIM = frozenset(_EDGE_PUNCT + ".,;:!?)")


def _name_words(text: str) -> list[tuple[int, int, str]]:
    """Words of ``text`` in its offsets, parentheticals blanked and edge punctuation
    trimmed: ``편동수(가운데) 동대문구청장`` → 편동수, 동대문구청장; ``“마동혁`` → 마동혁."""
    # a position (가운데, 왼쪽 세 번째) is blanked; a parenthetical naming someone
    # with a title (오른쪽, 김민재 일자리경제국장) keeps its words
    blanked = _PAREN.sub(lambda m: m.group(0) if title_regex().search(m.group(0)) else " " * len(m.group(0)), text)
    words = []
    for m in WORD_RE.finditer(blanked):
        ws, we = m.start(), m.end()
        while ws < we and blanked[ws] in _LEAD_TRIM:
            ws += 1
        while we > ws and blanked[we - 1] in _TAIL_TRIM:
            we -= 1
        if ws < we:
            words.append((ws, we, blanked[ws:we]))
    return words


def _organisation_word(word: str, gaz) -> bool:
    if not re.fullmatch(f"[{HANGUL}·0-9]+", word):
        return False
    return bool(gaz.lookup(word) or gaz.region_word(word) or word.endswith(_NAME_TITLE_GAP_SUFFIXES))


def _bare_market_title(words, i: int, stem: str, gaz) -> bool:
    """A bare 시장 with no district before it: a title only right after a name (홍길동 시장은)."""
    return stem in _AMBIGUOUS_TITLES and not (i >= 1 and gaz.lookup(words[i - 1][2]))


def _names_before_titles(text: str, morphs_of: Callable[[int, int], Sequence[MorphInfo] | None]
                         ) -> Iterator[Candidate]:
    """박겸수 강북구청장, 신면호 서울시 경제진흥본부장, 편동수(가운데) 동대문구청장, 홍길동 시장은:
    a name up to three words before a title, organisation words in between."""
    words = _name_words(text)
    gaz = default_gazetteer()
    for i in _words_with_titles(text, words):
        w = words[i][2]
        cut = title_end(w)
        if cut is None:
            continue
        stem = w[:cut]
        district_title = _is_district_title(stem)
        deputy = stem.endswith(DEPUTY_TITLES)
        if stem.endswith("시장") and stem != "시장" and not (district_title or deputy):
            continue  # 전통시장, 도깨비시장: a market
        if _bare_market_title(words, i, stem, gaz):
            found = _name_before_bare_title(text, words, i, morphs_of)
            if found:
                yield found
            continue
        strong = district_title or deputy or not stem.endswith(tuple(_AMBIGUOUS_TITLES))
        found = _name_looking_back(text, words, i, morphs_of, strong, gaz)
        if found:
            yield found


def _words_with_titles(text: str, words: list[tuple[int, int, str]]) -> Iterable[int]:
    """The indices of the words that may end in a title, found by one scan of the text.

    A title holds no space nor any mark :func:`_name_words` trims, so a title
    inside a word is a match of the scan inside that word (a match the scan
    passes over lies in a longer one, in the same word). Parentheticals
    blanked for the words are kept here: the scan only narrows the search.
    Every word when the title list breaks that rule.
    """
    if not _titles_stay_inside_words():
        return range(len(words))
    starts = [ws for ws, _, _ in words]
    found = set()
    for m in title_regex().finditer(text):
        k = bisect_right(starts, m.start()) - 1
        if k >= 0 and m.start() < words[k][1]:
            found.add(k)
    return sorted(found)


@functools.lru_cache(maxsize=None)
def _titles_stay_inside_words() -> bool:
    return all(not ch.isspace() and ch not in _LEAD_TRIM | _TAIL_TRIM for title in word_list("titles.txt") for ch in title)


def _name_before_bare_title(text, words, i, morphs_of) -> Candidate | None:
    """홍길동 시장은: a proper noun (or three syllables Kiwi keeps whole) right before."""
    if i < 1 or "\n" in text[words[i - 1][1]:words[i][0]]:
        return None
    ns, ne, name = words[i - 1]
    morphs = morphs_of(ns, ne)
    whole = bool(morphs) and len(morphs) == 1 and morphs[0].tag.startswith("NN") and len(name) >= 3
    if _looks_like_name(name, morphs) or (whole and _looks_like_name(name, None)):
        return Candidate(ns, ne, "OFFICIAL", "name-title", 2)
    return None


def _name_looking_back(text, words, i, morphs_of, strong: bool, gaz) -> Candidate | None:
    for k in (1, 2, 3):
        if i - k < 0:
            return None
        ns, ne, name = words[i - k]
        if "\n" in text[ne:words[i - k + 1][0]]:
            return None
        if k < 3 and i - k > 0 and name.endswith(_OFFICE_ENDS) and _organisation_word(name, gaz):
            continue  # 공민석 안행부 지역경제과장: a ministry's short name, not a name
        if _looks_like_name(name, morphs_of(ns, ne), strong_context=strong):
            return Candidate(ns, ne, "OFFICIAL", "name-title", 2)
        if not _organisation_word(name, gaz):
            return None
    return None


#: How a ministry's or an agency's name ends (안행부, 고용부, 조달청): never a person's
_OFFICE_ENDS = ("부", "처", "청")


@functools.lru_cache(maxsize=None)
def _title_paren_regex() -> re.Pattern:
    title_alt = alternation(word_list("titles.txt"))
    return re.compile(f"\\(\\s?(?:[{HANGUL}]+\\s)?(?:{title_alt})\\s?(?P<name>[{HANGUL}]{{2,4}})\\s?\\)")


def _names_in_title_parens(text: str) -> Iterator[Candidate]:
    """광진구(구청장 김선갑): a name after a title inside parentheses."""
    for m in _title_paren_regex().finditer(text):
        name = m.group("name")
        if _name_shape().fullmatch(name) and name not in _name_stopwords():
            yield Candidate(m.start("name"), m.end("name"), "OFFICIAL", "title-name-paren", 2)
