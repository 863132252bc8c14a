"""After the merge: what the contract says a span is not, whichever layer proposed it.

Two decisions of ``ANNOTATION.md`` that the sequence model, trained on a few
hundred pages, does not always keep:

* **A quoted program is everything between the marks** (``‘2023년 부산시 구·군
  일자리 종합평가’``): a district name inside the quotes is part of it, not a
  DISTRICT that cuts the program in two. :func:`rejoin_quoted_programs`
  restores the rules' whole quoted span when the model split it at a
  district or a year.
* **An award is its whole tier phrase**: a model AWARD cut short inside a rule's
  (``최우수`` of ``최우수 기관은 광산구``) is the rule's (:func:`extend_awards`).
* **A class of winners spoken of in general is not an AWARD** (Clarifications):
  a prize line (``광역 우수기관은 5억원``, ``장려 2천만원``), a class counted as
  it is chosen (``우수 기관 30곳을 골랐다``), a class the evaluation will pick
  (``최우수구와 우수구를 가린다``), money spoken of for a class (``장려상에는 시상금
  없이``, ``우수기관에 줄 교부세``) and a goal (``최우수 기관에 도전하겠다``).
  :func:`drop_award_classes` removes those AWARD spans; a tier stated for
  named governments (``우수시군이 7천만원씩``, ``최우수에 나주시``) stays.
"""

from __future__ import annotations

import bisect
import functools
import re
from typing import Callable, Sequence

Span3 = tuple[int, int, str]

#: ``doc.spans`` key of the tiers dropped as a class's holders in general (``drop_award_classes``)
CLASS_TIERS = "kgov_class_tiers"

_OPEN_QUOTES = "‘“「『'\""
_CLOSE_QUOTES = "’”」』'\""

# a number of winners (두, 12, 세 개) and what they are counted as
_NUMBER = r"(?:[0-9]{1,3}|한|두|세|네|다섯|여섯|일곱|여덟|아홉|열)[ \t]*(?:개[ \t]*)?"
_COUNT = _NUMBER + r"(?:곳|기관|시군|자치단체|지자체)"
# the winners a tier names, as a noun after it: 최우수상 (수상) 기관, 우수 시군
_WINNER_NOUNS = "기관|시군|시·군|자치단체|지자체|자치구"
_CLASS_NOUN = rf"(?:수상[ \t]*)?(?:{_WINNER_NOUNS})(?:들)?"
# a tier as a prize line's holder: (기관, 두 곳) (은/는/에는) (각/각각/한 곳당) then the amount
_PRIZE_LINE_GAP = re.compile(
    rf"[ \t]*(?:{_CLASS_NOUN}[ \t]*)?(?:{_COUNT}[ \t]*)?(?:은|는|에는|에만|에)?[ \t]*"
    r"(?:(?:한[ \t]*)?(?:곳|기관|시군)[ \t]*당[ \t]*)?(?:각각|각)?[ \t]*"
)
# a tier with its class noun as the topic (우수상 기관은, 최우수 시군에는): a class, when an
# amount comes before any government in the clause (… 최대 5천만원까지 지원받는다)
_CLASS_TOPIC = re.compile(rf"[ \t]*{_CLASS_NOUN}[ \t]*(?:은|는|에는)(?![가-힣])")
_CLASS_TOPIC_REACH = 40  # characters from the topic to the amount
# a class counted as it is chosen: 우수 기관 30곳을 골랐다, 우수 시군 5곳 발표
_COUNTED_CHOICE = re.compile(
    rf"[ \t]*{_COUNT}[ \t]*(?:(?:을|를)?[ \t]*(?:골랐|골라|고른|고르|뽑았|뽑아|뽑는|뽑고|선정|발표|가린|가려|가렸)|(?:과|와|,)[ \t]+[가-힣]{{1,8}}[ \t]*{_COUNT})"
)
# money spoken of for a class: 최우수 시군 시상금을 1억 원으로, 장려상에는 시상금 없이, 우수기관에 줄 교부세,
# 우수 자치단체 19곳에 특별교부세
_CLASS_MONEY = re.compile(
    rf"[ \t]*(?:{_COUNT}[ \t]*)?(?:(?:은|는|에는|에만|에|의)[ \t]*)?(?:따로[ \t]*)?(?:시상금|상금|포상금|인센티브|상사업비|특별교부세|교부세|사업비)"
    r"|[ \t]*(?:에|을|를)[ \t]*(?:줄|주는|지급할|지급하는)[ \t]"
)
# 광역 1곳과 기초 6곳을 우수 자치단체로 선정했다: the count stands before the class
_COUNT_BEFORE = re.compile(rf"{_COUNT}[ \t]*(?:을|를)[ \t]*$")
# a class the evaluation picks in general (present tense): 최우수구와 우수구를 가린다
_GENERAL_CHOICE = re.compile(
    r"[ \t]*(?:(?:와|과|및|,)[ \t]*[가-힣]{1,8}[ \t]*){0,6}(?:을|를)[ \t]*"
    r"(?:가린다|가리는|가렸|가려|뽑는다|뽑는|뽑았|뽑아|선정한다|선정하는|선정했|선정해|골랐|골라)"
)
# a class as topic, then how many hold it: S등급은 전국에서 두 곳만, 최우수 기관은 다섯 곳뿐이다
_COUNTED_TOPIC = re.compile(
    rf"[ \t]*(?:은|는)[ \t]*(?:[가-힣]{{1,8}}(?:에서|에서는|중|가운데)[ \t]*)?{_COUNT}[ \t]*(?:만|뿐|에\s*그쳤|에\s*불과)"
)
# the holders of a tier in general: S등급을 받은 구에, C등급을 두 해 잇달아 받은 사업은, A등급
# 사업은, 특별상 수상 기관에는, 우수상 28곳은, S등급은 4개, 최우수상을 받은 세 기관에는
_HOLDER_NOUN = rf"(?:수상[ \t]*)?(?:{_WINNER_NOUNS}|광역자치단체|기초자치단체|사업|구|군|시)(?:들)?"
_CLASS_HOLDER = re.compile(
    # … 을 (두 해 잇달아) 받은 구에, C등급을 받은 9개 사업은 (not 우수상을 받은 두 곳에는: those two)
    rf"(?:(?:을|를)[ \t]*(?:[가-힣]+[ \t]+){{0,3}}(?:받은|받는|받을|수상한)[ \t]*(?:{_HOLDER_NOUN}|{_NUMBER}사업)"
    # A등급 사업은, 특별상 수상 기관에는, 우수상 28곳은
    rf"|[ \t]*(?:{_HOLDER_NOUN}|{_NUMBER}(?:곳|{_HOLDER_NOUN}))"
    # S등급은 4개
    rf"|[ \t]*(?:은|는)[ \t]*[0-9]{{1,3}}[ \t]*(?:개|곳))"
    r"[ \t]*(?:은|는|에는|에|에게|의|까지|이|가)?(?![가-힣])"
)
_SENTENCE_END = re.compile(r"[.!?。\n]")
_RECEIVED = re.compile(r"받은|받는|받을|수상한")
_HOLDER_REACH = 300  # characters after a class's holders looked at for a government
# B등급 이하, A등급 이상: a range of tiers
_TIER_RANGE = re.compile(r"[ \t]*(?:이하|이상|미만)(?![가-힣])")
# 종합대상은 광역 3억 원: a prize line by class of government
_CLASS_WORD_GAP = re.compile(r"[ \t]*(?:은|는|에는)[ \t]*(?:광역|기초)(?:자치단체|지자체)?[ \t]*")
# 등 3개 분야 평가: a name does not open with a conjunction
_NOT_A_NAME_START = re.compile(r"(?:등|및|또는|그리고)\s")
# a goal: 최우수 기관에 도전하겠다, S등급에 도전
_GOAL = re.compile(r"[ \t]*(?:에|을|를)[ \t]*(?:도전|오를[ \t]*수|오르겠|오르도록|오르기)")


def rejoin_pieces(model_spans: Sequence[Span3], rule_spans: Sequence[Span3], label: str,
                  pieces_ok: Callable[[Span3, list[Span3]], bool]) -> list[Span3]:
    """The model's spans, where the model cut a rule span of ``label`` in pieces that
    ``pieces_ok(rule_span, pieces)`` accepts, with the rule span instead of the pieces."""
    spans = sorted(model_spans)
    starts = [m[0] for m in spans]
    drop: set[int] = set()
    joined: list[Span3] = []
    for rule in rule_spans:
        start, end, rule_label = rule
        if rule_label != label:
            continue
        # the model spans overlapping [start, end): spans are disjoint and sorted, so they
        # sit between the last one starting before ``start`` and the first starting at ``end``
        lo = max(bisect.bisect_left(starts, start) - 1, 0)
        hi = bisect.bisect_left(starts, end)
        touching = [i for i in range(lo, hi) if spans[i][0] < end and start < spans[i][1] and i not in drop]
        if touching and pieces_ok(rule, [spans[i] for i in touching]):
            drop.update(touching)
            joined.append(rule)
    return sorted([m for i, m in enumerate(spans) if i not in drop] + joined)


def rejoin_quoted_programs(model_spans: Sequence[Span3], rule_spans: Sequence[Span3]) -> list[Span3]:
    """The model's spans, with a quoted program it cut at a district or a year inside the
    quotes replaced by the rules' whole span.

    A rule PROGRAM span that fills a pair of quote marks stands for the model's
    spans inside it when those are one PROGRAM ending where it ends, plus
    DISTRICT spans before that (‘2020년 인천시 군·구 … 평가’ → 인천시 | 구 … 평가).
    """
    return rejoin_pieces(model_spans, rule_spans, "PROGRAM", _program_pieces)


def _program_pieces(rule: Span3, pieces: list[Span3]) -> bool:
    start, end, _ = rule
    if any(p[0] < start or p[1] > end for p in pieces):
        return False
    *heads, last = pieces
    return last[2] == "PROGRAM" and last[1] == end and last[0] != start and all(h[2] == "DISTRICT" for h in heads)


def quoted_rule_programs(text: str, rule_spans: Sequence[Span3]) -> list[Span3]:
    """The rule PROGRAM spans that are exactly the inside of a pair of quote marks, and
    the insides of the other short quotes (‘남구 청년 일자리 다리’: the model's DISTRICT and
    PROGRAM pieces in one make the whole quote a PROGRAM, see :func:`_program_pieces`)."""
    out = []
    for s, e, label in rule_spans:
        if label != "PROGRAM" or s == 0 or e >= len(text):
            continue
        if text[s - 1] in _OPEN_QUOTES and text[e] in _CLOSE_QUOTES:
            out.append((s, e, label))
    taken = {s for s, _, _ in out}
    out += [q for q in _short_quotes(text) if q[0] not in taken]
    return sorted(out)


_SHORT_QUOTE = re.compile(r"[‘“]([^‘’“”\n]{2,40})[’”]")


def _short_quotes(text: str) -> list[Span3]:
    """The insides of curly quotes of at most 40 characters on one line."""
    return [(m.start(1), m.end(1), "PROGRAM") for m in _SHORT_QUOTE.finditer(text)]


# a "program" that is only a class and a tier (광역 최우수 5억원): never a name
_TIER_ONLY = re.compile(r"(?:(?:광역|기초)(?:자치단체|지자체)?\s*)?(?:종합\s*)?(?:대상|최우수|우수|장려|특별|노력|모범)(?:상|기관|시군|구|군)?")


_GENERIC_MAX = 40  # characters: a generic phrase is short (and the pattern is tried on short spans only)


@functools.lru_cache(maxsize=None)
def _generic_program() -> re.Pattern:
    """An unquoted generic phrase for an evaluation (행안부 일자리 평가, 경남 시군 일자리 평가,
    구·군 일자리 평가, 사회적경제 평가): who evaluates whom, then only a generic topic — no name
    (the contract: a bare generic phrase is not a PROGRAM)."""
    from kgov_ner.resources.gazetteer import default_gazetteer
    from kgov_ner.resources.lexicon import alternation

    regions = alternation(default_gazetteer().region_words())
    who = (rf"(?:{regions}|[가-힣]{{1,3}}(?:도|시)|행안부|행자부|안행부|고용부|노동부|정부(?:·시)?"
           r"|시군|시·군|구·군|군·구|자치구|시·도|전국|광역|기초|도|시|군|구)")
    topic = r"(?:일자리|고용|사회적경제|노인\s*일자리|어르신\s*일자리|청년\s*일자리)(?:\s*(?:사업|분야|관련|창출))?"
    return re.compile(rf"(?:(?:19|20)[0-9]{{2}}년?\s*)?(?:{who}\s*)*{topic}\s*평가")


# labels whose every entity is Korean text: a tier, a person's name, a government
_HANGUL_LABELS = ("AWARD", "OFFICIAL", "DISTRICT")
_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff]")  # syllables or jamo (NFD text)


def latin_only(text: str, span: Span3) -> bool:
    """Whether *span* is of a label whose entities are Korean words and holds no Hangul
    (the model's `release` in `Press release, 2019-11-22`)."""
    s, e, label = span
    return label in _HANGUL_LABELS and _HANGUL.search(text, s, e) is None


def drop_award_classes(text: str, spans: Sequence[Span3], held: list[Span3] | None = None) -> list[Span3]:
    """``spans`` without the AWARD spans that name a class of winners in general (nor
    PROGRAM spans that are only a class and a tier, 광역 최우수, or an unquoted generic
    phrase, 행안부 일자리 평가). The tiers dropped as their holders in general (S등급을 받은
    구에 각 1억원) are appended to *held*: no entity, but a prize schedule's line for the records."""
    spans = [x for x in spans if not (x[2] == "PROGRAM" and (
        _TIER_ONLY.fullmatch(text, x[0], x[1]) or _NOT_A_NAME_START.match(text, x[0])
        or (x[1] - x[0] <= _GENERIC_MAX and _generic_program().fullmatch(text, x[0], x[1])
            and not (x[0] and text[x[0] - 1] in _OPEN_QUOTES))))]
    money = {s for s, _, label in spans if label == "MONEY"}
    district_ends = sorted(e for _, e, label in spans if label == "DISTRICT")
    # the first entity after each point: (start, label), sorted
    others = sorted((s, label) for s, _, label in spans if label in ("MONEY", "DISTRICT"))
    district_starts = sorted(s for s, _, label in spans if label == "DISTRICT")
    out = []
    for s, e, label in spans:
        if label == "AWARD" and (_is_class(text, s, e, money, _governed(text, s, district_ends))
                                 or _class_topic(text, e, others)):
            continue
        if label == "AWARD" and _held_in_general(text, s, e, money, district_starts, district_ends):
            if held is not None:
                held.append((s, e, label))
            continue
        out.append((s, e, label))
    return out


# 구는 최우수구 인센티브로, 시 최우수상 시상금이: a government (by its level) before the tier
# (not 도는: a province before a prize line is its evaluator, 도는 최우수 시군에 5,000만 원)
_LEVEL_SUBJECT = re.compile(r"(?:^|[\s,])(?:구|군|시)(?:는|은|가|이)?[ \t]*$")


def _governed(text: str, s: int, district_ends: Sequence[int]) -> bool:
    """Whether a government stands right before the tier (청주시는 최우수상 시상금): the
    tier is then stated for it, whatever money words follow."""
    return _district_right_before(s, district_ends) or _LEVEL_SUBJECT.search(text, max(0, s - 4), s) is not None


def _district_right_before(s: int, district_ends: Sequence[int]) -> bool:
    """Whether a DISTRICT (ending at one of the sorted *district_ends*) ends within 6 characters before *s*."""
    k = bisect.bisect_right(district_ends, s) - 1
    return k >= 0 and s - district_ends[k] <= 6


def _class_topic(text: str, e: int, others: Sequence[tuple[int, str]]) -> bool:
    """Whether the tier ending at ``e`` is a class as topic (우수상 기관은 … 최대 5천만원): its
    class noun and 은/는/에는, then an amount before any government, in the same clause."""
    topic = _CLASS_TOPIC.match(text, e)
    if topic is None:
        return False
    k = bisect.bisect_left(others, (topic.end(), ""))
    if k == len(others) or others[k][1] != "MONEY" or others[k][0] - topic.end() > _CLASS_TOPIC_REACH:
        return False
    return not re.search(r"[.!?。\n]", text[topic.end():others[k][0]])


def _held_in_general(text: str, s: int, e: int, money_starts: set[int], district_starts: Sequence[int],
                     district_ends: Sequence[int]) -> bool:
    """Whether the tier at ``[s, e)`` names its holders in general (S등급을 받은 구에 각 1억원,
    A등급 사업은, B등급 이하, 우수상 28곳은 상장만): no government before it, and none named
    after it in its sentence (최우수상을 받은 곳은 강남구 names one)."""
    holder = _CLASS_HOLDER.match(text, e)
    received = holder is not None and _RECEIVED.search(text, e, holder.end()) is not None
    if _district_right_before(s, district_ends) and not received:
        return False  # 청주시는 S등급 …: stated for a government (전라북도는 S등급을 받은 사업에: the giver)
    if _TIER_RANGE.match(text, e):
        return True
    gap = _CLASS_WORD_GAP.match(text, e)
    if gap is not None and gap.end() in money_starts:
        return True
    if holder is None:
        return False
    # the sentence's end, looked for within a bounded reach (an endless line stays linear)
    stop = _SENTENCE_END.search(text, holder.end(), holder.end() + _HOLDER_REACH)
    stop_at = stop.start() if stop else holder.end() + _HOLDER_REACH
    k = bisect.bisect_left(district_starts, holder.end())
    return k == len(district_starts) or district_starts[k] >= stop_at



def is_counted_choice(text: str, end: int) -> bool:
    """Whether a class counted as it is chosen follows ``end`` (우수기관 | 3곳을 발표했다)."""
    return _COUNTED_CHOICE.match(text, end) is not None


def _is_class(text: str, s: int, e: int, money_starts: set[int], governed: bool = False) -> bool:
    gap = _PRIZE_LINE_GAP.match(text, e)
    if not governed and (gap.end() in money_starts or _CLASS_MONEY.match(text, e)):
        return True  # 광역 우수기관은 5억원, 장려 2천만원, 장려상에는 시상금 없이
    if is_counted_choice(text, e) or _COUNT_BEFORE.search(text, max(0, s - 16), s) or _COUNTED_TOPIC.match(text, e):
        return True
    return bool(_GENERAL_CHOICE.match(text, e) or _GOAL.match(text, e))


def extend_awards(model_spans: Sequence[Span3], rule_spans: Sequence[Span3]) -> list[Span3]:
    """The model's spans, with an AWARD it cut short (최우수 | 기관은 광산구) replaced by the rule
    span that starts with it and covers no other model span (최우수 기관)."""
    return rejoin_pieces(model_spans, rule_spans, "AWARD", _award_head)


def _award_head(rule: Span3, pieces: list[Span3]) -> bool:
    if len(pieces) != 1:
        return False
    start, end, label = pieces[0]
    return label == "AWARD" and start == rule[0] and end < rule[1]
