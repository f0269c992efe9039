from django.urls import path

from portal.pagecache import cached_page

from . import views

app_name = "policies"

urlpatterns = [
    # the list and the search: the same for everybody asking the same query (page cache)
    path("measures/", cached_page(views.measure_list), name="measure_list"),
    path("measures/<id:pk>/", views.measure_detail, name="measure"),
    path("documents/<id:pk>/", views.document_detail, name="document"),
    path(
        "documents/<id:pk>/versions/<id:number>/",
        views.document_version,
        name="document_version",
    ),
    path("documents/<id:pk>/source-file/", views.document_source_file, name="document_file"),
    path("cities/<slug:slug>/", views.city_detail, name="city"),
    path("departments/<id:pk>/", views.department_detail, name="department"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("compare/", views.compare, name="compare"),
]
