"""Comparing measures side by side; the selection lives in the URL (?m=1&m=2)."""

import pytest
from django.urls import reverse

from policies.models import Measure

pytestmark = pytest.mark.django_db

URL = reverse("policies:compare")


def listed(prefix):
    return Measure.objects.get(
        document__source__startswith=f"{prefix}_", path_key="15" if prefix == "001" else "16.2"
    )


def test_it_shows_the_chosen_measures_side_by_side_in_the_given_order(client, catalogue):
    first, second = listed("002"), listed("001")
    response = client.get(f"{URL}?m={first.pk}&m={second.pk}")
    assert response.status_code == 200
    assert response.context["measures"] == [first, second]
    html = response.content.decode()
    assert html.index(first.title) < html.index(second.title)
    assert '<th scope="row">最高金额</th>' in html


def test_it_ignores_junk_duplicates_and_unknown_ids(client, catalogue):
    measure = listed("001")
    response = client.get(f"{URL}?m={measure.pk}&m={measure.pk}&m=abc&m=999999")
    assert response.context["measures"] == [measure]


def test_it_compares_at_most_four(client, catalogue):
    ids = list(Measure.objects.order_by("pk").values_list("pk", flat=True)[:6])
    response = client.get(URL + "?" + "&".join(f"m={pk}" for pk in ids))
    assert [m.pk for m in response.context["measures"]] == ids[:4]
    assert not response.context["suggestions"]


def test_it_links_to_remove_a_measure_and_to_add_suggestions(client, catalogue):
    first, second = listed("002"), listed("001")
    response = client.get(f"{URL}?m={first.pk}&m={second.pk}")
    html = response.content.decode()
    assert f'href="{URL}?m={second.pk}"' in html  # remove the first
    suggestions = response.context["suggestions"]
    assert suggestions
    for suggestion in suggestions:
        assert suggestion.pk not in (first.pk, second.pk)
        assert f"{URL}?m={first.pk}&amp;m={second.pk}&amp;m={suggestion.pk}" in html


def test_it_explains_how_to_pick_when_nothing_is_chosen(client, catalogue):
    html = client.get(URL).content.decode()
    assert "加入对比" in html
    assert reverse("policies:measure_list") in html


def test_each_column_names_its_measures_support_types(client, catalogue):
    import re

    measures = [m for m in Measure.objects.order_by("pk") if m.support_types.exists()][:3]
    html = client.get(URL + "?" + "&".join(f"m={m.pk}" for m in measures)).content.decode()
    row = re.search(r'<th scope="row">支持方式</th>(.*?)</tr>', html, re.S)[1]
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert cells == ["、".join(s.name for s in m.support_types.all()) for m in measures]
