"""Writing files all or nothing: the one file writer every output uses.

:func:`atomic_write` writes into a temporary file beside the target and
renames it over the target only when the ``with`` block ends normally, so a
reader (or a rerun after a crash) sees the old file or the complete new one,
never half of it.  The rules, in one place:

- the temporary file (``.NAME.XXXXXXXX.tmp``, NAME shortened when the
  file system's name limit requires) sits in the target's folder, so the
  rename stays on one file system; it is created on entry, which
  makes an output in a missing folder fail before any work is done;
- the data is flushed and ``fsync``-ed before the rename;
- the new file keeps the mode of the file it replaces; a new file gets what
  ``open()`` would give it (``0o666`` less the umask);
- a symlink stays a symlink: the file it points to is replaced;
- a path that exists but is not a regular file (``/dev/stdout``, a FIFO, a
  device) cannot be replaced: it is written to directly;
- on any exit that does not commit (an exception, ``KeyboardInterrupt``)
  the temporary file is removed and the old file is left as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from typing import IO, Any, Iterator

__all__ = ["atomic_write", "write_text_atomic"]

_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, *, binary: bool = False, encoding: str = "utf-8",
                 newline: str | None = None) -> Iterator[IO[Any]]:
    """Open *path* for writing, all or nothing; the file object is yielded.

    The target is replaced when the block ends without an exception (see the
    module docstring for the rules).  ``binary``, ``encoding`` and
    ``newline`` mean what they mean for :func:`open` (``newline=""``: no
    newline translation).  ``OSError`` is raised as is: on entry when the
    temporary file cannot be created (a missing folder, a directory as
    *path*), on writing, or on the final rename.

    >>> with atomic_write(tmp_path / "out.jsonl", newline="") as fh:  # doctest: +SKIP
    ...     fh.write('{"text": "송파구"}\\n')
    """
    path = os.fspath(path)
    mode = "wb" if binary else "w"
    options = {} if binary else {"encoding": encoding, "newline": newline}
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, "is a directory", path)
    if os.path.exists(path) and not os.path.isfile(path):
        with open(path, mode, **options) as stream:  # a device or FIFO: never replaced
            yield stream
        return
    target = os.path.realpath(path) if os.path.islink(path) else path
    old_mode = _mode_of(target)
    fd, tmp = _create_temp(target, 0o666 if old_mode is None else old_mode)
    try:
        stream = open(fd, mode, **options)
    except BaseException:
        os.close(fd)
        _remove(tmp)
        raise
    try:
        yield stream
        stream.flush()
        os.fsync(stream.fileno())
        stream.close()
        if old_mode is not None:
            os.chmod(tmp, old_mode)  # creation applied the umask; give back the old bits
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            stream.close()
        _remove(tmp)
        raise


def write_text_atomic(path: str | os.PathLike, text: str, *, encoding: str = "utf-8",
                      newline: str | None = None) -> None:
    """Write *text* to *path* with :func:`atomic_write` (like :meth:`pathlib.Path.write_text`, all or nothing)."""
    with atomic_write(path, encoding=encoding, newline=newline) as stream:
        stream.write(text)


def _mode_of(path: str) -> int | None:
    """Permission bits of the file at *path*, or None when there is none."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        return None


def _create_temp(target: str, mode: int) -> tuple[int, str]:
    """Create ``.NAME.XXXXXXXX.tmp`` beside *target*; return its descriptor and path.

    Created with *mode* (the kernel takes the umask off, as ``open()`` does),
    not ``mkstemp``'s 0o600 followed by a chmod: finding the umask means
    setting it, which is not safe with other threads running.
    """
    directory, base = os.path.split(os.path.abspath(target))
    base = _shorten(base, _name_max(directory) - len(".." + "0" * 8 + ".tmp"))
    for _ in range(100):
        tmp = os.path.join(directory, f".{base}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, _CREATE_FLAGS, mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", os.path.join(directory, f".{base}.*.tmp"))


def _name_max(directory: str) -> int:
    """The longest file name (in bytes) the file system of *directory* takes."""
    try:
        return int(os.pathconf(directory, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):  # no pathconf (Windows), or no answer
        return 255


def _shorten(base: str, limit: int) -> str:
    """*base* cut to at most *limit* bytes once encoded, so that a target whose own
    name is near the limit still gets a temporary name (which adds 14 characters)."""
    if len(os.fsencode(base)) <= limit:
        return base
    while base and len(os.fsencode(base)) > limit:
        base = base[:-1]
    return base


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
