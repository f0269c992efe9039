"""The personas of the applications tests (enterprises, department staff), the portal's
today pinned inside the term of their measure, and the fuzz tests' world."""

import pytest

from tests.applications.conftest import _portal_setup, measure, personas  # noqa: F401

from .world import World


@pytest.fixture
def world(personas, measure, settings):  # noqa: F811
    # registration and password-reset requests are throttled per address: not here
    settings.PORTAL_REGISTER_PER_HOUR = 10**9
    settings.PORTAL_RESET_PER_HOUR = 10**9
    settings.PORTAL_OBJECTION_PER_HOUR = 10**9
    return World(personas, measure)
