"""The service clock: working days from chinese-calendar, staff corrections, step limits.

The 2026 Spring Festival as chinese-calendar 1.11 has it (checked against the package in
``test_the_package_knows_the_2026_spring_festival``): 15–23 February off, Saturdays
14 and 28 February worked (调休).
"""

import datetime
from types import SimpleNamespace

import chinese_calendar
import pytest
from django.utils import timezone

from applications import clock
from applications.models import Application, ApplicationStep, CalendarDay, WorkflowStage
from policies.models import Department

from .conftest import submitted

pytestmark = pytest.mark.django_db

D = datetime.date
FESTIVAL = [D(2026, 2, 15) + datetime.timedelta(days=i) for i in range(9)]  # 15th–23rd
ADJUSTED_SATURDAYS = [D(2026, 2, 14), D(2026, 2, 28)]
UNKNOWN_YEAR = 2027  # not in chinese-calendar 1.11; the tests skip once the package knows it


def needs_unknown_year():
    if clock.known_year(UNKNOWN_YEAR):
        pytest.skip(f"chinese-calendar now covers {UNKNOWN_YEAR}; pick a later year")


# --- the package's calendar -------------------------------------------------------------------


def test_the_package_knows_the_2026_spring_festival():
    assert all(chinese_calendar.is_holiday(day) for day in FESTIVAL)
    assert all(chinese_calendar.is_workday(day) for day in ADJUSTED_SATURDAYS)
    assert all(day.weekday() == 5 for day in ADJUSTED_SATURDAYS)
    # The days around the festival are ordinary.
    assert chinese_calendar.is_workday(D(2026, 2, 13)) and chinese_calendar.is_workday(
        D(2026, 2, 24)
    )
    assert clock.known_year(2026) and clock.known_year(2004)


def test_is_workday_across_the_spring_festival():
    assert clock.is_workday(D(2026, 2, 13))  # Friday
    assert clock.is_workday(D(2026, 2, 14))  # 调休 Saturday
    assert not clock.is_workday(D(2026, 2, 16))  # Monday of the festival
    assert not clock.is_workday(D(2026, 2, 23))  # last day off, a Monday
    assert clock.is_workday(D(2026, 2, 24))
    assert clock.is_workday(D(2026, 2, 28))  # 调休 Saturday
    assert not clock.is_workday(D(2026, 3, 7))  # a plain Saturday
    assert not clock.is_workday(D(2026, 3, 8))  # a plain Sunday


def test_add_working_days_across_the_spring_festival():
    assert clock.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert clock.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert clock.add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    # 24, 25, 26, 27, 28 (Saturday, worked), then Monday 2 March.
    assert clock.add_working_days(D(2026, 2, 23), 5) == D(2026, 2, 28)
    assert clock.add_working_days(D(2026, 2, 23), 6) == D(2026, 3, 2)
    assert clock.add_working_days(D(2026, 2, 13), 0) == D(2026, 2, 13)


def test_working_days_between_across_the_spring_festival():
    # After the 10th: 11, 12, 13, 14 (调休), then 24, 25, 26, 27.
    assert clock.working_days_between(D(2026, 2, 10), D(2026, 2, 27)) == 8
    assert clock.working_days_between(D(2026, 2, 10), D(2026, 2, 28)) == 9
    assert clock.working_days_between(D(2026, 2, 14), D(2026, 2, 23)) == 0
    assert clock.working_days_between(D(2026, 2, 27), D(2026, 2, 10)) == 0
    assert clock.working_days_between(D(2026, 2, 10), D(2026, 2, 10)) == 0


def test_add_and_between_agree():
    start = D(2026, 1, 20)
    for n in range(0, 40):
        assert clock.working_days_between(start, clock.add_working_days(start, n)) == n


def test_a_tiaoxiu_saturday_counts_and_a_plain_saturday_does_not():
    # Friday 13 → Saturday 14 (调休): one working day; Friday 6 March → Saturday 7: none.
    assert clock.working_days_between(D(2026, 2, 13), D(2026, 2, 14)) == 1
    assert clock.working_days_between(D(2026, 3, 6), D(2026, 3, 7)) == 0
    assert clock.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)


def test_datetimes_count_from_their_local_date():
    # 23:30 on Friday 13 Feb in Shanghai is still the 13th there.
    moment = timezone.make_aware(datetime.datetime(2026, 2, 13, 23, 30))
    assert clock.add_working_days(moment, 1) == D(2026, 2, 14)
    assert clock.working_days_between(moment, D(2026, 2, 24)) == 2


# --- a year the package does not know -------------------------------------------------------


def test_an_unknown_year_counts_monday_to_friday():
    needs_unknown_year()
    assert not clock.known_year(UNKNOWN_YEAR)
    friday = D(UNKNOWN_YEAR, 1, 8)
    assert friday.weekday() == 4
    assert clock.is_workday(friday)
    assert not clock.is_workday(friday + datetime.timedelta(days=1))
    assert clock.add_working_days(friday, 1) == friday + datetime.timedelta(days=3)
    # 1 January 2027 is a Friday: with no holiday entered, it is a working day.
    assert clock.is_workday(D(UNKNOWN_YEAR, 1, 1))
    assert clock.working_days_between(D(UNKNOWN_YEAR - 1, 12, 31), D(UNKNOWN_YEAR, 1, 8)) == 6


def test_staff_entries_complete_an_unknown_year():
    needs_unknown_year()
    CalendarDay.objects.create(date=D(UNKNOWN_YEAR, 1, 1), workday=False, name="元旦")
    saturday = D(UNKNOWN_YEAR, 1, 9)
    CalendarDay.objects.create(date=saturday, workday=True, name="调休上班")
    assert not clock.is_workday(D(UNKNOWN_YEAR, 1, 1))
    assert clock.is_workday(saturday)
    # Thu 31 Dec 2026 + 1: the holiday on Friday 1 January is skipped.
    assert clock.add_working_days(D(UNKNOWN_YEAR - 1, 12, 31), 1) == D(UNKNOWN_YEAR, 1, 4)
    # Friday 8 → the worked Saturday 9.
    assert clock.add_working_days(D(UNKNOWN_YEAR, 1, 8), 1) == saturday
    # After 31 Dec: 4–8 January and Saturday 9 (1 January is off).
    assert clock.working_days_between(D(UNKNOWN_YEAR - 1, 12, 31), saturday) == 6


def test_calendar_note_names_the_years_not_covered():
    needs_unknown_year()
    assert clock.calendar_note([2025, 2026]) is None
    note = clock.calendar_note([2026, UNKNOWN_YEAR])
    assert note == (
        f"{UNKNOWN_YEAR}年的法定节假日和调休安排尚未收录，办理时限按周一至周五计算，"
        "并扣除管理员录入的节假日。"
    )
    assert f"{UNKNOWN_YEAR}、{UNKNOWN_YEAR + 1}年" in clock.calendar_note(
        [UNKNOWN_YEAR + 1, UNKNOWN_YEAR, UNKNOWN_YEAR]
    )


def test_a_staff_entry_overrides_the_package_in_a_covered_year():
    CalendarDay.objects.create(date=D(2026, 2, 14), workday=False, name="调休取消")
    CalendarDay.objects.create(date=D(2026, 3, 7), workday=True, name="临时上班")
    CalendarDay.objects.create(date=D(2026, 3, 9), workday=False, name="临时放假")
    assert chinese_calendar.is_workday(D(2026, 2, 14))  # the package says otherwise
    assert not clock.is_workday(D(2026, 2, 14))
    assert clock.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 24)
    assert clock.working_days_between(D(2026, 2, 10), D(2026, 2, 27)) == 7
    assert clock.is_workday(D(2026, 3, 7))
    assert clock.add_working_days(D(2026, 3, 6), 2) == D(2026, 3, 10)


def test_query_counts_are_bounded(django_assert_max_num_queries):
    CalendarDay.objects.create(date=D(2026, 5, 6), workday=False, name="临时放假")
    with django_assert_max_num_queries(1):
        days = clock.working_days_between(D(2025, 12, 31), D(2026, 12, 31))
    # 2026 in chinese-calendar 1.11, less the day entered above.
    expected = sum(
        chinese_calendar.is_workday(d)
        for d in chinese_calendar.get_dates(D(2026, 1, 1), D(2026, 12, 31))
    )
    assert days == expected - 1
    with django_assert_max_num_queries(3):
        assert clock.add_working_days(D(2025, 12, 31), days) == D(2026, 12, 31)
    calendar = clock.WorkCalendar()
    with django_assert_max_num_queries(1):
        calendar.cover(D(2026, 1, 1), D(2026, 12, 31))
        for day in chinese_calendar.get_dates(D(2026, 1, 1), D(2026, 12, 31)):
            calendar.is_workday(day)


# --- limits ------------------------------------------------------------------------------------


def test_step_limit_precedence(catalogue):
    strict, lax, silent = (
        SimpleNamespace(service_days=5),
        SimpleNamespace(service_days=15),
        SimpleNamespace(service_days=None),
    )
    stage = SimpleNamespace(limit_days=20)
    assert clock.step_limit(stage, [strict, lax]) == 20  # the stage's own limit
    stage.limit_days = None
    assert clock.step_limit(stage, [lax, strict, silent]) == 5  # the strictest department
    assert clock.step_limit(stage, [silent]) == clock.DEFAULT_LIMIT_DAYS == 10
    assert clock.step_limit(stage, []) == 10


def test_step_limit_reads_the_stages_departments(catalogue, measure):
    stage = WorkflowStage.objects.filter(measure=measure, level="city").first()
    assert stage is not None and stage.departments.exists()
    WorkflowStage.objects.filter(pk=stage.pk).update(limit_days=None)
    stage.refresh_from_db()
    assert clock.step_limit(stage) == 10
    Department.objects.filter(pk__in=stage.departments.all()).update(service_days=7)
    assert clock.step_limit(stage) == 7
    stage.limit_days = 3
    assert clock.step_limit(stage) == 3


def test_fast_track_problem():
    def stage(days):
        return SimpleNamespace(limit_days=days, departments=SimpleNamespace(all=lambda: []))

    assert clock.FAST_TRACK_LIMIT == 60
    assert clock.fast_track_problem([stage(20), stage(20), stage(20)]) is None
    # Two stages with no limit count 10 each: 45 + 10 + 10 > 60.
    problem = clock.fast_track_problem([stage(45), stage(None), stage(None)])
    assert problem is not None
    assert "60" in problem and "65" in problem and "快申快享" in problem
    assert clock.fast_track_problem([]) is None


# --- the clock of an application -----------------------------------------------------------


def test_clock_for_an_application_in_review(application_a, settings):
    started = timezone.make_aware(datetime.datetime(2026, 2, 13, 10, 0))
    Application.objects.filter(pk=application_a.pk).update(waiting_since=started, due_on=None)
    ApplicationStep.objects.filter(application=application_a, position=1).update(limit_days=3)
    application = Application.objects.prefetch_related("steps__departments").get(
        pk=application_a.pk
    )
    # Due: 14 (调休), 24, 25.
    before = clock.clock_for(application, D(2026, 2, 24))
    assert before["running"] and not before["overdue"]
    assert (before["limit"], before["waited"], before["remaining"]) == (3, 2, 1)
    assert before["due_on"] == D(2026, 2, 25) and before["note"] is None
    after = clock.clock_for(application, D(2026, 2, 27))
    assert after["overdue"] and (after["remaining"], after["overdue_days"]) == (-2, 2)
    assert after["waited"] == 5
    # The stored due date wins over the limit.
    Application.objects.filter(pk=application_a.pk).update(due_on=D(2026, 3, 2))
    application.refresh_from_db()
    assert clock.clock_for(application, D(2026, 2, 27))["remaining"] == 2


def test_clock_for_notes_an_unknown_year(application_a):
    needs_unknown_year()
    started = timezone.make_aware(datetime.datetime(UNKNOWN_YEAR, 1, 4, 9, 0))
    Application.objects.filter(pk=application_a.pk).update(waiting_since=started, due_on=None)
    application = Application.objects.get(pk=application_a.pk)
    result = clock.clock_for(application, D(UNKNOWN_YEAR, 1, 6))
    assert result["due_on"] == D(UNKNOWN_YEAR, 1, 18)  # 10 weekdays
    assert str(UNKNOWN_YEAR) in result["note"]


def test_clock_for_stops_outside_review(personas, measure):
    returned = submitted(personas.enterprise_a, measure)
    Application.objects.filter(pk=returned.pk).update(state="returned")
    result = clock.clock_for(Application.objects.get(pk=returned.pk), D(2026, 2, 27))
    assert result["running"] is False and result["remaining"] is None
