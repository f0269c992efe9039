"""Who may open what: every URL × persona → expected status, and an isolation sweep.

Someone else's application or attachment is a 404 — never a 403, never a leak — and a
request for it (GET or POST) changes nothing in the database.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from applications import services
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationStep,
    Attachment,
    Beneficiary,
    BeneficiaryList,
    Signoff,
)
from portal.follows import unsubscribe_token
from portal.models import DigestSubscription, Follow

from .helpers import attach

pytestmark = pytest.mark.django_db

ANON = "anonymous"


@pytest.fixture
def world(client, personas, measure):
    """Enterprise A: a draft with a material, and a submitted application with a material."""
    client.force_login(personas.enterprise_a)
    draft = services.create_draft(personas.enterprise_a, measure)
    attach(client, draft)
    sent = services.create_draft(personas.enterprise_a, measure)
    attach(client, sent)
    sent = services.submit(sent, personas.enterprise_a)
    client.logout()
    # a 免申即享 item of enterprise A (13（5）, listed by 市科技局), waiting for confirmation
    from applications import exempt, workflow
    from applications.states import Route

    from .conftest import make_staff, measure_at

    listed = measure_at("13.5")
    science = make_staff("science", workflow.responsible(listed)[0])
    blist = exempt.BeneficiaryList.objects.create(
        measure=listed,
        department=science.staff_membership.department,
        year=2023,
        title="名单",
        created_by=science,
    )
    enterprise = personas.enterprise_a.enterprise_membership.enterprise
    exempt.replace_rows(
        blist, [exempt.Row(2, enterprise.uscc, enterprise.name, "依据", 1000, enterprise)]
    )
    exempt.issue(blist, science)
    return {
        "exempt": enterprise.applications.get(route=Route.EXEMPT),
        "list": blist,
        "draft": draft,
        "draft_file": draft.attachments.get(),
        "sent": sent,
        "sent_file": sent.attachments.get(),
    }


def urls_of(world, measure):
    draft, sent = world["draft"], world["sent"]
    return {
        "list": reverse("applications:my_applications"),
        "start": reverse("applications:start", args=[measure.pk]),
        "draft": reverse("applications:detail", args=[draft.pk]),
        "draft_edit": reverse("applications:edit", args=[draft.pk]),
        "draft_withdraw": reverse("applications:withdraw", args=[draft.pk]),
        "draft_file": world["draft_file"].get_absolute_url(),
        "sent": reverse("applications:detail", args=[sent.pk]),
        "sent_file": world["sent_file"].get_absolute_url(),
        "admin_sent": reverse("admin:applications_application_change", args=[sent.pk]),
        "admin_act": reverse("admin:applications_application_act", args=[sent.pk, "pass"]),
        "admin_list": reverse("admin:applications_application_changelist"),
        "statistics": reverse("statistics"),
        "statistics_csv": reverse("statistics") + "?format=csv&table=measure",
        "admin_statistics": reverse("admin:applications_application_statistics"),
        "admin_statistics_csv": reverse("admin:applications_application_statistics")
        + "?format=csv&table=department",
        "statistics_xlsx": reverse("statistics") + "?format=xlsx&table=city",
        "admin_statistics_xlsx": reverse("admin:applications_application_statistics")
        + "?format=xlsx&table=stage",
        "exempt_item": reverse("applications:detail", args=[world["exempt"].pk]),
        "exempt_decline": reverse("applications:decline", args=[world["exempt"].pk]),
        "lists": reverse("admin:applications_beneficiarylist_changelist"),
        "list_add": reverse("admin:applications_beneficiarylist_add"),
        "list_change": reverse(
            "admin:applications_beneficiarylist_change", args=[world["list"].pk]
        ),
        "list_issue": reverse("admin:applications_beneficiarylist_issue", args=[world["list"].pk]),
        "list_file": reverse(
            "admin:applications_beneficiarylist_source_file", args=[world["list"].pk]
        ),
        "register": reverse("register"),
        "login": reverse("login"),
        "password_reset": reverse("password_reset"),
        "password_change": reverse("password_change"),
        "follows": reverse("follows:list"),
        "follow_measure": reverse("follows:measure", args=[measure.pk]),
        "follow_delete": reverse("follows:delete", args=[1]),
        "unsubscribe": reverse(
            "follows:unsubscribe",
            args=[unsubscribe_token(get_user_model().objects.get(username="firm_a"))],
        ),
        "unsubscribe_bad": reverse("follows:unsubscribe", args=["nonsense"]),
        "city_feed": reverse("feeds:city", args=["anshan"]),
        # 公示: public; a notice's own pages are in test_notices_admin.py's table
        "notices": reverse("notices:list"),
        "robots": reverse("robots"),
        "sitemap": reverse("sitemap"),
        "sitemap_measures": reverse("sitemap_section", args=["measures"]),
    }


# url name × persona → status. 302 sends to a login page (the site's or the admin's); 403 is
# the start page telling a logged-in non-enterprise user that only enterprises apply.
TABLE = """
persona                ANON    ent_a   ent_a2    ent_b   dist_a   dist_b   city_c   city_f outsider
list                    302      200      200      200      200      200      200      200      200
start                   302      200      200      200      403      403      403      403      403
draft                   302      200      200      404      404      404      404      404      404
draft_edit              302      200      200      404      404      404      404      404      404
draft_withdraw          302      200      200      404      404      404      404      404      404
draft_file              302      200      200      404      404      404      404      404      404
sent                    302      200      200      404      404      404      404      404      404
sent_file               302      200      200      404      200      404      404      404      404
admin_sent              302      302      302      302      200      404      404      404      302
admin_act               302      302      302      302      200      404      404      404      302
admin_list              302      302      302      302      200      200      200      200      302
statistics              200      200      200      200      200      200      200      200      200
statistics_csv          200      200      200      200      200      200      200      200      200
admin_statistics        302      302      302      302      200      200      200      200      302
admin_statistics_csv    302      302      302      302      200      200      200      200      302
statistics_xlsx         200      200      200      200      200      200      200      200      200
admin_statistics_xlsx   302      302      302      302      200      200      200      200      302
exempt_item             302      200      200      404      404      404      404      404      404
exempt_decline          302      200      200      404      404      404      404      404      404
lists                   302      302      302      302      200      200      200      200      302
list_add                302      302      302      302      200      200      200      200      302
list_change             302      302      302      302      404      404      404      404      302
list_issue              302      302      302      302      404      404      404      404      302
list_file               302      302      302      302      404      404      404      404      302
register                200      302      302      302      302      302      302      302      302
login                   200      200      200      200      200      200      200      200      200
password_reset          200      200      200      200      200      200      200      200      200
password_change         302      200      200      200      200      200      200      200      200
follows                 302      200      200      200      200      200      200      200      200
follow_measure          405      405      405      405      405      405      405      405      405
follow_delete           405      405      405      405      405      405      405      405      405
unsubscribe             200      200      200      200      200      200      200      200      200
unsubscribe_bad         400      400      400      400      400      400      400      400      400
city_feed               200      200      200      200      200      200      200      200      200
notices                 200      200      200      200      200      200      200      200      200
robots                  200      200      200      200      200      200      200      200      200
sitemap                 200      200      200      200      200      200      200      200      200
sitemap_measures        200      200      200      200      200      200      200      200      200
"""
PERSONA_NAMES = {
    "ANON": ANON,
    "ent_a": "enterprise_a",
    "ent_a2": "enterprise_a2",
    "ent_b": "enterprise_b",
    "dist_a": "district_staff_a",
    "dist_b": "district_staff_b",
    "city_c": "city_commerce",
    "city_f": "city_finance",
    "outsider": "outsider",
}


def _expected(table: str) -> dict[str, dict[str, int]]:
    header, *rows = [line.split() for line in table.strip().splitlines()]
    personas = [PERSONA_NAMES[name] for name in header[1:]]
    return {
        persona: {row[0]: int(row[1 + column]) for row in rows}
        for column, persona in enumerate(personas)
    }


EXPECTED = _expected(TABLE)


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_every_url_answers_each_persona_as_expected(client, personas, measure, world, persona):
    if persona != ANON:
        client.force_login(getattr(personas, persona))
    urls = urls_of(world, measure)
    assert set(urls) == set(EXPECTED[persona])
    got = {name: client.get(url).status_code for name, url in urls.items()}
    assert got == EXPECTED[persona]
    # GET never writes: the unsubscribe link's page, the follow buttons' URLs
    assert not DigestSubscription.objects.exists() and not Follow.objects.exists()


def database_state():
    return (
        sorted(
            Application.objects.values_list(
                "pk",
                "state",
                "position",
                "version",
                "figures",
                "description",
                "requested_amount_yuan",
            )
        ),
        ApplicationEvent.objects.count(),
        ApplicationStep.objects.count(),
        Signoff.objects.count(),
        sorted(Attachment.objects.values_list("pk", "file")),
        sorted(BeneficiaryList.objects.values_list("pk", "state")),
        Beneficiary.objects.count(),
    )


POST_ONLY = {"upload", "submit", "resubmit", "delete", "confirm"}


def every_application_url(world):
    urls = []
    for name in ["detail", "decline", "confirm"]:
        urls.append(reverse(f"applications:{name}", args=[world["exempt"].pk]))
    for name in ["change", "issue", "generate"]:
        urls.append(reverse(f"admin:applications_beneficiarylist_{name}", args=[world["list"].pk]))
    for key in ("draft", "sent"):
        application = world[key]
        for name in ["detail", "edit", "upload", "submit", "resubmit", "withdraw", "confirm"]:
            urls.append(reverse(f"applications:{name}", args=[application.pk]))
        item = world[f"{key}_file"]
        urls.append(item.get_absolute_url())
        urls.append(reverse("applications:delete_attachment", args=[application.pk, item.pk]))
        for action in ["pass", "return", "reject", "disburse"]:
            urls.append(
                reverse("admin:applications_application_act", args=[application.pk, action])
            )
        urls.append(reverse("admin:applications_application_change", args=[application.pk]))
    return urls


@pytest.mark.parametrize("persona", ["enterprise_b", "district_staff_b", "city_commerce"])
def test_nobody_else_reaches_enterprise_as_data(client, personas, world, persona):
    client.force_login(getattr(personas, persona))
    before = database_state()
    payload = {
        "comment": "x",
        "confirm": "yes",
        "material": "营业执照",
        "amount": "1",
        "paid_on": "2023-10-01",
        "voucher": "V",
        "description": "篡改",
        "bank_name": "工商银行",
        "bank_account": "6222000012345678",
        "promise": "on",
    }
    for url in every_application_url(world):
        if persona == "enterprise_b" and "/admin/" in url:
            continue  # not staff: the admin sends them to its login page
        # POST-only URLs answer GET with 405 before any lookup, as for a pk that does not
        # exist: nothing is revealed either way.
        post_only = url.rstrip("/").rsplit("/", 1)[-1] in POST_ONLY
        assert client.get(url).status_code == (405 if post_only else 404), url
        assert client.post(url, payload).status_code == 404, url
    assert database_state() == before


def test_enterprise_b_is_sent_to_the_admin_login_not_shown_data(client, personas, world):
    client.force_login(personas.enterprise_b)
    url = reverse("admin:applications_application_change", args=[world["sent"].pk])
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_missing_pk_answers_like_someone_elses(client, personas, world):
    client.force_login(personas.enterprise_b)
    assert client.get(reverse("applications:submit", args=[999999])).status_code == 405
    assert client.get(reverse("applications:detail", args=[999999])).status_code == 404


def test_state_changes_are_post_only(client, personas, world):
    client.force_login(personas.enterprise_a)
    before = database_state()
    for name in ["submit", "resubmit", "upload"]:
        assert (
            client.get(reverse(f"applications:{name}", args=[world["draft"].pk])).status_code == 405
        )
    assert database_state() == before
