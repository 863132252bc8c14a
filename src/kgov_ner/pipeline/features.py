"""Token features for the sequence model: plain dicts from pure functions.

One dict per token of a bridge ``Doc`` (whitespace tokens included: a line
break is evidence). Features cover the token itself (text, Kiwi tags and
morphemes, character classes, suffixes), its neighbourhood (a ±2 window),
its layout (inside quotes or brackets, a △/▲ list item, first token of a
line, the line's shape) and every rule-layer hit on it (gazetteer, money
grammar, tier lexicon, title patterns, quoted names), as B-/I- positions.

Bump :data:`FEATURE_VERSION` whenever a feature changes meaning: a model
trained on another version refuses to load.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from typing import NamedTuple

import numpy as np

from spacy.attrs import IDX, LENGTH, SPACY, TAG
from spacy.tokens import Doc

from kgov_ner.pipeline.tokenizer import MORPHS_KEY, doc_text
from kgov_ner.resources.lexicon import word_list
from kgov_ner.pipeline.rules.common import LINE_BULLETS, quoted_spans

FEATURE_VERSION = 2

_SENT_END = re.compile(r"(?:다|요)\.?\s*$")


def _char_class(text: str) -> str:
    if not text:
        return "empty"
    if text.isspace():
        return "space"
    kinds = set()
    for ch in text:
        if "가" <= ch <= "힣":
            kinds.add("H")
        elif ch.isdigit():
            kinds.add("D")
        elif ch.isascii() and ch.isalpha():
            kinds.add("L")
        elif ch.isalpha():
            kinds.add("A")
        else:
            kinds.add("P")
    return "".join(sorted(kinds))


def _quote_depths(text: str) -> list[int]:
    """Per character: 1 inside a quoted stretch of one line, else 0 (marks excluded)."""
    return _in_quotes(text, np.arange(len(text))).astype(int).tolist()


def _in_quotes(text: str, at: np.ndarray) -> np.ndarray:
    """Whether each offset ``at`` lies in a quoted stretch of one line, marks excluded: the
    stretches the rules read quoted names from (``rules.quoted_spans``).

    Unclosed stretches run to the line's end and overlap: an offset is inside
    when more stretches start at or before it than end at or before it.
    """
    spans = [(start, end) for start, end, _ in quoted_spans(text) if start < end]
    if not spans:
        return np.zeros(len(at), dtype=bool)
    starts, ends = (np.sort(np.array(column)) for column in zip(*spans))
    return np.searchsorted(starts, at, side="right") > np.searchsorted(ends, at, side="right")


_OPENING, _CLOSING = "([<〈《【", ")]>〉》】"
_BRACKET_OR_BREAK = re.compile("[" + re.escape(_OPENING + _CLOSING + "\n") + "]")


def _in_brackets(text: str, at: np.ndarray) -> np.ndarray:
    """Whether each offset ``at`` lies inside brackets (an opening bracket is outside itself,
    a closing one inside; a line break closes all), read from the brackets and line breaks alone."""
    marks, on, after = [], [], []  # each mark's offset, the depth at it, the depth after it
    depth = 0
    for found in _BRACKET_OR_BREAK.finditer(text):
        ch = found.group()
        if ch in _CLOSING:
            depth = max(0, depth - 1)
        on.append(depth)
        depth = depth + 1 if ch in _OPENING else 0 if ch == "\n" else depth
        marks.append(found.start())
        after.append(depth)
    if not marks:
        return np.zeros(len(at), dtype=bool)
    last = np.searchsorted(marks, at, side="right") - 1  # the last mark at or before each offset
    depth_at = np.where(np.asarray(marks)[last] == at, np.asarray(on)[last], np.asarray(after)[last])
    return (last >= 0) & (depth_at > 0)


def _line_shapes(text: str) -> list[dict]:
    """Per line of ``text``, a few shape features."""
    shapes = []
    for line in text.split("\n"):
        stripped = line.strip()
        length = len(stripped)
        shape: dict = {
            "line.len": "0" if length == 0 else "short" if length < 20 else "mid" if length < 60 else "long",
        }
        # Flags are set only when true (see _token_base).
        if _SENT_END.search(stripped):
            shape["line.sent_end"] = True
        if stripped and stripped[0] in LINE_BULLETS:
            shape["line.list"] = True
        if stripped.startswith(("[", "<", "【")):
            shape["line.bracket"] = True
        shapes.append(shape)
    return shapes


def _rule_tags(tables: DocTables, lo: int, hi: int, words: list[str]) -> list[dict[str, bool]]:
    """Per token of ``doc[lo:hi]``, the rule candidates covering it as flags."""
    tags: list[dict[str, bool]] = [{} for _ in range(hi - lo)]
    spans = tables.candidates.overlapping(lo, hi)
    for start, end, label in spans:
        for i in range(max(start, lo), min(end, hi)):
            prefix = "B" if i == start else "I"
            tags[i - lo][f"rule:{prefix}-{label}"] = True
            tags[i - lo][f"rule:{label}"] = True
        if lo <= end < hi:
            tags[end - lo][f"rule:after-{label}"] = True
    _mark_words_elsewhere(tables, lo, hi, words, spans, tags)
    for start, end, label in tables.ents.overlapping(lo, hi):  # the resolved set: what the rules alone output
        for i in range(max(start, lo), min(end, hi)):
            tags[i - lo][f"ent:{'B' if i == start else 'I'}-{label}"] = True
    return tags


def _mark_words_elsewhere(tables: DocTables, lo: int, hi: int, words: list[str], spans: list[tuple[int, int, str]],
                          tags: list[dict[str, bool]]) -> None:
    """Flag the tokens whose word a PROGRAM or DISTRICT candidate holds elsewhere on the page.

    A headline often names a program by its core word only (희망일자리 for
    서울 희망일자리 만들기). Counted, not listed: a token's word is
    "elsewhere" when more spans of that label contain it than the ones
    covering the token itself.
    """
    in_spans: dict[tuple[str, str], int] = {}
    covering: dict[int, dict[str, int]] = {}
    for start, end, label in spans:
        if label in ("PROGRAM", "DISTRICT"):
            seen: set[str] = set()
            for i in range(start, end):
                word = words[i - lo] if lo <= i < hi else tables.token_text(i)
                if len(word) >= 2 and not word.isspace():
                    key = (word, label)
                    if word not in seen:  # spans are counted, not occurrences
                        seen.add(word)
                        in_spans[key] = in_spans.get(key, 0) + 1
                    if lo <= i < hi:
                        own = covering.setdefault(i, {})
                        own[label] = own.get(label, 0) + 1
    if in_spans:
        held = {word for word, _ in in_spans}
        for i in (lo + k for k, word in enumerate(words) if word in held):  # only words some span holds
            word = words[i - lo]
            own = covering.get(i, {})
            for label in ("PROGRAM", "DISTRICT"):
                if in_spans.get((word, label), 0) > own.get(label, 0):
                    tags[i - lo][f"doc:elsewhere-{label}"] = True


_ADMIN_SUFFIX2 = ("기관", "등급", "표창")
_ADMIN_SUFFIX1 = frozenset("구시군도상급")


def _token_base(text: str, tag: str, ws: bool, m0tag: str | None, mlast_tag: str | None, m0: str | None,
                titles: tuple[str, ...]) -> dict:
    """The token's own features. Flags are set only when true: CRFsuite weighs an
    attribute by its value, so a false flag adds nothing but conversion time."""
    if text.isspace():
        return {"space": True, "newline": True} if "\n" in text else {"space": True}
    feats = {
        "w": text,
        "tag": tag,
        "tag2": tag[:2],
        "cls": _char_class(text),
        "len": min(len(text), 6),
        "suf1": text[-1:],
        "suf2": text[-2:],
        "pre1": text[:1],
    }
    if ws:
        feats["ws"] = True
    if m0tag is not None:
        feats["m0tag"] = m0tag
        feats["m-1tag"] = mlast_tag
        feats["m0"] = m0
    if text.endswith(_ADMIN_SUFFIX2):
        feats["suf.admin"] = text[-2:]
    elif text[-1:] in _ADMIN_SUFFIX1:
        feats["suf.admin"] = text[-1]
    if text.endswith(titles):
        feats["title"] = True
    return feats


def doc_features(doc: Doc, start: int = 0, end: int | None = None) -> list[dict]:
    """Feature dicts for the tokens ``doc[start:end]`` (default: all of them).

    The window never looks outside the range: a range is what the model
    labels as one sequence (the article body of a page).

    >>> doc = Tagger().nlp("강북구가 우수구로 선정됐다.")
    >>> doc_features(doc)[0]["w"]
    '강북구'
    """
    return doc_items(doc, start, end, None)


def doc_items(doc: Doc, start: int, end: int | None, known: "frozenset[str] | None",
              tables: DocTables | None = None) -> list[dict]:
    """:func:`doc_features` as CRFsuite attributes, keeping only those in ``known``.

    A CRF scores an item by the weights of its attributes; an attribute the
    model never kept weighs nothing, so dropping it changes no score. Each
    token gets ``{"name:value": 1.0}`` for a string feature and ``{"name":
    value}`` for a number or flag, as CRFsuite reads a feature dict, so a model
    tags these exactly as it tags :func:`doc_features` (a test holds the two
    equal). ``known=None`` gives the feature dicts themselves (what
    :func:`doc_features` returns, for training).

    Both are one computation: the parts of a token's features that depend
    only on its shape (its own features, what it tells its neighbours) and on
    its line are written once per shape and line in the form asked for, then
    each token's dict is assembled from them and its flags.

    ``tables``: the Doc's :class:`DocTables`, when the caller reads several
    ranges of one Doc (each range then costs its own length, not the Doc's).
    """
    with _LOCK:
        prep = _prepare(doc, start, end, tables)
        return [] if prep is None else _assemble(prep, _Encoding(known))


def _assemble(prep: _Prepared, enc: _Encoding) -> list[dict]:
    """Each token's features from its shape's pieces, its line's and its flags, written as ``enc`` says.

    Every token's dict is one merge of pieces (``{**a, **b, ...}``, in the
    order the features have always had: CRFsuite adds a label's weights in
    that order): its own (bias and shape), its rule flags, its layout, then
    what each neighbour at -2, -1, +1, +2 tells it, with the rule flags of
    the neighbours at -1 and +1. A piece missing at an edge is ``BOS``/``EOS``.
    """
    pieces = enc.shape_pieces(prep.shape_ids)
    spaces = prep.space.tolist()
    rule_flags = [enc.rule_flags(t) if t else _NO_RULES for t in prep.rule_tags]
    own = [flags[0] for flags in rule_flags]
    kinds = _layouts(prep, enc)
    layout = [kinds[k] for k in prep.kinds.tolist()]
    near = {off: [_NONE if sp else flags[_NEAR[off]] for flags, sp in zip(rule_flags, spaces)] for off in (-1, 1)}
    edge = {off: enc.flags([_KEYS[off] + ("BOS" if off < 0 else "EOS")]) for off in _KEYS}
    m2, m1, p1, p2 = (_shifted([entry[off] for entry in pieces], off, edge[off]) for off in (-2, -1, 1, 2))
    n1, q1 = (_shifted(near[off], off, _NONE) for off in (-1, 1))
    return [{**b, **o, **lay, **a2, **a1, **na1, **c1, **nc1, **c2} for b, o, lay, a2, a1, na1, c1, nc1, c2
            in zip([e["own"] for e in pieces], own, layout, m2, m1, n1, p1, q1, p2)]


def doc_scores(doc: Doc, start: int, end: int, decoder, tables: DocTables | None = None) -> np.ndarray:
    """Per token of ``doc[start:end]``, the sum of the score rows of its feature pieces in
    ``decoder``'s score table: what :meth:`~kgov_ner.pipeline.decoder.CRFDecoder.decode` reads.

    The same features as :func:`doc_items` (one computation), but no dict is
    built per token: each piece (a shape's own features, what it tells a
    neighbour, a set of rule flags, a layout) is scored once, and a token's
    scores are its nine pieces' rows added up.
    """
    with _LOCK:
        prep = _prepare(doc, start, end, tables)
        table = _TABLES.get(decoder)
        if table is None:  # after _prepare: it may have emptied the caches
            table = _TABLES[decoder] = decoder.new_table()
        if prep is None:
            return table.scores(np.zeros((9, 0), dtype=np.intp))
        return table.scores(_piece_ids(prep, _Scored(table)))


def _piece_ids(prep: _Prepared, enc: _Scored) -> np.ndarray:
    """The ids of each token's nine pieces, those :func:`_assemble` merges into its dict,
    piece by piece (``[piece, token]``)."""
    n = len(prep.shape_ids)
    shape = enc.shape_pieces(prep.shape_ids)  # [token, own / tells -2, -1, +1, +2]
    rules = np.zeros((3, n), dtype=np.intp)  # as the token sees them, as its neighbours at -1 and +1 do
    flagged = [k for k, tags in enumerate(prep.rule_tags) if tags]  # a token in no candidate has none
    if flagged:
        rules[:, flagged] = np.array([enc.rule_flags(prep.rule_tags[k]) for k in flagged], dtype=np.intp).T
    rules[1:, prep.space] = 0  # a space passes no rule flags on
    out = np.empty((9, n), dtype=np.intp)
    out[0], out[1] = shape[:, 0], rules[0]
    out[2] = np.array(_layouts(prep, enc), dtype=np.intp)[prep.kinds]
    told = {off: shape[:, col] for col, off in enumerate(_KEYS, start=1)}
    for row, (values, off, pad) in enumerate([(told[-2], -2, None), (told[-1], -1, None), (rules[1], -1, 0),
                                              (told[1], 1, None), (rules[2], 1, 0), (told[2], 2, None)], start=3):
        pad = enc.flags([_KEYS[off] + ("BOS" if off < 0 else "EOS")]) if pad is None else pad
        _put_shifted(out[row], values, off, pad)
    return out


def _put_shifted(into: np.ndarray, values: np.ndarray, off: int, pad: int) -> None:
    """:func:`_shifted` on arrays, written into ``into``."""
    n = len(values)
    cut = min(abs(off), n)
    if off < 0:
        into[:cut], into[cut:] = pad, values[:n - cut]
    else:
        into[n - cut:], into[:n - cut] = pad, values[cut:]


def _shifted(values: list, off: int, pad) -> list:
    """``values[i + off]`` for every ``i``, ``pad`` where that falls outside the list."""
    n = len(values)
    if off < 0:
        return [pad] * min(-off, n) + values[:max(n + off, 0)]
    return values[off:] + [pad] * min(off, n)


def _layouts(prep: _Prepared, enc: _Encoding) -> list:
    """The layout piece of each kind in ``prep.kind_list`` (none for whitespace)."""
    return [enc.none if kind is None else enc.layout(*kind) for kind in prep.kind_list]


def _layout_kinds(text: str, at: np.ndarray, space: np.ndarray) -> tuple[np.ndarray, list]:
    """Per token (offset ``at`` in ``text``) its layout kind, an index into the list of kinds:
    (inside quotes, inside brackets, its line's shape, 1 at a line's start, 2 after a space, else 0);
    None for whitespace, which has no layout."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    before = np.concatenate([[10], points])[at]  # the character before each token; a line break before the first
    after = np.where(before == 10, 1, np.where((before == 32) | (before == 9) | (before == 0xA0), 2, 0))
    interned: dict[tuple, int] = {}  # lines of one shape share their kinds
    line_kind = [interned.setdefault(tuple(shape.items()), len(interned)) for shape in _line_shapes(text)]
    line = np.asarray(line_kind)[np.searchsorted(np.flatnonzero(points == 10), at)]
    code = (((_in_quotes(text, at) * 2 + _in_brackets(text, at)) * len(interned) + line) * 3 + after)
    code[space] = -1
    present = np.zeros(int(code.max()) + 2, dtype=bool)  # the kinds present, in order of their code
    present[code + 1] = True
    codes = np.flatnonzero(present) - 1
    kinds = (np.cumsum(present) - 1)[code + 1]
    lines = list(interned)
    kind_list = [None if c < 0 else (c // 3 // len(lines) // 2, bool(c // 3 // len(lines) % 2), lines[c // 3 % len(lines)],
                                    c % 3) for c in codes.tolist()]
    return kinds.reshape(-1), kind_list


_NONE: dict = {}  # no flags: shared, only ever read
_NO_RULES = (_NONE, _NONE, _NONE)
_NEAR = {-1: 1, 1: 2}  # where a token's rule flags as its neighbour at -1 / +1 sees them sit in ``rule_flags``


class _Encoding:
    """How one call writes features: as feature dicts (``known`` None: flags
    are ``True``, strings stay values) or as CRFsuite attributes kept only if
    ``known`` holds them (flags ``1.0``, ``name:value`` for strings)."""

    none: object = _NONE  # the piece of no features

    def __init__(self, known, key=None) -> None:
        self.known = known
        # Looked up once per call: two models' equal attribute sets are equal keys,
        # and comparing two such sets reads every attribute.
        key = known if key is None else key
        self._layouts = _LAYOUTS_CONVERTED.setdefault(key, {})
        self._rules = _RULES_CONVERTED.setdefault(key, {})
        self._shapes = _CONVERTED.setdefault(key, [])

    def convert(self, features: dict):
        return features if self.known is None else to_attributes(features, self.known)

    def layout(self, quote: int, bracket: bool, line: tuple, after: int):
        """A token's layout piece: inside quotes, brackets, its line's shape, at a line's start
        (``after`` 1) or after a space (2); converted once per kind (a page has a few dozen)."""
        key = (quote, bracket, line, after)
        out = self._layouts.get(key)
        if out is None:
            names = ["inq"] * bool(quote) + ["inbr"] * bracket
            flags = {"bol": True} if after == 1 else {"after_space": True} if after == 2 else _NONE
            out = self._layouts[key] = self.convert({**dict.fromkeys(names, True), **dict(line), **flags})
        return out

    def rule_flags(self, tags: dict) -> tuple:
        """A token's rule flags as it sees them, and as its neighbours at -1 and +1 do,
        written once per set of flags (a page repeats a few dozen)."""
        done = self._rules
        key = tuple(tags)
        out = done.get(key)
        if out is None:
            out = done[key] = (self.flags(key), *(self.flags([_KEYS[off] + k for k in key]) for off in (-1, 1)))
        return out

    def flags(self, names):
        return self.convert(dict.fromkeys(names, True))

    def shape_pieces(self, shape_ids: list[int]) -> list[dict]:
        """Per token, its own features and what it tells each neighbour, built once per shape."""
        done = self._shapes  # by shape id
        for base in _BASES[len(done):]:
            done.append({"own": self.convert({"bias": 1.0, **base}), **{off: self.convert(_neighbour(base, off))
                                                                         for off in _KEYS}})
        return [done[k] for k in shape_ids]


class _Scored(_Encoding):
    """Pieces as ids of their score vectors in a model's :class:`~kgov_ner.pipeline.decoder.ScoreTable`."""

    none = 0

    def __init__(self, table) -> None:
        super().__init__(table.decoder.index, key=table)
        self.table = table

    def convert(self, features: dict) -> int:
        return self.table.add(to_attributes(features, self.known))

    def shape_pieces(self, shape_ids: list[int]) -> np.ndarray:
        """Per token: its own piece, and what it tells its neighbours at -2, -1, +1, +2."""
        if not self._shapes:
            self._shapes.append(np.zeros((0, 5), dtype=np.intp))
        rows = self._shapes[0]  # by shape id
        if len(rows) < len(_BASES):
            new = [(self.convert({"bias": 1.0, **base}), *(self.convert(_neighbour(base, off)) for off in _KEYS))
                   for base in _BASES[len(rows):]]
            rows = self._shapes[0] = np.concatenate([rows, np.array(new, dtype=np.intp)])
        return rows[np.asarray(shape_ids, dtype=np.intp)]


def to_attributes(features: dict, known: "frozenset[str] | None" = None) -> dict[str, float]:
    """One feature dict as CRFsuite attributes (``name:value`` → 1.0, ``name`` → number)."""
    out: dict[str, float] = {}
    for k, v in features.items():
        if isinstance(v, str):
            k, v = f"{k}:{v}", 1.0
        else:
            v = float(v)
        if known is None or k in known:
            out[k] = v
    return out


class _Prepared(NamedTuple):
    """What the features of ``doc[start:end]`` are read from."""

    shape_ids: list[int]  # each token's shape, an index into ``_BASES``
    space: np.ndarray  # whether each token is whitespace
    rule_tags: list[dict[str, bool]]
    kinds: np.ndarray  # each token's layout kind, an index into ``kind_list``
    kind_list: list  # (in quotes, in brackets, line shape items, 1 line start / 2 after a space / 0), None: none


class _SpanIndex:
    """Token spans ``(start, end, label)`` found by the range they overlap, in their own order."""

    def __init__(self, spans: list[tuple[int, int, str]]) -> None:
        self.spans = spans
        self.order = sorted(range(len(spans)), key=lambda k: spans[k][0])
        self.starts = [spans[k][0] for k in self.order]
        self.longest = max((e - s for s, e, _ in spans), default=0)

    def overlapping(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """The spans with ``end > lo`` and ``start < hi``: only those starting within
        the longest span's length before ``lo`` can reach into the range."""
        a = bisect_left(self.starts, lo - self.longest + 1)
        b = bisect_left(self.starts, hi)
        picked = sorted(k for k in self.order[a:b] if self.spans[k][1] > lo)
        return [self.spans[k] for k in picked]


class DocTables:
    """What the features of any range of one Doc are read from, built once per Doc:
    its tokens' offsets, lengths, tags and spaces, its rule candidates and its entities."""

    def __init__(self, doc: Doc) -> None:
        self.text = doc_text(doc)
        # Read from arrays: making a Token object per token costs more than the features.
        columns = doc.to_array([IDX, LENGTH, TAG, SPACY]).reshape(-1, 4).T.tolist()
        self.idx, self.length, self.tags, self.spaces = columns
        group = doc.spans["rule_candidates"] if "rule_candidates" in doc.spans else []
        self.candidates = _SpanIndex([(sp.start, sp.end, sp.label_) for sp in group])
        self.ents = _SpanIndex([(ent.start, ent.end, ent.label_) for ent in doc.ents])

    def token_text(self, i: int) -> str:
        return self.text[self.idx[i]:self.idx[i] + self.length[i]]


def _prepare(doc: Doc, start: int, end: int | None, tables: DocTables | None = None) -> _Prepared | None:
    """Per-token shapes, rule tags and layout kinds of ``doc[start:end]``; None if empty."""
    end = len(doc) if end is None else end
    if end <= start:
        return None
    tables = tables or DocTables(doc)
    full = tables.text
    offsets = tables.idx[start:end]
    words = [full[idx:idx + length] for idx, length in zip(offsets, tables.length[start:end])]
    text = full[offsets[0]:offsets[-1] + len(words[-1])]
    rule_tags = _rule_tags(tables, start, end, words)
    shape_ids = _shape_ids(doc, tables, start, end, words)
    space = np.array([word.isspace() for word in words], dtype=bool)
    kinds, kind_list = _layout_kinds(text, np.asarray(offsets, dtype=np.intp) - offsets[0], space)
    return _Prepared(shape_ids, space, rule_tags, kinds, kind_list)


def _shape_ids(doc: Doc, tables: DocTables, start: int, end: int, words: list[str]) -> list[int]:
    """Each token's shape (its word, tag, trailing space and first and last morphemes) as an
    index into ``_BASES``, the shape's own features; words repeat, so each is built once."""
    names = {tag: doc.vocab.strings[tag] if tag else "" for tag in set(tables.tags[start:end])}  # few distinct tags
    morphs_at = doc.user_data.get(MORPHS_KEY, {})
    titles = tuple(word_list("titles.txt"))
    ids = _base_cache(titles)
    keys = [(w, names[tag], " " if space else "", m[0].tag, m[-1].tag, m[0].form) if (m := morphs_at.get(idx))
            else (w, names[tag], " " if space else "", None, None, None)
            for w, tag, space, idx in zip(words, tables.tags[start:end], tables.spaces[start:end], tables.idx[start:end])]
    found = list(map(ids.get, keys))
    for k in [k for k, shape in enumerate(found) if shape is None]:
        key = keys[k]
        shape = found[k] = ids.get(key)
        if shape is None:
            shape = found[k] = ids[key] = len(_BASES)
            _BASES.append(_token_base(*key[:2], bool(key[2]), *key[3:], titles))
    return found


def _neighbour(nb: dict, off: int) -> dict:
    """What a token at offset ``off`` from another tells it about itself."""
    key = _KEYS[off]
    if "space" in nb:
        return {key + "space": True, key + "nl": True} if "newline" in nb else {key + "space": True}
    f = {key + "w": nb["w"], key + "tag": nb["tag"], key + "cls": nb["cls"]}
    if off in (-1, 1):
        f[key + "suf1"] = nb["suf1"]
        if "title" in nb:
            f[key + "title"] = True
    return f


_KEYS = {off: f"{off:+d}:" for off in (-2, -1, 1, 2)}

#: Token shape key → its id, an index into ``_BASES``: the token's own features, for the title list ``_SHAPE_TITLES``.
_SHAPES: dict[tuple, int] = {}
_BASES: list[dict] = []
_SHAPE_TITLES: tuple[str, ...] = ()
#: A model's attributes (None: feature dicts) → by shape id, its pieces in that form.
_CONVERTED: dict[frozenset | None, dict] = {}
#: A model's attributes (None: feature dicts) → a layout kind → its features in that form.
_LAYOUTS_CONVERTED: dict[frozenset | None, dict] = {}
#: A model's attributes (None: feature dicts) → a token's rule flags → them as the token and its neighbours see them.
_RULES_CONVERTED: dict[frozenset | None, dict] = {}
#: A model's decoder → the score table its pieces are in (emptied with the caches above).
_TABLES: dict = {}
#: Held while a call reads or grows the caches: shape ids index ``_BASES``, which another
#: thread's call may empty or extend (the work is Python, so little runs in parallel anyway).
_LOCK = threading.RLock()
#: Token shapes kept (~3 KB each with their converted pieces): news text repeats a
#: few thousand shapes, so a small bound keeps most hits and a long run's memory flat.
_BASE_CACHE_MAX = 10_000


def _base_cache(titles: tuple[str, ...]) -> dict[tuple, int]:
    """The token shapes' ids, emptied (with every cache built on them) when the title list
    changes or they outgrow their bound."""
    global _SHAPE_TITLES
    if titles != _SHAPE_TITLES or len(_SHAPES) > _BASE_CACHE_MAX:
        _SHAPES.clear()
        _BASES.clear()
        _CONVERTED.clear()
        _LAYOUTS_CONVERTED.clear()
        _TABLES.clear()
        _RULES_CONVERTED.clear()
        _SHAPE_TITLES = titles
    return _SHAPES
