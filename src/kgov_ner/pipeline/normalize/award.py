"""AWARD: the tier, its rank and its kind.

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
"""

from __future__ import annotations

import functools
import re
import unicodedata

from kgov_ner.pipeline.normalize.common import QUOTES, clean, never_raise
from kgov_ner.pipeline.rules.common import HANGUL
from kgov_ner.resources.lexicon import Tier, alternation, tier_table, tiers, word_list

AWARD_KEYS = {"tier": None, "rank": None, "kind": None}


@functools.lru_cache(maxsize=None)
def _award_lexicon() -> dict[str, Tier]:
    """tiers.tsv plus the normaliser-only rows of award_norm.tsv."""
    return {**tier_table("award_norm.tsv"), **tiers()}


@functools.lru_cache(maxsize=None)
def _award_patterns() -> dict[str, re.Pattern]:
    lex = _award_lexicon()
    minist = [w for w, t in lex.items() if t.kind == "ministerial"]
    district = [w for w, t in lex.items() if t.kind == "district-tier"]
    grades = [w for w, t in lex.items() if t.kind == "grade"]
    return {
        "ministerial": re.compile(
            f"(?P<org>[{HANGUL}]{{1,12}}?부)?\\s?(?P<who>{alternation(minist)})"
            f"\\s?(?P<form>(?:기관\\s?|단체\\s?)?(?:표창장|표창|특별상|상))?"
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


@never_raise(AWARD_KEYS)
def normalize_award(text: str) -> dict:
    """Tier, rank and kind of an AWARD span; see the table in the module docstring.

    >>> normalize_award("우수 자치구")
    {'tier': '우수', 'rank': 2, 'kind': 'district-tier', 'head': '자치구'}
    """
    s = clean(unicodedata.normalize("NFKC", text)).strip(QUOTES + " ")
    if not s:
        return {**AWARD_KEYS, "reason": "empty"}
    lex = _award_lexicon()
    pats = _award_patterns()
    compact = s.replace(" ", "")
    if compact in lex and lex[compact].kind in ("prize", "district-tier", "institution"):
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
        return {**AWARD_KEYS, "reason": f"unknown head {head!r}"}
    return {**AWARD_KEYS, "reason": "unknown tier"}
