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
import threading
from dataclasses import dataclass

from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

_KIWI_LOCK = threading.Lock()


@functools.lru_cache(maxsize=None)
def _kiwi(num_workers: int | None):
    from kiwipiepy import Kiwi

    return Kiwi() if num_workers is None else Kiwi(num_workers=num_workers)


def get_kiwi(num_workers: int | None = None):
    """Return the process-wide Kiwi analyser, created on first use.

    Creating a Kiwi takes about a second and 500 MB, so every caller shares
    one instance per ``num_workers`` setting.
    """
    with _KIWI_LOCK:
        return _kiwi(num_workers)


@dataclass(frozen=True, slots=True)
class Morph:
    """One Kiwi morpheme: base form, tag and its span in the input."""

    form: str
    tag: str
    start: int
    end: int


def _register_extensions() -> None:
    if not Token.has_extension("morphs"):
        Token.set_extension("morphs", default=())


def group_morphemes(morphs: list[Morph], length: int) -> list[tuple[int, int, list[Morph]]]:
    """Group morphemes whose spans overlap or touch at zero width.

    Returns ``(start, end, morphs)`` groups, sorted, non-overlapping, inside
    ``[0, length]``; zero-length morphemes join the group they sit in or the
    one that ends where they sit.
    """
    groups: list[tuple[int, int, list[Morph]]] = []
    for m in sorted(morphs, key=lambda m: (m.start, m.end)):
        start = min(max(m.start, 0), length)
        end = min(max(m.end, start), length)
        if groups and (start < groups[-1][1] or (start == end and start <= groups[-1][1])):
            g_start, g_end, members = groups[-1]
            members.append(m)
            groups[-1] = (g_start, max(g_end, end), members)
        elif start == end:
            # A zero-width morpheme before any real one: keep it for the next group.
            groups.append((start, end, [m]))
        else:
            if groups and groups[-1][0] == groups[-1][1]:
                _, _, pending = groups.pop()
                groups.append((start, end, pending + [m]))
            else:
                groups.append((start, end, [m]))
    return [g for g in groups if g[1] > g[0]]


def _split_gap(gap: str) -> list[str]:
    """Split text Kiwi did not cover into whitespace and non-whitespace runs."""
    runs: list[str] = []
    for ch in gap:
        if runs and runs[-1][-1].isspace() == ch.isspace():
            runs[-1] += ch
        else:
            runs.append(ch)
    return runs


class KiwiTokenizer:
    """spaCy tokenizer backed by Kiwi.

    Every token's text is a slice of the input; ``token.tag_`` holds Kiwi's
    tag (``VV+EP`` for a contraction), ``token._.morphs`` the morphemes, and
    sentence starts come from Kiwi.

    >>> nlp = spacy.blank("ko"); nlp.tokenizer = KiwiTokenizer(nlp.vocab)
    >>> [t.text for t in nlp("송파구는 4500만 원")]
    ['송파구', '는', '4500', '만', '원']
    """

    def __init__(self, vocab: Vocab, num_workers: int | None = None):
        self.vocab = vocab
        self.num_workers = num_workers
        _register_extensions()

    def __call__(self, text: str) -> Doc:
        if not isinstance(text, str):
            raise TypeError(f"KiwiTokenizer expects str, got {type(text).__name__}")
        kiwi_tokens = get_kiwi(self.num_workers).tokenize(text) if text.strip() else []
        return self._make_doc(text, kiwi_tokens)

    def pipe(self, texts, batch_size: int = 64):
        for text in texts:
            yield self(text)

    def _make_doc(self, text: str, kiwi_tokens) -> Doc:
        morphs = []
        sent_of_start: dict[int, int] = {}
        for kt in kiwi_tokens:
            m = Morph(kt.form, kt.tag, kt.start, kt.start + kt.len)
            morphs.append(m)
            sent_of_start.setdefault(kt.start, kt.sent_position)
        groups = group_morphemes(morphs, len(text))

        words: list[str] = []
        spaces: list[bool] = []
        tags: list[str] = []
        sent_ids: list[int | None] = []
        details: list[tuple[Morph, ...]] = []

        def add_gap(gap: str) -> None:
            if gap.startswith(" ") and words and not spaces[-1] and not words[-1].isspace():
                spaces[-1] = True
                gap = gap[1:]
            for run in _split_gap(gap):
                words.append(run)
                spaces.append(False)
                tags.append("_SP" if run.isspace() else "X")
                sent_ids.append(None)
                details.append(())

        pos = 0
        for start, end, members in groups:
            if start < pos:  # defensive: never emit overlapping text
                start = pos
                if start >= end:
                    continue
            if start > pos:
                add_gap(text[pos:start])
            words.append(text[start:end])
            spaces.append(False)
            tags.append("+".join(m.tag for m in members))
            sent_ids.append(sent_of_start.get(members[0].start))
            details.append(tuple(members))
            pos = end
        if pos < len(text):
            add_gap(text[pos:])

        sent_starts: list[bool] = []
        previous = None
        for i, sid in enumerate(sent_ids):
            if sid is None:
                sent_starts.append(i == 0)
            else:
                sent_starts.append(previous is None or sid != previous)
                previous = sid
        doc = Doc(self.vocab, words=words, spaces=spaces, tags=tags,
                  sent_starts=sent_starts if words else None)
        for token, detail in zip(doc, details):
            if detail:
                token._.morphs = detail
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
