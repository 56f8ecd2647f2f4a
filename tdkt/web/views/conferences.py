"""Conference pages: the ballots of a conference and, for the head's staff and the board, running them —
open (printing one-time codes as QR slips, shown once), close, count, apply the result."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from tdkt.clusters.scopes import viewer_for
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.voting.models import Ballot, Conference
from tdkt.voting.services import VoterInput, ballot_apply, ballot_close, ballot_open, ballot_tally


def _get_conference(conference_id: int) -> Conference:
    conference = (
        Conference.objects.select_related("cluster_year__cluster", "host").filter(pk=conference_id).first()
    )
    if conference is None:
        raise Http404("Không có hội nghị này")
    return conference


def conference(request: HttpRequest, conference_id: int) -> HttpResponse:
    """Public: what the conference decided. Managers also see the controls of each ballot."""
    conf = _get_conference(conference_id)
    viewer = viewer_for(request.user)
    context = {
        "conference": conf,
        "ballots": list(conf.ballots.prefetch_related("candidates").order_by("id")),
        "manages": viewer.manages(conf.cluster_year_id),
    }
    return render(request, "web/voting/conference.html", context)


def _qr_svg(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=3, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


@require_POST
def ballot_action(request: HttpRequest, ballot_id: int, action: str) -> HttpResponse:
    ballot = Ballot.objects.select_related("conference__cluster_year").filter(pk=ballot_id).first()
    if ballot is None or action not in ("open", "close", "tally"):
        raise Http404
    viewer = viewer_for(request.user)
    if not viewer.manages(ballot.conference.cluster_year_id):
        raise Http404
    back = redirect("web:conference", conference_id=ballot.conference_id)
    try:
        if action == "open":
            members = ballot.conference.cluster_year.members.select_related("unit")
            issued = ballot_open(
                actor=request.user,
                ballot=ballot,
                voters=[VoterInput(f"Đại diện lãnh đạo {m.unit.name}", m.unit) for m in members],
            )
            vote_url = request.build_absolute_uri(f"/bo-phieu/{ballot.pk}/")
            slips = [
                {"voter": i.voter, "code": i.code, "qr": mark_safe(_qr_svg(f"{vote_url}?ma={i.code}"))}
                for i in issued
            ]
            return render(
                request, "web/voting/slips.html", {"ballot": ballot, "slips": slips, "vote_url": vote_url}
            )
        if action == "close":
            ballot_close(actor=request.user, ballot=ballot)
            messages.success(request, "Đã đóng hòm phiếu.")
        else:
            ballot = ballot_tally(actor=request.user, ballot=ballot)
            ballot_apply(actor=request.user, ballot=ballot)
            elected = ", ".join(ballot.result["elected"]) if ballot.result else ""
            messages.success(request, f"Đã kiểm phiếu. Kết quả: {elected or 'không có người trúng'}.")
    except NotPermitted as exc:
        messages.error(request, exc.message)
    except ValidationFailed as exc:
        for problem in exc.problems:
            messages.error(request, problem.message[:1].upper() + problem.message[1:])
    return back
