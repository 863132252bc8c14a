"""Reading input files: bytes in, exact text out.

Scraped Korean pages arrive as UTF-8 (with or without a byte-order mark),
UTF-16 with a byte-order mark, or the legacy Korean code page CP949 (of which
EUC-KR is a subset).  :func:`read_text` and :func:`decode_bytes` turn such
bytes into a :class:`Decoded` ``(text, encoding)`` pair and refuse anything
else with an :class:`InputError`.

Offsets
    Entity offsets are Python ``str`` indices into ``Decoded.text``.  The text
    is *not* normalised: no Unicode normalisation, no newline conversion
    (files are read in binary mode, so ``\\r\\n`` stays ``\\r\\n``).  The one
    thing removed is a leading byte-order mark: offsets count from the first
    character *after* the BOM, which is also what ``open(path,
    encoding="utf-8-sig")`` would give.

Decoding order
    1. a byte-order mark decides: UTF-8 (reported as ``"utf-8-sig"``),
       UTF-32 LE/BE, UTF-16 LE/BE (reported as ``"utf-16-le"`` etc.);
    2. known binary signatures (PNG, JPEG, PDF, ZIP, HWP/OLE, ...) and NUL
       bytes are rejected;
    3. strict UTF-8 (``"utf-8"``), then strict CP949 (``"cp949"``), refused when
       the result is mostly Hanja (GBK Chinese decodes as CP949 mojibake);
    4. text with a high share of control characters is rejected as binary.

Sniffing is about whole pages: a CP949 string of a few syllables can happen
to be valid UTF-8 and would then be read as UTF-8; a real page never is.

Nothing is ever decoded with ``errors="replace"``: a byte sequence that fits
none of these encodings is an error, not a string of U+FFFD.

Size
    An input of more than :data:`MAX_INPUT_BYTES` (256 MiB) is refused, and a
    pipe or device whose first megabyte is binary is refused without reading
    on, so ``/dev/zero`` or an endless pipe cannot exhaust memory.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from typing import Iterable, Iterator
from dataclasses import dataclass

__all__ = ["Decoded", "InputError", "MAX_INPUT_BYTES", "STDIN", "decode_bytes", "read_text", "display_name"]

#: The path argument that means standard input.
STDIN = "-"
#: The name used for standard input in messages and output records.
STDIN_NAME = "<stdin>"

PROG = "kgov-ner"

# Control characters allowed in text; everything else in category Cc counts
# towards the binary-file heuristic.
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1b")
# The other characters of category Cc (U+0000-U+001F, U+007F-U+009F), as runs;
# a regular expression, so that checking a 50 MB page takes milliseconds.
_OTHER_CONTROLS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]+")
# A text is binary when more than this share of its characters are control
# characters (and at least _MIN_CONTROLS of them occur).
_MAX_CONTROL_SHARE = 0.05
_MIN_CONTROLS = 2

# (signature, offset, description) of common non-text files.  Signatures too
# short to tell from text on their own (BZh, MZ, BM) are left to the NUL and
# control-character checks.
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "PNG image"),
    (b"\xff\xd8\xff", 0, "JPEG image"),
    (b"GIF87a", 0, "GIF image"),
    (b"GIF89a", 0, "GIF image"),
    (b"WEBP", 8, "WebP image"),
    (b"%PDF-", 0, "PDF document"),
    (b"PK\x03\x04", 0, "ZIP archive or Office/HWPX document"),
    (b"PK\x05\x06", 0, "ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "OLE2 compound file (HWP, DOC, XLS)"),
    (b"\x1f\x8b", 0, "gzip archive"),
    (b"\xfd7zXZ\x00", 0, "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7-Zip archive"),
    (b"\x28\xb5\x2f\xfd", 0, "zstd archive"),
    (b"\x7fELF", 0, "ELF executable"),
    (b"SQLite format 3\x00", 0, "SQLite database"),
)


@dataclass(frozen=True)
class Decoded:
    """A decoded input: the exact text and the encoding it was read with.

    ``encoding`` is a Python codec name: ``"utf-8"``, ``"utf-8-sig"`` (UTF-8
    whose BOM was removed), ``"utf-16-le"``, ``"utf-16-be"``, ``"utf-32-le"``,
    ``"utf-32-be"`` (BOM removed) or ``"cp949"`` (also covers EUC-KR).
    """

    text: str
    encoding: str


class InputError(ValueError):
    """An input that cannot be read or is not decodable text.

    ``str(error)`` is a single line meant for the user, e.g.
    ``kgov-ner: seeds/x.png: binary file (PNG image), not text``.
    ``path`` and ``reason`` hold the two parts when known.
    """

    def __init__(self, message: str, *, path: str | None = None, reason: str | None = None):
        super().__init__(message)
        self.path = path
        self.reason = reason

    @classmethod
    def for_file(cls, name: str, reason: str) -> "InputError":
        return cls(f"{PROG}: {name}: {reason}", path=name, reason=reason)


def display_name(path: str | os.PathLike[str]) -> str:
    """The name used for *path* in messages and output (``-`` is ``<stdin>``)."""
    path = os.fspath(path)
    if path == STDIN:
        return STDIN_NAME
    if _SURROGATE_ESCAPE.search(path):
        # A name that is not UTF-8 (CP949 names from a Windows zip) reaches Python with
        # its bytes as lone surrogates, which no UTF-8 output can hold: show them as \xNN.
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return path


_SURROGATE_ESCAPE = re.compile("[\udc80-\udcff]")


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or exc.__class__.__name__


#: The largest input accepted, in bytes.  Reading stops there with an error,
#: so that ``/dev/zero``, an endless pipe or a runaway dump cannot exhaust
#: memory; a longer text must be split into files.
MAX_INPUT_BYTES = 256 * 1024 * 1024
_BLOCK = 1 << 20


def _too_big(name: str) -> InputError:
    return InputError.for_file(
        name, f"larger than {MAX_INPUT_BYTES // (1 << 20)} MiB, the most one input may be: split it"
    )


def _read_bytes(fh, name: str) -> bytes:
    """All bytes of the binary stream *fh*, at most :data:`MAX_INPUT_BYTES`.

    A regular file is checked by size and read in one call.  Anything else
    (a pipe, a device) is read in blocks, and its first block is checked
    for binary content at once, so ``/dev/zero`` or ``/dev/urandom`` fail
    fast instead of filling memory.
    """
    try:
        st = os.fstat(fh.fileno())
    except (OSError, AttributeError, ValueError):  # no file descriptor (io.BytesIO)
        st = None
    if st is not None and stat.S_ISREG(st.st_mode):
        if st.st_size > MAX_INPUT_BYTES:
            raise _too_big(name)
        data = fh.read()  # read(n) would allocate n bytes up front
        if len(data) > MAX_INPUT_BYTES:  # grew while being read
            raise _too_big(name)
        return data
    buffer = bytearray()
    while True:
        block = fh.read(_BLOCK)
        if not block:
            break
        if not buffer:
            _reject_binary_start(block, name)
        buffer += block
        if len(buffer) > MAX_INPUT_BYTES:
            raise _too_big(name)
    return bytes(buffer)


def _reject_binary_start(block: bytes, name: str) -> None:
    """Raise the binary-file error :func:`decode_bytes` would give, from the first block alone."""
    if any(block.startswith(bom) for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return
    what = _sniff_binary(block)
    if what is not None:
        raise InputError.for_file(name, f"binary file ({what}), not text")
    if b"\x00" in block:
        raise InputError.for_file(name, _NUL_REASON)


def _read_stdin(name: str = STDIN_NAME) -> bytes | str:
    stream = sys.stdin
    if stream is None:
        return b""
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        return _read_bytes(buffer, name)
    text = stream.read(MAX_INPUT_BYTES + 1)  # already text (e.g. io.StringIO in tests)
    if len(text) > MAX_INPUT_BYTES:
        raise _too_big(name)
    return text


def read_text(path: str | os.PathLike[str]) -> Decoded:
    """Read and decode the file at *path* (``"-"`` means standard input).

    Raises :class:`InputError` for a missing file, a directory, an unreadable
    file, a binary file, a file over :data:`MAX_INPUT_BYTES`, or bytes that
    are not text in a supported encoding.
    """
    name = display_name(path)
    if os.fspath(path) == STDIN:
        try:
            data = _read_stdin()
        except OSError as exc:
            raise InputError.for_file(name, _os_reason(exc)) from exc
        if isinstance(data, str):
            return _check_text(Decoded(data, getattr(sys.stdin, "encoding", None) or "utf-8"), name)
        return decode_bytes(data, name)

    if os.path.isdir(path):  # portable: Windows raises PermissionError instead
        raise InputError.for_file(name, "is a directory")
    try:
        with open(path, "rb") as fh:
            data = _read_bytes(fh, name)
    except OSError as exc:
        raise InputError.for_file(name, _os_reason(exc)) from exc
    return decode_bytes(data, name)


def _sniff_binary(data: bytes) -> str | None:
    for magic, offset, what in _SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            if magic == b"WEBP" and not data.startswith(b"RIFF"):
                continue
            return what
    return None


_NUL_REASON = "binary file (contains NUL bytes; UTF-16 input needs a byte-order mark), not text"


def _decode_bom(data: bytes, name: str) -> Decoded | None:
    # UTF-32 before UTF-16: the UTF-32 LE mark starts with the UTF-16 LE mark.
    boms = (
        (b"\xef\xbb\xbf", "utf-8", "utf-8-sig", "UTF-8"),
        (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32-le", "UTF-32"),
        (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32-be", "UTF-32"),
        (b"\xff\xfe", "utf-16-le", "utf-16-le", "UTF-16"),
        (b"\xfe\xff", "utf-16-be", "utf-16-be", "UTF-16"),
    )
    for bom, codec, reported, family in boms:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                if family == "UTF-32":
                    # "\xff\xfe\x00\x00" is also a UTF-16 LE BOM followed by U+0000.
                    continue
                raise InputError.for_file(
                    name,
                    f"starts with a {family} byte-order mark but is not valid {family} "
                    f"(byte {exc.start + len(bom)}: {exc.reason})",
                ) from exc
            return Decoded(text, reported)
    return None


def _check_text(decoded: Decoded, name: str) -> Decoded:
    text = decoded.text
    if not text:
        return decoded
    if "\x00" in text:
        raise InputError.for_file(name, "binary file (contains NUL characters), not text")
    if _OTHER_CONTROLS.search(text) is None:
        return decoded
    controls = sum(m.end() - m.start() for m in _OTHER_CONTROLS.finditer(text))
    if controls >= _MIN_CONTROLS and controls > _MAX_CONTROL_SHARE * len(text):
        share = 100 * controls / len(text)
        raise InputError.for_file(
            name, f"binary file ({share:.0f}% control characters), not text"
        )
    return decoded


def _truncated_utf8(data: bytes, error: UnicodeDecodeError) -> bool:
    """Whether *data* is UTF-8 text whose last character was cut off.

    Then decoding it as CP949 would only produce mojibake.  The test is that
    everything before the cut is UTF-8 with Hangul in it: CP949 Hangul is
    invalid UTF-8 from its first byte, so CP949 text practically never
    passes.
    """
    if error.end != len(data) or error.reason != "unexpected end of data":
        return False
    head = data[: error.start].decode("utf-8")  # valid up to the error
    return any("\uac00" <= ch <= "\ud7a3" for ch in head)


def decode_bytes(data: bytes, name: str) -> Decoded:
    """Decode *data* (the content of the file called *name*) to exact text.

    See the module docstring for the order in which encodings are tried.
    Raises :class:`InputError` naming *name* when *data* is binary or not
    valid in any supported encoding.
    """
    decoded = _decode_bom(data, name)
    if decoded is not None:
        return _check_text(decoded, name)

    what = _sniff_binary(data)
    if what is not None:
        raise InputError.for_file(name, f"binary file ({what}), not text")
    if b"\x00" in data:
        raise InputError.for_file(name, _NUL_REASON)

    try:
        return _check_text(Decoded(data.decode("utf-8"), "utf-8"), name)
    except UnicodeDecodeError as utf8_error:
        if _truncated_utf8(data, utf8_error):
            raise InputError.for_file(
                name,
                f"UTF-8 text cut off inside a character at byte {utf8_error.start} "
                "(truncated file?)",
            ) from None
        try:
            text = data.decode("cp949")
        except UnicodeDecodeError:
            raise InputError.for_file(
                name,
                f"not valid UTF-8 (byte {utf8_error.start}: {utf8_error.reason}) "
                "nor CP949/EUC-KR; convert the file to UTF-8",
            ) from None
    _refuse_foreign_cp949(text, name)
    return _check_text(Decoded(text, "cp949"), name)


_HANGUL_SYLLABLE = re.compile("[\uac00-\ud7a3]")
_HANJA = re.compile("[\u4e00-\u9fff\uf900-\ufaff]")
#: A CP949 reading with at least this many Hanja, and more Hanja than half its Hangul, is refused.
_MIN_FOREIGN_HANJA = 10


def _refuse_foreign_cp949(text: str, name: str) -> None:
    """Refuse bytes that are valid CP949 but are Chinese (GBK) or similar, not Korean.

    GBK's two-byte range overlaps CP949's Hangul and Hanja blocks, so GBK
    Chinese decodes without error into a mix of rare Hangul syllables and
    Hanja (mojibake).  Modern Korean news is nearly all Hangul: a CP949
    reading in which Hanja outnumber half the Hangul syllables is taken for
    another encoding.  (Shift-JIS and EUC-JP Japanese are practically never
    valid CP949 and fail decoding already.)
    """
    hanja = len(_HANJA.findall(text))
    if hanja < _MIN_FOREIGN_HANJA:
        return
    hangul = len(_HANGUL_SYLLABLE.findall(text))
    if hanja > hangul / 2:
        raise InputError.for_file(
            name, f"not UTF-8, and read as CP949 it is mostly Hanja ({hanja} Hanja, {hangul} Hangul): "
                  "Chinese or Japanese text in another encoding (GBK, Big5, Shift-JIS)? Convert the file to UTF-8"
        )


HTML_SUFFIXES = (".html", ".htm")


def is_html_path(path: str | os.PathLike[str]) -> bool:
    return str(path).lower().endswith(HTML_SUFFIXES)


def html_to_text(html: str, name: str) -> str:
    """The main text of an HTML page, extracted by trafilatura (optional extra ``html``).

    Menus, footers and comment boxes are mostly dropped by the extractor; the
    body detector still runs on what is left. Offsets of the entities then
    refer to this extracted text (``tag --emit-text DIR`` writes it out).
    """
    try:
        import trafilatura
    except ModuleNotFoundError as exc:
        if exc.name != "trafilatura":
            raise InputError.for_file(
                name, f"trafilatura is installed but needs {exc.name}: pip install 'kgov_ner[html]'"
            ) from None
        raise InputError.for_file(name, "reading HTML needs trafilatura: pip install 'kgov_ner[html]'") from None
    except ImportError as exc:
        # e.g. lxml >= 5.2 without lxml_html_clean: an ImportError, not a missing module
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError.for_file(
            name, f"trafilatura failed to import ({reason}): pip install 'kgov_ner[html]'"
        ) from None
    text = trafilatura.extract(html, favor_recall=True, include_comments=False, include_tables=True)
    # None: an empty page, scripts only, no body. Like an empty text file it is tagged, with no entities.
    return text or ""


def decoding_note(name: str, encoding: str) -> str | None:
    """The stderr line for an input not read as plain UTF-8 (``None`` for plain UTF-8).

    ``encoding`` is :attr:`Decoded.encoding`; every engine reports with this line.
    """
    if encoding.endswith("html→text"):
        return f"{PROG}: {name}: HTML page: offsets refer to its extracted main text (see --emit-text)"
    if encoding != "utf-8":
        note = " (byte-order mark removed; offsets count from after it)" if encoding.startswith("utf") else ""
        return f"{PROG}: {name}: decoded as {encoding}{note}"
    return None


def read_input(path: str | os.PathLike[str], html: bool | None = None) -> Decoded:
    """Read a text or HTML input; ``html=None`` decides by the file suffix."""
    decoded = read_text(path)
    if html or (html is None and is_html_path(path)):
        text = html_to_text(decoded.text, display_name(path))
        return Decoded(text, f"{decoded.encoding}, html→text")
    return decoded


TEXT_SUFFIXES = (".txt",) + HTML_SUFFIXES
_GLOB_CHARS = set("*?[")


def expand_inputs(paths: Iterable[str], recursive: bool = False) -> Iterator[str | InputError]:
    """Input paths in order: files as given, a directory's ``.txt``/``.html`` files
    (sorted; all levels with ``recursive``), and glob patterns expanded.

    ``-`` (stdin) passes through; a path that does not exist is passed on so
    reading it gives the usual one-line error; a directory or pattern with no
    matching file yields an :class:`InputError` instead of a path.
    """
    import glob

    for path in paths:
        text = str(path)
        if text == "-" or os.path.isfile(text):
            yield text
        elif os.path.isdir(text):
            found = sorted(
                p for p in (_walk(text) if recursive else glob.glob(os.path.join(glob.escape(text), "*")))
                if p.lower().endswith(TEXT_SUFFIXES) and os.path.isfile(p)
            )
            if not found:
                hint = "" if recursive else " (use --recursive for subdirectories)"
                yield InputError(f"{PROG}: {display_name(text)}: no .txt or .html files in this directory{hint}")
            yield from found
        elif _GLOB_CHARS & set(text):
            found = sorted(p for p in glob.glob(text, recursive=True) if os.path.isfile(p))
            if not found:
                yield InputError(f"{PROG}: {text}: no file matches this pattern")
            yield from found
        else:
            yield text


def _walk(top: str) -> Iterator[str]:
    """Every file path under *top*, all levels, each directory visited once.

    Symbolic links to directories are followed, but a directory already seen
    (by device and inode) is skipped, so a link loop (``ln -s .. up``) or a
    link back to a parent neither runs forever nor tags a file twice.
    Hidden names (a leading dot) are skipped, as a shell glob does.
    """
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(top, followlinks=True):
        try:
            st = os.stat(root)
        except OSError:
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if not name.startswith("."):
                yield os.path.join(root, name)
