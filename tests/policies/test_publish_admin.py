"""发布政策文件 in the admin: add (paste or upload) → preview with warnings → correct and
re-parse (guarded by the draft's version) → publish through a confirmation page, once;
废止 with a confirmation step; rules flagged 需复核 and suggested rules; who may do it."""

import datetime
import hashlib
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import StaffMembership
from policies import publishing
from policies.eligibility.models import EligibilityRule
from policies.models import (
    City,
    Department,
    DocumentDraft,
    DocumentVersion,
    Measure,
    MeasureRevision,
    PolicyDocument,
)

SMALL = Path(__file__).parent / "documents" / "publish_small.txt"
PASSWORD = "publish-Passw0rd"
PUBLISHER_PERMISSIONS = [
    "add_documentdraft",
    "change_documentdraft",
    "view_documentdraft",
    "view_policydocument",
    "change_policydocument",
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def anshan(catalogue):
    return City.objects.get(name="鞍山市")


@pytest.fixture
def other_city(catalogue):
    return City.objects.exclude(name="鞍山市").order_by("name").first()


def staff_of(django_user_model, username, city, permissions=PUBLISHER_PERMISSIONS):
    user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="policies", codename__in=permissions)
    )
    department = Department.objects.filter(city=city, district=None).order_by("pk").first()
    StaffMembership.objects.create(user=user, department=department)
    return user


@pytest.fixture
def superuser(django_user_model, catalogue):
    return django_user_model.objects.create_superuser("publisher-admin", "a@example.com", "pw")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def anshan_staff(django_user_model, anshan):
    return staff_of(django_user_model, "anshan-publisher", anshan)


def form_data(city, **values):
    data = {
        "city": city.pk,
        "issuer": "鞍山市人民政府办公室",
        "issued_on": "2025-03-01",
        "title": "",
        "source_url": "",
        "supersedes": "",
    }
    data.update(values)
    return data


def add_url():
    return reverse("admin:policies_documentdraft_add")


def change_url(draft):
    return reverse("admin:policies_documentdraft_change", args=[draft.pk])


def publish_url(draft):
    return reverse("admin:policies_documentdraft_publish", args=[draft.pk])


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def new_draft(city, text=None, user=None, supersedes=None):
    return publishing.create_draft(
        city=city,
        issuer="鞍山市人民政府办公室",
        issued_on=datetime.date(2025, 3, 1),
        user=user,
        text=SMALL.read_text(encoding="utf-8") if text is None else text,
        supersedes=supersedes,
    )


# -- adding ----------------------------------------------------------------------------------


def test_it_adds_a_draft_from_pasted_text_and_shows_its_preview(admin_client, anshan):
    text = SMALL.read_text(encoding="utf-8")
    response = admin_client.post(add_url(), form_data(anshan, text=text))
    draft = DocumentDraft.objects.get()
    assert response.status_code == 302 and response.url == change_url(draft)
    assert draft.state == DocumentDraft.State.EDITING
    assert draft.source_sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert not draft.source_file
    assert not PolicyDocument.all_objects.filter(title__contains="中小企业高质量发展").exists()

    page = admin_client.get(change_url(draft)).content.decode()
    assert "鞍山市支持中小企业高质量发展若干措施" in page
    for title in ("支持企业升规纳统", "鼓励专精特新发展", "降低融资成本", "开展银企对接活动"):
        assert title in page
    assert "加大财政支持力度" in page and "优化融资服务" in page  # the chapters
    assert "第1条" in page and "第4条" in page
    assert "市工业和信息化局" in page and "市地方金融监管局" in page
    assert 'class="money"' in page and "50万元" in page.replace(" ", "")
    assert 'name="lock_version"' in page and 'id="draft-publish"' in page


def test_it_adds_a_draft_from_an_uploaded_txt_and_keeps_the_file(admin_client, anshan):
    data = SMALL.read_bytes()
    upload = SimpleUploadedFile("支持中小企业.txt", data, content_type="text/plain")
    response = admin_client.post(add_url(), {**form_data(anshan), "upload": upload})
    draft = DocumentDraft.objects.get()
    assert response.status_code == 302
    assert draft.source_filename == "支持中小企业.txt"
    assert draft.source_sha256 == hashlib.sha256(data).hexdigest()
    with draft.source_file.open("rb") as handle:
        assert handle.read() == data
    assert "支持企业升规纳统" in draft.text
    download = admin_client.get(
        reverse("admin:policies_documentdraft_source_file", args=[draft.pk])
    )
    assert download.status_code == 200 and b"".join(download.streaming_content) == data


def test_it_adds_a_draft_from_an_uploaded_docx(admin_client, anshan):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in SMALL.read_text(encoding="utf-8").splitlines():
        if line.strip():
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    upload = SimpleUploadedFile("措施.docx", buffer.getvalue())
    response = admin_client.post(add_url(), {**form_data(anshan), "upload": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = DocumentDraft.objects.get()
    assert draft.source_sha256 == hashlib.sha256(buffer.getvalue()).hexdigest()
    page = admin_client.get(change_url(draft)).content.decode()
    assert "支持企业升规纳统" in page and "开展银企对接活动" in page


@pytest.mark.parametrize(
    "extra,field,message",
    [
        ({}, "upload", "请上传文件，或在下方粘贴正文。"),
        (
            {"text": "一、总则", "upload": SimpleUploadedFile("a.txt", b"x")},
            "text",
            "二选一",
        ),
        ({"upload": SimpleUploadedFile("a.xls", b"x")}, "upload", "只接受 .docx、.pdf 或 .txt"),
        ({"text": "x", "issued_on": "2025-13-01"}, "issued_on", "请输入有效日期"),
    ],
)
def test_it_asks_for_exactly_one_readable_source_keeping_what_was_typed(
    admin_client, anshan, extra, field, message
):
    data = form_data(anshan, title="我输入的标题", **extra)
    response = admin_client.post(add_url(), data)
    assert response.status_code == 400
    assert not DocumentDraft.objects.exists()
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    page = response.content.decode()
    assert "我输入的标题" in page  # nothing typed is lost
    assert f"field-{field} errors" in page  # the message sits next to its field


def test_an_unreadable_file_says_why_next_to_the_file_field(admin_client, anshan):
    scanned = SimpleUploadedFile("扫描件.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\nnot a text layer\n")
    response = admin_client.post(
        add_url(), {**form_data(anshan, title="保留的标题"), "upload": scanned}
    )
    assert response.status_code == 400
    assert not DocumentDraft.objects.exists()
    assert response.context["form"].errors["upload"]
    assert "保留的标题" in response.content.decode()


def test_a_file_over_ten_megabytes_is_refused(admin_client, anshan):
    big = SimpleUploadedFile("big.txt", b"a" * (10 * 1024 * 1024 + 1))
    response = admin_client.post(add_url(), {**form_data(anshan), "upload": big})
    assert response.status_code == 400
    assert "10 MB" in " ".join(response.context["form"].errors["upload"])


# -- preview, warnings and corrections --------------------------------------------------------


def test_the_preview_lists_warnings_with_their_lines(admin_client, anshan):
    text = SMALL.read_text(encoding="utf-8").replace(
        "（责任单位：市地方金融监管局）\n\n本措施", "\n\n本措施"
    )
    draft = new_draft(anshan, text=text)
    response = admin_client.get(change_url(draft))
    preview = response.context["preview"]
    assert preview.warnings, "a measure without a department is worth a warning"
    page = response.content.decode()
    assert 'id="draft-warnings"' in page
    for warning in preview.warnings:
        assert warning.message in page
        if warning.line:
            assert f"<td>{warning.line}</td>" in page


def test_a_draft_with_a_blocking_warning_cannot_be_published(admin_client, anshan):
    draft = new_draft(anshan, text="关于做好有关工作的说明\n\n这是一段没有任何编号条目的文字。\n")
    page = admin_client.get(change_url(draft)).content.decode()
    assert 'id="draft-blocking"' in page or 'id="draft-error"' in page
    assert 'id="draft-publish-disabled"' in page and 'id="draft-publish"' not in page

    confirm = admin_client.get(publish_url(draft))
    assert confirm.status_code == 200
    assert 'id="publish-refused"' in confirm.content.decode()
    assert 'id="publish-confirm"' not in confirm.content.decode()

    before = PolicyDocument.all_objects.count()
    response = admin_client.post(publish_url(draft), {"lock_version": draft.lock_version})
    assert response.status_code == 302 and response.url == change_url(draft)
    assert any("未发布" in message for message in texts(response))
    assert PolicyDocument.all_objects.count() == before
    draft.refresh_from_db()
    assert draft.document_id is None


def test_it_saves_corrections_and_reparses(admin_client, anshan):
    draft = new_draft(anshan)
    text = draft.text.replace("支持企业升规纳统", "支持企业首次升规")
    response = admin_client.post(
        change_url(draft),
        form_data(anshan, text=text, lock_version=draft.lock_version, title="改过的标题"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.lock_version == 1 and draft.title == "改过的标题"
    page = admin_client.get(change_url(draft)).content.decode()
    assert "支持企业首次升规" in page and "改过的标题" in page


def test_a_stale_edit_is_refused_with_a_message_and_overwrites_nothing(admin_client, anshan):
    draft = new_draft(anshan)
    stale = draft.lock_version
    publishing.update_draft(draft, stale, title="他人刚改的标题")
    response = admin_client.post(
        change_url(draft),
        form_data(anshan, text="我的修改\n" + draft.text, lock_version=stale, title="我的标题"),
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "刚被他人修改" in page
    assert "我的修改" in page  # what they typed is still in the form
    draft.refresh_from_db()
    assert draft.title == "他人刚改的标题" and not draft.text.startswith("我的修改")


# -- publishing ------------------------------------------------------------------------------


def test_the_confirmation_page_writes_nothing_and_the_post_publishes_once(
    admin_client, anshan, superuser
):
    draft = new_draft(anshan)
    documents = PolicyDocument.all_objects.count()
    measures = Measure.all_objects.count()

    confirm = admin_client.get(publish_url(draft))
    assert confirm.status_code == 200
    assert 'id="publish-confirm"' in confirm.content.decode()
    assert PolicyDocument.all_objects.count() == documents
    assert Measure.all_objects.count() == measures
    draft.refresh_from_db()
    assert draft.state == DocumentDraft.State.EDITING

    response = admin_client.post(publish_url(draft), {"lock_version": draft.lock_version})
    document = PolicyDocument.all_objects.get(title="鞍山市支持中小企业高质量发展若干措施")
    assert response.status_code == 302
    assert response.url == reverse("admin:policies_policydocument_change", args=[document.pk])
    [message] = texts(response)
    assert "已发布" in message and document.get_absolute_url() in message
    assert document.origin == PolicyDocument.Origin.PUBLISHED
    assert document.published_by == superuser and document.version == 1
    assert document.measures.public().count() == 4
    draft.refresh_from_db()
    assert draft.state == DocumentDraft.State.PUBLISHED and draft.document == document

    again = admin_client.post(publish_url(draft), {"lock_version": draft.lock_version - 1})
    assert again.status_code == 302 and again.url == change_url(draft)
    assert any("未重复发布" in message for message in texts(again))
    assert PolicyDocument.all_objects.count() == documents + 1

    page = admin_client.get(change_url(draft)).content.decode()
    assert 'id="draft-readonly"' in page and 'id="draft-reparse"' not in page
    refused = admin_client.post(change_url(draft), form_data(anshan, text="x", lock_version=9))
    assert refused.status_code == 302
    assert admin_client.get(document.get_absolute_url()).status_code == 200

    change = admin_client.get(response.url).content.decode()
    assert "部门发布" in change and draft.source_sha256 in change


def test_a_revision_marks_each_measure_and_lists_the_removed_ones(admin_client, anshan):
    first = new_draft(anshan)
    document = publishing.publish(first)
    text = (
        SMALL.read_text(encoding="utf-8")
        .replace("给予一次性奖励10万元", "给予一次性奖励15万元")
        .replace(
            "（四）开展银企对接活动。每季度至少组织一次银企对接活动，推动金融机构加大对中小企业的信贷投放。（责任单位：市地方金融监管局）",
            "（四）支持企业上市挂牌。对在境内主板上市的中小企业，给予一次性奖励100万元。（责任单位：市地方金融监管局）",
        )
    )
    revision = new_draft(anshan, text=text, supersedes=document)
    response = admin_client.get(change_url(revision))
    page = response.content.decode()
    assert "【新增】" in page and "【未变】" in page
    assert "修订：" in page and "最高金额" in page
    assert "将撤回" in page and "开展银企对接活动" in page
    assert response.context["counts"] == {"added": 1, "changed": 1, "same": 2, "removed": 1}

    published = admin_client.post(publish_url(revision), {"lock_version": revision.lock_version})
    assert published.status_code == 302
    document.refresh_from_db()
    assert document.version == 2
    assert DocumentVersion.objects.filter(document=document, number=1).exists()
    assert MeasureRevision.objects.filter(document=document).count() >= 3

    for model in ("documentversion", "measurerevision"):
        listing = admin_client.get(reverse(f"admin:policies_{model}_changelist"))
        assert listing.status_code == 200
        assert admin_client.get(reverse(f"admin:policies_{model}_add")).status_code == 403
    version = DocumentVersion.objects.get(document=document)
    view = admin_client.get(reverse("admin:policies_documentversion_change", args=[version.pk]))
    assert view.status_code == 200 and 'name="_save"' not in view.content.decode()


def test_it_discards_a_draft(admin_client, anshan):
    draft = new_draft(anshan)
    response = admin_client.post(
        reverse("admin:policies_documentdraft_discard", args=[draft.pk]),
        {"lock_version": draft.lock_version},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == DocumentDraft.State.DISCARDED
    assert admin_client.post(publish_url(draft), {"lock_version": draft.lock_version}).url == (
        change_url(draft)
    )
    assert draft.document_id is None


# -- repeal --------------------------------------------------------------------------------------


def test_repeal_asks_then_confirms(admin_client, anshan):
    document = publishing.publish(new_draft(anshan))
    url = reverse("admin:policies_policydocument_repeal", args=[document.pk])
    change = admin_client.get(reverse("admin:policies_policydocument_change", args=[document.pk]))
    assert url in change.content.decode()

    assert admin_client.get(url).status_code == 200
    invalid = admin_client.post(url, {"repealed_on": "2025-02-30", "basis": ""})
    assert invalid.status_code == 200 and invalid.context["form"].errors

    values = {"repealed_on": "2025-06-30", "basis": "鞍政发〔2025〕9号"}
    step = admin_client.post(url, values)
    assert step.status_code == 200 and step.context["confirming"]
    assert 'id="repeal-confirm"' in step.content.decode()
    document.refresh_from_db()
    assert not document.is_repealed  # the first POST only shows the confirmation

    done = admin_client.post(url, {**values, "confirm": "yes"})
    assert done.status_code == 302
    document.refresh_from_db()
    assert str(document.repealed_on) == "2025-06-30" and document.repeal_basis == values["basis"]
    assert not Measure.objects.filter(document=document).exists()  # none public any more
    assert not PolicyDocument.objects.filter(pk=document.pk).exists()

    again = admin_client.post(url, {**values, "confirm": "yes"})
    assert again.status_code == 302 and any("未重复" in m for m in texts(again))
    page = admin_client.get(done.url).content.decode()
    assert 'id="repealed-note"' in page and url not in page


# -- rules -------------------------------------------------------------------------------------


def rule_action(client, action, rules):
    return client.post(
        reverse("admin:eligibility_eligibilityrule_changelist"),
        {"action": action, "_selected_action": [rule.pk for rule in rules]},
    )


def test_rules_flagged_for_review_are_listed_and_marked_reviewed(admin_client, superuser):
    rule = EligibilityRule.objects.filter(status=EligibilityRule.Status.ENCODED).first()
    publishing.flag_rules({rule.measure_id: "第2版修订了本条：最高金额有变化。"})
    url = reverse("admin:eligibility_eligibilityrule_changelist")
    listing = admin_client.get(url, {"needs_review__exact": "1"})
    assert list(listing.context["cl"].result_list) == [rule]
    detail = admin_client.get(reverse("admin:eligibility_eligibilityrule_change", args=[rule.pk]))
    assert "第2版修订了本条" in detail.content.decode()

    response = rule_action(admin_client, "mark_reviewed", [rule])
    assert response.status_code == 302
    rule.refresh_from_db()
    assert not rule.needs_review and rule.reviewed_by == superuser


def test_suggested_rules_are_accepted_or_refused_with_reasons(admin_client, anshan):
    document = publishing.publish(new_draft(anshan))
    suggested = EligibilityRule.objects.filter(
        measure__document=document, status=EligibilityRule.Status.SUGGESTED
    )
    assert suggested.exists()
    listing = admin_client.get(
        reverse("admin:eligibility_eligibilityrule_changelist"), {"status__exact": "suggested"}
    )
    assert set(listing.context["cl"].result_list) == set(suggested)
    assert "建议草稿" in listing.content.decode()

    good, *rest = list(suggested)
    response = rule_action(admin_client, "accept_suggestions", [good])
    good.refresh_from_db()
    assert good.status == EligibilityRule.Status.ENCODED, texts(response)

    if rest:
        bad = rest[0]
        EligibilityRule.objects.filter(pk=bad.pk).update(conditions={"all": [{"nonsense": 1}]})
        response = rule_action(admin_client, "accept_suggestions", [bad])
        bad.refresh_from_db()
        assert bad.status == EligibilityRule.Status.SUGGESTED
        assert any("未采纳" in message for message in texts(response))


# -- who may -----------------------------------------------------------------------------------


def test_outsiders_and_enterprise_users_never_reach_it(client, django_user_model, anshan):
    draft = new_draft(anshan)
    urls = [add_url(), change_url(draft), publish_url(draft)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url
    enterprise = django_user_model.objects.create_user("firm", password=PASSWORD)
    client.force_login(enterprise)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url
    assert client.post(publish_url(draft), {"lock_version": 0}).status_code == 302
    draft.refresh_from_db()
    assert draft.state == DocumentDraft.State.EDITING


def test_staff_without_the_permission_are_refused(client, django_user_model, anshan):
    draft = new_draft(anshan)
    clerk = staff_of(django_user_model, "clerk", anshan, permissions=[])
    client.force_login(clerk)
    assert client.get(add_url()).status_code == 403
    assert client.get(change_url(draft)).status_code == 403
    assert client.post(publish_url(draft), {"lock_version": 0}).status_code == 403
    draft.refresh_from_db()
    assert draft.state == DocumentDraft.State.EDITING


def test_department_staff_publish_for_their_own_city_only(
    client, django_user_model, anshan, other_city, anshan_staff
):
    mine = new_draft(anshan)
    theirs = new_draft(other_city, text=SMALL.read_text(encoding="utf-8"))
    client.force_login(anshan_staff)

    listing = client.get(reverse("admin:policies_documentdraft_changelist"))
    assert list(listing.context["cl"].result_list) == [mine]
    assert client.get(change_url(theirs)).status_code == 404
    assert client.get(publish_url(theirs)).status_code == 404
    assert client.post(publish_url(theirs), {"lock_version": 0}).status_code == 404

    form = client.get(add_url()).context["form"]
    assert list(form.fields["city"].queryset) == [anshan]
    assert {d.city_id for d in form.fields["supersedes"].queryset} == {anshan.pk}
    refused = client.post(add_url(), form_data(other_city, text=SMALL.read_text()))
    assert refused.status_code == 400 and "city" in refused.context["form"].errors

    response = client.post(publish_url(mine), {"lock_version": mine.lock_version})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.state == DocumentDraft.State.PUBLISHED
    assert mine.document.published_by == anshan_staff

    elsewhere = PolicyDocument.objects.filter(city=other_city).first()
    repeal = reverse("admin:policies_policydocument_repeal", args=[elsewhere.pk])
    assert client.get(repeal).status_code == 404  # another city's document: not theirs


def test_the_publisher_group_lets_department_staff_publish_their_city_only(
    client, django_user_model, anshan, other_city
):
    from django.contrib.auth.models import Group

    from applications.apps import PUBLISHER_GROUP

    group = Group.objects.get(name=PUBLISHER_GROUP)  # created by post_migrate
    user = staff_of(django_user_model, "grouped", anshan, permissions=[])
    user.groups.add(group)
    client.force_login(user)
    assert client.get(add_url()).status_code == 200
    listing = client.get(reverse("admin:policies_policydocument_changelist"))
    assert listing.status_code == 200
    assert {d.city_id for d in listing.context["cl"].result_list} == {anshan.pk}
    elsewhere = PolicyDocument.objects.filter(city=other_city).first()
    change = reverse("admin:policies_policydocument_change", args=[elsewhere.pk])
    assert client.get(change).status_code in (302, 404)  # not theirs: not found
    rules = client.get(reverse("admin:eligibility_eligibilityrule_changelist"))
    assert rules.status_code == 200
