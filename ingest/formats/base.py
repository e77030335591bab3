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
    string values; keys are free-form (each extractor's docstring says which it sets).
    """

    text: str
    title: str = ""
    properties: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


Extractor = Callable[[bytes, str], Extracted]
