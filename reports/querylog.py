"""What citizens look for and do not find: the query log's records, its store seam, the
background writer every store uses, and the weekly report.

Privacy by construction: a logged search is the query text, the engine's "understood as" and
the filters set, each with personal numbers (ID cards, phones with or without separators,
account numbers), e-mail addresses, car plates, chat accounts and house numbers masked by the
one :func:`scrub` (a name or a street cannot be told from a word, and stays); the day (no time), its
result count and an opaque random token; no IP address, no key, no user agent, nothing linking
two searches. :func:`logged_search` is the one way a search becomes a record. Only
anonymous searches are logged (staff testing queries would drown what citizens typed). Result
links carry the token, so opening a result marks its search as opened: the "nobody opened"
signal, without knowing who.

Logging must never slow a search: the request thread only puts a record on a bounded queue
(dropped, and counted, when full) and one writer thread per process batches them into the store.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import queue
import re
import secrets
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Protocol, runtime_checkable

from analyzers.chars import visible
from analyzers.docno import yearly_parts
from model.fields import label
from reports.csvexport import csv_text
from search_index.request import Understanding

TOKEN_BYTES = 9
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{12}")
# An address is the run of non-space characters around an @, but never the full-width
# punctuation that no address contains and that joins the parts of an "understood as" line
# (分词：养老；已排除：a@b.cn), so that the line keeps its other parts.
# the local part as mail systems write it (letters, digits, . _ % + -), never beginning with the
# query syntax's minus: the words typed against it (请联系lisi@…) and an exclusion stay
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+])[A-Za-z0-9._%+][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
)
# an address in other scripts (张三@例子.中国: an internationalised address, QA pass 16): the
# run of word characters before the @, which may take the words typed against it too — a word
# too many masked, never an address kept
_WIDE_EMAIL = re.compile(r"[\w.%+][\w.%+-]*@[\w-]+(?:\.[\w-]+)+")
# Personal numbers, in the order they are masked (an ID card or a bank card before its digits
# are taken for a phone); between digit groups one space, or a hyphen or dash with a space
# either side or none (whitespace is collapsed first; an input method types — for a dash: QA
# pass 8 found 138—1234—5678 and 010 - 1234 5678 kept as typed). Years, 文号
# (国办发〔2019〕6号, 国务院令第735号), article and other short numbers stay readable.
# 138.1234.5678, 139_1234_5678 too (QA pass 8C); 一 typed for a dash between groups
# (138一2345一5678, QA pass 13)
# numerals written out, the financial ones (壹贰叁) too, and 幺 as 1 is read out in numbers
_NUMERALS = "〇零一二三四五六七八九两幺壹贰叁肆伍陆柒捌玖貳參陸"
# one separator, not none (，/ too: the review; x or * between the groups too: 138x1234x5678
# was kept, QA pass 36b)
_SEP_ONE = r"(?: ?[\-－–—‐‑._一，,/、xX×*ｘＸ＊] ?| )"
_SEP = _SEP_ONE + "?"
_PERSONAL_NUMBERS = tuple(
    re.compile(p)
    for p in (
        # ID card: 18 characters (last a digit or X), or the old 15 digits; 6-8-4 groups too
        rf"(?<![\dA-Za-z])\d{{6}}{_SEP}\d{{8}}{_SEP}\d{{3}}[\dXx](?![\dA-Za-z])",
        # bank card in groups of four (6222 0202 0000 1234 567)
        rf"(?<!\d)\d{{4}}(?:{_SEP}\d{{4}}){{3}}(?:{_SEP}\d{{1,4}})?(?!\d)",
        # mobile phone, optionally +86: 138 1234 5678, 138-1234-5678, +86 13812345678
        rf"(?:\+?86{_SEP})?(?<!\d)1[3-9]\d(?:{_SEP}\d{{4}}){{2}}(?!\d)",
        # landline with area code: 010-12345678, (0755) 8888 8888, +86 10 1234 5678
        rf"(?:\+?86{_SEP}[(（]?0?|(?<!\d)[(（]?0)[1-9]\d{{1,2}}[)）]?{_SEP}\d{{3,4}}{_SEP}\d{{4}}(?!\d)",
        # an ID card and a mobile grouped any other way (110105 1949 1231 002X, 1381 2345 678,
        # 138 1234 567 8: QA pass 16): 6 digits and 12 more, a mobile's 1[3-9] and 9 more, with
        # a separator before any of the digits that follow
        rf"(?<![\dA-Za-z])\d{{6}}(?:{_SEP}\d){{11}}{_SEP}[\dXx](?![\dA-Za-z])",
        rf"(?<![\dA-Za-z])1[3-9](?:{_SEP}\d){{9}}(?![\dA-Za-z])",
        # a landline without its area code: 6512 3456, 6512-3456, 651 2345 (QA pass 16)
        rf"(?<![\dA-Za-z])\d{{3,4}}{_SEP_ONE}\d{{4}}(?![\dA-Za-z])",
        # an identity card of Hong Kong or Macao (Z987654(3), 1234567(8)) or Taiwan
        # (A123456789): QA pass 51b kept the first as typed
        r"(?<![A-Za-z0-9])(?:[A-Za-z]{1,2}\d{6}|\d{7}) ?[(（][0-9Aa][)）]",
        r"(?<![A-Za-z0-9])[A-Za-z][12]\d{8}(?![A-Za-z0-9])",
        r"\d{7,}",  # any other run of 7+ digits: account and case numbers, unbroken phones
        # 7+ digits typed one by one with a separator between each (1 3 8 1 2 3 4 …: QA pass 13)
        rf"(?<![\dA-Za-z])\d(?:{_SEP_ONE}\d){{6,}}(?![\dA-Za-z])",
        # 7+ digits in Chinese numerals, one by one (一三八一二三四五六七八): no word or
        # quantity writes a run of bare digits without 十, 百, 千 or 万 (QA pass 16)
        rf"[{_NUMERALS}]{{7,}}",
        # 7+ of digits and numerals mixed (一三八1234五六七八: QA pass 36b kept it as typed)
        # (one run, both kinds in it: a date and an amount side by side are no number)
        rf"(?<![\dA-Za-z])(?=[\d{_NUMERALS}]*\d)(?=[\d{_NUMERALS}]*[{_NUMERALS}])"
        rf"[\d{_NUMERALS}]{{7,}}(?![\dA-Za-z])",
    )
)
# an extension dialled after a telephone masked above (021-6512-3456转8001, 分机 12): its
# digits too (QA pass 35b kept 转8001)
_EXT_DIGITS = r"(?P<n>[0-9０-９〇零一二三四五六七八九]{1,6})(?![0-9０-９〇零一二三四五六七八九])"
_EXT_WORDS = r"转分机|轉分機|分机号|分機號|分机|分機|内线|內線|转|轉|ext\.?|x|-|#"
_EXTENSION = re.compile(
    # after a masked number, separated or not: 转8001, ，分机8001, （内线8001）, -8001, #123
    rf"(?<=#)(?P<said>[ ,，、(（]*(?:{_EXT_WORDS}) ?[:：]? ?){_EXT_DIGITS}"
    # and said as one wherever it stands (分机号8123 咨询, 内线 123)
    rf"|(?P<said2>(?:分机号?|分機號?|内线|內線) ?[:：]? ?){_EXT_DIGITS.replace('?P<n>', '?P<n2>')}",
    re.I,
)
# Other things that name a person, masked whole (QA pass 26a kept them verbatim): a car's plate
# (京A12345, 粤B·D12345, a new-energy plate's six), an account of a chat service typed after its
# name (微信号wxid_abc123, QQ 12345), and a house's number in an address (建国路88号3单元502:
# the street stays, as a district does; a 文号's 6号 is no house, its 〔2019〕 is before it).
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE = re.compile(
    rf"(?<![0-9A-Za-z])[{_PROVINCES}][A-Za-zＡ-Ｚａ-ｚ][ ·・.-]?"
    r"(?=[A-Za-z]*\d)[0-9A-Za-z]{5,6}(?![0-9A-Za-z])[挂学警]?"
)
_ACCOUNT = re.compile(
    r"(?<![A-Za-z])(?P<name>微信号|微信|wx号|QQ号|QQ|账号|帐号|用户名|抖音号|ID)[:：]? ?"
    r"(?P<account>[A-Za-z0-9][A-Za-z0-9_.-]{4,})|(?<![A-Za-z0-9])(?P<wxid>wxid_[A-Za-z0-9_-]+)",
    re.I,
)
# (after a street, in Chinese numerals too: 幸福路一百二十三号五单元六零一, QA pass 51b)
_HOUSE_N = r"[\d〇零一二三四五六七八九十百两]"
_HOUSE = re.compile(
    rf"(?<=[路街道巷弄里村苑园]){_HOUSE_N}+(?:[-－]{_HOUSE_N}+)?[号弄](?:院|楼)?"
    rf"(?:{_HOUSE_N}+(?:号楼|栋|幢|座|单元|层|楼|室|号|户)?)*"
    r"|\d+(?:号楼|栋|幢|单元)(?:\d+(?:单元|层|楼|室|号|户)?)*"
)

# A date of birth, masked beside the words that say it is one (QA pass 34b: 王小明 1985-03-12
# 出生, 生于1990.7.15, 出生于一九八五年三月十二日, 85年3月12日生 were kept as typed: dates
# stay, a name and a date of birth are a person); the birth word stays
_CN_DAY = "〇零○一二三四五六七八九十"
_DATE = (
    r"(?<![0-9])(?:(?:19|20)?[0-9]{2} ?[-/.．年] ?[0-9]{1,2} ?[-/.．月] ?[0-9]{1,2}(?: ?[日号])?"
    rf"|[{_CN_DAY}]{{2,4}}年[{_CN_DAY}]{{1,3}}月[{_CN_DAY}]{{1,3}}[日号])"
)
_BIRTH_DATE_SAID = re.compile(
    rf"(?P<before>(?:出生(?:于|在|日期|年月日)?|生于|生日(?:是|为)?|诞生于) ?[:：]? ?){_DATE}"
    rf"|{_DATE}(?P<after> ?(?:出生|生人|出世|生(?=[ ，,。；;]|$)))"
)
# the last digits of an ID card or a card said as such (身份证后六位310021, 尾号1234): masked
_LAST_DIGITS = re.compile(
    r"(?P<said>(?:后|末)(?:[四五六七八]|[4-8])位|尾号|尾数)(?P<sep>(?:是|为)?[:：]? ?)"
    r"(?P<n>[0-9]{3,7}[0-9xX])(?![0-9])"
)
# a staff key of this server typed into a search (gs_<id>_<secret>): masked whole; and a run of
# 24+ letters and digits mixed, a secret or token of any service (QA pass 34c: the key's secret
# typed without its gs_ was kept), which no search word is
_STAFF_KEY = re.compile(r"(?<![A-Za-z0-9])gs_[0-9a-f]{12}_[A-Za-z0-9_-]+", re.I)
_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{24,}"
)

# the same typed in groups (幺三八 幺二三四 五六七八), or as the engine's reading cut it into
# words (分词：一 / 三八 / 一二三四五 / 六 / 七八: QA pass 20 read the number back from the log's
# "understood as"): 7+ numerals in all, the separators of a query or of a reading between them
_SPLIT_NUMERALS = re.compile(rf"[{_NUMERALS}]+(?:(?: ?/ ?| )[{_NUMERALS}]+)+")
# "2016 2017 2018 2019", "2016 - 2019": kept
_YEARS = re.compile(rf"(?:19|20)\d\d(?:{_SEP_ONE}(?:19|20)\d\d)+")
# (and a date in numerals, 一九八五年三月十二日, which the reading cuts 一九八五年 / 三月 / 十二日)
_PIECES = (re.compile(r"[0-9A-Za-z]+"), re.compile(r"\w+"), re.compile(f"[{_CN_DAY}]+"))
MAX_QUERY_CHARS = 200
MAX_SUMMARY_CHARS = 1000
_FIELD_NAMES = {"docno": "doc_number"}  # a query's field scope → the field table's name


def new_token() -> str:
    """An opaque token for one logged search (12 URL-safe characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def valid_token(token: str | None) -> bool:
    return bool(token) and _TOKEN_RE.fullmatch(token or "") is not None


def _mask_number(m: re.Match[str]) -> str:
    text = m.group()
    if _YEARS.fullmatch(text):
        return text
    return "".join("#" if c.isalnum() or c == "+" else c for c in text)


def _account(m: re.Match[str], found: list[str]) -> str:
    """An account masked after the service's name, which stays (微信号［账号］)."""
    found.append(m.group("account") or m.group("wxid"))
    return f"{m.group('name') or ''}［账号］"


def _said(m: re.Match[str], found: list[str], token: str) -> str:
    """A match of words that say what a number is (出生, 后六位) and the number: the words stay,
    the number is masked by ``token`` and only it is counted as found (the words are no
    personal piece to mask wherever they stand)."""
    groups = m.groupdict()
    before = groups.get("before") or groups.get("said") or ""
    before += groups.get("sep") or ""
    after = groups.get("after") or ""
    found.append(m.group()[len(before) : len(m.group()) - len(after)])
    return f"{before}{token}{after}"


def _extension(m: re.Match[str], found: list[str]) -> str:
    """An extension's digits masked, its word kept (转####); the word and digits together are
    what was found, so the reading's x8001 is masked as well as its 8001."""
    said, digits = (m.group("said"), m.group("n")) if m.group("n") else (
        m.group("said2"), m.group("n2"))  # fmt: skip
    found.append(digits)  # the digits, not the words (分机 stays wherever it stands)
    word = said.strip(" ,，、(（:：-#")
    if word.isascii() and word.isalpha():
        found.append(word + digits)  # x8001, read as one piece
    return said + "#" * len(digits)


def _masked(
    text: str, named: bool = True, numbers: bool = True, docnos: frozenset[str] = frozenset()
) -> tuple[str, list[str]]:
    """``text`` with e-mail addresses and personal numbers masked, and what was masked: the
    things named by a fixed token (［邮箱］, ［车牌］, ［账号］, ［门牌号］), then the numbers,
    digit for digit (``named``, ``numbers``: which of the two). ``docnos``: what the engine
    read as a document's number (:func:`document_numbers`); a number inside one stays."""
    found: list[str] = []

    def keep(m: re.Match[str], masked: str) -> str:
        if any(m.group().lower() in number for number in docnos):
            return m.group()
        if masked != m.group():
            found.append(m.group())
        return masked

    if named:
        text = _EMAIL.sub(lambda m: keep(m, "［邮箱］"), text)
        text = _WIDE_EMAIL.sub(lambda m: keep(m, "［邮箱］"), text)
        text = _PLATE.sub(lambda m: keep(m, "［车牌］"), text)
        text = _ACCOUNT.sub(lambda m: _account(m, found), text)
        text = _HOUSE.sub(lambda m: keep(m, "［门牌号］"), text)
        text = _STAFF_KEY.sub(lambda m: keep(m, "［密钥］"), text)
        text = _BIRTH_DATE_SAID.sub(lambda m: _said(m, found, "［出生日期］"), text)
        text = _LAST_DIGITS.sub(lambda m: _said(m, found, "［号码］"), text)
        text = _TOKEN.sub(lambda m: keep(m, "［密钥］"), text)
    if not numbers:
        return text, found
    # the numbers the engine read are set apart only now: an e-mail address or an account
    # holding one is masked whole above (the review: wang-2019-1234@qq.com was kept)
    text, kept = _set_apart(text, docnos)
    for pattern in _PERSONAL_NUMBERS:
        text = pattern.sub(lambda m: keep(m, _mask_number(m)), text)
    text = _EXTENSION.sub(lambda m: _extension(m, found), text)
    text = _SPLIT_NUMERALS.sub(
        lambda m: keep(m, _mask_number(m)) if sum(c in _NUMERALS for c in m.group()) >= 7
        else m.group(),
        text,
    )
    return kept(text), found


_APART = "\ue000-\ue0ff"  # private-use characters: a number set apart while the rest is masked
_PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")


def _set_apart(text: str, docnos: frozenset[str]) -> tuple[str, Callable[[str], str]]:
    """``text`` with each of ``docnos`` standing alone replaced by one private-use character,
    and the function that puts them back: a number the engine read is kept whatever it stands
    beside (QS-2025-0034 13812345678 was masked as one bank card's run), never a part of a longer
    number (an ID card holding a 文号's digits is masked whole)."""
    numbers = sorted(docnos, key=len, reverse=True)[: 0x100]
    if not numbers:
        return text, lambda masked: masked
    alternatives = "|".join(re.escape(n) for n in numbers)
    pattern = re.compile(rf"(?<![0-9])(?:{alternatives})(?![0-9])", re.I)
    found: list[str] = []

    def apart(m: re.Match[str]) -> str:
        found.append(m.group())
        return chr(0xE000 + len(found) - 1)

    text = pattern.sub(apart, text)
    return text, lambda masked: re.sub(
        f"[{_APART}]",
        lambda m: found[i] if (i := ord(m.group()) - 0xE000) < len(found) else " ",
        masked,
    )


def scrub(
    text: str,
    *,
    context: str = "",
    limit: int = MAX_QUERY_CHARS,
    reading: bool = False,
    docnos: frozenset[str] = frozenset(),
) -> str:
    """``text`` as it may be stored in the query log: e-mail addresses and personal numbers
    masked, whitespace collapsed, control characters shown as U+FFFD and format characters
    dropped, at most ``limit`` characters (cut after masking, so a cut cannot leave the start of
    a number unmasked).

    ``context`` is the query ``text`` was derived from (the engine's reading of it, a filter
    value). The engine splits what it reads, so ``zhang.san@example.com`` becomes the words
    ``zhang.san`` / ``example.com`` and ``138 1234 5678`` three short numbers that no longer look
    personal; every letter-or-digit piece of what the context has masked is masked in ``text``
    wherever it stands alone. In a ``reading`` (the engine's, not the query as typed) those
    pieces are masked before the numbers are, to ``###`` whatever their length (QA pass 26c: a
    QQ number stored as ［账号］ beside its reading's nine #). ``docnos`` (:func:`document_numbers`)
    stay: guobanfa2018128, read as 国办发〔2018〕128号, is no account (QA pass 32b: the archivist
    saw guobanfa#######).
    """
    # control characters shown as U+FFFD, format characters dropped (QA pass 11: ESC and
    # backspaces typed into a search reached the staff terminal raw; see analyzers.chars.visible);
    # private-use characters are spaces (PDF fonts map glyphs there; typed between digit groups
    # they kept a telephone number: the review), and the numbers set apart use them
    out = _PRIVATE_USE.sub(" ", visible(" ".join(text.split())))
    out, _ = _masked(out, numbers=not reading, docnos=docnos)
    pattern = _context_pieces(_PRIVATE_USE.sub(" ", context), docnos) if context else None
    if pattern is not None:
        out, kept = _set_apart(out, docnos)
        out = kept(pattern.sub("###", out))  # of no length: the reading's pieces tell none
    if reading:
        out, _ = _masked(out, named=False, docnos=docnos)  # the rest, digit for digit
    return out[:limit]


# an 索引号 kept in the log has a catalogue's shape: letters or an issuer's code of 9 to 14
# digits, a year, a serial (QS-2025-0034, 000014349/2019-00123, 11440100007482/2023-00456).
# Whatever else the planner reads as one is masked as before: digits and dashes alone
# (138-1234-5678), a telephone behind letters (tel-010-62345678, QQ-123456789), an area code
# and a number (0755/86001234), a mobile number in a code's place (13812345678/2019-00123)
_CATALOGUE_SHAPE = re.compile(
    r"(?:[a-z]{1,5}|[0-9]{9,14}[a-z]?|[0-9a-z]{18})[-/](?:19|20)[0-9]{2}[-/][0-9]{1,8}"
)  # (a prefix of letters, an organisation code, a unified social credit code)
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
# letters, a year and a month and day: a name and a date of birth (wang-1990-0307) as well as
# a serial; masked, as the date of birth could be
_BIRTH_DATE = re.compile(
    r"[a-z]+[-/](?P<year>(?:19|20)[0-9]{2})[-/](?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
)
_ID_CARD = re.compile(r"(?<![0-9a-z])[0-9]{17}[0-9x](?![0-9a-z])")


def _kept_index_number(number: str) -> bool:
    """An 索引号 of a catalogue's shape holding no mobile number, no ID card (a social credit
    code, 11330000002482063K, is 18 characters too: one of 17 digits and X is an ID card) and
    no date of birth behind letters (a review: wang-1990-0307 was kept)."""
    return (
        bool(_CATALOGUE_SHAPE.fullmatch(number))
        and not _MOBILE.search(number) and not _ID_CARD.search(number)
        and not _born(number)
    )  # fmt: skip


def _born(number: str) -> bool:
    """Letters, a year at least 14 years ago and a month-day: a name and a date of birth as
    well as a serial (an 索引号 of this year's, qs-2025-0112, is a document's: the review)."""
    m = _BIRTH_DATE.fullmatch(number)
    return m is not None and int(m.group("year")) <= dt.date.today().year - 14


def document_numbers(u: Understanding) -> frozenset[str]:
    """What the engine read as a document's number, which the log keeps: the year and number
    of each 文号, as one run of digits (国办发2018-128: 2018128), as a query typed without
    brackets holds them, and each 索引号 (QA pass 33b: QS-2025-0034 was logged qs-####-####,
    its digits read as a telephone's, and staff could not tell which number found nothing)
    of a catalogue's shape (:func:`_kept_index_number`)."""
    parts = (yearly_parts(key) for key in u.doc_numbers)
    digits = (year + serial for _, year, serial in filter(None, parts))
    return frozenset((*digits, *filter(_kept_index_number, u.index_numbers)))


_READ_APART = "(?: ?/ ?| )?"  # between the words of a reading, or nothing


@functools.lru_cache(maxsize=16)
def _context_pieces(context: str, docnos: frozenset[str] = frozenset()) -> re.Pattern[str] | None:
    """The letter-or-digit pieces of what ``context`` has masked, as one pattern matching
    each where it stands alone; cached, since a record scrubs its three fields with the same
    context."""
    pieces = {
        piece
        for found in _masked(" ".join(context.split()), docnos=docnos)[1]
        for pieces in _PIECES
        for piece in pieces.findall(found)
    }
    if not pieces:
        return None
    # numerals the reading cut apart, one of them joined to the word before (转八 / 〇 / 〇 / 一:
    # QA pass 35c read an extension back): matched across the reading's separators
    split = {
        _READ_APART.join(re.escape(c) for c in p)
        for p in pieces if len(p) >= 3 and all(c in _NUMERALS for c in p)
    }  # fmt: skip
    alternatives = "|".join(
        [*sorted(split, key=len, reverse=True),
         *(re.escape(p) for p in sorted(pieces, key=len, reverse=True))]
    )  # fmt: skip
    return re.compile(rf"(?<![0-9A-Za-z])(?:{alternatives})(?![0-9A-Za-z])", re.I)


_PREFERS = {"mainland": "大陆文件略靠前", "taiwan": "台湾地区文件略靠前"}
READ_WORDS = 6  # words of a reading the log keeps: each stretch's homophones, in turn


def understood_summary(u: Understanding) -> str:
    """One line of how the engine read the query, kept beside it in the log: what the results
    page shows under "understood as" (words, phrases, exclusions, fields, 文号, synonyms, …).
    Every part comes from the query, so :func:`logged_search` scrubs the whole line."""
    parts = []
    if u.words:
        parts.append("分词：" + " / ".join(u.words))
    if u.converted_script:
        parts.append("已按简体：" + u.normalized)
    if u.phrases:
        parts.append("短语：" + "、".join(u.phrases))
    if u.excluded:
        parts.append("已排除：" + "、".join(dict.fromkeys(u.excluded)))
    scoped: dict[str, list[str]] = {}
    for name, text in u.fields:  # title / docno / agency, as the results page names them
        scoped.setdefault(name, []).append(text)
    for name, texts in scoped.items():
        parts.append(f"限定{label(_FIELD_NAMES.get(name, name))}：" + "、".join(texts))
    if u.doc_numbers:
        parts.append("文号：" + "、".join(u.doc_numbers))
    if u.synonyms:
        parts.append("同义：" + "、".join(f"{a}→{'/'.join(t)}" for a, t in u.synonyms))
    if u.expansions:  # a place searched as its own region reads 台湾, not 台湾→台湾
        parts.append("也查：" + "、".join(
            dict.fromkeys(w if o == w else f"{w}→{o}" for w, o, _ in u.expansions)
        ))  # fmt: skip
    if u.pinyin:
        parts.append("拼音：" + " ".join(u.pinyin))
        # what the letters were read as, or that they were read as nothing (QA pass 32b: the
        # archivist saw dbsq and nianjia, not 第八十七 and nothing)
        read = [f"{k}→{'/'.join(v[:READ_WORDS])}" for k, v in u.pinyin_words]
        spelled = "".join(k.replace("'", "") for k, _ in u.pinyin_words)
        unread = [p for p in u.pinyin if p.replace("'", "") not in spelled]
        parts.append("读作：" + "、".join(read + [f"{p}（未读出词）" for p in unread]))
    if u.prefers:
        parts.append("排序：" + _PREFERS.get(u.prefers, u.prefers))
    if u.semantic:
        parts.append("也按语义检索")
    if u.ignored:
        parts.append("忽略：" + "、".join(dict.fromkeys(u.ignored)))
    return "；".join(parts)


def filters_text(
    *,
    categories: Iterable[str] = (),
    agencies: Iterable[str] = (),
    validity: Iterable[str] = (),
    disclosure: Iterable[str] = (),
    years: Iterable[int] = (),
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> str:
    """The filters of a search in one canonical line, in the API's parameter names
    (``category=年度报告; year=1999``); empty when the search had none."""
    parts = [
        f"{name}={'|'.join(str(v) for v in values)}"
        for name, values in (
            ("category", sorted(set(categories))),
            ("agency", sorted(set(agencies))),
            ("validity", sorted(set(validity))),
            ("disclosure", sorted(set(disclosure))),
            ("year", sorted(set(years))),
            ("date_from", [date_from.isoformat()] if date_from else []),
            ("date_to", [date_to.isoformat()] if date_to else []),
        )
        if values
    ]
    return "; ".join(parts)


@dataclass(frozen=True)
class LoggedSearch:
    """One anonymous search, as stored. ``filters`` is :func:`filters_text` of the search
    (empty: none, and in every record written before filters were logged)."""

    token: str
    day: dt.date
    query: str
    total: int
    understood: str = ""
    opened: bool = False
    filters: str = ""
    # its best result holds only some of the words the search read (nor another wording of
    # each): lenient matching found *something*, so a miss was not a zero (QA pass 45a:
    # 青松县养犬管理规定 "found" 22 documents, none of them the county's rule)
    partial: bool = False


def held_every_word(understood: Understanding, text: str) -> bool:
    """Whether ``text`` (normalised: a result's title and text) holds every word and phrase
    the engine read in the query, each as typed or in another wording it also searched. A
    search read as letters (pinyin) or by number is not judged: True."""
    if understood.pinyin or understood.doc_numbers or understood.index_numbers:
        return True
    others: dict[str, set[str]] = {}
    for word, forms in understood.synonyms:
        others.setdefault(word, set()).update(forms)
    for word, other, _ in understood.expansions:
        others.setdefault(word, set()).add(other)
    compact = ""  # the text without spaces, made once where a form is not found as it is

    def holds(form: str) -> bool:
        nonlocal compact
        if form in text:
            return True
        compact = compact or "".join(text.split())
        return "".join(form.split()) in compact

    wanted = [*understood.words, *understood.phrases]
    return all(any(holds(f) for f in (w, *others.get(w, ()))) for w in wanted)


def logged_search(
    token: str,
    day: dt.date,
    query: str,
    understood: Understanding,
    total: int,
    filters: str = "",
    partial: bool = False,
) -> LoggedSearch:
    """The record of a search, every text field through :func:`scrub` with the query (as
    typed and as the engine read it) as context: nothing personal reaches a store."""
    context = f"{query}\n{understood.normalized}"
    docnos = document_numbers(understood)
    return LoggedSearch(
        token,
        day,
        scrub(understood.normalized or query, context=context, docnos=docnos),
        total,
        scrub(understood_summary(understood), context=context, limit=MAX_SUMMARY_CHARS,
              reading=True, docnos=docnos),  # fmt: skip
        filters=scrub(filters, context=context, limit=MAX_SUMMARY_CHARS),
        partial=partial and total > 0,
    )


@runtime_checkable
class QueryLogStore(Protocol):
    """Where logged searches live: SQLite in the data folder, or an index in the cluster.

    ``record_*`` must return at once (they queue); ``flush`` waits until what was queued is
    stored (tests, shutdown). ``recording`` is False for a log opened only to report on and
    delete from (``record_*`` then store nothing).
    """

    recording: bool

    def record_search(self, search: LoggedSearch) -> None: ...

    def record_open(self, token: str) -> None: ...

    def searches(self, since: dt.date, until: dt.date) -> Iterator[LoggedSearch]:
        """Stored searches of these days (inclusive)."""
        ...

    def clear(self, before: dt.date | None = None) -> int:
        """Delete searches of days before ``before`` (all when None); returns how many."""
        ...

    def flush(self, timeout: float = 10.0) -> bool: ...

    def stats(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


Op = tuple[str, Any]  # ("search", LoggedSearch) | ("open", token)


log = logging.getLogger("govsearch.querylog")


class QueuedWriter:
    """A bounded queue drained by one daemon thread that hands batches to ``sink``.

    ``put`` never blocks: when the queue is full the record is dropped and counted (a burst of
    searches must not queue up memory or time). A failing sink is counted too and the thread
    goes on; the log is a statistic, never a reason for a search to fail.
    """

    def __init__(
        self,
        sink: Callable[[list[Op]], None],
        *,
        maxsize: int = 10_000,
        batch: int = 500,
        name: str = "querylog",
    ) -> None:
        self._sink = sink
        self._batch = batch
        self._queue: queue.Queue[Op | None] = queue.Queue(maxsize=maxsize)
        self.dropped = 0
        self.failed = 0
        self.failed_since = 0  # lost since the last write that succeeded
        self.written = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def put(self, op: Op) -> None:
        try:
            self._queue.put_nowait(op)
        except queue.Full:
            self.dropped += 1  # a lost count is harmless; a racy increment undercounts at worst

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            ops = [first]
            while len(ops) < self._batch:
                try:
                    ops.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stop = None in ops
            work = [o for o in ops if o is not None]
            try:
                if work:
                    self._sink(work)
                    self.written += len(work)
            except Exception as exc:  # noqa: BLE001 - counted, logged, never raised
                # said once until a write succeeds again (QA pass 47b: searches made while the
                # data folder was read-only were lost without a line in the log)
                if not self.failed_since:
                    log.warning("the query log could not record %d searches (%s); it drops "
                                "them until it can write again", len(work), exc)
                self.failed += len(work)
                self.failed_since += len(work)
            else:
                if self.failed_since:
                    log.warning("the query log records again; %d searches were lost",
                                self.failed_since)
                self.failed_since = 0
            finally:
                for _ in ops:
                    self._queue.task_done()
            if stop:
                return

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far went to the sink (False on timeout)."""
        done = threading.Event()

        def wait() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=wait, daemon=True).start()
        return done.wait(timeout)

    def close(self, timeout: float = 10.0) -> None:
        if self._thread.is_alive():
            try:
                self._queue.put(None, timeout=timeout)
            except queue.Full:
                return
            self._thread.join(timeout)

    def stats(self) -> dict[str, int]:
        return {
            "queued": self._queue.qsize(),
            "written": self.written,
            "dropped": self.dropped,
            "failed": self.failed,
        }


# -- the report ---------------------------------------------------------------------------
@dataclass(frozen=True)
class QueryStat:
    """One query's searches of a week.

    A search that found nothing is blamed on the words only when no filter was set
    (``zero_results``); with filters (``filtered_zero_results``) the filters may be why —
    工伤保险 in 年度报告 of 1999 finds nothing while 工伤保险 alone finds 37 — and
    ``zero_result_filters`` says which filters they were, most frequent first.
    """

    query: str
    searches: int
    zero_results: int  # searches without filters that found nothing: the words found nothing
    opened: int  # searches whose results someone opened
    understood: str
    filtered_zero_results: int = 0  # searches with filters that found nothing
    zero_result_filters: tuple[tuple[str, int], ...] = ()  # (filters, searches)
    # the other ways the same need was typed (低保 申请, 如何申请低保 beside 低保申请)
    variants: tuple[str, ...] = ()
    partial: int = 0  # searches whose best result held only some of the words

    @property
    def found_part(self) -> bool:
        """Every search found something, and none a result holding all of its words."""
        return not self.zero_results and not self.filtered_zero_results and (
            self.partial == self.searches
        )

    @property
    def found_nothing(self) -> bool:
        return self.zero_results + self.filtered_zero_results == self.searches

    def filters_line(self) -> str:
        return " | ".join(f"{f} ×{n}" if n > 1 else f for f, n in self.zero_result_filters)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "searches": self.searches,
            "zero_results": self.zero_results,
            "opened": self.opened,
            "understood": self.understood,
            "filtered_zero_results": self.filtered_zero_results,
            "zero_result_filters": [
                {"filters": f, "searches": n} for f, n in self.zero_result_filters
            ],
            "variants": list(self.variants),
            "partial": self.partial,
        }


@dataclass(frozen=True)
class WeekQueries:
    """One ISO week of the log.

    ``zero_results`` are the words the catalogue lacks: every search of the query found
    nothing, and at least one had no filter, so the words alone found nothing.
    ``filtered_out`` are queries that found nothing only ever with filters set: the words may
    well be in the catalogue, so they are listed apart with their filters (a year or category
    people expect and the catalogue lacks, or a date missing from the catalogue).
    ``found_part`` are queries that found results, but never one holding all of their words:
    most misses look so, since a search lets a word or two out (``LoggedSearch.partial``).
    """

    week: str  # ISO week, e.g. 2025-W07
    start: dt.date  # its Monday
    searches: int
    top: tuple[QueryStat, ...]
    zero_results: tuple[QueryStat, ...]  # nothing found, also without filters
    unopened: tuple[QueryStat, ...]  # it found something, nobody opened any of it
    filtered_out: tuple[QueryStat, ...] = ()  # nothing found, but only ever searched filtered
    found_part: tuple[QueryStat, ...] = ()  # results, none holding all the words

    def to_dict(self) -> dict[str, Any]:
        return {
            "week": self.week,
            "start": self.start.isoformat(),
            "searches": self.searches,
            "top": [s.to_dict() for s in self.top],
            "zero_results": [s.to_dict() for s in self.zero_results],
            "unopened": [s.to_dict() for s in self.unopened],
            "filtered_out": [s.to_dict() for s in self.filtered_out],
            "found_part": [s.to_dict() for s in self.found_part],
        }


@dataclass(frozen=True)
class QueriesReport:
    """The log's weeks. ``recorded`` is False when there is no log at all (no search was ever
    recorded in this data folder or cluster). ``recording`` says whether the process that made
    the report records searches (its GOVSEARCH_QUERY_LOG); None when that says nothing about
    the log — the command line records nothing, whatever its environment, the server does."""

    since: dt.date
    until: dt.date
    weeks: tuple[WeekQueries, ...]  # newest first
    recorded: bool = True
    recording: bool | None = None
    retention_days: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "recorded": self.recorded,
            "recording": self.recording,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "retention_days": self.retention_days,
            "weeks": [w.to_dict() for w in self.weeks],
        }

    def to_csv(self) -> str:
        """One row per query and list; the filter columns come last, so spreadsheets made
        from the earlier seven columns still read."""
        header = (
            "week",
            "list",
            "query",
            "searches",
            "zero_results",
            "opened",
            "understood",
            "filtered_zero_results",
            "zero_result_filters",
            "variants",
            "partial",
        )
        rows = []
        for w in self.weeks:
            for name, stats in (
                (LIST_LABELS["top"], w.top),
                (LIST_LABELS["zero_results"], w.zero_results),
                (LIST_LABELS["unopened"], w.unopened),
                (LIST_LABELS["filtered_out"], w.filtered_out),
                (LIST_LABELS["found_part"], w.found_part),
            ):
                for s in stats:
                    rows.append(
                        [
                            w.week,
                            name,
                            s.query,
                            s.searches,
                            s.zero_results,
                            s.opened,
                            s.understood,
                            s.filtered_zero_results,
                            s.filters_line(),
                            " | ".join(s.variants),
                            s.partial,
                        ]
                    )
        return csv_text(header, rows)


# the lists as the report page heads them, for the CSV's 列表 column
LIST_LABELS = {
    "top": "检索最多",
    "zero_results": "没有结果",
    "unopened": "有结果但无人打开",
    "filtered_out": "只在加了筛选条件时没有结果",
    "found_part": "结果只含部分检索词（可能未找到）",
}


def _week(day: dt.date) -> tuple[str, dt.date]:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}", day - dt.timedelta(days=day.weekday())


# what the typing changed, or what the engine added to it, not what was asked: the synonyms and
# other wordings come from the lexicon, which ingests change (QA pass 12: 条例 searched before
# and after an ingest added 条例 → 法规 was two rows of the report)
_NOT_THE_NEED = ("忽略", "已按简体", "排序", "同义", "也查", "也按语义检索", "读作")


_MASKED_WORD = re.compile(r"#+|［[^］]*］")


def _need(s: LoggedSearch) -> str:
    """What a search asked for: the engine's reading of it without the words it ignored, the
    script it converted or the ranking that script chose, and its words in any order — so
    低保申请, 低保 申请, 如何申请低保 and 怎么申请低保？ are one need typed four ways (they were
    four rows of the report). A search logged without a reading is its own query."""
    parts = []
    for part in s.understood.split("；") if s.understood else ():
        label, _, value = part.partition("：")
        if label in _NOT_THE_NEED:
            continue
        if label == "分词":  # a masked number or address is no part of the need (QA pass
            # 45a: 低保申请 with an ID number or an e-mail beside it was a row of its own)
            words = {w for w in value.split(" / ") if not _MASKED_WORD.fullmatch(w)}
            value = " / ".join(sorted(words))
        parts.append(f"{label}：{value}")
    return "；".join(parts) if parts else "\0" + s.query


def _stat(group: list[LoggedSearch]) -> QueryStat:
    forms = Counter(s.query for s in group)
    # shown as its most frequent form (then the shortest); the others are its variants
    ranked = sorted(forms, key=lambda q: (-forms[q], len(q), q))
    query = ranked[0]
    latest = max(group, key=lambda s: s.day)
    filtered: dict[str, int] = {}
    for s in group:
        if s.total == 0 and s.filters:
            filtered[s.filters] = filtered.get(s.filters, 0) + 1
    return QueryStat(
        query=query,
        searches=len(group),
        zero_results=sum(1 for s in group if s.total == 0 and not s.filters),
        opened=sum(1 for s in group if s.opened),
        understood=latest.understood,
        filtered_zero_results=sum(filtered.values()),
        zero_result_filters=tuple(sorted(filtered.items(), key=lambda x: (-x[1], x[0]))),
        variants=tuple(ranked[1:6]),
        partial=sum(1 for s in group if s.partial),
    )


def _shown(s: LoggedSearch) -> LoggedSearch:
    """A stored search as a report may show it: records logged before :func:`scrub` showed
    control characters (DEL, C1, ESC) still hold them raw, and a report printed them to the
    staff terminal and into its JSON and CSV (QA pass 11)."""
    texts = (s.query, s.understood, s.filters)
    shown = tuple(visible(t) for t in texts)
    if shown == texts:
        return s
    return replace(s, query=shown[0], understood=shown[1], filters=shown[2])


def queries_report(
    searches: Iterable[LoggedSearch],
    since: dt.date,
    until: dt.date,
    *,
    top: int = 20,
    retention_days: int = 0,
) -> QueriesReport:
    """Per ISO week: the most frequent queries, those whose words found nothing, those whose
    results nobody opened, and those that found nothing only with filters set, each with the
    engine's latest reading of it.

    Searches are grouped by the need they express (:func:`_need`: the same words however
    typed), filters or not, because the report is about words:
    a filtered search that found nothing counts apart (``filtered_zero_results``, with the
    filters) and never puts its words on the "found nothing" list by itself, since the staff
    reading that list add synonyms or publish documents for those words.
    """
    weeks: dict[str, tuple[dt.date, dict[str, list[LoggedSearch]]]] = {}
    for s in map(_shown, searches):
        if not since <= s.day <= until:
            continue
        name, start = _week(s.day)
        weeks.setdefault(name, (start, {}))[1].setdefault(_need(s), []).append(s)
    out = []
    for name, (start, by_need) in sorted(weeks.items(), reverse=True):
        stats = [_stat(group) for group in by_need.values()]
        stats.sort(key=lambda s: (-s.searches, s.query))
        out.append(
            WeekQueries(
                week=name,
                start=start,
                searches=sum(s.searches for s in stats),
                top=tuple(stats[:top]),
                zero_results=tuple([s for s in stats if s.found_nothing and s.zero_results][:top]),
                unopened=tuple([s for s in stats if not s.found_nothing and s.opened == 0][:top]),
                filtered_out=tuple(
                    [s for s in stats if s.found_nothing and not s.zero_results][:top]
                ),
                found_part=tuple([s for s in stats if s.found_part][:top]),
            )
        )
    return QueriesReport(since, until, tuple(out), retention_days=retention_days)
