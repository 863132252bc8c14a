"""Command-line interface: ``kgov-ner`` / ``python -m kgov_ner``.

The CLI is a thin layer: it parses arguments, reads files with
:mod:`kgov_ner.text.reading`, tags them with
:class:`kgov_ner.pipeline.tagger.Tagger` and writes the result.  Every user
error (unreadable file, binary file, bad encoding, output directory missing)
is one line on stderr of the form ``kgov-ner: PATH: reason``; a run in which
any input failed still processes the other inputs and exits with status 2.

This module only builds the parser and dispatches.  Each command is a
module of this package (:data:`COMMANDS`) with ``add_arguments(parser)``,
``run(args) -> int`` and a ``HELP`` string (else its docstring's first line
is the summary ``--help`` shows); what the commands share is in
:mod:`kgov_ner.cli.output`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import threading

from kgov_ner.cli.output import EXIT_INPUT_ERROR, error
from kgov_ner.text.reading import PROG

__all__ = ["COMMANDS", "build_parser", "main"]

#: The commands, in the order ``--help`` lists them, and the module of each.
COMMANDS = {
    "tag": "kgov_ner.cli.tag",
    "eval": "kgov_ner.cli.eval",
    "train": "kgov_ner.cli.train",
    "records": "kgov_ner.cli.records",
}


def _version() -> str:
    try:
        from kgov_ner import __version__

        return __version__
    except ImportError:  # pragma: no cover - __init__ without __version__
        from importlib.metadata import version

        return version("kgov_ner")


def _add_command(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]", name: str,
                 module_name: str) -> None:
    """Register the command *name* from *module_name*, imported here.

    A command module that does not exist gives no command; one that cannot
    be imported (a missing optional dependency) gives a command that says
    why it is unavailable.  Either way the other commands still work.
    """
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return
        _add_unavailable(subparsers, name, str(exc))
        return
    except ImportError as exc:
        _add_unavailable(subparsers, name, str(exc))
        return
    doc = (module.__doc__ or "").strip()
    summary = getattr(module, "HELP", None) or (doc.splitlines()[0] if doc else None)
    parser = subparsers.add_parser(name, help=summary)
    module.add_arguments(parser)  # also sets the description, epilog and formatter it wants
    parser.set_defaults(func=module.run)


def _add_unavailable(subparsers, name: str, reason: str) -> None:
    parser = subparsers.add_parser(name, help=f"(unavailable: {reason})", add_help=False)
    parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)

    def unavailable(args: argparse.Namespace) -> int:
        error(f"{PROG}: {name} is unavailable: {reason}")
        return EXIT_INPUT_ERROR

    parser.set_defaults(func=unavailable)


def build_parser() -> argparse.ArgumentParser:
    """The ``kgov-ner`` parser, with a subparser for each of :data:`COMMANDS`."""
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
    for name, module_name in COMMANDS.items():
        _add_command(subparsers, name, module_name)
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
        error(f"{PROG}: error: a command is required (try '{PROG} --help')")
        return EXIT_INPUT_ERROR
    previous = _catch_termination()
    try:
        return int(args.func(args))
    except BrokenPipeError:
        # The reader went away (e.g. `kgov-ner tag x | head`): stop quietly, with the
        # status a process killed by SIGPIPE has (as `cat x | head` gives), not 1 (a bug).
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        error(f"{PROG}: interrupted")
        return 130
    except Terminated as exc:
        error(f"{PROG}: terminated ({signal.Signals(exc.signum).name})")
        return 128 + exc.signum
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


#: The exit status when standard output is a pipe whose reader went away (128 + SIGPIPE).
EXIT_BROKEN_PIPE = 141


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwinds like Ctrl-C, so an ``-o`` temporary file is
    removed and worker processes are stopped before the exit (status 128 + signal)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum: int, frame) -> None:
    raise Terminated(signum)


def _catch_termination() -> dict:
    """Turn SIGTERM and SIGHUP into :class:`Terminated` while a command runs; the old handlers.

    Only a signal left at its default action is taken over: one the caller
    ignores (``nohup`` ignores SIGHUP) stays ignored.  Only possible in the
    main thread (a test calling :func:`main` from another thread gets none).
    """
    previous: dict = {}
    if threading.current_thread() is not threading.main_thread():
        return previous
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None or signal.getsignal(signum) is not signal.SIG_DFL:
            continue
        previous[signum] = signal.signal(signum, _raise_terminated)
    return previous
