"""Award records, issue 15 third round (shapes found on the validation split):
the class an award is for (광역 / 기초), schedules per winner (한 곳당, tables,
amounts in parentheses), a sum for two awards, a counted class in a headline,
the formal name of a program, and heads named by a bare title.

Every sentence here was written for these tests; names and amounts are new.
"""

from __future__ import annotations

import pytest

from kgov_ner.records.extract import extract_records


@pytest.fixture(scope="module")
def whole_text_tagger():
    """These short texts are record rules' input, not pages: no body detection."""
    from kgov_ner import Tagger

    return Tagger(body="off")


@pytest.fixture(scope="module")
def rows_of(whole_text_tagger):
    def get(text: str) -> dict[tuple[str, str], dict]:
        out: dict[tuple[str, str], dict] = {}
        for r in extract_records(whole_text_tagger(text)):
            key = (r["district_name"] or r["district"], r["tier"])
            assert key not in out, f"two rows for {key}"
            out[key] = r
        return out

    return get


def test_an_upper_class_award_goes_to_the_province_even_with_its_cities_on_the_page(rows_of):
    rows = rows_of(
        "충청북도가 고용노동부의 ‘2021 전국 지방자치단체 일자리 대상’에서 광역자치단체 부문 우수상을 받았다. "
        "도내에서는 제천시가 기초 부문 장려상을 받았다."
    )
    assert ("충청북도", "우수") in rows
    assert ("충청북도 제천시", "장려") in rows
    assert ("충청북도 제천시", "우수") not in rows


def test_a_list_of_class_lines(rows_of):
    rows = rows_of(
        "행안부가 발표한 광주 지역 수상 기관은 다음과 같다.\n"
        "- 광역 부문 최우수기관 : 광주시\n"
        "- 기초 부문 우수기관 : 남구\n"
    )
    assert set(rows) == {("광주광역시", "최우수"), ("광주광역시 남구", "우수")}


def test_amounts_by_class_and_tier_go_to_the_right_level(rows_of):
    rows = rows_of(
        "광역자치단체 부문에서는 경상남도가 우수기관에 뽑혔다. 기초 부문에서는 거제시와 하동군이 우수기관으로 선정됐다.\n\n"
        "특별교부세는 광역 우수 4억원, 기초 우수 2억원씩이 배정된다."
    )
    assert rows[("경상남도", "우수")]["krw"] == 400_000_000
    assert rows[("경상남도 거제시", "우수")]["krw"] == 200_000_000
    assert rows[("경상남도 하동군", "우수")]["krw"] == 200_000_000


def test_an_amount_per_winner_after_a_tier_word(rows_of):
    rows = rows_of(
        "최우수 : 평택시\n우수 : 이천시, 안성시\n\n"
        "도는 수상 시군에 상사업비를 준다. 최우수는 9천만원, 우수는 한 곳당 6천만원이다."
    )
    assert rows[("경기도 평택시", "최우수")]["krw"] == 90_000_000
    assert rows[("경기도 이천시", "우수")]["krw"] == 60_000_000
    assert rows[("경기도 안성시", "우수")]["krw"] == 60_000_000


def test_a_table_row_gives_its_tier_and_amount_to_each_government(rows_of):
    rows = rows_of(
        "전북도가 시군 일자리 평가 결과를 발표했다.\n"
        "| 등급 | 시군 | 시상금 |\n"
        "| 최우수 | 군산시 | 8000만원 |\n"
        "| 우수 | 김제시, 정읍시 | 각 4000만원 |\n"
    )
    assert rows[("전북특별자치도 군산시", "최우수")]["krw"] == 80_000_000
    assert rows[("전북특별자치도 김제시", "우수")]["krw"] == 40_000_000
    assert rows[("전북특별자치도 정읍시", "우수")]["krw"] == 40_000_000


def test_an_amount_in_parentheses_after_a_group(rows_of):
    rows = rows_of("수상 시군은 아래와 같다.\n△최우수 공주시(1억원)\n△우수 보령시·논산시(각 6천만원)\n")
    assert rows[("충청남도 보령시", "우수")]["krw"] == 60_000_000
    assert rows[("충청남도 논산시", "우수")]["krw"] == 60_000_000


def test_one_amount_after_two_awards_is_their_sum_not_the_second_ones(rows_of):
    rows = rows_of(
        "여수시가 전남도 일자리 평가에서 두 분야 상을 받았다. "
        "시는 청년 분야 최우수, 여성 분야 장려에 올라 시상금 8천만원을 받게 됐다. "
        "분야별로는 청년 최우수 6천만원, 여성 장려 2천만원이다."
    )
    assert rows[("전라남도 여수시", "장려")]["krw"] == 20_000_000
    assert rows[("전라남도 여수시", "최우수")]["krw"] == 60_000_000


def test_a_counted_class_in_a_headline_is_not_the_only_districts_win(rows_of):
    rows = rows_of("충남도, 일자리 우수 시군 4곳 발표… 천안시 최우수\n\n충남도는 천안시를 최우수로 선정했다.")
    assert ("충청남도 천안시", "최우수") in rows
    assert ("충청남도 천안시", "우수") not in rows


def test_a_headlines_short_name_gives_way_to_the_dated_formal_name(rows_of):
    rows = rows_of(
        "광양시, 전남 일자리 평가 최우수\n\n"
        "광양시가 전라남도의 ‘2022년 전라남도 시군 일자리 창출 평가’에서 최우수를 받았다."
    )
    assert rows[("전라남도 광양시", "최우수")]["program"].startswith("전라남도 시군 일자리 창출")


def test_a_bare_title_names_the_head_of_the_one_winner_of_its_level(rows_of):
    rows = rows_of(
        "전라북도가 광역 부문 우수상을 받았고, 완주군이 기초 부문 장려상을 받았다.\n\n"
        "문재식 지사는 “도민 덕분”이라고 말했다."
    )
    assert rows[("전북특별자치도", "우수")]["official"] == "문재식"
    assert rows[("전북특별자치도 완주군", "장려")]["official"] is None


def test_a_caption_note_between_title_and_particle_keeps_the_title(tagger):
    doc = tagger("하은규 대구 수성구청장(왼쪽)이 상패를 받고 있다.")
    (off,) = [e for e in doc.ents if e.label_ == "OFFICIAL"]
    assert off._.norm["district"] == "대구광역시 수성구"
    assert off._.norm["role"] == "구청장"


def test_letter_grades_are_awards_and_rows(rows_of):
    rows = rows_of(
        "충청북도는 ‘2013년 시군 일자리 종합평가’에서 청주시와 음성군을 가장 높은 가등급으로 분류했다. "
        "나등급은 제천시가 받았다. 도는 가·나·다 세 등급으로 나누고 다 등급을 받은 곳에는 인센티브를 주지 않는다."
    )
    assert {k for k in rows} == {("충청북도 청주시", "가"), ("충청북도 음성군", "가"), ("충청북도 제천시", "나")}


def test_a_tier_as_topic_goes_to_the_subject_of_its_clause(rows_of):
    rows = rows_of(
        "같은 평가에서 가장 높은 최우수상은 상담 창구를 역 안으로 옮긴 광명시가, "
        "우수상은 구인 정보를 실시간으로 나눈 오산시와 평택시가 받았다."
    )
    assert set(rows) == {("경기도 광명시", "최우수"), ("경기도 오산시", "우수"), ("경기도 평택시", "우수")}


def test_last_editions_winner_is_no_row(rows_of):
    rows = rows_of(
        "도는 우수상에 김천시를 선정했다. 지난해 같은 평가에서 최우수상을 받은 상주시는 올해 명단에 오르지 못했다."
    )
    assert ("경상북도 김천시", "우수") in rows
    assert not any(k[0] == "경상북도 상주시" for k in rows)


def test_past_tiers_listed_before_this_years_are_no_rows(rows_of):
    rows = rows_of("보성군이 ‘2025 전국 지방자치단체 일자리 대상’에서 최우수상을 받았다. "
                   "군은 2023년 장려상에 이어 지난해 우수상, 올해 최우수상까지 3년 연속 상을 받았다.")
    assert set(rows) == {("전라남도 보성군", "최우수")}


def test_a_class_scope_covers_the_prize_lines_after_it(rows_of):
    rows = rows_of(
        "광역자치단체 부문에서는 전라북도가 우수상을 받았다. 기초자치단체 부문 우수상은 군산시와 정읍시가 나눠 가졌다.\n\n"
        "인센티브는 광역 부문은 최우수상 3억원, 우수상 2억원이고, 기초 부문은 최우수상 1억5천만원, 우수상 1억원이다."
    )
    assert rows[("전북특별자치도", "우수")]["krw"] == 200_000_000
    assert rows[("전북특별자치도 군산시", "우수")]["krw"] == 100_000_000
    assert rows[("전북특별자치도 정읍시", "우수")]["krw"] == 100_000_000


def test_a_class_scope_stops_at_the_next_government(rows_of):
    rows = rows_of("한편 같은 평가에서 경상남도는 광역자치단체 부문 우수기관에, 밀양시와 거제시는 각각 장려기관에 이름을 올렸다.")
    assert ("경상남도 밀양시", "장려") in rows and ("경상남도 거제시", "장려") in rows


def test_a_second_evaluation_in_the_paragraph_goes_to_the_carried_subject(rows_of):
    rows = rows_of(
        "김해시, 정부 ‘우수상’·도 ‘최우수’\n\n"
        "시는 지난달 고용노동부 주관 ‘2024 전국 지방자치단체 일자리 대상’에서 우수상을 받았다. "
        "이어 경남도가 발표한 ‘2024년 경남 시군 일자리 평가’에서는 최우수에 올라 시상금 1억원을 받게 됐다.\n\n"
        "도 평가에서 우수는 창원시, 장려는 밀양시에 돌아갔다."
    )
    assert rows[("경상남도 김해시", "최우수")]["program"].startswith("경남 시군 일자리")
    assert rows[("경상남도 김해시", "우수")]["program"] == "전국 지방자치단체 일자리 대상"
    assert rows[("경상남도 창원시", "우수")]["program"].startswith("경남 시군 일자리")
    assert rows[("경상남도 김해시", "최우수")]["krw"] == 100_000_000


def test_a_class_that_no_one_won_is_no_row(rows_of):
    rows = rows_of("광역자치단체 가운데서는 충청남도가 우수 자치단체로 뽑혔다. 광역 부문 최우수 기관은 올해 나오지 않았다.")
    assert set(rows) == {("충청남도", "우수")}


def test_a_headline_naming_the_ministry_gives_way_to_the_formal_name(rows_of):
    rows = rows_of(
        "행안부 일자리 평가 ‘최우수 기관’에 수성구\n\n"
        "행정안전부는 ‘2019년 지방자치단체 일자리 창출 추진실적 평가’ 결과 대구 수성구를 최우수 기관으로 선정했다."
    )
    assert rows[("대구광역시 수성구", "최우수")]["program"].startswith("지방자치단체 일자리 창출 추진실적")


def test_a_half_year_after_the_year_is_not_part_of_the_programs_name():
    from kgov_ner.pipeline.normalize import normalize_program

    assert normalize_program("2011년 하반기 희망근로 추진실적 평가")["name"] == "희망근로 추진실적"
    assert normalize_program("상반기 희망근로 평가")["name"] == "상반기 희망근로"


def test_a_parenthesis_after_the_title_or_the_name_keeps_the_title():
    from kgov_ner.pipeline.normalize.official import normalize_official

    assert normalize_official("문태호 부산 동구청장(앞줄 왼쪽 두 번째)과 직원들", 0, 3, [])["district"] == "부산광역시 동구"
    assert normalize_official("문태호(61) 강서구청장은", 0, 3, [])["role"] == "구청장"


def test_bare_tiers_before_or_after_their_governments(rows_of):
    rows = rows_of(
        "군 부문에서는 최우수 의성군, 우수 청송군, 장려 영양군이 뽑혔다.\n"
        "삼척시·영월군 우수, 정선군 특별상\n"
    )
    assert {("경상북도 의성군", "최우수"), ("경상북도 청송군", "우수"), ("경상북도 영양군", "장려"),
            ("강원특별자치도 삼척시", "우수"), ("강원특별자치도 영월군", "우수"), ("강원특별자치도 정선군", "특별")} <= set(rows)


def test_two_governments_and_two_awards_respectively(rows_of):
    rows = rows_of("전남 순천시와 광양시가 행정안전부 평가에서 각각 최우수 기관과 우수 기관으로 뽑혔다.")
    assert set(rows) == {("전라남도 순천시", "최우수"), ("전라남도 광양시", "우수")}


def test_two_amounts_respectively(rows_of):
    rows = rows_of("같은 평가에서 우수 시군인 익산시와 장려 시군인 고창군은 각각 4천만원과 2천만원을 받는다.")
    assert rows[("전북특별자치도 익산시", "우수")]["krw"] == 40_000_000
    assert rows[("전북특별자치도 고창군", "장려")]["krw"] == 20_000_000


def test_the_rest_counted_by_their_level_word(rows_of):
    rows = rows_of(
        "최우수에는 춘천시가, 장려에는 인제군, 양구군, 홍천군이 이름을 올렸다. "
        "도는 춘천시에 1억원을 주고, 나머지 세 군에는 한 곳당 2천만원씩 시상금을 내려보낸다."
    )
    assert all(rows[(f"강원특별자치도 {g}", "장려")]["krw"] == 20_000_000 for g in ("인제군", "양구군", "홍천군"))


def test_a_tier_with_its_class_and_count_holds_a_schedule_line(rows_of):
    rows = rows_of(
        "광역자치단체에서는 광주광역시와 경상북도가, 기초자치단체에서는 경기 이천시가 최우수기관에 올랐다.\n\n"
        "최우수 광역자치단체 두 곳은 6억원씩, 최우수 기초자치단체 한 곳은 3억원을 받는다."
    )
    assert rows[("광주광역시", "최우수")]["krw"] == 600_000_000
    assert rows[("경상북도", "최우수")]["krw"] == 600_000_000
    assert rows[("경기도 이천시", "최우수")]["krw"] == 300_000_000


def test_a_venue_named_with_its_genitive_is_no_awardee(rows_of):
    rows = rows_of(
        "시는 공시제 부문에서 우수상을 받았다. 시상식은 서울 마포구의 한 컨벤션센터에서 열렸다.\n\n"
        "목포시는 이번 수상으로 인센티브 1억원을 받는다."
    )
    assert set(rows) == {("전라남도 목포시", "우수")}
    assert rows[("전라남도 목포시", "우수")]["krw"] == 100_000_000


def test_a_shared_name_the_page_writes_in_full_is_that_government(rows_of):
    rows = rows_of(
        "광주시·고양시 등 4곳 최우수상\n\n"
        "광역자치단체 가운데서는 광주광역시가, 기초자치단체 가운데서는 경기 고양시가 최우수상을 받았다."
    )
    assert ("광주광역시", "최우수") in rows and ("경기도 광주시", "최우수") not in rows


def test_class_words_hold_the_last_tiers_amounts(rows_of):
    rows = rows_of(
        "광역에서는 울산광역시, 기초에서는 강원 삼척시가 최우수상을 받았다. "
        "우수상은 광역에서 세종특별자치시, 기초에서 전남 곡성군에 돌아갔다.\n\n"
        "재정 인센티브는 최우수상의 경우 광역 3억원, 기초 1억원이고, 우수상은 광역 2억원, 기초 6천만원이다."
    )
    assert rows[("울산광역시", "최우수")]["krw"] == 300_000_000
    assert rows[("강원특별자치도 삼척시", "최우수")]["krw"] == 100_000_000
    assert rows[("세종특별자치시", "우수")]["krw"] == 200_000_000
    assert rows[("전라남도 곡성군", "우수")]["krw"] == 60_000_000


def test_two_tiers_and_two_amounts_per_winner_pairwise(rows_of):
    rows = rows_of(
        "최우수는 제천시, 우수는 충주시와 음성군, 장려는 진천군이 받았다.\n\n"
        "시상금은 최우수가 1억원, 우수와 장려는 한 곳당 5천만원과 2천만원이다."
    )
    assert rows[("충청북도 충주시", "우수")]["krw"] == 50_000_000
    assert rows[("충청북도 음성군", "우수")]["krw"] == 50_000_000
    assert rows[("충청북도 진천군", "장려")]["krw"] == 20_000_000


def test_a_prize_line_with_its_count_is_no_win_for_the_government_before_it(rows_of):
    rows = rows_of(
        "최우수구에는 도봉구가, 우수구에는 은평구와 관악구가 올랐다.\n\n"
        "시는 도봉구에 특별교부금 2억원을 주고, 우수구 두 곳에는 1억원씩을 준다."
    )
    assert set(rows) == {("서울특별시 도봉구", "최우수"), ("서울특별시 은평구", "우수"), ("서울특별시 관악구", "우수")}
    assert rows[("서울특별시 도봉구", "최우수")]["krw"] == 200_000_000
    assert rows[("서울특별시 은평구", "우수")]["krw"] == 100_000_000


def test_an_amount_called_a_prize_outweighs_a_grant_the_page_mentions(rows_of):
    rows = rows_of(
        "밀양시가 ‘2023 전국 지방자치단체 일자리 대상’에서 우수상을 받았다.\n\n"
        "청년 창업가에게 1인당 최대 1천만원의 창업 자금을 보탠 사업도 좋은 평가를 받았다.\n\n"
        "이번 수상으로 시는 재정 인센티브 8천만원을 확보했다."
    )
    assert rows[("경상남도 밀양시", "우수")]["krw"] == 80_000_000


def test_bare_tier_before_a_region_word_and_its_district(rows_of):
    rows = rows_of("▲광역 최우수 전라북도 ▲광역 우수 부산광역시 ▲기초 우수 경북 의성군·서울 성동구\n")
    assert {("경상북도 의성군", "우수"), ("서울특별시 성동구", "우수"), ("부산광역시", "우수")} <= set(rows)


def test_a_listed_tier_after_the_type_of_government_it_is_for(rows_of):
    rows = rows_of("▲시 최우수 충남 천안시(2억원) ▲시 우수 전북 익산시(1억원) ▲군 우수 경남 고성군(1억원)\n")
    assert rows[("전북특별자치도 익산시", "우수")]["krw"] == 100_000_000
    assert rows[("경상남도 고성군", "우수")]["krw"] == 100_000_000
    assert ("전북특별자치도 익산시", "최우수") not in rows


def test_a_tier_with_its_class_noun_holds_a_prize_line(rows_of):
    rows = rows_of(
        "대통령상은 순천시가 받았다. 국무총리상은 원주시와 당진시에, 최우수상은 서산시와 영천시에 돌아갔다.\n\n"
        "재정 인센티브는 순천시가 4억원으로 가장 많고, 국무총리상 두 곳에 각 2억5천만원, "
        "최우수상 수상 기관에 각 1억2천만원이 주어진다. 우수상 기관은 평가에 따라 최대 6천만원까지 받는다."
    )
    assert rows[("강원특별자치도 원주시", "국무총리")]["krw"] == 250_000_000
    assert rows[("경상북도 영천시", "최우수")]["krw"] == 120_000_000
    assert rows[("충청남도 서산시", "최우수")]["krw"] == 120_000_000
    assert set(rows) == {("전라남도 순천시", "대통령"), ("강원특별자치도 원주시", "국무총리"), ("충청남도 당진시", "국무총리"),
                         ("충청남도 서산시", "최우수"), ("경상북도 영천시", "최우수")}


def test_one_place_each_and_a_region_total_and_a_contrast(rows_of):
    rows = rows_of(
        "최우수에는 포항시, 우수에는 영천시와 상주시와 문경시가 올랐다.\n\n"
        "도는 최우수 한 곳에 8천만원, 우수 세 곳에는 한 곳에 3천만원씩 내려보낸다.\n\n"
        "같은 평가 기초 부문에서는 서구가 우수 기관으로 뽑혀 교부세 7천만원을 받았다. "
        "이로써 대전 지역에 내려오는 교부세는 모두 2억원이다. "
        "동구는 장려 기관으로 장관 표창을 받았지만 교부세는 받지 않는다."
    )
    assert rows[("경상북도 상주시", "우수")]["krw"] == 30_000_000
    assert rows[("경상북도 포항시", "최우수")]["krw"] == 80_000_000
    assert rows[("대전광역시 서구", "우수")]["krw"] == 70_000_000
    assert rows[("대전광역시 동구", "장려")]["krw"] is None


def test_a_count_of_winners_before_a_headlines_amount_makes_it_a_total(rows_of):
    rows = rows_of("일곱 곳에 시상금 6억 3천만원… 광역 울산시 장려상\n\n"
                   "울산광역시는 장려상을 받아 시상금 4천만원을 받는다.")
    assert rows[("울산광역시", "장려")]["krw"] == 40_000_000


def test_a_tables_region_cell_places_a_shared_name(rows_of):
    rows = rows_of("구분 | 지역 | 자치단체 | 상\n기초 | 강원 | 고성군 | 우수상\n기초 | 경남 | 남해군 | 장려상\n")
    assert ("강원특별자치도 고성군", "우수") in rows or ("강원도 고성군", "우수") in rows


def test_governments_chosen_as_bare_tiers_in_a_row(rows_of):
    from kgov_ner.pipeline.rules.award import find_awards

    text = "도는 올해 평가에서 논산시를 최우수, 공주시와 보령시를 우수, 태안군을 장려로 정했다."
    found = {text[c.start:c.end] for c in find_awards(text)}  # the rule alone, not only the model
    assert {"최우수", "우수", "장려"} <= found
    rows = rows_of(text)
    assert set(rows) == {("충청남도 논산시", "최우수"), ("충청남도 공주시", "우수"),
                         ("충청남도 보령시", "우수"), ("충청남도 태안군", "장려")}


def test_a_single_winners_streak_from_its_headline(rows_of):
    rows = rows_of("양주시, 4년 연속 경기도 일자리 평가 입상\n\n"
                   "양주시가 ‘2022년 경기도 일자리 우수 시군 평가’에서 장려상을 받았다고 9일 밝혔다.")
    assert rows[("경기도 양주시", "장려")]["streak"] == 4


def test_a_province_that_is_also_the_region_of_its_cities_keeps_its_own_prize(rows_of):
    rows = rows_of(
        "전라남도가 ‘2020년 전국 지방자치단체 일자리대상’에서 광역 부문 우수상을 받았다.\n\n"
        "도는 14일 열린 시상식에서 고용노동부 장관 표창과 함께 재정 인센티브 1억 5천만원을 받았다.\n\n"
        "도내에서는 순천시가 최우수상, 광양시가 장려상을 받았다."
    )
    assert rows[("전라남도", "우수")]["krw"] == 150_000_000
    assert rows[("전라남도 순천시", "최우수")]["krw"] is None


def test_prize_money_after_a_sentence_that_only_names_the_winner(rows_of):
    rows = rows_of(
        "고용노동부 일자리대상에서 경남 함안군이 대상을, 경기 이천시와 충북 괴산군이 최우수상을 받았다.\n\n"
        "함안군은 농공단지 빈 공장을 청년 공방으로 바꾼 사업으로 높은 점수를 받았다. "
        "시상금 1억 8천만원은 내년 청년 일자리 사업에 쓰인다.\n\n"
        "이천시는 물류 단지 채용 박람회를 열었다."
    )
    assert rows[("경상남도 함안군", "대상")]["krw"] == 180_000_000
    assert rows[("경기도 이천시", "최우수")]["krw"] is None


def test_winners_listed_on_the_line_after_their_tier(rows_of):
    rows = rows_of(
        "최우수구에는 성동구가 뽑혔다.\n\n"
        "우수구로는 아래 세 곳이 뽑혔다.\n"
        "△마포구 △강동구 △노원구\n\n"
        "우수구는 구마다 6천만원을 받는다."
    )
    assert {("서울특별시 마포구", "우수"), ("서울특별시 강동구", "우수"), ("서울특별시 노원구", "우수")} <= set(rows)
    assert rows[("서울특별시 강동구", "우수")]["krw"] == 60_000_000


def test_amounts_in_parentheses_inside_a_run_of_winners_and_a_ceiling(rows_of):
    rows = rows_of(
        "국무총리상은 광역 부문 부산광역시(1억 5천만원), 기초 부문 전남 영광군(1억 5천만원)에 돌아갔다. "
        "경기 구리시 등 30곳은 우수상을 받았으며, 우수상에는 최대 3천만원의 인센티브가 차등 지급된다."
    )
    assert rows[("부산광역시", "국무총리")]["krw"] == 150_000_000
    assert rows[("전라남도 영광군", "국무총리")]["krw"] == 150_000_000
    assert rows[("경기도 구리시", "우수")]["krw"] is None


def test_a_subheadline_item_about_money_does_not_carry_the_item_before_it(rows_of):
    rows = rows_of(
        "북구, 부산시 일자리 평가 3년 연속 ‘우수’\n"
        "- 청년 정책 평가에서도 장려\n"
        "- 시상금 3천만 원은 청년 인턴 지원에\n\n"
        "북구는 부산시가 실시한 ‘2024년 부산시 구·군 일자리 평가’에서 우수 기관으로 뽑혔다."
    )
    assert rows[("부산광역시 북구", "장려")]["krw"] is None
    assert rows[("부산광역시 북구", "장려")]["streak"] is None


def test_a_count_opening_a_paragraph_refers_to_the_winners_before_it(rows_of):
    rows = rows_of(
        "행정안전부 평가에서 경북 영주시와 전남 곡성군이 최우수 기관으로 뽑혔다.\n\n"
        "두 곳은 행정안전부 장관 표창과 함께 특별교부세 8천만원씩을 받는다. 충남 금산군은 우수기관으로 뽑혀 4천만원을 받는다."
    )
    assert rows[("경상북도 영주시", "최우수")]["krw"] == 80_000_000
    assert rows[("전라남도 곡성군", "최우수")]["krw"] == 80_000_000
    assert rows[("충청남도 금산군", "우수")]["krw"] == 40_000_000


def test_the_evaluation_named_after_a_caption_and_a_two_line_headline(rows_of):
    rows = rows_of(
        "오민재 논산시장(오른쪽)이 9일 도청에서 최우수 기관 상패를 받고 있다. /충남도 제공\n\n"
        "논산시, 충남도 고용 평가 ‘최우수 기관’\n"
        "당진시 우수, 서천군 장려… 포상금 모두 6천만원\n\n"
        "충청남도는 15개 시군을 대상으로 ‘2022 충청남도 시군 고용 안정 평가’를 벌여 세 시군을 수상 기관으로 정했다."
    )
    from kgov_ner.records.score import program_match_key

    got = rows[("충청남도 당진시", "우수")]["program"]
    assert program_match_key(got) == program_match_key("충청남도 시군 고용 안정 평가")


def test_class_words_before_tiers_with_counts_in_one_schedule(rows_of):
    rows = rows_of(
        "광역에서는 최우수기관에 충청북도, 우수기관에 광주광역시가 올랐다. 기초에서는 경북 김천시, 전남 보성군, "
        "부산 금정구가 최우수기관으로 뽑혔고, 기초 우수기관에는 충남 홍성군, 경기 안성시 등 10곳이 올랐다.\n\n"
        "광역 최우수는 2억원, 광역 우수는 1억원을 받고, 기초 최우수 세 곳에는 7천만원씩, "
        "기초 우수 10곳에는 곳당 3천만원이 돌아간다."
    )
    assert rows[("경상북도 김천시", "최우수")]["krw"] == 70_000_000
    assert rows[("충청남도 홍성군", "우수")]["krw"] == 30_000_000
    assert rows[("광주광역시", "우수")]["krw"] == 100_000_000


def test_a_win_told_as_past_experience_and_its_money_are_not_this_years(rows_of):
    rows = rows_of(
        "경남 고성군이 ‘2016년 경상남도 시군 일자리 평가’에서 장려상을 받았다.\n\n"
        "군은 이번 수상으로 도 상사업비 2,000만 원을 받는다.\n\n"
        "고성군은 2014년 같은 평가에서 우수에 들어 상사업비 4,000만 원을 받은 바 있다."
    )
    assert set(rows) == {("경상남도 고성군", "장려")}
    assert rows[("경상남도 고성군", "장려")]["krw"] == 20_000_000


def test_money_in_the_heads_quote_and_a_ceiling_for_a_tier(rows_of):
    rows = rows_of(
        "대구시는 ‘2022 대구광역시 구·군 일자리 종합평가’에서 달성군이 최우수를 차지했다고 밝혔다. "
        "우수는 수성구, 장려는 서구에 돌아갔다.\n\n"
        "시는 수상한 세 곳에 상사업비 9천만원을 등급에 따라 나눠 주며, 최우수에는 최대 5천만원까지 준다.\n\n"
        "표은결 달성군수는 “상사업비 4천만원은 청년 통근 버스를 늘리는 데 쓰겠다”고 밝혔다."
    )
    assert rows[("대구광역시 달성군", "최우수")]["krw"] == 40_000_000
    assert rows[("대구광역시 수성구", "우수")]["krw"] is None


def test_a_list_item_tier_before_a_region_word_and_a_district_that_ends_a_sentence(rows_of):
    rows = rows_of("최우수기관은 경상남도, 우수기관은 대구광역시다.\n"
                   "- 우수 전북 남원시, 충남 서산시 각 2천만원\n")
    assert {("대구광역시", "우수"), ("전북특별자치도 남원시", "우수"), ("충청남도 서산시", "우수")} <= set(rows)
    assert rows[("충청남도 서산시", "우수")]["krw"] == 20_000_000


# ---- batch 9-11 shapes (validation pages 141-182); sentences written for these tests


def test_a_tier_topic_with_its_second_name_in_parentheses_and_a_count_before_the_subject_mark(rows_of):
    rows = rows_of(
        "올해 ‘전국 지방자치단체 일자리 대상’ 최우수상(국무총리상)은 광주광역시, 경남 밀양시, 강원 인제군 세 곳이 차지했다. "
        "최우수상 기관에는 각 1억2천만원이 돌아간다."
    )
    assert set(rows) == {("광주광역시", "최우수"), ("경상남도 밀양시", "최우수"), ("강원특별자치도 인제군", "최우수")}


def test_a_class_heading_line_scopes_its_list_of_winners(rows_of):
    rows = rows_of(
        "평가 결과는 다음과 같다.\n"
        "[광역자치단체]\n"
        "▲최우수 전라북도(4억원)\n"
        "▲우수 충청남도·대구광역시(각 2억원)\n\n"
        "[기초자치단체]\n"
        "▲최우수 전북 익산시·충남 서산시(각 1억5천만원)\n"
    )
    assert rows[("전북특별자치도", "최우수")]["krw"] == 400_000_000
    assert rows[("충청남도", "우수")]["krw"] == 200_000_000
    assert rows[("전북특별자치도 익산시", "최우수")]["krw"] == 150_000_000


def test_an_amount_per_one_in_parentheses_after_a_count_of_all_winners(rows_of):
    rows = rows_of("▲장려 경기 오산시·전남 보성군 등 9곳(곳당 3천만원)\n")
    assert rows[("경기도 오산시", "장려")]["krw"] == 30_000_000
    assert rows[("전라남도 보성군", "장려")]["krw"] == 30_000_000


def test_an_amount_range_is_nobodys_prize(rows_of):
    rows = rows_of("▲우수 서울 마포구·대구 북구 등 30곳(곳당 4천만원~6천만원)\n")
    assert rows[("서울특별시 마포구", "우수")]["krw"] is None


def test_a_group_then_each_then_as_many_amounts_in_a_sentence_without_a_tier(rows_of):
    rows = rows_of(
        "도내에서는 기초 부문에서 여수시가 최우수상을, 고흥군과 완도군이 우수상을 받았다. "
        "여수시와 고흥군은 각각 9천만원과 6천만원의 재정 인센티브를 받는다."
    )
    assert rows[("전라남도 여수시", "최우수")]["krw"] == 90_000_000
    assert rows[("전라남도 고흥군", "우수")]["krw"] == 60_000_000
    assert rows[("전라남도 완도군", "우수")]["krw"] is None


def test_a_group_its_number_each_then_as_many_amounts(rows_of):
    rows = rows_of(
        "울산시가 구·군 일자리 평가에서 중구를 최우수구로 뽑았다. 남구는 우수구, 동구는 장려구로 선정됐다. "
        "중구·남구·동구 세 구에는 각각 8천만원, 5천만원, 2천만원의 사업비가 지원된다."
    )
    assert [rows[(f"울산광역시 {g}", t)]["krw"] for g, t in (("중구", "최우수"), ("남구", "우수"), ("동구", "장려"))] == [
        80_000_000, 50_000_000, 20_000_000]


def test_winners_referred_to_by_their_number_each_get_their_amount_in_order(rows_of):
    rows = rows_of(
        "부산시는 최우수에 기장군, 우수에 사하구, 장려에 금정구를 선정했다. "
        "세 곳에는 각각 4천만원, 2천5백만원, 1천만원의 시상금이 돌아간다."
    )
    assert rows[("부산광역시 기장군", "최우수")]["krw"] == 40_000_000
    assert rows[("부산광역시 사하구", "우수")]["krw"] == 25_000_000
    assert rows[("부산광역시 금정구", "장려")]["krw"] == 10_000_000


def test_a_tier_in_the_heads_quote_takes_the_quotes_money_for_the_heads_government(rows_of):
    rows = rows_of(
        "대구시가 ‘2022년 구·군 일자리 평가’에서 수성구와 달서구를 최우수구로 뽑았다.\n\n"
        "임채훈 수성구청장은 “최우수구로 받는 인센티브 9천만원은 청년 창업 공간에 쓰겠다”고 말했다."
    )
    assert rows[("대구광역시 수성구", "최우수")]["krw"] == 90_000_000
    assert rows[("대구광역시 달서구", "최우수")]["krw"] is None


def test_an_institution_commendation_given_with_a_rank_tier_is_the_same_win(rows_of):
    rows = rows_of(
        "경북 청도군은 ‘2020년 일자리 창출 시·군 평가’에서 장려상을 받았다고 3일 밝혔다. "
        "군은 이번 수상으로 기관표창을 함께 받았다."
    )
    assert set(rows) == {("경상북도 청도군", "장려")}


def test_last_years_tier_after_words_of_its_own_is_no_row(rows_of):
    rows = rows_of(
        "예산군은 ‘2024 전국 지방자치단체 일자리대상’에서 우수상을 받았다. "
        "군은 지난해 같은 부문 장려상에 이어 2년 연속 상을 받았다."
    )
    assert set(rows) == {("충청남도 예산군", "우수")}


def test_money_of_a_headline_naming_two_wins_of_one_government_is_not_given_to_either(rows_of):
    rows = rows_of(
        "부산 영도구, 정부 우수상·시 평가 장려\n"
        "일자리대상 첫 수상… 시상금 2천만원\n\n"
        "영도구는 ‘2019 전국 지방자치단체 일자리대상’에서 우수상을 받았다. "
        "구는 부산시 ‘2019년 구·군 일자리 평가’에서도 장려에 올랐다. 이에 따른 시상금 2천만원은 다음 달 교부된다."
    )
    assert rows[("부산광역시 영도구", "우수")]["krw"] is None
    assert rows[("부산광역시 영도구", "장려")]["krw"] == 20_000_000


def test_money_before_an_ellipsis_in_a_headline_is_not_the_next_clauses_winners(rows_of):
    rows = rows_of(
        "인천 연수구, 일자리 평가 ‘최우수상’\n"
        "인센티브 1억5천만원… 옹진군도 장려상\n\n"
        "연수구가 ‘2018 전국 지방자치단체 일자리 대상’에서 최우수상을 받아 인센티브 1억5천만원을 받게 됐다. "
        "인천에서는 옹진군이 장려상을 받았다."
    )
    assert rows[("인천광역시 연수구", "최우수")]["krw"] == 150_000_000
    assert rows[("인천광역시 옹진군", "장려")]["krw"] is None


def test_two_tiers_before_one_amount_in_a_headline_is_their_sum(rows_of):
    rows = rows_of(
        "대전 중구, 자치구 일자리 평가 두 분야 수상\n창업 분야 최우수·고용 분야 장려… 시상금 5000만원\n\n"
        "대전 중구는 대전시의 ‘2021년 자치구 일자리 평가’에서 창업 분야 최우수, 고용 분야 장려를 받았다."
    )
    assert rows[("대전광역시 중구", "최우수")]["krw"] is None
    assert rows[("대전광역시 중구", "장려")]["krw"] is None


def test_a_tier_topic_then_one_winner_of_each_class(rows_of):
    rows = rows_of(
        "심사 결과, 종합대상은 광역자치단체 중 경상남도, 기초자치단체 중 충남 당진시가 수상하였다. "
        "종합대상은 광역 3억 원, 기초 2억 원이다."
    )
    assert set(rows) == {("경상남도", "대상"), ("충청남도 당진시", "대상")}


def test_a_tier_class_reached_by_a_relative_verb_of_rising(rows_of):
    rows = rows_of(
        "강원도는 올해 ‘시군 일자리 평가’에서 정선군을 최우수 시군으로 뽑았다. "
        "우수 시군에는 홍천군과 동해시가 이름을 올려 각 3천만원을, 장려 시군에 오른 양구군은 1천5백만원을 받는다."
    )
    assert rows[("강원특별자치도 양구군", "장려")]["krw"] == 15_000_000


def test_a_tiers_winners_then_their_number_and_an_amount_for_each(rows_of):
    rows = rows_of(
        " ▲최우수상 : 울산광역시, 경남 김해시\n ▲우수상 : 대구 수성구, 충남 홍성군\n\n"
        " ○ 최우수상을 받은 두 기관에는 기관마다 1억 원\n"
    )
    assert rows[("울산광역시", "최우수")]["krw"] == 100_000_000
    assert rows[("경상남도 김해시", "최우수")]["krw"] == 100_000_000
    assert rows[("대구광역시 수성구", "우수")]["krw"] is None


def test_a_streak_in_the_sentence_after_the_win(rows_of):
    rows = rows_of(
        "고령군(군수 남지훈)이 ‘2023 전국 지방자치단체 일자리 대상’에서 우수상을 받았다. "
        "지난해 장려상에 이어 3년 연속 수상이다."
    )
    assert set(rows) == {("경상북도 고령군", "우수")}
    assert rows[("경상북도 고령군", "우수")]["streak"] == 3


def test_the_evaluation_a_government_scored_in_when_no_sentence_states_the_award_with_it(rows_of):
    rows = rows_of(
        "횡성군, 도 일자리 평가 ‘최우수’\n\n"
        "박도완 횡성군수가 19일 시상식에서 최우수 시군 상패를 받고 있다. 횡성군 제공\n\n"
        "횡성군이 강원도가 18개 시군을 대상으로 한 ‘2023년 강원도 시군 일자리 평가’에서 가장 높은 점수를 받았다."
    )
    from kgov_ner.records.score import program_match_key

    r = rows[("강원특별자치도 횡성군", "최우수")]
    assert program_match_key(r["program"]) == program_match_key("강원도 시군 일자리 평가") and r["year"] == 2023


def test_a_grades_holders_in_general_still_hold_the_schedules_amount(rows_of):
    rows = rows_of(
        "▲S등급 : 강동구, 노원구\n▲A등급 : 마포구, 중랑구, 서초구\n\n"
        "□ 시는 S등급을 받은 구에 각 1억 원, A등급을 받은 구에 각 6천만 원을 준다.\n"
    )
    assert rows[("서울특별시 강동구", "S")]["krw"] == 100_000_000
    assert rows[("서울특별시 서초구", "A")]["krw"] == 60_000_000


# ---- batch 12-13 shapes (validation pages 183-210); sentences written for these tests


def test_a_tier_with_its_amount_in_parentheses_before_its_particle(rows_of):
    rows = rows_of(
        "전라북도가 ‘2019년 전라북도 시군 일자리 평가’에서 정읍시가 최우수(시상금 6천만원), 부안군이 우수(시상금 4천만원)로 뽑혔다."
    )
    assert rows[("전북특별자치도 정읍시", "최우수")]["krw"] == 60_000_000
    assert rows[("전북특별자치도 부안군", "우수")]["krw"] == 40_000_000


def test_last_years_tier_received_with_money_is_no_row_and_this_years_money_is_found(rows_of):
    rows = rows_of(
        "하동군은 ‘2023년 경상남도 시군 일자리 평가’에서 우수 시군으로 선정됐다고 밝혔다.\n\n"
        "한편 군은 이번 수상으로 시상금 5천만원을 받는다. 지난해 장려로 받은 2천만원보다 많다."
    )
    assert set(rows) == {("경상남도 하동군", "우수")}
    assert rows[("경상남도 하동군", "우수")]["krw"] == 50_000_000


def test_one_governments_two_wins_each_take_the_amount_after_their_own_words(rows_of):
    rows = rows_of(
        "서울 광진구가 ‘2023 서울시 자치구 일자리 창출 평가’에서 우수구로, ‘2023 서울시 자치구 사회적경제 평가’에서 "
        "장려구로 각각 뽑혔다.\n\n구가 받는 인센티브는 일자리 평가 9천만 원, 사회적경제 평가 2천만 원이다."
    )
    assert rows[("서울특별시 광진구", "우수")]["krw"] == 90_000_000
    assert rows[("서울특별시 광진구", "장려")]["krw"] == 20_000_000


def test_two_wins_by_category_and_their_amounts_by_category_in_the_next_sentence(rows_of):
    rows = rows_of(
        "대구 동구는 ‘2021년 대구시 구·군 일자리 평가’에서 창업 지원 분야 최우수, 여성 일자리 분야 장려를 받았다.\n\n"
        "구는 두 분야에서 시상금을 따로 받는다. 창업 지원 분야에서 4000만원, 여성 일자리 분야에서 1500만원이다."
    )
    assert rows[("대구광역시 동구", "최우수")]["krw"] == 40_000_000
    assert rows[("대구광역시 동구", "장려")]["krw"] == 15_000_000


def test_winners_referred_to_by_number_opening_a_paragraph_after_the_giver(rows_of):
    rows = rows_of(
        "서울시의 ‘2019년 서울형 뉴딜일자리 평가’에서 용산구와 성북구가 우수구로 뽑혔다.\n\n"
        "두 구는 이번 평가에 따라 서울시로부터 인센티브를 4천만원씩 받는다."
    )
    assert rows[("서울특별시 용산구", "우수")]["krw"] == 40_000_000
    assert rows[("서울특별시 성북구", "우수")]["krw"] == 40_000_000


def test_a_schedule_by_population_group_and_tier(rows_of):
    rows = rows_of(
        "도는 시군을 가·나 두 그룹으로 나눠 평가했다. 가 그룹은 화성시가 최우수, 남양주시가 우수를 차지했다. "
        "나 그룹에서는 이천시가 최우수에 올랐다.\n\n"
        "상사업비는 가 그룹 최우수 2억5천만원·우수 1억2천만원, 나 그룹 최우수 1억원이다."
    )
    assert rows[("경기도 화성시", "최우수")]["krw"] == 250_000_000
    assert rows[("경기도 남양주시", "우수")]["krw"] == 120_000_000
    assert rows[("경기도 이천시", "최우수")]["krw"] == 100_000_000


def test_an_amount_for_each_of_the_above_in_parentheses(rows_of):
    rows = rows_of("결과를 보면 최우수구는 강남구·금천구(이상 9천만원), 우수구는 양천구·도봉구(이상 5천만원)다.")
    assert rows[("서울특별시 금천구", "최우수")]["krw"] == 90_000_000
    assert rows[("서울특별시 도봉구", "우수")]["krw"] == 50_000_000


def test_a_table_of_amounts_per_winner_by_class_and_tier(rows_of):
    rows = rows_of(
        " ▲최우수상 : 광역 울산광역시, 기초 충남 당진시\n ▲우수상 : 광역 강원도, 기초 경북 영천시\n\n"
        " ○ 수상 기관은 아래 금액을 기관마다 받는다.\n"
        " 구분 | 최우수상 | 우수상\n 광역 | 3억 | 2억\n 기초 | 1억5천만 | 7천만\n"
    )
    assert rows[("울산광역시", "최우수")]["krw"] == 300_000_000
    assert rows[("충청남도 당진시", "최우수")]["krw"] == 150_000_000
    assert rows[("경상북도 영천시", "우수")]["krw"] == 70_000_000


def test_a_past_tier_named_with_its_year_and_winner_is_no_row(rows_of):
    rows = rows_of(
        "대구 수성구가 ‘2022 전국 지방자치단체 일자리 대상’에서 최우수상을 받았다. "
        "대구 구·군이 이 상을 받은 것은 2019년 동구의 우수상 이후 두 번째다."
    )
    assert set(rows) == {("대구광역시 수성구", "최우수")}


# ---- batch 14 shapes (validation pages 211-226); sentences written for these tests


def test_a_list_run_on_in_one_line_gives_each_tier_its_own_winners(rows_of):
    rows = rows_of("등급별 수상 시군은 ▲대상 문경시 ▲최우수 상주시·의성군 ▲우수 김천시·청도군이다.")
    assert set(rows) == {("경상북도 문경시", "대상"), ("경상북도 상주시", "최우수"), ("경상북도 의성군", "최우수"),
                         ("경상북도 김천시", "우수"), ("경상북도 청도군", "우수")}


def test_two_governments_side_by_side_take_two_awards_in_turn(rows_of):
    rows = rows_of("이웃한 괴산군과 증평군이 ‘2019 충북 시군 일자리 종합평가’에서 나란히 최우수 시군과 우수 시군에 올랐다.")
    assert set(rows) == {("충청북도 괴산군", "최우수"), ("충청북도 증평군", "우수")}


def test_a_headlines_dotted_governments_and_dotted_awards_pair_up(rows_of):
    rows = rows_of("울산 중구·동구, 구·군 일자리 평가 최우수상·우수상\n")
    assert set(rows) == {("울산광역시 중구", "최우수"), ("울산광역시 동구", "우수")}


def test_a_table_row_of_one_tier_across_groups_gives_it_to_every_cell(rows_of):
    rows = rows_of(
        "○ 권역별 수상 시군은 다음과 같다.\n"
        " 등급   | 대도시권 | 농어촌권\n 최우수 | 안산시   | 포천시\n 우수   | 평택시   | 여주시\n"
    )
    assert set(rows) == {("경기도 안산시", "최우수"), ("경기도 포천시", "최우수"),
                         ("경기도 평택시", "우수"), ("경기도 여주시", "우수")}


def test_last_years_winner_named_by_what_it_was_is_no_row(rows_of):
    rows = rows_of("올해 최우수는 연수구가 차지했다. 지난해 최우수였던 남동구는 올해 수상 명단에서 빠졌다.")
    assert set(rows) == {("인천광역시 연수구", "최우수")}
