"""The duplicate check beside search: every existing document a draft duplicates, how much and
what differs (``duplicates.check``), the corpus-wide report (``duplicates.report``) and the
passage diff both use (``duplicates.textdiff``). Reads the index through ``search_index``;
signatures are computed at ingest by ``analyzers.signatures``."""
