"""The service clock (办理时限): working days, step limits and due dates.

Limits in the policy texts are stated in working days (工作日), so the clock has to know the
Chinese public holidays and the 调休 weekends that are worked instead. The chinese-calendar
package knows them for the years the State Council has published (2004–2026 in 1.11); a
year it does not know yet is counted Monday to Friday, so the portal keeps working on
1 January of a new year before the package is upgraded. Staff correct or complete the
calendar with ``CalendarDay`` rows, which win over the package in every year.

``CalendarDay`` is read once per range of dates (``WorkCalendar``), never once per day: a
due date a month away, or the working days waited over a year, cost one or two queries.
Nothing is cached between calls, so a day staff enter takes effect at once.
"""

import datetime
import functools
from collections.abc import Iterable

import chinese_calendar
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import CalendarDay
from .states import State

DEFAULT_LIMIT_DAYS = 10
"""The limit of a step whose stage and departments state none (全市默认 10 个工作日)."""

FAST_TRACK_LIMIT = 60
"""快申快享: the whole route of such a measure is handled within 60 working days."""

ONE_DAY = datetime.timedelta(days=1)


@functools.cache
def known_year(year: int) -> bool:
    """Whether the chinese-calendar package has the holidays and 调休 of ``year``.

    Asked of the package itself (it raises ``NotImplementedError`` outside its data) rather
    than hard-coded, so upgrading the package extends the covered years by itself."""
    try:
        chinese_calendar.is_workday(datetime.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@functools.lru_cache(maxsize=8192)
def _package_workday(day: datetime.date) -> bool:
    """The package's verdict, or Monday–Friday for a year it does not know.

    Cached: the package validates the year on every call by scanning its whole table, and a
    reminder run or a year-long count asks about the same days again and again."""
    if known_year(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def _as_date(value) -> datetime.date:
    """A date from a date or an aware datetime (``waiting_since``), in the portal's zone."""
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


class WorkCalendar:
    """Working days over the dates asked about, reading ``CalendarDay`` once per range.

    The staff corrections loaded so far cover one contiguous range of dates; asking about a
    day outside it extends the range with one query for the missing part. Use one instance
    for a page or a command run, a fresh one for each: it does not see rows entered after
    the dates were loaded."""

    def __init__(self):
        self._overrides: dict[datetime.date, bool] = {}
        self._first: datetime.date | None = None
        self._last: datetime.date | None = None

    def _load(self, first: datetime.date, last: datetime.date) -> None:
        rows = CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "workday")
        self._overrides.update(rows)

    def cover(self, first, last) -> None:
        """Make sure the staff corrections from ``first`` to ``last`` are loaded."""
        first, last = _as_date(first), _as_date(last)
        if last < first:
            first, last = last, first
        if self._first is None:
            self._load(first, last)
            self._first, self._last = first, last
            return
        if first < self._first:
            self._load(first, self._first - ONE_DAY)
            self._first = first
        if last > self._last:
            self._load(self._last + ONE_DAY, last)
            self._last = last

    def _workday(self, day: datetime.date) -> bool:
        """The verdict for a day already covered: staff correction, else the package."""
        if day in self._overrides:
            return self._overrides[day]
        return _package_workday(day)

    def is_workday(self, day) -> bool:
        day = _as_date(day)
        self.cover(day, day)
        return self._workday(day)

    def working_days_between(self, start, end) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        start, end = _as_date(start), _as_date(end)
        if end <= start:
            return 0
        self.cover(start + ONE_DAY, end)
        count = 0
        day = start + ONE_DAY
        while day <= end:
            count += self._workday(day)
            day += ONE_DAY
        return count

    def add_working_days(self, start, n: int) -> datetime.date:
        """The ``n``-th working day after ``start`` (``start`` itself when n <= 0).

        The range to load is guessed generously (twice the days plus a fortnight covers the
        longest Chinese holiday) and doubled in the rare case it is not enough."""
        start = _as_date(start)
        if n <= 0:
            return start
        window = 2 * n + 14
        self.cover(start + ONE_DAY, start + datetime.timedelta(days=window))
        day, found = start, 0
        while True:
            day += ONE_DAY
            if day > self._last:
                window *= 2
                self.cover(day, day + datetime.timedelta(days=window))
            if self._workday(day):
                found += 1
                if found == n:
                    return day


def is_workday(day) -> bool:
    """A ``CalendarDay`` row decides first, then the package, then Monday–Friday."""
    return WorkCalendar().is_workday(day)


def working_days_between(start, end) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start).

    So a step that started on Friday and is looked at on the next Monday has waited one
    working day: the day it arrived does not count, as in ``add_working_days``."""
    return WorkCalendar().working_days_between(start, end)


def add_working_days(start, n: int) -> datetime.date:
    """The ``n``-th working day after ``start``: the due date of a step started on ``start``
    with a limit of ``n`` working days."""
    return WorkCalendar().add_working_days(start, n)


def calendar_note(years: Iterable[int]) -> str | None:
    """A sentence for pages when some of ``years`` are not in the package, else None.

    Staff and applicants should know a due date in such a year ignores the statutory
    holidays unless an administrator has entered them."""
    unknown = sorted({year for year in years if not known_year(year)})
    if not unknown:
        return None
    return _(
        "%(years)s年的法定节假日和调休安排尚未收录，办理时限按周一至周五计算，"
        "并扣除管理员录入的节假日。"
    ) % {"years": "、".join(str(year) for year in unknown)}


def step_limit(step_or_stage, departments=None) -> int:
    """The limit in working days of a workflow stage or an application step.

    The stage's own limit (stated by the policy text) comes first; else the strictest
    default of its departments (a joint step has to be done within every department's
    time); else ``DEFAULT_LIMIT_DAYS``. ``departments`` defaults to the object's own
    ``departments`` (a district stage names none: pass the resolved ones). A limit of 0
    is taken as not stated: no step can be done in no time."""
    if step_or_stage is not None and step_or_stage.limit_days:
        return step_or_stage.limit_days
    if departments is None:
        departments = step_or_stage.departments.all() if step_or_stage is not None else []
    days = [d.service_days for d in departments if d.service_days]
    return min(days) if days else DEFAULT_LIMIT_DAYS


def fast_track_total(stages: Iterable) -> int:
    return sum(step_limit(stage) for stage in stages)


def fast_track_problem(stages: Iterable) -> str | None:
    """For a 快申快享 measure: why its workflow breaks the 60-working-day promise, or None.

    Each stage counts with ``step_limit`` (district stages, whose departments are only known
    per applicant, count with their own limit or the default)."""
    stages = list(stages)
    total = fast_track_total(stages)
    if total <= FAST_TRACK_LIMIT:
        return None
    return _(
        "快申快享措施全流程办理时限不得超过 %(limit)d 个工作日，"
        "当前 %(count)d 个办理环节的时限合计 %(total)d 个工作日，请缩短环节时限。"
    ) % {"limit": FAST_TRACK_LIMIT, "count": len(stages), "total": total}


def clock_for(application, today: datetime.date, calendar: WorkCalendar | None = None) -> dict:
    """The clock of the step an application waits at, for pages.

    Keys: ``running`` (whether a department is on the clock: in review with a start),
    ``started`` (date the step began), ``waited`` (working days since), ``limit``,
    ``remaining`` (negative when overdue), ``due_on``, ``overdue``, ``overdue_days`` and
    ``note`` (``calendar_note`` for the years involved). The stored ``Application.due_on``
    is the due date when present (it was fixed when the step began); it is computed from
    the limit otherwise. Uses prefetched ``steps__departments`` when present."""
    clock = {
        "running": False,
        "started": None,
        "waited": None,
        "limit": None,
        "remaining": None,
        "due_on": None,
        "overdue": False,
        "overdue_days": 0,
        "note": None,
    }
    if application.state != State.IN_REVIEW or application.waiting_since is None:
        return clock
    calendar = calendar or WorkCalendar()
    step = application.current_step()
    limit = step_limit(step) if step is not None else DEFAULT_LIMIT_DAYS
    started = _as_date(application.waiting_since)
    due = application.due_on
    # One query for the whole span the clock looks at (a month is ample for the due date).
    calendar.cover(min(started, today), max(today, due or started) + datetime.timedelta(days=45))
    if due is None:
        due = calendar.add_working_days(started, limit)
    # Overdue once the due date has passed; on the non-working days right after it the
    # working days overdue (and so ``remaining``) are still 0.
    overdue = today > due
    if overdue:
        overdue_days = calendar.working_days_between(due, today)
        remaining = -overdue_days
    else:
        overdue_days = 0
        remaining = calendar.working_days_between(today, due)
    clock.update(
        running=True,
        started=started,
        waited=calendar.working_days_between(started, today),
        limit=limit,
        remaining=remaining,
        due_on=due,
        overdue=overdue,
        overdue_days=overdue_days,
        note=calendar_note(range(min(started, today).year, max(today, due).year + 1)),
    )
    return clock
