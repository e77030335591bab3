"""The disclosure office's reports: publication timeliness, the annual report's statistics and
what citizens searched for and did not find.

Pure computations over plain iterables of :class:`~reports.entry.CatalogEntry` (and the query
log's records), so the same code serves both backends, the API, the CLI and the web pages.
"""
