"""What the conference pages share: the ballot a viewer may see, and refusing with the reason."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tdkt.voting.models import Ballot, BallotStatus
from tdkt.voting.selectors import ConferenceRoles, conference_roles


def sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


def forbidden(request: HttpRequest, message: str, back: str) -> HttpResponse:
    return render(request, "web/scoring/forbidden.html", {"message": message, "back_url": back}, status=403)


def get_ballot(request: HttpRequest, ballot_id: int) -> tuple[Ballot, ConferenceRoles]:
    """A ballot is visible once opened; a draft only to those who prepare or count it (else 404)."""
    ballot = (
        Ballot.objects.select_related(
            "conference__cluster_year__cluster", "conference__council_of", "conference__host"
        )
        .filter(pk=ballot_id)
        .first()
    )
    if ballot is None:
        raise Http404("Không có cuộc bỏ phiếu này")
    roles = conference_roles(request.user, ballot.conference)
    if ballot.status == BallotStatus.DRAFT and not roles.sees_drafts:
        raise Http404("Không có cuộc bỏ phiếu này")
    return ballot, roles


def refuse(request: HttpRequest, allowed: bool, message: str, back: str) -> HttpResponse | None:
    """None when the viewer may act; the login page for the public; a 403 page saying who may."""
    if allowed:
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return forbidden(request, message, back)
