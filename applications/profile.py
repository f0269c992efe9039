"""一企一档: the enterprise's self-check answers, kept with the enterprise, dated.

A signed-in enterprise answers the self-check once: every answer it gives is stored here (one
row per question, so two places answering different questions never overwrite each other),
prefills its next self-check, is editable on its profile page, and is carried into the
application form of a measure whose rule uses it.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import EnterpriseAnswer


def stored_answers(enterprise) -> dict:
    """question key → value."""
    if enterprise is None:
        return {}
    return dict(EnterpriseAnswer.objects.filter(enterprise=enterprise).values_list("key", "value"))


def dated_answers(enterprise) -> dict:
    """question key → (value, answered_on)."""
    return {
        row.key: (row.value, row.answered_on)
        for row in EnterpriseAnswer.objects.filter(enterprise=enterprise)
    }


def store_answers(enterprise, user, answers: dict, forget=(), on: datetime.date | None = None):
    """Record ``answers`` (key → value) for the enterprise, dated ``on`` (today), and drop
    the keys in ``forget`` (questions the enterprise now leaves blank)."""
    on = on or timezone.localdate()
    for key, value in answers.items():
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    updated = EnterpriseAnswer.objects.filter(
                        enterprise=enterprise, key=key
                    ).update(value=value, answered_on=on, answered_by=user)
                    if not updated:
                        EnterpriseAnswer.objects.create(
                            enterprise=enterprise,
                            key=key,
                            value=value,
                            answered_on=on,
                            answered_by=user,
                        )
                break
            except IntegrityError:  # created by a concurrent request: update it instead
                continue
    if forget:
        EnterpriseAnswer.objects.filter(enterprise=enterprise, key__in=list(forget)).delete()
