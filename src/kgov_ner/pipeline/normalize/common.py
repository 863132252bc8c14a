"""What the normalisers share: text cleaning and the promise never to raise."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Callable

# Quote and bracket marks a span may still carry when a caller passes raw text.
QUOTES = "‘’“”'\"「」『』《》〈〉<>[]()"
_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """``text`` in NFC with its whitespace runs collapsed to one space and its edges stripped."""
    # NFC so that decomposed Hangul from scraped pages compares equal;
    # \s covers the no-break spaces news sites put between words.
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def never_raise(fallback: dict) -> Callable:
    """A normaliser runs on every entity of every page; one odd string must
    not take the whole document down, so an unexpected error becomes a
    ``reason`` (the property tests check that this never happens)."""

    def wrap(func: Callable) -> Callable:
        @functools.wraps(func)
        def inner(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001
                return {**fallback, "reason": f"internal error: {type(exc).__name__}: {exc}"}

        return inner

    return wrap
