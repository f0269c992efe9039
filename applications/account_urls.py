from django.urls import path

from . import accounts

urlpatterns = [
    path("register/", accounts.register, name="register"),
    path("register/sent/", accounts.register_sent, name="register_sent"),
    path("activate/<str:uidb64>/<str:token>/", accounts.activate, name="activate"),
    # before django.contrib.auth.urls (portal/urls.py includes this first): throttled
    path("password_reset/", accounts.ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("password_change/", accounts.password_change, name="password_change"),
    # Django's own, with the portal's identity as ``site`` (accounts.PortalIdentity)
    path("login/", accounts.LoginView.as_view(), name="login"),
]
