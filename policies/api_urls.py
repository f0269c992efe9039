from django.urls import path, re_path

from . import api

app_name = "api"

urlpatterns = [
    path("", api.index, name="index"),
    path("cities/", api.city_list, name="cities"),
    path("cities/<slug:slug>/", api.city_detail, name="city"),
    path("documents/", api.document_list, name="documents"),
    path("documents/<id:pk>/", api.document_detail, name="document"),
    path("documents/<slug:slug>/", api.document_by_slug, name="document_by_slug"),
    path("measures/", api.measure_list, name="measures"),
    path("measures/<id:pk>/", api.measure_detail, name="measure"),
    path(
        "measures/<slug:slug>/<str:path_key>/",
        api.measure_by_identifier,
        name="measure_by_identifier",
    ),
    re_path(r"^(?P<rest>.*)$", api.not_found),  # anything else: 404 as JSON, not a page
]
