from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility_statement.html")


def privacy_notice(request: HttpRequest) -> HttpResponse:
    days = settings.DATA_RETENTION_DAYS
    # Said in years when it is a whole number of them, as people think of it.
    retention = f"{days // 365} years" if days % 365 == 0 and days >= 730 else f"{days} days"
    return render(request, "core/privacy_notice.html", {"retention": retention})
