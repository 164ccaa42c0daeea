"""Fixtures for the seed fund's tests, among them the 360Giving schemas read from the shared folder."""

import json
from pathlib import Path

import pytest

from healthyplaces.accounts.roles import Role
from tests.conftest import require
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    # Uploaded documents go to a folder of the test's own, never var/private.
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


# --- the official 360Giving schemas and codelists, read from the shared folder ----------------------


@pytest.fixture
def reference(shared_dir: Path) -> Path:
    path = shared_dir / "reference"
    for name in ("360-giving-schema.json", "360-giving-package-schema.json", "360giving-codelists"):
        require((path / name).exists(), f"{path / name} is missing from the shared reference folder")
    return path


@pytest.fixture
def validator(reference: Path):
    """Draft 2020-12 with formats checked. The two traps: the package's grants.items.$ref is an
    absolute URL (to release 1.4.2), mapped here to the local grant schema; and both schemas say
    "$schema": "http://...draft/2020-12/schema", which referencing does not recognise, so the
    resources are made as draft 2020-12 explicitly."""
    from jsonschema import Draft202012Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    grant_schema = json.loads((reference / "360-giving-schema.json").read_text(encoding="utf-8"))
    package_schema = json.loads((reference / "360-giving-package-schema.json").read_text(encoding="utf-8"))
    grant_ref = package_schema["properties"]["grants"]["items"]["$ref"]
    assert grant_ref.startswith("https://"), "the trap this fixture handles has gone; look again"
    grant_resource = DRAFT202012.create_resource(grant_schema)
    registry = Registry().with_resources(
        [
            (grant_ref, grant_resource),
            (grant_schema["$id"], grant_resource),
            (package_schema["$id"], DRAFT202012.create_resource(package_schema)),
        ]
    )
    format_checker = Draft202012Validator.FORMAT_CHECKER
    # Without rfc3339-validator "date-time" is not checked, and a plain awardDate matches both
    # branches of its oneOf.
    assert "date-time" in format_checker.checkers, "install rfc3339-validator (a dev dependency)"
    return Draft202012Validator(package_schema, registry=registry, format_checker=format_checker)


# A community group member and their group, for the tests that start and fill in applications.
@pytest.fixture
def member(db):
    return UserFactory(roles=[Role.COMMUNITY_GROUP_MEMBER])


@pytest.fixture
def group(member):
    organisation = OrganisationFactory()
    organisation.members.add(member)
    return organisation
