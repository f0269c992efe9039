"""Accounts: registration confirmed by email, and a password reset that cannot be abused.

Registration never says whether a username or a 统一社会信用代码 is already registered:
every valid form ends on the same page ("请查收邮件"). A new registration creates an
inactive user and its enterprise and mails an activation link; a registration that collides
with an existing account mails a notice to that account's owner instead (someone tried to
register with your username / your enterprise's code; sign in or reset your password).
Registration and password-reset requests are counted per address (``portal.throttle``);
the reset is also counted per email, silently, so no one can flood a mailbox.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal import throttle
from portal.net import client_ip

from .exempt import claim_waiting
from .forms import PasswordChangeForm, RegistrationForm
from .models import Enterprise, EnterpriseMembership

TOO_MANY = _("来自您所在网络的请求过于频繁，请一小时后再试。")


def _site_url(request, path):
    return request.build_absolute_uri(path)


def _activation_link(request, user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return _site_url(request, reverse("activate", args=[uid, token]))


def _mail(subject, template, context, recipients):
    recipients = sorted({r for r in recipients if r})
    if recipients:
        send_mail(
            subject,
            render_to_string(template, context),
            settings.DEFAULT_FROM_EMAIL,
            recipients,
        )


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("applications:my_applications")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not throttle.allow("register", client_ip(request), settings.PORTAL_REGISTER_PER_HOUR):
            form.add_error(None, TOO_MANY)
            return render(request, "registration/register.html", {"form": form}, status=429)
        email = form.cleaned_data["email"]
        if form.conflict:
            _notify_owner(request, form)
        else:
            user = _create_inactive(form)
            _mail(
                _("惠企政策服务门户：请确认注册"),
                "registration/activation_email.txt",
                {"user": user, "link": _activation_link(request, user)},
                [email],
            )
        request.session["registration_email"] = email
        return redirect("register_sent")
    return render(request, "registration/register.html", {"form": form})


def _create_inactive(form):
    data = form.cleaned_data
    with transaction.atomic():
        user = form.save(commit=False)
        user.is_active = False
        user.save()
        enterprise = Enterprise.objects.create(
            name=data["enterprise_name"],
            uscc=data["uscc"],
            city=data["city"],
            district=data["district"],
            contact_person=data["contact_person"],
            phone=data["phone"],
            email=data["email"],
        )
        EnterpriseMembership.objects.create(user=user, enterprise=enterprise)
        # 免申即享 lists issued before it registered: its items are waiting for it
        claim_waiting(enterprise)
    return user


def _notify_owner(request, form):
    """The registration collides with an account: tell its owner, not the visitor."""
    context = {
        "username": form.cleaned_data["username"],
        "uscc": form.cleaned_data["uscc"],
        "login": _site_url(request, reverse("login")),
        "reset": _site_url(request, reverse("password_reset")),
    }
    if form.taken_username is not None:
        _mail(
            _("惠企政策服务门户：有人尝试用您的用户名注册"),
            "registration/taken_username_email.txt",
            {**context, "user": form.taken_username},
            [form.taken_username.email],
        )
    if form.taken_enterprise is not None:
        enterprise = form.taken_enterprise
        members = enterprise.memberships.exclude(user__email="").values_list(
            "user__email", flat=True
        )
        _mail(
            _("惠企政策服务门户：有人尝试为贵企业重复注册"),
            "registration/taken_enterprise_email.txt",
            {**context, "enterprise": enterprise},
            [enterprise.email, *members],
        )


def register_sent(request):
    return render(
        request,
        "registration/register_sent.html",
        {"email": request.session.get("registration_email", "")},
    )


def _user_of(uidb64):
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    return get_user_model().objects.filter(pk=pk).first()


@require_http_methods(["GET", "POST"])
def activate(request, uidb64, token):
    """GET shows the confirmation (a mail scanner following the link activates nothing);
    POST activates the account and signs the user in."""
    user = _user_of(uidb64)
    valid = (
        user is not None
        and not user.is_active
        and user.last_login is None
        and default_token_generator.check_token(user, token)
    )
    if not valid:
        return render(request, "registration/activation_invalid.html", status=400)
    if request.method == "POST":
        user.is_active = True
        user.save(update_fields=["is_active"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("注册完成，欢迎使用。"))
        return redirect("applications:my_applications")
    return render(request, "registration/activate.html", {"user_to_activate": user})


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's reset, counted per address (a message) and per email (silently: the page
    is the same whether or not a mail went out, as Django's own is)."""

    def form_valid(self, form):
        if not throttle.allow("reset-ip", client_ip(self.request), settings.PORTAL_RESET_PER_HOUR):
            form.add_error(None, TOO_MANY)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        email = form.cleaned_data["email"]
        if not throttle.allow("reset-email", email, settings.PORTAL_RESET_PER_HOUR):
            return redirect(self.get_success_url())
        return super().form_valid(form)


# Django's password change, its form worded with 您 (before django.contrib.auth.urls too)
password_change = auth_views.PasswordChangeView.as_view(form_class=PasswordChangeForm)


class PortalIdentity:
    """Django's login view puts the request's ``Site`` (the domain name) into its page's
    context as ``site``, hiding the portal's identity that the header and the print line
    show under that name (``portal.context_processors.site``): the page said "testserver"
    where the portal's name belongs. The identity is put back. (Its logout view does too,
    but never renders here: LOGOUT_REDIRECT_URL.)"""

    def get_context_data(self, **kwargs):
        from portal.context_processors import site_context

        return {**super().get_context_data(**kwargs), **site_context()}


class LoginView(PortalIdentity, auth_views.LoginView):
    pass
