"""The larger-text mode (适老化): a POST that sets a cookie; no JavaScript needed."""

from urllib.parse import unquote

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_turns_large_text_on_and_returns_to_the_page(client):
    response = client.post(
        reverse("text_size"), {"size": "large", "next": "/policies/measures/?q=补贴"}
    )
    assert response.status_code == 302
    assert unquote(response["Location"]) == "/policies/measures/?q=补贴"
    assert response.cookies["text_size"].value == "large"
    html = client.get(reverse("home")).content.decode()
    assert 'class="text-large"' in html
    assert 'name="size" value="normal"' in html
    assert ">标准字号</button>" in html  # the button says what pressing it does now


def test_it_turns_large_text_off(client):
    client.cookies["text_size"] = "large"
    response = client.post(reverse("text_size"), {"size": "normal", "next": "/"})
    assert response.cookies["text_size"].value == ""
    assert response.cookies["text_size"]["max-age"] == 0


def test_it_never_redirects_to_another_site(client):
    response = client.post(reverse("text_size"), {"size": "large", "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_it_offers_the_toggle_on_every_page_as_a_form(client):
    html = client.get(reverse("home")).content.decode()
    assert f'method="post" action="{reverse("text_size")}"' in html
    assert 'name="size" value="large"' in html
    assert 'class="text-large"' not in html


def test_it_refuses_get(client):
    assert client.get(reverse("text_size")).status_code == 405
