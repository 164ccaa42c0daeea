import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("insights", "0003_import_batches"), ("connectors", "0001_initial")]
AFTER = [("insights", "0006_place_and_conversation_links")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_free_text_places_become_places_in_the_ward_their_insights_most_often_name():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    ward_model, insight_model = old.get_model("vocabulary", "Ward"), old.get_model("insights", "Insight")
    riverside, hilltop = ward_model.objects.create(name="Riverside"), ward_model.objects.create(name="Hilltop")
    common = {"summary": "s", "source": "conversation", "heard_on": "2026-10-01", "consent_basis": "anonymous"}
    for title, place, ward in [
        ("a", "Riverside Hall", riverside),
        ("b", "  riverside   hall ", riverside),
        ("c", "Riverside Hall", hilltop),
        ("d", "Bus stop", None),
        ("e", "", hilltop),
    ]:
        insight_model.objects.create(title=title, place=place, ward=ward, **common)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    places = {p.name: p.ward_id for p in new.get_model("connectors", "Place").objects.all()}
    linked = dict(new.get_model("insights", "Insight").objects.values_list("title", "place__name"))

    assert places == {"Riverside Hall": riverside.pk, "Bus stop": None}
    assert linked == {"a": "Riverside Hall", "b": "Riverside Hall", "c": "Riverside Hall", "d": "Bus stop", "e": None}

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
