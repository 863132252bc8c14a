"""Award records: from tagged entities to the table "which government won what".

:func:`extract_records` turns one tagged Doc into rows, one per (district,
award) that the text states, with the columns of :data:`COLUMNS`:

``file``
    the name the caller gives (the CLI: the path as given).
``district`` / ``district_name``
    the DISTRICT surface form and its normalised full name (``None`` when
    the name is ambiguous; the surface then stands in for matching).
``tier`` / ``rank`` / ``award``
    the AWARD norm's canonical tier and rank, and the AWARD surface.
``program`` / ``year``
    the normalised name of the PROGRAM the sentence names (the nearest one,
    preferring one before the award), or failing that the document's main
    program (the one most named in the sentences that state awards); a
    short mention (희망일자리) is replaced by the longest program of the
    document that contains it (서울 희망일자리 만들기), and an undated
    headline name (전남 일자리 평가) by the dated formal name it agrees with
    (2024년 전라남도 시군 일자리 창출 평가).  ``year`` is the
    program mention's year, else a year the sentence states (``2019년``;
    years listed before ``에 이어``/``부터``/``까지`` are history, not the
    award's year), else the year the document gives that program.
``krw``
    an amount tied to that district: a MONEY in the same sentence whose
    nearest preceding awardee is the district (no other government named as
    a subject in between), a distributed amount (``각 8000만원``,
    ``8000만원씩``) for each member of a listed group, or an award-money
    sentence (인센티브, 지원금, 상금 …) naming the district or, on a page about
    one district, no district at all.  A total for a group (``모두 2억원``) and
    spending (``50억원을 들여``, ``50억 규모``) are not tied.
``streak``
    ``4년 연속`` → 4 (also ``N회 연속``), the one nearest the award in its sentence.
``official``
    the head of that district (구청장, 군수, 시장, 도지사) named anywhere in the
    document: an OFFICIAL whose norm ``district`` is the row's district, or
    one named by a bare title (``최문섭 지사는``) when a single awardee of the
    page is of the level that title heads.
``sent_start`` / ``sent_end``
    character offsets of the sentence stating the award (whitespace trimmed,
    cut at the end of the article body).

Who gets an award, sentence by sentence (districts separated only by ``,``
``·`` ``및`` ``와/과`` or spaces form a *group*):

1. a tier followed by 에/에는/은/는 (or only a colon/space) distributes to the
   group right after it: ``최우수구에 마포구, 우수구에 성북구, 강북구`` — each
   tier holds until the next one;
2. a tier followed by a relative verb gives it to the group right after it:
   ``최우수구로 선정된 마포구는``;
3. otherwise the tier goes to the nearest group before it not yet given a
   tier: ``마포구가 최우수구로 선정됐으며 성북구, 강북구 및 강남구가 우수구로``;
4. failing that, to the sentence's only district; a sentence that names no
   district (``구는 …``, a sub-headline) gives it to the page's district
   when the page is about one district.

An upper-level government (서울시, 경기도) is never an awardee when the page
names a district under it: there it is the evaluator, unless the award is
stated for the upper class (``광역자치단체 부문 최우수상``, ``광역 부문
우수기관 : 대전시``), which only a 시·도 can hold (``기초 부문`` only a 시·군·구;
prize lines by class, ``광역 우수 3억원, 기초 우수 1억원``, likewise).  A tier whose head
names a level (우수구, 최우수군) only goes to districts of that level.  A
sentence naming a tier but no awardee, on a page about several districts,
hands the tier to the next sentence if that one selects a group without
naming a tier (``… 우수구 4곳을 선정했다. 강동구 구로구 … 등 4개 자치구가
선정됐으며``).

Deduplication: rows of one document with the same district and tier, years
that agree (or one missing) and programs that agree are one row.  Programs
agree when one is missing, one name contains the other, the words of one are
a subset of the other's, or at least half of all their words are shared
(headlines shorten and reword: 경남 일자리 / 경남 청년 일자리 만들기); two
rows with the same streak also agree whatever their program names (``4년
연속``: one award, as 시·구 공동협력사업 and 서울 희망일자리 만들기 name it).
The first mention keeps its sentence offsets; missing fields are filled from
later mentions; of two program names the dated one (the formal name the lead
quotes with its year) is kept, then the one named more often.

Money a sentence leaves open is tied after the sentences are read: prize
schedules by tier, class (광역/기초) or population group (``가 그룹 최우수
2억원``), tables of amounts per winner by class and tier, and, for one
government with two wins, the amount after words of one of them (``일자리
평가 8천만 원, 사회적경제 평가 3천만 원``).  Tiers the tagger dropped as a class's
holders in general (``S등급을 받은 구에 각 1억원``; ``doc.spans["kgov_class_tiers"]``)
are read as schedule lines, not awards.

Everything is rule-based over the entities, their norms and the text between
them; no names of particular governments or programs are built in.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Sequence

from kgov_ner.pipeline.rules.cleanup import is_counted_choice
from kgov_ner.pipeline.spans import trim_span
from kgov_ner.pipeline.tokenizer import sentences
from kgov_ner.pipeline.rules.official import HEAD_TITLES
from kgov_ner.resources.lexicon import alternation

__all__ = ["COLUMNS", "extract_records", "sentences", "program_key"]

COLUMNS = (
    "file", "district", "district_name", "tier", "rank", "award", "program",
    "year", "krw", "streak", "official", "sent_start", "sent_end",
)

# ----------------------------------------------------------------- patterns

_CLOSE_QUOTES = "’'”\"」』》〉"
_QUOTE_PAIRS = (("“", "”"), ("‘", "’"))  # the quotes a speaker opens, and their ends
# How far back a quote's opening or a line's start is looked for from an amount: bounded,
# so that a page of one endless line with many amounts stays linear.
_QUOTE_REACH = 400
_REFERENT_REACH = 40  # 두 곳은 행정안전부 장관 표창과: from a count of winners to their award
_LINE_REACH = 400
# Between two districts of one group: separators, spaces, a parenthesis
# such as (구청장 김선갑) after the first one, and the words that place the
# next one (광역 경상북도, 기초 전북 완주군): see :func:`_place_words`.
def _place_words() -> str:
    """광역, 기초 and the bare region words (전북, 경기): words that place the government after them."""
    from kgov_ner.resources.gazetteer import default_gazetteer

    words = sorted(default_gazetteer().region_words(), key=len, reverse=True)
    # 광역자치단체 부문 경상북도, 기초 부문 전북 군산시: the class of the award, then the government.
    return "|".join(["(?:광역|기초)(?:자치단체|지자체)?(?:\\s*(?:부문|분야))?(?:에서는|에서|에는|은|는)?",
                     *map(re.escape, words)])


_PLACE = _place_words()
_GROUP_SEP = re.compile(
    r"^(?:\s*\([^()]{0,40}\))?[\s,、·ㆍ・|]*(?:(?:및|와|과|그리고)\s+|(?:와|과)\s*함께\s+|(?:을|를)\s*비롯(?:해|하여|한)\s+)?"
    r"[\s,、·ㆍ・|]*(?:(?:PLACE)\s+)*$".replace("PLACE", _PLACE)
)
# (a table row's cells too: 우수 | 용인시 | 이천시 | 가평군)
_GROUP_SEP_HAS = re.compile(r"[\s,、·ㆍ・|]|및|와|과|그리고")
# After a tier: the districts that follow receive it.
_FORWARD = re.compile(rf"^[{_CLOSE_QUOTES}]*\s*(?:에는|에|엔|은|는|으로는|로는)\s*[:：]?\s*(?:(?:PLACE)\s+)*$".replace("PLACE", _PLACE))
_FORWARD_BARE = re.compile(rf"^[{_CLOSE_QUOTES}]*\s*(?:\([^()]{{0,30}}\))?\s*[:：\-–|]?\s*(?:(?:PLACE)\s+)*$".replace("PLACE", _PLACE))
# "최우수구로 선정된 마포구", "우수상을 받은 고창군"
_RELATIVE = re.compile(
    rf"^[{_CLOSE_QUOTES}]*\s*(?:으로|로|에|을|를)?\s*"
    r"(?:든|인|(?:선정|뽑|지정|꼽|수상|받|차지|이름을\s*올|올|오)[가-힣]*?(?:된|힌|한|은|던|린|른))\s*"
    # … 받은 광역자치단체는 제주도와 대구시: a class noun between the verb and the winners
    r"(?:(?:광역|기초)?(?:자치단체|지자체|기관|시군|시·군|자치구|시도|시·도|곳)(?:은|는|로는)?\s*)?$"
)
# between two subject groups that share one predicate: 가, 기초자치단체에서는 경기
_SUBJECT_CHAIN = re.compile(r"\s*(?:\([^()]{0,40}\))?\s*(?:이|가)\s*,\s*[^,.。!?\n]{0,20}")
# between two awards given respectively: 최우수 기관과 우수 기관, 대상, 최우수상
_AWARD_JOIN = re.compile(r"\s*(?:과|와|및|,|、|·)\s*")
# 최우수상은 … 부천시가: the tier as topic, its holder as the subject further on.
# 최우수상(장관상)은 …: the tier's second name in parentheses closes before the topic mark.
_TOPIC_AFTER = re.compile(rf"^[{_CLOSE_QUOTES})]*\s*(?:\([^()]{{0,40}}\))?\s*(?:은|는)\s")
# A group followed by these is a point of comparison, not the awardee.
_NOT_AWARDEE_AFTER = re.compile(r"\s*(?:\([^()]{0,40}\))?\s*(?:에\s*이어|에\s*이은|의\s*뒤를|보다|와\s*달리|과\s*달리|을\s*제치고|를\s*제치고)")
# A government that is where something happened, not who won: 세종시에서 열린
# 시상식, 서울 중구 프레스센터에서 열린.
_VENUE_AFTER = re.compile(
    r"(?:의)?(?:(?:\s+[가-힣A-Za-z0-9·]+){1,3}?)?에서\s*(?:열린|개최된|진행된|있은|열렸|개최됐|진행됐|치러진)"
    # 세종시 정부세종컨벤션센터에서 우수상을 받은: a hall in that government's territory
    r"|(?:의)?(?:\s+[가-힣A-Za-z0-9·]*(?:센터|회관|청사|홀|호텔|강당|본관|별관|상황실|회의실)){1,2}에서(?![가-힣])"
)
# An upper-level government that runs the evaluation rather than wins it.
_EVALUATOR_WORDS = re.compile(r"평가|주관|주최|실시|발표|따르면|선정한|결과|대상으로|벌인|진행한")
# … unless another body is named as the one that runs it: 경기도가 고용노동부
# 주관 ‘…’에서 대통령상을, 울산시는 고용노동부가 … 벌인 ‘…’에서 A등급을.
_OTHER_EVALUATOR = re.compile(r"[가-힣]+(?:부|처|청|위원회|공단|재단|협회)(?:\s*(?:주관|주최)|가|이|는|에서)(?![가-힣])")
# A government marked as subject/topic: blocks a money tie across it.
_SUBJECT_AFTER = re.compile(r"\s*(?:\([^()]{0,40}\))?\s*(?:은|는|이|가|에서는|도)(?![가-힣])")
# 광역 부문 경상북도, 광역자치단체 부문에서는 경기도가: an upper level named as a winner of its class.
_UPPER_CLASS_BEFORE = re.compile(r"광역(?:자치단체|지자체)?\s*(?:부문|분야)?\s*(?:에서는|에서|에는|은|는)?\s*$")
# 광역 부문 우수기관, 기초자치단체 공시제 부문 장려상, 광역 우수 3억원: the class of
# governments an award (or a prize line) is for.
_CLASS_BEFORE = re.compile(
    r"(광역|기초)(?:자치단체|지자체|단체)?\s*(?:[가-힣]{1,8}\s+)?(?:부문|분야)?\s*(?:에서는|에서|에는|의|은|는)?[\s|]*$"
)
# <광역자치단체>, [기초 부문], ■ 광역: a heading line whose list (up to a blank line) is of that class
_CLASS_HEADING = re.compile(
    r"^[ \t]*[<〈《\[【■◆◇□○◎●]?[ \t]*(광역|기초)(?:자치단체|지자체|단체)?[ \t]*(?:부문|분야)?[ \t]*[>〉》\]】]?[ \t]*:?[ \t]*$",
    re.M,
)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_KLASS = {"광역": "upper", "기초": "lower"}  # the class word → the class an award is for
_CLASS_SCOPE = re.compile(r"(광역|기초)(?:자치단체|지자체|단체)?\s*(?:부문|분야)(?:에서는|에서|에는|의|은|는)?(?![가-힣])")
_LIST_ITEM = re.compile(r"[ \t]*[-△▲○●■□◇◆•·*ㆍ|]")
# 광역 부문 최우수 기관은 나오지 않았다, 우수상은 받지 못했다: no one holds it.
_LIST_MARKS = re.compile(r"[△▲▷▶○●■□◇◆•·ㆍ,、\-*.()]|및|와|과")
_NEGATED = re.compile(r"지\s*(?:않았|않는다|않은|못했|못한|못하|못해)|(?<![가-힣])없었다|(?<![가-힣])없다")
_SELECTED = re.compile(r"선정|뽑혔|뽑혀|뽑힌|지정")
# 시는/도가 …: a government referred to by its level; it blocks a money tie
# unless it is the awardee's own level (구는 in an article about a 구).
_PRONOUN_SUBJECT = re.compile(r"(?<![가-힣])(시|도|구|군)(?:은|는|이|가|에서는)(?=\s)")
_PRONOUN_LEVELS = {"시": ("si", "metro"), "도": ("province",), "구": ("gu",), "군": ("gun",)}

_STREAK = re.compile(r"(?<![0-9])([0-9]{1,3})\s*(?:년|회)\s*연속")
_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})\s*년")
_YEAR_LIST_SEP = re.compile(r"^\s*[,、·ㆍ및와과]?\s*$")
_YEAR_HISTORY_AFTER = re.compile(r"\s*(?:도\s*)?(?:에\s*이어|에\s*이은|부터|까지|이후|이래|대비|보다|에\s*비해|에\s*비하여)")

# Money: distributed to each member of a group, spent rather than received.
# (이상 1억원): "each of the above", after a list of governments
_EACH_BEFORE = re.compile(r"(?:각각|각|개별|모두\s*각|\(\s*이상|(?<![가-힣])(?:한\s*)?(?:곳|기관|시군|시·군|자치구|지자체)\s*당)\s*$")
# The awardees referred to by their number: 두 시에는, 나머지 세 곳은, 이들 두 자치구는.
_NUMBERS = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10}
# 나머지 세 곳, 이들 두 시군: a number of winners (group 1: the number word).
_COUNT = r"(?<![가-힣])(?:나머지\s*|이들\s*)?(한|두|세|네|다섯|여섯|일곱|여덟|아홉|열|[0-9]{1,2})\s*(?:개\s*)?"
# … 부산 사하구 네 곳이 차지했다: the subject mark may follow a count of the group.
_SUBJECT_MARK = re.compile(
    r"\s*(?:\([^()]{0,40}\))?\s*(?:(?:등\s*)?" + _COUNT + r"(?:곳|기관|자치단체|지자체)\s*)?(?:이|가)(?![가-힣])"
)
# 충청북도, 기초자치단체 중 전북 전주시가: between two groups of one predicate, each of its class
_CLASS_CHAIN = re.compile(r"\s*,\s*(?:광역|기초)[가-힣]{0,4}\s*(?:중|부문|분야)?(?:에서는|에서|은|는)?\s*(?:[가-힣]{1,4}\s+)?")
_REFERENT = re.compile(
    _COUNT + r"(?:곳|시|군|구|시군|시·군|자치구|기관|자치단체|지자체)(?:은|는|에는|에|이|가|도)(?![가-힣])"
)
_TOTAL_BEFORE = re.compile(r"(?:총|모두|전체|합계|합쳐)\s*$")
# 각각/각 standing as a word anywhere between a group and its amount: 김해시, 양산시도 각각 장려상을 받아 5천만원을
_EACH_WORD = re.compile(r"(?<![가-힣])(?:각각|각)(?![가-힣])")
_EACH_AFTER = re.compile(r"\s*씩")
# 진천군과 음성군이 … 각각 (나란히, 차례로) 최우수 시군과 우수 시군에: N governments, N awards in turn
_RESPECTIVE_WORD = re.compile(r"(?<![가-힣])(?:각각|각|나란히|차례로|순서대로)(?![가-힣])")
_DOT_JOIN = re.compile(r"[·ㆍ・]")
_ITEM_MARK_BEFORE = re.compile(r"[△▲▷▶○●■□◇◆•ㆍ]\s*$")
_SPENDING_AFTER = re.compile(r"\s*(?:의\s*)?(?:규모|예산|사업비를\s*들|을\s*들|를\s*들|을\s*투입|를\s*투입|투입|을\s*투자|를\s*투자|투자|을\s*들여|를\s*들여)")
# A sentence without an award that ties money to an award.
_AWARD_MONEY = re.compile(r"인센티브|지원금|상금|포상금|시상금|교부금|교부세|포상|부상으로|사업비|지원받|받는다|받았|받게|확보|주어지|주어진|돌아가|돌아간|지급|배정|내려가|내려간")
# Money words that name a prize, and what marks an amount as no prize (1인당 최대 1천만원).
_PRIZE_WORD = re.compile(r"인센티브|시상금|상금|포상금|교부세|교부금|상사업비|부상으로|이번\s*수상으로|수상으로")
_NOT_PRIZE_BEFORE = re.compile(r"(?:1인당|인당|명당|최대|최고|월)\s*$")


def _not_a_prize(text: str, lo: int, m: _Ent) -> bool:
    """Whether the words right before the amount *m* (not before *lo*) make it a ceiling or
    a rate (최대 5천만원, 1인당 300만원), not what a winner gets; nor is an end of a range
    (곳당 5천만원~7천만원, 3천만 원부터 6천만 원까지)."""
    return (_NOT_PRIZE_BEFORE.search(text, max(lo, m.start - 8), m.start) is not None
            or _RANGE_AFTER.match(text, m.end) is not None or _RANGE_BEFORE.search(text, max(lo, m.start - 3), m.start) is not None)


_RANGE_AFTER = re.compile(r"\s*(?:[~∼〜～]|부터\s)")
_RANGE_BEFORE = re.compile(r"[~∼〜～]\s*$")
# Past wins cited for a streak: 2018년 장려, 2019년 우수에 이어 (not this year's awards).
_PAST_YEAR_BEFORE = re.compile(r"(?:19|20)[0-9]{2}\s*년(?:에는?|엔|\s*[가-힣]{1,5}의)?\s*[‘'\"“]?$|지난해\s*[‘'\"“]?$|전년\s*[‘'\"“]?$")
_PAST_AFTER = re.compile(r"\s+이어(?![가-힣])|(?:였던|이었던)(?![가-힣])|[^.。]{0,40}?(?:에\s*이어|에\s*이은|에\s*머물렀|에서\s*올해)|\s*[,、]\s*(?:그리고\s*)?올해(?![가-힣])|\s*(?:을\s*받은\s*|를\s*받은\s*)?(?:이후|이래)(?![가-힣])")
# 지난해 (같은 평가에서) … 받은: a relative clause about the last edition's winner.
# a past year or last year earlier in the clause, and a win told as past experience after the tier
_PAST_CLAUSE_BEFORE = re.compile(r"(?:(?:19|20)[0-9]{2}\s*년|지난해|작년|전년)[^.。\n]{0,25}$")
_EXPERIENCE_AFTER = re.compile(r"[^.。\n]{0,30}?(?:바\s*(?:가\s*)?있|에\s*그쳐|에\s*그쳤|에\s*그친|에\s*머물)")
_LAST_TIME_CLAUSE = re.compile(r"(?:지난해|작년|전년도?)\s+[^.,。\n]{0,25}$")
_WON_RELATIVE = re.compile(rf"[{_CLOSE_QUOTES}]*\s*(?:을|를|으로|로)\s*(?:받은|받았던|수상한|수상했던|차지한|차지했던)(?![가-힣])")
# A dateline: 2018.06.21, 2018-06-21, 2018년 6월 21일, 2018. 5. 29.
_DATELINE = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})\s*(?:[.\-/]\s*[01]?[0-9]\s*[.\-/]\s*[0-3]?[0-9]|년\s*[01]?[0-9]\s*월\s*[0-3]?[0-9]\s*일)")
# A program named as the evaluation (rather than a project the district ran).
_EVALUATION_NAME = re.compile(r"평가|대상|경진|공모|시상|공시제|인센티브|어워드|우수\s*(?:기관|시군|자치)")
_GIVER_AFTER = re.compile(r"\s*(?:으로부터|로부터|에게서)(?![가-힣])")
_IN_IT = re.compile(rf"[{_CLOSE_QUOTES}]*\s*에서(?![가-힣])")
_EVALUATION_AFTER = re.compile(r"[’'”\"」』》〉]*\s*(?:에서|의|에|결과|시상식|평가)")
_PROJECT_AFTER = re.compile(r"[’'”\"」』》〉]*\s*(?:사업|으로|로|를\s*통해|을\s*통해|과|와|등|을|를)(?![가-힣]*(?:평가|대상))")

_HEAD_LEVELS = {"구": ("gu",), "자치구": ("gu",), "군": ("gun",), "시": ("si",)}
_UPPER_LEVELS = ("metro", "province")
# the levels one head title covers (a 시장 heads a 시 or a 광역시)
_TITLE_LEVEL_PEERS = {"si": ("si", "metro"), "metro": ("si", "metro")}
_TITLE_LEVELS = {"구청장": ("gu",), "군수": ("gun",), "시장": ("si", "metro"), "도지사": ("province",), "지사": ("province",)}


# ----------------------------------------------------------------- model


@dataclass
class _Ent:
    start: int
    end: int
    label: str
    text: str
    norm: dict
    klass: str | None = None  # an AWARD's class of governments: "upper" (광역), "lower" (기초)


@dataclass
class _Group:
    members: list[_Ent]
    consumed: bool = False

    @property
    def start(self) -> int:
        return self.members[0].start

    @property
    def end(self) -> int:
        return self.members[-1].end


@dataclass
class _Row:
    district: str
    district_name: str | None
    tier: str | None
    rank: int | None
    award: str
    award_headed: bool
    program: str | None
    year: int | None
    krw: int | None
    streak: int | None
    official: str | None
    sent_start: int
    sent_end: int
    owner_pos: int  # where the awardee stands (for tying money)
    group_size: int
    award_end: int
    level: str | None  # the district's level (gu, gun, si, ...)
    issuer: bool  # the award is an issuer's prize (장관상, 대통령상): a rank tier of the same win replaces it
    district_start: int | None  # where the district is named in the sentence (None: the page's district)
    program_shared: bool = False  # another award stands between the program and this one (정부 일자리 대상 우수상·도 평가 장려)
    context: frozenset = frozenset()  # the words of the clause before the award and of its program (see _keyed_money)
    group: str | None = None  # the group of governments the award is for (다 그룹 최우수: "다"), see _GROUP_LABEL

    @property
    def key(self) -> str:
        return self.district_name or self.district


def _norm_of(doc, ent) -> dict:
    from spacy.tokens import Span

    norm = ent._.norm if Span.has_extension("norm") else None
    if norm is None:
        from kgov_ner.pipeline.normalize import normalize_span

        norm = normalize_span(doc, ent)
    return norm or {}


def _doc_entities(doc, body: Sequence[tuple[int, int]] | None) -> list[_Ent]:
    """The Doc's entities, and the tiers the tagger kept aside as a class's holders (S등급을
    받은 구에 각 1억원: no entity, but who gets a schedule's amount) in the *body* ranges
    (anywhere when None)."""
    from kgov_ner.pipeline.normalize import normalize_award
    from kgov_ner.pipeline.rules.cleanup import CLASS_TIERS

    ents = [_Ent(e.start_char, e.end_char, e.label_, e.text, _norm_of(doc, e)) for e in doc.ents]
    held = doc.spans[CLASS_TIERS] if CLASS_TIERS in doc.spans else ()
    for h in held:
        if body is None or any(a <= h.start_char and h.end_char <= b for a, b in body):
            ents.append(_Ent(h.start_char, h.end_char, "AWARD", h.text, normalize_award(h.text)))
    return sorted(ents, key=lambda x: x.start)


def _units(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """The sentences cut at line ends (a headline, a list item and a lead are units of
    their own), each with its paragraph number (a blank line opens a paragraph)."""
    units: list[tuple[int, int, int]] = []
    paragraph = 0
    last_end = 0
    for s, e in spans:
        start = s
        for m in re.finditer(r"\n", text[s:e]):
            cut = s + m.start()
            if text[start:cut].strip():
                units.append((start, cut, 0))
            start = cut + 1
        if text[start:e].strip():
            units.append((start, e, 0))
    out = []
    for s, e, _ in units:
        if re.search(r"\n[ \t\u3000]*\n", text[last_end:s]) or text[last_end:s].count("\n") >= 2:
            paragraph += 1
        out.append((s, e, paragraph))
        last_end = e
    return out


# ----------------------------------------------------------------- document context


class _DocContext:
    """Page-level facts: evaluators, the page's district, program names, heads."""

    def __init__(self, text: str, ents: list[_Ent], sentences: list[tuple[int, int]]):
        self.text = text
        districts = [e for e in ents if e.label == "DISTRICT"]
        parents = {e.norm.get("parent") for e in districts if e.norm.get("parent")}
        # An upper-level government with a district under it on the page is
        # the evaluator or the region, not an awardee.
        self.context_only = {
            e.norm.get("name") for e in districts
            if e.norm.get("level") in _UPPER_LEVELS and e.norm.get("name") in parents
        }
        self.first_mention: dict[str, _Ent] = {}
        self._any_mention: dict[str, _Ent] = {}
        for e in districts:
            self._any_mention.setdefault(_dkey(e), e)
            if self.awardee_capable(e) and not _VENUE_AFTER.match(text, e.end, min(len(text), e.end + 80)):
                self.first_mention.setdefault(_dkey(e), e)
        self.page_district: str | None = (
            next(iter(self.first_mention)) if len(self.first_mention) == 1 else None
        )
        self._programs(ents, sentences)
        self.heads = self._heads(ents)
        self.bare_heads = self._bare_heads(ents, set(self.heads.values()))
        dateline = _DATELINE.search(text)
        self.doc_year: int | None = int(dateline.group(1)) if dateline else None

    def mention_of(self, key: str) -> _Ent | None:
        """The first mention of the government *key* that won something here: a province the
        page also names as a region (경북도 beside 칠곡군) still wins what a sentence gives it."""
        return self.first_mention.get(key) or self._any_mention.get(key)

    def awardee_capable(self, e: _Ent) -> bool:
        return e.norm.get("name") not in self.context_only or e.norm.get("name") is None

    # programs
    def _programs(self, ents: list[_Ent], sentences: list[tuple[int, int]]) -> None:
        progs = [e for e in ents if e.label == "PROGRAM" and e.norm.get("name")]
        names: dict[str, Counter] = {}
        for e in progs:
            names.setdefault(program_key(e.norm["name"]), Counter())[e.norm["name"]] += 1
        counts = Counter(program_key(e.norm["name"]) for e in progs)
        dated = {program_key(e.norm["name"]) for e in progs if isinstance(e.norm.get("year"), int)}
        self.canonical: dict[str, str] = {}
        for key in counts:
            longer = [k for k in counts if k != key and key in k]
            best = max(longer, key=lambda k: (k in dated, counts[k], len(k))) if longer else key
            if key in dated and best not in dated:
                best = key  # the dated formal name (2012년 시군 …), not a headline's (전남 시군 …)
            self.canonical[key] = names[best].most_common(1)[0][0]
        self.program_count = Counter()
        years: dict[str, set[int]] = {}
        for e in progs:
            name = self.program_name(e)
            self.program_count[name] += 1
            if isinstance(e.norm.get("year"), int):
                years.setdefault(name, set()).add(e.norm["year"])
        self.program_year = {n: next(iter(y)) for n, y in years.items() if len(y) == 1}
        self.evaluations = {program_key(self.program_name(p)) for p in progs if self._names_evaluation(p)}
        named = sorted({self.program_name(p) for p in progs if self._names_evaluation(p)})
        # two evaluations that are not one named two ways (a city's two prizes of a year)
        self.several_evaluations = any(
            not _programs_agree(x, y) for i, x in enumerate(named) for y in named[i + 1:]
        )
        self.main_program = self._main_program(progs, ents, sentences)

    def _main_program(self, progs: list[_Ent], ents: list[_Ent], sentences: list[tuple[int, int]]) -> str | None:
        """The evaluation most named in the headline, the lead and the sentences that
        state an award; failing that, the program most named there; failing both, the
        first evaluation the page names."""
        starts = [x.start for x in ents]
        award_sents = [
            (s, e) for s, e in sentences if any(a.label == "AWARD" for a in _within(ents, starts, s, e))
        ]
        # an evaluation named only deep in the story, where no award is stated, is an
        # event a government held (강남구에서는 … 취업경진대회를 개최하였다), not the one won
        lead = [(s, e) for s, e in sentences if _within(ents, starts, s, e)][:3]
        told = sorted(set(award_sents + lead))
        told_starts = [s for s, _ in told]
        main = Counter()
        first: dict[str, int] = {}
        for p in progs:
            k = bisect.bisect_right(told_starts, p.start) - 1
            if k < 0 or not told[k][0] <= p.start < told[k][1]:
                continue
            if self.is_evaluation(p) or not self.evaluations:
                name = self.program_name(p)
                main[name] += 1
                first.setdefault(name, p.start)
        if not main:
            # the lead pushed down (captions first): the first evaluation the page names in a
            # sentence whose governments are evaluators only (충청남도는 … ‘…평가’를 벌여), not
            # an event a government held (양천구에서는 ‘… 경진대회’를 열어)
            sent_starts = [s for s, _ in sentences]
            for p in progs:
                k = bisect.bisect_right(sent_starts, p.start) - 1
                if k < 0 or not self.is_evaluation(p):
                    continue
                s, e = sentences[k]
                if all(x.norm.get("name") in self.context_only
                       for x in _within(ents, starts, s, e) if x.label == "DISTRICT"):
                    return self.program_name(p)
            # … ‘2022년 강원도 시군 일자리 평가’에서 가장 높은 점수를 받았다: the first dated
            # evaluation a government took part in
            for p in progs:
                if self.is_evaluation(p) and isinstance(p.norm.get("year"), int) and _IN_IT.match(self.text, p.end):
                    return self.program_name(p)
            return None
        best = max(main, key=lambda n: (main[n], *self.program_rank(n), -first[n]))
        # a headline named twice (page title and article) does not outvote the formal name
        formal = [n for n in main if self.is_formal_of(n, best)]
        return max(formal, key=lambda n: (main[n], *self.program_rank(n), -first[n])) if formal else best

    def _names_evaluation(self, p: _Ent) -> bool:
        """Whether the mention names an evaluation or award (… 평가, … 일자리대상, ‘…’에서),
        not a project of the district (‘…’ 사업으로)."""
        if _EVALUATION_NAME.search(p.text):
            return True
        return bool(_EVALUATION_AFTER.match(self.text, p.end)) and not _PROJECT_AFTER.match(self.text, p.end)

    def is_evaluation(self, p: _Ent) -> bool:
        return program_key(self.program_name(p)) in self.evaluations

    def year_of(self, name: str) -> int | None:
        """The year the page gives a program: its own, or that of another spelling of it."""
        if name in self.program_year:
            return self.program_year[name]
        years = {y for n, y in self.program_year.items() if _programs_agree(n, name)}
        return next(iter(years)) if len(years) == 1 else None

    def is_formal_of(self, formal: str | None, name: str) -> bool:
        """Whether *formal*, a program the page dates, is the formal name of the undated *name*
        (a headline's shortening or rewording of it)."""
        return (formal is not None and formal != name and formal in self.program_year
                and name not in self.program_year and _programs_agree(name, formal))

    def program_rank(self, name: str) -> tuple[bool, int, int]:
        """How complete a program name looks: dated (the formal name), named often, long."""
        return (name in self.program_year, self.program_count[name], len(name))

    def program_name(self, e: _Ent) -> str:
        name = e.norm["name"]
        return self.canonical.get(program_key(name), name)

    # officials
    @staticmethod
    def _heads(ents: list[_Ent]) -> dict[str, str]:
        found: dict[str, Counter] = {}
        order: dict[tuple[str, str], int] = {}
        for e in ents:
            if not _head_of_government(e):
                continue
            district = e.norm["district"]
            name = e.text.strip()
            found.setdefault(district, Counter())[name] += 1
            order.setdefault((district, name), e.start)
        return {
            d: max(c, key=lambda n: (c[n], -order[(d, n)])) for d, c in found.items()
        }

    @staticmethod
    def _bare_heads(ents: list[_Ent], named: set[str]) -> dict[str, set[str]]:
        """최문섭 지사는, 이태곤 구청장은: heads whose title names no district, by the level
        the title is the head of (names the page gives a district elsewhere left out)."""
        out: dict[str, set[str]] = {}
        for e in ents:
            role = (e.norm.get("role") or "").strip()
            if e.label != "OFFICIAL" or e.norm.get("district") or role not in _TITLE_LEVELS:
                continue
            if e.text.strip() not in named:
                for level in _TITLE_LEVELS[role]:
                    out.setdefault(level, set()).add(e.text.strip())
        return out


def _head_of_government(e: _Ent) -> bool:
    """Whether *e* is an OFFICIAL named with the title of its government's head (구청장,
    군수, 시장 …; not a deputy, 부구청장), the government known."""
    role = (e.norm.get("role") or "").strip()
    return (e.label == "OFFICIAL" and bool(e.norm.get("district"))
            and role.endswith(HEAD_TITLES) and not role.startswith("부"))


def _dkey(e: _Ent) -> str:
    return e.norm.get("name") or e.text


def program_key(name: str | None) -> str:
    """A program name as compared: no spaces, case-folded."""
    return re.sub(r"\s+", "", name or "").casefold()


# ----------------------------------------------------------------- sentence level


def _groups(text: str, districts: list[_Ent]) -> list[_Group]:
    groups: list[_Group] = []
    for d in districts:
        if groups:
            between = text[groups[-1].end:d.start]
            if _GROUP_SEP.match(between) and (not between or _GROUP_SEP_HAS.search(between)):
                groups[-1].members.append(d)
                continue
        groups.append(_Group([d]))
    return groups


def _class_before(text: str, lo: int, start: int, districts: Sequence[int] = ()) -> str | None:
    """"upper" after 광역 (부문), "lower" after 기초(자치단체) (… 부문), else None; failing
    those right before, the last ``광역/기초 부문`` since *lo* (the unit's start; at most
    200 characters back) scopes
    what follows it (광역 부문은 최우수상 3억원, 우수상 2억원이고, 기초 부문은 …) unless
    a government (at one of the offsets *districts*) is named in between (전라북도는
    광역 부문 우수기관에, 익산시와 부안군은 장려기관에)."""
    m = _CLASS_BEFORE.search(text, max(lo, start - 24), start)
    if m is None:
        m = next(reversed(list(_CLASS_SCOPE.finditer(text, max(lo, start - 200), start))), None)
        if m is not None and any(m.end() <= d < start for d in districts):
            return None
    return None if m is None else _KLASS[m.group(1)]


def _class_fits(klass: str | None, levels: Sequence[str | None]) -> bool:
    """Whether governments of *levels* may hold an award of class *klass* (any of them will do)."""
    if klass is None or not any(levels):
        return True
    return any(lv is not None and (lv in _UPPER_LEVELS) == (klass == "upper") for lv in levels)


def _head_fits(award: _Ent, group: _Group) -> bool:
    if not _class_fits(award.klass, [m.norm.get("level") for m in group.members]):
        return False  # 광역 부문 최우수상 goes to a 시·도, 기초 부문 장려상 to a 시·군·구
    levels = _HEAD_LEVELS.get(award.norm.get("head") or "")
    if not levels:
        return True
    # 수성구와 달성군을 우수구로: a 구·군 group under a 구 tier; a group of 시 alone is not one
    return any(m.norm.get("level") in levels or m.norm.get("level") is None for m in group.members)


def _streak(text: str, s: int, e: int, award: _Ent, others: Sequence[tuple[int, int]] = ()) -> int | None:
    """The ``N년 연속`` nearest the award, not across another award or its districts."""
    found = [(m.start(), m.end(), int(m.group(1))) for m in _STREAK.finditer(text, s, e)]
    found = [f for f in found if f[2] >= 2]
    if award.start < s:  # a tier carried over from the previous sentence
        return found[0][2] if len(found) == 1 else None
    lo_hi = lambda f: (f[1], award.start) if f[1] <= award.start else (award.end, f[0])  # noqa: E731
    found = [
        f for f in found
        if not any(lo_hi(f)[0] <= o_s and o_e <= lo_hi(f)[1] for o_s, o_e in others)
    ]
    if not found:
        return None

    def distance(f):
        before = f[1] <= award.start
        gap = award.start - f[1] if before else f[0] - award.end
        return (0 if before else 1, gap) if gap < 40 else (2, abs(gap))

    return min(found, key=distance)[2]


def _sentence_year(text: str, s: int, e: int) -> int | None:
    """The one year the sentence states for the award (see the module docstring)."""
    matches = list(_YEAR.finditer(text, s, e))
    years: set[int] = set()
    run: list[re.Match] = []

    def close(run_: list[re.Match]) -> None:
        if run_ and not _YEAR_HISTORY_AFTER.match(text, run_[-1].end(), e):
            years.update(int(m.group(1)) for m in run_)

    for m in matches:
        if run and _YEAR_LIST_SEP.match(text[run[-1].end():m.start()]):
            run.append(m)
            continue
        close(run)
        run = [m]
    close(run)
    return next(iter(years)) if len(years) == 1 else None


def _pick_program(programs: list[_Ent], award: _Ent) -> _Ent | None:
    before = [p for p in programs if p.end <= award.start]
    if before:
        return before[-1]
    after = [p for p in programs if p.start >= award.end]
    return after[0] if after else None


@dataclass
class _Sentence:
    """One sentence's entities, sorted into what attribution reads."""

    start: int
    end: int
    districts: list[_Ent]  # every DISTRICT, evaluators included: they block money ties
    groups: list[_Group]  # the districts that can be awardees, grouped
    awards: list[_Ent]  # AWARDs with a tier, in text order
    programs: list[_Ent]
    money: list[_Ent]


#: (award, group) pairs; a group None stands for the page's district.
_Pairs = list[tuple[_Ent, "_Group | None"]]


class _Extractor:
    def __init__(self, doc, file: str):
        self.doc = doc
        self.file = file
        self.text = doc.text
        body = getattr(getattr(doc, "_", None), "body", None) if _has_body(doc) else None
        self.body = [tuple(r) for r in body] if body else None
        self.ents = _doc_entities(doc, self.body)
        self.units = _units(self.text, [(s.start_char, s.end_char) for s in sentences(doc)])
        self.sentences = [(s, e) for s, e, _ in self.units]
        past = [x for x in self.ents if x.label == "AWARD" and _past_award(self.text, x)]
        self.past_ends = [x.end for x in past]  # sorted: where a past win cited ends
        self.ents = [x for x in self.ents if x not in past]
        self.ent_starts = [x.start for x in self.ents]
        unit_starts = [u[0] for u in self.units]
        district_starts = [x.start for x in self.ents if x.label == "DISTRICT"]
        self._headings = [(m.end(), _KLASS[m.group(1)]) for m in _CLASS_HEADING.finditer(self.text)]
        for x in self.ents:
            if x.label == "AWARD":  # the class words stand in the award's own unit
                k = bisect.bisect_right(unit_starts, x.start) - 1
                lo = unit_starts[k] if k >= 0 else 0
                near = district_starts[bisect.bisect_left(district_starts, lo):bisect.bisect_left(district_starts, x.start)]
                x.klass = _class_before(self.text, lo, x.start, near) or self._heading_class(x.start)
        self.ctx = _DocContext(self.text, self.ents, self.sentences)
        self.money_facts: list[tuple[str, int, bool]] = []  # (district key, krw, called a prize) from non-award sentences
        self.tier_money: dict[str, set[int]] = {}  # tier -> amounts a sentence gives each holder of it
        self.last_rows: list[_Row] = []  # the awardees of the paragraph's last award sentence
        self.last_subject: _Ent | None = None  # the government opening the paragraph's last sentence
        self.page_last_rows: list[_Row] = []  # the awardees of the page's last award sentence
        self.first_awardees: list[_Ent] = []  # each government given a row, at its first one
        self.last_program: str | None = None  # the evaluation the last award sentence named

    def _heading_class(self, start: int) -> str | None:
        """The class of the heading line (<광역자치단체>) whose list the offset *start* stands in."""
        k = bisect.bisect_right(self._headings, (start, "~")) - 1
        if k < 0 or start - self._headings[k][0] > 600:
            return None
        end, klass = self._headings[k]
        return None if _BLANK_LINE.search(self.text, end - 1, start) else klass

    # -------------------------------------------------------------- sentences
    def run(self) -> list[_Row]:
        rows: list[_Row] = []
        pending: _Ent | None = None  # an unattached tier handed to the next sentence
        paragraph = article = None
        starts = self.ent_starts
        article_starts = [a for a, _ in self.body] if self.body else []
        for s, e, par in self.units:
            if par != paragraph:
                paragraph, self.last_rows, self.last_subject = par, [], None
            if article_starts and (k := bisect.bisect_right(article_starts, s)) != article:
                # another article of the page: nothing carries over from the one before
                article, self.page_last_rows, self.last_program = k, [], None
            self._carried_streak(s, e)
            ents = self.ents[bisect.bisect_left(starts, s):bisect.bisect_left(starts, e)]
            if not ents:
                pending = self._class_tier(s, e)
                continue
            new, unattached = self.sentence(self._sort(s, e, ents), pending)
            self.last_subject = self._opening_subject(s, e, ents)
            rows.extend(new)
            for r in new:
                d = self.ctx.mention_of(r.key)
                if d is not None and d not in self.first_awardees:
                    self.first_awardees.append(d)
            if new:
                self.last_rows = self.page_last_rows = new
            pending = unattached
            if pending is None and not new and not any(x.label == "AWARD" for x in ents):
                pending = self._class_tier(s, e)
        return _merge(rows, self.ctx)

    def _carried_streak(self, s: int, e: int) -> None:
        """… 우수상을 받았다. 지난해 장려상에 이어 2년 연속 수상이다.: a streak in a sentence
        with no award of this year goes to the one government the sentence before gave a row to."""
        m = _STREAK.search(self.text, s, e)
        if m is None or int(m.group(1)) < 2 or len({r.key for r in self.last_rows}) != 1:
            return
        if any(x.label in ("AWARD", "DISTRICT") for x in _within(self.ents, self.ent_starts, s, e)):
            return  # its own sentence's awards and governments take it
        for r in self.last_rows:
            if r.streak is None:
                r.streak = int(m.group(1))

    def _opening_subject(self, s: int, e: int, ents: Sequence[_Ent]) -> _Ent | None:
        """The government a sentence opens with as its subject (고성군은 …, 경남 고성군이 …),
        if it names no other; else None."""
        districts = [x for x in ents if x.label == "DISTRICT"]
        if not districts or len({_dkey(d) for d in districts}) > 1:
            return None
        first = districts[0]
        if first.start - s > 8 or not _SUBJECT_AFTER.match(self.text, first.end, e):
            return None
        return first

    def _class_tier(self, s: int, e: int) -> _Ent | None:
        """우수기관 3곳을 발표했다: a class counted as it is chosen (no AWARD: a class is not
        one) hands its tier to the next sentence, which may name who they are."""
        from kgov_ner.pipeline.normalize import normalize_award

        for m in _TIER_WORD.finditer(self.text, s, e):
            if is_counted_choice(self.text, m.end()):
                norm = normalize_award(m.group(0))
                if norm.get("tier"):
                    return _Ent(m.start(), m.end(), "AWARD", m.group(0), norm)
        return None

    def _sort(self, s: int, e: int, ents: list[_Ent]) -> _Sentence:
        districts = [x for x in ents if x.label == "DISTRICT"]
        money_starts = {x.start for x in ents if x.label == "MONEY"}
        # schedule lines (우수시군이 7천만원씩) are read by _schedule_money, not here
        held = [(x, _tier_money_entry(self.text, x, e, money_starts)) for x in ents if x.label == "AWARD"]
        entries = [x for x, at in held if at is not None]
        scheduled = {at for _, at in held if at is not None}
        scheduled |= _tier_word_money(self.text, s, e, ents, money_starts)
        awards = _one_name_per_win(self.text, [
            x for x in ents if x.label == "AWARD" and x.norm.get("tier") and x not in entries
        ])
        awards = [a for k, a in enumerate(awards) if not _negated(self.text, a, awards[k + 1].start if k + 1 < len(awards) else e)]
        capable = [
            d for d in districts
            if not _VENUE_AFTER.match(self.text, d.end, e)
            and (self.ctx.awardee_capable(d) or self._upper_wins_here(d, districts, awards, e)
                 or _UPPER_CLASS_BEFORE.search(self.text, max(s, d.start - 16), d.start)
                 or any(a.klass == "upper" for a in awards))
        ]
        return _Sentence(
            start=s, end=e, districts=districts,
            groups=_groups(self.text, capable),
            awards=awards,
            programs=[x for x in ents if x.label == "PROGRAM" and x.norm.get("name")],
            money=[x for x in ents if x.label == "MONEY" and isinstance(x.norm.get("krw"), int) and x.start not in scheduled],
        )

    def _upper_wins_here(self, d: _Ent, districts: list[_Ent], awards: list[_Ent], e: int) -> bool:
        """An upper-level government (usually the evaluator on this page) is an awardee
        here: its subject particle, then an award with no other government or
        evaluator word between (광역 부문에서는 경상남도가 우수상을 받았다)."""
        nxt = next((a for a in awards if a.start >= d.end), None)
        if nxt is None or not _SUBJECT_AFTER.match(self.text, d.end, e):
            return False
        if any(d.end <= o.start < nxt.start for o in districts):
            return False
        between = self.text[d.end:nxt.start]
        if _OTHER_EVALUATOR.search(between):
            return True
        return nxt.start - d.end <= 30 and not _EVALUATOR_WORDS.search(between)

    def sentence(self, sent: _Sentence, pending: _Ent | None) -> tuple[list[_Row], _Ent | None]:
        """The rows of one sentence, and a tier it hands to the next one (see the module docstring)."""
        if not sent.awards:
            return self._carried_tier(sent, pending), None
        given: list[list[_Group | None]] = [[] for _ in sent.awards]  # the awardees of sent.awards[i]
        self._respectively(sent, given)
        self._tier_then_its_districts(sent, given)
        self._nearest_group_before(sent, given)
        unattached = self._only_or_page_district(sent, given)
        if not sent.groups and sent.money:
            self.note_tier_money(sent)
        pairs = [(a, g) for a, groups in zip(sent.awards, given) for g in groups]
        return self.rows_for(sent, pairs), unattached

    def _carried_tier(self, sent: _Sentence, pending: _Ent | None) -> list[_Row]:
        """A sentence without a tier: the group it selects gets the previous sentence's tier."""
        selected = None
        if pending is not None:
            selected = next((g for g in sent.groups if _SELECTED.search(self.text, g.end, sent.end)), None)
        if pending is not None and selected is None and self._bare_list(sent):
            # 우수구로는 다음 세 곳이 선정됐다. / △강서구 △동대문구 △관악구
            selected = _Group([d for g in sent.groups for d in g.members])
        if selected is None:
            self.money_without_award(sent)
            return []
        return self.rows_for(sent, [(pending, selected)])

    def _bare_list(self, sent: _Sentence) -> bool:
        """Whether the sentence is only a list of governments (△강서구 △동대문구, 경북 의성군·청송군)."""
        if not sent.groups or len(sent.districts) != sum(len(g.members) for g in sent.groups):
            return False
        pos, words = sent.start, _region_words()
        for d in sent.districts + [None]:
            gap = self.text[pos:d.start if d is not None else sent.end]
            if any(w not in words for w in _LIST_MARKS.sub(" ", gap).split()):
                return False
            pos = d.end if d is not None else pos
        return True

    def _tier_then_its_districts(self, sent: _Sentence, given: list[list[_Group | None]]) -> None:
        """Rules 1 and 2: a tier followed by 에/는 (or a bare colon), or by a relative verb,
        goes to the group right after it."""
        items: list[tuple[int, str, _Group | int]] = [(g.start, "G", g) for g in sent.groups]
        items += [(a.start, "A", i) for i, a in enumerate(sent.awards)]
        items.sort(key=lambda t: t[0])
        for k, (_, kind, i) in enumerate(items):
            if kind != "A" or k + 1 >= len(items) or items[k + 1][1] != "G":
                continue
            a, g = sent.awards[i], items[k + 1][2]
            if not _class_fits(a.klass, [m.norm.get("level") for m in g.members]):
                continue
            between = self.text[a.end:g.start]
            prev = items[k - 1] if k > 0 else None
            # (▲대상 예천군 ▲최우수 구미시: a list marker before the tier opens an item of its own)
            bare_ok = (prev is None or prev[1] == "A" or prev[2].consumed
                       or _ITEM_MARK_BEFORE.search(self.text, prev[2].end, a.start) is not None)
            if (_FORWARD.match(between) or _RELATIVE.match(between) or (bare_ok and _FORWARD_BARE.match(between))
                    or self._topic_then_subject(a, g, sent.end)):
                given[i].append(g)
                g.consumed = True
            elif _TOPIC_AFTER.match(between) and len(between) <= 80 and not re.search(r"[.!?。]", between):
                # 종합대상은 광역자치단체 중 충청북도, 기초자치단체 중 전북 전주시가 수상: groups of
                # each class in a row, the last one the subject
                chain = [g]
                for nxt in (x for _, kind, x in items[k + 2:] if kind == "G"):
                    if not _CLASS_CHAIN.fullmatch(self.text, chain[-1].end, nxt.start):
                        break
                    chain.append(nxt)
                if len(chain) > 1 and _SUBJECT_MARK.match(self.text, chain[-1].end, sent.end):
                    for c in chain:
                        given[i].append(c)
                        c.consumed = True

    def _respectively(self, sent: _Sentence, given: list[list[_Group | None]]) -> None:
        """김해시와 사천시가 … 각각 최우수 기관과 우수 기관으로: a group of N, 각각, then N
        awards in a row: the i-th government gets the i-th award."""
        for g in sent.groups:
            n = len(g.members)
            after = [i for i, a in enumerate(sent.awards) if a.start >= g.end]
            if n < 2 or len(after) < n or given[after[0]]:
                continue
            run = after[:n]
            between = self.text[g.end:sent.awards[run[0]].start]
            # 사상구·금정구, 구·군 일자리 평가 최우수·우수: a headline's dotted lists pair up too
            dotted = len(after) == n and all(
                _DOT_JOIN.fullmatch(self.text, sent.awards[i].end, sent.awards[j].start) for i, j in zip(run, run[1:]))
            if not (_RESPECTIVE_WORD.search(between) or dotted) or any(
                    o.start < sent.awards[run[0]].start for o in sent.groups if o.start > g.end):
                continue
            if _joined(self.text, [sent.awards[i] for i in run]):
                for i, m in zip(run, g.members):
                    given[i].append(_Group([m]))
                g.consumed = True

    def _topic_then_subject(self, a: _Ent, g: _Group, e: int) -> bool:
        """최우수상은 (what it was given for) 부천시가, 우수상은 … 이천시와 안성시가 받았다: a tier
        as the topic, then the next group as the subject (이/가) of the same clause."""
        between = self.text[a.end:g.start]
        return (len(between) <= 80 and _TOPIC_AFTER.match(between) is not None
                and not re.search(r"[.!?。]", between)
                and _SUBJECT_MARK.match(self.text, g.end, e) is not None)

    def _nearest_group_before(self, sent: _Sentence, given: list[list[_Group | None]]) -> None:
        """Rule 3: a tier still without awardee goes to the nearest free group before it."""
        for i, a in enumerate(sent.awards):
            if given[i]:
                continue
            before = [
                g for g in sent.groups
                if g.end <= a.start and not g.consumed and _head_fits(a, g)
                and not _NOT_AWARDEE_AFTER.match(self.text, g.end, sent.end)
            ]
            if before:
                before[-1].consumed = True
                given[i].append(before[-1])
                # 광역에서는 광주시와 경북도가, 기초에서는 이천시가 최우수기관에: subjects in a row
                k = len(before) - 1
                while k > 0 and _SUBJECT_CHAIN.fullmatch(self.text, before[k - 1].end, before[k].start):
                    k -= 1
                    before[k].consumed = True
                    given[i].append(before[k])

    def _only_or_page_district(self, sent: _Sentence, given: list[list[_Group | None]]) -> _Ent | None:
        """Rule 4: the sentence's only district, or the page's; returns a tier left without either."""
        unattached = None
        names = {_dkey(m) for g in sent.groups for m in g.members}
        for i, a in enumerate(sent.awards):
            if given[i]:
                continue
            if len(names) == 1 and _head_fits(a, sent.groups[0]) and not self._counted(a):
                given[i].append(_Group([sent.groups[0].members[0]]))
            elif not sent.groups and (referred := self._referred_group(sent, a)) is not None:
                given[i].append(referred)
            elif not sent.groups and self.ctx.page_district is not None:
                given[i].append(None)  # the page's district
            elif not sent.groups and self._lead_of_level(sent) is not None:
                given[i].append(_Group([self._lead_of_level(sent)]))
            elif not sent.groups and (carried := self._carried_subject(a)) is not None:
                given[i].append(_Group([carried]))
            elif not sent.groups and (spoken := self._won_by_speaker(sent, a)) is not None:
                given[i].append(_Group([spoken]))
            elif not sent.groups:
                unattached = a
        return unattached

    def _referred_group(self, sent: _Sentence, a: _Ent) -> _Group | None:
        """두 곳은 장관 표창과 함께 …: the awardees of the paragraph's last award sentence (or,
        opening a paragraph, of the one before), referred to by their number before the award."""
        # the referent stands shortly before the award (looked for there only: a sentence of
        # a thousand awards stays linear); one opening a paragraph refers to the one before
        refs = list(_REFERENT.finditer(self.text, max(sent.start, a.start - _REFERENT_REACH), a.start))
        opening = _REFERENT.match(self.text, sent.start) is not None
        rows = self.last_rows or (self.page_last_rows if opening else [])
        keys = list(dict.fromkeys(r.key for r in rows))
        if not refs or len(keys) < 2 or _count_of(refs[-1]) != len(keys):
            return None
        members = [self.ctx.mention_of(k) for k in keys]
        return _Group(members) if all(members) else None

    def _carried_subject(self, a: _Ent) -> _Ent | None:
        """시는 … 우수상을 받았다. 이어 경남도가 발표한 ‘…’에서는 최우수에 올라 …: a tier with no
        government in its sentence goes to the one government the paragraph's last award
        sentence gave a row to (the subject carried over), unless it names a class."""
        keys = {r.key for r in self.last_rows}
        if len(keys) != 1 or self._counted(a):
            return None
        line_start = self.text.rfind("\n", 0, a.start) + 1
        line_end = self.text.find("\n", a.start)
        if "|" in self.text[line_start:line_end if line_end >= 0 else None] or _LIST_ITEM.match(self.text, line_start):
            return None  # a table row or list item stands alone
        return self.ctx.mention_of(next(iter(keys)))

    def _won_by_speaker(self, sent: _Sentence, a: _Ent) -> _Ent | None:
        """중랑구청장은 “최우수구로 받는 인센티브 1억2천만원은 …”: a tier in the quote of a
        government's head, when that government already won on the page, is its win again."""
        key = self._speaker_of(sent, a)
        if key is None or not any(_dkey(d) == key for d in self.first_awardees):
            return None
        return self.ctx.mention_of(key)

    def _counted(self, a: _Ent) -> bool:
        """우수 시군 5곳 발표: a tier followed by a number of winners names a class, not one government's win."""
        m = _COUNTED_AFTER.match(self.text, a.end)
        return m is not None and _count_of(m) > 1

    def _lead_of_level(self, sent: _Sentence, upto: int | None = None) -> _Ent | None:
        """구는 …, 군은 … opening a sentence (with *upto*: the last one before it) on a page
        about several governments: the first awardee of the page at that level (the
        story's subject), if there is one."""
        if upto is None:
            p = _PRONOUN_SUBJECT.match(self.text, sent.start)
        else:
            p = next(reversed(list(_PRONOUN_SUBJECT.finditer(self.text, sent.start, upto))), None)
        if p is None:
            return None
        levels = _PRONOUN_LEVELS[p.group(1)]
        return next((d for d in self.first_awardees if d.norm.get("level") in levels), None)

    # -------------------------------------------------------------- rows
    def rows_for(self, sent: _Sentence, pairs: _Pairs) -> list[_Row]:
        """One row per awardee of each (award, group) pair of the sentence; money tied last."""
        year_in_sentence = _sentence_year(self.text, sent.start, sent.end)
        sent_start, sent_end = self.sentence_span(sent.start, sent.end, pairs)
        rows: list[_Row] = []
        programs = [p for p in sent.programs if self.ctx.is_evaluation(p)]
        for a, g in pairs:
            prog_ent = _pick_program(programs, a)
            program = self.ctx.program_name(prog_ent) if prog_ent else None
            shared = prog_ent is not None and any(
                o is not a and min(prog_ent.end, a.end) <= o.start < max(prog_ent.start, a.start) for o in sent.awards
            )
            if program is None and self.ctx.several_evaluations:
                program = self.last_program  # 도 평가에서 우수는 …: the evaluation the story is at
            elif program is not None and not shared:
                self.last_program = program
            year = prog_ent.norm.get("year") if prog_ent else None
            if not isinstance(year, int):
                year = year_in_sentence
            others = [(o.start, o.end) for o, _ in pairs if o is not a]
            others += [(og.start, og.end) for o, og in pairs if o is not a and og is not None]
            streak = _streak(self.text, sent.start, sent.end, a, others)
            if g is None:
                members, owner_pos = [self.ctx.first_mention[self.ctx.page_district]], sent.start
            else:
                members, owner_pos = g.members, g.start
            for d in members:
                rows.append(_Row(
                    district=d.text, district_name=d.norm.get("name"),
                    tier=a.norm.get("tier"), rank=a.norm.get("rank"), award=a.text,
                    award_headed=bool(a.norm.get("head") or a.norm.get("form") or a.norm.get("kind") != "district-tier"),
                    program=program, year=year, krw=None, streak=streak, official=None,
                    sent_start=sent_start, sent_end=sent_end,
                    owner_pos=owner_pos, group_size=len(members), award_end=a.end,
                    level=d.norm.get("level"), district_start=d.start if g is not None else None,
                    issuer=a.norm.get("kind") in _ISSUER_KINDS, program_shared=shared,
                    context=_key_words(self.text[self._clause_start(sent, a):a.start] + " " + (program or "")),
                    group=_group_before(self.text, sent.start, a.start),
                ))
        self.tie_money(rows, sent)
        return rows

    def _clause_start(self, sent: _Sentence, a: _Ent) -> int:
        """Where the words that qualify the award *a* begin: after the award before it, a
        separator (, · … 고) or 30 characters back (청년 일자리 분야에서는 | 최우수)."""
        return _clause_from(self.text, max(sent.start, a.start - 30, *(o.end for o in sent.awards if o.end <= a.start)),
                            a.start)

    def sentence_span(self, s: int, e: int, pairs: _Pairs) -> tuple[int, int]:
        if self.body and pairs:
            at = pairs[0][0].start
            for bs, be in self.body:
                if bs <= at < be:
                    s, e = max(s, bs), min(e, be)
                    break
        return trim_span(self.text, s, e, format_chars=False)  # sentence offsets: whitespace only

    # -------------------------------------------------------------- money
    def tie_money(self, rows: list[_Row], sent: _Sentence) -> None:
        """Each amount goes to the nearest awardee group before it (or the only one), unless
        :meth:`_money_blocked`; spending (50억원을 들여) goes to no one."""
        owners = sorted({(r.owner_pos, r.group_size) for r in rows})
        done = self._respective_money(rows, owners, sent)
        for m in sent.money:
            if m.start in done or _SPENDING_AFTER.match(self.text, m.end, sent.end):
                continue
            if _not_a_prize(self.text, sent.start, m):
                continue  # 최대 4천만원: a ceiling, not what the winner gets
            before = [o for o in owners if o[0] < m.start]
            if before:
                owner = before[-1]
            elif len(owners) == 1 and "…" not in self.text[m.end:owners[0][0]]:
                owner = owners[0]  # (not 인센티브 1억원… 울주군도 우수상: a headline's clauses apart)
            else:
                continue
            mine = _nearest_award_rows([r for r in rows if (r.owner_pos, r.group_size) == owner], m,
                                       [x.start for x in sent.money])
            if not mine or self._money_blocked(m, owner, mine, sent):
                continue
            for r in mine:
                if r.krw is None:
                    r.krw = m.norm["krw"]

    def _respective_money(self, rows: list[_Row], owners: list[tuple[int, int]], sent: _Sentence) -> set[int]:
        """군산시와 부안군은 각각 2천만원과 1천만원을: N awardees of one government each, then
        각각 and N amounts in a row: the i-th amount to the i-th. Returns the amounts' starts."""
        runs = [whole[j:] for whole in _joined_runs(self.text, sent.money) for j in range(len(whole) - 1)]
        for run in runs:  # each run of joined amounts, and what is left of it after its first ones
            before = [o for o in owners if o[0] < run[0].start and o[1] == 1]
            if len(before) != len(run) or len(before) != len(owners):
                continue
            if not _EACH_WORD.search(self.text, before[-1][0], run[0].start):
                continue
            for o, m in zip(before, run):
                for r in rows:
                    if (r.owner_pos, r.group_size) == o and r.krw is None:
                        r.krw = m.norm["krw"]
            return {m.start for m in run}
        return set()

    def _money_blocked(self, m: _Ent, owner: tuple[int, int], mine: list[_Row], sent: _Sentence) -> bool:
        """Whether the amount *m* stays apart from the rows *mine* of the awardee group *owner*
        (its position and size): another government as the subject between them, a 시는/구는
        of another level, or a total for a whole group."""
        text, e = self.text, sent.end
        owner_pos, group_size = owner
        award_end = max(r.award_end for r in mine)
        start = max(owner_pos, award_end) if owner_pos < m.start else m.end
        stop = m.start if owner_pos < m.start else owner_pos
        if _TOTAL_BEFORE.search(text[max(start, m.start - 8):m.start]):
            return True  # 모두 6억원: a total
        # 9개 자치단체에 인센티브 8억원… 대구시 우수상: the count stands before the amount
        counted_from = max(sent.start, m.start - 20) if owner_pos > m.start else start
        counts = {_count_of(c) for c in _COUNTED.finditer(text, counted_from, stop)}
        per_one = _EACH_BEFORE.search(text[max(0, m.start - 8):m.start]) is not None  # 등 12곳(곳당 4천만원)
        if not per_one and any(n > 1 and n != len({r.key for r in mine}) for n in counts):
            return True  # 8개 구를 선정해 …, 수상 5곳에 …: the amount of other winners too
        member_starts = {r.district_start for r in mine}
        if any(
            start <= d.start < stop and d.start not in member_starts
            and _SUBJECT_AFTER.match(text, d.end, e)
            for d in sent.districts
        ):
            return True
        if _to_region().search(text, start, stop):
            return True  # 광주에 특별교부세 3억원: the amount of a whole region
        levels = {r.level for r in mine}
        if any(
            not levels & set(_PRONOUN_LEVELS[p.group(1)])
            for p in _PRONOUN_SUBJECT.finditer(text, start, stop)
        ):
            return True
        each = _each(text, m, e) or bool(_EACH_WORD.search(text, owner_pos, m.start)) if owner_pos < m.start else _each(text, m, e)
        return group_size > 1 and not each  # a total for the whole group

    def money_without_award(self, sent: _Sentence) -> None:
        """An award-money sentence without a tier: note which district the amount goes to."""
        text, e = self.text, sent.end
        prize = _PRIZE_WORD.search(text, sent.start, e) is not None
        paired = set()
        if _AWARD_MONEY.search(text, sent.start, e):
            paired = self._respective_referred(sent)
        for m in sent.money:
            if m.start in paired:
                continue
            if not _AWARD_MONEY.search(text, sent.start, e) or _SPENDING_AFTER.match(text, m.end, e):
                continue
            if _not_a_prize(text, sent.start, m):
                continue  # 1인당 최대 1천만원: a grant or a wage, not a prize
            if _within_ends(self.past_ends, sent.start, m.start):
                continue  # 2013년 우수에 들어 5천만원을 받은 바 있다: the money of a past win
            # (서울시로부터 …: the giver, not whom the amount is for)
            before = [g for g in sent.groups if g.end <= m.start and not _GIVER_AFTER.match(text, g.end)]
            if self.referred_money(sent, m, before[-1].end if before else sent.start):
                continue
            if before:
                g = before[-1]
                if any(
                    g.end <= d.start < m.start and _SUBJECT_AFTER.match(text, d.end, e)
                    for d in sent.districts
                ):
                    continue
                if len(g.members) > 1 and not (_each(text, m, e) or _EACH_WORD.search(text, g.end, m.start)):
                    continue
                for d in g.members:
                    self.money_facts.append((_dkey(d), m.norm["krw"], prize))
            elif not sent.groups and prize and (speaker := self._speaker_of(sent, m)) is not None:
                self.money_facts.append((speaker, m.norm["krw"], prize))
            elif not sent.groups and (lead := self._lead_elsewhere(sent, m)) is not None:
                self.money_facts.append((_dkey(lead), m.norm["krw"], prize))
            elif self.last_rows and not sent.groups:
                self.carried_money(sent, m)
            elif not sent.groups and self.ctx.page_district is not None:
                if any(_SUBJECT_AFTER.match(text, d.end, e) for d in sent.districts if d.start < m.start):
                    continue
                self.money_facts.append((self.ctx.page_district, m.norm["krw"], prize))
            elif not sent.districts and prize and self.last_subject is not None:
                # 고성군은 … 평가를 받았다. 시상금 2억원은 …: the subject carried from the sentence before
                self.money_facts.append((_dkey(self.last_subject), m.norm["krw"], prize))

    def _respective_referred(self, sent: _Sentence) -> set[int]:
        """최우수에 강화군, 우수에 미추홀구, 장려에 옹진군을 선정했다. 세 곳에는 각각 3천만원,
        2천만원, 1천만원: N awardees of the last award sentence referred to by their number,
        각각, then N amounts in a row: in the order they were named."""
        for run in _joined_runs(self.text, sent.money):
            refs = list(_REFERENT.finditer(self.text, sent.start, run[0].start))
            open_rows = [r for r in self.last_rows if r.krw is None]
            keys = list(dict.fromkeys(r.key for r in sorted(open_rows, key=lambda r: r.district_start or 0)))
            if (not refs or _count_of(refs[-1]) != len(run) or len(keys) != len(run)
                    or not _EACH_WORD.search(self.text, refs[-1].end(), run[0].start)
                    or any(g.start < run[0].start for g in sent.groups)):
                continue
            for key, m in zip(keys, run):
                for r in open_rows:
                    if r.key == key:
                        r.krw = m.norm["krw"]
            return {m.start for m in run}
        return set()

    def _speaker_of(self, sent: _Sentence, m: _Ent) -> str | None:
        """울주군수는 “상사업비 5천만원은 …에 쓰겠다”: the government whose head speaks the
        quote the amount stands in."""
        lo = max(sent.start, m.start - _QUOTE_REACH)
        opened = [at for at, close in ((self.text.rfind(o, lo, m.start), c) for o, c in _QUOTE_PAIRS)
                  if at >= 0 and close not in self.text[at:m.start]]
        if not opened:
            return None
        open_at = max(opened)
        heads = [x for x in _within(self.ents, self.ent_starts, sent.start, open_at) if _head_of_government(x)]
        return heads[-1].norm["district"] if heads else None

    def _lead_elsewhere(self, sent: _Sentence, m: _Ent) -> _Ent | None:
        """군은 이번 평가로 특별교부세 1억원을 받게 됐다: the government a level word before
        the amount stands for, when it is not among the paragraph's last awardees."""
        lead = self._lead_of_level(sent, m.start)
        if lead is None or any(r.key == _dkey(lead) for r in self.last_rows):
            return None
        return lead

    def referred_money(self, sent: _Sentence, m: _Ent, since: int) -> bool:
        """Money for awardees referred to by their number (두 시에는 6천만원씩, 나머지 세
        곳은 1천500만원씩): the awardees of the paragraph's last award sentence
        without an amount yet, when exactly that many of them (or one group of
        that size) stand out.  Returns whether a referent stood before the amount."""
        refs = list(_REFERENT.finditer(self.text, since, m.start))
        if not refs:
            return False
        n = _count_of(refs[-1])
        # 두 구는 … 5천만원씩 opening a paragraph: the winners of the page's last award sentence
        rows = self.last_rows or (self.page_last_rows if refs[-1].start() == sent.start else [])
        open_rows = [r for r in rows if r.krw is None]
        if len({r.key for r in open_rows}) != n:
            groups: dict[int, list[_Row]] = {}
            for r in open_rows:
                groups.setdefault(r.owner_pos, []).append(r)
            sized = [g for g in groups.values() if len({r.key for r in g}) == n]
            open_rows = sized[0] if len(sized) == 1 else []
        if n > 1 and not (_each(self.text, m, sent.end) or _EACH_WORD.search(self.text, refs[-1].end(), m.start)):
            return True
        for r in open_rows:
            r.krw = m.norm["krw"]
        return True

    def carried_money(self, sent: _Sentence, m: _Ent) -> None:
        """Money in a sentence that names no government: it goes to the awardees of the
        paragraph's last award sentence, the subject carried over (구는 …, 부상으로 …,
        이들 자치구는 각각 …): to one government, or to each of a group when distributed."""
        text, e = self.text, sent.end
        if _TOTAL_BEFORE.search(text[max(sent.start, m.start - 8):m.start]):
            return
        if any(_SUBJECT_AFTER.match(text, d.end, e) for d in sent.districts if d.start < m.start):
            return
        lo = max(0, m.start - _LINE_REACH)
        newline = text.rfind("\n", lo, m.start)
        line_start = newline + 1 if newline >= 0 or lo == 0 else None
        if line_start is not None and _LIST_ITEM.match(text, line_start):
            return  # a list item (a subheadline's - line) stands alone
        rows = self.last_rows
        levels = {r.level for r in rows}
        if any(not levels & set(_PRONOUN_LEVELS[p.group(1)]) for p in _PRONOUN_SUBJECT.finditer(text, sent.start, m.start)):
            return
        if len({r.key for r in rows}) > 1 and not (_each(text, m, e) or _EACH_WORD.search(text, sent.start, m.start)):
            return
        if len({r.key for r in rows}) == 1 and len({r.tier for r in rows}) > 1:
            return  # one government, two wins (장려상·시 평가 최우수 … 시상금 3000만원): whose money is not said
        if len({r.key for r in rows}) == 1:
            rows = rows[:1]
        for r in rows:
            if r.krw is None:
                r.krw = m.norm["krw"]

    def note_tier_money(self, sent: _Sentence) -> None:
        """Amounts by tier in a sentence that names no government: ``최우수상 세 곳에 각
        1억원, 우수상과 특별상을 받은 여섯 곳에는 각 5천만원``; every award since the
        previous amount gets the next one."""
        text, e = self.text, sent.end
        waiting: list[_Ent] = []
        items = sorted([(a.start, "A", a) for a in sent.awards] + [(m.start, "M", m) for m in sent.money], key=lambda t: t[0])
        for _, kind, x in items:
            if kind == "A":
                waiting.append(x)
                continue
            if not waiting or _SPENDING_AFTER.match(text, x.end, e):
                continue
            if _TOTAL_BEFORE.search(text[max(sent.start, x.start - 8):x.start]):
                continue
            if _not_a_prize(text, sent.start, x):
                continue  # A등급 사업에 최대 1억 원까지: a ceiling
            each = _each(text, x, e)
            if len({a.norm["tier"] for a in waiting}) > 1 and not (each or _EACH_WORD.search(text, waiting[0].end, x.start)):
                waiting = []
                continue  # 최우수·공공 일자리 장려… 시상금 4000만원: the sum of two wins
            for a in waiting:
                self.tier_money.setdefault(a.norm["tier"], set()).add((x.norm["krw"], each))
            waiting = []


# ----------------------------------------------------------------- prize schedules

# 한 곳당, 기관당, 한 곳에 (…씩), 구마다: the amount is for each holder.
_PER_ONE = (r"(?:(?:한\s*)?(?:곳|기관|시군|시·군|자치구|지자체)\s*당\s*|한\s*곳에(?:는)?\s+"
            r"|(?:곳|기관|시군|시·군|자치구|지자체|구|군|시)\s*마다\s+)")
_PER_ONE_AT = re.compile(_PER_ONE)  # 한 곳에 2천만원씩 names no number of winners
# Between who gets an amount and the amount, in a prize schedule: a particle, 각/각각,
# 한 곳당, or the parenthesis the amount stands in (당진군·홍성군(각 7천만원)).
_SCHEDULE_GAP = re.compile(
    rf"^[{_CLOSE_QUOTES})]*\s*(?:\([^()]{{0,30}}\)\s*)?(?:은|는|이|가|에는|에|에게|엔)?\s*[:：]?\s*[(（]?\s*"
    rf"{_PER_ONE}?(?:각각|각|이상)?\s*$"
)
# A tier named as a class of winners (우수시군이 7천만원씩, 최우수 2천만원, 최우수상 기관에 각 1억원):
# not an AWARD, but a holder.
_TIER_WORD = re.compile(
    r"(?<![가-힣])(?P<tier>(?:종합\s*)?(?:대상|최우수|우수|장려|특별|노력|모범)(?:\s*상)?|(?:국무총리|대통령)\s*상)"
    r"(?:\s*(?:수상\s*)?(?:기관|시군|시·군|지자체|자치단체|자치구|구|군|시))?"
    r"(?=(?:은|는|이|가|에는|에게|에|엔|와|과)?(?![가-힣]))"
)
_TIER_AFTER = re.compile(r"\s*(?:" + _TIER_WORD.pattern + ")")
# Winners referred to by their number: 두 곳은 각각, 나머지 네 곳 각.
_COUNTED = re.compile(
    _COUNT + r"(?:(?:곳|시군|시·군|자치구|기관|자치단체|지자체)(?=(?:은|는|에는|에|이|가)?(?![가-힣]))"
    # 나머지 세 군에는: a level word only with its particle (세 군데, 두 시간 are no winners)
    r"|(?:시|군|구)(?=(?:은|는|에는|에|이|가)(?![가-힣])))"
)

_COUNTED_AFTER = re.compile(r"\s*" + _COUNTED.pattern)


_CLASS_HOLDER = re.compile(r"(?<![가-힣])(광역|기초)(?:자치단체|지자체)?(?:\s*(?:부문|분야))?(?:은|는|에는)?(?=\s)")
_CLASS_NOUN = re.compile(
    r"\s*(?:(광역|기초)(?:자치단체|지자체|단체)?)?\s*"
    # 최우수상을 받은 세 기관에는: the tier's winners, then their number
    r"(?:(?:을|를)\s*(?:받은|수상한)\s*|(?:에|으로|로)\s*(?:선정된|뽑힌|오른)\s*)?"
)


def _count_of(match: re.Match) -> int:
    """The number a match of :data:`_COUNT` names: 세 → 3, 12 → 12."""
    return _NUMBERS.get(match.group(1)) or int(match.group(1))


@dataclass
class _Holder:
    start: int
    end: int
    keys: tuple[str, ...] = ()  # the districts of a group
    tier: str | None = None  # a tier named as a class
    klass: str | None = None  # of governments (광역 우수 3억원): see _class_before
    count: int | None = None  # a number of winners
    group: str | None = None  # 가 그룹 최우수 2억원: the group of governments a tier's line is for


def _within(ents: Sequence[_Ent], starts: Sequence[int], s: int, e: int) -> Sequence[_Ent]:
    """The entities (sorted, with their *starts*) that start in ``[s, e)``."""
    return ents[bisect.bisect_left(starts, s):bisect.bisect_left(starts, e)]


def _within_ends(ends: Sequence[int], a: int, b: int) -> bool:
    """Whether one of the sorted positions *ends* lies in ``[a, b]``."""
    k = bisect.bisect_left(ends, a)
    return k < len(ends) and ends[k] <= b


def _covered(ents: Sequence[_Ent], starts: Sequence[int], a: int, b: int) -> bool:
    """Whether one of the (sorted, disjoint) entities overlaps ``[a, b)``."""
    k = bisect.bisect_left(starts, b) - 1
    return k >= 0 and ents[k].end > a


def _holders(text: str, inside: Sequence[_Ent], s: int, e: int) -> list[_Holder]:
    """Who an amount of the unit ``[s, e)`` (whose entities are *inside*) may go to: groups
    of districts, tiers, numbers of winners."""
    from kgov_ner.pipeline.normalize import normalize_award

    money_starts = [x.start for x in inside if x.label == "MONEY"]
    out = []
    for g in _groups(text, [x for x in inside if x.label == "DISTRICT"]):
        k = bisect.bisect_left(money_starts, g.start)
        if k < len(money_starts) and money_starts[k] < g.end:
            # 울산광역시(2억원), 기초 부문 횡성군(2억원): amounts inside the run, each member its own holder
            out += [_Holder(d.start, d.end, keys=(_dkey(d),)) for d in g.members]
        else:
            out.append(_Holder(g.start, g.end, keys=tuple(_dkey(d) for d in g.members)))
    out += [_Holder(a.start, a.end, tier=a.norm["tier"], klass=a.klass)
            for a in inside if a.label == "AWARD" and a.norm.get("tier")]
    inside_starts = [x.start for x in inside]
    free = [m for m in _TIER_WORD.finditer(text, s, e) if not _covered(inside, inside_starts, m.start(), m.end())]
    governments = [x.start for x in inside if x.label == "DISTRICT"]
    out += [_Holder(m.start(), m.end(), tier=normalize_award(m.group("tier")).get("tier"),
                    klass=_class_before(text, s, m.start(), governments))
            for m in free]
    out += [_Holder(m.start(), m.end(), count=_count_of(m))
            for m in _COUNTED.finditer(text, s, e) if not _PER_ONE_AT.match(text, m.start())]
    out = sorted((h for h in out if h.keys or h.tier or h.count), key=lambda h: h.end)
    # 최우수상의 경우 광역 2억원, 기초 1억원: a class word holds the last tier's line for its class
    tiered = [h for h in out if h.tier]
    tier_ends = [h.end for h in tiered]
    for m in _CLASS_HOLDER.finditer(text, s, e):
        if _TIER_AFTER.match(text, m.end()):
            continue  # 기초 최우수 세 곳에는: the class of the tier after it, no holder of its own
        k = bisect.bisect_right(tier_ends, m.start()) - 1
        if k >= 0 and not _covered(inside, inside_starts, m.start(), m.end()):
            out.append(_Holder(m.start(), m.end(), tier=tiered[k].tier, klass=_KLASS[m.group(1)]))
    out.sort(key=lambda h: h.end)
    out = [replace(h, group=_group_before(text, s, h.start)) if h.tier else h for h in out]
    # 종합대상 두 곳에 각 2억원, 최우수 광역자치단체 두 곳은: a tier (and its class), then how
    # many hold it — one holder
    for i in range(len(out) - 1, 0, -1):
        h, prev = out[i], out[i - 1]
        between = _CLASS_NOUN.fullmatch(text, prev.end, h.start) if h.count and not h.tier and prev.tier else None
        if between is not None:
            klass = _KLASS.get(between.group(1) or "") or h.klass or prev.klass
            out[i - 1:i + 1] = [_Holder(prev.start, h.end, tier=prev.tier, count=h.count, klass=klass)]
    return out


def _schedule_targets(h: _Holder, rows: list[_Row], each: bool) -> list[_Row]:
    """The rows without an amount that holder *h* stands for (none when that is not clear)."""
    open_rows = [r for r in rows if r.krw is None]
    if h.keys:
        if len(h.keys) > 1 and not each:
            return []  # a total for the group
        found = [[r for r in open_rows if r.key == k] for k in h.keys]
        return [rs[0] for rs in found if len(rs) == 1]
    if h.tier:
        return [r for r in open_rows if r.tier == h.tier and _class_fits(h.klass, [r.level])
                and (h.group is None or r.group == h.group)]
    if h.count > 1 and not each:
        return []  # 11곳에 10억원: a total
    # a number of winners: the one tier that many still wait for, or all who wait
    by_tier: dict[str, list[_Row]] = {}
    for r in open_rows:
        by_tier.setdefault(r.tier or "", []).append(r)
    sized = [rs for rs in by_tier.values() if len({r.key for r in rs}) == h.count]
    if len(sized) == 1:
        return sized[0]
    return open_rows if len(open_rows) == h.count == len({r.key for r in open_rows}) else []


def _schedule_money(text: str, units: list[tuple[int, int, int]], ents: list[_Ent], rows: list[_Row]) -> None:
    """Prize schedules: an amount right after who gets it (``김천시 1,000만원, 영주시·성주군
    각 700만원``, ``우수시군이 7천만원씩``, ``나머지 네 곳 각 400만원``, a table row naming one
    government and one amount) goes to the rows still without one."""
    starts = [x.start for x in ents]
    for s, e, _ in units:
        inside = _within(ents, starts, s, e)
        money = [m for m in inside if m.label == "MONEY" and isinstance(m.norm.get("krw"), int)]
        if not money:
            continue
        holders = _holders(text, inside, s, e)
        if text.count("|", s, e) >= 2:  # a table row: one government, one amount
            groups = [h for h in holders if h.keys]
            if len(money) == 1 and len(groups) == 1 and len(groups[0].keys) == 1:
                for r in _schedule_targets(groups[0], rows, each=False):
                    r.krw = money[0].norm["krw"]
            continue
        paired = _paired_schedule(text, holders, money, rows)
        holder_ends = [h.end for h in holders]
        since = s
        for m in money:
            k = bisect.bisect_right(holder_ends, m.start) - 1
            before = [holders[k]] if k >= 0 and holders[k].start >= since else []
            since = m.end
            if m.start in paired:
                continue
            if not before or not _SCHEDULE_GAP.match(text[before[-1].end:m.start]):
                continue
            if _SPENDING_AFTER.match(text, m.end, e):
                continue
            gap = text[before[-1].end:m.start]
            each = _each(text, m, e) or any(w in gap for w in ("각", "당", "마다", "이상"))
            for r in _schedule_targets(before[-1], rows, each):
                r.krw = m.norm["krw"]


def _joined(text: str, items: Sequence) -> bool:
    """Whether consecutive *items* (with ``start``/``end``) stand joined by 과/와/및/commas."""
    return all(_AWARD_JOIN.fullmatch(text, x.end, y.start) for x, y in zip(items, items[1:]))


def _joined_runs(text: str, items: Sequence) -> list[list]:
    """The runs of two or more consecutive *items* joined by 과/와/및/commas (5천만원과 3천만원)."""
    runs: list[list] = []
    for x in items:
        if runs and _AWARD_JOIN.fullmatch(text, runs[-1][-1].end, x.start):
            runs[-1].append(x)
        else:
            runs.append([x])
    return [r for r in runs if len(r) >= 2]


def _paired_schedule(text: str, holders: list[_Holder], money: list[_Ent], rows: list[_Row]) -> set[int]:
    """우수와 장려는 한 곳당 6천만원과 3천만원: N holders in a row, a schedule gap, then N
    amounts in a row: the i-th amount to the i-th holder. Returns the amounts' starts."""
    done: set[int] = set()
    ends = [h.end for h in holders]
    for run in _joined_runs(text, money):
        before = holders[:bisect.bisect_right(ends, run[0].start)]
        if not before or not _SCHEDULE_GAP.match(text[before[-1].end:run[0].start]):
            continue
        group = before[-1]
        if group.count == len(run) and len(before) > 1 and not text[before[-2].end:group.start].strip():
            group = before[-2]  # 유성구·대덕구·동구 세 구에는 각각: the group, then its number
        if len(group.keys) == len(run) and _EACH_WORD.search(text, group.end, run[0].start):
            # 광양시와 영광군은 각각 1억2천만원과 8천만원: one group of N, N amounts
            lead = [_Holder(group.start, group.end, keys=(k,)) for k in group.keys]
        elif len(before) < len(run) or not _joined(text, lead := before[-len(run):]):
            continue
        each = any(w in text[before[-1].end:run[0].start] for w in ("각", "당")) or _each(text, run[-1], len(text))
        for h, m in zip(lead, run):
            for r in _schedule_targets(h, rows, each):
                r.krw = m.norm["krw"]
        done.update(m.start for m in run)
    return done


# 우수시군이 7천만원씩, 최우수상에는 1억원: a tier as the holder of an amount.
# (우수구 세 곳에는 1억원씩: with how many hold it)
_TIER_HOLDS = re.compile(
    rf"\s*(?:{_COUNT}(?:곳|기관|시군|자치구|자치단체|지자체)\s*)?(?:이|가|은|는|에는|에게|에)\s*{_PER_ONE}?(?:각각|각)?\s*"
)
_EACH_GAP = re.compile(rf"\s*{_PER_ONE}?(?:각각|각)?\s*")


def _tier_word_money(text: str, s: int, e: int, ents: list[_Ent], money_starts: set[int]) -> set[int]:
    """Where the amounts of a schedule by tier start: a tier word no entity covers, then
    the amount (시상금은 최우수 4천만원, 우수 각 2천만원)."""
    out = set()
    starts = [x.start for x in ents]
    for m in _TIER_WORD.finditer(text, s, e):
        if _covered(ents, starts, m.start(), m.end()):
            continue
        gap = _TIER_HOLDS.match(text, m.end(), e) or _EACH_GAP.match(text, m.end(), e)
        if gap.end() in money_starts:
            out.add(gap.end())
    return out


def _tier_money_entry(text: str, a: _Ent, e: int, money_starts: set[int]) -> int | None:
    """Where the amount starts when the AWARD *a* is a line of a prize schedule (who holds
    that tier gets the amount that follows) rather than an award given in this sentence; else None."""
    m = _TIER_HOLDS.match(text, a.end, e)
    return m.end() if m is not None and m.end() in money_starts else None


def _nearest_award_rows(mine: list[_Row], m: _Ent, money_starts: Sequence[int]) -> list[_Row]:
    """One awardee, several awards in a sentence (최우수상으로 1억원을, 장려상으로
    5000만원을): the amount goes with the award nearest before it; none when two
    awards precede it with no amount between them (청년 분야 최우수, 신중년 분야
    장려에 올라 7천만원을: the sum of both)."""
    before = [r for r in mine if r.award_end <= m.start]
    if len({r.award_end for r in mine}) < 2 or not before:
        return mine
    ends = sorted({r.award_end for r in before})
    if len(ends) >= 2 and not any(ends[-2] <= x < m.start for x in money_starts):
        return []
    return [r for r in before if r.award_end == ends[-1]]


def _each(text: str, m: _Ent, e: int) -> bool:
    """Whether the amount *m* is given to each member of a group: 각 8000만원, 8000만원씩."""
    return bool(_EACH_BEFORE.search(text[max(0, m.start - 6):m.start]) or _EACH_AFTER.match(text, m.end, e))


def _negated(text: str, a: _Ent, stop: int) -> bool:
    """The award's clause (up to the next award, a comma, a contrast or *stop*) denies it:
    받지 못했다 (not 표창을 받았지만 교부세는 받지 않는다)."""
    end = _CLAUSE_END.search(text, a.end, stop)
    return _NEGATED.search(text, a.end, end.start() if end else stop) is not None


# where an award's clause ends: a comma, or a contrast (받았지만, 받았으나)
_CLAUSE_END = re.compile(r",|지만(?![가-힣])|(?:았|었|였|했)으나(?![가-힣])")


def _past_award(text: str, a: _Ent) -> bool:
    """An award cited as a past win for a streak: ``2018년 장려, 2019년 우수에 이어``, ``지난해 장려상에 머물렀으나``;
    or naming who won it last time: ``지난해 같은 평가에서 최우수상을 받은 구미시는``."""
    before = text[max(0, a.start - 12):a.start]
    if _PAST_YEAR_BEFORE.search(before) and _PAST_AFTER.match(text, a.end):
        return True
    if _LAST_TIME_CLAUSE.search(text, max(0, a.start - 30), a.start) and _PAST_AFTER.match(text, a.end):
        return True  # 지난해 같은 부문 장려상에 이어
    if _PAST_CLAUSE_BEFORE.search(text, max(0, a.start - 30), a.start) and _EXPERIENCE_AFTER.match(text, a.end):
        return True  # 2013년 같은 평가에서 우수에 들어 … 받은 바 있다, 지난해 … 장려에 그쳐
    return bool(_LAST_TIME_CLAUSE.search(text, max(0, a.start - 30), a.start) and _WON_RELATIVE.match(text, a.end))


# 행안부, 고용노동부, 정부: a word that names who runs an evaluation; 제3회: its edition.
_ISSUER_WORD = re.compile(r"정부|[가-힣]{1,6}부|제?[0-9]{1,3}회")

#: Tier kinds that name who hands a prize (고용노동부 장관상) rather than its rank.
_ISSUER_KINDS = ("ministerial", "institution")  # 기관표창 given with a rank tier is that win too


def _one_name_per_win(text: str, awards: list[_Ent]) -> list[_Ent]:
    """One win named two ways is one award: a rank next to the issuer's prize
    (``우수상(고용노동부 장관상)``, ``우수상을 받아 … 장관상과 함께``) keeps the rank."""
    keep = list(awards)
    for a, b in zip(awards, awards[1:]):
        kinds = (a.norm.get("kind") in _ISSUER_KINDS, b.norm.get("kind") in _ISSUER_KINDS)
        if kinds[0] == kinds[1]:
            continue
        between = text[a.end:b.start]
        if re.fullmatch(r"[’'”\"]?\s*[(（]\s*", between) or re.fullmatch(
            r"[’'”\"]?\s*(?:을|를|으로|로|에)?\s*(?:받아|수상해|수상하여|선정돼|선정되어)?\s*(?:이번\s*수상으로\s*)?", between
        ):
            issuer = a if kinds[0] else b
            if issuer in keep:
                keep.remove(issuer)
    return keep


def _has_body(doc) -> bool:
    from spacy.tokens import Doc

    return Doc.has_extension("body")


# ----------------------------------------------------------------- merging


def _years_agree(a: int | None, b: int | None) -> bool:
    return a is None or b is None or a == b


def _programs_agree(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return True
    ka, kb = program_key(a), program_key(b)
    if ka == kb or ka in kb or kb in ka:
        return True
    # a headline shortens or rewords the name: 경남 일자리 / 경남 청년 일자리 만들기,
    # and puts the region before it: 충남 사회적경제 / 시군 사회적경제 활성화
    regions = _region_words()
    ta, tb = set(a.casefold().split()) - regions, set(b.casefold().split()) - regions
    # and names who runs it (행안부 일자리 평가 / 지방자치단체 일자리 창출 추진실적 평가) or the edition (제3회)
    ta, tb = {w for w in ta if not _ISSUER_WORD.fullmatch(w)}, {w for w in tb if not _ISSUER_WORD.fullmatch(w)}
    if not ta or not tb:
        return False
    return ta <= tb or tb <= ta or len(ta & tb) >= 0.5 * len(ta | tb)


@functools.lru_cache(maxsize=1)
def _region_words() -> frozenset[str]:
    """The words that name a region (충남, 전북, 경기, 서울), which a headline puts before a program's name."""
    from kgov_ner.resources.gazetteer import default_gazetteer

    return frozenset(default_gazetteer().region_words())


@functools.lru_cache(maxsize=None)
def _to_region() -> re.Pattern:
    """A region word as the receiver of an amount (광주에, 전남 지역에는)."""
    return re.compile(rf"(?<![가-힣])(?:{alternation(_region_words())})\s*(?:지역)?(?:에는|에|에게)(?![가-힣])")


def _same_award(x: _Row, y: _Row) -> bool:
    """One row per government and tier in a story (the corpus's record convention):
    a headline, a lead and a later paragraph name one win with different words
    (서울시 일자리 인센티브 평가 / 2012 자치구 인센티브 사업 평가, 행안부 일자리 평가)."""
    return x.key == y.key and x.tier == y.tier


def _merge(rows: list[_Row], ctx: _DocContext) -> list[_Row]:
    merged: list[_Row] = []
    for r in rows:
        for m in merged:
            if _same_award(m, r):
                if m.program and r.program and program_key(m.program) != program_key(r.program):
                    # one award, two names: keep the one named for this award alone (not
                    # before another award too), then the name the page uses most
                    if (not r.program_shared, ctx.program_rank(r.program)) > (not m.program_shared, ctx.program_rank(m.program)):
                        m.program, m.program_shared = r.program, r.program_shared
                for name in ("program", "year", "krw", "streak"):
                    if getattr(m, name) is None and getattr(r, name) is not None:
                        setattr(m, name, getattr(r, name))
                m.context = m.context | r.context
                m.group = m.group or r.group
                if not m.award_headed and r.award_headed:
                    m.award, m.rank, m.award_headed = r.award, r.rank, True
                break
        else:
            merged.append(r)
    return _issuer_into_rank(merged)


def _issuer_into_rank(rows: list[_Row]) -> list[_Row]:
    """``우수상을 받았다 … 구는 고용노동부 장관상을 받았다``: one win named two ways across
    sentences. An issuer's prize of a government that has exactly one rank tier row
    agreeing in year (and program, when the prize names one) is that row — of several,
    the last one stated before the prize; its missing fields come from it."""
    out = []
    for r in rows:
        ranked = [m for m in rows if not m.issuer and m.key == r.key and _years_agree(m.year, r.year)
                  and (r.program is None or (m.program is not None and _programs_agree(m.program, r.program)))]
        if len(ranked) > 1:
            ranked = [max((m for m in ranked if m.sent_start <= r.sent_start), key=lambda m: m.sent_start, default=None)]
        if not r.issuer or len(ranked) != 1 or ranked[0] is None:
            out.append(r)
            continue
        for name in ("program", "year", "krw", "streak"):
            if getattr(ranked[0], name) is None and getattr(r, name) is not None:
                setattr(ranked[0], name, getattr(r, name))
    return out


def _bare_head(level: str, ctx: _DocContext, keys_by_level: dict[str | None, set[str]]) -> str | None:
    """A bare title (지사는) on a page where one awardee has a head of that kind: its name."""
    names = ctx.bare_heads.get(level, set())
    peers = set().union(*(keys_by_level.get(lv, set()) for lv in _TITLE_LEVEL_PEERS.get(level, (level,))))
    return next(iter(names)) if len(names) == 1 and len(peers) == 1 else None


# ----------------------------------------------------------------- public API


def _headline_streak(ex: _Extractor, rows: list[_Row]) -> None:
    """The page's one row, without a streak, takes N of an ``N년 연속`` in one of the
    article's first lines with entities (its headline, a caption before it) that names its winner."""
    lines = ((s, e, _within(ex.ents, ex.ent_starts, s, e)) for s, e, _ in ex.units)
    for s, e, inside in itertools.islice((line for line in lines if line[2]), 3):
        m = _STREAK.search(ex.text, s, e)
        if m and any(x.label == "DISTRICT" and _dkey(x) == rows[0].key for x in inside):
            for r in rows:
                if r.streak is None:
                    r.streak = int(m.group(1))
            return


# between clauses: a comma, a middle dot, an ellipsis, a connective ending (뽑히고, 받았고)
_CLAUSE_SEP = re.compile(r"[,·…\n]|[가-힣]고\s")
# words that qualify any award or amount alike: they tell no two wins apart
_KEY_STOP = frozenset("평가 부문 분야 수상 시상금 상금 인센티브 포상금 상사업비 교부세 특별교부세 재정 받는 받은 따로 "
                      "지급 지급된다 이번 올해 구가 군이 시가 구는 군은 시는 모두 각각 함께 딸린".split())


def _clause_from(text: str, lo: int, hi: int) -> int:
    """Where the clause that ends at *hi* begins: after the last separator in ``[lo, hi)``, else *lo*."""
    last = None
    for last in _CLAUSE_SEP.finditer(text, lo, hi):
        pass
    return last.end() if last is not None else lo


def _key_words(text: str) -> frozenset:
    """The Hangul words (two syllables or more, particles left on) of *text*, but stop words."""
    return frozenset(w for w in re.findall(r"[가-힣]{2,}", text) if w not in _KEY_STOP)


def _same_word(a: str, b: str) -> bool:
    """청년 ~ 청년일자리, 일자리 ~ 일자리에서: one word starts the other (two syllables at least)."""
    return a.startswith(b) or b.startswith(a)


# 가 그룹, 1그룹, A그룹: a group of governments an evaluation ranks apart (by population)
_GROUP_LABEL = re.compile(r"(?<![가-힣A-Za-z0-9])([가-하]|[0-9]{1,2}|[A-Za-z])\s?그룹")


def _group_before(text: str, lo: int, start: int) -> str | None:
    """The last group label (가 그룹, 2그룹) between *lo* and *start*, if any."""
    found = list(_GROUP_LABEL.finditer(text, max(lo, start - 200), start))
    return found[-1].group(1) if found else None


_TABLE_LINE = re.compile(r"^[^\n]*\|[^\n]*\|[^\n]*$", re.M)
_PER_EACH_WORD = re.compile(r"기관마다|기관당|곳당|곳마다|(?<![가-힣])각(?![가-힣])|단체마다|당\s*인센티브")


def _matrix_money(text: str, ents: list[_Ent], starts: list[int], rows: list[_Row]) -> None:
    """A table of amounts per winner by class and tier: a header of tiers (구분 | 종합대상 |
    최우수상 | 우수상), then a line per class (광역 | 2억 | 1억5천만 | 1억), said to be per
    winner (기관마다, 기관당) just before it: each open row takes its class's and tier's cell."""
    from kgov_ner.pipeline.normalize import normalize_award

    lines = list(_TABLE_LINE.finditer(text))
    k = 0
    while k < len(lines):
        header = lines[k]
        cells = _cells(text, header.start(), header.end())
        tiers = [normalize_award(text[a:b].strip()).get("tier") if text[a:b].strip() else None for a, b in cells]
        if sum(t is not None for t in tiers) < 2 or not _PER_EACH_WORD.search(text, max(0, header.start() - 200), header.start()):
            k += 1
            continue
        k += 1
        while k < len(lines) and text.count("\n", header.end(), lines[k].start()) <= 1:
            line = lines[k]
            cells = _cells(text, line.start(), line.end())
            klass = _KLASS.get(text[cells[0][0]:cells[0][1]].strip()[:2]) if cells else None
            if klass is None:
                break
            for (a, b), tier in zip(cells, tiers):
                money = [x for x in _within(ents, starts, a, b) if x.label == "MONEY" and isinstance(x.norm.get("krw"), int)]
                if tier is None or len(money) != 1:
                    continue
                for r in rows:
                    if r.krw is None and r.tier == tier and _class_fits(klass, [r.level]):
                        r.krw = money[0].norm["krw"]
            header = line
            k += 1


def _cells(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """The cells of a table line ``[s, e)`` split at ``|``."""
    out, at = [], s
    for m in re.finditer(r"\|", text[s:e]):
        out.append((at, s + m.start()))
        at = s + m.end()
    out.append((at, e))
    return out


def _keyed_money(ex: "_Extractor", rows: list[_Row]) -> None:
    """One government, two wins (일자리 평가 우수구, 사회적경제 평가 장려구; 종합 부문 우수,
    청년 분야 최우수), then amounts each after words of one of them: ``구가 받는 인센티브는
    일자리 평가 8천만 원, 사회적경제 평가 3천만 원``, ``청년 분야 수상에 딸린 시상금
    2,000만원``. An amount goes to the one win whose clause or evaluation shares the most
    words with the words before the amount (back to the last amount or separator)."""
    by_key: dict[str, list[_Row]] = {}
    for r in rows:
        by_key.setdefault(r.key, []).append(r)
    multi = {k: rs for k, rs in by_key.items() if len(rs) >= 2 and len({r.tier for r in rs}) == len(rs)}
    if not multi:
        return
    text = ex.text
    prev_par, prev_money = None, False
    for s, e, par in ex.units:
        inside = _within(ex.ents, ex.ent_starts, s, e)
        # (구는 두 분야에서 시상금을 따로 받는다.) 청년 분야에서 3000만원, …: the money word may
        # stand in the sentence before
        said = _AWARD_MONEY.search(text, s, e) is not None
        money_here, prev_money, prev_par = said or (prev_money and par == prev_par), said, par
        if any(x.label == "AWARD" for x in inside) or not money_here:
            continue
        named = {_dkey(x) for x in inside if x.label == "DISTRICT" and ex.ctx.awardee_capable(x)}
        if len(named) > 1 or (named and not named <= set(multi)) or (not named and len(multi) > 1):
            continue  # another government's sentence, or whose money is not said
        own = multi[next(iter(named))] if named else next(iter(multi.values()))
        since = s
        for m in (x for x in inside if x.label == "MONEY" and isinstance(x.norm.get("krw"), int)):
            words = _key_words(text[_clause_from(text, since, m.start):m.start])
            since = m.end
            if not words or _not_a_prize(text, s, m) or _TOTAL_BEFORE.search(text[max(s, m.start - 8):m.start]):
                continue
            shared = [sum(any(_same_word(w, c) for c in r.context) for w in words) for r in own]
            best = max(shared)
            if best and shared.count(best) == 1 and own[shared.index(best)].krw is None:
                own[shared.index(best)].krw = m.norm["krw"]  # the win sharing the most words


def _money_by_government(money_facts) -> dict[str, set[int]]:
    """The amounts said to go to each government (key): an amount a sentence calls a prize
    (인센티브, 시상금 …) outweighs one it only says was received."""
    facts: dict[str, set[int]] = {}
    strong = {key for key, _, prize in money_facts if prize}
    for key, krw, prize in money_facts:
        if prize or key not in strong:
            facts.setdefault(key, set()).add(krw)
    return facts


def extract_records(doc, file: str = "") -> list[dict]:
    """Award records of a tagged Doc, one dict per row with the keys of :data:`COLUMNS`.

    See the module docstring for the rules.  ``doc`` is what
    ``kgov_ner.Tagger()(text)`` returns (sentences from Kiwi, ``ent._.norm``).
    """
    ex = _Extractor(doc, file)
    rows = ex.run()
    ctx = ex.ctx
    _schedule_money(ex.text, ex.units, ex.ents, rows)
    _keyed_money(ex, rows)
    _matrix_money(ex.text, ex.ents, ex.ent_starts, rows)
    facts = _money_by_government(ex.money_facts)
    per_district = Counter(r.key for r in rows)
    per_tier = Counter(r.tier for r in rows)
    keys_by_level: dict[str | None, set[str]] = {}
    for r in rows:
        keys_by_level.setdefault(r.level, set()).add(r.key)
    if len(rows) == 1:  # one win: a streak the headline gives its winner (안성시, 3년 연속 … 수상)
        _headline_streak(ex, rows)
    out = []
    for r in rows:
        if r.program is None and ctx.main_program is not None:
            r.program = ctx.main_program
        elif r.program is not None and ctx.is_formal_of(ctx.main_program, r.program):
            r.program = ctx.main_program  # 전남 일자리 평가 in a headline: the dated formal name the lead quotes
        if r.year is None and r.program is not None:
            r.year = ctx.year_of(r.program)
        if r.year is None:
            r.year = ctx.doc_year
        if r.krw is None and per_district[r.key] == 1 and len(facts.get(r.key, ())) == 1:
            r.krw = next(iter(facts[r.key]))
        amounts = ex.tier_money.get(r.tier, set())
        if r.krw is None and len({k for k, _ in amounts}) == 1:
            krw, each = next(iter(amounts))
            if each or per_tier[r.tier] == 1:
                r.krw = krw
        if r.official is None and r.district_name:
            r.official = ctx.heads.get(r.district_name)
        if r.official is None and r.level is not None:
            r.official = _bare_head(r.level, ctx, keys_by_level)
        out.append({
            "file": file, "district": r.district, "district_name": r.district_name,
            "tier": r.tier, "rank": r.rank, "award": r.award, "program": r.program,
            "year": r.year, "krw": r.krw, "streak": r.streak, "official": r.official,
            "sent_start": r.sent_start, "sent_end": r.sent_end,
        })
    return out
