"""How a value of an enumerated field (分类, 有效性, 公开方式) is read, wherever it is typed.

One reading for the search filters (``search_index.fields.filter_choice``), the upload form and
the catalogue CSV (``ingest.catalog.parse_choice``): its code or a label, in either script and
any letter case. It lives here, below both, because ingest may not import search_index, and two
copies drifted: 政策法規 was read as 政策法规 by search and the reports but was an "unknown
category" on upload and in a catalogue (QA pass 14).
"""

from __future__ import annotations

from analyzers.normalize import to_simplified
from model.fields import BY_NAME


def read_choice(name: str, value: str) -> str | None:
    """The canonical value ``value`` names for the choice field ``name``, or None when it names
    none. The script is folded as the text is (OpenCC t2s), so a Traditional label not spelt
    out in the field's table (政策法規, 業務文件) is its Simplified self."""
    choices = BY_NAME[name].choices or {}
    key = value.strip()
    return choices.get(key) or choices.get(key.lower()) or choices.get(to_simplified(key))
