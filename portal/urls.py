import os

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from applications import statistics_views
from policies.sitemaps import SITEMAPS

from . import views
from .pagecache import cached_page

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("text-size/", views.text_size, name="text_size"),
    path("healthz", views.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("robots.txt", views.robots_txt, name="robots"),
    # the sitemaps (policies.sitemaps), stored by the page cache like the pages they list
    path(
        "sitemap.xml",
        cached_page(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cached_page(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("policies/", include("policies.urls")),
    path("api/v1/", include("policies.api_urls")),
    path("check/", include("policies.eligibility.urls")),
    path("applications/", include("applications.urls")),
    path("accounts/follows/", include("portal.follow_urls")),
    path("feeds/", include("policies.feed_urls")),
    path("statistics/", statistics_views.public, name="statistics"),
    path("notices/", include("applications.notice_urls")),
    path("accounts/", include("applications.account_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

# Django renders its 500 page without the context processors: this one gives it the identity.
handler500 = views.server_error

# `make bench` compares every page with a trivial view; it exists only for DEBUG or the bench.
if settings.DEBUG or os.environ.get("PORTAL_BENCH") == "1":
    urlpatterns.append(path("bench/", include("bench.urls")))
