"""Files → Documents.

Public entry points (import them from their modules; this package imports nothing eagerly so
that ``ingest.document`` stays cheap for the index layer):

* ``ingest.pipeline.iter_documents(paths, *, catalog, default_disclosure, progress, workers)``
  → ``Document | IngestFailure`` per file; ``ingest.pipeline.ingest_file(FileTask)`` for one.
* ``ingest.report.IngestReport`` — ok/skipped/failed with reasons, ``summary()``, ``to_json()``.
* ``ingest.formats.extract(data, filename)`` / ``detect`` / ``register(Format(...))``.
* ``ingest.metadata.derive_meta(text, properties, *, title)`` → ``CatalogMeta``.
* ``ingest.catalog.load_catalog(path)`` → ``Catalog`` (entries + per-row errors).
"""
