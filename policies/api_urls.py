from django.urls import path

from . import api

app_name = "api"

urlpatterns = [
    path("documents/", api.document_list, name="documents"),
    path("documents/<int:pk>/", api.document_detail, name="document"),
    path("measures/", api.measure_list, name="measures"),
    path("measures/<int:pk>/", api.measure_detail, name="measure"),
]
