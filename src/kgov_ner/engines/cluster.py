"""Tagging a corpus beyond one machine, on Dask (``pip install 'kgov_ner[dask]'``).

Every Dask task calls :func:`kgov_ner.engines.local.tag_batch`, the same pure batch
function as the local engine, with the Tagger of the worker it runs on:

- :class:`TaggerPlugin` (``client.register_plugin(TaggerPlugin())``) builds
  one Tagger per worker process when the worker starts or when the plugin is
  registered, never per task; a Kiwi is never pickled. ``dask worker
  --preload kgov_ner.engines.cluster`` does the same at worker start (:func:`dask_setup`).
  Without either, the first task on a worker builds it.
- :func:`tag_bag`: a Bag of ``{"id", "text"}`` records → a Bag of
  ``{"id", "entities"}`` / ``{"id", "error"}`` results.
- :func:`tag_files`: files → ``out_dir/part-00000.jsonl``, … (one part per
  partition, each written atomically); a rerun computes only missing parts.
- :func:`run_tag_dask`: what ``kgov-ner tag --engine dask`` runs; the same
  JSON lines as the local engine.

Kiwi's threads: the tagging of one worker is serialised (spaCy's vocabulary
is not shared between threads), and Kiwi gets ``cores // worker processes on
the host`` threads, so Kiwi threads × worker processes ≤ cores. Memory stays
flat on long-running workers: ``tag_batch`` runs each batch in a spaCy
memory zone (see :func:`kgov_ner.engines.local.tag_batch`), and a worker rebuilds
its spaCy pipeline every :data:`RELOAD_CHARS` characters.
"""

from __future__ import annotations

try:  # absolute imports: these are the real packages, not this module
    import dask
    import dask.bag  # noqa: F401 - needs the [bag] extra's toolz/partd
    import distributed
    from distributed import WorkerPlugin
except ImportError:
    raise ImportError(
        "kgov_ner.engines.cluster needs Dask and distributed: pip install 'kgov_ner[dask]'"
    ) from None

import asyncio
import gc
import json
import logging
import math
import os
import sys
import threading
import time
from collections import Counter, deque
from typing import Any, Iterable, Mapping, Sequence

from kgov_ner.engines.local import kiwi_threads_for, tag_batch
from kgov_ner.text.files import write_text_atomic
from kgov_ner.text.reading import PROG, InputError, decoding_note, display_name, read_input

__all__ = [
    "TaggerPlugin", "dask_setup", "register_tagger", "tag_bag", "tag_files", "run_tag_dask",
    "worker_info", "build_counts",
]

PLUGIN_NAME = "kgov_ner-tagger"
#: Files per partition (task) for :func:`tag_files` unless told otherwise.
DEFAULT_PARTITION_SIZE = 64
#: A worker's spaCy pipeline is rebuilt (Kiwi is kept; ~0.1 s) after tagging
#: this many characters. Memory zones free the strings and lexemes of each
#: batch, but not the capacity of the vocabulary's hash tables: removed keys
#: stay as tombstones, so the tables keep doubling (measured in one process:
#: +81 MB over 8,000 pages of random words with zones alone, +6 MB with a
#: rebuild every 1,000,000 characters); a fresh pipeline drops them.
RELOAD_CHARS = 1_000_000
#: Without memory zones (spaCy < 3.8), also rebuild once the StringStore holds this many strings.
RELOAD_STRINGS = 1_000_000
#: Env variable read by ``dask worker --preload kgov_ner.engines.cluster``: Kiwi threads per worker.
KIWI_THREADS_ENV = "KGOV_NER_KIWI_THREADS"


def _cores() -> int:
    from dask.system import CPU_COUNT  # respects cgroup limits and CPU affinity

    return CPU_COUNT or os.cpu_count() or 1


# --------------------------------------------------------------------------
# one Tagger per worker


class _Holder:
    """The Tagger of one worker (or of this process when not on a worker).

    ``lock`` is held while the Tagger is built and while it tags: tasks of a
    multi-threaded worker wait for each other (Kiwi has its own threads), and
    a task that arrives while the plugin is still building waits for it.
    """

    def __init__(self, key: str, kiwi_threads: int | None, tagger_kwargs: Mapping[str, Any],
                 threads_explicit: bool, reload_chars: int | None = RELOAD_CHARS):
        self.key = key
        self.kiwi_threads = kiwi_threads
        self.tagger_kwargs = dict(tagger_kwargs)
        self.threads_explicit = threads_explicit
        self.reload_chars = reload_chars
        self.lock = threading.RLock()
        self.tagger = None
        self.reloads = 0  # pipeline rebuilds after the first build (see RELOAD_CHARS)
        self.reload_seconds = 0.0
        self.chars = 0  # characters tagged since the pipeline was (re)built

    def get(self):
        """The Tagger, built on first use; call with ``lock`` held."""
        if self.tagger is None:
            self.tagger = _build_tagger(self.key, self.kiwi_threads, self.tagger_kwargs)
        return self.tagger

    def build(self) -> None:
        with self.lock:
            self.get()

    def after_batch(self, chars: int) -> None:
        """Count the characters just tagged; rebuild the pipeline when it is due (call with ``lock`` held)."""
        self.chars += chars
        nlp = getattr(self.tagger, "nlp", None)
        if nlp is None:
            return
        due = self.reload_chars is not None and self.chars >= self.reload_chars
        if not hasattr(nlp, "memory_zone") and len(nlp.vocab.strings) > RELOAD_STRINGS:
            due = True
        if due:
            from kgov_ner.pipeline.tagger import Tagger

            started = time.perf_counter()
            self.tagger = None
            gc.collect()  # spaCy objects hold cycles: free the old pipeline before the new one grows
            self.tagger = Tagger(kiwi_workers=self.kiwi_threads, **self.tagger_kwargs)
            self.reloads += 1
            self.reload_seconds += time.perf_counter() - started
            self.chars = 0


_HOLDERS: dict[str, _Holder] = {}
_HOLDERS_LOCK = threading.Lock()
#: Tagger builds in this process, by worker address ("local" off a worker).
_BUILDS: Counter = Counter()


def _build_tagger(key: str, kiwi_threads: int | None, tagger_kwargs: Mapping[str, Any]):
    from kgov_ner.pipeline.tagger import Tagger

    tagger = Tagger(kiwi_workers=kiwi_threads, **tagger_kwargs)
    tagger("가")  # load Kiwi's model now, not in the first task
    _BUILDS[key] += 1
    return tagger


def _current_worker():
    try:
        return distributed.get_worker()
    except ValueError:  # not inside a Dask worker (local scheduler, plain call)
        return None


def _default_threads(worker) -> int:
    """Kiwi threads without a plugin: the worker's task threads (Dask gives
    workers × threads ≤ cores by default), at most the cores."""
    if worker is None:
        return max(1, _cores())
    return max(1, min(int(getattr(worker, "nthreads", 1) or 1), _cores()))


def _holder_for(worker) -> _Holder:
    key = worker.address if worker is not None else "local"
    with _HOLDERS_LOCK:
        holder = _HOLDERS.get(key)
        if holder is None:
            holder = _HOLDERS[key] = _Holder(key, _default_threads(worker), {}, False)
        return holder


def _install(worker, kiwi_threads: int, tagger_kwargs: Mapping[str, Any], threads_explicit: bool,
             reload_chars: int | None = RELOAD_CHARS) -> _Holder:
    """The worker's holder for this configuration: the present one if it fits, else a new one."""
    with _HOLDERS_LOCK:
        holder = _HOLDERS.get(worker.address)
        fits = (
            holder is not None
            and holder.tagger_kwargs == dict(tagger_kwargs)
            and (not threads_explicit or holder.kiwi_threads == kiwi_threads)
        )
        if not fits:
            holder = _HOLDERS[worker.address] = _Holder(worker.address, kiwi_threads, tagger_kwargs,
                                                       threads_explicit, reload_chars)
        else:
            holder.reload_chars = reload_chars
        return holder


async def _workers_on_host(worker) -> int:
    """How many workers the scheduler knows on this worker's host (this one included)."""
    from distributed.comm import get_address_host

    host = get_address_host(worker.address)
    try:
        identity = await worker.scheduler.identity()
    except Exception:  # noqa: BLE001 - no scheduler answer: assume we are alone
        return 1
    addresses = {addr for addr, info in identity.get("workers", {}).items() if info.get("host") == host}
    addresses.add(worker.address)
    return len(addresses)


class TaggerPlugin(WorkerPlugin):
    """Build one Tagger per worker process, once (``client.register_plugin(TaggerPlugin())``).

    ``kiwi_threads``: Kiwi threads per worker; default ``max(1, cores //
    n)``, ``n`` being ``workers_per_host`` if given, else the number of
    workers the scheduler lists on the worker's host. ``tagger_kwargs`` go to
    :class:`kgov_ner.Tagger` (e.g. ``{"body": "mark"}``). ``reload_chars``:
    rebuild the worker's spaCy pipeline (not Kiwi) after tagging that many
    characters, to give back vocabulary capacity (``None``: never; see
    :data:`RELOAD_CHARS`). A worker that already has a Tagger with the same
    ``tagger_kwargs`` (from ``--preload`` or an earlier registration) keeps
    it unless ``kiwi_threads`` asks for another thread count. Workers that join later (a nanny restarting a
    dead worker) get the plugin from the scheduler and build theirs.
    """

    name = PLUGIN_NAME
    idempotent = False

    def __init__(self, kiwi_threads: int | None = None, tagger_kwargs: Mapping[str, Any] | None = None,
                 workers_per_host: int | None = None, reload_chars: int | None = RELOAD_CHARS):
        if kiwi_threads is not None and kiwi_threads < 1:
            raise ValueError(f"kiwi_threads must be at least 1, got {kiwi_threads}")
        self.kiwi_threads = kiwi_threads
        self.tagger_kwargs = dict(tagger_kwargs or {})
        self.workers_per_host = workers_per_host
        self.reload_chars = reload_chars

    async def setup(self, worker) -> None:
        if self.kiwi_threads is not None:
            threads = self.kiwi_threads
        else:
            n = self.workers_per_host or await _workers_on_host(worker)
            threads = kiwi_threads_for(n, _cores())
        holder = _install(worker, threads, self.tagger_kwargs, self.kiwi_threads is not None, self.reload_chars)
        # Off the event loop: building takes seconds and the worker must keep
        # answering heartbeats meanwhile.
        await asyncio.get_running_loop().run_in_executor(None, holder.build)

    def teardown(self, worker) -> None:
        # The Tagger lives as long as the worker process: a later registration
        # with the same settings (or the preload's) reuses it.
        pass


def dask_setup(worker):
    """``dask worker SCHEDULER --preload kgov_ner.engines.cluster``: build the Tagger at worker start.

    Kiwi threads: ``$KGOV_NER_KIWI_THREADS`` if set, else the worker's
    ``--nthreads`` (at most the cores), which keeps Kiwi threads × workers ≤
    cores whenever ``--nworkers × --nthreads`` does. Returns an awaitable
    (the preload machinery awaits it).
    """
    env = os.environ.get(KIWI_THREADS_ENV, "").strip()
    threads = int(env) if env else _default_threads(worker)
    holder = _install(worker, threads, {}, bool(env))
    return asyncio.get_running_loop().run_in_executor(None, holder.build)


def register_tagger(client, kiwi_threads: int | None = None, tagger_kwargs: Mapping[str, Any] | None = None,
                    workers_per_host: int | None = None, reload_chars: int | None = RELOAD_CHARS) -> None:
    """Register :class:`TaggerPlugin` on ``client``'s cluster; raise if a worker could not build its Tagger."""
    plugin = TaggerPlugin(kiwi_threads=kiwi_threads, tagger_kwargs=tagger_kwargs,
                          workers_per_host=workers_per_host, reload_chars=reload_chars)
    answers = client.register_plugin(plugin)
    failed = {addr: a for addr, a in (answers or {}).items() if isinstance(a, dict) and a.get("status") != "OK"}
    if failed:
        addr, answer = next(iter(failed.items()))
        raise RuntimeError(f"{PROG}: worker {addr} could not build its Tagger: {answer.get('exception_text', answer)}")


def worker_info(dask_worker=None) -> dict:
    """This worker's Tagger state: ``client.run(worker_info)`` gives it for every worker.

    ``builds`` (Tagger builds for this worker), ``reloads`` (pipeline
    rebuilds since, see :data:`RELOAD_CHARS`), ``kiwi_threads``,
    ``strings`` (its StringStore size), ``pid``, ``rss_mb`` and
    ``peak_rss_mb`` (the process's peak resident memory).
    """
    import resource

    key = dask_worker.address if dask_worker is not None else "local"
    holder = _HOLDERS.get(key)
    tagger = holder.tagger if holder is not None else None
    rss = None
    try:
        import psutil

        rss = psutil.Process().memory_info().rss / 2**20
    except ImportError:  # pragma: no cover - psutil comes with distributed
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "pid": os.getpid(),
        "builds": _BUILDS[key],
        "reloads": holder.reloads if holder is not None else 0,
        "reload_seconds": holder.reload_seconds if holder is not None else 0.0,
        "kiwi_threads": holder.kiwi_threads if holder is not None else None,
        "strings": len(tagger.nlp.vocab.strings) if tagger is not None else None,
        "rss_mb": rss,
        "peak_rss_mb": peak / 1024 if sys.platform != "darwin" else peak / 2**20,
    }


def build_counts(dask_worker=None) -> int:
    """Tagger builds for this worker (``client.run(build_counts)``: per worker)."""
    return _BUILDS[dask_worker.address if dask_worker is not None else "local"]


# --------------------------------------------------------------------------
# tasks


def _tag_records(records: Iterable[Mapping[str, Any]], text_key: str = "text", id_key: str = "id") -> list[dict]:
    """Task body: ``tag_batch`` with the Tagger of the worker it runs on."""
    records = list(records)
    holder = _holder_for(_current_worker())
    with holder.lock:
        results = tag_batch(records, holder.get(), text_key=text_key, id_key=id_key)
        holder.after_batch(sum(len(r[text_key]) for r in records
                               if isinstance(r, Mapping) and isinstance(r.get(text_key), str)))
    return results


def tag_bag(bag, text_key: str = "text", id_key: str = "id"):
    """A Bag of ``{"id", "entities"}`` / ``{"id", "error"}`` results, one per record of ``bag``, in order.

    Each partition is one :func:`kgov_ner.engines.local.tag_batch` call with the
    worker's Tagger (register :class:`TaggerPlugin` first, or it is built
    by the first task on each worker).
    """
    return bag.map_partitions(_tag_records, text_key=text_key, id_key=id_key)


def _reason(exc: InputError, shown: str) -> str:
    if exc.reason:
        return exc.reason
    message = str(exc)
    for prefix in (f"{PROG}: {shown}: ", f"{shown}: "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def _read_item(item, html: bool | None) -> dict:
    """``(id, path)`` → ``{"id", "text", "encoding"}`` read here, or ``{"id", "error"}``.

    A mapping (text read elsewhere, e.g. standard input) passes through.
    """
    if isinstance(item, Mapping):
        return dict(item)
    name, path = item
    try:
        decoded = read_input(path, html=html)
    except InputError as exc:
        return {"id": name, "error": _reason(exc, display_name(path))}
    except OSError as exc:
        return {"id": name, "error": exc.strerror or type(exc).__name__}
    return {"id": name, "text": decoded.text, "encoding": decoded.encoding}


def _tag_items(items: Sequence, html: bool | None = None) -> list[dict]:
    """Task body for files: read each in the worker, tag those that decoded.

    A result carries ``"encoding"`` when the file was not plain UTF-8.
    """
    read = [_read_item(item, html) for item in items]
    good = [r for r in read if "text" in r]
    tagged = iter(_tag_records([{"id": r["id"], "text": r["text"]} for r in good]))
    results = []
    for r in read:
        if "text" not in r:
            results.append({"id": r["id"], "error": r["error"]})
            continue
        result = next(tagged)
        if r.get("encoding", "utf-8") != "utf-8":
            result["encoding"] = r["encoding"]
        results.append(result)
    return results


def _write_part(items: Sequence, part: str, html: bool | None = None) -> str:
    results = _tag_items(items, html)
    write_text_atomic(part, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results), newline="")
    return part


def _items(paths: Iterable) -> list:
    """``(shown name, absolute path)`` per input: workers may run in another directory."""
    return [(display_name(p), os.path.abspath(os.fspath(p))) for p in paths]


MANIFEST = "_kgov_ner_parts.json"


def tag_files(paths: Iterable, out_dir, client=None, partition_size: int = DEFAULT_PARTITION_SIZE,
              html: bool | None = None) -> list[str]:
    """Tag files into ``out_dir/part-00000.jsonl``, … and return the part paths, in order.

    Part ``i`` holds the results (``{"id": path, "entities"}`` or ``{"id":
    path, "error"}``, one JSON line per file) of ``paths[i * partition_size
    : (i + 1) * partition_size]``; each part is written by the worker to a
    temporary file and renamed, so a part that exists is complete. A second
    run over the same inputs computes only the parts that are missing.
    ``out_dir`` must be reachable by the workers at the same path (a shared
    file system when they run elsewhere), as must the inputs. ``client``:
    the Dask client to run on (default: Dask's current scheduler).
    """
    if partition_size < 1:
        raise ValueError(f"partition_size must be at least 1, got {partition_size}")
    items = _items(paths)
    out_dir = os.path.abspath(os.fspath(out_dir))
    os.makedirs(out_dir, exist_ok=True)
    manifest = {"partition_size": partition_size, "html": html, "inputs": [name for name, _ in items]}
    manifest_path = os.path.join(out_dir, MANIFEST)
    if os.path.exists(manifest_path):
        with open(manifest_path, encoding="utf-8") as fh:
            if json.load(fh) != manifest:
                raise ValueError(f"{out_dir} holds parts of other inputs or another partition size; "
                                 "use a new directory")
    else:
        write_text_atomic(manifest_path, json.dumps(manifest, ensure_ascii=False), newline="")
    chunks = [items[i:i + partition_size] for i in range(0, len(items), partition_size)]
    parts = [os.path.join(out_dir, f"part-{i:05d}.jsonl") for i in range(len(chunks))]
    tasks = [dask.delayed(_write_part, pure=False)(chunk, part, html)
             for chunk, part in zip(chunks, parts) if not os.path.exists(part)]
    if tasks:
        if client is not None:
            client.gather(client.compute(tasks))
        else:
            dask.compute(*tasks)
    return parts


# --------------------------------------------------------------------------
# the CLI engine


def _start_client(workers: int | None, scheduler: str | None):
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler, timeout="30s"), None
    # A random port for the scheduler's HTTP server: 8787 may be another cluster's.
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
    try:
        return Client(cluster), cluster
    except BaseException:
        cluster.close()
        raise


def run_tag_dask(paths: Iterable, out, workers: int | None = None, scheduler: str | None = None,
                 keep_boilerplate: bool = False, html: bool | None = None,
                 partition_size: int | None = None, kiwi_threads: int | None = None) -> int:
    """``kgov-ner tag FILE... --engine dask``: tag on Dask, write JSON lines to the text stream ``out``.

    ``paths``: input paths in order, as :func:`kgov_ner.text.reading.expand_inputs`
    yields them (an :class:`InputError` item is reported and counted as a
    failure; ``-`` is read here, the files by the workers). Without
    ``scheduler`` a ``LocalCluster`` of ``workers`` processes (default: one
    per core), one thread each, is started and closed; with ``scheduler``
    (``tcp://host:port``) its workers are used, which must see the input
    files at the same absolute paths. Writes exactly the local engine's
    lines (``{"file", "start", "end", "label", "text", "norm", "in_body"}``
    per entity, files in input order); a file that fails is one line on
    stderr and the others go on. Returns 0, or 2 if any input failed.
    """
    if workers is not None and workers < 1:
        _say(f"{PROG}: --workers must be at least 1, got {workers}")
        return 2
    items, failures = _cli_items(paths, html)
    if not items:
        return 2 if failures else 0
    if scheduler is None:
        workers = workers or _cores()
    try:
        client, cluster = _start_client(workers, scheduler)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:  # ValueError: an address that is no address
        _say(f"{PROG}: cannot reach the Dask scheduler {scheduler or '(local cluster)'}: {exc}")
        return 2
    try:
        n_workers = len(client.scheduler_info(n_workers=-1)["workers"]) or 1
        register_tagger(client, kiwi_threads=kiwi_threads,
                        tagger_kwargs={"body": "mark"} if keep_boilerplate else {},
                        workers_per_host=workers if cluster is not None else None)
        size = partition_size or max(1, min(DEFAULT_PARTITION_SIZE, math.ceil(len(items) / (4 * n_workers))))
        chunks = [items[i:i + size] for i in range(0, len(items), size)]
        futures = deque(client.map(_tag_items, chunks, html=html, pure=False))
        while futures:  # in input order; each partition's results are dropped once written
            future = futures.popleft()
            results = future.result()
            del future
            failures += _write_results(results, out)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return 2 if failures else 0


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _cli_items(paths: Iterable, html: bool | None) -> tuple[list, int]:
    """The work items of :func:`run_tag_dask` (standard input read here) and the inputs that already failed."""
    failures = 0
    items: list = []
    for path in paths:
        if isinstance(path, InputError):  # a directory or pattern that matched nothing
            _say(str(path))
            failures += 1
        elif os.fspath(path) == "-":
            try:
                decoded = read_input("-", html=html)
            except InputError as exc:
                _say(str(exc))
                failures += 1
                continue
            items.append({"id": display_name("-"), "text": decoded.text, "encoding": decoded.encoding})
        else:
            items.extend(_items([path]))
    return items, failures


def _write_results(results: Iterable[Mapping[str, Any]], out) -> int:
    """Write one partition's entities as JSON lines, report its failures on stderr; how many failed."""
    failures = 0
    for result in results:
        name = result["id"]
        if "error" in result:
            _say(f"{PROG}: {name}: {result['error']}")
            failures += 1
            continue
        note = decoding_note(name, result.get("encoding", "utf-8"))
        if note:
            _say(note)
        for ent in result["entities"]:
            out.write(json.dumps({"file": name, **ent}, ensure_ascii=False))
            out.write("\n")
    return failures
