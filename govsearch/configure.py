"""How the settings reach the layers below the app, for the server and the CLI alike.

Apart from :mod:`govsearch.app` so that a CLI command imports none of the web app: importing it
cost a `govsearch search` ~2 s of its start (FastAPI, the reports, the admin API).
"""

from __future__ import annotations

from model.errors import ConfigError
from model.settings import Settings
from search_index import citizen_words


def apply(settings: Settings) -> None:
    """Configure the layers that run below the app (extraction limits, synonyms, the
    embedding model's folder)."""
    from analyzers import embedding, lexicon
    from ingest import bounded, files
    from ingest.formats import pdf
    from ingest.ocr import options as ocr

    if settings.data_dir.exists() and not settings.data_dir.is_dir():
        # one message whichever way the folder was named (QA pass 21: --data-dir was told
        # "is a file" by click, GOVSEARCH_DATA_DIR "no index" or a bare errno 17)
        raise ConfigError(
            f"the data folder {settings.data_dir} is a file, not a folder: "
            "check --data-dir / GOVSEARCH_DATA_DIR"
        )
    files.configure(max_file_bytes=settings.max_file_bytes, max_text_chars=settings.max_text_chars)
    try:  # an engine's name is known below the settings: a typo is said here, named
        ocr.configure(enabled=settings.ocr, engine=settings.ocr_engine, dpi=settings.ocr_dpi,
                      page_timeout=settings.ocr_page_timeout, memory_mb=settings.ocr_memory_mb,
                      cache_dir=settings.data_dir / "ocr-cache")
    except ValueError as exc:  # QA pass 21: a traceback, exit 1, the variable never named
        raise ConfigError(f"GOVSEARCH_OCR_ENGINE: {exc}") from None
    bounded.configure(
        timeout=settings.extract_timeout or 0, memory_mb=settings.extract_memory_mb or 0
    )
    try:
        pdf.configure(engine=settings.pdf_engine, timeout=settings.pdf_timeout or 0)
    except ValueError as exc:
        raise ConfigError(f"GOVSEARCH_PDF_ENGINE: {exc}") from None
    lexicon.configure(synonyms_file=settings.synonyms_file)
    embedding.configure(settings.embed_model_dir)
    citizen_words.load_lexicon(settings.data_dir)  # mined at ingest into <data_dir>/lexicon
