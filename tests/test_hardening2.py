"""Hardening, second round (issue 16): the paths beyond ``tag``'s ordinary input.

One test per numbered case of the issue (case 1, quadratic time, is the
speed work's; case 15, a bad Dask scheduler address, is in test_dask.py),
then the "also" list.  Every promise is the README's: bad input is one line
``kgov-ner: …`` on stderr and a non-zero exit (never a traceback, exit 1
only for bugs), and no output is lost or half-written.

Most cases run the CLI in this process (``cli.main.main``) with the
session's Tagger; only the two that need worker processes or a real signal
to another process spawn one.  The sentences and pages are written for
these tests.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kgov_ner.cli import eval as cli_eval
from kgov_ner.cli import main as cli_module
from kgov_ner.cli import output as cli_output
from kgov_ner.cli import tag as cli_tag
from kgov_ner.evaluation.gold import GoldError, load_gold
from kgov_ner.pipeline.model import merge_spans
from kgov_ner.text.reading import InputError, decode_bytes, expand_inputs

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"

PAGE = "마포구(구청장 유동균)가 ‘2021년 청년 일자리 창출 평가’에서 최우수구로 선정돼 1억 원을 받았다.\n"
PAGE_B = "노원구는 지역 공동체 일자리 사업 평가에서 장려상을 받아 3000만 원을 확보했다.\n"


@pytest.fixture
def cli(monkeypatch, tagger, capsys):
    """Run the CLI in this process with the session's Tagger: ``(status, stdout, stderr lines)``."""
    monkeypatch.setattr(cli_output, "load_tagger", lambda keep=False: tagger)

    def run(*args) -> tuple[int, str, list[str]]:
        status = cli_module.main([str(a) for a in args])
        captured = capsys.readouterr()
        return status, captured.out, [line for line in captured.err.splitlines() if line]

    return run


def one_line_errors(lines: list[str]) -> None:
    assert lines, "expected a message on stderr"
    for line in lines:
        assert line.startswith("kgov-ner: "), line
        assert "Traceback" not in line


def _page(path: Path, text: str = PAGE) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- case 2


@pytest.mark.parametrize("space", ["\u00a0", "\u2009", "\u3000", "\t"])
@pytest.mark.parametrize("amount, krw", [("3500만{}원", 35_000_000), ("2억{}7000만원", 270_000_000)])
def test_case02_amount_split_at_a_wide_space_stays_one_amount(tagger, space, amount, krw):
    amount = amount.format(space)
    text = f"은평구는 이번 평가에서 {amount}을 받았다."
    money = [(e.text, e._.norm["krw"]) for e in tagger(text).ents if e.label_ == "MONEY"]
    assert money == [(amount, krw)]


def test_case02_merge_rejoins_only_a_split_amount():
    rule = [(10, 20, "MONEY")]
    assert merge_spans([(10, 15, "MONEY"), (16, 20, "MONEY")], rule) == [(10, 20, "MONEY")]
    # one model span inside the rule's, or another label in it: the model's reading stands
    assert merge_spans([(10, 15, "MONEY")], rule) == [(10, 15, "MONEY")]
    assert merge_spans([(10, 15, "MONEY"), (16, 20, "AWARD")], rule) == [(10, 15, "MONEY"), (16, 20, "AWARD")]


# ---------------------------------------------------------------- case 3


def test_case03_records_refuses_to_overwrite_its_input(cli, tmp_path):
    page = _page(tmp_path / "p.txt")
    status, out, err = cli("records", page, "-o", page)
    assert status == 2
    one_line_errors(err)
    assert "is also an input" in err[0]
    assert page.read_text(encoding="utf-8") == PAGE


# ---------------------------------------------------------------- case 4


def test_case04_stdin_is_read_by_the_parent_with_jobs(cli, monkeypatch, tmp_path):
    """With --jobs the workers have no standard input: the parent must read it."""
    import kgov_ner.engines.local as local

    def in_process_pool(func, items, jobs=1, tagger_kwargs=None, chunksize=1):
        # a worker process: its own (empty) standard input
        for item in items:
            stdin = sys.stdin
            sys.stdin = io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8")
            try:
                yield func(cli_output.load_tagger(), item)
            finally:
                sys.stdin = stdin

    monkeypatch.setattr(local, "parallel_map", in_process_pool)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(PAGE.encode()), encoding="utf-8"))
    status, out, err = cli("tag", "-j", "2", "-", _page(tmp_path / "b.txt", PAGE_B))
    assert status == 0, err
    files = [json.loads(line)["file"] for line in out.splitlines()]
    assert files.count("<stdin>") >= 4 and files[0] == "<stdin>"
    assert files[-1].endswith("b.txt")


# ---------------------------------------------------------------- case 5


def test_case05_emit_text_keeps_both_pages_of_the_same_name(cli, tmp_path, monkeypatch):
    pytest.importorskip("trafilatura")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for sub, text in (("a", PAGE), ("b", PAGE_B)):
        (tmp_path / sub / "index.html").write_text(
            f"<html><body><article><h1>제목</h1><p>{text}</p><p>{text}</p></article></body></html>",
            encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    status, out, err = cli("tag", "--emit-text", "T", "a/index.html", "b/index.html")
    assert status == 0, err
    for record in map(json.loads, out.splitlines()):
        emitted = (tmp_path / "T" / (record["file"] + ".txt")).read_text(encoding="utf-8")
        assert emitted[record["start"]:record["end"]] == record["text"]
    files = {json.loads(line)["file"] for line in out.splitlines()}
    assert files == {"a/index.html", "b/index.html"}


def test_case05_emit_names_use_the_base_name_when_unique():
    assert cli_output.emit_names(["x/one.html", "y/two.html"]) == {"x/one.html": "one.html.txt",
                                                                  "y/two.html": "two.html.txt"}


# ---------------------------------------------------------------- case 6


def test_case06_recursion_visits_each_directory_once(tmp_path):
    d = tmp_path / "d"
    (d / "s").mkdir(parents=True)
    _page(d / "s" / "page.txt")
    (d / "s" / "up").symlink_to("..")
    (d / "self").symlink_to(".")
    found = list(expand_inputs([str(d)], recursive=True))
    assert found == [str(d / "s" / "page.txt")]


def test_case06_a_linked_directory_elsewhere_is_still_read(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    _page(outside / "page.txt")
    d = tmp_path / "d"
    d.mkdir()
    (d / "link").symlink_to(outside)
    assert list(expand_inputs([str(d)], recursive=True)) == [str(d / "link" / "page.txt")]


# ---------------------------------------------------------------- case 7


def test_case07_file_name_not_utf8(cli, tmp_path):
    name = "가나.txt".encode("cp949")  # a CP949 name, as a Windows zip leaves it
    try:
        fd = os.open(os.path.join(os.fsencode(tmp_path), name), os.O_WRONLY | os.O_CREAT)
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    os.write(fd, PAGE.encode())
    os.close(fd)
    path = os.fsdecode(os.path.join(os.fsencode(tmp_path), name))
    out_file = tmp_path / "out.jsonl"
    status, _, err = cli("tag", path, "-o", out_file)
    assert status == 0, err
    records = [json.loads(line) for line in out_file.read_bytes().decode("utf-8").splitlines()]
    assert records and all(r["file"].endswith("\\xb0\\xa1\\xb3\\xaa.txt") for r in records)
    status, out, err = cli("tag", path)
    assert status == 0
    out.encode("utf-8")  # no lone surrogates: valid UTF-8 on any stdout


# ---------------------------------------------------------------- case 8


def test_case08_sigterm_removes_the_temporary_file(cli, monkeypatch, tagger, tmp_path):
    class TerminatedMidway:
        """The session's Tagger, with SIGTERM arriving while the second file is tagged."""

        def __init__(self):
            self.calls = 0

        def pipe(self, texts, batch_size=32):
            for doc in tagger.pipe(texts, batch_size=1):
                self.calls += 1
                if self.calls == 2:
                    os.kill(os.getpid(), signal.SIGTERM)
                yield doc

    monkeypatch.setattr(cli_output, "load_tagger", lambda keep=False: TerminatedMidway())
    before = signal.getsignal(signal.SIGTERM)
    out_file = tmp_path / "o.jsonl"
    out_file.write_text("old\n", encoding="utf-8")
    pages = [_page(tmp_path / f"{i}.txt") for i in range(4)]
    status, _, err = cli("tag", *pages, "-o", out_file)
    assert status == 128 + signal.SIGTERM
    assert err == ["kgov-ner: terminated (SIGTERM)"]
    assert out_file.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["o.jsonl", *(p.name for p in pages)])
    assert signal.getsignal(signal.SIGTERM) == before  # the handler is the command's only


# ---------------------------------------------------------------- case 9


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc to find the workers")
def test_case09_sigterm_with_jobs_stops_the_workers(tmp_path):
    if (os.cpu_count() or 1) < 2:
        pytest.skip("--jobs is capped at the cores: needs two")
    pages = [_page(tmp_path / f"{i:03}.txt", PAGE * 20) for i in range(60)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])))
    proc = subprocess.Popen([sys.executable, "-m", "kgov_ner", "tag", "-q", "-j", "2", *map(str, pages),
                             "-o", str(tmp_path / "o.jsonl")], env=env, stderr=subprocess.PIPE)
    workers: set[int] = set()
    for _ in range(600):  # until both workers exist (a hang guard, not a timing)
        workers = {c for c in _children(proc.pid) if "spawn_main" in Path(f"/proc/{c}/cmdline").read_text()}
        if len(workers) == 2 or proc.poll() is not None:
            break
        threading.Event().wait(0.05)
    assert len(workers) == 2
    proc.send_signal(signal.SIGTERM)
    status = proc.wait(timeout=60)
    err = proc.stderr.read().decode()
    assert status == 128 + signal.SIGTERM, err
    assert err.strip().splitlines() == ["kgov-ner: terminated (SIGTERM)"]
    for _ in range(200):
        if not any(_alive(w) for w in workers):
            break
        threading.Event().wait(0.05)
    assert not any(_alive(w) for w in workers)
    assert not (tmp_path / "o.jsonl").exists()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_case09_closing_the_results_stops_the_pool(monkeypatch):
    """parallel_map's side: stopped early, its workers are terminated, not waited for."""
    import kgov_ner.engines.local as local

    stopped = []
    monkeypatch.setattr(local, "_stop_workers", lambda pool: stopped.append(pool) or pool.shutdown(wait=False))

    class Pool:
        def __init__(self, **kwargs):
            pass

        def map(self, fn, items, chunksize=1):
            return iter([1, 2, 3])

        def shutdown(self, wait=True, cancel_futures=False):
            pass

    monkeypatch.setattr(local, "ProcessPoolExecutor", Pool)
    results = local.parallel_map(len, ["a", "b", "c"], jobs=2)
    assert next(results) == 1
    results.close()
    assert len(stopped) == 1


# ---------------------------------------------------------------- case 10


def test_case10_output_name_near_the_limit(cli, tmp_path):
    out_file = tmp_path / ("x" * 246)
    status, _, err = cli("tag", _page(tmp_path / "p.txt"), "-o", out_file)
    assert status == 0, err
    assert out_file.read_text(encoding="utf-8").count("\n") >= 4
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["p.txt", out_file.name])


# ---------------------------------------------------------------- cases 11-14: eval


def test_case11_eval_refuses_nul_bytes_at_once(tmp_path):
    with pytest.raises(GoldError, match="NUL bytes"):
        load_gold("/dev/zero")
    zeros = tmp_path / "zeros.jsonl"
    zeros.write_bytes(b"\x00" * 4096)
    with pytest.raises(GoldError, match="NUL bytes"):
        load_gold(zeros)


def test_case11_eval_stops_reading_an_endless_pipe_at_its_first_bad_line():
    read_end, write_end = os.pipe()
    written = [0]
    limit = 64 << 20

    def writer():
        line = b"{}\n" * 4096
        try:
            while written[0] < limit:
                written[0] += os.write(write_end, line)
        except OSError:  # the reader went away: EPIPE
            pass
        finally:
            os.close(write_end)

    old = signal.signal(signal.SIGPIPE, signal.SIG_IGN) if hasattr(signal, "SIGPIPE") else None
    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        with pytest.raises(GoldError, match="line 1: missing key 'id'"):
            load_gold(f"/dev/fd/{read_end}")
    finally:
        os.close(read_end)
        thread.join()
        if old is not None:
            signal.signal(signal.SIGPIPE, old)
    assert written[0] < 8 << 20  # read a block or two, not the whole stream


def test_case11_gold_size_is_capped(tmp_path, monkeypatch):
    import kgov_ner.evaluation.gold as gold

    monkeypatch.setattr(gold, "MAX_GOLD_BYTES", 1000)
    big = tmp_path / "big.jsonl"
    record = json.dumps({"id": "1", "text": "가" * 2000, "label": []}, ensure_ascii=False)
    big.write_text(record + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match="larger than"):
        load_gold(big)


def test_case12_deeply_nested_json(tmp_path):
    deep = tmp_path / "deep.jsonl"
    deep.write_text("[" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match="line 1: .*nested too deeply"):
        load_gold(deep)


def test_case13_an_offset_of_thousands_of_digits(tmp_path):
    huge = tmp_path / "huge.jsonl"
    huge.write_text('{"id": "1", "text": "송파구", "label": [[' + "7" * 5000 + ', 3, "DISTRICT"]]}\n',
                    encoding="utf-8")
    with pytest.raises(GoldError, match="line 1: not valid gold JSON"):
        load_gold(huge)


def test_case14_records_csv_field_over_the_csv_limit(tmp_path, capsys):
    table = tmp_path / "records.csv"
    table.write_text("file,district_name,tier\np," + "가" * 140_000 + ",우수\n", encoding="utf-8")
    assert cli_eval._records_score([], str(table)) is None
    err = capsys.readouterr().err.splitlines()
    one_line_errors(err)
    assert str(table) in err[0]


def test_cases12_to_14_through_the_command(cli, tmp_path):
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"id": "1", "text": "가", "label": ' + "[" * 100_000 + "\n", encoding="utf-8")
    status, out, err = cli("eval", deep)
    assert status == 2 and out == ""
    one_line_errors(err)


# ---------------------------------------------------------------- cases 16-17: train


def _gold(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


GOOD = json.dumps({"id": "g1", "text": "송파구가 우수구로 뽑혔다.", "label": [[0, 3, "DISTRICT"]]},
                  ensure_ascii=False)


@pytest.mark.parametrize("case", [
    "missing", "bad json", "unknown label", "text not a string", "past the end", "overlap",
    "reversed body", "empty", "out is a file",
])
def test_case16_17_train_refuses_what_eval_refuses(cli, tmp_path, monkeypatch, case):
    import kgov_ner.training.train as training

    trained = []
    monkeypatch.setattr(training, "train", lambda *a, **k: trained.append(a) or {})
    text = "송파구가 우수구로 뽑혔다."
    records = {
        "bad json": ["{'id': 1}"],
        "unknown label": [json.dumps({"id": "1", "text": text, "label": [[0, 3, "CITY"]]})],
        "text not a string": [json.dumps({"id": "1", "text": 42, "label": []})],
        "past the end": [json.dumps({"id": "1", "text": text, "label": [[0, 99, "DISTRICT"]]})],
        "overlap": [json.dumps({"id": "1", "text": text, "label": [[0, 3, "DISTRICT"], [1, 3, "DISTRICT"]]})],
        "reversed body": [json.dumps({"id": "1", "text": text, "body": [[10, 5]], "label": []})],
        "empty": [],
        "out is a file": [GOOD],
        "missing": None,
    }[case]
    gold = tmp_path / "missing.jsonl" if records is None else _gold(tmp_path, "g.jsonl", *records)
    out = tmp_path / "model"
    if case == "out is a file":
        out.write_text("not a directory", encoding="utf-8")
    status, _, err = cli("train", "--no-cv", "--gold", gold, "--out", out)
    assert status == 2
    one_line_errors(err)
    assert len(err) == 1
    assert not trained  # refused before any training
    assert not out.is_dir()
    # eval gives the same answer for the same gold file
    if case != "out is a file":
        eval_status, _, eval_err = cli("eval", gold)
        assert eval_status == 2 and eval_err == err


# ---------------------------------------------------------------- case 18


def test_case18_html_without_text_is_tagged_as_empty(cli, tmp_path):
    pytest.importorskip("trafilatura")
    pages = {
        "empty.html": "",
        "script.html": "<html><head><script>var x = 1;</script></head><body><script>x++</script></body></html>",
        "nobody.html": "<html><head><title>제목</title></head></html>",
    }
    for name, html in pages.items():
        (tmp_path / name).write_text(html, encoding="utf-8")
    status, out, err = cli("tag", *(tmp_path / n for n in pages))
    assert status == 0, err
    assert out == ""
    assert all(line.startswith("kgov-ner: ") for line in err)


# ---------------------------------------------------------------- case 19


@pytest.mark.parametrize("workers, error", [(-5, ValueError), (0, ValueError), (1.5, TypeError), ("2", TypeError)])
def test_case19_kiwi_workers_checked(workers, error):
    from kgov_ner import Tagger

    with pytest.raises(error, match="kiwi_workers"):
        Tagger(kiwi_workers=workers)


# ---------------------------------------------------------------- also


def test_also_broken_pipe_exits_141(monkeypatch, tagger, tmp_path):
    monkeypatch.setattr(cli_output, "load_tagger", lambda keep=False: tagger)

    class ClosedPipe(io.StringIO):
        encoding = "utf-8"

        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def fileno(self):
            raise io.UnsupportedOperation("no descriptor")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert cli_module.main(["tag", str(_page(tmp_path / "p.txt"))]) == 141


def test_also_jobs_capped_at_files_and_cores(cli, monkeypatch, tmp_path):
    import kgov_ner.engines.local as local

    def no_pool(*args, **kwargs):
        raise AssertionError("one file needs no worker processes")

    monkeypatch.setattr(local, "parallel_map", no_pool)
    status, out, err = cli("tag", "-j", "1000", _page(tmp_path / "p.txt"))
    assert status == 0, err
    assert out.count("\n") >= 4


def test_also_gbk_is_not_read_as_cp949_mojibake():
    chinese = "北京市在就业评估中获得优秀奖，获得奖金五百万元。" * 3  # valid CP949 bytes, as it happens
    with pytest.raises(InputError, match="mostly Hanja"):
        decode_bytes(chinese.encode("gbk"), "zh.txt")
    korean = "종로구(鍾路區)는 大韓民國 수도 서울의 중심에 있다. 일자리 평가에서 우수구로 뽑혔다." * 3
    assert decode_bytes(korean.encode("cp949"), "ko.txt").encoding == "cp949"


@pytest.mark.parametrize("fmt", ["conll", "table"])
def test_also_newline_in_a_file_name_stays_on_one_line(cli, tmp_path, fmt):
    page = _page(tmp_path / "a\nb.txt")
    status, out, err = cli("tag", "-f", fmt, page)
    assert status == 0, err
    shown = str(page).replace("\n", "\\n")
    if fmt == "conll":
        assert out.splitlines()[0] == "# file = " + shown
    else:
        rows = out.splitlines()[1:]
        assert rows and all(r.startswith(shown) for r in rows)


def test_also_pipe_keeps_the_length_limit(tagger):
    with pytest.raises(ValueError, match="E088"):
        list(tagger.pipe(["가" * (tagger.nlp.max_length + 1)]))


def test_also_model_of_a_wrong_type_fails_at_once():
    from kgov_ner import Tagger

    with pytest.raises(TypeError, match="model must be"):
        Tagger(model=123)
