"""Fixtures shared by the whole suite.

The five source documents are imported once into the test database (session scope);
tests that run in a transaction see them and roll back their own changes. Tests that
flush the database (``transactional_db``, the live server) use ``transactional_catalogue``.
"""

import pytest
from django.core.management import call_command


def import_catalogue():
    call_command("import_policies", verbosity=0)
    call_command("load_districts", verbosity=0)
    call_command("load_eligibility", verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        import_catalogue()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached pages and counts never leak between tests."""
    from tests.caches import clear_caches

    clear_caches()
    yield
    clear_caches()


@pytest.fixture
def catalogue(db):
    """The imported catalogue (re-imported if a transactional test flushed it)."""
    from policies.models import PolicyDocument

    if not PolicyDocument.objects.exists():
        import_catalogue()


@pytest.fixture
def transactional_catalogue(transactional_db):
    from policies.models import PolicyDocument

    if not PolicyDocument.objects.exists():
        import_catalogue()
