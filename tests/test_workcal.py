"""The working calendar (SPEC §4.1), checked against the real 2026 Chinese holiday calendar.

Facts used below, read from chinesecalendar 1.11.0 itself (``test_package_facts`` re-checks them,
so a package update that changes them fails loudly instead of silently moving every deadline):

- Mid-autumn Festival: Fri 2026-09-25 .. Sun 2026-09-27 rest; Sun 2026-09-20 is a make-up workday.
- National Day: Thu 2026-10-01 .. Wed 2026-10-07 rest (seven days, not eight);
  Sat 2026-10-10 is a make-up workday; Sun 2026-10-11 is an ordinary weekend.
- 2026-10-12 is a Monday; 2026-12-31 a Thursday; 2027-01-01 a Friday (no 2027 data in the package).

Default working hours: 09:00-12:00 and 13:30-18:00, 7.5 hours a working day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import chinese_calendar
import pytest

from svctools.compute import workcal
from svctools.compute.workcal import WorkCalendar, hours_delta
from svctools.core.policy import Policy, policy_from_dict


def cal(**calendar: object) -> WorkCalendar:
    return WorkCalendar.from_policy(policy_from_dict({"calendar": calendar}).calendar)


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


# -- the package facts the other tests rely on ------------------------------------------------


def test_package_facts() -> None:
    rest = [date(2026, 9, 25), date(2026, 9, 27), date(2026, 10, 1), date(2026, 10, 7)]
    work = [date(2026, 9, 20), date(2026, 10, 8), date(2026, 10, 10)]
    assert not any(chinese_calendar.is_workday(d) for d in rest)
    assert all(chinese_calendar.is_workday(d) for d in work)
    assert chinese_calendar.get_holiday_detail(date(2026, 10, 10)) == (False, "National Day")
    assert chinese_calendar.get_holiday_detail(date(2026, 10, 11)) == (True, None)
    assert date(2026, 10, 10).weekday() == 5 and date(2026, 10, 12).weekday() == 0
    assert date(2027, 1, 1).weekday() == 4
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 4))


# -- which days are working days ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "workday", "why", "name"),
    [
        (date(2026, 10, 1), False, "holiday", "National Day"),  # Thu, first day of the holiday
        (date(2026, 10, 7), False, "holiday", "National Day"),  # Wed, last day
        (date(2026, 10, 8), True, "weekday", None),  # Thu, back to work
        (date(2026, 10, 10), True, "makeup", "National Day"),  # Sat worked (调休)
        (date(2026, 10, 11), False, "weekend", None),  # Sun, ordinary weekend
        (date(2026, 9, 20), True, "makeup", "National Day"),  # Sun worked (调休)
        (date(2026, 9, 25), False, "holiday", "Mid-autumn Festival"),  # Fri
        (date(2026, 10, 12), True, "weekday", None),  # Mon
        (date(2026, 10, 17), False, "weekend", None),  # Sat
    ],
)
def test_is_workday_2026(day: date, workday: bool, why: str, name: str | None) -> None:
    calendar = WorkCalendar()
    assert calendar.is_workday(day) is workday
    info = calendar.day(day)
    assert (info.why, info.name) == (why, name)
    assert calendar.warnings == []


def test_is_workday_accepts_datetime() -> None:
    assert WorkCalendar().is_workday(dt("2026-10-10T23:59")) is True


def test_extra_holidays_and_workdays_override_the_package() -> None:
    calendar = cal(
        extra_holidays=["2026-10-09"],  # a Friday the firm closes
        extra_workdays=["2026-10-11", "2026-10-05"],  # a Sunday and a National Day holiday
    )
    assert not calendar.is_workday(date(2026, 10, 9))
    assert calendar.day(date(2026, 10, 9)).why == "extra_holiday"
    assert calendar.is_workday(date(2026, 10, 11))
    assert calendar.day(date(2026, 10, 11)).why == "extra_workday"
    assert calendar.is_workday(date(2026, 10, 5))
    assert calendar.is_workday(date(2026, 10, 8))  # untouched days follow the package


# -- years the package does not cover ------------------------------------------------------------


def test_2027_falls_back_to_monday_friday_with_one_warning() -> None:
    calendar = WorkCalendar.from_policy(Policy().calendar)
    assert calendar.is_workday(date(2027, 1, 1))  # a Friday: no holiday data, so Mon-Fri
    assert not calendar.is_workday(date(2027, 1, 2))  # Saturday
    for offset in range(60):  # many lookups, still one warning
        calendar.is_workday(date(2027, 1, 1) + timedelta(days=offset))
    assert len(calendar.warnings) == 1
    assert str(calendar.warnings[0]).startswith("2027: ")
    assert "does not cover this year yet" in str(calendar.warnings[0])
    assert "extra_holidays/extra_workdays" in str(calendar.warnings[0])


def test_each_uncovered_year_warns_once_per_calendar() -> None:
    calendar = WorkCalendar()
    calendar.is_workday(date(2027, 3, 1))
    calendar.is_workday(date(2028, 3, 1))
    calendar.is_workday(date(2027, 3, 2))
    assert [str(w)[:5] for w in calendar.warnings] == ["2027:", "2028:"]
    fresh = WorkCalendar()  # a new run warns again
    fresh.is_workday(date(2027, 3, 1))
    assert len(fresh.warnings) == 1


def test_own_years_silence_the_warning_and_use_the_firms_lists() -> None:
    calendar = cal(own_years=[2027], extra_holidays=["2027-01-01"], extra_workdays=["2027-01-02"])
    assert not calendar.is_workday(date(2027, 1, 1))
    assert calendar.is_workday(date(2027, 1, 2))
    assert calendar.is_workday(date(2027, 1, 4))
    assert calendar.warnings == []


def test_counting_across_new_year_2027_does_not_crash() -> None:
    # Thu 2026-12-31 10:00 + 3 working days: Fri 2027-01-01 (no data: a plain Friday),
    # Mon 01-04, Tue 01-05.
    calendar = WorkCalendar()
    counted = calendar.add_workdays(dt("2026-12-31T10:00"), 3)
    assert counted.deadline == dt("2027-01-05T10:00")
    assert len(calendar.warnings) == 1 and "2027" in str(calendar.warnings[0])


def test_year_before_2004_does_not_crash() -> None:
    calendar = WorkCalendar()
    assert calendar.is_workday(date(2003, 6, 2))  # a Monday
    assert str(calendar.warnings[0]).startswith("2003: ")


# -- adding working days --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "deadline"),
    [
        ("2026-10-16T10:00", 1, "2026-10-19T10:00"),  # Fri + 1 = Mon (Sat, Sun skipped)
        ("2026-09-30T15:00", 1, "2026-10-08T15:00"),  # Wed + 1 skips National Day Oct 1-7
        ("2026-10-09T09:30", 1, "2026-10-10T09:30"),  # Fri + 1 = Sat Oct 10, a make-up day
        ("2026-10-09T09:30", 2, "2026-10-12T09:30"),  # then Sun Oct 11 rests: Mon
        ("2026-10-03T12:00", 1, "2026-10-08T12:00"),  # from inside the holiday
        ("2026-09-24T08:00", 3, "2026-09-30T08:00"),  # Thu + 3: Mid-autumn Fri-Sun, Mon-Wed
        ("2026-09-19T08:00", 1, "2026-09-20T08:00"),  # Sat + 1 = Sun Sep 20, a make-up day
        ("2026-10-03T12:00", 0, "2026-10-03T12:00"),  # n = 0 is t itself, even on a holiday
        ("2026-10-15T14:00", 7, "2026-10-26T14:00"),  # Thu + 7: 16,19,20,21,22,23,26
    ],
)
def test_add_workdays(start: str, n: int, deadline: str) -> None:
    assert WorkCalendar().add_workdays(dt(start), n).deadline == dt(deadline)


def test_add_workdays_explains_days_and_skipped() -> None:
    counted = WorkCalendar().add_workdays(dt("2026-09-30T15:00"), 1)
    assert [d.day for d in counted.days] == [date(2026, 10, 8)]
    assert [d.day for d in counted.skipped] == [date(2026, 10, k) for k in range(1, 8)]
    assert {(d.why, d.name) for d in counted.skipped} == {("holiday", "National Day")}
    weekend = WorkCalendar().add_workdays(dt("2026-10-16T10:00"), 1)
    assert [(d.day.day, d.why) for d in weekend.skipped] == [(17, "weekend"), (18, "weekend")]
    firm = cal(extra_holidays=["2026-10-19"]).add_workdays(dt("2026-10-16T10:00"), 1)
    assert firm.deadline == dt("2026-10-20T10:00")
    assert firm.skipped[-1].why == "extra_holiday"


def test_add_workdays_rejects_negative() -> None:
    with pytest.raises(ValueError):
        WorkCalendar().add_workdays(dt("2026-10-16T10:00"), -1)


@pytest.mark.parametrize(
    ("first", "stop", "count"),
    [
        (date(2026, 10, 19), date(2026, 10, 21), 2),  # Mon -> Wed: Mon, Tue
        (date(2026, 10, 19), date(2026, 10, 19), 0),  # within one day: nothing
        (date(2026, 10, 16), date(2026, 10, 19), 1),  # Fri -> Mon: Fri only
        (date(2026, 9, 30), date(2026, 10, 12), 4),  # Sep 30, Oct 8, 9, 10 (make-up Sat)
        (date(2026, 10, 21), date(2026, 10, 19), 0),  # backwards: nothing
    ],
)
def test_workdays_in(first: date, stop: date, count: int) -> None:
    calendar = WorkCalendar()
    assert calendar.workdays_in(first, stop) == count
    assert len(calendar.working_days(first, stop)) == count


# -- adding hours ---------------------------------------------------------------------------------


def test_calendar_hours_ignore_holidays() -> None:
    counted = WorkCalendar().add_hours(dt("2026-10-01T10:00"), Decimal(24), "calendar")
    assert counted.deadline == dt("2026-10-02T10:00")
    assert counted.windows == ((dt("2026-10-01T10:00"), dt("2026-10-02T10:00")),)


def test_fractional_hours_are_exact() -> None:
    assert hours_delta(Decimal("0.1")) == timedelta(minutes=6)
    assert hours_delta(Decimal("1.5")) == timedelta(minutes=90)
    later = WorkCalendar().add_hours(dt("2026-10-15T10:00"), Decimal("1.5"))
    assert later.deadline == dt("2026-10-15T11:30")


@pytest.mark.parametrize(
    ("start", "hours", "deadline"),
    [
        # SPEC's example: 10 minutes to 18:00, the other 50 from 09:00 the next working day.
        # (SPEC prints 09:40, which is what a call at 17:40 gives; see the next line.)
        ("2026-10-15T17:50", "1", "2026-10-16T09:50"),
        ("2026-10-15T17:40", "1", "2026-10-16T09:40"),
        ("2026-10-16T17:30", "2", "2026-10-19T10:30"),  # Fri evening -> Mon: 30 min + 90 min
        ("2026-10-15T11:30", "1", "2026-10-15T14:00"),  # lunch 12:00-13:30 does not count
        ("2026-10-15T12:15", "1", "2026-10-15T14:30"),  # a start in lunch waits for 13:30
        ("2026-10-15T07:00", "1", "2026-10-15T10:00"),  # before opening: starts at 09:00
        ("2026-10-15T19:00", "1", "2026-10-16T10:00"),  # after closing: next working day
        ("2026-10-15T17:00", "1", "2026-10-15T18:00"),  # ends exactly at closing time
        ("2026-10-15T11:00", "1", "2026-10-15T12:00"),  # ends exactly at lunch, not 13:30
        ("2026-10-12T09:00", "7.5", "2026-10-12T18:00"),  # one full working day
        ("2026-10-12T09:00", "8", "2026-10-13T09:30"),
        ("2026-10-17T10:00", "1", "2026-10-19T10:00"),  # a start on Saturday waits for Monday
        ("2026-09-30T17:00", "2", "2026-10-08T10:00"),  # 1 h on Sep 30, Oct 1-7 rest, 1 h
        ("2026-10-09T17:50", "1", "2026-10-10T09:50"),  # Sat Oct 10 is a make-up workday
        ("2026-10-10T17:50", "1", "2026-10-12T09:50"),  # Sun Oct 11 rests
    ],
)
def test_business_hours(start: str, hours: str, deadline: str) -> None:
    counted = WorkCalendar().add_hours(dt(start), Decimal(hours), "business")
    assert counted.deadline == dt(deadline)
    counted_time = sum((b - a for a, b in counted.windows), timedelta())
    assert counted_time == hours_delta(Decimal(hours))


def test_business_hours_explain_windows_and_skipped_days() -> None:
    counted = WorkCalendar().add_hours(dt("2026-10-16T17:50"), Decimal(1), "business")
    assert counted.deadline == dt("2026-10-19T09:50")
    assert counted.windows == (
        (dt("2026-10-16T17:50"), dt("2026-10-16T18:00")),
        (dt("2026-10-19T09:00"), dt("2026-10-19T09:50")),
    )
    assert [(d.day.day, d.why) for d in counted.skipped] == [(17, "weekend"), (18, "weekend")]
    assert [d.day.day for d in counted.days] == [16, 19]
    as_dict = counted.to_dict()
    assert as_dict["windows"][0] == ["2026-10-16T17:50:00", "2026-10-16T18:00:00"]
    assert as_dict["skipped"][0] == {"date": "2026-10-17", "why": "weekend", "name": None}


def test_business_hours_follow_the_firms_windows() -> None:
    calendar = cal(working_hours=[["08:30", "17:30"]])
    assert calendar.working_hours == ((time(8, 30), time(17, 30)),)
    counted = calendar.add_hours(dt("2026-10-15T17:00"), Decimal(1), "business")
    assert counted.deadline == dt("2026-10-16T09:00")


def test_business_hours_skip_the_firms_extra_holiday() -> None:
    calendar = cal(extra_holidays=["2026-10-16"])
    counted = calendar.add_hours(dt("2026-10-15T17:50"), Decimal(1), "business")
    assert counted.deadline == dt("2026-10-19T09:50")
    assert [d.why for d in counted.skipped] == ["extra_holiday", "weekend", "weekend"]


def test_business_hours_in_2027_warn_once() -> None:
    calendar = WorkCalendar()
    counted = calendar.add_hours(dt("2026-12-31T17:00"), Decimal(8), "business")
    # 17:00-18:00 on Thu Dec 31, then 7 h on Fri 2027-01-01: 09:00-12:00 and 13:30-17:30
    assert counted.deadline == dt("2027-01-01T17:30")
    assert len(calendar.warnings) == 1 and str(calendar.warnings[0]).startswith("2027")


def test_unknown_basis_is_an_error() -> None:
    with pytest.raises(ValueError):
        WorkCalendar().add_hours(dt("2026-10-15T10:00"), Decimal(1), "lunar")  # type: ignore[arg-type]


# -- lookups are cached -------------------------------------------------------------------------


def test_package_is_asked_once_per_date(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[date] = []
    real = chinese_calendar.get_holiday_detail

    def counting(d: date) -> tuple[bool, str | None]:
        calls.append(d)
        return real(d)

    monkeypatch.setattr(workcal.chinese_calendar, "get_holiday_detail", counting)
    calendar = WorkCalendar()
    for _ in range(1000):
        calendar.is_workday(date(2026, 10, 10))
        calendar.add_workdays(dt("2026-10-09T10:00"), 2)
    assert sorted(set(calls)) == calls
    assert calls == [date(2026, 10, 10), date(2026, 10, 11), date(2026, 10, 12)]


# -- measuring working time -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        ("2026-10-15T10:00", "2026-10-15T11:30", "1.5"),  # inside the morning window
        ("2026-10-15T11:00", "2026-10-15T14:00", "1.5"),  # 11:00-12:00 + 13:30-14:00: no lunch
        ("2026-10-15T07:00", "2026-10-15T20:00", "7.5"),  # a whole working day
        ("2026-10-16T17:00", "2026-10-19T10:00", "2"),  # Fri 17:00-18:00, weekend, Mon 09-10
        ("2026-10-05T15:30", "2026-10-07T16:00", "0"),  # inside the National Day holiday
        ("2026-10-09T17:00", "2026-10-12T09:30", "9"),  # Fri 1 h, make-up Sat 7.5 h, Mon 0.5 h
        ("2026-10-15T12:00", "2026-10-15T12:00", "0"),
        ("2026-10-15T14:00", "2026-10-15T10:00", "0"),  # end before start
    ],
)
def test_working_time_counts_only_working_hours(start: str, end: str, hours: str) -> None:
    measured = WorkCalendar().working_time(dt(start), dt(end))
    assert measured == hours_delta(Decimal(hours))


def test_working_time_is_the_inverse_of_business_add_hours() -> None:
    calendar = WorkCalendar()
    start = dt("2026-09-30T16:45")
    for hours in (Decimal("0.5"), Decimal(3), Decimal("7.5"), Decimal(20)):
        deadline = calendar.add_hours(start, hours, "business").deadline
        assert calendar.working_time(start, deadline) == hours_delta(hours)


def test_working_time_follows_the_firms_hours_and_extra_days() -> None:
    calendar = cal(working_hours=[["08:00", "17:00"]], extra_holidays=["2026-10-16"])
    # Thu 10-15 16:00-17:00 (1 h), Fri 10-16 the firm rests, Mon 10-19 08:00-09:00 (1 h)
    assert calendar.working_time(dt("2026-10-15T16:00"), dt("2026-10-19T09:00")) == timedelta(
        hours=2
    )
