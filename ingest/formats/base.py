"""The value every format extractor returns.

Extractors only turn bytes into text plus whatever the file says about itself; deciding what
that means for the catalog (title, 文号, dates) is ``ingest.metadata``'s job, so that all formats
share one set of rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Extracted:
    """Text of a file, its own title if it states one, and its file properties.

    ``properties`` holds what the container says (author, created, keywords, subject, HTML
    meta tags, a gov.cn metadata table, DOCX header/footer text, the detected encoding…) with
    string values; keys are free-form but the well-known ones are listed in ``PROPERTY_KEYS``.
    """

    text: str
    title: str = ""
    properties: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


Extractor = Callable[[bytes, str], Extracted]

# Keys the built-in extractors use, so metadata derivation can rely on them.
PROPERTY_KEYS: tuple[str, ...] = (
    "author",
    "created",
    "modified",
    "keywords",
    "subject",
    "category",
    "description",
    "header",
    "footer",
    "encoding",
    "pages",
    "PubDate",
    "ContentSource",
    "索引号",
    "主题分类",
    "发文机关",
    "成文日期",
    "标题",
    "发文字号",
    "发布日期",
)
