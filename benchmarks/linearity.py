"""Tagging time against input length on pathological lines: it must grow linearly.

    python benchmarks/linearity.py [--base 8000] [--all]

Each case is one short unit repeated into a single long line (and, for the
many-paragraphs case, many short lines) of about ``--base`` characters, then
4× and 16× that. The tagger runs on each, with its default settings (article
body only; ``--all``: also whole-page mode), and the time of 4× and 16× is
reported against 1×. Linear growth is 4× and 16×; the check passes when
16× the length stays within 20× the time (a quadratic stage would take
256×). The exit status is 1 when a case fails, so the script can gate a
release; it is no test: it measures, and on a busy machine it can be rerun.

The cases are the shapes that once made a stage quadratic: unclosed quotes
(each one's stretch runs to the line's end), quotes with no space between
them, list markers on one line, brackets, long runs Kiwi leaves as gaps, and
a page of many one-line paragraphs.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

#: name -> (unit, separator): the unit repeated, joined by the separator.
CASES = {
    "unclosed quotes": ("송파구 우수구 ‘일자리 ", ""),
    "quotes, no spaces": ("‘“「『'\"", ""),
    "closed and unclosed quotes": ("‘희망 일자리 사업’ 평가에서 ‘우수 “청년 ", ""),
    "list markers": ("△청년 창업 지원 사업 ▲노인 일자리 박람회 ㆍ희망 두배 ", ""),
    "brackets": ("광진구(구청장 김선갑 [우수구 《장려상 ", ""),
    "amounts": ("1억 2000만 4500 ", ""),
    "one long word": ("송파구우수구일자리사업평가", ""),
    "punctuation run": ("…!?·)»", ""),
    "many paragraphs": ("송파구는 ‘일자리 우수구로 선정돼 4500만 원을 받았다.", "\n"),
}

LIMIT = 20.0  # 16× the length within 20× the time


def make(unit: str, sep: str, chars: int) -> str:
    step = len(unit) + len(sep)
    return sep.join([unit] * max(1, chars // step)) + "\n"


def timed(tagger, text: str, repeat: int = 5) -> float:
    """The best of ``repeat`` runs (noise from other processes only ever adds time),
    each after a full garbage collection (a collection left over from the last
    input would be charged to this one)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        tagger(text)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", type=int, default=8000, help="characters of the 1× input (default 8000)")
    ap.add_argument("--all", action="store_true", help="also whole-page mode (body='mark')")
    ap.add_argument("--case", action="append", help="run only this case (repeatable)")
    args = ap.parse_args()

    from kgov_ner import Tagger

    modes = {"body": Tagger()}
    if args.all:
        modes["whole page"] = Tagger(body="mark")
    for tagger in modes.values():
        tagger("송파구는 ‘우수구’로 선정돼 4500만 원을 받았다.")  # Kiwi and the model loaded
    failed = []
    print(f"{'case':30s}{'mode':12s}{'1× chars':>10s}{'1× s':>8s}{'4× / 1×':>9s}{'16× / 1×':>10s}")
    for name, (unit, sep) in CASES.items():
        if args.case and name not in args.case:
            continue
        for mode, tagger in modes.items():
            times = [timed(tagger, make(unit, sep, args.base * k), repeat) for k, repeat in ((1, 9), (4, 5), (16, 5))]
            ratio4, ratio16 = times[1] / times[0], times[2] / times[0]
            ok = ratio16 <= LIMIT
            if not ok:
                failed.append(f"{name} ({mode})")
            print(f"{name:30s}{mode:12s}{args.base:>10,d}{times[0]:>8.3f}{ratio4:>9.1f}{ratio16:>10.1f}"
                  f"{'' if ok else '   FAIL: not linear'}")
    print(f"linear (16× the length within {LIMIT:.0f}× the time): "
          + ("all cases" if not failed else "NO: " + ", ".join(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
