"""Finding a document's 文号 (issuing number) in its text.

Three families are recognised, each written many ways:

* mainland 发文字号 ``国办发〔2019〕5号`` with 〔〕 [] ［］ () （） 【】 ﹝﹞ 〈〉 〖〗 brackets,
  full-width digits, a year in Chinese numerals (〔二〇一九〕) or followed by 年 (〔2019年〕);
* 令号 ``中华人民共和国国务院令第86号``, ``公安部令第１２５号``, ``主席令第三十一号``;
* Taiwan 字號 ``華總一義字第11200045431號``, whose digits are often broken by line wraps.

The number is returned as written (brackets and digit width preserved, line-wrap whitespace
removed) because that is what users copy; matching variants is the analyzer's job. Only a
closing bracket that does not pair with its opening one (``〔2018]``, an OCR misreading) is
made its partner: no one writes a 文号 that way.
"""

from __future__ import annotations

import re

_D = r"[0-9０-９]"
_CN = "〇零一二三四五六七八九十百千"
# the brackets and years analyzers.docno reads a query's 文号 in (QA pass 48a: 粤府办﹝2019﹞17号,
# common on local sites, was found by its text but stored as no 文号); 《》 <> {} are left out,
# since running text holds them round titles and code
_OPEN = r"[〔\[［(（【﹝〈〖]"
_CLOSE = r"[〕\]］)）】﹞〉〗]"
_YEAR = rf"(?:{_D}{{4}}|[〇零一二三四五六七八九]{{4}})\s*年?"

# 国办发〔2019〕5号: a 1–8 character prefix ending like a 文号 word, a bracketed year, a number.
BRACKET_RE = re.compile(
    rf"(?P<prefix>[\u4e00-\u9fff]{{1,8}}){_OPEN}\s*(?P<year>{_YEAR})\s*{_CLOSE}\s*"
    rf"第?\s*(?P<no>{_D}{{1,5}})\s*[号號]"
)
# the bracketed year BRACKET_RE needs: without it the prefix part is tried at every Han
# character for nothing (most lines hold no 文号)
_BRACKET_ANCHOR = re.compile(rf"{_OPEN}\s*{_YEAR}\s*{_CLOSE}")
# 中华人民共和国国务院令第86号 / 公安部令第１２５号 / 主席令第三十一号
ORDER_RE = re.compile(
    rf"(?P<issuer>(?:中华人民共和国)?[\u4e00-\u9fff、]{{0,30}}?)令\s*[（(]?\s*第\s*"
    rf"(?P<no>(?:{_D}|[{_CN}]){{1,8}})\s*号\s*[）)]?"
)
# ORDER_RE without its issuer: the issuer part is tried from every character before a 令, so
# a text whose 令 is never followed by 第 (命令, 法令, 责令) skips the full regex
_ORDER_ANCHOR = re.compile(r"令\s*[（(]?\s*第")
# 華總一義字第11200045431號 (digits may contain line-wrap whitespace; letters occur: 091B000023)
TAIWAN_RE = re.compile(
    r"(?P<word>(?:[\u4e00-\u9fff0-9]|[（(][0-9一二三四五六七八九十〇]{1,4}[）)]){1,30}?)字\s*第\s*(?P<no>[0-9A-Za-z０-９][0-9A-Za-z０-９\s]{0,24}?)"
    r"\s*號"
)
_TAIWAN_HINT = re.compile(r"字\s*第")
_ARTICLE_LINE = re.compile(r"^\s*第\s*[一二三四五六七八九十百零〇0-9]+\s*条", re.M)
_LEAD_INS = ("根据", "依据", "依照", "按照", "参照", "执行", "印发", "转发", "见", "经", "以", "按",
             "和", "及", "与", "的", "即", "文件", "通知", "批准", "同意")  # fmt: skip
_WORD_END = "发函字办令文电通规复告呈报批示密函秘發辦電規復報"  # 國辦發〔2019〕3號 too (QA 35b)
_AGENCY_END = ("委員會", "委员会", "總統", "总统", "政府", "會議", "会议", "部", "署", "院", "局",
               "處", "处", "會", "会", "府", "廳", "厅", "室", "所", "館", "馆")  # fmt: skip
_ORDER_NOISE = ("根据", "依据", "按照", "参照", "发布", "公布", "通过", "施行", "批准")


_PAIRED = dict(zip("〔[［(（【﹝〈〖", "〕]］)）】﹞〉〗", strict=True))
_YEAR_IN_BRACKETS = re.compile(rf"({_OPEN})(\s*{_YEAR}\s*){_CLOSE}")


def clean(number: str) -> str:
    """A 文号 as shown: whitespace (line wraps, letter-spacing) removed and the year's closing
    bracket made the partner of its opening one (OCR reads 国办函〔2018]71号 off a print of
    国办函〔2018〕71号; matching ignores the bracket kind, see ``analyzers.docno``, people do
    not)."""
    number = re.sub(r"\s+", "", number)
    return _YEAR_IN_BRACKETS.sub(lambda m: m.group(1) + m.group(2) + _PAIRED[m.group(1)], number)


def _trim_prefix(prefix: str) -> str:
    """Cut narrative text glued to the 文号 word: ``根据国发`` → ``国发``."""
    for lead in sorted(_LEAD_INS, key=len, reverse=True):
        idx = prefix.rfind(lead)
        if idx >= 0 and idx + len(lead) < len(prefix):
            prefix = prefix[idx + len(lead) :]
    return prefix


def bracket_numbers(text: str) -> list[str]:
    """All 〔year〕N号-style numbers in order, as written."""
    out: list[str] = []
    # every number ends in 号: most lines of a text, tested one by one by find_doc_number,
    # lack it and skip the regex (issue 13)
    if ("号" not in text and "號" not in text) or not _BRACKET_ANCHOR.search(text):
        return out
    for m in BRACKET_RE.finditer(text):
        prefix = _trim_prefix(m.group("prefix"))
        if prefix[-1] not in _WORD_END and len(prefix) > 4:
            prefix = prefix[-4:]
        out.append(prefix + text[m.start("prefix") + len(m.group("prefix")) : m.end()])
    return [clean(n) for n in out]


def order_numbers(text: str) -> list[tuple[str, str]]:
    """All 令号 in order as ``(number, issuer)``; issuer like 国务院 / 公安部 / 主席 or ""."""
    out: list[tuple[str, str]] = []
    if "令" not in text or not _ORDER_ANCHOR.search(text):
        return out  # the regex retries at every character; most texts have no 令号 (measured:
        # ~0.19 ms per document on the 20k slice, a third of metadata extraction, without this)
    for m in ORDER_RE.finditer(text):
        span = m.group("issuer")
        cut = 0
        for noise in _ORDER_NOISE:
            idx = span.rfind(noise)
            if idx >= 0:
                cut = max(cut, idx + len(noise))
        issuer = span[cut:].replace("中华人民共和国", "")
        if len(issuer) > 20:
            continue
        number = re.sub(r"\s+", "", text[m.start() + cut : m.end()]).rstrip("）)")
        if number.find("中华人民共和国") > 0:
            number = number[number.find("中华人民共和国") :]
        out.append((number, issuer))
    return out


def split_taiwan_issuer(word: str) -> tuple[str, str]:
    """``行政院公共工程委員會工程管`` → (``行政院公共工程委員會``, ``工程管``).

    The agency is the shortest prefix ending in an agency suffix that leaves a 字 word of at
    most 5 characters (字 words are short abbreviations: 台財稅, 華總一義, 署授食), or 6 where
    the word opens with the agency's own last character, its short name (院台廳少家二 for 司法院;
    checking QA pass 42b's fix on the corpus found three rules filed under 司法院院). A prefix
    never ends inside a longer agency ending (:func:`_inside_ending`).
    """
    word = re.sub(r"^\d+", "", word)
    if "日" in word:  # a date glued in front: 中華民國九十一年八月二十一日行政院…
        word = word[word.rindex("日") + 1 :]
    year = re.match(r"^(.+?)[（(][0-9一二三四五六七八九十〇]{1,4}[）)](.+)$", word)
    if year and year.group(1).endswith(_AGENCY_END):
        return year.group(1), year.group(2)
    # no agency is named in one character: 府都規 and 院臺規 are 字 words whole (府 for 臺南市政府,
    # 院 for 行政院), and cutting them there dropped the 府 of the document's number (QA pass 22)
    for cut in range(2, len(word)):
        agency, rest = word[:cut], word[cut:]
        short = re.sub(r"[（(][^）)]*[）)]|\d+", "", rest)
        longest = 6 if rest.startswith(agency[-1]) else 5
        if len(short) <= longest and agency.endswith(_AGENCY_END) and not _inside_ending(word, cut):
            return agency, rest
    return "", word[-5:]


def _inside_ending(word: str, cut: int) -> bool:
    """``word[:cut]`` ends inside a longer agency ending: 國家安全會 / 議勤人 cuts 會議.

    QA pass 42b: 國家安全會議勤人字 was split after 會, the shortest agency-like prefix, and the
    document filed under 國家安全會 (a name no one searches for), its number as 議勤人字.
    """
    return any(
        word[cut - k : cut - k + len(end)] == end
        for end in _AGENCY_END
        for k in range(1, len(end))
        if cut - k >= 0
    )


def taiwan_numbers(text: str) -> list[tuple[str, str]]:
    """All Taiwan 字第…號 numbers in order as ``(number, issuing agency or "")``."""
    out: list[tuple[str, str]] = []
    # as above: skip the costly regex when it cannot match (a 字號 ends in 號: simplified
    # texts, most of them, never hold one; issue 13)
    if "號" not in text or not _TAIWAN_HINT.search(text):
        return out
    for m in TAIWAN_RE.finditer(text):
        agency, word = split_taiwan_issuer(m.group("word"))
        number = re.sub(r"\s+", "", m.group("no"))
        out.append((f"{word}字第{number}號", agency))
    return out


def _cited(text: str, pos: int) -> bool:
    """A number right after a cited title — 《…条例》（国令第711号） — is that title's number,
    not the document's own (annual reports cite the regulation they report under)."""
    before = re.sub(r"[\s（(]", "", text[max(0, pos - 4) : pos])
    return pos > 0 and before.endswith("》")


def find_doc_number(text: str) -> str:
    """The document's own 文号: a line that is only a number, else the first one in the header.

    gov.cn documents put their number on its own line under the title; laws carry their
    promulgation order in the header lines. Numbers cited later in the body are other
    documents' numbers, so only the first ~30 lines are searched.
    """
    # the first 30 lines, at most 3,000 characters: cut to 3,000 first, the same head without
    # splitting a whole long text into lines for thirty of them (issue 13)
    head = "\n".join(text[:3000].split("\n")[:30])
    # a number inside an article is another text's (第九条 …按国办发(1985)49号文件规定办理 was
    # read as a regulation's own, with its 按: QA pass 22b); a document's own number comes first
    article = _ARTICLE_LINE.search(head)
    if article is not None:
        head = head[: article.start()]
    for line in head.split("\n"):
        line = line.strip()
        if 4 <= len(line) <= 30:
            nums = bracket_numbers(line)
            if nums and clean(line) == nums[0]:
                return nums[0]
    candidates: list[tuple[int, str]] = []
    for m_text in bracket_numbers(head):
        pos = head.find(m_text[:2])
        if not _cited(head, pos):
            candidates.append((pos, m_text))
            break
    for number, _ in order_numbers(head):
        found = re.search(r"\s*".join(map(re.escape, number[:5])), head)
        pos = found.start() if found else -1
        if not _cited(head, pos):
            candidates.append((pos, number))
            break
    if candidates:
        return min(candidates)[1]
    tw = [t for t in taiwan_numbers(head) if not _cited_in_clause(head, t[0])]
    return tw[0][0] if tw else ""


# what makes a Taiwan number written in a notice's running text another act's (QA pass 23d:
# 16 Tainan notices showed the ministry's order their 依據 line cites; QA pass 48c: 10 more,
# where 依據 followed 主旨 on one line, or the list under it went on to the next line):
# a basis stated before it in its clause (依據：內政部…台內地字第0990257693號令…) …
_BASIS = re.compile(r"依據|依据|根據|根据|依照|參照|参照|因應|因应")
# … a date in Arabic figures before it there (內政部114年6月25日台內園字第…號公告「…」，本府
# 協助…): a notice dates its own number in the 發文日期 line; a law's 沿革 in Chinese figures …
_DATED = re.compile(r"\d{2,3}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
# … or a letter acted on: no document calls its own number a 函 (…林造字第1091636458號函辦理),
# though a regulation's 沿革 says it was issued by one (院臺人字第 05038 號函修正發布)
_LETTER = re.compile(r"\s*函(?!\s*(?:訂|修|發|公布|廢|增|刪|停|核定|頒|订|发|废|删))")
_OWN_LABEL = re.compile(r"發文字號|发文字号")
_CLAUSE_END = "。；;！!？?\n"


def _cited_in_clause(head: str, number: str) -> bool:
    """Whether ``number``, where ``head`` first writes it, is another act's: a Judicial Yuan
    interpretation (釋字第785號: no 文号 at all), or cited in its clause (:data:`_BASIS`,
    :data:`_DATED`, :data:`_LETTER`) unless the clause labels it the document's own."""
    if number.startswith(("釋字", "释字")):
        return True
    digits = re.search(r"[0-9A-Za-z]+(?=號|号)", number)
    if digits is None:
        return False
    found = re.search(r"\s*".join(map(re.escape, digits.group())) + r"\s*[號号]", head)
    if found is None:
        return False
    start = max(head.rfind(ch, 0, found.start()) for ch in _CLAUSE_END) + 1
    before = head[start : found.start()]
    if _OWN_LABEL.search(before[-40:]):
        return False
    return bool(
        _BASIS.search(before) or _DATED.search(before) or _LETTER.match(head, found.end())
    )
