"""One parametrised table per guideline row (ANNOTATION.md), sentences written for the project.

Each case: a sentence, the entities that must be tagged (text, label), and
strings that must NOT be tagged with any label.
"""

import pytest

from kgov_ner.pipeline.rules import Candidate, find_money, resolve

CASES = [
    # --- DISTRICT
    ("DISTRICT", "창녕군은 올해 일자리 평가에서 좋은 결과를 얻었다.", [("창녕군", "DISTRICT")], []),
    ("DISTRICT", "대전 동구가 우수구로 뽑혔다.", [("동구", "DISTRICT")], ["대전"]),
    ("DISTRICT", "부산 사상구에서는 청년 정책을 발표했다.", [("사상구", "DISTRICT")], ["부산"]),
    ("DISTRICT", "경기도와 제천시가 협약을 맺었다.", [("경기도", "DISTRICT"), ("제천시", "DISTRICT")], []),
    ("DISTRICT", "이 사업은 서울특별시가 주관한다.", [("서울특별시", "DISTRICT")], []),
    ("DISTRICT-neg", "김철수 노원구청장은 이날 행사에 참석했다.", [], ["노원구"]),
    ("DISTRICT-neg", "해운대구민 500명이 모였다.", [], ["해운대구"]),
    ("DISTRICT-neg", "성수동 일대에서 행사가 열렸다.", [], ["성수동"]),
    ("DISTRICT-neg", "구는 지난 4월 조례를 개정했다.", [], ["구"]),
    ("DISTRICT-neg", "강동, 강북 등 여러 곳이 참여했다.", [], ["강동", "강북"]),
    ("DISTRICT-neg", "맑음정선군11.8℃ 구름조금고창군11.3℃", [], ["정선군", "고창군"]),
    # --- OFFICIAL
    ("OFFICIAL", "홍민준 은평구청장은 감사를 전했다.", [("홍민준", "OFFICIAL")], []),
    ("OFFICIAL", "제천시(시장 윤서진)는 계획을 밝혔다.", [("제천시", "DISTRICT"), ("윤서진", "OFFICIAL")], []),
    ("OFFICIAL", "오태식 경상남도 일자리경제국장이 발표했다.", [("오태식", "OFFICIAL"), ("경상남도", "DISTRICT")], []),
    ("OFFICIAL", "최은비 고창군수는 소감을 말했다.", [("최은비", "OFFICIAL")], []),
    # Kiwi reads 조화오 as 조화+(이)+오, a noun, a dropped copula and an ending
    ("OFFICIAL", "조화오 강서구청장은 소감을 밝혔다.", [("조화오", "OFFICIAL")], []),
    ("OFFICIAL-neg", "[한빛일보 조하늘 기자] 마포구가 선정됐다.", [("마포구", "DISTRICT")], ["조하늘"]),
    ("OFFICIAL-neg", "이번 구청장 간담회에는 주민이 참석했다.", [], ["이번"]),
    ("OFFICIAL-neg", "서울 성동구(구청장 임도윤)가 발표했다.", [("성동구", "DISTRICT"), ("임도윤", "OFFICIAL")], ["서울"]),
    # --- PROGRAM
    # a quoted name led by a place (진안 for 진안군), no head word after it
    ("PROGRAM", "군은 ‘진안 고원 청년 목장’으로 좋은 평가를 받았다.", [("진안 고원 청년 목장", "PROGRAM")], []),
    ("PROGRAM-neg", "구청장은 ‘남구 최고’라고 말했다.", [], ["남구 최고"]),
    ("PROGRAM", "구는 ‘2021년 부산 청년 일자리 만들기’ 평가에서 1위를 했다.",
     [("2021년 부산 청년 일자리 만들기", "PROGRAM")], []),
    ("PROGRAM", "시는 「스마트 농업 아카데미」를 운영한다.", [("스마트 농업 아카데미", "PROGRAM")], []),
    ("PROGRAM", "‘2020년 경북 일자리 창출 사업 평가에서 우수상을 받았다.",
     [("2020년 경북 일자리 창출 사업", "PROGRAM"), ("우수상", "AWARD")], []),
    ("PROGRAM", "매달 열리는 구인구직 행사 9데이 및 취업박람회를 열었다.", [("9데이", "PROGRAM")], ["취업박람회"]),
    ("PROGRAM", "▲ 청년 창업 지원 프로그램\n▲ 노인 일자리 박람회",
     [("청년 창업 지원 프로그램", "PROGRAM"), ("노인 일자리 박람회", "PROGRAM")], []),
    ("PROGRAM-neg", "‘취업상담 및 알선’, ‘구인처 발굴’ 등 5개 분야를 평가했다.", [], ["취업상담 및 알선"]),
    ("PROGRAM-neg", "두 기관은 업무협약을 맺었다.", [], ["업무협약"]),
    ("PROGRAM-quote-wins", "‘2018년 남구 청년일자리 기본계획 수립·추진’이 호평을 받았다.",
     [("2018년 남구 청년일자리 기본계획 수립·추진", "PROGRAM")], ["남구"]),
    ("PROGRAM-district-wins", "대구시·자치구 공동협력사업에 참여했다.", [("대구시", "DISTRICT")], []),
    # --- MONEY
    ("MONEY", "인센티브 3500만 원을 받는다.", [("3500만 원", "MONEY")], []),
    ("MONEY", "총 2억 4000만원 규모다.", [("2억 4000만원", "MONEY")], ["총", "규모"]),
    ("MONEY", "약 7억 3천여만 원이 들었다.", [("7억 3천여만 원", "MONEY")], ["약"]),
    ("MONEY", "최대 30억 규모의 기금이다.", [("30억", "MONEY")], ["최대"]),
    ("MONEY", "사업비 6,500만원을 확보했다.", [("6,500만원", "MONEY")], []),
    ("MONEY", "상금 삼천만 원이 걸렸다.", [("삼천만 원", "MONEY")], []),
    ("MONEY-neg", "기업 2,300여 곳과 주민 4만 명이 참여했다.", [], ["2,300여", "4만"]),
    ("MONEY-neg", "일자리 5120개를 만들었다.", [], ["5120"]),
    # --- AWARD
    ("AWARD", "노원구는 최우수구에, 은평구는 노력구에 선정됐다.",
     [("노원구", "DISTRICT"), ("최우수구", "AWARD"), ("은평구", "DISTRICT"), ("노력구", "AWARD")], []),
    ("AWARD", "3년 연속 우수 자치구로 이름을 올렸다.", [("우수 자치구", "AWARD")], ["3년 연속"]),
    ("AWARD", "시는 일자리 부문에서 장려상을 받았다.", [("장려상", "AWARD")], []),
    ("AWARD", "종합평가에서 S등급을 받았다.", [("S등급", "AWARD")], []),
    ("AWARD", "행정안전부 장관 표창을 수상했다.", [("행정안전부 장관 표창", "AWARD")], []),
    ("AWARD", "‘5년 연속 최우수’ 달성", [("최우수", "AWARD")], []),
    ("AWARD", "군은 올해 평가에서 최우수에 선정됐다.", [("최우수", "AWARD")], []),
    ("AWARD", "구는 이번 대회에서 대상을 수상했다.", [("대상", "AWARD")], []),
    ("AWARD-neg", "청년을 대상으로 교육을 한다.", [], ["대상"]),
    ("AWARD-neg", "우수사례를 공유하고 우수인재를 뽑았다.", [], ["우수"]),
    ("AWARD-neg", "우수한 성적을 거뒀다.", [], ["우수"]),
]


@pytest.mark.parametrize("row,sentence,expected,forbidden", CASES, ids=[f"{c[0]}:{c[1][:12]}" for c in CASES])
def test_guideline_table(tagger, row, sentence, expected, forbidden):
    doc = tagger(sentence)
    got = [(e.text, e.label_) for e in doc.ents]
    for item in expected:
        assert item in got, f"{row}: expected {item} in {got}"
    for text in forbidden:
        assert all(e.text != text for e in doc.ents), f"{row}: {text!r} must not be tagged; got {got}"


def test_money_grammar_spans():
    text = "예산 1조 2천억 원과 8000만원, 그리고 50억"
    spans = [text[c.start:c.end] for c in find_money(text)]
    assert spans == ["1조 2천억 원", "8000만원", "50억"]


def test_resolve_prefers_priority_then_length():
    cands = [Candidate(0, 3, "DISTRICT", "g", 3), Candidate(0, 10, "PROGRAM", "later", 5),
             Candidate(0, 12, "PROGRAM", "quote", 0), Candidate(13, 15, "AWARD", "t", 2)]
    chosen = resolve(cands)
    assert [(c.start, c.end, c.label) for c in chosen] == [(0, 12, "PROGRAM"), (13, 15, "AWARD")]
    assert [(c.start, c.end) for c in resolve(cands[:2])] == [(0, 3)]


@pytest.mark.parametrize("text", ["이원 기자가 썼다", "구원 투수", "사원 모집"])
def test_hangul_syllables_that_are_not_numerals(tagger, text):
    assert not [e for e in tagger(text).ents if e.label_ == "MONEY"]


def test_a_quoted_name_led_by_a_place_is_a_rule_program_without_a_head_word():
    from kgov_ner.pipeline.rules.program import find_programs

    text = "군은 ‘진안 고원 청년 목장’으로 좋은 평가를 받았다. 구청장은 ‘남구 최고’라고 말했다."
    found = {text[c.start:c.end] for c in find_programs(text)}
    assert "진안 고원 청년 목장" in found
    assert "남구 최고" not in found


@pytest.mark.parametrize("text,expected", [
    ("인구 30만~50만 명인 그룹", []),  # a range of people: no amount at either end
    ("상금은 2천만~4천만 원", ["2천만", "4천만 원"]),
    ("인구 10만 명 이하", []),
    ("예산 30억을 들여", ["30억"]),
])
def test_the_first_end_of_a_counted_range_is_no_amount(text, expected):
    from kgov_ner.pipeline.rules.money import find_money

    assert [text[c.start:c.end] for c in find_money(text)] == expected


@pytest.mark.parametrize("text,tiers", [
    ("올해 대상은 광역 부문 전라남도, 기초 부문 경북 포항시에 돌아갔다.", ["대상"]),
    ("도는 김천시에 대상을, 문경시에 최우수를 줬다.", ["대상", "최우수"]),
    ("1그룹은 평택시가 최우수였고, 하남시와 오산시가 우수였다.", ["최우수", "우수"]),
    ("구는 주민을 대상으로 설명회를 열었다. 강서구에 대상을 알렸다.", []),
])
def test_bare_tiers_given_to_named_governments(text, tiers):
    from kgov_ner.pipeline.rules.award import find_awards

    assert sorted(text[c.start:c.end] for c in find_awards(text)) == sorted(tiers)


@pytest.mark.parametrize("text,names", [
    ("남궁현 행정안전부 지역경제지원관은 “교부세를 곧 내려보내겠다”고 말했다.", ["남궁현"]),
    ("여창민 안행부 지역경제과장은 “지표를 손보겠다”고 했다.", ["여창민"]),
    ("도민준 고용부 지역고용정책관은 설명했다.", ["도민준"]),
])
def test_a_ministry_official_before_a_ministry_and_a_title(tagger, text, names):
    got = [e.text for e in tagger(text).ents if e.label_ == "OFFICIAL"]
    assert got == names


def test_tiers_governments_took_in_a_row():
    from kgov_ner.pipeline.rules.award import find_awards

    text = "올해는 중구가 최우수를, 동래구와 남구가 우수를 받았다. 시는 평가 대상을 정했다."
    assert [text[c.start:c.end] for c in find_awards(text) if c.rule == "tier-taken"] == ["최우수", "우수"]
