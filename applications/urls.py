from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.my_applications, name="my_applications"),
    path("new/", views.new_application, name="new"),
    path("start/<id:measure_pk>/", views.start, name="start"),
    path("profile/", views.enterprise_profile, name="profile"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/edit/", views.edit, name="edit"),
    path("<id:pk>/upload/", views.upload, name="upload"),
    path("<id:pk>/submit/", views.submit, name="submit"),
    path("<id:pk>/resubmit/", views.resubmit, name="resubmit"),
    path("<id:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<id:pk>/confirm/", views.confirm, name="confirm"),
    path("<id:pk>/decline/", views.decline, name="decline"),
    path("<id:pk>/attachments/<id:attachment>/", views.attachment, name="attachment"),
    path(
        "<id:pk>/attachments/<id:attachment>/delete/",
        views.delete_attachment,
        name="delete_attachment",
    ),
]
