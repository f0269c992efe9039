from django.urls import path

from . import follow_views

app_name = "follows"

urlpatterns = [
    path("", follow_views.follow_list, name="list"),
    path("measure/<id:pk>/", follow_views.follow_measure, name="measure"),
    path("search/", follow_views.follow_search, name="search"),
    path("profile/", follow_views.follow_profile, name="profile"),
    path("<id:pk>/delete/", follow_views.follow_delete, name="delete"),
    path("digest/", follow_views.digest_switch, name="digest"),
    path("unsubscribe/<str:token>/", follow_views.unsubscribe, name="unsubscribe"),
]
