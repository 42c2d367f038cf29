"""The client address as text, exactly as hashed.

An inet column prints some addresses differently from how they were written (``::192.0.2.1`` comes back
in another notation than Python's), so a forged X-Forwarded-For could make `audit_verify` raise false
alarms. On PostgreSQL the existing values are converted with host(), which is the form they were hashed
in (a plain ::text cast would append "/32").
"""

from django.db import migrations, models

FIELD = models.CharField(blank=True, max_length=45, null=True)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE audit_auditevent ALTER COLUMN ip TYPE varchar(45) USING host(ip)")
        return
    model = apps.get_model("audit", "AuditEvent")
    old = models.GenericIPAddressField(blank=True, null=True)
    old.set_attributes_from_name("ip")
    new = FIELD.clone()
    new.set_attributes_from_name("ip")
    schema_editor.alter_field(model, old, new)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE audit_auditevent ALTER COLUMN ip TYPE inet USING ip::inet")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_label_trigram_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(model_name="auditevent", name="ip", field=FIELD)],
            database_operations=[migrations.RunPython(forwards, backwards)],
        )
    ]
