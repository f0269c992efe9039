"""PORTAL_TODAY on either side of each boundary the sources set: status, counts, filters and
self-check verdicts flip together, and only where the texts say they should."""

import re

import pytest
from django.urls import reverse

from policies.eligibility.models import SavedCheck
from policies.models import City, Measure

pytestmark = pytest.mark.django_db

# day → (营口 第14条's status, 鞍山 2023 第11（1）条's status, 营口 and 鞍山 现行有效 counts,
#        count of 鞍山's measures filtered 已到期)
BOUNDARIES = {
    # 营口 第14条 is the year 2024's; the 征求意见稿's 11（1） runs to 2025-12-31 (never 有效)
    # 已到期 in 鞍山 from 2024: the 15 items of 鞍山 2023 whose 执行期限 fell in 2023 (1（1）–（4）,
    # 2（2）, 3（1）（2）, 4（1）（2）, 8（1）–（3）, 9, 10（2）, 18（2）)
    "2024-12-31": ("ending_soon", "unknown", (2, 16), 15),
    "2025-01-01": ("expired", "unknown", (0, 16), 15),
    # 鞍山 2023 11（1）–（3）, 14, 16（2） end with 2025 (鞍山 2024 第14条's 扩岗补助 too)
    "2025-12-31": ("expired", "unknown", (0, 16), 15),
    "2026-01-01": ("expired", "expired", (0, 16), 20),
}


def measure(prefix, path):
    return Measure.objects.select_related("document").get(
        document__source__startswith=f"{prefix}_", path_key=path
    )


@pytest.mark.parametrize("day", BOUNDARIES)
def test_statuses_counts_and_filters_follow_the_day(client, catalogue, settings, day):
    settings.PORTAL_TODAY = day
    yingkou_14, anshan_2023_11 = BOUNDARIES[day][:2]
    counts, expired = BOUNDARIES[day][2:]
    page = client.get(measure("001", "14").get_absolute_url()).content.decode()
    assert f'data-status="{yingkou_14}"' in page
    page = client.get(measure("002", "11.1").get_absolute_url()).content.decode()
    assert f'data-status="{anshan_2023_11}"' in page
    cities = {c.slug: c for c in client.get(reverse("home")).context["cities"]}
    assert (cities["yingkou"].in_force_count, cities["anshan"].in_force_count) == counts
    listed = client.get(reverse("policies:measure_list"), {"city": "anshan", "status": "expired"})
    assert listed.context["page"].paginator.count == expired


@pytest.mark.parametrize(("day", "group"), [("2024-12-31", "eligible"), ("2025-01-01", "expired")])
def test_a_2024_award_leaves_the_total_on_new_years_day(client, catalogue, settings, day, group):
    """营口 第14条: 2024年各月度零售额增速高于8%…月度零售额增量每达1000万元，给予不超过5万元奖励."""
    from django.core.management import call_command

    call_command("load_eligibility", verbosity=0)
    settings.PORTAL_TODAY = day
    answers = {
        "industry": "F",
        "industry_detail": "retail",
        "above_scale": True,
        "monthly_retail_growth": 10,
        "monthly_retail_increment": 2500,
    }
    check = SavedCheck.objects.create(city=City.objects.get(slug="yingkou"), answers=answers)
    page = client.get(check.get_absolute_url()).content.decode()
    section = page.split(f'id="group-{group}"')[1].split("</section>")[0]
    assert measure("001", "14").get_absolute_url() in section
    total = "最高10 万元" if group == "eligible" else "0 元"
    assert re.search(rf'id="total">\s*{total}\s*<', page)
