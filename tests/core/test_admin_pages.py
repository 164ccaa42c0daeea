"""Every admin page a programme admin can reach renders: each registered model's list and, where
adding is allowed, its add form (date fields included: their widgets use Django's own templates
through the project's form renderer)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from healthyplaces.accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = sorted((model._meta.app_label, model._meta.model_name) for model in admin.site._registry)


@pytest.mark.parametrize(("app_label", "model_name"), MODELS, ids=[f"{a}.{m}" for a, m in MODELS])
def test_each_admin_list_and_add_page_renders_for_a_programme_admin(client, app_label, model_name):
    admin_user = UserFactory(roles=[Role.PROGRAMME_ADMIN])
    client.force_login(admin_user)

    listing = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    adding = client.get(reverse(f"admin:{app_label}_{model_name}_add"))

    model_admin = next(m for model, m in admin.site._registry.items() if model._meta.model_name == model_name)
    request = listing.wsgi_request
    # The role's permissions decide; read-only records (applications, audit rows) refuse adding.
    assert listing.status_code == (200 if model_admin.has_view_or_change_permission(request) else 403)
    assert adding.status_code == (200 if model_admin.has_add_permission(request) else 403)
