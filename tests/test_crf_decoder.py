"""The numpy decoder (``pipeline.decoder``) gives exactly CRFsuite's labels.

CRFsuite stays the reference: on every development and seed page the
decoder's labels equal pycrfsuite's, on a tiny trained model too, and on
random models whose integer weights make exact ties, where a sequence with
a tie on its path is handed back (None) rather than guessed.
"""

import json
from pathlib import Path

import numpy as np
import pycrfsuite
import pytest

from kgov_ner.pipeline import features
from kgov_ner.pipeline.decoder import CRFDecoder, read_crfsuite
from kgov_ner.pipeline.model import DEFAULT_MODEL_DIR, MODEL_FILE, load_model
from kgov_ner.pipeline.tagger import build_nlp
from kgov_ner.pipeline.tokenizer import analysed_regions

ROOT = Path(__file__).resolve().parents[1]


def _crfsuite_viterbi(state: np.ndarray, trans: np.ndarray) -> list[int]:
    """CRFsuite's Viterbi (crf1dc_viterbi), operation for operation: the first best predecessor wins."""
    n, size = state.shape
    cur = list(state[0])
    back = []
    for t in range(1, n):
        prev, cur, links = cur, [], []
        for j in range(size):
            best, arg = -np.inf, 0
            for i in range(size):
                score = prev[i] + trans[i, j]
                if best < score:
                    best, arg = score, i
            cur.append(best + state[t, j])
            links.append(arg)
        back.append(links)
    path = [int(np.argmax(cur))]  # numpy's argmax also keeps the first of equal values
    for links in reversed(back):
        path.append(links[path[-1]])
    return path[::-1]


def _rows(state: np.ndarray) -> np.ndarray:
    """Score rows as a ScoreTable gives them: scores, a magnitude and a term count per token."""
    return np.hstack([state, np.abs(state).max(axis=1, keepdims=True), np.ones((len(state), 1))])


def test_the_model_file_reads_as_crfsuite_reads_it():
    path = DEFAULT_MODEL_DIR / MODEL_FILE
    labels, attributes, state, trans = read_crfsuite(path)
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    info = tagger.info()
    assert labels == list(tagger.labels())
    assert set(attributes) == set(info.attributes) and len(attributes) == len(info.attributes)
    row = {name: k for k, name in enumerate(attributes)}
    col = {name: k for k, name in enumerate(labels)}
    for (attr, label), weight in info.state_features.items():  # the dump prints six decimals
        assert state[row[attr], col[label]] == pytest.approx(weight, abs=1e-6)
    for (a, b), weight in info.transitions.items():
        assert trans[col[a], col[b]] == pytest.approx(weight, abs=1e-6)
    assert np.count_nonzero(state) == len(info.state_features)


def _pages() -> list[str]:
    texts = []
    for path in sorted((ROOT / "corpus" / "dev").glob("*.jsonl")) + [ROOT / "seeds" / "gold.jsonl"]:
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


def test_the_decoder_gives_crfsuites_labels_on_every_development_and_seed_page():
    """Whole pages (boilerplate included): every region, decoded in one batch, against pycrfsuite."""
    crf = load_model(DEFAULT_MODEL_DIR).estimator
    decoder = crf.decoder
    assert decoder is not None
    nlp = build_nlp(normalize=False, body="mark")  # the rules, no model: what the model component sees
    nlp.remove_pipe("kgov_body")
    texts = _pages()
    assert len(texts) >= 100
    scores, expected = [], []
    for doc in nlp.pipe(texts):
        tables = features.DocTables(doc)
        for a, b in analysed_regions(doc):
            span = doc.char_span(a, b, alignment_mode="expand")
            if span is not None and len(span):
                scores.append(features.doc_scores(doc, span.start, span.end, decoder, tables))
                expected.append(crf.predict([features.doc_items(doc, span.start, span.end, crf.attributes, tables)])[0])
    got = decoder.decode(scores)
    decoded = [(g, e) for g, e in zip(got, expected) if g is not None]
    assert all(g == e for g, e in decoded)
    assert len(decoded) >= 0.95 * len(expected)  # near ties are rare: CRFsuite decides them
    assert sum(len(g) for g, _ in decoded) > 50_000
    assert any(label != "O" for g, _ in decoded for label in g)


def test_a_tiny_trained_model_decodes_as_crfsuite_and_as_taught(tmp_path):
    trainer = pycrfsuite.Trainer(verbose=False)
    words = [("송파구", "B-DISTRICT"), ("는", "O"), ("강북구", "B-DISTRICT"), ("가", "O"), ("대상", "B-AWARD"),
             ("을", "O"), ("받았다", "O")]
    for _ in range(3):
        trainer.append([{"w": w, "len": len(w)} for w, _ in words], [label for _, label in words])
    trainer.set_params({"c1": 0.0, "c2": 0.01, "max_iterations": 50})
    path = tmp_path / "tiny.crfsuite"
    trainer.train(str(path))
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    decoder = CRFDecoder.from_file(path)
    table = decoder.new_table()
    sentence = ["강북구", "가", "대상", "을", "받았다", "송파구", "는"]
    items = [features.to_attributes({"w": w, "len": len(w)}) for w in sentence]
    ids = np.array([[table.add(item) for item in items]])  # [piece, token]: one piece a token here
    (got,) = decoder.decode([table.scores(ids)])
    assert got == tagger.tag(items) == ["B-DISTRICT", "O", "B-AWARD", "O", "O", "B-DISTRICT", "O"]
    assert decoder.decode([table.scores(np.zeros((1, 0), dtype=np.intp))]) == [[]]


def test_a_known_answer_with_an_anchor_in_the_middle():
    """Two labels; B after B is heavily penalised. A token whose score no transition can
    overturn splits the sequence, and both halves come out as the full Viterbi says."""
    trans = np.array([[0.0, 0.5], [0.2, -3.0]])  # [from, to] over (O, B)
    state = np.array([[0.0, 1.0], [0.0, 0.8], [20.0, 0.0], [0.0, 1.0], [0.0, 0.1]])
    decoder = CRFDecoder(["O", "B"], ["x"], np.zeros((1, 2)), trans)
    (got,) = decoder.decode([_rows(state)])
    assert got == [["O", "B"][k] for k in _crfsuite_viterbi(state, trans)] == ["O", "B", "O", "B", "O"]
    anchors = decoder._anchors(state, np.full(len(state), 1e-9), np.array([len(state) - 1]))
    assert anchors.tolist() == [-1, -1, 0, -1, -1]  # O at the third token, whatever came before


def test_a_tie_on_the_path_is_left_to_crfsuite():
    trans = np.zeros((2, 2))
    decoder = CRFDecoder(["O", "B"], ["x"], np.zeros((1, 2)), trans)
    tied, clear = np.array([[1.0, 1.0], [0.0, 2.0]]), np.array([[1.0, 2.0], [0.0, 2.0]])
    assert decoder.decode([_rows(tied), _rows(clear)]) == [None, ["B", "B"]]


@pytest.mark.parametrize("seed", range(6))
def test_random_models_with_ties_decode_as_crfsuite_or_not_at_all(seed):
    """Small integer weights: every sum is exact, so ties are exact and frequent; the
    decoder must give CRFsuite's labels or None, and decode most sequences."""
    rng = np.random.default_rng(seed)
    size = int(rng.integers(2, 7))
    trans = rng.integers(-3, 4, (size, size)).astype(float)
    decoder = CRFDecoder([f"L{k}" for k in range(size)], ["x"], np.zeros((1, size)), trans)
    states = [rng.integers(-4, 5, (int(rng.integers(1, 40)), size)).astype(float) * rng.choice([1, 4])
              for _ in range(60)]
    got = decoder.decode([_rows(s) for s in states])
    for state, labels in zip(states, got):
        if labels is not None:
            assert labels == [f"L{k}" for k in _crfsuite_viterbi(state, trans)]
    assert sum(labels is not None for labels in got) >= 10


def test_the_model_component_falls_back_to_crfsuite_and_batches_alike(tagger, monkeypatch):
    texts = _pages()[:12]
    expected = [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in tagger.pipe(texts)]
    one_by_one = [[(e.start_char, e.end_char, e.label_) for e in tagger(text).ents] for text in texts]
    assert one_by_one == expected
    decoder = tagger.nlp.get_pipe("kgov_model").estimator.decoder
    monkeypatch.setattr(decoder, "decode", lambda scores: [None] * len(scores))  # every region to CRFsuite
    assert [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in tagger.pipe(texts)] == expected


@pytest.mark.parametrize("text", ["송파구", "송파구 ", "  \n", "강북구가 우수구로\n\n선정됐다.",
                                  "‘서울 희망일자리 만들기’(구청장 김선갑) 사업이 4500만 원을 받았다.",
                                  "고창군 ▲청년 창업 지원 ▲노인 일자리 박람회 등을 운영한다.\n[사진] 편동수(가운데) 동대문구청장"])
def test_a_tokens_pieces_add_up_to_its_crfsuite_attributes(tagger, text):
    """doc_scores and doc_items are one computation: per token, the pieces' rows sum to
    the weights of the attributes CRFsuite would be handed, and count as many terms."""
    crf = tagger.nlp.get_pipe("kgov_model").estimator
    decoder = crf.decoder
    doc = tagger.nlp.tokenizer(text)
    doc = tagger.nlp.get_pipe("kgov_rules")(doc)
    for start, end in [(0, len(doc)), (0, 1), (len(doc) - 1, len(doc)), (1, min(3, len(doc)))]:
        if end <= start:
            continue
        rows = features.doc_scores(doc, start, end, decoder)
        items = features.doc_items(doc, start, end, crf.attributes)
        assert len(rows) == len(items) == end - start
        for row, item in zip(rows, items):
            expected = sum((decoder.state[decoder.index[name]] * value for name, value in item.items()),
                           np.zeros(len(decoder.labels)))
            assert row[:-2] == pytest.approx(expected, abs=1e-9)
            assert row[-1] == len(item)


def test_threads_sharing_the_caches_score_as_one_thread_does(tagger, monkeypatch):
    """Shape ids index a shared list that a small bound keeps emptying: calls from several
    threads at once must still score every token as a lone call does."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(features, "_BASE_CACHE_MAX", 40)
    decoder = tagger.nlp.get_pipe("kgov_model").estimator.decoder
    docs = [tagger.nlp.get_pipe("kgov_rules")(tagger.nlp.tokenizer(text)) for text in _pages()[:16]]
    alone = [features.doc_scores(doc, 0, len(doc), decoder) for doc in docs]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda doc: features.doc_scores(doc, 0, len(doc), decoder), docs * 3))
    for got, expected in zip(together, alone * 3):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
