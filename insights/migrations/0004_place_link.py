"""An insight's free-text place becomes a link to a connectors Place, in three migrations so that
PostgreSQL commits the new rows before the old column goes (one transaction cannot alter a table
with pending foreign-key checks). This one adds the link beside the text."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0003_import_batches"),
        ("connectors", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="insight", old_name="place", new_name="place_text"),
        migrations.AddField(
            model_name="insight",
            name="place_ref",
            field=models.ForeignKey(
                blank=True,
                help_text="Where it was heard, for example a venue.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="insights",
                to="connectors.place",
            ),
        ),
    ]
