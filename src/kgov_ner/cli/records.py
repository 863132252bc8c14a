"""Extract award records (district, tier, program, amount) as CSV or JSON lines.

``kgov-ner records FILE...`` writes one row per district and award the
text states (:func:`kgov_ner.records.extract.extract_records`) with
:mod:`kgov_ner.records.table`.
"""

from __future__ import annotations

import argparse
import io

from kgov_ner.cli import output
from kgov_ner.records.extract import extract_records
from kgov_ner.records.table import write_csv, write_jsonl
from kgov_ner.text.reading import PROG, expand_inputs

__all__ = ["HELP", "DESCRIPTION", "EPILOG", "add_arguments", "run"]

HELP = "extract award records (district, tier, program, amount) as CSV or JSON lines"
DESCRIPTION = "One row per district and award the text states."
EPILOG = """\
columns: file, district, district_name, tier, rank, award, program, year, krw,
streak, official, sent_start, sent_end (one row per district and award the
text states; sent_start/sent_end are character offsets of the sentence).

exit status: 0 if every file was read, 2 if any could not be read or decoded
(the others are still processed) or the output cannot be written.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the arguments, description and epilog of ``kgov-ner records``."""
    parser.description = DESCRIPTION
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="input file, directory (its .txt/.html files) or glob; '-' reads standard input")
    parser.add_argument("-r", "--recursive", action="store_true",
                        help="read .txt/.html files in subdirectories of directory arguments too")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    parser.add_argument("-f", "--format", choices=("csv", "jsonl"), default="csv",
                        help="output format (default: %(default)s)")
    parser.add_argument("--excel", action="store_true",
                        help="write UTF-8 with a byte-order mark so that Excel opens the CSV as UTF-8")
    parser.add_argument("-o", "--output", metavar="PATH",
                        help="write to PATH (atomically: all or nothing) instead of standard output")


def run(args: argparse.Namespace) -> int:
    """Run ``kgov-ner records``; return the exit status."""
    from kgov_ner.pipeline.kiwi import preload_kiwi

    paths = list(expand_inputs(args.files, recursive=args.recursive))
    clash = output.output_is_input(args.output, paths)
    if clash is not None:
        output.error(f"{PROG}: {args.output}: is also an input ({clash}): writing the output would destroy it")
        return output.EXIT_INPUT_ERROR
    preload_kiwi()
    failures: list[str] = []
    try:
        with output.Output(args.output) as out:
            if args.excel:
                out.write("\ufeff")
            docs = output.tagged(output.progress(paths, args), failures, lambda: output.load_tagger(False))
            _write_rows(out, docs, args.format)
    except output.OutputError as exc:
        output.error(str(exc))
        return output.EXIT_INPUT_ERROR
    return output.EXIT_INPUT_ERROR if failures else output.EXIT_OK


def _write_rows(out: output.Output, docs, fmt: str) -> None:
    """The rows of each tagged document as they come; a CSV has its header even without rows."""
    header_done = False
    for name, doc in docs:
        rows = extract_records(doc, file=name)
        if fmt == "jsonl":
            write_jsonl(out, rows)
        else:
            out.write(_csv_text(rows, header=not header_done))
            header_done = True
    if fmt == "csv" and not header_done:
        out.write(_csv_text([], header=True))


def _csv_text(rows: list[dict], header: bool) -> str:
    buf = io.StringIO(newline="")
    write_csv(buf, rows, header=header)
    return buf.getvalue()
