import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def tagger():
    from kgov_ner import Tagger

    return Tagger()


@pytest.fixture(scope="session")
def seed_gold():
    with open(SEEDS / "gold.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
