"""The command line, run as a user runs it: ``python -m kgov_ner`` in a subprocess.

Starting a process that loads Kiwi costs a second or two, so each format is
exercised by one invocation over many files (module-scoped fixtures), and the
error cases that never reach the tagger run without loading it.
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from kgov_ner.cli.formats import display_width, render_table
from kgov_ner.cli.main import build_parser, main
from kgov_ner.cli.tag import run as run_tag
from kgov_ner.resources.labels import LABELS

SEEDS = Path(__file__).parents[1] / "seeds"
SRC = Path(__file__).parents[1] / "src"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
SENTENCE = "송파구는 4500만 원을 확보했다."
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"
INVALID_UTF8 = "송파구".encode() + b" \x80\x80 "  # not CP949 either


def run_cli(*args: str | os.PathLike, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    # test this source tree, installed or not
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "kgov_ner", *map(str, args)],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=env,
        timeout=600,  # a hang guard, not a speed test
    )


def out(proc: subprocess.CompletedProcess) -> str:
    return proc.stdout.decode("utf-8")


def err_lines(proc: subprocess.CompletedProcess) -> list[str]:
    return proc.stderr.decode("utf-8", "replace").splitlines()


def jsonl(proc: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in out(proc).splitlines()]


def assert_no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert b"Traceback" not in proc.stderr, proc.stderr.decode("utf-8", "replace")


# ---------------------------------------------------------------------------
# one jsonl run over the seeds plus re-encoded copies


def _cp949_safe(text: str) -> str:
    """*text* with the few characters CP949 lacks (e.g. the bullet •) replaced
    by the same number of CP949 characters, so offsets stay comparable."""
    return "".join(ch if _encodable(ch) else "·" for ch in text)


def _encodable(ch: str) -> bool:
    try:
        ch.encode("cp949")
    except UnicodeEncodeError:
        return False
    return True


ENCODED_COPIES = {
    # name: (encoder, encoding reported on stderr or None for plain utf-8)
    "plain.txt": (lambda t: t.encode("utf-8"), None),
    "bom.txt": (lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), "utf-8-sig"),
    "utf16le.txt": (lambda t: b"\xff\xfe" + t.encode("utf-16-le"), "utf-16-le"),
    "utf16be.txt": (lambda t: b"\xfe\xff" + t.encode("utf-16-be"), "utf-16-be"),
    "cp949.txt": (lambda t: t.encode("cp949"), "cp949"),
    "euckr.txt": (lambda t: t.encode("euc-kr", "replace"), "cp949"),
}


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    """Tag every seed, copies of one seed in every supported encoding, and a
    CRLF copy, in one process.  Returns (proc, {name: expected decoded text})."""
    tmp = tmp_path_factory.mktemp("encoded")
    texts: dict[str, str] = {}
    for path in SEED_FILES:
        texts[str(path)] = path.read_bytes().decode("utf-8")
    base = _cp949_safe(SEED_FILES[1].read_bytes().decode("utf-8"))
    euckr_base = base.encode("euc-kr", "replace").decode("euc-kr")
    for name, (encode, _) in ENCODED_COPIES.items():
        path = tmp / name
        path.write_bytes(encode(base))
        texts[str(path)] = euckr_base if name == "euckr.txt" else base
    crlf = tmp / "crlf.txt"
    crlf_text = SEED_FILES[2].read_bytes().decode("utf-8").replace("\n", "\r\n")
    crlf.write_bytes(crlf_text.encode("utf-8"))
    texts[str(crlf)] = crlf_text
    proc = run_cli("tag", *texts)
    return proc, texts


def test_seed_run_succeeds(seed_run):
    proc, texts = seed_run
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert_no_traceback(proc)
    notes = err_lines(proc)
    # exactly the non-UTF-8 inputs are reported, once each
    expected = [
        f"{name}: decoded as {enc}"
        for name in texts
        for copy, (_, enc) in ENCODED_COPIES.items()
        if name.endswith(os.sep + copy) and enc
    ]
    assert len(notes) == len(expected)
    for note, want in zip(notes, expected):
        assert note.startswith(f"kgov-ner: {want}")


def test_every_offset_indexes_the_decoded_text(seed_run):
    proc, texts = seed_run
    records = jsonl(proc)
    assert records
    for record in records:
        assert set(record) >= {"file", "start", "end", "label", "text"}
        assert record["label"] in LABELS
        decoded = texts[record["file"]]
        assert decoded[record["start"] : record["end"]] == record["text"], record
    files = {r["file"] for r in records}
    assert {str(p) for p in SEED_FILES} <= files


def test_entities_do_not_depend_on_the_encoding(seed_run):
    """Same text, different bytes: same entities at the same offsets (a BOM is
    stripped before offsets are counted)."""
    proc, texts = seed_run
    by_file: dict[str, list] = {}
    for r in jsonl(proc):
        by_file.setdefault(Path(r["file"]).name, []).append((r["start"], r["end"], r["label"], r["text"]))
    plain = by_file.get("plain.txt")
    assert plain, "the seed copy should have entities"
    for name in ("bom.txt", "utf16le.txt", "utf16be.txt", "cp949.txt"):
        assert by_file.get(name) == plain, name


def test_crlf_offsets(seed_run):
    proc, texts = seed_run
    crlf = [r for r in jsonl(proc) if r["file"].endswith("crlf.txt")]
    assert crlf
    assert any("\r\n" in texts[r["file"]][: r["start"]] for r in crlf)


def test_all_five_labels_occur_in_the_seeds(seed_run):
    # DEPENDS ON THE LEAD'S RULES (kgov_ner.pipeline / rules): the seeds
    # contain every label, so a complete tagger finds all five.  Do not weaken
    # this if it fails; it means a label's rules are missing.
    proc, _ = seed_run
    seed_names = {str(p) for p in SEED_FILES}
    labels = Counter(r["label"] for r in jsonl(proc) if r["file"] in seed_names)
    assert set(labels) == set(LABELS), labels


# ---------------------------------------------------------------------------
# conll (written with -o), html, table


@pytest.fixture(scope="module")
def conll_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("conll")
    target = tmp / "seeds.conll"
    proc = run_cli("tag", "--format", "conll", "-o", target, *SEED_FILES)
    return proc, tmp, target


def _conll_entities(text: str) -> dict[str, list[tuple[str, str]]]:
    """{file: [(label, text without whitespace)]} from BIO columns."""
    result: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for line in text.splitlines():
        if line.startswith("# file = "):
            current = result.setdefault(line[len("# file = ") :], [])
            continue
        if not line:
            continue  # sentence break; an entity never spans one here
        token, tag, bio = line.split("\t")
        assert tag and token.strip() == token and token
        if bio == "O":
            continue
        prefix, label = bio.split("-", 1)
        assert label in LABELS
        if prefix == "B":
            current.append((label, token))
        else:
            assert prefix == "I" and current and current[-1][0] == label, line
            current[-1] = (label, current[-1][1] + token)
    return result


def test_output_file_written_atomically(conll_run):
    proc, tmp, target = conll_run
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert_no_traceback(proc)
    assert proc.stdout == b""
    assert sorted(p.name for p in tmp.iterdir()) == [target.name]  # no temp files left


def test_conll_bio_matches_jsonl(conll_run, seed_run):
    _, _, target = conll_run
    text = target.read_text(encoding="utf-8")
    assert [line[len("# file = ") :] for line in text.splitlines() if line.startswith("# file = ")] == [
        str(p) for p in SEED_FILES
    ]
    assert "\n\n" in text  # sentences are separated
    for line in text.splitlines():
        if line and not line.startswith("#"):
            assert line.split("\t")[0].strip(), "whitespace tokens are skipped"
    from_conll = _conll_entities(text)
    expected: dict[str, list[tuple[str, str]]] = {str(p): [] for p in SEED_FILES}
    for r in jsonl(seed_run[0]):
        if r["file"] in expected:
            expected[r["file"]].append((r["label"], "".join(r["text"].split())))
    assert from_conll == expected


def test_html_page():
    proc = run_cli("tag", "--format", "html", SEED_FILES[1], "-", stdin=SENTENCE.encode())
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    page = out(proc)
    assert "<html" in page and "</html>" in page
    assert page.count("<figure") == 2  # one section per input
    assert html.escape("송파구") in page
    assert html.escape(SEED_FILES[1].name) in page
    assert "<mark" in page


def test_table():
    proc = run_cli("tag", "--format", "table", SEED_FILES[1])
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    lines = out(proc).splitlines()
    assert lines[0].split() == ["FILE", "START", "END", "LABEL", "TEXT"]
    assert len(lines) > 1
    text_column = display_width(lines[0]) - display_width("TEXT")
    for line in lines[1:]:
        fields = line.split()
        assert fields[0] == str(SEED_FILES[1]) and fields[3] in LABELS
        # the TEXT column starts at the same screen column on every line,
        # Hangul counting two columns
        label_end = line.index(fields[3]) + len(fields[3])
        text = line[label_end:].lstrip(" ")
        assert display_width(line) - display_width(text) == text_column, line


def test_table_alignment_unit():
    records = [
        {"file": "가나.txt", "start": 5, "end": 100, "label": "MONEY", "text": "4500만 원"},
        {"file": "abcdefgh.txt", "start": 1234, "end": 1237, "label": "DISTRICT", "text": "송파구"},
        {"file": "x", "start": 0, "end": 3, "label": "AWARD", "text": "우수\n구"},
    ]
    lines = render_table(records).splitlines()
    assert len(lines) == 4
    assert lines[3].endswith("우수\\n구")  # no raw newline breaks a row
    starts = {display_width(line) - display_width(r["text"].replace("\n", "\\n")) for line, r in zip(lines[1:], records)}
    assert len(starts) == 1
    assert display_width("송파구") == 6 and display_width("ab") == 2


# ---------------------------------------------------------------------------
# errors


@pytest.fixture
def bad_inputs(tmp_path):
    png = tmp_path / "x.png"
    png.write_bytes(PNG_HEADER)
    invalid = tmp_path / "invalid.txt"
    invalid.write_bytes(INVALID_UTF8)
    directory = tmp_path / "a_directory"
    directory.mkdir()
    return {
        "missing": (tmp_path / "missing.txt", "no such file"),
        "directory": (directory, "directory"),
        "png": (png, "PNG"),
        "invalid": (invalid, "UTF-8"),
    }


@pytest.mark.parametrize("case", ["missing", "directory", "png", "invalid"])
def test_bad_input_one_line_exit_2(bad_inputs, case):
    path, reason = bad_inputs[case]
    proc = run_cli("tag", path)
    assert proc.returncode == 2
    assert_no_traceback(proc)
    lines = err_lines(proc)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"kgov-ner: {path}: ")
    assert reason in lines[0]
    assert proc.stdout == b""


def test_good_files_still_tagged_when_others_fail(bad_inputs):
    """stdin and a good file among bad ones: the good ones are tagged, each bad
    one gets one line, the exit status is 2."""
    bad = [bad_inputs[c][0] for c in ("missing", "directory", "png", "invalid")]
    proc = run_cli("tag", bad[0], "-", bad[1], SEED_FILES[1], bad[2], bad[3], stdin=SENTENCE.encode("cp949"))
    assert proc.returncode == 2
    assert_no_traceback(proc)
    lines = err_lines(proc)
    assert len(lines) == 5, lines  # four failures + the cp949 note, in input order
    assert lines[0].startswith(f"kgov-ner: {bad[0]}: ")
    assert lines[1] == "kgov-ner: <stdin>: decoded as cp949"
    for line, path in zip(lines[2:], bad[1:]):
        assert line.startswith(f"kgov-ner: {path}: ")
    records = jsonl(proc)
    assert {r["file"] for r in records} == {"<stdin>", str(SEED_FILES[1])}
    for r in records:
        if r["file"] == "<stdin>":
            assert SENTENCE[r["start"] : r["end"]] == r["text"]
    stdin_texts = {r["text"] for r in records if r["file"] == "<stdin>"}
    assert "송파구" in stdin_texts


def test_output_in_missing_directory(tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "out.jsonl"
    proc = run_cli("tag", "-o", target, SEED_FILES[0])
    assert proc.returncode == 2
    assert_no_traceback(proc)
    lines = err_lines(proc)
    assert len(lines) == 1 and lines[0].startswith(f"kgov-ner: {target}: "), lines
    assert not (tmp_path / "no").exists()


def test_usage_error_exit_2():
    proc = run_cli("tag", "--format", "xml", "x")
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert b"usage:" in proc.stderr and b"xml" in proc.stderr


@pytest.mark.parametrize("args", [[], ["tag"], ["frobnicate"]], ids=["no-command", "no-file", "unknown"])
def test_usage_errors_return_2_in_process(capsys, args):
    assert main(args) == 2
    assert "usage:" in capsys.readouterr().err


def test_version():
    from kgov_ner import __version__

    proc = run_cli("--version")
    assert proc.returncode == 0
    assert out(proc).strip() == f"kgov-ner {__version__}"


def test_help_describes_the_commands(capsys):
    assert main(["--help"]) == 0
    assert "tag" in capsys.readouterr().out
    assert main(["tag", "--help"]) == 0
    text = capsys.readouterr().out
    for fmt in ("jsonl", "conll", "html", "table"):
        assert fmt in text


def test_eval_subcommand_registered_when_evaluate_provides_it(capsys):
    pytest.importorskip("kgov_ner.cli.eval")
    assert main(["eval", "--help"]) == 0
    assert "usage: kgov-ner eval" in capsys.readouterr().out


def test_tag_works_without_an_evaluate_module(monkeypatch):
    monkeypatch.setitem(sys.modules, "kgov_ner.cli.eval", None)  # import fails
    parser = build_parser()
    args = parser.parse_args(["tag", "x.txt"])
    assert args.func is run_tag
    with pytest.raises(SystemExit):
        parser.parse_args(["eval"])


def test_output_is_all_or_nothing(tmp_path):
    """An exception while writing leaves the old file as it was and no temp file."""
    from kgov_ner.cli.output import Output as _Output

    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    with pytest.raises(RuntimeError):
        with _Output(str(target)) as output:
            output.write("half a line")
            raise RuntimeError("tagger crashed")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]
    with _Output(str(target)) as output:
        output.write("new\r\n")
    assert target.read_bytes() == b"new\r\n"  # no newline translation
    assert target.stat().st_mode & 0o777 == 0o640  # the old file's mode is kept
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]
