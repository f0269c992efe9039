"""``/sitemap.xml`` (``policies.sitemaps``) and ``/robots.txt``: every public catalogue page
listed for search engines, retired ones left out, split into pages; crawlers kept off URLs
with a query (the list's endless filter and search combinations) and off the private parts."""

import re
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from policies import sitemaps
from policies.models import City, Department, Measure, PolicyDocument, Topic

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
HOST = "http://testserver"


def locations(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    return [element.text for element in root.findall(".//s:loc", NS)]


def listed(client, section):
    """Every address the section's pages list, page after page as the index gives them."""
    pages = [
        url
        for url in locations(client, reverse("sitemap"))
        if re.search(rf"/sitemap-{section}\.xml(\?p=\d+)?$", url)
    ]
    assert pages, section
    found = []
    for page in pages:
        found += locations(client, page.removeprefix(HOST))
    return found


def test_every_public_catalogue_page_is_listed_once(client, catalogue):
    expected = {
        "measures": Measure.objects.all(),
        "documents": PolicyDocument.objects.all(),
        "cities": City.objects.all(),
        "topics": Topic.objects.all(),
        "departments": Department.objects.all(),
    }
    for section, rows in expected.items():
        found = listed(client, section)
        assert len(found) == len(set(found)), section
        assert sorted(found) == sorted(HOST + row.get_absolute_url() for row in rows), section
    assert len(listed(client, "measures")) > 100  # the real catalogue
    portal = listed(client, "portal")
    assert HOST + reverse("home") in portal and HOST + reverse("eligibility:start") in portal


def test_a_retired_measure_leaves_the_sitemap_at_once_its_page_still_answers(client, catalogue):
    measure = Measure.objects.order_by("pk").first()
    url = HOST + measure.get_absolute_url()
    assert url in listed(client, "measures")
    measure.retired_at = timezone.now()
    measure.save()  # as the admin and the importer do: the catalogue's revision changes
    assert url not in listed(client, "measures")
    assert client.get(measure.get_absolute_url()).status_code == 200  # 已撤回, still there


def test_the_sitemap_is_split_into_pages_that_together_list_every_measure(
    client, catalogue, monkeypatch
):
    monkeypatch.setattr(sitemaps.MeasureSitemap, "limit", 40)
    index = locations(client, reverse("sitemap"))
    pages = [url for url in index if "/sitemap-measures.xml" in url]
    count = Measure.objects.count()
    assert len(pages) == -(-count // 40) > 2
    found = listed(client, "measures")
    assert len(found) == len(set(found)) == count


def test_the_sitemaps_are_stored_by_the_page_cache_with_their_headers(client, catalogue):
    first = client.get(reverse("sitemap_section", args=["measures"]))
    again = client.get(reverse("sitemap_section", args=["measures"]))
    assert (first["X-Page-Cache"], again["X-Page-Cache"]) == ("miss", "hit")
    assert again.content == first.content
    assert again["X-Robots-Tag"] == first["X-Robots-Tag"]  # sitemaps are not pages to index
    assert again["Content-Type"] == first["Content-Type"]
    assert client.get("/sitemap-nothing.xml").status_code == 404


# ------------------------------------------------------------------------------ robots.txt


def robots_rules(text):
    rules = []
    for line in text.splitlines():
        field, _, value = line.partition(":")
        if field.strip().lower() in ("allow", "disallow") and value.strip():
            rules.append((field.strip().lower() == "allow", value.strip()))
    return rules


def allowed(rules, path):
    """As Baidu's and Google's crawlers read robots.txt: the longest matching rule wins (Allow
    on a tie); ``*`` is any run of characters, ``$`` the end of the URL."""
    best = None
    for allow, pattern in rules:
        regex = "".join(".*" if c == "*" else "$" if c == "$" else re.escape(c) for c in pattern)
        if re.match(regex, path):
            if best is None or (len(pattern), allow) > (len(best[1]), best[0]):
                best = (allow, pattern)
    return best is None or best[0]


@pytest.mark.parametrize(
    "path, crawl",
    [
        ("/", True),
        ("/policies/measures/", True),
        ("/policies/measures/12/", True),
        ("/policies/documents/3/", True),
        ("/policies/cities/anshan/", True),
        ("/check/", True),
        ("/notices/", True),
        ("/sitemap.xml", True),
        ("/sitemap-measures.xml?p=2", True),
        ("/policies/measures/?q=补贴", False),
        ("/policies/measures/?topic=consumption&status=in_force", False),
        ("/policies/documents/3/?view=source", False),
        ("/check/abc123/next/", False),
        ("/check/result/abc123/", False),
        ("/admin/", False),
        ("/applications/7/", False),
        ("/accounts/login/", False),
        ("/api/v1/measures/", False),
        ("/search/?q=补贴", False),
    ],
)
def test_robots_txt_keeps_crawlers_to_the_pages_worth_indexing(client, path, crawl):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert allowed(robots_rules(response.content.decode()), path) is crawl


def test_robots_txt_names_the_sitemap_at_the_sites_own_address(client, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "zwfw.example.gov.cn"]
    text = client.get("/robots.txt", HTTP_HOST="zwfw.example.gov.cn").content.decode()
    assert "Sitemap: http://zwfw.example.gov.cn/sitemap.xml" in text.splitlines()
    assert text.startswith("User-agent: *\n")
    assert client.post("/robots.txt").status_code == 405


# ------------------------------------------------------------------ one address per page


def canonical(client, url):
    page = client.get(url)
    assert page.status_code == 200
    found = re.findall(r'<link rel="canonical" href="([^"]*)">', page.content.decode())
    assert len(found) <= 1
    return found[0] if found else None


def test_a_public_page_names_its_one_address_without_the_query(client, catalogue):
    measure = Measure.objects.order_by("pk").first()
    document = measure.document
    path = measure.get_absolute_url()
    assert canonical(client, path) == HOST + path
    assert canonical(client, path + "?from=timeline&isappinstalled=0") == HOST + path
    assert canonical(client, document.get_absolute_url() + "?view=source") == (
        HOST + document.get_absolute_url()
    )
    assert canonical(client, "/") == HOST + "/"
    assert canonical(client, "/policies/cities/anshan/") == HOST + "/policies/cities/anshan/"
    # the compare page is its query: no single address to name
    assert canonical(client, reverse("policies:compare") + f"?m={measure.pk}") is None
