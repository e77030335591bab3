"""Every document field, declared once.

``FIELDS`` is the one table from which the rest is derived: the :class:`~model.document.CatalogMeta`
and :class:`~model.document.StoredDocument` classes, the stored round trip both backends use,
the catalogue's column names and cell parsers (``ingest.catalog``), the keyword fields the
backends index for filters and facets (``search_index.fields``), the API's document schema
(``search_api.models``) and the labels of the web pages. Adding a field that is only stored and
shown is one row here (and a test); a filterable or facetable row changes the index schema, and
:data:`model.version.INDEX_VERSION` follows from the table by itself, so no one has to remember
to bump it.

Like datasette's ``SETTINGS`` tuple: one row per thing, everything else reads the rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "choice", "date", "list", "int", "float"]
Origin = Literal["catalog", "file"]

CATEGORIES: tuple[str, ...] = ("政策法规", "业务文件", "工作动态", "年度报告", "其他")
VALIDITIES: tuple[str, ...] = ("valid", "expired", "repealed")
DISCLOSURES: tuple[str, ...] = ("public", "on_request", "not_public", "draft")
# What a document gets when its level cannot be decided (a bad catalogue cell, a row that only
# nearly names it, an unknown level): disclosure decisions fail closed, never to "public".
MOST_RESTRICTIVE = "not_public"

# Cell values (as catalogues and folder names state them) → canonical values.
CATEGORY_VALUES: dict[str, str] = {c: c for c in CATEGORIES}
VALIDITY_VALUES: dict[str, str] = {
    "有效": "valid", "现行有效": "valid", "現行有效": "valid", "valid": "valid",
    "失效": "expired", "已失效": "expired", "expired": "expired",
    "废止": "repealed", "已废止": "repealed", "廢止": "repealed", "已廢止": "repealed",
    "repealed": "repealed",
    # an archive's word for a document declared void (QA pass 42a: the row was refused)
    "作废": "repealed", "已作废": "repealed", "作廢": "repealed", "已作廢": "repealed",
    # as the national and commercial law databases write it (QA pass 20: these were ignored as
    # unknown and the document shown 有效): an amended version is no longer the text in force;
    # a text partly repealed, or not yet in force, still holds (or will hold) the rule
    "已修改": "expired", "已被修改": "expired", "已修正": "expired", "已修订": "expired",
    "部分失效": "valid", "部分有效": "valid", "尚未生效": "valid", "未生效": "valid",
}  # fmt: skip
DISCLOSURE_VALUES: dict[str, str] = {
    "主动公开": "public", "主動公開": "public", "public": "public",
    "依申请公开": "on_request", "依申請公開": "on_request", "on_request": "on_request",
    "不予公开": "not_public", "不予公開": "not_public", "not_public": "not_public",
    # as catalogues and notes write it (QA pass 46c: 不公开 in a notes column was published)
    "不公开": "not_public", "不公開": "not_public",
    "草稿": "draft", "draft": "draft",
}  # fmt: skip

TEXT_SOURCES: dict[str, str] = {"text": "text", "ocr": "ocr"}

VALUE_LABELS: dict[str, dict[str, str]] = {
    "text_source": {"text": "文本", "ocr": "扫描件识别"},
    "validity": {"valid": "有效", "expired": "已失效", "repealed": "已废止"},
    "disclosure": {
        "public": "主动公开",
        "on_request": "依申请公开",
        "not_public": "不予公开",
        "draft": "草稿",
    },
}


@dataclass(frozen=True)
class Field:
    """One document field.

    ``origin`` says who states it: the catalogue (extraction, sidecar CSV, upload form) or the
    file itself (format, size, hash). ``aliases`` are the other column names a catalogue may use;
    when two columns of one row name the same field, the column named exactly as the field wins.
    ``keyword`` fields are indexed as exact values, so they can be filtered (``filter``) and
    counted (``facet``: with every search; ``staff_facet``: in staff statistics only).
    ``shown`` fields appear in API answers and on the document page, under ``label``.
    """

    name: str
    kind: Kind
    label: str
    origin: Origin = "catalog"
    aliases: tuple[str, ...] = ()
    choices: Mapping[str, str] | None = None
    keyword: bool = False
    filter: bool = False
    facet: bool = False
    staff_facet: bool = False
    shown: bool = True
    staff_only: bool = False  # on the web pages, shown to staff only
    default: object = None

    @property
    def columns(self) -> tuple[str, ...]:
        """The catalogue column names for this field, strongest first: name, label, aliases."""
        return (self.name, self.label, *self.aliases)

    @property
    def empty(self) -> object:
        """The value of a field nobody stated: ``default``, else "", None, () or 0 by kind."""
        if self.default is not None:
            return self.default
        return {"date": None, "list": (), "int": 0, "float": None}.get(self.kind, "")


FIELDS: tuple[Field, ...] = (
    Field("title", "text", "标题", aliases=("標題",)),
    Field("index_no", "text", "索引号", aliases=("索引號",)),
    Field("doc_number", "text", "文号", aliases=("文號", "发文字号")),
    Field(
        "agency", "text", "发布机构", aliases=("發布機構", "发文机关"),
        keyword=True, filter=True, facet=True,
    ),
    Field("written_date", "date", "成文日期"),
    Field("publish_date", "date", "发布日期", aliases=("發布日期", "date", "日期")),
    Field(
        "category", "choice", "分类", aliases=("分類",), choices=CATEGORY_VALUES, default="其他",
        keyword=True, filter=True, facet=True,
    ),
    Field(
        "validity", "choice", "有效性", choices=VALIDITY_VALUES, default="valid",
        keyword=True, filter=True, facet=True,
    ),
    Field("keywords", "list", "主题词", aliases=("关键词", "關鍵詞")),
    Field(
        "disclosure", "choice", "公开方式",
        # the names catalogues give the column (公开属性 is as common as 公开方式: QA pass 8)
        aliases=("公開方式", "公开属性", "公開屬性", "公开选项", "公开类型", "信息公开方式"),
        choices=DISCLOSURE_VALUES,
        default="public", keyword=True, filter=True, staff_facet=True, staff_only=True,
    ),
    Field("format", "text", "格式", origin="file", keyword=True, filter=True),
    Field("size", "int", "大小", origin="file"),
    Field("content_hash", "text", "内容摘要", origin="file", shown=False),
    # OCR (ingest.ocr): whether the text was recognised from a scan, and how sure the engine
    # was; staff can filter on text_source=ocr to find documents to proof-read.
    Field(
        "text_source", "choice", "文本来源", origin="file", choices=TEXT_SOURCES, default="text",
        keyword=True, filter=True, staff_facet=True,
    ),
    Field("ocr_confidence", "float", "识别置信度", origin="file"),
    Field("ocr_engine", "text", "识别引擎", origin="file", staff_only=True),
    # which pages were recognised ("4" of a PDF whose other pages had text), which could not
    # be and why, which were read turned: a reader must know the text lacks a page
    Field("ocr_pages", "text", "识别的页", origin="file"),
    Field("ocr_failed", "text", "未能识别的页", origin="file"),
    Field("ocr_turned", "text", "转正后识别的页", origin="file"),
    # Digest of the ingest decisions applied to the file (level, catalogue row): a change of
    # decision makes the document's fingerprint differ, so the next ingest applies it.
    Field("ingest_key", "text", "入库决定", origin="file", shown=False),
    # The catalogue whose row applied to the file (empty: none did). An ingest that has no row
    # for it keeps the catalogued version rather than publish it at a folder's or the default
    # level (pipeline.run): a forgotten --catalog must not undo 依申请公开 or 废止.
    Field("catalog", "text", "目录文件", origin="file", shown=False),
    # The dates a catalogue's column left empty (or unreadable) in a row that the text gave
    # instead, comma separated: shown as the document's dates, never counted as the
    # catalogue's in the timeliness report (QA pass 23b: a blank 成文日期 took a reposted
    # text's 2018 date, and the notice was reported six years late)
    Field("dates_from_text", "text", "取自正文的日期", origin="file", shown=False),
    # "1" where neither the catalogue nor the text states the 有效性: filed 有效 (searched and
    # filtered as in force, as nothing says otherwise), shown as 未注明 rather than claimed (QA
    # pass 40b: a 1953 rule and the 1954 work report were badged 有效 at a reading room).
    # Stored only: an index written before reads "" (its documents shown as before).
    Field("validity_assumed", "text", "有效性未注明", origin="file", shown=False),
    # The year of the last amendment the text's own history states (2019年12月28日…第二次修订:
    # "2019"; analyzers.history), "" for none: the yearly report counts a revised law
    # published that year as 修改, not 新制发 (QA pass 45a). Stored only, as above.
    Field("amended", "text", "最近修改年份", origin="file", shown=False),
)  # fmt: skip

BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
CATALOG_FIELDS: tuple[Field, ...] = tuple(f for f in FIELDS if f.origin == "catalog")
FILE_FIELDS: tuple[Field, ...] = tuple(f for f in FIELDS if f.origin == "file")
KEYWORD_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.keyword)
FILTER_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.filter)
FACET_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.facet)
STAFF_FACET_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.staff_facet)

# Column name (as catalogues write it) → field name.
CATALOG_COLUMNS: dict[str, str] = {
    column: f.name for f in CATALOG_FIELDS for column in f.columns
}


# how a value no source states is shown (the pages, the CSV export): never a value made up
UNSTATED = "未注明"


def label(name: str) -> str:
    """The Chinese label of a field (or of ``date``/``year``, which are derived)."""
    derived = {"date": "日期", "year": "年份", "path": "路径", "id": "编号"}
    return BY_NAME[name].label if name in BY_NAME else derived.get(name, name)


def value_label(name: str, value: str) -> str:
    """How a canonical value reads to people (valid → 现行有效)."""
    return VALUE_LABELS.get(name, {}).get(value, value)
