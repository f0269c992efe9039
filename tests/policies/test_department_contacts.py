"""Department pages with contacts (issue 12, part 3): the persons the documents name (责任人,
联系方式), derived at import time per department and office, and the department's own
details, which staff keep in the admin and no import overwrites."""

import re

import pytest
from django.urls import reverse

from policies.importer import contacts
from policies.importer.loader import import_sources
from policies.models import City, Department, DepartmentContact, Measure
from policies.views import tel_href

from .helpers import admin_post_data

pytestmark = pytest.mark.django_db


def department(name, city="鞍山市"):
    return Department.objects.get(city__name=city, district=None, name=name)


def page(client, row):
    response = client.get(row.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def person(html, name):
    """The text of the list item naming ``name`` on a department page."""
    match = re.search(
        rf'<li class="department-contact-person[^"]*">((?:(?!</li>).)*<strong>{name}</strong>.*?)</li>',
        html,
        re.S,
    )
    assert match, name
    return match.group(1)


def test_the_commerce_bureau_shows_its_retail_section_head(client, catalogue):
    # fixtures/sources/002_…, lines 15–19: 责任单位：市商务局 / 责任人：零售科科长 赵春娇 /
    # 联系方式：5899860 (read by hand)
    html = page(client, department("市商务局"))
    item = person(html, "赵春娇")
    assert "科长" in item
    assert '<a href="tel:+86-412-5899860">5899860</a>' in item
    office = html[: html.index("<strong>赵春娇</strong>")].rsplit('<h4 class="h6 mb-1">', 1)[1]
    assert office.startswith("零售科</h4>")
    # the measures that name her, linked
    first = Measure.objects.get(document__source__startswith="002_", path_key="1.1")
    assert first.get_absolute_url() in item


def test_a_person_goes_to_the_department_their_line_names(catalogue):
    # 1（4）: 责任单位：市商务局；市农业农村局 — 责任人：市商务局市场科科长 吴莲 / 市农业农村局市场与信息化科科长 袁松
    wu = DepartmentContact.objects.get(name="吴莲")
    assert (wu.department.name, wu.office, wu.title) == ("市商务局", "市场科", "科长")
    assert "5899850" in wu.phones
    yuan = DepartmentContact.objects.get(name="袁松")
    assert (yuan.department.name, yuan.office, yuan.phones) == (
        "市农业农村局",
        "市场与信息化科",
        ["5542091"],
    )
    # an abbreviation on the line (市工信局) is the department's canonical row
    tian = DepartmentContact.objects.get(name="田峰")
    assert tian.department == department("市工业和信息化局")
    assert tian.office == "投资与规划科"


def test_a_person_the_item_does_not_place_goes_where_another_item_places_them(catalogue):
    # 8（2） names 市商务局 and 鞍山海关 and "查检三科科长 刘宝明"; 8（3） says 鞍山海关查检三科科长
    liu = DepartmentContact.objects.get(name="刘宝明")
    assert liu.department == department("鞍山海关")
    paths = sorted(liu.measures.values_list("path_key", flat=True))
    assert paths == ["8.2", "8.3"]


def test_matching_prefers_the_named_department_then_the_single_one():
    spellings = {"市商务局": 1, "市农业农村局": 2, "市工信局": 3, "市工业和信息化局": 3}
    entries = contacts.match_entries(
        [
            (10, [{"name": "赵春娇", "role": "零售科科长", "phones": ["5899860"]}], [1]),
            (
                11,
                [
                    {"name": "吴莲", "role": "市商务局市场科科长", "phones": ["5899850"]},
                    {"name": "某某", "role": "无名科科长", "phones": ["1"]},
                ],
                [1, 2],
            ),
            (12, [{"name": "田峰", "role": "市工信局投资与规划科科长", "phones": []}], [1]),
        ],
        spellings,
    )
    placed = {(e.name, e.department_id, e.office, e.title) for e in entries}
    assert placed == {
        ("赵春娇", 1, "零售科", "科长"),
        ("吴莲", 1, "市场科", "科长"),
        ("田峰", 3, "投资与规划科", "科长"),
    }  # 某某: two departments, named by neither line, not seen elsewhere: left out
    assert contacts.split_role("社会发展科副科长") == ("社会发展科", "副科长")
    assert contacts.split_role("能源交通科") == ("能源交通科", "")
    assert contacts.split_role("项目科负责人") == ("项目科", "负责人")


def test_a_persons_phones_are_most_named_first(catalogue):
    zhao = DepartmentContact.objects.get(name="赵春娇")
    assert zhao.phones[0] == "5899860"  # 1（1）、1（2）、2（1）; 3（2） pairs her with 5899822
    assert sorted(zhao.measures.values_list("path_key", flat=True)) == ["1.1", "1.2", "2.1", "3.2"]


def test_phone_links_dial_from_anywhere():
    assert tel_href("5899860", "0412") == "tel:+86-412-5899860"
    assert tel_href("13804121007", "0412") == "tel:+86-13804121007"
    assert tel_href("0412-5899860", "0417") == "tel:+86-412-5899860"
    assert tel_href("5899860") == "tel:5899860"


def test_the_department_page_shows_the_details_staff_entered(client, catalogue):
    commerce = department("市商务局")
    assert "办公地址" not in page(client, commerce)  # blank by default: not shown
    commerce.phone = "0412-5899800"
    commerce.address = "鞍山市铁东区胜利南路"
    commerce.office_hours = "工作日 8:30—17:00"
    commerce.email = "shangwu@example.gov.cn"
    commerce.save()
    html = page(client, commerce)
    assert '<a href="tel:+86-412-5899800">0412-5899800</a>' in html
    assert "鞍山市铁东区胜利南路" in html and "工作日 8:30—17:00" in html
    assert 'href="mailto:shangwu@example.gov.cn"' in html


def test_a_department_without_any_contact_says_so(client, catalogue):
    html = page(client, department("市委宣传部", city="聊城市"))
    assert "暂无联系方式" in html


@pytest.fixture
def admin_client(client, django_user_model, catalogue):
    user = django_user_model.objects.create_superuser("contact-admin", "c@example.com", "pw")
    client.force_login(user)
    return client


def test_a_staff_edited_phone_survives_reimport(admin_client):
    commerce = department("市商务局")
    url = reverse("admin:policies_department_change", args=[commerce.pk])
    form = admin_client.get(url)
    assert "赵春娇" in form.content.decode()  # the derived contacts, shown read-only
    data = admin_post_data(form)
    data["phone"] = "0412-5899800"
    data["office_hours"] = "工作日 8:30—17:00"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    import_sources()
    import_sources()
    commerce.refresh_from_db()
    assert (commerce.phone, commerce.office_hours) == ("0412-5899800", "工作日 8:30—17:00")
    assert commerce.contacts.filter(name="赵春娇").exists()


def test_derived_contacts_follow_the_measures_and_are_never_deleted(catalogue):
    measure = Measure.objects.get(document__source__startswith="002_", path_key="2.2")
    song = DepartmentContact.objects.get(name="宋显忠")
    rows = DepartmentContact.objects.count()
    import_sources()  # unchanged sources: nothing changes
    assert DepartmentContact.objects.count() == rows
    assert list(song.measures.all()) == [measure]
    # staff correct the number on the measure: the next import refreshes the contact
    measure.contacts = [{"name": "宋显忠", "role": "电商科科长", "phones": ["5899861"]}]
    measure.save()
    import_sources()
    song.refresh_from_db()
    assert song.phones == ["5899861"]
    # and a contact no measure names any more keeps its row, without measures, unshown
    measure.contacts = []
    measure.save()
    import_sources()
    assert DepartmentContact.objects.count() == rows
    assert not song.measures.exists()
    assert DepartmentContact.objects.filter(pk=song.pk).exists()


def test_contacts_are_derived_when_imported_not_when_read(client, catalogue):
    commerce = department("市商务局")
    DepartmentContact.objects.filter(department=commerce).delete()
    assert "赵春娇" not in page(client, commerce)
    import_sources()
    assert "赵春娇" in page(client, commerce)
    assert City.objects.get(name="鞍山市").phone_area_code == "0412"
