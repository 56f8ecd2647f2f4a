"""The voter's pages: open a ballot from a one-time code (typed, or from the QR on a slip), vote on a phone,
keep the receipt, and check it later. No login: the code is the credential."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from tdkt.core.errors import ValidationFailed
from tdkt.voting.models import Ballot, BallotStatus
from tdkt.voting.services import ballot_cast, receipt_in_box


def _get_ballot(ballot_id: int) -> Ballot:
    ballot = (
        Ballot.objects.select_related("conference__cluster_year__cluster")
        .exclude(status=BallotStatus.DRAFT)
        .filter(pk=ballot_id)
        .first()
    )
    if ballot is None:
        raise Http404("Không có cuộc bỏ phiếu này")
    return ballot


@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = _get_ballot(ballot_id)
    candidates = list(ballot.candidates.values_list("name", flat=True))
    context: dict[str, object] = {
        "ballot": ballot,
        "candidates": candidates,
        "code": request.GET.get("ma", ""),
        "chosen": [],
        "errors": [],
    }
    if request.method == "POST":
        code = request.POST.get("code", "")
        chosen = [c for c in request.POST.getlist("marks") if c]
        against = [c for c in request.POST.getlist("against") if c]
        context.update(code=code, chosen=chosen)
        try:
            receipt = ballot_cast(ballot=ballot, code=code, marks=chosen, against=against)
        except ValidationFailed as exc:
            context["errors"] = [p.message[:1].upper() + p.message[1:] for p in exc.problems]
            return render(request, "web/voting/vote.html", context, status=400)
        return render(request, "web/voting/receipt.html", {"ballot": ballot, "receipt": receipt})
    return render(request, "web/voting/vote.html", context)


def receipt_check(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = _get_ballot(ballot_id)
    receipt = request.GET.get("bn", "").strip()
    found = receipt_in_box(ballot=ballot, receipt=receipt) if receipt else None
    return render(request, "web/voting/check.html", {"ballot": ballot, "receipt": receipt, "found": found})
