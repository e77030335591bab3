"""Logical index fields, shared by every backend.

Token fields hold whitespace-joined token streams from ``analyzers`` (``*_w`` jieba words,
``*_bi`` character bigrams); keyword fields hold exact values; ``date`` is an int ``YYYYMMDD``.
"""

from __future__ import annotations

TOKEN_FIELDS = ("title_w", "title_bi", "body_w", "body_bi", "agency_bi", "pinyin")
KEYWORD_FIELDS = (
    "id",
    "source",
    "path",
    "title_exact",
    "agency",
    "category",
    "validity",
    "disclosure",
    "format",
    "docno",
    "docno_text",
    "sig_band",
    "content_key",
)
INT_FIELDS = ("date", "year")
FACET_FIELDS = ("category", "agency", "year", "validity")  # shown with every search
FACETABLE = FACET_FIELDS + ("disclosure",)  # disclosure counts only in staff statistics
FILTERABLE = ("category", "agency", "validity", "disclosure", "format", "year")
