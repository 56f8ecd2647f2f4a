"""Public pages: home, login, the cluster-year dashboard, a unit's page. Owned by the web-public work."""

from django.http import HttpRequest, HttpResponse


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("TĐKT")


def login_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def logout_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def cluster_year(request: HttpRequest, cy_id: int) -> HttpResponse:
    return HttpResponse("")


def unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    return HttpResponse("")
