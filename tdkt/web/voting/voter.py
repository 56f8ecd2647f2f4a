"""The voter's pages (no login: the one-time code is the credential), and the public box.

The code never travels in a URL the server sees: the slip's QR carries it after `#`, which browsers keep to
themselves, and `static/web/vote.js` copies it into the form and drops it from the address bar; the form
posts it. At the counting board's table the voter activates the slip (`ballot_activate`), then chooses and
casts. The receipt is checked by a form post too, and says only that a ballot of the holder's was received
and counted.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from tdkt.core.errors import ValidationFailed
from tdkt.voting.box import ballot_activate, ballot_cast, receipt_in_box
from tdkt.voting.counting import ballot_verify, public_box
from tdkt.voting.models import Ballot, BallotStatus


def _get_ballot(ballot_id: int) -> Ballot:
    ballot = (
        Ballot.objects.select_related("conference__cluster_year__cluster", "conference__council_of")
        .exclude(status=BallotStatus.DRAFT)
        .filter(pk=ballot_id)
        .first()
    )
    if ballot is None:
        raise Http404("Không có cuộc bỏ phiếu này")
    return ballot


def _sentences(exc: ValidationFailed) -> list[str]:
    return [p.message[:1].upper() + p.message[1:] for p in exc.problems]


@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = _get_ballot(ballot_id)
    candidates = list(ballot.candidates.values_list("name", flat=True))
    context: dict[str, object] = {
        "ballot": ballot,
        "candidates": candidates,
        "code": "",
        "chosen": [],
        "against": [],
        "errors": [],
        "activated": False,
    }
    if request.method == "POST":
        code = request.POST.get("code", "")[:64]
        context["code"] = code
        if request.POST.get("action") == "activate":
            try:
                ballot_activate(ballot=ballot, code=code)
            except ValidationFailed as exc:
                context["errors"] = _sentences(exc)
                return render(request, "web/voting/vote.html", context, status=400)
            context["activated"] = True
            return render(request, "web/voting/vote.html", context)
        chosen = [c for c in request.POST.getlist("marks") if c][:200]
        against = [c for c in request.POST.getlist("against") if c][:200]
        context.update(chosen=chosen, against=against)
        try:
            receipt = ballot_cast(ballot=ballot, code=code, marks=chosen, against=against)
        except ValidationFailed as exc:
            context["errors"] = _sentences(exc)
            return render(request, "web/voting/vote.html", context, status=400)
        return render(request, "web/voting/receipt.html", {"ballot": ballot, "receipt": receipt})
    return render(request, "web/voting/vote.html", context)


@require_http_methods(["GET", "POST"])
def receipt_check(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = _get_ballot(ballot_id)
    receipt = request.POST.get("bn", "").strip()[:64] if request.method == "POST" else ""
    found = receipt_in_box(ballot=ballot, receipt=receipt) if receipt else None
    context = {"ballot": ballot, "receipt": receipt, "found": found}
    return render(request, "web/voting/check.html", context)


@require_http_methods(["GET", "POST"])
def box(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The public box, for citizens: counts while open; once closed, every ballot in the canonical order,
    the receipts, the digests, the result, and a button that verifies all of it again."""
    ballot = _get_ballot(ballot_id)
    problems = ballot_verify(ballot) if request.method == "POST" else None
    context = {"ballot": ballot, "box": public_box(ballot), "problems": problems}
    return render(request, "web/voting/box.html", context)
