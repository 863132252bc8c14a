"""MONEY: the amount in won.

``{"krw": int, "approx": bool, "currency": "KRW"}``. ``4500만 원`` →
45000000; ``6억 2천여만 원`` → 620000000, approx (여, 약, 가량, 정도,
안팎, 남짓, 내외, 쯤 make it approximate). Digits with or without commas,
decimals (1.5억), 천/백/십 inside a group (2천500만), Hangul numerals
(삼천이백만 원), 조/억/만 groups, with or without 원. A trailing 천/백
after 억 or 조 drops the next unit down, as speech and headlines do:
``1억 5천`` → 150000000. A bare number with neither a unit nor a
currency (``2019``) is not read as money; particles and 규모/가량 after
the amount and 약/총/최대 before it are tolerated.
Vague amounts (수억, 수십억, 몇천만) → ``krw: None, approx: True,
currency: "KRW", reason``. Foreign currencies are not converted (no
exchange rate is known for the article's date): ``{"krw": None,
"currency": "USD", "amount": 100, "usd": 100, "approx": False, "reason":
"foreign currency: not converted"}``; 엔/유로/위안/파운드 give
JPY/EUR/CNY/GBP with ``amount`` only.
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction

from kgov_ner.pipeline.normalize.common import QUOTES, clean, never_raise
from kgov_ner.resources.lexicon import is_particle_run

MONEY_KEYS = {"krw": None, "approx": None, "currency": None}

_HANGUL_DIGITS = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "륙": 6, "칠": 7, "팔": 8, "구": 9}
_SMALL_UNITS = {"십": 10, "백": 100, "천": 1000}
_BIG_UNITS = {"만": 10**4, "억": 10**8, "조": 10**12, "경": 10**16}
_UNIT_CHARS = "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)

# Tried in order, so a longer word comes before its prefix (원화 before 원).
_CURRENCIES = (
    ("원화", "KRW"), ("원정", "KRW"), ("원", "KRW"), ("KRW", "KRW"),
    ("미화", "USD"), ("달러", "USD"), ("불", "USD"), ("USD", "USD"),
    ("엔화", "JPY"), ("엔", "JPY"), ("유로", "EUR"), ("위안", "CNY"), ("파운드", "GBP"),
)
_CURRENCY_WORDS = tuple(w for w, _ in _CURRENCIES)
_CURRENCY_SIGNS = (("US$", "USD"), ("$", "USD"), ("₩", "KRW"), ("¥", "JPY"), ("€", "EUR"), ("£", "GBP"))
# Words the guideline keeps outside the span but a caller may pass along.
_PREFIXES = (("최대", False), ("최소", False), ("대략", True), ("무려", False), ("모두", False), ("약", True), ("총", False))
_SUFFIXES = (
    ("가량", True), ("정도", True), ("안팎", True), ("남짓", True), ("내외", True), ("쯤", True),
    ("상당", False), ("규모", False), ("수준", False), ("이상", False), ("이하", False), ("여", True),
)
_NUMBER = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+")
_MAX_DIGITS = 40  # longer digit runs are no amount and would slow int() down


class _MoneyError(ValueError):
    pass


def _strip_leading(s: str, words) -> tuple[str, bool]:
    """Drop leading words of ``words`` (약 총 …; 규모 가량 … after the amount);
    True if one of them makes the amount approximate."""
    approx = False
    stripped = True
    while stripped:
        stripped = False
        for word, is_approx in words:
            if s.startswith(word):
                s, stripped = s[len(word):].lstrip(), True
                approx |= is_approx
                break
    return s, approx


# ---------------------------------------------------------------- reading a numeral


class _Numeral:
    """A numeral read left to right: 만/억/조 groups, each made of 천/백/십 parts."""

    def __init__(self) -> None:
        self.total = Fraction(0)
        self.group_small = Fraction(0)  # 천/백/십 parts of the current 만/억/조 group
        self.pending: Fraction | None = None  # a number not yet multiplied by a unit
        self.last_small: int | None = None  # smallest 천/백/십 seen in the group: they must decrease
        self.last_big: int | None = None
        self.group_started = False
        self.seen = False
        self.approx = self.vague = False

    def number(self, raw, too_large: str) -> None:
        """A number (digits or one Hangul digit) that a unit may multiply next."""
        if self.pending is not None:
            raise _MoneyError("two numbers in a row")
        value = Fraction(raw)
        if self.last_small is not None and value >= self.last_small:
            raise _MoneyError(too_large)
        self.pending, self.seen, self.group_started = value, True, True

    def small_unit(self, ch: str) -> None:
        """천/백/십: multiplies the pending number (or 1) inside the group."""
        unit = _SMALL_UNITS[ch]
        if self.last_small is not None and unit >= self.last_small:
            raise _MoneyError(f"{ch} after a smaller place value")
        self.group_small += (self.pending if self.pending is not None else 1) * unit
        self.pending, self.last_small, self.seen, self.group_started = None, unit, True, True

    def big_unit(self, ch: str) -> None:
        """만/억/조/경: closes the group (a bare 만 원 is one 만)."""
        unit = _BIG_UNITS[ch]
        if self.last_big is not None and unit >= self.last_big:
            raise _MoneyError(f"{ch} after a smaller unit")
        group = self.group_small + (self.pending or 0)
        if not self.group_started:
            group = Fraction(1)  # bare 만 원, 억 원
        self.total += group * unit
        self.group_small, self.pending, self.last_small, self.last_big = Fraction(0), None, None, unit
        self.group_started, self.seen = False, True

    def value(self) -> Fraction:
        rest = self.group_small + (self.pending or 0)
        if self.last_big is not None and self.last_big > _BIG_UNITS["만"] and self.last_small is not None:
            # 1억 5천, 2조 5천: the next unit down is dropped (1억 5천만); nobody
            # writes 100,005,000 won that way.
            rest *= self.last_big // 10**4
        return self.total + rest


def _hangul_digit_counts(s: str, i: int) -> bool:
    """이/구/사/일 are ordinary syllables too (50억이, 구청): a Hangul digit
    counts only when a place value or 원 follows it."""
    nxt = s[i + 1 : i + 2]
    if not nxt or (nxt not in _UNIT_CHARS and nxt not in "여원" and not nxt.isspace()):
        return False
    if nxt.isspace():
        after = s[i + 1 :].lstrip()
        if not after.startswith(_CURRENCY_WORDS):
            return False
    return True


def _read_step(num: _Numeral, s: str, i: int) -> int | None:
    """Read the piece of numeral at ``s[i]`` into ``num``; where the next one starts, None at the end."""
    ch = s[i]
    m = _NUMBER.match(s, i)
    if m:
        raw = m.group(0).replace(",", "")
        if len(raw) > _MAX_DIGITS:
            raise _MoneyError("number too long")
        num.number(raw, f"{m.group(0)} after a larger place value")
        return m.end()
    if ch in _HANGUL_DIGITS:
        if not _hangul_digit_counts(s, i):
            return None
        num.number(_HANGUL_DIGITS[ch], "digit after a larger place value")
        return i + 1
    if ch in ("수", "몇"):
        # 수억, 수십억, 십수억, 몇천만: "several", no number to give.
        nxt = s[i + 1 : i + 2]
        if nxt and nxt in _UNIT_CHARS:
            num.vague = num.seen = num.group_started = True
            return i + 1
        return None
    if ch in _SMALL_UNITS:
        num.small_unit(ch)
        return i + 1
    if ch in _BIG_UNITS:
        num.big_unit(ch)
        return i + 1
    if ch == "여" and num.seen:
        num.approx = True
        return i + 1
    return None


def _parse_amount(s: str) -> tuple[Fraction | None, bool, bool, int]:
    """Read the numeral at the start of ``s``.

    Returns (value, approx, vague, characters consumed); value is None when
    there is no numeral. Raises _MoneyError for malformed numerals.
    """
    num = _Numeral()
    i, n, consumed = 0, len(s), 0
    while i < n:
        if s[i].isspace():
            i += 1
            continue
        step = _read_step(num, s, i)
        if step is None:
            break
        i = consumed = step
    if not num.seen:
        return None, num.approx, num.vague, 0
    return num.value(), num.approx, num.vague, consumed


# ---------------------------------------------------------------- the whole span


def _as_number(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def _leading_sign(s: str) -> tuple[str | None, str]:
    """(currency, rest) of an amount written after a sign: $100, ₩5000."""
    for sign, code in _CURRENCY_SIGNS:
        if s.startswith(sign):
            return code, s[len(sign):].lstrip()
    return None, s


def _currency_word(rest: str) -> tuple[str | None, str]:
    """(currency, what follows it) of the words after the numeral: 원, 달러, 엔화."""
    for word, code in _CURRENCIES:
        if rest.startswith(word):
            return code, rest[len(word):].strip()
    return None, rest


def _amount_dict(value: Fraction | None, approx: bool, vague: bool, currency: str) -> dict:
    if vague:
        return {"krw": None, "approx": True, "currency": currency, "reason": "vague amount"}
    if currency != "KRW":
        out = {"krw": None, "approx": approx, "currency": currency, "amount": _as_number(value)}
        if currency == "USD":
            out["usd"] = out["amount"]
        out["reason"] = "foreign currency: not converted"
        return out
    # Won has no subunit in use; 1.23456789억 is exact, 0.5원 is not.
    krw = round(value)
    return {"krw": int(krw), "approx": bool(approx or krw != value), "currency": "KRW"}


@never_raise(MONEY_KEYS)
def normalize_money(text: str) -> dict:
    """Amount of a MONEY span in won; see the module docstring.

    >>> normalize_money("6억 2천여만 원")
    {'krw': 620000000, 'approx': True, 'currency': 'KRW'}
    """
    s = clean(unicodedata.normalize("NFKC", text)).strip(QUOTES + " ")
    if not s:
        return {**MONEY_KEYS, "reason": "empty"}
    s, approx = _strip_leading(s, _PREFIXES)
    currency, s = _leading_sign(s)
    try:
        value, approx_num, vague, used = _parse_amount(s)
    except _MoneyError as exc:
        return {**MONEY_KEYS, "reason": f"malformed amount: {exc}"}
    if value is None and not vague:
        return {**MONEY_KEYS, "reason": "no amount"}
    approx |= approx_num
    rest = s[used:].strip()
    if currency is None:
        currency, rest = _currency_word(rest)
    unit_written = bool(re.search(f"[{_UNIT_CHARS}]", s[:used]))
    # What may follow the amount: 규모/가량 and particles (4500만 원을).
    rest, approx_tail = _strip_leading(rest, _SUFFIXES)
    approx |= approx_tail
    if rest and not is_particle_run(rest):
        return {**MONEY_KEYS, "reason": f"not an amount: trailing {rest[:20]!r}"}
    if currency is None:
        if not unit_written:
            return {**MONEY_KEYS, "reason": "bare number: no unit or currency"}
        currency = "KRW"  # 50억: news leaves 원 out only for won
    return _amount_dict(value, approx, vague, currency)
