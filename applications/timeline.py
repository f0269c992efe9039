"""What the enterprise sees of its application's route: every step, its state, who said
what, and how many working days the departments took at it.

The days are counted from the immutable events: a step is on the department's clock from
the event that brings the application to it in review (submission, the previous step's
pass, a resubmission) to the event that moves it on, returns it or ends it. Time spent
with the enterprise (退回补正) is not the department's and is not counted.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .states import SIGN_OFF, TRANSITIONS, State

STATUS_LABELS = {
    "done": _("已完成"),
    "current": _("办理中"),
    "returned": _("退回补正"),
    "stopped": _("已终止"),
    "pending": _("未开始"),
}

# Actions that keep the state (edits, materials) are not steps of the route.
ROUTE_ACTIONS = {a for a, t in TRANSITIONS.items() if t.changes_state} | {SIGN_OFF}


@dataclass
class TimelineStep:
    step: object
    status: str
    since: object = None
    events: list = field(default_factory=list)
    days: int | None = None  # working days the department(s) took (so far)
    started: object = None
    finished: object = None

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def departments(self):
        return list(self.step.departments.all())


def _status(application, step) -> str:
    if application.state == State.DECLINED:
        return "stopped"
    if step.position < application.position or (
        step.position == application.position
        and application.state in (State.APPROVED, State.DISBURSED)
    ):
        return "done"
    if step.position == application.position:
        return {
            State.IN_REVIEW: "current",
            State.RETURNED: "returned",
            State.REJECTED: "stopped",
            State.WITHDRAWN: "stopped",
        }.get(application.state, "pending")
    return "pending"


def review_spans(events) -> dict[int, list]:
    """{position: [(start, the event that ended it or None), …]}: when the application was
    in review at each step, from the events in order. The ending event says who ended the
    span (a department's pass, return, rejection or payment; the enterprise's withdrawal)."""
    spans: dict[int, list] = {}
    for event in sorted(events, key=lambda e: (e.at, e.pk or 0)):
        before = (event.from_state, event.from_position)
        after = (event.to_state, event.to_position)
        if before == after:
            continue
        if event.from_state == State.IN_REVIEW:
            open_spans = spans.get(event.from_position)
            if open_spans and open_spans[-1][1] is None:
                open_spans[-1] = (open_spans[-1][0], event)
        if event.to_state == State.IN_REVIEW:
            spans.setdefault(event.to_position, []).append((event.at, None))
    return spans


def review_periods(events) -> dict[int, list]:
    """{position: [(start, end or None), …]}: when the application was in review at each
    step, from the events in order (``review_spans`` with the end's time)."""
    return {
        position: [(start, end.at if end is not None else None) for start, end in spans]
        for position, spans in review_spans(events).items()
    }


def build_timeline(application, steps, events, calendar=None, today=None) -> list[TimelineStep]:
    """The route as the enterprise reads it. With ``calendar`` (a ``clock.WorkCalendar``)
    and ``today``, each step that started carries the working days it took (so far)."""
    periods = review_periods(events) if calendar is not None else {}
    timeline = []
    for step in steps:
        status = _status(application, step)
        mine = [
            e
            for e in events
            if e.from_position == step.position
            and e.action in ROUTE_ACTIONS
            and e.action not in ("submit",)
        ]
        entered = [e for e in events if e.to_position == step.position]
        since = application.waiting_since if status in ("current", "returned") else None
        if since is None and entered:
            since = entered[-1].at
        item = TimelineStep(step, status, since, mine)
        spans = periods.get(step.position) or []
        if spans:
            item.started = spans[0][0]
            item.finished = spans[-1][1]
            item.days = sum(
                calendar.working_days_between(start, end or today) for start, end in spans
            )
        timeline.append(item)
    return timeline
