"""Open statistics (公开统计) of the applications: per city, document, measure, department and
stage, computed once here for the public page, the staff page and their CSV downloads.

**What is counted** (for the applications of a queryset, drafts never):

- *received* (受理件数): applications that entered review — counted from the first event
  whose ``to_state`` is 审核中, whatever its action (a submission, or a confirmation where a
  route starts otherwise), so new states and actions do not change the count. The *year* of
  an application is the year of that event; the year filter reads it.
- *approved* (通过件数): 已通过 or 已拨付, or waiting at the route's payment step (拨付) after
  an earlier step passed it (审核已通过、待拨付). *Rejected* (未通过): 未通过. Withdrawn,
  returned, still in review and any other state count as received only.
- *amount approved* (核定金额): the approved amount of the approved ones (the paid amount
  when none was recorded); *amount paid* (拨付金额): the paid amount of the 已拨付 ones.
- *days to payment* (提交至拨付用时): working days (``clock.WorkCalendar``, one calendar for
  the whole computation) from entering review to the payment date, for the paid ones; the
  median (the mean of the two middle values for an even count) and the 90th percentile by
  the nearest-rank method (the ⌈0.9·n⌉-th smallest value).
- *overdue share* (超期比例), defined once: of the steps a department finished — a span in
  review at a step (``timeline.review_spans``) ended by the department's own action (pass,
  return, rejection, payment; not the enterprise's withdrawal) — the share finished after its
  due date (the step's limit in working days from the day the span began, as
  ``services._enter_step`` sets ``due_on``). A returned-and-resubmitted step is two spans.

**Groupings.** City, document and measure are the measure's (the issuing city); each
application is in exactly one row, and the total is the sum of the rows. Department and stage
are those of the steps the application reached (position up to its current one): an
application that went through three departments counts once under each, so their total
(every application once) is not the sum of their rows; its overdue share counts only the
spans at that department's / stage's steps.

**Disclosure control on the public page** (``public_tables``). ``K`` is
``settings.STATISTICS_MIN_ENTERPRISES`` (default 3). Suppressing a small row alone is not
enough: its figures could be read back by subtracting the other rows from the total, from
another grouping's row (a district department's row minus a measure's), or from the same
table under another filter (all years minus one year). So the rule works on the finest cells
every published figure is built from: an application's *cell* is (year received, measure —
and so document and city —, the set of departments and of stages it reached, its outcome:
paid / approved / rejected / other). Every application of a cell with fewer than K distinct
enterprises is left out of **every** public figure, rows, totals and charts alike. Every
published number is then a sum over whole cells, each of at least K enterprises, whatever the
filter (city and year are parts of the cell); a difference of published numbers is again a
sum over whole cells, so no subtraction isolates fewer than K enterprises, and the amounts
and days of approved or paid ones always come from at least K enterprises that were approved
or paid. A row whose applications were all left out is shown as 数量较少不予公示 with no
figure; the page says that the figures leave small cells out.

Counting enterprises is not enough where one amount dwarfs the others: of three enterprises
paid 100 万, 2 万 and 1 万, the cell's total of 103 万 is in effect the first one's payment,
and the second, subtracting its own, learns it to within 1 万. So a cell is also left out, in
the same way, when it is *dominated* by the p% rule (``settings.STATISTICS_DOMINANCE_PERCENT``,
default 10): its amounts approved, or its amounts paid, summed per enterprise, are such that
all but the two largest add up to less than p% of the largest — the second-largest
enterprise, the one placed best to do so, could then estimate the largest one's amount from
the published total to within p%. A sum of undominated cells is undominated: in each cell,
whatever two enterprises are set aside, the others hold at least p% of what the larger of
the two holds there (at least what the two largest leave); added up over the cells, the same
holds of the sum — so rows, totals and differences stay safe as above (a hypothesis test
tries it). A cell whose amounts are all zero or unknown is not dominated; 0 turns the rule
off.
Limit: a row listed as suppressed does say that some enterprises applied there.

The staff page shows full figures (no suppression) for the applications the staff member's
department handled (``ApplicationQuerySet.visible_to_staff``: the very ones of their queue),
and its step figures (department, stage, overdue) count only their department's steps; a
superuser sees everything.

**Queries.** A fixed number whatever the number of applications: one for the applications
(with their first entry into review and whether they wait at payment, as subqueries), one
for their steps and departments, one for their events, one per grouping's labels, one or two
for the calendar. Counting is done in Python over these rows because the department and stage
groupings count an application under several rows (a join would add its amounts twice) and
the percentiles and overdue spans need the rows anyway.
"""

import datetime
import math
import statistics as pystats
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from policies.formatting import department_name
from policies.models import City, Department, Measure, PolicyDocument

from .clock import WorkCalendar, step_limit
from .models import Act, Application, ApplicationEvent, ApplicationStep
from .states import TRANSITIONS, Role, State
from .timeline import review_spans

DEFAULT_MIN_ENTERPRISES = 3
DEFAULT_DOMINANCE_PERCENT = 10

GROUPINGS = {
    "city": (gettext_lazy("按城市"), gettext_lazy("城市")),
    "document": (gettext_lazy("按政策文件"), gettext_lazy("政策文件")),
    "measure": (gettext_lazy("按政策措施"), gettext_lazy("政策措施")),
    "department": (gettext_lazy("按办理部门"), gettext_lazy("办理部门")),
    "stage": (gettext_lazy("按办理环节"), gettext_lazy("办理环节")),
}

PAID, APPROVED, REJECTED, OTHER = "paid", "approved", "rejected", "other"

SUPPRESSED = gettext_lazy("数量较少不予公示")

OVERDUE_DEFINITION = gettext_lazy(
    "超期比例：各部门已办结的办理环节中，晚于该环节办理期限（自进入该环节之日起按工作日计算的"
    "办理时限）办结的比例；退回补正后重新提交的环节分次计算，企业撤回的不计入。"
)


def min_enterprises() -> int:
    return int(getattr(settings, "STATISTICS_MIN_ENTERPRISES", DEFAULT_MIN_ENTERPRISES))


def dominance_percent() -> int:
    return int(getattr(settings, "STATISTICS_DOMINANCE_PERCENT", DEFAULT_DOMINANCE_PERCENT))


def dominated(amounts, p) -> bool:
    """The p% rule (see the module's docstring): ``amounts`` are one cell's, one per
    enterprise; true when all but the two largest add up to less than p% of the largest."""
    ordered = sorted((amount for amount in amounts if amount), reverse=True)
    if not ordered:
        return False
    return sum(ordered[2:]) * 100 < p * ordered[0]


# --- one application, as the statistics see it ----------------------------------------------


@dataclass
class Item:
    pk: int
    enterprise: int
    measure: int
    document: int
    city: int
    year: int
    outcome: str
    approved_yuan: Decimal | None
    paid_yuan: Decimal | None
    paid_days: int | None
    departments: set = field(default_factory=set)
    stages: set = field(default_factory=set)
    # finished spans: (departments of the step, act of the step, overdue?)
    spans: list = field(default_factory=list)

    def keys(self, grouping) -> set:
        if grouping in ("city", "document", "measure"):
            return {getattr(self, grouping)}
        return self.departments if grouping == "department" else self.stages

    def cell(self):
        return (
            self.year,
            self.measure,
            frozenset(self.departments),
            frozenset(self.stages),
            self.outcome,
        )


def _outcome(state, waiting_at_payment) -> str:
    if state == State.DISBURSED:
        return PAID
    if state == State.APPROVED or (state == State.IN_REVIEW and waiting_at_payment):
        return APPROVED
    if state == State.REJECTED:
        return REJECTED
    return OTHER


def _year_bounds(year):
    zone = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=zone)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=zone)


def load_items(queryset, year=None, department=None, calendar=None) -> list[Item]:
    """The applications of ``queryset`` that entered review (in ``year``, when given).

    ``department``: count only that department's steps (the staff page)."""
    first_review = (
        ApplicationEvent.objects.filter(application=OuterRef("pk"), to_state=State.IN_REVIEW)
        .order_by("at", "pk")
        .values("at")[:1]
    )
    at_payment = ApplicationStep.objects.filter(
        application=OuterRef("pk"), position=OuterRef("position"), position__gt=1, act=Act.DISBURSE
    )
    applications = queryset.annotate(
        received_at=Subquery(first_review), waiting_at_payment=Exists(at_payment)
    ).filter(received_at__isnull=False)
    if year:
        start, end = _year_bounds(year)
        applications = applications.filter(received_at__gte=start, received_at__lt=end)
    rows = list(
        applications.order_by().values_list(
            "pk",
            "enterprise_id",
            "measure_id",
            "measure__document_id",
            "measure__document__city_id",
            "state",
            "position",
            "waiting_at_payment",
            "received_at",
            "approved_amount_yuan",
            "disbursed_amount_yuan",
            "disbursed_on",
        )
    )
    if not rows:
        return []
    pks = applications.order_by().values("pk")
    steps = defaultdict(dict)  # application → position → step
    for app, position, act, limit, dept, service_days in ApplicationStep.objects.filter(
        application__in=pks
    ).values_list(
        "application_id",
        "position",
        "act",
        "limit_days",
        "departments",
        "departments__service_days",
    ):
        step = steps[app].setdefault(
            position, SimpleNamespace(act=act, limit_days=limit, departments=[])
        )
        if dept is not None:
            step.departments.append(SimpleNamespace(pk=dept, service_days=service_days))
    events = defaultdict(list)
    for event in (
        ApplicationEvent.objects.filter(application__in=pks)
        .only(
            "application_id",
            "at",
            "action",
            "from_state",
            "to_state",
            "from_position",
            "to_position",
        )
        .order_by("application_id", "at", "pk")
    ):
        events[event.application_id].append(event)

    calendar = calendar or WorkCalendar()
    dates = [timezone.localdate(row[8]) for row in rows] + [row[11] for row in rows if row[11]]
    longest = max(
        (step_limit(s, s.departments) for by_pos in steps.values() for s in by_pos.values()),
        default=0,
    )
    calendar.cover(min(dates), max(max(dates), _today()) + datetime.timedelta(2 * longest + 14))

    items = []
    for (
        pk,
        enterprise,
        measure,
        document,
        city,
        state,
        position,
        waiting_at_payment,
        received_at,
        approved,
        paid,
        paid_on,
    ) in rows:
        outcome = _outcome(state, waiting_at_payment)
        item = Item(
            pk=pk,
            enterprise=enterprise,
            measure=measure,
            document=document,
            city=city,
            year=timezone.localtime(received_at).year,
            outcome=outcome,
            approved_yuan=(approved if approved is not None else paid)
            if outcome in (PAID, APPROVED)
            else None,
            paid_yuan=paid if outcome == PAID else None,
            paid_days=calendar.working_days_between(received_at, paid_on)
            if outcome == PAID and paid_on
            else None,
        )
        mine = {
            pos: step
            for pos, step in steps[pk].items()
            if pos <= position
            and (department is None or department in {d.pk for d in step.departments})
        }
        for step in mine.values():
            item.stages.add(step.act)
            item.departments.update(d.pk for d in step.departments)
        if department is not None:
            item.departments &= {department}
        for pos, spans in review_spans(events[pk]).items():
            step = mine.get(pos)
            if step is None:
                continue
            limit = step_limit(step, step.departments)
            for start, end in spans:
                if end is None or not _by_department(end.action):
                    continue
                due = calendar.add_working_days(timezone.localdate(start), limit)
                overdue = timezone.localdate(end.at) > due
                item.spans.append(({d.pk for d in step.departments}, step.act, overdue))
        items.append(item)
    return items


def _by_department(action) -> bool:
    transition = TRANSITIONS.get(action)
    return transition is not None and transition.role == Role.STAGE


def _today():
    from portal.dates import today

    return today()


# --- rows and tables ----------------------------------------------------------------------


@dataclass
class Row:
    key: object
    label: str = ""
    order: tuple = ()
    received: int = 0
    approved: int = 0
    rejected: int = 0
    paid: int = 0
    approved_yuan: Decimal = Decimal(0)
    paid_yuan: Decimal = Decimal(0)
    days: list = field(default_factory=list)
    steps_done: int = 0
    steps_overdue: int = 0
    enterprises: set = field(default_factory=set)
    suppressed: bool = False

    def add(self, item: Item, spans) -> None:
        self.received += 1
        self.enterprises.add(item.enterprise)
        if item.outcome in (PAID, APPROVED):
            self.approved += 1
            self.approved_yuan += item.approved_yuan or 0
        if item.outcome == REJECTED:
            self.rejected += 1
        if item.outcome == PAID:
            self.paid += 1
            self.paid_yuan += item.paid_yuan or 0
            if item.paid_days is not None:
                self.days.append(item.paid_days)
        for _departments, _act, overdue in spans:
            self.steps_done += 1
            self.steps_overdue += overdue

    @property
    def enterprise_count(self) -> int:
        return len(self.enterprises)

    @property
    def median_days(self):
        if not self.days:
            return None
        value = Decimal(pystats.median(sorted(self.days)))
        return value.quantize(Decimal("0.1")).normalize() if value % 1 else int(value)

    @property
    def p90_days(self):
        if not self.days:
            return None
        ordered = sorted(self.days)
        return ordered[math.ceil(0.9 * len(ordered)) - 1]

    @property
    def overdue_percent(self):
        """The overdue share in per cent, to one decimal (``Decimal``), or None."""
        if not self.steps_done:
            return None
        return (Decimal(100 * self.steps_overdue) / self.steps_done).quantize(Decimal("0.1"))


@dataclass
class Table:
    grouping: str
    title: str
    heading: str
    rows: list
    total: Row
    public: bool = False

    @property
    def chart_rows(self):
        return [row for row in self.rows if not row.suppressed]


def _spans_of(item, grouping, key):
    if grouping == "department":
        return [s for s in item.spans if key in s[0]]
    if grouping == "stage":
        return [s for s in item.spans if s[1] == key]
    return item.spans


def _labels(grouping, keys) -> dict:
    """{key: (label, sort order)} for the keys of a grouping: one query."""
    if grouping == "city":
        return {
            pk: (name, (name,))
            for pk, name in City.objects.filter(pk__in=keys).values_list("pk", "name")
        }
    if grouping == "document":
        return {
            pk: (title, (city, title))
            for pk, title, city in PolicyDocument.all_objects.filter(pk__in=keys).values_list(
                "pk", "title", "city__name"
            )
        }
    if grouping == "measure":
        return {
            pk: (f"{title}（{path_key}）", (document, position, pk))
            for pk, title, path_key, document, position in Measure.all_objects.filter(
                pk__in=keys
            ).values_list("pk", "title", "path_key", "document_id", "position")
        }
    if grouping == "department":
        return {
            d.pk: (department_name(d), (department_name(d),))
            for d in Department.objects.filter(pk__in=keys).select_related("city", "district")
        }
    order = {value: index for index, value in enumerate(Act.values)}
    return {key: (str(Act(key).label), (order[key],)) for key in keys if key in order}


def build_tables(items, groupings=None, shown=None, suppressed_keys=None, public=False) -> dict:
    """{grouping: Table} over ``items``. ``suppressed_keys``: {grouping: keys} to list as
    suppressed rows (public); ``shown``: {grouping: keys} to restrict rows to (staff)."""
    groupings = list(groupings or GROUPINGS)
    suppressed_keys = suppressed_keys or {}
    tables = {}
    for grouping in groupings:
        rows: dict = {}
        total = Row("total", str(_("合计")))
        for item in items:
            total.add(item, item.spans if grouping not in ("department", "stage") else [])
            for key in item.keys(grouping):
                if shown and grouping in shown and key not in shown[grouping]:
                    continue
                rows.setdefault(key, Row(key)).add(item, _spans_of(item, grouping, key))
        if grouping in ("department", "stage"):
            # every application once; its finished spans once each
            total.label = str(_("合计（每件申报计一次）"))
            for item in items:
                for _departments, _act, overdue in item.spans:
                    total.steps_done += 1
                    total.steps_overdue += overdue
        for key in suppressed_keys.get(grouping, ()):
            if key not in rows:
                rows[key] = Row(key, suppressed=True)
        labels = _labels(grouping, list(rows))
        for key, row in rows.items():
            row.label, row.order = labels.get(key, (str(key), (str(key),)))
        title, heading = GROUPINGS[grouping]
        tables[grouping] = Table(
            grouping,
            str(title),
            str(heading),
            sorted(rows.values(), key=lambda r: r.order),
            total,
            public,
        )
    return tables


def disclosed(items, k=None, p=None):
    """The items the public figures may contain, and the rows to list as suppressed.

    Leaves out every item of a cell (``Item.cell``) with fewer than ``k`` distinct
    enterprises, or whose amounts approved or paid are dominated by the ``p``% rule (see the
    module's docstring)."""
    k = min_enterprises() if k is None else k
    p = dominance_percent() if p is None else p
    approved = defaultdict(lambda: defaultdict(Decimal))  # cell → enterprise → yuan
    paid = defaultdict(lambda: defaultdict(Decimal))
    for item in items:
        cell = item.cell()
        approved[cell][item.enterprise] += item.approved_yuan or 0
        paid[cell][item.enterprise] += item.paid_yuan or 0
    hidden = {
        cell
        for cell, enterprises in approved.items()
        if len(enterprises) < k
        or dominated(enterprises.values(), p)
        or dominated(paid[cell].values(), p)
    }
    kept = [item for item in items if item.cell() not in hidden]
    left_out = [item for item in items if item.cell() in hidden]
    suppressed = {
        grouping: {key for item in left_out for key in item.keys(grouping)}
        for grouping in GROUPINGS
    }
    return kept, suppressed, bool(left_out)


def public_tables(queryset=None, year=None, city=None, k=None) -> tuple[dict, bool]:
    """The public page's tables (suppressed as the module's docstring says), and whether
    some applications were left out."""
    queryset = Application.objects.all() if queryset is None else queryset
    if city is not None:
        queryset = queryset.filter(measure__document__city=city)
    items = load_items(queryset, year=year)
    kept, suppressed, left_out = disclosed(items, k)
    return build_tables(kept, suppressed_keys=suppressed, public=True), left_out


def staff_tables(user, year=None, city=None) -> dict:
    """Full figures for the applications the staff member's department handled (all, for a
    superuser); the step figures count only the department's own steps."""
    from .services import staff_department

    queryset = Application.objects.visible_to_staff(user)
    if city is not None:
        queryset = queryset.filter(measure__document__city=city)
    department = None if user.is_superuser else staff_department(user)
    department_pk = department.pk if department is not None else None
    items = load_items(queryset, year=year, department=department_pk)
    shown = {"department": {department_pk}} if department_pk else None
    return build_tables(items, shown=shown)


def years_with_applications(queryset=None) -> list[int]:
    """The years in which applications entered review, newest first (one query)."""
    events = ApplicationEvent.objects.filter(to_state=State.IN_REVIEW)
    if queryset is not None:
        events = events.filter(application__in=queryset.order_by().values("pk"))
    years = events.dates("at", "year", order="DESC")
    return [day.year for day in years]


# --- CSV and Excel ---------------------------------------------------------------------------


def columns(table: Table) -> list[str]:
    return [
        table.heading,
        _("企业数"),
        _("受理件数"),
        _("通过件数"),
        _("未通过件数"),
        _("核定金额（元）"),
        _("拨付件数"),
        _("拨付金额（元）"),
        _("提交至拨付用时中位数（工作日）"),
        _("提交至拨付用时90%分位（工作日）"),
        _("已办结环节数"),
        _("超期比例（%）"),
    ]


AMOUNT_COLUMNS = (5, 7)  # the yuan columns of ``columns`` (numbers with two decimals)
CENTS = Decimal("0.01")


def _figures(row: Row) -> list:
    return [
        row.enterprise_count,
        row.received,
        row.approved,
        row.rejected,
        row.approved_yuan.quantize(CENTS),
        row.paid,
        row.paid_yuan.quantize(CENTS),
        "" if row.median_days is None else row.median_days,
        "" if row.p90_days is None else row.p90_days,
        row.steps_done,
        "" if row.overdue_percent is None else row.overdue_percent,
    ]


def table_rows(table: Table):
    """The table as rows for a file (header first, total last): the same figures as the
    page, numbers as numbers (amounts to the fen), "" where the page shows none. The CSV and
    the Excel file are both written from these rows."""
    header = columns(table)
    yield header
    for row in table.rows:
        if row.suppressed:
            yield [row.label, str(SUPPRESSED)] + [""] * (len(header) - 2)
        else:
            yield [row.label, *_figures(row)]
    yield [table.total.label, *_figures(table.total)]
