"""No input answers 500 (issue 11): hostile values to every form, every URL, the admin's
filters, on whichever database the suite runs on.

Each form gets ``PORTAL_FUZZ_EXAMPLES`` requests (1,000 by default) from hypothesis: its
fields with good values mixed with hostile ones (``tests.security.hostile``: NUL, digits
``int`` refuses or reads oddly, numbers no column holds, 100,000 characters, arrays for
scalars, percent-escapes that are not UTF-8, dates that do not exist, markup and SQL) and
unknown fields. Every pattern of the URLconf gets ``PORTAL_FUZZ_URL_EXAMPLES`` requests in
all with hostile path segments and query parameters (a pattern added later is fuzzed too).
The test client re-raises what a view lets through; a status of 500 or more fails as well.

A request that may write runs in a savepoint rolled back after it, so every example starts
from the same applications, self-check and login attempts.
"""

import logging
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.states import State
from policies import validity
from policies.filters import Sort
from policies.models import PolicyDocument
from tests.applications.conftest import PASSWORD
from tests.caches import clear_caches

from .hostile import (
    encode,
    int_segments,
    params,
    raw_fragments,
    slug_segments,
    str_segments,
)

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("PORTAL_FUZZ_EXAMPLES", "1000"))
URL_EXAMPLES = int(os.environ.get("PORTAL_FUZZ_URL_EXAMPLES", "1000"))


def fuzz_settings(examples):
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,  # no replay store: each run draws afresh
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


@pytest.fixture(autouse=True)
def _quiet_logs():
    """Thousands of 400s, 403s and login failures are expected: only errors are logged."""
    levels = {
        "django.request": logging.ERROR,
        "django.security": logging.CRITICAL,
        "axes": logging.ERROR,
    }
    saved = {name: logging.getLogger(name).level for name in levels}
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    yield
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


# --- sending ------------------------------------------------------------------------------


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@dataclass
class Request:
    method: str  # "get", "post" (urlencoded body) or "multipart"
    path: str
    pairs: list  # (key, value) of the query string (GET) or of the body (POST)
    raw: str = ""  # appended as is to the query string or the urlencoded body
    query: list = field(default_factory=list)  # a POST's query string
    files: dict = field(default_factory=dict)  # multipart: name → SimpleUploadedFile
    user: str | None = None  # who sends it (a World.user name), None: anonymous

    def __repr__(self):  # as hypothesis prints a failing example: long values cut short
        def short(pairs):
            return [(k[:40], v[:80] + ("…" if len(v) > 80 else "")) for k, v in pairs]

        return (
            f"Request({self.method} {self.path[:200]} as {self.user} pairs={short(self.pairs)} "
            f"raw={self.raw!r} query={short(self.query)} files={list(self.files)})"
        )


def send(client, request: Request):
    if request.method == "get":
        query = encode(request.pairs, request.raw)
        response = client.get(f"{request.path}?{query}" if query else request.path)
    elif request.method == "post":
        path = request.path
        if request.query:
            path += "?" + encode(request.query)
        response = client.post(
            path,
            data=encode(request.pairs, request.raw),
            content_type="application/x-www-form-urlencoded",
        )
    else:
        data = {}
        for key, value in request.pairs:
            data.setdefault(key, []).append(value)
        data.update(request.files)
        response = client.post(request.path, data=data)
    assert response.status_code < 500, f"{response.status_code} for {request!r}"
    return response


def run(world, strategy, examples, rollback=True, clear_cache=False):
    """Send ``examples`` requests drawn from ``strategy``; (count, seconds)."""
    started = time.perf_counter()
    count = 0

    @fuzz_settings(examples)
    @given(strategy)
    def one(request):
        nonlocal count
        count += 1
        if clear_cache:
            clear_caches()
        client = world.client(request.user)
        if rollback:
            with rolled_back():
                send(client, request)
        else:
            send(client, request)

    one()
    return count, time.perf_counter() - started


# --- the forms ------------------------------------------------------------------------------


@dataclass
class Form:
    """A form (or a GET filter form) and the requests that fill it."""

    name: str
    method: str
    # a path, or a function of the world giving one, a strategy of paths, or a strategy
    # of (user, path) when the form is sent by several users
    path: Any
    fields: Any  # a function of the world: field name → good values
    user: str | None = None
    query: Any = None  # a function of the world: a POST's query-string fields
    rollback: bool = True  # False for GETs that write nothing
    files: bool = False
    clear_cache: bool = False  # counters in the cache (throttles) start afresh each time

    def strategy(self, world):
        path = self.path(world) if callable(self.path) else self.path
        paths = path if isinstance(path, st.SearchStrategy) else st.just(path)
        senders = paths.map(lambda p: p if isinstance(p, tuple) else (self.user, p))
        return st.builds(
            lambda sender, pairs, raw, query, files: Request(
                self.method, sender[1], pairs, raw, query, files, sender[0]
            ),
            senders,
            params(self.fields(world)),
            raw_fragments if self.method != "multipart" else st.just(""),
            params(self.query(world)) if self.query else st.just([]),
            upload_files if self.files else st.just({}),
        )


def filter_fields(world, api=False):
    fields = {
        "q": ["补贴", "贷款 奖励", "补", "鞍山 消费券"],
        "city": world.good["city"],
        "document": world.good["document"],
        "department": world.good["department"],
        "topic": world.good["topic"],
        "support_type": world.good["support_type"],
        "status": [key for key, _label in validity.FILTER_CHOICES],
        "has_amount": ["on"],
        "free_of_application": ["on"],
        "sort": [key for key, _label in Sort.CHOICES],
        "page": ["1", "2", "3", "100"],
    }
    if api:
        fields["page_size"] = ["1", "20", "100", "101"]
    return fields


def queue_fields(world):
    return {
        "desk": ["awaiting", "overdue", "due_soon", "returned", "done_month", "passed"],
        "state": [s.value for s in State],
        "route__exact": ["application", "exempt", "zzz"],
        "measure__id__exact": world.good["measure"],
        "o": ["1", "-2", "1.-3", "4.2.1", "99"],
        "q": ["鞍山", "9121"],
        "p": ["1", "2"],
        "e": ["1"],
        "all": [""],
        "_popup": ["1"],
        "_to_field": ["id", "password"],
        "_changelist_filters": ["desk=awaiting", "state=in_review"],
    }


def changelists(world):
    """Every changelist of the admin (and its index), as a superuser sees them."""
    paths = [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    return st.sampled_from(sorted(paths) + [reverse("admin:index")])


# The list filters of the admin's changelists (each changelist ignores the others': the
# admin answers a filter it does not have with its ?e=1 page).
CHANGELIST_FILTERS = [
    "document__city__id__exact",
    "document__id__exact",
    "departments__id__exact",
    "topics__id__exact",
    "support_types__id__exact",
    "free_of_application__exact",
    "validity",
    "validity_kind__exact",
    "status__exact",
    "complete__exact",
    "city__id__exact",
    "level__exact",
    "kind__exact",
    "section__exact",
    "type__exact",
    "required__exact",
    "workday__exact",
    "date__year",
    "date__month",
    "date__day",
    "measure__document__city__id__exact",
    "measure__document__id__exact",
    "is_staff__exact",
    "is_superuser__exact",
    "is_active__exact",
    "groups__id__exact",
    "act__exact",
    "status",
    "desk",
    "state__exact",
    "answered",
    "notice__id__exact",
    "route__exact",
]


def changelist_fields(world):
    fields = {name: ["1", "2", "0", "True", "False", "2023"] for name in CHANGELIST_FILTERS}
    fields.update({"o": ["1", "-2", "1.-3"], "q": ["鞍山", "补贴"], "p": ["1", "2"], "all": [""]})
    return fields


upload_files = st.fixed_dictionaries(
    {},
    optional={
        "file": st.builds(
            lambda name, head, body, kind: SimpleUploadedFile(name, head + body, content_type=kind),
            name=st.one_of(
                st.sampled_from(
                    ["a.pdf", "营业执照.jpg", "a\x00.pdf", "x" * 300 + ".pdf", ".pdf", "a.exe"]
                ),
                # any name a browser could send; Django itself refuses to build an upload
                # whose base name is empty, "." or ".." (as "/" or "a/..")
                st.text(min_size=1, max_size=40).filter(
                    lambda name: os.path.basename(name) not in ("", ".", "..")
                ),
            ),
            head=st.sampled_from([b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b""]),
            body=st.binary(max_size=200),
            kind=st.sampled_from(["application/pdf", "image/png", "text/html", ""]),
        )
    },
)


def self_check_paths(world):
    """The profile step (which creates a check) and every step of an existing check."""
    return st.one_of(
        st.sampled_from(["anshan", "anshan", "yingkou", "liaocheng", "sanmenxia"]).map(
            lambda slug: f"/check/city/{slug}/"
        ),
        st.sampled_from(world.good["sections"]).map(
            lambda section: f"/check/{world.token}/step/{section}/"
        ),
    )


def self_check_fields(world):
    return {
        **world.good["questions"],
        "district": world.good["all_districts"],
        "as_of": ["2023-10-16", "2024-01-01"],
        "edit": ["1"],
    }


def statistics_fields(world):
    return {
        "city": world.good["city"],
        "year": ["2023", "2024"],
        "format": ["csv", "html"],
        "table": ["city", "document", "measure", "department", "stage", "zzz"],
    }


FORMS = [
    Form(
        "text_size",
        "post",
        "/text-size/",
        lambda w: {
            "size": ["large", "normal", "small"],
            "next": ["/", "/policies/measures/?q=补贴", "0", "zzz", "https://evil.example/"],
        },
    ),
    Form("search", "get", "/search/", lambda w: {"q": ["补贴", "贷款"]}),
    # 关注与提醒 (portal.follow_views): the buttons, the follows page's switches, unsubscribe
    Form(
        "follow_measure",
        "post",
        lambda w: st.sampled_from(w.good["measure"]).map(
            lambda pk: f"/accounts/follows/measure/{pk}/"
        ),
        lambda w: {
            "action": ["follow", "unfollow", "zzz"],
            "next": ["/", "/policies/measures/", "0", "https://evil.example/", "//evil"],
        },
        user="enterprise",
    ),
    Form(
        "follow_search",
        "post",
        "/accounts/follows/search/",
        lambda w: {
            "query": [
                "q=补贴&city=anshan",
                "city=anshan&status=in_force",
                "topic=consumption&page=2",
                "q=%FF%FE&city=%00",
                "document=99999999999999999999",
            ],
            "action": ["follow", "unfollow"],
        },
        user="enterprise",
    ),
    Form(
        "follow_switches",
        "post",
        st.sampled_from(
            [
                ("enterprise", "/accounts/follows/profile/"),
                ("enterprise", "/accounts/follows/digest/"),
                ("enterprise", "/accounts/follows/1/delete/"),
                ("district_staff", "/accounts/follows/profile/"),
            ]
        ),
        lambda w: {"action": ["on", "off"], "digest": ["on", "off"]},
    ),
    Form(
        "unsubscribe",
        "post",
        lambda w: st.sampled_from(
            [w.unsubscribe_token, w.unsubscribe_token[:-2], "nonsense", "1:abc:def"]
        ).map(lambda token: f"/accounts/follows/unsubscribe/{quote(token, safe='')}/"),
        lambda w: {"List-Unsubscribe": ["One-Click"]},
    ),
    Form("measure_list", "get", "/policies/measures/", filter_fields, rollback=False),
    Form("api_measures", "get", "/api/v1/measures/", lambda w: filter_fields(w, api=True)),
    Form(
        "api_documents",
        "get",
        "/api/v1/documents/",
        lambda w: {
            "city": w.good["city"],
            "status": [s.value for s in PolicyDocument.Status],
            "q": ["鞍山", "措施"],
            "page": ["1", "2"],
            "page_size": ["1", "100", "101"],
        },
        rollback=False,
    ),
    Form(
        "compare", "get", "/policies/compare/", lambda w: {"m": w.good["measure"]}, rollback=False
    ),
    Form("check_start", "get", "/check/", lambda w: {"city": w.good["city"]}, rollback=False),
    # StepForm: the profile step (/check/city/<slug>/) and the later steps
    Form(
        "self_check_steps",
        "post",
        self_check_paths,
        self_check_fields,
        query=lambda w: {"from": [w.token], "edit": ["1"], "as_of": ["2023-10-16"]},
    ),
    Form(
        "register",
        "post",
        "/accounts/register/",
        lambda w: {
            "username": ["newfirm", "firm_a", "FIRM_A"],
            "password1": [PASSWORD],
            "password2": [PASSWORD],
            "enterprise_name": ["鞍山丙商贸有限公司"],
            "uscc": ["91210302MA0CCCCC15", "91210302MA0AAAAA1"],
            "city": w.good["city_pk"],
            "district": w.good["district"],
            "contact_person": ["张三"],
            "phone": ["0412-5550001"],
            "email": ["new@example.com", "firm_a@example.com"],
        },
        clear_cache=True,
    ),
    # the portal's login and the admin's
    Form(
        "login",
        "post",
        st.sampled_from(["/accounts/login/", "/admin/login/"]),
        lambda w: {
            "username": ["firm_a", "tiedong", "nobody"],
            "password": [PASSWORD, "wrong"],
            "next": ["/applications/", "https://evil.example/", "0"],
        },
        query=lambda w: {"next": ["/applications/", "//evil.example", "/admin/"]},
    ),
    Form(
        "password_reset",
        "post",
        "/accounts/password_reset/",
        lambda w: {"email": ["firm_a@example.com", "nobody@example.com"]},
        clear_cache=True,
    ),
    Form(
        "password_reset_confirm",
        "post",
        lambda w: st.tuples(
            st.one_of(st.just(w.uidb64), str_segments),
            st.one_of(st.just(w.reset_token), st.just("set-password"), str_segments),
        ).map(lambda parts: f"/accounts/reset/{parts[0]}/{parts[1]}/"),
        lambda w: {"new_password1": ["Zq8#longer-pass"], "new_password2": ["Zq8#longer-pass"]},
    ),
    Form(
        "password_change",
        "post",
        "/accounts/password_change/",
        lambda w: {
            "old_password": [PASSWORD, "wrong"],
            "new_password1": ["Zq8#longer-pass"],
            "new_password2": ["Zq8#longer-pass"],
        },
        user="enterprise",
    ),
    Form(
        "application_start",
        "post",
        lambda w: st.sampled_from(w.good["measure"]).map(lambda pk: f"/applications/start/{pk}/"),
        lambda w: {
            "check": [w.token],
            "requested_amount_yuan": ["100000", "1", "0"],
            "description": ["新增限上零售额"],
            "figures_text": ["限上零售额增量：23000 万元", "a:b\nc：d"],
        },
        user="enterprise",
        query=lambda w: {"check": [w.token]},
    ),
    Form(
        "application_edit",
        "post",
        lambda w: f"/applications/{w.draft.pk}/edit/",
        lambda w: {
            "version": [w.draft.version],
            "requested_amount_yuan": ["100000", "1"],
            "description": ["说明"],
            "figures_text": ["限上零售额增量：23000 万元"],
        },
        user="enterprise",
    ),
    Form(
        "application_upload",
        "multipart",
        lambda w: f"/applications/{w.draft.pk}/upload/",
        lambda w: {"material": ["营业执照", "其他材料"]},
        user="enterprise",
        files=True,
    ),
    # CommentForm and the confirmation: submit, resubmit, delete a draft, withdraw
    Form(
        "application_actions",
        "post",
        lambda w: st.sampled_from(
            [
                ("enterprise", f"/applications/{w.draft.pk}/submit/"),
                ("enterprise", f"/applications/{w.draft.pk}/resubmit/"),
                ("enterprise", f"/applications/{w.draft.pk}/withdraw/"),
                ("enterprise", f"/applications/{w.draft.pk}/attachments/1/delete/"),
                ("enterprise_reviewed", f"/applications/{w.in_review.pk}/withdraw/"),
            ]
        ),
        lambda w: {"comment": ["请审核", ""], "confirm": ["yes", "no"]},
    ),
    # 免申即享: the enterprise confirms (bank account, 信用承诺) or declines its item
    Form(
        "exempt_confirm",
        "post",
        lambda w: st.sampled_from(
            [
                ("enterprise", f"/applications/{w.exempt_item.pk}/confirm/"),
                ("enterprise", f"/applications/{w.exempt_item.pk}/decline/"),
            ]
        ),
        lambda w: {
            "bank_name": ["中国工商银行鞍山分行", ""],
            "bank_account": ["6222000012345678", "6222 0000 1234", "abc"],
            "promise": ["on", ""],
            "confirm": ["yes", "no"],
            "comment": ["", "不需要"],
        },
    ),
    # the 免申即享 lists in the admin: a new list with its file, generate, issue
    Form(
        "beneficiary_list_add",
        "multipart",
        "/admin/applications/beneficiarylist/add/",
        lambda w: {
            "measure": [w.beneficiary_list.measure_id, w.measure.pk],
            "year": ["2023", "0", "99999"],
            "title": ["2023年度名单"],
        },
        user="superuser",
        files=True,
    ),
    Form(
        "beneficiary_list_actions",
        "post",
        lambda w: st.sampled_from(
            [
                f"/admin/applications/beneficiarylist/{w.beneficiary_list.pk}/generate/",
                f"/admin/applications/beneficiarylist/{w.beneficiary_list.pk}/issue/",
            ]
        ),
        lambda w: {"confirm": ["yes", "no"]},
        user="superuser",
    ),
    Form(
        "enterprise_profile",
        "post",
        "/applications/profile/",
        lambda w: w.good["questions"],
        user="enterprise",
    ),
    Form(
        "admin_queue",
        "get",
        st.sampled_from(
            [
                "/admin/applications/application/",
                "/admin/applications/application/",
                "/admin/applications/application/export.csv",
                "/admin/applications/application/export.xlsx",
            ]
        ),
        queue_fields,
        user="district_staff",
        rollback=False,
    ),
    # ActionForm: pass / return / reject at the district, the payment at 市财政局
    Form(
        "admin_act",
        "post",
        lambda w: st.one_of(
            st.sampled_from(["pass", "return", "reject", "disburse", "zzz"]).map(
                lambda action: (
                    "district_staff",
                    f"/admin/applications/application/{w.in_review.pk}/act/{action}/",
                )
            ),
            st.just(
                (
                    "finance_staff",
                    f"/admin/applications/application/{w.at_finance.pk}/act/disburse/",
                )
            ),
        ),
        lambda w: {
            "comment": ["同意", ""],
            "approved_amount": ["100000", "0.01", "99999999999.99"],
            "amount": ["100000", "0.01", "99999999999.99"],
            "paid_on": ["2023-10-16", "2023年10月16日", "2023/10/16", "2030-01-01"],
            "voucher": ["PZ-2023-001"],
        },
    ),
    # the statistics' filter form (city, year) and their CSV downloads
    Form("statistics", "get", "/statistics/", statistics_fields, rollback=False),
    Form(
        "admin_statistics",
        "get",
        "/admin/applications/application/statistics/",
        statistics_fields,
        user="district_staff",
        rollback=False,
    ),
    # 公示: the public's objection, the department's publication and answer
    Form(
        "notice_objection",
        "post",
        lambda w: f"/notices/{w.notice.pk}/",
        lambda w: {
            "entry": ["all", str(w.notice.entries.first().pk), "0"],
            "name": ["张三", "某某有限公司"],
            "contact": ["13800000000", "0412-5550000", "a@example.com", "x"],
            "text": ["该企业去年已享受同类补贴，请核实。", "短"],
        },
    ),
    Form(
        "admin_publish",
        "post",
        "/admin/applications/publicnotice/add/",
        lambda w: {
            "measure": [w.measure.pk, w.at_finance.measure_id],
            "items": [w.at_finance.pk, w.in_review.pk],
            "days": ["5", "0", "31"],
            "title": ["公示", ""],
            "confirm": ["yes", "no"],
        },
        user="commerce_staff",
        query=lambda w: {"measure": [w.measure.pk]},
    ),
    Form(
        "admin_answer",
        "post",
        lambda w: f"/admin/applications/objection/{w.objection.pk}/answer/",
        lambda w: {"answer": ["经核实，数据无误。", ""]},
        user="commerce_staff",
    ),
    Form(
        "admin_changelist_filters",
        "get",
        changelists,
        changelist_fields,
        user="superuser",
        rollback=False,
    ),
]


@pytest.mark.parametrize("form", FORMS, ids=[form.name for form in FORMS])
def test_form_never_answers_500(form, world):
    count, seconds = run(
        world, form.strategy(world), EXAMPLES, rollback=form.rollback, clear_cache=form.clear_cache
    )
    print(f"\n{form.name}: {count} requests in {seconds:.1f} s")


# --- every URL pattern ----------------------------------------------------------------------


def url_patterns(patterns=None, prefix=""):
    """(route, converters) of every pattern in the URLconf, included ones too."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, dict(getattr(pattern.pattern, "converters", {}))


def segments(world, name, converter):
    """Hostile values for a path segment, with the good ones of its name mixed in."""
    good = {
        "pk": world.good["measure"] + world.good["document"] + [world.draft.pk, world.notice.pk],
        "measure_pk": world.good["measure"],
        "attachment": [1],
        "slug": world.good["city"] + world.good["topic"],
        "city": world.good["city"],
        "token": [world.token, world.reset_token, "set-password", world.unsubscribe_token],
        "section": world.good["sections"],
        "uidb64": [world.uidb64],
        "format": ["csv", "xlsx"],
        "action": ["pass", "return", "reject", "disburse"],
        "object_id": [world.draft.pk, 1],
        "content_type_id": [1, 7],
        "id": [1],
    }.get(name, [])
    kind = type(converter).__name__
    bad = {
        "IdConverter": int_segments,
        "IntConverter": int_segments,
        "SlugConverter": slug_segments,
    }.get(kind, str_segments)
    if not good:
        return bad
    return st.one_of(st.sampled_from([quote(str(value), safe="") for value in good]), bad)


def route_to_path(route, values):
    path = "/" + route
    for name, value in values.items():
        path = path.replace(f"<{name}>", value)
        for kind in ("id", "int", "slug", "str", "path", "uuid"):
            path = path.replace(f"<{kind}:{name}>", value)
    return path


def route_user(route):
    if route.startswith("admin/"):
        return "superuser"
    if route.startswith(("applications/", "accounts/password_change", "accounts/follows/")):
        return "enterprise"
    return None


def test_the_url_patterns_are_all_found():
    routes = {route for route, _converters in url_patterns()}
    assert {
        "",
        "policies/measures/<id:pk>/",
        "check/result/<str:token>/",
        "applications/<id:pk>/attachments/<id:attachment>/",
        "accounts/reset/<uidb64>/<token>/",
        "admin/applications/application/",
        "accounts/follows/",
        "accounts/follows/unsubscribe/<str:token>/",
        "feeds/cities/<slug:slug>/",
        "feeds/topics/<slug:slug>/",
        "statistics/",
        "admin/applications/application/statistics/",
    } <= routes


def test_every_url_pattern_never_answers_500(world):
    """GET every route of the URLconf, as the user who may see it, with hostile path
    segments and query parameters; two requests in three to the portal's own pages, the
    third to the admin's."""
    query = {
        "page": ["1", "2"],
        "q": ["补贴"],
        "view": ["source", "clean"],
        "from": [world.token],
        "as_of": ["2023-10-16"],
        "edit": ["1"],
        "check": [world.token],
        "next": ["/"],
        "m": world.good["measure"],
        "city": world.good["city"],
        "o": ["1"],
        "p": ["1"],
        "_popup": ["1"],
        "_to_field": ["id"],
        "_changelist_filters": ["q=1"],
        "year": ["2023", "0", "99999999999999999999"],
        "table": ["measure", "department", "stage"],
        "format": ["csv"],
    }

    def requests_to(route, converters):
        path = st.fixed_dictionaries(
            {name: segments(world, name, converter) for name, converter in converters.items()}
        ).map(lambda values: route_to_path(route, values))
        return st.builds(
            lambda p, pairs, raw: Request("get", p, pairs, raw, user=route_user(route)),
            path,
            params(query),
            raw_fragments,
        )

    routes = sorted(url_patterns(), key=lambda item: item[0])
    portal = st.one_of([requests_to(*r) for r in routes if not r[0].startswith("admin/")])
    staff = st.one_of([requests_to(*r) for r in routes if r[0].startswith("admin/")])
    count, seconds = run(world, st.one_of(portal, portal, staff), URL_EXAMPLES)
    print(f"\n{len(routes)} URL patterns: {count} requests in {seconds:.1f} s")
