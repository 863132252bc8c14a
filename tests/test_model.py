"""The learned layer: estimator conventions, BIO conversion, merging, artifacts, no leakage."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sklearn.exceptions import NotFittedError

from kgov_ner.training import train as train
from kgov_ner.pipeline.features import FEATURE_VERSION, doc_features
from kgov_ner.training.crf import SequenceTagger, save_model
from kgov_ner.pipeline.model import (ModelVersionError, bio_to_spans, load_model, merge_spans,
                            spans_to_bio)
from kgov_ner.pipeline.tagger import Tagger, build_nlp

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(normalize=False)


@pytest.fixture(scope="module")
def small_model():
    X = [[{"w": "강북구"}, {"w": "가"}], [{"w": "우수구"}, {"w": "로"}]]
    y = [["B-DISTRICT", "O"], ["B-AWARD", "O"]]
    return SequenceTagger(max_iterations=30).fit(X, y)


def test_predict_before_fit_raises():
    with pytest.raises(NotFittedError):
        SequenceTagger().predict([[{"w": "가"}]])


def test_init_stores_hyperparameters_only():
    est = SequenceTagger(c1=0.3)
    assert est.get_params()["c1"] == 0.3
    assert not hasattr(est, "crf_")


@pytest.mark.parametrize("X,y,message", [
    ([[{"w": "a"}]], [["O"], ["O"]], "sequences"),
    ([[{"w": "a"}, {"w": "b"}]], [["O"]], "labels"),
    ([[{"w": "a"}]], [["B-PERSON"]], "unknown tags"),
])
def test_fit_validates(X, y, message):
    with pytest.raises(ValueError, match=message):
        SequenceTagger().fit(X, y)


def test_fit_returns_self_and_learns(small_model):
    assert small_model.predict([[{"w": "강북구"}, {"w": "가"}]]) == [["B-DISTRICT", "O"]]


def test_bio_round_trip(nlp):
    doc = nlp("광진구(구청장 김선갑)가 4500만 원을 받았다.")
    spans = [(0, 3, "DISTRICT"), (8, 11, "OFFICIAL"), (14, 21, "MONEY")]
    tags = spans_to_bio(doc, spans)
    assert bio_to_spans(doc, tags) == spans


def test_bio_repair_opens_entity_on_stray_inside_tag(nlp):
    doc = nlp("강북구 우수구")
    tags = ["I-DISTRICT", "I-AWARD"]
    assert bio_to_spans(doc, tags) == [(0, 3, "DISTRICT"), (4, 7, "AWARD")]


def test_spans_to_bio_refuses_misaligned_span(nlp):
    doc = nlp("강북구청장")
    with pytest.raises(ValueError, match="align"):
        spans_to_bio(doc, [(0, 2, "DISTRICT")])


@pytest.mark.parametrize("policy,expected", [
    ("rules", [(0, 3, "DISTRICT"), (5, 9, "PROGRAM")]),
    ("model", [(0, 5, "PROGRAM"), (10, 12, "AWARD")]),
    ("combined", [(0, 5, "PROGRAM"), (5, 9, "PROGRAM"), (10, 12, "AWARD")]),
    ("rules-first", [(0, 3, "DISTRICT"), (5, 9, "PROGRAM"), (10, 12, "AWARD")]),
])
def test_merge_policies(policy, expected):
    model = [(0, 5, "PROGRAM"), (10, 12, "AWARD")]
    rules = [(0, 3, "DISTRICT"), (5, 9, "PROGRAM")]
    assert merge_spans(model, rules, policy) == expected


def test_merge_rejects_unknown_policy():
    with pytest.raises(ValueError, match="allowed"):
        merge_spans([], [], "vote")


def test_features_carry_rule_hits(nlp):
    doc = nlp("송파구는 4500만 원을 확보했다.")
    feats = doc_features(doc)
    assert feats[0]["rule:B-DISTRICT"] is True
    money = [f for f in feats if f.get("rule:B-MONEY")]
    assert money and money[0]["w"] == "4500"
    assert all("bias" in f for f in feats)


def test_saved_model_with_other_feature_version_refuses_to_load(tmp_path, small_model):
    save_model(small_model, tmp_path, {"note": "test"})
    meta = json.loads((tmp_path / "meta.json").read_text(encoding="utf-8"))
    assert meta["feature_version"] == FEATURE_VERSION
    assert set(meta["versions"]) >= {"kgov_ner", "kiwipiepy", "spacy", "scikit-learn"}
    meta["feature_version"] = FEATURE_VERSION - 1
    (tmp_path / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelVersionError, match="retrain"):
        load_model(tmp_path)


def test_shipped_model_loads_and_is_small():
    model_dir = ROOT / "models" / "default"
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    assert meta["feature_version"] == FEATURE_VERSION, "the shipped model is stale: run `python -m kgov_ner train`"
    assert sum(p.stat().st_size for p in model_dir.iterdir()) < 20 * 1024 * 1024
    assert Tagger().estimator is not None


def test_training_never_sees_the_records_under_evaluation():
    conformance = train.read_jsonl(train.CONFORMANCE)
    held_in = conformance[1:]
    records, used = train.training_records(held_in)
    assert "conformance" not in used
    assert conformance[0]["text"] not in {r["text"] for r in records}


def test_body_pieces_shift_spans():
    record = {"text": "메뉴\n강북구가 선정\n댓글", "body": [[3, 10]], "label": [[3, 6, "DISTRICT"]]}
    assert train.body_pieces(record) == [("강북구가 선정", [(0, 3, "DISTRICT")])]


@pytest.mark.slow
def test_notebook_runs_top_to_bottom_without_touching_the_shipped_model(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    shipped = (ROOT / "models" / "default" / "model.crfsuite").read_bytes()
    nb = nbformat.read(ROOT / "notebooks" / "train.ipynb", as_version=4)
    os.environ["KGOV_NER_MODEL_OUT"] = str(tmp_path / "model")
    try:
        nbclient.NotebookClient(nb, timeout=900, kernel_name="python3",
                                resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    finally:
        del os.environ["KGOV_NER_MODEL_OUT"]
    assert (tmp_path / "model" / "meta.json").is_file()
    assert (ROOT / "models" / "default" / "model.crfsuite").read_bytes() == shipped


def test_tagging_items_score_exactly_as_the_feature_dicts(seed_gold):
    """The loaded model tags CRFsuite items filtered to its attributes; training
    and cross-validation use the feature dicts. Same tags, same path probability."""
    from kgov_ner.pipeline.features import doc_items, to_attributes
    from kgov_ner.pipeline.tokenizer import analysed_regions
    from kgov_ner.pipeline.model import DEFAULT_MODEL_DIR

    crf = load_model(DEFAULT_MODEL_DIR).estimator
    known = crf.attributes
    conformance = ROOT / "tests" / "data" / "conformance.jsonl"
    texts = [r["text"] for r in seed_gold]
    texts += [json.loads(line)["text"] for line in conformance.read_text(encoding="utf-8").splitlines()[:60]]
    nlp = build_nlp(normalize=False, body="mark")  # every token analysed, boilerplate included
    nlp.remove_pipe("kgov_body")
    regions = dropped = 0
    for doc in nlp.pipe(texts):
        for a, b in analysed_regions(doc):
            span = doc.char_span(a, b, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            feats = doc_features(doc, span.start, span.end)
            items = doc_items(doc, span.start, span.end, known)
            assert items == [to_attributes(f, known) for f in feats]
            dropped += sum(len(to_attributes(f)) - len(i) for f, i in zip(feats, items))
            tagger = crf._tagger
            tags = tagger.tag(feats)
            p_feats = tagger.probability(tags)
            assert tagger.tag(items) == tags
            assert tagger.probability(tags) == pytest.approx(p_feats, rel=1e-12)
            regions += 1
    assert regions >= len(texts)
    assert dropped > 0  # the filter is doing something: the model weighs a fraction of the features


def test_the_token_shape_cache_stays_bounded_over_many_new_words(tagger, monkeypatch):
    import random

    from kgov_ner.pipeline import features as features

    monkeypatch.setattr(features, "_BASE_CACHE_MAX", 500)
    rng = random.Random(5)
    sizes = []
    for _ in range(12):
        words = " ".join("".join(chr(0xAC00 + rng.randrange(11172)) for _ in range(3)) for _ in range(150))
        doc = tagger(words + ". 송파구는 우수구로 선정됐다.")
        assert [e.text for e in doc.ents][-2:] == ["송파구", "우수구"]
        sizes.append(len(features._SHAPES))
    # 1,800 new words went through; the cache never holds more than the bound plus one text's shapes
    assert max(sizes) <= 500 + 400
    assert any(later < earlier for earlier, later in zip(sizes, sizes[1:]))  # it was emptied on the way
