"""Tests for the district gazetteer and its data files."""

from __future__ import annotations

import ast
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgov_ner.resources.gazetteer import (
    ADMIN_SUFFIXES,
    LOWER_LEVELS,
    UPPER_LEVELS,
    District,
    Gazetteer,
    default_gazetteer,
)

HEADER = "name\tlevel\tparent\tcode\taliases\tstatus\n"
# A minimal valid file: the malformed cases below each break one line of it.
SMALL = (
    "# test data\n"
    + HEADER
    + "서울특별시\tmetro\t\t11\t서울시\tcurrent\n"
    + "경기도\tprovince\t\t41\t\tcurrent\n"
    + "송파구\tgu\t서울특별시\t11710\t\tcurrent\n"
    + "수원시\tsi\t경기도\t41110\t수원특례시\tcurrent\n"
)
SMALL_REGIONS = "word\tupper\n서울\t서울특별시\n경기\t경기도\n"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return default_gazetteer()


def current(gaz: Gazetteer) -> list[District]:
    return [d for d in gaz if d.status == "current"]


# --- the packaged data ---------------------------------------------------


def test_17_upper_and_226_lower_current(gaz):
    rows = current(gaz)
    assert sum(d.level in UPPER_LEVELS for d in rows) == 17
    assert sum(d.level in LOWER_LEVELS for d in rows) == 226


def test_national_split_of_the_226(gaz):
    # 69 자치구, 75 시, 82 군: the official 2024 breakdown.
    levels = Counter(d.level for d in current(gaz) if d.level in LOWER_LEVELS)
    assert levels == {"gu": 69, "si": 75, "gun": 82}


def test_upper_level_split(gaz):
    levels = Counter(d.level for d in current(gaz) if d.level in UPPER_LEVELS)
    assert levels == {"metro": 8, "province": 9}


def test_only_documented_statuses(gaz):
    statuses = Counter(d.status for d in gaz)
    assert set(statuses) == {"current", "admin", "new2026", "former"}
    assert statuses["admin"] == 2
    assert statuses["new2026"] == 3


@pytest.mark.parametrize(
    ("upper", "count"),
    [
        ("서울특별시", 25),
        ("부산광역시", 16),
        ("대구광역시", 9),
        ("인천광역시", 10),
        ("광주광역시", 5),
        ("대전광역시", 5),
        ("울산광역시", 5),
        ("세종특별자치시", 0),
        ("경기도", 31),
        ("강원특별자치도", 18),
        ("충청북도", 11),
        ("충청남도", 15),
        ("전북특별자치도", 14),
        ("전라남도", 22),
        ("경상북도", 22),
        ("경상남도", 18),
        ("제주특별자치도", 0),
    ],
)
def test_lower_level_count_per_upper(gaz, upper, count):
    assert len(gaz.children(upper, status="current")) == count


def test_gunwi_moved_to_daegu(gaz):
    by_parent = {d.parent: d for d in gaz.lookup("군위군")}
    assert by_parent["대구광역시"].status == "current"
    assert by_parent["경상북도"].status == "former"
    assert gaz.lookup("군위군")[0].parent == "대구광역시"


def test_every_alias_carries_an_administrative_suffix(gaz):
    for d in gaz:
        for alias in d.aliases:
            assert alias.endswith(ADMIN_SUFFIXES), (d.name, alias)
            assert len(alias) >= 2, (d.name, alias)


def test_no_bare_region_word_is_a_surface_form(gaz):
    # The guideline: "서울 희망일자리", "강동, 강북 등" carry no DISTRICT.
    forms = gaz.surface_forms()
    for word in ["서울", "부산", "경남", "강북", "강동", "경기", "제주", "세종"]:
        assert word not in forms
        assert gaz.lookup(word) == []


def test_names_end_in_their_level_suffix(gaz):
    suffix = {"metro": "시", "province": "도", "gu": "구", "si": "시", "gun": "군"}
    for d in gaz:
        assert d.name.endswith(suffix[d.level]), d


def test_every_lower_parent_is_an_upper_row(gaz):
    uppers = {d.name for d in gaz if d.level in UPPER_LEVELS}
    for d in gaz:
        if d.level in LOWER_LEVELS:
            assert d.parent in uppers, d
        else:
            assert d.parent is None, d


def test_rows_are_unique_per_parent(gaz):
    keys = Counter((d.name, d.parent) for d in gaz)
    assert [k for k, n in keys.items() if n > 1] == []


def test_codes_unique_well_formed_and_under_parent(gaz):
    codes = [d.code for d in gaz if d.code]
    assert len(codes) == len(set(codes))
    upper_code = {d.name: d.code for d in gaz if d.level in UPPER_LEVELS}
    for d in gaz:
        if d.code is None:
            continue
        assert d.code.isascii() and d.code.isdigit(), d
        if d.level in UPPER_LEVELS:
            assert len(d.code) == 2, d
        else:
            assert len(d.code) == 5, d
            assert d.code[:2] == upper_code[d.parent], d


def test_every_upper_level_row_has_its_code(gaz):
    assert all(d.code for d in gaz if d.level in UPPER_LEVELS)


@pytest.mark.parametrize(
    ("name", "parent", "code"),
    [
        ("송파구", "서울특별시", "11710"),
        ("종로구", "서울특별시", "11110"),
        ("미추홀구", "인천광역시", "28177"),
        ("해운대구", "부산광역시", "26350"),
        ("세종특별자치시", None, "36"),
        ("강원특별자치도", None, "51"),
        ("전북특별자치도", None, "52"),
    ],
)
def test_known_codes(gaz, name, parent, code):
    (d,) = [d for d in gaz.lookup(name) if d.parent == parent and d.status == "current"]
    assert d.code == code


# --- lookup, upper, children, regions ------------------------------------


def test_junggu_is_ambiguous_across_cities(gaz):
    candidates = gaz.lookup("중구")
    parents = {d.parent for d in candidates if d.status == "current"}
    assert len(parents) >= 6
    assert {"서울특별시", "부산광역시", "대구광역시", "인천광역시", "대전광역시", "울산광역시"} <= parents


@pytest.mark.parametrize(
    ("name", "parents"),
    [
        ("강서구", {"서울특별시", "부산광역시"}),
        ("고성군", {"강원특별자치도", "경상남도"}),
        ("동구", {"부산광역시", "대구광역시", "인천광역시", "광주광역시", "대전광역시", "울산광역시"}),
    ],
)
def test_same_names_in_different_uppers_are_separate_rows(gaz, name, parents):
    assert {d.parent for d in gaz.lookup(name) if d.status == "current"} == parents


def test_lookup_alias_gives_official_row(gaz):
    assert [d.name for d in gaz.lookup("서울시")] == ["서울특별시"]
    assert [d.name for d in gaz.lookup("서울특별시")] == ["서울특별시"]


def test_lookup_ambiguous_alias_and_name(gaz):
    # 광주시 is both 광주광역시's short form and a 경기도 city.
    names = {d.full_name for d in gaz.lookup("광주시")}
    assert names == {"광주광역시", "경기도 광주시"}
    assert gaz.upper("광주시").name == "광주광역시"


def test_lookup_puts_current_before_former(gaz):
    statuses = [d.status for d in gaz.lookup("남구")]
    assert statuses[-1] == "former"
    assert statuses.index("former") == len(statuses) - 1
    (former,) = [d for d in gaz.lookup("남구") if d.status == "former"]
    assert former.parent == "인천광역시"


def test_lookup_unknown_is_empty(gaz):
    assert gaz.lookup("없는구") == []
    assert gaz.lookup("") == []


def test_lookup_accepts_decomposed_hangul(gaz):
    nfd = unicodedata.normalize("NFD", "송파구")
    assert nfd != "송파구"
    assert [d.full_name for d in gaz.lookup(nfd)] == ["서울특별시 송파구"]


def test_lookup_returns_copies(gaz):
    gaz.lookup("중구").clear()
    gaz.surface_forms()["중구"].clear()
    assert len(gaz.lookup("중구")) >= 6


def test_full_name(gaz):
    (songpa,) = gaz.lookup("송파구")
    assert songpa.full_name == "서울특별시 송파구"
    assert gaz.upper("서울시").full_name == "서울특별시"


@pytest.mark.parametrize(
    ("alias", "official"),
    [
        ("서울시", "서울특별시"),
        ("부산시", "부산광역시"),
        ("세종시", "세종특별자치시"),
        ("제주도", "제주특별자치도"),
        ("강원도", "강원특별자치도"),
        ("전라북도", "전북특별자치도"),
        ("전북도", "전북특별자치도"),
        ("경남도", "경상남도"),
        ("충북도", "충청북도"),
        ("경기도", "경기도"),
    ],
)
def test_upper_resolves_aliases(gaz, alias, official):
    assert gaz.upper(alias).name == official


def test_upper_rejects_lower_level_and_bare_names(gaz):
    assert gaz.upper("송파구") is None
    assert gaz.upper("수원시") is None
    assert gaz.upper("서울") is None


def test_children_default_includes_every_status(gaz):
    incheon = gaz.children("인천시")
    statuses = Counter(d.status for d in incheon)
    assert statuses == {"current": 10, "new2026": 3, "former": 1}
    assert {d.name for d in incheon if d.status == "new2026"} == {"제물포구", "영종구", "검단구"}
    assert gaz.children("송파구") == []
    assert gaz.children("없는시") == []


def test_jeju_admin_cities_are_si_outside_the_count(gaz):
    for name in ("제주시", "서귀포시"):
        (d,) = gaz.lookup(name)
        assert (d.level, d.parent, d.status) == ("si", "제주특별자치도", "admin")


def test_former_units_are_still_recognised(gaz):
    for name in ("청원군", "여주군", "당진군"):
        assert [d.status for d in gaz.lookup(name)] == ["former"], name


@pytest.mark.parametrize(
    ("word", "official"),
    [
        ("서울", "서울특별시"),
        ("부산", "부산광역시"),
        ("대전", "대전광역시"),
        ("광주", "광주광역시"),
        ("경기", "경기도"),
        ("강원", "강원특별자치도"),
        ("전북", "전북특별자치도"),
        ("경남", "경상남도"),
        ("제주", "제주특별자치도"),
    ],
)
def test_region_word(gaz, word, official):
    assert gaz.region_word(word).name == official


def test_region_words_cover_every_upper_and_are_not_districts(gaz):
    regions = gaz.region_words()
    assert {d.name for d in regions.values()} == {d.name for d in gaz if d.level in UPPER_LEVELS}
    assert not set(regions) & set(gaz.surface_forms())
    assert gaz.region_word("서울시") is None
    assert gaz.region_word("강북") is None


def test_default_gazetteer_is_loaded_once():
    assert default_gazetteer() is default_gazetteer()


def test_district_is_immutable(gaz):
    (songpa,) = gaz.lookup("송파구")
    with pytest.raises(AttributeError):
        songpa.name = "강남구"  # type: ignore[misc]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("서울특별시광주중구동강원도고성군 "), max_size=8))
def test_lookup_only_returns_rows_bearing_that_form(surface):
    gaz = default_gazetteer()
    for d in gaz.lookup(surface):
        assert surface.strip() in d.surface_forms


def test_loader_imports_only_the_stdlib():
    source = Path(sys.modules[Gazetteer.__module__].__file__).read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            roots = [(node.module or "").split(".")[0]]
        else:
            continue
        for root in roots:
            assert root in sys.stdlib_module_names or root == "__future__", root


# --- user files ----------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "districts.tsv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_custom_file_with_sibling_regions(tmp_path):
    path = write(tmp_path, SMALL)
    write(tmp_path, SMALL_REGIONS, "regions.tsv")
    gaz = Gazetteer.load(path)
    assert len(gaz) == 4
    assert gaz.lookup("수원특례시")[0].full_name == "경기도 수원시"
    assert gaz.region_word("경기").name == "경기도"
    assert gaz.region_word("부산") is None


def test_load_tolerates_bom_crlf_and_blank_lines(tmp_path):
    text = "\ufeff" + SMALL.replace("\n", "\r\n") + "\r\n\r\n"
    path = write(tmp_path, text)
    write(tmp_path, SMALL_REGIONS, "regions.tsv")
    assert len(Gazetteer.load(path)) == 4


def test_extra_file_extends_the_packaged_one(tmp_path):
    extra = write(
        tmp_path,
        HEADER + "# non-autonomous 구 are not in the package; a user may want 시 rows of their own\n"
        "가상시\tsi\t경기도\t\t가상특례시\tcurrent\n",
        "mine.tsv",
    )
    gaz = Gazetteer.load(extra=[extra])
    assert len(gaz) == len(default_gazetteer()) + 1
    assert gaz.lookup("가상특례시")[0].full_name == "경기도 가상시"
    assert len(gaz.children("경기도", status="current")) == 32
    assert gaz.region_word("서울").name == "서울특별시"


def test_regions_pointing_to_unknown_upper_is_rejected(tmp_path):
    path = write(tmp_path, SMALL)
    regions = write(tmp_path, SMALL_REGIONS + "부산\t부산광역시\n", "regions.tsv")
    with pytest.raises(ValueError, match=r"regions\.tsv, line 4: .*부산광역시"):
        Gazetteer.load(path, regions_path=regions)


def _break_line(old: str, new: str) -> str:
    assert old in SMALL
    return SMALL.replace(old, new)


# SMALL's lines: 1 comment, 2 header, 3 서울, 4 경기, 5 송파, 6 수원.
MALFORMED = [
    pytest.param(
        _break_line("송파구\tgu\t서울특별시\t11710\t\tcurrent", "송파구\tgu\t서울특별시\t11710\tcurrent"),
        5,
        "columns",
        id="too-few-columns",
    ),
    pytest.param(
        _break_line("경기도\tprovince\t\t41\t\tcurrent", "경기도\tprovince\t\t41\t\tcurrent\textra"),
        4,
        "columns",
        id="too-many-columns",
    ),
    pytest.param(
        _break_line("송파구\tgu", "송파구\tdong"), 5, "unknown level 'dong'", id="unknown-level"
    ),
    pytest.param(
        _break_line("\t11710\t\tcurrent", "\t11710\t\tabolished"),
        5,
        "unknown status",
        id="unknown-status",
    ),
    pytest.param(
        _break_line("송파구\tgu\t서울특별시", "송파구\tgu\t서울시"),
        5,
        "parent '서울시'",
        id="parent-is-an-alias-not-a-row",
    ),
    pytest.param(
        _break_line("송파구\tgu\t서울특별시", "송파구\tgu\t부산광역시"),
        5,
        "not an upper-level row",
        id="parent-missing",
    ),
    pytest.param(
        SMALL + "가락동\tgu\t송파구\t\t\tcurrent\n",
        7,
        "name '가락동'",
        id="name-without-level-suffix",
    ),
    pytest.param(
        SMALL + "장안구\tgu\t수원시\t\t\tcurrent\n",
        7,
        "not an upper-level row",
        id="parent-is-lower-level",
    ),
    pytest.param(
        _break_line("수원시\tsi\t경기도", "수원시\tsi\t서울특별시"),
        6,
        "cannot sit under",
        id="si-under-metro",
    ),
    pytest.param(
        _break_line("\t11\t서울시\t", "\t11\t서울시|서울\t"),
        3,
        "alias '서울' has no administrative suffix",
        id="bare-alias",
    ),
    pytest.param(
        _break_line("11710", "41710"), 5, "does not start with its parent's code 11", id="code-under-wrong-parent"
    ),
    pytest.param(_break_line("11710", "1171"), 5, "must be 5 digits", id="short-code"),
    pytest.param(
        SMALL + "송파구\tgu\t서울특별시\t\t\tformer\n", 7, "duplicate row", id="duplicate-row"
    ),
    pytest.param(
        SMALL + "강남구\tgu\t서울특별시\t11710\t\tcurrent\n", 7, "code 11710 already used", id="duplicate-code"
    ),
    pytest.param(
        _break_line("경기도\tprovince\t\t41\t\t", "경기도\tprovince\t\t41\t서울시\t"),
        4,
        "already names upper-level",
        id="alias-shared-by-two-uppers",
    ),
    pytest.param(
        _break_line("서울특별시\tmetro\t\t", "서울특별시\tmetro\t경기도\t"),
        3,
        "must have an empty parent",
        id="upper-with-parent",
    ),
    pytest.param(
        SMALL.replace(HEADER, "name\tlevel\tparent\tcode\tstatus\taliases\n"),
        2,
        "expected the header",
        id="wrong-header",
    ),
]


@pytest.mark.parametrize(("text", "line", "problem"), MALFORMED)
def test_malformed_file_names_file_line_and_problem(tmp_path, text, line, problem):
    path = write(tmp_path, text, "broken.tsv")
    write(tmp_path, SMALL_REGIONS, "regions.tsv")
    with pytest.raises(ValueError) as info:
        Gazetteer.load(path)
    message = str(info.value)
    assert str(path) in message
    assert f"line {line}:" in message
    assert problem in message


def test_malformed_extra_file_is_named(tmp_path):
    extra = write(tmp_path, HEADER + "가상시\tsi\t없는도\t\t\tcurrent\n", "mine.tsv")
    with pytest.raises(ValueError, match=r"mine\.tsv, line 2: parent '없는도'"):
        Gazetteer.load(extra=[extra])


def test_file_without_header_is_rejected(tmp_path):
    path = write(tmp_path, "# only a comment\n")
    with pytest.raises(ValueError, match="no header"):
        Gazetteer.load(path)
