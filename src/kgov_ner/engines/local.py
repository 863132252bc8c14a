"""Tagging many documents: one pure batch function, and a local parallel engine.

:func:`tag_batch` is what every engine calls (the local process pool here,
Dask workers in :mod:`kgov_ner.engines.cluster`): records in, one result per record
out, in order, and a document that fails becomes ``{"id", "error"}`` while
the batch goes on.

Each worker process builds its own Tagger (and so its own Kiwi) once, in
the pool's initializer: a Kiwi is ~500 MB and a second to build, and it is
never shipped pickled.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

_WORKER_TAGGER = None


def kiwi_threads_for(jobs: int, cores: int | None = None) -> int:
    """Kiwi threads per process so that threads × processes ≤ cores."""
    cores = cores or os.cpu_count() or 1
    return max(1, cores // max(1, jobs))


def entity_records(doc) -> list[dict]:
    """Entities of a tagged Doc as plain dicts (offsets, label, text, norm, in_body)."""
    from kgov_ner.pipeline.tagger import entity_dict

    return [entity_dict(ent) for ent in doc.ents]


def _memory_zone(tagger):
    """``tagger.nlp.memory_zone()`` (spaCy ≥ 3.8), else a no-op context."""
    zone = getattr(getattr(tagger, "nlp", None), "memory_zone", None)
    return zone() if zone is not None else contextlib.nullcontext()


def tag_batch(records: Sequence[Mapping[str, Any]], tagger=None, text_key: str = "text",
              id_key: str = "id", memory_zone: bool = True) -> list[dict]:
    """Tag a batch of ``{"id", "text"}`` records; results in input order.

    Each result is ``{"id": ..., "entities": [...]}``, or ``{"id": ..., "error": "..."}``
    for a record that is not a mapping with a ``str`` text or whose tagging
    failed; the other records are still tagged.

    With ``memory_zone`` (default) the batch runs inside spaCy's
    ``nlp.memory_zone()`` (spaCy ≥ 3.8): the strings and lexemes the batch
    adds to the vocabulary are freed when it ends, so a long-running worker's
    StringStore does not grow with every new word. The Docs never leave the
    zone: only plain dicts are returned. Pass ``False`` when the caller
    already runs inside a memory zone (zones do not nest).

    >>> tag_batch([{"id": 1, "text": "송파구가 선정됐다."}, {"id": 2, "text": None}])[1]
    {'id': 2, 'error': 'TypeError: kgov_ner expects str, got NoneType'}
    """
    from kgov_ner.pipeline.tagger import default_tagger

    tagger = tagger or default_tagger()
    results: list[dict | None] = [None] * len(records)
    good: list[tuple[int, str]] = []
    for i, record in enumerate(records):
        rid = record.get(id_key) if isinstance(record, Mapping) else None
        text = record.get(text_key) if isinstance(record, Mapping) else None
        if not isinstance(text, str):
            results[i] = {"id": rid, "error": f"TypeError: kgov_ner expects str, got {type(text).__name__}"}
        else:
            good.append((i, text))
    with _memory_zone(tagger) if memory_zone else contextlib.nullcontext():
        docs = _tag_each(tagger, [t for _, t in good])
        for (i, _), doc in zip(good, docs):
            rid = records[i].get(id_key)
            if isinstance(doc, Exception):
                results[i] = {"id": rid, "error": f"{type(doc).__name__}: {doc}"}
            else:
                # inside the zone: a Doc must not be touched after it ends
                results[i] = {"id": rid, "entities": entity_records(doc)}
        del docs
    return results  # type: ignore[return-value]


def _tag_each(tagger, texts: list[str]) -> list:
    """The Doc of each text, in one ``pipe`` call; an exception in place of the Doc of a text that failed."""
    try:
        return list(tagger.pipe(texts))
    except Exception:  # one bad document must not sink the batch: redo them one by one
        docs: list = []
        for text in texts:
            try:
                docs.append(tagger(text))
            except Exception as exc:  # noqa: BLE001 - captured per document, by design
                docs.append(exc)
        return docs


def _init_worker(tagger_kwargs: dict) -> None:
    global _WORKER_TAGGER
    from kgov_ner.pipeline.tagger import Tagger

    _WORKER_TAGGER = Tagger(**tagger_kwargs)


def _run_in_worker(job: tuple[Callable, Any]):
    func, arg = job
    return func(_WORKER_TAGGER, arg)


def parallel_map(func: Callable[[Any, Any], Any], items: Iterable[Any], jobs: int = 1,
                 tagger_kwargs: Mapping[str, Any] | None = None, chunksize: int = 1) -> Iterator[Any]:
    """``func(tagger, item)`` for every item, in input order, streamed as results arrive.

    ``jobs`` > 1 runs that many worker processes, each with one Tagger whose
    Kiwi uses ``cores // jobs`` threads; ``func`` must be a module-level
    function (it is pickled to the workers).
    """
    tagger_kwargs = dict(tagger_kwargs or {})
    if jobs <= 1:
        from kgov_ner.pipeline.tagger import Tagger

        tagger = Tagger(**tagger_kwargs)
        for item in items:
            yield func(tagger, item)
        return
    tagger_kwargs.setdefault("kiwi_workers", kiwi_threads_for(jobs))
    # spawn, not fork: the parent may run Kiwi's threads, and a forked copy of a
    # threaded process can deadlock; each worker builds its own Kiwi anyway.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init_worker,
                               initargs=(tagger_kwargs,))
    try:
        yield from pool.map(_run_in_worker, ((func, item) for item in items), chunksize=chunksize)
    except BaseException:
        # Interrupted, terminated, or the caller stopped reading (GeneratorExit): the
        # workers must not go on tagging (or linger, ~500 MB each) after this process ends.
        _stop_workers(pool)
        raise
    pool.shutdown(wait=True)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued, end the worker processes now and reap them."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
