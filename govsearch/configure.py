"""How the settings reach the layers below the app, for the server and the CLI alike.

Apart from :mod:`govsearch.app` so that a CLI command imports none of the web app: importing it
cost a `govsearch search` ~2 s of its start (FastAPI, the reports, the admin API).
"""

from __future__ import annotations

from model.settings import Settings
from search_index import citizen_words


def apply(settings: Settings) -> None:
    """Configure the layers that run below the app (extraction limits, synonyms, the
    embedding model's folder)."""
    from analyzers import embedding, lexicon
    from ingest import bounded, files
    from ingest.formats import pdf
    from ingest.ocr import options as ocr

    files.configure(max_file_bytes=settings.max_file_bytes, max_text_chars=settings.max_text_chars)
    ocr.configure(enabled=settings.ocr, engine=settings.ocr_engine, dpi=settings.ocr_dpi,
                  page_timeout=settings.ocr_page_timeout, memory_mb=settings.ocr_memory_mb,
                  cache_dir=settings.data_dir / "ocr-cache")
    bounded.configure(
        timeout=settings.extract_timeout or 0, memory_mb=settings.extract_memory_mb or 0
    )
    pdf.configure(engine=settings.pdf_engine, timeout=settings.pdf_timeout or 0)
    lexicon.configure(synonyms_file=settings.synonyms_file)
    embedding.configure(settings.embed_model_dir)
    citizen_words.load_lexicon(settings.data_dir)  # mined at ingest into <data_dir>/lexicon
