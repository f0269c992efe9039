"""Personas built in code, on the imported catalogue (鞍山 2023 item 3（1）as the measure).

Item 3（1）'s route: 所在县区商务部门 初审 → 市商务局会同市统计部门 审核 (joint) → 市财政局 拨付.
Its deadline (2023-12-31) has passed, so the portal's today is pinned inside its term.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from applications import services
from applications.apps import REVIEWER_GROUP
from applications.models import Enterprise, EnterpriseMembership, StaffMembership
from applications.uscc import check_character
from applications.workflow import city_department, district_department
from policies.models import City, District, Measure

ANSHAN_2023 = "002_14e9fef579fde56b.txt"
PASSWORD = "correct-horse-battery"
TODAY_IN_TERM = "2023-10-16"


def uscc(first17):
    return first17 + check_character(first17)


@dataclass
class Personas:
    enterprise_a: object
    enterprise_a2: object  # a second user of enterprise A
    enterprise_b: object
    district_staff_a: object  # 铁东区商务局: on A's route
    district_staff_b: object  # 铁西区商务局: off A's route
    city_commerce: object
    city_statistics: object
    city_finance: object
    outsider: object

    def all(self):
        return dict(vars(self))


def measure_at(path_key, source=ANSHAN_2023):
    return Measure.objects.select_related("document__city").get(
        document__source=source, path_key=path_key
    )


@pytest.fixture(autouse=True)
def _portal_setup(settings, tmp_path):
    settings.PORTAL_TODAY = TODAY_IN_TERM
    settings.MEDIA_ROOT = tmp_path / "uploads"


def make_enterprise(name, code17, city, district):
    return Enterprise.objects.create(
        name=name,
        uscc=uscc(code17),
        city=city,
        district=district,
        contact_person="王经理",
        phone="0412-5550000",
        email=f"{code17.lower()}@example.com",
    )


def make_user(username, **fields):
    return get_user_model().objects.create_user(
        username, email=f"{username}@example.com", password=PASSWORD, **fields
    )


def make_staff(username, department):
    user = make_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=REVIEWER_GROUP))
    StaffMembership.objects.create(user=user, department=department)
    return user


@pytest.fixture
def measure(catalogue):
    return measure_at("3.1")


@pytest.fixture
def personas(catalogue):
    city = City.objects.get(name="鞍山市")
    tiedong = District.objects.get(city=city, name="铁东区")
    tiexi = District.objects.get(city=city, name="铁西区")
    firm_a = make_enterprise("鞍山甲商贸有限公司", "91210302MA0AAAAA1", city, tiedong)
    firm_b = make_enterprise("鞍山乙商贸有限公司", "91210303MA0BBBBB1", city, tiexi)
    users = {}
    for username, firm in [("firm_a", firm_a), ("firm_a2", firm_a), ("firm_b", firm_b)]:
        users[username] = make_user(username)
        EnterpriseMembership.objects.create(user=users[username], enterprise=firm)
    return Personas(
        enterprise_a=users["firm_a"],
        enterprise_a2=users["firm_a2"],
        enterprise_b=users["firm_b"],
        district_staff_a=make_staff("tiedong", district_department(tiedong, "商务局")),
        district_staff_b=make_staff("tiexi", district_department(tiexi, "商务局")),
        city_commerce=make_staff("city_commerce", city_department(city, "商务局")),
        city_statistics=make_staff("city_statistics", city_department(city, "统计局")),
        city_finance=make_staff("city_finance", city_department(city, "财政局")),
        outsider=make_user("outsider"),
    )


def submitted(user, measure, amount=100000):
    application = services.create_draft(user, measure, requested_amount_yuan=amount)
    return services.submit(application, user)


@pytest.fixture
def application_a(personas, measure):
    """Enterprise A's application, submitted and waiting at 铁东区商务局."""
    return submitted(personas.enterprise_a, measure)
