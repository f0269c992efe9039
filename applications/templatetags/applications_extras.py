"""Template tags of the applications: the measure page's 办理流程 panel (the route an application
takes, and where to start it) and departments named as the enterprise knows them."""

from django import template
from django.db.models import Prefetch

from policies import formatting
from policies.models import Department

from .. import services, workflow
from ..models import WorkflowStage

register = template.Library()


@register.inclusion_tag("applications/_apply_panel.html")
def apply_panel(measure, intake):
    """Two queries at most: the stages of a measure taking applications and their
    departments; its ``intake`` (None: it has none) is loaded with the measure."""
    takes = workflow.takes_applications(measure, intake)
    stages = []
    if takes:
        stages = list(
            WorkflowStage.objects.filter(measure=measure)
            .order_by("position")
            .prefetch_related(
                Prefetch("departments", queryset=Department.objects.select_related("city"))
            )
        )
    return {
        "measure": measure,
        "takes_applications": takes,
        "stages": stages,
        "deadline_problem": services.deadline_problem(measure) if takes else None,
    }


@register.filter
def department_name(department):
    """铁东区财政局, 鞍山市商务局: a department as the enterprise knows it."""
    return formatting.department_name(department)
