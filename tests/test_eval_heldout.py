"""eval says when a score is in-sample, and --merge gives the ablation on a held-out split."""

import argparse
import json
from pathlib import Path

from kgov_ner.cli import eval as eval_cli

ROOT = Path(__file__).resolve().parents[1]


def _args(gold, **kw):
    return argparse.Namespace(gold=str(gold), mode="body", json=True, **kw)


def test_the_seeds_are_reported_as_in_sample(capsys):
    assert eval_cli.run(_args(ROOT / "seeds" / "gold.jsonl")) == 0
    captured = capsys.readouterr()
    assert "in-sample" in captured.err and "5 of these 5" in captured.err
    json.loads(captured.out)  # stdout stays pure JSON


def test_a_text_the_model_never_saw_gets_no_note(tmp_path, capsys):
    gold = tmp_path / "g.jsonl"
    text = "완주군은 올해 최우수상을 받았다."
    gold.write_text(json.dumps({"id": "x", "text": text, "label": [[0, 3, "DISTRICT"], [10, 14, "AWARD"]]},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    assert eval_cli.run(_args(gold)) == 0
    assert "in-sample" not in capsys.readouterr().err


def test_merge_rules_scores_the_rule_layer_alone(tmp_path, capsys):
    # 대상 after "상주시가" is a tier only the learned layer reads: the rules-only run
    # must find fewer awards than the combined one, or --merge did nothing
    gold = tmp_path / "g.jsonl"
    text = "상주시가 대상, 문경시는 최우수상을 받았다."
    spans = [[0, 3, "DISTRICT"], [5, 7, "AWARD"], [9, 12, "DISTRICT"], [14, 18, "AWARD"]]
    gold.write_text(json.dumps({"id": "x", "text": text, "label": spans}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    scores = {}
    for policy in ("rules", "combined"):
        assert eval_cli.run(_args(gold, merge=policy)) == 0
        scores[policy] = json.loads(capsys.readouterr().out)["body"]["strict"]["AWARD"]["tp"]
    assert scores["rules"] < scores["combined"]


def test_training_reads_gold_with_a_byte_order_mark_as_eval_does(tmp_path):
    from kgov_ner.training.train import read_jsonl

    gold = tmp_path / "bom.jsonl"
    gold.write_bytes("\ufeff".encode() + json.dumps({"id": "a", "text": "마포구", "label": [[0, 3, "DISTRICT"]]},
                                                    ensure_ascii=False).encode() + b"\n")
    assert read_jsonl(gold)[0]["text"] == "마포구"
