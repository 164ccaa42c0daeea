import re
from typing import Any

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

# As insights.search.vocabulary_words: letters only, 3 to 40 of them.
WORDS = re.compile(r"[^\W\d_]{3,40}")


def fill(apps: Any, schema_editor: Any) -> None:
    """The words of the insights already in the bank; afterwards the indexing service adds them."""
    Insight = apps.get_model("insights", "Insight")
    SearchWord = apps.get_model("insights", "SearchWord")
    if schema_editor.connection.vendor == "postgresql":
        # Trigram similarity over the vocabulary, for misspelt words.
        schema_editor.execute(
            "CREATE INDEX insights_searchword_trigram ON insights_searchword USING gin (word gin_trgm_ops)"
        )
    words: set[str] = set()
    for title, summary in Insight.objects.values_list("title", "summary").iterator(chunk_size=2000):
        words.update(word.lower() for word in WORDS.findall(f"{title} {summary}"))
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(words)], batch_size=1000, ignore_conflicts=True
    )


def unfill(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS insights_searchword_trigram")


class KeepTrigramExtension(TrigramExtension):
    """pg_trgm on PostgreSQL (TrigramExtension does nothing elsewhere). Unapplied, the extension is
    left in place: something else may use it, and Django's own backwards step would look for it
    in pg_extension on SQLite too."""

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        pass


class Migration(migrations.Migration):
    dependencies = [("insights", "0008_board_members_see_aggregates_only")]

    operations = [
        # pg_trgm: a no-op on SQLite, which suggests with difflib instead.
        KeepTrigramExtension(),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("word", models.CharField(max_length=40, unique=True)),
            ],
        ),
        migrations.RunPython(fill, unfill),
    ]
