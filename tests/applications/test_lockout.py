"""Guessing passwords (django-axes): a username, and separately an address, is locked out
after ``AXES_FAILURE_LIMIT`` failures on the site's or the admin's login, with a Chinese
page; the right password does not get in while locked; the lock lifts after the cool-off."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGINS = {
    "site": ("login", "username", "password"),
    "admin": ("admin:login", "username", "password"),
}


def attempt(client, where, username, password, ip="10.1.1.1"):
    name, user_field, password_field = LOGINS[where]
    return client.post(
        reverse(name), {user_field: username, password_field: password}, REMOTE_ADDR=ip
    )


def signed_in(client):
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("where", ["site", "admin"])
def test_a_username_is_locked_after_the_limit_and_released_after_the_cooloff(
    client, personas, where
):
    user = personas.district_staff_a  # staff: may use both logins
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = attempt(client, where, user.username, "wrong", ip=f"10.2.0.{n}")
        assert response.status_code in (200, 429)
    # the right password, from yet another address: still refused while locked
    response = attempt(client, where, user.username, PASSWORD, ip="10.2.9.9")
    assert response.status_code == 429
    html = response.content.decode()
    assert "登录已暂停" in html and "分钟" in html
    assert not signed_in(client)
    # after the cool-off it lets the right password in
    past = datetime.timedelta(minutes=1) + settings.AXES_COOLOFF_TIME
    AccessAttempt.objects.update(attempt_time=(AccessAttempt.objects.first().attempt_time - past))
    response = attempt(client, where, user.username, PASSWORD, ip="10.2.9.9")
    assert response.status_code == 302 and signed_in(client)
    assert not AccessAttempt.objects.filter(username=user.username).exists()  # reset on success


def test_an_address_trying_many_usernames_is_locked(client, personas):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "site", f"nobody{n}", "wrong", ip="10.3.3.3")
    response = attempt(client, "site", personas.enterprise_a.username, PASSWORD, ip="10.3.3.3")
    assert response.status_code == 429 and not signed_in(client)
    # the same user from another address is not affected by that address's lock
    response = attempt(client, "site", personas.enterprise_a.username, PASSWORD, ip="10.3.3.4")
    assert response.status_code == 302


def test_failures_below_the_limit_do_not_lock(client, personas):
    for _n in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "site", personas.enterprise_a.username, "wrong")
    assert attempt(client, "site", personas.enterprise_a.username, PASSWORD).status_code == 302


def test_behind_a_proxy_the_forwarded_address_counts(client, personas, settings):
    """Behind nginx (PORTAL_PROXY_COUNT=1) every request comes from 127.0.0.1: locking that
    address would lock everyone. The address nginx saw is the one counted; what a client
    writes further left in X-Forwarded-For is not believed."""
    settings.PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": f"x{n}", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 10.4.4.4",
        )
    ok = client.post(
        reverse("login"),
        {"username": personas.enterprise_a.username, "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="10.4.4.5",
    )
    assert ok.status_code == 302  # another client behind the same proxy
    client.post(reverse("logout"))
    locked = client.post(
        reverse("login"),
        {"username": personas.enterprise_a.username, "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="9.9.9.9, 10.4.4.4",  # spoofed left part, same real client
    )
    assert locked.status_code == 429
