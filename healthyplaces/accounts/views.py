from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from healthyplaces.accounts.selectors import role_change_log
from healthyplaces.core.http import AuthenticatedHttpRequest
from healthyplaces.core.pagination import paginate

ROLE_CHANGES_PER_PAGE = 50


@login_required
def role_change_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    role_filter, changes = role_change_log(user=request.user, params=request.GET)
    return render(
        request,
        "accounts/role_change_list.html",
        {"filter": role_filter, **paginate(request, changes, ROLE_CHANGES_PER_PAGE)},
    )
