"""发布政策文件 in a real headless Chromium: a department's staff member logs into the admin,
uploads a .txt, reads the preview, publishes through the confirmation page and opens the
public page of the new document."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission

from applications.models import StaffMembership
from policies.models import City, Department, PolicyDocument

from .conftest import screenshot

pytestmark = pytest.mark.e2e

SMALL = Path(__file__).resolve().parents[1] / "policies" / "documents" / "publish_small.txt"
TITLE = "鞍山市支持中小企业高质量发展若干措施"
PASSWORD = "e2e-Publish-Passw0rd"


@pytest.fixture
def publisher(transactional_catalogue, settings, tmp_path):
    from django.contrib.auth import get_user_model

    settings.MEDIA_ROOT = tmp_path / "uploads"
    city = City.objects.get(name="鞍山市")
    user = get_user_model().objects.create_user("e2e_publisher", password=PASSWORD, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="policies",
            codename__in=[
                "add_documentdraft",
                "change_documentdraft",
                "view_documentdraft",
                "view_policydocument",
            ],
        )
    )
    department = Department.objects.filter(city=city, district=None).order_by("pk").first()
    StaffMembership.objects.create(user=user, department=department)
    return user


def test_staff_upload_preview_and_publish_a_document(page, publisher):
    page.goto("/admin/login/")
    page.fill("#id_username", publisher.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()

    page.goto("/admin/policies/documentdraft/add/")
    assert page.locator("#id_city option:checked").inner_text() == "鞍山市"
    page.fill("#id_issuer", "鞍山市人民政府办公室")
    page.fill("#id_issued_on", "2025-03-01")
    page.set_input_files("#id_upload", str(SMALL))
    page.click("input[name=_save]")

    page.wait_for_selector("#draft-preview")
    preview = page.locator("#draft-preview").inner_text()
    assert TITLE in preview
    for title in ("支持企业升规纳统", "鼓励专精特新发展", "降低融资成本", "开展银企对接活动"):
        assert title in preview
    assert "市工业和信息化局" in preview
    screenshot(page, "publish-preview")

    page.click("#draft-publish")
    page.wait_for_selector("#publish-summary")
    assert not PolicyDocument.all_objects.filter(title=TITLE).exists()  # GET wrote nothing
    page.click("#publish-confirm")

    page.wait_for_url(re.compile(r"/admin/policies/policydocument/\d+/change/$"))
    message = page.locator("ul.messagelist li.success")
    assert "已发布" in message.inner_text()
    document = PolicyDocument.objects.get(title=TITLE)
    assert document.published_by == publisher

    message.get_by_role("link", name="查看公开页面").click()
    page.wait_for_url(re.compile(rf"{re.escape(document.get_absolute_url())}$"))
    assert TITLE in page.get_by_role("heading", level=1).inner_text()
    assert "支持企业升规纳统" in page.content()
    screenshot(page, "publish-public-page")
