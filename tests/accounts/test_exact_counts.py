"""Who sees exact small counts: officers and programme admins (and a superuser), one by one and in
one query for a batch, the two always agreeing."""

import pytest

from healthyplaces.accounts.permissions import people_seeing_exact_counts, sees_exact_counts
from healthyplaces.accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_one_by_one_and_in_one_query_agree(django_assert_num_queries):
    people = {role: UserFactory(roles=[role]) for role in Role}
    superuser = UserFactory(is_superuser=True)
    gone = UserFactory(roles=[Role.COUNCIL_OFFICER], is_active=False)

    with django_assert_num_queries(1):
        batch = set(people_seeing_exact_counts().values_list("pk", flat=True))

    assert {role for role, user in people.items() if user.pk in batch} == {Role.PROGRAMME_ADMIN, Role.COUNCIL_OFFICER}
    assert superuser.pk in batch
    assert gone.pk not in batch
    for user in [*people.values(), superuser, gone]:
        assert sees_exact_counts(user) == (user.pk in batch)
