from django.urls import path

from . import feeds

app_name = "feeds"

urlpatterns = [
    path("cities/<slug:slug>/", feeds.CityFeed(), name="city"),
    path("topics/<slug:slug>/", feeds.TopicFeed(), name="topic"),
]
