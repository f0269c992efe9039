from django.urls import path

from . import views

app_name = "eligibility"

urlpatterns = [
    path("", views.start, name="start"),
    path("city/<slug:city>/", views.questions, name="questions"),
    path("<str:token>/next/", views.next_step, name="next"),
    path("<str:token>/step/<slug:section>/", views.step, name="step"),
    path("<str:token>/summary/", views.summary, name="summary"),
    path("result/<str:token>/", views.result, name="result"),
]
