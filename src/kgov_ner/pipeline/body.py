"""Find the article body in a raw scraped news page.

A scraped page is the article wrapped in boilerplate: menus, weather widgets,
share buttons, related and most-read lists, comment boxes, ads and footers.
ANNOTATION.md ("Body and boilerplate") defines the body as the headline,
sub-headline, photo captions and article text up to the byline or copyright
line, and the gold records it as character ranges of the exact page text.

The detector works on lines:

1. :func:`analyse_page` splits the page into lines and finds page-level
   anchors that no single line can reveal: the *cores* (the stretch of plain
   style prose lines with the most text, and the other prose runs of the
   article when a box or an ad interrupts it), the *headline* (the topmost
   title-shaped line above the first core whose words the cores repeat) and
   the *cut* (the first standalone byline or copyright line after the core
   starts).
2. :func:`line_features` turns one line and its neighbourhood into a flat
   dict of numbers, vectorised with ``DictVectorizer`` and scored by a
   logistic regression (:class:`kgov_ner.training.body.BodyDetector` fits it;
   :class:`LineScorer` applies the fitted weights when tagging).
3. :meth:`LineScorer.predict` decodes the per-line log-odds recall first:
   a two-state Viterbi pass where switching between body and boilerplate
   costs ``switch`` log-odds, so an article interrupted by a caption, an
   "이미지 확대" line, an ad or a subhead stays one range unless the
   interruption is clearly boilerplate (a related-news box), and several
   ranges per page come out when it is. The cores' prose is always body,
   photo captions next to body lines are body, nothing at or past the cut is.

The shipped model is JSON (feature names and coefficients, no pickle) in
``kgov_ner/resources/data/body_model.json``; ``benchmarks/body_detection.py --fit``
rebuilds it from the development corpus's training split, the seeds and
``tests/data/pages``.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Sequence

import numpy as np

__all__ = [
    "PageView",
    "analyse_page",
    "default_detector",
    "detect_body",
    "line_features",
    "line_labels",
    "MODEL_FORMAT",
]

Range = tuple[int, int]

MODEL_FORMAT = "kgov_ner.body-detector"
MODEL_VERSION = 1
MODEL_RESOURCE = "body_model.json"

# --------------------------------------------------------------------------
# Line shape: patterns that hold across outlets, not strings from one site.

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_DIGIT = re.compile(r"[0-9]")
_LATIN = re.compile(r"[A-Za-z]")
_HANGUL_BIGRAM_RUN = re.compile(r"[\uac00-\ud7a3]{2,}")

# Korean declaratives end in 다; quotes and closing brackets may follow.
_CLOSERS = "\"'”’」』)]>"
_ENDS_DA = re.compile(r"다[.!?]?[" + re.escape(_CLOSERS) + r"]*$")
_ENDS_NOMINAL = re.compile(r"[가-힣](?:함|음|임|됨|냄|줌)\.?$")
_ENDS_DA_PERIOD = re.compile(r"다[.!?][" + re.escape(_CLOSERS) + r"]*$")
# News prose is written in the plain style (…했다.); comments, notices and
# UI text speak politely (…습니다. …주세요.).
_ENDS_POLITE = re.compile(r"(니다|세요|해요|어요|아요|네요|지요|군요|죠|요)[.!?~]*$")
_ENDS_QUOTE = re.compile(r"[”\"’']$")
_ENDS_PERIOD = re.compile(r"[.!?。]$")
_SENTENCE = re.compile(r"다[.!?](?=\s|$|[" + re.escape(_CLOSERS) + r"])")
_REPORT_VERB = re.compile(r"(밝혔|말했|전했|설명했|강조했|덧붙였|당부했|했|됐|였)다")
_QUOTE_MARK = re.compile(r"[‘’“”「」『』\"']")
_OFFICIAL_PAREN = re.compile(r"\((구청장|시장|군수|도지사|교육감|청장)\s")

_BYLINE_WORD = re.compile(r"[가-힣]{2,4}\s?(기자|특파원|통신원|리포터)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_COPYRIGHT = re.compile(
    r"ⓒ|©|\(c\)|copyright|저작권|무단\s*(전재|복제|배포)|재배포|all rights reserved",
    re.IGNORECASE,
)
# A byline glued to the last sentence ("…말했다. /홍길동 기자") is not body.
_TRAILING_BYLINE = re.compile(
    r"(?<=[.!?\"”’'])\s*(?:/\s*)?[가-힣]{2,4}\s?(?:기자|특파원|통신원)\s*(?:[\w.+-]+@[\w.-]+)?\s*$"
)
_BYLINE_TAIL = re.compile(r"(다른\s?기사\s?보기|기사\s?더\s?보기|구독|기자\s?페이지)")

_BULLET = re.compile(r"^([•▶▷►◀◁·∙ㆍ\-–—■□◆◇○●※★☆>]|\d{1,2}[.)](?=\s)|\d{1,2}\s(?=\S))")
_TRIANGLE = re.compile(r"^[▲△▼▽]")
# Press releases open every paragraph with □ or ○ (or -, ㅇ, ◦): a marked
# line that reads as prose is a paragraph, not a list item.
_PARA_MARK = re.compile(r"^\s*(?:[□■○●◦ㅇ\-–]|\d{1,2}[.)])\s*")
# Photo captions and credits sit inside the article ("이미지 확대", "사진=… 제공",
# "(왼쪽 두 번째)").
_CAPTION = re.compile(
    r"이미지\s?확대|사진\s?[=:/]|\[사진|\(사진|\((?:왼쪽|오른쪽|가운데|앞줄|뒷줄)[^)]{0,12}\)|^[▲△]\s?"
)
# "… 받고 있다. 남동구 제공" credits a photo; a short "기상청 제공" credits a widget.
_CREDIT_END = re.compile(r"제공\)?\s*$")

_TEMPERATURE = re.compile(r"-?\d+(?:\.\d+)?\s?(?:℃|°C?)")
_WEATHER_WORD = re.compile(r"맑음|흐림|구름(?:많음|조금)?|소나기|미세먼지|강수|습도|체감|기상청")
_DATE = re.compile(
    r"(?:19|20)\d{2}\s?[.\-/년]\s?\d{1,2}\s?[.\-/월]\s?\d{1,2}|\b\d{2}\.\d{2}\.\d{2}"
)
_CLOCK = re.compile(r"\d{1,2}:\d{2}")
_WEEKDAY = re.compile(r"\([월화수목금토일]\)|[월화수목금토일]요일")
_META_WORD = re.compile(r"^(입력|수정|등록|승인|작성|게재|송고|최종편집|업데이트|기사입력|발행|기자명|작성자|조회)")
_UI_WORD = re.compile(
    r"바로\s?가기|로그인|회원가입|공유|스크랩|인쇄|글자\s?크기|글씨|댓글|구독|메뉴|검색|"
    r"더\s?보기|닫기|목록|이전|다음|위로|광고|^AD$|RSS|URL|복사|카카오|페이스북|트위터|메일|"
    r"추천|뉴스\s?듣기|모바일|전체\s?기사|홈$|열기|보기$",
    re.IGNORECASE,
)
_PIPE_MENU = re.compile(r"\S\s*[|>]\s*\S.*[|>]")
# Headers of the boxes that follow an article; prose after one of them is a
# comment or a teaser, never the article continuing.
_SECTION_HEADER = re.compile(
    r"^(관련\s?(기사|뉴스)|많이\s?(본|읽은)|인기\s?(기사|뉴스)|실시간|최신\s?(기사|뉴스)|"
    r"추천\s?(기사|뉴스)|포토\s?뉴스|다른\s?기사|이\s?시각|핫\s?이슈|주요\s?뉴스)"
)
# A box inside or after the article, with its items on the same line or below:
# "[관련기사] …", "[AD] …", "함께 보면 좋은 기사".
_BOX_HEADER = re.compile(
    r"^[\[【<(]?\s*(관련\s?(기사|뉴스)|함께\s?(보면|본|읽)|광고|AD\b|이\s?시각|많이\s?(본|읽은)|"
    r"인기\s?(기사|뉴스)|추천\s?(기사|뉴스)|다른\s?기사)",
    re.IGNORECASE,
)
# The boxes of other stories (not an "AD" marker, which an article may carry inside).
_NEWS_BOX_HEADER = re.compile(
    r"^[\[【<(]?\s*(관련\s?(기사|뉴스)|함께\s?(보면|본|읽)|이\s?시각|많이\s?(본|읽은)|"
    r"인기\s?(기사|뉴스)|추천\s?(기사|뉴스)|다른\s?기사)"
)
# "댓글 3" opens a comment box after the article, but "• 댓글 0" is also a
# counter in the article header, so it only ends prose runs.
_COMMENT_HEADER = re.compile(r"^(댓글|의견|comments?)\b", re.IGNORECASE)
_LIST_HEADER = re.compile(r"(관련|많이\s?본|인기|최신|추천|주요|다른|포토|실시간|핫이슈|이슈)\s?(기사|뉴스|콘텐츠)?")

# Cost, in characters of prose, of a non-prose line inside the core (a
# caption, "AD", a sub-heading); list items are cheaper because articles list
# their programs and measures as bullets.
_CORE_LINE_COST = 30.0
_CORE_LIST_COST = 10.0
_CORE_MIN_CHARS = 40
# Score (characters of prose, less the bridged lines) a prose run needs to
# count as article text besides the core.
_EXTRA_CORE_CHARS = 100
_SHORT_SENTENCE_CHARS = 6
# How far above the core a headline is looked for, how many other lines may
# separate two header lines, and how much of a headline the core must repeat.
_HEAD_WINDOW = 30
_HEAD_MAX_GAP = 6
_HEAD_MIN_OVERLAP = 0.6
_PROBE_CHARS = 1000
# Log-odds a switch between body and boilerplate costs in decoding.
SWITCH_COST = 2.0
# "Is this line part of a longer one" is a substring search over the page;
# past this many character comparisons it is skipped rather than slow.
_CONTAINED_BUDGET = 50_000_000


def _shape(s: str) -> dict[str, float]:
    """Features of one stripped line on its own."""
    n = len(s)
    if n == 0:
        return {"blank": 1.0}
    f = _length_and_script(s, n)
    sentences = len(_SENTENCE.findall(s))
    # Some patterns backtrack along a line; a huge line (inlined data, a
    # minified script) is judged by its two ends so every page stays linear.
    if n > _PROBE_CHARS:
        s = s[: _PROBE_CHARS // 2] + " " + s[-(_PROBE_CHARS // 2) :]
    f.update(_pattern_flags(s, n, sentences))
    return f


def _length_and_script(s: str, n: int) -> dict[str, float]:
    """How long the line is and how much of it is Hangul, digits, Latin."""
    hangul = len(_HANGUL.findall(s)) / n
    return {
        "len_log": min(math.log1p(n) / math.log(400.0), 1.5),
        "len_short": float(n <= 12),
        "len_mid": float(12 < n < 40),
        "len_long": float(n >= 40),
        "len_very_long": float(n >= 120),
        "hangul": hangul,
        "digits": len(_DIGIT.findall(s)) / n,
        "latin": len(_LATIN.findall(s)) / n,
        "hangul_low": float(hangul < 0.3),
    }


def _pattern_flags(s: str, n: int, sentences: int) -> dict[str, float]:
    """What the line looks like: prose endings, bylines, widgets, menus, headers.

    ``n`` and ``sentences`` are the whole line's length and sentence count
    (``s`` may be its two ends only).
    """
    body_s = _BULLET.sub("", s).strip()
    return {
        "ends_da": float(bool(_ENDS_DA.search(s))),
        "ends_da_period": float(bool(_ENDS_DA_PERIOD.search(s))),
        "ends_polite": float(bool(_ENDS_POLITE.search(s))),
        "ends_quote": float(bool(_ENDS_QUOTE.search(s))),
        "ends_period": float(bool(_ENDS_PERIOD.search(s))),
        "sentences": min(sentences, 4) / 4.0,
        "report_verb": float(bool(_REPORT_VERB.search(s))),
        "quotes": float(bool(_QUOTE_MARK.search(s))),
        "official_paren": float(bool(_OFFICIAL_PAREN.search(s))),
        "comma_title": float("," in s and sentences == 0 and 8 <= n <= 80),
        "byline_word": float(bool(_BYLINE_WORD.search(s))),
        "email": float(bool(_EMAIL.search(s))),
        "copyright": float(bool(_COPYRIGHT.search(s))),
        "bullet": float(bool(_BULLET.match(s))),
        "triangle": float(bool(_TRIANGLE.match(s))),
        "temperature": float(bool(_TEMPERATURE.search(s))),
        "weather_word": float(bool(_WEATHER_WORD.search(s))),
        "date": float(bool(_DATE.search(s))),
        "clock": float(bool(_CLOCK.search(s))),
        "weekday": float(bool(_WEEKDAY.search(s))),
        "meta_word": float(bool(_META_WORD.match(body_s))),
        "ui_word": float(bool(_UI_WORD.search(s)) and n < 40),
        "pipe_menu": float(bool(_PIPE_MENU.search(s))),
        "list_header": float(bool(_LIST_HEADER.search(s)) and n < 20),
        "section_header": float(bool(_SECTION_HEADER.match(s)) and n < 25),
        "comment_header": float(bool(_COMMENT_HEADER.match(body_s)) and n < 25),
        "starts_bracket": float(s[:1] in "[<(【"),
        "caption": float(bool(_CAPTION.search(s)) or (n >= 25 and bool(_CREDIT_END.search(s)))),
        "para_marker": float(s[:1] in "□■○●◦ㅇ-–"),
        "box_header": float(bool(_BOX_HEADER.match(s))),
    }


def _is_sentence_line(s: str, shape: dict[str, float]) -> bool:
    """Long prose: what the article text is made of and menus are not."""
    if shape.get("ends_polite") or shape.get("hangul", 0.0) < 0.45:
        return False
    if shape.get("bullet"):
        # "□ 서울시는 … 밝혔다." is a release's paragraph; a teaser under a
        # related-news header is a headline and does not close a sentence.
        # A release's bulleted paragraphs may also close in the nominal style of
        # official documents ("○ 구는 … 지원함", "… 성과를 냄").
        bare = _PARA_MARK.sub("", s, count=1)
        return bare != s and len(bare) >= _CORE_MIN_CHARS and bool(shape["ends_da_period"] or _ENDS_NOMINAL.search(bare))
    if len(s) >= _CORE_MIN_CHARS:
        # Paragraphs end on a full stop; teasers in news lists are cut
        # mid-word even when they contain whole sentences.
        return bool(shape["ends_da"] or (shape["ends_period"] and shape["sentences"] > 0))
    # A short line still counts when it closes a full sentence ("…확보했다.");
    # list titles end in nouns or drop the period.
    return len(s) >= _SHORT_SENTENCE_CHARS and bool(shape["ends_da_period"])


def _is_cut_line(s: str, shape: dict[str, float]) -> bool:
    """A standalone byline, e-mail or copyright line: the body ends above it."""
    if not s or len(s) > 80 or shape.get("sentences"):
        return False
    if shape["copyright"]:
        return True
    if "사진" in s or "제공" in s:
        # A photo credit names a reporter but sits inside the body.
        return False
    rest = _BYLINE_TAIL.sub("", _EMAIL.sub("", s)).strip(" \t/=-–—·•[]()<>|")
    if shape["email"] and len(rest) <= 25:
        return True
    return bool(shape["byline_word"]) and len(rest) <= 25


def _bigrams(s: str) -> list[str]:
    out = []
    for run in _HANGUL_BIGRAM_RUN.findall(s):
        out.extend(run[k : k + 2] for k in range(len(run) - 1))
    return out


@dataclass(frozen=True)
class PageView:
    """A page split into lines, with the page-level anchors features need."""

    text: str
    spans: tuple[Range, ...]  # every line, newline excluded
    lines: tuple[str, ...]  # stripped line text
    content: tuple[int, ...]  # indices of non-blank lines
    shapes: tuple[dict, ...]
    sentence: tuple[bool, ...]
    core: Range | None  # first and last line index of the core run
    cores: tuple[Range, ...]  # the core and the other substantial prose runs before the cut
    headline: int | None
    cut: int | None
    overlap: tuple[float, ...]  # share of a line's bigrams found in the core
    repeats: tuple[int, ...]  # identical non-blank lines elsewhere
    contained: tuple[bool, ...]  # line is part of a longer line elsewhere
    boxed: tuple[bool, ...]  # line is a box header or an item right under one
    rank: tuple[int, ...]  # position among non-blank lines, -1 for blank ones


def _split_lines(text: str) -> list[Range]:
    spans = []
    start = 0
    while True:
        j = text.find("\n", start)
        if j < 0:
            spans.append((start, len(text)))
            return spans
        spans.append((start, j))
        start = j + 1


def _prose_runs(content: Sequence[int], lines, shapes, sentence) -> list[tuple[int, int, float]]:
    """Maximal-sum stretches of prose, ``(first line, last line, score)``:
    sentence lines gain their length, other lines cost a fixed amount, so a
    caption or a short list inside the article is bridged when enough prose
    follows, and a long stretch of boilerplate is not. Bylines, copyright
    lines and box headers end a run.
    """
    runs: list[tuple[int, int, float]] = []
    run_start, best_end, best_score, score = None, None, 0.0, 0.0

    def close():
        if run_start is not None and best_end is not None:
            runs.append((run_start, best_end, best_score))

    for i in content:
        sh = shapes[i]
        if sentence[i]:
            if run_start is None or score <= 0:
                close()
                run_start, best_end, best_score, score = i, None, 0.0, 0.0
            score += len(lines[i])
            if score > best_score:
                best_end, best_score = i, score
        elif run_start is not None:
            if sh["section_header"] or sh["box_header"] or sh["comment_header"] or _is_cut_line(lines[i], sh):
                close()
                run_start, best_end, best_score, score = None, None, 0.0, 0.0
            else:
                score -= _CORE_LIST_COST if (sh["bullet"] or sh["triangle"]) else _CORE_LINE_COST
    close()
    return runs


def _is_headline_like(s: str, shape: dict, grams: list, overlap: float) -> bool:
    return (
        10 <= len(s) <= 120
        and len(grams) >= 5
        and overlap >= _HEAD_MIN_OVERLAP
        and not shape["ends_da_period"]
        and not shape["byline_word"]
        and not shape["temperature"]
        # Bulleted or numbered lines above the article are list items.
        and not shape["bullet"]
        # "제목 | 사이트명" is the page title, "뉴스 > 지역" a breadcrumb.
        and "|" not in s
        and not shape["pipe_menu"]
    )


def _find_headline(content, lines, shapes, grams, overlap, core_start) -> int | None:
    """The first headline-like line of the header block right above the core.

    Walking up from the core, title-shaped lines that the core repeats
    (headline, sub-headline, caption) belong to the article header, with
    share buttons and dates between them; a long stretch without such a line
    means the walk has left the article. Gold starts at the first copy of
    the headline, so the topmost candidate of the block wins.
    """
    found: list[int] = []
    misses = 0
    for i in reversed([i for i in content if i < core_start][-_HEAD_WINDOW:]):
        if shapes[i]["section_header"]:
            # "관련 뉴스" opens a list: the items under it are teasers, however
            # much they share with the article. The list runs while lines keep
            # the first item's look (bulleted or not) with no blank line.
            j = i + 1
            style = shapes[j]["bullet"] if j < len(lines) and lines[j] else None
            while j < len(lines) and lines[j] and shapes[j]["bullet"] == style:
                j += 1
            found = [c for c in found if c >= j]
            break
        if _is_headline_like(lines[i], shapes[i], grams[i], overlap[i]):
            found.append(i)
            misses = 0
        else:
            misses += 1
            if misses > _HEAD_MAX_GAP:
                break
    return found[-1] if found else None


def analyse_page(text: str) -> PageView:
    """Split ``text`` into lines and locate core, headline candidate and cut."""
    spans = _split_lines(text)
    lines = [text[a:b].strip() for a, b in spans]
    content = [i for i, s in enumerate(lines) if s]
    shapes = _line_shapes(lines)
    sentence = [bool(s) and _is_sentence_line(s, sh) for s, sh in zip(lines, shapes)]
    runs = _prose_runs(content, lines, shapes, sentence)
    core = max(runs, key=lambda r: r[2])[:2] if runs else None

    grams = [_bigrams(s) for s in lines]
    overlap = [0.0] * len(lines)
    headline = cut = None
    cores: list[Range] = []
    if core is not None:
        cut = next((i for i in content if i > core[0] and _is_cut_line(lines[i], shapes[i])), None)
        # An article interrupted by a box or an ad goes on after it: every
        # other substantial prose run before the cut is article text too, and
        # so is any prose between the core and the byline that ends it.
        cores = [(a, b) for a, b, score in runs
                 if (a, b) == core
                 or (cut is None and score >= _EXTRA_CORE_CHARS)
                 or (cut is not None and b < cut and (a > core[0] or score >= _EXTRA_CORE_CHARS))]
        overlap = _core_overlap(content, lines, grams, sentence, cores)
        headline = _find_headline(content, lines, shapes, grams, overlap, cores[0][0])

    rank = [-1] * len(lines)
    for k, i in enumerate(content):
        rank[i] = k
    repeats, contained = _repeated_lines(content, lines)
    return PageView(
        text=text,
        spans=tuple(spans),
        lines=tuple(lines),
        content=tuple(content),
        shapes=tuple(shapes),
        sentence=tuple(sentence),
        core=core,
        cores=tuple(cores),
        headline=headline,
        cut=cut,
        overlap=tuple(overlap),
        repeats=tuple(repeats),
        contained=tuple(contained),
        boxed=tuple(_boxed_lines(lines, shapes)),
        rank=tuple(rank),
    )


def _boxed_lines(lines: Sequence[str], shapes: Sequence[dict]) -> list[bool]:
    """Box headers ("[관련기사]", "AD", "많이 본 뉴스") and the lines under them up
    to the next blank line or prose sentence: teasers, not the article."""
    boxed = [False] * len(lines)
    i = 0
    while i < len(lines):
        sh = shapes[i]
        if lines[i] and (sh.get("box_header") or sh.get("section_header")):
            boxed[i] = True
            j = i + 1
            while j < len(lines) and lines[j] and not shapes[j].get("ends_da_period") and not shapes[j].get("caption"):
                boxed[j] = True
                j += 1
            i = j
        else:
            i += 1
    return boxed


def _line_shapes(lines: Sequence[str]) -> list[dict[str, float]]:
    """:func:`_shape` of every line; a byline glued to the last paragraph must
    not hide its sentence ending, so it is read without it."""
    shapes = []
    for s in lines:
        bare = _TRAILING_BYLINE.sub("", s) if s else s
        sh = _shape(bare if bare else s)
        if bare != s:
            sh["trailing_byline"] = 1.0
        shapes.append(sh)
    return shapes


def _core_overlap(content: Sequence[int], lines: Sequence[str], grams: Sequence[list], sentence: Sequence[bool],
                  cores: Sequence[Range]) -> list[float]:
    """Per line, the share of its bigrams that the cores' prose (other lines of it) also has."""
    overlap = [0.0] * len(lines)
    # Only the prose counts: a menu word that sits inside the core block
    # ("닫기") must not make the same word elsewhere look like article text.
    in_pool = [sentence[i] and any(a <= i <= b for a, b in cores) for i in range(len(lines))]
    pool = Counter()
    for i in content:
        if in_pool[i]:
            pool.update(grams[i])
    for i in content:
        g = grams[i]
        if not g:
            continue
        own = Counter(g) if in_pool[i] else None
        hit = sum(1 for b in g if pool[b] - (own[b] if own else 0) > 0)
        overlap[i] = hit / len(g)
    return overlap


def _repeated_lines(content: Sequence[int], lines: Sequence[str]) -> tuple[list[int], list[bool]]:
    """Per line, how many identical lines the page has elsewhere, and whether a
    longer line contains it."""
    counts = Counter(lines[i] for i in content)
    repeats = [counts[s] - 1 if s else 0 for s in lines]
    # A headline shows up again inside a photo caption or a teaser; only
    # title-sized lines are searched for, in one joined string.
    joined = "\x00".join(lines[i] for i in content)
    probes = [i for i in content if 8 <= len(lines[i]) <= 200]
    contained = [False] * len(lines)
    if len(probes) * len(joined) <= _CONTAINED_BUDGET:
        for i in probes:
            contained[i] = joined.count(lines[i]) > counts[lines[i]]
    return repeats, contained


# Shape features copied onto neighbours: enough to see "inside a list" or
# "next to prose" without multiplying every feature by the window.
_NEIGHBOUR_KEYS = (
    "len_short",
    "len_long",
    "ends_da",
    "sentences",
    "bullet",
    "temperature",
    "weather_word",
    "copyright",
    "ui_word",
    "date",
    "caption",
    "box_header",
)


def line_features(page: PageView, i: int, window: int = 2) -> dict[str, float]:
    """Features of line ``i`` of ``page``; a pure function of its arguments."""
    s = page.lines[i]
    f = dict(page.shapes[i])
    n_lines = max(len(page.lines) - 1, 1)
    f["rel_pos"] = i / n_lines
    f["rel_char"] = page.spans[i][0] / max(len(page.text), 1)
    f["repeated"] = float(page.repeats[i] > 0)
    f["contained"] = float(page.contained[i])
    f["sentence_line"] = float(page.sentence[i])
    f["boxed"] = float(page.boxed[i])
    if page.rank[i] >= 0:
        _add_neighbours(f, page, page.rank[i], window)
    f["overlap"] = page.overlap[i]
    f["overlap_high"] = float(page.overlap[i] >= 0.8)
    if page.core is None:
        f["no_core"] = 1.0
    else:
        _add_anchors(f, page, i)
    if s and _is_cut_line(s, page.shapes[i]):
        f["cut_like"] = 1.0
    return f


def _add_neighbours(f: dict[str, float], page: PageView, k: int, window: int) -> None:
    """What the non-blank lines around the ``k``-th non-blank one look like
    (blank lines are layout, not neighbours)."""
    near = [page.content[j] for j in range(max(0, k - 3), min(len(page.content), k + 4)) if j != k]
    if near:
        f["near_short"] = sum(len(page.lines[j]) < 25 for j in near) / len(near)
        f["near_bullet"] = sum(page.shapes[j].get("bullet", 0.0) for j in near) / len(near)
        f["near_sentence"] = sum(page.sentence[j] for j in near) / len(near)
    for off in range(-window, window + 1):
        if off == 0:
            continue
        tag = f"{'p' if off < 0 else 'n'}{abs(off)}"
        j = k + off
        if 0 <= j < len(page.content):
            nb = page.shapes[page.content[j]]
            for key in _NEIGHBOUR_KEYS:
                if nb.get(key):
                    f[f"{tag}:{key}"] = nb[key]
            f[f"{tag}:sentence_line"] = float(page.sentence[page.content[j]])
        else:
            f[f"{tag}:none"] = 1.0


def _add_anchors(f: dict[str, float], page: PageView, i: int) -> None:
    """Where line ``i`` stands relative to the page's core, headline and cut (the page has a core)."""
    a, b = page.cores[0][0], page.cores[-1][1]
    if any(c <= i <= d for c, d in page.cores):
        f["in_core"] = 1.0
    elif a <= i <= b:
        f["between_cores"] = 1.0
    elif i < a:
        d = page.rank[a] - page.rank[i]
        f["before_core"] = 1.0
        f["before_core_dist"] = min(d, 30) / 30.0
        f["before_core_near"] = float(d <= 12)
    else:
        d = page.rank[i] - page.rank[b]
        f["after_core"] = 1.0
        f["after_core_dist"] = min(d, 30) / 30.0
        f["after_core_near"] = float(d <= 3)
    h = page.headline
    if h is None:
        f["no_headline"] = 1.0
    elif i == h:
        f["is_headline"] = 1.0
    elif i < h:
        f["before_headline"] = 1.0
        # A photo and its caption may open the article, above the headline.
        if page.shapes[i].get("caption") and page.rank[h] - page.rank[i] <= 3:
            f["caption_above_headline"] = 1.0
    elif i < a:
        f["head_to_core"] = 1.0
    if page.cut is not None:
        if i == page.cut:
            f["is_cut"] = 1.0
        elif i > page.cut:
            f["after_cut"] = 1.0


def line_labels(page: PageView, body: Sequence[Sequence[int]]) -> list[int]:
    """1 for each non-blank line that overlaps a gold body range."""
    out = []
    for i in page.content:
        a, b = page.spans[i]
        out.append(int(any(a < e and b > s for s, e in body)))
    return out


def _segments(page: PageView, scores: np.ndarray, switch: float) -> list[Range]:
    """Runs of body lines (indices into ``page.content``), first and last of each.

    Two-state Viterbi over the non-blank lines: a body line earns its
    log-odds, a boilerplate line nothing, and every switch between the two
    costs ``switch``. An article interrupted by a caption, an ad or a
    related-news box therefore stays one run when the interruption is
    uncertain and splits into several runs only when it is clearly
    boilerplate; a stray line scored as body in a menu does not open a run
    of its own. The core's prose lines are body by construction; nothing at
    or past the cut line (a standalone byline or copyright line) is.
    """
    n = len(page.content)
    limit = page.rank[page.cut] if page.cut is not None else n
    forced = {page.rank[i] for a, b in page.cores for i in range(a, b + 1)
              if page.sentence[i] and page.rank[i] < limit}
    boxed_out = _news_box_lines(page) - forced
    NEG = -1e18
    # best[state] = best total ending in state; back[k][state] = previous state
    # a page may open with its article, if its first line looks like one: half a switch to start in it
    out_score, in_score = 0.0, (-switch / 2 if n and scores[0] > 0 else NEG)
    back = []
    for k in range(n):
        if k in boxed_out:  # transparent: left out, and the article may go on past it at no cost
            back.append((0, 1))
            continue
        z = float(scores[k])
        stay_out, from_in = out_score, in_score - switch
        new_out, back_out = (stay_out, 0) if stay_out >= from_in else (from_in, 1)
        stay_in, from_out = in_score, out_score - switch
        new_in, back_in = (stay_in, 1) if stay_in >= from_out else (from_out, 0)
        new_in += z
        if k >= limit:
            new_in = NEG
        elif k in forced:
            new_out = NEG
        out_score, in_score = new_out, new_in
        back.append((back_out, back_in))
    state = 1 if in_score > out_score else 0
    labels = [0] * n
    for k in range(n - 1, -1, -1):
        labels[k] = 0 if k in boxed_out else state
        state = back[k][state]
    _take_captions(page, labels, limit)
    return _runs_of_ones(labels)


def _news_box_lines(page: PageView) -> set[int]:
    """Ranks of the lines of related-news boxes ("[함께 보면 좋은 기사] …", "관련기사" and its
    items), prose sentences left out: never body, even inside the article (the
    Clarifications), and the article goes on past them as if they were not there."""
    out = set()
    in_news_box = False
    for i in page.content:
        in_news_box = page.boxed[i] and (in_news_box or bool(_NEWS_BOX_HEADER.match(page.lines[i])))
        if in_news_box and not page.sentence[i]:
            out.add(page.rank[i])
    return out


def _runs_of_ones(labels: Sequence[int]) -> list[Range]:
    """First and last index of every run of 1s."""
    runs: list[Range] = []
    start = None
    for k, v in enumerate([*labels, 0]):
        if v and start is None:
            start = k
        elif not v and start is not None:
            runs.append((start, k - 1))
            start = None
    return runs


def _take_captions(page: PageView, labels: list[int], limit: int) -> None:
    """A photo caption next to body text is body ("이미지 확대", "▲ … 사진=… 제공"
    above the headline or between paragraphs): when unsure, keep the text."""
    changed = True
    while changed:
        changed = False
        for k in range(min(limit, len(labels))):
            if labels[k]:
                continue
            i = page.content[k]
            if not page.shapes[i].get("caption") or page.boxed[i]:
                continue
            if (k > 0 and labels[k - 1]) or (k + 1 < len(labels) and labels[k + 1]):
                labels[k] = 1
                changed = True


def _decode(page: PageView, scores: np.ndarray, switch: float) -> list[Range]:
    """Character ranges of the body runs, trimmed like the gold."""
    text = page.text
    out = []
    for lo, hi in _segments(page, scores, switch):
        start = page.spans[page.content[lo]][0]
        end = page.spans[page.content[hi]][1]
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        m = _TRAILING_BYLINE.search(text, start, end)
        if m and m.start() > start:
            end = m.start()
            while end > start and text[end - 1].isspace():
                end -= 1
        if end > start:
            out.append((start, end))
    return out


class LineScorer:
    """Inference half of the body detector: linear line scores plus decoding.

    Plain Python and NumPy, no scikit-learn import: the weights are the
    fitted logistic regression's (see :class:`kgov_ner.training.body.BodyDetector`).
    """

    def __init__(self, features, coef, intercept: float, bias: float = 0.0, window: int = 2,
                 switch: float = SWITCH_COST):
        self.weights = dict(zip(features, (float(c) for c in coef)))
        self.intercept = float(intercept)
        self.bias = float(bias)
        self.window = int(window)
        self.switch = float(switch)

    @classmethod
    def from_dict(cls, data: dict) -> "LineScorer":
        if data.get("format") != MODEL_FORMAT or data.get("version") != MODEL_VERSION:
            raise ValueError(f"not a {MODEL_FORMAT} v{MODEL_VERSION} model")
        params = data.get("params", {})
        return cls(data["features"], data["coef"], data["intercept"], params.get("bias", 0.0),
                   params.get("window", 2), params.get("switch", SWITCH_COST))

    def line_scores(self, text: str) -> tuple[PageView, np.ndarray]:
        """Per non-blank line log-odds of being body (before the bias)."""
        page = analyse_page(text)
        if not page.content:
            return page, np.zeros(0)
        weights, intercept = self.weights, self.intercept
        scores = np.fromiter(
            (
                intercept + sum(weights.get(name, 0.0) * value for name, value in
                                line_features(page, i, self.window).items())
                for i in page.content
            ),
            dtype=float,
            count=len(page.content),
        )
        return page, scores

    def predict(self, text: str) -> list[Range]:
        if not isinstance(text, str):
            raise TypeError("predict takes one page as str")
        if not text.strip():
            return []
        page, scores = self.line_scores(text)
        return _decode(page, scores + self.bias, self.switch)


def _overlap_chars(a: Sequence[Sequence[int]], b: Sequence[Sequence[int]]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


_DEFAULT: LineScorer | None = None
_DEFAULT_LOCK = threading.Lock()


def default_detector() -> LineScorer:
    """The shipped model, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        with _DEFAULT_LOCK:
            if _DEFAULT is None:
                raw = resources.files("kgov_ner.resources").joinpath("data", MODEL_RESOURCE).read_text(
                    encoding="utf-8"
                )
                _DEFAULT = LineScorer.from_dict(json.loads(raw))
    return _DEFAULT


def detect_body(text: str) -> list[Range]:
    """Character ranges of the article body in a raw page (may be empty)."""
    return default_detector().predict(text)
