"""Property tests: whatever the text, the tagger keeps it intact and its offsets exact.

Random texts are built from what Korean government news is made of (Hangul
syllables, conjoining and compatibility jamo, digits, 만/억/원, quotes,
brackets, list marks and every kind of whitespace), plus words that trigger
the rules (districts, titles, tiers, amounts), so that entities are found
and their boundaries land in odd places.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgov_ner.engines.chunked import tag_long
from kgov_ner.text.chunking import iter_chunks
from kgov_ner.resources.labels import LABELS

_PIECES = st.one_of(
    st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),  # any syllable
    st.sampled_from("구시군청장우수최상려선정억만원천백명개년월일은는이가을를의에도로"),
    st.characters(min_codepoint=0x1100, max_codepoint=0x11FF),  # conjoining jamo
    st.characters(min_codepoint=0x3131, max_codepoint=0x318E),  # compatibility jamo
    st.sampled_from("0123456789,."),
    st.sampled_from(["만", "억", "원", "만 원", "억원", "천만"]),
    st.sampled_from(list("‘’“”'\"()[]「」△▲·…")),
    st.sampled_from([" ", "\n", "\r\n", "\r", "\t", "\u00a0", "\u200b", "\u3000", "  "]),
    st.sampled_from([
        "송파구", "서울시", "강북구", "창녕군", "부산광역시", "구청장", "시장", "군수",
        "박겸수", "김선갑", "우수구", "최우수", "장려상", "S등급", "4500만 원", "1억 2000만원",
        "희망일자리", "일자리 만들기", "평가", "사업", "선정됐다.", "다.",
    ]),
)
# Lines of pieces, so that some texts are a paragraph long.
TEXTS = st.lists(st.lists(_PIECES, max_size=30).map("".join), max_size=8).map("".join)


@pytest.fixture(scope="module")
def fuzz_tagger():
    from kgov_ner import Tagger

    return Tagger()


def check(text: str, doc) -> None:
    assert doc.text == text
    previous_end = 0
    for ent in sorted(doc.ents, key=lambda e: e.start_char):
        assert 0 <= ent.start_char < ent.end_char <= len(text)
        assert text[ent.start_char:ent.end_char] == ent.text
        assert ent.start_char >= previous_end, "entities overlap"
        assert ent.label_ in LABELS
        previous_end = ent.end_char


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_tagger_keeps_text_and_offsets(fuzz_tagger, text):
    check(text, fuzz_tagger(text))


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=6))
def test_pipe_is_the_same_as_one_by_one(fuzz_tagger, texts):
    docs = list(fuzz_tagger.pipe(texts, batch_size=3))
    assert len(docs) == len(texts)
    for text, doc in zip(texts, docs):
        check(text, doc)
        assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [
            (e.start_char, e.end_char, e.label_) for e in fuzz_tagger(text).ents
        ]


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(min_value=1, max_value=60))
def test_tag_long_offsets_index_the_whole_text(fuzz_tagger, text, max_chars):
    entities = tag_long(fuzz_tagger, text, max_chars=max_chars)
    previous_end = 0
    for e in entities:
        assert 0 <= e["start"] < e["end"] <= len(text)
        assert text[e["start"]:e["end"]] == e["text"]
        assert e["start"] >= previous_end
        previous_end = e["end"]


# iter_chunks needs no tagger: many examples, fast.
_CHUNK_TEXTS = st.lists(
    st.one_of(_PIECES, st.sampled_from(["다. ", ". ", "!\n", "\u0301", "\ufe0f", "\u200d", "가\u11a8"])),
    max_size=80,
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(_CHUNK_TEXTS, st.integers(min_value=1, max_value=50))
def test_iter_chunks_tile_the_text(text, max_chars):
    chunks = list(iter_chunks(text, max_chars))
    assert "".join(c for _, c in chunks) == text
    pos = 0
    for offset, chunk in chunks:
        assert offset == pos
        assert 0 < len(chunk) <= max_chars
        assert text[offset:offset + len(chunk)] == chunk
        pos += len(chunk)


@settings(max_examples=500, deadline=None)
@given(_CHUNK_TEXTS, st.integers(min_value=2, max_value=50))
def test_iter_chunks_prefers_line_breaks(text, max_chars):
    """A chunk that is not the last ends with a line break whenever its window had one."""
    chunks = list(iter_chunks(text, max_chars))
    for offset, chunk in chunks[:-1]:
        window = text[offset:offset + max_chars]
        if "\n" in window[:-1] or "\r" in window[:-1]:
            assert chunk[-1] in "\r\n", (window, chunk)
        assert not (chunk[-1] == "\r" and text[offset + len(chunk)] == "\n"), "CR LF parted"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["가", "각", "송", "파", "구", "\u1100\u1161", "\u1100\u1161\u11a8"]),
                min_size=1, max_size=60).map("".join),
       st.integers(min_value=4, max_value=20))
def test_iter_chunks_never_split_a_decomposed_syllable(text, max_chars):
    """With no whitespace at all, the last-resort cut still keeps NFD syllables whole."""
    text = unicodedata.normalize("NFD", text)
    for _, chunk in iter_chunks(text, max_chars):
        assert not ("\u1161" <= chunk[0] <= "\u11ff"), "a chunk starts inside a syllable"


def test_nfd_amount_before_a_jamo_filler_keeps_its_whole_last_syllable(fuzz_tagger):
    # Found by the fuzzer: NFD 원 followed by U+1160 (a filler that NFC leaves alone) normalised as
    # one cluster, so the end of 4500만 원 mapped back to the start of 원 and the span broke.
    text = "4500만 " + unicodedata.normalize("NFD", "원") + "\u1160각"
    doc = fuzz_tagger(text)
    check(text, doc)
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [(0, 9, "MONEY")]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.sampled_from(["\u0301", "\u1160", "\u11a8", "\u3099"])), max_size=40)
       .map("".join).map(lambda t: unicodedata.normalize("NFD", t) if len(t) % 2 else t))
def test_nfc_view_maps_every_span_back_to_text_that_normalises_to_it(text):
    from kgov_ner.text.nfc import nfc_view

    view = nfc_view(text)
    assert view.text == unicodedata.normalize("NFC", text)
    n = len(view.text)
    starts = [i for i in range(n + 1) if view.orig(i) == view.orig_end(i)]  # piece boundaries
    for a in starts:
        for b in starts:
            if a < b:
                assert unicodedata.normalize("NFC", text[view.orig(a):view.orig_end(b)]) == view.text[a:b]
    for i in range(n + 1):  # inside a piece a span widens to the piece, never shrinks
        assert view.orig(i) <= view.orig_end(i) if i < n else view.orig_end(i) == len(text)


@pytest.mark.parametrize("gap", [" ", "\u00a0", "  ", "\t"])
def test_an_unclosed_quote_names_a_program_from_its_first_word(fuzz_tagger, gap):
    # Found by the fuzzer: the span began at the space after ‘ and could not become an entity.
    text = f"‘{gap}일자리 만들기"
    doc = fuzz_tagger(text)
    check(text, doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("일자리 만들기", "PROGRAM")]


@pytest.mark.parametrize("mark", ["\u200b", "\ufeff", "\u200d"])
def test_a_rule_entity_never_starts_or_ends_with_an_invisible_character(fuzz_tagger, mark):
    text = f"‘{mark}일자리 만들기{mark}’ 사업에 송파구{mark}가 선정됐다."
    doc = fuzz_tagger(text)
    check(text, doc)
    assert ("일자리 만들기", "PROGRAM") in [(e.text, e.label_) for e in doc.ents]
    for e in doc.ents:
        assert e.text == e.text.strip("\u200b\ufeff\u200d \n"), e.text
