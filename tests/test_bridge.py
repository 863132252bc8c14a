"""Kiwi→spaCy bridge invariants: doc.text is the input, tokens never overlap."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgov_ner.pipeline.tokenizer import Morph, group_morphemes
from kgov_ner.pipeline.tagger import build_nlp, ensure_boundaries

TRICKY = {
    "crlf": "송파구는\r\n4500만 원을\r\n확보했다.",
    "tabs": "강북구\t우수구\t\t선정",
    "nfd": unicodedata.normalize("NFD", "송파구는 4500만 원을 확보했다."),
    "zero-width space": "송파구\u200b는 우수구로 선정됐다.",
    "bom": "\ufeff광진구가 선정됐다.",
    "emoji": "🎉 성동구, 10년 연속 수상! 👏",
    "empty": "",
    "spaces only": "   ",
    "newlines only": "\n\n\r\n",
    "many spaces": "마포구   최우수구    선정",
    "contraction": "선정됐다 했다 됐다",
    "dropped copula": "이번이 처음이라고 했다",
    "nbsp": "송파구\xa0\xa0는 \xa0선정",
    "control chars": "강북구\x0b\x0c선정\x1f됐다",
}


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def _check_doc(doc, text):
    assert doc.text == text
    pos = 0
    for token in doc:
        assert token.idx == pos, "tokens must tile the text without gaps or overlaps"
        assert token.text == text[token.idx : token.idx + len(token.text)]
        pos = token.idx + len(token.text_with_ws)
    assert pos == len(text)
    for ent in doc.ents:
        assert text[ent.start_char : ent.end_char] == ent.text
    ents = sorted((e.start_char, e.end_char) for e in doc.ents)
    assert all(a[1] <= b[0] for a, b in zip(ents, ents[1:]))


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_strings_round_trip(nlp, name):
    _check_doc(nlp(TRICKY[name]), TRICKY[name])


def test_every_seed_round_trips(nlp, seed_gold):
    for record in seed_gold:
        _check_doc(nlp(record["text"]), record["text"])


def test_token_text_comes_from_input_not_kiwi_form(nlp):
    doc = nlp("선정됐다")
    assert "".join(t.text_with_ws for t in doc) == "선정됐다"
    # Kiwi restores 되+었 for 됐: both morphemes sit on one token.
    contracted = [t for t in doc if "됐" in t.text]
    assert len(contracted) == 1
    forms = [m.form for m in contracted[0]._.morphs]
    assert "되" in forms and "었" in forms
    assert "+" in contracted[0].tag_


def test_kiwi_tags_kept(nlp):
    doc = nlp("송파구는 선정됐다")
    assert doc[0].text == "송파구" and doc[0].tag_ == "NNP"
    assert doc[1].tag_.startswith("J")


def test_sentence_starts_from_kiwi(nlp):
    doc = nlp("송파구가 선정됐다. 강북구도 선정됐다.")
    starts = [s.text.strip() for s in doc.sents]
    assert len(starts) == 2 and starts[1].startswith("강북구")


def test_whitespace_beyond_one_space_becomes_tokens(nlp):
    doc = nlp("마포구   선정")
    assert any(t.is_space for t in doc)
    assert doc.text == "마포구   선정"


def test_group_morphemes_merges_overlaps_and_zero_width():
    morphs = [Morph("되", "VV", 0, 1), Morph("었", "EP", 0, 1), Morph("다", "EF", 1, 2),
              Morph("이", "VCP", 3, 3), Morph("라고", "EC", 3, 5)]
    groups = group_morphemes(morphs, 5)
    assert [(s, e) for s, e, _ in groups] == [(0, 1), (1, 2), (3, 5)]
    assert [m.tag for m in groups[0][2]] == ["VV", "EP"]
    assert [m.tag for m in groups[2][2]] == ["VCP", "EC"]


def test_ensure_boundaries_splits_a_fused_token(nlp):
    from spacy.tokens import Doc

    # Kiwi sometimes keeps 우수구로 as one token; the entity inside must survive.
    doc = Doc(nlp.vocab, words=["4년", "연속", "우수구로", "선정"], spaces=[True, True, True, False])
    doc = ensure_boundaries(doc, [6, 9])
    assert doc.char_span(6, 9).text == "우수구"
    assert doc.text == "4년 연속 우수구로 선정"


def test_rule_entity_survives_a_missing_token_boundary(nlp):
    from spacy.tokens import Doc

    doc = Doc(nlp.vocab, words=["4년", "연속", "우수구로", "선정됐다"], spaces=[True, True, True, False])
    doc = nlp.get_pipe("kgov_rules")(doc)
    assert ("우수구", "AWARD") in [(e.text, e.label_) for e in doc.ents]


_alphabet = st.sampled_from(
    list("송파구강북서울시우수최상장려대원만억천여") + list("0123456789,. \n\t\r‘’“”()△▲") + ["\u200b", "🎉", "ᄀ", "ᅡ"]
)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_alphabet, max_size=60))
def test_property_doc_text_is_input(nlp, text):
    _check_doc(nlp(text), text)
