"""Registration in headless Chromium: once a city is chosen, static/js/register.js keeps
only that city's districts in the 县（市）区 list (without JavaScript all are listed,
grouped by city)."""

import pytest

from policies.models import District

pytestmark = pytest.mark.e2e


def district_labels(page):
    return page.locator("#id_district option").all_inner_texts()


def test_choosing_a_city_lists_only_its_districts(page):
    page.goto("/accounts/register/")
    assert page.evaluate("document.activeElement.id") == "id_enterprise_name"
    everything = district_labels(page)
    assert len(everything) == District.objects.count() + 1  # and the placeholder
    assert everything[0] == "请选择县（市）区"

    page.select_option("#id_city", label="营口市")
    yingkou = sorted(District.objects.filter(city__name="营口市").values_list("name", flat=True))
    assert sorted(district_labels(page)[1:]) == yingkou
    assert page.locator("#id_district optgroup").count() == 1
    page.select_option("#id_district", label="鲅鱼圈区")

    # another city: its districts only, and the 营口 district no longer chosen
    page.select_option("#id_city", label="鞍山市")
    anshan = sorted(District.objects.filter(city__name="鞍山市").values_list("name", flat=True))
    assert sorted(district_labels(page)[1:]) == anshan
    assert page.input_value("#id_district") == ""

    # no city: every group again, in its order
    page.select_option("#id_city", value="")
    assert district_labels(page) == everything
