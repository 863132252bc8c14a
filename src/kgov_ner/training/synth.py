"""Template sentences written for the project, filled from the gazetteers.

The seeds name a handful of Seoul districts and people; the model must not
learn those strings. These templates put every kind of district, invented
names, amounts, tiers and program names into the contexts the guideline
describes (and the negatives it lists), so the model learns the patterns.
Generation is seeded: the same call gives the same records.
"""

from __future__ import annotations

import random
import re

from kgov_ner.resources.gazetteer import default_gazetteer
from kgov_ner.resources.lexicon import word_list

# Slots: {D} district, {D2} another district, {R} region word before a district,
# {N} person name, {T} title of a district head, {M} amount, {A} tier award,
# {P} quoted program name (marks outside the slot), {Y} year.
# Entity slots are wrapped as [[slot]] to be labelled; plain {x} are context only.
TEMPLATES = [
    "[[D]]{은는} ‘[[P]]’ 평가에서 [[A]]{으로로} 선정됐다고 {day}일 밝혔다.",
    "[[D]]({T} [[N]]){이가} ‘[[P]]’에서 [[A]]에 선정돼 인센티브 [[M]]{을를} 받는다.",
    "[[N]] [[D-head]]{은는} “주민과 함께 이룬 성과”라고 말했다.",
    "이번 평가에서 [[Atier]]에 [[D]], [[Atier2]]에 [[D2]]{이가} 이름을 올렸다.",
    "{R} [[D]]{은는} {Y}년에 이어 {k}년 연속 [[Atier]]{으로로} 뽑혔다.",
    "[[D]]{은는} 이번 선정으로 [[M]]의 사업비를 확보했다.",
    "[[D]]{과와} [[D2]] 등 {k}개 지자체가 선정됐으며 각 [[M]]{을를} 지원받는다.",
    "[{press} {reporter} 기자] [[D]]{이가} ‘[[P]]’ 공모에 선정됐다.",
    "[[D]]{은는} 청년을 대상으로 취업박람회를 열고 우수사례를 공유했다.",
    "[[D]] 일자리경제과는 업무협약을 맺고 주민 {k}만 명에게 정보를 알렸다.",
    "[[N]] [[D]] 일자리정책관은 “좋은 일자리를 늘리겠다”고 했다.",
    "[[D]]{은는} 「[[P]]」에서 [[A]]{을를} 수상했다.",
    "총 [[M]] 규모의 ‘[[P]]’{이가} 올해 처음 시행된다.",
    "{R} [[D]]({T} [[N]]){은는} {Y}년 ‘[[P]]’ 결과를 발표했다.",
    "[[D]]{은는} 성과 평가 결과 [[A]]{을를} 받아 [[M]]{을를} 확보했다.",
    "▲ [[Plist]] ▲ [[Plist2]] 등 다양한 사업을 추진했다.",
    "구는 지난 {k}월 일자리 {k}천여 곳을 발굴했고 [[A]]의 영예를 안았다.",
    "[[D]]민과 [[D-head]] 직원들이 함께 봉사활동을 펼쳤다.",
    "[[D]] 관계자는 “[[Atier]] 선정은 주민 덕분”이라고 전했다.",
    "{press}={reporter} 기자 / [[D]]{은는} [[M]]{을를} 들여 일자리센터를 새로 열었다.",
    "{Y}년 평가에서 [[D]]{이가} 우수한 성적을 거뒀다.",
    "[[D]]{은는} 우수인재 {k}명을 뽑아 [[M]]씩 지원한다.",
    # A headline names the program by its core word, the body in full.
    "[[D]], [[Pcore]] 앞장서며 ‘{k}년 연속 [[Abare]]’ 선정\n\n[[D]]{은는} ‘{Y}년 [[Pfull]]’ 평가에서 {k}년 연속 [[Atier]]{으로로} 선정됐다.",
    "[[D]], [[Pcore]] 평가 {k}년 연속 [[Atier]] 선정\n\n[[Pfull]] 평가는 시와 자치구가 함께 한다.",
]

_PROGRAM_PARTS = (
    ["희망", "청년", "상생", "행복", "스마트", "신중년", "혁신", "동행", "미래", "공공", "사회적경제", "마을"],
    ["일자리", "취업", "창업", "일터", "고용", "인재", "직무체험"],
    ["만들기", "지원사업", "프로젝트", "박람회", "아카데미", "경진대회", "평가", "사업", "프로그램", "페스티벌"],
)
_TIER_FORMS = ["최우수구", "우수구", "장려구", "모범구", "노력구", "우수 자치구", "최우수기관", "우수기관", "우수 기관"]
_AWARD_FORMS = ["최우수구", "우수구", "장려구", "모범구", "노력구", "우수 자치구", "최우수기관", "우수기관",
                "최우수상", "우수상", "장려상", "특별상", "S등급", "A등급", "대상", "장관상", "대통령 표창"]
_GIVEN = "민서준지우현하윤도영수진태호성은채경희정훈재석혜선미연동규병철"
_PRESS = ["한빛일보", "새날신문", "누리뉴스", "바른경제", "오늘타임즈"]


def _name(rng: random.Random) -> str:
    surnames = [s for s in word_list("surnames.txt") if len(s) == 1]
    return rng.choice(surnames[:40]) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice([1, 2, 2, 2])))


def _money(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return f"{rng.randrange(1, 99) * 100}만 원"
    if kind == 1:
        return f"{rng.randrange(1, 9)}억 {rng.randrange(1, 9) * 1000}만원"
    if kind == 2:
        return f"{rng.randrange(1, 9)}억 {rng.randrange(1, 9)}천여만 원"
    if kind == 3:
        return f"{rng.randrange(1, 9)},{rng.randrange(0, 9)}00만원"
    if kind == 4:
        return f"{rng.randrange(2, 99)}억"
    return rng.choice(["오천만 원", "삼천만 원", "일억 원", "이천오백만 원"])


def _core(rng: random.Random) -> str:
    """The distinctive core of a program name: 희망일자리-like compounds."""
    return rng.choice(_PROGRAM_PARTS[0]) + rng.choice(["일자리", "일터", "취업", "고용"])


def _program(rng: random.Random) -> str:
    a, b, c = (rng.choice(p) for p in _PROGRAM_PARTS)
    prefix = rng.choice(["", "", f"{rng.randrange(2012, 2026)}년 "])
    return f"{prefix}{a} {b} {c}"


def generate(n: int = 400, seed: int = 13) -> list[dict]:
    """``n`` records in the gold format (``id``, ``text``, ``label``)."""
    rng = random.Random(seed)
    gaz = default_gazetteer()
    lower = [d for d in gaz if not d.is_upper and d.status in ("current", "new2026")]
    regions = list(gaz.region_words())
    records = []
    for k in range(n):
        template = TEMPLATES[k % len(TEMPLATES)]
        d1, d2 = rng.sample(lower, 2)
        region = rng.choice(regions)
        head = {"gu": "구청장", "si": "시장", "gun": "군수"}.get(d1.level, "시장")
        same_region = [w for w, up in gaz.region_words().items() if up.name == d1.parent] or regions
        values = {
            "D": d1.name, "D2": d2.name, "N": _name(rng), "M": _money(rng),
            "A": rng.choice(_AWARD_FORMS), "Atier": rng.choice(_TIER_FORMS), "Atier2": rng.choice(_TIER_FORMS),
            "P": _program(rng), "Plist": _program(rng), "Plist2": _program(rng),
            # 강북구 → 강북구청장, 경산시 → 경산시장, 장성군 → 장성군수
            "D-head": d1.name[:-1] + head,
        }
        region_word, core, head_word = rng.choice(regions), _core(rng), rng.choice(["만들기", "지원사업", "프로젝트"])
        values["Pcore"] = core
        values["Pfull"] = f"{region_word} {core} {head_word}"
        values["Abare"] = rng.choice(["우수", "최우수", "장려"])
        context = {"day": rng.randrange(1, 29), "R": rng.choice(same_region), "Y": rng.randrange(2012, 2025),
                   "k": rng.randrange(2, 9), "T": head, "press": rng.choice(_PRESS), "reporter": _name(rng)}
        text, labels = _fill(template, values, context)
        records.append({"id": f"synth-{k:04d}", "text": text, "label": labels})
    return records


_SLOT_LABEL = {"D": "DISTRICT", "D2": "DISTRICT", "N": "OFFICIAL", "M": "MONEY", "A": "AWARD",
               "Atier": "AWARD", "Atier2": "AWARD", "P": "PROGRAM", "Plist": "PROGRAM", "Plist2": "PROGRAM",
               "Pcore": "PROGRAM", "Pfull": "PROGRAM", "Abare": "AWARD", "D-head": None}
_SLOT = re.compile(r"\[\[([A-Za-z0-9-]+)\]\]|\{([A-Za-z]+|은는|이가|을를|과와|으로로)\}")
_JOSA = {"은는": ("은", "는"), "이가": ("이", "가"), "을를": ("을", "를"), "과와": ("과", "와"), "으로로": ("으로", "로")}


def _josa(previous: str, pair: str) -> str:
    """The particle form that fits the final sound of ``previous`` (송파구는, 마포구청장은)."""
    last = previous.rstrip("’”」』)")[-1:]
    if not ("가" <= last <= "힣"):
        return _JOSA[pair][0]
    final = (ord(last) - 0xAC00) % 28
    if pair == "으로로":
        return "로" if final in (0, 8) else "으로"
    return _JOSA[pair][0] if final else _JOSA[pair][1]


def _fill(template: str, values: dict, context: dict) -> tuple[str, list]:
    out, labels, pos = [], [], 0
    length = 0
    for m in _SLOT.finditer(template):
        literal = template[pos:m.start()]
        out.append(literal)
        length += len(literal)
        if m.group(1):
            slot = m.group(1)
            value = values[slot]
            label = _SLOT_LABEL[slot]
            # 구민/시민 after a district is a fused word: no entity there.
            fused = template[m.end():m.end() + 1] == "민"
            if label and not fused:
                labels.append([length, length + len(value), label])
        elif m.group(2) in _JOSA:
            value = _josa("".join(out), m.group(2))
        else:
            value = str(context[m.group(2)])
        out.append(value)
        length += len(value)
        pos = m.end()
    out.append(template[pos:])
    return "".join(out), labels
