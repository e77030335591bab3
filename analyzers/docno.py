"""文号 (document numbers): recognise them and reduce every written variant to one key.

Citizens type 苏政办发[2021]12号, 苏政办发(2021)12号, full-width digits, 苏政办发2021年12号 or
the bare 苏政办发202112号 for the number printed as 苏政办发〔2021〕12号; all must meet. A key is
``<issuer><year>-<serial>`` for yearly numbers and ``<issuer>#<serial>`` for order numbers
(国务院令第86号, 华总一义字第11200045431号). In running text the issuer's left edge is unknown
(…的通知国办发〔2019〕5号), so documents index every issuer suffix of 2–10 characters; a query
uses exactly the issuer it was given. Input must already be normalised (NFKC, simplified).
"""

from __future__ import annotations

import re

_OPEN = r"[〔\[(【［〈{<《〖]"
_CLOSE = r"[〕\])】］〉}>》〗]"
_YEAR_MARK = r"\s*年?"  # 国发〔2018年〕41号, as typed (QA pass 27b)
_ISSUER = r"([\u4e00-\u9fff]{1,20})"
_YEAR = r"((?:19|20)\d\d)"
_SERIAL = r"(\d{1,6})"
_CN_NUM = "〇零一二三四五六七八九十百千两"

_YEARLY = re.compile(
    _ISSUER + r"\s*" + _OPEN + r"\s*" + _YEAR + _YEAR_MARK + r"\s*" + _CLOSE + r"\s*第?" + _SERIAL
    + r"\s*号"
)
# 2021年12号, and 法释2022第9号 as people type 法释〔2022〕9号 (query side: texts print brackets)
_YEARLY_NIAN = re.compile(_ISSUER + _YEAR + r"(?:年第?|第)" + _SERIAL + "号")
# A Taiwan number may end in a letter (府都規字第1150142489A號): one key with it or without it,
# so that the number typed without its letter finds the document (it found nothing, a 文号
# matching no key, while the letter made the number plain words)
_ORDER = re.compile(
    _ISSUER + r"\s*第\s*(\d{1,14}|[" + _CN_NUM + r"]{1,8})(?:(?<=\d)[A-Za-z])?\s*号"
)
# The number in brackets after the issuer (国务院令（第431号）), and first (第431号国务院令), as
# citations and people write them.
_ORDER_BRACKETED = re.compile(
    _ISSUER + r"\s*[(\[]\s*第\s*(\d{1,14}|[" + _CN_NUM + r"]{1,8})\s*号\s*[)\]]"
)
_ORDER_FIRST = re.compile(
    r"第\s*(\d{1,14}|[" + _CN_NUM + r"]{1,8})\s*号\s*([\u4e00-\u9fff]{1,19}令)"
)
# The order's number written before its 令: 国务院第56号令 for 国务院令第56号.
_ORDER_AFTER = re.compile(_ISSUER + r"\s*第\s*(\d{1,14}|[" + _CN_NUM + r"]{1,8})\s*号令")
# 公安部69号令: without 第 only after an organ's name (关于做好69号令 names none)
_ORDER_AFTER_BARE = re.compile(r"([\u4e00-\u9fff]{0,19}[部院局委署府会厅办])\s*(\d{1,14})\s*号令")
# Joint orders name several issuers (国务院、中央军事委员会令第759号); the number is indexed under
# the last one, the issuer directly before it.
_JOINT = re.compile(r"(?:[\u4e00-\u9fff]{2,20}\s*、\s*)+")
# An order (令) is often typed without its 第: 国务院令735号 for 国务院令第735号. Only after 令, so
# that a bare "12号" after any other word stays a plain number.
_ORDER_LING = re.compile(r"([\u4e00-\u9fff]{0,19}令)\s*(\d{1,6}|[" + _CN_NUM + r"]{1,8})\s*号")
_BARE = re.compile(r"^" + _ISSUER + _YEAR + r"(\d{1,6})号?$")
# Forms people type that no document prints (query side; QA, nineteenth session): the year in
# two digits (国办发19年6号, 国办发〔19〕6号), in Chinese numerals (国办发〔二〇一九〕6号, 二零一九,
# 国办发二〇一九年6号), the 号 left off after a bracketed year (国办发〔2019〕6). Each is read only
# after an issuer that ends as 文号 prefixes do (发 函 释 规 字 电 令: 89% of the bracketed numbers
# the corpus's texts cite; the rest end in ordinary words' characters, 财行, 发改农经), so that
# 工作19年6号 or 2019 6 stays text. A serial may be in Chinese numerals there (〔2019〕六号).
_LOOSE_ISSUER = r"([\u4e00-\u9fff]{0,19}[发函释规字电令])"
_CN_DIGIT = "〇零一二三四五六七八九"
_LOOSE_YEAR = r"(\d{4}|\d\d|[" + _CN_DIGIT + r"]{4}|[" + _CN_DIGIT + r"]{2})"
_LOOSE_SERIAL = r"(\d{1,6}|[" + _CN_NUM + r"]{1,8})"
# the 号 may be left off only where the number ends: at the end, before a space or a mark
_LOOSE_END = r"(?:\s*号|(?![\w]))"
_LOOSE_BRACKETED = re.compile(
    _LOOSE_ISSUER + r"\s*" + _OPEN + r"\s*" + _LOOSE_YEAR + _YEAR_MARK + r"\s*" + _CLOSE + r"\s*第?"
    + _LOOSE_SERIAL + _LOOSE_END
)  # fmt: skip
_LOOSE_NIAN = re.compile(_LOOSE_ISSUER + _LOOSE_YEAR + r"年第?" + _LOOSE_SERIAL + r"\s*号")
# the year first, as people cite a number in speech (QA pass 26b: 2019年国办发6号 put the
# document sixth, 国办发6号文 2019 too): four digits, then the issuer, then 号 (文 after it)
_YEAR_FIRST = re.compile(
    r"(?<!\d)" + _YEAR + r"\s*年?\s*" + _LOOSE_ISSUER + r"\s*第?\s*" + _LOOSE_SERIAL
    + r"\s*号文?"
)  # fmt: skip
# an order's number with its 号 left off where the number ends (QA pass 22: 国务院令735 and
# 国令735 were words, the regulation sixth): digits only, after the 令 of an organ's order (国令,
# 主席令, 国务院令, 公安部令, 人民银行令…), not of 责令, 禁令 or 命令
_LOOSE_ORDER = re.compile(
    r"([\u4e00-\u9fff]{0,18}[部院局委署府会厅办行席国]令)\s*第?\s*(\d{1,6})" + _LOOSE_END
)
# a Taiwan number typed without its 第 and 號 (府都規字1150142489, QA pass 22c: read as words):
# an issuer ending in 字 and the long serial those issuers give (the year of the Republic, then
# the office's count), so 文字123 stays words
_LOOSE_ZI = re.compile(r"([\u4e00-\u9fff]{1,18}字)\s*第?\s*(\d{7,14})" + _LOOSE_END)
# whitespace between two digits (a line wrapped inside a number), removed by _unwrap_digits.
# The digit before it is matched rather than looked behind for: ~40% faster on document heads
# (issue 13), the same text out.
_DIGIT_WRAP = re.compile(r"(\d)\s+(?=\d)")


def _unwrap_digits(text: str) -> str:
    # searched first: a replacement template costs ~2 µs a call even where nothing matches,
    # and most texts and numbers hold no wrapped digits
    return _DIGIT_WRAP.sub(r"\1", text) if _DIGIT_WRAP.search(text) else text


_MIN_ISSUER, _MAX_ISSUER = 2, 10


def chinese_number(text: str) -> int | None:
    """A number written in Chinese numerals, digit by digit (二〇二一) or with its units
    (两千零二十三, 一千零七十七), or None where ``text`` is not one."""
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")}
    digits.update({"零": 0, "两": 2})
    if all(c in digits for c in text):  # 二〇二一 style
        return int("".join(str(digits[c]) for c in text))
    total, current = 0, 0
    for ch in text:
        if ch in digits:
            current = digits[ch]
        elif ch in "十百千":
            unit = {"十": 10, "百": 100, "千": 1000}[ch]
            total += (current or 1) * unit
            current = 0
        else:
            return None
    return total + current


def loose_year(text: str) -> str | None:
    """A year as people type it, in four digits, else None.

    ``2019``, ``二〇一九`` and ``二零一九`` are 2019. Two digits (``19``, ``一九``) are read in
    the century that puts them between 1950 and 2049: 19 → 2019, 98 → 1998, 50 → 1950,
    49 → 2049. Bracketed yearly 文号 start after 1949, and a fixed pivot reads a query the same
    whenever it is typed. A four-digit year must start with 19 or 20, as documents print them.
    """
    if not text.isdigit():
        value = chinese_number(text) if all(c in _CN_DIGIT for c in text) else None
        if value is None:
            return None
        text = str(value).zfill(len(text))
    if len(text) == 2:
        return ("20" if int(text) < 50 else "19") + text
    return text if len(text) == 4 and text[:2] in ("19", "20") else None


def _serial(text: str) -> str | None:
    if text.isdigit():
        return str(int(text))
    value = chinese_number(text)
    return None if value is None else str(value)


# The state's name before an issuer (中华人民共和国国务院令第711号, as the order is printed) and the
# short form of the State Council's orders that citations use (国令第711号): the same numbers
STATE = "中华人民共和国"  # the state printed before a national issuer or law (normalised)
_ISSUER_ALIASES = {"国令": "国务院令"}


def issuer_key(issuer: str) -> str:
    """An issuer as keys begin with it (the state's name off, 国令 as 国务院令, at most
    ``_MAX_ISSUER`` characters): ``文号:国令`` lists the keys :func:`_key` gives its numbers."""
    if issuer.startswith(STATE) and len(issuer) - len(STATE) >= _MIN_ISSUER:
        issuer = issuer[len(STATE) :]
    # a date's character before it is no part of an issuer (2019年国务院令735号 was read as
    # 年国务院令's order, which no document has: QA pass 26b)
    issuer = issuer.lstrip("年月日")
    return _ISSUER_ALIASES.get(issuer, issuer)[-_MAX_ISSUER:]


def _key(issuer: str, year: str | None, serial: str) -> str:
    """One key per number: an issuer typed longer than documents index it (they index its last
    ``_MAX_ISSUER`` characters at most) is cut to that (QA pass 8: 中华人民共和国国务院令第711号
    found nothing while 国务院令第711号 found its regulation)."""
    issuer = issuer_key(issuer)
    return f"{issuer}{year}-{serial}" if year else f"{issuer}#{serial}"


def canonical(text: str) -> str | None:
    """The key of a whole string that *is* a 文号 (a query or a catalog value), else None."""
    s = _unwrap_digits(text.strip())
    s = re.sub(r"\s+", "", s)
    joint = _JOINT.match(s)
    if joint and joint.end() < len(s):
        s = s[joint.end() :]
    m = _ORDER_AFTER.fullmatch(s) or _ORDER_AFTER_BARE.fullmatch(s)
    if m:
        serial = _serial(m.group(2))
        if serial is not None:
            issuer = m.group(1) if m.group(1).endswith("令") else m.group(1) + "令"
            return _key(issuer, None, serial)
    for pattern in (_YEARLY, _YEARLY_NIAN):
        m = pattern.fullmatch(s)
        if m:
            return _key(m.group(1), m.group(2), str(int(m.group(3))))
    for pattern in (_LOOSE_BRACKETED, _LOOSE_NIAN):
        m = pattern.fullmatch(s)
        if m:
            year, serial = loose_year(m.group(2)), _serial(m.group(3))
            if year and serial is not None:
                return _key(m.group(1), year, serial)
    m = _YEAR_FIRST.fullmatch(s)
    if m and _serial(m.group(3)) is not None and not m.group(2).endswith("令"):
        return _key(m.group(2), m.group(1), str(_serial(m.group(3))))
    m = _ORDER_FIRST.fullmatch(s)
    if m and _serial(m.group(1)) is not None:
        return _key(m.group(2), None, str(_serial(m.group(1))))
    for pattern in (_ORDER, _ORDER_BRACKETED, _ORDER_LING, _LOOSE_ORDER, _LOOSE_ZI):
        m = pattern.fullmatch(s)
        # 2019年第6号 names no issuer (documents index none there either: keys_in_text)
        if m and not m.group(1).endswith("年"):
            serial = _serial(m.group(2))
            if serial is not None:
                return _key(m.group(1), None, serial)
    m = _BARE.match(s)
    if m:
        return _key(m.group(1), m.group(2), str(int(m.group(3))))
    return None


def _issuer_suffixes(issuer: str) -> list[str]:
    n = len(issuer)
    lo = min(_MIN_ISSUER, n)
    return [issuer[n - k :] for k in range(lo, min(_MAX_ISSUER, n) + 1)]


_NUM_YEARLY = re.compile(
    _OPEN
    + r"\s*"
    + _YEAR
    + r"\s*"
    + _CLOSE
    + r"\s*第?"
    + _SERIAL
    + r"\s*号|"
    + _YEAR
    + r"年第?"
    + _SERIAL
    + "号"
)
_NUM_ORDER = re.compile(
    r"第\s*(\d{1,14}|[" + _CN_NUM + r"]{1,8})(?:(?<=\d)[A-Za-z])?\s*号|令\s*(\d{1,6})\s*号"
)


def _issuer_before(s: str, pos: int) -> str:
    """The run of Han characters (at most 20) that ends at ``pos``, skipping spaces."""
    end = pos
    while end > 0 and s[end - 1] == " ":
        end -= 1
    start = end
    while start > 0 and end - start < 20 and "\u4e00" <= s[start - 1] <= "\u9fff":
        start -= 1
    return s[start:end]


def keys_in_text(text: str) -> list[str]:
    """All keys of the 文号 found in running text (every plausible issuer suffix).

    The number part is found first and the issuer read backwards from it: a regex that starts
    with the issuer would retry at every Han character of the document.
    """
    if "号" not in text:  # every number the two regexes find ends in 号 (issue 13)
        return []
    s = _unwrap_digits(text)
    keys: dict[str, None] = {}
    for m in _NUM_YEARLY.finditer(s):
        issuer = _issuer_before(s, m.start())
        if not issuer:
            continue
        year = m.group(1) or m.group(3)
        serial = str(int(m.group(2) or m.group(4)))
        for suffix in _issuer_suffixes(issuer):
            keys[_key(suffix, year, serial)] = None
    for m in _NUM_ORDER.finditer(s):
        if m.group(1) is not None:
            issuer, serial = _issuer_before(s, m.start()), _serial(m.group(1))
            issuers = [issuer]
            if s.startswith("令", m.end()) and issuer and not issuer.endswith("令"):
                issuers.append(issuer + "令")  # 财政部第56号令: also the order 财政部令第56号
        else:  # 令735号, the order without its 第
            issuers, serial = [_issuer_before(s, m.start()) + "令"], _serial(m.group(2))
        if not issuers[0] or serial is None or issuers[0].endswith("年"):
            continue
        if issuers[0].endswith("令"):  # a joint order is each issuer's: 国务院、中央军事委员会令
            issuers.extend(j + "令" for j in _joined_before(s, m.start(), issuers[0]))
        for issuer in issuers:
            for suffix in _issuer_suffixes(issuer):
                keys[_key(suffix, None, serial)] = None
    return list(keys)


# a law's own history above its first article: 2019年4月3日 中华人民共和国国务院令第711号修订
_FIRST_ARTICLE = re.compile(r"第\s*[一1]\s*[章条]")
_OWN_HISTORY = ("公布", "修订", "修正", "发布")


def first_article(text: str) -> int | None:
    """Where a text's first article (or chapter) begins, or None: a law's history stands
    above it."""
    m = _FIRST_ARTICLE.search(text)
    return m.start() if m else None


def own_history_keys(text: str) -> list[str]:
    """Keys of the orders that promulgated and revised a text, from the lines of its history
    above its first article (公布, 修订, 修正): each is the document's own number, as the one
    its catalogue names. A law's catalogue number is its first order (国务院令第492号); the
    text in force is the last revision's (第711号), which found the law only third, after
    reports citing it (QA pass 22b). Lines citing another text's number say none of these."""
    cut = _FIRST_ARTICLE.search(text)
    if cut is None:  # no articles, no history: a notice's 依据 line cites others' numbers
        return []
    head = text[: cut.start()]
    keys: dict[str, None] = {}
    for line in head.split("\n"):
        if any(w in line for w in _OWN_HISTORY):
            keys.update(dict.fromkeys(keys_in_text(line)))
    return list(keys)


def _joined_before(s: str, pos: int, issuer: str) -> list[str]:
    """The issuers joined by 、 before the last one of an order's number at ``pos``
    (国务院、中华人民共和国中央军事委员会令第759号 → 国务院): the order is theirs too, and people
    name it by the first (国务院第759号令)."""
    at = pos
    while at > 0 and s[at - 1] == " ":
        at -= 1
    return [name for _, name in _joined_issuers(s, at - len(issuer))]


def _joined_issuers(text: str, start: int) -> list[tuple[int, str]]:
    """The issuers joined by 、 (spaces allowed around it) before the one that starts at
    ``start``, nearest first, each with where it starts."""
    out: list[tuple[int, str]] = []
    i = start
    while True:
        j = i
        while j > 0 and text[j - 1].isspace():
            j -= 1
        if j == 0 or text[j - 1] != "、":
            return out
        k = j - 1
        while k > 0 and text[k - 1].isspace():
            k -= 1
        h = k
        while h > 0 and k - h < 20 and "\u4e00" <= text[h - 1] <= "\u9fff":
            h -= 1
        if k - h < _MIN_ISSUER:
            return out
        out.append((h, text[h:k]))
        i = h


def citation_forms(key: str) -> tuple[str, ...]:
    """How a text may print the number of ``key``, for a phrase search of texts that cite it
    (an order: 公安部令第69号 and 公安部第69号令)."""
    issuer, _, serial = key.partition("#")
    if serial and issuer.endswith("令") and len(issuer) > 2:
        return (key_text(key), f"{issuer[:-1]}第{serial}号令")
    return (key_text(key),)


def keys_for_value(doc_number: str) -> list[str]:
    """Keys for a catalog 文号 value: its own key plus issuer suffixes.

    (国务院令第86号 must meet 中华人民共和国国务院令第86号.)
    """
    if not doc_number.strip():
        return []
    keys = keys_in_text(doc_number)
    key = canonical(doc_number)
    if key and key not in keys:
        keys.insert(0, key)
    return keys


def _joint_start(text: str, start: int) -> int:
    """Where a 文号 found at ``start`` begins with the issuers joined to its own by 、: they are
    part of the number as typed, not words to search besides it."""
    joined = _joined_issuers(text, start)
    return joined[-1][0] if joined else start


def order_issuer(key: str) -> tuple[str, str] | None:
    """``(issuer, serial)`` of an order's key (``国务院令#431``), else None."""
    issuer, sep, serial = key.partition("#")
    return (issuer, serial) if sep and issuer.endswith("令") else None


def order_key(issuer: str, serial: str) -> str:
    """The key of order ``serial`` of ``issuer`` (cut as documents index it)."""
    return _key(issuer, None, serial)


def yearly_order(key: str) -> str | None:
    """The order's key of a yearly key whose issuer is an order (``…总局令2019-20`` →
    ``…总局令#20``): most ministries number their orders on, not per year, so the year someone
    types before the number is not part of what the text prints (QA pass 9: 0 results)."""
    head, sep, serial = key.rpartition("-")
    issuer = head[:-4]
    if sep and "#" not in key and issuer.endswith("令") and head[-4:].isdigit():
        return _key(issuer, None, serial)
    return None


def yearly_parts(key: str) -> tuple[str, str, str] | None:
    """``(issuer, year, serial)`` of a yearly key (``国办发2019-6``), else None."""
    head, sep, serial = key.rpartition("-")
    if not sep or "#" in key or not head[-4:].isdigit() or len(head) < 5:
        return None
    return head[:-4], head[-4:], serial


def yearly_key(issuer: str, year: str, serial: str) -> str:
    """The key of number ``serial`` of ``year`` of ``issuer`` (cut as documents index it)."""
    return _key(issuer, year, serial)


def key_text(key: str) -> str:
    """A key written back as a 文号 (``国务院令#431`` → ``国务院令第431号``), for highlighting."""
    if "#" in key:
        issuer, serial = key.split("#", 1)
        return f"{issuer}第{serial}号"
    head, serial = key.rsplit("-", 1)
    return f"{head[:-4]}〔{head[-4:]}〕{serial}号"


# 国办发 2018 123号: the brackets typed as spaces (QA pass 19: three words, found anywhere).
# Only after an issuer ending as yearly 文号 prefixes do (发, 函, 字): 通知 2018 12号 stays words.
_SPACED = re.compile(r"([\u4e00-\u9fff]{0,19}[发函字])\s+" + _YEAR + r"\s+(\d{1,6})\s*号")


def find_in_query(text: str) -> list[tuple[int, int, str]]:
    """Spans of 文号 inside a query, with their keys: ``(start, end, key)``.

    The issuer is taken as the run of Han characters directly before the number, as typed.
    """
    spans: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    bare = re.compile(_ISSUER + _YEAR + r"\s?(\d{1,6})号")  # 国办发2019 6号 too
    patterns = (
        _YEARLY, _YEARLY_NIAN, _ORDER_AFTER, _ORDER_AFTER_BARE, _ORDER_BRACKETED, _ORDER,
        _ORDER_FIRST, _ORDER_LING, bare, _SPACED, _LOOSE_BRACKETED, _LOOSE_NIAN, _LOOSE_ORDER,
        _LOOSE_ZI, _YEAR_FIRST,
    )  # fmt: skip
    for pattern in patterns:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            key = canonical(m.group(0))
            if key:
                start = _joint_start(text, m.start())
                while start < m.end() and text[start] in "年月日":  # a date's, not the issuer's
                    start += 1
                start, key = _bracketed_head(text, start, m.end(), key)
                spans.append((start, m.end(), key))
                taken.append((start, m.end()))
    return sorted(spans)


# a group in brackets just before a number's issuer, or inside it: Taiwan's numbers print the
# ROC year so, （82）台財字第07792號, and a part of the issuer, 華總（一）義字第8700010350號
_ROC_YEAR_BEFORE = re.compile(r"(?<![0-9])[0-9]{2,3}\s*$")
_GROUP = r"([\u4e00-\u9fff]{0,10})\(\s*([0-9" + _CN_NUM + r"]{1,4})\s*\)\s*"
_HEAD_GROUP = re.compile(_GROUP + "$")  # ending the text before a span
_GROUP_FIRST = re.compile(_GROUP)  # opening a span (matched at its start)


def without_head_group(span: str) -> str:
    """A span :func:`find_in_query` found, without the bracketed group it took in before the
    issuer (the text its key was read from): 华总一义字第8700010350号 of 华总(一)义字第…,
    台财字第07792号 of (82)台财字第…."""
    m = _GROUP_FIRST.match(span)
    if m is None:
        year = re.match(r"[0-9]{2,3}\s*", span)  # 82台財字第07792號: the ROC year, bracketless
        rest = span[year.end() :] if year else ""
        return rest if rest and "#" in (canonical(rest) or "") else span
    head, figure = m.groups()
    rest = span[m.end() :]
    if head and "#" in (canonical(head + figure + rest) or ""):
        return head + figure + rest
    return rest if canonical(rest) else span


def _bracketed_head(text: str, start: int, end: int, key: str) -> tuple[int, str]:
    """The span's start and key with a bracketed group before it taken in: as part of the
    issuer where the issuer with the group's figure still reads as a 文号 (华总 + 一 + 义字…),
    else as the number's own printed year, which the key leaves out. QA pass 27b: the pieces
    left over (华总, 一; 82) were searched as words, and hundreds of documents came with the
    one the number names."""
    m = _HEAD_GROUP.search(text, 0, start)
    if m is None:
        year = _ROC_YEAR_BEFORE.search(text, 0, start) if "#" in key else None
        return (year.start(), key) if year else (start, key)  # 82台財字…, bracketless
    head, figure = m.groups()
    if head:  # only a 字 number's issuer holds such a part (not 关于（一）国发〔2018〕41号)
        longer = canonical(head + figure + text[start:end]) if "#" in key else None
        return (m.start(), longer) if longer else (start, key)
    return m.start(), key
