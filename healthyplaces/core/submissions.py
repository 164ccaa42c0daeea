"""Forms that create something are submitted once, however often they are posted.

Each such form carries a fresh token (``{% submission_token %}`` from ``{% load govuk %}``) and its
view is wrapped in ``@submitted_once``. The first post of a token writes a FormSubmission row, in the
same transaction as whatever the view creates; a second post of the same token waits on that row's
unique index until the first commits, then is sent where the first went (the new record) instead
of creating another. A post the view answers without redirecting (the form had errors) frees its
token, so the corrected form, which carries the same token, goes through.

One mechanism for every create form; forms that update a record already refuse a stale second post
through their version (optimistic locking), and workflow steps through the state they move from."""

import datetime
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from healthyplaces.core.models import FormSubmission

SUBMISSION_FIELD = "submission_token"
# A token older than this is forgotten: nobody double-clicks a day apart.
KEPT_FOR = datetime.timedelta(days=1)
View = TypeVar("View", bound=Callable[..., HttpResponse])


def posted_token(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(SUBMISSION_FIELD, ""))
    except ValueError:
        return None


def submitted_once(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = posted_token(request) if request.method == "POST" else None
        if token is None or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    submission = FormSubmission.objects.create(token=token, user=request.user)
            except IntegrityError:
                earlier = FormSubmission.objects.filter(token=token, user=request.user).first()
                return redirect(earlier.redirect_to if earlier and earlier.redirect_to else request.path)
            response = view(request, *args, **kwargs)
            if response.status_code in (301, 302, 303) and response.has_header("Location"):
                submission.redirect_to = response["Location"][:500]
                submission.save(update_fields=["redirect_to"])
            else:
                submission.delete()
            FormSubmission.objects.filter(user=request.user, created_at__lt=timezone.now() - KEPT_FOR).delete()
        return response

    return cast(View, wrapper)
