"""Normalised values (kgov_ner.normalize): one table per label, forms written
for the project, plus a property test that no normaliser raises and a check
that the spaCy component fills ``ent._.norm`` on real tagged pages."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgov_ner.pipeline.normalize import (
    DistrictContext,
    Normalizer,
    normalize_award,
    normalize_district,
    normalize_money,
    normalize_official,
    normalize_program,
    normalize_span,
)

# ---------------------------------------------------------------- MONEY

MONEY = [
    # the guideline's forms
    ("4500만 원", 45_000_000, False),
    ("4500만원", 45_000_000, False),
    ("1억 2000만원", 120_000_000, False),
    ("1억 2000만 원", 120_000_000, False),
    ("1억2000만원", 120_000_000, False),
    ("8,000만원", 80_000_000, False),
    ("8000만원", 80_000_000, False),
    ("6억 2천여만 원", 620_000_000, True),
    ("50억", 5_000_000_000, False),
    ("9천만 원", 90_000_000, False),
    ("1조 2천억 원", 1_200_000_000_000, False),
    # 억원 vs 억 원, 원 missing
    ("3억원", 300_000_000, False),
    ("3억 원", 300_000_000, False),
    ("3억", 300_000_000, False),
    ("98억 원", 9_800_000_000, False),
    ("4500 만 원", 45_000_000, False),
    # 천/백/십 inside a group
    ("2천500만원", 25_000_000, False),
    ("1억2천5백만 원", 125_000_000, False),
    ("3천만원", 30_000_000, False),
    ("5백만 원", 5_000_000, False),
    ("백만 원", 1_000_000, False),
    ("천만 원", 10_000_000, False),
    ("12억3456만7890원", 1_234_567_890, False),
    ("3만 5천 원", 35_000, False),
    # 억/조 followed by 천 without 만: the unit down is implied
    ("1억 5천", 150_000_000, False),
    ("2조 5천", 2_500_000_000_000, False),
    # 여
    ("500여만 원", 5_000_000, True),
    ("3억여 원", 300_000_000, True),
    ("50억여원", 5_000_000_000, True),
    ("1,200여만 원", 12_000_000, True),
    # commas
    ("1,500,000원", 1_500_000, False),
    ("12,345원", 12_345, False),
    ("3,000억 원", 300_000_000_000, False),
    # Hangul numerals
    ("오천만 원", 50_000_000, False),
    ("일억 원", 100_000_000, False),
    ("삼천이백만 원", 32_000_000, False),
    ("십억 원", 1_000_000_000, False),
    ("십오만 원", 150_000, False),
    ("일천만원", 10_000_000, False),
    ("이억 오천만 원", 250_000_000, False),
    ("만 원", 10_000, False),
    # decimals
    ("1.5억 원", 150_000_000, False),
    ("0.5억", 50_000_000, False),
    ("2.35조 원", 2_350_000_000_000, False),
    ("1.5천만 원", 15_000_000, False),
    # plain won
    ("5000원", 5_000, False),
    # words the guideline keeps outside the span, passed along anyway
    ("약 5억 원", 500_000_000, True),
    ("총 50억", 5_000_000_000, False),
    ("5억 원 가량", 500_000_000, True),
    ("50억 규모", 5_000_000_000, False),
    ("4500만 원을", 45_000_000, False),
    # full-width digits from some CMSs
    ("４５００만 원", 45_000_000, False),
    ("₩5,000", 5_000, False),
]


@pytest.mark.parametrize("text,krw,approx", MONEY, ids=[m[0] for m in MONEY])
def test_money_table(text, krw, approx):
    out = normalize_money(text)
    assert out["krw"] == krw, out
    assert out["approx"] is approx
    assert out["currency"] == "KRW"
    assert "reason" not in out


@pytest.mark.parametrize("text", ["수억 원", "수십억 원", "수백만원", "십수억", "몇천만 원"])
def test_money_vague_has_no_number(text):
    out = normalize_money(text)
    assert out["krw"] is None and out["approx"] is True
    assert "vague" in out["reason"]


@pytest.mark.parametrize(
    "text,usd", [("100달러", 100), ("1만 달러", 10_000), ("$1.5", 1.5), ("50만달러", 500_000)]
)
def test_money_dollars_are_not_converted(text, usd):
    out = normalize_money(text)
    assert out["krw"] is None
    assert out["currency"] == "USD" and out["usd"] == usd and out["amount"] == usd
    assert out["reason"]


@pytest.mark.parametrize("text", ["", "2019", "1,100여 곳", "3만 명", "원", "희망일자리", "1억 2억", "1만 2억", "천백천"])
def test_money_unparseable_gets_reason(text):
    out = normalize_money(text)
    assert out["krw"] is None and out["reason"]
    assert set(out) >= {"krw", "approx", "currency"}


# ---------------------------------------------------------------- DISTRICT

SHORT_FORMS = [
    ("서울시", "서울특별시", "metro", None, "11"),
    ("서울특별시", "서울특별시", "metro", None, "11"),
    ("부산시", "부산광역시", "metro", None, "26"),
    ("경남도", "경상남도", "province", None, "48"),
    ("세종시", "세종특별자치시", "metro", None, "36"),
    ("제주도", "제주특별자치도", "province", None, "50"),
    ("강원도", "강원특별자치도", "province", None, "51"),
    ("경기도", "경기도", "province", None, "41"),
    ("송파구", "서울특별시 송파구", "gu", "서울특별시", "11710"),
    ("제천시", "충청북도 제천시", "si", "충청북도", "43150"),
    ("고창군", "전북특별자치도 고창군", "gun", "전북특별자치도", None),
    ("수원특례시", "경기도 수원시", "si", "경기도", "41110"),
    ("송파구는", "서울특별시 송파구", "gu", "서울특별시", "11710"),
    ("서울특별시 송파구", "서울특별시 송파구", "gu", "서울특별시", "11710"),
]


@pytest.mark.parametrize("text,name,level,parent,code", SHORT_FORMS, ids=[s[0] for s in SHORT_FORMS])
def test_district_forms(text, name, level, parent, code):
    out = normalize_district(text)
    assert (out["name"], out["level"], out["parent"]) == (name, level, parent)
    if code is not None:
        assert out["code"] == code


def _ctx_for(text, surface, occurrence=-1):
    """Context of ``text`` positioned at an occurrence of ``surface``."""
    ctx = DistrictContext.from_text(text)
    starts = [s for s, e, t in ctx.mentions if t == surface]
    start = starts[occurrence]
    return ctx.at(start, start + len(surface))


SAME_NAMED = [
    # (1) a region word or upper-level name right before the name
    ("대전 동구가 우수구로 뽑혔다.", "동구", "대전광역시 동구", "region-word"),
    ("부산 사상구와 부산 동구가 함께했다.", "동구", "부산광역시 동구", "region-word"),
    ("부산시 동구는 청년 정책을 발표했다.", "동구", "부산광역시 동구", "region-word"),
    ("대구광역시 중구가 1위를 했다.", "중구", "대구광역시 중구", "region-word"),
    ("강원 고성군과 경남 고성군이 교류한다.", "고성군", "경상남도 고성군", "region-word"),
    ("경기 광주시가 선정됐다.", "광주시", "경기도 광주시", "region-word"),
    ("인천 남구는 지금의 미추홀구다.", "남구", "인천광역시 남구", "region-word"),
    # (2) the page's other districts vote by their upper-level government
    ("해운대구와 수영구, 동구가 우수구에 뽑혔다.", "동구", "부산광역시 동구", "page"),
    ("유성구, 대덕구와 함께 중구가 참여했다.", "중구", "대전광역시 중구", "page"),
    ("구로구, 관악구, 성동구, 도봉구, 강서구가 모범구로 선정됐다.", "강서구", "서울특별시 강서구", "page"),
    ("사하구와 강서구가 협약을 맺었다.", "강서구", "부산광역시 강서구", "page"),
    ("광주시는 광산구와 함께 행사를 연다.", "광주시", "광주광역시", "page"),
    ("광주시는 성남시, 하남시와 함께 행사를 연다.", "광주시", "경기도 광주시", "page"),
    ("부산 동구와 남구가 참여했다.", "남구", "부산광역시 남구", "page"),
    # (3) the article's city
    ("서울시는 자치구 평가 결과를 발표했다. 서울 전역에서 중구가 1위였다.", "중구", "서울특별시 중구", "article-city"),
    ("울산시가 발표한 평가에서 북구가 최우수구에 올랐다.", "북구", "울산광역시 북구", "article-city"),
    ("인천의 일자리 정책. 인천시는 서구를 선정했다.", "서구", "인천광역시 서구", "article-city"),
    # (4) the one reading that exists today
    ("군위군이 선정됐다.", "군위군", "대구광역시 군위군", "current"),
]


@pytest.mark.parametrize("text,surface,name,how", SAME_NAMED, ids=[f"{s[3]}:{s[1]}:{s[2]}" for s in SAME_NAMED])
def test_same_named_districts_resolve_from_context(text, surface, name, how):
    out = normalize_district(surface, _ctx_for(text, surface))
    assert out["name"] == name, out
    assert out["resolved_by"] == how


def test_region_word_wins_over_the_page():
    text = "해운대구와 수영구 옆 대전 동구가 선정됐다."
    out = normalize_district("동구", _ctx_for(text, "동구"))
    assert out["name"] == "대전광역시 동구"


def test_page_wins_over_the_article_city():
    text = "서울시 발표. 서울 곳곳. 해운대구와 수영구, 동구도 참여했다."
    assert normalize_district("동구", _ctx_for(text, "동구"))["name"] == "부산광역시 동구"


def test_two_mentions_of_one_name_each_take_their_own_region():
    text = "부산시 동구와 대전 동구가 교류한다."
    assert normalize_district("동구", _ctx_for(text, "동구", 0))["name"] == "부산광역시 동구"
    assert normalize_district("동구", _ctx_for(text, "동구", 1))["name"] == "대전광역시 동구"


def test_region_word_inside_the_text_argument():
    assert normalize_district("대전 동구")["name"] == "대전광역시 동구"
    assert normalize_district("경남 고성군")["name"] == "경상남도 고성군"


@pytest.mark.parametrize(
    "text,surface,candidates",
    [
        ("동구가 최우수구에 선정됐다.", "동구", 6),
        ("고성군이 선정됐다.", "고성군", 2),
        ("광주시가 선정됐다.", "광주시", 2),
        # a tie between the page's cities keeps only the tied readings
        ("해운대구와 유성구, 그리고 동구가 참여했다.", "동구", 2),
        # the article's city has no 동구
        ("서울시 발표. 서울 곳곳에서 동구가 참여했다.", "동구", 6),
    ],
)
def test_still_ambiguous_returns_candidates(text, surface, candidates):
    out = normalize_district(surface, _ctx_for(text, surface))
    assert out["name"] is None and out["reason"] == "ambiguous"
    assert len(out["candidates"]) == candidates
    assert all(" " in c or c.endswith(("시", "도")) for c in out["candidates"])


def test_tied_candidates_are_the_tied_cities():
    out = normalize_district("동구", _ctx_for("해운대구와 유성구, 그리고 동구가 참여했다.", "동구"))
    assert sorted(out["candidates"]) == ["대전광역시 동구", "부산광역시 동구"]


def test_economy_is_not_the_province():
    # 경기 means "economy" here; only right before a district name is it 경기도.
    text = "경기 침체 속에서도 경기 회복을 위해 광주시가 나섰다. 광산구와 함께."
    assert normalize_district("광주시", _ctx_for(text, "광주시"))["name"] == "광주광역시"


@pytest.mark.parametrize("text", ["", "마포", "희망일자리", "서울 경기 인천 부산"])
def test_unknown_district_gets_reason(text):
    out = normalize_district(text)
    assert out["name"] is None and out["reason"]
    assert set(out) >= {"name", "level", "parent", "code"}


# ---------------------------------------------------------------- AWARD

AWARDS = [
    ("최우수구", "최우수", 1, "district-tier"),
    ("우수구", "우수", 2, "district-tier"),
    ("우수 자치구", "우수", 2, "district-tier"),
    ("우수기관", "우수", 2, "district-tier"),
    ("우수 기관", "우수", 2, "district-tier"),
    ("모범구", "모범", 3, "district-tier"),
    ("노력구", "노력", 4, "district-tier"),
    ("우수", "우수", 2, "district-tier"),
    ("최우수", "최우수", 1, "district-tier"),
    ("‘우수’", "우수", 2, "district-tier"),
    ("대상", "대상", 1, "prize"),
    ("최우수상", "최우수", 2, "prize"),
    ("우수상", "우수", 3, "prize"),
    ("장려상", "장려", 4, "prize"),
    ("노력상", "노력", 5, "prize"),
    ("특별상", "특별", 3, "prize"),
    ("최우수 기관상", "최우수", 2, "prize"),
    ("금상", "금상", 2, "prize"),
    ("S등급", "S", 1, "grade"),
    ("A 등급", "A", 2, "grade"),
    ("B등급", "B", 3, "grade"),
    ("a등급", "A", 2, "grade"),
    ("1등급", "1", 1, "grade"),
    ("가등급", "가", 1, "grade"),
    ("대통령 표창", "대통령", 1, "ministerial"),
    ("대통령상", "대통령", 1, "ministerial"),
    ("국무총리 표창", "국무총리", 2, "ministerial"),
    ("국무총리상", "국무총리", 2, "ministerial"),
    ("고용노동부장관 기관표창", "장관", 3, "ministerial"),
    ("행정안전부 장관 표창", "장관", 3, "ministerial"),
    ("장관상", "장관", 3, "ministerial"),
    ("장관 표창", "장관", 3, "ministerial"),
]


@pytest.mark.parametrize("text,tier,rank,kind", AWARDS, ids=[a[0] for a in AWARDS])
def test_award_table(text, tier, rank, kind):
    out = normalize_award(text)
    assert (out["tier"], out["rank"], out["kind"]) == (tier, rank, kind), out


def test_ministerial_award_keeps_the_ministry():
    assert normalize_award("고용노동부장관 기관표창")["ministry"] == "고용노동부"
    assert normalize_award("행정안전부 장관 표창")["form"] == "표창"


def test_prize_ladder_orders_tier_prizes_below_the_grand_prize():
    ranks = [normalize_award(w)["rank"] for w in ("대상", "최우수상", "우수상", "장려상", "노력상")]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert {normalize_award(w)["kind"] for w in ("대상", "최우수상", "우수상", "장려상")} == {"prize"}


def test_tier_and_its_prize_share_the_canonical_tier():
    # 우수구 and 우수상 of one evaluation join on tier even though kinds differ.
    assert normalize_award("우수구")["tier"] == normalize_award("우수상")["tier"] == "우수"


@pytest.mark.parametrize("text", ["", "우수사례", "우수인재", "선정", "Z등급"])
def test_unknown_award_gets_reason(text):
    out = normalize_award(text)
    assert out["tier"] is None and out["rank"] is None and out["reason"]


# ---------------------------------------------------------------- OFFICIAL

OFFICIALS = [
    ("박겸수 강북구청장은 말했다.", "박겸수", "구청장", "서울특별시 강북구"),
    ("광진구(구청장 김선갑)가 선정됐다.", "김선갑", "구청장", "서울특별시 광진구"),
    ("서울 성동구(구청장 정원오)가 수상했다.", "정원오", "구청장", "서울특별시 성동구"),
    ("제천시(시장 윤서진)는 계획을 밝혔다.", "윤서진", "시장", "충청북도 제천시"),
    ("신면호 서울시 경제진흥본부장은 말했다.", "신면호", "경제진흥본부장", "서울특별시"),
    ("오태식 경상남도 일자리경제국장이 발표했다.", "오태식", "일자리경제국장", "경상남도"),
    ("이정훈 청장은 인사했다.", "이정훈", "청장", None),
    ("최은비 고창군수는 소감을 말했다.", "최은비", "군수", "전북특별자치도 고창군"),
    ("김도윤 경기도지사가 방문했다.", "김도윤", "도지사", "경기도"),
    ("김도윤 경남지사가 방문했다.", "김도윤", "지사", "경상남도"),
    ("김도윤 서울시장은 밝혔다.", "김도윤", "시장", "서울특별시"),
    ("한지민 행정안전부 장관이 시상했다.", "한지민", "장관", None),
    ("한지민 전 마포구청장이 참석했다.", "한지민", "구청장", "서울특별시 마포구"),
    ("(서울시 기획경제국장 한지민)", "한지민", "기획경제국장", "서울특별시"),
    ("성동구청장 정원오는 말했다.", "정원오", "구청장", "서울특별시 성동구"),
    ("박겸수 구청장과 김선갑 광진구청장이 만났다.", "김선갑", "구청장", "서울특별시 광진구"),
    ("해운대구, 수영구와 함께. 한지민 동구청장은 말했다.", "한지민", "구청장", "부산광역시 동구"),
]


@pytest.mark.parametrize("text,name,role,district", OFFICIALS, ids=[o[0][:14] for o in OFFICIALS])
def test_official_table(text, name, role, district):
    start = text.index(name)
    out = normalize_official(text, start, start + len(name), [])
    assert (out["role"], out["district"]) == (role, district), out


def test_official_uses_the_callers_district_norms():
    text = "동구(구청장 한지민)가 발표했다."
    districts = [{"start": 0, "end": 2, "text": "동구", "norm": {"name": "울산광역시 동구"}}]
    start = text.index("한지민")
    assert normalize_official(text, start, start + 3, districts)["district"] == "울산광역시 동구"


@pytest.mark.parametrize(
    "text,name",
    [("한지민 씨는 구청장과 만났다.", "한지민"), ("한지민", "한지민"), ("한지민이 말했다.", "한지민")],
)
def test_official_without_title(text, name):
    start = text.index(name)
    out = normalize_official(text, start, start + len(name), [])
    assert out["role"] is None and out["district"] is None and out["reason"]


def test_official_span_outside_text():
    assert normalize_official("abc", 5, 9, [])["reason"]


# ---------------------------------------------------------------- PROGRAM

PROGRAMS = [
    ("‘2019년 서울 희망일자리 만들기’", "서울 희망일자리 만들기", 2019),
    ("2019년 서울 희망일자리 만들기", "서울 희망일자리 만들기", 2019),
    ("서울 희망일자리 만들기사업", "서울 희망일자리 만들기", None),
    ("2019년 서울 희망일자리 만들기사업", "서울 희망일자리 만들기", 2019),
    ("서울 희망일자리 만들기 사업", "서울 희망일자리 만들기", None),
    ("서울  희망일자리\u00a0만들기", "서울 희망일자리 만들기", None),
    ("2013 희망일자리 만들기 인센티브 사업평가", "희망일자리 만들기 인센티브", 2013),
    ("2024년 전국 지방자치단체 일자리대상", "전국 지방자치단체 일자리대상", 2024),
    ("2020년도 청년 일자리 평가", "청년 일자리", 2020),
    ("「스마트 농업 아카데미」", "스마트 농업 아카데미", None),
    ("19(일자리 구하는 날) Day", "19(일자리 구하는 날) Day", None),
    ("청결강북사업", "청결강북", None),
    ("19데이", "19데이", None),
]


@pytest.mark.parametrize("text,name,year", PROGRAMS, ids=[p[0] for p in PROGRAMS])
def test_program_table(text, name, year):
    out = normalize_program(text)
    assert (out["name"], out["year"]) == (name, year)


def test_program_mentions_group_together():
    forms = ["‘2019년 서울 희망일자리 만들기’", "서울 희망일자리 만들기사업", "서울 희망일자리만들기"]
    assert len({normalize_program(f)["key"] for f in forms}) == 1


def test_program_generic_word_alone_is_kept():
    assert normalize_program("사업")["name"] == "사업"
    assert normalize_program("   ")["reason"]


# ---------------------------------------------------------------- never raises

# Pieces of the forms the normalisers read, so that generated strings come
# close to real spans (and their edge cases) far more often than random text.
_PIECES = list("0123456789,. 만억조천백십여수몇원일이삼사오육칠팔구년시군도상등급SAB‘’()\n") + [
    "서울", "동구", "구청장", "부", "장관", "표창", "대통령", "사업", "평가", "우수", "최우수",
    "달러", "\u1100", "\u1161", "\u00a0",
]
_KOREANISH = st.lists(st.sampled_from(_PIECES), max_size=15).map("".join)
_ANY = st.one_of(st.text(max_size=60), _KOREANISH)


def _no_internal_error(out):
    assert isinstance(out, dict)
    assert not str(out.get("reason", "")).startswith("internal error"), out


@settings(max_examples=300, deadline=None)
@given(_ANY)
def test_money_never_raises(text):
    out = normalize_money(text)
    _no_internal_error(out)
    assert set(out) >= {"krw", "approx", "currency"}
    assert out["krw"] is None or isinstance(out["krw"], int)


@settings(max_examples=300, deadline=None)
@given(_ANY)
def test_award_program_district_never_raise(text):
    for fn in (normalize_award, normalize_program, normalize_district):
        _no_internal_error(fn(text))


@settings(max_examples=200, deadline=None)
@given(_ANY, st.integers(-5, 70), st.integers(-5, 70))
def test_official_never_raises(text, start, end):
    _no_internal_error(normalize_official(text, start, end, [{"start": 0, "end": 2}, {"bogus": 1}]))


@settings(max_examples=100, deadline=None)
@given(_ANY, _ANY)
def test_district_with_context_never_raises(page, surface):
    ctx = DistrictContext.from_text(page)
    _no_internal_error(normalize_district(surface, ctx.at(0, min(len(page), 3))))


# ---------------------------------------------------------------- spaCy component

PAGES = [
    "광진구(구청장 김선갑)가 ‘2019년 서울 희망일자리 만들기’ 서울시·자치구 공동협력사업 평가에서 "
    "4년 연속 우수구로 선정됐다. 김선갑 광진구청장은 감사를 전했다.",
    "강북구(구청장 박겸수)는 ‘2013 희망일자리 만들기 인센티브 사업평가’에서 우수구로 선정돼 "
    "8000만원 인센티브를 지원받는다. 박겸수 강북구청장은 말했다.",
    "해운대구와 수영구, 동구가 ‘2024년 부산 청년 일자리 만들기’ 평가에서 최우수상을 받았다. "
    "총 6억 2천여만 원을 지원한다.",
]


@pytest.fixture(scope="module")
def normalizing_tagger():
    from kgov_ner import Tagger

    t = Tagger()
    assert "kgov_normalize" in t.nlp.pipe_names, "the Tagger normalises by default"
    return t


@pytest.mark.parametrize("page", PAGES, ids=range(len(PAGES)))
def test_component_sets_norm_on_every_entity(normalizing_tagger, page):
    doc = normalizing_tagger(page)
    assert doc.ents
    for ent in doc.ents:
        assert isinstance(ent._.norm, dict), ent
        _no_internal_error(ent._.norm)
        assert ent._.norm == normalize_span(doc, ent)


def test_component_values(normalizing_tagger):
    doc = normalizing_tagger(PAGES[2])
    norms = {(e.label_, e.text): e._.norm for e in doc.ents}
    assert norms[("DISTRICT", "동구")]["name"] == "부산광역시 동구"
    assert norms[("MONEY", "6억 2천여만 원")] == {"krw": 620_000_000, "approx": True, "currency": "KRW"}
    assert norms[("AWARD", "최우수상")]["kind"] == "prize"


def test_component_on_seed_pages(normalizing_tagger, seed_gold):
    for record in seed_gold:
        doc = normalizing_tagger(record["text"])
        for ent in doc.ents:
            assert isinstance(ent._.norm, dict)
            _no_internal_error(ent._.norm)
            if ent.label_ == "DISTRICT":
                assert ent._.norm["name"], ent.text
            if ent.label_ == "MONEY":
                assert isinstance(ent._.norm["krw"], int), ent.text


def test_normalizer_is_a_plain_callable():
    # The lead may construct it directly instead of through the factory.
    from kgov_ner import Tagger

    doc = Tagger()("송파구는 4500만 원을 확보했다.")
    Normalizer()(doc)
    assert [e._.norm.get("krw") for e in doc.ents if e.label_ == "MONEY"] == [45_000_000]


def test_decomposed_hangul_page():
    # Some scraped pages arrive in NFD; offsets must still index the raw text.
    import unicodedata

    page = unicodedata.normalize("NFD", "부산 동구가 선정됐다. 박겸수 강북구청장은 말했다.")
    ctx = DistrictContext.from_text(page)
    (start, end, surface), = [m for m in ctx.mentions if unicodedata.normalize("NFC", m[2]) == "동구"]
    assert normalize_district(surface, ctx.at(start, end))["name"] == "부산광역시 동구"
    name = unicodedata.normalize("NFD", "박겸수")
    s = page.index(name)
    assert normalize_official(page, s, s + len(name), [])["district"] == "서울특별시 강북구"
