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


def get_index(request: Request) -> SearchIndex:
    return request.app.state.index


def get_reports(request: Request) -> Reports:
    return request.app.state.reports


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def _presented_key(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get("x-api-key") or None


def get_viewer(request: Request) -> Viewer:
    """Anonymous unless a valid staff API key is presented; a wrong key is refused (401)."""
    presented = _presented_key(request)
    if not presented:
        return ANONYMOUS
    keys: Keys = request.app.state.keys
    info = keys.verify(presented)
    if info is None:
        raise Unauthorized("invalid or revoked API key")
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
