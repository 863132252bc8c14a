"""Award records (kgov_ner.records): sentence patterns, ties, dedup, CLI, gold table."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kgov_ner.cli import eval as eval_cli
from kgov_ner.cli import main as cli
from kgov_ner.cli import output
from kgov_ner.evaluation import predict
from kgov_ner.records.extract import COLUMNS, extract_records
from kgov_ner.records.score import government_key, program_match_key, score_records
from kgov_ner.records.table import read_records_csv, write_csv

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SRC = ROOT / "src"
GOLD_CSV = SEEDS / "records_gold.csv"


@pytest.fixture(scope="module")
def records(tagger):
    def get(text: str, file: str = "") -> list[dict]:
        return extract_records(tagger(text), file=file)

    return get


def by_district(rows: list[dict]) -> dict[str, dict]:
    out = {}
    for r in rows:
        assert r["district"] not in out, f"two rows for {r['district']}: {rows}"
        out[r["district"]] = r
    return out


# ---------------------------------------------------------------------------
# lists
# ---------------------------------------------------------------------------


def test_tier_followed_by_e_distributes_to_the_districts_after_it(records):
    rows = records("부산시 평가 결과 최우수구에 해운대구, 우수구에 수영구, 동래구, 남구가 선정됐다.")
    got = {r["district"]: (r["tier"], r["rank"]) for r in rows}
    assert got == {"해운대구": ("최우수", 1), "수영구": ("우수", 2), "동래구": ("우수", 2), "남구": ("우수", 2)}
    assert {r["district_name"] for r in rows} >= {"부산광역시 해운대구", "부산광역시 남구"}
    assert "부산시" not in got  # the evaluator is no awardee


def test_three_tiers_in_one_list(records):
    rows = records(
        "광주시 평가 결과 최우수구에 광산구, 우수구에 서구, 북구, 노력구에 남구, 동구가 선정됐다."
    )
    got = {r["district"]: r["tier"] for r in rows}
    assert got == {"광산구": "최우수", "서구": "우수", "북구": "우수", "남구": "노력", "동구": "노력"}


def test_districts_before_a_tier_with_ro(records):
    rows = records("대구시 평가에서 수성구가 최우수구로 선정됐으며 달서구, 북구 및 중구가 우수구로 뽑혔다.")
    got = {r["district"]: r["tier"] for r in rows}
    assert got == {"수성구": "최우수", "달서구": "우수", "북구": "우수", "중구": "우수"}


def test_tier_before_a_relative_clause(records):
    rows = records("최우수구로 선정된 은평구는 가장 높은 점수를 받았다.")
    assert [(r["district"], r["tier"]) for r in rows] == [("은평구", "최우수")]


def test_each_amount_goes_to_every_listed_district(records):
    rows = records(
        "인천시 평가에서 연수구 남동구 부평구 계양구 등 4개 자치구가 우수구로 선정됐으며 "
        "각 5000만원의 인센티브를 받는다."
    )
    assert {r["district"]: r["krw"] for r in rows} == {
        "연수구": 50000000, "남동구": 50000000, "부평구": 50000000, "계양구": 50000000,
    }
    assert {r["tier"] for r in rows} == {"우수"}


def test_tier_named_in_the_previous_sentence(records):
    rows = records(
        "경기도는 올해 일자리 평가 결과 우수기관 3곳을 발표했다. "
        "수원시, 화성시, 안산시 등 3개 시가 선정됐으며 각 1억원의 시상금을 받는다."
    )
    assert {r["district"]: (r["tier"], r["krw"]) for r in rows} == {
        "수원시": ("우수", 100000000), "화성시": ("우수", 100000000), "안산시": ("우수", 100000000),
    }


# ---------------------------------------------------------------------------
# fields
# ---------------------------------------------------------------------------


def test_official_and_streak_from_the_parenthesis(records):
    rows = records("제천시(시장 김창규)가 ‘2023년 충북 일자리 평가’에서 10년 연속 최우수상을 받았다.")
    (r,) = rows
    assert (r["district"], r["district_name"]) == ("제천시", "충청북도 제천시")
    assert (r["tier"], r["award"], r["official"], r["streak"]) == ("최우수", "최우수상", "김창규", 10)
    assert (r["program"], r["year"]) == ("충북 일자리", 2023)


def test_official_named_elsewhere_in_the_document(records):
    (r,) = records("고창군이 고용노동부 평가에서 장관상을 받았다. 심덕섭 고창군수는 감사하다고 말했다.")
    assert (r["district"], r["tier"], r["official"]) == ("고창군", "장관", "심덕섭")


def test_official_of_another_district_is_not_joined(records):
    (r,) = records("완주군이 우수기관으로 선정됐다. 이날 시상식에는 우범기 전주시장이 참석했다.")
    assert r["district"] == "완주군" and r["official"] is None


def test_streak_with_earlier_years_listed(records):
    (r,) = records("광주 광산구가 2020년, 2021년에 이어 3년 연속 우수구에 선정됐다.")
    assert r["streak"] == 3
    assert r["year"] is None  # 2020/2021 are the earlier awards, not this one


def test_streak_stays_with_its_own_award(records):
    rows = by_district(records("춘천시는 3년 연속 우수기관에 선정됐으며, 원주시와 강릉시는 장려상을 받았다."))
    assert (rows["춘천시"]["tier"], rows["춘천시"]["streak"]) == ("우수", 3)
    assert (rows["원주시"]["tier"], rows["원주시"]["streak"]) == ("장려", None)
    assert (rows["강릉시"]["tier"], rows["강릉시"]["streak"]) == ("장려", None)


def test_krw_tied_in_the_same_clause(records):
    (r,) = records("해남군이 전남도 평가에서 우수기관으로 선정돼 3000만원의 포상금을 받는다.")
    assert r["krw"] == 30000000


def test_krw_not_tied_to_spending_or_another_district(records):
    (r,) = records("영암군이 전남도 평가에서 우수기관으로 선정됐다. 영암군은 올해 예산 50억원을 들여 청사를 고쳤다.")
    assert r["krw"] is None
    (r,) = records("마포구가 우수구로 선정됐다. 한편 서대문구는 인센티브 8000만원을 받았다.")
    assert r["krw"] is None
    (r,) = records("강북구가 우수구로 선정됐으며 시는 자치구 일자리 사업에 총 5억원을 지원한다.")
    assert r["krw"] is None


def test_a_group_total_is_not_each_districts_amount(records):
    rows = records("성북구, 강북구, 강남구가 우수구로 선정돼 모두 2억4000만원을 받는다.")
    assert len(rows) == 3 and all(r["krw"] is None for r in rows)


def test_no_award_no_row(records):
    assert records("성북구는 일자리 박람회를 열었다. 강남구는 취업경진대회를 개최했다.") == []


# ---------------------------------------------------------------------------
# dedup, offsets
# ---------------------------------------------------------------------------


def test_headline_and_body_become_one_row(records):
    text = (
        "노원구, 일자리 평가 3년 연속 우수구\n\n"
        "노원구(구청장 오승록)는 서울시가 발표한 ‘2022년 서울 일자리 평가’에서 3년 연속 우수구로 "
        "선정됐다고 밝혔다. 구는 이번 평가로 5000만원의 인센티브를 받는다."
    )
    (r,) = records(text, file="x.txt")
    assert r["file"] == "x.txt"
    assert (r["district"], r["tier"], r["streak"], r["official"]) == ("노원구", "우수", 3, "오승록")
    assert (r["program"], r["year"], r["krw"]) == ("서울 일자리", 2022, 50000000)
    # the first mention's sentence: the headline
    assert (r["sent_start"], r["sent_end"]) == (0, text.index("\n"))


def test_headline_with_a_reworded_program_name_is_the_same_award(records):
    text = (
        "수성구, 행정안전부 지역 일자리 공시제 평가 ‘대상’\n\n특별교부세 2억 원 받는다\n\n"
        "대구 수성구(구청장 김대권)는 행정안전부가 실시한 ‘2021년 지역 일자리 목표 공시제 평가’에서 "
        "대상을 받았다고 8일 밝혔다."
    )
    (r,) = records(text)
    assert (r["tier"], r["program"], r["year"]) == ("대상", "지역 일자리 목표 공시제", 2021)
    assert (r["krw"], r["official"]) == (200000000, "김대권")  # the sub-headline's amount, page about one district


def test_same_district_different_tiers_stay_apart(records):
    rows = records("동작구가 일자리 평가에서 최우수구로 선정됐다. 동작구는 복지 평가에서도 우수구로 선정됐다.")
    assert sorted(r["tier"] for r in rows) == ["우수", "최우수"]


def test_sentence_offsets_point_at_the_sentence(records):
    text = "구청 소식입니다. 대구시 평가에서 수성구가 최우수구로 선정됐다."
    (r,) = records(text)
    assert text[r["sent_start"]:r["sent_end"]] == "대구시 평가에서 수성구가 최우수구로 선정됐다."


# ---------------------------------------------------------------------------
# the shapes of issue 15 (sentences written for these tests)
# ---------------------------------------------------------------------------


def test_each_after_a_list_distributes_the_money(records):
    rows = records("창원시, 진주시, 통영시도 각각 장려상을 받아 시상금 3천만원을 받았다.")
    assert {r["district"]: (r["tier"], r["krw"]) for r in rows} == {
        "창원시": ("장려", 30000000), "진주시": ("장려", 30000000), "통영시": ("장려", 30000000),
    }


def test_money_in_the_next_sentence_goes_to_the_carried_subject(records):
    (r,) = records("먼저 충주시는 대상을 받았다. 부상으로 시상금 1억원도 받았다.")
    assert (r["district"], r["tier"], r["krw"]) == ("충주시", "대상", 100000000)


def test_these_districts_each_carry_the_group_across_sentences(records):
    rows = records("부산시 평가에서 사하구와 금정구가 우수구로 선정됐다. 이들 자치구는 각각 인센티브 4천만원을 받는다.")
    assert {r["district"]: r["krw"] for r in rows} == {"사하구": 40000000, "금정구": 40000000}


def test_winners_referred_to_by_their_number(records):
    rows = records(
        "충북도는 우수기관에 충주시와 제천시, 노력상에 괴산군을 각각 선정했다. "
        "두 시에는 5천만원씩, 괴산군에는 2천만원이 주어진다."
    )
    assert {r["district"]: (r["tier"], r["krw"]) for r in rows} == {
        "충주시": ("우수", 50000000), "제천시": ("우수", 50000000), "괴산군": ("노력", 20000000),
    }


def test_amounts_by_tier_in_a_sentence_naming_no_government(records):
    text = (
        "주요 수상 결과\n"
        " ㅇ 최우수상: 광역 충청남도, 기초 전남 여수시\n"
        " ㅇ 우수상: 경북 안동시\n\n"
        "최우수상 두 곳에 각 2억원, 우수상을 받은 한 곳에는 7천만원이 지원된다."
    )
    rows = records(text)
    assert {r["district_name"]: (r["tier"], r["krw"]) for r in rows} == {
        "충청남도": ("최우수", 200000000), "전라남도 여수시": ("최우수", 200000000), "경상북도 안동시": ("우수", 70000000),
    }


def test_the_evaluation_named_in_the_lead_not_the_project_the_district_ran(records):
    text = (
        "구미시, 청년 일자리 평가 최우수\n\n"
        "경상북도가 시군을 대상으로 벌인 ‘2022년 경북 청년 일자리 평가’ 결과가 나왔다.\n\n"
        "구미시는 ‘구미 스마트공장 인재 양성’ 사업으로 최우수상을 받았다."
    )
    (r,) = records(text)
    assert (r["district"], r["tier"], r["program"], r["year"]) == ("구미시", "최우수", "경북 청년 일자리", 2022)


def test_year_from_the_dateline_when_the_text_says_this_year(records):
    (r,) = records("입력 2021.05.03 10:20\n\n양산시가 올해 일자리 평가에서 우수상을 받았다.")
    assert (r["district"], r["year"]) == ("양산시", 2021)


def test_year_from_the_program_name_named_elsewhere(records):
    text = (
        "‘2023 전국 지방자치단체 일자리대상’ 시상식이 열렸다.\n\n"
        "청주시는 일자리대상에서 장려상을 받았다."
    )
    (r,) = records(text)
    assert (r["district"], r["tier"], r["year"]) == ("청주시", "장려", 2023)


def test_a_place_is_not_a_winner(records):
    rows = records("보령시는 20일 세종시에서 열린 시상식에서 우수기관으로 선정됐다.")
    assert [(r["district"], r["tier"]) for r in rows] == [("보령시", "우수")]


def test_past_wins_cited_for_a_streak_are_not_rows(records):
    rows = records("서산시는 2019년 장려, 2020년 우수에 이어 올해 최우수를 받아 3년 연속 수상했다.")
    assert [(r["district"], r["tier"], r["streak"]) for r in rows] == [("서산시", "최우수", 3)]


def test_one_win_named_two_ways_is_one_row_with_the_rank(records):
    rows = records("논산시는 우수상(고용노동부 장관상)을 받아 인센티브 5천만원을 받는다.")
    assert [(r["district"], r["tier"], r["krw"]) for r in rows] == [("논산시", "우수", 50000000)]


def test_an_upper_government_wins_in_its_own_category(records):
    rows = records("경남에서는 김해시가 특별상을, 경상남도가 광역 부문 우수상을 각각 받았다.")
    assert {r["district_name"]: r["tier"] for r in rows} == {"경상남도 김해시": "특별", "경상남도": "우수"}


def test_records_score_compares_governments_and_programs_by_key():
    gold = [
        {"file": "a.txt", "district_name": "강원도 홍천군", "tier": "우수", "program": "‘2014년 시군 일자리 창출 평가’"},
        {"file": "a.txt", "district_name": "인천광역시 남구", "tier": "장려", "program": "제3회 지자체 일자리 대상"},
    ]
    pred = [
        {"file": "a", "district_name": "강원특별자치도 홍천군", "tier": "우수", "program": "시군 일자리 창출"},
        {"file": "a", "district_name": "인천광역시 미추홀구", "tier": "장려", "program": "지방자치단체 일자리대상"},
    ]
    s = score_records(gold, pred)
    assert (s["tp"], s["fp"], s["fn"]) == (2, 0, 0)
    assert s["fields"]["program"]["acc"] == 1.0
    assert government_key("충청북도 청원군") == "충청북도 청원군"  # merged, not renamed: stays itself
    assert program_match_key("시군 일자리 평가") != program_match_key("시군 복지 평가")


def test_gold_table_has_the_columns():
    with open(GOLD_CSV, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        assert tuple(next(reader)) == COLUMNS
        for row in reader:
            assert len(row) == len(COLUMNS)
            assert (SEEDS / row[0]).is_file()


def test_score_records_by_hand():
    gold = [
        {"file": "a.txt", "district_name": "X구", "tier": "우수", "year": 2019, "krw": 5, "program": "가 나"},
        {"file": "a.txt", "district_name": "Y구", "tier": "우수", "year": None},
    ]
    pred = [
        {"file": "dir/a.txt", "district_name": "X구", "tier": "우수", "year": 2019, "krw": None, "program": "가나"},
        {"file": "a", "district_name": "Z구", "tier": "우수"},
    ]
    s = score_records(gold, pred)
    assert (s["tp"], s["fp"], s["fn"]) == (1, 1, 1)
    assert s["fields"]["program"]["acc"] == 1.0  # spacing does not count
    assert s["fields"]["year"]["acc"] == 1.0
    assert s["fields"]["krw"]["acc"] == 0.0


def test_eval_prints_and_jsons_the_records_score(tagger, monkeypatch, capsys):
    monkeypatch.setattr(predict, "_tagger", lambda: tagger)
    args = argparse.Namespace(gold=str(SEEDS / "gold.jsonl"), records=str(GOLD_CSV), mode="body")
    assert eval_cli.run(args) == 0
    text = capsys.readouterr().out
    assert text.index("records vs") > text.index("== body")
    assert "field accuracy on matched rows:" in text
    args.json = True
    assert eval_cli.run(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["records"]["tp"] > 0 and set(data["records"]["fields"]) >= {"program", "krw"}
    assert "in_sample" in data["records"]


def test_eval_records_unreadable_gold(tagger, monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(predict, "_tagger", lambda: tagger)
    args = argparse.Namespace(gold=str(SEEDS / "gold.jsonl"), records=str(tmp_path / "nope.csv"), mode="body")
    assert eval_cli.run(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nope.csv" in err[0]


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------

AWARD_TEXT = "대구시 평가에서 수성구가 최우수구로 선정됐으며 달서구, 북구 및 중구가 우수구로 뽑혔다.\n"
OTHER_TEXT = "해남군이 전남도 평가에서 우수기관으로 선정돼 3000만원의 포상금을 받는다.\n"


@pytest.fixture
def inputs(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "b.txt").write_text(OTHER_TEXT, encoding="utf-8")
    (d / "a.txt").write_text(AWARD_TEXT, encoding="utf-8")
    (d / "notes.md").write_text("수성구가 최우수구로 선정됐다.", encoding="utf-8")
    return d


@pytest.fixture
def fast_cli(tagger, monkeypatch):
    monkeypatch.setattr(output, "load_tagger", lambda keep_boilerplate=False: tagger)


def test_cli_csv_from_a_directory(inputs, fast_cli, capsys):
    assert cli.main(["records", str(inputs)]) == 0
    out = capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert tuple(rows[0].keys()) == COLUMNS
    files = [os.path.basename(r["file"]) for r in rows]
    assert files == ["a.txt"] * 4 + ["b.txt"]  # sorted, *.txt only
    assert rows[-1]["krw"] == "30000000" and rows[0]["official"] == ""


def test_cli_jsonl(inputs, fast_cli, capsys):
    assert cli.main(["records", "--format", "jsonl", str(inputs / "b.txt")]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert list(row) == list(COLUMNS)
    assert row["district"] == "해남군" and row["krw"] == 30000000 and row["year"] is None


def test_cli_output_file_excel_bom_and_missing_file(inputs, fast_cli, tmp_path, capsys):
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    status = cli.main(["records", str(inputs / "a.txt"), str(tmp_path / "missing.txt"),
                       str(inputs / "b.txt"), "--excel", "-o", str(target)])
    assert status == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "missing.txt" in err[0]
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == 5  # the other files still ran
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.csv")] == []  # no temp file left


def test_cli_without_excel_has_no_bom(inputs, fast_cli, tmp_path):
    target = tmp_path / "out.csv"
    assert cli.main(["records", str(inputs / "b.txt"), "-o", str(target)]) == 0
    assert target.read_bytes().startswith(b"file,district,")


def test_cli_csv_opens_in_pandas(inputs, fast_cli, tmp_path):
    pd = pytest.importorskip("pandas")
    target = tmp_path / "out.csv"
    assert cli.main(["records", str(inputs), "--excel", "-o", str(target)]) == 0
    frame = pd.read_csv(target, encoding="utf-8-sig")
    assert list(frame.columns) == list(COLUMNS)
    assert len(frame) == 5


def test_write_csv_quotes_commas_and_newlines():
    buf = io.StringIO(newline="")
    write_csv(buf, [{"file": "a,b.txt", "award": "우수\n상", "krw": None}])
    rows = list(csv.reader(io.StringIO(buf.getvalue(), newline="")))
    assert rows[1][0] == "a,b.txt" and rows[1][5] == "우수\n상" and rows[1][8] == ""


def test_cli_as_a_user_runs_it(tmp_path):
    """A subprocess: stdin, a missing file, --excel on standard output."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, "-m", "kgov_ner", "records", "-", str(tmp_path / "missing.txt"), "--excel"],
        input=OTHER_TEXT.encode("utf-8"), capture_output=True, env=env, timeout=600,
    )
    assert proc.returncode == 2
    assert b"Traceback" not in proc.stderr
    err = proc.stderr.decode("utf-8").strip().splitlines()
    assert len(err) == 1 and "missing.txt" in err[0]
    assert proc.stdout.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(proc.stdout.decode("utf-8-sig"), newline="")))
    assert [(r["file"], r["district"], r["krw"]) for r in rows] == [("<stdin>", "해남군", "30000000")]


def test_cli_directory_without_txt_files(tmp_path, fast_cli, capsys):
    (tmp_path / "x.md").write_text("x", encoding="utf-8")
    assert cli.main(["records", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out.startswith("file,district,")
    assert len(captured.err.strip().splitlines()) == 1
