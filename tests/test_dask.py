"""The Dask engine (issue 9): a local cluster of 2 worker processes, 1 thread each.

Needs ``kgov_ner[dask]`` (the ``test`` extra installs it); skipped without it.
"""

from __future__ import annotations

import io
import json
import logging
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")
db = pytest.importorskip("dask.bag")

from kgov_ner.engines import cluster as kd  # noqa: E402
from kgov_ner.engines.local import tag_batch  # noqa: E402

pytestmark = pytest.mark.dask

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED_PAGES = sorted(SEEDS.glob("*.txt"))


def hangul_words(rng: random.Random, n: int) -> str:
    """``n`` random Hangul 'words': nearly every one new to the vocabulary."""
    return " ".join("".join(chr(0xAC00 + rng.randrange(11172)) for _ in range(rng.randint(2, 5)))
                    for _ in range(n))


def build_corpus() -> list:
    """≥ 200 records: seed slices, random-word pages, empty, one ~1 MB page and garbage."""
    rng = random.Random(9)
    pages = [p.read_text(encoding="utf-8") for p in SEED_PAGES]
    texts = []
    for i in range(140):
        page = pages[i % len(pages)]
        start = rng.randrange(len(page) // 2)
        texts.append(page[start:start + rng.randint(200, 3000)])
    for _ in range(50):
        texts.append(hangul_words(rng, rng.randint(20, 300)) + ". 송파구는 우수구로 선정됐다.")
    texts += ["", " ", "\n\n\t"]
    huge = ""
    while len(huge.encode("utf-8")) < 1_000_000:
        huge += pages[len(huge) % len(pages)] + "\n"
    texts.append(huge)
    texts.append("".join(chr(rng.randrange(0, 0x3000)) for _ in range(3000)))  # binary-ish
    texts.append("\x00\x01\x02\ufffe\uffff" * 200)
    texts.append("송파구 \ud800 lone surrogate")  # Kiwi cannot take it: an error record
    records: list = [{"id": f"doc{i:04d}", "text": t} for i, t in enumerate(texts)]
    records += [
        {"id": "none", "text": None},
        {"id": "int", "text": 42},
        {"id": "bytes", "text": "송파구".encode("utf-8")},
        {"id": "no-text"},
    ]
    return records


def by_id(results):
    return sorted(results, key=lambda r: str(r["id"]))


@pytest.fixture(scope="module")
def corpus():
    records = build_corpus()
    assert len(records) >= 200
    return records


@pytest.fixture(scope="module")
def expected(corpus, tagger):
    """The single-process answer: one ``tag_batch`` over the whole corpus."""
    return tag_batch(corpus, tagger)


@pytest.fixture(scope="module")
def cluster():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
    yield cluster
    cluster.close()


@pytest.fixture(scope="module")
def client(cluster):
    with distributed.Client(cluster) as client:
        kd.register_tagger(client)
        yield client


def builds(client) -> dict:
    return {addr: info["builds"] for addr, info in client.run(kd.worker_info).items()}


def test_bag_matches_single_process_with_errors_and_one_tagger_per_worker(client, corpus, expected):
    assert list(builds(client).values()) == [1, 1]  # built by the plugin, before any task
    bag = db.from_sequence(corpus, npartitions=10)
    assert bag.npartitions >= 8
    results = kd.tag_bag(bag).compute()
    assert by_id(results) == by_id(expected)
    assert results == expected  # and in input order

    errors = {r["id"]: r["error"] for r in results if "error" in r}
    assert set(errors) == {"doc0196", "none", "int", "bytes", "no-text"}
    assert errors["bytes"] == "TypeError: kgov_ner expects str, got bytes"
    assert all("entities" in r for r in results if r["id"] not in errors)
    huge = next(r for r, rec in zip(results, corpus) if len(rec.get("text") or "") > 300_000)
    assert len(huge["entities"]) > 10

    info = client.run(kd.worker_info)
    assert [i["builds"] for i in info.values()] == [1, 1]
    assert all(i["kiwi_threads"] == kd.kiwi_threads_for(2, kd._cores()) for i in info.values())
    # memory zones: the distinct random words left nothing in the workers' vocabularies
    assert all(i["strings"] < 5_000 for i in info.values()), info


def test_tag_files_rerun_writes_only_missing_parts(client, tmp_path):
    rng = random.Random(3)
    inputs = tmp_path / "in"
    inputs.mkdir()
    paths = []
    for i in range(18):
        path = inputs / f"{i:02d}.txt"
        seed = SEED_PAGES[i % len(SEED_PAGES)].read_text(encoding="utf-8")
        path.write_text(seed if i % 3 else hangul_words(rng, 50) + " 마포구가 최우수구로 뽑혔다.", encoding="utf-8")
        paths.append(str(path))
    (inputs / "png.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (inputs / "cp949.txt").write_bytes("강북구는 우수구로 선정돼 8000만원을 받았다.".encode("cp949"))
    paths += [str(inputs / "png.txt"), str(inputs / "missing.txt"), str(inputs / "cp949.txt")]

    out = tmp_path / "parts"
    parts = kd.tag_files(paths, out, client=client, partition_size=4)
    assert [Path(p).name for p in parts] == [f"part-{i:05d}.jsonl" for i in range(6)]
    lines = [json.loads(line) for p in parts for line in Path(p).read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in lines] == paths
    errors = {Path(r["id"]).name: r["error"] for r in lines if "error" in r}
    assert errors == {"png.txt": "binary file (PNG image), not text", "missing.txt": "no such file"}
    cp949 = next(r for r in lines if r["id"].endswith("cp949.txt"))
    assert cp949["encoding"] == "cp949" and [e["label"] for e in cp949["entities"]] == ["DISTRICT", "AWARD", "MONEY"]

    contents = {p: Path(p).read_bytes() for p in parts}
    old = 1_000_000_000  # an mtime no write of this run can produce
    for p in parts:
        os.utime(p, (old, old))
    os.unlink(parts[2])
    assert kd.tag_files(paths, out, client=client, partition_size=4) == parts
    for i, p in enumerate(parts):
        assert Path(p).read_bytes() == contents[p]
        assert (os.stat(p).st_mtime == old) == (i != 2), p
    assert not [f for f in os.listdir(out) if f.endswith(".tmp")]

    with pytest.raises(ValueError, match="other inputs"):
        kd.tag_files(paths[:-1], out, client=client, partition_size=4)
    assert list(builds(client).values()) == [1, 1]


def _local_engine_output(*args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run([sys.executable, "-m", "kgov_ner", "tag", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def seed_args():
    return [str(p.relative_to(ROOT)) for p in SEED_PAGES]


@pytest.fixture(scope="module")
def local_seed_output(seed_args):
    return _local_engine_output(*seed_args)


def test_run_tag_dask_on_a_scheduler_equals_the_local_engine(client, cluster, seed_args, local_seed_output,
                                                             monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    code = kd.run_tag_dask([*seed_args[:2], "seeds/missing.txt", *seed_args[2:]], out,
                           scheduler=cluster.scheduler_address)
    assert code == 2
    assert out.getvalue() == local_seed_output
    assert capsys.readouterr().err.splitlines() == ["kgov-ner: seeds/missing.txt: no such file"]
    assert list(builds(client).values()) == [1, 1]  # the engine's plugin reused the workers' Taggers


def test_run_tag_dask_on_its_own_local_cluster_equals_the_local_engine_with_all(seed_args, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    assert kd.run_tag_dask(seed_args, out, workers=2, keep_boilerplate=True) == 0
    assert out.getvalue() == _local_engine_output("--all", *seed_args)
    assert '"in_body": false' in out.getvalue()


def test_run_tag_dask_reads_stdin_here_and_reports_like_the_local_engine(client, cluster, tmp_path, monkeypatch,
                                                                          capsys):
    from kgov_ner.text.reading import expand_inputs

    (tmp_path / "empty").mkdir()
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("강북구는 우수구로 선정됐다.".encode("cp949"))
    monkeypatch.setattr(sys, "stdin", io.StringIO("송파구는 4500만 원을 확보했다."))
    out = io.StringIO()
    paths = list(expand_inputs(["-", str(tmp_path / "empty"), str(legacy)]))
    assert kd.run_tag_dask(paths, out, scheduler=cluster.scheduler_address) == 2
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["file"], r["label"]) for r in lines] == [
        ("<stdin>", "DISTRICT"), ("<stdin>", "MONEY"), (str(legacy), "DISTRICT"), (str(legacy), "AWARD")]
    assert capsys.readouterr().err.splitlines() == [
        f"kgov-ner: {tmp_path / 'empty'}: no .txt or .html files in this directory (use --recursive for subdirectories)",
        f"kgov-ner: {legacy}: decoded as cp949",
    ]


def test_a_worker_killed_mid_run_is_replaced_and_the_job_completes(client, corpus, expected):
    bag = db.from_sequence(corpus, npartitions=40)
    futures = client.compute(kd.tag_bag(bag).to_delayed())
    distributed.wait(futures, return_when="FIRST_COMPLETED")
    processing = client.processing()
    victim = next(addr for addr, keys in processing.items() if keys)
    pid = client.run(os.getpid, workers=[victim])[victim]
    assert not all(f.done() for f in futures)  # mid-run
    os.kill(pid, signal.SIGKILL)

    results = [r for part in client.gather(futures) for r in part]
    assert results == expected

    client.wait_for_workers(2, timeout=120)
    info = client.run(kd.worker_info)
    assert victim not in info and pid not in [i["pid"] for i in info.values()]
    assert [i["builds"] for i in info.values()] == [1, 1]  # the nanny's new worker built its own, once


def test_preloaded_workers_build_at_start_and_a_plugin_reuses_it():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0",
                                  silence_logs=logging.ERROR, preload=["kgov_ner.engines.cluster"]) as cluster, \
            distributed.Client(cluster) as client:
        info = client.run(kd.worker_info)
        assert [(i["builds"], i["kiwi_threads"]) for i in info.values()] == [(1, 1)]
        kd.register_tagger(client)
        result = kd.tag_bag(db.from_sequence([{"id": 1, "text": "송파구는 우수구로 선정됐다."}])).compute()
        assert [e["label"] for e in result[0]["entities"]] == ["DISTRICT", "AWARD"]
        assert [i["builds"] for i in client.run(kd.worker_info).values()] == [1]


def test_string_store_stays_bounded_over_many_distinct_documents(tagger):
    rng = random.Random(17)
    strings = tagger.nlp.vocab.strings

    def batch(n=20):
        return [{"id": i, "text": hangul_words(rng, 150)} for i in range(n)]

    tag_batch(batch(), tagger)  # anything the first batch adds for good (labels, tags)
    start = len(strings)
    sizes = []
    for _ in range(10):
        tag_batch(batch(), tagger)
        sizes.append(len(strings))
    assert sizes == [start] * 10  # 200 documents, ~30,000 new words: nothing kept

    tag_batch(batch(), tagger, memory_zone=False)  # without the zone every new word stays
    assert len(strings) > start + 2_000


def test_the_pipeline_is_rebuilt_after_reload_chars_and_tags_the_same(tagger):
    # zones free the strings, not the hash tables' capacity: workers rebuild the pipeline now and then
    holder = kd._Holder("test-reload", None, {}, True, reload_chars=10_000)
    records = [{"id": p.name, "text": p.read_text(encoding="utf-8")} for p in SEED_PAGES]
    with holder.lock:
        first = holder.get()
        before = tag_batch(records, first)
        holder.after_batch(sum(len(r["text"]) for r in records))
        assert holder.reloads == 1 and holder.chars == 0 and holder.tagger is not first
        assert tag_batch(records, holder.get()) == before == tag_batch(records, tagger)
    assert kd._BUILDS["test-reload"] == 1


def test_a_clear_error_without_the_extra():
    code = ("import sys; sys.modules['distributed'] = None\n"
            "try:\n    import kgov_ner.engines.cluster\nexcept ImportError as e:\n    print(e)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert "pip install 'kgov_ner[dask]'" in proc.stdout, proc.stderr


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--workers", "0"], "--workers must be at least 1, got 0"),
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "give one of them"),
        (["--format", "table"], "--engine dask writes --format jsonl only"),
        (["-o", "seeds/one.txt"], "is also an input"),
    ],
)
def test_dask_engine_argument_errors_are_one_line_and_start_nothing(tmp_path, extra, message):
    page = tmp_path / "one.txt"
    page.write_text("송파구는 우수구로 선정됐다.", encoding="utf-8")
    extra = [str(page) if a == "seeds/one.txt" else a for a in extra]
    proc = subprocess.run([sys.executable, "-m", "kgov_ner", "tag", "--engine", "dask", str(page), *extra],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and message in proc.stderr, proc.stderr
    assert page.read_text(encoding="utf-8") == "송파구는 우수구로 선정됐다."  # -o never touched the input


def test_cli_engine_dask_writes_the_local_engines_lines_to_its_output_file(tmp_path, seed_args, local_seed_output):
    out = tmp_path / "entities.jsonl"
    out.write_text("previous run\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run([sys.executable, "-m", "kgov_ner", "tag", *seed_args, "--engine", "dask", "--workers", "1",
                           "-o", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8",
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert out.read_text(encoding="utf-8") == local_seed_output  # replaced whole, nothing left of the old file
    assert not [p for p in tmp_path.iterdir() if p.name != "entities.jsonl"]  # no temporary file left behind


def test_case15_a_scheduler_address_that_is_no_address(capsys):
    """Issue 16, case 15: one line on stderr and status 2, not a ValueError traceback."""
    out = io.StringIO()
    assert kd.run_tag_dask([str(SEED_PAGES[0])], out, scheduler="not a url") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("kgov-ner: cannot reach the Dask scheduler not a url")
    assert out.getvalue() == ""
