from django.apps import AppConfig
from django.db.models.signals import post_save
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
