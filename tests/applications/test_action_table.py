"""Every action of the transition table × the application's state × who asks for it.

``TABLE`` says, for each action of ``applications.states.TRANSITIONS`` and each state (and
position on the route) of enterprise A's application, what each persona gets when they ask
for it the way the portal offers it — the enterprise's pages for the enterprise's actions,
the department admin's confirmation page (``admin:applications_application_act``) for the
departments' — as a POST:

``done``     the action happens, exactly once: the application changes as the transition
             table says (state, position, version, round, events, sign-offs, materials),
             and the same request sent a second time is refused (or a 404) and changes
             nothing — except an upload, where a second file is a second material;
``refused``  a clear message in Chinese (a flash message after the redirect, or an error on
             the page it renders again) and nothing changed in the database;
``404``      the application does not exist for them; nothing changed;
``login``    sent to a login page — the site's for the enterprise's URLs, the admin's for
             the admin's URLs (where logged-in users who are not staff are sent too, as
             ``test_access`` expects); nothing changed.

Where the URL also answers GET (the edit form, the withdraw confirmation, the admin's
confirmation page), the GET of every cell is checked too: it offers the action where the
POST does it and otherwise answers like the POST (404, login page, or the refusal), and it
never changes anything.

Each application is built through ``services`` (never by writing a state); every cell runs
in a savepoint rolled back afterwards, so every cell starts from the same application.

Two actions share one URL: ``…/withdraw/`` is 删除草稿 (``discard``) for a draft and 撤回申报
(``withdraw``) otherwise, so ``discard`` only has rows for drafts (live or deleted) and
``withdraw`` only for submitted applications; ``test_the_services_refuse_what_the_urls_cannot_ask``
covers the other pairs through ``services.perform``.
"""

import dataclasses
import datetime
import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.shortcuts import resolve_url
from django.urls import reverse

from applications import notices, services, workflow
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationStep,
    Attachment,
    Signoff,
)
from applications.states import TRANSITIONS, Role, State
from applications.uploads import OTHER

from .conftest import Personas, make_staff, measure_at
from .helpers import EXE, PDF, pdf

pytestmark = pytest.mark.django_db

ANON = "anonymous"

# --- the table ------------------------------------------------------------------------------
#
# The states of enterprise A's application (鞍山 2023 item 3（1）: 铁东区商务局 初审 → 市商务局
# and 市统计局 joint 审核 → 市财政局 拨付), each built from a draft with one material:
#
#   draft          a draft                           discarded   a draft deleted (已撤回)
#   step1          审核中 at 铁东区商务局              step2       审核中 at the joint step
#   step2_signed   审核中 at the joint step, 市商务局 has signed off, 市统计局 not yet
#   step3          审核中 at 市财政局 (拨付)            returned    退回补正 by 铁东区商务局
#   rejected       未通过 at the joint step (市商务局)   withdrawn   撤回 while at step 1
#   disbursed      已拨付
#
# 已通过 cannot happen on this route (its last step is a payment): ``APPROVAL_TABLE`` covers it
# on a route that ends in a review.
#
# Who sees what in the admin: a department sees an application waiting at, or having passed
# through, one of its steps (``visible_to_staff``); 铁西区商务局 (dist_b) never sees A's.

TABLE = """
action         state         ANON   ent_a    ent_a2   ent_b  dist_a   dist_b city_c   city_s   city_f   outsider

# -- the enterprise's actions, at the enterprise's URLs: nobody else's application exists --
edit           draft         login  done     done     404    404      404    404      404      404      404
edit           discarded     login  refused  refused  404    404      404    404      404      404      404
edit           step1         login  refused  refused  404    404      404    404      404      404      404
edit           step2         login  refused  refused  404    404      404    404      404      404      404
edit           step2_signed  login  refused  refused  404    404      404    404      404      404      404
edit           step3         login  refused  refused  404    404      404    404      404      404      404
edit           returned      login  done     done     404    404      404    404      404      404      404
edit           rejected      login  refused  refused  404    404      404    404      404      404      404
edit           withdrawn     login  refused  refused  404    404      404    404      404      404      404
edit           disbursed     login  refused  refused  404    404      404    404      404      404      404

upload         draft         login  done     done     404    404      404    404      404      404      404
upload         discarded     login  refused  refused  404    404      404    404      404      404      404
upload         step1         login  refused  refused  404    404      404    404      404      404      404
upload         step2         login  refused  refused  404    404      404    404      404      404      404
upload         step2_signed  login  refused  refused  404    404      404    404      404      404      404
upload         step3         login  refused  refused  404    404      404    404      404      404      404
upload         returned      login  done     done     404    404      404    404      404      404      404
upload         rejected      login  refused  refused  404    404      404    404      404      404      404
upload         withdrawn     login  refused  refused  404    404      404    404      404      404      404
upload         disbursed     login  refused  refused  404    404      404    404      404      404      404

remove_upload  draft         login  done     done     404    404      404    404      404      404      404
remove_upload  discarded     login  refused  refused  404    404      404    404      404      404      404
remove_upload  step1         login  refused  refused  404    404      404    404      404      404      404
remove_upload  step2         login  refused  refused  404    404      404    404      404      404      404
remove_upload  step2_signed  login  refused  refused  404    404      404    404      404      404      404
remove_upload  step3         login  refused  refused  404    404      404    404      404      404      404
remove_upload  returned      login  done     done     404    404      404    404      404      404      404
remove_upload  rejected      login  refused  refused  404    404      404    404      404      404      404
remove_upload  withdrawn     login  refused  refused  404    404      404    404      404      404      404
remove_upload  disbursed     login  refused  refused  404    404      404    404      404      404      404

submit         draft         login  done     done     404    404      404    404      404      404      404
submit         discarded     login  refused  refused  404    404      404    404      404      404      404
submit         step1         login  refused  refused  404    404      404    404      404      404      404
submit         step2         login  refused  refused  404    404      404    404      404      404      404
submit         step2_signed  login  refused  refused  404    404      404    404      404      404      404
submit         step3         login  refused  refused  404    404      404    404      404      404      404
submit         returned      login  refused  refused  404    404      404    404      404      404      404
submit         rejected      login  refused  refused  404    404      404    404      404      404      404
submit         withdrawn     login  refused  refused  404    404      404    404      404      404      404
submit         disbursed     login  refused  refused  404    404      404    404      404      404      404

resubmit       draft         login  refused  refused  404    404      404    404      404      404      404
resubmit       discarded     login  refused  refused  404    404      404    404      404      404      404
resubmit       step1         login  refused  refused  404    404      404    404      404      404      404
resubmit       step2         login  refused  refused  404    404      404    404      404      404      404
resubmit       step2_signed  login  refused  refused  404    404      404    404      404      404      404
resubmit       step3         login  refused  refused  404    404      404    404      404      404      404
resubmit       returned      login  done     done     404    404      404    404      404      404      404
resubmit       rejected      login  refused  refused  404    404      404    404      404      404      404
resubmit       withdrawn     login  refused  refused  404    404      404    404      404      404      404
resubmit       disbursed     login  refused  refused  404    404      404    404      404      404      404

discard        draft         login  done     done     404    404      404    404      404      404      404
discard        discarded     login  refused  refused  404    404      404    404      404      404      404

withdraw       step1         login  done     done     404    404      404    404      404      404      404
withdraw       step2         login  done     done     404    404      404    404      404      404      404
withdraw       step2_signed  login  done     done     404    404      404    404      404      404      404
withdraw       step3         login  done     done     404    404      404    404      404      404      404
withdraw       returned      login  done     done     404    404      404    404      404      404      404
withdraw       rejected      login  refused  refused  404    404      404    404      404      404      404
withdraw       withdrawn     login  refused  refused  404    404      404    404      404      404      404
withdraw       disbursed     login  refused  refused  404    404      404    404      404      404      404

# -- the enterprise's 免申即享 actions: only an item a department listed can be confirmed --
confirm        draft         login  refused  refused  404    404      404    404      404      404      404
confirm        discarded     login  refused  refused  404    404      404    404      404      404      404
confirm        step1         login  refused  refused  404    404      404    404      404      404      404
confirm        step2         login  refused  refused  404    404      404    404      404      404      404
confirm        step2_signed  login  refused  refused  404    404      404    404      404      404      404
confirm        step3         login  refused  refused  404    404      404    404      404      404      404
confirm        returned      login  refused  refused  404    404      404    404      404      404      404
confirm        rejected      login  refused  refused  404    404      404    404      404      404      404
confirm        withdrawn     login  refused  refused  404    404      404    404      404      404      404
confirm        disbursed     login  refused  refused  404    404      404    404      404      404      404

decline        draft         login  refused  refused  404    404      404    404      404      404      404
decline        discarded     login  refused  refused  404    404      404    404      404      404      404
decline        step1         login  refused  refused  404    404      404    404      404      404      404
decline        step2         login  refused  refused  404    404      404    404      404      404      404
decline        step2_signed  login  refused  refused  404    404      404    404      404      404      404
decline        step3         login  refused  refused  404    404      404    404      404      404      404
decline        returned      login  refused  refused  404    404      404    404      404      404      404
decline        rejected      login  refused  refused  404    404      404    404      404      404      404
decline        withdrawn     login  refused  refused  404    404      404    404      404      404      404
decline        disbursed     login  refused  refused  404    404      404    404      404      404      404

# -- the departments' actions, at the admin's confirmation page --
pass           draft         login  login    login    login  404      404    404      404      404      login
pass           discarded     login  login    login    login  404      404    404      404      404      login
pass           step1         login  login    login    login  done     404    404      404      404      login
pass           step2         login  login    login    login  refused  404    done     done     404      login
pass           step2_signed  login  login    login    login  refused  404    refused  done     404      login
pass           step3         login  login    login    login  refused  404    refused  refused  refused  login
pass           returned      login  login    login    login  refused  404    404      404      404      login
pass           rejected      login  login    login    login  refused  404    refused  refused  404      login
pass           withdrawn     login  login    login    login  refused  404    404      404      404      login
pass           disbursed     login  login    login    login  refused  404    refused  refused  refused  login

return         draft         login  login    login    login  404      404    404      404      404      login
return         discarded     login  login    login    login  404      404    404      404      404      login
return         step1         login  login    login    login  done     404    404      404      404      login
return         step2         login  login    login    login  refused  404    done     done     404      login
return         step2_signed  login  login    login    login  refused  404    done     done     404      login
return         step3         login  login    login    login  refused  404    refused  refused  done     login
return         returned      login  login    login    login  refused  404    404      404      404      login
return         rejected      login  login    login    login  refused  404    refused  refused  404      login
return         withdrawn     login  login    login    login  refused  404    404      404      404      login
return         disbursed     login  login    login    login  refused  404    refused  refused  refused  login

reject         draft         login  login    login    login  404      404    404      404      404      login
reject         discarded     login  login    login    login  404      404    404      404      404      login
reject         step1         login  login    login    login  done     404    404      404      404      login
reject         step2         login  login    login    login  refused  404    done     done     404      login
reject         step2_signed  login  login    login    login  refused  404    done     done     404      login
reject         step3         login  login    login    login  refused  404    refused  refused  done     login
reject         returned      login  login    login    login  refused  404    404      404      404      login
reject         rejected      login  login    login    login  refused  404    refused  refused  404      login
reject         withdrawn     login  login    login    login  refused  404    404      404      404      login
reject         disbursed     login  login    login    login  refused  404    refused  refused  refused  login

disburse       draft         login  login    login    login  404      404    404      404      404      login
disburse       discarded     login  login    login    login  404      404    404      404      404      login
disburse       step1         login  login    login    login  refused  404    404      404      404      login
disburse       step2         login  login    login    login  refused  404    refused  refused  404      login
disburse       step2_signed  login  login    login    login  refused  404    refused  refused  404      login
disburse       step3         login  login    login    login  refused  404    refused  refused  done     login
disburse       returned      login  login    login    login  refused  404    404      404      404      login
disburse       rejected      login  login    login    login  refused  404    refused  refused  404      login
disburse       withdrawn     login  login    login    login  refused  404    404      404      404      login
disburse       disbursed     login  login    login    login  refused  404    refused  refused  refused  login
"""

# A route that ends in a review, not a payment (鞍山 2023 item 10（2）: 铁东区工信局 初审 → 市工业和
# 信息化局 审核): its last pass approves. it_dist and it_city are the staff of those two
# departments; 铁东区商务局 (dist_a) is not on this route.
#
#   final_review   审核中 at the last step (市工业和信息化局)      approved   已通过
APPROVAL_TABLE = """
action         state         ANON   ent_a    ent_b  dist_a  it_dist  it_city
withdraw       final_review  login  done     404    404     404      404
pass           final_review  login  login    login  404     refused  done
return         final_review  login  login    login  404     refused  done
reject         final_review  login  login    login  404     refused  done
disburse       final_review  login  login    login  404     refused  refused

edit           approved      login  refused  404    404     404      404
upload         approved      login  refused  404    404     404      404
remove_upload  approved      login  refused  404    404     404      404
submit         approved      login  refused  404    404     404      404
resubmit       approved      login  refused  404    404     404      404
withdraw       approved      login  refused  404    404     404      404
pass           approved      login  login    login  404     refused  refused
return         approved      login  login    login  404     refused  refused
reject         approved      login  login    login  404     refused  refused
disburse       approved      login  login    login  404     refused  refused
"""

# A 免申即享 item of enterprise A (鞍山 2023 13（5）, listed by 市科技局; one payment step at
# 市财政局):
#
#   listed         待确认 (the list issued)          declined       已放弃
#   exempt_confirmed  审核中 at the payment step (confirmed), not yet published (公示)
#   exempt_in_notice  the same, in its 公示 period        exempt_paying  its 公示 has run
#   exempt_paid       已拨付
# (13（5） is a 免申即享 measure: its items are published before payment.)
EXEMPT_TABLE = """
action         state          ANON   ent_a    ent_a2   ent_b  dist_a  city_f
confirm        listed         login  done     done     404    404     404
decline        listed         login  done     done     404    404     404
submit         listed         login  refused  refused  404    404     404
edit           listed         login  refused  refused  404    404     404
withdraw       listed         login  refused  refused  404    404     404
disburse       listed         login  login    login    login  404     404

confirm        declined       login  refused  refused  404    404     404
decline        declined       login  refused  refused  404    404     404
disburse       declined       login  login    login    login  404     404

confirm        exempt_confirmed  login  refused  refused  404    404     404
withdraw       exempt_confirmed  login  done     done     404    404     404
disburse       exempt_confirmed  login  login    login    login  404     refused

disburse       exempt_in_notice  login  login    login    login  404     refused

confirm        exempt_paying  login  refused  refused  404    404     404
decline        exempt_paying  login  refused  refused  404    404     404
withdraw       exempt_paying  login  done     done     404    404     404
pass           exempt_paying  login  login    login    login  404     refused
disburse       exempt_paying  login  login    login    login  404     done

confirm        exempt_paid    login  refused  refused  404    404     404
decline        exempt_paid    login  refused  refused  404    404     404
withdraw       exempt_paid    login  refused  refused  404    404     404
disburse       exempt_paid    login  login    login    login  404     refused
"""

COLUMNS = {
    "ANON": ANON,
    "ent_a": "enterprise_a",
    "ent_a2": "enterprise_a2",
    "ent_b": "enterprise_b",
    "dist_a": "district_staff_a",
    "dist_b": "district_staff_b",
    "city_c": "city_commerce",
    "city_s": "city_statistics",
    "city_f": "city_finance",
    "outsider": "outsider",
    "it_dist": "it_district",
    "it_city": "it_city",
}
OUTCOMES = {"done", "refused", "404", "login"}
ENTERPRISE_PERSONAS = {"enterprise_a", "enterprise_a2"}  # the members of enterprise A

# Which ``State`` each state of the tables is.
STATE_OF = {
    "draft": State.DRAFT,
    "discarded": State.WITHDRAWN,
    "step1": State.IN_REVIEW,
    "step2": State.IN_REVIEW,
    "step2_signed": State.IN_REVIEW,
    "step3": State.IN_REVIEW,
    "returned": State.RETURNED,
    "rejected": State.REJECTED,
    "withdrawn": State.WITHDRAWN,
    "disbursed": State.DISBURSED,
    "final_review": State.IN_REVIEW,
    "approved": State.APPROVED,
    "listed": State.TO_CONFIRM,
    "declined": State.DECLINED,
    "exempt_confirmed": State.IN_REVIEW,
    "exempt_in_notice": State.IN_REVIEW,
    "exempt_paying": State.IN_REVIEW,
    "exempt_paid": State.DISBURSED,
}


def parse(table: str) -> dict[tuple[str, str], dict[str, str]]:
    """{(action, state): {persona: outcome}}, from the text."""
    lines = [
        line.split()
        for line in table.strip().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    header, *rows = lines
    assert header[:2] == ["action", "state"], header
    personas = [COLUMNS[name] for name in header[2:]]
    expected = {}
    for row in rows:
        assert len(row) == len(header), row
        key = (row[0], row[1])
        assert key not in expected, f"row {key} twice"
        expected[key] = dict(zip(personas, row[2:], strict=True))
    return expected


EXPECTED = parse(TABLE)
APPROVAL_EXPECTED = parse(APPROVAL_TABLE)
EXEMPT_EXPECTED = parse(EXEMPT_TABLE)
ALL_ROWS = {**EXPECTED, **APPROVAL_EXPECTED, **EXEMPT_EXPECTED}


def rows_for(expected, state):
    return {action: row for (action, row_state), row in expected.items() if row_state == state}


# --- the consistency of the tables ------------------------------------------------------------


def test_the_tables_cover_every_action_and_every_state():
    outcomes = {}
    for (action, state), row in ALL_ROWS.items():
        assert action in TRANSITIONS, action
        assert state in STATE_OF, state
        assert set(row.values()) <= OUTCOMES, (action, state, row)
        outcomes.setdefault(action, set()).update(row.values())
    assert set(outcomes) == set(TRANSITIONS)
    for action, seen in outcomes.items():
        assert "done" in seen, f"{action} is never done"
        assert seen - {"done"}, f"{action} is never refused"
    assert {STATE_OF[state] for _action, state in ALL_ROWS} == set(State.values)
    assert {s for _a, s in EXPECTED} == set(HISTORY)
    assert {s for _a, s in APPROVAL_EXPECTED} == set(APPROVAL_HISTORY)
    assert {s for _a, s in EXEMPT_EXPECTED} == set(EXEMPT_HISTORY)
    # every persona of the fixtures, and the anonymous visitor, has a column of its own
    personas = {ANON} | {field.name for field in dataclasses.fields(Personas)}
    assert {persona for row in EXPECTED.values() for persona in row} == personas
    # every state of the main route has a row for every action its URL can express
    for state in {s for _a, s in EXPECTED}:
        actions = {a for a, s in EXPECTED if s == state}
        expressible = set(TRANSITIONS) - {
            "withdraw" if state in ("draft", "discarded") else "discard"
        }
        assert actions == expressible, state


def test_the_tables_agree_with_the_transition_table():
    """``done`` only from a state the row of ``TRANSITIONS`` lists, and only for its role;
    never for someone outside the application."""
    for (action, state), row in ALL_ROWS.items():
        transition = TRANSITIONS[action]
        done_by = {persona for persona, outcome in row.items() if outcome == "done"}
        if STATE_OF[state] not in transition.sources:
            assert not done_by, (action, state)
        if transition.role == Role.ENTERPRISE:
            assert done_by <= ENTERPRISE_PERSONAS, (action, state)
            # the enterprise's two users get the same answer
            if "enterprise_a2" in row:
                assert row["enterprise_a"] == row["enterprise_a2"], (action, state)
        else:
            assert not done_by & (ENTERPRISE_PERSONAS | {ANON, "outsider", "enterprise_b"})
            # at most the departments of one step act: a joint step has two
            assert len(done_by) <= 2, (action, state)
        # who is not logged in is sent to log in; enterprise B never sees A's application
        assert row[ANON] == "login", (action, state)
        assert row["enterprise_b"] in ("404", "login"), (action, state)
        if "district_staff_b" in row:
            assert row["district_staff_b"] in ("404", "login"), (action, state)


# --- building the applications, through the services --------------------------------------------

SUBMIT = ("submit", "enterprise_a")
AT_STEP2 = [SUBMIT, ("pass", "district_staff_a")]
SIGNED = [*AT_STEP2, ("pass", "city_commerce")]
AT_STEP3 = [*SIGNED, ("pass", "city_statistics")]
HISTORY = {
    "draft": [],
    "discarded": [("discard", "enterprise_a")],
    "step1": [SUBMIT],
    "step2": AT_STEP2,
    "step2_signed": SIGNED,
    "step3": AT_STEP3,
    "returned": [SUBMIT, ("return", "district_staff_a")],
    "rejected": [*AT_STEP2, ("reject", "city_commerce")],
    "withdrawn": [SUBMIT, ("withdraw", "enterprise_a")],
    "disbursed": [*AT_STEP3, ("disburse", "city_finance")],
}
APPROVAL_HISTORY = {
    "final_review": [SUBMIT, ("pass", "it_district")],
    "approved": [SUBMIT, ("pass", "it_district"), ("pass", "it_city")],
}
EXEMPT_HISTORY = {
    "listed": [],
    "declined": [("decline", "enterprise_a")],
    "exempt_confirmed": [("confirm", "enterprise_a")],
    "exempt_in_notice": [("confirm", "enterprise_a"), ("公示", "open")],
    "exempt_paying": [("confirm", "enterprise_a"), ("公示", "ran")],
    "exempt_paid": [("confirm", "enterprise_a"), ("公示", "ran"), ("disburse", "city_finance")],
}
SERVICE_DATA = {
    "confirm": {
        "bank_name": "中国工商银行铁东支行",
        "bank_account": "6222000012345678",
        "promise": True,
    },
    "return": {"comment": "请补充近三年财务报表。"},
    "reject": {"comment": "不符合申报条件。"},
    "disburse": {
        "amount": Decimal("80000"),
        "paid_on": datetime.date(2023, 10, 16),
        "voucher": "CZ-2023-0001",
    },
}


def build(users, measure, history):
    """Enterprise A's draft with one material, then ``history`` through ``services.perform``."""
    owner = users["enterprise_a"]
    application = services.create_draft(
        owner, measure, requested_amount_yuan=100000, description="原始说明"
    )
    upload = pdf()
    services.add_attachment(
        application,
        owner,
        material="营业执照",
        file=upload,
        original_name=upload.name,
        content_type="application/pdf",
        size=len(PDF),
    )
    for action, who in history:
        services.perform(action, application, users[who], **SERVICE_DATA.get(action, {}))
    return Application.objects.get(pk=application.pk)


def build_exempt(users, history):
    """Enterprise A's 免申即享 item of 13（5）, listed and issued by 市科技局, then ``history``."""
    from applications import exempt
    from applications.models import BeneficiaryList

    measure = measure_at("13.5")
    staff = make_staff("science", workflow.responsible(measure)[0])
    enterprise = users["enterprise_a"].enterprise_membership.enterprise
    blist = BeneficiaryList.objects.create(
        measure=measure,
        department=staff.staff_membership.department,
        year=2023,
        title="技术合同排名",
        created_by=staff,
    )
    exempt.replace_rows(
        blist, [exempt.Row(2, enterprise.uscc, enterprise.name, "第1位", 200000, enterprise)]
    )
    exempt.issue(blist, staff)
    application = blist.rows.get().application
    for action, who in history:
        if action == PUBLISHED:  # 公示 by 市科技局: ``who`` says whether its period has run
            start = NOTICE_RAN_START if who == "ran" else datetime.date(2023, 10, 16)
            notices.publish_notice(staff, measure, [application], days=5, today=start)
            continue
        services.perform(action, application, users[who], **SERVICE_DATA.get(action, {}))
    return Application.objects.get(pk=application.pk)


PUBLISHED = "公示"
# Published on Monday 2023-09-25 for 5 working days: the period ended before the portal's
# day, 2023-10-16 (National Day's holidays in between).
NOTICE_RAN_START = datetime.date(2023, 9, 25)


@pytest.fixture
def users(personas):
    return {ANON: None, **personas.all()}


@pytest.fixture
def approval_measure(catalogue):
    return measure_at("10.2")


@pytest.fixture
def approval_users(users, approval_measure):
    """The staff of the two departments of item 10（2）'s route for enterprise A (铁东区)."""
    probe = build(users, approval_measure, [SUBMIT])
    first, second = ApplicationStep.objects.filter(application=probe).order_by("position")
    assert second.act != "disburse"  # its last step is a review: its last pass approves
    return {
        **users,
        "it_district": make_staff("it_district", first.departments.get()),
        "it_city": make_staff("it_city", second.departments.get()),
    }


# --- asking, and reading the answer ----------------------------------------------------------

ENTERPRISE_URLS = {
    "edit": "applications:edit",
    "upload": "applications:upload",
    "remove_upload": "applications:delete_attachment",
    "submit": "applications:submit",
    "resubmit": "applications:resubmit",
    "discard": "applications:withdraw",
    "withdraw": "applications:withdraw",
    "confirm": "applications:confirm",
    "decline": "applications:decline",
}
ANSWERS_GET = {"edit", "discard", "withdraw", "decline"} | {
    a for a, t in TRANSITIONS.items() if t.role == Role.STAGE
}
REPEATABLE = {"upload"}  # a second file is a second material, not the same one twice
CHINESE = re.compile(r"[\u4e00-\u9fff]")
EDIT = {
    "requested_amount_yuan": "50000",
    "description": "补充了项目投资情况。",
    "figures_text": "限上零售额增量：23000 万元",
}


def is_admin(action):
    return TRANSITIONS[action].role == Role.STAGE


def url_of(action, pk):
    if is_admin(action):
        return reverse("admin:applications_application_act", args=[pk, action])
    if action == "remove_upload":
        item = Attachment.objects.filter(application_id=pk).order_by("pk").first()
        return reverse(ENTERPRISE_URLS[action], args=[pk, item.pk])
    return reverse(ENTERPRISE_URLS[action], args=[pk])


def post_data(action, before):
    """What the page for the action posts (the edit, with the version it was built from)."""
    if action == "edit":
        return {**EDIT, "version": before["version"]}
    if action == "upload":
        return {"material": OTHER, "file": pdf("补充材料.pdf")}  # a choice of every measure
    if action in ("discard", "withdraw", "decline"):
        return {"confirm": "yes", "comment": "企业决定不再申报。"}
    if action == "confirm":
        return {**SERVICE_DATA["confirm"], "promise": "on"}
    if action == "resubmit":
        return {"comment": "已补充财务报表。"}
    if action == "pass":
        return {"comment": "同意。", "approved_amount": ""}
    if action in ("return", "reject"):
        return {"comment": SERVICE_DATA[action]["comment"]}
    if action == "disburse":
        return {"amount": "80000", "paid_on": "2023-10-16", "voucher": "CZ-2023-0001"}
    return {}


def snapshot(pk):
    """Everything an action may change, as a dict (diffs read well)."""
    application = Application.objects.get(pk=pk)
    last = (
        ApplicationEvent.objects.filter(application_id=pk)
        .order_by("-pk")
        .values_list("action", "actor_id")
        .first()
    )
    return {
        "state": application.state,
        "position": application.position,
        "version": application.version,
        "round": application.round,
        "submitted_at": application.submitted_at,
        "due_on": application.due_on,
        "requested": application.requested_amount_yuan,
        "description": application.description,
        "figures": application.figures,
        "approved": application.approved_amount_yuan,
        "disbursed": (
            application.disbursed_amount_yuan,
            application.disbursed_on,
            application.voucher_number,
        ),
        "events": ApplicationEvent.objects.filter(application_id=pk).count(),
        "last_event": last,
        "attachments": Attachment.objects.filter(application_id=pk).count(),
        "signoffs": Signoff.objects.filter(step__application_id=pk).count(),
        "steps": ApplicationStep.objects.filter(application_id=pk).count(),
        "applications": Application.objects.count(),
    }


def diff(before, after):
    return {k: (before[k], after[k]) for k in before if before[k] != after[k]}


SET = object()  # any value but None


def pass_kind(pk, user):
    """What a pass by ``user`` does now, by the route: a sign-off that waits for the other
    departments of a joint step, a move to the next step, or the approval after the last."""
    application = Application.objects.get(pk=pk)
    steps = list(
        ApplicationStep.objects.filter(application_id=pk)
        .order_by("position")
        .prefetch_related("departments")
    )
    step = next((s for s in steps if s.position == application.position), None)
    membership = getattr(user, "staff_membership", None) if user else None
    if step is None or membership is None:
        return None
    signed = set(
        Signoff.objects.filter(step=step, round=application.round).values_list(
            "department_id", flat=True
        )
    )
    if {d.pk for d in step.departments.all()} - signed - {membership.department_id}:
        return "sign_off"
    return "approved" if step is steps[-1] else "next"


def expected_after(action, before, pk, user):
    """The snapshot after ``action`` is done once, as the transition table says."""
    after = dict(before, version=before["version"] + 1)
    event = (action, user.pk if user else None)
    if action == "edit":
        after.update(
            requested=Decimal(EDIT["requested_amount_yuan"]),
            description=EDIT["description"],
            figures={"限上零售额增量": "23000 万元"},
            events=before["events"] + 1,
            last_event=event,
        )
    elif action in ("upload", "remove_upload"):
        after.update(
            attachments=before["attachments"] + (1 if action == "upload" else -1),
            events=before["events"] + 1,
            last_event=event,
        )
    elif action == "submit":
        measure = Application.objects.get(pk=pk).measure
        after.update(
            state=State.IN_REVIEW,
            position=1,
            round=before["round"] + 1,
            submitted_at=SET,
            due_on=SET,
            steps=len(workflow.stages_of(measure)),
            events=before["events"] + 1,
            last_event=event,
        )
    elif action == "confirm":
        after.update(
            state=State.IN_REVIEW,
            position=1,
            round=before["round"] + 1,
            submitted_at=SET,
            due_on=SET,
            events=before["events"] + 1,
            last_event=event,
        )
    elif action == "resubmit":
        after.update(
            state=State.IN_REVIEW,
            round=before["round"] + 1,
            due_on=SET,
            events=before["events"] + 1,
            last_event=event,
        )
    elif action in ("discard", "withdraw", "decline", "return", "reject"):
        after.update(
            state=TRANSITIONS[action].target,
            due_on=None,
            events=before["events"] + 1,
            last_event=event,
        )
    elif action == "pass":
        kind = pass_kind(pk, user)
        after.update(signoffs=before["signoffs"] + 1, events=before["events"] + 1)
        if kind == "sign_off":  # the application stays where it is
            after.update(version=before["version"], last_event=("sign_off", user.pk))
        elif kind == "next":
            after.update(
                position=before["position"] + 1,
                round=before["round"] + 1,
                due_on=SET,
                last_event=event,
            )
        else:
            after.update(state=State.APPROVED, due_on=None, last_event=event)
    elif action == "disburse":
        data = SERVICE_DATA["disburse"]
        after.update(
            state=State.DISBURSED,
            due_on=None,
            disbursed=(data["amount"], data["paid_on"], data["voucher"]),
            signoffs=before["signoffs"] + 1,
            events=before["events"] + 1,
            last_event=event,
        )
    return after


def matches(value, actual):
    if value is SET:
        return actual is not None
    return actual == value


def mismatch(expected, actual):
    return {
        key: (value, actual[key])
        for key, value in expected.items()
        if not matches(value, actual[key])
    }


def _refusal(texts):
    if texts and all(CHINESE.search(text) for text in texts):
        return "refused", " ".join(texts)
    return f"refused without a Chinese message {texts!r}", ""


def _form_errors(response):
    """The errors of the bound forms of the page: (the form's own, its fields')."""
    forms = []
    for key in ("form", "upload_form"):
        form = response.context.get(key) if response.context is not None else None
        if form is not None and form.is_bound and all(form is not f for f in forms):
            forms.append(form)
    own = [str(e) for form in forms for e in form.non_field_errors()]
    fields = [
        str(e)
        for form in forms
        for name, errors in form.errors.items()
        if name != NON_FIELD_ERRORS
        for e in errors
    ]
    return own, fields


def answer(response, admin, method, bad_input=False):
    """(what the response says, the message shown): ``404``, ``login``, ``refused``; for a
    POST ``done`` (redirect with a success message), for a GET ``offered`` (the page that
    asks for it); anything else is described. The table's requests are well formed: a field
    error refuses them for the wrong reason, and is named, unless ``bad_input``."""
    status = response.status_code
    if status == 404:
        return "404", ""
    if status == 302:
        login = reverse("admin:login") if admin else resolve_url(settings.LOGIN_URL)
        if urlsplit(response["Location"]).path == login:
            return "login", ""
        notes = [(m.level, str(m)) for m in get_messages(response.wsgi_request)]
        errors = [text for level, text in notes if level == messages.ERROR]
        if errors and len(errors) == len(notes):
            return _refusal(errors)
        if method == "POST" and notes and all(level == messages.SUCCESS for level, _t in notes):
            return "done", notes[0][1]
        return f"{method} 302 with messages {notes!r}", ""
    if status in (200, 400):
        if method == "GET" and status == 200:
            refused = response.context.get("refused") if admin else None
            return _refusal([str(refused)]) if refused else ("offered", "")
        own, fields = _form_errors(response)
        if (own and not fields) or (fields and bad_input):
            return _refusal(own + fields)
        if fields:
            return f"{method} {status}: a field error {fields!r}", ""
        return f"{method} {status} without an error", ""
    return f"{method} {status}", ""


def ask(client, method, url, data, admin):
    client.cookies.pop("messages", None)  # only this request's messages
    try:
        response = client.post(url, data) if method == "POST" else client.get(url)
    except Exception as error:  # a 500: name it in the table's diff
        return f"{method} raised {type(error).__name__}: {error}", ""
    return answer(response, admin, method)


def run_cell(client, user, pk, action):
    """The outcome of ``action`` on application ``pk`` asked by ``user`` (logged in), as a
    word of the table when everything checks, else a description of what went wrong."""
    admin = is_admin(action)
    url = url_of(action, pk)
    before = snapshot(pk)
    seen_by_get = None
    if action in ANSWERS_GET:
        seen_by_get, _text = ask(client, "GET", url, None, admin)
        if snapshot(pk) != before:
            return f"GET changed {diff(before, snapshot(pk))}"
    expected = expected_after(action, before, pk, user)
    outcome, _text = ask(client, "POST", url, post_data(action, before), admin)
    after = snapshot(pk)
    if outcome == "done":
        wrong = mismatch(expected, after)
        if wrong:
            return f"done, but {wrong}"
        again, _text = ask(client, "POST", url, post_data(action, before), admin)
        again_after = snapshot(pk)
        if action in REPEATABLE:  # a second upload is one more material, once
            if again != "done" or mismatch(expected_after(action, after, pk, user), again_after):
                return f"done, then {again} {diff(after, again_after)}"
        elif again not in ("refused", "404") or again_after != after:
            return f"done, then {again} {diff(after, again_after)} when sent again"
    elif after != before:
        return f"{outcome}, but changed {diff(before, after)}"
    if seen_by_get is not None and seen_by_get != ("offered" if outcome == "done" else outcome):
        return f"{outcome} (GET: {seen_by_get})"
    return outcome


def run_table(client, users, pk, rows):
    """Every cell of ``rows`` ({action: {persona: outcome}}), each in a savepoint rolled back
    afterwards; the cells that differ from the table, as readable lines."""
    got = {}
    personas = sorted({persona for row in rows.values() for persona in row})
    for persona in personas:
        user = users[persona]
        client.logout()
        if user is not None:
            client.force_login(user)
        for action, row in rows.items():
            if persona not in row:
                continue
            savepoint = transaction.savepoint()
            try:
                got[action, persona] = run_cell(client, user, pk, action)
            finally:
                transaction.savepoint_rollback(savepoint)
    return [
        f"{action:14} {persona:17} expected {row[persona]:8} got {got[action, persona]}"
        for action, row in rows.items()
        for persona in row
        if got[action, persona] != row[persona]
    ]


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("state", list(HISTORY))
def test_every_action_answers_every_persona_as_the_table_says(client, users, measure, state):
    application = build(users, measure, HISTORY[state])
    assert application.state == STATE_OF[state]
    wrong = run_table(client, users, application.pk, rows_for(EXPECTED, state))
    assert not wrong, f"state {state}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("state", list(APPROVAL_HISTORY))
def test_on_a_route_ending_in_a_review_the_last_pass_approves(
    client, approval_users, approval_measure, state
):
    application = build(approval_users, approval_measure, APPROVAL_HISTORY[state])
    assert application.state == STATE_OF[state]
    rows = rows_for(APPROVAL_EXPECTED, state)
    wrong = run_table(client, approval_users, application.pk, rows)
    assert not wrong, f"state {state}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("state", list(EXEMPT_HISTORY))
def test_a_listed_item_answers_every_persona_as_the_table_says(client, users, state):
    application = build_exempt(users, EXEMPT_HISTORY[state])
    assert application.state == STATE_OF[state]
    wrong = run_table(client, users, application.pk, rows_for(EXEMPT_EXPECTED, state))
    assert not wrong, f"state {state}:\n" + "\n".join(wrong)


def test_the_positions_of_the_route(users, measure):
    """The states of the table are where they say (steps of item 3（1）)."""
    expected = {
        "step1": (State.IN_REVIEW, 1, 0),
        "step2": (State.IN_REVIEW, 2, 0),
        "step2_signed": (State.IN_REVIEW, 2, 1),
        "step3": (State.IN_REVIEW, 3, 0),
        "returned": (State.RETURNED, 1, 0),
        "rejected": (State.REJECTED, 2, 0),
        "withdrawn": (State.WITHDRAWN, 1, 0),
        "disbursed": (State.DISBURSED, 3, 1),
    }
    for state, (value, position, signed_here) in expected.items():
        application = build(users, measure, HISTORY[state])
        signed = Signoff.objects.filter(
            step__application=application,
            step__position=application.position,
            round=application.round,
        ).count()
        assert (application.state, application.position, signed) == (
            value,
            position,
            signed_here,
        ), state


# -- the pairs the URLs cannot ask for ----------------------------------------------------------


@pytest.mark.parametrize("state", list(HISTORY))
def test_the_services_refuse_what_the_urls_cannot_ask(users, measure, state):
    """``…/withdraw/`` picks 删除草稿 or 撤回申报 by the state, so a discard of a submitted
    application, or a withdraw of a draft, can only be asked of ``services.perform``: refused
    with a message, nothing changed."""
    application = build(users, measure, HISTORY[state])
    action = "withdraw" if state in ("draft", "discarded") else "discard"
    before = snapshot(application.pk)
    for persona in ("enterprise_a", "enterprise_a2"):
        with pytest.raises(services.TransitionError) as refused:
            services.perform(action, application, users[persona])
        assert CHINESE.search(str(refused.value))
    assert snapshot(application.pk) == before


# -- an allowed action with input that is not acceptable ----------------------------------------

BAD_INPUT = [
    # state, persona, action, what differs from the page's usual data, the message shown
    ("step1", "district_staff_a", "return", {"comment": "   "}, "请填写理由。"),
    ("step1", "district_staff_a", "reject", {"comment": ""}, "请填写理由。"),
    ("step1", "district_staff_a", "pass", {"approved_amount": "-1"}, "0.01"),
    ("step3", "city_finance", "disburse", {"paid_on": "2023-10-17"}, "拨付日期不能晚于今天。"),
    (
        "step3",
        "city_finance",
        "disburse",
        {"paid_on": "2023-10-15"},
        "拨付日期不能早于申报提交日期。",
    ),
    ("step3", "city_finance", "disburse", {"voucher": ""}, "必填"),
    ("step3", "city_finance", "disburse", {"amount": "0"}, "0.01"),
    ("step2", "city_commerce", "return", {"comment": ""}, "请填写理由。"),
    ("draft", "enterprise_a", "edit", {"requested_amount_yuan": "-5"}, "申请金额应大于0。"),
    ("returned", "enterprise_a", "edit", {"figures_text": "没有冒号的一行"}, "名称：数值"),
    (
        "draft",
        "enterprise_a",
        "upload",
        {"file": SimpleUploadedFile("营业执照.pdf", EXE, "application/pdf")},
        "不是 PDF、JPEG 或 PNG",
    ),
]


@pytest.mark.parametrize(("state", "persona", "action", "change", "message"), BAD_INPUT)
def test_bad_input_is_refused_on_the_page_with_nothing_changed(
    client, users, measure, state, persona, action, change, message
):
    application = build(users, measure, HISTORY[state])
    client.force_login(users[persona])
    before = snapshot(application.pk)
    url = url_of(action, application.pk)
    client.cookies.pop("messages", None)
    response = client.post(url, {**post_data(action, before), **change})
    assert answer(response, is_admin(action), "POST", bad_input=True)[0] == "refused"
    assert message in response.content.decode()
    assert snapshot(application.pk) == before


# -- a refusal after a redirect is shown on the page it leads to --------------------------------


@pytest.mark.parametrize(
    ("state", "persona", "action", "message"),
    [
        ("step1", "enterprise_a", "submit", "该申报当前状态为“审核中”，不能“提交申报”。"),
        ("rejected", "enterprise_a2", "withdraw", "不能“撤回申报”"),
        ("step1", "enterprise_a", "upload", "材料未上传："),
        ("step2", "district_staff_a", "pass", "不由您所在部门办理"),
        ("step2_signed", "city_commerce", "pass", "正在等待其他部门会签"),
        ("step3", "city_finance", "pass", "请使用“登记拨付”"),
        ("step1", "district_staff_a", "disburse", "只有在最后的拨付环节才能登记拨付。"),
    ],
)
def test_a_refusal_is_shown_on_the_page_it_redirects_to(
    client, users, measure, state, persona, action, message
):
    application = build(users, measure, HISTORY[state])
    client.force_login(users[persona])
    before = snapshot(application.pk)
    response = client.post(url_of(action, application.pk), post_data(action, before), follow=True)
    assert response.status_code == 200
    assert len(response.redirect_chain) == 1
    assert message in response.content.decode()
    assert snapshot(application.pk) == before


# -- materials and the record of the application ------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "returned"])
@pytest.mark.parametrize("action", ["upload", "remove_upload"])
def test_materials_are_recorded_like_edits(client, users, measure, action, state):
    application = build(users, measure, HISTORY[state])
    user = users["enterprise_a"]
    client.force_login(user)
    before = snapshot(application.pk)
    response = client.post(url_of(action, application.pk), post_data(action, before))
    assert answer(response, False, "POST")[0] == "done"
    after = snapshot(application.pk)
    assert (after["events"], after["last_event"]) == (before["events"] + 1, (action, user.pk))
