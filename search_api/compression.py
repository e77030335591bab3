"""Answers are gzip-compressed for clients that accept it (QA pass 38b: 26 KB of JSON for 20
hits, and over 600 KB for a long document fetched with its marked text, sent as they were).

Starlette's middleware does it; this module only chooses its settings: level 1 (on the
samples' answers to 政务公开 — 20 hits' JSON, a document with its marks, the results page —
level 1 took 0.23 ms an answer and left 3.2× less, level 5 0.82 ms and 3.4×, Starlette's
default 9 1.04 ms and 3.4×: a search costs a few ms, so the cheapest level keeps most of it), and
originals already compressed in their own format (PDF, DOCX, TIFF, JPEG, PNG) sent as they are. A
partial answer (a PDF viewer's range request) is never compressed by the middleware itself.
It sits outside the security middleware, so its ``Vary: Accept-Encoding`` joins the security
headers' ``Vary`` and a 413 or a 401 is compressed like any other answer.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware

LEVEL = 1
MINIMUM_BYTES = 1024  # below a packet, compressing saves no round trip
ALREADY_COMPRESSED = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "image/tiff",  # scans: Group 4 or LZW inside (a BMP, which is raw, is compressed)
)


def install_compression(app: FastAPI) -> None:
    """Wrap the app in Starlette's :class:`GZipMiddleware` with the settings above; called
    after ``install_security`` so that it is the outer of the two."""
    app.add_middleware(
        GZipMiddleware,
        minimum_size=MINIMUM_BYTES,
        compresslevel=LEVEL,
        exclude_content_types=DEFAULT_EXCLUDED_CONTENT_TYPES + ALREADY_COMPRESSED,
    )
