"""The admin site keeps the services' rules (issue 14, item 6): each rule is tried here through the
admin's own pages, as a programme admin would, and refused."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import reverse

from connectors.models import MentoringPair, Place
from funding.models import Application, ApplicationEvent, Payment, Round
from funding.workflow import State
from healthyplaces.accounts.models import Organisation, User
from healthyplaces.accounts.roles import Role
from tests.connectors.factories import CheckInFactory, MentoringPairFactory, PlaceFactory
from tests.factories import TEST_PASSWORD, OrganisationFactory, UserFactory, WardFactory
from tests.funding.factories import ApplicationFactory, RoundFactory
from tests.insights.factories import InsightFactory

pytestmark = pytest.mark.django_db

# Every model in the admin site, with what the admin may do (the reasons are beside each
# registration). A model registered without a decision here fails the first test.
DECISIONS = {
    "auth.Group": "roles come from migrations (its own admin)",
    "account.EmailAddress": "editable: correcting an address has no service",
    "mfa.Authenticator": "removing a lost phone's authenticator only",
    "django_celery_beat.PeriodicTask": "editable by design: the schedules",
    "django_celery_beat.ClockedSchedule": "editable by design: the schedules",
    "django_celery_beat.CrontabSchedule": "editable by design: the schedules",
    "django_celery_beat.SolarSchedule": "editable by design: the schedules",
    "django_celery_beat.IntervalSchedule": "editable by design: the schedules",
    "accounts.User": "roles through user_set_roles, is_staff read-only, never deleted, own password only",
    "accounts.Organisation": "members through the accounts services",
    "accounts.RoleChange": "read-only audit log",
    "accounts.PersonalDataExport": "read-only audit log",
    "vocabulary.Ward": "editable: no service writes the vocabulary",
    "vocabulary.Theme": "editable: no service writes the vocabulary",
    "vocabulary.PopulationGroup": "editable: no service writes the vocabulary",
    "actions.Action": "status, progress, reviews and milestones read-only (action_update); no add or delete",
    "actions.ActionUpdate": "read-only timeline",
    "insights.Insight": "read-only (insight_create, insight_update, insight_respond); may be deleted",
    "connectors.Place": "saved through place_create and place_update",
    "connectors.Activity": "editable: no service",
    "connectors.Connector": "saved through connector_create and connector_update",
    "connectors.ForumMember": "added in the portal only (forum_member_add)",
    "connectors.MentoringPair": "read-only but its start date; not deleted once it has check-ins",
    "funding.Fund": "not deleted with contributions or rounds",
    "funding.Priority": "editable: no service",
    "funding.Round": "budget and maximum award checked by round_limit_problems",
    "funding.Application": "read-only; only an untouched draft may be deleted",
}


def test_every_model_in_the_admin_site_has_a_decision():
    assert {model._meta.label for model in admin.site._registry} == set(DECISIONS)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def change_form_data(response: Any) -> dict[str, Any]:
    """What the admin's change page would post back unchanged: its form and every inline's."""
    data: dict[str, Any] = {"_save": "Save"}

    def add(form: Any) -> None:
        for name in form.fields:
            bound = form[name]
            if bound.field.disabled:
                continue
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif isinstance(value, list | tuple):
                value = [str(getattr(item, "pk", item)) for item in value]
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            data[bound.html_name] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management[name].html_name] = management[name].value()
        for form in formset.initial_forms:
            add(form)
        data[management["TOTAL_FORMS"].html_name] = len(formset.initial_forms)
    return data


# Applications: no delete past draft, nor of anything awarded, paid or on the timeline.


def submitted_and_paid() -> Application:
    application = ApplicationFactory.create(state=State.PAID, reference="HP-0001", amount_awarded=Decimal("500"))
    Payment.objects.create(
        application=application, amount=Decimal("500"), paid_on=datetime.date(2026, 11, 1), reference="BACS 1"
    )
    return application


def test_an_untouched_draft_can_be_deleted(admin_client):
    draft = ApplicationFactory()

    response = admin_client.post(reverse("admin:funding_application_delete", args=[draft.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Application.objects.filter(pk=draft.pk).exists()


def test_an_application_past_draft_with_an_award_and_a_payment_cannot_be_deleted(admin_client):
    application = submitted_and_paid()
    url = reverse("admin:funding_application_delete", args=[application.pk])

    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Application.objects.filter(pk=application.pk).exists()
    page = admin_client.get(reverse("admin:funding_application_change", args=[application.pk])).content.decode()
    assert url not in page


def test_a_draft_with_timeline_entries_cannot_be_deleted(admin_client, admin_user):
    draft = ApplicationFactory()
    ApplicationEvent.objects.create(
        application=draft, actor=admin_user, transition="return", from_state="submitted", to_state="draft"
    )

    response = admin_client.post(reverse("admin:funding_application_delete", args=[draft.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Application.objects.filter(pk=draft.pk).exists()


def test_the_bulk_delete_action_refuses_when_any_chosen_application_may_not_go(admin_client):
    draft, paid = ApplicationFactory(), submitted_and_paid()
    chosen = {"action": "delete_selected", "_selected_action": [draft.pk, paid.pk]}

    confirm = admin_client.post(reverse("admin:funding_application_changelist"), chosen)
    admin_client.post(reverse("admin:funding_application_changelist"), {**chosen, "post": "yes"})

    assert "only a draft can be deleted" in confirm.content.decode()
    assert Application.objects.filter(pk__in=[draft.pk, paid.pk]).count() == 2


# Rounds: budget never below what is awarded, maximum award never below an award made.


@pytest.fixture
def awarded_round() -> Round:
    round_ = RoundFactory.create(budget=Decimal("3000"), maximum_award=Decimal("2000"))
    ApplicationFactory(round=round_, state=State.APPROVED, reference="HP-0002", amount_awarded=Decimal("1500"))
    ApplicationFactory(round=round_, state=State.OFFER_ACCEPTED, reference="HP-0003", amount_awarded=Decimal("500"))
    # A declined application holds no money.
    ApplicationFactory(round=round_, state=State.DECLINED, reference="HP-0004", amount_awarded=None)
    return round_


def post_round(admin_client, round_: Round, **changes: str):
    url = reverse("admin:funding_round_change", args=[round_.pk])
    return admin_client.post(url, {**change_form_data(admin_client.get(url)), **changes})


def test_a_round_budget_below_what_it_has_awarded_is_refused_with_a_message(admin_client, awarded_round):
    response = post_round(admin_client, awarded_round, budget="1999.99")

    assert response.status_code == 200
    assert "cannot be less than the £2,000.00 already awarded" in response.content.decode()
    awarded_round.refresh_from_db()
    assert awarded_round.budget == Decimal("3000")


def test_a_maximum_award_below_an_award_already_made_is_refused_with_a_message(admin_client, awarded_round):
    response = post_round(admin_client, awarded_round, maximum_award="1499")

    assert response.status_code == 200
    assert "cannot be less than the largest award already made, £1,500.00" in response.content.decode()
    awarded_round.refresh_from_db()
    assert awarded_round.maximum_award == Decimal("2000")


def test_limits_that_still_cover_the_awards_are_saved(admin_client, awarded_round):
    response = post_round(admin_client, awarded_round, budget="2000", maximum_award="1500")

    assert response.status_code == 302
    awarded_round.refresh_from_db()
    assert (awarded_round.budget, awarded_round.maximum_award) == (Decimal("2000"), Decimal("1500"))


# Passwords: nobody sets another person's; one's own is set after giving it again.


def test_an_admin_cannot_set_another_persons_password(admin_client):
    person = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    url = reverse("admin:auth_user_password_change", args=[person.pk])

    page = admin_client.get(url)
    admin_client.post(url, {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"})

    assert page.status_code == 302
    assert page.url == reverse("admin:accounts_user_change", args=[person.pk])
    assert "Forgot your password?" in " ".join(str(message) for message in get_messages(page.wsgi_request))
    person.refresh_from_db()
    assert person.check_password(TEST_PASSWORD)


def test_the_admin_password_page_asks_for_the_password_again(client, admin_user, settings):
    settings.REAUTHENTICATE_SENSITIVE_OPERATIONS = True
    # force_login records no password given, as if it were given long ago.
    client.force_login(admin_user)
    url = reverse("admin:auth_user_password_change", args=[admin_user.pk])

    page = client.get(url)
    client.post(url, {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"})

    assert page.status_code == 302
    assert page.url.startswith(reverse("account_reauthenticate"))
    admin_user.refresh_from_db()
    assert admin_user.check_password(TEST_PASSWORD)


def test_an_admin_sets_their_own_password_once_reauthenticated(admin_client, admin_user):
    url = reverse("admin:auth_user_password_change", args=[admin_user.pk])

    response = admin_client.post(url, {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"})

    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.check_password("a-new-long-passphrase")


def test_people_are_erased_not_deleted_and_staff_follows_the_role(admin_client):
    person = UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])
    url = reverse("admin:accounts_user_change", args=[person.pk])
    data = change_form_data(admin_client.get(url))

    admin_client.post(url, {**data, "is_staff": "on"})

    assert admin_client.get(reverse("admin:accounts_user_delete", args=[person.pk])).status_code == 403
    person.refresh_from_db()
    assert not person.is_staff


# Changes that have a service go through it, or cannot be made here.


def test_organisation_members_change_through_the_accounts_services(admin_client, monkeypatch):
    calls: list[tuple[str, User]] = []
    monkeypatch.setattr(
        "healthyplaces.accounts.admin.organisation_add_member",
        lambda *, organisation, user: (calls.append(("add", user)), organisation.members.add(user)),
    )
    monkeypatch.setattr(
        "healthyplaces.accounts.admin.organisation_remove_member",
        lambda *, organisation, user: (calls.append(("remove", user)), organisation.members.remove(user)),
    )
    leaving, joining = UserFactory(), UserFactory()
    organisation = OrganisationFactory()
    organisation.members.add(leaving)
    url = reverse("admin:accounts_organisation_change", args=[organisation.pk])

    admin_client.post(url, {**change_form_data(admin_client.get(url)), "members": [joining.pk]})

    assert sorted(calls, key=lambda call: call[0]) == [("add", joining), ("remove", leaving)]
    assert list(Organisation.objects.get(pk=organisation.pk).members.all()) == [joining]


def test_places_are_saved_through_the_place_services(admin_client):
    place = PlaceFactory(postcode="TS18 1LD")
    url = reverse("admin:connectors_place_change", args=[place.pk])

    response = admin_client.post(url, {**change_form_data(admin_client.get(url)), "postcode": "ts18 2aa"})
    added = admin_client.post(
        reverse("admin:connectors_place_add"),
        {
            "name": "New hall",
            "kind": "community_centre",
            "ward": WardFactory().pk,
            "ownership": "community_owned",
            "postcode": "ts17 6aa",
            "activities-TOTAL_FORMS": 0,
            "activities-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302
    place.refresh_from_db()
    # place_update's tidying and version, which a plain admin save skips.
    assert (place.postcode, place.version) == ("TS18 2AA", 2)
    assert added.status_code == 302, added.context["adminform"].form.errors if added.context else ""
    assert Place.objects.get(name="New hall").postcode == "TS17 6AA"


def test_insights_are_read_only_in_the_admin_site(admin_client):
    insight = InsightFactory(title="Buses stop early")
    url = reverse("admin:insights_insight_change", args=[insight.pk])

    admin_client.post(url, {"title": "Changed", "summary": "Changed", "_save": "Save"})

    assert admin_client.get(reverse("admin:insights_insight_add")).status_code == 403
    insight.refresh_from_db()
    assert insight.title == "Buses stop early"


def test_a_mentoring_pair_with_check_ins_is_not_deleted_nor_its_status_changed_here(admin_client):
    pair = CheckInFactory().pair
    empty = MentoringPairFactory()
    url = reverse("admin:connectors_mentoringpair_change", args=[pair.pk])

    admin_client.post(url, {**change_form_data(admin_client.get(url)), "status": MentoringPair.Status.ENDED})

    assert admin_client.get(reverse("admin:connectors_mentoringpair_delete", args=[pair.pk])).status_code == 403
    assert admin_client.get(reverse("admin:connectors_mentoringpair_delete", args=[empty.pk])).status_code == 200
    pair.refresh_from_db()
    assert pair.status == MentoringPair.Status.ACTIVE
