"""关注与提醒: what a signed-in user follows, and the daily digest of what is new about it.

A user follows a measure, a saved search (the measure list's query string, re-run through
``policies.filters.MeasureFilter``, the list's own filter) or — an enterprise user — the
measures their enterprise's kept profile (一企一档) qualifies for (符合, by the self-check's
evaluator). ``digest_for(user, day)`` says what is new since their last digest:

* **new measures** matching a followed search, or that the profile qualifies for: public
  measures whose id is above the watermark (the highest measure id when the follow was made,
  or when the last digest was written: ids only grow), and measures restored since;
* **followed measures changed** (a ``MeasureRevision`` since, written by a document's revision),
  **withdrawn or repealed** since (``retired_at``), or **nearing their end** (即将到期 on the
  day, by ``policies.validity``: told once per end date);
* **their enterprise's applications that moved** (an ``ApplicationEvent`` since, not their own).

``send_digests`` mails it once a day (``Digest``: one row per user and day, claimed under its
unique constraint in the transaction that queues the mail). The mail's unsubscribe link and
its ``List-Unsubscribe`` header carry a signed token (``unsubscribe_token``).
"""

import datetime
from dataclasses import dataclass, field

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.http import QueryDict
from django.utils.translation import gettext as _

from portal import dates
from portal.models import Digest, DigestSubscription, Follow

UNSUBSCRIBE_SALT = "portal.follows.unsubscribe"
MAX_LISTED = 20  # measures listed per follow in one digest (the rest counted)
# The list's filters a saved search keeps (not the page, not the sort).
SEARCH_FIELDS = (
    "q",
    "city",
    "topic",
    "support_type",
    "status",
    "document",
    "department",
    "has_amount",
    "free_of_application",
)


# --- saved searches ---------------------------------------------------------------------------


def _filterset(query: str, queryset=None, today=None):
    from policies.filters import MeasureFilter
    from policies.models import Measure

    return MeasureFilter(
        QueryDict(query),
        queryset=Measure.objects.all() if queryset is None else queryset,
        today=today or dates.today(),
    )


def canonical_search(data) -> str:
    """A list's query (a ``QueryDict`` or a string) as a follow keeps it: its filters with a
    value, in a fixed order, so that one search is one follow ("" when it has none). Reads
    no database: the list page's 关注此搜索 button asks it for every signed-in visitor."""
    if isinstance(data, str):
        data = QueryDict(data[:2000])
    kept = QueryDict(mutable=True)
    for name in SEARCH_FIELDS:
        value = (data.get(name) or "").strip()
        if value:
            kept[name] = value
    return kept.urlencode()


def normalize_search(query: str) -> str | None:
    """The saved form of a list's query string (``canonical_search``); None when there is
    no filter or it does not validate."""
    normalized = canonical_search(query)
    if not normalized or len(normalized) > 1000:
        return None
    filterset = _filterset(normalized)
    if not filterset.is_valid():
        return None
    return normalized


def search_label(query: str) -> str:
    """The search in words: 关键词“补贴” · 鞍山市 · 主题：促消费 · 有效（含即将到期）."""
    filterset = _filterset(query)
    if not filterset.is_valid():
        return query[:300]
    data = filterset.form.cleaned_data
    parts = []
    if (data.get("q") or "").strip():
        parts.append(_("关键词“%(q)s”") % {"q": data["q"].strip()})
    for name, word in (
        ("city", None),
        ("topic", _("主题")),
        ("support_type", _("支持方式")),
        ("document", _("文件")),
        ("department", _("责任单位")),
    ):
        value = data.get(name)
        if value is not None:
            parts.append(f"{word}：{value}" if word else str(value))
    if data.get("status"):
        choices = dict(filterset.form.fields["status"].choices)
        parts.append(str(choices.get(data["status"], data["status"])))
    if data.get("has_amount"):
        parts.append(_("有明确支持金额"))
    if data.get("free_of_application"):
        parts.append(_("免申即享"))
    return (" · ".join(parts) or _("全部措施"))[:300]


# --- following ----------------------------------------------------------------------------


def measure_watermark() -> int:
    from policies.models import Measure

    return Measure.all_objects.aggregate(top=Max("pk"))["top"] or 0


def _create(user, **fields) -> tuple[Follow, bool]:
    """A follow, once: the unique constraints decide between two concurrent requests."""
    lookup = {k: v for k, v in fields.items() if k in ("kind", "measure", "query")}
    try:
        with transaction.atomic():
            return (
                Follow.objects.create(user=user, measure_watermark=measure_watermark(), **fields),
                True,
            )
    except IntegrityError:
        return Follow.objects.get(user=user, **lookup), False


def follow_measure(user, measure) -> tuple[Follow, bool]:
    return _create(user, kind=Follow.Kind.MEASURE, measure=measure, label=measure.title[:300])


def follow_search(user, query: str) -> tuple[Follow | None, bool]:
    """Follow a list's search; (None, False) when the query holds no valid filter."""
    normalized = normalize_search(query)
    if normalized is None:
        return None, False
    return _create(user, kind=Follow.Kind.SEARCH, query=normalized, label=search_label(normalized))


def follow_profile(user) -> tuple[Follow, bool]:
    return _create(user, kind=Follow.Kind.PROFILE, label=str(Follow.Kind.PROFILE.label))


def unfollow(user, **lookup) -> int:
    deleted, _rows = Follow.objects.filter(user=user, **lookup).delete()
    return deleted


def is_subscribed(user) -> bool:
    return not DigestSubscription.objects.unsubscribed().filter(user=user).exists()


def set_subscribed(user, subscribed: bool) -> bool:
    """Turn the digest on or off; True when that changed something (one conditional UPDATE,
    or the row's INSERT under its primary key)."""
    now = dates.now()
    value = None if subscribed else now
    rows = DigestSubscription.objects.filter(user=user)
    # the row, if it is in the other state
    rows = rows.unsubscribed() if subscribed else rows.subscribed()
    updated = rows.update(unsubscribed_at=value, changed_at=now)
    if updated:
        return True
    if subscribed:
        return False  # no row (subscribed) or already subscribed
    try:
        with transaction.atomic():
            DigestSubscription.objects.create(user=user, unsubscribed_at=value, changed_at=now)
        return True
    except IntegrityError:  # the row exists, already unsubscribed
        return False


def unsubscribe_token(user) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_of_token(token: str):
    """The user an unsubscribe token was made for, or None (bad, altered or gone)."""
    from django.contrib.auth import get_user_model

    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int):
        return None
    return get_user_model().objects.filter(pk=pk).first()


# --- the digest -----------------------------------------------------------------------------


@dataclass
class Section:
    follow: Follow
    measures: list
    total: int


@dataclass
class DigestContent:
    new: list = field(default_factory=list)  # [Section] per search or profile follow
    changed: list = field(default_factory=list)  # [(measure, [MeasureRevision])]
    retired: list = field(default_factory=list)  # [measure] withdrawn or repealed since
    ending: list = field(default_factory=list)  # [measure]
    moved: list = field(default_factory=list)  # [(application, [ApplicationEvent])]

    def __bool__(self):
        return bool(self.new or self.changed or self.retired or self.ending or self.moved)

    def record(self) -> dict:
        """What the ``Digest`` row keeps of it."""
        return {
            "new": {str(s.follow.pk): [m.pk for m in s.measures] for s in self.new},
            "changed": [m.pk for m, _r in self.changed],
            "retired": [m.pk for m in self.retired],
            "ending": [[m.pk, m.valid_until.isoformat()] for m in self.ending],
            "moved": [a.pk for a, _e in self.moved],
        }


def _new_measures(watermark: int, top: int, since):
    from policies.models import Measure, MeasureRevision

    restored = MeasureRevision.objects.filter(
        kind=MeasureRevision.Kind.RESTORED, at__gt=since
    ).values("measure_id")
    return Measure.objects.filter(
        Q(pk__gt=watermark, pk__lte=top) | Q(pk__in=restored)
    ).select_related("document__city")


def digest_for(user, day: datetime.date, top: int | None = None) -> tuple[DigestContent, Digest]:
    """What is new for ``user`` on ``day`` since their last digest (or since they followed),
    and the ``Digest`` row to claim for it (unsaved). ``top``: the highest measure id to
    count as existing (read once per run)."""
    from applications.models import ApplicationEvent
    from applications.services import enterprise_of
    from policies import validity
    from policies.models import Measure, MeasureRevision

    if top is None:
        top = measure_watermark()
    now = dates.now()
    last = Digest.objects.filter(user=user).order_by("-created_at", "-pk").first()
    follows = list(Follow.objects.filter(user=user).order_by("created_at", "pk"))
    content = DigestContent()
    row = Digest(user=user, day=day, created_at=now, measure_watermark=top)
    if not follows:
        return content, row

    def since_of(follow):
        return max(follow.created_at, last.created_at) if last else follow.created_at

    def watermark_of(follow):
        return max(follow.measure_watermark, last.measure_watermark if last else 0)

    enterprise = enterprise_of(user)
    for follow in follows:
        if follow.kind == Follow.Kind.SEARCH:
            candidates = _new_measures(watermark_of(follow), top, since_of(follow))
            filterset = _filterset(follow.query, candidates, today=day)
            if not filterset.is_valid():
                continue
            matched = filterset.qs.order_by("-pk")
            measures = list(matched[:MAX_LISTED])
            if measures:
                total = len(measures) if len(measures) < MAX_LISTED else matched.count()
                content.new.append(Section(follow, measures, total))
        elif follow.kind == Follow.Kind.PROFILE and enterprise is not None:
            from applications.profile import stored_answers
            from policies.eligibility import evaluator, services

            answers = stored_answers(enterprise)
            candidates = list(
                _new_measures(watermark_of(follow), top, since_of(follow))
                .filter(document__city=enterprise.city_id)
                .select_related("eligibility_rule")
                .order_by("-pk")
            )
            if answers and candidates:
                outcome = services.run_check(enterprise.city, answers, day, measures=candidates)
                measures = sorted(
                    (e.measure for e in outcome.group(evaluator.ELIGIBLE)), key=lambda m: -m.pk
                )
                if measures:
                    content.new.append(Section(follow, measures[:MAX_LISTED], len(measures)))

    followed = {f.measure_id: f for f in follows if f.kind == Follow.Kind.MEASURE}
    if followed:
        earliest = min(since_of(f) for f in followed.values())
        revisions = {}
        for revision in MeasureRevision.objects.filter(
            measure__in=list(followed), at__gt=earliest
        ).order_by("at", "pk"):
            if revision.at > since_of(followed[revision.measure_id]):
                revisions.setdefault(revision.measure_id, []).append(revision)
        if revisions:
            measures = Measure.all_objects.select_related("document__city").in_bulk(list(revisions))
            content.changed = [
                (measures[pk], revisions[pk]) for pk in sorted(revisions) if pk in measures
            ]
        # withdrawn or repealed since (废止: no revision says so; a revision's removal does)
        content.retired = [
            measure
            for measure in Measure.all_objects.filter(
                pk__in=list(followed), retired_at__gt=earliest
            )
            .exclude(pk__in=list(revisions))
            .select_related("document__city")
            .order_by("pk")
            if measure.retired_at > since_of(followed[measure.pk])
        ]
        told = set()
        window = day - datetime.timedelta(days=validity.ENDING_SOON_DAYS + 1)
        for earlier in Digest.objects.filter(user=user, day__gte=window, day__lt=day):
            told.update(tuple(pair) for pair in earlier.content.get("ending", []))
        ending = Measure.objects.with_status(validity.Status.ENDING_SOON, day).filter(
            pk__in=list(followed)
        )
        for measure in ending.select_related("document__city").order_by("valid_until", "pk"):
            if measure.validity_status(day) != validity.Status.ENDING_SOON:
                continue
            if (measure.pk, measure.valid_until.isoformat()) not in told:
                content.ending.append(measure)

    if enterprise is not None:
        earliest = min(since_of(f) for f in follows)
        events = {}
        for event in (
            ApplicationEvent.objects.filter(application__enterprise=enterprise, at__gt=earliest)
            .exclude(actor=user)
            .select_related("application__measure", "department")
            .order_by("application_id", "at", "pk")
        ):
            events.setdefault(event.application, []).append(event)
        content.moved = list(events.items())
    row.content = content.record()
    return content, row


def claim(row: Digest) -> bool:
    """Record the day's digest; False when this user has one for the day already (another
    run, or this one again). Call inside the transaction that queues the mail."""
    try:
        with transaction.atomic():
            row.save(force_insert=True)
        return True
    except IntegrityError:
        return False
