"""A department's desk: what its staff have to do, by due date, and the queue's export.

``desk_for(user)`` is the admin index of a staff user (``templates/admin/index.html``):
applications waiting at the department (the earliest due first), those overdue, those
returned and awaiting the enterprise, and those the department finished this month, each
with its count and a link to the queue filtered alike (``QUEUE_FILTERS``: the same
querysets back the desk and the queue's filter, so a count and its list never disagree).

``queue_rows`` gives the rows of the queue's CSV and XLSX exports, from the queryset the
changelist shows — scoped to the user's department exactly like the queue.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from policies.models import Department
from portal.dates import today as portal_today

from .clock import WorkCalendar, calendar_note, clock_for
from .models import Application, ApplicationEvent, ApplicationStep
from .services import staff_department
from .states import SIGN_OFF, State

DESK_ROWS = 15  # rows per section on the desk; the link leads to all of them
DUE_SOON_DAYS = 2  # working days: "due soon" on the desk and in reminders

# Actions after which a department counts an application as done (办结) by it.
DONE_ACTIONS = ("pass", SIGN_OFF, "reject", "disburse")


def _steps():
    return Prefetch(
        "steps",
        queryset=ApplicationStep.objects.prefetch_related(
            Prefetch("departments", queryset=Department.objects.select_related("city", "district"))
        ),
    )


def month_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, 1))


def awaiting(department, queryset=None):
    """Waiting at the department (not yet signed off by it), the earliest due first."""
    queryset = Application.objects.all() if queryset is None else queryset
    return queryset.awaiting(department).order_by(
        F("due_on").asc(nulls_last=True), "waiting_since", "pk"
    )


def overdue(department, today, queryset=None):
    return awaiting(department, queryset).filter(due_on__lt=today)


def due_soon(department, today, queryset=None, calendar=None):
    calendar = calendar or WorkCalendar()
    last = calendar.add_working_days(today, DUE_SOON_DAYS)
    return awaiting(department, queryset).filter(due_on__gte=today, due_on__lte=last)


def returned(department, queryset=None):
    """Returned by a step of the department's, awaiting the enterprise's correction."""
    queryset = Application.objects.all() if queryset is None else queryset
    return (
        queryset.filter(state=State.RETURNED).at_step_of(department).order_by("waiting_since", "pk")
    )


def done_this_month(department, today, queryset=None):
    """Passed, signed off, rejected or paid by the department since the 1st of the month."""
    queryset = Application.objects.all() if queryset is None else queryset
    acted = ApplicationEvent.objects.filter(
        application=OuterRef("pk"),
        department=department,
        action__in=DONE_ACTIONS,
        at__gte=month_start(today),
    )
    return queryset.filter(Exists(acted)).order_by("-updated_at", "-pk")


# The queue's 办理情况 filter: value → (label, queryset function of (department, today, qs)).
QUEUE_FILTERS = {
    "awaiting": (gettext_lazy("待本部门办理"), lambda d, t, q: awaiting(d, q)),
    "overdue": (gettext_lazy("已超期"), lambda d, t, q: overdue(d, t, q)),
    "due_soon": (gettext_lazy("即将到期（2个工作日内）"), lambda d, t, q: due_soon(d, t, q)),
    "returned": (gettext_lazy("退回待企业补正"), lambda d, t, q: returned(d, q)),
    "done_month": (gettext_lazy("本月本部门已办结"), lambda d, t, q: done_this_month(d, t, q)),
}


@dataclass
class Section:
    key: str
    title: str
    count: int
    rows: list = field(default_factory=list)
    empty: str = ""
    style: str = ""

    @property
    def label(self):
        return QUEUE_FILTERS[self.key][0]


@dataclass
class Desk:
    department: object
    today: datetime.date
    sections: list
    calendar_note: str | None = None


def _section(key, queryset, empty, style, calendar, today, with_rows=True):
    count = queryset.count()
    rows = []
    if with_rows and count:
        items = list(
            queryset.select_related("enterprise", "measure").prefetch_related(_steps())[:DESK_ROWS]
        )
        rows = [(item, clock_for(item, today, calendar)) for item in items]
    return Section(key, str(QUEUE_FILTERS[key][0]), count, rows, empty, style)


def desk_for(user, today=None) -> Desk | None:
    """The department desk of a staff user, or None (no department: the stock index)."""
    department = staff_department(user)
    if department is None:
        return None
    today = today or portal_today()
    calendar = WorkCalendar()
    calendar.cover(today - datetime.timedelta(days=400), today + datetime.timedelta(days=60))
    sections = [
        _section(
            "awaiting",
            awaiting(department),
            _("没有等待本部门办理的申报。"),
            "primary",
            calendar,
            today,
        ),
        _section(
            "overdue",
            overdue(department, today),
            _("没有超期的申报。"),
            "danger",
            calendar,
            today,
            with_rows=False,
        ),
        _section(
            "returned",
            returned(department),
            _("没有退回待补正的申报。"),
            "warning",
            calendar,
            today,
        ),
        _section(
            "done_month",
            done_this_month(department, today),
            _("本月尚未办结申报。"),
            "success",
            calendar,
            today,
        ),
    ]
    return Desk(department, today, sections, calendar_note([today.year]))


# --- the export -------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    gettext_lazy("编号"),
    gettext_lazy("企业"),
    gettext_lazy("统一社会信用代码"),
    gettext_lazy("政策措施"),
    gettext_lazy("状态"),
    gettext_lazy("当前环节"),
    gettext_lazy("申请金额（元）"),
    gettext_lazy("核定金额（元）"),
    gettext_lazy("提交时间"),
    gettext_lazy("本环节到期日"),
    gettext_lazy("已等待（工作日）"),
    gettext_lazy("超期（工作日）"),
    gettext_lazy("拨付金额（元）"),
    gettext_lazy("拨付日期"),
    gettext_lazy("凭证号"),
]


def _step_text(application):
    step = application.current_step()
    if step is None:
        return ""
    names = "、".join(d.name for d in step.departments.all())
    unit = f"（{step.unit}）" if step.unit else ""
    return f"{step.position}. {names}{unit} {step.get_act_display()}"


def queue_rows(queryset, today=None):
    """The header and one row per application of ``queryset`` (the changelist's own)."""
    today = today or portal_today()
    calendar = WorkCalendar()
    calendar.cover(today - datetime.timedelta(days=400), today + datetime.timedelta(days=60))
    applications = (
        queryset.select_related("enterprise", "measure")
        .prefetch_related(None)
        .prefetch_related(_steps())
    )
    yield [str(c) for c in EXPORT_COLUMNS]
    for application in applications:
        clock = clock_for(application, today, calendar)
        yield [
            application.number,
            application.enterprise.name,
            application.enterprise.uscc,
            application.measure.title,
            application.get_state_display(),
            _step_text(application),
            application.requested_amount_yuan,
            application.approved_amount_yuan,
            timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M")
            if application.submitted_at
            else "",
            clock["due_on"] or "",
            clock["waited"] if clock["running"] else "",
            clock["overdue_days"] if clock["overdue"] else "",
            application.disbursed_amount_yuan,
            application.disbursed_on or "",
            application.voucher_number,
        ]


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell_text(value) -> str:
    """A cell for CSV: text a spreadsheet will not run as a formula (CSV injection)."""
    if value is None:
        return ""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def queue_csv(rows) -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_cell_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


QUEUE_WIDTHS = (10, 28, 22, 40, 10, 30, 14, 14, 17, 13, 10, 10, 14, 12, 18)


def queue_xlsx(rows, title) -> bytes:
    return xlsx(rows, title, widths=QUEUE_WIDTHS)


def xlsx(rows, title, *, widths=(), number_formats=None) -> bytes:
    """An Excel workbook of one sheet: the first row (the header) bold and frozen; text a
    spreadsheet would run as a formula kept as text; ``widths`` of the columns in order and
    ``number_formats`` {column index: format} for the cells below the header. The desk's
    queue and the statistics tables are exported through it, as through ``queue_csv``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    # a sheet's name has at most 31 characters and none of []:*?/\
    sheet.title = re.sub(r"[\[\]:*?/\\]", "", title)[:31] or "Sheet1"
    number_formats = number_formats or {}
    for index, row in enumerate(rows):
        values = []
        for value in row:
            if isinstance(value, str) and value.startswith(FORMULA_START):
                value = f"'{value}"
            values.append(value if value is not None else "")
        sheet.append(values)
        if index == 0:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
        else:
            for column, number_format in number_formats.items():
                if column < len(values):
                    sheet.cell(row=index + 1, column=column + 1).number_format = number_format
    sheet.freeze_panes = "A2"
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
