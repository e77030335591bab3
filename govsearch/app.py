"""The FastAPI application, built by a factory from :class:`Settings`: the JSON API
(``search_api``) and the web pages (``web``) mounted side by side, neither importing the other's
app. The settings reach the layers below through :func:`govsearch.configure.apply`."""

from __future__ import annotations

import logging
import os
import threading

from fastapi import Depends, FastAPI

from govsearch.configure import apply
from model.settings import Settings
from reports.office import Reports, open_querylog
from search_api import admin, apidocs, documents, duplicates, export, reports, search, system
from search_api import life_events as life_events_api
from search_api.access_log import install_access_log
from search_api.compression import install_compression
from search_api.errors import install_error_handlers, install_error_schema
from search_api.head import install_head
from search_api.jsonbody import install_json_check
from search_api.keys import KeyStore
from search_api.keys_elastic import open_keys
from search_api.limits import install_limits
from search_api.params import refuse_unknown_params
from search_api.request_time import install_request_time
from search_api.security import install_cors, install_error_headers, install_security
from search_api.staff_gate import install_security_schema, install_staff_gate
from search_index import citizen_words, life_events
from search_index.backends import open_index
from search_index.index import SearchIndex
from search_index.shared_folders import Follower
from web.pages import install_web

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, index: SearchIndex | None = None) -> FastAPI:
    """Build the app; ``index`` may be given (tests, benchmarks), else opened from settings."""
    settings = settings or Settings.from_env()
    apply(settings)
    citizen_words.warm_up()  # a server: its first user does not wait for the query-side data
    events = life_events.load(settings.life_events_file)  # a bad table stops the start
    if index is None:
        index = open_index(settings)
    app = FastAPI(
        title="govsearch",
        version="0.1.0",
        description="Full-text search over Chinese government documents.",
        docs_url=None,  # /docs is search_api.apidocs: no CDN, no inline script (strict CSP)
        # a terminal has no API reference, nor its schema of every staff route (QA pass 40b)
        openapi_url=None if settings.kiosk else "/openapi.json",
        redoc_url=None,
        # an API address with a trailing slash is a 404 saying the address without it, never
        # a 307 to it (QA pass 38b: /api/documents/ led to a POST-only route's 405); a page's
        # is a 301 to it (web.pages)
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.state.index = index
    app.state.life_events = events
    # in the cluster with Elasticsearch, so servers behind a balancer share them
    app.state.keys = open_keys(settings, index.backend)
    if isinstance(app.state.keys, KeyStore):
        # a damaged key file stops the start, named, as a bad life-events table does (QA pass
        # 38c: the server started, and every staff request was a 500 with nothing logged)
        app.state.keys.list()
    app.state.reports = Reports(
        index,
        open_querylog(settings, index.backend),
        retention_days=settings.query_log_retention_days,
    )
    app.router.add_event_handler("shutdown", app.state.reports.close)
    app.state.shared = _follow_shared_folders(settings, index)
    app.router.add_event_handler("shutdown", app.state.shared.stop)
    install_error_handlers(app)
    install_limits(app, settings)
    routers = (search.router, export.router, documents.router, system.router, admin.router,
               apidocs.router, duplicates.router, reports.router, life_events_api.router)
    if settings.kiosk:  # a terminal has no API reference and no duplicate check, as it has no
        # staff pages (QA pass 37b: the pages were 404, the routes answered a typed URL), and
        # no export or feed, downloads as an original is (QA pass 46b: a typed URL saved one
        # on the terminal's disk for the next patron)
        kept_off = (apidocs.router, duplicates.router, export.router)
        routers = tuple(r for r in routers if r not in kept_off)
    install_request_time(app, settings.es_timeout)  # a read's calls to the cluster in all
    install_json_check(app)  # inside the security middleware: its body counts to the limit
    install_staff_gate(app, routers)  # a staff route's key is checked before its body is read
    install_security(app)
    install_compression(app)  # outside security: its Vary joins theirs
    install_head(app)  # HEAD /api/… is its GET from the first middleware on
    install_cors(app, settings.cors_origins)  # a preflight answered before the gates
    install_access_log(app, settings.access_log)  # outermost: what the client got, and when
    for router in routers:  # a parameter a route does not take is a 422, not ignored
        app.include_router(router, dependencies=[Depends(refuse_unknown_params)])
    install_web(app)
    install_error_headers(app)  # after every handler: it wraps the last
    install_error_schema(app)
    install_security_schema(app, routers)
    return app


def _follow_shared_folders(settings: Settings, index: SearchIndex) -> Follower:
    """With Elasticsearch, the lexicon and vectors this server answers with are the cluster's
    (published there by ingests and ``govsearch embed`` on any machine): fetched now, before
    the first search, and followed while the server runs."""

    def reload(_names: list[str]) -> None:
        citizen_words.load_lexicon(settings.data_dir, warm=True)  # re-reads the vectors too

    follower = Follower(index.backend.shared_folders(), settings.data_dir, reload,
                        interval=settings.shared_poll_seconds)
    if follower.shared.remote:
        follower.sync()
    return follower.start()


def create_served_app(settings: Settings | None = None) -> FastAPI:
    """The app ``govsearch serve`` runs, in each of its worker processes: the CLI's settings in
    its own process, else settings from the environment (the CLI puts its options there first,
    so spawned workers see them), and the pinyin lexicon (kiosk input method, pinyin search,
    typo suggestions) built in the background at start, so the first patron does not wait the
    seconds it takes."""
    supervisor = os.environ.get("GOVSEARCH_SERVE_WORKER", "")
    if supervisor.isdigit():
        # one of `serve --workers N`: it ends when the process that started it is killed
        # (QA pass 9: after kill -9 of serve, its workers went on serving the port)
        from ingest.processes import exit_with_parent

        exit_with_parent(int(supervisor))
    app = create_app(settings)
    app.state.index.lexicon.peek()
    # off the start-up path: it reads the metadata of every upload older than an hour
    threading.Thread(target=_sweep_uploads, args=(app,), name="sweep-uploads", daemon=True).start()
    return app


def _sweep_uploads(app: FastAPI) -> None:
    try:
        admin.sweep_orphan_uploads(app.state.index, app.state.settings)
    except Exception:  # a sweep that fails leaves files for the next start, nothing worse
        log.exception("sweeping the uploads folder failed")
