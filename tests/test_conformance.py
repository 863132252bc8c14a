"""Guideline conformance suite: tests/data/conformance.jsonl.

Short Korean sentences written for this project (not taken from articles or
the seeds), annotated by ANNOTATION.md, each tagged with the guideline row or
worked case (``rule``) it exercises.  The file must validate as gold, cover
every rule at least three times, and the rule tagger must stay above a floor.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from kgov_ner.evaluation.gold import load_gold
from kgov_ner.evaluation.scorer import error_list, score_docs
from kgov_ner.resources.labels import LABELS

#: Strict micro F1 (body mode = whole sentence) the RULE layer must keep on the
#: suite. The shipped model is trained on the suite, so scoring it here would
#: measure memory, not conformance; the rules never saw it. Set just below the
#: level reached (0.974); raise it as the rules improve.
CONFORMANCE_FLOOR = 0.96
#: Per-label strict F1 floors (same rule; reached: 1.0 except PROGRAM 0.773).
LABEL_FLOORS = {
    "DISTRICT": 0.98,
    "OFFICIAL": 0.97,
    "PROGRAM": 0.74,
    "MONEY": 0.98,
    "AWARD": 0.98,
}

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "tests" / "data" / "conformance.jsonl"

#: Every row of the label table and every worked case of ANNOTATION.md.
RULES = {
    # DISTRICT row
    "district-suffix", "district-upper", "district-particle", "district-region-word",
    "district-fused", "district-dong", "district-bare", "district-pronoun",
    # OFFICIAL row
    "official-head", "official-civil-servant", "official-minister", "official-paren",
    "official-journalist", "official-private",
    # PROGRAM row
    "program-quoted", "program-unclosed-quote", "program-list", "program-unquoted",
    "program-short-mention", "program-generic", "program-criteria", "program-facility",
    "program-agreement",
    # MONEY row
    "money-forms", "money-prefix", "money-scale", "money-count",
    # AWARD row
    "award-tier-gu", "award-agency", "award-prize", "award-grand-prize", "award-grade",
    "award-bare-tier", "award-ministerial", "award-streak-category", "award-adjective",
    "award-target", "award-program-name",
    # "Entities never overlap"
    "overlap-inner-district", "overlap-quoted-program",
    # worked cases, in the order of the guideline
    "case-gwangjin-paren", "case-quoted-then-district", "case-unclosed", "case-streak-tier",
    "case-region-paren", "case-quoted-prize", "case-money-incentive", "case-tier-lists",
    "case-official-title", "case-fused-title", "case-byline", "case-own-word", "case-19day",
    "case-fund", "case-eval-areas",
}

QUOTES = "‘’'“”\"「」『』"


@pytest.fixture(scope="module")
def suite():
    return load_gold(SUITE)


def test_suite_validates_and_is_large_enough(suite):
    assert len(suite) >= 120
    ids = [d.id for d in suite]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"conf-\d{3}", i) for i in ids)
    texts = [d.text for d in suite]
    assert len(set(texts)) == len(texts), "duplicate sentences"
    assert all(len(t) <= 120 for t in texts), "sentences should stay short"


def test_every_rule_has_at_least_three_sentences(suite):
    counts = Counter(d.record.get("rule") for d in suite)
    assert None not in counts, "every sentence names its rule"
    assert set(counts) == RULES, (set(counts) ^ RULES)
    thin = {rule: n for rule, n in counts.items() if n < 3}
    assert not thin, thin


def test_every_label_and_negatives_are_covered(suite):
    labels = Counter(s[2] for d in suite for s in d.spans)
    assert all(labels[l] >= 15 for l in LABELS), labels
    negatives = [d for d in suite if not d.spans]
    assert len(negatives) >= 25


def test_span_boundaries_follow_the_guideline(suite):
    """Self-checks on the annotations themselves (not on the tagger)."""
    for d in suite:
        for s, e, label in d.spans:
            surface = d.text[s:e]
            where = f"{d.id} {surface!r} {label}"
            assert surface == surface.strip(), where
            assert surface[0] not in QUOTES and surface[-1] not in QUOTES, where
            if label == "DISTRICT":
                assert re.fullmatch(r"[가-힣]+(구|시|군|도)", surface), where
            elif label == "OFFICIAL":
                assert re.fullmatch(r"[가-힣]{2,4}", surface), where
                assert not d.text[e:].lstrip().startswith("기자"), where
            elif label == "MONEY":
                assert not re.match(r"(약|총|최대)\s", surface), where
                assert "규모" not in surface and re.search(r"원|억|만", surface), where
            elif label == "AWARD":
                assert "연속" not in surface and "부문" not in surface, where
                assert surface not in ("우수사례", "우수인재") and not surface.startswith("우수한"), where
            elif label == "PROGRAM":
                assert "일자리대상" in surface or not surface.endswith("대상"), where


def test_suite_is_not_copied_from_the_seeds(suite):
    seeds = ROOT / "seeds" / "gold.jsonl"
    if not seeds.exists():
        pytest.skip("no seeds")
    seed_texts = [d.text for d in load_gold(seeds)]
    for d in suite:
        for sentence in re.split(r"(?<=[.다])\s+", d.text):
            if len(sentence) >= 20:
                assert not any(sentence in t for t in seed_texts), (d.id, sentence)


#: Length of a character run a conformance sentence may not share with a seed page.
SEED_RUN = 12


def test_suite_shares_no_12_character_run_with_the_seeds(suite):
    """Issue 13: no sentence may copy even a phrase of a seed page.

    Every ``SEED_RUN``-character substring of every sentence is looked up in the
    seed texts; a shared run means the sentence was (partly) copied from a seed
    and measures memory of the seeds rather than the guideline.
    """
    seeds = ROOT / "seeds" / "gold.jsonl"
    if not seeds.exists():
        pytest.skip("no seeds")
    runs = set()
    for seed in load_gold(seeds):
        t = seed.text
        runs.update(t[i:i + SEED_RUN] for i in range(len(t) - SEED_RUN + 1))
    copied = {}
    for d in suite:
        shared = sorted({d.text[i:i + SEED_RUN] for i in range(len(d.text) - SEED_RUN + 1)} & runs)
        if shared:
            copied[d.id] = shared
    assert not copied, f"{len(copied)} sentences share a {SEED_RUN}-character run with a seed: {copied}"


def _per_rule_errors(docs, preds):
    errors = defaultdict(list)
    for doc, pred in zip(docs, preds):
        for err in error_list([doc], [pred], "body"):
            errors[doc.record["rule"]].append(f"{err['kind']} {err['label']} {err['context']}")
    return errors


@pytest.fixture(scope="module")
def tagger_scores(suite):
    from kgov_ner.pipeline.tagger import Tagger

    rules = Tagger(model=None)
    preds = [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in rules.pipe([d.text for d in suite])]
    scores = score_docs(suite, preds, ["body"])["body"]["strict"]
    return scores, _per_rule_errors(suite, preds)


def _report(errors):
    lines = []
    for rule in sorted(errors):
        lines.append(f"{rule}:")
        lines.extend(f"    {e}" for e in errors[rule])
    return "\n".join(lines)


def test_tagger_micro_f1_on_the_suite_is_above_the_floor(tagger_scores):
    scores, errors = tagger_scores
    f1 = scores["micro"]["f"]
    assert f1 >= CONFORMANCE_FLOOR, f"strict micro F1 {f1:.3f} < {CONFORMANCE_FLOOR}\n" + _report(errors)


@pytest.mark.parametrize("label", LABELS)
def test_tagger_label_f1_on_the_suite_is_above_the_floor(tagger_scores, label):
    scores, errors = tagger_scores
    f1 = scores[label]["f"]
    assert f1 >= LABEL_FLOORS[label], (
        f"{label} strict F1 {f1:.3f} < {LABEL_FLOORS[label]}\n" + _report(errors)
    )
