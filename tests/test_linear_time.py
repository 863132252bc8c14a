"""Pathological lines (issue 16, case 1): the stages made linear still give the same answers.

No wall time is asserted here (benchmarks/linearity.py measures that); these
tests hold the linear versions of the quote scan, the unclosed-quote phrase,
the quote mask and the list-item tail equal to the straightforward ones they
replaced, and tag a long line of unclosed quotes to the right entities.
"""

from __future__ import annotations

import random
import re

import pytest

from kgov_ner.pipeline.features import _quote_depths
from kgov_ner.pipeline.rules import program
from kgov_ner.pipeline.rules.common import WORD_RE, quoted_spans, split_particles

_PAIRS = {"‘": "’", "“": "”", "「": "」", "『": "』", "'": "'", '"': '"'}


def reference_quoted_spans(text):
    """The scan as first written: each mark searches the rest of its line."""
    i, n = 0, len(text)
    opener = re.compile("[" + re.escape("".join(_PAIRS)) + "]")
    while i < n:
        m = opener.search(text, i)
        if m is None:
            return
        i = m.start()
        ch, close = m.group(), _PAIRS[m.group()]
        line_end = text.find("\n", i)
        line_end = n if line_end < 0 else line_end
        j = text.find(close, i + 1, line_end)
        reopen = text.find(ch, i + 1, line_end) if ch != close else -1
        if j < 0 or (0 <= reopen < j):
            yield i + 1, line_end, False
            i += 1
            continue
        yield i + 1, j, True
        i = j + 1


def reference_unclosed_phrase(text, start, end):
    """The phrase after an unclosed quote as first written: every word re-read per quote."""
    last_end = first = None
    for m in WORD_RE.finditer(text, start, end):
        w = m.group(0)
        if first is None:
            first = m.start()
        core = w.rstrip(".,;:!?)]>’”")
        stem, particles = split_particles(core)
        if core == w and not particles:
            last_end = m.end()
            continue
        done = last_end is not None and program._names_program(text[start:last_end])
        if not done and stem and program._names_program(text[start:m.start() + len(stem)]):
            last_end = m.start() + len(stem)
        break
    if last_end is None or first is None:
        return None
    return first, last_end


_PIECES = ["‘", "’", "“", "”", "「", "」", "'", '"', " ", "  ", "\n", "송파", "희망", "일자리", "사업", "평가에서",
           "장터의", "만들기", "프로그램", "을", ")", ".", "…", "청년", "박람회", "지원사업", "x" * 70]


def _random_lines(seed: int, count: int = 300):
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 40)))


@pytest.mark.parametrize("seed", range(4))
def test_quote_scan_equals_the_reference(seed):
    for text in _random_lines(seed):
        assert list(quoted_spans(text)) == list(reference_quoted_spans(text)), text


@pytest.mark.parametrize("seed", range(4))
def test_quote_mask_equals_filling_each_stretch(seed):
    for text in _random_lines(seed):
        inside = [0] * len(text)
        for s, e, _ in reference_quoted_spans(text):
            inside[s:e] = [1] * (e - s)
        assert _quote_depths(text) == inside, text


@pytest.mark.parametrize("seed", range(4))
def test_unclosed_phrase_gives_the_reference_program(seed):
    """Same PROGRAM candidate (the caller keeps a phrase only if it names a program)."""
    for text in _random_lines(seed):
        words = program._Words(text)
        for s, e, closed in reference_quoted_spans(text):
            if closed:
                continue
            ref = reference_unclosed_phrase(text, s, e)
            new = program._unclosed_phrase(words, s, e)
            named = bool(ref) and program._names_program(text[ref[0]:ref[1]])
            assert (new if new and program._names_program(text[new[0]:new[1]]) else None) == \
                (ref if named else None), text


def test_unclosed_quote_names_a_program_up_to_its_particle():
    text = "구는 ‘청년 희망 일자리 지원사업을 올해도 이어간다."
    found = [(text[c.start:c.end], c.rule) for c in program.find_programs(text) if c.rule == "quote-unclosed"]
    assert found == [("청년 희망 일자리 지원사업", "quote-unclosed")]


def test_a_line_of_unclosed_quotes_gives_each_repetition_its_candidates():
    unit = "도봉구 ‘청년 희망 일자리 지원사업을 "
    one = [(c.start, c.end, c.rule) for c in program.find_programs(unit)]
    many = [(c.start, c.end, c.rule) for c in program.find_programs(unit * 400)]
    expected = {(s + k * len(unit), e + k * len(unit), r) for k in range(400) for s, e, r in one}
    assert ("quote-unclosed" in {r for _, _, r in one}) and expected <= set(many)


def test_list_criteria_tail_read_from_the_item_only():
    text = "평가는 △일자리 창출 △취업 지원 등 6개 분야로 진행됐다.\n△청년 창업 학교 △노인 일자리 박람회 등을 운영한다."
    items = [text[s:s + len(i)] for s, i in program._list_programs(text)]
    assert "청년 창업 학교" in items and "일자리 창출" not in items


def test_tagging_a_long_line_of_unclosed_quotes(tagger):
    """The issue's line, 2,000 times (26,000 characters): the districts and tiers, no runaway PROGRAM."""
    unit = "송파구 우수구 ‘일자리 "
    doc = tagger(unit * 2000)
    labels = [(e.text, e.label_) for e in doc.ents]
    assert labels.count(("송파구", "DISTRICT")) == 2000
    assert labels.count(("우수구", "AWARD")) == 2000
    assert all(e.end_char - e.start_char <= 60 for e in doc.ents)


def _lines_run(fn, *args) -> int:
    """How many lines of Python ``fn(*args)`` executes: a measure of work that no other process sways."""
    import sys

    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        result = fn(*args)
        if hasattr(result, "__next__"):
            list(result)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("unit", ["송파구 우수구 ‘일자리 ", "‘“「'\"", "△청년 창업 지원 사업 ㆍ노인 일자리 박람회 ",
                                  "‘희망 일자리 사업’ 평가에서 ‘우수 “청년 "])
@pytest.mark.parametrize("stage", ["rules", "quote mask"])
def test_work_grows_linearly_on_a_pathological_line(unit, stage):
    """Four times the line, at most five times the work (a quadratic stage does sixteen)."""
    from kgov_ner.pipeline.rules import find_all

    fn = find_all if stage == "rules" else _quote_depths
    small, large = (unit * (600 // len(unit)), unit * (2400 // len(unit)))
    fn(small)  # word lists and regexes built
    assert _lines_run(fn, large) <= 5 * _lines_run(fn, small)


@pytest.mark.parametrize("unit", ["마포구가 최우수구로 선정됐다. 시상금은 1억원이다.\n",
                                  "최우수구, 우수구, 장려구, 광역 부문 우수기관은 5억원, "])
def test_records_and_clean_up_work_grows_linearly(tagger, unit):
    """Records of a page of many award paragraphs, and the clean-up after the merge:
    four times the text, at most five times the work."""
    from kgov_ner.pipeline.rules.cleanup import drop_award_classes
    from kgov_ner.records.extract import extract_records

    small, large = tagger(unit * 150), tagger(unit * 600)
    extract_records(small)
    assert _lines_run(extract_records, large) <= 5 * _lines_run(extract_records, small)
    spans = lambda d: [(e.start_char, e.end_char, e.label_) for e in d.ents]  # noqa: E731
    assert _lines_run(drop_award_classes, large.text, spans(large)) <= 5 * _lines_run(drop_award_classes, small.text, spans(small))
