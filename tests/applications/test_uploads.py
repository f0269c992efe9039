"""Uploaded materials: PDF/JPEG/PNG by content, size-limited, never empty, random names."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services
from applications.models import Attachment

from .helpers import EXE, PDF, PNG, attach, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(personas, measure):
    return services.create_draft(personas.enterprise_a, measure)


@pytest.fixture
def client_a(client, personas):
    client.force_login(personas.enterprise_a)
    return client


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_it_stores_a_pdf_under_a_random_name(client_a, draft, settings):
    response = attach(client_a, draft, upload=pdf("营业执照 扫描件.pdf"))
    assert response.status_code == 302
    item = Attachment.objects.get(application=draft)
    assert (item.original_name, item.content_type, item.size) == (
        "营业执照 扫描件.pdf",
        "application/pdf",
        len(PDF),
    )
    files = stored_files(settings)
    assert len(files) == 1 and files[0].suffix == ".pdf"
    assert "营业执照" not in files[0].name and len(files[0].stem) == 32
    assert files[0].read_bytes() == PDF
    assert not str(files[0]).startswith(str(settings.STATIC_ROOT))


def test_a_png_named_jpg_is_stored_as_png(client_a, draft, settings):
    attach(client_a, draft, upload=SimpleUploadedFile("照片.jpg", PNG, "image/jpeg"))
    item = Attachment.objects.get(application=draft)
    assert item.content_type == "image/png"
    assert stored_files(settings)[0].suffix == ".png"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("营业执照.pdf", EXE, "application/pdf"), "不是 PDF、JPEG 或 PNG"),
        (SimpleUploadedFile("setup.exe", EXE, "application/octet-stream"), "不是 PDF、JPEG 或 PNG"),
        (SimpleUploadedFile("空白.pdf", b"", "application/pdf"), "空文件"),
        (SimpleUploadedFile("报表.pdf", PDF + b"\x00" * 2048, "application/pdf"), "超过了"),
    ],
    ids=["renamed-executable", "executable", "empty", "oversized"],
)
def test_it_refuses_bad_files_with_a_message_and_stores_nothing(
    client_a, draft, settings, upload, message
):
    settings.UPLOAD_MAX_BYTES = 2048
    response = attach(client_a, draft, upload=upload)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["upload_form"]["material"].value() == "营业执照"  # kept
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_the_default_limit_is_ten_mebibytes(settings):
    assert settings.UPLOAD_MAX_BYTES == 10 * 1024 * 1024


def test_it_refuses_uploads_after_submission(client_a, draft, personas, settings):
    services.submit(draft, personas.enterprise_a)
    attach(client_a, draft)
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_the_enterprise_can_delete_a_material_of_a_draft(
    client_a, draft, settings, django_capture_on_commit_callbacks
):
    attach(client_a, draft)
    item = Attachment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once committed
        client_a.post(f"/applications/{draft.pk}/attachments/{item.pk}/delete/")
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_the_materials_follow_the_handling_text(measure):
    from applications.uploads import required_materials

    assert required_materials(measure) == ["营业执照", "财务报表"]


@pytest.mark.parametrize(
    ("content", "what"),
    [
        ("PDF_WITH_JAVASCRIPT", "JavaScript"),
        ("PDF_WITH_HIDDEN_JAVASCRIPT", "JavaScript"),
        ("PDF_WITH_LAUNCH", "启动外部程序"),
        ("PDF_WITH_ATTACHMENT", "嵌入的附件"),
    ],
)
def test_a_pdf_with_active_content_is_refused(client_a, draft, content, what):
    from . import helpers

    response = attach(client_a, draft, upload=pdf("申报书.pdf", getattr(helpers, content)))
    assert response.status_code == 400
    html = response.content.decode()
    assert what in html and "不能上传" in html
    assert not Attachment.objects.exists()


def test_a_plain_pdf_that_opens_at_page_one_is_accepted(client_a, draft):
    from .helpers import PDF_GO_TO_PAGE_ONE

    attach(client_a, draft, upload=pdf("申报书.pdf", PDF_GO_TO_PAGE_ONE))
    assert Attachment.objects.count() == 1


def test_the_size_message_tells_the_sizes_apart(settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.uploads import check_upload

    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    upload = SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 - 4))
    with pytest.raises(Exception) as error:
        check_upload(upload)
    message = " ".join(error.value.messages)
    assert "10.00 MB（10,485,761 字节）" in message and "10 MB 的上限" in message
