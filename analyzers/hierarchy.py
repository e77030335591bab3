"""A document's rank in the legal hierarchy, from its issuing agency and its title.

法律 > 行政法规 > 司法解释 > 部门规章 > 地方性法规 > 地方政府规章 > 其他: a citizen who asks what
the rule is wants the law first, then the State Council's regulation, then local detail. The
level is read from what every document states (who issued it, what it is called), not from a
folder name, so uploads and other collections get it too. Taiwan's hierarchy
(中央法规标准法: 法/律/条例/通则 passed by 立法院 and promulgated by 总统 are 法律; the
ministries' 规程/规则/细则/办法/纲要/标准/准则 are orders) maps onto the same scale.
Works on normalised (Simplified) text.
"""

from __future__ import annotations

import re

from analyzers.normalize import in_traditional, normalize, to_traditional

LEVELS: tuple[str, ...] = (
    "法律", "行政法规", "司法解释", "部门规章", "地方性法规", "地方政府规章", "其他",
)  # fmt: skip

_NPC = re.compile(r"^全国人民代表大会(常务委员会)?$")
_STATE_COUNCIL = re.compile(r"^国务院(、中央军事委员会)?$|^中央军事委员会、国务院$")
_COURTS = re.compile(r"最高人民法院|最高人民检察院")
_TW_LAW_AGENCY = re.compile(r"^(总统|总统府|立法院)$")
_LAW_TITLE = re.compile(r"(法|法典|律|条例|通则)(（[^（）]*）)?$")
_REG_TITLE = re.compile(r"(条例|规定|办法|细则|规则|规程|纲要|标准|准则|决定)(（[^（）]*）)?$")
_LOCAL = re.compile(r"(省|市|自治区|自治州|县|区)")
_LOCAL_CONGRESS = re.compile(r"人民代表大会(常务委员会)?$")
_LOCAL_GOV = re.compile(r"人民政府$|市政府$|县政府$")
_MINISTRY = re.compile(r"(部|委员会|总局|署|局|院|银行)$")


def legal_level(agency: str, title: str) -> str:
    """One of :data:`LEVELS` for a document issued by ``agency`` under ``title``."""
    agency = agency.strip()
    title = re.sub(r"\s", "", title)
    if "报告" in title:  # work reports delivered to a congress are not its laws
        return "其他"
    if _NPC.match(agency) or (_TW_LAW_AGENCY.match(agency) and _LAW_TITLE.search(title)):
        return "法律"
    if _STATE_COUNCIL.match(agency) and _REG_TITLE.search(title):
        return "行政法规"
    if _COURTS.search(agency):
        return "司法解释"
    if _LOCAL.search(agency):
        if _LOCAL_CONGRESS.search(agency):
            return "地方性法规"
        if _LOCAL_GOV.search(agency) and _REG_TITLE.search(title):
            return "地方政府规章"
        return "其他"
    if _MINISTRY.search(agency) and _REG_TITLE.search(title):
        return "部门规章"
    return "其他"


# -- jurisdiction ------------------------------------------------------------------------------
_PLACE = re.compile(r"^(.{2,4}?)(省|市|自治区|特别行政区|县)")
_TAIWAN_AGENCY = re.compile(
    r"^(总统|总统府|行政院|立法院|司法院|考试院|监察院|台湾|台南|台北|高雄)"
)
# common characters that exist only in Traditional script
_TAIWAN_ONLY = re.compile(r"[臺灣們為這個說國與機關員應於條]")


_TAIWAN_CITY = re.compile(
    "([臺台]北|新北|桃園|桃园|[臺台]中|[臺台]南|高雄|基隆|新竹|嘉義|嘉义|苗栗|彰化|南投|雲林|云林"
    "|屏東|屏东|宜蘭|宜兰|花蓮|花莲|[臺台]東|[臺台]东|澎湖|金門|金门|連江|连江)[市縣县]"
)
_CITY_HEAD = 600  # characters: a title and the lines under it


def _taiwan_city(head: str) -> str:
    """The Taiwan city or county a text's head names most (臺南市 → 台南), the first named of
    those named as often, or "" for none. (Ties were broken by a set's order, which Python
    varies per process: two ingests of one corpus filed a text under 台东 or 屏东, QA pass 44c.)"""
    names = [normalize(m.group(1)) for m in _TAIWAN_CITY.finditer(head)]
    return max(names, key=names.count) if names else ""


def regions(written_agency: str, original_text: str) -> tuple[str, ...]:
    """Where a document applies: 全国, a province or city (from the agency: 北京, 郑州), and
    台湾 for documents issued there (their agencies never say so: 内政部, 总统; they are written
    in Traditional script, which mainland documents mostly are not). ``written_agency`` is the
    agency as the catalogue or the file wrote it: its script is evidence too."""
    agency = normalize(written_agency.strip())
    out: list[str] = []
    head = original_text[:3000]
    taiwan = bool(_TAIWAN_AGENCY.match(agency)) or (
        len(_TAIWAN_ONLY.findall(head)) >= 8 and not _mainland_organ(written_agency.strip(), agency)
    )
    if taiwan:
        out.append("台湾")
    m = _PLACE.match(agency)
    if m and m.group(1) not in out:
        out.append(m.group(1))
    elif taiwan and m is None:
        # a city's bureau signs its news (衛生局, 新聞及國際關係處): the city is in its head, not
        # its agency (QA pass 22: 1,100 Tainan documents carried 台湾 alone, so 台南市 垃圾
        # put no Tainan document first)
        city = _taiwan_city(original_text[:_CITY_HEAD])
        if city:
            out.append(city)
    if not out and agency and not taiwan:
        out.append("全国")
    return tuple(out)


def _mainland_organ(written: str, agency: str) -> bool:
    """Whether an agency is the mainland's whatever script its text is set in: written in
    simplified characters (国务院: Taiwan's catalogues write 內政部, 總統), or a mainland
    province's or city's (常熟市人民政府). QA pass 44c: 国务院's 1954 and 1957 政府工作报告 and
    常熟's annual report, typeset in traditional, were filed as 台湾's."""
    simplified = to_traditional(written) != written and not in_traditional(written)
    place = _PLACE.match(agency)
    return simplified or bool(place and not _TAIWAN_CITY.match(agency))


def named_place(name: str) -> str:
    """The province, city or county a normalised name begins with, as :func:`regions` reads an
    agency (上海市人民代表大会常务委员会 and 上海市科学技术进步条例 → 上海), or "" for a name
    that begins with none (国务院, 殡葬管理条例)."""
    m = _PLACE.match(name)
    return m.group(1) if m else ""


def place_name(word: str) -> str:
    """A query word as a jurisdiction would be named in :func:`regions` (北京市 → 北京)."""
    for suffix in ("特别行政区", "自治区", "省", "市", "县"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return word[: -len(suffix)]
    return word
