from django.urls import path

from . import notice_views

app_name = "notices"

urlpatterns = [
    path("", notice_views.notice_list, name="list"),
    path("<id:pk>/", notice_views.notice_detail, name="detail"),
    path("<id:pk>/objection-sent/", notice_views.objection_sent, name="objection_sent"),
]
