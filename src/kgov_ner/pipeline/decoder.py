"""The CRF's Viterbi decoding in numpy, giving exactly the labels CRFsuite gives.

CRFsuite scores a label at a token by adding the weights of the token's
attributes (a weight times the attribute's value), and a path by adding those
scores and the transitions' weights; its Viterbi keeps, per label, the first
best predecessor. Handing it a token means building a dict of ~25 attributes
and converting each (issue 17: more than half of the model's time). Here the
weights are read once from the model file; a token's scores are sums of score
vectors of its feature pieces (:class:`ScoreTable`, built once per piece), and
a sequence is decoded in pieces that do not depend on each other.

**Why the labels are CRFsuite's.** Sums in another order can round
differently, so every decision is checked against a bound on the rounding:
a decision taken by a margin wider than the bound is the one CRFsuite takes
(both sums lie within half the margin of the exact one). A sequence with a
narrower decision (a near tie) is not decoded here: :meth:`CRFDecoder.decode`
returns ``None`` for it and the caller asks CRFsuite.

**Why the pieces are independent.** At some tokens one label's score leads
every other by more than any transition can make up (``_reach``): the best
path passes through that label there, whatever came before, so the sequence
splits after it and every piece is decoded at once, in step with the others.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

_UNIT = 2.0 ** -53  # the unit roundoff of a double
_FEATURE = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")])


def read_crfsuite(path: str | Path) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Labels, attributes, state weights (attributes × labels) and transition weights (labels × labels)
    of a CRFsuite model file, exactly as stored (``Tagger.info()`` prints weights to six decimals)."""
    buf = Path(path).read_bytes()
    magic, _, kind, _, _, n_labels, n_attrs, off_features, off_labels, off_attrs = \
        struct.unpack_from("<4sI4s7I", buf, 0)
    if magic != b"lCRF" or kind != b"FOMC" or buf[off_features:off_features + 4] != b"FEAT":
        raise ValueError(f"{path} is not a CRFsuite first-order model")
    labels, attributes = _quarks(buf, off_labels, n_labels), _quarks(buf, off_attrs, n_attrs)
    n_features = struct.unpack_from("<I", buf, off_features + 8)[0]  # the header's count stays 0
    features = np.frombuffer(buf, dtype=_FEATURE, count=n_features, offset=off_features + 12)
    state = np.zeros((n_attrs, n_labels))
    trans = np.zeros((n_labels, n_labels))
    for table, kind_id in ((state, 0), (trans, 1)):
        rows = features[features["type"] == kind_id]
        table[rows["src"], rows["dst"]] = rows["weight"]
    return labels, attributes, state, trans


def _quarks(buf: bytes, offset: int, count: int) -> list[str]:
    """The strings of a CQDB chunk by id: records (id, size, bytes with a final NUL) follow its
    24-byte header and 256 table references."""
    if buf[offset:offset + 4] != b"CQDB":
        raise ValueError("CRFsuite model: string table missing")
    names: dict[int, str] = {}
    at = offset + 24 + 256 * 8
    for _ in range(count):
        key, size = struct.unpack_from("<iI", buf, at)
        names[key] = buf[at + 8:at + 7 + size].decode("utf-8")
        at += 8 + size
    return [names[k] for k in range(count)]


class ScoreTable:
    """Score vectors of feature pieces by id (row 0: the empty piece), each with two
    more columns: the sum of its terms' magnitudes and their number (for the rounding bound)."""

    def __init__(self, decoder: CRFDecoder) -> None:
        self.decoder = decoder
        self.rows = np.zeros((64, len(decoder.labels) + 2))
        self.size = 1
        self._ids: dict[tuple, int] = {(): 0}

    def add(self, attributes: dict[str, float]) -> int:
        """The id of the piece with these CRFsuite attributes (those the model lacks weigh nothing)."""
        index = self.decoder.index
        key = tuple((index[name], value) for name, value in attributes.items() if name in index)
        found = self._ids.get(key)
        if found is not None:
            return found
        if self.size == len(self.rows):
            self.rows = np.concatenate([self.rows, np.zeros_like(self.rows)])
        row = self.rows[self.size]
        for attr, value in key:
            row[:-2] += self.decoder.state[attr] * value
            row[-2] += self.decoder.magnitude[attr] * abs(value)
        row[-1] = len(key)
        self._ids[key] = self.size
        self.size += 1
        return self.size - 1

    def scores(self, ids: np.ndarray) -> np.ndarray:
        """Per token the sum of its pieces' rows; ``ids[piece, token]``."""
        return self.rows[ids].sum(axis=0)  # piece by piece: faster than across each token's row


class CRFDecoder:
    """A CRFsuite model's weights, and its Viterbi decoding over score rows (see the module)."""

    def __init__(self, labels: list[str], attributes: list[str], state: np.ndarray, trans: np.ndarray) -> None:
        self.labels = list(labels)
        self.index = {name: row for row, name in enumerate(attributes)}
        self.state = state
        self.trans = trans
        #: Per attribute, its largest weight's magnitude.
        self.magnitude = np.abs(state).max(axis=1) if len(state) else np.zeros(0)
        self._reach = _reach(trans)
        self._trans_max = float(np.abs(trans).max()) if trans.size else 0.0

    @classmethod
    def from_file(cls, path: str | Path) -> CRFDecoder:
        return cls(*read_crfsuite(path))

    def new_table(self) -> ScoreTable:
        return ScoreTable(self)

    def decode(self, scores: list[np.ndarray]) -> list[list[str] | None]:
        """Per sequence of score rows (:meth:`ScoreTable.scores`), its labels, or None where a
        decision is too close for the rounding bound (CRFsuite must decide it)."""
        out: list[list[str] | None] = [[] for _ in scores]
        todo = [k for k, rows in enumerate(scores) if len(rows)]
        if not todo:
            return out
        rows = np.concatenate([scores[k] for k in todo])
        lengths = np.array([len(scores[k]) for k in todo])
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        state = rows[:, :-2]
        tol = self._tolerance(rows, starts, lengths)
        anchor = self._anchors(state, tol, starts + lengths - 1)
        seg = _segments(starts, lengths, anchor)
        alpha, back = self._forward(state[seg.token], seg, anchor)
        flat = _backward(alpha, back, seg, anchor)
        path = np.empty(len(rows), dtype=np.intp)
        path[seg.token] = flat
        sure = np.ones(len(rows), dtype=bool)
        sure[seg.token[seg.step > 0]] = self._sure(alpha, flat, seg, tol)
        free = seg.last[~seg.before_anchor]  # sequence ends: the best label, not a forced one
        sure[seg.token[free]] &= _margin(alpha[free]) > tol[seg.token[free]]
        names = np.array(self.labels, dtype=object)
        for k, start, length in zip(todo, starts, lengths):
            if sure[start:start + length].all():
                out[k] = names[path[start:start + length]].tolist()
            else:
                out[k] = None
        return out

    def _tolerance(self, rows: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Per token, a margin that a decision there must exceed to be CRFsuite's.

        Any order of adding n terms lies within γ(n)·Σ|terms| of the exact
        sum (γ(n) = nu/(1-nu), u the unit roundoff); a score up to a token
        adds at most the terms of the tokens before it, with a transition, a
        product and a state sum each. Two sums compared, each side's and
        CRFsuite's: four such errors, doubled for safety.
        """
        terms = np.cumsum(rows[:, -1] + 3)
        size = np.cumsum(rows[:, -2] + self._trans_max)
        first = np.repeat(starts, lengths)  # the sequence's first token, per token
        terms = terms - np.concatenate([[0.0], terms])[first]
        size = size - np.concatenate([[0.0], size])[first]
        nu = terms * _UNIT
        with np.errstate(divide="ignore"):
            gamma = np.where(nu < 0.01, nu / (1 - nu), np.inf)
        return 8 * gamma * size + 1e-12

    def _anchors(self, state: np.ndarray, tol: np.ndarray, last: np.ndarray) -> np.ndarray:
        """Per token the label every best path takes there whatever came before, else -1.

        Label k is taken at token t when for every other label i its score
        leads by more than i could gain back from any predecessor and towards
        any successor (``_reach[i, k]``); never at a sequence's last token.
        Only the best-scored label is tried: one that is not best rarely
        qualifies, and an anchor missed costs time, not labels.
        """
        best = state.argmax(axis=1)
        lead = state[np.arange(len(state)), best][:, None] - state  # [t, i]: the best label's score over i's
        nxt = np.minimum(np.arange(len(state)) + 1, len(state) - 1)
        wins = (lead > self._reach[:, best].T + tol[nxt, None]).all(axis=1)
        anchor = np.where(wins, best, -1)
        anchor[last] = -1
        return anchor

    def _forward(self, state: np.ndarray, seg: _Segments, anchor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Best scores (offset per segment) and best predecessors, in ``seg``'s step-major order,
        all segments in step (``state`` in that order too)."""
        alpha = np.empty_like(state)
        back = np.zeros(state.shape, dtype=np.intp)
        every = seg.active[0]  # the first step: every segment, in order
        entry = anchor[seg.start - 1]
        alpha[:every] = state[:every] + np.where(seg.after_anchor[:, None], self.trans[entry], 0.0)
        into = self.trans.T[None]  # [1, to, from]
        for step in range(1, seg.longest):
            k = seg.active[step]
            here, before = seg.at[step], seg.at[step - 1]
            cand = alpha[before:before + k, None, :] + into  # [segment, to, from]
            best = cand.argmax(axis=2)
            back[here:here + k] = best
            alpha[here:here + k] = np.take_along_axis(cand, best[:, :, None], axis=2)[:, :, 0] + state[here:here + k]
        return alpha, back

    def _sure(self, alpha: np.ndarray, flat: np.ndarray, seg: _Segments, tol: np.ndarray) -> np.ndarray:
        """Whether each decision that gave a label on the path cleared the rounding bound,
        for the tokens after a segment's first (in ``seg``'s order)."""
        later = np.flatnonzero(seg.step > 0)
        cand = alpha[seg.previous[later]] + self.trans.T[flat[later]]  # [decision, predecessor]
        return _margin(cand) > tol[seg.token[later]]


def _margin(values: np.ndarray) -> np.ndarray:
    """Per row, the best value's lead over the second (inf for a single column)."""
    if values.shape[1] < 2:
        return np.full(len(values), np.inf)
    top = np.partition(values, -2, axis=1)
    return top[:, -1] - top[:, -2]


def _reach(trans: np.ndarray) -> np.ndarray:
    """``[i, k]``: how much label i can gain on label k at one token through the transitions
    into it and out of it (inf on the diagonal: a label never wins against itself)."""
    into = (trans[:, :, None] - trans[:, None, :]).max(axis=0)  # [i, k]: max over a of T[a,i] - T[a,k]
    out = (trans[:, None, :] - trans[None, :, :]).max(axis=2)  # [i, k]: max over j of T[i,j] - T[k,j]
    reach = into + out + 1e-9 * (1 + np.abs(trans).max(initial=0.0))
    np.fill_diagonal(reach, -np.inf)
    return reach


class _Segments:
    """Stretches of the sequences decoded independently, longest first, laid out step by step.

    ``after_anchor``: the stretch follows an anchored token (its first
    scores add the transition from that label); ``before_anchor``: it ends
    on one (its last label is the anchor's); ``active[step]``: how many
    stretches are longer than ``step``. Row ``at[step] + k`` of the layout is
    step ``step`` of stretch k (k < ``active[step]``): ``token`` its token,
    ``step`` its step, ``previous`` the row of the step before, ``last`` the
    row of each stretch's last step. Ragged: as many rows as tokens.
    """

    def __init__(self, start: np.ndarray, length: np.ndarray, after_anchor: np.ndarray,
                 before_anchor: np.ndarray) -> None:
        order = np.argsort(-length, kind="stable")
        self.start, self.length = start[order], length[order]
        self.after_anchor, self.before_anchor = after_anchor[order], before_anchor[order]
        self.longest = int(self.length[0])
        self.active = np.searchsorted(-self.length, -np.arange(self.longest + 1), side="left")
        self.at = np.concatenate([[0], np.cumsum(self.active[:-1])])
        self.step = np.repeat(np.arange(self.longest), self.active[:-1])
        which = np.arange(len(self.step)) - self.at[self.step]  # the stretch of each row
        self.token = self.start[which] + self.step
        self.previous = self.at[np.maximum(self.step - 1, 0)] + which
        self.last = self.at[self.length - 1] + np.arange(len(self.length))


def _segments(starts: np.ndarray, lengths: np.ndarray, anchor: np.ndarray) -> _Segments:
    """Cut every sequence after each anchored token."""
    n = int(starts[-1] + lengths[-1])
    cut = np.zeros(n + 1, dtype=bool)
    cut[starts] = True
    cut[np.flatnonzero(anchor >= 0) + 1] = True
    cut[n] = True
    bounds = np.flatnonzero(cut)
    start, end = bounds[:-1], bounds[1:]
    after = np.zeros(len(start), dtype=bool)
    inner = start > 0
    after[inner] = anchor[start[inner] - 1] >= 0
    before = anchor[end - 1] >= 0
    return _Segments(start, end - start, after, before)


def _backward(alpha: np.ndarray, back: np.ndarray, seg: _Segments, anchor: np.ndarray) -> np.ndarray:
    """The labels in ``seg``'s order: each segment from its last token (the anchor's label,
    or the best one) back."""
    path = np.zeros(len(alpha), dtype=np.intp)
    path[seg.last] = np.where(seg.before_anchor, anchor[seg.token[seg.last]], alpha[seg.last].argmax(axis=1))
    for step in range(seg.longest - 1, 0, -1):
        k = seg.active[step]
        here, before = seg.at[step], seg.at[step - 1]
        path[before:before + k] = back[np.arange(here, here + k), path[here:here + k]]
    return path
