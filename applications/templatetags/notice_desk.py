"""``{% notice_desk request.user as notice %}``: 公示 and 异议 on a department's desk."""

from django import template
from django.db.models import Count, Q

from portal.dates import today as portal_today

from .. import notices
from ..services import staff_department

register = template.Library()


@register.simple_tag
def notice_desk(user):
    """Counts for a staff user with a department (else None): objections to answer (and
    how many are overdue), its notices open now, its items waiting to be published."""
    department = staff_department(user)
    if department is None:
        return None
    today = portal_today()
    pending = Q(answered_at__isnull=True)
    objections = notices.objections_for(user).aggregate(
        pending=Count("pk", filter=pending),
        overdue=Count("pk", filter=pending & Q(due_on__lt=today)),
    )
    return {
        **objections,
        "open": notices.notices_for(user).filter(starts_on__lte=today, ends_on__gte=today).count(),
        "publishable": notices.publishable(department, today).count(),
    }
