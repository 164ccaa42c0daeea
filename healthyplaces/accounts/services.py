"""Writes to users, roles and organisations, and what the portal does with personal data."""

import datetime
import html
import re
from collections.abc import Iterable
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Cast
from django.http import HttpRequest
from django.utils import timezone

from healthyplaces.accounts.models import Organisation, PersonalDataExport, RoleChange, SignInFailures, User
from healthyplaces.accounts.roles import Role
from healthyplaces.core.links import absolute_url
from healthyplaces.core.personal_data import personal_data_sources, retention_rules
from healthyplaces.notifications.services import notification_queue


@transaction.atomic
def user_register_community_member(*, user: User, full_name: str) -> User:
    """Self sign-up: whoever registers is a community group member and nothing more."""
    user.full_name = full_name.strip()
    user.is_staff = False
    user.is_superuser = False
    user.save()
    _set_groups(actor=None, user=user, roles={Role.COMMUNITY_GROUP_MEMBER})
    return user


def _set_groups(*, actor: User | None, user: User, roles: set[Role]) -> None:
    """The one place groups are written, so each change lands in the audit log with it."""
    before = sorted(user.groups.values_list("name", flat=True))
    after = sorted(role.value for role in roles)
    user.groups.set(Group.objects.filter(name__in=after))
    if before != after:
        RoleChange.objects.create(actor=actor, user=user, before=before, after=after)
    user.__dict__.pop("role_names", None)


@transaction.atomic
def user_set_roles(*, actor: User | None, user: User, roles: Iterable[Role]) -> User:
    """Only a programme admin grants roles. actor=None is the operator at the command line, who
    has to make the first programme admin."""
    if actor is not None and not actor.has_role(Role.PROGRAMME_ADMIN) and not actor.is_superuser:
        raise PermissionDenied("Only a programme admin can change roles")
    wanted = set(roles)
    _set_groups(actor=actor, user=user, roles=wanted)
    # The admin site is where programme admins manage users, funds and vocabulary.
    user.is_staff = Role.PROGRAMME_ADMIN in wanted or user.is_superuser
    user.save(update_fields=["is_staff"])
    return user


@transaction.atomic
def organisation_save(*, organisation: Organisation) -> Organisation:
    """Create or change an organisation. Its registration numbers are checked against the registers'
    forms (accounts.org_ids) here as well as in the form, because 360Giving publishes an identifier
    made from them: a number in the wrong form would go out as an identifier no register knows."""
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def organisation_add_member(*, organisation: Organisation, user: User) -> None:
    organisation.members.add(user)


@transaction.atomic
def organisation_remove_member(*, organisation: Organisation, user: User) -> None:
    organisation.members.remove(user)


def user_unlock_sign_in(*, request: HttpRequest, actor: User, user: User) -> None:
    """Forget the wrong passwords that locked this person out: every address of theirs, whichever
    host name or port the failures came through (the count is kept per address alone)."""
    if not actor.has_role(Role.PROGRAMME_ADMIN) and not actor.is_superuser:
        raise PermissionDenied("Only a programme admin can unlock an account")
    addresses = {user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    for address in addresses:
        sign_in_failures_clear(email=address)


def sign_in_failure_record(*, email: str) -> None:
    """Count one wrong password or authenticator code for this address, locked or not (see
    sign_in_attempt_reserve, which counts only while the address is open)."""
    _sign_in_failure_count(email=email, only_while_open=False)


def sign_in_attempt_reserve(*, email: str) -> bool:
    """Before a password or authenticator code is checked: count it as a failure if the address is not
    locked, in the same statement that asks. Returns False (nothing counted) when it is locked.

    Asking first and counting after the check let every try that arrived at once pass the question
    (one extra guess per web worker per window); with the question and the count in one conditional
    UPDATE, which the database serialises on the row, at most LOGIN_FAILURES_LIMIT checks happen per
    window however many arrive together. A try that turns out right gives its count back
    (sign_in_attempt_release)."""
    return _sign_in_failure_count(email=email, only_while_open=True)


def sign_in_attempt_release(*, email: str) -> None:
    """The reserved try was right: take back its count, and the lock it set if it was the one that
    reached the limit. A success never cleared earlier failures, so an attacker cannot reset the count
    by signing in now and then; only a password reset or an admin's unlock clears it."""
    address = SignInFailures.address(email)
    limit = settings.LOGIN_FAILURES_LIMIT
    SignInFailures.objects.filter(email=address, failures__gt=0).update(
        failures=F("failures") - 1,
        # The SET expressions read the row as it was: the count drops below the limit, so no lock.
        locked_until=Case(When(failures__lte=limit, then=Value(None)), default=F("locked_until")),
    )


def _sign_in_failure_count(*, email: str, only_while_open: bool) -> bool:
    """The one count behind the lockout: the failure that reaches LOGIN_FAILURES_LIMIT within
    LOGIN_LOCKOUT_SECONDS of the first locks the address for LOGIN_LOCKOUT_SECONDS. One UPDATE computes
    the new count from the row's current values (and, only_while_open, counts only if not locked),
    so tries that arrive at the same moment in other processes are each counted or refused: the
    database serialises them on the row (PostgreSQL re-evaluates the WHERE on the row a concurrent
    update left; SQLite runs one write at a time). Returns whether it counted."""
    address = SignInFailures.address(email)
    if len(address) > SignInFailures._meta.get_field("email").max_length:  # type: ignore[operator]
        # Longer than any account's address can be (254 characters), so no account to lock, and too
        # long for the column: writing it would fail the sign-in with a server error.
        return True
    now = timezone.now()
    window = datetime.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    limit = settings.LOGIN_FAILURES_LIMIT
    counting = Q(counting_since__gt=now - window)
    # The SET expressions read the row as it was before this update.
    reaches_limit = Q(pk__isnull=False) if limit <= 1 else counting & Q(failures__gte=limit - 1)
    changes = {
        "failures": Case(When(counting, then=F("failures") + 1), default=Value(1)),
        "counting_since": Case(When(counting, then=F("counting_since")), default=Value(now)),
        "locked_until": Case(When(reaches_limit, then=Value(now + window)), default=F("locked_until")),
    }
    rows = SignInFailures.objects.filter(email=address)
    if only_while_open:
        rows = rows.exclude(locked_until__gt=now).exclude(counting & Q(failures__gte=limit))
    with transaction.atomic():
        if rows.update(**changes):
            return True
        if SignInFailures.objects.filter(email=address).exists():
            # Locked (or made by another process since the update): ask the one statement again.
            return bool(rows.update(**changes))
        try:
            with transaction.atomic():
                SignInFailures.objects.create(
                    email=address, failures=1, counting_since=now, locked_until=now + window if limit <= 1 else None
                )
            return True
        except IntegrityError:
            # Another process counted this address's first failure between the update and the insert.
            return bool(rows.update(**changes))


@transaction.atomic
def sign_in_failures_clear(*, email: str) -> None:
    SignInFailures.objects.filter(email=SignInFailures.address(email)).delete()


@transaction.atomic
def sign_in_failures_forget_stale(*, now: datetime.datetime) -> int:
    """Forget the counts that no longer lock or count anything: a row is made for any address typed,
    registered or not, and an address is personal data. Returns how many were forgotten."""
    cutoff = now - datetime.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    stale = SignInFailures.objects.filter(counting_since__lte=cutoff).exclude(locked_until__gt=now)
    return stale.delete()[0]


def _is_programme_admin(user: User) -> bool:
    return user.has_role(Role.PROGRAMME_ADMIN) or user.is_superuser


@transaction.atomic
def personal_data_export(*, actor: User, subject: User) -> dict[str, list[dict[str, Any]]]:
    """Everything the portal holds about subject, by model, as the apps declare it; logged (who,
    whose, what, when) with the download. People download their own; programme admins anyone's."""
    if actor.pk != subject.pk and not _is_programme_admin(actor):
        raise PermissionDenied("Only a programme admin can download someone else's data")
    # A model may be declared more than once (each side of a mentoring pair): the lists add up.
    data: dict[str, list[dict[str, Any]]] = {}
    for source in personal_data_sources():
        rows = source.model._default_manager.filter(**{source.about: subject.pk}).values(*source.fields)
        data.setdefault(source.label, []).extend(rows)
    PersonalDataExport.objects.create(actor=actor, subject=subject, what="all personal data (JSON)")
    return data


@transaction.atomic
def person_erase(*, actor: User, person: User) -> User:
    """Erase a person from every app: their account keeps only a placeholder name and address and can
    no longer sign in; what the apps declare is blanked or deleted; and their name and addresses are
    replaced wherever else they were written (emails to others, the admin site's log, imports).
    The rows stay, so every count and total is as before."""
    if not _is_programme_admin(actor):
        raise PermissionDenied("Only a programme admin can erase a person")
    if actor.pk == person.pk:
        raise PermissionDenied("Ask another programme admin to erase your own account")
    from allauth.account.models import EmailAddress

    words = {person.email, *EmailAddress.objects.filter(user=person).values_list("email", flat=True)}
    if len(person.full_name.strip()) >= 4:  # a shorter name would match inside other words' text
        words.add(person.full_name.strip())
    for source in personal_data_sources():
        rows = source.model._default_manager.filter(**{source.about: person.pk})
        if source.delete_on_erase:
            rows.delete()
            continue
        for row in rows:
            changes = {name: value(row) if callable(value) else value for name, value in source.erase.items()}
            if changes:
                source.model._default_manager.filter(pk=row.pk).update(**changes)
    person.refresh_from_db()
    person.set_unusable_password()
    person.save(update_fields=["password"])
    _scrub_everywhere(words, "[erased]")
    _end_sessions(person)
    return person


def _scrub_everywhere(words: set[str], replacement: str) -> None:
    variants = {variant for word in words for variant in (word, html.escape(word))}
    patterns = [re.compile(rf"(?<!\w){re.escape(variant)}(?!\w)", re.IGNORECASE) for variant in variants]
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.JSONField):
                _scrub_json(model, field, variants, patterns, replacement)
                continue
            if not isinstance(field, models.CharField | models.TextField) or field.choices:
                continue
            manager = model._default_manager
            for variant in variants:
                for pk, value in manager.filter(**{f"{field.attname}__icontains": variant}).values_list(
                    "pk", field.attname
                ):
                    scrubbed = value
                    for pattern in patterns:
                        scrubbed = pattern.sub(replacement, scrubbed)
                    if scrubbed != value:
                        manager.filter(pk=pk).update(**{field.attname: scrubbed})


def _scrub_json(
    model: type[models.Model],
    field: models.JSONField,
    variants: set[str],
    patterns: list[re.Pattern[str]],
    replacement: str,
) -> None:
    """JSON columns (a board snapshot's figures, say) hold copies of text: every string in them
    is scrubbed like a text column, keys and structure kept."""

    def scrub(value: Any) -> Any:
        if isinstance(value, str):
            for pattern in patterns:
                value = pattern.sub(replacement, value)
            return value
        if isinstance(value, list):
            return [scrub(item) for item in value]
        if isinstance(value, dict):
            return {key: scrub(item) for key, item in value.items()}
        return value

    manager = model._default_manager
    as_text = Cast(field.attname, models.TextField())
    for variant in variants:
        rows = manager.annotate(json_text=as_text).filter(json_text__icontains=variant)
        for pk, value in rows.values_list("pk", field.attname):
            scrubbed = scrub(value)
            if scrubbed != value:
                manager.filter(pk=pk).update(**{field.attname: scrubbed})


def _end_sessions(person: User) -> None:
    # Its password is unusable, so a session would be refused anyway; this removes the rows.
    for session in Session.objects.iterator():
        if session.get_decoded().get("_auth_user_id") == str(person.pk):
            session.delete()


@transaction.atomic
def personal_data_apply_retention(*, now: datetime.datetime) -> int:
    """Clear the personal fields of rows older than DATA_RETENTION_DAYS, or delete the rows, as each app
    declares; idempotent: rows already cleared are not matched again. Returns the rows changed."""
    cutoff = now - datetime.timedelta(days=settings.DATA_RETENTION_DAYS)
    changed = 0
    for rule in retention_rules():
        rows = rule.model._default_manager.filter(rule.expired(cutoff))
        if rule.delete:
            # Counted by the rule's own model: rows cascading from it are not what the rule is about.
            changed += rows.delete()[1].get(rule.model._meta.label, 0)
        else:
            changed += rows.update(**rule.clear)
    return changed


@transaction.atomic
def person_request_erasure(*, person: User, today: datetime.date) -> int:
    """Someone asks for their data to be erased: every programme admin is told (once a day at most
    per person), and one of them erases it (person_erase) after checking nothing must be kept."""
    from django.urls import reverse

    admins = User.objects.filter(groups__name=Role.PROGRAMME_ADMIN, is_active=True).exclude(pk=person.pk)
    url = absolute_url(reverse("accounts:person_erase", args=[person.pk]))
    return sum(
        bool(
            notification_queue(
                recipient=admin,
                kind="erasure_request",
                key=f"erasure-request:{person.pk}:{today.isoformat()}:{admin.pk}",
                template="erasure_request",
                context={"person": person, "erase_url": url},
            )
        )
        for admin in admins
    )
