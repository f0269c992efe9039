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
    # 公示 and 异议: the admin scopes both to the department (applications.notices)
    "view_publicnotice",
    "add_publicnotice",
    "view_objection",
    "change_objection",
]


def create_reviewer_group(sender, using="default", **kwargs):
    """The group department staff belong to: view the applications app's queue."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.using(using).get_or_create(name=REVIEWER_GROUP)
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="applications", codename__in=REVIEWER_PERMISSIONS
    )
    group.permissions.add(*permissions)


PUBLISHER_GROUP = "政策发布人员"
# Department staff who publish, revise and repeal their city's documents (发布政策文件) and
# review the self-check rules a revision flagged. The admin scopes them to their city.
PUBLISHER_PERMISSIONS = {
    "policies": [
        "add_documentdraft",
        "change_documentdraft",
        "view_documentdraft",
        "view_policydocument",
        "change_policydocument",
        "view_documentversion",
        "view_measurerevision",
        "view_measure",
    ],
    "eligibility": ["view_eligibilityrule", "change_eligibilityrule"],
}


def create_publisher_group(sender=None, using="default", **kwargs):
    """The group of staff who publish documents; its permissions are added as their apps'
    permissions come into being (post_migrate runs once per app)."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.using(using).get_or_create(name=PUBLISHER_GROUP)
    for app_label, codenames in PUBLISHER_PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.using(using).filter(
                content_type__app_label=app_label, codename__in=codenames
            )
        )


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("申报办理")

    def ready(self):
        post_migrate.connect(create_reviewer_group, sender=self)
        # every app's post_migrate: the policies apps' permissions may come after ours
        post_migrate.connect(create_publisher_group, dispatch_uid="create_publisher_group")
        from policies.apps import connect_revision

        from .models import WorkflowStage

        # A measure's page shows its intake and workflow (the apply panel).
        connect_revision(
            "applications.Intake",
            "applications.WorkflowStage",
            "applications.CalendarDay",  # working days: the deadlines the panel shows
            m2m=[WorkflowStage.departments.through],
        )
