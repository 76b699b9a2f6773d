"""The firm's working calendar (SPEC §4.1): which days count, and how deadlines are counted.

Working days are Monday–Friday minus mainland China's public holidays plus the official 调休
make-up days, taken from the maintained ``chinesecalendar`` package (never a hand-written table),
then the firm's own ``extra_holidays`` / ``extra_workdays``. A year the package does not cover yet
falls back to Monday–Friday plus the firm's lists with one warning per year, so a cron job never
dies on 1 January. Every counting method also returns what it counted, for ``sla --explain``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, Literal

import chinese_calendar

from svctools.core.clock import iso
from svctools.core.messages import Msg
from svctools.core.policy import CalendarPolicy

Basis = Literal["calendar", "business"]

# Why a day is (not) a working day.
WEEKDAY = "weekday"  # an ordinary Monday–Friday
MAKEUP = "makeup"  # an official 调休 make-up working day (a weekend day worked)
EXTRA_WORKDAY = "extra_workday"  # the firm works although the calendar says rest
WEEKEND = "weekend"
HOLIDAY = "holiday"  # a public holiday (named)
EXTRA_HOLIDAY = "extra_holiday"  # a day the firm itself added as rest

# The package names its holidays in English; clerks read Chinese.
HOLIDAY_NAMES_ZH: dict[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

_MICROSECONDS_PER_HOUR = Decimal(3_600_000_000)


@dataclass(frozen=True)
class Day:
    """One calendar day as the firm sees it: working or not, and why (for explanations)."""

    day: date
    workday: bool
    why: str  # WEEKDAY | MAKEUP | EXTRA_WORKDAY | WEEKEND | HOLIDAY | EXTRA_HOLIDAY
    name: str | None = None  # the public holiday's name (English, as chinesecalendar gives it)

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "why": self.why, "name": self.name}


Window = tuple[datetime, datetime]
# A walk over whole days: the end, the windows counted, the working days used, the days skipped.
_Walk = tuple[datetime, tuple[Window, ...], tuple[Day, ...], tuple[Day, ...]]


@dataclass(frozen=True)
class Counted:
    """A deadline and everything counted to reach it, so the clerk can check it by hand.

    ``windows`` are the stretches of time counted for an hour limit; ``days`` the working days
    counted for a working-day limit (or touched by business hours); ``skipped`` the non-working
    days passed over on the way, each with its reason.
    """

    start: datetime
    deadline: datetime
    windows: tuple[Window, ...] = ()
    days: tuple[Day, ...] = ()
    skipped: tuple[Day, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": iso(self.start),
            "deadline": iso(self.deadline),
            "windows": [[iso(a), iso(b)] for a, b in self.windows],
            "days": [d.to_dict() for d in self.days],
            "skipped": [d.to_dict() for d in self.skipped],
        }


@lru_cache(maxsize=256)
def hours_delta(hours: Decimal | int) -> timedelta:
    """A limit in (possibly fractional) hours as an exact timedelta, without going through float."""
    micro = (Decimal(hours) * _MICROSECONDS_PER_HOUR).to_integral_value(rounding=ROUND_HALF_UP)
    return timedelta(microseconds=int(micro))


def uncovered_warning(year: int) -> Msg:
    """The one warning for a year the Chinese holiday calendar does not know (yet: a newer
    chinesecalendar release brings it; before 2004: none ever will)."""
    return Msg("calendar.uncovered" if year >= 2004 else "calendar.uncovered_past", year=year)


@dataclass
class WorkCalendar:
    """Working days and working hours of one firm; cheap to ask, because every row asks."""

    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    own_years: frozenset[int] = frozenset()
    working_hours: tuple[tuple[time, time], ...] = ((time(9), time(12)), (time(13, 30), time(18)))
    warnings: list[Msg] = field(default_factory=list)
    _days: dict[date, Day] = field(default_factory=dict, init=False, repr=False)
    _warned: set[int] = field(default_factory=set, init=False, repr=False)
    _nth: dict[tuple[date, int], tuple[date, tuple[Day, ...], tuple[Day, ...]]] = field(
        default_factory=dict, init=False, repr=False
    )
    _hours: dict[tuple[date, timedelta], _Walk] = field(
        default_factory=dict, init=False, repr=False
    )
    _windows: dict[date, tuple[Window, ...]] = field(default_factory=dict, init=False, repr=False)
    # working_time's whole days: the working time from _origin up to each later day, and from
    # each earlier day up to _origin (both [0] at _origin).
    _origin: date | None = field(default=None, init=False, repr=False)
    _later: list[timedelta] = field(default_factory=list, init=False, repr=False)
    _earlier: list[timedelta] = field(default_factory=list, init=False, repr=False)

    @classmethod
    def from_policy(cls, calendar: CalendarPolicy) -> WorkCalendar:
        """The calendar a policy's ``[calendar]`` section describes."""
        return cls(
            extra_holidays=frozenset(calendar.extra_holidays),
            extra_workdays=frozenset(calendar.extra_workdays),
            own_years=frozenset(calendar.own_years),
            working_hours=tuple(calendar.working_hours),
        )

    # -- days -------------------------------------------------------------------------------

    def day(self, d: date | datetime) -> Day:
        """What ``d`` is for the firm (cached: the package lookup is done once per date)."""
        if isinstance(d, datetime):
            d = d.date()
        found = self._days.get(d)
        if found is None:
            found = self._days[d] = self._classify(d)
        return found

    def is_workday(self, d: date | datetime) -> bool:
        return self.day(d).workday

    def _classify(self, d: date) -> Day:
        if d in self.extra_workdays:
            return Day(d, True, EXTRA_WORKDAY)
        if d in self.extra_holidays:
            return Day(d, False, EXTRA_HOLIDAY)
        try:
            rest, name = chinese_calendar.get_holiday_detail(d)
        except NotImplementedError:
            self._warn_uncovered(d.year)
            if d.weekday() < 5:
                return Day(d, True, WEEKDAY)
            return Day(d, False, WEEKEND)
        if not rest:
            return Day(d, True, MAKEUP if d.weekday() >= 5 else WEEKDAY, name)
        if name is None:
            return Day(d, False, WEEKEND)
        return Day(d, False, HOLIDAY, name)

    def _warn_uncovered(self, year: int) -> None:
        if year in self.own_years or year in self._warned:
            return
        self._warned.add(year)
        self.warnings.append(uncovered_warning(year))

    def working_days(self, first: date, stop: date) -> list[date]:
        """The working days d with ``first`` ≤ d < ``stop`` (the parts-wait pause)."""
        found: list[date] = []
        d = first
        while d < stop:
            if self.is_workday(d):
                found.append(d)
            d += timedelta(days=1)
        return found

    def workdays_in(self, first: date, stop: date) -> int:
        """How many working days d there are with ``first`` ≤ d < ``stop``."""
        return len(self.working_days(first, stop))

    # -- counting ---------------------------------------------------------------------------

    def add_workdays(self, t: datetime, n: int) -> Counted:
        """The same clock time on the ``n``-th working day after ``t``'s date (n = 0: ``t``)."""
        if n < 0:
            raise ValueError("working days to add must not be negative")
        if n == 0:
            return Counted(t, t)
        key = (t.date(), n)
        hit = self._nth.get(key)
        if hit is None:
            hit = self._nth[key] = self._walk_workdays(t.date(), n)
        end, days, skipped = hit
        return Counted(t, datetime.combine(end, t.time()), days=days, skipped=skipped)

    def workday_deadline(self, t: datetime, n: int) -> datetime:
        """``add_workdays(t, n).deadline``, without building what was counted (every order asks)."""
        if n < 0:
            raise ValueError("working days to add must not be negative")
        if n == 0:
            return t
        key = (t.date(), n)
        hit = self._nth.get(key)
        if hit is None:
            hit = self._nth[key] = self._walk_workdays(t.date(), n)
        return datetime.combine(hit[0], t.time())

    def _walk_workdays(self, start: date, n: int) -> tuple[date, tuple[Day, ...], tuple[Day, ...]]:
        days: list[Day] = []
        skipped: list[Day] = []
        d = start
        while len(days) < n:
            d += timedelta(days=1)
            info = self.day(d)
            (days if info.workday else skipped).append(info)
        return d, tuple(days), tuple(skipped)

    def add_hours(self, t: datetime, hours: Decimal | int, basis: Basis = "calendar") -> Counted:
        """``t`` plus an hour limit: round the clock, or only working hours on working days."""
        if basis == "calendar":
            end = t + hours_delta(hours)
            return Counted(t, end, windows=((t, end),))
        if basis != "business":
            raise ValueError(f"unknown hours basis {basis!r}")
        return self._add_business(t, hours_delta(hours))

    def _add_business(self, t: datetime, left: timedelta) -> Counted:
        """Count what is left of ``t``'s own day, then whole working days (cached) after it."""
        if left <= timedelta(0):
            return Counted(t, t)
        windows: list[Window] = []
        info = self.day(t)
        days: tuple[Day, ...] = ()
        skipped = () if info.workday else (info,)
        for a, b in self._windows_of(info.day):
            start = max(a, t)
            if start >= b:
                continue
            days = (info,)
            if left <= b - start:
                windows.append((start, start + left))
                return Counted(t, start + left, tuple(windows), days, skipped)
            windows.append((start, b))
            left -= b - start
        end, more_windows, more_days, more_skipped = self._whole_days(
            info.day + timedelta(days=1), left
        )
        return Counted(
            t, end, tuple(windows) + more_windows, days + more_days, skipped + more_skipped
        )

    def _whole_days(self, first: date, left: timedelta) -> _Walk:
        """From the start of ``first``, the moment ``left`` working hours are used up."""
        key = (first, left)
        hit = self._hours.get(key)
        if hit is not None:
            return hit
        windows: list[Window] = []
        days: list[Day] = []
        skipped: list[Day] = []
        d = first
        while True:
            info = self.day(d)
            if not info.workday:
                skipped.append(info)
            for a, b in self._windows_of(d):
                if not days or days[-1].day != d:
                    days.append(info)
                if left <= b - a:
                    windows.append((a, a + left))
                    found = (a + left, tuple(windows), tuple(days), tuple(skipped))
                    self._hours[key] = found
                    return found
                windows.append((a, b))
                left -= b - a
            d += timedelta(days=1)

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        """The working hours of working days between two moments (zero if ``end`` ≤ ``start``).

        The measuring counterpart of ``add_hours(..., "business")``: the same windows, so a
        repair's working time and its business-hour deadline agree. The whole days between
        the first and the last are summed once per calendar (a report measures every repair).
        """
        if end <= start:
            return timedelta(0)
        first, last = start.date(), end.date()
        total = self._overlap(first, start, end)
        if last > first:
            total += self._since_origin(last) - self._since_origin(first + timedelta(days=1))
            total += self._overlap(last, start, end)
        return total

    def _overlap(self, d: date, start: datetime, end: datetime) -> timedelta:
        """The working time of ``d`` between two moments."""
        total = timedelta(0)
        for a, b in self._windows_of(d):
            overlap = min(b, end) - max(a, start)
            if overlap > timedelta(0):
                total += overlap
        return total

    def _since_origin(self, d: date) -> timedelta:
        """The working time of the whole days from ``_origin`` (the first day asked) up to
        ``d``, negative before it; only the days between those asked are ever looked up."""
        if self._origin is None:
            self._origin, self._later, self._earlier = d, [timedelta(0)], [timedelta(0)]
        steps = (d - self._origin).days
        sums = self._later if steps >= 0 else self._earlier
        while len(sums) <= abs(steps):  # sums[k]: k days after the origin, or before it
            k = len(sums)
            day = self._origin + timedelta(days=k - 1 if steps >= 0 else -k)
            sums.append(sums[-1] + self._whole_day(day))
        return sums[steps] if steps >= 0 else -sums[-steps]

    def _whole_day(self, d: date) -> timedelta:
        return sum((b - a for a, b in self._windows_of(d) if b > a), timedelta(0))

    def _windows_of(self, d: date) -> tuple[Window, ...]:
        """The working-hours windows of ``d`` as datetimes (none on a day off), cached."""
        found = self._windows.get(d)
        if found is None:
            found = ()
            if self.is_workday(d):
                found = tuple(
                    (datetime.combine(d, a), datetime.combine(d, b)) for a, b in self.working_hours
                )
            self._windows[d] = found
        return found
