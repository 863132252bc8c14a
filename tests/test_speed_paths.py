"""The cheaper paths of issue 17 give what the plain ones give.

Kiwi overlapped with the pipeline (a batch started before the one before
it is handed on), Docs built from one array, rules that look only at the
words a scan finds: each is checked against the straightforward reading.
"""

import pytest
from spacy.tokens import Doc

from kgov_ner.pipeline.rules import official, program
from kgov_ner.pipeline.rules.common import WORD_RE
from kgov_ner.pipeline.tokenizer import MORPHS_KEY, Morph, _new_doc, group_morphemes

TEXTS = [
    "광진구(구청장 김선갑)가 우수구로 선정됐다.",
    "",
    "송파구는 4500만 원을 확보했다.\n\n박겸수 강북구청장은 말했다.",
    "   ",
    "‘서울 희망일자리 만들기’ 사업이 2021 지역고용센터 평가에서 대상을 받았다.",
    "편동수(가운데) 동대문구청장, “마동혁 부구청장”과 홍길동 시장은…",
    "고창군 ▲청년 창업 지원 ▲노인 일자리 박람회 등을 운영한다.",
]


def _reading(doc):
    return ([(t.idx, t.text, t.tag_, t.whitespace_, t.is_sent_start) for t in doc],
            sorted(doc.user_data.get(MORPHS_KEY, {}).items()))


@pytest.mark.parametrize("batch_size", [1, 2, 3, 64])
def test_overlapped_batches_give_the_docs_of_one_text_at_a_time(tagger, batch_size):
    tokenizer = tagger.nlp.tokenizer
    alone = [_reading(tokenizer(text)) for text in TEXTS]
    piped = list(tokenizer.pipe(TEXTS * 2, batch_size=batch_size))
    assert [d.text for d in piped] == TEXTS * 2
    assert [_reading(d) for d in piped] == alone * 2


def test_a_pipe_left_half_way_leaves_the_tokenizer_as_it_was(tagger):
    tokenizer = tagger.nlp.tokenizer
    expected = [_reading(d) for d in tokenizer.pipe(TEXTS, batch_size=2)]
    for _ in range(3):
        left = tokenizer.pipe(TEXTS * 3, batch_size=2)
        next(left)
        next(left)  # a second batch is under way in Kiwi when the pipe is dropped
        del left
    assert [_reading(d) for d in tokenizer.pipe(TEXTS, batch_size=2)] == expected


@pytest.mark.parametrize("words, spaces, tags, starts", [
    (["송파구", "는", " ", "4500", "만"], [False, True, False, False, False], ["NNP", "JX", "_SP", "SN", "NR"],
     [True, False, False, True, False]),
    (["가"], [False], ["VV+EP"], [True]),
    ([], [], [], []),
])
def test_docs_from_one_array_equal_spacys_constructor(tagger, words, spaces, tags, starts):
    vocab = tagger.nlp.vocab
    ours = _new_doc(vocab, words, spaces, tags, starts)
    theirs = Doc(vocab, words=words, spaces=spaces, tags=tags, sent_starts=starts if words else None)
    assert ours.to_bytes() == theirs.to_bytes()
    for attr in ("TAG", "SENT_START"):
        assert ours.has_annotation(attr) == theirs.has_annotation(attr)


def test_grouping_clamps_morphemes_outside_the_text():
    morphs = [Morph("가", "NNG", -2, 1), Morph("나", "NNG", 1, 9), Morph("이", "VCP", 9, 9)]
    groups = group_morphemes(morphs, 4)
    assert [(s, e, [m.form for m in ms]) for s, e, ms in groups] == [(0, 1, ["가"]), (1, 4, ["나", "이"])]


def _words_holding_titles_by_brute_force(text):
    words = official._name_words(text)
    return [i for i, (_, _, w) in enumerate(words) if official.title_regex().search(w)], words


@pytest.mark.parametrize("text", TEXTS + [
    "(오른쪽) 김민재 일자리경제국장과 (왼쪽 세 번째) 구청장(가운데)“구청장”, 구청장들. 도지사)",
    "전통시장 시장 부시장은 구청장구청장 청장",
])
def test_the_title_scan_finds_every_word_holding_a_title(text):
    expected, words = _words_holding_titles_by_brute_force(text)
    found = list(official._words_with_titles(text, words))
    assert set(expected) <= set(found)
    assert found == sorted(set(found))


def test_the_title_scan_falls_back_to_every_word_when_a_title_has_a_space(monkeypatch):
    monkeypatch.setattr(official, "_titles_stay_inside_words", lambda: False)
    words = official._name_words("박겸수 강북구청장은 말했다")
    assert list(official._words_with_titles("박겸수 강북구청장은 말했다", words)) == [0, 1, 2]


@pytest.mark.parametrize("text", TEXTS + ["경진대회 대상 공모전에 일자리대상과 실적평가에서 종합평가를 평가"])
def test_the_head_scan_finds_every_word_holding_an_evaluation_head(text):
    starts = {m.start() for m in WORD_RE.finditer(text)}
    holding = {m.start() for m in WORD_RE.finditer(text) if program._head_stem(m.group(0))[1] is not None}
    hits = {max(s for s in starts if s <= m.start()) for m in program._HEAD_IN_WORD.finditer(text)}
    assert holding <= hits
