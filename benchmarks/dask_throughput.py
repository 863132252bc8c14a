"""Local engine against Dask on one corpus, and memory on long-running workers.

    python benchmarks/dask_throughput.py [--mb 2] [--workers 2] [--rounds 10]

Needs ``pip install -e '.[dask]'``. One run, the corpus of
``benchmarks/throughput.py`` (the seed pages repeated to ≥ ``--mb`` MB):

CPU-seconds (of every process doing the work) are printed beside wall-clock
rates: on a machine shared with other jobs they say more than chars/s.

1. chars/s of the local engine: one process (``Tagger().pipe``) and
   ``parallel_map`` with ``--workers`` jobs (``tag --jobs``, start-up included);
2. chars/s of a ``--workers``-process Dask ``LocalCluster`` (1 thread per
   worker, :class:`kgov_ner.engines.cluster.TaggerPlugin`): cluster start and Tagger
   builds, then ``tag_bag`` over in-memory records and ``tag_files`` over the
   corpus written out as files (read by the workers), each on warm workers;
3. peak RSS per worker (``client.run``, ``ru_maxrss``) and the workers'
   StringStore sizes before and after;
4. memory over time: ``--rounds`` rounds of 200 distinct synthetic pages
   (random Hangul words: nearly every word new) through the same workers,
   RSS, StringStore size and pipeline rebuilds per worker after each round;
   and, for contrast, such pages in one fresh process per mode: no memory
   zone, memory zones only, memory zones + a pipeline rebuild every
   ``RELOAD_CHARS`` characters (what the workers do).

The machine's load average is printed at the start and the end: other
processes on the cores skew every figure.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from throughput import corpus  # noqa: E402 - the same corpus as the local benchmark


def rate(chars: int, seconds: float, cpu: float | None = None) -> str:
    """chars/s of wall time, and chars per CPU-second over all the processes that worked."""
    out = f"{chars / seconds:>10,.0f} chars/s"
    return out + (f"   ({chars / cpu:>7,.0f} per CPU-s)" if cpu else "")


def cpu_seconds(pids: list[int]) -> float:
    import psutil

    return sum(sum(psutil.Process(p).cpu_times()[:2]) for p in pids)


def _count(tagger, texts):
    return sum(len(d.ents) for d in tagger.pipe(texts))


def synthetic_pages(rng: random.Random, n: int, words: int = 300) -> list[str]:
    def word() -> str:
        return "".join(chr(0xAC00 + rng.randrange(11172)) for _ in range(rng.randint(2, 5)))

    return [" ".join(word() for _ in range(words)) + ". 송파구는 우수구로 선정됐다." for _ in range(n)]


class RssSampler:
    """Sample the RSS of some processes every ``interval`` seconds on a thread."""

    def __init__(self, pids: list[int], interval: float = 0.25):
        import psutil

        self.procs = [psutil.Process(p) for p in pids]
        self.interval = interval
        self.peak = {p.pid: 0.0 for p in self.procs}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for p in self.procs:
                try:
                    self.peak[p.pid] = max(self.peak[p.pid], p.memory_info().rss / 2**20)
                except Exception:  # noqa: BLE001 - a worker that went away
                    pass
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def local_memory(mode: str, n_pages: int) -> None:
    """One mode of the in-process memory comparison; prints one line."""
    import psutil

    from kgov_ner.engines import cluster as kd
    from kgov_ner.engines.local import tag_batch

    holder = kd._Holder("bench", 1, {}, True, kd.RELOAD_CHARS if mode == "zone+reload" else None)
    rng = random.Random(0)
    process = psutil.Process()
    with holder.lock:
        tag_batch([{"id": 0, "text": "송파구는 우수구로 선정됐다."}], holder.get())
        rss0, strings0 = process.memory_info().rss / 2**20, len(holder.tagger.nlp.vocab.strings)
        for _ in range(n_pages // 20):
            records = [{"id": j, "text": t} for j, t in enumerate(synthetic_pages(rng, 20))]
            tag_batch(records, holder.tagger, memory_zone=mode != "no-zone")
            holder.after_batch(sum(len(r["text"]) for r in records))
        print(f"StringStore {strings0:,} → {len(holder.tagger.nlp.vocab.strings):,}; "
              f"RSS {rss0:,.0f} → {process.memory_info().rss / 2**20:,.0f} MB; "
              f"pipeline rebuilds {holder.reloads}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=2.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=20, help="rounds of 200 synthetic pages (memory over time)")
    ap.add_argument("--local-memory", choices=("no-zone", "zone", "zone+reload"), help=argparse.SUPPRESS)
    ap.add_argument("--pages", type=int, default=2000, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.local_memory:
        local_memory(args.local_memory, args.pages)
        return

    import dask.bag as db
    from distributed import Client, LocalCluster

    from kgov_ner import Tagger
    from kgov_ner.engines import cluster as kd
    from kgov_ner.engines.local import parallel_map, tag_batch

    texts = corpus(args.mb)
    chars = sum(map(len, texts))
    cores = os.cpu_count() or 1
    print(f"corpus: {len(texts)} pages, {chars:,} chars, "
          f"{sum(len(t.encode('utf-8')) for t in texts) / 1e6:.1f} MB; machine: {cores} cores; "
          f"python {sys.version.split()[0]}; load average {os.getloadavg()[0]:.2f}")

    # -- local engine ------------------------------------------------------
    tagger = Tagger()
    _count(tagger, texts[:5])
    t0, c0 = time.perf_counter(), time.process_time()
    _count(tagger, texts)
    one_s, one_cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"{'local, 1 process, Tagger().pipe (warm):':52s}{rate(chars, one_s, one_cpu)}")

    chunk = 8
    chunks = [texts[i:i + chunk] for i in range(0, len(texts), chunk)]
    t0 = time.perf_counter()
    list(parallel_map(_count, chunks, jobs=args.workers))
    par_s = time.perf_counter() - t0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"{f'local, parallel_map --jobs {args.workers} (incl. start-up):':52s}"
          f"{rate(chars, par_s, children.ru_utime + children.ru_stime)}")

    # -- Dask ----------------------------------------------------------------
    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                           dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
    client = Client(cluster)
    start_s = time.perf_counter() - t0
    kd.register_tagger(client, workers_per_host=args.workers)
    build_s = time.perf_counter() - t0 - start_s
    before = client.run(kd.worker_info)
    pids = [i["pid"] for i in before.values()]
    print(f"dask: LocalCluster({args.workers} workers × 1 thread) up in {start_s:.1f} s, "
          f"Taggers built in {build_s:.1f} s; Kiwi threads per worker: "
          f"{sorted({i['kiwi_threads'] for i in before.values()})}")

    records = [{"id": i, "text": t} for i, t in enumerate(texts)]
    bag = db.from_sequence(records, partition_size=chunk)
    with RssSampler(pids) as sampler:
        t0, c0 = time.perf_counter(), cpu_seconds(pids)
        results = kd.tag_bag(bag).compute()
        bag_s, bag_cpu = time.perf_counter() - t0, cpu_seconds(pids) - c0
    assert len(results) == len(texts) and not [r for r in results if "error" in r]
    print(f"{f'dask, tag_bag ({bag.npartitions} partitions, warm):':52s}{rate(chars, bag_s, bag_cpu)}")
    print(f"{'dask, cold (cluster + Taggers + tag_bag):':52s}{rate(chars, start_s + build_s + bag_s)}")

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, text in enumerate(texts):
            path = Path(tmp) / "in" / f"{i:05d}.txt"
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        t0, c0 = time.perf_counter(), cpu_seconds(pids)
        parts = kd.tag_files(paths, Path(tmp) / "parts", client=client, partition_size=chunk)
        files_s, files_cpu = time.perf_counter() - t0, cpu_seconds(pids) - c0
    print(f"{f'dask, tag_files ({len(parts)} parts, warm):':52s}{rate(chars, files_s, files_cpu)}")

    after = client.run(kd.worker_info)
    for addr in before:
        b, a = before[addr], after[addr]
        print(f"  worker {addr}: peak RSS {a['peak_rss_mb']:,.0f} MB (sampled during tag_bag: "
              f"{sampler.peak.get(a['pid'], 0):,.0f} MB); StringStore {b['strings']:,} → {a['strings']:,}; "
              f"Tagger builds {a['builds']}")

    # -- memory over time --------------------------------------------------------
    rng = random.Random(0)
    print(f"memory over time: {args.rounds} rounds × 200 distinct synthetic pages "
          f"(300 random words each) on the Dask workers (pipeline rebuilt every "
          f"{kd.RELOAD_CHARS:,} chars)")
    print(f"  {'round':>5}  {'pages':>6}  " + "  ".join(f"{'RSS MB':>7} {'strings':>7} {'reloads':>7}" for _ in before))
    pages_done = 0
    for r in range(1, args.rounds + 1):
        pages = synthetic_pages(rng, 200)
        out = kd.tag_bag(db.from_sequence([{"id": i, "text": t} for i, t in enumerate(pages)],
                                          npartitions=2 * args.workers)).compute()
        assert not [o for o in out if "error" in o]
        pages_done += len(pages)
        info = client.run(kd.worker_info)
        print(f"  {r:>5}  {pages_done:>6}  " + "  ".join(
            f"{info[a]['rss_mb']:>7,.0f} {info[a]['strings']:>7,} {info[a]['reloads']:>7}" for a in before))
    print("  pipeline rebuilds: " + "; ".join(
        f"{info[a]['reloads']} in {info[a]['reload_seconds']:.2f} s" for a in before) + " (per worker)")
    client.close()
    cluster.close()

    n_local = min(args.rounds, 10) * 200
    print(f"the same kind of pages in one process (a fresh one per mode), {n_local} pages, "
          "tag_batch of 20 at a time:")
    for mode in ("no-zone", "zone", "zone+reload"):
        proc = subprocess.run([sys.executable, __file__, "--local-memory", mode, "--pages", str(n_local)],
                              capture_output=True, text=True, check=True)
        print(f"  {mode:12s} {proc.stdout.strip()}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
