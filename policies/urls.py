from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("documents/<int:pk>/", views.document_detail, name="document"),
]
