"""The process-wide Kiwi analyser, created once, optionally in the background.

No spaCy import here: the CLI starts loading Kiwi (about 2 s: the analyser,
then its lazily loaded language model) on a thread before it imports spaCy
and builds the pipeline, so the two overlap.
"""

from __future__ import annotations

import threading
from typing import NamedTuple


class Morph(NamedTuple):
    """One Kiwi morpheme: base form, tag and its span in the analysed string.

    A plain tuple, so that Docs carrying morphemes serialise (``doc.to_bytes``).
    The bridge keeps them in the input's offsets; the rule layer gets them in
    the offsets of the NFC string it searches.
    """

    form: str
    tag: str
    start: int
    end: int


_LOCK = threading.Lock()
_KIWIS: dict = {}
_LOADERS: dict = {}


def check_workers(num_workers) -> None:
    """Refuse a thread count the tagger cannot use: ``Kiwi(num_workers=-5)`` never returns,
    and ``0`` (Kiwi's single-threaded mode) cannot analyse a batch (``Tagger.pipe``).

    Allowed: ``None`` (Kiwi's default), ``-1`` (one thread per core), ``N`` ≥ 1.
    """
    if num_workers is None:
        return
    if not isinstance(num_workers, int) or isinstance(num_workers, bool):
        raise TypeError(f"kiwi_workers must be an int or None, got {type(num_workers).__name__}")
    if num_workers == 0 or num_workers < -1:
        raise ValueError("kiwi_workers must be a positive number of threads, -1 (one per core) "
                         f"or None (Kiwi's default), got {num_workers}")


def _build(num_workers: int | None):
    from kiwipiepy import Kiwi

    # No typo-correction dictionary (typo correction is off) and no multi-word
    # dictionary: together they are 60 % of Kiwi's start-up, and the tagger's
    # scores are the same without them (eval --cv).
    options = {"load_typo_dict": False, "load_multi_dict": False}
    kiwi = Kiwi(**options) if num_workers is None else Kiwi(num_workers=num_workers, **options)
    kiwi.tokenize("가")  # Kiwi loads its model on first use: do it now
    return kiwi


def preload_kiwi(num_workers: int | None = None) -> None:
    """Start building the Kiwi for ``num_workers`` on a daemon thread (no-op if done or under way)."""
    check_workers(num_workers)
    with _LOCK:
        if num_workers in _KIWIS or num_workers in _LOADERS:
            return
        result: dict = {}

        def run() -> None:
            try:
                result["kiwi"] = _build(num_workers)
            except BaseException as exc:  # re-raised by get_kiwi in the caller's thread
                result["error"] = exc

        thread = threading.Thread(target=run, name="kgov_ner-kiwi-preload", daemon=True)
        _LOADERS[num_workers] = (thread, result)
        thread.start()


def get_kiwi(num_workers: int | None = None):
    """Return the process-wide Kiwi analyser for ``num_workers``, building it on first use."""
    check_workers(num_workers)
    with _LOCK:
        if num_workers in _KIWIS:
            return _KIWIS[num_workers]
        loader = _LOADERS.get(num_workers)
    if loader is not None:
        thread, result = loader
        thread.join()
        with _LOCK:
            _LOADERS.pop(num_workers, None)
            if "error" in result:
                raise result["error"]
            _KIWIS.setdefault(num_workers, result["kiwi"])
            return _KIWIS[num_workers]
    with _LOCK:
        if num_workers not in _KIWIS:
            _KIWIS[num_workers] = _build(num_workers)
        return _KIWIS[num_workers]
