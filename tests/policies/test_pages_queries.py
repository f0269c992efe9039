"""Every catalogue page and API answer runs a constant number of queries, however many
measures the catalogue holds: the same bound with the five documents and with 60 more
synthetic measures sharing the city, department and topic of the pages under test."""

import re

import pytest
from django.db import connection
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from policies.models import (
    CatalogueRevision,
    City,
    Measure,
    MeasureDepartment,
    PolicyDocument,
    Topic,
)
from tests.policies.synthetic import add_measures

pytestmark = pytest.mark.django_db

# page name → (most queries allowed, URL builder). Pages stored by the page cache
# (``portal.pagecache``) read the catalogue's revision first (its key): counted here, where
# each page is rendered (a miss); a hit runs that one query. Pages with result cards read the
# topics and support types the cards share (``policies.views.vocabulary``, two queries) the
# first time a process renders cards for a catalogue revision: counted here too.
PAGES = {
    "home": (10, lambda ctx: reverse("home")),
    "measure_list": (14, lambda ctx: reverse("policies:measure_list")),
    "measure_list_filtered": (
        14,
        lambda ctx: (
            reverse("policies:measure_list")
            + "?q=补贴&city=anshan&status=in_force&has_amount=on&sort=amount&topic=consumption"
        ),
    ),
    "measure_list_page_2": (14, lambda ctx: reverse("policies:measure_list") + "?page=2"),
    # revision, measure (with its intake), its links (measure_links), related measures and
    # workflow stages (2): 6; and the first time a process renders one for a catalogue
    # revision, the topics, support types and departments it shares (3 more)
    "measure": (9, lambda ctx: ctx["measure"].get_absolute_url()),
    # +1: the measures' responsible departments (their 责任单位 line, where notes may point)
    "document": (5, lambda ctx: ctx["document"].get_absolute_url()),
    "document_source": (4, lambda ctx: ctx["document"].get_absolute_url() + "?view=source"),
    "city": (6, lambda ctx: reverse("policies:city", args=["anshan"])),
    # +1: the contact persons the documents name, with their measures
    "department": (11, lambda ctx: ctx["department"].get_absolute_url()),
    "topic": (13, lambda ctx: reverse("policies:topic", args=["consumption"])),
    # the Atom feeds (revision, city or topic, the newest measures with their documents)
    "feed_city": (3, lambda ctx: reverse("feeds:city", args=["anshan"])),
    "feed_topic": (3, lambda ctx: reverse("feeds:topic", args=["consumption"])),
    # the sitemaps (revision first): the index counts each model section's rows; a section's
    # page, its count and its rows
    "sitemap": (6, lambda ctx: reverse("sitemap")),
    "sitemap_measures": (3, lambda ctx: reverse("sitemap_section", args=["measures"])),
    "compare": (
        7,
        lambda ctx: reverse("policies:compare") + "?" + "&".join(f"m={pk}" for pk in ctx["four"]),
    ),
    "api_documents": (2, lambda ctx: reverse("api:documents")),
    "api_document": (6, lambda ctx: reverse("api:document", args=[ctx["document"].pk])),
    "api_measures": (5, lambda ctx: reverse("api:measures") + "?q=补贴&page_size=100"),
    "api_measure": (4, lambda ctx: reverse("api:measure", args=[ctx["measure"].pk])),
    "api_index": (1, lambda ctx: reverse("api:index")),
    "api_cities": (2, lambda ctx: reverse("api:cities")),
    "api_city": (2, lambda ctx: reverse("api:city", args=["anshan"])),
    "api_document_by_slug": (
        6,
        lambda ctx: reverse("api:document_by_slug", args=[ctx["document"].slug]),
    ),
    "api_measure_by_identifier": (
        4,
        lambda ctx: reverse(
            "api:measure_by_identifier", args=[ctx["document"].slug, ctx["measure"].path_key]
        ),
    ),
}


@pytest.fixture
def ctx(catalogue):
    document = PolicyDocument.objects.get(source__startswith="002_")
    measure = Measure.objects.get(document=document, path_key="1.1")
    return {
        "document": document,
        "measure": measure,
        "department": measure.departments.first(),
        "four": list(Measure.objects.order_by("pk").values_list("pk", flat=True)[:4]),
    }


def grow(ctx, n=60):
    """``n`` more measures in 鞍山, in the draft document's city, department and topic."""
    extra = add_measures(n, City.objects.get(slug="anshan"))
    topic = Topic.objects.get(slug="consumption")
    measures = list(extra.measures.all())
    Measure.topics.through.objects.bulk_create(
        Measure.topics.through(measure=m, topic=topic) for m in measures
    )
    MeasureDepartment.objects.bulk_create(
        MeasureDepartment(measure=m, department=ctx["department"], position=9) for m in measures
    )
    Measure.objects.filter(pk__in=[m.pk for m in measures]).update(
        document=ctx["document"].pk, path_key=Concat(Value("s"), Cast("pk", CharField()))
    )
    CatalogueRevision.bump()  # as every writer does: the pages are rendered afresh
    return measures


@pytest.mark.parametrize("name", PAGES)
def test_it_runs_a_constant_number_of_queries(client, ctx, name, django_assert_max_num_queries):
    bound, url = PAGES[name]
    with django_assert_max_num_queries(bound):
        assert client.get(url(ctx)).status_code == 200
    before = Measure.objects.count()
    grow(ctx)
    assert Measure.objects.count() == before + 60
    with django_assert_max_num_queries(bound):
        response = client.get(url(ctx))
    assert response.status_code == 200


def test_cards_read_the_topics_and_types_once_per_revision(client, ctx):
    """The topics and support types of the cards are read by the first page with cards after
    the catalogue changes; the next one (another page, or the same one rendered afresh) reads
    only the cards' links."""
    from tests.caches import clear_caches

    url = reverse("policies:measure_list")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return [query["sql"] for query in captured]

    first = queries()
    clear_caches()  # the page and the process's topics and types: read again
    again = queries()
    from django.core.cache import cache

    from portal.pagecache import LocalCopies, LocalPages, forget_process_memory

    cache.clear()  # the page only: rendered afresh, with the topics and types kept
    forget_process_memory(LocalPages, LocalCopies)
    warm = queries()
    assert len(again) == len(first) and len(warm) == len(first) - 2
    assert sum('FROM "policies_topic"' in sql for sql in first) > sum(
        'FROM "policies_topic"' in sql for sql in warm
    )


# A revised document's pages: one query more each (its earlier versions; the measure's
# revisions), and the earlier version's page reads one row (and the revision).
REVISED_PAGES = {
    "document": (6, lambda doc, measure: doc.get_absolute_url()),
    "measure": (12, lambda doc, measure: measure.get_absolute_url()),
    "document_version": (2, lambda doc, measure: f"{doc.get_absolute_url()}versions/1/"),
}


@pytest.mark.parametrize("name", REVISED_PAGES)
def test_a_revised_documents_pages_run_a_constant_number_of_queries(
    client, ctx, name, django_assert_max_num_queries, settings, tmp_path
):
    import datetime

    from policies import publishing
    from tests.applications.test_document_revisions import version_two

    settings.MEDIA_ROOT = tmp_path
    document = ctx["document"]
    draft = publishing.create_draft(
        city=document.city,
        issuer="鞍山市人民政府办公室",
        issued_on=datetime.date(2024, 3, 1),
        text=version_two(document.clean_text),
        supersedes=document,
    )
    publishing.publish(draft)
    document.refresh_from_db()
    measure = Measure.objects.get(document=document, path_key="3.1")
    assert measure.revisions.exists()
    bound, url = REVISED_PAGES[name]
    with django_assert_max_num_queries(bound):
        response = client.get(url(document, measure))
    assert response.status_code == 200
    grow(ctx)
    with django_assert_max_num_queries(bound):
        assert client.get(url(document, measure)).status_code == 200


CACHED_PAGES = [name for name in PAGES if not name.startswith("api") and name != "compare"]


@pytest.mark.parametrize("name", CACHED_PAGES)
def test_a_page_from_the_page_cache_runs_one_query(client, ctx, name, django_assert_num_queries):
    _bound, url = PAGES[name]
    first = client.get(url(ctx))
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1):  # the catalogue's revision: the key
        again = client.get(url(ctx))
    assert again["X-Page-Cache"] == "hit"
    # the same page, but for the CSRF token (masked afresh for each request)
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub(b"", again.content) == token.sub(b"", first.content)


@pytest.mark.parametrize("name", ["measure", "measure_list_filtered"])
def test_a_cached_page_with_its_follow_button_for_a_signed_in_user(
    client, ctx, name, django_assert_num_queries
):
    """The 关注 button is a personal part: one query more for a signed-in user (their
    follow of the measure, or of the search) on top of the session and the user."""
    from tests.applications.conftest import make_user

    _bound, url = PAGES[name]
    assert client.get(url(ctx))["X-Page-Cache"] == "miss"
    client.force_login(make_user("reader"))
    with django_assert_num_queries(4):  # revision, session, user, follow
        response = client.get(url(ctx))
    assert response["X-Page-Cache"] == "hit"
    assert "关注" in response.content.decode()


def the_one_query(captured, start, table):
    """The single captured statement that begins with ``start`` and names ``table``."""
    found = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith(start) and table in q["sql"]
    ]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("query", ["", "?topic=consumption", "?q=补贴", "?q=研发投入"])
def test_a_lists_cards_are_read_unsorted(client, ctx, query):
    """A list page reads its measures' ids in order, then their cards by id (put in that
    order in Python): the cards' query sorts nothing. ``Measure``'s default order would
    join the documents and cities to sort by five columns, for nothing."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("policies:measure_list") + query)
    assert response.status_code == 200 and response.context["results"]
    cards = the_one_query(captured, 'SELECT "policies_measure"."id", ', "policies_city")
    assert "ORDER BY" not in cards


def test_the_compare_pages_measures_are_read_unsorted(client, ctx):
    """The compared measures are read by id as a list's cards are (``list_cards``) and shown
    in the order of the link: their query sorts nothing either."""
    url = reverse("policies:compare") + "?" + "&".join(f"m={pk}" for pk in ctx["four"][::-1])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert [m.pk for m in response.context["measures"]] == ctx["four"][::-1]
    chosen = the_one_query(captured, 'SELECT "policies_measure"."id", ', "policies_city")
    assert "ORDER BY" not in chosen
