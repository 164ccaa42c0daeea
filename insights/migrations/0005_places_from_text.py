"""An insight's free-text place becomes a link to a connectors Place. Each distinct text (ignoring
case and spaces at the ends) becomes one Place, in the ward its insights most often name (none if
they name none): the ward is a best guess an officer can correct on the place's page."""

from collections import Counter, defaultdict
from typing import Any

from django.db import migrations


def places_from_text(apps: Any, schema_editor: Any) -> None:
    insight_model = apps.get_model("insights", "Insight")
    place_model = apps.get_model("connectors", "Place")
    by_name: dict[str, list[Any]] = defaultdict(list)
    for insight in insight_model.objects.exclude(place_text="").only("pk", "place_text", "ward_id"):
        by_name[" ".join(insight.place_text.split()).lower()].append(insight)
    for insights in by_name.values():
        wards = Counter(insight.ward_id for insight in insights if insight.ward_id)
        place = place_model.objects.create(
            name=" ".join(insights[0].place_text.split()),
            ward_id=wards.most_common(1)[0][0] if wards else None,
        )
        insight_model.objects.filter(pk__in=[insight.pk for insight in insights]).update(place_ref=place)


def text_from_places(apps: Any, schema_editor: Any) -> None:
    insight_model = apps.get_model("insights", "Insight")
    for insight in insight_model.objects.filter(place_ref__isnull=False).select_related("place_ref"):
        insight.place_text = insight.place_ref.name[:200]
        insight.save(update_fields=["place_text"])


class Migration(migrations.Migration):
    dependencies = [("insights", "0004_place_link")]

    operations = [migrations.RunPython(places_from_text, text_from_places)]
