from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.my_applications, name="my_applications"),
    path("new/", views.new_application, name="new"),
    path("start/<int:measure_pk>/", views.start, name="start"),
    path("profile/", views.enterprise_profile, name="profile"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/upload/", views.upload, name="upload"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/resubmit/", views.resubmit, name="resubmit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/attachments/<int:attachment>/", views.attachment, name="attachment"),
    path(
        "<int:pk>/attachments/<int:attachment>/delete/",
        views.delete_attachment,
        name="delete_attachment",
    ),
]
