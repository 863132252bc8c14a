"""Many inputs: directories, globs, --recursive, --jobs, progress output."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "kgov_ner", *map(str, args)],
                          capture_output=True, text=True, encoding="utf-8", cwd=ROOT)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    (root / "sub").mkdir()
    shutil.copy(SEEDS[0], root / "a.txt")
    shutil.copy(SEEDS[1], root / "b.txt")
    shutil.copy(SEEDS[2], root / "sub" / "c.txt")
    (root / "notes.md").write_text("송파구", encoding="utf-8")  # not a .txt/.html: skipped
    return root


@pytest.fixture(scope="module")
def single_process(corpus):
    proc = run_cli("tag", "-r", corpus)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def files_of(lines):
    import json

    return [json.loads(line)["file"] for line in lines]


def test_directory_reads_its_text_files_in_order(corpus):
    proc = run_cli("tag", corpus)
    assert proc.returncode == 0
    names = files_of(proc.stdout.splitlines())
    assert {Path(n).name for n in names} == {"a.txt", "b.txt"}
    assert names == sorted(names)


def test_recursive_adds_subdirectories(single_process):
    assert {Path(n).name for n in files_of(single_process)} == {"a.txt", "b.txt", "c.txt"}


def test_glob_pattern(corpus):
    proc = run_cli("tag", f"{corpus}/**/*.txt")
    assert proc.returncode == 0
    assert {Path(n).name for n in files_of(proc.stdout.splitlines())} == {"a.txt", "b.txt", "c.txt"}


def test_jobs_gives_the_same_output_in_the_same_order(corpus, single_process):
    proc = run_cli("tag", "-r", "--jobs", "2", corpus)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == single_process


def test_no_progress_bar_when_stderr_is_not_a_terminal(corpus):
    proc = run_cli("tag", "-r", corpus)
    assert proc.stderr == ""


@pytest.mark.parametrize("args,message", [
    (["EMPTY_DIR"], "no .txt or .html files"),
    (["NO_MATCH"], "no file matches"),
    (["--jobs", "0", "X"], "--jobs must be at least 1"),
    (["--jobs", "2", "--format", "html", "X"], "use --jobs 1"),
])
def test_bad_corpus_arguments_fail_with_one_line(tmp_path, corpus, args, message):
    empty = tmp_path / "empty"
    empty.mkdir()
    args = [str(empty) if a == "EMPTY_DIR" else f"{tmp_path}/*.txt" if a == "NO_MATCH" else
            str(corpus / "a.txt") if a == "X" else a for a in args]
    proc = run_cli("tag", *args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in proc.stderr


def test_a_failed_input_among_good_ones_under_jobs(corpus):
    proc = run_cli("tag", "--jobs", "2", corpus / "a.txt", corpus / "missing.txt", corpus / "b.txt")
    assert proc.returncode == 2
    assert {Path(n).name for n in files_of(proc.stdout.splitlines())} == {"a.txt", "b.txt"}
    assert proc.stderr.count("\n") == 1 and "missing.txt" in proc.stderr
