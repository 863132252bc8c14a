"""HTML input and the article-body filter, through the CLI as users run it."""

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "tests" / "data" / "html"
SEED = ROOT / "seeds" / "002_90e65aef2eb17017.txt"


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "kgov_ner", *map(str, args)],
                          capture_output=True, text=True, encoding="utf-8", cwd=ROOT)


@pytest.fixture(scope="module")
def html_and_text(tmp_path_factory):
    pytest.importorskip("trafilatura")
    emit = tmp_path_factory.mktemp("emit")
    proc = run_cli("tag", HTML / "gimhae_award.html", HTML / "gimhae_award.txt", "--emit-text", emit)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    return rows, emit, proc.stderr


def test_html_page_tags_the_same_entities_as_its_text_version(html_and_text):
    rows, _, _ = html_and_text
    by_file = {}
    for r in rows:
        by_file.setdefault(Path(r["file"]).suffix, Counter())[(r["label"], r["text"])] += 1
    assert by_file[".html"] == by_file[".txt"]
    assert by_file[".html"][("MONEY", "6500만 원")] == 1


def test_html_offsets_index_the_emitted_text(html_and_text):
    rows, emit, stderr = html_and_text
    text = (emit / "gimhae_award.html.txt").read_text(encoding="utf-8")
    html_rows = [r for r in rows if r["file"].endswith(".html")]
    assert html_rows and all(text[r["start"]:r["end"]] == r["text"] for r in html_rows)
    assert "많이 본 뉴스" not in text or not any(r["text"] == "창원시" for r in html_rows)
    assert "extracted main text" in stderr


def test_boilerplate_entities_are_dropped_by_default_and_marked_with_all():
    default = [json.loads(x) for x in run_cli("tag", SEED).stdout.splitlines()]
    everything = [json.loads(x) for x in run_cli("tag", SEED, "--all").stdout.splitlines()]
    outside = [r for r in everything if r["in_body"] is False]
    # The seed's related-news list names other cities and politicians.
    assert outside, "the seed page has boilerplate entities"
    assert all(r["in_body"] is True for r in default)
    assert {(r["start"], r["end"]) for r in default} == {(r["start"], r["end"]) for r in everything if r["in_body"]}


def test_a_single_sentence_is_all_body(tagger):
    doc = tagger("강북구 우수구 선정")
    assert [(e.text, e.label_) for e in doc.ents] == [("강북구", "DISTRICT"), ("우수구", "AWARD")]
    assert doc._.body == [(0, len(doc.text))]


@pytest.mark.parametrize(
    "error, message",
    [
        # not installed at all
        (ModuleNotFoundError("No module named 'trafilatura'", name="trafilatura"), r"needs trafilatura"),
        # installed, but one of its own imports is missing
        (ModuleNotFoundError("No module named 'justext'", name="justext"), r"installed but needs justext"),
        # installed, but broken: lxml >= 5.2 without lxml_html_clean raises a bare ImportError
        (
            ImportError("lxml.html.clean module is now a separate project lxml_html_clean.\nInstall it."),
            r"failed to import \(lxml\.html\.clean module is now a separate project lxml_html_clean\.\)",
        ),
    ],
)
def test_missing_trafilatura_gives_one_line(monkeypatch, error, message):
    import builtins

    from kgov_ner.text import reading as io

    real_import = builtins.__import__

    def no_trafilatura(name, *args, **kwargs):
        if name == "trafilatura":
            raise error
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_trafilatura)
    with pytest.raises(io.InputError, match=message) as caught:
        io.html_to_text("<p>x</p>", "page.html")
    assert "\n" not in str(caught.value)
    assert "pip install 'kgov_ner[html]'" in str(caught.value)
