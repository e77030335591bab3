"""Working days on the official calendar, against days counted by hand on a printed calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.workdays import CalendarUnknown, official_calendar

D = dt.date


@pytest.fixture(scope="module")
def cal():
    return official_calendar()


def test_friday_to_monday_is_one(cal) -> None:
    assert cal.working_days(D(2024, 5, 31), D(2024, 6, 3)) == 1  # Fri → Mon


def test_same_day_is_zero_and_next_workday_is_one(cal) -> None:
    assert cal.working_days(D(2024, 6, 4), D(2024, 6, 4)) == 0
    assert cal.working_days(D(2024, 6, 4), D(2024, 6, 5)) == 1


def test_national_day_week_with_adjusted_working_weekend(cal) -> None:
    # 国庆 2019: 1–7 October off; Sunday 29 September and Saturday 12 October worked (调休).
    # Counted by hand after Fri 27 Sep: Sun 29 (1), Mon 30 (2), Tue 8 (3), Wed 9 (4), Thu 10 (5),
    # Fri 11 (6), Sat 12 (7), Mon 14 (8). Plain Monday–Friday counting would give 11.
    assert cal.working_days(D(2019, 9, 27), D(2019, 10, 14)) == 8
    assert not cal.is_workday(D(2019, 10, 1))
    assert not cal.is_workday(D(2019, 10, 7))  # a Monday, but a holiday


def test_adjusted_working_saturday_counts(cal) -> None:
    assert cal.is_workday(D(2019, 10, 12))  # Saturday, worked
    assert cal.working_days(D(2019, 10, 11), D(2019, 10, 12)) == 1  # Fri → the working Sat
    assert cal.working_days(D(2019, 10, 11), D(2019, 10, 13)) == 1  # Sunday is off
    assert cal.working_days(D(2019, 10, 11), D(2019, 10, 14)) == 2
    assert cal.working_days(D(2019, 9, 28), D(2019, 9, 29)) == 1  # Sat → the working Sun


def test_twenty_working_days_boundary(cal) -> None:
    # after Fri 1 March 2024: 4–8, 11–15, 18–22, 25–29 March are 20 working days
    assert cal.working_days(D(2024, 3, 1), D(2024, 3, 29)) == 20
    assert cal.working_days(D(2024, 3, 1), D(2024, 4, 1)) == 21


def test_spring_festival_2024(cal) -> None:
    # 春节 2024: 10–17 Feb off, Sun 4 Feb and Sat 18 Feb worked.
    # After Fri 2 Feb: Sun 4 (1), 5–9 (6), Sun 18 (7), Mon 19 (8)
    assert cal.working_days(D(2024, 2, 2), D(2024, 2, 19)) == 8


def test_unknown_years_are_refused_not_guessed(cal) -> None:
    first, last = cal.years
    assert first <= 2008 and last >= 2024
    with pytest.raises(CalendarUnknown) as err:
        cal.working_days(D(1999, 1, 4), D(1999, 2, 1))
    assert f"{first}–{last}" in err.value.message
    with pytest.raises(CalendarUnknown):
        cal.is_workday(D(last + 1, 3, 2))
    # only the days counted must be known: formed on the last day before the data begins
    assert cal.working_days(D(first - 1, 12, 31), D(first, 1, 2)) == 1  # 1 Jan is 元旦


def test_published_before_formed_is_an_error(cal) -> None:
    with pytest.raises(ValueError):
        cal.working_days(D(2024, 3, 2), D(2024, 3, 1))
