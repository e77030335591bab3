"""Typed dependencies: routes receive the index and the viewer, never a module global."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from model.errors import Unauthorized
from model.settings import Settings
from model.viewer import ANONYMOUS, Viewer
from reports.office import Reports
from search_api.keys_elastic import Keys
from search_index.index import SearchIndex
from search_index.life_events import LifeEvent


def get_index(request: Request) -> SearchIndex:
    return request.app.state.index


def get_reports(request: Request) -> Reports:
    return request.app.state.reports


def get_life_events(request: Request) -> tuple[LifeEvent, ...]:
    return request.app.state.life_events


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def _presented_key(request: Request) -> str | None:
    """The key a request presents, or None when it carries no key header at all.

    A key header that is present but unusable is refused (401), never read as "no key": an
    ``Authorization`` header that is not ``Bearer <key>`` (another scheme such as ``Token``,
    ``Bearer`` with nothing after it, an empty value), an empty ``X-API-Key``, either header
    sent twice, or the two carrying different keys. Read as anonymous, such a request would
    answer a staff member's typo or an unset ``$KEY`` with 404 for a non-public document, as
    if it did not exist.
    """
    auths = request.headers.getlist("authorization")
    api_keys = request.headers.getlist("x-api-key")
    if len(auths) > 1 or len(api_keys) > 1:
        raise Unauthorized("send one API key, in one Authorization or X-API-Key header")
    key = None
    if auths:
        scheme, _, token = auths[0].strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized(
                "malformed Authorization header: send 'Authorization: Bearer gs_…' "
                "(or no Authorization header to search as the public)"
            )
        key = token.strip()
    if api_keys:
        if not api_keys[0].strip():
            raise Unauthorized("empty X-API-Key header: send the key, or no X-API-Key header")
        if key is not None and key != api_keys[0].strip():
            raise Unauthorized("the Authorization and X-API-Key headers carry different keys")
        key = api_keys[0].strip()
    return key


def get_viewer(request: Request) -> Viewer:
    """Anonymous when no key header is sent; staff with a valid key; a wrong, revoked or
    malformed key, or an empty key header, is refused (401)."""
    presented = _presented_key(request)
    if not presented:
        return ANONYMOUS
    keys: Keys = request.app.state.keys
    info = keys.verify(presented)
    if info is None:
        raise Unauthorized("invalid or revoked API key")
    request.state.staff = True  # errors tell staff what failed (search_api.errors)
    request.state.key_id, request.state.key_name = info.key_id, info.name  # the audit's who
    return Viewer(staff=True, name=info.name)


def require_staff(viewer: Annotated[Viewer, Depends(get_viewer)]) -> Viewer:
    if not viewer.staff:
        raise Unauthorized("this endpoint needs a staff API key (Authorization: Bearer gs_…)")
    return viewer


IndexDep = Annotated[SearchIndex, Depends(get_index)]
ViewerDep = Annotated[Viewer, Depends(get_viewer)]
StaffDep = Annotated[Viewer, Depends(require_staff)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ReportsDep = Annotated[Reports, Depends(get_reports)]
LifeEventsDep = Annotated[tuple[LifeEvent, ...], Depends(get_life_events)]
