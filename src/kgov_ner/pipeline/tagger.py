"""The spaCy pipeline and the :class:`Tagger` users call.

``Tagger()(text)`` returns a spaCy ``Doc`` whose ``doc.text`` is ``text``
and whose ``doc.ents`` carry the five labels of ANNOTATION.md.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import re
import threading
from bisect import bisect_left, bisect_right
from typing import Iterable, Iterator

import spacy
from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from kgov_ner.pipeline.tokenizer import MORPHS_KEY, REGIONS_KEY, KiwiTokenizer, analysed_regions, doc_text
from kgov_ner.pipeline.rules import Candidate, MorphInfo, find_all, resolve
from kgov_ner.pipeline.rules.cleanup import CLASS_TIERS
from kgov_ner.pipeline.spans import trim_span
from kgov_ner.text.nfc import nfc_view


@spacy.registry.tokenizers("kgov_ner.KiwiTokenizer.v1")
def _create_kiwi_tokenizer():
    def make(nlp: Language) -> KiwiTokenizer:
        return KiwiTokenizer(nlp.vocab)

    return make


def ensure_boundaries(doc: Doc, offsets: Iterable[int]) -> Doc:
    """Split tokens so that every offset in ``offsets`` falls on a token boundary.

    Kiwi sometimes keeps an entity inside a longer token (우수구로 as one
    token); an entity must never be lost for that, so the token is split.
    """
    length = len(doc_text(doc))
    cuts = sorted({o for o in offsets if 0 < o < length})
    if not cuts:
        return doc
    bounds = doc.to_array([IDX, LENGTH])  # no Token objects for the tokens that stay whole
    starts = bounds[:, 0].tolist()
    inner_of: dict[int, list[int]] = {}
    for cut in cuts:
        i = bisect_right(starts, cut) - 1
        if i >= 0 and starts[i] < cut < starts[i] + int(bounds[i, 1]):
            inner_of.setdefault(i, []).append(cut)
    plans = [(doc[i], inner) for i, inner in sorted(inner_of.items())]
    if not plans:
        return doc
    with doc.retokenize() as retokenizer:
        for token, inner in plans:
            edges = [token.idx, *inner, token.idx + len(token.text)]
            orths = [token.text[a - token.idx:b - token.idx] for a, b in zip(edges, edges[1:])]
            heads = [(token, 0)] * len(orths)
            retokenizer.split(token, orths, heads=heads, attrs={"TAG": [token.tag_] * len(orths)})
    return doc


class RuleTagger:
    """Pipeline component: rule candidates → ``doc.ents`` and ``doc.spans``.

    ``doc.spans["rule_candidates"]`` keeps every candidate (they may
    overlap; the model layer reads them as features), ``doc.ents`` the
    resolved, non-overlapping set.
    """

    def __init__(self, nlp: Language, name: str = "kgov_rules", set_ents: bool = True):
        self.name = name
        self.set_ents = set_ents

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        morphs_at = doc.user_data.get(MORPHS_KEY, {})
        mapped: list[Candidate] = []
        starts = sorted(morphs_at)
        # Only what Kiwi analysed (the article body by default) is searched.
        for r_start, r_end in analysed_regions(doc):
            view = nfc_view(text[r_start:r_end])
            morphs = [
                MorphInfo(m.form, m.tag, view.from_orig(m.start - r_start), view.from_orig(m.end - r_start))
                for start in starts[bisect_left(starts, r_start):bisect_left(starts, r_end)]
                for m in morphs_at[start]
            ]
            for c in find_all(view.text, morphs):
                start, end = trim_span(text, view.orig(c.start) + r_start, view.orig_end(c.end) + r_start)
                if end > start:
                    mapped.append(Candidate(start, end, c.label, c.rule, c.priority))
        chosen = resolve(mapped)
        doc = ensure_boundaries(doc, [o for c in mapped for o in (c.start, c.end)])
        spans = []
        for c in mapped:
            span = doc.char_span(c.start, c.end, label=c.label)
            if span is not None:
                spans.append(span)
        doc.spans["rule_candidates"] = spans
        if self.set_ents:
            ents = []
            for c in chosen:
                span = doc.char_span(c.start, c.end, label=c.label)
                if span is None:  # ensure_boundaries makes this unreachable
                    raise AssertionError(f"rule span {c} does not align with tokens")
                ents.append(span)
            doc.ents = ents
        return doc


@Language.factory("kgov_rules", default_config={"set_ents": True})
def _make_rule_tagger(nlp: Language, name: str, set_ents: bool) -> RuleTagger:
    return RuleTagger(nlp, name, set_ents=set_ents)


class ModelTagger:
    """Pipeline component: the sequence model's spans merged with the rules' (see ``model.merge_spans``)."""

    def __init__(self, nlp: Language, name: str = "kgov_model", merge: str = "combined"):
        self.name = name
        self.merge = merge
        self.estimator = None

    def __call__(self, doc: Doc) -> Doc:
        return self._tag([doc])[0]

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        """``__call__`` on each Doc; a batch's sequences are decoded together (``pipeline.decoder``)."""
        for batch in spacy.util.minibatch(docs, size=batch_size):
            yield from self._tag(batch)

    def _tag(self, docs: list[Doc]) -> list[Doc]:
        from kgov_ner.pipeline.model import bio_to_spans, merge_spans

        if self.estimator is None:
            return docs
        regions = []  # (doc index, region) for every region the model labels
        for k, doc in enumerate(docs):
            for r_start, r_end in analysed_regions(doc) if len(doc) else ():
                region = doc.char_span(r_start, r_end, alignment_mode="expand")
                if region is not None and len(region):
                    regions.append((k, region))
        model_spans: list[list] = [[] for _ in docs]
        for (k, region), tags in zip(regions, self._region_tags(docs, regions)):
            model_spans[k].extend(bio_to_spans(region, tags))
        for doc, spans in zip(docs, model_spans):
            if len(doc):
                rule_spans = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
                held: list = []
                merged = merge_spans(spans, rule_spans, self.merge, text=doc_text(doc), held=held)
                doc.ents = [doc.char_span(s, e, label=label) for s, e, label in merged]
                # a class's tier (S등급을 받은 구에 각 1억원): no entity, a schedule line for the records
                doc.spans[CLASS_TIERS] = [doc.char_span(s, e, label=label) for s, e, label in held]
        return docs

    def _region_tags(self, docs: list[Doc], regions: list[tuple[int, Span]]) -> list[list[str]]:
        """The model's labels for each region (one sequence each).

        A loaded CRF with its decoder: the regions' score rows decoded in
        numpy, and CRFsuite for a region with a near tie (see
        ``pipeline.decoder``); without one, CRFsuite on its attributes (a
        loaded CRF), or the feature dicts (a fitted ``SequenceTagger``).
        """
        from kgov_ner.pipeline.features import DocTables, doc_items, doc_scores

        tables = {k: DocTables(docs[k]) for k, _ in regions}  # read once per Doc, whatever its regions
        decoder = getattr(self.estimator, "decoder", None)
        found = [None] * len(regions)
        if decoder is not None:
            found = decoder.decode([doc_scores(docs[k], r.start, r.end, decoder, tables[k]) for k, r in regions])
        known = getattr(self.estimator, "attributes", None)  # a loaded CRF says which attributes it weighs
        return [tags if tags is not None else
                self.estimator.predict([doc_items(docs[k], r.start, r.end, known, tables[k])])[0]
                for (k, r), tags in zip(regions, found)]


@Language.factory("kgov_model", default_config={"merge": "combined"})
def _make_model_tagger(nlp: Language, name: str, merge: str) -> ModelTagger:
    return ModelTagger(nlp, name, merge=merge)


class BodyFilter:
    """Pipeline component: find the article body and keep only its entities.

    ``doc._.body`` holds the body ranges; every entity gets ``ent._.in_body``.
    With ``keep_boilerplate`` the entities outside the body stay in
    ``doc.ents`` (marked ``in_body = False``); otherwise they are dropped,
    since on a scraped page they are menu, widget or related-news mentions.
    A text where no article is found (one sentence, a headline) is all body.
    """

    def __init__(self, nlp: Language, name: str = "kgov_body", keep_boilerplate: bool = False):
        self.name = name
        self.keep_boilerplate = keep_boilerplate
        if not Doc.has_extension("body"):
            Doc.set_extension("body", default=None)
        if not Span.has_extension("in_body"):
            Span.set_extension("in_body", default=None)

    detector = None  # a fitted BodyDetector; None: the shipped one

    def __call__(self, doc: Doc) -> Doc:
        from kgov_ner.pipeline.body import default_detector

        text = doc_text(doc)
        # In filter mode the tokenizer already found the body and analysed only it.
        body = None if self.keep_boilerplate else doc.user_data.get(REGIONS_KEY)
        if body is None:
            body = body_ranges(text, self.detector)
        body = [tuple(r) for r in body]
        doc._.body = body
        overlaps = _overlap_test(body)
        kept = []
        for ent in doc.ents:
            inside = overlaps(ent.start_char, ent.end_char)
            ent._.in_body = inside
            if inside or self.keep_boilerplate:
                kept.append(ent)
        if len(kept) != len(doc.ents):
            doc.ents = kept
            for ent in doc.ents:  # Span objects are rebuilt: set the flag again
                ent._.in_body = overlaps(ent.start_char, ent.end_char)
        return doc


def _overlap_test(ranges: list[tuple[int, int]]):
    """``(start, end) -> bool``: whether ``[start, end)`` overlaps any of ``ranges``,
    by binary search (a page may have many ranges and many entities)."""
    ordered = sorted(ranges)
    starts = [s for s, _ in ordered]
    reach = []  # the furthest end among the ranges starting up to here
    for _, e in ordered:
        reach.append(max(e, reach[-1]) if reach else e)

    def overlaps(start: int, end: int) -> bool:
        k = bisect_left(starts, end) - 1  # the last range starting before ``end``
        return k >= 0 and reach[k] > start

    return overlaps


def body_ranges(text: str, detector=None) -> list[tuple[int, int]]:
    """The article body of ``text``; all of it when no article is found."""
    from kgov_ner.pipeline.body import default_detector

    found = [tuple(r) for r in (detector or default_detector()).predict(text)]
    return found or ([(0, len(text))] if text else [])


@Language.factory("kgov_body", default_config={"keep_boilerplate": False})
def _make_body_filter(nlp: Language, name: str, keep_boilerplate: bool) -> BodyFilter:
    return BodyFilter(nlp, name, keep_boilerplate=keep_boilerplate)


def build_nlp(estimator=None, merge: str = "combined", normalize: bool = True,
              body: str = "filter", body_detector=None, kiwi_workers: int | None = None) -> Language:
    """A blank Korean spaCy pipeline: Kiwi tokenizer, rule layer, and the model if given."""
    nlp = spacy.blank(
        "ko", config={"nlp": {"tokenizer": {"@tokenizers": "kgov_ner.KiwiTokenizer.v1"}}}
    )
    nlp.tokenizer.num_workers = kiwi_workers
    nlp.add_pipe("kgov_rules")
    if estimator is not None and merge != "rules":
        nlp.add_pipe("kgov_model", config={"merge": merge}).estimator = estimator
    if body not in BODY_MODES:
        raise ValueError(f"unknown body mode {body!r}; allowed: {', '.join(BODY_MODES)}")
    if body != "off":
        # Before normalisation: boilerplate districts must not sway the page's context.
        nlp.add_pipe("kgov_body", config={"keep_boilerplate": body == "mark"}).detector = body_detector
    if body == "filter":
        # Boilerplate entities are dropped anyway: Kiwi, the rules and the model
        # only look at the body, which is a fraction of a scraped page.
        nlp.tokenizer.regions = functools.partial(body_ranges, detector=body_detector)
    if normalize:
        from kgov_ner.pipeline import normalize as _normalize  # registers the kgov_normalize factory

        nlp.add_pipe("kgov_normalize")
    return nlp


BODY_MODES = ("filter", "mark", "off")


def _resolve_model(model):
    """``"default"`` → the shipped model (rules only if none is shipped); a path; an estimator; None."""
    from kgov_ner.pipeline.model import DEFAULT_MODEL_DIR, load_model

    if model is None:
        return None
    if isinstance(model, str) and model == "default":
        if not (DEFAULT_MODEL_DIR / "meta.json").is_file():
            return None
        return load_model(DEFAULT_MODEL_DIR).estimator
    if isinstance(model, (str, os.PathLike)):
        return load_model(model).estimator
    return model


class Tagger:
    """Tag Korean local-government news with DISTRICT, OFFICIAL, PROGRAM, MONEY, AWARD.

    >>> doc = Tagger()("광진구(구청장 김선갑)가 우수구로 선정됐다.")
    >>> [(e.text, e.label_) for e in doc.ents]
    [('광진구', 'DISTRICT'), ('김선갑', 'OFFICIAL'), ('우수구', 'AWARD')]
    """

    def __init__(self, model="default", merge: str = "combined", body: str = "filter",
                 body_detector=None, kiwi_workers: int | None = None) -> None:
        """``model``: ``"default"`` (the shipped ``models/default``), a model directory,
        a fitted ``SequenceTagger``, or ``None`` for the rules alone. ``merge``:
        ``combined`` (model first, rules fill gaps), ``rules-first``, ``model`` or
        ``rules``. ``body``: ``filter`` (default: only entities in the detected
        article body), ``mark`` (keep boilerplate entities, ``ent._.in_body`` False)
        or ``off`` (no body detection); ``body_detector``: a fitted ``BodyDetector``
        instead of the shipped one; ``kiwi_workers``: Kiwi's thread count (default:
        Kiwi's own)."""
        from kgov_ner.pipeline.kiwi import check_workers
        from kgov_ner.pipeline.model import MERGE_POLICIES

        if merge not in MERGE_POLICIES:
            raise ValueError(f"unknown merge policy {merge!r}; allowed: {', '.join(MERGE_POLICIES)}")
        if body not in BODY_MODES:
            raise ValueError(f"unknown body mode {body!r}; allowed: {', '.join(BODY_MODES)}")
        if not (model is None or isinstance(model, (str, os.PathLike)) or callable(getattr(model, "predict", None))):
            raise TypeError(f"model must be 'default', a model directory, a fitted model or None, "
                            f"got {type(model).__name__}")
        check_workers(kiwi_workers)
        from kgov_ner.pipeline.kiwi import preload_kiwi

        preload_kiwi(kiwi_workers)  # Kiwi loads on a thread while the rest is built
        self.merge = merge
        self.estimator = _resolve_model(model)
        self.body = body
        self.nlp = build_nlp(self.estimator, merge, body=body, body_detector=body_detector,
                             kiwi_workers=kiwi_workers)

    def __call__(self, text: str) -> Doc:
        _check_text(text)
        with gc_paused():
            return self.nlp(text)

    def pipe(self, texts: Iterable[str], batch_size: int = 32) -> Iterator[Doc]:
        """Tag many texts; results come back in input order.

        Kiwi analyses each batch in one call on its worker threads."""
        limit = self.nlp.max_length  # nlp(text) enforces it; the tokenizer's pipe does not
        docs = self.nlp.tokenizer.pipe((_check_length(_check_text(t), limit) for t in texts), batch_size=batch_size)
        return _paused_steps(self.nlp.pipe(docs, batch_size=batch_size))

    @staticmethod
    def entities(doc: Doc) -> list[dict]:
        """``doc.ents`` as plain dicts: ``{"start", "end", "label", "text"}``."""
        return [entity_dict(ent) for ent in doc.ents]


@contextlib.contextmanager
def gc_paused():
    """Python's cycle collector off while a text is tagged, back as it was after.

    Tagging allocates many small objects that live until the Doc is done;
    the collector would scan them (and everything loaded before: spaCy,
    the model) again and again, a cost that grows faster than the text
    (16 times a line of punctuation took 23 times as long, 13 without it).
    What tagging leaves for it is collected at its next run after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _paused_steps(iterator: Iterator[Doc]) -> Iterator[Doc]:
    """``iterator``'s items, each computed with the collector paused, but not while the caller holds one."""
    while True:
        with gc_paused():
            item = next(iterator, None)
        if item is None:
            return
        yield item


def entity_dict(ent: Span) -> dict:
    """One entity as a plain dict; ``norm`` holds the normalised value (see :mod:`kgov_ner.pipeline.normalize`)."""
    out = {"start": ent.start_char, "end": ent.end_char, "label": ent.label_, "text": ent.text}
    if Span.has_extension("norm") and ent._.norm is not None:
        out["norm"] = ent._.norm
    if Span.has_extension("in_body") and ent._.in_body is not None:
        out["in_body"] = ent._.in_body
    return out


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_text(text) -> str:
    if not isinstance(text, str):
        raise TypeError(f"kgov_ner expects str, got {type(text).__name__}")
    bad = _SURROGATE.search(text)
    if bad:
        # A lone surrogate is no character: it cannot be encoded for Kiwi.
        raise ValueError(f"text has a lone surrogate (U+{ord(bad.group()):04X}) at offset {bad.start()}: "
                         "decode the input with errors='strict' or clean it first")
    return text


def _check_length(text: str, limit: int) -> str:
    if len(text) > limit:
        from spacy.errors import Errors

        raise ValueError(Errors.E088.format(length=len(text), max_length=limit))
    return text


_DEFAULT: Tagger | None = None
_DEFAULT_LOCK = threading.Lock()


def default_tagger() -> Tagger:
    """The process-wide Tagger, built on first use."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Tagger()
        return _DEFAULT


def tag_text(text: str) -> list[dict]:
    """Entities of ``text`` as dicts, for users who want no spaCy objects.

    >>> tag_text("송파구는 4500만 원을 확보했다.")[1]
    {'start': 5, 'end': 12, 'label': 'MONEY', 'text': '4500만 원'}
    """
    return Tagger.entities(default_tagger()(text))
