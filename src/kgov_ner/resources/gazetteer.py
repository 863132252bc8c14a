"""Gazetteer of Korean local governments, loaded from tab-separated data files.

The packaged ``data/districts.tsv`` lists the 17 upper-level and 226
lower-level governments (as of 2024-01-01) plus a few units older news still
names; ``data/regions.tsv`` maps bare region words (서울, 경남) to upper-level
governments. Both files document their own format in a comment header.

Stdlib only, so that rule-based and data-preparation code can use it without
loading spaCy or Kiwi.
"""

from __future__ import annotations

import functools
import os
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

try:
    from importlib.resources.abc import Traversable
except ImportError:  # Python 3.10
    from importlib.abc import Traversable
from typing import Union

__all__ = [
    "ADMIN_SUFFIXES",
    "LEVELS",
    "LOWER_LEVELS",
    "STATUSES",
    "UPPER_LEVELS",
    "District",
    "Gazetteer",
    "default_gazetteer",
]

PathLike = Union[str, "os.PathLike[str]", Traversable]

UPPER_LEVELS = frozenset({"metro", "province"})
LOWER_LEVELS = frozenset({"gu", "si", "gun"})
LEVELS = UPPER_LEVELS | LOWER_LEVELS

# Order in which lookup() returns same-named candidates: the reading a reader
# of today's news most likely means comes first.
_STATUS_ORDER = ("current", "admin", "new2026", "former")
STATUSES = frozenset(_STATUS_ORDER)

# The guideline only tags names that carry one of these; a bare name is not a
# DISTRICT, so an alias without one would make the tagger break the guideline.
ADMIN_SUFFIXES = ("시", "도", "구", "군")

_LEVEL_SUFFIX = {"metro": "시", "province": "도", "gu": "구", "si": "시", "gun": "군"}
# 자치구 exist only inside metros and 시 only inside provinces; a row that
# says otherwise is a typo in the parent column.
_PARENT_LEVELS = {"gu": {"metro"}, "si": {"province"}, "gun": {"metro", "province"}}

_DISTRICT_COLUMNS = ("name", "level", "parent", "code", "aliases", "status")
_REGION_COLUMNS = ("word", "upper")


def _nfc(text: str) -> str:
    # Text pasted from macOS or some web pages arrives decomposed (NFD);
    # without this, identical-looking names would not match.
    return unicodedata.normalize("NFC", text).strip()


@dataclass(frozen=True)
class District:
    """One local government (or a former/administrative unit, see ``status``)."""

    name: str
    level: str
    parent: str | None
    code: str | None
    status: str
    aliases: tuple[str, ...] = ()

    @property
    def is_upper(self) -> bool:
        return self.level in UPPER_LEVELS

    @property
    def full_name(self) -> str:
        """``"서울특별시 송파구"`` for a lower-level unit, the name alone otherwise."""
        return f"{self.parent} {self.name}" if self.parent else self.name

    @property
    def surface_forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class _Located:
    district: District
    source: str
    line: int


def _error(source: str, line: int | None, problem: str) -> ValueError:
    where = f"{source}, line {line}" if line is not None else source
    return ValueError(f"{where}: {problem}")


def _default_data(name: str) -> Traversable:
    return resources.files("kgov_ner.resources").joinpath("data", name)


def _read_text(path: PathLike) -> tuple[str, str]:
    # utf-8-sig: spreadsheet programs add a BOM when users save an edited copy.
    if isinstance(path, (str, os.PathLike)):
        return os.fspath(path), Path(path).read_text(encoding="utf-8-sig")
    return str(path), path.read_text(encoding="utf-8-sig")


def _rows(text: str, source: str, columns: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, fields) for each data line after the header."""
    header_seen = False
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [_nfc(field) for field in line.split("\t")]
        if not header_seen:
            if tuple(fields) != columns:
                raise _error(
                    source,
                    lineno,
                    f"expected the header {'<TAB>'.join(columns)!r}, got {line!r}",
                )
            header_seen = True
            continue
        if len(fields) != len(columns):
            raise _error(
                source,
                lineno,
                f"expected {len(columns)} tab-separated columns "
                f"({', '.join(columns)}), got {len(fields)}",
            )
        yield lineno, fields
    if not header_seen:
        raise _error(source, None, f"no header line {'<TAB>'.join(columns)!r}")


def _parse_district(fields: list[str], source: str, lineno: int) -> District:
    name, level, parent, code, aliases_field, status = fields
    if not name:
        raise _error(source, lineno, "empty name")
    if level not in LEVELS:
        raise _error(
            source, lineno, f"unknown level {level!r} (expected one of {', '.join(sorted(LEVELS))})"
        )
    if status not in STATUSES:
        raise _error(
            source,
            lineno,
            f"unknown status {status!r} (expected one of {', '.join(_STATUS_ORDER)})",
        )
    suffix = _LEVEL_SUFFIX[level]
    if not name.endswith(suffix) or len(name) < 2:
        raise _error(source, lineno, f"name {name!r} of level {level} must end in {suffix!r}")

    upper = level in UPPER_LEVELS
    if upper and parent:
        raise _error(source, lineno, f"upper-level row {name!r} must have an empty parent")
    if not upper and not parent:
        raise _error(source, lineno, f"lower-level row {name!r} needs a parent")

    width = 2 if upper else 5
    if code and not (len(code) == width and code.isascii() and code.isdigit()):
        raise _error(source, lineno, f"code {code!r} of a {level} row must be {width} digits")

    aliases: list[str] = []
    for alias in aliases_field.split("|") if aliases_field else ():
        alias = _nfc(alias)
        if len(alias) < 2 or not alias.endswith(ADMIN_SUFFIXES):
            raise _error(
                source,
                lineno,
                f"alias {alias!r} has no administrative suffix (시/도/구/군); "
                "bare names belong in regions.tsv",
            )
        if alias != name and alias not in aliases:
            aliases.append(alias)

    return District(
        name=name,
        level=level,
        parent=parent or None,
        code=code or None,
        status=status,
        aliases=tuple(aliases),
    )


def _check_consistency(rows: list[_Located]) -> None:
    """Cross-row checks, reported at the line of the row that breaks them."""
    uppers = _check_uppers(rows)
    seen: dict[tuple[str, str | None], _Located] = {}
    codes: dict[str, _Located] = {}
    for row in rows:
        d = row.district
        key = (d.name, d.parent)
        if key in seen and not d.is_upper:
            first = seen[key]
            raise _error(
                row.source,
                row.line,
                f"duplicate row {d.full_name!r} ({first.source}, line {first.line})",
            )
        seen[key] = row
        if not d.is_upper:
            _check_parent(row, uppers)
        if d.code:
            if d.code in codes:
                first = codes[d.code]
                raise _error(
                    row.source,
                    row.line,
                    f"code {d.code} already used by {first.district.full_name!r} "
                    f"({first.source}, line {first.line})",
                )
            codes[d.code] = row


def _check_uppers(rows: list[_Located]) -> dict[str, _Located]:
    """Upper-level rows by name: each once, no name or alias shared between two."""
    uppers: dict[str, _Located] = {}
    upper_surfaces: dict[str, _Located] = {}
    for row in rows:
        d = row.district
        if not d.is_upper:
            continue
        if d.name in uppers:
            first = uppers[d.name]
            raise _error(
                row.source, row.line, f"duplicate upper-level row {d.name!r} (first at line {first.line})"
            )
        uppers[d.name] = row
        for form in d.surface_forms:
            other = upper_surfaces.get(form)
            if other is not None and other.district.name != d.name:
                raise _error(
                    row.source,
                    row.line,
                    f"{form!r} already names upper-level {other.district.name!r} "
                    f"({other.source}, line {other.line})",
                )
            upper_surfaces[form] = row
    return uppers


def _check_parent(row: _Located, uppers: dict[str, _Located]) -> None:
    """A lower-level row sits under an upper-level row of a level it may have, within its code."""
    d = row.district
    parent = uppers.get(d.parent or "")
    if parent is None:
        raise _error(
            row.source,
            row.line,
            f"parent {d.parent!r} of {d.name!r} is not an upper-level row "
            "(use the official full name, e.g. 서울특별시)",
        )
    allowed = _PARENT_LEVELS[d.level]
    if parent.district.level not in allowed:
        raise _error(
            row.source,
            row.line,
            f"a {d.level} row cannot sit under the {parent.district.level} {d.parent!r}",
        )
    pcode = parent.district.code
    if d.code and pcode and not d.code.startswith(pcode):
        raise _error(
            row.source,
            row.line,
            f"code {d.code} of {d.full_name!r} does not start with its parent's code {pcode}",
        )


class Gazetteer:
    """Local governments indexed by every name and alias.

    Build one with :meth:`load` (or use :func:`default_gazetteer`); the
    constructor takes already validated rows.
    """

    def __init__(self, districts: Iterable[District], regions: Mapping[str, District] | None = None):
        self._rows: tuple[District, ...] = tuple(districts)
        rank = {status: i for i, status in enumerate(_STATUS_ORDER)}

        surface: dict[str, list[District]] = {}
        for d in self._rows:
            for form in d.surface_forms:
                bucket = surface.setdefault(form, [])
                if d not in bucket:
                    bucket.append(d)
        # sorted() is stable, so file order decides among equal statuses.
        self._surface: dict[str, tuple[District, ...]] = {
            form: tuple(sorted(ds, key=lambda d: rank.get(d.status, len(rank))))
            for form, ds in surface.items()
        }

        self._upper: dict[str, District] = {}
        for d in self._rows:
            if d.is_upper:
                for form in d.surface_forms:
                    self._upper.setdefault(form, d)

        self._children: dict[str, list[District]] = {}
        for d in self._rows:
            if d.parent is not None:
                self._children.setdefault(d.parent, []).append(d)

        self._regions: dict[str, District] = dict(regions or {})

    @classmethod
    def load(
        cls,
        path: PathLike | None = None,
        *,
        extra: Iterable[PathLike] = (),
        regions_path: PathLike | None = None,
    ) -> Gazetteer:
        """Load a districts file (default: the packaged one).

        ``extra`` files, in the same format, are appended to it: the way to add
        local units without copying the packaged file. Their parents may be
        upper-level rows of the main file.

        Region words come from ``regions_path``; by default from a
        ``regions.tsv`` next to ``path`` if there is one, else the packaged one.

        Raises ``ValueError`` naming the file, the line and the problem for any
        malformed line.
        """
        default_regions = _regions_beside(path)
        if path is None:
            path = _default_data("districts.tsv")
        rows: list[_Located] = []
        for p in (path, *extra):
            source, text = _read_text(p)
            for lineno, fields in _rows(text, source, _DISTRICT_COLUMNS):
                rows.append(_Located(_parse_district(fields, source, lineno), source, lineno))
        _check_consistency(rows)
        gazetteer = cls(row.district for row in rows)
        gazetteer._regions = _read_regions(regions_path if regions_path is not None else default_regions, gazetteer)
        return gazetteer

    def surface_forms(self) -> dict[str, list[District]]:
        """Every name and alias mapped to the districts it may denote (a copy)."""
        return {form: list(ds) for form, ds in self._surface.items()}

    def lookup(self, surface: str) -> list[District]:
        """Districts a name or alias may denote, current ones first; ``[]`` if unknown."""
        return list(self._surface.get(_nfc(surface), ()))

    def upper(self, name_or_alias: str) -> District | None:
        """The upper-level district of an official name or alias (서울시 -> 서울특별시)."""
        return self._upper.get(_nfc(name_or_alias))

    def children(self, upper_name: str, status: str | Iterable[str] | None = None) -> list[District]:
        """Lower-level rows under an upper-level name or alias, in file order.

        All statuses by default; pass ``status="current"`` (or several) to filter.
        """
        upper = self.upper(upper_name)
        if upper is None:
            return []
        rows = self._children.get(upper.name, [])
        if status is None:
            return list(rows)
        wanted = {status} if isinstance(status, str) else set(status)
        return [d for d in rows if d.status in wanted]

    def region_word(self, word: str) -> District | None:
        """The upper-level district a bare region word means (경남 -> 경상남도)."""
        return self._regions.get(_nfc(word))

    def region_words(self) -> dict[str, District]:
        return dict(self._regions)

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[District]:
        return iter(self._rows)

    def __repr__(self) -> str:
        return f"<Gazetteer: {len(self._rows)} districts, {len(self._surface)} surface forms>"


def _regions_beside(path: PathLike | None) -> PathLike:
    """The region words that go with a districts file: a ``regions.tsv`` next to it, else the packaged one."""
    if isinstance(path, (str, os.PathLike)):
        sibling = Path(path).with_name("regions.tsv")
        if sibling.is_file():
            return sibling
    return _default_data("regions.tsv")


def _read_regions(path: PathLike, gazetteer: Gazetteer) -> dict[str, District]:
    """Region word → the upper-level district of ``gazetteer`` it means."""
    source, text = _read_text(path)
    regions: dict[str, District] = {}
    for lineno, (word, target) in _rows(text, source, _REGION_COLUMNS):
        if not word:
            raise _error(source, lineno, "empty region word")
        if word in regions:
            raise _error(source, lineno, f"duplicate region word {word!r}")
        upper = gazetteer.upper(target)
        if upper is None:
            raise _error(
                source,
                lineno,
                f"{target!r} is not an upper-level name or alias in the districts file",
            )
        regions[word] = upper
    return regions


@functools.lru_cache(maxsize=None)
def default_gazetteer() -> Gazetteer:
    """The packaged gazetteer, loaded once per process."""
    return Gazetteer.load()
