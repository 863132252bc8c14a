"""Tests of the evaluation harness (kgov_ner.evaluate): scoring, gold validation, CLI."""

from __future__ import annotations

import argparse
import json
import math
import sys
import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgov_ner.cli import eval as eval_cli
from kgov_ner.evaluation import cv, gold as gold_file, predict, report, scorer
from kgov_ner.resources.labels import LABELS

D, O, P, M, A = LABELS  # DISTRICT, OFFICIAL, PROGRAM, MONEY, AWARD


def cell(scores, kind, row):
    c = scores[kind][row]
    return c["tp"], c["fp"], c["fn"]


# ---------------------------------------------------------------------------
# scoring core on hand-made span sets
# ---------------------------------------------------------------------------


def test_strict_versus_partial_by_hand():
    gold = [[(0, 3, D), (5, 8, O), (10, 15, P)]]
    pred = [[(0, 3, D), (5, 9, O), (10, 15, M), (20, 22, A)]]
    s = scorer.score_spans(gold, pred)
    # strict: DISTRICT exact; OFFICIAL boundary off by one -> FP + FN; PROGRAM
    # predicted as MONEY -> FN for PROGRAM, FP for MONEY; AWARD spurious.
    assert cell(s, "strict", D) == (1, 0, 0)
    assert cell(s, "strict", O) == (0, 1, 1)
    assert cell(s, "strict", P) == (0, 0, 1)
    assert cell(s, "strict", M) == (0, 1, 0)
    assert cell(s, "strict", A) == (0, 1, 0)
    assert cell(s, "strict", "micro") == (1, 3, 2)
    micro = s["strict"]["micro"]
    assert micro["p"] == pytest.approx(1 / 4)
    assert micro["r"] == pytest.approx(1 / 3)
    assert micro["f"] == pytest.approx(2 / 7)
    assert micro["n"] == 3
    # partial: the OFFICIAL overlap now counts; label errors still do not.
    assert cell(s, "partial", O) == (1, 0, 0)
    assert cell(s, "partial", P) == (0, 0, 1)
    assert cell(s, "partial", "micro") == (2, 2, 1)
    assert s["partial"]["micro"]["f"] == pytest.approx(4 / 7)
    # macro: mean over the five labels (all have gold or predictions);
    # strict F1 per label = 1, 0, 0, 0, 0.
    assert s["strict"]["macro"]["f"] == pytest.approx(1 / 5)
    assert s["strict"]["macro"]["p"] == pytest.approx(1 / 5)
    # partial F1 per label = 1, 1, 0, 0, 0
    assert s["partial"]["macro"]["f"] == pytest.approx(2 / 5)


def test_macro_ignores_labels_absent_from_both_sides():
    gold = [[(0, 3, D), (4, 7, D), (8, 10, M)]]
    pred = [[(0, 3, D), (8, 10, M), (12, 14, M)]]
    s = scorer.score_spans(gold, pred)["strict"]
    # DISTRICT: P 1, R .5, F 2/3; MONEY: P .5, R 1, F 2/3; others absent
    assert s["macro"]["p"] == pytest.approx(0.75)
    assert s["macro"]["r"] == pytest.approx(0.75)
    assert s["macro"]["f"] == pytest.approx(2 / 3)
    assert s[O] == {"p": 0.0, "r": 0.0, "f": 0.0, "n": 0, "tp": 0, "fp": 0, "fn": 0}


def test_partial_matches_each_gold_once():
    # one gold, two overlapping predictions: one TP, one FP
    gold = [[(0, 10, P)]]
    pred = [[(0, 4, P), (5, 10, P)]]
    s = scorer.score_spans(gold, pred)
    assert cell(s, "partial", P) == (1, 1, 0)
    assert cell(s, "strict", P) == (0, 2, 1)
    # the larger overlap wins
    assert scorer.match_partial(gold[0], pred[0]) == [((0, 10, P), (5, 10, P))]
    # two golds, one prediction covering both: one TP, one FN
    s = scorer.score_spans([[(0, 4, P), (5, 10, P)]], [[(0, 10, P)]])
    assert cell(s, "partial", P) == (1, 0, 1)
    assert scorer.match_partial([(0, 4, P), (5, 10, P)], [(0, 10, P)]) == [((5, 10, P), (0, 10, P))]


def test_partial_matching_is_deterministic_on_ties():
    gold = [(6, 10, D), (0, 6, D)]
    pred = [(4, 8, D)]  # overlaps both golds by 2 characters
    assert scorer.match_partial(gold, pred) == [((0, 6, D), (4, 8, D))]
    assert scorer.match_partial(list(reversed(gold)), pred) == [((0, 6, D), (4, 8, D))]


def test_partial_prefers_the_globally_largest_overlap():
    # greedy by largest overlap: gold B (5..15) takes pred Y (6..15, overlap 9)
    # before gold A (0..8) could take it (overlap 2); A then gets X.
    gold = [(0, 8, P), (9, 15, P)]
    pred = [(0, 3, P), (6, 15, P)]
    pairs = scorer.match_partial(gold, pred)
    assert pairs == [((0, 8, P), (0, 3, P)), ((9, 15, P), (6, 15, P))]


def test_duplicate_predictions_count_as_false_positives():
    s = scorer.score_spans([[(0, 3, D)]], [[(0, 3, D), (0, 3, D)]])
    assert cell(s, "strict", D) == (1, 1, 0)
    assert cell(s, "partial", D) == (1, 1, 0)


def test_unknown_predicted_label_is_a_row_and_a_false_positive():
    s = scorer.score_spans([[(0, 3, D)]], [[(0, 3, "PERSON")]])
    assert cell(s, "strict", "PERSON") == (0, 1, 0)
    assert cell(s, "strict", "micro") == (0, 1, 1)


def test_no_entities_at_all_scores_zero_without_dividing_by_zero():
    s = scorer.score_spans([[]], [[]])
    for kind in ("strict", "partial"):
        for row in list(LABELS) + ["micro", "macro"]:
            assert s[kind][row]["f"] == 0.0


def test_score_spans_requires_aligned_documents():
    with pytest.raises(ValueError):
        scorer.score_spans([[]], [[], []])


def _doc(text, spans, body=None):
    record = {"id": "d", "text": text, "label": [list(s) for s in spans]}
    if body is not None:
        record["body"] = [list(b) for b in body]
    return gold_file.parse_gold_record(record)


def test_body_mode_ignores_boilerplate_and_page_mode_counts_it():
    text = "메뉴 송파구 날씨 | 송파구는 4500만 원을 받았다. | 많이 본 뉴스 강북구"
    body_start = text.index("송파구는")
    body_end = text.index(" |", body_start)
    gold_span = (body_start, body_start + 3, D)
    doc = _doc(text, [gold_span], body=[(body_start, body_end)])
    menu = (text.index("송파구"), text.index("송파구") + 3, D)
    footer = (text.rindex("강북구"), text.rindex("강북구") + 3, D)
    straddling = (body_end - 2, body_end + 2, M)  # overlaps the body: counts in body mode
    preds = [[gold_span, menu, footer, straddling]]
    scores = scorer.score_docs([doc], preds)
    assert cell(scores["body"], "strict", D) == (1, 0, 0)
    assert cell(scores["body"], "strict", M) == (0, 1, 0)
    assert cell(scores["page"], "strict", D) == (1, 2, 0)
    assert cell(scores["page"], "strict", "micro") == (1, 3, 0)
    assert scorer.filter_to_body(preds[0], doc.body) == [gold_span, straddling]


def test_missing_body_means_the_whole_text():
    doc = _doc("제천시가 선정됐다.", [(0, 3, D)])
    assert doc.body == ((0, len(doc.text)),)


def test_confusion_classifies_each_gold_entity():
    gold = [[(0, 3, D), (5, 8, O), (10, 15, P), (20, 25, A), (30, 33, M)]]
    pred = [[(0, 3, D), (5, 9, O), (10, 15, D), (40, 42, M)]]
    c = scorer.confusion(gold, pred)
    assert c["gold"][D]["exact"] == 1
    assert c["gold"][O]["boundary"] == 1
    assert c["gold"][P]["label"] == 1 and c["label_errors"][P] == {D: 1}
    assert c["gold"][A]["missed"] == 1
    assert c["gold"][M]["missed"] == 1
    assert c["spurious"][M] == 1 and sum(c["spurious"].values()) == 1


def test_error_list_has_context_with_newlines_shown():
    text = "첫 줄\n둘째 줄에 송파구가 있다\n셋째 줄"
    s = text.index("송파구")
    doc = _doc(text, [(s, s + 3, D)])
    errors = scorer.error_list([doc], [[(0, 1, A)]], "page")
    kinds = sorted((e["kind"], e["label"]) for e in errors)
    assert kinds == [("FN", D), ("FP", A)]
    fn = next(e for e in errors if e["kind"] == "FN")
    assert fn["surface"] == "송파구"
    assert fn["context"] == "첫 줄⏎둘째 줄에 [송파구]가 있다⏎셋째 줄"
    assert "\n" not in fn["context"]


# ---------------------------------------------------------------------------
# cross-check of strict scores against seqeval
# ---------------------------------------------------------------------------


@st.composite
def _documents(draw):
    """A text of non-space 'tokens' (one character each, some separated by a
    space), gold spans laid out on tokens and predictions derived from them:
    kept, dropped, relabelled, shortened, plus extra spans in the gaps.
    Spans on either side never overlap, so BIO can represent them exactly."""
    n_tok = draw(st.integers(min_value=1, max_value=30))
    chars = draw(st.lists(st.sampled_from("가나다라마바사ab1"), min_size=n_tok, max_size=n_tok))
    spaces = draw(st.lists(st.booleans(), min_size=n_tok, max_size=n_tok))
    gold, pos = [], 0
    while pos < n_tok:
        gap = draw(st.integers(min_value=0, max_value=3))
        length = draw(st.integers(min_value=1, max_value=4))
        start = pos + gap
        if start + length > n_tok:
            break
        gold.append((start, start + length, draw(st.sampled_from(LABELS))))
        pos = start + length
    pred = []
    for s, e, label in gold:
        action = draw(st.sampled_from(["keep", "keep", "drop", "relabel", "shorten"]))
        if action == "keep":
            pred.append((s, e, label))
        elif action == "relabel":
            pred.append((s, e, draw(st.sampled_from([l for l in LABELS if l != label]))))
        elif action == "shorten" and e - s > 1:
            pred.append((s, e - 1, label))
    taken = set()
    for s, e, _ in gold:
        taken.update(range(s, e))
    for i in range(n_tok):
        if i not in taken and draw(st.integers(min_value=0, max_value=4)) == 0:
            pred.append((i, i + 1, draw(st.sampled_from(LABELS))))
    return chars, spaces, gold, pred


def _to_text(chars, spaces):
    offsets, text = [], ""
    for ch, sp in zip(chars, spaces):
        offsets.append(len(text))
        text += ch + (" " if sp else "")
    return text, offsets


def _char_spans(tok_spans, offsets):
    return [(offsets[s], offsets[e - 1] + 1, label) for s, e, label in tok_spans]


def _bio(tok_spans, n_tok):
    tags = ["O"] * n_tok
    for s, e, label in tok_spans:
        tags[s] = f"B-{label}"
        for i in range(s + 1, e):
            tags[i] = f"I-{label}"
    return tags


def _char_bio(text, spans):
    """BIO over the non-whitespace characters of *text* (one token each)."""
    tags = {i: "O" for i, ch in enumerate(text) if not ch.isspace()}
    for s, e, label in spans:
        inside = [i for i in range(s, e) if i in tags]
        tags[inside[0]] = f"B-{label}"
        for i in inside[1:]:
            tags[i] = f"I-{label}"
    return [tags[i] for i in sorted(tags)]


@settings(max_examples=150, deadline=None)
@given(st.lists(_documents(), min_size=1, max_size=4))
def test_strict_scores_agree_with_seqeval(docs):
    seqeval_metrics = pytest.importorskip("seqeval.metrics")
    gold_docs, pred_docs, y_true, y_pred = [], [], [], []
    for chars, spaces, gold, pred in docs:
        text, offsets = _to_text(chars, spaces)
        g, p = _char_spans(gold, offsets), _char_spans(pred, offsets)
        gold_docs.append(g)
        pred_docs.append(p)
        # the char-level BIO of the char spans is the token BIO: the mapping is exact
        assert _char_bio(text, g) == _bio(gold, len(chars))
        assert _char_bio(text, p) == _bio(pred, len(chars))
        y_true.append(_char_bio(text, g))
        y_pred.append(_char_bio(text, p))
    if not any(gold_docs) and not any(pred_docs):
        return
    ours = scorer.score_spans(gold_docs, pred_docs)["strict"]
    report = seqeval_metrics.classification_report(
        y_true, y_pred, output_dict=True, zero_division=0
    )
    for label in LABELS:
        if label in report:
            assert ours[label]["p"] == pytest.approx(report[label]["precision"])
            assert ours[label]["r"] == pytest.approx(report[label]["recall"])
            assert ours[label]["f"] == pytest.approx(report[label]["f1-score"])
            assert ours[label]["n"] == report[label]["support"]
        else:
            assert ours[label]["tp"] + ours[label]["fp"] + ours[label]["fn"] == 0
    for ours_key, theirs_key in (("micro", "micro avg"), ("macro", "macro avg")):
        assert ours[ours_key]["p"] == pytest.approx(report[theirs_key]["precision"])
        assert ours[ours_key]["r"] == pytest.approx(report[theirs_key]["recall"])
        assert ours[ours_key]["f"] == pytest.approx(report[theirs_key]["f1-score"])
    assert ours["micro"]["f"] == pytest.approx(seqeval_metrics.f1_score(y_true, y_pred))


# ---------------------------------------------------------------------------
# gold validation
# ---------------------------------------------------------------------------

GOOD = {"id": "a", "text": "송파구는 4500만 원을 받았다.", "label": [[0, 3, "DISTRICT"], [5, 12, "MONEY"]]}
GOOD2 = {"id": "b", "text": "메뉴\n강북구가 선정됐다.", "body": [[3, 13]], "label": [[3, 6, "DISTRICT"]]}


def _bad(**changes):
    rec = dict(GOOD, id="bad")
    rec.update(changes)
    return json.dumps(rec, ensure_ascii=False)


BAD_LINES = {
    "not json": ('{"id": "x", "text": ', "not valid JSON"),
    "not an object": ("[1, 2, 3]", "expected a JSON object"),
    "missing id": (json.dumps({"text": "a", "label": []}), "missing key 'id'"),
    "missing text": (json.dumps({"id": "x", "label": []}), "missing key 'text'"),
    "missing label": (json.dumps({"id": "x", "text": "abc"}), "missing key 'label'"),
    "text not a string": (_bad(text=["송파구"]), "'text' must be a string"),
    "label not a list": (_bad(label="DISTRICT"), "'label' must be a list"),
    "entity not a triple": (_bad(label=[[0, 3]]), "not a [start, end, label] triple"),
    "float offset": (_bad(label=[[0.0, 3, "DISTRICT"]]), "offsets must be integers"),
    "string offset": (_bad(label=[["0", 3, "DISTRICT"]]), "offsets must be integers"),
    "negative offset": (_bad(label=[[-1, 3, "DISTRICT"]]), "outside the text"),
    "end past the text": (_bad(label=[[5, 99, "MONEY"]]), "outside the text"),
    "empty span": (_bad(label=[[3, 3, "DISTRICT"]]), "empty"),
    "reversed span": (_bad(label=[[3, 0, "DISTRICT"]]), "empty"),
    "whitespace span": (_bad(label=[[3, 5, "DISTRICT"]], text="송파구  는"), "only whitespace"),
    "unknown label": (_bad(label=[[0, 3, "LOC"]]), "unknown label"),
    "overlapping spans": (_bad(label=[[0, 3, "DISTRICT"], [2, 4, "PROGRAM"]]), "overlap"),
    "duplicate span": (_bad(label=[[0, 3, "DISTRICT"], [0, 3, "DISTRICT"]]), "overlap"),
    "body not a list": (_bad(body="all"), "'body' must be a list"),
    "body not a pair": (_bad(body=[[0, 5, 7]]), "not a [start, end] pair"),
    "body outside text": (_bad(body=[[0, 500]]), "outside the text"),
    "body overlapping": (_bad(body=[[0, 10], [5, 15]]), "overlap"),
    "entity outside body": (_bad(body=[[4, 15]]), "not inside the body"),
    "duplicate id": (json.dumps(dict(GOOD), ensure_ascii=False), "duplicate id 'a'"),
}


def _write_gold(tmp_path, bad_line):
    # line 1 good, line 2 blank, line 3 good, line 4 bad: numbers are physical lines
    lines = [json.dumps(GOOD, ensure_ascii=False), "", json.dumps(GOOD2, ensure_ascii=False), bad_line]
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", sorted(BAD_LINES))
def test_bad_gold_line_is_reported_with_file_and_line(tmp_path, kind):
    line, reason = BAD_LINES[kind]
    path = _write_gold(tmp_path, line)
    with pytest.raises(gold_file.GoldError) as info:
        gold_file.load_gold(path)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.line == 4
    assert str(path) in str(err) and "line 4" in str(err)
    assert reason in str(err)
    assert "\n" not in str(err)


@pytest.mark.parametrize("kind", ["not json", "overlapping spans", "entity outside body"])
def test_run_reports_bad_gold_in_one_line_and_exits_2(tmp_path, capsys, kind):
    path = _write_gold(tmp_path, BAD_LINES[kind][0])
    code = eval_cli.run(_args(path), predictor=_never_called)
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert f"{path}: line 4:" in err
    assert "Traceback" not in err


def test_missing_or_empty_gold_file_exits_2(tmp_path, capsys):
    assert eval_cli.run(_args(tmp_path / "nope.jsonl"), predictor=_never_called) == 2
    assert "no such file" in capsys.readouterr().err
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    assert eval_cli.run(_args(empty), predictor=_never_called) == 2
    assert "no documents" in capsys.readouterr().err


def test_invalid_utf8_is_a_gold_error(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b"\n" + "송파구".encode("cp949") + b"\n")
    with pytest.raises(gold_file.GoldError, match="line 2: not valid UTF-8"):
        gold_file.load_gold(path)


def test_valid_gold_loads_with_bom_and_extra_keys(tmp_path):
    path = tmp_path / "gold.jsonl"
    rec = dict(GOOD2, rule="case-x", meta={"src": "x"})
    text = json.dumps(GOOD, ensure_ascii=False) + "\n" + json.dumps(rec, ensure_ascii=False) + "\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    docs = gold_file.load_gold(path)
    assert [d.id for d in docs] == ["a", "b"]
    assert docs[0].spans == ((0, 3, D), (5, 12, M))
    assert docs[1].body == ((3, 13),)
    assert docs[1].record["rule"] == "case-x"


# ---------------------------------------------------------------------------
# run(): --json, --cv, text output
# ---------------------------------------------------------------------------


def _parser():
    parser = argparse.ArgumentParser(prog="kgov-ner eval")
    eval_cli.add_arguments(parser)
    return parser


def _args(path, *flags):
    return _parser().parse_args([str(path), *flags])


def _never_called(texts):  # pragma: no cover - must not run for bad gold
    raise AssertionError("the predictor must not run")


D1_TEXT = (
    "메뉴 강북구\n"
    "강북구(구청장 이도윤)는 ‘2013 희망일자리 만들기’에서 우수구로 선정돼 8000만원을 받는다.\n"
    "많이 본 뉴스 제천시"
)
D2_TEXT = "창녕군이 최우수상을 받았다. 한지우 기자"


def _gold_records():
    body_start = D1_TEXT.index("강북구(")
    body_end = D1_TEXT.index("\n많이")

    def spans(text, items, start=0):
        out = []
        for surface, label in items:
            i = text.index(surface, start)
            out.append([i, i + len(surface), label])
        return out

    d1 = {
        "id": "d1",
        "text": D1_TEXT,
        "body": [[body_start, body_end]],
        "label": spans(
            D1_TEXT,
            [("강북구", D), ("이도윤", O), ("2013 희망일자리 만들기", P), ("우수구", A), ("8000만원", M)],
            start=body_start,
        ),
    }
    d2 = {"id": "d2", "text": D2_TEXT, "label": spans(D2_TEXT, [("창녕군", D), ("최우수상", A)])}
    return [d1, d2]


def _gold_file(tmp_path):
    records = _gold_records()
    path = tmp_path / "gold.jsonl"
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path, records


def _fake_predictor(records):
    """Gold minus the last entity of each document, plus a boilerplate district."""
    by_text = {r["text"]: r for r in records}

    def predict(texts):
        out = []
        for t in texts:
            spans = [tuple(s) for s in by_text[t]["label"]][:-1]
            j = t.find("제천시")
            if j >= 0:
                spans.append((j, j + 3, D))
            out.append(spans)
        return out

    return predict


def _check_shape(table):
    assert set(table) == {"strict", "partial"}
    for kind in ("strict", "partial"):
        assert set(table[kind]) == set(LABELS) | {"micro", "macro"}
        for row in table[kind].values():
            assert {"p", "r", "f", "n"} <= set(row)
            for key in ("p", "r", "f"):
                assert isinstance(row[key], float) and 0.0 <= row[key] <= 1.0
            assert isinstance(row["n"], int)


def test_json_output_has_the_documented_shape(tmp_path, capsys):
    path, records = _gold_file(tmp_path)
    assert eval_cli.run(_args(path, "--json"), predictor=_fake_predictor(records)) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"body", "page"}
    for mode in ("body", "page"):
        _check_shape(data[mode])
    n_gold = sum(len(r["label"]) for r in records)
    assert data["body"]["strict"]["micro"]["n"] == n_gold
    # body: 2 FN (last entity of each doc), no FP; page: + the footer 제천시
    assert data["body"]["strict"]["micro"]["tp"] == n_gold - 2
    assert data["body"]["strict"]["micro"]["fp"] == 0
    assert data["page"]["strict"]["micro"]["fp"] == 1
    assert data["page"]["strict"]["micro"]["p"] < data["body"]["strict"]["micro"]["p"]


@pytest.mark.parametrize("mode", ["body", "page"])
def test_json_single_mode(tmp_path, capsys, mode):
    path, records = _gold_file(tmp_path)
    assert eval_cli.run(_args(path, "--json", "--mode", mode), predictor=_fake_predictor(records)) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {mode}
    _check_shape(data[mode])


def test_json_with_detail_flags_adds_keys(tmp_path, capsys):
    path, records = _gold_file(tmp_path)
    flags = ("--json", "--errors", "--by-doc", "--confusion")
    assert eval_cli.run(_args(path, *flags), predictor=_fake_predictor(records)) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"body", "page", "errors", "by_doc", "confusion"}
    assert [r["id"] for r in data["by_doc"]] == ["d1", "d2"]
    # page-mode errors: 2 FN and the boilerplate FP, flagged as outside the body
    assert sorted(e["kind"] for e in data["errors"]) == ["FN", "FN", "FP"]
    fp = next(e for e in data["errors"] if e["kind"] == "FP")
    assert fp["surface"] == "제천시" and fp["in_body"] is False


def test_text_output_tables_errors_by_doc_confusion(tmp_path, capsys):
    path, records = _gold_file(tmp_path)
    flags = ("--errors", "--by-doc", "--confusion")
    assert eval_cli.run(_args(path, *flags), predictor=_fake_predictor(records)) == 0
    out = capsys.readouterr().out
    assert "== body" in out and "== page" in out
    for row in list(LABELS) + ["micro", "macro"]:
        assert any(line.startswith(row) for line in out.splitlines())
    assert "by document" in out and "d1" in out and "d2" in out
    assert "confusion" in out and "spurious" in out
    assert "-- AWARD: 1 FN, 0 FP" in out
    assert "(outside body)" in out
    assert "⏎" in out  # the footer FP's context crosses a newline


def _cv_outputs(tmp_path, capsys, monkeypatch, *flags):
    path, records = _gold_file(tmp_path)
    fake = _fake_predictor(records)
    assert eval_cli.run(_args(path, *flags), predictor=fake) == 0
    plain = capsys.readouterr()
    assert eval_cli.run(_args(path, "--cv", *flags), predictor=fake) == 0
    cv = capsys.readouterr()
    return plain, cv


def test_cv_without_a_learner_says_so_and_equals_the_plain_run(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "kgov_ner.training.train", None)  # import fails: no learner
    plain, cv = _cv_outputs(tmp_path, capsys, monkeypatch, "--json")
    plain_data, cv_data = json.loads(plain.out), json.loads(cv.out)
    assert cv_data.pop("cv") is True
    assert cv_data.pop("learned") is False
    assert cv_data == plain_data
    assert "cv" not in plain_data and "learned" not in plain_data
    assert report.CV_FALLBACK_NOTE in cv.err

    plain, cv = _cv_outputs(tmp_path, capsys, monkeypatch)
    assert report.CV_FALLBACK_NOTE in cv.out
    assert report.CV_FALLBACK_NOTE not in plain.out
    assert cv.out.replace(report.CV_FALLBACK_NOTE + "\n\n", "") == plain.out


def test_cv_without_fit_predictor_attribute_falls_back(monkeypatch):
    monkeypatch.setitem(sys.modules, "kgov_ner.training.train", types.ModuleType("kgov_ner.training.train"))
    sentinel = lambda texts: [[] for _ in texts]  # noqa: E731
    predictor, learned = cv.make_predictor([], fallback=sentinel)
    assert predictor is sentinel and learned is False


def test_cv_with_a_learner_trains_on_the_other_documents(tmp_path, capsys, monkeypatch):
    path, records = _gold_file(tmp_path)
    calls = []

    def fit_predictor(train_records):
        calls.append([r["id"] for r in train_records])
        known = [tuple(s) for r in train_records for s in r["label"]]
        # "learns" nothing useful: predicts a district at 0..3 of every text
        return lambda texts: [[(0, 3, D)] if known else [] for _ in texts]

    fake_train = types.ModuleType("kgov_ner.training.train")
    fake_train.fit_predictor = fit_predictor
    monkeypatch.setitem(sys.modules, "kgov_ner.training.train", fake_train)
    assert eval_cli.run(_args(path, "--cv", "--json"), predictor=_never_called) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["cv"] is True and data["learned"] is True
    assert calls == [["d2"], ["d1"]]  # leave-one-document-out, in order
    assert report.CV_FALLBACK_NOTE not in captured.err
    # d2 starts with 창녕군 (a gold DISTRICT): one TP; d1's 0..3 is boilerplate
    assert data["body"]["strict"][D]["tp"] == 1
    assert data["page"]["strict"][D]["fp"] == 1


def test_learner_returning_a_pipeline_object_is_wrapped(monkeypatch):
    class Ent:
        def __init__(self, s, e, l):
            self.start_char, self.end_char, self.label_ = s, e, l

    class Doc:
        def __init__(self, text):
            self.ents = [Ent(0, 3, D)] if text else []

    class FakeTagger:
        def pipe(self, texts):
            return (Doc(t) for t in texts)

    fake_train = types.ModuleType("kgov_ner.training.train")
    fake_train.fit_predictor = lambda records: FakeTagger()
    monkeypatch.setitem(sys.modules, "kgov_ner.training.train", fake_train)
    predictor, learned = cv.make_predictor([])
    assert learned is True
    assert predictor(["창녕군", ""]) == [[(0, 3, D)], []]


def test_a_failing_predictor_is_one_line_and_exit_1(tmp_path, capsys):
    path, _ = _gold_file(tmp_path)

    def broken(texts):
        raise RuntimeError("model file missing")

    assert eval_cli.run(_args(path), predictor=broken) == 1
    err = capsys.readouterr().err
    assert "model file missing" in err and len(err.strip().splitlines()) == 1


def test_predictor_returning_wrong_number_of_results_fails(tmp_path, capsys):
    path, _ = _gold_file(tmp_path)
    assert eval_cli.run(_args(path), predictor=lambda texts: [[]]) == 1
    assert "2 texts" in capsys.readouterr().err


def test_default_predictor_tags_all_documents_with_one_tagger(monkeypatch):
    made, piped = [], []

    class Ent:
        def __init__(self, s, e, l):
            self.start_char, self.end_char, self.label_ = s, e, l

    class FakeTagger:
        def __init__(self):
            made.append(1)

        def pipe(self, texts):
            texts = list(texts)
            piped.append(len(texts))
            return (types.SimpleNamespace(ents=[Ent(0, 1, A)]) for _ in texts)

    fake_pipeline = types.ModuleType("kgov_ner.pipeline.tagger")
    fake_pipeline.Tagger = FakeTagger
    monkeypatch.setitem(sys.modules, "kgov_ner.pipeline.tagger", fake_pipeline)
    predict._tagger.cache_clear()
    try:
        assert predict.default_predictor(["a", "b", "c"]) == [[(0, 1, A)]] * 3
        assert predict.default_predictor(["d"]) == [[(0, 1, A)]]
        assert made == [1] and piped == [3, 1]
    finally:
        predict._tagger.cache_clear()


def test_module_docstring_defines_the_metrics():
    doc = scorer.__doc__
    for word in ("strict", "partial", "micro", "macro", "body", "page", "greed"):
        assert word in doc
    assert math.isclose(scorer.prf(1, 1, 0)["p"], 0.5)
