import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionUpdate, Status
from healthyplaces.accounts.roles import Role
from healthyplaces.board.models import BoardSnapshot, WardDeprivation
from healthyplaces.board.services import snapshot_freeze
from insights.models import ConsentBasis, Insight, Source
from tests.factories import ActionFactory, ThemeFactory, UserFactory, WardFactory

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": None,
    "programme admin": [Role.PROGRAMME_ADMIN],
    "council officer": [Role.COUNCIL_OFFICER],
    "board member": [Role.BOARD_MEMBER],
    "community group member": [Role.COMMUNITY_GROUP_MEMBER],
    "community connector": [Role.COMMUNITY_CONNECTOR],
    "assessor": [Role.ASSESSOR],
}
READERS = {"programme admin", "council officer", "board member"}
ADMINS = {"programme admin"}

# (url name, method, who may; everyone else signed in gets 403, anonymous goes to sign in)
MATRIX = [
    ("board:dashboard", "get", READERS),
    ("board:chart_csv", "get", READERS),
    ("board:snapshots", "get", READERS),
    ("board:snapshot", "get", READERS),
    ("board:changes", "get", READERS),
    ("board:snapshot_chart_csv", "get", READERS),
    ("board:pack", "get", READERS),
    ("board:freeze", "get", ADMINS),
    ("board:freeze", "post", ADMINS),
    ("board:deprivation", "get", ADMINS),
]


@pytest.fixture
def people():
    return {name: UserFactory(roles=roles) if roles else None for name, roles in ROLES.items()}


@pytest.fixture
def snapshot(admin_user):
    ActionFactory(number=1)
    return snapshot_freeze(actor=admin_user, meeting_date=datetime.date(2026, 10, 1))


def url_for(name, snapshot):
    if name in {"board:chart_csv"}:
        return reverse(name, kwargs={"key": "status"})
    if name == "board:snapshot_chart_csv":
        return reverse(name, kwargs={"pk": snapshot.pk, "key": "status"})
    if name == "board:pack":
        return reverse(name, kwargs={"pk": snapshot.pk, "file_format": "xlsx"})
    if name in {"board:snapshot", "board:changes"}:
        return reverse(name, kwargs={"pk": snapshot.pk})
    return reverse(name)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "method", "allowed"), MATRIX, ids=[f"{u}-{m}" for u, m, _ in MATRIX])
def test_who_may_use_each_board_url(client, people, snapshot, role, url_name, method, allowed):
    user = people[role]
    if user is not None:
        client.force_login(user)
    url = url_for(url_name, snapshot)
    data = {"meeting_date-day": "3", "meeting_date-month": "12", "meeting_date-year": "2026"}

    response = client.post(url, data) if method == "post" else client.get(url)

    if user is None:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif role in allowed:
        assert response.status_code == (302 if method == "post" else 200)
    else:
        assert response.status_code == 403
    assert BoardSnapshot.objects.count() == (2 if method == "post" and role in allowed else 1)


def test_the_board_nav_item_shows_only_to_readers(client, people):
    for role, user in people.items():
        if user is None:
            continue
        client.force_login(user)
        page = client.get(reverse("core:home")).content.decode()
        assert (reverse("board:dashboard") in page) == (role in READERS), role


def test_the_dashboard_shows_the_hand_counted_figures(client, board_member, world):
    client.force_login(board_member)

    page = client.get(reverse("board:dashboard")).content.decode()

    assert page.count('class="govuk-table__row app-board-action"') == 18
    assert "Off track" in page
    assert "Overdue for review" in page
    assert "Venue booked" in page
    assert "£2,500.00" in page
    assert "fewer than 5" in page
    # Each chart: a figure with an SVG named by its title and summary, a table and a CSV link.
    assert page.count('role="img" aria-labelledby="chart-') == 7
    # The same drawing as the board pack's, whole and without the pack's <title> (read twice here).
    assert page.count('viewBox="0 0 760 ') == 7
    assert page.count("<title>") == 1
    assert page.count("app-chart__table") == 7
    assert reverse("board:chart_csv", kwargs={"key": "reach_wards"}) in page
    assert "style=" not in page
    assert "<script>" not in page


def test_a_chart_downloads_as_csv_with_formula_cells_defused(client, board_member, world):
    WardFactory(name="=HYPERLINK(1)")
    client.force_login(board_member)

    response = client.get(reverse("board:chart_csv", kwargs={"key": "funding_wards"}))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\N{BYTE ORDER MARK}".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Ward", "Awarded", "Paid"]
    assert ["Hardwick", "2500.00", "250.00"] in rows
    assert ["'=HYPERLINK(1)", "0.00", "0.00"] in rows
    assert client.get(reverse("board:chart_csv", kwargs={"key": "nope"})).status_code == 404


def test_reach_csv_keeps_small_counts_suppressed(client, board_member, world):
    client.force_login(board_member)

    response = client.get(reverse("board:chart_csv", kwargs={"key": "reach_wards"}))

    assert ["Norton", "0", "0", "fewer than 5", "fewer than 5"] in list(
        csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    )


def build_scale(updates_per_action, insights):
    themes = [ThemeFactory(name=f"Theme {n}") for n in range(3)]
    wards = [WardFactory(name=f"Ward {n}") for n in range(3)]
    actions = [ActionFactory(number=n) for n in range(1, 19)]
    ActionUpdate.objects.bulk_create(
        ActionUpdate(
            action=action,
            version=version,
            created_at=timezone.now() - datetime.timedelta(days=version),
            old_status=Status.ON_TRACK,
            new_status=Status.ON_TRACK,
            old_progress=10,
            new_progress=20,
            narrative=f"Update {version}",
        )
        for action in actions
        for version in range(2, updates_per_action + 2)
    )
    created = Insight.objects.bulk_create(
        Insight(
            title=f"Insight {n}",
            summary="What people said",
            source=Source.CONVERSATION,
            heard_on=datetime.date(2026, 10, 1),
            consent_basis=ConsentBasis.ANONYMOUS,
            ward=wards[n % 3],
        )
        for n in range(insights)
    )
    Insight.themes.through.objects.bulk_create(
        Insight.themes.through(insight_id=insight.pk, theme_id=themes[n % 3].pk) for n, insight in enumerate(created)
    )
    Insight.actions.through.objects.bulk_create(
        Insight.actions.through(insight_id=insight.pk, action_id=actions[n % 18].pk)
        for n, insight in enumerate(created)
    )


@pytest.mark.parametrize(("updates", "insights"), [(10, 50), (500, 5000)])
def test_the_dashboard_runs_the_same_queries_however_much_data(
    client, django_assert_num_queries, board_member, updates, insights
):
    build_scale(updates, insights)
    client.force_login(board_member)

    # Nothing cached: 1 session, 2 user, 3-4 the user's permissions and group permissions, 5 the
    # actions with their latest narratives, 6 wards with deciles, funding and reach, 7 progress by
    # month, 8 insights by theme and by population group, 9 awards and payments by priority,
    # 10 milestones due, 11 the loop by action, 12 the latest snapshot.
    with django_assert_num_queries(12):
        response = client.get(reverse("board:dashboard"))
    # Then the figures and the permissions come from the cache: session, user, latest snapshot.
    with django_assert_num_queries(3):
        again = client.get(reverse("board:dashboard"))

    # Every third insight carries the first theme, starting with the first.
    assert response.context["figures"].chart("themes").table[0][2] == [str((insights + 2) // 3)]
    assert again.context["figures"] == response.context["figures"]
    assert ActionUpdate.objects.count() == 18 * updates
    assert Action.objects.count() == 18


def test_the_dashboard_shows_a_change_on_the_next_request(client, board_member):
    build_scale(2, 3)
    client.force_login(board_member)
    first = client.get(reverse("board:dashboard"))
    before = first.context["figures"]

    # Written without the services or signals: the figures are made again all the same.
    Insight.objects.update(ward=None)
    Action.objects.filter(number=1).update(status=Status.COMPLETE, progress=77)
    second = client.get(reverse("board:dashboard"))
    after = second.context["figures"]

    # and so is the page (its figures are a cached fragment).
    assert "77%" not in first.content.decode()
    assert "77%" in second.content.decode()

    assert before.chart("reach_wards").table[0][2][2] == "fewer than 5"
    assert after.chart("reach_wards").table[0][2][2] == "0"
    assert before.actions[0].status == Status.ON_TRACK
    assert after.actions[0].status == Status.COMPLETE


def freeze_data(day, month, year):
    return {"meeting_date-day": day, "meeting_date-month": month, "meeting_date-year": year}


def test_freezing_a_snapshot_from_the_form(client, admin_user, world):
    client.force_login(admin_user)

    response = client.post(reverse("board:freeze"), freeze_data("3", "12", "2026"), follow=True)

    snapshot = BoardSnapshot.objects.get()
    assert response.redirect_chain[-1][0] == snapshot.get_absolute_url()
    page = response.content.decode()
    assert "Snapshot frozen for the board meeting on 3 December 2026" in page
    assert "Clubs open" in page
    assert reverse("board:pack", kwargs={"pk": snapshot.pk, "file_format": "pdf"}) in page
    assert reverse("board:snapshot_chart_csv", kwargs={"pk": snapshot.pk, "key": "themes"}) in page


def test_a_second_snapshot_for_the_same_date_is_refused_beside_the_field(client, admin_user, world):
    client.force_login(admin_user)
    client.post(reverse("board:freeze"), freeze_data("3", "12", "2026"))

    response = client.post(reverse("board:freeze"), freeze_data("3", "12", "2026"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is already a snapshot for a board meeting on this date" in page
    assert "govuk-error-summary" in page
    assert 'value="2026"' in page
    assert BoardSnapshot.objects.count() == 1


def test_the_pack_downloads_as_pdf_and_xlsx(client, board_member, snapshot):
    client.force_login(board_member)

    pdf = client.get(reverse("board:pack", kwargs={"pk": snapshot.pk, "file_format": "pdf"}))
    xlsx = client.get(reverse("board:pack", kwargs={"pk": snapshot.pk, "file_format": "xlsx"}))

    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert pdf["Content-Disposition"] == 'attachment; filename="board-pack-2026-10-01.pdf"'
    assert xlsx.content.startswith(b"PK")
    assert client.get(reverse("board:pack", kwargs={"pk": snapshot.pk, "file_format": "doc"})).status_code == 404
    assert client.get(reverse("board:snapshot", kwargs={"pk": snapshot.pk + 1})).status_code == 404


def test_what_changed_compares_with_now_or_a_later_snapshot(client, admin_user, world):
    first = snapshot_freeze(actor=admin_user, meeting_date=datetime.date(2026, 12, 3))
    Action.objects.filter(number=1).update(status=Status.AT_RISK)
    second = snapshot_freeze(actor=admin_user, meeting_date=datetime.date(2027, 1, 14))
    Action.objects.filter(number=2).update(status=Status.ON_TRACK)
    client.force_login(admin_user)
    url = reverse("board:changes", kwargs={"pk": first.pk})

    now = client.get(url).content.decode()
    between = client.get(url, {"until": second.pk}).content.decode()

    assert "Action 1, Action number 1: Off track to At risk" in now
    assert "Action 2, Action number 2: Complete to On track" in now
    assert "Action 1, Action number 1: Off track to At risk" in between
    assert "Complete to On track" not in between
    assert "the snapshot for the board on 14 January 2027" in between


def test_the_deprivation_upload_lists_each_bad_row_and_keeps_nothing(client, admin_user, world):
    client.force_login(admin_user)
    upload = SimpleUploadedFile("d.csv", b"ward,decile\nHardwick,1\nNowhere,2\n", content_type="text/csv")

    response = client.post(reverse("board:deprivation"), {"file": upload})

    page = response.content.decode()
    assert "Line 3: “Nowhere” is not a ward name or ONS code we know" in page
    assert "govuk-error-summary" in page
    assert not WardDeprivation.objects.exists()


def test_a_good_deprivation_file_shows_on_the_dashboard(client, admin_user, world):
    client.force_login(admin_user)
    upload = SimpleUploadedFile("d.csv", b"ward,decile\nNorton,2\n", content_type="text/csv")

    response = client.post(reverse("board:deprivation"), {"file": upload}, follow=True)

    page = response.content.decode()
    assert "Deprivation deciles loaded for 1 ward" in page
    assert "Deprivation decile (1 is most deprived)" in page
    assert "Wards are listed most deprived first" in page


@pytest.mark.parametrize("count", [5, 50])
def test_the_snapshot_list_runs_the_same_queries_however_many_rows(
    client, django_assert_num_queries, board_member, admin_user, count
):
    for n in range(count):
        BoardSnapshot.objects.create(
            meeting_date=datetime.date(2020, 1, 1) + datetime.timedelta(days=n), frozen_by=admin_user, figures={}
        )
    client.force_login(board_member)

    # 1 session, 2 user, 3-4 the user's permissions and group permissions, 5 the snapshots with
    # who froze them.
    with django_assert_num_queries(5):
        response = client.get(reverse("board:snapshots"))

    assert response.content.decode().count('/changes/"') == count


@pytest.mark.parametrize("insights", [5, 50])
def test_snapshot_pages_run_the_same_queries_however_much_data(
    client, django_assert_num_queries, board_member, admin_user, insights
):
    build_scale(10, insights)
    first = snapshot_freeze(actor=admin_user, meeting_date=datetime.date(2026, 10, 1))
    later = snapshot_freeze(actor=admin_user, meeting_date=datetime.date(2026, 12, 3))
    client.force_login(board_member)

    # session, user, 2 permission queries, the snapshot, its actions.
    with django_assert_num_queries(6):
        client.get(reverse("board:snapshot", kwargs={"pk": first.pk}))
    # session, user, the snapshot, later snapshots, both sides' actions, milestones done, the count
    # of new insights and the new grants (the permissions were cached by the request above).
    with django_assert_num_queries(9):
        client.get(reverse("board:changes", kwargs={"pk": first.pk}), {"until": later.pk})
