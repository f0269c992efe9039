from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("政策目录")

    def ready(self):
        from . import search

        # Keep the search index current when staff save a measure in the admin.
        post_save.connect(
            search.measure_saved, sender="policies.Measure", dispatch_uid="search_reindex"
        )
        from .models import Measure

        connect_revision(
            "policies.PolicyDocument",
            "policies.Measure",
            "policies.Chapter",
            "policies.MeasureDepartment",
            "policies.EditorialNote",
            "policies.DocumentVersion",
            "policies.MeasureRevision",
            "policies.City",
            "policies.District",
            "policies.Department",
            "policies.DepartmentContact",
            "policies.Topic",
            "policies.SupportType",
            # any change made in the admin leaves a log entry: none is missed
            "admin.LogEntry",
            m2m=[Measure.topics.through, Measure.support_types.through],
        )


def connect_revision(*senders, m2m=()):
    """Bump the catalogue's revision when any of ``senders`` is saved or deleted, or one of
    the ``m2m`` through tables changes: pages showing them are re-rendered at once."""
    from .models import CatalogueRevision

    for sender in senders:
        for signal in (post_save, post_delete):
            signal.connect(
                CatalogueRevision.bump, sender=sender, dispatch_uid=f"revision:{sender}:{signal}"
            )
    for through in m2m:
        m2m_changed.connect(
            CatalogueRevision.bump, sender=through, dispatch_uid=f"revision:{through}"
        )
