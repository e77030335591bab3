"""The ingest run: files → ``ingest`` → Documents → ``search_index`` → backend, with a report.

The one place that joins the two packages, so each stays ignorant of the other; folders (CLI),
uploads and the API's server-side ingest all go through :func:`pipeline.run.run_jobs`.
"""
