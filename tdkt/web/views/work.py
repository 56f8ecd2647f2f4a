"""Pages where units and heads work: a report, targets, Excel import, evidence. Owned by the web-work work."""

from django.http import HttpRequest, HttpResponse


def report(request: HttpRequest, report_id: int) -> HttpResponse:
    return HttpResponse("")


def report_open(request: HttpRequest, cy_id: int, unit_id: int, period: str) -> HttpResponse:
    return HttpResponse("")


def targets(request: HttpRequest, cy_id: int, unit_id: int) -> HttpResponse:
    return HttpResponse("")


def import_results(request: HttpRequest, cy_id: int) -> HttpResponse:
    return HttpResponse("")


def import_template(request: HttpRequest, cy_id: int) -> HttpResponse:
    return HttpResponse("")


def evidence_download(request: HttpRequest, evidence_id: int) -> HttpResponse:
    return HttpResponse("")
