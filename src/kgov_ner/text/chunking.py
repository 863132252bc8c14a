"""Tagging texts too long to tag in one piece, in bounded memory.

A scraped news page is a few thousand characters.  A file of tens of
megabytes (a dump, a concatenation of pages, a page without line breaks) is
cut into chunks that are tagged one after the other, so memory is bounded by
the chunk size, not by the input:

- :func:`iter_chunks` cuts a text into consecutive pieces of at most
  ``max_chars`` characters, preferably after a line break; a single line
  longer than that is cut after a sentence end (``다.``, ``.``, ``!``, ``?``
  followed by whitespace), else after a run of whitespace, else after a
  single whitespace character, and only as a last resort at ``max_chars``
  (never between a character and the combining marks or conjoining Hangul
  vowels/finals that follow it).  Always at the *last* such place that fits.  The chunks tile the text:
  ``text[offset:offset + len(chunk)] == chunk`` and joining them gives the
  text back.
- :func:`tag_long` / :func:`iter_entities` tag every chunk with the same
  :class:`~kgov_ner.pipeline.Tagger` and return the entities as
  :func:`~kgov_ner.pipeline.entity_dict` gives them, with ``start``/``end``
  shifted to offsets into the *original* text.

Each chunk is tagged as a text of its own, body detection included: with the
default ``Tagger(body="filter")`` every chunk gets its own article body, so a
file concatenating many pages keeps roughly one article per chunk.  Tag such
pages separately (one file each) when that matters.  A chunk that is only
whitespace is skipped (it cannot contain an entity).  An entity that would
cross a cut is lost; cuts at line breaks make that practically impossible,
cuts inside a very long line can split one.

Chunks are small (:data:`TAG_CHUNK_CHARS`) because tagging time grows faster
than linearly with the number of entities in one text: 100,000 characters
of dense news prose take ~3 times as long in one piece as in five pieces.
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from typing import Any, Iterable, Iterator

__all__ = ["iter_chunks", "iter_entities", "tag_long", "LONG_INPUT_CHARS", "TAG_CHUNK_CHARS"]

#: Inputs longer than this are tagged chunk by chunk by the CLI.  It is
#: spaCy's default ``nlp.max_length``: ``Tagger()(text)`` refuses a longer
#: text with a ``ValueError`` (E088), :func:`tag_long` is the way to tag it.
LONG_INPUT_CHARS = 1_000_000
_SPACY_MAX_LENGTH = 1_000_000
#: Chunk size :func:`tag_long` uses by default.
TAG_CHUNK_CHARS = 20_000

_LINE_END = re.compile(r"\r\n|\n|\r|[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# A sentence end followed by whitespace; the cut goes after the whitespace
# character, so the next chunk starts with the next sentence.
_SENTENCE_END = re.compile(r"(?:다\.|[.!?。！？])[\"'”’」』)\]]*\s")
# A run of whitespace (a gap between blocks of text on one line) is a better
# place than a single space, which may sit inside a sentence.
_GAP = re.compile(r"\s{2,}")
_SPACE = re.compile(r"\s")
# How far back the last-resort cut may move to keep a character together with
# the marks that follow it.
_MAX_BACKOFF = 32


def _last_end(pattern: re.Pattern[str], text: str, start: int, stop: int) -> int | None:
    """End of the last match of *pattern* in ``text[start:stop]`` (None if none).

    Scans backwards in growing windows so that the common case (a match
    near *stop*) costs little.
    """
    size = 256
    lo = stop
    while lo > start:
        lo = max(start, stop - size)
        last = None
        for match in pattern.finditer(text, lo, stop):
            last = match
        if last is not None and last.end() > start:
            return last.end()
        size *= 4
    return None


def _clings(ch: str) -> bool:
    """Whether *ch* must stay with the character before it."""
    return (
        unicodedata.combining(ch) != 0
        or "\u1160" <= ch <= "\u11ff"  # conjoining Hangul medial vowels and finals
        or "\ud7b0" <= ch <= "\ud7ff"  # Hangul Jamo Extended-B (medials, finals)
        or "\ufe00" <= ch <= "\ufe0f"  # variation selectors
        or ch == "\u200d"  # zero-width joiner
        or unicodedata.category(ch) in ("Mn", "Me", "Mc")
    )


def _hard_cut(text: str, start: int, stop: int) -> int:
    cut = stop
    while cut - 1 > start and stop - cut < _MAX_BACKOFF and _clings(text[cut]):
        cut -= 1
    return cut if not _clings(text[cut]) else stop


def _cut(text: str, start: int, stop: int) -> int:
    """Where to end the chunk that starts at *start* and may not pass *stop* (< len(text))."""
    if text[stop - 1] == "\r" and text[stop] == "\n" and stop - 1 > start:
        stop -= 1  # never part CR from LF
    for pattern in (_LINE_END, _SENTENCE_END, _GAP, _SPACE):
        end = _last_end(pattern, text, start, stop)
        if end is not None:
            return end
    return _hard_cut(text, start, stop)


def iter_chunks(text: str, max_chars: int = 200_000) -> Iterator[tuple[int, str]]:
    """``(offset, chunk)`` pairs tiling *text*, each chunk at most *max_chars* long.

    ``text[offset:offset + len(chunk)] == chunk``; the chunks are consecutive,
    non-empty, and ``"".join(chunk for _, chunk in iter_chunks(text)) == text``.
    See the module docstring for where the cuts go.
    """
    if not isinstance(text, str):
        raise TypeError(f"kgov_ner expects str, got {type(text).__name__}")
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    length = len(text)
    pos = 0
    while pos < length:
        if length - pos <= max_chars:
            yield pos, text[pos:]
            return
        end = _cut(text, pos, pos + max_chars)
        yield pos, text[pos:end]
        pos = end


def iter_entities(tagger: Any, text: str, max_chars: int = TAG_CHUNK_CHARS,
                  batch_size: int = 4) -> Iterator[dict]:
    """Entities of *text*, tagged chunk by chunk, in text order (see :func:`tag_long`).

    Streams: at most *batch_size* chunks are being tagged at a time.
    """
    from kgov_ner.pipeline.tagger import entity_dict

    _check_args(tagger, text, max_chars)
    pending: deque[tuple[int, str]] = deque()

    def chunks() -> Iterator[str]:
        for offset, chunk in iter_chunks(text, max_chars):
            if chunk.isspace():
                continue
            pending.append((offset, chunk))
            yield chunk

    for doc in _pipe(tagger, chunks(), batch_size):
        offset, chunk = pending.popleft()
        for ent in doc.ents:
            record = entity_dict(ent)
            record["start"] += offset
            record["end"] += offset
            if text[record["start"]:record["end"]] != record["text"]:
                raise RuntimeError(f"entity {record} does not match the text at its offsets")
            yield record


def _pipe(tagger: Any, texts: Iterable[str], batch_size: int):
    pipe = getattr(tagger, "pipe", None)
    if pipe is not None:
        return pipe(texts, batch_size=batch_size)
    return (tagger(t) for t in texts)


def tag_long(tagger: Any, text: str, max_chars: int = TAG_CHUNK_CHARS) -> list[dict]:
    """Entities of *text* as dicts with offsets into *text*, tagged in chunks.

    *tagger* is a :class:`~kgov_ner.pipeline.Tagger`; each chunk of at most
    *max_chars* characters (see :func:`iter_chunks`) is tagged as a text of
    its own and the chunk's offset is added to ``start`` and ``end``, so
    ``text[d["start"]:d["end"]] == d["text"]`` for every returned ``d``.

    >>> from kgov_ner import Tagger
    >>> [(d["start"], d["text"]) for d in tag_long(Tagger(), "송파구는 4500만 원을 확보했다.\\n" * 2)]
    [(0, '송파구'), (5, '4500만 원'), (20, '송파구'), (25, '4500만 원')]
    """
    _check_args(tagger, text, max_chars)
    return list(iter_entities(tagger, text, max_chars))


def _check_args(tagger: Any, text: Any, max_chars: int) -> None:
    if not isinstance(text, str):
        raise TypeError(f"kgov_ner expects str, got {type(text).__name__}")
    # a chunk must be short enough for spaCy (nlp.max_length, 1,000,000 by default)
    limit = getattr(getattr(tagger, "nlp", None), "max_length", _SPACY_MAX_LENGTH)
    if not 1 <= max_chars <= limit:
        raise ValueError(f"max_chars must be between 1 and {limit:,}, got {max_chars}")
