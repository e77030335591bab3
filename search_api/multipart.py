"""Multipart bodies read with Starlette's parser, and told apart when they cannot be read.

Starlette parses a multipart body that stops before its closing boundary as a form without the
part that was cut, so an upload interrupted mid-file was answered "no file" (QA pass 36b), and
it reports every parser failure as "Invalid multipart data.", so a part whose headers exceed
python-multipart's 4,224 bytes (a file name of ~1,400 Chinese characters) was told nothing
more. The parser here remembers whether the closing boundary came and keeps the cause.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.datastructures import FormData, Headers
from starlette.formparsers import MultiPartException, MultiPartParser

CUT_SHORT = "cut_short"
HEADERS_TOO_LONG = "headers_too_long"
UNREADABLE = "unreadable"


class FormUnreadable(MultiPartException):
    """A multipart body that cannot be read, with ``kind`` (one of the constants above) so that
    a page can say it in its own words; ``message`` is the API's."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class _Parser(MultiPartParser):
    ended = False

    def on_end(self) -> None:
        self.ended = True


async def read_form(
    headers: Headers,
    stream: AsyncIterator[bytes],
    *,
    max_files: int,
    max_fields: int,
    max_part_size: int = 1024 * 1024,
) -> FormData:
    """The form, or :class:`FormUnreadable` (a ``MultiPartException``) saying why not."""
    seen = 0

    async def counted() -> AsyncIterator[bytes]:
        nonlocal seen
        async for chunk in stream:
            seen += len(chunk)
            yield chunk

    parser = _Parser(headers, counted(), max_files=max_files, max_fields=max_fields,
                     max_part_size=max_part_size)  # fmt: skip
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        cause = str(exc.__cause__ or "")
        if "header size" in cause.lower():
            raise FormUnreadable(
                "a part's headers are longer than the 4,224 bytes a part may have (a file "
                "name of more than ~1,400 characters?): shorten the file name",
                HEADERS_TOO_LONG,
            ) from None
        if isinstance(exc, FormUnreadable) or not cause:
            raise
        raise FormUnreadable(f"{exc.message} ({cause})", UNREADABLE) from None
    if seen and not parser.ended:  # an empty body is a form without parts, said by the caller
        await form.close()
        # the part cut in its middle is in no form, but its temporary file is open (Starlette
        # closes these only when the parser raises)
        for file in getattr(parser, "_files_to_close_on_error", ()):
            file.close()
        raise FormUnreadable(
            "the body ends before its closing boundary: the upload was cut short; nothing was "
            "stored, send it again",
            CUT_SHORT,
        )
    return form
