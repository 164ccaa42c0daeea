from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from healthyplaces.vocabulary.models import PopulationGroup, Theme, Ward
from healthyplaces.vocabulary.services import vocabulary_load_csv

pytestmark = pytest.mark.django_db


def write(tmp_path, text):
    path = tmp_path / "upload.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_wards_load_with_their_ons_codes_and_update_by_name(tmp_path):
    # Codes here are made-up test values of the right shape, not real wards.
    path = write(tmp_path, "name,ons_code\nNorth Ward,E05999901\nSouth Ward,\n")

    result = vocabulary_load_csv(kind="wards", path=path)
    assert (result.created, result.updated) == (2, 0)
    assert Ward.objects.get(name="North Ward").ons_code == "E05999901"
    assert Ward.objects.get(name="South Ward").ons_code == ""

    again = vocabulary_load_csv(kind="wards", path=write(tmp_path, "name,ons_code\nSouth Ward,e05999902\n"))
    assert (again.created, again.updated) == (0, 1)
    assert Ward.objects.get(name="South Ward").ons_code == "E05999902"


def test_a_bad_row_loads_nothing_and_says_which_line(tmp_path):
    path = write(tmp_path, "name,ons_code\nNorth Ward,E05999901\nSouth Ward,W05000001\n")

    with pytest.raises(ValidationError, match="Line 3: Enter an ONS ward code"):
        vocabulary_load_csv(kind="wards", path=path)
    assert not Ward.objects.exists()


def test_a_file_without_a_name_column_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="no name column"):
        vocabulary_load_csv(kind="themes", path=write(tmp_path, "title\nFood\n"))


def test_population_groups_record_seldom_heard(tmp_path):
    path = write(tmp_path, 'name,seldom_heard,description\nCarers,yes,Unpaid carers\n"Young people",no,\n')

    vocabulary_load_csv(kind="population-groups", path=path)

    assert PopulationGroup.objects.get(name="Carers").seldom_heard
    assert not PopulationGroup.objects.get(name="Young people").seldom_heard


def test_seldom_heard_must_be_yes_or_no(tmp_path):
    with pytest.raises(ValidationError, match="seldom_heard must be yes or no"):
        vocabulary_load_csv(kind="population-groups", path=write(tmp_path, "name,seldom_heard\nCarers,maybe\n"))


def test_the_command_loads_themes_and_reports_errors(tmp_path):
    out = StringIO()
    call_command(
        "load_vocabulary", "themes", str(write(tmp_path, "name,description\nFood,Food environment\n")), stdout=out
    )

    assert Theme.objects.get(name="Food").description == "Food environment"
    assert out.getvalue().strip() == "themes: 1 created, 0 updated"
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_vocabulary", "themes", str(tmp_path / "missing.csv"))
