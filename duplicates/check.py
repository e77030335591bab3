"""The duplicate check: every existing document a draft duplicates, how much, and what differs.

Candidates come from the index through plain term queries, so every backend finds the same ones:
the draft's ``content_key`` (same text), its MinHash band keys (near copies), a consistent
sample of its winnowing anchors (texts that contain it or that it contains), its 文号 and its
title. Every candidate is then verified *exactly* on the two texts (resemblance and containment
both ways over the same shingles), so the index's sketches only decide what is looked at, never
what is reported. All queries carry the viewer's disclosure filter: an anonymous caller's check
can only ever meet public documents, a staff check sees every level.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from analyzers.chars import strip_skippable
from analyzers.docno import canonical, keys_for_value, keys_in_text
from analyzers.normalize import normalize
from analyzers.signatures import (
    MAX_QUERY_ANCHORS,
    Overlap,
    Signature,
    StoredSignature,
    estimate,
    is_boilerplate_line,
    overlap,
    signature,
)
from duplicates.defaults import DEFAULT_LIMIT, DEFAULT_THRESHOLD, MAX_LIMIT  # noqa: F401
from duplicates.textdiff import KIND_LABELS, Change, DiffOp, TextDiff, diff, passages, same_text
from ingest.metadata import derive_meta, guess_title
from ingest.upload import extract_upload
from model.document import StoredDocument
from model.errors import BadRequest, PayloadTooLarge, UnprocessableContent
from model.viewer import ANONYMOUS, Viewer
from search_index.index import SearchIndex, says_less
from search_index.protocol import Backend
from search_index.request import Copy
from search_index.tree import Bool, Plan, Term
from search_index.visibility import visibility_filter

MIN_CONTAINED_SHINGLES = 40  # a contained text must be a passage (≈45 characters), not a phrase
SIMILAR_CANDIDATES = 60  # hits of the sketch query looked at
KEY_CANDIDATES = 20  # hits of the exact-key query (same text / 文号 / title)
VERIFY = 30  # at most this many sketch hits are verified for their estimated overlap
VERIFY_BY_RANK = 5  # and this many for their search rank (shared anchors)
# A draft longer than this is refused (413) before any analysis: the corpus's longest text has
# ~105,000 characters, and the check's cost grows with the draft (~2 s per million characters
# of one line, in the serving process, holding the one slot heavy requests share).
MAX_DRAFT_CHARS = 500_000
ESTIMATE_MARGIN = 0.3  # verify estimates down to threshold − margin (64 MinHash values are noisy)
DIFF_MIN_SIMILARITY = 0.2  # below this the texts are unrelated; no passage diff is computed
_HEAD_LINES = 15  # a draft's own 文号 stands on a line of its head
_MAX_TITLE = 120  # characters; a longer head line is body text

_DOCNO_LABEL = re.compile(r"^\s*(?:发文字号|發文字號|文号|文號|字号|字號)\s*[:：]\s*")
REASONS = ("same_text", "near_copy", "contains", "contained_in", "same_docno", "same_title")
REASON_LABELS = {
    "same_text": "same text",
    "near_copy": "near copy",
    "contains": "contains",
    "contained_in": "contained in",
    "same_docno": "same 文号",
    "same_title": "same title",
}
# as staff read them: the duplicate page's labels and the dupes CSV's cells
REASON_NAMES = {
    "same_text": "全文相同",
    "near_copy": "高度相似",
    "contains": "草稿包含该文件",
    "contained_in": "草稿是该文件的一部分",
    "same_docno": "文号相同",
    "same_title": "标题相同",
}
TEXT_REASONS = frozenset(REASONS[:4])


# the longest title and 文号 a draft may be given (the form's boxes say so too): the corpus's
# longest title has 156 characters; a longer value is a paste gone wrong (QA pass 16: the API
# took and echoed 100,000 characters)
MAX_DRAFT_TITLE = 300
MAX_DRAFT_DOCNO = 100


@dataclass(frozen=True)
class Draft:
    """What staff want to publish: its text, and its title and 文号 when they know them."""

    text: str
    title: str = ""
    doc_number: str = ""


def draft_fields_problem(title: str, doc_number: str) -> str | None:
    """What is wrong with a draft's given title or 文号 (too long, a NUL), or None."""
    for name, value, limit in (("title", title, MAX_DRAFT_TITLE),
                               ("doc_number", doc_number, MAX_DRAFT_DOCNO)):  # fmt: skip
        if len(value) > limit:
            return f"{name} is {len(value):,} characters; at most {limit} are read"
        if "\x00" in value:
            return f"{name} contains a NUL character"
    return None


@dataclass(frozen=True)
class DraftKeys:
    """The exact keys of a draft: title forms and 文号 keys, as indexed."""

    titles: tuple[str, ...]
    docnos: tuple[str, ...]
    title: str
    doc_number: str


@dataclass(frozen=True)
class Candidate:
    doc: StoredDocument
    overlap: Overlap
    reasons: tuple[str, ...]
    diff: TextDiff | None
    copies: tuple[Copy, ...] = ()  # other documents with exactly this text: one candidate

    @property
    def reason(self) -> str:
        return self.reasons[0]

    @property
    def score(self) -> float:
        o = self.overlap
        return max(o.resemblance, o.containment, o.reverse_containment)

    @property
    def share(self) -> float:
        """The figure its reason is about, the one every place that names the reason gives
        (QA pass 37a: an upload's warning said "near copy 99.2%", the highest of the three
        measures, where the check said 相似度 97.5% of the same pair)."""
        o = self.overlap
        if self.reason == "contains":
            return o.reverse_containment
        if self.reason == "contained_in":
            return o.containment
        return 1.0 if self.reason == "same_text" else o.resemblance

    def to_dict(self) -> dict[str, Any]:
        d = self.doc
        o = self.overlap
        return {
            "id": d.id,
            "path": d.path,
            "title": d.title,
            "doc_number": d.doc_number,
            "agency": d.agency,
            "category": d.category,
            "date": d.date or None,
            "disclosure": d.disclosure,
            "similarity": round(o.resemblance, 4),
            "containment": round(o.containment, 4),
            "reverse_containment": round(o.reverse_containment, 4),
            "reason": self.reason,
            "reasons": list(self.reasons),
            "label": REASON_LABELS[self.reason],
            "label_zh": REASON_NAMES[self.reason],  # as the page and the CSV name it
            "summary": summary(self),
            "diff": self.diff.to_dict() if self.diff is not None else None,
            "copies": [c.to_dict() for c in self.copies],
        }


@dataclass(frozen=True)
class CheckResult:
    candidates: tuple[Candidate, ...]
    draft: DraftKeys
    chars: int
    shingles: int
    threshold: float
    examined: int  # candidates verified on their texts
    took_ms: float

    @property
    def found(self) -> bool:
        return bool(self.candidates)

    def to_dict(self) -> dict[str, Any]:
        return {
            "draft": {
                "title": self.draft.title,
                "doc_number": self.draft.doc_number,
                "chars": self.chars,
                "shingles": self.shingles,
            },
            "threshold": self.threshold,
            "examined": self.examined,
            "took_ms": round(self.took_ms, 2),
            "candidates": [c.to_dict() for c in self.candidates],
        }


def percent(x: float) -> str:
    """A share as people read it: one decimal, and never rounded to 100% or 0% unless it is
    (a near copy of 0.9957 beside "只有日期不同" is 99.6%, not 100%: QA pass 2, item 9)."""
    if x >= 1.0:
        return "100%"
    if x <= 0.0:
        return "0%"
    tenths = min(999, max(1, round(x * 1000)))
    return f"{tenths // 10}%" if tenths % 10 == 0 else f"{tenths / 10:.1f}%"


def near_label(resemblance: float) -> str:
    """How alike a near copy is, in words that match its number (高度相似 was said of 49.8%)."""
    if resemblance >= 0.8:
        return "高度相似"
    return "相似" if resemblance >= 0.5 else "部分相似"


def summary(c: Candidate) -> str:
    """What kind of duplicate this is, in one Chinese sentence (the API, the page and the
    command line say the same)."""
    o = c.overlap
    head = {
        "same_text": "与草稿全文相同",
        "near_copy": f"与草稿{near_label(o.resemblance)}（相似度 {percent(c.share)}）",
        "contains": f"草稿包含了这份文件的 {percent(c.share)}",
        "contained_in": f"草稿的 {percent(c.share)} 出现在这份文件中",
        "same_docno": f"文号相同，但正文不同（相似度 {percent(c.share)}）",
        "same_title": f"标题相同，但正文不同（相似度 {percent(c.share)}）",
    }[c.reason]
    d = c.diff
    if d is None or d.identical:
        if d is None:
            return head
        return head + (
            "（仅段落或表格内容的先后顺序不同）"
            if d.reordered
            else "（仅排版、简繁、全半角或标点不同）"  # QA pass 28a: a 繁简 copy said 字体
        )
    if d.only_facts_changed:
        kinds = "、".join(
            KIND_LABELS[k] for k in ("docno", "date", "amount", "number") if k in d.changed_kinds
        )
        # said as the question staff must answer (QA pass 31a: "可能是新的一期…而不是照抄" of a
        # draft that changed only its 文号 read as an all-clear, where the check exists to
        # catch just such a re-posting)
        return f"{head}；只有{kinds}不同：请核对是新的一期或新版本，还是改了{kinds}的重复发布"
    parts = [  # the diff's units are sentences and table cells: places, not 段 (paragraphs)
        f"{n} 处{what}"
        for n, what in ((d.changed, "改动"), (d.added, "草稿新增"), (d.removed, "草稿删去"))
        if n
    ]
    return f"{head}；" + "，".join(parts) if parts else head


def draft_from_file(
    data: bytes, filename: str, *, max_bytes: int, title: str = "", doc_number: str = ""
) -> tuple[Draft, str]:
    """A draft from an uploaded file in any ingest format; returns ``(draft, format name)``.

    Reading the bytes is ingest's job (:func:`ingest.upload.extract_upload`, which says why a
    file is unusable); the draft takes the title and 文号 the file states when none is given.
    """
    fmt, extracted = extract_upload(data, filename, max_bytes=max_bytes)
    if not doc_number:  # as ingest reads it (QA pass 8: the raw property kept its label and
        # spaces, 发文字号 国办函〔2018〕71 号, where the ingested file says 国办函〔2018〕71号)
        doc_number = derive_meta(
            extracted.text, extracted.properties, title=extracted.title
        ).doc_number
    return Draft(text=extracted.text, title=title or extracted.title, doc_number=doc_number), fmt


# -- the draft's keys ------------------------------------------------------------------------
def draft_keys(draft: Draft) -> DraftKeys:
    """Title forms and 文号 keys of a draft, looked up in ``title_exact`` and ``docno``.

    The title is the one given, else the one ingest would read from the draft's head
    (:func:`ingest.metadata.guess_title`: a gov.cn title run over 2–3 lines joined, never a
    版头 line, none for a draft that starts with its body), shown as typed. The first one, two
    and three head lines joined (版头 lines left out) are looked up too. The 文号
    is the one given, else the first head line that *is* a 文号 (a 文号 cited inside a
    sentence is another document's).
    """
    head = _head_lines(draft.text)
    titles: list[str] = []
    if draft.title.strip():
        titles.append(strip_skippable(normalize(draft.title)))
        title = draft.title.strip()
    else:
        title = guess_title([raw for raw, _ in head])
        if title:
            titles.append(strip_skippable(normalize(title)))
        for n in (1, 2, 3):
            if len(head) >= n and sum(len(norm) for _, norm in head[:n]) <= _MAX_TITLE:
                titles.append(strip_skippable("".join(norm for _, norm in head[:n])))
    doc_number = draft.doc_number.strip()
    docnos: list[str] = []
    if doc_number:
        key = canonical(normalize(doc_number))
        docnos = [key] if key else keys_for_value(normalize(doc_number))[:1]
    else:
        for raw, norm in _head_lines(draft.text, boilerplate=True):
            # a labelled line too: 發文字號：府都規字第1121225815A號 heads Tainan's notices
            key = canonical(_DOCNO_LABEL.sub("", norm))
            if key:
                docnos, doc_number = [key], _DOCNO_LABEL.sub("", raw.strip())
                break
    return DraftKeys(
        titles=tuple(dict.fromkeys(t for t in titles if t)),
        docnos=tuple(docnos),
        title=title,
        doc_number=doc_number,
    )


def _head_lines(text: str, boilerplate: bool = False) -> list[tuple[str, str]]:
    """The first non-blank lines of a draft, as typed and normalised, without 版头 lines
    (``boilerplate``: with them, where a labelled 文号 line stands: 發文字號：…)."""
    head: list[tuple[str, str]] = []
    for line in text.split("\n"):
        raw = line.strip()
        if not raw:
            continue
        norm = normalize(raw)
        if boilerplate or not is_boilerplate_line(norm):
            head.append((raw, norm))
        if len(head) >= _HEAD_LINES:
            break
    return head


# -- the check -------------------------------------------------------------------------------
def _backend(index: SearchIndex | Backend) -> Backend:
    return index.backend if isinstance(index, SearchIndex) else index


def _ids(backend: Backend, query: Bool, viewer: Viewer, limit: int) -> list[str]:
    if not query.should:
        return []
    plan = Plan(query=query, filters=visibility_filter(viewer))
    return [h.id for h in backend.search(plan, limit=limit).hits]


def reasons_for(
    o: Overlap,
    threshold: float,
    *,
    same_key: bool,
    same_docno: bool,
    same_title: bool,
    draft_size: int,
    doc_size: int,
) -> tuple[str, ...]:
    """Every reason that applies, strongest first (``REASONS`` order)."""
    out = []
    if same_key:
        out.append("same_text")
    if o.resemblance >= threshold:
        out.append("near_copy")
    if o.reverse_containment >= threshold and doc_size >= MIN_CONTAINED_SHINGLES:
        out.append("contains")
    if o.containment >= threshold and draft_size >= MIN_CONTAINED_SHINGLES:
        out.append("contained_in")
    if same_docno:
        out.append("same_docno")
    if same_title:
        out.append("same_title")
    return tuple(out)


def doc_signature(doc: StoredDocument) -> Signature:
    """The signature of a stored document, from its normalised text when the store keeps it."""
    return signature(doc.normalized if doc.normalized is not None else normalize(doc.text))


def check(
    index: SearchIndex | Backend,
    draft: Draft,
    *,
    viewer: Viewer = ANONYMOUS,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
    with_diff: bool = True,
    exclude: Iterable[str] = (),
) -> CheckResult:
    """Existing documents (visible to ``viewer``) that the draft duplicates, best first."""
    if not 0.0 < threshold <= 1.0:
        raise BadRequest("threshold must be above 0 and at most 1", threshold=threshold)
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}", limit=limit)
    if len(draft.text) > MAX_DRAFT_CHARS:
        raise PayloadTooLarge(
            f"the draft has {len(draft.text):,} characters; a duplicate check takes at most "
            f"{MAX_DRAFT_CHARS:,} (5 times the longest document of the test corpus)",
            chars=len(draft.text),
            limit=MAX_DRAFT_CHARS,
        )
    t0 = time.perf_counter()
    backend = _backend(index)
    normalized = normalize(draft.text)
    sig = signature(normalized)
    if not sig.chars:
        raise UnprocessableContent(
            "the draft has no text to compare (it is empty, or only whitespace and punctuation)"
        )
    keys = draft_keys(draft)
    excluded = set(exclude)

    # 1. candidates: exact keys, then sketches (bands + anchors)
    key_query = Bool(
        should=(Term("content_key", sig.content_key),)
        + tuple(Term("docno", k) for k in keys.docnos)
        + tuple(Term("title_exact", t) for t in keys.titles)
    )
    key_ids = _ids(backend, key_query, viewer, KEY_CANDIDATES)
    sketch_query = Bool(
        should=tuple(Term("sig_band", t) for t in sig.band_keys())
        + tuple(Term("sig_band", t) for t in sig.anchor_keys(MAX_QUERY_ANCHORS))
    )
    sketch_ids = _ids(backend, sketch_query, viewer, SIMILAR_CANDIDATES)

    # 2. which sketch hits to verify on their texts: those whose overlap estimated from the
    #    stored MinHash and set size comes near the threshold, plus the first few by search
    #    rank (many shared anchors): a short text inside a long one has a tiny resemblance,
    #    so its estimate says little, but its anchors match.
    extras = backend.stored_extra(sketch_ids)
    estimated = []
    for doc_id in sketch_ids:
        stored = StoredSignature.from_stored(extras.get(doc_id, {}).get("dup", {}))
        if stored is None:  # indexed before signatures existed: verify it anyway
            estimated.append((1.0, doc_id))
            continue
        est = estimate(sig.minhash, sig.size, stored.minhash, stored.size)
        estimated.append((max(est.resemblance, est.containment, est.reverse_containment), doc_id))
    estimated.sort(key=lambda x: -x[0])
    by_estimate = [d for e, d in estimated if e >= threshold - ESTIMATE_MARGIN][:VERIFY]
    verify_ids = list(dict.fromkeys(key_ids + by_estimate + sketch_ids[:VERIFY_BY_RANK]))
    verify_ids = [i for i in verify_ids if i not in excluded]

    # 3. exact verification on the texts
    docs = backend.fetch(verify_ids)
    found: list[Candidate] = []
    for doc_id in verify_ids:
        doc = docs.get(doc_id)
        if doc is None or not viewer.can_see(doc.disclosure):  # belt and braces: the plan filtered
            continue
        other = doc_signature(doc)
        o = overlap(sig.shingles, other.shingles)
        doc_docnos = _docno_keys(doc)
        reasons = reasons_for(
            o,
            threshold,
            same_key=other.content_key == sig.content_key and not _renumbered(doc, keys),
            same_docno=bool(doc_docnos & set(keys.docnos)),
            same_title=strip_skippable(normalize(doc.title)) in keys.titles,
            draft_size=sig.size,
            doc_size=other.size,
        )
        if reasons:
            found.append((other.content_key, Candidate(doc, o, reasons, None)))
    found.sort(key=lambda kc: (REASONS.index(kc[1].reason) > 0, -kc[1].score, kc[1].doc.path))
    found = _one_per_text(found)[:limit]
    if with_diff:
        mine = passages(draft.text)  # once, not once per candidate

        @functools.cache  # read once, where a candidate is held whole (most checks: never)
        def stated() -> frozenset[str]:
            return frozenset(keys_in_text(normalize(draft.text)))

        found = [_with_diff(c, mine, keys, stated) for c in found]
    return CheckResult(
        candidates=tuple(found),
        draft=keys,
        chars=sig.chars,
        shingles=sig.size,
        threshold=threshold,
        examined=len(verify_ids),
        took_ms=(time.perf_counter() - t0) * 1000,
    )


def _one_per_text(found: list[tuple[str, Candidate]]) -> list[Candidate]:
    """An exact copy group (same normalised text: a TXT and an HTML posting of one notice) is
    one candidate listing the others, shown as search shows it: the best, and among copies tied
    with it the one that says most about the document (:func:`says_less`), then the smallest id
    (the group's file was an upload's random name here and the sample in search)."""
    first: dict[str, int] = {}
    out: list[Candidate] = []
    for key, c in found:
        if key and key in first:
            head = out[first[key]]
            tied = (c.reason, c.score) == (head.reason, head.score)
            if tied and (says_less(c.doc), c.doc.id) < (says_less(head.doc), head.doc.id):
                head, c = dataclasses.replace(c, copies=head.copies), head
            copy = Copy(c.doc.id, c.doc.path, c.doc.format, c.doc.agency, c.doc.disclosure)
            out[first[key]] = dataclasses.replace(head, copies=(*head.copies, copy))
            continue
        if key:
            first[key] = len(out)
        out.append(c)
    return out


def _docno_keys(doc: StoredDocument) -> set[str]:
    return set(keys_for_value(normalize(doc.doc_number))) if doc.doc_number else set()


def _held_beside_more(c: Candidate, keys: DraftKeys) -> bool:
    """Whether the draft holds the document whole beside text of its own (a forwarding
    notice), not the document alone under another number: more text than the document's, or
    a title of its own (QA pass 49c: a cover of six short lines is 96% the document's)."""
    if c.overlap.reverse_containment < HELD_WHOLE:
        return False
    if c.overlap.containment < HELD_WHOLE:
        return True
    title = strip_skippable(normalize(keys.title))
    return bool(title) and title != strip_skippable(normalize(c.doc.title))


HELD_WHOLE = 0.95


def _without_docno_changes(d: TextDiff, theirs: set[str], held: frozenset[str]) -> TextDiff:
    """``d`` without the passages it paired as a 文号 changed from one of ``theirs`` (the
    document's own) where the draft holds the document's passage as written (``held``: the
    draft's passages' keys): the draft's passage is its own, added. A cover sentence citing the
    number is no such passage (QA pass 50c: a document renumbered, its old 文号 cited by the
    cover, was shown as passages added)."""
    ops: list[DiffOp] = []
    dropped = 0
    for op in d.ops:
        if op.op == "changed" and op.changes and all(
            c.kind == "docno" and set(keys_for_value(normalize(c.existing))) & theirs
            for c in op.changes
        ) and {p.key for p in passages(op.existing)} <= held:
            ops.append(DiffOp("added", draft=op.draft))
            dropped += 1
        else:
            ops.append(op)
    if not dropped:
        return d
    kinds = {**d.changed_kinds, "docno": d.changed_kinds.get("docno", 0) - dropped}
    return dataclasses.replace(
        d, ops=tuple(ops), changed=d.changed - dropped, added=d.added + dropped,
        changed_kinds={k: n for k, n in kinds.items() if n > 0},
    )  # fmt: skip


def _renumbered(doc: StoredDocument, keys: DraftKeys) -> bool:
    """Whether the draft and ``doc`` state different 文号. One text under another 文号 is no copy
    to wave through: a text's key leaves the head's 文号 line out (a TXT and an HTML posting of
    one notice differ there), so the numbers are compared on their own (QA pass 31c:
    府都規字第1121225815A號 changed was "全文相同")."""
    theirs = _docno_keys(doc)
    return bool(theirs and keys.docnos and not theirs & set(keys.docnos))


def _with_diff(
    c: Candidate, draft: list[Any], keys: DraftKeys, stated: Callable[[], frozenset[str]]
) -> Candidate:
    """``c`` with its differences from the draft; ``stated()`` gives the keys of every 文号
    the draft's text holds. A document the draft holds whole (a notice forwarding it) keeps its
    own 文号 there, whatever number the draft's head states: it was not renumbered (QA pass
    49a: 国发〔2019〕4号, attached unchanged, was "changed" to the cover notice's 5号)."""
    if c.score < DIFF_MIN_SIMILARITY:
        return c
    d = diff(draft, c.doc.text)
    d = same_text(d) if "same_text" in c.reasons else d
    if _held_beside_more(c, keys) and _docno_keys(c.doc) & stated():
        d = _without_docno_changes(d, _docno_keys(c.doc), frozenset(p.key for p in draft))
    elif _renumbered(c.doc, keys) and "docno" not in d.changed_kinds:
        # the 文号 each side states, where the passages compared leave the head's line out
        change = Change("docno", keys.doc_number, c.doc.doc_number)
        renumbered = DiffOp("changed", keys.doc_number, c.doc.doc_number, changes=(change,))
        d = dataclasses.replace(
            d, ops=(renumbered, *d.ops), changed=d.changed + 1, reordered=False,
            changed_kinds={**d.changed_kinds, "docno": d.changed_kinds.get("docno", 0) + 1},
        )  # fmt: skip
    return dataclasses.replace(c, diff=d)
