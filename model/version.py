"""One version for every index, on every backend.

An index records the version it was built with; opening one built differently is refused with
a clear message (rebuild with ``govsearch reindex`` or re-ingest), so a query is never cut
differently from the documents it searches. The version is derived: the analysis version
(bump :data:`ANALYSIS` when ``analyzers`` changes the tokens it produces) plus a digest of the
indexed part of the field table, which changes by itself when a field becomes filterable.
"""

from __future__ import annotations

import hashlib

from model.fields import FIELDS

# 10: a mainland organ's text set in traditional characters is not filed as 台湾's, and a text
# naming two Taiwan cities as often is filed under the first (QA pass 44c);
# 9: a circle among Chinese numerals read as 〇 (二○一九年, QA pass 42a);
# 8: 衞 read as 衛, 失业给付 / 电子烟 / 失能 one word each (QA pass 41b);
# 7: search mode's words inside a long word never cut across its parts (人民法院 holds no 民法);
# 6: a joint issue is each agency's; 5: a joint order is each issuer's; 4: a PDF's catalogue
# block; 3: 第56号令
ANALYSIS = "10"
# bump when a backend lays out the same fields differently (5: word fields without positions,
# 6: agency_key, the agency as its filter compares it; 7: index_key, the 索引号)
LAYOUT = "7"


def _indexed_digest() -> str:
    indexed = [
        (f.name, f.kind, f.keyword, f.filter, f.facet, f.staff_facet) for f in FIELDS if f.keyword
    ]
    return hashlib.sha1(repr(indexed).encode()).hexdigest()[:8]


INDEX_VERSION: dict[str, str] = {
    "layout": LAYOUT,
    "analysis": ANALYSIS,
    "fields": _indexed_digest(),
}


def version_tag() -> str:
    """The version as one short string, for physical index names."""
    return f"{LAYOUT}.{ANALYSIS}.{INDEX_VERSION['fields']}"
