"""Files → Documents. Knows nothing about tokens or backends.

* ``ingest.files``: ``tasks(paths, catalog, default_disclosure)`` → ``FileTask``s,
  ``ingest_file(task)`` → ``Document | IngestFailure``, ``map_files`` (the one loop, serial or
  over worker processes), ``iter_documents`` (files → Documents without an index).
* ``ingest.upload``: bytes someone sent (an upload, a draft) → format and extracted text, or a
  clear error.
* ``ingest.report.IngestReport``: ok/skipped/failed with reasons, ``summary()``, ``to_json()``.
* ``ingest.formats``: ``extract(data, filename)`` / ``detect`` / ``register(Format(...))``.
* ``ingest.metadata.derive_meta(text, properties, *, title)`` → ``CatalogMeta``.
* ``ingest.catalog.load_catalog(path)`` → ``Catalog`` (entries + per-row errors).
"""
