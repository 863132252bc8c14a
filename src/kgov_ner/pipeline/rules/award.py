"""AWARD candidates: tiers before a head noun, grades, ministerial prizes, quoted tiers."""

from __future__ import annotations

import functools
import itertools
import re
from typing import Iterator

from kgov_ner.pipeline.rules.common import HANGUL, Candidate, rest_of_word
from kgov_ner.pipeline.rules.district import district_regex
from kgov_ner.resources.lexicon import alternation, is_particle_run, tiers, word_list


@functools.lru_cache(maxsize=None)
def _award_regexes() -> dict[str, re.Pattern]:
    district_tiers = _tier_words("district-tier")
    heads = word_list("award_heads.txt")
    tier_alt = alternation(district_tiers)
    head_alt = alternation(heads)
    return {
        "tier-head": re.compile(f"(?<![{HANGUL}])(?:{tier_alt})\\s?(?:{head_alt})"),
        "grade": re.compile(f"(?<![A-Za-z0-9{HANGUL}])[SABCD]\\s?등급"),
        # 가등급, 나 등급 (not 가·나·다 세 등급, a scale, nor 다 등급 시군, a class)
        "letter-grade": re.compile(f"(?<![A-Za-z0-9{HANGUL}·ㆍ,])[가나다라]\\s?등급(?!\\s*(?:시군|곳|기관|자치구|지자체|(?:을|를)\\s*받은\\s*곳))"),
        "ministerial": re.compile(
            f"(?<![{HANGUL}])(?:(?:[{HANGUL}]{{1,10}}부\\s?)?장관|대통령|국무총리)\\s?(?:기관\\s?)?(?:특별상|상|표창)"
        ),
        # 기관표창, 최우수 기관 표창 (ANNOTATION.md, Clarifications); 종합대상, the overall prize
        "institution": re.compile(f"(?<![{HANGUL}])(?:(?:{tier_alt})\\s?)?기관\\s?표창|(?<![{HANGUL}])종합\\s?대상"),
        "prize": re.compile(
            f"(?<![{HANGUL}])(?:{alternation(_tier_words('prize'))})"
            f"(?=\\s?(?:을|를|은|의)?\\s?(?:수상|받|차지|영예|거머|수여|시상))"
        ),
        "quoted-tier": re.compile(f"(?<=[‘'“\"])\\s?(?:{tier_alt}|대상)\\s?(?=[’'”\"])"),
        "tier-selected": re.compile(
            f"(?<![{HANGUL}])(?:{tier_alt})(?=(?:에|로|으로|을|를)\\s?(?:선정|뽑|이름|올라|올랐|받|차지|수상))"
        ),
        "tier-after-streak": re.compile(f"(?<=연속\\s)(?:{tier_alt})(?![{HANGUL}])"),
    }


def _tier_words(*kinds: str) -> list[str]:
    """The tier words of ``tiers.tsv`` of these kinds (district-tier: 최우수, 우수구; prize: 대상, 최우수상)."""
    return [w for w, t in tiers().items() if t.kind in kinds]


@functools.lru_cache(maxsize=None)
def _tier_to_district_regex() -> re.Pattern:
    words = _tier_words("district-tier", "prize")
    return re.compile(f"(?<![{HANGUL}])(?P<tier>{alternation(words)})(?P<particle>에는|에|은|는)\\s")


# 광역 부문, 기초자치단체 부문에서는: the class of governments a tier's winners are named for
_CLASS_PHRASE = re.compile(r"(?:광역|기초)(?:자치단체|지자체)?\s?(?:부문|분야)(?:에서는|에서|은|는)?\s")


#: Verbs a government is given a tier by (경산시에 대상을 줬다) or takes it with (사상구가 최우수를 받았다).
_GIVEN_VERBS = ("줬", "주었", "준다", "주기로", "수여", "안겼", "안긴", "돌렸", "시상")
_TAKEN_VERBS = ("받았", "받아", "받는다", "받게", "차지", "안았", "수상")


@functools.lru_cache(maxsize=None)
def _tier_object_regex(verbs: tuple[str, ...], reach: int) -> re.Pattern:
    """A bare tier (or 대상) as the object (을/를) of one of *verbs* within *reach* characters."""
    words = _tier_words("district-tier", "prize")
    return re.compile(
        f"(?<![{HANGUL}])(?P<tier>{alternation(words)})(?=(?:을|를)(?:,|\\s)[^.。\\n]{{0,{reach}}}?"
        f"(?:{'|'.join(verbs)}))"
    )


@functools.lru_cache(maxsize=None)
def _tier_was_regex() -> re.Pattern:
    words = _tier_words("district-tier")
    return re.compile(f"(?<![{HANGUL}])(?P<tier>{alternation(words)})(?=(?:였|이었)[{HANGUL}]*)")


@functools.lru_cache(maxsize=None)
def _bare_tier_regex() -> re.Pattern:
    """A district tier with no particle, as lists and headlines write it (최우수 포항시, 우수
    경주시 / 동해시·평창군 우수, …): 대상 is left out, it is also the word for a target."""
    words = _tier_words("district-tier")
    return re.compile(f"(?<![{HANGUL}])(?P<tier>{alternation(words)})(?![{HANGUL}])")


@functools.lru_cache(maxsize=None)
def _chosen_as_regex() -> re.Pattern:
    """A bare district tier followed by a comma or (으)로: what a government was chosen as."""
    words = _tier_words("district-tier")
    # (시상금 3천만원): a parenthesis may stand between the tier and its particle
    return re.compile(f"(?<![{HANGUL}])(?P<tier>{alternation(words)})(?=(?:\\([^()\\n]{{1,30}}\\))?(?:,|(?:으로|로)(?![{HANGUL}])))")


@functools.lru_cache(maxsize=None)
def _tier_item_regex() -> re.Pattern:
    words = _tier_words("district-tier", "prize")
    # a list item, a table cell or a line that opens with the tier: △우수 당진군, ○ 최우수 : 수원시, | 대상 | 구미시
    return re.compile(
        f"^[ \\t]*(?:[△▲○●■□◇◆•·*\\-|][ \\t]*)?(?P<tier>{alternation(words)})[ \\t]*[:：|]?[ \\t]*", re.M
    )


@functools.lru_cache(maxsize=None)
def _inline_item_regex() -> re.Pattern:
    """An item of a list run on in one line: 수상 시군은 ▲대상 예천군 ▲최우수 구미시·영덕군."""
    words = _tier_words("district-tier", "prize")
    return re.compile(f"(?<=\\S)[ \\t]*[△▲▷▶][ \\t]*(?P<tier>{alternation(words)})[ \\t]*[:：]?[ \\t]*")


@functools.lru_cache(maxsize=None)
def _region_prefix() -> re.Pattern:
    """A bare region word and a space (경북 의성군): it places the district after it."""
    from kgov_ner.resources.gazetteer import default_gazetteer

    return re.compile(f"(?:{alternation(sorted(default_gazetteer().region_words(), key=len, reverse=True))}) ")


# after a tier that follows its district: a list separator, an ellipsis or the line's end
_BARE_TIER_END = re.compile(r"[ \t]*(?:[,·…]|$)", re.M)


_OBJECT = ("을", "를")


def _after_district(text: str, start: int, particles: tuple[str, ...] = ("",)) -> bool:
    """Whether a district name (with one of ``particles``) and one space stand right before ``start``."""
    if start < 2 or text[start - 1] != " ":
        return False
    for particle in particles:
        end = start - 1 - len(particle)
        if text[end:start - 1] != particle:
            continue
        if any(m.end() == end for m in district_regex().finditer(text, max(0, end - 15), end)):
            return True
    return False


def _listed(text: str, start: int, end: int) -> bool:
    """A tier and its district are one item of a list: a separator or the line's start
    before the tier, a separator, particle or the end after the district."""
    before = text[max(0, start - 12):start]
    return bool(_LIST_LEAD.search(before)) or start == 0


# Before a listed tier: the line's start or a separator, then perhaps the type of
# government the item is for (▲시 우수 화성시, ▲자치구 최우수 사하구); or a class word.
_LIST_LEAD = re.compile(
    r"(?:(?:^|[,·:\n△▲○●■□◇◆•ㆍ])\s*(?:광역|기초|시|군|구|자치구)?|에서는|에서|부문|분야|광역|기초)\s*$"
)


def find_awards(text: str) -> Iterator[Candidate]:
    """Tiers: 최우수구, 우수 자치구, 장려상, S등급, 장관 표창, ‘우수’, 최우수에 선정."""
    yield from _tiers_beside_districts(text)
    # 최우수 포항시, 우수 경주시가 / 동해시·평창군 우수, 양양군 특별상
    for m in _bare_tier_regex().finditer(text):
        after = None
        if text[m.end():m.end() + 1] == " ":  # 우수 경주시, 우수 경북 의성군
            region = _region_prefix().match(text, m.end() + 1)
            after = district_regex().match(text, region.end() if region else m.end() + 1)
        if after and is_particle_run(rest_of_word(text, after.end())) and _listed(text, m.start(), after.end()):
            yield Candidate(m.start("tier"), m.end("tier"), "AWARD", "bare-tier", 2)
        elif _after_district(text, m.start()) and _BARE_TIER_END.match(text, m.end()):
            yield Candidate(m.start("tier"), m.end("tier"), "AWARD", "bare-tier", 2)
    # 청주시를 최우수, 충주시와 진천군을 우수로 선정했다: a tier a government was chosen as
    for m in _chosen_as_regex().finditer(text):
        if _after_district(text, m.start(), _OBJECT + ("이", "가")):
            yield Candidate(m.start("tier"), m.end("tier"), "AWARD", "bare-tier", 2)
    # A list of winners by tier: the tier opens the line (or an inline ▲ item), its districts follow.
    for m in itertools.chain(_tier_item_regex().finditer(text), _inline_item_regex().finditer(text)):
        region = _region_prefix().match(text, m.end())  # - 우수 충북 증평군, 경남 사천시
        after = district_regex().match(text, region.end() if region else m.end())
        if after and is_particle_run(rest_of_word(text, after.end())):
            yield Candidate(m.start("tier"), m.end("tier"), "AWARD", "tier-item", 2)
    for rule, regex in _award_regexes().items():
        for m in regex.finditer(text):
            start, end = m.start(), m.end()
            span = m.group(0)
            start += len(span) - len(span.lstrip())
            end -= len(span) - len(span.rstrip())
            if rule in ("tier-head", "grade", "letter-grade", "ministerial", "institution") and not is_particle_run(rest_of_word(text, end)):
                continue  # 우수상품, 우수구청: the head is part of a longer word
            yield Candidate(start, end, "AWARD", rule, 2)


def _tiers_beside_districts(text: str) -> Iterator[Candidate]:
    """Bare tiers (and 대상) that a particle ties to a government beside them."""
    # A bare tier or 대상 handed to a district: 최우수에 전주시, 대상은 고창군에 돌아갔다.
    for m in _tier_to_district_regex().finditer(text):
        at = m.end()
        if m.group("particle") in ("은", "는") and (klass := _CLASS_PHRASE.match(text, at)):
            at = klass.end()  # 대상은 광역 부문 경상남도, 기초 부문 충남 서산시에 돌아갔다
        region = _region_prefix().match(text, at)
        after = district_regex().match(text, region.end() if region and at != m.end() else at)
        if after and is_particle_run(rest_of_word(text, after.end())):
            yield Candidate(m.start("tier"), m.end("tier"), "AWARD", "tier-to-district", 2)
    # 경산시에 대상을, 영주시와 청송군에 최우수를 줬다: a tier given to the government before it
    for m in _tier_object_regex(_GIVEN_VERBS, 50).finditer(text):
        if _after_district(text, m.start(), ("에",)) or _after_district(text, m.start(), ("에게",)):
            yield Candidate(m.start("tier"), m.end("tier"), "AWARD", "tier-given", 2)
    # 사상구가 최우수를, 해운대구와 북구가 우수를 받았다: a tier its government took
    for m in _tier_object_regex(_TAKEN_VERBS, 60).finditer(text):
        if _after_district(text, m.start(), ("이", "가")):
            yield Candidate(m.start("tier"), m.end("tier"), "AWARD", "tier-taken", 2)
    # 광명시가 최우수, 군포시와 이천시가 우수였다: a tier a government's subject is
    for m in _tier_was_regex().finditer(text):
        if _after_district(text, m.start(), ("가", "이")):
            yield Candidate(m.start("tier"), m.end("tier"), "AWARD", "tier-was", 2)
