"""Tag text files and print their entities.

``kgov-ner tag FILE...``: every input is decoded (:mod:`kgov_ner.text.reading`),
tagged with one :class:`~kgov_ner.pipeline.tagger.Tagger` (or one per worker
with ``--jobs`` or ``--engine dask``) and written in one of
:data:`~kgov_ner.cli.formats.FORMATS`.  An input that fails is one line on
stderr and the others go on; the run then exits with status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import TYPE_CHECKING, Any, Iterable

from kgov_ner.cli import output
from kgov_ner.cli.formats import FORMATS, doc_records, render_html, render_table, write_conll, write_jsonl
from kgov_ner.engines import chunked
from kgov_ner.text.reading import PROG, expand_inputs

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

__all__ = ["HELP", "DESCRIPTION", "EPILOG", "add_arguments", "run"]

HELP = "tag text files and print the entities"
DESCRIPTION = "Tag text files and print their entities."
EPILOG = """\
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

#: Formats that stream records, and so can tag a long input in chunks.
_CHUNKABLE = ("jsonl", "table")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the arguments, description and epilog of ``kgov-ner tag``."""
    parser.description = DESCRIPTION
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("files", nargs="+", metavar="FILE", help="input file; '-' reads standard input")
    parser.add_argument("-f", "--format", choices=FORMATS, default="jsonl",
                        help="output format (default: %(default)s)")
    parser.add_argument("-o", "--output", metavar="PATH",
                        help="write to PATH (atomically: all or nothing) instead of standard output")
    parser.add_argument("-r", "--recursive", action="store_true",
                        help="read .txt/.html files in subdirectories of directory arguments too")
    parser.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                        help="tag with N worker processes, each with its own Kiwi (default: 1; "
                             "at most one per core and per file)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="local processes (default) or a Dask cluster (needs kgov_ner[dask]; jsonl only)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="with --engine dask: start a local cluster of N worker processes "
                             "(default: one per core)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="with --engine dask: use the running cluster at ADDRESS (tcp://host:port)")
    parser.add_argument("--all", action="store_true",
                        help="keep entities outside the detected article body, marked \"in_body\": false")
    parser.add_argument("--html", action="store_true",
                        help="read inputs as HTML (automatic for .html/.htm; needs kgov_ner[html])")
    parser.add_argument("--emit-text", metavar="DIR",
                        help="for HTML inputs, write the extracted text the offsets refer to into DIR")


def run(args: argparse.Namespace) -> int:
    """Run ``kgov-ner tag``; return the exit status."""
    problem = _option_error(args)
    if problem is not None:
        output.error(f"{PROG}: {problem}")
        return output.EXIT_INPUT_ERROR
    paths = list(expand_inputs(args.files, recursive=args.recursive))
    clash = output.output_is_input(args.output, paths)
    if clash is not None:
        output.error(f"{PROG}: {args.output}: is also an input ({clash}): writing the output would destroy it")
        return output.EXIT_INPUT_ERROR
    if args.engine == "dask":
        return _run_dask(args, paths)
    # More processes than cores or files only cost memory (~500 MB each) and start-up time.
    args.jobs = max(1, min(args.jobs, os.cpu_count() or 1, len(paths)))
    emit_as = output.emit_names(paths) if args.emit_text else None
    if args.jobs == 1:
        from kgov_ner.pipeline.kiwi import preload_kiwi

        preload_kiwi()  # overlaps Kiwi's ~2 s start with importing spaCy and loading the model
    failures: list[str] = []
    try:
        with output.Output(args.output) as out:
            if args.jobs > 1:
                failures = _run_parallel(args, paths, out, emit_as)
            else:
                docs = output.tagged(output.progress(paths, args), failures,
                                     lambda: output.load_tagger(args.all),
                                     html=True if args.html else None, emit_text=args.emit_text,
                                     long_inputs="chunk" if args.format in _CHUNKABLE else "refuse",
                                     fmt=args.format, emit_as=emit_as)
                _write(out, docs, args.format)
    except output.OutputError as exc:
        output.error(str(exc))
        return output.EXIT_INPUT_ERROR
    return output.EXIT_INPUT_ERROR if failures else output.EXIT_OK


def _option_error(args: argparse.Namespace) -> str | None:
    """What is wrong with the combination of options, if anything."""
    if args.jobs < 1:
        return f"--jobs must be at least 1, got {args.jobs}"
    if args.jobs > 1 and args.format == "html":
        return "--format html renders one page from all files: use --jobs 1"
    if args.engine != "dask" and (args.workers is not None or args.scheduler):
        return "--workers and --scheduler go with --engine dask"
    if args.engine == "dask" and args.format != "jsonl":
        return "--engine dask writes --format jsonl only"
    if args.workers is not None and args.workers < 1:
        return f"--workers must be at least 1, got {args.workers}"
    if args.workers is not None and args.scheduler:
        return "--workers starts a local cluster, --scheduler uses a running one: give one of them"
    return None


def _records(name: str, doc: "Doc | output.Chunked") -> Iterable[dict[str, Any]]:
    return doc.records(name) if isinstance(doc, output.Chunked) else doc_records(name, doc)


def _write(out: Any, docs: Iterable[tuple[str, "Doc | output.Chunked"]], fmt: str) -> None:
    """Write *docs* in format *fmt*; jsonl and conll stream, html and table need them all."""
    if fmt == "html":
        out.write(render_html(list(docs)))
    elif fmt == "table":
        out.write(render_table([r for name, doc in docs for r in _records(name, doc)]))
    elif fmt == "jsonl":
        for name, doc in docs:
            write_jsonl(out, _records(name, doc))
    elif fmt == "conll":
        for name, doc in docs:
            write_conll(out, name, doc)
    else:  # pragma: no cover - argparse restricts the choices
        raise AssertionError(fmt)


# --------------------------------------------------------------------------
# engines


def _run_dask(args: argparse.Namespace, paths: list) -> int:
    try:
        from kgov_ner.engines.cluster import run_tag_dask
    except ImportError as exc:
        output.error(f"{PROG}: {exc}")
        return output.EXIT_INPUT_ERROR
    try:
        with output.Output(args.output) as out:
            return run_tag_dask(paths, out, workers=args.workers, scheduler=args.scheduler,
                                keep_boilerplate=args.all, html=True if args.html else None)
    except output.OutputError as exc:
        output.error(str(exc))
        return output.EXIT_INPUT_ERROR


def _run_parallel(args: argparse.Namespace, paths: list, out: output.Output,
                  emit_as: dict[str, str] | None) -> list[str]:
    """``--jobs N``: tag in N processes (:func:`_tag_one_file` each), write in input order; the failures.

    Standard input is read here, in this process: a worker has none.
    """
    from kgov_ner.engines.local import parallel_map

    failures: list[str] = []
    html = True if args.html else None
    jobs = []
    for p in paths:
        target = (emit_as or {}).get(p) if isinstance(p, str) else None
        decoded = _decode_captured(p, html, args.emit_text, target) if p == "-" else None
        jobs.append((p, args.format, html, args.emit_text, target, decoded))
    kwargs = {"body": "mark" if args.all else "filter"}
    results = parallel_map(_tag_one_file, jobs, jobs=args.jobs, tagger_kwargs=kwargs)
    table: list[dict] = []
    # closing: when this stops early (SIGTERM, a write error), the workers are stopped at once
    with contextlib.closing(results):
        for result in output.progress(results, args, total=len(paths)):
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


def _decode_captured(path, html: bool | None, emit_text: str | None,
                     target: str | None) -> tuple[list, list[str], bool]:
    """Decode *path* with its stderr lines kept: ``(items, messages, failed)``."""
    messages: list[str] = []
    failures: list[str] = []
    stderr = sys.stderr
    try:
        sys.stderr = _Collect(messages)
        emit_as = {path: target} if target and isinstance(path, str) else None
        items = list(output.decoded_inputs([path], failures, html=html, emit_text=emit_text, emit_as=emit_as))
    finally:
        sys.stderr = stderr
    return items, messages, bool(failures)


def _tag_one_file(tagger, job: tuple) -> dict:
    """Worker side of ``tag --jobs``: decode, tag and format one file; never raises.

    *job* is ``(path, format, html, emit_text, emit_name, decoded)``, where
    *decoded* is what :func:`_decode_captured` gave in the parent (standard
    input) or None; the result holds the stderr lines (``messages``),
    whether the input ``failed``, and the formatted ``text`` (or the
    ``records``, for the table the parent makes).
    """
    path, fmt, html, emit_text, target, decoded = job
    items, messages, failed = decoded or _decode_captured(path, html, emit_text, target)
    messages = list(messages)
    result: dict = {"messages": messages, "failed": failed, "text": "", "records": []}
    for name, dec in items:
        doc = _tag_or_chunk(tagger, name, dec.text, fmt, messages)
        if doc is None:
            result["failed"] = True
        elif fmt == "table":
            result["records"] = list(_records(name, doc))
        else:
            buffer = _Collect([])
            _write(buffer, [(name, doc)], fmt)
            result["text"] = "".join(buffer.parts)
    return result


def _tag_or_chunk(tagger, name: str, text: str, fmt: str, messages: list[str]) -> "Doc | output.Chunked | None":
    """The Doc of *text*; a :class:`~kgov_ner.cli.output.Chunked` if too long; None if refused (said in *messages*)."""
    if len(text) <= chunked.LONG_INPUT_CHARS:
        return tagger(text)
    if fmt not in _CHUNKABLE:
        messages.append(output.too_long(name, len(text), fmt) + "\n")
        return None
    messages.append(output.long_note(name, len(text)) + "\n")
    return output.Chunked(text, tagger)


class _Collect:
    """A write-only text sink that keeps what is written (worker output, captured stderr)."""

    def __init__(self, parts: list[str]):
        self.parts = parts

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass
