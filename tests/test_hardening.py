"""Hardening: every bad input gets a clear answer, nothing is lost.

A matrix of awkward inputs goes through the command line (``python -m
kgov_ner tag`` in a subprocess, all cases in one run, so the run also shows
that the other files are still processed) and through the library
(``read_text`` + ``Tagger``).  Each case has one documented behaviour: it is
tagged (offsets index the decoded text exactly), or it is one line on stderr,
``kgov-ner: PATH: reason``, with exit status 2.

Then: what only the library can do wrong (types, threads, import side
effects), huge inputs (chunking, bounded memory), and the output file (never
half-written: write errors, SIGINT).

(tests/test_io.py covers decoding byte by byte and test_cli.py the formats;
cases here are end to end.)
"""

from __future__ import annotations

import errno
import glob
import json
import os
import signal
import stat
import subprocess
import sys
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from kgov_ner.engines import chunked
from kgov_ner.cli import main as cli_module
from kgov_ner.cli import output as cli_output
from kgov_ner.cli import tag as cli_tag
from kgov_ner.text import files as files_module
from kgov_ner.text import reading as kio
from kgov_ner.engines.chunked import LONG_INPUT_CHARS, TAG_CHUNK_CHARS, tag_long
from kgov_ner.text.chunking import iter_chunks
from kgov_ner.text.reading import InputError, expand_inputs, read_text
from kgov_ner.resources.labels import LABELS
from kgov_ner.pipeline.tagger import entity_dict

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
SEEDS = ROOT / "seeds"
SEED = SEEDS / "001_75e683d137195943.txt"

# One sentence with one entity of each label.
S = "광진구(구청장 김선갑)가 ‘2019년 서울 희망일자리 만들기’ 평가에서 우수구로 선정돼 4500만 원을 받았다."
S_ENTS = {
    ("DISTRICT", "광진구"),
    ("OFFICIAL", "김선갑"),
    ("PROGRAM", "2019년 서울 희망일자리 만들기"),
    ("AWARD", "우수구"),
    ("MONEY", "4500만 원"),
}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06"


# ---------------------------------------------------------------------------
# the matrix


@dataclass(frozen=True)
class Case:
    """An input file and what must happen to it.

    ``text`` is the decoded text (``None``: the input is refused and
    ``reason`` must be in its one-line error); ``copies`` is how often the
    entities of ``S`` occur in it; ``note`` an informational stderr line.
    """

    data: bytes
    text: str | None
    copies: int = 0
    reason: str = ""
    note: str = ""
    suffix: str = ".txt"


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


_MIXED = S + "\r\n" + S + "\n\n" + S + "\r\n"
_CONTROLS = "\x1b[1m" + S + "\x1b[0m\x0c\n" + S + "\x01\n"  # a few stray controls are still text
_WHITESPACE = " \t\n\r\n\u00a0\u3000\u200b\n"
_NO_KOREAN = "Press release, 2019-11-22. Contact: press@example.com, +82 2 1234 5678.\n"

CASES: dict[str, Case] = {
    # tagged
    "empty": Case(b"", ""),
    "whitespace-only": Case(_WHITESPACE.encode(), _WHITESPACE),
    "no-korean": Case(_NO_KOREAN.encode(), _NO_KOREAN),
    "utf-8": Case((S + "\n").encode(), S + "\n", 1),
    "utf-8-bom": Case(b"\xef\xbb\xbf" + (S + "\n").encode(), S + "\n", 1, note="decoded as utf-8-sig"),
    "cp949": Case((S + "\n").encode("cp949"), S + "\n", 1, note="decoded as cp949"),
    "euc-kr": Case((S + "\n").encode("euc-kr"), S + "\n", 1, note="decoded as cp949"),
    "utf-16-le-bom": Case(b"\xff\xfe" + (S + "\n").encode("utf-16-le"), S + "\n", 1,
                          note="decoded as utf-16-le"),
    "utf-16-be-bom": Case(b"\xfe\xff" + (S + "\n").encode("utf-16-be"), S + "\n", 1,
                          note="decoded as utf-16-be"),
    "nfd-hangul": Case(_nfd(S + "\n").encode(), _nfd(S + "\n"), 1),
    "mixed-crlf-lf": Case(_MIXED.encode(), _MIXED, 3),
    "stray-controls": Case(_CONTROLS.encode(), _CONTROLS, 2),
    # refused
    "png": Case(PNG, None, reason="binary file (PNG image)"),
    "binary-nul": Case(bytes(range(256)) * 4, None, reason="NUL"),
    "nul-in-text": Case(S.encode() + b"\x00" + S.encode(), None, reason="NUL"),
    "many-controls": Case(("\x01\x02\x03\x04\x05" + S[:30]).encode(), None, reason="control characters"),
    "truncated-utf-8": Case(S.encode()[:-2], None, reason="cut off inside a character"),
    "invalid-bytes": Case("송파구".encode() + b" \x80\x80 ", None, reason="nor CP949"),
}
TAGGED = [name for name, case in CASES.items() if case.text is not None]
REFUSED = [name for name, case in CASES.items() if case.text is None]
assert CASES["truncated-utf-8"].data[-2:] != "다".encode()[-2:]  # really cut inside 다


def run_cli(*args, stdin: bytes = b"", **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "kgov_ner", *map(str, args)], input=stdin,
                          capture_output=True, env=env, cwd=ROOT, timeout=900, **kwargs)


def err_lines(proc) -> list[str]:
    return proc.stderr.decode("utf-8", "replace").splitlines()


def records_by_file(stdout: bytes) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for line in stdout.decode("utf-8").splitlines():
        record = json.loads(line)
        out.setdefault(record["file"], []).append(record)
    return out


def assert_no_traceback(proc) -> None:
    assert b"Traceback" not in proc.stderr, proc.stderr.decode("utf-8", "replace")


def check_entities(text: str, entities: list[dict], copies: int) -> None:
    """Offsets index *text*; no overlaps; ``S``'s entities occur *copies* times."""
    spans = sorted((e["start"], e["end"]) for e in entities)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), spans
    for e in entities:
        assert 0 <= e["start"] < e["end"] <= len(text)
        assert text[e["start"]:e["end"]] == e["text"], e
        assert e["label"] in LABELS
    found = [(e["label"], unicodedata.normalize("NFC", e["text"])) for e in entities]
    for entity in S_ENTS:
        assert found.count(entity) == copies, (entity, found)
    if copies == 0:
        assert found == []


@pytest.fixture(scope="module")
def matrix_dir(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("matrix")
    for name, case in CASES.items():
        (tmp / f"{name}{case.suffix}").write_bytes(case.data)
    (tmp / "empty-dir").mkdir()
    return tmp


def case_path(matrix_dir: Path, name: str) -> str:
    return str(matrix_dir / f"{name}{CASES[name].suffix}")


@pytest.fixture(scope="module")
def matrix_run(matrix_dir):
    """All cases in one CLI run, refused ones between tagged ones, plus an
    empty directory and a missing path."""
    names = [n for pair in zip(TAGGED, REFUSED + [None] * len(TAGGED)) for n in pair if n]
    paths = [case_path(matrix_dir, n) for n in names]
    extra = [str(matrix_dir / "empty-dir"), str(matrix_dir / "missing.txt")]
    proc = run_cli("tag", *paths[:3], *extra, *paths[3:])
    return proc


def _lines_for(proc, path: str) -> list[str]:
    return [line for line in err_lines(proc) if line.startswith(f"kgov-ner: {path}: ")]


def test_matrix_run_exit_status(matrix_run):
    assert matrix_run.returncode == 2
    assert_no_traceback(matrix_run)
    # one line per refused input (+2 for the directory and the missing path)
    # and one note per non-UTF-8 input, nothing else
    notes = sum(1 for c in CASES.values() if c.note)
    assert len(err_lines(matrix_run)) == len(REFUSED) + 2 + notes, err_lines(matrix_run)


def test_matrix_run_directory_and_missing(matrix_run, matrix_dir):
    (line,) = _lines_for(matrix_run, str(matrix_dir / "empty-dir"))
    assert "no .txt or .html files" in line
    (line,) = _lines_for(matrix_run, str(matrix_dir / "missing.txt"))
    assert "no such file" in line


@pytest.mark.parametrize("name", TAGGED)
def test_cli_tagged(matrix_run, matrix_dir, name):
    case = CASES[name]
    path = case_path(matrix_dir, name)
    lines = _lines_for(matrix_run, path)
    if case.note:
        assert len(lines) == 1 and lines[0].startswith(f"kgov-ner: {path}: {case.note}")
    else:
        assert lines == []
    records = records_by_file(matrix_run.stdout).get(path, [])
    check_entities(case.text, records, case.copies)


@pytest.mark.parametrize("name", REFUSED)
def test_cli_refused(matrix_run, matrix_dir, name):
    path = case_path(matrix_dir, name)
    (line,) = _lines_for(matrix_run, path)
    assert CASES[name].reason in line
    assert path not in records_by_file(matrix_run.stdout)


@pytest.mark.parametrize("name", REFUSED)
def test_cli_refused_alone(matrix_dir, name):
    """Alone, a refused input is exit 2, one line, nothing on stdout."""
    proc = run_cli("tag", case_path(matrix_dir, name))
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert len(err_lines(proc)) == 1 and CASES[name].reason in err_lines(proc)[0]
    assert proc.stdout == b""


def test_cli_tagged_only_exit_0(matrix_dir):
    proc = run_cli("tag", "--format", "table", *(case_path(matrix_dir, n) for n in TAGGED))
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    rows = proc.stdout.decode("utf-8").splitlines()[1:]
    assert len(rows) == 5 * sum(CASES[n].copies for n in TAGGED)


@pytest.mark.parametrize("name", TAGGED)
def test_library_tagged(tagger, matrix_dir, matrix_run, name):
    """read_text + Tagger give the text and the entities the CLI printed."""
    case = CASES[name]
    path = case_path(matrix_dir, name)
    decoded = read_text(path)
    assert decoded.text == case.text
    entities = [entity_dict(e) for e in tagger(decoded.text).ents]
    assert tagger(decoded.text).text == case.text
    check_entities(case.text, entities, case.copies)
    cli_records = [{k: v for k, v in r.items() if k != "file"}
                   for r in records_by_file(matrix_run.stdout).get(path, [])]
    assert entities == cli_records


@pytest.mark.parametrize("name", REFUSED)
def test_library_refused(matrix_dir, name):
    path = case_path(matrix_dir, name)
    with pytest.raises(InputError) as info:
        read_text(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"kgov-ner: {path}: ")
    assert CASES[name].reason in message
    assert info.value.path == path


def test_library_directory(matrix_dir):
    with pytest.raises(InputError, match="is a directory"):
        read_text(matrix_dir / "empty-dir")


def test_nfd_offsets_index_the_nfd_input(tagger):
    text = _nfd(S)
    doc = tagger(text)
    assert doc.text == text
    assert {(e.label_, unicodedata.normalize("NFC", e.text)) for e in doc.ents} == S_ENTS
    for ent in doc.ents:
        assert text[ent.start_char:ent.end_char] == ent.text
        assert unicodedata.is_normalized("NFD", ent.text)


# ---------------------------------------------------------------------------
# inputs that fail between the command line and the read


def test_unreadable_file_library(monkeypatch, tmp_path):
    """As root every file is readable: the permission error is simulated."""
    target = tmp_path / "secret.txt"
    target.write_text(S, encoding="utf-8")
    real_open = open

    def deny(path, *args, **kwargs):
        if os.fspath(path) == str(target):
            raise PermissionError(errno.EACCES, "Permission denied", str(target))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(kio, "open", deny, raising=False)
    with pytest.raises(InputError) as info:
        read_text(target)
    assert str(info.value) == f"kgov-ner: {target}: permission denied"


def test_unreadable_file_cli_in_process(monkeypatch, tmp_path, tagger, capsys):
    good, secret = tmp_path / "good.txt", tmp_path / "secret.txt"
    good.write_text(S, encoding="utf-8")
    secret.write_text(S, encoding="utf-8")
    real_open = open

    def deny(path, *args, **kwargs):
        if os.fspath(path) == str(secret):
            raise PermissionError(errno.EACCES, "Permission denied", str(secret))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(kio, "open", deny, raising=False)
    monkeypatch.setattr(cli_output, "load_tagger", lambda keep=False: tagger)
    assert cli_module.main(["tag", str(secret), str(good)]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [f"kgov-ner: {secret}: permission denied"]
    check_entities(S, records_by_file(captured.out.encode())[str(good)], 1)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_cli(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(S, encoding="utf-8")
    secret.chmod(0)
    try:
        proc = run_cli("tag", secret, SEED)
    finally:
        secret.chmod(0o600)
    assert proc.returncode == 2
    assert err_lines(proc) == [f"kgov-ner: {secret}: permission denied"]
    assert f'"file": "{SEED}"' in proc.stdout.decode()


def test_file_vanishes_after_expansion_cli(monkeypatch, tmp_path, tagger, capsys):
    """A file deleted between expanding the arguments and reading it: one line, the rest tagged."""
    for i in range(4):
        (tmp_path / f"page{i}.txt").write_text(S, encoding="utf-8")
    doomed = str(tmp_path / "page2.txt")
    real_expand = cli_tag.expand_inputs

    def expand_then_delete(*args, **kwargs):
        yield from real_expand(*args, **kwargs)
        os.unlink(doomed)

    monkeypatch.setattr(cli_tag, "expand_inputs", expand_then_delete)
    monkeypatch.setattr(cli_output, "load_tagger", lambda keep=False: tagger)
    assert cli_module.main(["tag", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [f"kgov-ner: {doomed}: no such file"]
    records = records_by_file(captured.out.encode())
    assert sorted(records) == [str(tmp_path / f"page{i}.txt") for i in (0, 1, 3)]


def test_file_vanishes_after_expansion_library(tmp_path):
    for i in range(3):
        (tmp_path / f"page{i}.txt").write_text(S, encoding="utf-8")
    paths = list(expand_inputs([str(tmp_path)]))
    os.unlink(paths[1])
    outcomes = []
    for path in paths:
        try:
            outcomes.append(read_text(path).text == S)
        except InputError as exc:
            outcomes.append(str(exc))
    assert outcomes == [True, f"kgov-ner: {paths[1]}: no such file", True]


def test_endless_binary_device_fails_fast():
    """/dev/zero is refused from its first block, not read until memory runs out."""
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    with pytest.raises(InputError, match="NUL"):
        read_text("/dev/zero")


def test_input_size_limit(monkeypatch, tmp_path):
    big = tmp_path / "big.txt"
    big.write_text(S * 10, encoding="utf-8")
    monkeypatch.setattr(kio, "MAX_INPUT_BYTES", 100)
    with pytest.raises(InputError, match="larger than"):
        read_text(big)
    r, w = os.pipe()  # not a regular file: read in blocks up to the limit
    with os.fdopen(w, "wb") as fh:
        fh.write(S.encode() * 10)
    with os.fdopen(r, "rb") as fh, pytest.raises(InputError, match="larger than"):
        kio._read_bytes(fh, "pipe")


# ---------------------------------------------------------------------------
# the library


def test_non_str_input_raises_type_error(tagger):
    with pytest.raises(TypeError, match="bytes"):
        tagger("송파구".encode())
    with pytest.raises(TypeError, match="NoneType"):
        list(tagger.pipe([None]))
    with pytest.raises(TypeError, match="int"):
        list(tagger.pipe(["송파구", 3]))
    with pytest.raises(TypeError, match="bytes"):
        tag_long(tagger, b"")
    with pytest.raises(TypeError, match="NoneType"):
        list(iter_chunks(None))


def test_lone_surrogate_is_refused_with_a_clear_error(tagger):
    # Not a character, so no tagger can index it; strict decoding never makes one.
    with pytest.raises(ValueError, match=r"lone surrogate \(U\+D800\) at offset 3"):
        tagger("송파구\ud800는 우수구로 선정됐다.")


def test_text_over_spacy_limit_needs_tag_long(tagger):
    text = S + "\n" * (LONG_INPUT_CHARS + 10) + S
    with pytest.raises(ValueError, match="E088"):
        tagger(text)
    entities = tag_long(tagger, text)
    check_entities(text, entities, 2)
    assert max(e["end"] for e in entities) == len(text) - len(S) + S.index("4500만 원") + len("4500만 원")


def test_shared_tagger_across_threads(tagger):
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts += [S, _nfd(S), _MIXED, "", "   ", _NO_KOREAN, "송파구는 4500만 원을 확보했다."]
    texts = (texts * 4)[:40]

    def tag(text: str) -> list[dict]:
        return [entity_dict(e) for e in tagger(text).ents]

    sequential = [tag(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(tag, texts))
    assert threaded == sequential


def test_import_changes_no_global_state():
    code = r"""
import json, logging, sys, warnings
before = (list(sys.path), list(logging.root.handlers), logging.root.level,
          list(warnings.filters), sorted(logging.Logger.manager.loggerDict))
import kgov_ner, kgov_ner.text.reading, kgov_ner.text.chunking, kgov_ner.engines.chunked, kgov_ner.cli.main
after = (list(sys.path), list(logging.root.handlers), logging.root.level,
         list(warnings.filters), sorted(logging.Logger.manager.loggerDict))
heavy = [m for m in ("spacy", "kiwipiepy", "sklearn", "sklearn_crfsuite", "trafilatura") if m in sys.modules]
print(json.dumps({"same": before == after, "heavy": heavy}))
"""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"same": True, "heavy": []}


# ---------------------------------------------------------------------------
# chunking


def _tiles(text: str, chunks: list[tuple[int, str]], max_chars: int) -> None:
    assert "".join(c for _, c in chunks) == text
    pos = 0
    for offset, chunk in chunks:
        assert offset == pos and 0 < len(chunk) <= max_chars
        pos += len(chunk)


@pytest.mark.parametrize(
    "text, max_chars, expected",
    [
        ("가나\n다라\n마바", 6, ["가나\n다라\n", "마바"]),  # after the last line break that fits
        ("가나다라.\r\n마바", 6, ["가나다라.", "\r\n마바"]),  # CR LF never parted
        ("선정됐다. 우수구다. 끝", 12, ["선정됐다. 우수구다. ", "끝"]),  # a sentence end
        ("4500만 원 우수구 선정", 10, ["4500만 원 ", "우수구 선정"]),  # whitespace
        ("가" * 7, 3, ["가가가", "가가가", "가"]),  # last resort
        (_nfd("강북구"), 4, [_nfd("강"), _nfd("북"), _nfd("구")]),  # never inside a syllable
        ("", 5, []),
    ],
    ids=["line", "crlf", "sentence", "space", "hard", "nfd", "empty"],
)
def test_iter_chunks_cut_points(text, max_chars, expected):
    chunks = list(iter_chunks(text, max_chars))
    _tiles(text, chunks, max_chars)
    assert [c for _, c in chunks] == expected


def test_iter_chunks_rejects_bad_size():
    with pytest.raises(ValueError):
        list(iter_chunks("가", 0))
    with pytest.raises(ValueError):
        tag_long(object(), "가", max_chars=LONG_INPUT_CHARS + 1)


def test_tag_long_matches_per_line_tagging(tagger):
    """Each line of S is a text of its own either way: same entities, shifted."""
    text = (S + "\n") * 40
    entities = tag_long(tagger, text, max_chars=len(S) + 1)
    alone = [entity_dict(e) for e in tagger(S).ents]
    expected = [{**e, "start": e["start"] + i * (len(S) + 1), "end": e["end"] + i * (len(S) + 1)}
                for i in range(40) for e in alone]
    assert entities == expected


@pytest.fixture
def small_long_limit(monkeypatch, tmp_path, tagger):
    """The CLI's long-input path in-process and fast: the limit lowered to 1,000
    characters; files short, long (40 lines of S), short."""
    monkeypatch.setattr(chunked, "LONG_INPUT_CHARS", 1000)
    monkeypatch.setattr(cli_output, "load_tagger", lambda keep=False: tagger)
    long_text = (S + "\n") * 40
    paths = []
    for name, text in (("a.txt", S), ("long.txt", long_text), ("z.txt", S + "\n")):
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    return paths, long_text


def test_long_input_jsonl_in_process(small_long_limit, tagger, capsys):
    paths, long_text = small_long_limit
    assert cli_module.main(["tag", *paths]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [cli_output.long_note(paths[1], len(long_text))]
    records = records_by_file(captured.out.encode())
    assert list(records) == paths  # input order kept around the long one
    assert records[paths[1]] == [{"file": paths[1], **e} for e in tag_long(tagger, long_text)]
    check_entities(long_text, records[paths[1]], 40)


def test_long_input_refused_for_conll_in_process(small_long_limit, capsys):
    paths, long_text = small_long_limit
    assert cli_module.main(["tag", "--format", "conll", *paths]) == 2
    captured = capsys.readouterr()
    (line,) = captured.err.splitlines()
    assert line.startswith(f"kgov-ner: {paths[1]}: too long for --format conll ({len(long_text):,} characters")
    assert [l[len("# file = "):] for l in captured.out.splitlines() if l.startswith("# file")] == [
        paths[0], paths[2]]


def test_long_input_in_a_jobs_worker(small_long_limit, tagger):
    """The --jobs worker function treats long inputs like the single-process path."""
    paths, long_text = small_long_limit
    result = cli_tag._tag_one_file(tagger, (paths[1], "jsonl", None, None, None, None))
    assert not result["failed"]
    lines = [json.loads(line) for line in result["text"].splitlines()]
    assert lines == [{"file": paths[1], **e} for e in tag_long(tagger, long_text)]
    result = cli_tag._tag_one_file(tagger, (paths[1], "conll", None, None, None, None))
    assert result["failed"] and result["text"] == ""
    assert "too long for --format conll" in "".join(result["messages"])


def _long_line(target_bytes: int) -> tuple[str, list[int]]:
    """One line of about *target_bytes* UTF-8 bytes: groups of S between long
    runs of spaces, and the starts of the S copies."""
    group = " ".join([S] * 20) + " "
    pad = " " * 150_000
    parts, starts, pos, size = [], [], 0, 0
    while size < target_bytes:
        for i in range(20):
            starts.append(pos + i * (len(S) + 1))
        parts += [group, pad]
        pos += len(group) + len(pad)
        size += len(group.encode()) + len(pad)
    parts.append(S)
    starts.append(pos)
    return "".join(parts), starts


@pytest.mark.slow
def test_five_mb_line(tmp_path, tagger):
    text, starts = _long_line(5 * 1024 * 1024)
    assert "\n" not in text and len(text.encode()) > 5 * 1024 * 1024
    path = tmp_path / "line.txt"
    path.write_bytes(text.encode())
    # library
    entities = tag_long(tagger, text)
    check_entities(text, entities, len(starts))
    alone = sorted((e.start_char, e.end_char, e.label_) for e in tagger(S).ents)
    expected = sorted((s + a, s + b, label) for s in starts for a, b, label in alone)
    assert sorted((e["start"], e["end"], e["label"]) for e in entities) == expected
    # command line, table format, with a small file after it
    proc = run_cli("tag", "--format", "table", path, SEED)
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    assert err_lines(proc) == [cli_output.long_note(str(path), len(text))]
    rows = [r.split() for r in proc.stdout.decode().splitlines()[1:]]
    assert sorted((int(r[1]), int(r[2]), r[3]) for r in rows if r[0] == str(path)) == expected
    assert rows[-1][0] == str(SEED)  # files in input order


def _big_file(path: Path, target_bytes: int) -> tuple[str, list[int]]:
    """A ~50 MB page dump: chunk-sized blocks, a few of them holding a seed
    page and the rest blank lines (tagging 50 MB of prose takes an hour; the
    blocks with text are what gets tagged).  Returns the text and where the
    seed copies start."""
    seed = SEED.read_text(encoding="utf-8")
    blank = " \t\u3000 \n" * (TAG_CHUNK_CHARS // 5 + 1)
    filler = blank[: TAG_CHUNK_CHARS - 1] + "\n"
    page = seed + "\n" + blank[: TAG_CHUNK_CHARS - len(seed) - 2] + "\n"
    assert len(filler) == len(page) == TAG_CHUNK_CHARS
    blocks = target_bytes // len(filler.encode()) + 1
    with_page = set(range(0, blocks, blocks // 9)) | {blocks - 1}
    starts = [i * TAG_CHUNK_CHARS for i in sorted(with_page)]
    text = "".join(page if i in with_page else filler for i in range(blocks))
    path.write_bytes(text.encode())
    return text, starts


def _run_measured(args: list[str], stdout, stderr) -> tuple[int, int]:
    """Run the CLI; return (exit status, its peak RSS in bytes)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    proc = subprocess.Popen([sys.executable, "-m", "kgov_ner", *args], stdout=stdout,
                            stderr=stderr, env=env, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss * 1024  # kilobytes on Linux


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "wait4"), reason="needs os.wait4 for the child's peak RSS")
def test_fifty_mb_file_bounded_memory(tmp_path, tagger):
    path = tmp_path / "dump.txt"
    text, starts = _big_file(path, 50 * 1024 * 1024)
    assert path.stat().st_size >= 50 * 1024 * 1024
    seed = SEED.read_text(encoding="utf-8")
    alone = [(e.start_char, e.end_char, e.label_) for e in tagger(seed).ents]
    expected = sorted((s + a, s + b, label) for s in starts for a, b, label in alone)
    # command line, jsonl: peak memory is a bound, not a timing
    out, err = tmp_path / "out.jsonl", tmp_path / "err.txt"
    with open(out, "wb") as fo, open(err, "wb") as fe:
        status, peak = _run_measured(["tag", str(path), str(SEED)], fo, fe)
    assert status == 0, err.read_text()
    assert peak < 2 * 1024**3, f"peak RSS {peak / 2**20:.0f} MiB"
    records = records_by_file(out.read_bytes())
    got = sorted((r["start"], r["end"], r["label"]) for r in records[str(path)])
    assert got == expected
    for r in records[str(path)]:
        assert text[r["start"]:r["end"]] == r["text"]
    assert list(records) == [str(path), str(SEED)]
    # library: the same records
    library = tag_long(tagger, text)
    assert [{"file": str(path), **e} for e in library] == records[str(path)]
    # conll needs whole Docs: refused with a hint, the other file still done
    proc = run_cli("tag", "--format", "conll", path, SEED)
    assert proc.returncode == 2
    assert_no_traceback(proc)
    (line,) = err_lines(proc)
    assert line.startswith(f"kgov-ner: {path}: too long for --format conll") and "jsonl" in line
    assert proc.stdout.decode().startswith(f"# file = {SEED}")


# ---------------------------------------------------------------------------
# the output


def test_output_dev_full_is_written_to_not_replaced():
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    proc = run_cli("tag", "-o", "/dev/full", SEED)
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert err_lines(proc) == ["kgov-ner: /dev/full: cannot write: No space left on device"]
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


class _FailingStream:
    """A text stream whose writes fail like a full disk."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        raise OSError(errno.ENOSPC, "No space left on device")

    def flush(self):
        pass

    def close(self):
        self.stream.close()


def _dir_listing(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir())


def test_write_error_keeps_the_old_file(monkeypatch, tmp_path, tagger, capsys):
    target = tmp_path / "out.jsonl"
    target.write_text('{"old": true}\n', encoding="utf-8")
    real_open = open

    def failing_open(file, mode="r", *args, **kwargs):
        stream = real_open(file, mode, *args, **kwargs)
        return _FailingStream(stream) if isinstance(file, int) and "w" in mode else stream

    monkeypatch.setattr(files_module, "open", failing_open, raising=False)
    monkeypatch.setattr(cli_output, "load_tagger", lambda keep=False: tagger)
    assert cli_module.main(["tag", "-o", str(target), str(SEED)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"kgov-ner: {target}: cannot write: No space left on device"]
    assert target.read_text(encoding="utf-8") == '{"old": true}\n'
    assert _dir_listing(tmp_path) == ["out.jsonl"]


def test_rename_error_keeps_the_old_file(monkeypatch, tmp_path, tagger, capsys):
    target = tmp_path / "out.jsonl"
    target.write_text('{"old": true}\n', encoding="utf-8")

    def failing_replace(src, dst):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(cli_module.os, "replace", failing_replace)
    monkeypatch.setattr(cli_output, "load_tagger", lambda keep=False: tagger)
    assert cli_module.main(["tag", "-o", str(target), str(SEED)]) == 2
    assert capsys.readouterr().err.splitlines() == [f"kgov-ner: {target}: cannot write: Input/output error"]
    assert target.read_text(encoding="utf-8") == '{"old": true}\n'
    assert _dir_listing(tmp_path) == ["out.jsonl"]


def test_output_in_missing_directory_fails_before_any_work(monkeypatch, tmp_path, capsys):
    def no_tagger(keep=False):
        raise AssertionError("the tagger must not be loaded")

    monkeypatch.setattr(cli_output, "load_tagger", no_tagger)
    target = tmp_path / "missing" / "out.jsonl"
    assert cli_module.main(["tag", "-o", str(target), str(SEED)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"kgov-ner: {target}: cannot write: ")
    assert not (tmp_path / "missing").exists()


def test_output_naming_an_input_is_refused(monkeypatch, tmp_path, capsys):
    page = tmp_path / "page.txt"
    page.write_text(S, encoding="utf-8")
    alias = tmp_path / "alias.txt"
    alias.symlink_to(page)
    monkeypatch.setattr(cli_output, "load_tagger", lambda keep=False: pytest.fail("no work"))
    assert cli_module.main(["tag", str(page), "-o", str(alias)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"kgov-ner: {alias}: is also an input")
    assert page.read_text(encoding="utf-8") == S and alias.is_symlink()


def test_output_through_a_symlink_keeps_the_symlink(monkeypatch, tmp_path, tagger):
    real = tmp_path / "real.jsonl"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real.name)
    monkeypatch.setattr(cli_output, "load_tagger", lambda keep=False: tagger)
    assert cli_module.main(["tag", "-q", "-o", str(link), str(SEED)]) == 0
    assert link.is_symlink() and os.readlink(link) == real.name
    assert json.loads(real.read_text(encoding="utf-8").splitlines()[0])["file"] == str(SEED)
    assert _dir_listing(tmp_path) == ["link.jsonl", "real.jsonl"]


def test_sigint_leaves_old_or_complete_output(tmp_path):
    """Ctrl-C during a long run: exit 130, the old -o file or a complete new one, no temp file."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    page = (SEEDS / "004_1bd4f939f16207eb.txt").read_bytes()
    for i in range(60):
        (inputs / f"copy{i:02}.txt").write_bytes(page)
    outdir = tmp_path / "out"
    outdir.mkdir()
    target = outdir / "out.jsonl"
    old = '{"old": true}\n'
    target.write_text(old, encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    # A child inherits an ignored SIGINT (pytest run as a background job) and
    # Python then leaves it ignored: make sure the child starts with the default.
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen([sys.executable, "-m", "kgov_ner", "tag", "-o", str(target), str(inputs)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    finally:
        if previous is signal.SIG_IGN:
            signal.signal(signal.SIGINT, previous)
    try:
        # wait until it is writing records (the temp file has some), at most 2 minutes
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            temps = glob.glob(str(outdir / ".out.jsonl.*.tmp"))
            if temps and os.path.getsize(temps[0]) > 0:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, stderr
    assert b"Traceback" not in stderr
    assert stderr.decode().splitlines()[-1] == "kgov-ner: interrupted"
    assert _dir_listing(outdir) == ["out.jsonl"]  # no temp file left
    content = target.read_text(encoding="utf-8")
    if content != old:  # interrupted after the rename: the whole new output
        assert content.endswith("\n")
        records = [json.loads(line) for line in content.splitlines()]
        assert len({r["file"] for r in records}) == 60
