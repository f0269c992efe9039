"""No double payment across 18（2）'s two routes: an enterprise confirming its 免申即享 item
while it (another user, another tab) submits an application for the same measure — real
threads, each with its own connection, released by one barrier, on whichever database the
suite runs on (SQLite and PostgreSQL). Exactly one of the two becomes live; the other is
refused with the message, and the database holds one live item per enterprise."""

from collections import Counter
from decimal import Decimal

import pytest

from applications import exempt, services
from applications.models import Application, BeneficiaryList, EnterpriseMembership
from applications.states import Route, State
from policies.models import City, District

from .conftest import make_enterprise, make_staff, make_user, measure_at
from .test_races import race

pytestmark = pytest.mark.django_db(transaction=True)

PAIRS = 4
ROUNDS = 3


def _outcome(call):
    def run():
        try:
            call()
        except services.NotAllowed as error:
            return ("refused", str(error))
        return ("done", "")

    return run


def test_confirmation_racing_an_application_pays_once(transactional_catalogue, personas):
    measure = measure_at("18.2")
    city = City.objects.get(name="鞍山市")
    tiedong = District.objects.get(city=city, name="铁东区")
    staff = make_staff("hr", measure.departments.order_by("pk").first())
    outcomes = Counter()
    for round_ in range(ROUNDS):
        firms = []
        for n in range(PAIRS):
            enterprise = make_enterprise(
                f"鞍山竞争{round_}{n}有限公司", f"91210302MA0R{round_}{n}0A1", city, tiedong
            )
            confirmer, applicant = make_user(f"c{round_}{n}"), make_user(f"a{round_}{n}")
            for user in (confirmer, applicant):
                EnterpriseMembership.objects.create(user=user, enterprise=enterprise)
            firms.append((enterprise, confirmer, applicant))
        blist = BeneficiaryList.objects.create(
            measure=measure,
            department=staff.staff_membership.department,
            year=2023,
            title=f"稳岗返还名单{round_}",
            created_by=staff,
        )
        exempt.replace_rows(
            blist,
            [
                exempt.Row(n + 2, e.uscc, e.name, "上年度失业保险费60%", Decimal("3000"), e)
                for n, (e, _c, _a) in enumerate(firms)
            ],
        )
        exempt.issue(blist, staff)
        pairs = []
        for enterprise, confirmer, applicant in firms:
            item = Application.objects.get(enterprise=enterprise, route=Route.EXEMPT)
            draft = services.create_draft(applicant, measure, requested_amount_yuan=3000)
            pairs.append(
                (
                    _outcome(
                        lambda item=item, user=confirmer: services.confirm_exempt(
                            item, user, "工商银行", "6222000012345678", True
                        )
                    ),
                    _outcome(lambda draft=draft, user=applicant: services.submit(draft, user)),
                )
            )
        for first, second in race(pairs):
            kinds = sorted([first[0], second[0]])
            assert kinds == ["done", "refused"], (first, second)
            refused = first if first[0] == "refused" else second
            assert refused[1] == services.TWICE_MESSAGE
            outcomes["confirm won" if first[0] == "done" else "application won"] += 1
        for enterprise, _c, _a in firms:
            rows = Application.objects.filter(enterprise=enterprise, measure=measure)
            live = rows.exclude(cycle=None)
            assert live.count() == 1
            assert set(live.values_list("state", flat=True)) == {State.IN_REVIEW}
            loser = rows.filter(cycle=None).get()
            assert loser.state in (State.TO_CONFIRM, State.DRAFT)
            assert not loser.events.filter(action__in=["confirm", "submit"]).exists()
    assert sum(outcomes.values()) == PAIRS * ROUNDS
    print(dict(outcomes))


def test_an_issue_racing_the_registration_of_a_listed_code_gives_it_one_item(
    transactional_catalogue, personas
):
    """A list issued while an enterprise of it registers: whichever goes first, the
    enterprise ends with exactly one 待确认 item (the issue sees it, or its registration
    claims the row), never none and never two. (Without the row locks of ``exempt.issue``
    and ``exempt.claim_waiting`` PostgreSQL loses items here: neither transaction sees the
    other's uncommitted write.)"""
    from django.db import transaction

    from .conftest import uscc

    measure = measure_at("13.5")
    city = City.objects.get(name="鞍山市")
    tiedong = District.objects.get(city=city, name="铁东区")
    staff = make_staff("science", measure.departments.order_by("pk").first())

    def register(code, name):
        def run():
            import traceback

            try:
                with transaction.atomic():
                    enterprise = make_enterprise(name, code[:17], city, tiedong)
                    exempt.claim_waiting(enterprise)
            except Exception:
                traceback.print_exc()
                raise
            return ("done", "")

        return run

    def issue(blist):
        def run():
            import traceback

            try:
                return (exempt.issue(blist, staff), "")
            except Exception:
                traceback.print_exc()
                raise

        return run

    codes = []
    for round_ in range(ROUNDS):
        pairs = []
        for n in range(PAIRS):
            code = uscc(f"91210302MA0N{round_}{n}0A1")
            name = f"鞍山新注册{round_}{n}有限公司"
            blist = BeneficiaryList.objects.create(
                measure=measure,
                department=staff.staff_membership.department,
                year=2023,
                title=f"名单{round_}{n}",
                created_by=staff,
            )
            exempt.replace_rows(blist, [exempt.Row(2, code, name, "排名", Decimal("1000"))])
            pairs.append((issue(blist), register(code, name)))
            codes.append(code)
        race(pairs)
    for code in codes:
        items = Application.objects.filter(enterprise__uscc=code, route=Route.EXEMPT)
        assert items.count() == 1, code
        assert items.get().state == State.TO_CONFIRM
        assert items.get().beneficiary.uscc == code
