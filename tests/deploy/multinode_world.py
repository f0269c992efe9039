"""The multi-node test's world, built in the stack's own database (not pytest's).

Run with the stack's environment (``DATABASE_URL`` of the fresh PostgreSQL database):
``python -m tests.deploy.multinode_world``. It migrates, imports the catalogue as
``tests/conftest.py`` does, creates an enterprise user with two drafts on 鞍山 2023 item
3（1）(the portal's today pinned inside its term by the stack) and a superuser, and prints
what the test needs as one line of JSON.
"""

import json
import os

PASSWORD = "correct-horse-battery"
ANSHAN_2023 = "002_14e9fef579fde56b.txt"


def build() -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.urls import reverse

    from applications import services
    from applications.models import Enterprise, EnterpriseMembership
    from applications.uscc import check_character
    from policies.models import City, District, Measure

    call_command("migrate", interactive=False, verbosity=0)
    call_command("import_policies", verbosity=0)
    call_command("load_districts", verbosity=0)
    call_command("load_eligibility", verbosity=0)

    city = City.objects.get(name="鞍山市")
    code = "91210302MA0AAAAA1"
    firm = Enterprise.objects.create(
        name="鞍山甲商贸有限公司",
        uscc=code + check_character(code),
        city=city,
        district=District.objects.get(city=city, name="铁东区"),
        contact_person="王经理",
        phone="0412-5550000",
        email="firm@example.com",
    )
    users = get_user_model().objects
    user = users.create_user("firm_a", email="firm_a@example.com", password=PASSWORD)
    EnterpriseMembership.objects.create(user=user, enterprise=firm)
    users.create_superuser("admin", email="admin@example.com", password=PASSWORD)

    measure = Measure.objects.get(document__source=ANSHAN_2023, path_key="3.1")
    drafts = [services.create_draft(user, measure).pk for _ in range(2)]
    return {
        "enterprise_user": "firm_a",
        "admin_user": "admin",
        "password": PASSWORD,
        "applications": drafts,
        "measure_url": measure.get_absolute_url(),
        "measure_title": measure.title,
        "measure_admin_url": reverse("admin:policies_measure_change", args=[measure.pk]),
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    print(json.dumps(build(), ensure_ascii=False))


if __name__ == "__main__":
    main()
