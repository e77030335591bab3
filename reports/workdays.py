"""Working days by the official PRC calendar (State Council holiday notices, 调休 included).

The 政府信息公开条例 counts its deadlines in working days, so a holiday week and an adjusted
working Saturday change the answer. The calendar comes from the maintained ``chinesecalendar``
package, not a hand-written list: each year's notice is published in the November before and the
package follows it. For a year it does not know, :class:`CalendarUnknown` says which years it
does, rather than guessing with plain weekdays.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from importlib.metadata import PackageNotFoundError, version

import chinese_calendar

from model.errors import GovSearchError


class CalendarUnknown(GovSearchError):
    """A date outside the years the official calendar data covers."""

    code = "calendar_unknown"


def calendar_version() -> str:
    try:
        return version("chinesecalendar")
    except PackageNotFoundError:  # pragma: no cover - installed with govsearch
        return "unknown"


class WorkdayCalendar:
    """Counts working days in O(log n) from the sorted list of every known working day."""

    def __init__(self) -> None:
        known = chinese_calendar.holidays  # the package's own data: its range is what it knows
        self.first_year = min(known).year
        self.last_year = max(known).year
        day = dt.date(self.first_year, 1, 1)
        end = dt.date(self.last_year, 12, 31)
        ordinals: list[int] = []
        while day <= end:
            if chinese_calendar.is_workday(day):
                ordinals.append(day.toordinal())
            day += dt.timedelta(days=1)
        self._workdays = ordinals

    @property
    def years(self) -> tuple[int, int]:
        return self.first_year, self.last_year

    def _check(self, day: dt.date) -> None:
        if not self.first_year <= day.year <= self.last_year:
            raise CalendarUnknown(
                f"the official holiday calendar (chinesecalendar {calendar_version()}) covers "
                f"{self.first_year}–{self.last_year}, not {day.isoformat()}; upgrade the "
                "chinesecalendar package for newer years",
                date=day.isoformat(),
                years=[self.first_year, self.last_year],
            )

    def is_workday(self, day: dt.date) -> bool:
        self._check(day)
        i = bisect.bisect_left(self._workdays, day.toordinal())
        return i < len(self._workdays) and self._workdays[i] == day.toordinal()

    def working_days(self, formed: dt.date, published: dt.date) -> int:
        """Working days after ``formed`` up to and including ``published``.

        Formed on a Friday and published the next Monday is 1; published the day it was formed
        is 0. Only the days counted must be in the calendar's range (formed on 31 December of
        the year before the first known year is fine). ``published`` before ``formed`` is a
        ``ValueError``: that is a catalogue error, not a delay.
        """
        if published < formed:
            raise ValueError(f"published {published} before it was formed {formed}")
        if published == formed:
            return 0
        self._check(formed + dt.timedelta(days=1))
        self._check(published)
        lo = bisect.bisect_right(self._workdays, formed.toordinal())
        hi = bisect.bisect_right(self._workdays, published.toordinal())
        return hi - lo

    def after(self, formed: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``formed``: the last day a text formed then may
        be published on time, with ``days`` the deadline."""
        if days < 1:
            return formed
        self._check(formed + dt.timedelta(days=1))
        i = bisect.bisect_right(self._workdays, formed.toordinal()) + days - 1
        if i >= len(self._workdays):
            self._check(dt.date(self.last_year + 1, 1, 1))  # past the calendar: says so
        return dt.date.fromordinal(self._workdays[i])


@functools.cache
def official_calendar() -> WorkdayCalendar:
    """The one calendar of the process (built once, ~8,000 days, a few milliseconds)."""
    return WorkdayCalendar()
