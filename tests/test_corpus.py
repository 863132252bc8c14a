"""The development corpus (corpus/dev): built files current, splits apart, and no
rule data fitted to the test split."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "corpus" / "dev"
DATA = ROOT / "src" / "kgov_ner" / "resources" / "data"
# Complete public lists and closed word classes, not fitted to any text: every
# local government, the region words, the Korean surnames, the particles and
# copula endings, and the function words that are never names. Every other
# data file (titles, tiers, heads, counters …) is fitted, and must not hold a
# string that only a test-split article contains.
COMPLETE_LISTS = {"districts.tsv", "regions.tsv", "surnames.txt", "particles.txt", "name_stopwords.txt"}


def _build():
    spec = importlib.util.spec_from_file_location("corpus_build", ROOT / "corpus" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _texts(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_built_files_are_current():
    build = _build()
    for rel, content in build.build().items():
        assert (DEV / rel).read_text(encoding="utf-8") == content, f"run python corpus/build.py ({rel} is stale)"


def test_markup_errors_are_reported_with_the_place():
    build = _build()
    bad = "%% id: x\n%% region: 서울\n%% year: 2020\n%% layout: none\n@@BODY\n[[송파구|X]]는\n@@END\n"
    with pytest.raises(build.MarkupError, match="unknown label"):
        build.parse(bad, "x.txt")
    outside = "%% id: x\n%% region: 서울\n%% year: 2020\n%% layout: none\n[[송파구|D]]\n@@BODY\n본문\n@@END\n"
    with pytest.raises(build.MarkupError, match="outside the body"):
        build.parse(outside, "x.txt")


def test_offsets_index_the_built_text():
    build = _build()
    src = ("%% id: x\n%% region: 서울\n%% year: 2020\n%% layout: menu\n홈 > 뉴스\n@@BODY\n"
           "[[마포구|D]], [[최우수구|A]] 선정\n[[홍길동|O]] 구청장은 [[5천만원|M]]을 받았다.\n@@END\n관련기사\n")
    doc = build.parse(src, "x.txt")
    got = [(doc["text"][s:e], label) for s, e, label in doc["label"]]
    assert got == [("마포구", "DISTRICT"), ("최우수구", "AWARD"), ("홍길동", "OFFICIAL"), ("5천만원", "MONEY")]
    (bs, be), = doc["body"]
    assert doc["text"][bs:be].startswith("마포구,") and doc["text"][bs:be].endswith("받았다.")


def test_splits_share_no_article():
    train, test = _texts(DEV / "train.jsonl"), _texts(DEV / "test.jsonl")
    assert train, "the training split is empty"
    assert not set(train) & set(test)


def _entries(path: Path) -> set[str]:
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        first = line.split("\t")[0].strip()
        if path.suffix == ".tsv" and first in ("word", "name"):
            continue  # a header row
        out.update(w for w in first.split() if len(w) >= 2)
    return out


def test_no_rule_data_string_occurs_only_in_the_test_split():
    test = _texts(DEV / "test.jsonl")
    if not test:
        pytest.skip("no test split yet")
    # the validation split is where rules are tuned: a string learned there is no fit to the test
    elsewhere = _texts(DEV / "train.jsonl") + _texts(DEV / "valid.jsonl") + _texts(ROOT / "seeds" / "gold.jsonl") + _texts(
        ROOT / "tests" / "data" / "conformance.jsonl")
    elsewhere_text = "\n".join(elsewhere)
    test_text = "\n".join(test)
    fitted = []
    for path in sorted(DATA.iterdir()):
        if path.name in COMPLETE_LISTS or path.suffix not in (".txt", ".tsv"):
            continue
        for entry in _entries(path):
            if entry in test_text and entry not in elsewhere_text:
                fitted.append(f"{path.name}: {entry}")
    assert fitted == []
