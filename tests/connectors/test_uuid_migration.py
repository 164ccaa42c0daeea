import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0006_data_retention_schedule"), ("connectors", "0003_conversation_recent_index")]
AFTER = [("accounts", "0009_organisation_uuid_unique"), ("connectors", "0006_open_referral_uuids_unique")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_existing_row_gets_its_own_uuid():
    """AddField with default=uuid4 would give every existing row one and the same UUID (and the
    unique constraint would then fail): the rows already there each get their own."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    organisation_model = old.get_model("accounts", "Organisation")
    place_model, activity_model = old.get_model("connectors", "Place"), old.get_model("connectors", "Activity")
    groups = [organisation_model.objects.create(name=f"Group {n}", type="vcse") for n in range(3)]
    places = [place_model.objects.create(name=f"Hall {n}") for n in range(3)]
    for group, place in zip(groups, places, strict=True):
        activity_model.objects.create(organisation=group, place=place, name="Coffee morning")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    organisation_ids = list(new.get_model("accounts", "Organisation").objects.values_list("uuid", flat=True))
    place_ids = list(new.get_model("connectors", "Place").objects.values_list("uuid", flat=True))
    activity_ids = new.get_model("connectors", "Activity").objects.values_list("uuid", "service_at_location_uuid")
    every_id = organisation_ids + place_ids + [one for pair in activity_ids for one in pair]

    assert len(every_id) == 12
    assert None not in every_id
    assert len(set(every_id)) == 12

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
