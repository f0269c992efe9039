"""The six documents of other cities (and their Word and PDF versions) published end to end:
through ``manage.py publish_document`` and through the admin's 发布政策文件, each giving the
catalogue rows its golden table (``test_parser_layouts``) says — measures, paths, titles,
departments in order, amounts, the document's period — with its provenance."""

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command

from policies.models import City, Measure, PolicyDocument

from .test_parser_layouts import DOCUMENTS, GOLDEN

pytestmark = pytest.mark.django_db

CITIES = {
    "本溪市": ("benxi", "辽宁省"),
    "盘锦市": ("panjin", "辽宁省"),
    "德州市": ("dezhou", "山东省"),
    "许昌市": ("xuchang", "河南省"),
    "锦州市": ("jinzhou", "辽宁省"),
    "洛阳市": ("luoyang", "河南省"),
}


@pytest.fixture(autouse=True)
def _cities_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    for name, (slug, province) in CITIES.items():
        City.objects.get_or_create(name=name, defaults={"slug": slug, "province": province})


def table_of(document):
    rows = []
    for measure in (
        Measure.objects.filter(document=document)
        .prefetch_related("measuredepartment_set__department")
        .order_by("position")
    ):
        links = sorted(measure.measuredepartment_set.all(), key=lambda link: link.position)
        rows.append(
            (
                measure.path_key,
                measure.title,
                [link.department.name for link in links],
                measure.support_amounts_yuan,
            )
        )
    return rows


def check_against_golden(document, name):
    golden = GOLDEN[name]
    assert document.title == golden["title"]
    assert document.city.name == golden["city"]
    assert document.issuer == golden["issuer"]
    assert document.issued_on == golden["issued_on"]
    assert table_of(document) == golden["measures"]
    assert (
        list(document.chapters.order_by("number").values_list("title", flat=True))
        == (golden["chapters"])
    )
    if golden.get("valid"):
        assert (document.valid_from, document.valid_until) == golden["valid"]
    data = (DOCUMENTS / name).read_bytes()
    assert document.origin == PolicyDocument.Origin.PUBLISHED
    assert document.source_sha256 == hashlib.sha256(data).hexdigest()
    assert document.source_filename == name
    with document.source_file.open("rb") as handle:
        assert handle.read() == data  # kept verbatim


@pytest.mark.parametrize("name", GOLDEN)
def test_each_document_published_by_the_command(name):
    golden = GOLDEN[name]
    out = StringIO()
    call_command(
        "publish_document",
        str(DOCUMENTS / name),
        "--city",
        golden["city"],
        "--issuer",
        golden["issuer"],
        "--date",
        golden["issued_on"].isoformat(),
        stdout=out,
    )
    document = PolicyDocument.objects.get(title=golden["title"], source_filename=name)
    check_against_golden(document, name)


@pytest.mark.parametrize("name", GOLDEN)
def test_each_document_dry_run_writes_nothing(name):
    golden = GOLDEN[name]
    counts = (PolicyDocument.all_objects.count(), Measure.all_objects.count())
    out = StringIO()
    call_command(
        "publish_document",
        str(DOCUMENTS / name),
        "--city",
        golden["city"],
        "--issuer",
        golden["issuer"],
        "--date",
        golden["issued_on"].isoformat(),
        "--dry-run",
        stdout=out,
    )
    assert (PolicyDocument.all_objects.count(), Measure.all_objects.count()) == counts
    printed = out.getvalue()
    assert golden["title"] in printed
    for path, title, _departments, _amounts in golden["measures"]:
        assert title in printed, (path, title)


@pytest.mark.parametrize("name", GOLDEN)
def test_each_document_published_through_the_admin(client, django_user_model, name):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from policies.models import DocumentDraft

    golden = GOLDEN[name]
    client.force_login(django_user_model.objects.create_superuser("editor", "e@example.com", "x"))
    upload = SimpleUploadedFile(name, (DOCUMENTS / name).read_bytes())
    added = client.post(
        reverse("admin:policies_documentdraft_add"),
        {
            "city": City.objects.get(name=golden["city"]).pk,
            "issuer": golden["issuer"],
            "issued_on": golden["issued_on"].isoformat(),
            "title": "",
            "source_url": "https://www.example.gov.cn/zcwj/1.html",
            "supersedes": "",
            "upload": upload,
        },
    )
    assert added.status_code == 302
    draft = DocumentDraft.objects.get(source_filename=name)
    preview = client.get(reverse("admin:policies_documentdraft_change", args=[draft.pk]))
    page = preview.content.decode()
    for _path, title, _departments, _amounts in golden["measures"]:
        assert title in page
    confirm = reverse("admin:policies_documentdraft_publish", args=[draft.pk])
    assert client.get(confirm).status_code == 200
    assert not PolicyDocument.objects.filter(source_filename=name).exists()  # GET wrote nothing
    assert client.post(confirm, {"lock_version": draft.lock_version}).status_code == 302
    document = PolicyDocument.objects.get(source_filename=name)
    check_against_golden(document, name)
    assert document.source_url == "https://www.example.gov.cn/zcwj/1.html"
    public = client.get(document.get_absolute_url()).content.decode()
    assert "来源" in public and document.source_sha256 in public
