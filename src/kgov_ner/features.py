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

from spacy.tokens import Doc

from .kiwi_bridge import MORPHS_KEY, doc_text
from .lexicon import word_list
from .rules import quoted_spans

FEATURE_VERSION = 2

_LIST_MARKERS = "△▲▷▶■□◆◇○●•-"
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
    """Per character: 1 inside a quoted stretch of one line, else 0 (marks excluded).

    The same stretches the rules read quoted names from (``rules.quoted_spans``).
    """
    inside = [0] * len(text)
    for start, end, _ in quoted_spans(text):
        for k in range(start, end):
            inside[k] = 1
    return inside


def _bracket_depths(text: str) -> list[int]:
    depth, out = 0, []
    for ch in text:
        if ch in "([<〈《【":
            out.append(depth)
            depth += 1
        elif ch in ")]>〉》】":
            depth = max(0, depth - 1)
            out.append(depth)
        else:
            out.append(depth)
        if ch == "\n":
            depth = 0
    return out


def _line_info(text: str) -> tuple[list[int], dict[int, dict]]:
    """Line index per character, and per line a few shape features."""
    line_of = [0] * len(text)
    shapes: dict[int, dict] = {}
    start = 0
    for idx, line in enumerate(text.split("\n")):
        end = start + len(line)
        for k in range(start, min(end + 1, len(text))):
            line_of[k] = idx
        stripped = line.strip()
        length = len(stripped)
        shapes[idx] = {
            "line.len": "0" if length == 0 else "short" if length < 20 else "mid" if length < 60 else "long",
            "line.sent_end": bool(_SENT_END.search(stripped)),
            "line.list": bool(stripped) and stripped[0] in _LIST_MARKERS,
            "line.bracket": stripped.startswith(("[", "<", "【")),
        }
        start = end + 1
    return line_of, shapes


def _rule_tags(doc: Doc, lo: int, hi: int, words: list[str]) -> list[dict[str, bool]]:
    """Per token of ``doc[lo:hi]``, the rule candidates covering it as flags."""
    tags: list[dict[str, bool]] = [{} for _ in range(hi - lo)]
    group = doc.spans["rule_candidates"] if "rule_candidates" in doc.spans else []
    spans = [(sp.start, sp.end, sp.label_) for sp in group if sp.end > lo and sp.start < hi]
    for start, end, label in spans:
        for i in range(max(start, lo), min(end, hi)):
            prefix = "B" if i == start else "I"
            tags[i - lo][f"rule:{prefix}-{label}"] = True
            tags[i - lo][f"rule:{label}"] = True
        if lo <= end < hi:
            tags[end - lo][f"rule:after-{label}"] = True
    # Words of a program name found elsewhere on the page: a headline often
    # names a program by its core word only (희망일자리 for 서울 희망일자리 만들기).
    # Counted, not listed: a token's word is "elsewhere" when more spans of
    # that label contain it than the ones covering the token itself.
    in_spans: dict[tuple[str, str], int] = {}
    covering: dict[int, dict[str, int]] = {}
    for start, end, label in spans:
        if label in ("PROGRAM", "DISTRICT"):
            seen: set[str] = set()
            for i in range(start, end):
                word = words[i - lo] if lo <= i < hi else doc[i].text
                if len(word) >= 2 and not word.isspace():
                    key = (word, label)
                    if word not in seen:  # spans are counted, not occurrences
                        seen.add(word)
                        in_spans[key] = in_spans.get(key, 0) + 1
                    if lo <= i < hi:
                        own = covering.setdefault(i, {})
                        own[label] = own.get(label, 0) + 1
    if in_spans:
        for i in range(lo, hi):
            word = words[i - lo]
            own = covering.get(i, {})
            for label in ("PROGRAM", "DISTRICT"):
                if in_spans.get((word, label), 0) > own.get(label, 0):
                    tags[i - lo][f"doc:elsewhere-{label}"] = True
    for ent in doc.ents:  # the resolved set: what the rule layer alone would output
        for i in range(max(ent.start, lo), min(ent.end, hi)):
            tags[i - lo][f"ent:{'B' if i == ent.start else 'I'}-{ent.label_}"] = True
    return tags


_ADMIN_SUFFIX2 = ("기관", "등급", "표창")
_ADMIN_SUFFIX1 = frozenset("구시군도상급")


def _token_base(text: str, tag: str, ws: str, morphs: tuple, titles: tuple[str, ...]) -> dict:
    if text.isspace():
        return {"space": True, "newline": "\n" in text}
    feats = {
        "w": text,
        "tag": tag,
        "tag2": tag[:2],
        "cls": _char_class(text),
        "len": min(len(text), 6),
        "suf1": text[-1:],
        "suf2": text[-2:],
        "pre1": text[:1],
        "ws": bool(ws),
    }
    if morphs:
        feats["m0tag"] = morphs[0].tag
        feats["m-1tag"] = morphs[-1].tag
        feats["m0"] = morphs[0].form
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
    end = len(doc) if end is None else end
    if end <= start:
        return []
    span = doc[start:end]
    offset = span.start_char
    text = doc_text(doc)[offset:span.end_char]
    titles = tuple(word_list("titles.txt"))
    quotes = _quote_depths(text)
    brackets = _bracket_depths(text)
    line_of, shapes = _line_info(text)
    morphs_at = doc.user_data.get(MORPHS_KEY, {})
    tokens = [(t.text, t.tag_, t.whitespace_, t.idx - offset, t.idx) for t in span]
    rule_tags = _rule_tags(doc, start, end, [w for w, *_ in tokens])
    base = [_token_base(w, tag, ws, morphs_at.get(idx, ()), titles) for w, tag, ws, _, idx in tokens]

    out: list[dict] = []
    n = len(tokens)
    for i, (word, _, _, ci, _) in enumerate(tokens):
        b = base[i]
        f = {"bias": 1.0, **b, **rule_tags[i]}
        if "space" not in b:
            f["inq"] = bool(quotes[ci])
            f["inbr"] = bool(brackets[ci])
            f.update(shapes[line_of[ci]])
            prev_text = text[ci - 1] if ci > 0 else "\n"
            f["bol"] = prev_text == "\n"
            f["after_space"] = prev_text in (" ", "\t", "\xa0")
        for off in (-2, -1, 1, 2):
            j = i + off
            key = _KEYS[off]
            if j < 0:
                f[key + "BOS"] = True
                continue
            if j >= n:
                f[key + "EOS"] = True
                continue
            nb = base[j]
            if "space" in nb:
                f[key + "space"] = True
                if nb["newline"]:
                    f[key + "nl"] = True
                continue
            f[key + "w"] = nb["w"]
            f[key + "tag"] = nb["tag"]
            f[key + "cls"] = nb["cls"]
            if off in (-1, 1):
                f[key + "suf1"] = nb["suf1"]
                if "title" in nb:
                    f[key + "title"] = True
                for k in rule_tags[j]:
                    f[key + k] = True
        out.append(f)
    return out


_KEYS = {off: f"{off:+d}:" for off in (-2, -1, 1, 2)}
