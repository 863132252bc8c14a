"""What every command shares: reading and tagging the inputs, writing the output, reporting.

- :func:`tagged` decodes the inputs, reports each one that fails as one line
  on stderr (``kgov-ner: PATH: reason``) and yields ``(name, doc)`` for the
  others, in input order;
- :class:`Output` is standard output or an ``-o`` file written all or
  nothing (:func:`kgov_ner.text.files.atomic_write`); every ``OSError`` of
  the output becomes an :class:`OutputError` with a one-line message;
- :func:`error` and :func:`progress` are the stderr side;
- :data:`EXIT_OK` and :data:`EXIT_INPUT_ERROR` are the exit statuses a
  command returns.

Tagger loading goes through this module's :func:`load_tagger` (looked up
when called), so a test can replace it in one place for every command.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections import deque
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Callable, ContextManager, Iterable, Iterator

from kgov_ner.engines import chunked
from kgov_ner.text.files import atomic_write, write_text_atomic
from kgov_ner.text.reading import PROG, Decoded, InputError, decoding_note, display_name, read_input

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

__all__ = [
    "EXIT_OK", "EXIT_INPUT_ERROR", "Chunked", "Output", "OutputError", "decoded_inputs", "emit_names",
    "emit_text_file", "error", "load_tagger", "long_note", "output_is_input", "progress", "tagged", "too_long",
]

EXIT_OK = 0
EXIT_INPUT_ERROR = 2


def error(message: str) -> None:
    """Write *message* as one line on stderr, at once."""
    print(message, file=sys.stderr, flush=True)


def progress(items: Iterable, args: argparse.Namespace, unit: str = "file", total: int | None = None):
    """A progress bar on stderr for multi-file runs; none when stderr is no terminal or --quiet."""
    total = len(items) if total is None else total  # type: ignore[arg-type]
    if args.quiet or total < 2 or not sys.stderr.isatty():
        return items
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm comes with spaCy; be quiet rather than fail without it
        return items
    return tqdm(items, total=total, unit=unit, file=sys.stderr, dynamic_ncols=True)


# --------------------------------------------------------------------------
# output


class OutputError(Exception):
    """The output cannot be written; ``str()`` is the one-line message."""


class Output:
    """Standard output, or the file *path* written with :func:`~kgov_ner.text.files.atomic_write`.

    The file's rules are atomic_write's: a temporary file created on entry
    (an output path in a missing directory fails before any work is done),
    which replaces the target only when the ``with`` block ends without an
    exception; the old file's mode kept; a symlink written through; a path
    that exists but is not a regular file (``/dev/stdout``, a FIFO) written
    to directly.  Text is written as given (no newline translation).  Every
    ``OSError`` of the output itself (not of the inputs or the tagger)
    becomes an :class:`OutputError`.
    """

    def __init__(self, path: str | None):
        self.path = path
        self._file: ContextManager[IO[str]] | None = None  # the atomic_write of -o
        self._stream: IO[str] | None = None

    def _fail(self, exc: OSError) -> OutputError:
        if isinstance(exc, BrokenPipeError):
            raise exc
        target = self.path if self.path is not None else "<stdout>"
        return OutputError(f"{PROG}: {target}: cannot write: {exc.strerror or exc}")

    def write(self, text: str) -> None:
        assert self._stream is not None
        try:
            self._stream.write(text)
        except OSError as exc:
            raise self._fail(exc) from exc

    def __enter__(self) -> "Output":
        try:
            if self.path is None:
                self._stream = _utf8_stdout()
                return self
            self._file = atomic_write(self.path, newline="")
            self._stream = self._file.__enter__()
        except OSError as exc:
            self._file = None
            raise self._fail(exc) from exc
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self._stream is not None
        try:
            if self._file is None:
                if exc_type is None:
                    self._stream.flush()
                return
            self._file.__exit__(exc_type, exc, tb)  # commits, or removes the temporary file
        except OSError as err:
            if err is exc:
                raise
            raise self._fail(err) from err


def _utf8_stdout() -> IO[str]:
    stream = sys.stdout
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
    if encoding not in ("utf-8", "utf8") and hasattr(stream, "reconfigure"):
        stream.reconfigure(encoding="utf-8")
    return stream


# --------------------------------------------------------------------------
# inputs


def load_tagger(keep_boilerplate: bool = False):
    """The Tagger the commands use: article body only, or everything marked (``--all``)."""
    from kgov_ner.pipeline.tagger import Tagger

    return Tagger(body="mark" if keep_boilerplate else "filter")


def emit_text_file(directory: str, name: str, text: str, target_name: str | None = None) -> None:
    """Write the text the offsets refer to (HTML input), atomically: DIR/<target_name>
    (default: the base name of *name* plus ``.txt``; see :func:`emit_names`)."""
    target = Path(directory) / (target_name or Path(name).name + ".txt")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(target, text, newline="")


def emit_names(paths: Iterable[Any]) -> dict[str, str]:
    """Where ``--emit-text DIR`` puts the text of each input path, relative to DIR.

    ``NAME.txt`` after the file's base name; when two inputs of the run share
    a base name (``a/index.html``, ``b/index.html``) each keeps its path
    instead (``a/index.html.txt``; outside the current directory, the
    absolute path under ``_abs/``), so one never overwrites the other.
    """
    import os

    inputs = sorted({p for p in paths if isinstance(p, str)})
    bases: dict[str, list[str]] = {}
    for p in inputs:
        bases.setdefault(os.path.basename(display_name(p)), []).append(p)
    names: dict[str, str] = {}
    for base, group in bases.items():
        unique = len({os.path.realpath(p) for p in group}) == 1
        for p in group:
            if unique or p == "-":
                names[p] = base + ".txt"
                continue
            full = os.path.abspath(p)
            rel = os.path.relpath(full)
            rel = os.path.join("_abs", full.lstrip(os.sep)) if rel.startswith(os.pardir) else rel
            names[p] = display_name(rel) + ".txt"
    return names


def output_is_input(path: str | None, inputs: Iterable[Any]) -> str | None:
    """The input that the output *path* would overwrite (the same file), if any."""
    import os

    if path is None or not os.path.isfile(path):
        return None
    for item in inputs:
        if isinstance(item, str) and item != "-":
            try:
                if os.path.samefile(item, path):
                    return item
            except OSError:
                continue
    return None


def decoded_inputs(paths: Iterable[str], failures: list[str], html: bool | None = None,
                   emit_text: str | None = None,
                   emit_as: dict[str, str] | None = None) -> Iterator[tuple[str, Decoded]]:
    """Decode each path; report a failure as one stderr line, append it to *failures* and go on.

    With *emit_text*, an HTML input's extracted text goes to
    ``emit_text/emit_as[path]`` (default: its base name plus ``.txt``).
    """
    for path in paths:
        if isinstance(path, InputError):  # a directory or pattern that matched nothing
            error(str(path))
            failures.append(str(path))
            continue
        name = display_name(path)
        try:
            decoded = read_input(path, html=html)
            if emit_text and decoded.encoding.endswith("html→text"):
                emit_text_file(emit_text, name, decoded.text, (emit_as or {}).get(path))
        except InputError as exc:
            error(str(exc))
            failures.append(name)
            continue
        except OSError as exc:  # read_text converts these; belt and braces
            error(f"{PROG}: {name}: {exc.strerror or exc}")
            failures.append(name)
            continue
        note = decoding_note(name, decoded.encoding)
        if note:
            error(note)
        yield name, decoded


class Chunked:
    """Stands for the Doc of an input too long to tag in one piece (see :mod:`kgov_ner.engines.chunked`)."""

    def __init__(self, text: str, tagger: Any):
        self.text = text
        self.tagger = tagger

    def records(self, name: str) -> Iterator[dict[str, Any]]:
        """The entity records, streamed chunk by chunk, offsets into the whole text."""
        for entity in chunked.iter_entities(self.tagger, self.text):
            yield {"file": name, **entity}


def long_note(name: str, length: int) -> str:
    """The stderr note for an input tagged in chunks."""
    return (f"{PROG}: {name}: {length:,} characters: tagged in chunks of at most "
            f"{chunked.TAG_CHUNK_CHARS:,} characters, each with its own body detection")


def too_long(name: str, length: int, fmt: str | None) -> str:
    """The stderr line for an input refused as too long (for output format *fmt*, if given)."""
    limit = chunked.LONG_INPUT_CHARS
    if fmt is None:
        return (f"{PROG}: {name}: too long to tag in one piece ({length:,} characters, more "
                f"than {limit:,}): split the file, or use 'tag --format jsonl'")
    return (f"{PROG}: {name}: too long for --format {fmt} ({length:,} characters, more than "
            f"{limit:,}): use --format jsonl or table, which tag it in chunks")


def tagged(
    paths: Iterable[str], failures: list[str], load: Callable[[], Any], html: bool | None = None,
    emit_text: str | None = None, batch_size: int = 16, long_inputs: str = "refuse",
    fmt: str | None = None, emit_as: dict[str, str] | None = None,
) -> Iterator[tuple[str, "Doc | Chunked"]]:
    """``(name, doc)`` for every input that decoded, in input order.

    ``load()`` builds the tagger, once some input decoded.  ``long_inputs``
    says what happens to a text of more than ``chunked.LONG_INPUT_CHARS``
    characters (spaCy's ``nlp.max_length``: the Tagger refuses such a text
    with a ``ValueError``): ``"refuse"`` reports it as a failed input (one
    line, naming the output format ``fmt`` if given) and goes on with the
    others; ``"chunk"`` yields a :class:`Chunked` in place of its Doc (tagged
    in bounded memory when its records are read).  *emit_text* and *emit_as*
    are :func:`decoded_inputs`'s.
    """
    if long_inputs not in ("chunk", "refuse"):
        raise ValueError(f"long_inputs must be chunk or refuse, not {long_inputs!r}")
    decoded = decoded_inputs(paths, failures, html=html, emit_text=emit_text, emit_as=emit_as)
    if long_inputs == "refuse":
        decoded = _refuse_long(decoded, failures, fmt)
    first = next(decoded, None)
    if first is None:
        return
    tagger = load()  # only pay for loading Kiwi once some input decoded
    yield from _tag_in_order(tagger, itertools.chain([first], decoded), batch_size,
                             chunk_long=long_inputs == "chunk")


def _tag_in_order(tagger: Any, stream: Iterator[tuple[str, Decoded]], batch_size: int,
                  chunk_long: bool) -> Iterator[tuple[str, "Doc | Chunked"]]:
    """Tag *stream* in batches (``tagger.pipe``); with *chunk_long*, a long input as a :class:`Chunked`."""
    pending: deque[tuple[str, str]] = deque()
    held: list[tuple[str, str]] = []

    def texts() -> Iterator[str]:
        """The next run of inputs; stops before a long one (kept in ``held``)."""
        for name, dec in stream:
            if chunk_long and len(dec.text) > chunked.LONG_INPUT_CHARS:
                held.append((name, dec.text))
                return
            pending.append((name, dec.text))
            yield dec.text

    while True:
        # pipe: Kiwi analyses a batch of files in one call on its threads.
        for doc in tagger.pipe(texts(), batch_size=batch_size):
            name, text = pending.popleft()
            if doc.text != text:
                raise RuntimeError(f"{name}: the tagger changed the text; offsets would be wrong")
            yield name, doc
        if not held:
            return
        name, text = held.pop()
        error(long_note(name, len(text)))
        yield name, Chunked(text, tagger)
        del text


def _refuse_long(decoded: Iterable[tuple[str, Decoded]], failures: list[str],
                 fmt: str | None) -> Iterator[tuple[str, Decoded]]:
    for name, dec in decoded:
        if len(dec.text) > chunked.LONG_INPUT_CHARS:
            error(too_long(name, len(dec.text), fmt))
            failures.append(name)
            continue
        yield name, dec
