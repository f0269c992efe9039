"""Items awaiting payment and notices of them, for the 公示 tests (measure 鞍山 2023 3（1）:
铁东区/铁西区商务局 初审 → 市商务局会同市统计局 审核 → 市财政局 拨付; its 责任单位 市商务局
publishes the notice)."""

import datetime
from decimal import Decimal

from applications import notices, services
from applications.models import Intake

from .conftest import submitted

AFTER_WINDOW = "2023-10-24"  # a notice published on 2023-10-16 for 5 working days ends 10-23


def awaiting_payment(personas, measure, enterprise="a", amount=100000):
    """An application that passed every review and waits at 市财政局 for the payment."""
    user = getattr(personas, f"enterprise_{enterprise}")
    application = submitted(user, measure, amount=amount)
    district = getattr(personas, f"district_staff_{enterprise}")
    for staff in [district, personas.city_commerce, personas.city_statistics]:
        services.approve_step(application, staff)
    application.refresh_from_db()
    return application


def require_notice(measure, days=5):
    Intake.objects.update_or_create(
        measure=measure, defaults={"accepts": True, "notice_required": True, "notice_days": days}
    )


def publish(personas, measure, applications, days=5):
    return notices.publish_notice(personas.city_commerce, measure, applications, days=days)


def pay(application, personas):
    return services.record_disbursement(
        application,
        personas.city_finance,
        amount=Decimal("100000"),
        paid_on=datetime.date(2023, 10, 16),
        voucher="PZ-1",
    )
