"""The duplicate-check page for staff: paste or upload a draft, see every existing copy and what
differs (changed 文号, dates, amounts marked), before publishing.

It is a plain form posted to the server (works without JavaScript) and calls the same
:func:`search_index.duplicates.check` as ``POST /api/duplicates``, so page and API report the
same candidates. Staff may enter their API key in the form to check against every disclosure
level (drafts and non-public documents included); without it, only public documents are
compared, exactly as for an anonymous API caller. The key is never echoed back or stored, and
the answer is ``Cache-Control: no-store`` because a draft is not yet public.
"""

from __future__ import annotations

import difflib
import functools
import html
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from analyzers.normalize import normalize
from analyzers.signatures import Overlap
from duplicates.check import (
    MAX_DRAFT_DOCNO,
    MAX_DRAFT_TITLE,
    REASON_NAMES,
    Candidate,
    CheckResult,
    Draft,
    check,
    near_label,
    percent,
    summary,
)
from duplicates.textdiff import KIND_LABELS, DiffOp
from model.errors import BadRequest, GovSearchError, PayloadTooLarge, Unauthorized
from model.fields import VALUE_LABELS
from model.ids import readable_path
from model.viewer import Viewer
from search_api.deps import IndexDep, ViewerDep, get_viewer
from search_api.duplicates import DraftFile, parse
from search_api.errors import status_of
from search_api.limits import client_of, count_request, heavy_gate, ocr_seconds
from search_api.multipart import CUT_SHORT, HEADERS_TOO_LONG, read_form

FORM_OVERHEAD = 64 * 1024  # multipart framing and the small text fields
MAX_OPS_SHOWN = 40
# passages compared character by character to mark only the changed occurrence of a fact
# (difflib is quadratic at worst: longer passages mark every occurrence, as before)
MAX_COMPARED_CHARS = 6000

ERRORS = {  # the shared check speaks English in its messages; say it in Chinese first
    413: "内容过大",  # a pasted text too, not only a file (QA pass 20)
    429: "服务器正忙或请求过于频繁，请稍后再试",
    415: "不支持这种文件格式（可用 PDF、Word、网页、纯文本，或 TIFF、PNG、JPEG 扫描图片）",
    422: "文件中没有可比对的文字（空文件、损坏的文件或没有文字层的扫描件）",
}
# said in Chinese alone: the English reason added nothing staff can act on (QA pass 39a: the
# page read 不支持这种文件格式（…）（unsupported file type '.xlsx': …）); a size keeps its numbers
CHINESE_ONLY = frozenset({415, 422})
# ... but a limit hit names the limit (QA pass 40a: a zip bomb, a PDF at the memory limit and
# 500,000 nested elements all read "no text to compare")
LIMIT_HIT = "文件超出安全处理限制（压缩炸弹、嵌套过深、页数过多、超时或内存超限），未予比对"
# ... and a file's own fault in Chinese where the check's reason is one staff act on (QA pass
# 49a: an encrypted PDF was called empty or damaged, a PDF named .txt "not a format we read",
# and the clerk looked for the wrong fix), keyed by the error's reason code (``data["reason"]``,
# set where ingest raises it: QA pass 50c, the page read the English message, file name and all)
REASONS: dict[str, str] = {
    "encrypted": "是加密的 PDF，需要密码：请另存为不加密的文件后再检查",
    "rtf": "是 RTF 文件：请在 Word 或 WPS 中另存为 .docx 后再检查",
    "mail": "是电子邮件文件：请把其中的文件（附件，或另存为 .txt 的正文）取出后再检查",
    "ole2": "是旧版 Office 文件（.doc/.xls/.ppt）：请另存为 .docx 后再检查",
    "truncated_pdf": "是不完整的 PDF（文件被截断）：请取得完整的文件后再检查",
    "not_docx": "不是完好的 Word（.docx）文件：文件已损坏或只是改了扩展名",
    "corrupt_docx": "是不完整或已损坏的 Word（.docx）文件：请取得完整的文件后再检查",
    "empty": "是空文件（0 字节）",
}
# what the content is, where a file's name says otherwise (ingest.formats.registry._MAGIC)
_CONTENT = {"a PDF": "PDF", "a ZIP archive": "ZIP 压缩包（DOCX、XLSX 等）", "a legacy Office":
            "旧版 Office 文件", "a PNG image": "PNG 图片", "a JPEG image": "JPEG 图片",
            "a GIF image": "GIF 图片", "a TIFF image": "TIFF 图片", "text": "纯文本"}  # fmt: skip


def said_in_chinese(data: dict[str, Any], filename: str) -> str:
    """The reason a file was refused, in Chinese and naming the file, where the error's reason
    code is one :data:`REASONS` (or the misnamed file's rule) says; else ""."""
    who = f"「{filename}」" if filename else "文件"
    reason = data.get("reason", "")
    if reason == "misnamed":
        content = str(data.get("content", ""))
        what = next((v for k, v in _CONTENT.items() if content.startswith(k)), content)
        named = data.get("named", "")
        return f"{who}的文件名是 .{named}，内容却是{what}：请把扩展名改成它真实的类型后再检查"
    return who + REASONS[reason] if reason in REASONS else ""


OPS = {"changed": "改动", "added": "草稿新增", "removed": "草稿删去", "moved": "位置调整"}


@dataclass(frozen=True)
class OpView:
    op: str
    label: str
    draft_html: str
    existing_html: str


@functools.lru_cache(maxsize=65536)
def _folded_char(ch: str) -> str:
    one = normalize(ch)
    return one if len(one) == 1 else ch


def _folded(text: str) -> str:
    """``text`` character by character in the form the comparison reads (script, width, case),
    its length kept, so that ranges found in it are the text's."""
    return "".join(_folded_char(c) for c in text)


def _changed_ranges(text: str, other: str) -> list[tuple[int, int]]:
    """Where ``text`` differs from ``other``, as character ranges of ``text``: compared with
    their script folded (QA pass 31a: a traditional draft of a simplified text had almost every
    character marked, hiding the two words that really changed, 支持 → 支援 and 信息 → 資訊)."""
    matcher = difflib.SequenceMatcher(None, _folded(text), _folded(other), autojunk=False)
    return [
        (i1, max(i2, i1 + 1))  # an insertion on the other side marks the place it went
        for tag, i1, i2, _, _ in matcher.get_opcodes()
        if tag != "equal"
    ]


def mark(text: str, needles: list[str], other: str | None = None) -> str:
    """``text`` escaped, with the occurrences of the needles in ``<mark>``: every one, or with
    the passage ``other`` it was compared with, only those where the two differ (500万元 changed
    to 1000万元 beside an unchanged 500万元 marks the first only)."""
    compare = other is not None and len(text) + len(other) <= MAX_COMPARED_CHARS
    changed = _changed_ranges(text, other) if compare else None  # type: ignore[arg-type]
    spans: list[tuple[int, int]] = []
    for n in sorted({n for n in needles if n}, key=len, reverse=True):
        start = text.find(n)
        while start != -1:
            end = start + len(n)
            differs = changed is None or any(s < end and start < e for s, e in changed)
            if differs and not any(s < end and start < e for s, e in spans):
                spans.append((start, end))
            start = text.find(n, end)
    return _rendered(text, sorted(spans))


def _rendered(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` escaped, the ``spans`` (in order, apart) in ``<mark>``."""
    out, pos = [], 0
    for s, e in spans:
        out.append(html.escape(text[pos:s]) + "<mark>" + html.escape(text[s:e]) + "</mark>")
        pos = e
    return "".join(out) + html.escape(text[pos:])


def mark_diff(text: str, other: str) -> str:
    """``text`` escaped, with where it differs from ``other`` in ``<mark>``, character by
    character: a text change's fragments are the normalised passage's with a few characters of
    context, which the passage as written may not hold (， read as ,) and which mark words that
    did not change (QA pass 28a: the draft's two added clauses were unmarked, the existing
    text's unchanged 工作如期完成。 marked). Ranges a character or two apart are one mark."""
    if len(text) + len(other) > MAX_COMPARED_CHARS:
        return html.escape(text)
    merged: list[tuple[int, int]] = []
    for s, e in _changed_ranges(text, other):
        if s >= len(text):  # an insertion at the very end of the other side
            s, e = max(0, len(text) - 1), len(text)
        if merged and s - merged[-1][1] <= 2:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, min(e, len(text))))
    return _rendered(text, merged)


def _marked(text: str, needles: list[str], other: str, kinds: set[str]) -> str:
    # a changed fact marks its value; a changed text, where the passages differ
    return mark_diff(text, other) if "text" in kinds else mark(text, needles, other)


def op_views(c: Candidate) -> tuple[list[OpView], int]:
    """The differing passages (equal runs left out) with changed facts marked, and how many
    were left out beyond :data:`MAX_OPS_SHOWN`."""
    if c.diff is None:
        return [], 0
    ops: list[DiffOp] = [op for op in c.diff.ops if op.op != "equal"]

    def kinds(op: DiffOp) -> set[str]:
        return {ch.kind for ch in op.changes}

    views = [
        OpView(
            op.op,
            OPS.get(op.op, op.op),
            _marked(op.draft, [ch.draft for ch in op.changes], op.existing, kinds(op)),
            _marked(op.existing, [ch.existing for ch in op.changes], op.draft, kinds(op)),
        )
        for op in ops[:MAX_OPS_SHOWN]
    ]
    return views, max(0, len(ops) - MAX_OPS_SHOWN)


def _reason(reason: str, o: Overlap) -> str:
    # with their shares, as the summary says them: "草稿包含该文件" beside "草稿是该文件的一部分"
    # read as a contradiction where each holds nearly all of the other (QA pass 28a)
    if reason == "near_copy":
        return near_label(o.resemblance)
    if reason == "contains":
        return f"草稿包含该文件的 {percent(o.reverse_containment)}"
    if reason == "contained_in":
        return f"草稿的 {percent(o.containment)} 在该文件中"
    return REASON_NAMES.get(reason, reason)


def candidate_view(c: Candidate, doc_url: str) -> dict[str, Any]:
    ops, more = op_views(c)
    o = c.overlap
    return {
        "doc": c.doc,
        # a document the public may not see opens on no public page: its level is said, and
        # its title links nowhere (QA pass 28a: staff were sent to "不向公众公开", and the
        # card never said the match was unpublished)
        "url": doc_url if c.doc.disclosure == "public" else "",
        "withheld": VALUE_LABELS["disclosure"].get(c.doc.disclosure, c.doc.disclosure)
        if c.doc.disclosure != "public"
        else "",
        "reason": _reason(c.reason, o),
        "reasons": [_reason(r, o) for r in c.reasons],
        "summary": summary(c),
        "similarity": percent(o.resemblance),
        "containment": percent(o.containment),
        "reverse_containment": percent(o.reverse_containment),
        "facts": [
            (KIND_LABELS.get(f.kind, f.kind), f.existing, f.draft)
            for f in (c.diff.facts if c.diff else ())
        ][:30],
        "ops": ops,
        "more_ops": more,
        "only_facts": bool(c.diff and c.diff.only_facts_changed),
        "copies": c.copies,
    }


_UNREADABLE = {
    CUT_SHORT: "上传没有传完（表单在结尾之前中断），没有比对；请重新提交。",
    HEADERS_TOO_LONG: "文件名过长（超过约 1,400 个汉字），无法读取；请缩短文件名后重新选择。",
}


async def _draft(request: Request, max_bytes: int) -> tuple[Draft | DraftFile, str, str]:
    """The draft from the posted form (file first, not parsed yet, else pasted text), the
    staff key, and the pasted text as sent: the form shows it again whatever the file turns
    out to be (QA pass 35b: a damaged file's error page came back with the box emptied)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + FORM_OVERHEAD:
        raise PayloadTooLarge(f"上传的内容过大：最多 {max_bytes // 1024 // 1024} MB。")
    try:
        if request.headers.get("content-type", "").lower().startswith("multipart/"):
            form = await read_form(request.headers, request.stream(), max_files=1, max_fields=8,
                                   max_part_size=max_bytes)  # fmt: skip
        else:  # the pasted text as a URL-encoded form
            form = await request.form(max_files=1, max_fields=8, max_part_size=max_bytes)
    except MultiPartException as exc:
        said = _UNREADABLE.get(getattr(exc, "kind", ""), f"表单无法读取：{exc.message}")
        raise BadRequest(said) from None
    fields = {k: v.strip() if isinstance(v, str) else "" for k, v in form.items()}
    key = fields.get("key", "")
    # the boxes' maxlength; a crafted longer value is cut to what is read, as the box would
    title = fields.get("title", "")[:MAX_DRAFT_TITLE].replace("\x00", "")
    number = fields.get("doc_number", "")[:MAX_DRAFT_DOCNO].replace("\x00", "")
    # browsers send a textarea with CRLF line ends; the draft is compared as typed, with LF
    text = form.get("text")
    pasted = text.replace("\r\n", "\n") if isinstance(text, str) else ""
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(max_bytes + 1)
        await form.close()
        return DraftFile(data, upload.filename, title, number), key, pasted
    await form.close()
    if not pasted.strip():
        raise BadRequest("请粘贴草稿正文，或选择一个文件上传。")
    return Draft(pasted, title, number), key, pasted


def _viewer(request: Request, viewer: Viewer, key: str) -> Viewer:
    if not key:
        return viewer
    info = request.app.state.keys.verify(key)
    if info is None:
        raise Unauthorized("工作人员密钥无效或已吊销；不填密钥则只与公开文件比对。")
    return Viewer(staff=True, name=info.name)


router = APIRouter(include_in_schema=False)


def _page(
    request: Request, context: dict[str, Any], status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    from web.pages import staff_page

    settings = request.app.state.settings
    ctx = {
        "title": "发布前查重",
        "failed": status >= 400,
        "max_mb": settings.max_upload_bytes // 1024 // 1024,
        "max_bytes": settings.max_upload_bytes,
        **context,
    }
    return staff_page(request, "duplicates.html", ctx, status, headers)


@router.api_route(  # a key header there but unusable is refused, as on every page (QA 24a)
    "/duplicates", methods=["GET", "HEAD"], response_class=HTMLResponse,
    dependencies=[Depends(get_viewer)],
)
def duplicates_form(request: Request) -> Response:
    return _page(request, {"result": None, "form": {}})


@router.post("/duplicates", response_class=HTMLResponse)
async def duplicates_check(request: Request, index: IndexDep, viewer: ViewerDep) -> Response:
    settings = request.app.state.settings
    if settings.kiosk:
        return Response(status_code=404)
    form: dict[str, str] = {}
    try:
        sent, key, pasted = await _draft(request, settings.max_upload_bytes)
        form = {
            "text": pasted,
            "title": sent.title,
            "doc_number": sent.doc_number,
            # which draft a result is for: the form's file input is empty after the post (QA
            # pass 23b: staff checking drafts one after another could not tell)
            "filename": readable_path(sent.filename) if isinstance(sent, DraftFile) else "",
        }
        who = await run_in_threadpool(_viewer, request, viewer, key)  # on the cluster: off the loop
        count_request(request, who.staff)
        async with heavy_gate(request, who.staff).slot(client_of(request)):
            draft, fmt = await parse(
                sent, settings.max_upload_bytes, ocr_seconds(settings, who.staff)
            )
            if fmt == "json":
                fmt = "text"
            result: CheckResult = await run_in_threadpool(check, index, draft, viewer=who)
    except GovSearchError as exc:
        status = status_of(exc)
        message = ERRORS.get(status, "")
        own = said_in_chinese(exc.data, form.get("filename", "")) if status in (415, 422) else ""
        if status == 422 and exc.data.get("limit_hit"):  # which limit, in its own words
            detail = f"{LIMIT_HIT}（{exc.message}）"
        elif own:
            detail = own
        elif message and status in CHINESE_ONLY:
            detail = message
        elif message and message not in exc.message:
            detail = f"{message}（{exc.message}）"
        else:
            detail = exc.message
        if status == 429:  # in Chinese only, with the way past it (QA pass 31a: an office
            # behind one address met the anonymous limit, told in English)
            wait = int(exc.data.get("retry_after", 0) or 0)
            when = f" {wait} 秒后" if wait else "稍后"
            detail = f"{message}：请{when}再试。工作人员填写密钥检查不受此限制。"
        elif status in (413, 415, 422) and form.get("filename") and form.get("text", "").strip():
            # the file failed (not the key, a limit, the backend: the review)
            detail += "。粘贴的正文仍在框中：取消所选文件后再检查，即与它比对。"
        headers = (
            {"Retry-After": str(int(exc.data["retry_after"]))} if "retry_after" in exc.data else {}
        )
        # the field at fault takes the focus and names the error (QA pass 41a: the page came
        # back with focus on nothing, its title unchanged, so a screen reader heard no failure)
        invalid = ("key" if status == 401 else "file" if form.get("filename") and status != 429
                   else "text" if status in (400, 422) and not form.get("text", "").strip()
                   else "")  # fmt: skip
        return _page(request, {"result": None, "form": form, "error": detail,
                               "invalid": invalid}, status, headers)  # fmt: skip
    root = request.scope.get("root_path", "").rstrip("/")
    return _page(
        request,
        {
            "form": form,
            "result": result,
            "staff": who.staff,
            "format": fmt,
            "candidates": [
                candidate_view(c, f"{root}/documents/{c.doc.id}") for c in result.candidates
            ],
        },
    )
