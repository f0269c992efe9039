from django.urls import path

from . import views

app_name = "eligibility"

urlpatterns = [
    path("", views.start, name="start"),
    path("city/<slug:city>/", views.questions, name="questions"),
    path("result/<str:token>/", views.result, name="result"),
]
