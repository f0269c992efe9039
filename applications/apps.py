from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

REVIEWER_GROUP = "审核人员"
REVIEWER_PERMISSIONS = [
    "view_application",
    "view_applicationstep",
    "view_applicationevent",
    "view_attachment",
    "view_enterprise",
]


def create_reviewer_group(sender, using="default", **kwargs):
    """The group department staff belong to: view the applications app's queue."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.using(using).get_or_create(name=REVIEWER_GROUP)
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="applications", codename__in=REVIEWER_PERMISSIONS
    )
    group.permissions.add(*permissions)


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("申报办理")

    def ready(self):
        post_migrate.connect(create_reviewer_group, sender=self)
        from policies.apps import connect_revision

        from .models import WorkflowStage

        # A measure's page shows its intake and workflow (the apply panel).
        connect_revision(
            "applications.Intake",
            "applications.WorkflowStage",
            m2m=[WorkflowStage.departments.through],
        )
