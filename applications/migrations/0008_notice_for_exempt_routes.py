"""Intakes decided before 公示 existed: a measure with a 免申即享 route publishes its items
before payment (``workflow.decide_intake`` decides so for new intakes; the same definition
as ``workflow.exempt_route_q``). Staff may switch it off in the measure's admin afterwards."""

from django.db import migrations
from django.db.models import Q

EXEMPT_WORDS = "免申即享"


def forwards(apps, schema_editor):
    Intake = apps.get_model("applications", "Intake")
    exempt = Q(measure__free_of_application=True) | Q(measure__handling__contains=EXEMPT_WORDS)
    Intake.objects.filter(exempt).update(notice_required=True)


class Migration(migrations.Migration):
    dependencies = [("applications", "0007_exempt_route")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
