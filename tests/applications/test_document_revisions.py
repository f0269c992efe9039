"""A document revised (修订) and repealed (废止) by department staff: nothing users hold is lost.

The round trip of issue 13: version 1 is the imported 鞍山 2023 handbook; an enterprise has an
application on its item 3（1）, which has a self-check rule. Version 2, published over it,
changes item 3（1）'s top reward (100 → 120 万元), drops item 1（3） (so item 1（4） becomes
1（3）) and adds an item 1（5） with money. Then: every kept measure has its id (and URL), the
application is untouched, 3（1）'s rule is flagged 需复核 and its verdict says so, the dropped
measure is retired with its URL answering, the renumbered measure is the same row, the old
version is readable and says what replaced it, and the new measure has a rule suggestion
that the self-check does not use.
"""

import datetime
import re

import pytest

from applications.models import Application, ApplicationEvent
from policies import publishing
from policies.eligibility import services as check_services
from policies.eligibility.models import EligibilityRule
from policies.models import (
    DocumentDraft,
    DocumentVersion,
    Measure,
    MeasureRevision,
    PolicyDocument,
)

from .conftest import ANSHAN_2023, measure_at, submitted

pytestmark = pytest.mark.django_db

NEW_ITEM = (
    "（5）支持老字号企业守正创新，对新认定的中华老字号企业一次性奖励20万元，"
    "对新认定的辽宁老字号企业一次性奖励10万元。"
)


def version_two(text: str) -> str:
    """The seed's cleaned text, edited the way a department revises: one amount changed, one
    item dropped (the next one renumbered), one item added."""
    reward = "给予累计增量达到5亿元（包含）以上的批发和零售企业奖励100万元"
    assert reward in text
    text = text.replace(reward, reward.replace("奖励100万元", "奖励120万元"))
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("（3）对入选的“辽宁美食街”"))
    end = next(i for i, line in enumerate(lines) if line.startswith("（4）积极组织参与"))
    lines[end] = lines[end].replace("（4）", "（3）", 1)
    del lines[start:end]
    topic_two = next(i for i, line in enumerate(lines) if re.match(r"^2\.", line))
    lines.insert(topic_two, NEW_ITEM.replace("（5）", "（4）"))
    return "\n".join(lines)


@pytest.fixture
def round_trip(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    document = PolicyDocument.objects.get(source=ANSHAN_2023)
    before = {m.path_key: m.pk for m in document.measures.all()}
    measure = measure_at("3.1")
    rule = EligibilityRule.objects.get(measure=measure)
    assert rule.status == EligibilityRule.Status.ENCODED and not rule.needs_review
    application = submitted(personas.enterprise_a, measure)
    events = ApplicationEvent.objects.filter(application=application).count()
    draft = publishing.create_draft(
        city=document.city,
        issuer=document.issuer or "鞍山市人民政府办公室",
        issued_on=datetime.date(2024, 3, 1),
        text=version_two(document.clean_text),
        title=document.title + "（2024年修订）",
        supersedes=document,
        user=personas.city_commerce,
    )
    preview = publishing.preview(draft)
    assert preview.publishable, [w.message for w in preview.blocking]
    revised = publishing.publish(draft, user=personas.city_commerce)
    return {
        "document": revised,
        "before": before,
        "application": application,
        "events": events,
        "rule": rule,
        "preview": preview,
    }


def test_the_preview_says_which_measures_change_and_which_go(round_trip):
    preview = round_trip["preview"]
    changed = {c.parsed.path_key: c.changes for c in preview.continuations if c.changes}
    new = [c.parsed.path_key for c in preview.continuations if c.measure is None]
    assert changed == {"3.1": ["正文", "最高金额"]}
    assert new == ["1.4"]
    assert [m.path_key for m in preview.removed] == ["1.3"]


def test_ids_and_urls_are_stable(round_trip, client):
    document, before = round_trip["document"], round_trip["before"]
    assert document.pk == PolicyDocument.objects.get(source=ANSHAN_2023).pk
    assert document.version == 2
    now = {m.path_key: m.pk for m in document.measures.public()}
    # every measure but the dropped one keeps its row; the renumbered one too
    assert now["3.1"] == before["3.1"]
    assert now["1.3"] == before["1.4"]  # 1（4） became 1（3）: the same measure
    kept = set(before.values()) - {before["1.3"]}
    assert kept <= set(now.values())
    assert len(now) == len(before)  # one dropped, one added
    for pk in before.values():
        assert client.get(f"/policies/measures/{pk}/").status_code == 200


def test_staff_decisions_on_a_kept_measure_survive(personas):
    """Intake and workflow stages of 3（1）, set by staff, and its topics: unchanged rows."""
    from applications.models import Intake, WorkflowStage

    measure = measure_at("3.1")
    intake = Intake.objects.get(measure=measure)
    intake.note = "请先电话预约"
    intake.save()
    stages = list(WorkflowStage.objects.filter(measure=measure).values())
    topics = sorted(measure.topics.values_list("pk", flat=True))
    document = measure.document
    draft = publishing.create_draft(
        city=document.city,
        issuer="鞍山市人民政府办公室",
        issued_on=datetime.date(2024, 3, 1),
        text=version_two(document.clean_text),
        supersedes=document,
    )
    publishing.publish(draft)
    assert Intake.objects.get(pk=intake.pk).note == "请先电话预约"
    assert list(WorkflowStage.objects.filter(measure=measure).values()) == stages
    assert sorted(measure.topics.values_list("pk", flat=True)) == topics


def test_the_application_is_untouched(round_trip):
    application = Application.objects.get(pk=round_trip["application"].pk)
    assert application.measure_id == round_trip["before"]["3.1"]
    assert application.state == round_trip["application"].state
    assert ApplicationEvent.objects.filter(application=application).count() == round_trip["events"]


def test_the_rule_of_the_changed_measure_is_flagged_and_its_verdict_says_so(round_trip):
    rule = EligibilityRule.objects.get(pk=round_trip["rule"].pk)
    assert rule.needs_review
    assert "修订了本条" in rule.review_reason and "正文" in rule.review_reason
    measure = Measure.objects.select_related("document", "eligibility_rule").get(pk=rule.measure_id)
    outcome = check_services.run_check(
        measure.document.city, {}, datetime.date(2023, 10, 16), measures=[measure]
    )
    entry = next(e for group in outcome.groups.values() for e in group)
    assert entry.review_reason == rule.review_reason
    # the other rules of the document are not flagged
    others = EligibilityRule.objects.filter(measure__document=round_trip["document"]).exclude(
        pk=rule.pk
    )
    assert not others.filter(needs_review=True, measure__retired_at=None).exists()

    assert publishing.mark_reviewed(rule, None)
    rule.refresh_from_db()
    assert not rule.needs_review and rule.reviewed_at is not None


def test_the_dropped_measure_is_retired_and_its_page_answers(round_trip, client):
    gone = Measure.all_objects.get(pk=round_trip["before"]["1.3"])
    assert gone.is_retired
    assert "修订时删去此条" in gone.retired_reason
    page = client.get(gone.get_absolute_url())
    assert page.status_code == 200
    assert "已撤回" in page.content.decode()
    assert MeasureRevision.objects.filter(measure=gone, kind="removed").count() == 1
    # the public list leaves it out
    assert not Measure.objects.filter(pk=gone.pk).exists()


def test_the_changed_measure_shows_what_changed(round_trip, client):
    pk = round_trip["before"]["3.1"]
    revision = MeasureRevision.objects.get(measure_id=pk)
    assert revision.kind == "changed" and revision.version == 2
    page = client.get(f"/policies/measures/{pk}/").content.decode()
    assert "修订记录" in page
    assert "奖励1<del>0</del><ins>2</ins>0万元" in page  # 100 → 120 万元, character by character
    assert "120万元" in page
    # unchanged measures record nothing
    assert MeasureRevision.objects.filter(kind="changed").count() == 1


def test_the_old_version_stays_readable(round_trip, client):
    document = round_trip["document"]
    old = DocumentVersion.objects.get(document=document, number=1)
    assert old.superseded_by_title == document.title
    page = client.get(f"/policies/documents/{document.pk}/versions/1/").content.decode()
    assert "已被" in page and document.title in page
    assert "奖励100万元" in page  # what version 1 said
    current = client.get(document.get_absolute_url()).content.decode()
    assert f"/policies/documents/{document.pk}/versions/1/" in current


def test_the_new_measure_gets_a_suggestion_the_check_does_not_use(round_trip):
    new = Measure.objects.get(document=round_trip["document"], path_key="1.4")
    assert new.max_amount_yuan == 200_000
    rule = EligibilityRule.objects.get(measure=new)
    assert rule.status == EligibilityRule.Status.SUGGESTED
    assert rule.benefit == {"kind": "up_to", "amount": 200_000}
    assert check_services.rule_input(new).reason == check_services.NOT_ASSESSED_REASON
    assert publishing.accept_suggestion(rule) == []
    rule.refresh_from_db()
    assert rule.status == EligibilityRule.Status.ENCODED


def test_a_draft_is_published_once(round_trip):
    draft = DocumentDraft.objects.get(document=round_trip["document"])
    with pytest.raises(publishing.PublishError):
        publishing.publish(draft, expected_version=draft.lock_version)
    assert DocumentVersion.objects.filter(document=round_trip["document"]).count() == 1


def test_the_seed_import_leaves_a_revised_document_alone(round_trip):
    from django.core.management import call_command

    call_command("import_policies", verbosity=0)
    document = PolicyDocument.objects.get(pk=round_trip["document"].pk)
    assert document.version == 2 and document.title.endswith("（2024年修订）")
    assert Measure.objects.get(pk=round_trip["before"]["3.1"]).max_amount_yuan == 1_200_000


def test_repeal_retires_the_document_and_its_page_says_so(round_trip, client):
    document = round_trip["document"]
    assert publishing.repeal(document, on=datetime.date(2025, 1, 1), basis="鞍政办发〔2024〕30号")
    assert not publishing.repeal(document, on=datetime.date(2025, 1, 2), basis="again")
    document.refresh_from_db()
    assert document.is_retired and document.repealed_on == datetime.date(2025, 1, 1)
    assert not Measure.objects.filter(document=document).exists()
    page = client.get(document.get_absolute_url()).content.decode()
    assert "已废止" in page and "2025年1月1日" in page and "鞍政办发〔2024〕30号" in page
    measure_page = client.get(f"/policies/measures/{round_trip['before']['3.1']}/")
    assert measure_page.status_code == 200
    assert "已废止" in measure_page.content.decode()


def test_the_export_has_the_revision_and_its_provenance(round_trip):
    from policies.export import catalogue_as_dict

    document = round_trip["document"]
    data = catalogue_as_dict()
    exported = next(d for d in data["documents"] if d["slug"] == document.slug)
    assert exported["version"] == 2
    assert exported["title"] == document.title
    assert exported["provenance"]["origin"] == "published"
    draft = DocumentDraft.objects.get(document=document)
    assert exported["provenance"]["source_sha256"] == draft.source_sha256
    assert exported["provenance"]["published_at"] is not None
    by_path = {".".join(map(str, m["path"])): m for m in exported["measures"]}
    assert "1.4" in by_path and "120万元" in by_path["3.1"]["text"]
