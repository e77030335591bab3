"""OCR: recognised text for scanned pages (image-only PDF pages, TIFF/PNG/JPEG files).

* ``engine``   — the ``Engine`` protocol and ``PageText``, what an engine returns for one page;
* ``tesseract``, ``rapid`` — the engines, one module each;
* ``engines``  — the registry: engines by name, which are installed, the default;
* ``orientation`` — a page scanned sideways or upside down read the right way up;
* ``options``  — on/off, engine, limits, cache folder (``configure`` / ``GOVSEARCH_OCR_*``);
* ``runner``   — recognition in a child process with a time and memory limit per page;
* ``cache``    — results by file hash + engine + version, so an unchanged scan is never redone;
* ``scan``     — a file's pages → ``ScanText`` (text, confidence, failed pages): what formats call.

Nothing here is imported by the index layer; the formats call ``ingest.ocr.scan``.
"""
