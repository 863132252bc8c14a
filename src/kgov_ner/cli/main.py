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
import importlib
import json
import os
import sys
import unicodedata
from typing import TYPE_CHECKING, Any, Iterable, Protocol

from kgov_ner.cli.output import EXIT_INPUT_ERROR, EXIT_OK, Chunked as _Chunked, Output as _Output, OutputError
from kgov_ner.cli.output import decoded_inputs as _decoded_inputs, error as _error, load_tagger as _load_tagger
from kgov_ner.cli.output import long_note as _long_note, progress as _progress, tagged as _tagged, too_long as _too_long
from kgov_ner.text.reading import PROG, expand_inputs

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

def _version() -> str:
    try:
        from kgov_ner import __version__

        return __version__
    except ImportError:  # pragma: no cover - __init__ without __version__
        from importlib.metadata import version

        return version("kgov_ner")


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
# tag


def _records(name: str, doc: "Doc | _Chunked") -> Iterable[dict[str, Any]]:
    return doc.records(name) if isinstance(doc, _Chunked) else doc_records(name, doc)


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
