"""The tagger's outputs equal the committed snapshot (benchmarks/snapshot.py).

A restructuring must not change a single entity, norm or record. A change
that means to change outputs regenerates the snapshot with
``python benchmarks/snapshot.py --update`` in the same commit.
"""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _snapshot_module():
    spec = importlib.util.spec_from_file_location("snapshot", ROOT / "benchmarks" / "snapshot.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_outputs_equal_the_snapshot():
    snap = _snapshot_module()
    expected = snap.SNAPSHOT.read_text(encoding="utf-8").splitlines()
    actual = snap.snapshot_lines()
    assert len(actual) == len(expected)
    for old, new in zip(expected, actual):
        assert new == old
