"""Reference data: an office for each of the 56 AG jurisdictions, the ITG, and an audit body.

Offices are fixed institutions, not user data: having them from the first migration lets
administrators invite anyone at once. Created directly (historical models), not through services.
"""

from django.db import migrations
from django.utils.text import slugify

from itg.calendar import JURISDICTIONS


def create_offices(apps, schema_editor):
    Office = apps.get_model("accounts", "Office")
    Group = apps.get_model("auth", "Group")

    def make(kind, name, state="", zone="America/New_York"):
        if Office.objects.filter(name=name).exists() or (state and Office.objects.filter(state=state).exists()):
            return
        group, _ = Group.objects.get_or_create(name=f"office:{slugify(name)[:120]}")
        Office.objects.create(kind=kind, name=name, state=state, time_zone=zone, group=group)

    for code, (name, zone) in JURISDICTIONS.items():
        make("ag", f"Office of the Attorney General of {name}", code, zone)
    make("itg", "Industry Traceback Group")
    make("audit", "Office of Inspector General (audit)")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_offices, migrations.RunPython.noop)]
