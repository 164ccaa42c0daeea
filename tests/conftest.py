import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from healthyplaces.accounts.models import User
from healthyplaces.accounts.roles import Role
from tests.factories import ActionFactory, UserFactory
from tests.support.sessions import django_force_login, force_login_as_allauth_would

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip on a developer's machine that lacks something; under CI a lack is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: missing prerequisites fail, they are never skipped)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # allauth's rate limits live in the cache; one test's sign-ups must not throttle the next.
    cache.clear()
    yield
    cache.clear()


def force_login_without_second_factor(client: Client, user: User) -> None:
    """Django's force_login as it is: a session with a user and nothing else, like one made by a
    sign-in form that skipped allauth (the admin's, before it was sent to allauth's)."""
    django_force_login(client, user)


@pytest.fixture(scope="session", autouse=True)
def _force_login_passes_the_second_factor() -> Iterator[None]:
    # Session-wide, so fixtures of every scope (a module's dataset, say) sign people in the same way.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Client, "force_login", force_login_as_allauth_would)
        yield


@pytest.fixture
def shared_dir() -> Path:
    path = Path(settings.SHARED_DIR)
    require(path.is_dir(), f"the shared reference folder is missing at {path} (HEALTHYPLACES_SHARED_DIR)")
    return path


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(*roles: Role, **kwargs: object) -> User:
        return UserFactory.create(roles=list(roles), **kwargs)

    return make


@pytest.fixture
def admin_user(make_user: Callable[..., User]) -> User:
    return make_user(Role.PROGRAMME_ADMIN, full_name="Ada Admin")


@pytest.fixture
def officer(make_user: Callable[..., User]) -> User:
    return make_user(Role.COUNCIL_OFFICER, full_name="Olu Officer")


@pytest.fixture
def other_officer(make_user: Callable[..., User]) -> User:
    return make_user(Role.COUNCIL_OFFICER, full_name="Osman Otherofficer")


@pytest.fixture
def board_member(make_user: Callable[..., User]) -> User:
    return make_user(Role.BOARD_MEMBER, full_name="Bola Board")


@pytest.fixture
def led_action(officer: User):
    return ActionFactory(number=9, leads=[officer])


@pytest.fixture
def client_for(client: Client) -> Callable[[User | None], Client]:
    def login(user: User | None) -> Client:
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture(scope="session", autouse=True)
def _broker_folder() -> None:
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key in ("data_folder_in", "data_folder_out"):
        if key in options:
            Path(str(options[key])).mkdir(parents=True, exist_ok=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A transactional test flushes every table afterwards; without serialized_rollback the roles,
    # permissions and schedules that data migrations made would be gone for the tests after it.
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(f"{item.nodeid}: use django_db(transaction=True, serialized_rollback=True)")
