"""PROGRAM: a name that groups a program's mentions, and its year.

``{"name", "year", "key"}``: quotes, a leading year (``2019년``, ``2013``,
with a half or quarter after it: ``2010년 상반기``) and a trailing 사업/평가/사업평가 removed, whitespace collapsed, so
‘2019년 서울 희망일자리 만들기’ and 서울 희망일자리 만들기사업 both give
``서울 희망일자리 만들기``. ``key`` is the name without spaces, for
grouping spellings that differ only in spacing. A leading 19xx/20xx
followed by 년 or a space is read as the year, so a name that starts
with the generation word ``2030`` loses it (no such name seen yet).
"""

from __future__ import annotations

import re

from kgov_ner.pipeline.normalize.common import clean, never_raise
from kgov_ner.pipeline.rules.program import GENERIC_TAIL, YEAR_PREFIX

PROGRAM_KEYS = {"name": None, "year": None}
# Quote marks only: brackets belong to names such as 19(일자리 구하는 날) Day.
_PROGRAM_MARKS = "‘’“”'\"「」『』"
# A part of the year after it: 2010년 상반기, 2024년 3분기.
_PERIOD = re.compile(r"(?:상반기|하반기|[1-4]\s?분기)\s+")


@never_raise(PROGRAM_KEYS)
def normalize_program(text: str) -> dict:
    """Grouping name and year of a PROGRAM span; see the module docstring.

    >>> normalize_program("‘2019년 서울 희망일자리 만들기’")
    {'name': '서울 희망일자리 만들기', 'year': 2019, 'key': '서울희망일자리만들기'}
    """
    s = clean(text).strip(_PROGRAM_MARKS + " ")
    if not s:
        return {**PROGRAM_KEYS, "reason": "empty"}
    year = None
    m = YEAR_PREFIX.match(s)
    if m and len(s) > m.end():
        year, s = int(m.group("year")), s[m.end():]
        period = _PERIOD.match(s)
        if period and len(s) > period.end():
            s = s[period.end():]  # 2010년 상반기 희망근로 평가: the half belongs to the date
    tail = GENERIC_TAIL.search(s)
    # 평가, 사업 alone, or 일자리사업 cut to two syllables: keep the phrase whole.
    if tail and len(s[: tail.start()].strip()) >= 2:
        s = s[: tail.start()].strip()
    return {"name": s, "year": year, "key": s.replace(" ", "")}
