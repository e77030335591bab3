"""What differs between a draft and an existing document: a passage-level diff with facts flagged.

Two notices can share 95% of their shingles and still be different documents: the 2024 edition
of a yearly notice differs from the 2023 one only in its dates, a re-issued 通知 only in its 文号.
Staff must see *that*, not a bare "duplicate". So the texts are cut into passages (sentences,
wherever the lines happen to wrap), aligned with difflib on their normalised form (script,
width, spacing and punctuation do not count as differences, as in the signatures), and inside
every changed passage the changed dates, amounts, numbers and 文号 are named.
"""

from __future__ import annotations

import bisect
import dataclasses
import difflib
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from analyzers.chars import strip_skippable
from analyzers.normalize import normalize
from analyzers.signatures import chrome_tail, is_boilerplate_line, skip_mask

MAX_OPS = 200  # diff entries returned (equal runs count as one); the rest is summarised
MAX_PASSAGES = 6000  # beyond this a text is compared in runs of sentences (:func:`_chunks`)
_SENTENCE_RE = re.compile(r"[^。！？；!?;\n]*[。！？；!?;]+[”’」』)）]*|[^。！？；!?;\n]+")
# a full stop typed with an English input method (正文.第二句): between Han characters (or after a
# closing quote) it ends a sentence as 。 does, never in 3.5 or www.gov.cn (QA pass 20: a draft
# pasted without line breaks and with . for 。 was one passage, "45 处草稿删去" at 99.8%)
_PERIOD_TYPED = re.compile(r"(?<=[\u4e00-\u9fff”’」』）)])\.(?=[\u4e00-\u9fff“‘「『（(]|\s|$)")
# a heading is a phrase: a line holding a sentence end or a comma is body text, or a wrapped
# piece of it
_HEADING_BREAK_RE = re.compile(r"[。！？；!?;，,]")
_UNIT_END = ("。", "！", "？", "；", "!", "?", ";", ":", "：", "”", "’", "」", "』", ")", "）")
# A numbered heading at the start of a line (normalised: half-width brackets and digits). Only
# trusted where the line before ended a unit: ``统一、规范`` wrapped before ``一、`` is no heading.
_HEADING_RE = re.compile(
    r"(?:[一二三四五六七八九十百]+\s*、"
    r"|\(\s*[一二三四五六七八九十百\d]+\s*\)"
    r"|\d{1,3}\s*[.、](?!\d)"
    r"|第\s*[一二三四五六七八九十百千零〇\d]+\s*[编章节条](?:\s|$)"
    r"|[①-⑳])"
)
_ASCII_WORD_END = re.compile(r"[A-Za-z0-9]$")
_ASCII_WORD_START = re.compile(r"[A-Za-z0-9]")
_HEADING_MAX = 40  # a heading standing on its own line is short; a wrapped paragraph line is not
_DIGITS_RE = re.compile(r"[\d〇零一二三四五六七八九十百千万亿两]+")

_CN_DIGIT = "〇零一二三四五六七八九十百千万亿两"
_NUM = rf"(?:\d+(?:[.,]\d+)*|[{_CN_DIGIT}]+)"
# Fact patterns on normalised text (half-width digits, simplified script), most specific first.
_FACTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "docno",
        re.compile(
            r"[\u4e00-\u9fff]{1,12}\s*[〔\[(【]\s*(?:19|20)\d\d\s*[〕\])】]\s*第?\s*\d{1,6}\s*号"
            r"|[\u4e00-\u9fff]{1,12}(?:19|20)\d\d年第?\d{1,6}号"
            r"|[\u4e00-\u9fff]{1,12}令第\s*(?:\d{1,14}|[〇零一二三四五六七八九十百千两]{1,8})\s*号"
            # Taiwan's 法令字第1090200489B號: the word before 字第 begins after the issuer's name
            # (法務部 法令字) or where the Han text does (QA pass 31a: 十五日法务部法令字第 …, and
            # the B after the digits was cut off)
            r"|(?:(?<![\u4e00-\u9fff])|(?<=[部院会府署局处厅委统]))[\u4e00-\u9fff]{1,5}字第"
            r"\s*\d{4,14}[A-Za-z]?\s*号"
        ),
    ),
    (
        "date",
        re.compile(
            rf"(?:(?:民国|中华民国)\s*)?{_NUM}\s*年\s*(?:{_NUM}\s*月(?:\s*{_NUM}\s*[日号])?)?"
            rf"|{_NUM}\s*月\s*{_NUM}\s*[日号]"
            r"|(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])(?:[-/.](?:0?[1-9]|[12]\d|3[01]))?"
        ),
    ),
    (
        "amount",
        re.compile(
            rf"{_NUM}\s*(?:万|亿|千)?\s*(?:元|美元|港元|人民币|块)"
            rf"|{_NUM}\s*(?:%|‰|个百分点)|百分之{_NUM}"
        ),
    ),
    ("number", re.compile(_NUM)),
)


@dataclass(frozen=True)
class Change:
    """One changed fact (or text fragment) inside a changed passage."""

    kind: str  # docno | date | amount | number | text
    draft: str
    existing: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "draft": self.draft, "existing": self.existing}


@dataclass(frozen=True)
class DiffOp:
    """``equal`` (a run of ``count`` identical passages), ``changed``, ``added`` (only in the
    draft), ``removed`` (only in the existing document) or ``moved`` (same passage elsewhere)."""

    op: str
    draft: str = ""
    existing: str = ""
    count: int = 1
    changes: tuple[Change, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "draft": self.draft,
            "existing": self.existing,
            "count": self.count,
            "changes": [c.to_dict() for c in self.changes],
        }


@dataclass(frozen=True)
class TextDiff:
    ops: tuple[DiffOp, ...]
    equal: int  # passages
    changed: int
    added: int
    removed: int
    moved: int
    changed_kinds: dict[str, int] = field(default_factory=dict)  # kind → number of changes
    truncated: bool = False
    reordered: bool = False  # the same characters in another order (see :func:`same_text`)

    @property
    def facts(self) -> tuple[Change, ...]:
        """Every changed date, amount, number and 文号, in text order."""
        return tuple(c for op in self.ops for c in op.changes if c.kind != "text")

    @property
    def only_facts_changed(self) -> bool:
        """True when the texts differ only in dates / numbers / amounts / 文号."""
        return (
            self.changed > 0
            and not (self.added or self.removed)
            and "text" not in self.changed_kinds
        )

    @property
    def identical(self) -> bool:
        return not (self.changed or self.added or self.removed or self.moved)

    def summary(self, new: str = "草稿", old: str = "这份文件") -> str:
        """One Chinese line a person reads: what kind of difference this is. ``new`` and
        ``old`` name the two sides (a draft and a published document, or two published
        documents in the corpus report, which have no draft)."""
        if self.identical:
            if self.reordered:
                return "正文相同（字符相同，只有段落或表格内容的先后顺序不同）"
            return "正文相同（只有排版、简繁、全半角或标点不同）"
        if self.only_facts_changed:
            kinds = "、".join(KIND_LABELS[k] for k in _KIND_ORDER if k in self.changed_kinds)
            examples = "；".join(f"{c.existing} → {c.draft}" for c in self.facts[:3])
            return f"只有{kinds}不同：{examples}（{old} → {new}）"
        parts = []
        for n, what in (
            (self.changed, "改动"),
            (self.added, f"只在{new}中"),
            (self.removed, f"只在{old}中"),
            (self.moved, "位置不同"),
        ):
            if n:
                parts.append(f"{n} 段{what}")
        facts = [KIND_LABELS[k] for k in _KIND_ORDER if k in self.changed_kinds and k != "text"]
        if facts:
            parts.append("改动了" + "、".join(facts))
        return "，".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "only_facts_changed": self.only_facts_changed,
            "passages": {
                "equal": self.equal,
                "changed": self.changed,
                "added": self.added,
                "removed": self.removed,
                "moved": self.moved,
            },
            "changed_kinds": dict(self.changed_kinds),
            "facts": [c.to_dict() for c in self.facts[:50]],
            "ops": [op.to_dict() for op in self.ops],
            "truncated": self.truncated,
            "reordered": self.reordered,
        }


_KIND_ORDER = ("date", "docno", "amount", "number", "text")
KIND_LABELS = {"docno": "文号", "date": "日期", "amount": "金额", "number": "数字", "text": "文字"}


@dataclass(frozen=True)
class _Passage:
    text: str  # as written
    norm: str  # normalised (script, width, case)
    key: str  # normalised without whitespace/punctuation: what is compared


def passages(text: str) -> list[_Passage]:
    """Sentences of a text, cut at 。！？； and around headings, without boilerplate lines.

    Line ends do not cut: a PDF wraps every line of a paragraph and a TXT copy of it does not,
    a DOCX holds a title on one line that gov.cn splits over two, and the same text must give
    the same passages either way (QA pass 2, item 2). A line end only counts where the text
    itself says a unit ends there: after a line ending in a colon (``各省、…各直属机构：``),
    before a numbered line that follows a numbered heading (``一、总体要求`` / ``(一)…``), and
    around a line that is only a 文号 or a date. Where a wrap still cuts one text differently
    (a colon inside a sentence at a line end), :func:`diff` sees that the passages around it
    hold the same characters and counts them equal.
    Blank and boilerplate lines (版头, 抄送, page numbers) are skipped without cutting, so a
    page footer between two halves of a sentence does not split it either.

    Keys come from one vectorised pass over the whole text (a kept-character prefix count),
    not one ``strip_skippable`` call per passage: a long law has thousands of passages.
    """
    normalized = normalize(text)
    joined = _join_lines(text, normalized)
    # normalised once joined: OpenCC converts by words, and 計畫 wrapped as 計/畫 is 计画
    # line by line but 计划 as one word
    joined_norm = _PERIOD_TYPED.sub("。", normalize(joined))
    shown = joined if len(joined) == len(joined_norm) else joined_norm  # offsets agree
    codes = np.frombuffer(joined_norm.encode("utf-32-le"), dtype=np.uint32)
    keep = ~skip_mask()[codes]
    compact = codes[keep].tobytes().decode("utf-32-le")
    before = np.concatenate(([0], np.cumsum(keep))).tolist()  # kept characters before i
    out: list[_Passage] = []
    for m in _SENTENCE_RE.finditer(joined_norm):
        s, e = m.span()
        key = compact[before[s] : before[e]]
        if key:
            out.append(_Passage(shown[s:e].strip(), joined_norm[s:e].strip(), key))
    if len(out) > MAX_PASSAGES:
        out = _chunks(out)
    return out


def _join_lines(text: str, normalized: str) -> str:
    """The text's kept lines (not blank, not boilerplate, as written) joined into units, one
    per line of the result: lines run on unless the text says a unit ends there (see
    :func:`passages`). What a line is (boilerplate, a heading, a 文号) is read on its
    normalised form."""
    norm_lines = normalized[: chrome_tail(normalized)].split("\n")
    raw_lines = text.split("\n")
    if len(raw_lines) != len(normalized.split("\n")):  # normalising made or removed a line
        raw_lines = normalized.split("\n")
    kept = [
        (norm, raw_lines[i].strip())
        for i, line in enumerate(norm_lines)
        if (norm := line.strip()) and not is_boilerplate_line(norm)
    ]
    lines = [norm for norm, _ in kept]
    alone = [_stands_alone(line) for line in lines]
    numbered = [_HEADING_RE.match(line) is not None for line in lines]
    parts: list[str] = []
    starts_unit, heading = True, False
    for i, (line, raw) in enumerate(kept):
        if i:
            prev = lines[i - 1]
            cut = (
                alone[i - 1] or alone[i] or prev.endswith((":", "：")) or (numbered[i] and heading)
            )
            if cut:
                parts.append("\n")
            elif _ASCII_WORD_END.search(prev) and _ASCII_WORD_START.match(line):
                parts.append(" ")  # wrapped Latin words or numbers keep a space between them
            starts_unit = cut or prev.endswith(_UNIT_END)
        # a numbered heading on a line of its own (``一、总体要求`` before ``(一)…``); not a
        # paragraph's first line wrapped after ``一、水文与规划基本资料之测验、调查``
        heading = starts_unit and _is_heading(line)
        parts.append(raw)
    return "".join(parts)


def _is_heading(line: str) -> bool:
    """A numbered heading on a line of its own: ``一、总体要求``, ``(三)…``, ``第二章 总则``."""
    m = _HEADING_RE.match(line)
    return (
        m is not None
        and len(line) <= _HEADING_MAX
        and _HEADING_BREAK_RE.search(line, m.end()) is None
    )


def _stands_alone(line: str) -> bool:
    """A line that is only a 文号 or a date (the head's 文号, the signature's 成文日期) is a
    passage of its own, so that a changed one is named alone, not with the title before it."""
    return any(_FACTS[i][1].fullmatch(line) for i in (0, 1))


def _chunks(out: list[_Passage]) -> list[_Passage]:
    """Runs of sentences as passages, to keep difflib's cost bounded on huge texts. A run ends
    after a sentence whose key hashes to 0 modulo ``k``: where it ends depends only on the
    sentences, never on line wraps, and an edit moves at most the runs around it."""
    k = len(out) * 2 // MAX_PASSAGES + 1
    chunks: list[_Passage] = []
    run: list[_Passage] = []
    for p in out:
        run.append(p)
        if zlib.crc32(p.key.encode("utf-8")) % k == 0:
            chunks.append(_merge(run))
            run = []
    if run:
        chunks.append(_merge(run))
    return chunks


def _merge(run: list[_Passage]) -> _Passage:
    return _Passage(
        "".join(p.text for p in run), "".join(p.norm for p in run), "".join(p.key for p in run)
    )


def _facts(text: str) -> list[tuple[int, int, str]]:
    """Spans of facts in a normalised passage, most specific kind first, not overlapping
    (looked up among those taken, in order: a long table passage holds thousands)."""
    spans: list[tuple[int, int, str]] = []  # in order of their starts
    for kind, pattern in _FACTS:
        for m in pattern.finditer(text):
            s, e = m.span()
            if not text[s:e].strip() or _overlaps_taken(spans, s, e):
                continue
            if kind == "number" and not any(c.isdigit() for c in m.group()) and len(m.group()) < 2:
                continue  # a lone 一/十 is a word, not a number
            bisect.insort(spans, (s, e, kind))
    return spans


def _overlaps_taken(spans: list[tuple[int, int, str]], s: int, e: int) -> bool:
    """Whether ``s:e`` overlaps a span of ``spans`` (sorted, none overlapping another): only
    the one starting last before ``e`` can."""
    i = bisect.bisect_left(spans, (e,))
    return i > 0 and spans[i - 1][1] > s


def _touching(spans: list[tuple[int, int, str]], lo: int, hi: int) -> list[tuple[int, int, str]]:
    # an insertion (lo == hi) touches the fact it sits in or next to
    return [s for s in spans if s[0] < max(hi, lo + 1) and lo - (1 if lo == hi else 0) < s[1]]


def passage_changes(
    draft: str, existing: str, draft_shown: str = "", existing_shown: str = ""
) -> tuple[Change, ...]:
    """What changed between two versions of one passage (normalised), facts named by kind.
    ``*_shown``: the passages as written, whose characters the fragments show where they line
    up one for one with the normalised ones (QA pass 35b: "重要途径,是" where both texts
    write "，"). Text changes whose fragments would overlap are one change (QA pass 35b: one
    retitled notice was four overlapping fragments)."""
    a_show = draft_shown if len(draft_shown) == len(draft) else draft
    b_show = existing_shown if len(existing_shown) == len(existing) else existing
    a_spans, b_spans = _facts(draft), _facts(existing)
    if max(len(draft), len(existing)) > MAX_COMPARED_CHARS:
        return _facts_apart(a_spans, b_spans, a_show, b_show)
    sm = difflib.SequenceMatcher(None, draft, existing, autojunk=False)
    changes: list[Change] = []
    seen: set[tuple[int, int, int, int]] = set()
    texts: list[list[int]] = []  # [i1, i2, j1, j2] of text changes, run together when near

    def flush() -> None:
        for i1, i2, j1, j2 in texts:
            change = Change("text", _context(a_show, i1, i2), _context(b_show, j1, j2))
            if not (changes and changes[-1] == change):
                changes.append(change)
        texts.clear()

    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        a_hit, b_hit = _touching(a_spans, i1, i2), _touching(b_spans, j1, j2)
        # a fact changed is one value for another; cells added to a table row, or a value
        # dropped, are text (issue 11: "4 → 0 0 0 0 0 4" named table reflow a number change)
        if len(a_hit) == len(b_hit) == 1:
            flush()
            a_lo = min([s for s, _, _ in a_hit] + [i1])
            a_hi = max([e for _, e, _ in a_hit] + [i2])
            b_lo = min([s for s, _, _ in b_hit] + [j1])
            b_hi = max([e for _, e, _ in b_hit] + [j2])
            key = (a_lo, a_hi, b_lo, b_hi)
            if key in seen:
                continue
            seen.add(key)
            kinds = [k for _, _, k in a_hit + b_hit]
            kind = next(k for k in ("docno", "date", "amount", "number") if k in kinds)
            a_txt, b_txt = a_show[a_lo:a_hi].strip(), b_show[b_lo:b_hi].strip()
            if strip_skippable(a_txt) == strip_skippable(b_txt):
                continue
            if changes and changes[-1].kind == kind and _overlaps_last(changes[-1], a_txt, b_txt):
                continue
            changes.append(Change(kind, a_txt, b_txt))
        elif strip_skippable(draft[i1:i2]) or strip_skippable(existing[j1:j2]):
            last = texts[-1] if texts else None
            if (
                last is not None
                and i1 - last[1] <= 2 * CONTEXT and j1 - last[3] <= 2 * CONTEXT
                and max(i2 - last[0], j2 - last[2]) <= MAX_JOINED
            ):  # fmt: skip
                last[1], last[3] = i2, j2  # their fragments would overlap: one
            else:
                texts.append([i1, i2, j1, j2])
    flush()
    return tuple(changes)


# a passage compared character by character up to this length: difflib's matching grows with
# the length times the repeats of each character (QA pass 51b: a table passage of 30,000
# characters, repeated with a few digits changed, held the server's one anonymous check for 14
# s, 40 s at 50,000); a longer one is told by the facts each side holds that the other lacks
MAX_COMPARED_CHARS = 6000
MAX_FACTS_APART = 20  # changes named for such a passage


def _facts_apart(
    a_spans: list[tuple[int, int, str]], b_spans: list[tuple[int, int, str]], a_show: str,
    b_show: str,
) -> tuple[Change, ...]:
    """The facts of a passage too long to compare character by character that one side holds
    and the other does not, paired by kind in the order written: a 文号 or a date changed is
    still named, never where in the passage."""
    def held(spans: list[tuple[int, int, str]], show: str) -> Counter[tuple[str, str]]:
        return Counter((kind, show[s:e].strip()) for s, e, kind in spans)

    a, b = held(a_spans, a_show), held(b_spans, b_show)
    only_a, only_b = a - b, b - a
    changes: list[Change] = []
    for kind in ("docno", "date", "amount", "number"):
        drafts = [t for (k, t) in only_a.elements() if k == kind]
        existing = [t for (k, t) in only_b.elements() if k == kind]
        for x, y in zip(drafts, existing, strict=False):
            changes.append(Change(kind, x, y))
    return tuple(changes[:MAX_FACTS_APART])


def _overlaps_last(last: Change, a: str, b: str) -> bool:
    return (a in last.draft or last.draft in a) and (b in last.existing or last.existing in b)


CONTEXT = 6  # characters shown either side of a changed fragment
MAX_JOINED = 40  # changes run together into one fragment up to this length, then a new one


def _context(text: str, lo: int, hi: int, pad: int = CONTEXT) -> str:
    """The changed fragment with a few characters around it, so a reader can place it."""
    if hi - lo > 80:
        return text[lo : lo + 80] + "…"
    return text[max(0, lo - pad) : hi + pad]


def _bigrams(key: str) -> set[str]:
    return {key[i : i + 2] for i in range(len(key) - 1)} or {key}


def _similar(a: str, b: str) -> bool:
    """Versions of one passage: Dice coefficient of character bigrams ≥ 0.5 (cheap; difflib's
    ratio on every pair of a long replaced block cost more than the rest of the check)."""
    if _DIGITS_RE.sub("#", a) == _DIGITS_RE.sub("#", b):
        return True  # only numbers differ: a short date line is still "the same passage"
    x, y = _bigrams(a), _bigrams(b)
    return 4 * len(x & y) >= len(x) + len(y)  # 2|x∩y| / (|x|+|y|) ≥ 0.5


def _versions(a: _Passage, b: _Passage) -> bool:
    """Two passages that are versions of one: alike (:func:`_similar`), or each a 文号 alone —
    a head's number line, whatever its issuer (QA 23b: 国办发〔2018〕128号 → 青政办发〔2025〕9号
    share too few characters to look alike, and came out as a passage removed and one added,
    never as the 文号 changed; under one issuer it was named)."""
    if _similar(a.key, b.key):
        return True
    docno = _FACTS[0][1]
    return docno.fullmatch(a.norm) is not None and docno.fullmatch(b.norm) is not None


def _pair_block(a: list[_Passage], b: list[_Passage]) -> list[tuple[int | None, int | None]]:
    """Pair the passages of a replaced block in order when they are versions of each other."""
    pairs: list[tuple[int | None, int | None]] = []
    j = 0
    for i, pa in enumerate(a):
        match = next((jj for jj in range(j, min(len(b), j + 4)) if _versions(pa, b[jj])), None)
        if match is None:
            pairs.append((i, None))
            continue
        pairs.extend((None, jj) for jj in range(j, match))
        pairs.append((i, match))
        j = match + 1
    pairs.extend((None, jj) for jj in range(j, len(b)))
    return pairs


def diff(draft_text: str | list[_Passage], existing_text: str | list[_Passage]) -> TextDiff:
    """The passage-level diff of a draft against an existing document.

    Only the first ``MAX_OPS`` entries are worked out in detail (paired passages, named
    facts); beyond that passages are only counted, so a diff of two long, very different
    versions of a law stays cheap.
    """
    a = passages(draft_text) if isinstance(draft_text, str) else draft_text
    b = passages(existing_text) if isinstance(existing_text, str) else existing_text
    sm = difflib.SequenceMatcher(None, [p.key for p in a], [p.key for p in b], autojunk=False)
    raw: list[DiffOp] = []
    extra: Counter[str] = Counter()  # passages counted, not detailed
    for tag, i1, i2, j1, j2 in _coalesced(sm.get_opcodes()):
        if tag == "equal" or _same_run(a[i1:i2], b[j1:j2]):
            # a run cut into passages differently (a heading wrapped in one text only) but
            # holding the same characters is the same text, not a change
            if raw and raw[-1].op == "equal":
                raw[-1] = dataclasses.replace(raw[-1], count=raw[-1].count + i2 - i1)
            else:
                raw.append(DiffOp("equal", a[i1].text, b[j1].text, count=i2 - i1))
            continue
        if len(raw) >= MAX_OPS:
            paired = min(i2 - i1, j2 - j1)
            extra.update(
                {"changed": paired, "added": i2 - i1 - paired, "removed": j2 - j1 - paired}
            )
            continue
        pairs = _pair_block(a[i1:i2], b[j1:j2])
        if _rewrapped(pairs, a[i1:i2], b[j1:j2]):
            # one passage written as two (a signature's 国务院办公厅 / 2019年1月9日 run on as
            # one line): one change, not a passage removed that the draft still holds (QA
            # pass 35b: "草稿删去 国务院办公厅")
            pa, pb = _merge(a[i1:i2]), _merge(b[j1:j2])
            changes = passage_changes(pa.norm, pb.norm, pa.text, pb.text)
            raw.append(DiffOp("changed", pa.text, pb.text, changes=changes))
            continue
        for ia, jb in pairs:
            if ia is not None and jb is not None:
                pa, pb = a[i1 + ia], b[j1 + jb]
                changes = passage_changes(pa.norm, pb.norm, pa.text, pb.text)
                raw.append(DiffOp("changed", pa.text, pb.text, changes=changes))
            elif ia is not None:
                raw.append(DiffOp("added", a[i1 + ia].text, ""))
            elif jb is not None:
                raw.append(DiffOp("removed", "", b[j1 + jb].text))
    ops = _moves(raw, a, b)
    counts: Counter[str] = Counter(extra)
    kinds: Counter[str] = Counter()
    for op in ops:
        counts[op.op] += op.count if op.op == "equal" else 1
        kinds.update(c.kind for c in op.changes)
    return TextDiff(
        ops=tuple(ops[:MAX_OPS]),
        equal=counts["equal"],
        changed=counts["changed"],
        added=counts["added"],
        removed=counts["removed"],
        moved=counts["moved"],
        changed_kinds=dict(kinds),
        truncated=len(ops) > MAX_OPS or bool(extra),
    )


def same_text(d: TextDiff) -> TextDiff:
    """The diff of two texts that are the same text (one ``content_key``): never a list of
    changes. Passages line up one for one unless the same characters come in another order
    (a PDF's table read cell by cell, README "One document, one result"); that is said, and
    no passage is listed as changed, added or removed (QA pass 2, item 2)."""
    if d.identical:
        return d
    first = next((op for op in d.ops if op.draft or op.existing), None)
    n = d.equal + d.changed + d.added + d.moved  # the draft's passages
    ops = (
        (DiffOp("equal", first.draft or first.existing, first.existing or first.draft, n),)
        if first is not None
        else ()
    )
    return TextDiff(ops=ops, equal=n, changed=0, added=0, removed=0, moved=0, reordered=True)


def _coalesced(
    opcodes: list[tuple[str, int, int, int, int]],
) -> Iterator[tuple[str, int, int, int, int]]:
    """``difflib``'s opcodes with each run of changes (replaced, deleted, inserted passages
    next to each other) as one replaced block: a text run on into fewer passages comes as a
    deletion beside a replacement, and only the block as a whole shows they hold the same
    characters (QA pass 35c: a notice with its line breaks removed listed its title, 文号 and
    addressee as removed, all in the draft's first passage)."""
    run: list[int] | None = None
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            if run is not None:
                yield ("replace", *run)
                run = None
            yield tag, i1, i2, j1, j2
        elif run is None:
            run = [i1, i2, j1, j2]
        else:
            run[1], run[3] = i2, j2
    if run is not None:
        yield ("replace", *run)


# a replaced block is read as passages cut differently up to this many passages and characters
# (its keys' substring checks, and the one change's character diff, stay cheap)
MAX_REWRAPPED = 60
MAX_REWRAPPED_CHARS = 4000


def _rewrapped(
    pairs: list[tuple[int | None, int | None]], a: list[_Passage], b: list[_Passage]
) -> bool:
    """Whether a replaced block is the same passages cut differently: a side has a passage
    the other lacks, and every such passage is held by the other side's text joined (the
    signature's 国务院办公厅 in 国务院办公厅2019年1月9日). A passage the other side does not
    hold was removed or added, whatever else changed beside it (the review: a clause dropped
    after an edited sentence was hidden in the edit's fragment)."""
    if len(a) + len(b) > MAX_REWRAPPED or not a or not b:
        return False
    if sum(len(p.key) for p in (*a, *b)) > MAX_REWRAPPED_CHARS:
        return False
    alone = [a[ia] for ia, jb in pairs if jb is None and ia is not None]
    alone_b = [b[jb] for ia, jb in pairs if ia is None and jb is not None]
    if not alone and not alone_b:
        return False
    joined_a, joined_b = "".join(p.key for p in a), "".join(p.key for p in b)
    return all(p.key in joined_b for p in alone) and all(p.key in joined_a for p in alone_b)


def _same_run(a: list[_Passage], b: list[_Passage]) -> bool:
    return bool(a) and bool(b) and "".join(p.key for p in a) == "".join(p.key for p in b)


def _moves(ops: list[DiffOp], a: list[_Passage], b: list[_Passage]) -> list[DiffOp]:
    """A passage removed in one place and added in another is one ``moved`` passage."""
    key_of = {p.text: p.key for p in a + b}
    added = Counter(key_of.get(op.draft, "") for op in ops if op.op == "added")
    removed = Counter(key_of.get(op.existing, "") for op in ops if op.op == "removed")
    moved = {k: min(n, removed[k]) for k, n in added.items() if k and removed.get(k)}
    if not moved:
        return ops
    out: list[DiffOp] = []
    left_removed = dict(moved)
    left_added = dict(moved)
    for op in ops:
        if op.op == "removed" and left_removed.get(key_of.get(op.existing, ""), 0) > 0:
            left_removed[key_of[op.existing]] -= 1
            continue  # reported once, where the draft has it
        if op.op == "added" and left_added.get(key_of.get(op.draft, ""), 0) > 0:
            left_added[key_of[op.draft]] -= 1
            out.append(DiffOp("moved", op.draft, op.draft))
            continue
        out.append(op)
    return out
