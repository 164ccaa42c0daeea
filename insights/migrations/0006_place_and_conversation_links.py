"""The free text has moved to Places (0005); the link takes the old field's name, and an insight
can now record the conversation it was raised from."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0005_places_from_text"),
        ("connectors", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(model_name="insight", name="place_text"),
        migrations.RenameField(model_name="insight", old_name="place_ref", new_name="place"),
        migrations.AddField(
            model_name="insight",
            name="conversation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="insights",
                to="connectors.conversation",
            ),
        ),
    ]
