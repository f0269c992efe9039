from django.urls import path

from portal.pagecache import cached_page

from . import feeds

app_name = "feeds"

# The same for every reader until the catalogue changes: served by the page cache.
urlpatterns = [
    path("cities/<slug:slug>/", cached_page(feeds.CityFeed()), name="city"),
    path("topics/<slug:slug>/", cached_page(feeds.TopicFeed()), name="topic"),
]
