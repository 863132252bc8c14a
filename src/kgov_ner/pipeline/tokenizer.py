"""Kiwi → spaCy bridge: a tokenizer whose ``doc.text`` is always the input.

Kiwi reports morphemes with character offsets into the caller's string, but
they are not a tokenisation: contracted morphemes share characters
(됐 → 되 + 었 at the same offset) and a dropped copula (이/VCP) has length 0.
The bridge groups morphemes whose spans touch into one token, takes every
token's text from the input by offset (Kiwi's ``form`` is a restored base
form), and turns whatever Kiwi left uncovered into tokens of its own, so that
joining the tokens gives back the input exactly.
"""

from __future__ import annotations

import functools
import operator
import re
import threading
from typing import Callable, Iterable, Iterator

import numpy
from spacy.attrs import SENT_START, TAG
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from kgov_ner.pipeline.kiwi import Morph, get_kiwi, preload_kiwi  # noqa: F401 - re-exported
from kgov_ner.text.chunking import iter_chunks


MORPHS_KEY = "kgov_morphs"  # doc.user_data: token start offset -> tuple of Morph
REGIONS_KEY = "kgov_regions"  # doc.user_data: the character ranges Kiwi analysed
TEXT_KEY = "kgov_text"  # doc.user_data: the input string (spaCy rebuilds doc.text on each access)
#: Kiwi's time grows faster than the length of what it is given (a 128,000-
#: character page of short paragraphs takes 45 times as long as 8,000), so a
#: region longer than this goes to Kiwi in pieces of at most this size, cut
#: after a line break where there is one (a sentence end, a space otherwise).
#: An article's body is shorter: its analysis is the same as in one piece.
KIWI_PIECE_CHARS = 8000


def doc_text(doc: Doc) -> str:
    """``doc.text`` without rebuilding it from the tokens when the bridge made the Doc."""
    text = doc.user_data.get(TEXT_KEY)
    return text if text is not None else doc.text


def _token_morphs(token: Token) -> tuple:
    return token.doc.user_data.get(MORPHS_KEY, {}).get(token.idx, ())


def _register_extensions() -> None:
    if not Token.has_extension("morphs"):
        Token.set_extension("morphs", getter=_token_morphs)


def analysed_regions(doc: Doc) -> list[tuple[int, int]]:
    """The ranges of ``doc.text`` that Kiwi analysed (the whole text unless restricted)."""
    regions = doc.user_data.get(REGIONS_KEY)
    return [tuple(r) for r in regions] if regions is not None else [(0, len(doc_text(doc)))]


def group_morphemes(morphs: list[Morph], length: int) -> list[tuple[int, int, list[Morph]]]:
    """Group morphemes whose spans overlap or touch at zero width.

    Returns ``(start, end, morphs)`` groups, sorted, non-overlapping, inside
    ``[0, length]``; zero-length morphemes join the group they sit in or the
    one that ends where they sit.
    """
    groups: list[list] = []  # [start, end, members], the last one still growing
    last: list | None = None
    for m in sorted(morphs, key=_START_END):
        start, end = m[2], m[3]
        if start < 0 or end < start or end > length:  # clamp into [0, length]
            start = min(max(start, 0), length)
            end = min(max(end, start), length)
        if last is not None and (start < last[1] or (start == end and start <= last[1])):
            last[2].append(m)
            if end > last[1]:
                last[1] = end
        elif last is not None and last[0] == last[1] and start != end:
            # Zero-width morphemes before any real one were kept for this group.
            last[0], last[1] = start, end
            last[2].append(m)
        else:
            last = [start, end, [m]]
            groups.append(last)
    return [(start, end, members) for start, end, members in groups if end > start]


_START_END = operator.itemgetter(2, 3)  # a Morph's (start, end)
_new_morph = tuple.__new__  # Morph(...) without the Python-level constructor: one per morpheme


_RUNS = re.compile(r"\s+|\S+")  # ``\s`` is ``str.isspace``: the same runs, found in one pass


def _split_gap(gap: str) -> list[str]:
    """Split text Kiwi did not cover into whitespace and non-whitespace runs."""
    return _RUNS.findall(gap)


class KiwiTokenizer:
    """spaCy tokenizer backed by Kiwi.

    Every token's text is a slice of the input; ``token.tag_`` holds Kiwi's
    tag (``VV+EP`` for a contraction), ``token._.morphs`` the morphemes, and
    sentence starts come from Kiwi.

    >>> nlp = spacy.blank("ko"); nlp.tokenizer = KiwiTokenizer(nlp.vocab)
    >>> [t.text for t in nlp("송파구는 4500만 원")]
    ['송파구', '는', '4500', '만', '원']
    """

    def __init__(self, vocab: Vocab, num_workers: int | None = None,
                 regions: Callable[[str], list[tuple[int, int]]] | None = None):
        """``regions``: optional function giving the character ranges to analyse
        (e.g. the article body); the rest of the text becomes plain tokens split
        at whitespace, with no Kiwi analysis, so ``doc.text`` stays the input."""
        self.vocab = vocab
        self.num_workers = num_workers
        self.regions = regions
        _register_extensions()

    def __call__(self, text: str) -> Doc:
        return next(self.pipe([text]))

    def _regions_of(self, text: str) -> list[tuple[int, int]]:
        if not text.strip():
            return []
        if self.regions is None:
            return [(0, len(text))]
        return sorted((max(0, s), min(len(text), e)) for s, e in self.regions(text) if e > s)

    def pipe(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[Doc]:
        """Docs for ``texts`` in order; Kiwi analyses each batch in one call, on its worker threads.

        Kiwi starts on a batch before the Docs of the one before it are handed
        on, so its threads analyse while the pipeline's Python stages run on
        those Docs (they would otherwise wait for each other, each leaving a core idle).
        """
        started = None  # the batch Kiwi is analysing, not handed on yet
        batch: list[str] = []
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"KiwiTokenizer expects str, got {type(text).__name__}")
            batch.append(text)
            if len(batch) >= batch_size:
                started, previous, batch = self._start_batch(batch), started, []
                if previous is not None:
                    yield from self._finish_batch(*previous)
        if batch:
            started, previous = self._start_batch(batch), started
            if previous is not None:
                yield from self._finish_batch(*previous)
        if started is not None:
            yield from self._finish_batch(*started)

    def _start_batch(self, texts: list[str]) -> tuple:
        """Find each text's regions and hand their pieces to Kiwi, which analyses them in the background."""
        plans = [self._regions_of(t) for t in texts]
        # Per text, the pieces Kiwi analyses (a region, or a part of a long
        # one), each with its start offset in the text.
        plan_pieces = [[(s + offset, chunk) for s, e in regions
                        for offset, chunk in iter_chunks(t[s:e], KIWI_PIECE_CHARS)]
                       for t, regions in zip(texts, plans)]
        pieces = [chunk for per_text in plan_pieces for _, chunk in per_text]
        kiwi = get_kiwi(self.num_workers)
        analysed = iter(kiwi.tokenize(pieces) if len(pieces) > 1 else [kiwi.tokenize(p) for p in pieces])
        return texts, plans, plan_pieces, analysed

    def _finish_batch(self, texts: list[str], plans: list, plan_pieces: list, analysed: Iterator) -> Iterator[Doc]:
        """The Docs of a started batch, as Kiwi's analyses come in."""
        for text, regions, per_text in zip(texts, plans, plan_pieces):
            morphs: list[Morph] = []
            sent_of_start: dict[int, tuple[int, int]] = {}
            for r, (start, _) in enumerate(per_text):
                for kt in next(analysed):
                    at = kt.start + start
                    morphs.append(_new_morph(Morph, (kt.form, kt.tag, at, at + kt.len)))
                    if at not in sent_of_start:
                        sent_of_start[at] = (r, kt.sent_position)
            doc = self._make_doc(text, morphs, sent_of_start)
            if self.regions is not None:
                doc.user_data[REGIONS_KEY] = regions
            yield doc

    def _make_doc(self, text: str, morphs: list[Morph], sent_of_start: dict) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        tags: list[str] = []
        sent_ids: list = []
        details: dict[int, tuple[Morph, ...]] = {}
        pos = 0
        for start, end, members in group_morphemes(morphs, len(text)):
            if start < pos:  # defensive: never emit overlapping text
                start = pos
                if start >= end:
                    continue
            if start > pos:
                _add_gap(text[pos:start], words, spaces, tags, sent_ids)
            words.append(text[start:end])
            spaces.append(False)
            first = members[0]
            tags.append(first[1] if len(members) == 1 else "+".join([m[1] for m in members]))
            sent_ids.append(sent_of_start.get(first[2]))
            details[start] = tuple(members)
            pos = end
        if pos < len(text):
            _add_gap(text[pos:], words, spaces, tags, sent_ids)
        doc = _new_doc(self.vocab, words, spaces, tags, _sent_starts(sent_ids))
        doc.user_data[MORPHS_KEY] = details
        doc.user_data[TEXT_KEY] = text
        return doc

    # spaCy serialisation hooks: the tokenizer has no state of its own.
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> "KiwiTokenizer":
        return self

    def to_disk(self, path, **kwargs) -> None:
        return None

    def from_disk(self, path, **kwargs) -> "KiwiTokenizer":
        return self


def _add_gap(gap: str, words: list[str], spaces: list[bool], tags: list[str], sent_ids: list) -> None:
    """Text Kiwi did not cover: a space after a word becomes that word's trailing space, the rest tokens."""
    if gap[0] == " " and words and not spaces[-1] and not words[-1].isspace():
        spaces[-1] = True
        if len(gap) == 1:  # the common gap: one space between words
            return
        gap = gap[1:]
    for run in _split_gap(gap):
        words.append(run)
        spaces.append(False)
        tags.append("_SP" if run.isspace() else "X")
        sent_ids.append(None)


def _new_doc(vocab: Vocab, words: list[str], spaces: list[bool], tags: list[str], sent_starts: list[bool]) -> Doc:
    """``Doc(vocab, words, spaces, tags=tags, sent_starts=sent_starts)``, its tags and sentence
    starts written in one array: spaCy's constructor sets them token by token."""
    if not words:
        return Doc(vocab, words=words, spaces=spaces, tags=tags, sent_starts=None)
    doc = Doc(vocab, words=words, spaces=spaces)
    ids = {tag: vocab.strings.add(tag) for tag in set(tags)}
    values = numpy.empty((len(words), 2), dtype=numpy.uint64)
    values[:, 0] = [ids[tag] for tag in tags]
    # as the constructor writes them: 1 starts a sentence, -1 does not
    values[:, 1] = numpy.array([1 if s else -1 for s in sent_starts], dtype=numpy.int32).astype(numpy.uint64)
    doc.from_array([TAG, SENT_START], values)
    return doc


def _sent_starts(sent_ids: list) -> list[bool]:
    """Per token, whether it starts a sentence: where Kiwi's sentence id changes.

    Tokens Kiwi did not analyse (gaps, ``None``) start none, except the first token.
    """
    sent_starts: list[bool] = []
    previous = None
    for i, sid in enumerate(sent_ids):
        if sid is None:
            sent_starts.append(i == 0)
        else:
            sent_starts.append(previous is None or sid != previous)
            previous = sid
    return sent_starts


def sentences(doc: Doc) -> list:
    """The sentences of *doc* as Spans: Kiwi's, or the whole Doc as one when it has none."""
    if doc.has_annotation("SENT_START"):
        return list(doc.sents)
    return [doc[:]] if len(doc) else []
