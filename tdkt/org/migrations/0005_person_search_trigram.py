"""On PostgreSQL, a trigram index on `Person.search_key`, so that finding a person by part of a name reads
the index instead of every row (`people_search` filters with LIKE '%word%'). It needs the pg_trgm extension:
created here when the database user may; without it the search still works, reading every row. Nothing
on SQLite."""

from typing import Any

from django.db import DatabaseError, migrations, transaction

INDEX = "org_person_search_key_trgm"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:  # no right to create extensions: keep the plain scan
            return
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON org_person USING gin (search_key gin_trgm_ops)")


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("org", "0004_person_search_key")]

    operations = [migrations.RunPython(create, drop)]
