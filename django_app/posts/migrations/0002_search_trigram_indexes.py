"""Trigram indexes for the search, on PostgreSQL only.

The search filters `title__icontains=q | body__icontains=q`, which Django sends to PostgreSQL as
`UPPER("posts_post"."title"::text) LIKE UPPER(%s)`: an index on the column itself would not
serve it. Each index is on UPPER(column) with pg_trgm's gin_trgm_ops, which serves
`LIKE '%...%'`. SQLite has neither GIN nor pg_trgm, so there this migration changes nothing
(TrigramExtension already does nothing on another database). The indexes stay out of
Post.Meta.indexes for the same reason: SQLite rebuilds a table, with every index its model
declares, whenever a later migration alters it.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations
from django.db.models.functions import Upper


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """Add an index on PostgreSQL; on other databases, and in the models' state, nothing."""

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def upper_trigrams(field):
    """Return a GIN index of UPPER(field)'s trigrams: what icontains on that field can use."""
    return GinIndex(
        OpClass(Upper(field), name="gin_trgm_ops"), name=f"posts_post_{field}_trgm"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("posts", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
        AddIndexOnPostgreSQL("post", upper_trigrams("title")),
        AddIndexOnPostgreSQL("post", upper_trigrams("body")),
    ]
