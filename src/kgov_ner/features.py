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

from .lexicon import word_list

FEATURE_VERSION = 2

_OPEN_QUOTES = {"‘": "’", "“": "”", "「": "」", "『": "』"}
_SYMMETRIC_QUOTES = {"'", '"'}
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
    """Per character: 1 inside a quoted stretch of one line, else 0 (marks excluded)."""
    inside = [0] * len(text)
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        close = _OPEN_QUOTES.get(ch) or (ch if ch in _SYMMETRIC_QUOTES else None)
        if close is None:
            i += 1
            continue
        line_end = text.find("\n", i)
        line_end = n if line_end < 0 else line_end
        j = text.find(close, i + 1, line_end)
        stop = j if j >= 0 else line_end
        for k in range(i + 1, stop):
            inside[k] = 1
        i = stop + 1 if j >= 0 else i + 1
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


def _rule_tags(doc: Doc) -> list[dict[str, bool]]:
    """Per token, the rule candidates covering it as ``rule:B-LABEL`` / ``rule:I-LABEL`` flags."""
    tags: list[dict[str, bool]] = [{} for _ in doc]
    group = doc.spans["rule_candidates"] if "rule_candidates" in doc.spans else []
    for span in group:
        for i in range(span.start, span.end):
            prefix = "B" if i == span.start else "I"
            tags[i][f"rule:{prefix}-{span.label_}"] = True
            tags[i][f"rule:{span.label_}"] = True
        if span.end < len(doc):
            tags[span.end][f"rule:after-{span.label_}"] = True
    # Words of a program name found elsewhere on the page: a headline often
    # names a program by its core word only (희망일자리 for 서울 희망일자리 만들기).
    words_in: dict[str, set[str]] = {}
    for span in group:
        if span.label_ in ("PROGRAM", "DISTRICT"):
            for t in span:
                if len(t.text) >= 2 and not t.is_space:
                    words_in.setdefault(t.text, set()).add((span.label_, span.start, span.end))
    for i, token in enumerate(doc):
        for label, s, e in words_in.get(token.text, ()):
            if not (s <= i < e):
                tags[i][f"doc:elsewhere-{label}"] = True
    for ent in doc.ents:  # the resolved set: what the rule layer alone would output
        for i in range(ent.start, ent.end):
            tags[i][f"ent:{'B' if i == ent.start else 'I'}-{ent.label_}"] = True
    return tags


def _token_base(token, titles: tuple[str, ...]) -> dict:
    text = token.text
    if token.is_space:
        return {"space": True, "newline": "\n" in text}
    morphs = token._.morphs
    feats = {
        "w": text,
        "tag": token.tag_,
        "tag2": token.tag_[:2],
        "cls": _char_class(text),
        "len": min(len(text), 6),
        "suf1": text[-1:],
        "suf2": text[-2:],
        "pre1": text[:1],
        "ws": bool(token.whitespace_),
    }
    if morphs:
        feats["m0tag"] = morphs[0].tag
        feats["m-1tag"] = morphs[-1].tag
        feats["m0"] = morphs[0].form
    if text[-1:] in ("구", "시", "군", "도", "상", "급") or text.endswith(("기관", "등급", "표창")):
        feats["suf.admin"] = text[-2:] if text.endswith(("기관", "등급", "표창")) else text[-1]
    for title in titles:
        if text.endswith(title):
            feats["title"] = True
            break
    return feats


def doc_features(doc: Doc) -> list[dict]:
    """Feature dicts for every token of ``doc``.

    >>> doc = Tagger().nlp("강북구가 우수구로 선정됐다.")
    >>> doc_features(doc)[0]["w"]
    '강북구'
    """
    text = doc.text
    titles = word_list("titles.txt")
    quotes = _quote_depths(text)
    brackets = _bracket_depths(text)
    line_of, shapes = _line_info(text)
    rule_tags = _rule_tags(doc)
    base = [_token_base(t, titles) for t in doc]

    out: list[dict] = []
    n = len(doc)
    for i, token in enumerate(doc):
        f = {"bias": 1.0, **base[i], **rule_tags[i]}
        if not token.is_space:
            ci = token.idx
            f["inq"] = bool(quotes[ci])
            f["inbr"] = bool(brackets[ci])
            f.update(shapes[line_of[ci]])
            prev_text = text[max(0, ci - 1):ci]
            f["bol"] = ci == 0 or prev_text == "\n"
            f["after_space"] = prev_text in (" ", "\t", "\xa0")
        for off in (-2, -1, 1, 2):
            j = i + off
            key = f"{off:+d}"
            if j < 0:
                f[f"{key}:BOS"] = True
                continue
            if j >= n:
                f[f"{key}:EOS"] = True
                continue
            nb = base[j]
            if nb.get("space"):
                f[f"{key}:space"] = True
                if nb.get("newline"):
                    f[f"{key}:nl"] = True
                continue
            f[f"{key}:w"] = nb["w"]
            f[f"{key}:tag"] = nb["tag"]
            f[f"{key}:cls"] = nb["cls"]
            if abs(off) == 1:
                f[f"{key}:suf1"] = nb["suf1"]
                if nb.get("title"):
                    f[f"{key}:title"] = True
                for k in rule_tags[j]:
                    f[f"{key}:{k}"] = True
        out.append(f)
    return out
