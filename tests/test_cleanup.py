"""After the merge (pipeline/rules/cleanup.py): quoted programs kept whole, classes of
winners spoken of in general left untagged. Sentences written for these tests."""

from __future__ import annotations

from kgov_ner.pipeline.rules.cleanup import drop_award_classes, quoted_rule_programs, rejoin_quoted_programs


def _span(text: str, surface: str, label: str, nth: int = 0) -> tuple[int, int, str]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return (start, start + len(surface), label)


def test_a_quoted_program_cut_at_a_district_is_whole_again():
    text = "남구가 울산시의 ‘2022년 울산시 구·군 일자리 종합평가’에서 최우수상을 받았다."
    whole = _span(text, "2022년 울산시 구·군 일자리 종합평가", "PROGRAM")
    model = [_span(text, "남구", "DISTRICT"), _span(text, "울산시", "DISTRICT", 1),
             _span(text, "구·군 일자리 종합평가", "PROGRAM"), _span(text, "최우수상", "AWARD")]
    rules = quoted_rule_programs(text, [whole, _span(text, "울산시", "DISTRICT", 1)])
    assert rules == [whole]
    got = rejoin_quoted_programs(model, rules)
    assert whole in got
    assert _span(text, "울산시", "DISTRICT", 1) not in got
    assert _span(text, "남구", "DISTRICT") in got and _span(text, "최우수상", "AWARD") in got


def test_a_model_program_that_is_not_a_piece_of_the_quote_stays():
    text = "‘청년 일자리 박람회’와 ‘희망 두배 청년통장’ 사업"
    rules = [_span(text, "청년 일자리 박람회", "PROGRAM"), _span(text, "희망 두배 청년통장", "PROGRAM")]
    model = [_span(text, "희망 두배 청년통장", "PROGRAM")]
    assert rejoin_quoted_programs(model, rules) == model
    # a model span reaching outside the quotes is not replaced either
    outside = [(text.index("희망"), len(text), "PROGRAM")]
    assert rejoin_quoted_programs(outside, rules) == outside


def test_prize_lines_counted_choices_general_choices_and_goals_are_no_awards():
    text = ("광역 우수기관은 5억원, 기초 우수기관은 3억원씩이다. 행안부는 우수 기관 30곳을 골랐다. "
            "시는 최우수구와 우수구를 가린다. 광역 1곳과 기초 6곳을 우수 자치단체로 선정했다. 내년에는 최우수 기관에 도전하겠다.")
    spans = [_span(text, "우수기관", "AWARD"), _span(text, "5억원", "MONEY"),
             _span(text, "우수기관", "AWARD", 1), _span(text, "3억원", "MONEY"),
             _span(text, "우수 기관", "AWARD"), _span(text, "최우수구", "AWARD"), _span(text, "우수구", "AWARD", 1),
             _span(text, "우수 자치단체", "AWARD"), _span(text, "최우수 기관", "AWARD")]
    assert [s for s in drop_award_classes(text, spans) if s[2] == "AWARD"] == []


def test_tiers_stated_for_governments_stay():
    text = ("최우수에 나주시, 우수에 광양시가 뽑혔다. 우수시군이 7천만원씩 받는다. "
            "동구가 최우수 기관에 선정됐다. 우수 기관은 영광군이 차지해 시상금 3천만원을 받는다. "
            "서구가 장려상에 뽑혀 5백만원을 받는다.")
    spans = [_span(text, "최우수", "AWARD"), _span(text, "우수", "AWARD", 1), _span(text, "우수시군", "AWARD"),
             _span(text, "7천만원", "MONEY"), _span(text, "최우수 기관", "AWARD"), _span(text, "우수 기관", "AWARD", 1),
             _span(text, "영광군", "DISTRICT"), _span(text, "3천만원", "MONEY"), _span(text, "서구", "DISTRICT"),
             _span(text, "장려상", "AWARD"), _span(text, "5백만원", "MONEY")]
    spans.sort()
    assert drop_award_classes(text, spans) == spans


def test_counted_prize_lines_and_class_topics_are_classes():
    # the tier, its count or class noun, then the amount; or the class as the topic of an amount
    text = ("종합대상 두 곳에 각 2억원을 준다. 대통령상 한 곳에는 3억원이 간다. 최우수상 기관에 각 9천만원이 주어진다. "
            "장려상 수상 기관은 실적에 따라 최대 4천만원까지 나눠 받는다.")
    spans = [_span(text, "종합대상", "AWARD"), _span(text, "2억원", "MONEY"), _span(text, "대통령상", "AWARD"),
             _span(text, "3억원", "MONEY"), _span(text, "최우수상", "AWARD"), _span(text, "9천만원", "MONEY"),
             _span(text, "장려상", "AWARD"), _span(text, "4천만원", "MONEY")]
    assert [s for s in drop_award_classes(text, spans) if s[2] == "AWARD"] == []


def test_money_spoken_of_for_a_class_is_no_award_but_a_governments_own_is():
    text = ("장려상에는 시상금 없이 상장만 준다. 우수기관에 줄 교부세는 연말에 정한다. "
            "천안시는 최우수상 시상금 2천만 원과 함께 상패를 받았다. 구는 최우수구 인센티브로 1억원을 받는다.")
    spans = [_span(text, "장려상", "AWARD"), _span(text, "우수기관", "AWARD"), _span(text, "천안시", "DISTRICT"),
             _span(text, "최우수상", "AWARD"), _span(text, "2천만 원", "MONEY"), _span(text, "최우수구", "AWARD"),
             _span(text, "1억원", "MONEY")]
    kept = [t[0] for t in [(text[s:e], label) for s, e, label in drop_award_classes(text, spans)] if t[1] == "AWARD"]
    assert kept == ["최우수상", "최우수구"]


def test_an_award_the_model_cut_short_is_the_rules_whole_phrase():
    from kgov_ner.pipeline.rules.cleanup import extend_awards

    text = "최우수 기관은 광산구(시상금 7,000만원)가 차지했다."
    model = [(0, 3, "AWARD"), _span(text, "광산구", "DISTRICT")]
    rules = [(0, 6, "AWARD"), _span(text, "광산구", "DISTRICT")]
    assert extend_awards(model, rules) == [(0, 6, "AWARD"), _span(text, "광산구", "DISTRICT")]
    # not over another model span
    assert extend_awards([(0, 3, "AWARD"), (4, 6, "PROGRAM")], rules) == [(0, 3, "AWARD"), (4, 6, "PROGRAM")]


def test_a_counted_list_of_classes_and_a_tier_only_program_are_dropped():
    text = "시는 최우수구 1곳, 우수구 3곳, 장려구 2곳을 뽑았다. 특별교부세는 광역 최우수 5억원이다."
    spans = [_span(text, "최우수구", "AWARD"), _span(text, "우수구", "AWARD", 1), _span(text, "장려구", "AWARD"),
             _span(text, "광역 최우수", "PROGRAM"), _span(text, "5억원", "MONEY")]
    assert drop_award_classes(text, spans) == [_span(text, "5억원", "MONEY")]


def test_a_class_counted_as_it_is_picked_in_the_present_tense():
    text = "시는 해마다 최우수구 1곳과 우수구 3곳, 장려구 4곳을 고른다."
    spans = [_span(text, "최우수구", "AWARD"), _span(text, "우수구", "AWARD", 1), _span(text, "장려구", "AWARD")]
    assert drop_award_classes(text, spans) == []


def test_a_class_as_topic_then_how_many_hold_it():
    text = "최고 등급인 A등급은 전국에서 세 곳만 받았다. 기초 최우수 기관은 여섯 곳뿐이다. 동구는 우수 기관은 처음이다."
    spans = [_span(text, "A등급", "AWARD"), _span(text, "최우수 기관", "AWARD"), _span(text, "동구", "DISTRICT"),
             _span(text, "우수 기관", "AWARD", 1)]
    kept = [text[s:e] for s, e, label in drop_award_classes(text, spans) if label == "AWARD"]
    assert kept == ["우수 기관"]


def test_a_generic_phrase_for_an_evaluation_is_no_program_but_a_name_is():
    text = ("고용부 일자리 평가에서 최우수. 충북 시군 일자리 평가 결과 발표. ‘사회적경제 평가’ 설명회. "
            "전북 시군 고용 창출 실적평가에서 우수. 2020년 대전시 청년 일자리 성과평가에 참여.")
    spans = [_span(text, "고용부 일자리 평가", "PROGRAM"), _span(text, "충북 시군 일자리 평가", "PROGRAM"),
             _span(text, "사회적경제 평가", "PROGRAM"), _span(text, "전북 시군 고용 창출 실적평가", "PROGRAM"),
             _span(text, "2020년 대전시 청년 일자리 성과평가", "PROGRAM")]
    kept = [text[s:e] for s, e, _ in drop_award_classes(text, spans)]
    assert kept == ["사회적경제 평가", "전북 시군 고용 창출 실적평가", "2020년 대전시 청년 일자리 성과평가"]


def test_a_counted_class_before_money_words_is_no_award():
    text = "안행부, 우수 자치단체 14곳에 특별교부세 9억원"
    spans = [_span(text, "우수 자치단체", "AWARD"), _span(text, "9억원", "MONEY")]
    assert drop_award_classes(text, spans) == [_span(text, "9억원", "MONEY")]


def test_a_short_quote_the_model_cut_at_its_district_is_one_program_without_a_rule_span():
    text = "구는 ‘서구 청년 잇다 공방’을 열었고 ‘동구’ 주민도 찾았다."
    model = [_span(text, "서구", "DISTRICT"), _span(text, "청년 잇다 공방", "PROGRAM"), _span(text, "동구", "DISTRICT")]
    joined = rejoin_quoted_programs(model, quoted_rule_programs(text, []))
    assert joined == [_span(text, "서구 청년 잇다 공방", "PROGRAM"), _span(text, "동구", "DISTRICT")]


def test_a_model_span_of_a_korean_label_without_hangul_is_dropped_but_decomposed_hangul_stays():
    import unicodedata

    from kgov_ner.pipeline.rules.cleanup import latin_only

    text = "Press release. " + unicodedata.normalize("NFD", "송파구") + " K-Digital 교육"
    assert latin_only(text, (6, 13, "AWARD"))
    assert not latin_only(text, (15, 15 + len(unicodedata.normalize("NFD", "송파구")), "DISTRICT"))
    assert not latin_only(text, (text.index("K-"), text.index("K-") + 9, "PROGRAM"))


def test_a_tiers_holders_in_general_are_no_award_but_are_kept_aside_for_the_records():
    text = ("시는 S등급을 받은 구에 각 9천만 원을 준다. A등급 사업은 포상 없이 예산을 지킨다. "
            "C등급을 두 해 잇달아 받은 사업은 없어진다. B등급 이하 시군에는 컨설팅을 붙인다. "
            "우수상 19곳은 상장만 받는다. 종합대상은 광역 2억 원이다. 특별상은 포상금 없이 표창만 준다.")
    tiers = [("S등급", 0), ("A등급", 0), ("C등급", 0), ("B등급", 0), ("우수상", 0), ("종합대상", 0), ("특별상", 0)]
    spans = sorted([_span(text, t, "AWARD", n) for t, n in tiers]
                   + [_span(text, "9천만 원", "MONEY"), _span(text, "2억 원", "MONEY")])
    held: list = []
    kept = drop_award_classes(text, spans, held)
    assert [x for x in kept if x[2] == "AWARD"] == []
    # the holders are kept aside (not the prize lines and money words the older rules drop)
    assert {text[s:e] for s, e, _ in held} == {"S등급", "A등급", "C등급", "B등급", "우수상", "종합대상"}


def test_a_tier_with_its_winners_named_after_it_or_just_received_stays():
    text = ("S등급은 성동구 등 4곳이 받았다. 군수가 우수상을 받은 뒤 기념 촬영을 했다. "
            "우수상을 받은 두 곳에는 2천만원씩 돌아간다.")
    spans = sorted([_span(text, "S등급", "AWARD"), _span(text, "성동구", "DISTRICT"), _span(text, "우수상", "AWARD"),
                    _span(text, "우수상", "AWARD", 1), _span(text, "2천만원", "MONEY")])
    assert drop_award_classes(text, spans) == spans


def test_a_program_opening_with_a_conjunction_and_a_tiers_holders_after_the_giver_are_dropped():
    text = "고용률 개선, 목표 달성도 등 3개 분야 평가를 했다. 전라북도는 S등급을 받은 사업에 내년 사업비를 더 준다."
    spans = sorted([_span(text, "등 3개 분야 평가", "PROGRAM"), _span(text, "전라북도", "DISTRICT"),
                    _span(text, "S등급", "AWARD")])
    assert drop_award_classes(text, spans) == [_span(text, "전라북도", "DISTRICT")]
