"""OFFICIAL candidates: personal names next to a title, and the title words themselves."""

from __future__ import annotations

import functools
import re
from typing import Callable, Iterator, Sequence

from kgov_ner.pipeline.rules.common import HANGUL, WORD_RE, Candidate, MorphInfo, split_particles
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
        if is_particle_run(word[m.end():]) and re.fullmatch(f"[{HANGUL}·]+", word[: m.end()]):
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
    if not _name_shape().fullmatch(word):
        return False
    gaz = default_gazetteer()
    if word in _name_stopwords() or gaz.lookup(word) or gaz.region_word(word):
        return False
    if title_regex().fullmatch(word):
        return False
    if not morphs:  # None (no analysis given) or no morphemes in the word
        return True
    if strong_context:
        # Kiwi may cut an unknown name into a noun and a particle (정유+나);
        # only a verb or an ending (선정된 구청장) rules the word out here.
        return not any(m.tag.startswith(("V", "E", "XSV", "XSA")) for m in morphs)
    if not all(_NOMINAL.match(m.tag) for m in morphs):
        return False
    # A known common noun (이번, 사회+적) is no name: Kiwi reads names as
    # proper nouns, whole (박겸수) or split (김선+갑).
    return morphs[0].tag == "NNP"


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


def _names_before_titles(text: str, morphs_of: Callable[[int, int], Sequence[MorphInfo] | None]
                         ) -> Iterator[Candidate]:
    """박겸수 강북구청장, 신면호 서울시 경제진흥본부장: a name up to three words before a title."""
    words = [(m.start(), m.end(), m.group(0)) for m in WORD_RE.finditer(text)]
    gaz = default_gazetteer()
    for i, (_ws, _we, w) in enumerate(words):
        cut = title_end(w)
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
