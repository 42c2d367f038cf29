"""A trigram index for "object label contains" on PostgreSQL (pg_trgm, a trusted extension since 13).

Django's icontains is ``UPPER(object_label::text) LIKE UPPER('%…%')``; without this index that search
reads the whole trail. If the database role may not create the extension, the migration says so and
goes on: the search still works, only slower.
"""

from django.db import migrations

INDEX = (
    "CREATE INDEX IF NOT EXISTS audit_label_trgm_idx ON audit_auditevent "
    "USING gin ((UPPER(object_label::text)) gin_trgm_ops)"
)


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(INDEX)
    except DatabaseError as error:
        print(f"\n  audit: no trigram index on object_label ({error}); label searches will scan.")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS audit_label_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_indexes_and_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
