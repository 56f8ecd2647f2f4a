"""Scoring and ranking pages: criteria, score entry, cross-scoring assignment, ranking, publication."""

from django.http import HttpRequest, HttpResponse


def ranking(request: HttpRequest, cy_id: int) -> HttpResponse:
    return HttpResponse("")


def ranking_publish(request: HttpRequest, cy_id: int) -> HttpResponse:
    return HttpResponse("")


def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    return HttpResponse("")


def run_verify(request: HttpRequest, run_id: int) -> HttpResponse:
    return HttpResponse("")


def criteria(request: HttpRequest, cy_id: int) -> HttpResponse:
    return HttpResponse("")


def scores(request: HttpRequest, cy_id: int) -> HttpResponse:
    return HttpResponse("")


def assignments(request: HttpRequest, cy_id: int) -> HttpResponse:
    return HttpResponse("")
