import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from healthyplaces.accounts.roles import Role
from insights.imports import MAX_UPLOAD_BYTES
from insights.models import ImportBatch, Insight
from tests.connectors.factories import PlaceFactory
from tests.factories import PopulationGroupFactory, ThemeFactory, UserFactory, WardFactory

pytestmark = pytest.mark.django_db

GOOD = (
    "Title,What people said,Date heard,Ward,Themes,Population groups,Channel\n"
    "Bus shelter,No shelter at the stop,14/11/2026,North,Food,Carers,survey\n"
    "Fridge,Want a community fridge,2026-11-15,E05999901,Food; Play,,Survey\n"
    "Benches,Nowhere to sit in the park,16/11/2026,,,,survey\n"
)


@pytest.fixture
def vocabulary():
    WardFactory(name="North", ons_code="E05999901")
    ThemeFactory(name="Food")
    ThemeFactory(name="Play")
    PopulationGroupFactory(name="Carers")


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


def upload(client, text, name="survey.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(reverse("insights:import"), {"file": SimpleUploadedFile(name, data, "text/csv")})


def map_columns(client, batch, **extra):
    mapping = {
        "title": "column:Title",
        "summary": "column:What people said",
        "heard_on": "column:Date heard",
        "ward": "column:Ward",
        "themes": "column:Themes",
        "population_groups": "column:Population groups",
        "source": "column:Channel",
        "consent_basis": "value:anonymous",
        **extra,
    }
    return client.post(reverse("insights:import_map", kwargs={"pk": batch.pk}), mapping)


def run(client, batch):
    return client.post(reverse("insights:import_preview", kwargs={"pk": batch.pk}))


def test_a_good_file_imports_every_row_once_and_again_adds_none(signed_in, vocabulary, officer):
    response = upload(signed_in, GOOD)
    batch = ImportBatch.objects.get()
    assert response.url == reverse("insights:import_map", kwargs={"pk": batch.pk})
    assert batch.mapping["title"] == "column:Title"  # guessed from the header
    map_columns(signed_in, batch)
    preview = signed_in.get(reverse("insights:import_preview", kwargs={"pk": batch.pk})).content.decode()
    assert "3 rows read; 3 will be added" in preview

    assert run(signed_in, batch).status_code == 302
    assert Insight.objects.count() == 3
    fridge = Insight.objects.get(title="Fridge")
    assert fridge.ward.name == "North"
    assert sorted(t.name for t in fridge.themes.all()) == ["Food", "Play"]
    assert (fridge.source, fridge.consent_basis, fridge.collected_by) == ("survey", "anonymous", officer)

    upload(signed_in, GOOD)
    again = ImportBatch.objects.latest("pk")
    map_columns(signed_in, again)
    assert (
        "3 are already in the bank"
        in signed_in.get(reverse("insights:import_preview", kwargs={"pk": again.pk})).content.decode()
    )
    run(signed_in, again)
    assert Insight.objects.count() == 3
    again.refresh_from_db()
    assert (again.imported_count, again.skipped_count) == (0, 3)


def test_one_bad_row_imports_nothing_and_names_the_row_and_column(signed_in, vocabulary):
    bad = GOOD + "Swings,Broken swings,31/02/2026,Nowhere,Sport,,survey\n"
    upload(signed_in, bad)
    batch = ImportBatch.objects.get()
    map_columns(signed_in, batch)

    page = signed_in.get(reverse("insights:import_preview", kwargs={"pk": batch.pk})).content.decode()
    assert "Nothing can be imported until every row is right" in page
    assert '<td class="govuk-table__cell">5</td><td class="govuk-table__cell">Date heard</td>' in page
    assert "There is no ward called “Nowhere”" in page
    assert "Not known: Sport" in page

    response = run(signed_in, batch)
    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert not Insight.objects.exists()


def test_a_required_field_left_unmatched_is_an_error_beside_it(signed_in, vocabulary):
    upload(signed_in, GOOD)
    batch = ImportBatch.objects.get()

    response = map_columns(signed_in, batch, title="")

    assert response.status_code == 200
    assert "Choose the column for title" in response.content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04\x00\x00binary spreadsheet", "must be a CSV file"),
        ("Title,Summary\n".encode("utf-16"), "must be a CSV file"),
        ("Title,Summary\nCaf\xe9,x\n".encode("latin-1"), "saved as UTF-8"),
        (b"Title,Title\nA,B\n", "same name"),
        (b"Title,Summary\n", "no rows"),
        (b"", "The file is empty"),
    ],
)
def test_uploads_are_sniffed_by_content(signed_in, content, message):
    response = upload(signed_in, content)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_uploads_are_size_capped(signed_in):
    response = upload(signed_in, b"Title\n" + b"x" * (MAX_UPLOAD_BYTES + 1))

    assert "smaller than 2 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.COMMUNITY_CONNECTOR, Role.COMMUNITY_GROUP_MEMBER])
def test_only_officers_import(client, role):
    client.force_login(UserFactory(roles=[role]))

    assert client.get(reverse("insights:import")).status_code == 403


def test_an_officer_cannot_run_another_officers_upload(client, signed_in, vocabulary, other_officer):
    upload(signed_in, GOOD)
    batch = ImportBatch.objects.get()
    client.force_login(other_officer)

    assert client.get(reverse("insights:import_preview", kwargs={"pk": batch.pk})).status_code == 404
    assert client.post(reverse("insights:import_preview", kwargs={"pk": batch.pk})).status_code == 404
    assert not Insight.objects.exists()


def test_a_place_column_is_matched_to_the_places_list_by_name(signed_in, vocabulary):
    hall = PlaceFactory(name="Riverside Hall")
    text = "Title,What people said,Date heard,Channel,Venue\nBus,No shelter,14/11/2026,survey,riverside hall\n"
    upload(signed_in, text)
    batch = ImportBatch.objects.get()
    map_columns(signed_in, batch, ward="", themes="", population_groups="", place="column:Venue")
    run(signed_in, batch)
    assert Insight.objects.get().place == hall

    upload(signed_in, text.replace("riverside hall", "Nowhere Hall"))
    again = ImportBatch.objects.latest("pk")
    map_columns(signed_in, again, ward="", themes="", population_groups="", place="column:Venue")
    page = signed_in.get(reverse("insights:import_preview", kwargs={"pk": again.pk})).content.decode()
    assert "There is no place called “Nowhere Hall”: add it to the places list first" in page
