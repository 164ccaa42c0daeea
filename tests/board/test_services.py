import datetime
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import OuterRef
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from actions.models import Action, Milestone, Status
from funding.workflow import State
from healthyplaces.board.models import BoardSnapshot, FrozenError, SnapshotAction, WardDeprivation
from healthyplaces.board.pack import pack_pdf, pack_xlsx
from healthyplaces.board.selectors import dashboard_figures, snapshot_figures, what_changed
from healthyplaces.board.services import DeprivationFileInvalid, deprivation_load, snapshot_freeze
from healthyplaces.core.reach import register_reach_source, unregister_reach_source
from insights.models import Insight
from tests.board.conftest import TODAY
from tests.board.factories import GrantFactory
from tests.insights.factories import InsightFactory

pytestmark = pytest.mark.django_db

MEETING = datetime.date(2026, 12, 3)


def later(days):
    return time_machine.travel(
        datetime.datetime(2026, 11, 26, 12, 0, tzinfo=datetime.UTC) + datetime.timedelta(days=days)
    )


def test_a_snapshot_copies_every_action_and_the_figures(world, admin_user):
    snapshot = snapshot_freeze(actor=admin_user, meeting_date=MEETING)

    rows = {row.number: row for row in snapshot.actions.all()}
    assert len(rows) == 18
    assert (rows[1].status, rows[1].progress) == (Status.OFF_TRACK, 10)
    assert rows[9].narrative == "Clubs open"
    # Only the insights answered in public: the rest are row-level, and a list of them a count.
    assert [i["title"] for i in rows[9].closed_loop["insights"]] == [
        i.title for i in Action.objects.get(number=9).insights.filter(response_published=True)
    ]
    assert len(rows[9].closed_loop["insights"]) < Action.objects.get(number=9).insights.count()
    assert rows[9].closed_loop["grants"][0]["reported"] == "Twelve lunch clubs ran."
    assert rows[9].closed_loop["responses"][0]["response"] == "We funded lunch clubs."
    assert snapshot_figures(snapshot) == dashboard_figures(today=TODAY)


def test_a_snapshot_does_not_change_when_actions_change_afterwards(world, admin_user):
    snapshot = snapshot_freeze(actor=admin_user, meeting_date=MEETING)
    frozen = snapshot_figures(snapshot)

    Action.objects.filter(number=1).update(status=Status.ON_TRACK, progress=60)
    GrantFactory(amount_awarded=5000)
    InsightFactory.create_batch(3)

    snapshot.refresh_from_db()
    assert snapshot_figures(snapshot) == frozen
    row = snapshot.actions.get(number=1)
    assert (row.status, row.progress) == (Status.OFF_TRACK, 10)
    assert dashboard_figures(today=TODAY) != frozen


def test_frozen_rows_refuse_changes_and_a_date_is_frozen_once(world, admin_user):
    snapshot = snapshot_freeze(actor=admin_user, meeting_date=MEETING)
    row = snapshot.actions.get(number=1)

    row.progress = 99
    with pytest.raises(FrozenError):
        row.save()
    with pytest.raises(FrozenError):
        snapshot.save()
    with pytest.raises(FrozenError):
        snapshot.delete()
    with pytest.raises(ValidationError) as error:
        snapshot_freeze(actor=admin_user, meeting_date=MEETING)
    assert "meeting_date" in error.value.message_dict
    assert SnapshotAction.objects.get(pk=row.pk).progress == 10


def test_only_programme_admins_freeze(world, officer, board_member):
    for user in (officer, board_member):
        with pytest.raises(PermissionDenied):
            snapshot_freeze(actor=user, meeting_date=MEETING)
    assert not BoardSnapshot.objects.exists()


def test_what_changed_since_a_snapshot_and_between_two(world, admin_user):
    first = snapshot_freeze(actor=admin_user, meeting_date=MEETING)
    with later(10):
        Action.objects.filter(number=1).update(status=Status.AT_RISK)
        Action.objects.filter(number=9).update(progress=45)
        Milestone.objects.filter(title="Venue booked").update(done=True, done_on=timezone.localdate())
        InsightFactory.create_batch(2)
        GrantFactory(project_title="New walking group", state=State.APPROVED)
        second = snapshot_freeze(actor=admin_user, meeting_date=datetime.date(2027, 1, 14))
    with later(20):
        Action.objects.filter(number=2).update(progress=90)
        InsightFactory.create_batch(5)

        since_first = what_changed(since=first)
        between = what_changed(since=first, until=second)

    assert [(m.number, m.old_label, m.new_label) for m in between.status_moves] == [(1, "Off track", "At risk")]
    assert [(c.number, c.old_progress, c.new_progress, c.delta) for c in between.progress_changes] == [(9, 25, 45, 20)]
    assert [m.title for m in between.milestones_done] == ["Venue booked"]
    assert between.new_insights == "fewer than 5"
    assert [g.project_title for g in between.new_grants] == ["New walking group"]

    assert [(c.number, c.delta) for c in since_first.progress_changes] == [(2, -10), (9, 20)]
    assert since_first.new_insights == "7"


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_board_pack_pdf_holds_the_snapshots_figures(world, admin_user):
    snapshot = snapshot_freeze(actor=admin_user, meeting_date=MEETING)
    Action.objects.filter(number=1).update(status=Status.COMPLETE)

    content = pack_pdf(snapshot)

    reader = PdfReader(io.BytesIO(content))
    text = " ".join(pdf_text(content).split())
    assert "Board pack: Board meeting on 03 December 2026" in text
    assert "1. Action number 1 Off track 10%" in text
    assert "Clubs open" in text
    assert "£2,500.00" in text
    assert "fewer than 5" in text
    assert "Twelve lunch clubs ran." in text
    assert "We did: We funded lunch clubs." in text
    assert f"Page 1 of {len(reader.pages)}" in text
    # Tagged for screen readers (PDF/UA-1): a structure tree with the headings and tables.
    roles = structure_roles(reader.trailer["/Root"]["/StructTreeRoot"])
    assert {"/H1", "/H2", "/H3", "/Table", "/TH"} <= roles


def structure_roles(node):
    node = node.get_object()
    roles = {str(node["/S"])} if isinstance(node, DictionaryObject) and "/S" in node else set()
    kids = node.get("/K", []) if isinstance(node, DictionaryObject) else []
    for kid in kids if isinstance(kids, list) else [kids]:
        if isinstance(kid.get_object(), DictionaryObject):
            roles |= structure_roles(kid)
    return roles


def test_the_board_pack_xlsx_holds_the_snapshots_figures(world, admin_user):
    snapshot = snapshot_freeze(actor=admin_user, meeting_date=MEETING)
    Action.objects.filter(number=1).update(progress=80)

    workbook = load_workbook(io.BytesIO(pack_xlsx(snapshot)), read_only=True)

    actions = list(workbook["Actions"].values)
    assert actions[0][:4] == ("Number", "Action", "Status", "Progress")
    assert actions[1][:4] == (1, "Action number 1", "Off track", 0.1)
    # Titles over Excel's 31 characters lose whole words from the middle, never part of one.
    assert workbook.sheetnames == [
        "Actions",
        "Actions by status",
        "Average progress … month",
        "Insights by theme",
        "Insights by population group",
        "Funding awarded and … priority",
        "Funding awarded and paid … ward",
        "Reach by ward",
        "Closed loop",
    ]
    wards = list(workbook["Funding awarded and paid … ward"].values)
    assert ("Hardwick", 2500, 250) in wards
    themes = list(workbook["Insights by theme"].values)
    assert ("Loneliness", "fewer than 5") in themes
    loop = {row[0]: row for row in workbook["Closed loop"].values}
    assert "Twelve lunch clubs ran." in loop[9][3]


def csv_file(text, name="deprivation.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_deprivation_loads_by_name_or_code_and_replaces_what_was_there(world, admin_user):
    norton = world["wards"][1]
    norton.ons_code = "E05012345"
    norton.save()
    deprivation_load(actor=admin_user, uploaded=csv_file("ward,decile\nParkfield,9\n"))

    loaded = deprivation_load(actor=admin_user, uploaded=csv_file("Ward,IMD decile\nHardwick,1\nE05012345,5\n"))

    assert loaded == 2
    assert dict(WardDeprivation.objects.values_list("ward__name", "decile")) == {"Hardwick": 1, "Norton": 5}
    figures = dashboard_figures(today=TODAY)
    chart = figures.chart("reach_wards")
    assert chart.headings[1] == "Deprivation decile (1 is most deprived)"
    # Hardwick (decile 1) had £2,500 of the £4,000 awarded (a grant counts in each of its wards).
    assert figures.chart("funding_wards").summary.endswith(
        "Awarded in wards in the 3 most deprived deciles: £2,500.00 of £4,000.00. "
        "Paid in wards in the 3 most deprived deciles: £250.00 of £1,500.00."
    )
    assert "most deprived" not in chart.summary
    assert [(label, note) for label, note, _ in chart.table] == [
        ("Hardwick", "1"),
        ("Norton", "5"),
        ("Parkfield", "Not loaded"),
    ]


def test_a_bad_deprivation_row_loads_nothing_and_names_each_line(world, admin_user):
    deprivation_load(actor=admin_user, uploaded=csv_file("ward,decile\nParkfield,9\n"))

    with pytest.raises(DeprivationFileInvalid) as invalid:
        deprivation_load(
            actor=admin_user,
            uploaded=csv_file("ward,decile\nHardwick,1\nNowhere,2\nNorton,11\nHardwick,4\nParkfield,x\n"),
        )

    assert [(e.line, e.message) for e in invalid.value.row_errors] == [
        (3, "“Nowhere” is not a ward name or ONS code we know"),
        (4, "The decile must be a whole number from 1 to 10, not “11”"),
        (5, "Hardwick is in the file twice"),
        (6, "The decile must be a whole number from 1 to 10, not “x”"),
    ]
    assert dict(WardDeprivation.objects.values_list("ward__name", "decile")) == {"Parkfield": 9}


def test_deprivation_needs_its_columns_and_an_admin(world, admin_user, officer):
    with pytest.raises(DeprivationFileInvalid, match="must name a ward column"):
        deprivation_load(actor=admin_user, uploaded=csv_file("place,score\nHardwick,1\n"))
    with pytest.raises(PermissionDenied):
        deprivation_load(actor=officer, uploaded=csv_file("ward,decile\nHardwick,1\n"))
    assert not WardDeprivation.objects.exists()


def test_a_registered_reach_source_adds_a_column(world):
    # Counts the ward's insights again, under another name, first.
    register_reach_source("volunteers", "Volunteers", lambda: Insight.objects.filter(ward=OuterRef("pk")), order=5)
    try:
        chart = dashboard_figures(today=TODAY).chart("reach_wards")
    finally:
        unregister_reach_source("volunteers")

    assert chart.headings == ["Ward", "Volunteers", "Connectors", "Conversations", "Insights", "Grants"]
    assert chart.table[0] == ("Hardwick", "", ["withheld", "0", "0", "withheld", "fewer than 5"])
