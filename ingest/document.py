"""The one value that crosses from ``ingest`` into ``search_index``.

Frozen so that a document cannot be edited half-way between extraction and indexing:
whatever the index holds is exactly what ingest produced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Category = Literal["政策法规", "业务文件", "工作动态", "年度报告", "其他"]
CATEGORIES: tuple[str, ...] = ("政策法规", "业务文件", "工作动态", "年度报告", "其他")

Validity = Literal["valid", "expired", "repealed"]
VALIDITIES: tuple[str, ...] = ("valid", "expired", "repealed")

Disclosure = Literal["public", "on_request", "not_public", "draft"]
DISCLOSURES: tuple[str, ...] = ("public", "on_request", "not_public", "draft")


@dataclass(frozen=True)
class CatalogMeta:
    """Catalog metadata (政府信息公开目录 fields); empty strings / None mean "not stated"."""

    title: str = ""
    doc_number: str = ""  # 文号, as written
    agency: str = ""  # 发布机构
    category: str = "其他"  # 分类, one of CATEGORIES
    written_date: dt.date | None = None  # 成文日期
    publish_date: dt.date | None = None  # 发布日期
    index_no: str = ""  # 索引号
    keywords: tuple[str, ...] = ()
    validity: str = "valid"  # 有效性, one of VALIDITIES
    disclosure: str = "public"  # 公开方式, one of DISCLOSURES

    @property
    def date(self) -> dt.date | None:
        """The date a citizen sorts and filters by: publication, else the written date."""
        return self.publish_date or self.written_date


@dataclass(frozen=True)
class Document:
    """A file's extracted text plus its catalog metadata.

    ``id`` is derived from ``path`` (relative to the folder given to ingest), so it is stable
    across re-ingests; ``content_hash`` decides whether a re-ingest has anything to do.
    """

    id: str
    path: str
    text: str
    meta: CatalogMeta
    format: str  # "txt" | "html" | "pdf" | "docx" | ...
    content_hash: str
    size: int = 0
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
