"""Command-line interface: ``kgov-ner`` / ``python -m kgov_ner``.

The CLI is a thin layer: it parses arguments, reads files with
:mod:`kgov_ner.io`, tags them with :class:`kgov_ner.pipeline.Tagger` and
writes the result.  Every user error (unreadable file, binary file, bad
encoding, output directory missing) is one line on stderr of the form
``kgov-ner: PATH: reason``; a run in which any input failed still processes
the other inputs and exits with status 2.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import itertools
import json
import os
import sys
import tempfile
import unicodedata
from collections import deque
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Callable, Iterable, Iterator, Protocol

from kgov_ner.text.reading import PROG, Decoded, InputError, decoding_note, display_name, expand_inputs, read_input, read_text

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span

FORMATS = ("jsonl", "conll", "html", "table")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


#: displaCy colours for the five labels of ANNOTATION.md.
LABEL_COLORS = {
    "DISTRICT": "#7aecec",
    "OFFICIAL": "#aa9cfc",
    "PROGRAM": "#feca74",
    "MONEY": "#bfe1d9",
    "AWARD": "#ff8197",
}

EXIT_OK = 0
EXIT_INPUT_ERROR = 2


def _version() -> str:
    try:
        from kgov_ner import __version__

        return __version__
    except ImportError:  # pragma: no cover - __init__ without __version__
        from importlib.metadata import version

        return version("kgov_ner")


def _error(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# records


def entity_record(name: str, ent: "Span") -> dict[str, Any]:
    """The output record of one entity; the one place its fields are defined.

    ``start``/``end`` are ``str`` offsets into the decoded text (after a
    byte-order mark is removed), so ``decoded.text[start:end] == text``.
    """
    from kgov_ner.pipeline.tagger import entity_dict

    return {"file": name, **entity_dict(ent)}


def doc_records(name: str, doc: "Doc") -> list[dict[str, Any]]:
    """Records of all entities of *doc*, in text order."""
    return [entity_record(name, ent) for ent in doc.ents]


# --------------------------------------------------------------------------
# formats


def write_jsonl(out: "_Writable", name: str, doc: "Doc") -> None:
    for record in doc_records(name, doc):
        out.write(json.dumps(record, ensure_ascii=False))
        out.write("\n")


_CONLL_ESCAPES = str.maketrans({"\t": " ", "\n": " ", "\r": " ", "\v": " ", "\f": " "})


def _sentences(doc: "Doc") -> Iterable["Span"]:
    if doc.has_annotation("SENT_START"):
        return doc.sents
    return [doc[:]] if len(doc) else []


def write_conll(out: "_Writable", name: str, doc: "Doc") -> None:
    """``TOKEN<TAB>TAG<TAB>BIO`` per token, a blank line after each sentence.

    Whitespace-only tokens are skipped.  A ``# file = NAME`` line starts each
    file.
    """
    out.write(f"# file = {name}\n")
    for sent in _sentences(doc):
        lines = []
        for token in sent:
            if token.is_space:
                continue
            bio = f"{token.ent_iob_}-{token.ent_type_}" if token.ent_iob_ in ("B", "I") else "O"
            text = token.text.translate(_CONLL_ESCAPES)
            lines.append(f"{text}\t{token.tag_ or '_'}\t{bio}\n")
        if lines:
            out.write("".join(lines) + "\n")


def render_html(docs: list[tuple[str, "Doc"]]) -> str:
    """One self-contained displaCy page showing the entities of all *docs*."""
    from spacy import displacy

    for name, doc in docs:
        doc.user_data["title"] = name
    html = displacy.render(
        [doc for _, doc in docs],
        style="ent",
        page=True,
        jupyter=False,
        options={"colors": LABEL_COLORS, "ents": list(LABEL_COLORS)},
    )
    html = html.replace("<title>displaCy</title>", f"<title>{PROG}</title>", 1)
    return html if html.endswith("\n") else html + "\n"


def display_width(text: str) -> int:
    """Terminal columns of *text*: East Asian wide/fullwidth characters count 2."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        if "\u1160" <= ch <= "\u11ff":  # conjoining Hangul jamo: part of a syllable
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


_TABLE_ESCAPES = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r"})


def render_table(records: list[dict[str, Any]]) -> str:
    """Aligned columns FILE START END LABEL TEXT for reading in a terminal."""
    header = ("FILE", "START", "END", "LABEL", "TEXT")
    rows = [
        (
            str(r["file"]),
            str(r["start"]),
            str(r["end"]),
            str(r["label"]),
            str(r["text"]).translate(_TABLE_ESCAPES),
        )
        for r in records
    ]
    widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(4)]
    right = (False, True, True, False)
    lines = []
    for row in [header, *rows]:
        cells = [_pad(row[i], widths[i], right[i]) for i in range(4)]
        lines.append("  ".join([*cells, row[4]]).rstrip() + "\n")
    return "".join(lines)


# --------------------------------------------------------------------------
# output


class OutputError(Exception):
    """The output cannot be written; ``str()`` is the one-line message."""


class _Output:
    """Standard output, or a file written atomically (temp file + ``os.replace``).

    A path that exists but is not a regular file (``/dev/stdout``, a FIFO)
    is written to directly.  The temp file is created on entry, so an output path in a missing
    directory fails before any work is done; it replaces the target only
    when the ``with`` block ends without an exception.  Every ``OSError`` of
    the output itself (not of the inputs or the tagger) becomes an
    :class:`OutputError`.
    """

    def __init__(self, path: str | None):
        self.path = path
        self._target = path  # the file replaced: the path, or where a symlink at it points
        self._tmp: str | None = None
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

    def __enter__(self) -> "_Output":
        try:
            if self.path is None:
                stream = sys.stdout
                encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
                if encoding not in ("utf-8", "utf8") and hasattr(stream, "reconfigure"):
                    stream.reconfigure(encoding="utf-8")
                self._stream = stream
                return self
            if os.path.isdir(self.path):
                raise IsADirectoryError(errno.EISDIR, "is a directory", self.path)
            if os.path.exists(self.path) and not os.path.isfile(self.path):
                # a device, FIFO or /dev/stdout: write to it, never replace it
                self._stream = open(self.path, "w", encoding="utf-8", newline="")
                return self
            # a symlink stays a symlink: the file it points to is replaced
            self._target = os.path.realpath(self.path) if os.path.islink(self.path) else self.path
            directory = os.path.dirname(os.path.abspath(self._target))
            base = os.path.basename(self._target)
            fd, self._tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=directory)
            self._stream = open(fd, "w", encoding="utf-8", newline="")
        except OSError as exc:
            raise self._fail(exc) from exc
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self._stream is not None
        try:
            if self.path is None:
                if exc_type is None:
                    self._stream.flush()
                return
            self._stream.close()
            if exc_type is None and self._tmp is not None:
                os.chmod(self._tmp, _new_file_mode(self._target))
                os.replace(self._tmp, self._target)
                self._tmp = None
        except OSError as err:
            raise self._fail(err) from err
        finally:
            if self._tmp is not None:
                try:
                    os.unlink(self._tmp)
                except OSError:
                    pass


def _new_file_mode(path: str) -> int:
    """Mode for the output: the old file's, else what ``open()`` would give."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


# --------------------------------------------------------------------------
# tag


def _load_tagger(keep_boilerplate: bool = False):
    from kgov_ner.pipeline.tagger import Tagger

    return Tagger(body="mark" if keep_boilerplate else "filter")


def _emit_text(directory: str, name: str, text: str) -> None:
    """Write the text the offsets refer to (HTML input): DIR/<name>.txt, atomically."""
    target = Path(directory) / (Path(name).name + ".txt")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, encoding="utf-8", newline="")
    os.replace(tmp, target)


def _decoded_inputs(paths: Iterable[str], failures: list[str], html: bool | None = None,
                    emit_text: str | None = None) -> Iterator[tuple[str, Decoded]]:
    """Decode each path; report a failure as one stderr line and go on."""
    for path in paths:
        if isinstance(path, InputError):  # a directory or pattern that matched nothing
            _error(str(path))
            failures.append(str(path))
            continue
        name = display_name(path)
        try:
            decoded = read_input(path, html=html)
            if emit_text and decoded.encoding.endswith("html→text"):
                _emit_text(emit_text, name, decoded.text)
        except InputError as exc:
            _error(str(exc))
            failures.append(name)
            continue
        except OSError as exc:  # read_text converts these; belt and braces
            _error(f"{PROG}: {name}: {exc.strerror or exc}")
            failures.append(name)
            continue
        note = decoding_note(name, decoded.encoding)
        if note:
            _error(note)
        yield name, decoded


class _Chunked:
    """Stands for the Doc of an input too long to tag in one piece (see :mod:`kgov_ner.chunking`)."""

    def __init__(self, text: str, tagger: Any):
        self.text = text
        self.tagger = tagger

    def records(self, name: str) -> Iterator[dict[str, Any]]:
        """The entity records, streamed chunk by chunk, offsets into the whole text."""
        from kgov_ner.text.chunking import iter_entities

        for entity in iter_entities(self.tagger, self.text):
            yield {"file": name, **entity}


def _long_note(name: str, length: int) -> str:
    from kgov_ner.text.chunking import TAG_CHUNK_CHARS

    return (f"{PROG}: {name}: {length:,} characters: tagged in chunks of at most "
            f"{TAG_CHUNK_CHARS:,} characters, each with its own body detection")


def _too_long(name: str, length: int, fmt: str | None) -> str:
    from kgov_ner.text.chunking import LONG_INPUT_CHARS

    if fmt is None:
        return (f"{PROG}: {name}: too long to tag in one piece ({length:,} characters, more "
                f"than {LONG_INPUT_CHARS:,}): split the file, or use 'tag --format jsonl'")
    return (f"{PROG}: {name}: too long for --format {fmt} ({length:,} characters, more than "
            f"{LONG_INPUT_CHARS:,}): use --format jsonl or table, which tag it in chunks")


def _tagged(
    paths: Iterable[str], failures: list[str], load: Callable[[], Any], html: bool | None = None,
    emit_text: str | None = None, batch_size: int = 16, long_inputs: str = "refuse",
    fmt: str | None = None,
) -> Iterator[tuple[str, "Doc | _Chunked"]]:
    """``(name, doc)`` for every input that decoded, in input order.

    ``long_inputs`` says what happens to a text of more than
    ``chunking.LONG_INPUT_CHARS`` characters (spaCy's ``nlp.max_length``:
    the Tagger refuses such a text with a ``ValueError``): ``"refuse"``
    reports it as a failed input (one line, naming the output format
    ``fmt`` if given) and goes on with the others; ``"chunk"`` yields a
    :class:`_Chunked` in place of its Doc (tagged in bounded memory when its
    records are read).
    """
    from kgov_ner.text.chunking import LONG_INPUT_CHARS

    if long_inputs not in ("chunk", "refuse"):
        raise ValueError(f"long_inputs must be chunk or refuse, not {long_inputs!r}")
    decoded = _decoded_inputs(paths, failures, html=html, emit_text=emit_text)
    if long_inputs == "refuse":
        decoded = _refuse_long(decoded, failures, fmt)
    first = next(decoded, None)
    if first is None:
        return
    tagger = load()  # only pay for loading Kiwi once some input decoded
    stream = itertools.chain([first], decoded)
    pending: deque[tuple[str, str]] = deque()
    held: list[tuple[str, str]] = []

    def texts() -> Iterator[str]:
        """The next run of inputs; stops before a long one (kept in ``held``)."""
        for name, dec in stream:
            if long_inputs == "chunk" and len(dec.text) > LONG_INPUT_CHARS:
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
        _error(_long_note(name, len(text)))
        yield name, _Chunked(text, tagger)
        del text


def _refuse_long(decoded: Iterable[tuple[str, Decoded]], failures: list[str],
                 fmt: str | None) -> Iterator[tuple[str, Decoded]]:
    from kgov_ner.text.chunking import LONG_INPUT_CHARS

    for name, dec in decoded:
        if len(dec.text) > LONG_INPUT_CHARS:
            _error(_too_long(name, len(dec.text), fmt))
            failures.append(name)
            continue
        yield name, dec


def _records(name: str, doc: "Doc | _Chunked") -> Iterable[dict[str, Any]]:
    return doc.records(name) if isinstance(doc, _Chunked) else doc_records(name, doc)


def _progress(items: Iterable, args: argparse.Namespace, unit: str = "file", total: int | None = None):
    """A progress bar on stderr for multi-file runs; none when stderr is no terminal or --quiet."""
    total = len(items) if total is None else total  # type: ignore[arg-type]
    if args.quiet or total < 2 or not sys.stderr.isatty():
        return items
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm comes with spaCy; be quiet rather than fail without it
        return items
    return tqdm(items, total=total, unit=unit, file=sys.stderr, dynamic_ncols=True)


def _tag_one_file(tagger, job: tuple) -> dict:
    """Worker side of ``tag --jobs``: decode, tag and format one file; never raises."""
    path, fmt, html, emit_text = job
    messages: list[str] = []
    failures: list[str] = []
    stderr = sys.stderr
    try:
        sys.stderr = _Collect(messages)
        items = list(_decoded_inputs([path], failures, html=html, emit_text=emit_text))
    finally:
        sys.stderr = stderr
    out: dict = {"messages": messages, "failed": bool(failures), "text": "", "records": []}
    from kgov_ner.text.chunking import LONG_INPUT_CHARS

    for name, decoded in items:
        if len(decoded.text) > LONG_INPUT_CHARS:
            if fmt not in ("jsonl", "table"):
                messages.append(_too_long(name, len(decoded.text), fmt) + "\n")
                out["failed"] = True
                continue
            messages.append(_long_note(name, len(decoded.text)) + "\n")
            records = list(_Chunked(decoded.text, tagger).records(name))
            if fmt == "table":
                out["records"] = records
            else:
                out["text"] = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
            continue
        doc = tagger(decoded.text)
        if fmt == "table":
            out["records"] = doc_records(name, doc)
        else:
            buffer = _Collect([])
            (write_jsonl if fmt == "jsonl" else write_conll)(buffer, name, doc)
            out["text"] = "".join(buffer.parts)
    return out


class _Collect:
    """A write-only text sink that keeps what is written (worker output, captured stderr)."""

    def __init__(self, parts: list[str]):
        self.parts = parts

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass


def _run_tag_parallel(args: argparse.Namespace, paths: list, out) -> list[str]:
    from kgov_ner.engines.local import parallel_map

    failures: list[str] = []
    jobs = [(p, args.format, True if args.html else None, args.emit_text) for p in paths]
    kwargs = {"body": "mark" if args.all else "filter"}
    results = parallel_map(_tag_one_file, jobs, jobs=args.jobs, tagger_kwargs=kwargs)
    table: list[dict] = []
    for result in _progress(results, args, total=len(paths)):
        for message in result["messages"]:
            sys.stderr.write(message)
        if result["failed"]:
            failures.append(result["messages"][-1] if result["messages"] else "?")
        if args.format == "table":
            table.extend(result["records"])
        elif result["text"]:
            out.write(result["text"])
    if args.format == "table":
        out.write(render_table(table))
    return failures


def _output_is_input(output: str | None, paths: Iterable) -> str | None:
    """The input that *output* would overwrite (the same file), if any."""
    if output is None or not os.path.isfile(output):
        return None
    for path in paths:
        if isinstance(path, str) and path != "-":
            try:
                if os.path.samefile(path, output):
                    return path
            except OSError:
                continue
    return None


def _run_tag_dask(args: argparse.Namespace, paths: list) -> int:
    try:
        from kgov_ner.engines.cluster import run_tag_dask
    except ImportError as exc:
        _error(f"{PROG}: {exc}")
        return EXIT_INPUT_ERROR
    try:
        with _Output(args.output) as out:
            return run_tag_dask(paths, out, workers=args.workers, scheduler=args.scheduler,
                                keep_boilerplate=args.all, html=True if args.html else None)
    except OutputError as exc:
        _error(str(exc))
        return EXIT_INPUT_ERROR


def run_tag(args: argparse.Namespace) -> int:
    from kgov_ner.pipeline.kiwi import preload_kiwi

    if args.jobs < 1:
        _error(f"{PROG}: --jobs must be at least 1, got {args.jobs}")
        return EXIT_INPUT_ERROR
    if args.jobs > 1 and args.format == "html":
        _error(f"{PROG}: --format html renders one page from all files: use --jobs 1")
        return EXIT_INPUT_ERROR
    if args.engine != "dask" and (args.workers is not None or args.scheduler):
        _error(f"{PROG}: --workers and --scheduler go with --engine dask")
        return EXIT_INPUT_ERROR
    if args.engine == "dask" and args.format != "jsonl":
        _error(f"{PROG}: --engine dask writes --format jsonl only")
        return EXIT_INPUT_ERROR
    if args.workers is not None and args.workers < 1:
        _error(f"{PROG}: --workers must be at least 1, got {args.workers}")
        return EXIT_INPUT_ERROR
    if args.workers is not None and args.scheduler:
        _error(f"{PROG}: --workers starts a local cluster, --scheduler uses a running one: give one of them")
        return EXIT_INPUT_ERROR
    paths = list(expand_inputs(args.files, recursive=args.recursive))
    clash = _output_is_input(args.output, paths)
    if clash is not None:
        _error(f"{PROG}: {args.output}: is also an input ({clash}): writing the output would destroy it")
        return EXIT_INPUT_ERROR
    if args.engine == "dask":
        return _run_tag_dask(args, paths)
    if args.jobs == 1:
        preload_kiwi()  # overlaps Kiwi's ~2 s start with importing spaCy and loading the model
    failures: list[str] = []
    try:
        with _Output(args.output) as out:
            if args.jobs > 1:
                failures = _run_tag_parallel(args, paths, out)
                return EXIT_INPUT_ERROR if failures else EXIT_OK
            docs = _tagged(_progress(paths, args), failures, lambda: _load_tagger(args.all),
                           html=True if args.html else None, emit_text=args.emit_text,
                           long_inputs="chunk" if args.format in ("jsonl", "table") else "refuse",
                           fmt=args.format)
            if args.format == "jsonl":
                for name, doc in docs:
                    for record in _records(name, doc):
                        out.write(json.dumps(record, ensure_ascii=False) + "\n")
            elif args.format == "conll":
                for name, doc in docs:
                    write_conll(out, name, doc)
            elif args.format == "html":
                out.write(render_html(list(docs)))
            elif args.format == "table":
                records = [r for name, doc in docs for r in _records(name, doc)]
                out.write(render_table(records))
            else:  # pragma: no cover - argparse restricts the choices
                raise AssertionError(args.format)
    except OutputError as exc:
        _error(str(exc))
        return EXIT_INPUT_ERROR
    return EXIT_INPUT_ERROR if failures else EXIT_OK


# --------------------------------------------------------------------------
# parser


def _add_eval(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register ``eval`` from :mod:`kgov_ner.evaluate` when that module exists.

    Imported here, lazily, so that a missing or broken-dependency evaluate
    module never stops ``tag`` from working.
    """
    name = "kgov_ner.evaluation.scorer"
    try:
        evaluate = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return  # not written (yet): no eval subcommand
        _add_unavailable_eval(subparsers, str(exc))
        return
    except ImportError as exc:
        _add_unavailable_eval(subparsers, str(exc))
        return
    add_arguments = getattr(evaluate, "add_arguments", None)
    run = getattr(evaluate, "run", None)
    if not (callable(add_arguments) and callable(run)):
        return
    doc = (evaluate.__doc__ or "").strip()
    summary = doc.splitlines()[0] if doc else "score the tagger against gold annotations"
    parser = subparsers.add_parser(
        "eval",
        help=summary,
        description=doc.split("\n\n")[0] if doc else summary,  # add_arguments may override
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    parser.set_defaults(func=run)


def _add_unavailable_eval(subparsers, reason: str) -> None:
    parser = subparsers.add_parser("eval", help=f"(unavailable: {reason})", add_help=False)
    parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)

    def unavailable(args: argparse.Namespace) -> int:
        _error(f"{PROG}: eval is unavailable: {reason}")
        return EXIT_INPUT_ERROR

    parser.set_defaults(func=unavailable)


_TAG_EPILOG = """\
output formats:
  jsonl   one JSON object per entity: {"file", "start", "end", "label", "text"};
          start/end are character offsets into the decoded text, end exclusive
  conll   TOKEN<TAB>TAG<TAB>BIO per token, a blank line between sentences,
          '# file = NAME' before each file
  html    one displaCy page showing the entities of all files
  table   aligned columns for reading in a terminal

encodings: UTF-8 (with or without BOM), UTF-16/32 with BOM, CP949/EUC-KR.
A BOM is removed before tagging: offsets count from the character after it.
Other encodings than plain UTF-8 are reported on stderr.

inputs over 1,000,000 characters are tagged in chunks (jsonl, table) or
refused (conll, html); see the README.

exit status: 0 if every file was tagged; 2 if any could not be read, decoded
or was too long for the format (the others are still tagged), on a usage
error, or when the output cannot be written; 130 when interrupted (the -o
file is then left as it was); 1 on an internal error (a bug).
"""


def _run_train(args: argparse.Namespace) -> int:
    # Imported here: training pulls in scikit-learn, which tagging never needs.
    from kgov_ner.training import train

    args.gold = args.gold or str(train.SEED_GOLD)
    args.out = args.out or str(train.DEFAULT_MODEL_DIR)
    return train.run(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Tag Korean local-government news pages with DISTRICT, OFFICIAL, "
            "PROGRAM, MONEY and AWARD entities."
        ),
        epilog=f"Run '{PROG} COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    tag = subparsers.add_parser(
        "tag",
        help="tag text files and print the entities",
        description="Tag text files and print their entities.",
        epilog=_TAG_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    tag.add_argument("files", nargs="+", metavar="FILE", help="input file; '-' reads standard input")
    tag.add_argument(
        "-f",
        "--format",
        choices=FORMATS,
        default="jsonl",
        help="output format (default: %(default)s)",
    )
    tag.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="write to PATH (atomically: all or nothing) instead of standard output",
    )
    tag.add_argument("-r", "--recursive", action="store_true",
                     help="read .txt/.html files in subdirectories of directory arguments too")
    tag.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                     help="tag with N worker processes, each with its own Kiwi (default: 1)")
    tag.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    tag.add_argument("--engine", choices=("local", "dask"), default="local",
                     help="local processes (default) or a Dask cluster (needs kgov_ner[dask]; jsonl only)")
    tag.add_argument("--workers", type=int, metavar="N",
                     help="with --engine dask: start a local cluster of N worker processes (default: one per core)")
    tag.add_argument("--scheduler", metavar="ADDRESS",
                     help="with --engine dask: use the running cluster at ADDRESS (tcp://host:port)")
    tag.add_argument("--all", action="store_true",
                     help="keep entities outside the detected article body, marked \"in_body\": false")
    tag.add_argument("--html", action="store_true",
                     help="read inputs as HTML (automatic for .html/.htm; needs kgov_ner[html])")
    tag.add_argument("--emit-text", metavar="DIR",
                     help="for HTML inputs, write the extracted text the offsets refer to into DIR")
    tag.set_defaults(func=run_tag)

    _add_eval(subparsers)
    train_parser = subparsers.add_parser(
        "train", help="retrain the model and save it with its provenance",
        description="Retrain the sequence model (the notebook calls the same function).",
    )
    train_parser.add_argument("--gold", help="gold JSONL to train on (default: seeds/gold.jsonl)")
    train_parser.add_argument("--out", help="model directory (default: models/default)")
    train_parser.add_argument("--no-cv", action="store_true",
                              help="skip the leave-one-document-out ablation stored in meta.json")
    train_parser.set_defaults(func=_run_train)

    from kgov_ner.records import extract as records

    records_parser = subparsers.add_parser(
        "records", help="extract award records (district, tier, program, amount) as CSV or JSON lines",
        description="One row per district and award the text states.", epilog=records.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    records.add_arguments(records_parser)
    records_parser.set_defaults(func=records.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with *argv* (default ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_INPUT_ERROR)
    if getattr(args, "func", None) is None:
        parser.print_usage(sys.stderr)
        _error(f"{PROG}: error: a command is required (try '{PROG} --help')")
        return EXIT_INPUT_ERROR
    try:
        return int(args.func(args))
    except BrokenPipeError:
        # The reader went away (e.g. `kgov-ner tag x | head`): stop quietly.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 1
    except KeyboardInterrupt:
        _error(f"{PROG}: interrupted")
        return 130
