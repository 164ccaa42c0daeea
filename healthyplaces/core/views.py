from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility_statement.html")
