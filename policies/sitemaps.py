"""Sitemaps (``/sitemap.xml``): every public catalogue page, for search engines.

Many enterprises look for policies through Baidu and the other search engines, not through
the portal's own search. A crawler left to follow links walks the measure list's filter and
search combinations — without end, each a page nobody asked for before, rendered afresh — and
may never reach a measure three filters deep. The sitemaps give it every page worth indexing
(each measure, document, city, topic and department page: the pages the page cache serves),
and ``robots.txt`` (``portal.views.robots_txt``) points to them and keeps crawlers off URLs
with a query and off the private parts of the site.

Retired measures and documents are left out: their pages still answer, saying so, but are no
longer anything to find. Each sitemap page lists at most ``LIMIT`` addresses (the protocol
allows 50,000; smaller pages keep each answer light); ``/sitemap.xml`` is the index of them.
"""

from django.contrib import sitemaps
from django.urls import reverse

from .models import City, Department, Measure, PolicyDocument, Topic

LIMIT = 5000


class CatalogueSitemap(sitemaps.Sitemap):
    limit = LIMIT
    model = None
    fields = ("pk",)

    def items(self):
        return self.model.objects.order_by("pk").only(*self.fields)


class MeasureSitemap(CatalogueSitemap):
    model = Measure
    priority = 0.8


class DocumentSitemap(CatalogueSitemap):
    model = PolicyDocument
    priority = 0.7


class CitySitemap(CatalogueSitemap):
    model = City
    fields = ("pk", "slug")


class TopicSitemap(CatalogueSitemap):
    model = Topic
    fields = ("pk", "slug")


class DepartmentSitemap(CatalogueSitemap):
    model = Department


class PortalSitemap(sitemaps.Sitemap):
    """The portal's own public entry pages."""

    priority = 0.9

    def items(self):
        return [
            "home",
            "policies:measure_list",
            "eligibility:start",
            "notices:list",
            "statistics",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "portal": PortalSitemap,
    "measures": MeasureSitemap,
    "documents": DocumentSitemap,
    "cities": CitySitemap,
    "topics": TopicSitemap,
    "departments": DepartmentSitemap,
}
