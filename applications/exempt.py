"""免申即享 (benefit without application): lists of beneficiaries, and their items.

A department whose measure has a 免申即享 route (``workflow.exempt_route``) builds a list of
the enterprises it pays: uploaded as CSV (UTF-8 with or without BOM, or GB18030) or XLSX
with the header 统一社会信用代码、企业名称、依据、金额（元）, or generated from the enterprises'
kept profiles (一企一档) with the measure's self-check rule. An upload is validated row by
row and imported whole or not at all: any error, and the report lists every bad row by its
line number, nothing is imported.

Issuing the list (下发, a POST after a confirmation page) gives every listed enterprise that
is registered a 待确认 item in 我的申报 (an ``Application`` on the 免申即享 route, with its one
payment step); a row whose credit code is not registered yet waits, and the registration
of that code claims it (``claim_waiting``, in the registration's transaction). The enterprise
confirms (bank account, 信用承诺) or declines through ``services.perform``; the paying
department pays with the ordinary 登记拨付.

Name check: a row whose credit code is registered under another name is an **error** (a
mistyped code would send the money to another enterprise); a row for an enterprise
registered in another city is an error too.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from policies.formatting import format_yuan
from portal import dates

from . import services, workflow
from .models import Application, ApplicationEvent, Beneficiary, BeneficiaryList, Enterprise
from .states import LISTED, Route, State
from .uscc import normalize_uscc, validate_uscc

HEADER = ("统一社会信用代码", "企业名称", "依据", "金额（元）")
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
MAX_AMOUNT = Decimal("999999999999.99")


class ListError(Exception):
    """A list that cannot be issued or generated now; ``str(error)`` is for the user."""


@dataclass
class Row:
    line: int
    uscc: str
    name: str
    basis: str
    amount: Decimal
    enterprise: object = None


@dataclass
class Report:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # "第 N 行：…", in line order

    @property
    def ok(self):
        return not self.errors and bool(self.rows)


# --- reading a file ---------------------------------------------------------------------------


def _header_key(text) -> str:
    text = str(text or "").strip().replace(" ", "").replace("(", "（").replace(")", "）")
    return "金额（元）" if text == "金额" else text


def _cells(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _csv_lines(data: bytes):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        try:
            return list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as error:
            raise ValidationError(
                _("无法读取 CSV 文件（%(reason)s），请检查后重新上传。") % {"reason": error}
            ) from error
    raise ValidationError(_("无法识别文件编码，请以 UTF-8 或 GB18030（GBK）编码保存 CSV 文件。"))


def _xlsx_lines(data: bytes):
    from openpyxl import load_workbook

    unreadable = _("无法读取 XLSX 文件，请用 Excel 另存为 .xlsx 后重新上传。")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 — any unreadable workbook is the same answer
        raise ValidationError(unreadable) from error
    try:  # read-only sheets are parsed while iterated: a broken sheet fails here
        sheet = book.worksheets[0]
        lines = []
        for row in sheet.iter_rows(values_only=True):
            lines.append([_cells(v) for v in row])
            if len(lines) > MAX_ROWS + 1:
                break  # too many: check_lines says so
        return lines
    except Exception as error:  # noqa: BLE001
        raise ValidationError(unreadable) from error
    finally:
        book.close()


def read_lines(upload) -> list[list[str]]:
    """The table of an uploaded CSV or XLSX file, as lists of strings (line 1 the header)."""
    name = (getattr(upload, "name", "") or "").lower()
    if upload.size > MAX_BYTES:
        raise ValidationError(_("文件超过 5 MB，请拆分后上传。"))
    data = upload.read()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _xlsx_lines(data)
    if name.endswith((".csv", ".txt")) or not name:
        return _csv_lines(data)
    raise ValidationError(_("请上传 CSV 或 XLSX 文件。"))


def _amount(text: str):
    text = text.replace(",", "").replace("，", "").replace("元", "").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        return None
    if amount != amount.quantize(Decimal("0.01")):
        return None
    return amount.quantize(Decimal("0.01"))


def check_lines(lines, measure) -> Report:
    """Validate every row of the table (line numbers as in the file: the header is line 1)."""
    report = Report()
    if not lines:
        report.errors.append(_("文件为空。"))
        return report
    header = [_header_key(cell) for cell in lines[0]]
    missing = [name for name in HEADER if name not in header]
    if missing:
        report.errors.append(
            _("第 1 行（表头）缺少列：%(columns)s。表头应为：%(header)s。")
            % {"columns": "、".join(missing), "header": "、".join(HEADER)}
        )
        return report
    index = {name: header.index(name) for name in HEADER}
    body = [(number, cells) for number, cells in enumerate(lines[1:], start=2)]
    body = [(n, c) for n, c in body if any(_cells(v) for v in c)]
    if len(body) > MAX_ROWS:
        report.errors.append(_("名单超过 %(n)d 行，请拆分后上传。") % {"n": MAX_ROWS})
        return report
    raw = []
    for number, cells in body:

        def cell(name, cells=cells):
            i = index[name]
            return _cells(cells[i]) if i < len(cells) else ""

        raw.append(
            (
                number,
                normalize_uscc(cell(HEADER[0])),
                cell(HEADER[1]),
                cell(HEADER[2]),
                cell(HEADER[3]),
            )
        )
    registered = {
        e.uscc: e
        for e in Enterprise.objects.filter(uscc__in=[r[1] for r in raw]).select_related("city")
    }
    seen = {}
    city_id = measure.document.city_id
    for number, code, name, basis, amount_text in raw:
        problems = []
        try:
            validate_uscc(code)
        except ValidationError as error:
            problems.append(error.messages[0] if code else _("缺少统一社会信用代码"))
        if not name:
            problems.append(_("缺少企业名称"))
        if not basis:
            problems.append(_("缺少依据"))
        elif len(basis) > 500:
            problems.append(_("依据超过 500 字"))
        if len(name) > 100:
            problems.append(_("企业名称超过 100 字"))
        amount = _amount(amount_text)
        if amount is None:
            problems.append(
                _("金额“%(text)s”不是大于 0 的数（最多两位小数）") % {"text": amount_text[:20]}
                if amount_text
                else _("缺少金额")
            )
        if code in seen:
            problems.append(_("统一社会信用代码与第 %(n)d 行重复") % {"n": seen[code]})
        elif code:
            seen[code] = number
        enterprise = registered.get(code)
        if enterprise is not None and name and enterprise.name != name:
            problems.append(
                _("企业名称“%(name)s”与该信用代码已注册的企业名称“%(registered)s”不一致")
                % {"name": name, "registered": enterprise.name}
            )
        if enterprise is not None and enterprise.city_id != city_id:
            problems.append(
                _("该企业注册在%(city)s，不属于本措施所在城市") % {"city": enterprise.city}
            )
        if problems:
            report.errors.append(
                _("第 %(n)d 行：%(problems)s。") % {"n": number, "problems": "；".join(problems)}
            )
        else:
            report.rows.append(Row(number, code, name, basis, amount, enterprise))
    if not report.errors and not report.rows:
        report.errors.append(_("文件中没有企业行。"))
    return report


def check_upload(upload, measure) -> Report:
    try:
        lines = read_lines(upload)
    except ValidationError as error:
        return Report(errors=list(error.messages))
    finally:
        upload.seek(0)
    return check_lines(lines, measure)


# --- generating from the profiles ---------------------------------------------------------------


def basis_of(result) -> str:
    """The verdict's explanation: how the rule computed the amount, else its clause."""
    steps = "；".join(result.computation)
    return _("自测规则判定符合：%(why)s") % {"why": steps or result.clause or "—"}


def _in_force_groups():
    from policies.eligibility import evaluator

    return {evaluator.ELIGIBLE, evaluator.UNKNOWN_VALIDITY}


def generated_rows(measure, on=None) -> list[Row]:
    """Each enterprise of the measure's city whose kept profile (一企一档) the measure's
    self-check rule finds 符合, with the rule's amount; the basis is the verdict."""
    from policies.eligibility import evaluator
    from policies.eligibility.models import parameter_series
    from policies.eligibility.services import all_questions, rule_input

    on = on or dates.today()
    IN_FORCE_GROUPS = _in_force_groups()  # noqa: N806
    rules = [rule_input(measure)]
    infos = {key: q.info() for key, q in all_questions().items()}
    parameters = parameter_series()
    rows = []
    enterprises = (
        Enterprise.objects.filter(city_id=measure.document.city_id)
        .prefetch_related("answers")
        .order_by("pk")
    )
    for enterprise in enterprises:
        answers = {a.key: a.value for a in enterprise.answers.all()}
        if not answers:
            continue
        result = evaluator.evaluate(answers, rules, infos, on, parameters)[0]
        # 符合 on the answers, and the rule applies that day (in force, or 时效未明)
        if result.verdict != evaluator.ELIGIBLE or result.group not in IN_FORCE_GROUPS:
            continue
        amount = result.amount_max if result.amount_max is not None else result.amount_min
        if not amount or amount <= 0:
            continue
        rows.append(
            Row(
                len(rows) + 1,
                enterprise.uscc,
                enterprise.name,
                basis_of(result)[:500],
                Decimal(amount).quantize(Decimal("0.01")),
                enterprise,
            )
        )
    return rows


# --- storing, issuing, claiming --------------------------------------------------------------------


@transaction.atomic
def replace_rows(beneficiary_list: BeneficiaryList, rows) -> int:
    """The draft list's rows become ``rows`` (all of them, or none on an error)."""
    locked = BeneficiaryList.objects.select_for_update().get(pk=beneficiary_list.pk)
    if locked.state != BeneficiaryList.Status.DRAFT:
        raise ListError(_("名单已下发，不能再修改。"))
    locked.rows.all().delete()
    Beneficiary.objects.bulk_create(
        Beneficiary(
            beneficiary_list=locked,
            line=row.line,
            uscc=row.uscc,
            name=row.name,
            basis=row.basis,
            amount_yuan=row.amount,
            enterprise=row.enterprise,
        )
        for row in rows
    )
    return len(rows)


def _list_item(row: Beneficiary, enterprise, beneficiary_list: BeneficiaryList):
    """The 待确认 item of a listed enterprise, with its payment step and its first event."""
    actor = beneficiary_list.issued_by
    application = Application.objects.create(
        enterprise=enterprise,
        measure=beneficiary_list.measure,
        created_by=actor,
        route=Route.EXEMPT,
        state=State.TO_CONFIRM,
        requested_amount_yuan=row.amount_yuan,
        approved_amount_yuan=row.amount_yuan,
        description=row.basis,
    )
    claimed = Beneficiary.objects.filter(pk=row.pk, application__isnull=True).update(
        application=application, enterprise=enterprise
    )
    if claimed != 1:  # claimed meanwhile by another request: this one gives way
        raise ListError(_("名单刚刚已被他人处理，请刷新页面查看。"))
    services.build_exempt_route(application)
    event = ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        department=beneficiary_list.department,
        action=LISTED,
        from_state=State.DRAFT,
        to_state=State.TO_CONFIRM,
        comment=_("%(title)s：%(amount)s。%(basis)s")
        % {
            "title": beneficiary_list.title,
            "amount": format_yuan(row.amount_yuan),
            "basis": row.basis,
        },
    )
    transaction.on_commit(lambda: services.notify(application.pk, event.pk))
    return application


def issue_summary(beneficiary_list: BeneficiaryList):
    """(rows, registered, waiting) counts, for the confirmation page."""
    codes = list(beneficiary_list.rows.values_list("uscc", flat=True))
    registered = Enterprise.objects.filter(uscc__in=codes).count()
    return len(codes), registered, len(codes) - registered


def issue(beneficiary_list: BeneficiaryList, user) -> tuple[int, int]:
    """下发: a 待确认 item for every listed enterprise that is registered; the others wait
    for their registration. Once: a second issue is refused. (items, waiting)."""
    with transaction.atomic():
        if not beneficiary_list.rows.exists():
            raise ListError(_("名单中没有企业，不能下发。"))
        issued = BeneficiaryList.objects.filter(
            pk=beneficiary_list.pk, state=BeneficiaryList.Status.DRAFT
        ).update(state=BeneficiaryList.Status.ISSUED, issued_at=dates.now(), issued_by=user)
        if issued != 1:
            raise ListError(_("名单已下发，不能重复下发。"))
        beneficiary_list.refresh_from_db()
        # the rows locked before the enterprises are read: a registration claiming one of
        # them waits for this issue, then finds the list issued (``claim_waiting``)
        rows = list(
            beneficiary_list.rows.select_for_update(of=("self",))
            .filter(application__isnull=True)
            .order_by("line", "pk")
        )
        enterprises = {
            e.uscc: e for e in Enterprise.objects.filter(uscc__in=[r.uscc for r in rows])
        }
        items = 0
        for row in rows:
            enterprise = enterprises.get(row.uscc)
            if enterprise is not None:
                _list_item(row, enterprise, beneficiary_list)
                items += 1
    return items, len(rows) - items


def claim_waiting(enterprise) -> int:
    """A newly registered enterprise finds its 免申即享 items waiting: the rows of issued
    lists with its credit code become its 待确认 items (called in the registration's
    transaction). The code's rows are locked first (PostgreSQL; SQLite serialises writers
    anyway): an issue under way either sees the new enterprise or is waited for, and the
    rows are read after it committed."""
    list(
        Beneficiary.objects.select_for_update(of=("self",))
        .filter(uscc=enterprise.uscc, application__isnull=True)
        .order_by("pk")  # not the default order, which joins the lists (and would lock them)
        .values_list("pk", flat=True)
    )
    rows = Beneficiary.objects.filter(
        uscc=enterprise.uscc,
        application__isnull=True,
        beneficiary_list__state=BeneficiaryList.Status.ISSUED,
    ).select_related("beneficiary_list__measure", "beneficiary_list__department")
    count = 0
    for row in rows:
        _list_item(row, enterprise, row.beneficiary_list)
        count += 1
    return count


def exempt_measures(department=None):
    """The measures with a 免申即享 route (of ``department``'s responsibility, when given)."""
    from policies.models import Measure

    queryset = Measure.objects.filter(workflow.exempt_route_q()).select_related("document__city")
    if department is not None:
        queryset = queryset.filter(departments=department)
    return queryset.order_by("document__issued_on", "document_id", "position")
