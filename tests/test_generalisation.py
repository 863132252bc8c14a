"""The shapes issue 13 lists as failing, with sentences written for these tests:
the shipped tagger (rules + the CRF trained on the development corpus) gets
each entity of a row, and none of the entities a row forbids.

Two sentences per shape at least, so that no single string is what passes.
"""

import pytest

CASES = [
    # OFFICIAL: a name before a bare title, captions, parentheticals, offices between name and title
    ("최민호 시장은 “청년이 돌아오는 도시를 만들겠다”고 말했다.", [("최민호", "OFFICIAL")], []),
    ("조경희 시장이 시상식에 참석했다.", [("조경희", "OFFICIAL")], []),
    ("정태수(가운데) 광주 북구청장이 상패를 들어 보이고 있다.", [("정태수", "OFFICIAL")], []),
    ("문혜진(오른쪽) 대전 유성구청장이 상을 받고 있다.", [("문혜진", "OFFICIAL")], []),
    ("사진은 오세진 (왼쪽 두 번째) 부군수.", [("오세진", "OFFICIAL")], []),
    ("▲ 한동석 부산시 해운대구청장이 인사말을 하고 있다.", [("한동석", "OFFICIAL"), ("부산시", "DISTRICT")], []),
    ("윤지현 행정안전부 장관은 수상 자치단체를 격려했다.", [("윤지현", "OFFICIAL")], []),
    ("시상은 구민성 고용노동부 차관이 맡았다.", [("구민성", "OFFICIAL")], []),
    ("배상철 전라남도 행정부지사가 시상했다.", [("배상철", "OFFICIAL"), ("전라남도", "DISTRICT")], []),
    ("기념촬영(오른쪽에서 두 번째, 김민재 일자리경제국장)", [("김민재", "OFFICIAL")], ["PROGRAM"]),
    ("이 군수는 기쁨을 감추지 않았다.", [], ["OFFICIAL"]),
    ("전통 시장이 다시 살아났다.", [], ["OFFICIAL"]),
    # AWARD: bare tiers in lists, tier + 시군, institution prizes, issuer + prize
    ("상주시가 대상, 문경시와 예천군은 최우수상을 받았다.", [("대상", "AWARD"), ("최우수상", "AWARD")], []),
    ("고흥군이 농업 분야 최우수, 관광 분야 우수를 받았다.", [("최우수", "AWARD"), ("우수", "AWARD")], []),
    ("영광군은 최우수 시군으로 선정됐다.", [("최우수 시군", "AWARD")], []),
    ("화순군은 우수시군에 올랐다.", [("우수시군", "AWARD")], []),
    ("군은 기관 표창과 함께 5천만원을 받는다.", [("기관 표창", "AWARD"), ("5천만원", "MONEY")], []),
    ("시는 기관표창과 시상금 3천만원을 받았다.", [("기관표창", "AWARD")], []),
    ("진도군은 종합대상을 수상했다.", [("종합대상", "AWARD")], []),
    ("군은 2017년 우수, 2018년 최우수, 2019년 우수에 이어 올해도 상을 받았다.",
     [("최우수", "AWARD")], []),
    ("울진군은 행정안전부 장관 특별상을 받았다.", [("행정안전부 장관 특별상", "AWARD")], []),
    ("청년을 대상으로 교육을 연다.", [], ["AWARD"]),
    # PROGRAM: whole list items, unquoted evaluation names, a year before them, contest names ending in 대상
    ("구는 △청년이 돌아오는 농촌 만들기 △어르신이 즐거운 일터 조성 등을 추진했다.",
     [("청년이 돌아오는 농촌 만들기", "PROGRAM"), ("어르신이 즐거운 일터 조성", "PROGRAM")], []),
    ("시는 △엄마 손 반찬 가게 △청년이 여는 골목 상점 등 두 사업을 벌였다.",
     [("엄마 손 반찬 가게", "PROGRAM"), ("청년이 여는 골목 상점", "PROGRAM")], []),
    ("북구는 2022 지역고용센터 평가에서 우수기관에 뽑혔다.", [("2022 지역고용센터 평가", "PROGRAM")], []),
    ("달서구는 대구 구·군 고용 창출 실적평가에서 1위를 했다.", [("대구 구·군 고용 창출 실적평가", "PROGRAM")], []),
    ("김해시는 2020 전국 지방자치단체 일자리 대상에서 우수상을 받았다.",
     [("2020 전국 지방자치단체 일자리 대상", "PROGRAM"), ("우수상", "AWARD")], []),
    ("군은 ‘마을관리소’ 사업을 새로 시작했다.", [("마을관리소", "PROGRAM")], []),
]


@pytest.mark.parametrize("text, wanted, forbidden", CASES, ids=[c[0][:18] for c in CASES])
def test_issue_13_shapes(tagger, text, wanted, forbidden):
    got = [(e.text, e.label_) for e in tagger(text).ents]
    for item in wanted:
        assert item in got, f"{text!r}: {item} not in {got}"
    for label in forbidden:
        assert all(lab != label for _, lab in got), f"{text!r}: unexpected {label} in {got}"
