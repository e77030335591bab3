"""Settings from the environment (``GOVSEARCH_…``), read once into a frozen value.

``create_app(settings)`` and the CLI take a :class:`Settings` and hand the parts each layer needs
to it (``govsearch.configure.apply``); nothing reads the environment elsewhere, so tests build apps
with explicit settings.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from model.errors import ConfigError
from model.fields import DISCLOSURE_VALUES

_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _bool(env: dict[str, str], name: str, default: bool = False) -> bool:
    """A yes/no setting; anything else is refused (``GOVSEARCH_ES_VERIFY_CERTS=maybe`` was taken
    for "no": QA pass 7), as a mistyped number or backend is."""
    value = env.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word not in _TRUE + _FALSE:
        raise ConfigError(f"{name} must be one of {'/'.join(_TRUE + _FALSE)}, got {value!r}")
    return word in _TRUE


def _int(name: str, value: str | None, default: int, lo: int | None = None) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {value!r}") from None
    if lo is not None and number < lo:
        # GOVSEARCH_ES_REPLICAS=-1 reached the cluster, failed there and left an index behind
        raise ConfigError(f"{name} must be at least {lo}, got {number}")
    return number


def _timeout(
    value: str | None, name: str = "GOVSEARCH_PDF_TIMEOUT", default: float = 60.0
) -> float | None:
    if value is None or value == "":
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {value!r}") from None
    if seconds < 0:  # QA pass 21: -1 failed every file as over "the -1 s time limit"
        raise ConfigError(f"{name} must be at least 0 (0: no limit), got {value!r}")
    return seconds or None


# Every GOVSEARCH_* variable something reads: the settings below, and those of the scripts and
# tools around them (.ci, the benchmarks, the native extension's switch)
OTHER_VARIABLES = frozenset({
    "GOVSEARCH_NO_NATIVE", "GOVSEARCH_ES_CLUSTER_URLS", "GOVSEARCH_ES_CACHE",
    "GOVSEARCH_ES_JAVA_HOME", "GOVSEARCH_ES_USER", "GOVSEARCH_ES_HEAP_OPTS",
    "GOVSEARCH_ES_CLUSTER_STATE", "GOVSEARCH_ES_CLUSTER_PORT", "GOVSEARCH_ES_CLUSTER_HEAP_OPTS",
    "GOVSEARCH_SERVE_WORKER", "GOVSEARCH_ES_VERSION", "GOVSEARCH_ES_TIMEOUT", "GOVSEARCH_ES_STATE",
    "GOVSEARCH_ES_PORT", "GOVSEARCH_ES_CLUSTER_TIMEOUT", "GOVSEARCH_CRASH_SEED",
})  # fmt: skip


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """``(name, the known name it most likely means or "")`` for each ``GOVSEARCH_*`` variable
    nothing reads: a misspelt name was silently ignored (QA pass 21:
    GOVSEARCH_DEFAULT_DISCLOSUR=draft published the files it was meant to hold back)."""
    import difflib

    e = os.environ if environ is None else environ
    # the names this module reads: each written once, quoted, in :meth:`Settings.from_env`
    here = Path(__file__).read_text(encoding="utf-8")
    known = set(re.findall(r'"(GOVSEARCH_[A-Z0-9_]+)"', here)) | OTHER_VARIABLES
    tails = {k[len("GOVSEARCH_") :]: k for k in known}  # compared without the shared prefix
    out = []
    for name in sorted(e):
        if name.startswith("GOVSEARCH_") and name not in known:
            tail = name[len("GOVSEARCH_") :]
            close = difflib.get_close_matches(tail, tails, n=1, cutoff=0.75)
            # ... or a name cut short (QA pass 25b: GOVSEARCH_KIOSK_IDLE got no suggestion)
            close = close or sorted((t for t in tails if t.startswith(tail + "_")), key=len)
            out.append((name, tails[close[0]] if close else ""))
    return out


RATE_PERIODS: dict[str, float] = {"second": 1.0, "minute": 60.0, "hour": 3600.0}


def parse_rate(value: str) -> tuple[int, float] | None:
    """``"30/minute"`` → ``(30, 60.0)``; empty or ``0`` → None (no limit)."""
    raw = value.strip().lower()
    if raw in ("", "0", "off", "none"):
        return None
    count, _, period = raw.partition("/")
    try:
        n = int(count)
    except ValueError:
        n = -1
    seconds = RATE_PERIODS.get(period.strip().rstrip("s") or "minute")
    if n < 0 or seconds is None:
        raise ConfigError(
            f"GOVSEARCH_RATE_LIMIT must look like 30/minute (second, minute or hour), got {value!r}"
        )
    return (n, seconds) if n else None


def _disclosure(value: str | None) -> str:
    """GOVSEARCH_DEFAULT_DISCLOSURE as a level; an unknown level is refused, never guessed."""
    raw = (value or "").strip() or "public"
    found = DISCLOSURE_VALUES.get(raw) or DISCLOSURE_VALUES.get(raw.lower())
    if found is None:
        levels = "/".join(dict.fromkeys(DISCLOSURE_VALUES))
        raise ConfigError(f"GOVSEARCH_DEFAULT_DISCLOSURE must be one of {levels}, got {raw!r}")
    return found


def _public_url(value: str | None) -> str:
    """The address readers reach the server at, ending in ``/``, or "" for none."""
    from urllib.parse import urlsplit

    raw = (value or "").strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if (
        parts.scheme not in ("http", "https") or not parts.hostname or parts.username
        or parts.query or parts.fragment or parts.password
    ):
        raise ConfigError(
            f"GOVSEARCH_PUBLIC_URL must be an http:// or https:// address with no user, query "
            f"or fragment (https://zwgk.example.gov.cn/search/), got {raw!r}"
        )
    return raw if raw.endswith("/") else raw + "/"


_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*"
                   r"[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?")


def _port_ok(parts: SplitResult) -> bool:
    try:
        return parts.port is None or 0 < parts.port
    except ValueError:  # past 65535
        return False


def _origins(value: str | None) -> tuple[str, ...]:
    """The web origins whose pages may call the API from a browser (GOVSEARCH_CORS_ORIGINS,
    separated by commas): each ``scheme://host[:port]`` with nothing after it, or ``*``."""

    out = []
    for raw in (value or "").split(","):
        origin = raw.strip().rstrip("/")
        if not origin:
            continue
        parts = urlsplit(origin)
        if origin != "*" and (
            parts.scheme not in ("http", "https") or not parts.hostname or parts.path
            or parts.query or parts.fragment or parts.username or parts.password
            or not _HOST.fullmatch(parts.netloc) or not _port_ok(parts)
            or not origin.isprintable() or " " in origin  # urlsplit drops a line break
        ):  # fmt: skip
            # a wildcard inside a name (https://*.example.gov.cn), a port past 65535 or a
            # line break matched no browser's origin, and the server started all the same
            # (QA pass 47a): the portal the operator meant was refused without a word
            raise ConfigError(
                "GOVSEARCH_CORS_ORIGINS must be origins separated by commas "
                f"(https://portal.example.gov.cn, http://127.0.0.1:3000) or *, got {raw.strip()!r}"
            )
        # as a browser sends it: scheme and host in lower case, no default port (QA pass
        # 47c: HTTPS://A.GOV.CN and https://a.gov.cn:443 started and matched no origin)
        if origin != "*":
            default = {"http": 80, "https": 443}[parts.scheme.lower()]
            port = f":{parts.port}" if parts.port not in (None, default) else ""
            host = parts.netloc.rsplit(":", 1)[0] if parts.port is not None else parts.netloc
            origin = f"{parts.scheme.lower()}://{host.lower()}{port}"
        out.append(origin)
    if "*" in out and len(out) > 1:  # (QA pass 47c: a named origin beside * opened them all)
        raise ConfigError(
            "GOVSEARCH_CORS_ORIGINS is * (every origin) or origins, not both: "
            f"got {', '.join(out)}"
        )
    return tuple(dict.fromkeys(out))


BACKENDS: tuple[str, ...] = ("embedded", "elasticsearch")  # opened by search_index.backends


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("govsearch-data")
    backend: str = "embedded"  # embedded | elasticsearch
    es_urls: tuple[str, ...] = ("http://127.0.0.1:9200",)
    es_api_key: str = ""
    es_username: str = ""
    es_password: str = ""
    es_verify_certs: bool = True
    es_ca_file: str = ""
    es_index_prefix: str = "govsearch"
    es_shards: int = 1
    es_replicas: int = 0
    es_timeout: float = 10.0
    kiosk: bool = False
    kiosk_idle_seconds: int = 120
    default_disclosure: str = "public"
    max_upload_bytes: int = 20 * 1024 * 1024
    originals_dir: Path | None = None  # where original files may be downloaded from
    # The address readers reach the server at (GOVSEARCH_PUBLIC_URL, ending in /): the links an
    # export or a feed writes start with it. "" takes the request's own address, which its
    # Host header names (QA pass 44c: Host: evil.example went into the feed's links).
    public_url: str = ""
    # The origins whose pages may call the API from a browser (GOVSEARCH_CORS_ORIGINS): a
    # portal's own search box on another host (QA pass 45b: no setting allowed it). Empty: none.
    cors_origins: tuple[str, ...] = ()
    # Folders that ``POST /api/ingest`` may read from (GOVSEARCH_INGEST_ROOTS, separated by
    # os.pathsep); empty disables server-side ingest over the API, so a stolen staff key cannot
    # make the server read arbitrary files.
    ingest_roots: tuple[Path, ...] = ()
    # the largest catalogue POST /api/ingest reads (given, or lying in a folder): reading one
    # takes ~65 times its size in memory (QA pass 30b: 13.9 MB grew the server to 1.27 GB)
    max_catalog_bytes: int = 8 * 1024 * 1024
    # The access log (GOVSEARCH_ACCESS_LOG: a file, or - for standard error; "" none): one line
    # a request, never its query string (search_api.access_log)
    access_log: str = ""
    # The query log of anonymous searches (GOVSEARCH_QUERY_LOG=1): off unless opted in.
    query_log: bool = False
    query_log_retention_days: int = 90
    query_log_max_rows: int = 200_000
    ingest_workers: int = field(default_factory=lambda: max(1, min(2, os.cpu_count() or 1)))
    max_file_bytes: int = 200 * 1024 * 1024  # files over this are reported, not read
    max_text_chars: int = 2_000_000  # texts over this are reported, not analysed (0: no limit)
    pdf_engine: str = "pypdfium2"
    pdf_timeout: float | None = 60.0  # seconds per PDF (None: in-process, no guard)
    # Every extraction of untrusted bytes runs in a child with these limits (ingest.bounded).
    extract_timeout: float | None = 30.0  # seconds per non-PDF file (None: no time limit)
    extract_memory_mb: int | None = 1024  # extra address space per file (None: no limit)
    # Anonymous expensive work (duplicate checks, uploads): this many at once, this many
    # waiting, beyond that 429 with Retry-After (search_api.limits).
    heavy_concurrency: int = 1
    heavy_queue: int = 4
    # Anonymous long searches (a query over LONG_QUERY_CHARS or a page over LONG_PAGE_SIZE):
    # this many at once, this many waiting, one per address; short searches never wait.
    long_search_concurrency: int = 2
    long_search_queue: int = 4
    # Per-client rate limit of the expensive endpoints, "N/second|minute|hour" ("" = none).
    rate_limit: str = "30/minute"
    synonyms_file: Path | None = None  # extra abbreviation → official wording rules
    life_events_file: Path | None = None  # a portal's own life events (replaces the shipped)
    # The sentence-embedding model's folder (model.onnx, tokenizer.json) for the semantic leg;
    # None: analyzers/models/<name>, where .ci/fetch-model.sh puts it.
    embed_model_dir: Path | None = None
    # How often a server asks the backend for a newer lexicon or vectors (with Elasticsearch,
    # published to the cluster by an ingest or ``govsearch embed`` on another machine); 0: never
    shared_poll_seconds: int = 30
    # OCR of scans (ingest.ocr): on when an engine is installed; engine None = measured best;
    # results are cached in <data_dir>/ocr-cache by file hash.
    ocr: bool = True
    ocr_engine: str | None = None
    ocr_dpi: int = 200
    ocr_page_timeout: float = 60.0  # CPU seconds per page
    ocr_memory_mb: int = 1024
    # seconds one file's OCR may take while a request waits: an anonymous duplicate check's;
    # with a staff key (checks, uploads) ten times that (0: no limit; govsearch ingest has none)
    ocr_request_seconds: int = 60
    # how long a write waits for the embedded index's writer, held by another process (an
    # upload during an ingest); `govsearch ingest` waits for as long as the other one runs
    writer_wait_seconds: float = 30.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> Settings:
        e = dict(os.environ if env is None else env)
        backend = e.get("GOVSEARCH_BACKEND", "embedded").strip().lower() or "embedded"
        if backend not in BACKENDS:
            raise ConfigError(
                f"GOVSEARCH_BACKEND must be one of {', '.join(BACKENDS)}, got {backend!r}"
            )
        urls = tuple(
            u.strip()
            for u in e.get("GOVSEARCH_ES_URL", "http://127.0.0.1:9200").split(",")
            if u.strip()
        )
        user, password = e.get("GOVSEARCH_ES_USERNAME", ""), e.get("GOVSEARCH_ES_PASSWORD", "")
        if bool(user) != bool(password):  # one without the other was silently no credentials
            given, missing = (
                ("GOVSEARCH_ES_USERNAME", "GOVSEARCH_ES_PASSWORD") if user
                else ("GOVSEARCH_ES_PASSWORD", "GOVSEARCH_ES_USERNAME")
            )  # fmt: skip
            raise ConfigError(f"{given} is set but {missing} is not: set both, or neither")
        plain = [u for u in urls if u.lower().startswith("http://")]
        ca = e.get("GOVSEARCH_ES_CA_FILE", "")
        if ca and plain:
            raise ConfigError(
                "GOVSEARCH_ES_CA_FILE is set but GOVSEARCH_ES_URL lists an http:// node: a CA "
                "certificate is for https:// nodes"
            )
        if ca and not Path(ca).is_file():  # (QA pass 38c: "unreachable (connect): No such file")
            raise ConfigError(f"GOVSEARCH_ES_CA_FILE={ca}: no such file (the CA certificate "
                              "that signed the nodes' certificates, as a PEM file)")
        if e.get("GOVSEARCH_ES_API_KEY") and user:
            raise ConfigError(
                "GOVSEARCH_ES_API_KEY and GOVSEARCH_ES_USERNAME/PASSWORD are both set: use one"
            )
        originals = e.get("GOVSEARCH_ORIGINALS_DIR")
        raw_roots = e.get("GOVSEARCH_INGEST_ROOTS", "").split(os.pathsep)
        roots = tuple(Path(r.strip()) for r in raw_roots if r.strip())
        parse_rate(e.get("GOVSEARCH_RATE_LIMIT", "30/minute"))  # a typo fails at start
        s = cls(
            data_dir=Path(e.get("GOVSEARCH_DATA_DIR", "govsearch-data")),
            backend=backend,
            es_urls=urls,
            es_api_key=e.get("GOVSEARCH_ES_API_KEY", ""),
            es_username=user,
            es_password=password,
            es_verify_certs=_bool(e, "GOVSEARCH_ES_VERIFY_CERTS", True),
            es_ca_file=e.get("GOVSEARCH_ES_CA_FILE", ""),
            es_index_prefix=e.get("GOVSEARCH_ES_INDEX_PREFIX", "govsearch"),
            es_shards=_int("GOVSEARCH_ES_SHARDS", e.get("GOVSEARCH_ES_SHARDS"), 1, lo=1),
            es_replicas=_int("GOVSEARCH_ES_REPLICAS", e.get("GOVSEARCH_ES_REPLICAS"), 0, lo=0),
            kiosk=_bool(e, "GOVSEARCH_KIOSK"),
            kiosk_idle_seconds=_int(
                "GOVSEARCH_KIOSK_IDLE_SECONDS", e.get("GOVSEARCH_KIOSK_IDLE_SECONDS"), 120, lo=10
            ),
            default_disclosure=_disclosure(e.get("GOVSEARCH_DEFAULT_DISCLOSURE")),
            max_upload_bytes=_int(
                "GOVSEARCH_MAX_UPLOAD_BYTES", e.get("GOVSEARCH_MAX_UPLOAD_BYTES"), 20 * 1024 * 1024,
                lo=1,
            ),
            originals_dir=Path(originals) if originals else None,
            public_url=_public_url(e.get("GOVSEARCH_PUBLIC_URL")),
            cors_origins=_origins(e.get("GOVSEARCH_CORS_ORIGINS")),
            ingest_roots=roots,
            query_log=_bool(e, "GOVSEARCH_QUERY_LOG"),
            access_log=e.get("GOVSEARCH_ACCESS_LOG", "").strip(),
            query_log_retention_days=_int(
                "GOVSEARCH_QUERY_LOG_RETENTION_DAYS",
                e.get("GOVSEARCH_QUERY_LOG_RETENTION_DAYS"),
                90,
                lo=1,  # QA pass 21: -1 emptied the log at the first search
            ),
            query_log_max_rows=_int(
                "GOVSEARCH_QUERY_LOG_MAX_ROWS", e.get("GOVSEARCH_QUERY_LOG_MAX_ROWS"), 200_000, lo=1
            ),
            # 0: no limit, as the README says (QA pass 21: every file was "too large (0 MB)")
            max_file_bytes=_int("GOVSEARCH_MAX_FILE_MB", e.get("GOVSEARCH_MAX_FILE_MB"), 200, lo=0)
            * 1024
            * 1024,
            max_catalog_bytes=_int(
                "GOVSEARCH_MAX_CATALOG_MB", e.get("GOVSEARCH_MAX_CATALOG_MB"), 8, lo=1
            )
            * 1024
            * 1024,
            max_text_chars=_int(
                "GOVSEARCH_MAX_TEXT_CHARS", e.get("GOVSEARCH_MAX_TEXT_CHARS"), 2_000_000, lo=0
            ),
            pdf_engine=e.get("GOVSEARCH_PDF_ENGINE", "pypdfium2") or "pypdfium2",
            pdf_timeout=_timeout(e.get("GOVSEARCH_PDF_TIMEOUT")),
            extract_timeout=_timeout(
                e.get("GOVSEARCH_EXTRACT_TIMEOUT"), "GOVSEARCH_EXTRACT_TIMEOUT", 30.0
            ),
            extract_memory_mb=_int(
                "GOVSEARCH_EXTRACT_MEMORY_MB", e.get("GOVSEARCH_EXTRACT_MEMORY_MB"), 1024, lo=0
            )
            or None,
            heavy_concurrency=_int(
                "GOVSEARCH_HEAVY_CONCURRENCY", e.get("GOVSEARCH_HEAVY_CONCURRENCY"), 1, lo=1
            ),
            heavy_queue=_int("GOVSEARCH_HEAVY_QUEUE", e.get("GOVSEARCH_HEAVY_QUEUE"), 4, lo=0),
            long_search_concurrency=_int(
                "GOVSEARCH_LONG_SEARCH_CONCURRENCY",
                e.get("GOVSEARCH_LONG_SEARCH_CONCURRENCY"), 2, lo=1,
            ),
            long_search_queue=_int(
                "GOVSEARCH_LONG_SEARCH_QUEUE", e.get("GOVSEARCH_LONG_SEARCH_QUEUE"), 4, lo=0
            ),
            rate_limit=e.get("GOVSEARCH_RATE_LIMIT", "30/minute"),
            synonyms_file=Path(e["GOVSEARCH_SYNONYMS"]) if e.get("GOVSEARCH_SYNONYMS") else None,
            life_events_file=(
                Path(e["GOVSEARCH_LIFE_EVENTS"]) if e.get("GOVSEARCH_LIFE_EVENTS") else None
            ),
            embed_model_dir=(
                Path(e["GOVSEARCH_EMBED_MODEL"]) if e.get("GOVSEARCH_EMBED_MODEL") else None
            ),
            shared_poll_seconds=_int(
                "GOVSEARCH_SHARED_POLL", e.get("GOVSEARCH_SHARED_POLL"), 30, lo=0
            ),
            ocr=_bool(e, "GOVSEARCH_OCR", True),
            ocr_engine=e.get("GOVSEARCH_OCR_ENGINE") or None,
            ocr_dpi=_int("GOVSEARCH_OCR_DPI", e.get("GOVSEARCH_OCR_DPI"), 200, lo=50),
            ocr_page_timeout=float(
                _int("GOVSEARCH_OCR_PAGE_TIMEOUT", e.get("GOVSEARCH_OCR_PAGE_TIMEOUT"), 60, lo=1)
            ),
            ocr_memory_mb=_int(
                "GOVSEARCH_OCR_MEMORY_MB", e.get("GOVSEARCH_OCR_MEMORY_MB"), 1024, lo=0
            ),
            ocr_request_seconds=_int(
                "GOVSEARCH_OCR_REQUEST_SECONDS", e.get("GOVSEARCH_OCR_REQUEST_SECONDS"), 60, lo=0
            ),
            writer_wait_seconds=float(
                _int("GOVSEARCH_WRITER_WAIT", e.get("GOVSEARCH_WRITER_WAIT"), 30, lo=0)
            ),
        )
        return replace(s, **overrides) if overrides else s  # type: ignore[arg-type]
