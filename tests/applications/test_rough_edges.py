"""The rough edges of registration and applications (issue 12): placeholders, districts
grouped by city and named once, 您 in every password help text, one autofocus; the start
page's citation, 新建申报, labels from the transition table, departments by their real
names, 办理进度 apart from 办理记录."""

import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from applications import services
from applications.models import Application
from applications.states import TRANSITIONS, Role, State
from applications.views import ending_transition
from policies.models import City, Department, District

from .conftest import measure_at

pytestmark = pytest.mark.django_db


class Fields(HTMLParser):
    """The form controls of a page in order, and the <optgroup>s of each <select>."""

    def __init__(self):
        super().__init__()
        self.controls = []  # (tag, attrs)
        self.groups = {}  # select name → [(label, [(value, text)])]
        self._select = None
        self._group = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "select", "textarea"):
            self.controls.append((tag, attrs))
        if tag == "select":
            self._select = attrs.get("name")
            self.groups[self._select] = []
        elif tag == "optgroup" and self._select:
            self._group = (attrs["label"], [])
            self.groups[self._select].append(self._group)
        elif tag == "option" and self._group is not None:
            self._option = [attrs.get("value"), ""]

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            self._group[1].append((self._option[0], self._option[1].strip()))
            self._option = None
        elif tag == "optgroup":
            self._group = None
        elif tag == "select":
            self._select = None


def the_form(html: str, marker: str = '<form method="post" novalidate>') -> str:
    start = html.index(marker)
    return html[start : html.index("</form>", start)]


def parsed(html: str) -> Fields:
    fields = Fields()
    fields.feed(html)
    return fields


# --- registration ---------------------------------------------------------------------------


def test_registration_selects_say_what_to_choose(client, catalogue):
    form = the_form(client.get(reverse("register")).content.decode())
    assert "---------" not in form
    assert '<option value="" selected>请选择城市</option>' in form
    assert '<option value="" selected>请选择县（市）区</option>' in form


def test_registration_groups_the_districts_by_city(client, catalogue):
    form = the_form(client.get(reverse("register")).content.decode())
    groups = parsed(form).groups["district"]
    cities = list(City.objects.all())
    assert [label for label, _options in groups] == [city.name for city in cities]
    for city, (_label, options) in zip(cities, groups, strict=True):
        expected = {str(pk): name for pk, name in city.districts.values_list("pk", "name")}
        assert dict(options) == expected  # each district once, by its own name
    yingkou = dict(groups)["营口市"]
    assert len(yingkou) == District.objects.filter(city__name="营口市").count() < 37
    # listed by administrative code; the development zones (no code) after them
    assert [name for _pk, name in yingkou][:2] == ["站前区", "西市区"]
    assert {name for _pk, name in yingkou[-2:]} == {
        "营口高新技术产业开发区",
        "营口仙人岛能源化工区",
    }


def test_registration_shows_only_the_chosen_citys_districts_with_javascript(client, catalogue):
    html = client.get(reverse("register")).content.decode()
    assert re.search(r'<script src="[^"]*/js/register\.js"></script>', html)
    script = (Path(settings.BASE_DIR) / "static/js/register.js").read_text()
    assert "optgroup" in script and "id_city" in script and "id_district" in script


def test_registration_refuses_a_district_of_another_city(client, catalogue):
    from .test_accounts import form_data

    other = District.objects.get(city__name="营口市", name="站前区")
    page = client.post(reverse("register"), form_data(district=other.pk))
    assert page.status_code == 200
    assert "所选县（市）区不属于鞍山市" in page.content.decode()


def test_a_district_is_named_without_repeating_its_city(client, catalogue):
    zone = District.objects.get(name="三门峡市城乡一体化示范区")
    assert str(zone) == "三门峡市城乡一体化示范区"
    assert str(District.objects.get(name="鞍山高新技术产业开发区")) == "鞍山高新技术产业开发区"
    assert str(District.objects.get(name="铁东区")) == "鞍山市铁东区"
    for district in District.objects.select_related("city"):
        short = district.city.name.removesuffix("市")
        assert str(district).count(short) == 1, str(district)
    assert (
        str(Department.objects.get(district=zone, name="财政局"))
        == "三门峡市城乡一体化示范区财政局"
    )
    assert "三门峡市三门峡市" not in client.get(reverse("register")).content.decode()


def test_registration_focuses_the_first_field_only(client, catalogue):
    form = the_form(client.get(reverse("register")).content.decode())
    assert form.count("autofocus") == 1
    visible = [attrs for _tag, attrs in parsed(form).controls if attrs.get("type") != "hidden"]
    assert visible[0]["name"] == "enterprise_name" and "autofocus" in visible[0]


def assert_addressed_with_nin(form: str):
    assert "您的密码" in form
    assert "你" not in form


def test_password_help_texts_say_nin_on_registration(client, catalogue):
    assert_addressed_with_nin(the_form(client.get(reverse("register")).content.decode()))


def test_password_help_texts_say_nin_on_password_change(client, personas):
    client.force_login(personas.enterprise_a)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert_addressed_with_nin(the_form(page.content.decode()))
    wrong = client.post(
        reverse("password_change"),
        {"old_password": "not-it", "new_password1": "x", "new_password2": "x"},
    )
    assert "您输入的旧密码不正确" in wrong.content.decode()
    assert "你" not in the_form(wrong.content.decode())


def test_password_help_texts_say_nin_on_password_reset(client, personas):
    user = personas.enterprise_a
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    page = client.get(reverse("password_reset_confirm", args=[uid, token]), follow=True)
    assert page.status_code == 200 and page.context["validlink"]
    assert_addressed_with_nin(the_form(page.content.decode()))


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("a1b2", "密码太短，至少要有 8 个字符。"),
        ("1234567890123", "密码不能全是数字。"),
        ("password123", "这个密码太常见，请换一个。"),
        ("reg_user_1", "密码与用户名太相似，请换一个。"),
    ],
)
def test_a_weak_password_is_refused_in_chinese(client, catalogue, password, message):
    from .test_accounts import form_data

    page = client.post(reverse("register"), form_data(password1=password, password2=password))
    html = page.content.decode()
    assert page.status_code == 200 and message in html
    assert "password" not in re.sub(r"<[^>]*>", "", the_form(html)).lower()  # no English
    assert not get_user_model().objects.filter(username="reg_user").exists()


# --- applications ---------------------------------------------------------------------------


def test_the_start_page_cites_the_measure_with_its_article(client, personas, measure):
    client.force_login(personas.enterprise_a)
    html = client.get(reverse("applications:start", args=[measure.pk])).content.decode()
    subtitle = re.search(r'<p [^>]*id="measure-citation">(.*?)</p>', html, re.S).group(1)
    assert f"《{measure.document.title}》第3条第（1）项" in subtitle
    assert re.search(r"》 \d", subtitle) is None  # never "《…》 3（1）"


def test_my_applications_offers_a_new_application(client, personas, measure):
    client.force_login(personas.enterprise_a)
    html = client.get(reverse("applications:my_applications")).content.decode()
    new = reverse("applications:new")
    assert re.search(rf'<a [^>]*href="{new}"[^>]*>新建申报</a>', html)


def test_new_application_lists_the_measures_open_for_applications(client, personas, measure):
    client.force_login(personas.enterprise_a)
    before = Application.objects.count()
    page = client.get(reverse("applications:new"))
    assert page.status_code == 200
    html = page.content.decode()
    assert Application.objects.count() == before  # GET never writes
    assert reverse("applications:start", args=[measure.pk]) in html  # 3（1）, in its term
    listed = page.context["measures"]
    assert listed and all(m.document.city.name == "鞍山市" for m in listed)
    assert all(services.deadline_problem(m) is None for m in listed)
    expired = measure_at("1.1")  # 鞍山 2023 1（1）: until 2023-12-20, takes applications
    assert (expired in listed) == (services.deadline_problem(expired) is None)
    assert reverse("eligibility:start") in html  # not sure which: the self-check


def test_the_new_application_page_needs_an_enterprise(client, personas):
    client.force_login(personas.outsider)
    assert client.get(reverse("applications:new")).status_code == 403


def test_the_ending_action_of_each_state_comes_from_the_table():
    for state in State.values:
        transition = ending_transition(state)
        assert transition.role == Role.ENTERPRISE and transition.target == State.WITHDRAWN
        if any(
            t.target == State.WITHDRAWN and state in t.sources and t.role == Role.ENTERPRISE
            for t in TRANSITIONS.values()
        ):
            assert state in transition.sources
    assert ending_transition(State.DRAFT) is TRANSITIONS["discard"]
    assert ending_transition(State.IN_REVIEW) is TRANSITIONS["withdraw"]


def test_no_template_writes_the_labels_of_the_table(client):
    folder = Path(settings.BASE_DIR) / "templates/applications"
    labels = [str(TRANSITIONS[a].label) for a in ("discard", "withdraw", "submit")]
    for path in folder.glob("*.html"):
        text = path.read_text()
        assert not [label for label in labels if label in text], path.name


def test_a_draft_offers_to_delete_it_not_to_withdraw_it(client, personas, measure):
    client.force_login(personas.enterprise_a)
    draft = services.create_draft(personas.enterprise_a, measure, requested_amount_yuan=50000)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert str(TRANSITIONS["discard"].label) == "删除草稿"
    assert "删除草稿" in html and "撤回申报" not in html
    confirm = client.get(reverse("applications:withdraw", args=[draft.pk])).content.decode()
    assert "确认删除草稿" in confirm and "撤回" not in confirm
    done = client.post(reverse("applications:withdraw", args=[draft.pk]), {"confirm": "yes"})
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.state == State.WITHDRAWN and draft.events.get().action == "discard"
    page = client.get(reverse("applications:my_applications"), follow=True).content.decode()
    assert "已删除草稿" in page and draft.number not in page


def test_a_submitted_application_offers_to_withdraw_it(client, personas, application_a):
    client.force_login(personas.enterprise_a)
    html = client.get(application_a.get_absolute_url()).content.decode()
    assert "撤回申报" in html and "删除草稿" not in html
    confirm = client.get(reverse("applications:withdraw", args=[application_a.pk]))
    assert "确认撤回申报" in confirm.content.decode()


def current_step(html: str) -> str:
    return re.search(r'<span class="current-step">(.*?)</span>', html, re.S).group(1)


def test_the_current_step_names_the_real_department(client, personas, application_a):
    client.force_login(personas.enterprise_a)
    listing = client.get(reverse("applications:my_applications")).content.decode()
    assert current_step(listing) == "当前环节：铁东区商务局 · 初审"
    assert "县区级" not in listing
    detail = client.get(application_a.get_absolute_url()).content.decode()
    assert "第1环节：铁东区商务局 · 初审" in detail
    services.approve_step(application_a, personas.district_staff_a, comment="材料齐全")
    listing = client.get(reverse("applications:my_applications")).content.decode()
    assert current_step(listing) == "当前环节：鞍山市商务局、鞍山市统计局 · 审核"
    detail = client.get(application_a.get_absolute_url()).content.decode()
    assert "第2环节：鞍山市商务局、鞍山市统计局 · 审核" in detail
    assert "鞍山市·市" not in detail and "鞍山市·市" not in listing


def sections(html: str) -> tuple[str, str]:
    progress = re.search(r'id="timeline-heading">(.*?)</section>', html, re.S).group(1)
    record = re.search(r'id="events-heading">(.*?)</section>', html, re.S).group(1)
    return progress, record


def test_progress_and_record_say_different_things(client, personas, application_a):
    services.approve_step(application_a, personas.district_staff_a, comment="材料齐全，同意上报")
    application_a.refresh_from_db()
    services.return_for_supplement(application_a, personas.city_commerce, "请补充财务报表")
    application_a.refresh_from_db()
    services.resubmit(application_a, personas.enterprise_a, comment="已补充")
    client.force_login(personas.enterprise_a)
    html = client.get(application_a.get_absolute_url()).content.decode()
    progress, record = sections(html)
    assert "办理进度" in progress and "办理记录" in record
    # the stages with their state: in the progress only
    assert "第1环节：铁东区商务局 · 初审" in progress and "已完成" in progress
    assert "第1环节" not in record
    events = list(application_a.events.order_by("at", "pk"))
    assert [e.action for e in events] == ["submit", "pass", "return", "resubmit"]
    for event in events:
        words = event.public_words
        assert words not in progress, words
    for text in ("材料齐全，同意上报", "请补充财务报表", "已补充"):
        assert html.count(text) == 1, text  # once, in the record
        assert text in record
    assert record.count("<li") == len(events)


def test_the_detail_page_writes_money_and_dates_in_the_one_format(
    client, personas, application_a, settings
):
    client.force_login(personas.enterprise_a)
    html = client.get(application_a.get_absolute_url()).content.decode()
    assert (
        '<data class="money" value="100000" title="100,000.00 元"'
        ' data-exact="100,000.00 元">10 万元</data>' in html
    )
    assert "2023年10月16日" in html
    assert not re.search(r"\d{4}-\d{2}-\d{2}", re.sub(r"<[^>]*>", "", html))


def test_the_disbursement_is_written_in_the_one_format(client, personas, application_a):
    import datetime

    services.approve_step(application_a, personas.district_staff_a)
    application_a.refresh_from_db()
    services.approve_step(application_a, personas.city_commerce)
    application_a.refresh_from_db()
    services.approve_step(application_a, personas.city_statistics)
    application_a.refresh_from_db()
    services.record_disbursement(
        application_a,
        personas.city_finance,
        Decimal("98765.40"),
        datetime.date(2023, 10, 16),
        "AS-1",
    )
    event = application_a.events.get(action="disburse")
    assert event.comment == "拨付 9.87654 万元，日期 2023年10月16日，凭证号 AS-1"
    client.force_login(personas.enterprise_a)
    html = client.get(application_a.get_absolute_url()).content.decode()
    assert "已拨付 <data" in html and ">9.87654 万元</data>（2023年10月16日，凭证号 AS-1）" in html


def test_the_enterprise_mail_names_the_department_and_the_amount(
    personas, application_a, mailoutbox, django_capture_on_commit_callbacks
):
    import datetime

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_step(application_a, personas.district_staff_a, comment="同意")
    assert "办理部门：铁东区商务局" in mailoutbox[-1].body
    application_a.refresh_from_db()
    services.approve_step(application_a, personas.city_commerce)
    application_a.refresh_from_db()
    services.approve_step(application_a, personas.city_statistics)
    application_a.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_disbursement(
            application_a,
            personas.city_finance,
            Decimal("1500"),
            datetime.date(2023, 10, 16),
            "AS-2",
        )
    body = mailoutbox[-1].body
    assert "办理部门：鞍山市财政局" in body
    assert "拨付 1,500 元，日期 2023年10月16日，凭证号 AS-2" in body


def test_an_amount_above_the_cap_is_refused_in_the_one_money_format(client, personas, measure):
    from policies.formatting import format_yuan

    cap = measure.max_amount_yuan
    assert cap and cap >= 10_000
    client.force_login(personas.enterprise_a)
    page = client.post(
        reverse("applications:start", args=[measure.pk]),
        {"requested_amount_yuan": str(cap + 1), "description": "", "figures_text": ""},
    )
    html = page.content.decode()
    assert f"申请金额超过了该措施的最高金额 {format_yuan(cap)}。" in html
    assert re.search(r"最高金额 [\d,.]+ 万元。", html)


def test_no_money_field_repeats_its_unit_in_a_help_text():
    from applications.forms import ApplicationForm

    form = ApplicationForm()
    money_fields = [f for f in form.fields.values() if "元" in str(f.label)]
    assert money_fields  # 申请金额（元）
    assert all("单位" not in str(f.help_text) for f in money_fields)
