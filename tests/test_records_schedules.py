"""Award records, issue 15 second round: prize schedules, upper-level winners, one
row per government and tier, and the amounts a sentence's subject carries.

Every sentence here was written for these tests (the shapes come from the
development corpus's training split, the names and amounts are new).
"""

from __future__ import annotations

import pytest

from kgov_ner.records.extract import extract_records


@pytest.fixture(scope="module")
def rows_of(tagger):
    def get(text: str) -> dict[tuple[str, str], dict]:
        out: dict[tuple[str, str], dict] = {}
        for r in extract_records(tagger(text)):
            key = (r["district"], r["tier"])
            assert key not in out, f"two rows for {key}"
            out[key] = r
        return out

    return get


def krw(rows: dict, district: str, tier: str):
    return rows[(district, tier)]["krw"]


# --------------------------------------------------------------- prize schedules


def test_a_schedule_by_tier_gives_each_winner_its_amount(rows_of):
    rows = rows_of(
        "충북도는 20일 시상식을 열고 최우수에 청주시, 우수에 충주시와 제천시를 각각 시상했다. "
        "시상금은 최우수 4천만원, 우수 각 2천만원이다."
    )
    assert krw(rows, "청주시", "최우수") == 40_000_000
    assert krw(rows, "충주시", "우수") == 20_000_000
    assert krw(rows, "제천시", "우수") == 20_000_000


def test_a_list_of_governments_and_amounts(rows_of):
    rows = rows_of(
        "전남도는 목포시를 최우수로, 여수시와 순천시를 우수로 선정했다.\n"
        "시상금은 목포시 5000만원, 여수시와 순천시 각각 3000만원이다."
    )
    assert krw(rows, "목포시", "최우수") == 50_000_000
    assert krw(rows, "여수시", "우수") == 30_000_000
    assert krw(rows, "순천시", "우수") == 30_000_000


def test_the_rest_counted_get_the_amount_each(rows_of):
    rows = rows_of(
        "도는 대상에 안동시, 최우수상에 구미시, 우수상에 영주시·상주시·문경시를 선정했다. "
        "시상금은 안동시가 6천만원, 구미시가 4천만원이며, 나머지 세 곳은 2천만원씩 받는다."
    )
    assert krw(rows, "안동시", "대상") == 60_000_000
    assert krw(rows, "구미시", "최우수") == 40_000_000
    assert {krw(rows, d, "우수") for d in ("영주시", "상주시", "문경시")} == {20_000_000}


def test_a_total_for_many_winners_is_nobodys_amount(rows_of):
    rows = rows_of("대전시는 서구를 최우수구로 뽑는 등 4개 구를 선정해 모두 3억원의 인센티브를 나눠 준다.")
    assert krw(rows, "서구", "최우수") is None


def test_a_tier_holding_an_amount_is_no_award_of_the_government_before_it(rows_of):
    rows = rows_of(
        "충남도는 최우수 시군에 홍성군, 우수 시군에 공주시와 부여군을 선정했다. "
        "홍성군이 1억원, 우수 시군이 5천만원씩을 받는다."
    )
    assert set(rows) == {("홍성군", "최우수"), ("공주시", "우수"), ("부여군", "우수")}
    assert krw(rows, "홍성군", "최우수") == 100_000_000
    assert krw(rows, "공주시", "우수") == 50_000_000


def test_each_amount_goes_with_the_award_before_it(rows_of):
    rows = rows_of(
        "노원구가 ‘2023 전국 지방자치단체 일자리대상’에서 2관왕에 올랐다. "
        "구는 공시제 부문 최우수상으로 인센티브 1억원을, 우수사업 부문 장려상으로 3000만원을 확보했다."
    )
    assert krw(rows, "노원구", "최우수") == 100_000_000
    assert krw(rows, "노원구", "장려") == 30_000_000


def test_a_level_word_carries_the_amount_to_the_pages_awardee(rows_of):
    rows = rows_of(
        "울산 북구가 행정안전부 일자리 평가에서 최우수 기관으로 뽑혔다. 울주군은 우수 기관에 선정됐다.\n\n"
        "구는 이번 평가로 특별교부세 1억 5000만원을 받게 됐다."
    )
    assert krw(rows, "북구", "최우수") == 150_000_000
    assert krw(rows, "울주군", "우수") is None


# --------------------------------------------------------------- who wins


def test_an_upper_level_wins_an_evaluation_another_body_runs(rows_of):
    rows = rows_of(
        "경상남도가 고용노동부 주관 ‘2022년 전국 지방자치단체 일자리대상’에서 광역 부문 최우수상을 받았다. "
        "도내에서는 김해시가 우수상을 받았다."
    )
    assert ("경상남도", "최우수") in rows
    assert ("김해시", "우수") in rows


def test_a_class_word_may_stand_between_a_tier_and_its_winners(rows_of):
    rows = rows_of("대통령상은 광역 부문 전라남도, 기초 부문 경북 구미시에 돌아갔다.")
    assert set(rows) == {("전라남도", "대통령"), ("구미시", "대통령")}


def test_a_hall_in_a_government_is_where_the_prize_was_given(rows_of):
    rows = rows_of("김용호 서대문구청장이 2일 세종시 정부세종컨벤션센터에서 우수상을 받았다.")
    assert all(d != "세종시" for d, _ in rows)


def test_a_win_cited_as_the_first_is_not_this_years(rows_of):
    rows = rows_of("여주시가 올해 일자리대상에서 장려상을 받았다. 여주시가 이 대회에서 상을 받은 것은 2019년 특별상 이후 두 번째다.")
    assert set(rows) == {("여주시", "장려")}


# --------------------------------------------------------------- one row per win


def test_an_issuers_prize_for_the_same_win_is_one_row(rows_of):
    rows = rows_of(
        "광명시가 ‘2021 전국 지방자치단체 일자리대상’에서 우수상을 받았다.\n\n"
        "시는 이날 시상식에서 고용노동부 장관 표창을 받았다. 부상으로 시상금 8천만원도 받았다."
    )
    assert set(rows) == {("광명시", "우수")}
    assert krw(rows, "광명시", "우수") == 80_000_000


def test_a_headline_and_a_lead_naming_a_win_differently_are_one_row(rows_of):
    rows = rows_of(
        "금천구, 서울시 고용 인센티브 평가 ‘S등급’\n"
        "서울 금천구는 서울시가 실시한 ‘2014 자치구 일자리 사업 평가’에서 가장 높은 S등급을 받았다."
    )
    assert list(rows) == [("금천구", "S")]
    assert rows[("금천구", "S")]["year"] == 2014


def test_an_event_a_government_held_is_not_the_evaluation_won(rows_of):
    rows = rows_of(
        "구로구, 서울시 일자리 평가 최우수구\n"
        "서울시 일자리 평가 결과 최우수구에 구로구, 우수구에 양천구가 뽑혔다.\n\n"
        "최우수구로 선정된 구로구는 청년 창업 지원에서 높은 점수를 받았다.\n\n"
        "구로구는 구로디지털단지 입주 기업과 손잡고 청년 인턴 300명을 채용하도록 도왔다.\n\n"
        "한편 양천구에서는 지난 6월 ‘양천 청년 취업경진대회’를 열어 구직 청년 200명에게 모의면접을 제공했다."
    )
    assert {r["program"] for r in rows.values()} != {"양천 청년 취업경진대회"}
    assert all("취업경진대회" not in (r["program"] or "") for r in rows.values())
