"""Search by caption, phone number or provider is a substring match (LIKE '%...%') on `search_text`.

On PostgreSQL a trigram GIN index serves it; the pg_trgm extension ships with PostgreSQL (contrib) and is
created here if missing. SQLite (development) has no such index and scans, which is fine at its size.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS demand_search_trgm_idx ON subpoenas_legaldemand "
        "USING gin (search_text gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS demand_search_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("subpoenas", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
