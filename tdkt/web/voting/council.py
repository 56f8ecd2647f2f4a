"""Council sessions: create a session of an emulation council (the province's, by the board; a unit's own, by
its staff), and, at a session, put a dossier before the council (a yes/no ballot on its lines, thresholds
from its track, shown with their citation and how well they are verified) or write a counted vote back into
its dossier. The rest of the session — counting board, roll, box, count, minutes — is the conference pages'.

Like the conference pages: the public is sent to the login page; a logged-in person who may not prepare the
council gets a 403 page saying who may; an unknown unit or session is a 404. Writes go through
`tdkt.voting.services` and `tdkt.dossiers.council`.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tdkt.clusters.scopes import viewer_for
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.dossiers import states
from tdkt.dossiers.council import (
    citation_text,
    council_ballot_create,
    council_done,
    council_result_apply,
    line_rules,
    rule_text,
)
from tdkt.dossiers.models import Dossier, DossierLine
from tdkt.dossiers.tracks import CouncilRule
from tdkt.org.models import Unit
from tdkt.voting.access import prepares_council
from tdkt.voting.models import BallotMode, BallotStatus, council_name_of
from tdkt.voting.services import council_session_create
from tdkt.web.voting.common import forbidden, refuse, sentence
from tdkt.web.voting.forms import ConferenceForm
from tdkt.web.voting.views import COUNCIL_MANAGERS_ONLY, REFUSED, _attach, _get_conference, _posted

MODES = {BallotMode.ELECTRONIC.value: "Bỏ phiếu điện tử", BallotMode.PAPER.value: "Phiếu giấy"}


@require_http_methods(["GET", "POST"])
def council_session_new(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404("Không có đơn vị này")
    back = reverse("web:unit", args=[unit.pk])
    refused = refuse(request, prepares_council(viewer_for(request.user), unit), COUNCIL_MANAGERS_ONLY, back)
    if refused is not None:
        return refused
    form = ConferenceForm(_posted(request), council_of=unit)
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = council_session_create(
                    actor=request.user,
                    council_of=unit,
                    held_on=data["held_on"],
                    place=data["place"],
                    host=data["host"],
                    council_size=data["council_size"],
                    council_basis=data["council_basis"],
                    agenda=data["agenda"],
                    chair_name=data["chair_name"],
                    secretary_name=data["secretary_name"],
                )
            except ValidationFailed as exc:
                _attach(form, exc)
            else:
                messages.success(
                    request, "Đã tạo phiên họp. Chỉ định Ban kiểm phiếu, rồi đưa hồ sơ ra Hội đồng bỏ phiếu."
                )
                return redirect("web:conference", conference_id=created.pk)
    context = {
        "form": form,
        "conference": None,
        "cluster_year": None,
        "council_of": unit,
        "council_name": council_name_of(unit),
    }
    return render(request, "web/voting/conference_form.html", context, status=status)


def _rows(dossiers: list[Dossier]) -> list[dict[str, object]]:
    rows = []
    for dossier in dossiers:
        try:
            pairs = line_rules(dossier)
        except ValidationFailed:
            continue
        rules: dict[tuple[str, bool, str, str], tuple[CouncilRule, list[DossierLine]]] = {}
        for line, rule in pairs:
            rules.setdefault(rule.key, (rule, []))[1].append(line)
        rows.append(
            {
                "dossier": dossier,
                "lines": [line for line, _ in pairs],
                "rules": [
                    {
                        "text": rule_text(rule),
                        "citation": citation_text(rule),
                        "tag": rule.tag,
                        "lines": lines,
                    }
                    for rule, lines in rules.values()
                ],
                "mixed": len(rules) > 1,
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
def council_ballot_new(request: HttpRequest, conference_id: int) -> HttpResponse:
    """The dossiers before this council: put one to the vote; once its ballot is counted, write the result
    into it."""
    conf, roles = _get_conference(request, conference_id)
    if not conf.is_council:
        raise Http404("Đây không phải phiên họp Hội đồng Thi đua – Khen thưởng")
    back = reverse("web:conference", args=[conf.pk])
    refused = refuse(request, roles.manages, COUNCIL_MANAGERS_ONLY, back)
    if refused is not None:
        return refused
    before_council = Dossier.objects.filter(receiver=conf.council_of, state=states.COUNCIL).order_by("id")
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        status = REFUSED
        dossier = before_council.filter(pk=request.POST.get("dossier") or 0).first()
        try:
            if dossier is None:
                raise ValidationFailed("Hồ sơ này không ở bước Hội đồng xét.")
            if request.POST.get("action") == "apply":
                council_result_apply(actor=request.user, dossier=dossier)
                messages.success(request, f"Đã ghi kết quả bỏ phiếu của Hội đồng vào {dossier}.")
                return redirect(request.path)
            mode = request.POST.get("mode", BallotMode.ELECTRONIC)
            if mode not in MODES:
                raise ValidationFailed("Chọn hình thức bỏ phiếu.")
            ballot = council_ballot_create(actor=request.user, conference=conf, dossier=dossier, mode=mode)
            messages.success(request, f"Đã tạo cuộc bỏ phiếu “{ballot.title}” (đang chuẩn bị).")
            return redirect(f"{back}#ballot-{ballot.pk}")
        except NotPermitted as exc:
            return forbidden(request, sentence(exc.message), back)
        except ValidationFailed as exc:
            errors = [sentence(p.message) for p in exc.problems]
    dossiers = list(before_council.select_related("proposer", "council_ballot"))
    waiting = [d for d in dossiers if d.council_ballot_id is None]
    voted = [
        {"dossier": d, "ballot": d.council_ballot, "done": council_done(d)}
        for d in dossiers
        if d.council_ballot is not None and d.council_ballot.conference_id == conf.pk
    ]
    context = {
        "conference": conf,
        "rows": _rows(waiting),
        "voted": voted,
        "modes": MODES,
        "errors": errors,
        "tallied": BallotStatus.TALLIED,
    }
    return render(request, "web/voting/council_ballot.html", context, status=status)
