"""Board members print the dashboard and a snapshot's page for meetings: on paper the page keeps
its content and charts and drops what only works on a screen."""

import datetime
import io
from decimal import Decimal

import pikepdf
import pytest
from django.urls import reverse

from actions.services import actions_load_plan
from funding.workflow import State
from healthyplaces.accounts.roles import Role
from healthyplaces.board.services import snapshot_freeze
from tests.board.factories import GrantFactory
from tests.browser.helpers import sign_in
from tests.factories import UserFactory, WardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# What only works on a screen: none of it may print.
SCREEN_ONLY = [
    ".govuk-skip-link",
    ".govuk-service-navigation",
    ".govuk-phase-banner",
    ".govuk-footer",
    "a[download]",
    "button",
]


def _assert_prints_well(page):
    # On screen first, so the print assertions below cannot pass merely because nothing shows.
    page.emulate_media(media="screen")
    assert page.locator(".govuk-service-navigation").is_visible()
    assert page.locator(".govuk-footer").is_visible()
    assert page.locator("a[download]").first.is_visible()

    page.emulate_media(media="print")
    for selector in SCREEN_ONLY:
        shown = [element for element in page.locator(selector).all() if element.is_visible()]
        assert not shown, f"{selector} prints on {page.url}"
    assert page.locator(".govuk-generic-header").is_visible(), "the council's name is the letterhead"
    assert page.locator("h1").is_visible()
    chart = page.locator("#chart-status")
    assert chart.locator(".app-chart__svg").is_visible()
    assert chart.locator("table").is_visible()
    style = chart.evaluate(
        """figure => ({
            breakInside: getComputedStyle(figure).breakInside,
            thead: getComputedStyle(figure.querySelector("thead")).display,
            text: getComputedStyle(document.querySelector("h1")).color,
            link: getComputedStyle(document.querySelector("main a[href]")).color,
            background: getComputedStyle(document.body).backgroundColor,
        })"""
    )
    assert style == {
        "breakInside": "avoid",
        "thead": "table-header-group",
        "text": "rgb(0, 0, 0)",
        "link": "rgb(0, 0, 0)",
        "background": "rgb(255, 255, 255)",
    }
    # A path on the portal means nothing on paper: GOV.UK Frontend's " (/actions/9/)" is not printed.
    internal_links_after = page.locator("main a[href^='/']").evaluate_all(
        "links => links.map(link => getComputedStyle(link, '::after').content)"
    )
    assert internal_links_after
    assert set(internal_links_after) == {"none"}

    # Chromium's own print to PDF, as a board member's browser does it: A4 from the @page rule
    # (no format passed here), and the page's content runs over several sheets.
    pdf = pikepdf.open(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert len(pdf.pages) > 1
    width, height = (round(float(side) * 25.4 / 72) for side in pdf.pages[0].mediabox[2:])
    assert (width, height) == (210, 297)


def test_the_dashboard_and_a_snapshot_print_without_the_screen_furniture(page, live_server):
    actions_load_plan()
    admin = UserFactory(email="admin@example.org", roles=[Role.PROGRAMME_ADMIN])
    UserFactory(email="board@example.org", full_name="Bola Board", roles=[Role.BOARD_MEMBER])
    GrantFactory(amount_awarded=Decimal(1500), state=State.PAID, wards=[WardFactory(name="Riverside")])
    snapshot = snapshot_freeze(actor=admin, meeting_date=datetime.date(2026, 12, 3))

    sign_in(page, "board@example.org")
    page.goto(reverse("board:dashboard"))
    _assert_prints_well(page)

    page.goto(reverse("board:snapshot", kwargs={"pk": snapshot.pk}))
    _assert_prints_well(page)


def test_a_closed_details_prints_open(page, live_server):
    # The dashboard's "Show the figures" is a GOV.UK details: CSS cannot set its open attribute,
    # so the print rules show Chromium's ::details-content instead. Any page has the stylesheet.
    page.goto(reverse("core:home"))
    page.locator("main").evaluate(
        """main => main.insertAdjacentHTML("beforeend",
            '<details class="govuk-details"><summary class="govuk-details__summary">'
            + '<span class="govuk-details__summary-text">Show the figures</span></summary>'
            + '<div class="govuk-details__text" id="figures">Riverside: 42</div></details>')"""
    )
    figures = page.locator("#figures")
    assert not figures.is_visible()
    page.emulate_media(media="print")
    assert figures.is_visible()
    assert page.locator("details").get_attribute("open") is None
