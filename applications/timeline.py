"""What the enterprise sees of its application's route: every step, its state, who said what."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .states import State

STATUS_LABELS = {
    "done": _("已完成"),
    "current": _("办理中"),
    "returned": _("退回补正"),
    "stopped": _("已终止"),
    "pending": _("未开始"),
}


@dataclass
class TimelineStep:
    step: object
    status: str
    since: object = None
    events: list = field(default_factory=list)

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def departments(self):
        return list(self.step.departments.all())


def build_timeline(application, steps, events) -> list[TimelineStep]:
    timeline = []
    for step in steps:
        if step.position < application.position or (
            step.position == application.position
            and application.state in (State.APPROVED, State.DISBURSED)
        ):
            status = "done"
        elif step.position == application.position:
            status = {
                State.IN_REVIEW: "current",
                State.RETURNED: "returned",
                State.REJECTED: "stopped",
                State.WITHDRAWN: "stopped",
            }.get(application.state, "pending")
        else:
            status = "pending"
        mine = [e for e in events if e.from_position == step.position and e.department_id]
        entered = [e for e in events if e.to_position == step.position]
        since = application.waiting_since if status in ("current", "returned") else None
        if since is None and entered:
            since = entered[-1].at
        timeline.append(TimelineStep(step, status, since, mine))
    return timeline
