"""The years a report may be asked for: declared once, for the API, the pages and the CLI.

QA pass 16: the API refused a year outside 1900–2100 (422) while the annual report's page
answered ``year=0`` with a 500 and ``govsearch report annual --year 0`` with a traceback: each
took the year its own way, and only the API had a range. No document is from before 1900
(``ingest.catalog.EARLIEST_YEAR``), and 2100 is far past any publication.
"""

from __future__ import annotations

from model.errors import BadRequest

FIRST_YEAR, LAST_YEAR = 1900, 2100


def is_report_year(year: int) -> bool:
    """Whether a report can be made for ``year``."""
    return FIRST_YEAR <= year <= LAST_YEAR


def check_report_year(year: int) -> int:
    """``year``, or a BadRequest (400, not a 500 from ``datetime``) when no report is made for
    it: the guard under every surface, each of which says it in its own words first."""
    if not is_report_year(year):
        raise BadRequest(f"a year is four digits, {FIRST_YEAR}–{LAST_YEAR}; got {year}")
    return year
