"""An import never deletes (issue 11, item 3).

A truncated source, or a source file that is gone, stops the import with a Chinese message
naming the file and line, and nothing changes. With ``--allow-shrink`` the missing measures
are *retired*: no longer public (lists, search, counts, self-check, API), but kept with their
ids, pages (saying 已撤回 and why), intake, workflow stages, self-check rules and
applications. When the source has them again, the same rows come back, staff decisions and
all. Any other failure ends in a ``CommandError`` naming the file, never a traceback.
"""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import ProtectedError
from django.urls import reverse

from applications import services
from applications.models import Application, Enterprise, EnterpriseMembership, Intake
from applications.uscc import check_character
from policies import search, validity
from policies.eligibility import services as eligibility
from policies.eligibility.models import EligibilityRule
from policies.importer import loader
from policies.models import (
    Chapter,
    City,
    District,
    Measure,
    MeasureDepartment,
    MeasureGram,
    MeasureQuad,
    PolicyDocument,
)
from policies.views import sharing_topic
from portal.dates import today as portal_today
from portal.views import catalogue_counts

from .helpers import copy_sources, snapshot

ANSHAN_2023 = "002_14e9fef579fde56b.txt"  # 509 lines; items 18.1–18.5 start after line 450
LIAOCHENG = "003_76bc870404a33f18.txt"  # 58 lines; items 19–40 start after line 28
ANSHAN_2024 = "000_6bda17272921f9c3.txt"  # 24 lines; item n on line 8 + n
TOTAL = 16 + 43 + 49 + 40 + 13


@pytest.fixture
def sources(tmp_path):
    return copy_sources(tmp_path / "sources")


def truncate(sources, name, lines):
    path = sources / name
    kept = path.read_text(encoding="utf-8").splitlines(keepends=True)[:lines]
    path.write_text("".join(kept), encoding="utf-8")


def import_from(directory, **options):
    call_command("import_policies", source_dir=directory, verbosity=0, **options)


def measures_of(source, keys=None):
    rows = Measure.all_objects.filter(document__source=source).order_by("position")
    if keys is not None:
        rows = rows.filter(path_key__in=keys)
    return list(rows)


def anshan_2023_tail():
    return [f"18.{n}" for n in range(1, 6)]


def liaocheng_tail():
    return [str(n) for n in range(19, 41)]


# -- refused ---------------------------------------------------------------------------------


def test_a_truncated_source_is_refused_and_nothing_changes(catalogue, sources):
    truncate(sources, ANSHAN_2023, 450)
    before = snapshot()
    with pytest.raises(CommandError) as error:
        import_from(sources)
    message = str(error.value)
    assert "数据库未作任何修改" in message
    assert f"{ANSHAN_2023}:450: 缺少上次导入的 5 条措施" in message
    assert "第 18.1、18.2、18.3、18.4、18.5 条" in message
    assert "首条第 18.1 条“加大就业创业政策宣传力度" in message
    assert "上次导入时在第 464 行" in message  # read again from the stored source text
    assert "措施由 49 条减至 44 条" in message
    assert "--allow-shrink" in message
    assert "Traceback" not in message
    assert snapshot() == before
    assert Measure.objects.count() == TOTAL


def test_a_source_cut_early_is_refused_naming_the_first_missing_item(catalogue, sources):
    truncate(sources, LIAOCHENG, 28)
    before = snapshot()
    with pytest.raises(CommandError) as error:
        import_from(sources)
    message = str(error.value)
    assert f"{LIAOCHENG}:28: 缺少上次导入的 22 条措施" in message
    assert "首条第 19 条“大力引进海外高层次人才”，上次导入时在第 29 行" in message
    assert "正文比上次导入短了" in message  # and it lost more than half its text
    assert snapshot() == before


def test_a_source_much_shorter_than_last_time_is_refused_even_with_every_item(catalogue, sources):
    """Past the threshold (10% of the text), a shrink stops the import though no item is
    missing: here the last import's text is made longer than today's source."""
    document = PolicyDocument.objects.get(source=LIAOCHENG)
    document.source_text += "\n" + "以上措施的补充说明。" * 300
    document.save(update_fields=["source_text"])
    with pytest.raises(CommandError) as error:
        import_from(sources)
    message = str(error.value)
    assert f"{LIAOCHENG}:58: 正文比上次导入短了 28%（10652 字 → 7652 字" in message  # its end
    assert f"超过 {loader.SHRINK_LIMIT:.0%} 的限度" in message
    assert "缺少" not in message
    import_from(sources, allow_shrink=True)  # told so: imported, nothing retired
    assert Measure.objects.filter(document=document).count() == 40


def test_a_source_file_that_is_gone_is_refused(catalogue, sources):
    (sources / ANSHAN_2024).unlink()
    before = snapshot()
    with pytest.raises(CommandError) as error:
        import_from(sources)
    message = str(error.value)
    assert f"{ANSHAN_2024}: 来源文件已不在目录" in message
    assert "有 16 条措施" in message
    assert snapshot() == before


# -- retired, not deleted; restored with the same ids ------------------------------------------


def test_allowed_shrink_retires_and_the_full_source_restores_the_same_rows(
    catalogue, sources, client
):
    tail = measures_of(ANSHAN_2023, anshan_2023_tail()) + measures_of(LIAOCHENG, liaocheng_tail())
    ids = sorted(m.pk for m in tail)
    assert len(ids) == 27
    # a staff decision on one of them: closed to applications
    decided = next(m for m in tail if m.path_key == "18.2")
    intake = Intake.objects.get(measure=decided)
    intake.accepts, intake.note = False, "经研究，2026年起不再受理"
    intake.save()
    stages = {m.pk: list(m.workflow_stages.values_list("pk", flat=True)) for m in tail}
    assert stages[decided.pk], "18.2 has a workflow to keep"
    rules = dict(EligibilityRule.objects.filter(measure__in=ids).values_list("measure", "pk"))
    links = dict(
        (pk, sorted(MeasureDepartment.objects.filter(measure=pk).values_list("pk", flat=True)))
        for pk in ids
    )
    topics = {m.pk: sorted(m.topics.values_list("pk", flat=True)) for m in tail}
    chapters = sorted(
        Chapter.objects.filter(document__source=LIAOCHENG).values_list("pk", flat=True)
    )

    truncate(sources, ANSHAN_2023, 450)
    truncate(sources, LIAOCHENG, 28)
    import_from(sources, allow_shrink=True)

    # retired: kept with their ids and all that hangs on them
    retired = Measure.all_objects.filter(pk__in=ids)
    assert retired.count() == 27
    assert all(m.retired_at for m in retired)
    assert {m.retired_reason for m in retired} == {retired[0].retired_reason}
    assert retired[0].retired_reason.endswith("导入的来源文件中已无此条")
    assert not Measure.objects.filter(pk__in=ids).exists()
    assert Measure.objects.count() == TOTAL - 27
    assert Intake.objects.get(measure=decided).accepts is False
    for pk in ids:
        assert (
            list(Measure.all_objects.get(pk=pk).workflow_stages.values_list("pk", flat=True))
            == stages[pk]
        )
        assert (
            sorted(MeasureDepartment.objects.filter(measure=pk).values_list("pk", flat=True))
            == links[pk]
        )
    assert (
        dict(EligibilityRule.objects.filter(measure__in=ids).values_list("measure", "pk")) == rules
    )
    assert (
        sorted(Chapter.objects.filter(document__source=LIAOCHENG).values_list("pk", flat=True))
        == chapters
    )
    assert not MeasureGram.objects.filter(measure__in=ids).exists()  # out of the search index
    assert not MeasureQuad.objects.filter(measure__in=ids).exists()

    assert_not_public(client, ids)
    page = client.get(decided.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "已撤回" in html and "导入的来源文件中已无此条" in html
    assert '<meta name="robots" content="noindex">' in html
    assert reverse("applications:start", args=[decided.pk]) not in html
    assert f"?m={decided.pk}" not in html  # no compare links
    api = client.get(reverse("api:measure", args=[decided.pk]))
    assert api.status_code == 410
    assert api.json()["retired_reason"] == decided_reason(decided)

    # the full source again: the same rows, public, with the staff decision as it was
    import_from(copy_sources(sources))
    back = Measure.objects.filter(pk__in=ids)
    assert back.count() == 27
    assert not back.exclude(retired_reason="").exists()
    assert Measure.objects.count() == TOTAL
    assert Intake.objects.get(measure=decided).accepts is False
    assert Intake.objects.get(measure=decided).note == "经研究，2026年起不再受理"
    for measure in back:
        assert list(measure.workflow_stages.values_list("pk", flat=True)) == stages[measure.pk]
        assert sorted(measure.topics.values_list("pk", flat=True)) == topics[measure.pk]
    assert (
        dict(EligibilityRule.objects.filter(measure__in=ids).values_list("measure", "pk")) == rules
    )
    assert MeasureGram.objects.filter(measure=decided).exists()  # searchable again
    assert MeasureQuad.objects.filter(measure=decided).exists()
    html = client.get(decided.get_absolute_url()).content.decode()
    assert "已撤回" not in html
    assert client.get(reverse("api:measure", args=[decided.pk])).status_code == 200
    assert search.count_in_index("人才") == Measure.objects.filter(grams__gram="人才").count()
    assert Measure.objects.filter(quads__gram="人才引进").exists()
    assert search.count_in_index("人才引进") == (
        Measure.objects.filter(quads__gram="人才引进").count()
    )


def decided_reason(measure):
    return Measure.all_objects.get(pk=measure.pk).retired_reason


def assert_not_public(client, ids):
    """No public list, count, search, similar measures, comparison or self-check has them."""
    urls = [reverse("api:measure", args=[pk]) for pk in ids]
    pages = [f'href="{reverse("policies:measure", args=[pk])}"' for pk in ids]

    def shows_none(html):
        return not any(link in html for link in pages)

    liaocheng = City.objects.get(documents__source=LIAOCHENG)
    anshan = City.objects.get(name="鞍山市")
    document = PolicyDocument.objects.get(source=LIAOCHENG)
    for url in [
        reverse("policies:measure_list") + "?q=人才",
        reverse("policies:measure_list") + "?q=大力引进海外高层次人才",
        reverse("policies:measure_list") + f"?city={liaocheng.slug}",
        reverse("policies:measure_list") + f"?document={document.pk}",
        reverse("policies:city", args=[liaocheng.slug]),
        reverse("policies:city", args=[anshan.slug]),
        document.get_absolute_url(),
        reverse("policies:compare") + "?" + "&".join(f"m={pk}" for pk in ids[:4]),
        reverse("home"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert shows_none(response.content.decode()), url
    retired = Measure.all_objects.filter(pk__in=ids)
    for topic_id in {t for m in retired for t in m.topics.values_list("pk", flat=True)}:
        assert not {m.pk for m in sharing_topic(topic_id=topic_id, limit=500)} & set(ids)
    for department in {
        link.department for link in MeasureDepartment.objects.filter(measure__in=ids)
    }:
        assert shows_none(client.get(department.get_absolute_url()).content.decode())
    # counts
    html = client.get(reverse("policies:city", args=[liaocheng.slug])).content.decode()
    assert "18 条措施" in html
    # (the document's page may come from the page cache: read what it shows)
    assert (
        f'?document={document.pk}">18 条</a>'
        in client.get(document.get_absolute_url()).content.decode()
    )
    assert Measure.objects.in_force().filter(pk__in=ids).count() == 0
    today = portal_today()
    public_in_force = Measure.all_objects.filter(
        validity.measure_q("counted", today), retired_at__isnull=True
    ).count()
    assert (
        public_in_force < Measure.all_objects.filter(validity.measure_q("counted", today)).count()
    )
    assert sum(catalogue_counts(today)["cities"].values()) == public_in_force  # the home page
    assert search.count_in_index("人才") == Measure.objects.filter(grams__gram="人才").count()
    # the JSON API
    listed = client.get(reverse("api:measures") + "?page_size=100").json()
    assert listed["count"] == TOTAL - 27
    assert not set(ids) & {row["id"] for row in listed["results"]}
    api_document = client.get(reverse("api:document", args=[document.pk])).json()
    assert api_document["measure_count"] == 18
    assert len(api_document["measures"]) == 18
    assert all(client.get(url).status_code == 410 for url in urls[:3])
    assert client.get(reverse("api:measure", args=[10**9])).status_code == 404
    # the self-check never evaluates them
    for city in (liaocheng, anshan):
        assert not {m.pk for m in eligibility.city_measures(city)} & set(ids)


def test_a_gone_source_file_retires_its_document_and_restores_it(catalogue, sources, client):
    document = PolicyDocument.objects.get(source=ANSHAN_2024)
    ids = [m.pk for m in measures_of(ANSHAN_2024)]
    (sources / ANSHAN_2024).unlink()
    import_from(sources, allow_shrink=True)
    document = PolicyDocument.all_objects.get(pk=document.pk)
    assert document.retired_at and "已无此文件" in document.retired_reason
    assert not PolicyDocument.objects.filter(pk=document.pk).exists()
    assert Measure.all_objects.filter(pk__in=ids, retired_at__isnull=False).count() == 16
    page = client.get(document.get_absolute_url())
    assert page.status_code == 200 and "已撤回" in page.content.decode()
    assert client.get(reverse("api:document", args=[document.pk])).status_code == 410
    listed = client.get(reverse("api:documents")).json()
    assert document.pk not in {row["id"] for row in listed["results"]}
    assert document.get_absolute_url() not in client.get(reverse("home")).content.decode()
    # again without the file: nothing more to retire, nothing refused
    import_from(sources)
    # the file is back: the same document and measures
    (sources / ANSHAN_2024).write_bytes((loader.SOURCES / ANSHAN_2024).read_bytes())
    import_from(sources)
    assert PolicyDocument.objects.get(source=ANSHAN_2024).pk == document.pk
    assert sorted(Measure.objects.filter(document=document).values_list("pk", flat=True)) == sorted(
        ids
    )


# -- applications of a retired measure keep working ------------------------------------------------


@pytest.fixture
def application(catalogue, settings):
    """An enterprise's submitted application for 鞍山 2024 item 14 (the issue's case: a
    truncated 000_ where applications exist)."""
    city = City.objects.get(name="鞍山市")
    code = "91210302MA0CCCCC1"
    enterprise = Enterprise.objects.create(
        name="鞍山丙商贸有限公司",
        uscc=code + check_character(code),
        city=city,
        district=District.objects.get(city=city, name="铁东区"),
        contact_person="王经理",
        phone="0412-5550000",
        email="c@example.com",
    )
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("firm_c", password="correct-horse-battery")
    EnterpriseMembership.objects.create(user=user, enterprise=enterprise)
    measure = Measure.objects.get(document__source=ANSHAN_2024, path_key="14")
    draft = services.create_draft(user, measure, requested_amount_yuan=100000)
    return services.submit(draft, user)


def test_applications_of_a_retired_measure_keep_working(application, sources, client, admin_client):
    measure = application.measure
    truncate(sources, ANSHAN_2024, 21)  # items 14–16 gone
    with pytest.raises(CommandError, match=rf"{ANSHAN_2024}:21: 缺少上次导入的 3 条措施"):
        import_from(sources)  # refused (once a raw ProtectedError traceback)
    import_from(sources, allow_shrink=True)
    measure = Measure.all_objects.get(pk=measure.pk)
    assert measure.retired_at
    application = Application.objects.get(pk=application.pk)
    assert application.measure_id == measure.pk
    client.force_login(application.created_by)
    assert client.get(application.get_absolute_url()).status_code == 200
    assert client.get(reverse("applications:my_applications")).status_code == 200
    assert client.get(measure.get_absolute_url()).status_code == 200
    assert client.get(reverse("applications:start", args=[measure.pk])).status_code == 404
    staff_page = reverse("admin:applications_application_change", args=[application.pk])
    assert admin_client.get(staff_page).status_code == 200
    admin_page = admin_client.get(reverse("admin:policies_measure_change", args=[measure.pk]))
    assert (
        admin_page.status_code == 200 and "导入的来源文件中已无此条" in admin_page.content.decode()
    )
    changelist = admin_client.get(reverse("admin:policies_measure_changelist") + "?retired=yes")
    assert changelist.context["cl"].result_count == 3


# -- every other failure: a Chinese CommandError naming the file, never a traceback ------------


def test_a_protected_row_ends_in_a_command_error_naming_the_file(catalogue, sources, monkeypatch):
    def refuse(document, parsed):
        raise ProtectedError("protected", {document})

    monkeypatch.setattr(loader, "_write_notes", refuse)
    before = snapshot()
    with pytest.raises(CommandError) as error:
        import_from(sources)
    message = str(error.value)
    assert message.startswith("导入失败，数据库未作任何修改：000_6bda17272921f9c3.txt: ")
    assert "仍被引用、不能删除" in message
    assert snapshot() == before


def test_an_unreadable_source_ends_in_a_command_error_naming_it(catalogue, sources):
    (sources / "005_folder.txt").mkdir()
    with pytest.raises(CommandError, match=r"005_folder\.txt: 无法读取文件"):
        import_from(sources)


def test_a_missing_directory_ends_in_a_command_error(catalogue, tmp_path):
    with pytest.raises(CommandError, match="来源目录不存在"):
        import_from(tmp_path / "nowhere")


def test_an_unexpected_failure_ends_in_a_command_error(catalogue, sources, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("模拟的程序错误")

    monkeypatch.setattr(loader, "_write_chapters", broken)
    before = snapshot()
    with pytest.raises(CommandError) as error:
        import_from(sources)
    assert "数据库未作任何修改" in str(error.value) and "模拟的程序错误" in str(error.value)
    assert snapshot() == before
