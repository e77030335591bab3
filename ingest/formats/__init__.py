"""File formats: one module per format, all registered in ``ingest.formats.registry``."""

from ingest.formats.base import Extracted, Extractor
from ingest.formats.registry import (
    Format,
    detect,
    extract,
    formats,
    get,
    register,
    unregister,
)

__all__ = ["Extracted", "Extractor", "Format", "detect", "extract", "formats", "get", "register",
           "unregister"]
