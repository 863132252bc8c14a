"""Tagging texts too long to tag in one piece, chunk by chunk, in bounded memory.

:func:`tag_long` / :func:`iter_entities` cut the text with
:func:`kgov_ner.text.chunking.iter_chunks`, tag every chunk with the same
:class:`~kgov_ner.pipeline.tagger.Tagger` and return the entities as
:func:`~kgov_ner.pipeline.tagger.entity_dict` gives them, with
``start``/``end`` shifted to offsets into the *original* text.

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

from collections import deque
from typing import Any, Iterable, Iterator

from kgov_ner.text.chunking import iter_chunks

__all__ = ["iter_entities", "tag_long", "LONG_INPUT_CHARS", "TAG_CHUNK_CHARS"]

#: spaCy's default ``nlp.max_length``: no chunk may be longer.
_SPACY_MAX_LENGTH = 1_000_000
#: Inputs longer than this are tagged chunk by chunk by the CLI: ``Tagger()(text)``
#: refuses a longer text with a ``ValueError`` (E088), :func:`tag_long` is the way to tag it.
LONG_INPUT_CHARS = _SPACY_MAX_LENGTH
#: Chunk size :func:`tag_long` uses by default.
TAG_CHUNK_CHARS = 20_000


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

    *tagger* is a :class:`~kgov_ner.pipeline.tagger.Tagger`; each chunk of at most
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
