import pytest
from django.core.management import call_command


def load_rules():
    call_command("load_eligibility", verbosity=0)


@pytest.fixture
def rules(catalogue):
    """Rules and questions loaded (again, if a transactional test flushed them)."""
    from policies.eligibility.models import EligibilityRule

    if not EligibilityRule.objects.exists():
        load_rules()


@pytest.fixture
def yingkou(rules):
    from policies.models import City

    return City.objects.get(slug="yingkou")


@pytest.fixture
def anshan(rules):
    from policies.models import City

    return City.objects.get(slug="anshan")


def measure(source, path):
    from policies.models import Measure

    return Measure.objects.select_related("document").get(document__source=source, path_key=path)
