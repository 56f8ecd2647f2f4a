"""Conference pages.

- the conference (public): its record — kind, date, place, host, chair, agenda, delegates, counting board —,
  what it decided (covenant, criteria, vote results, next year's head and deputy), its minutes, and its
  ballots (drafts only for those who prepare or count them);
- preparing (the head's staff and the board): create and edit the conference and its decisions, the
  delegates, the counting board, a new ballot; apply a result; another round when the count calls one;
- running the box (the counting board only): the roll, opening (one-time codes printed as QR slips,
  shown once; none for paper), closing, entering and confirming paper ballots, counting.

The public is sent to the login page for any page that acts; a logged-in person who sees the conference but
may not act gets a 403 page saying who may; a draft ballot they may not see is a 404. Every write goes
through `tdkt.voting.services`.
"""

from __future__ import annotations

import io
from typing import Any

import segno
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from tdkt.clusters.models import ClusterYear
from tdkt.clusters.scopes import Viewer, viewer_for
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.dossiers import from_vote
from tdkt.dossiers.selectors import dossier_for
from tdkt.voting.box import (
    ballot_close,
    ballot_hand_out,
    ballot_hand_out_undo,
    ballot_open,
    ballot_roll_set,
    current_roll,
    roll_source_size,
)
from tdkt.voting.counting import ballot_tally, public_box
from tdkt.voting.minutes import candidates_text, rule_basis_text, rules_text
from tdkt.voting.models import Ballot, BallotStatus, Conference, EntryStatus, PaperEntry, Voter
from tdkt.voting.paper import paper_entry_confirm, paper_entry_reject, paper_entry_submit
from tdkt.voting.selectors import (
    ConferenceRoles,
    conference_record_hash,
    conference_roles,
    default_candidates,
    elected_roles,
    session_candidates,
    visible_ballots,
)
from tdkt.voting.services import (
    ballot_apply,
    ballot_candidates_refresh,
    ballot_create,
    ballot_next_round,
    ballot_stale_confirm,
    ballot_stale_run,
    conference_create,
    conference_delegates_set,
    conference_update,
    counting_board_candidates,
    counting_board_set,
)
from tdkt.web.voting.common import forbidden, get_ballot, refuse, sentence
from tdkt.web.voting.forms import (
    BallotForm,
    ConferenceForm,
    CountingBoardForm,
    DelegatesForm,
    PaperBallotsForm,
    PaperTotalsForm,
    RollForm,
)

REFUSED = 400
MANAGERS_ONLY = "Chỉ Trưởng cụm hoặc Ban Thi đua – Khen thưởng mới được chuẩn bị hội nghị và bỏ phiếu."
COUNCIL_MANAGERS_ONLY = (
    "Chỉ Ban Thi đua – Khen thưởng tỉnh (Hội đồng của tỉnh) hoặc cán bộ của đơn vị (Hội đồng của đơn vị), "
    "không phải thành viên Ban kiểm phiếu, mới được chuẩn bị phiên họp và bỏ phiếu."
)
BOARD_ONLY = "Chỉ thành viên Ban kiểm phiếu của hội nghị mới được {what}."
ACTIONS = ("open", "close", "tally", "apply", "next-round", "refresh", "keep")


def managers_only(conference: Conference) -> str:
    return COUNCIL_MANAGERS_ONLY if conference.is_council else MANAGERS_ONLY


def _get_conference(request: HttpRequest, conference_id: int) -> tuple[Conference, ConferenceRoles]:
    """Conferences are public records; what a viewer may do there depends on their roles."""
    conference = (
        Conference.objects.select_related(
            "cluster_year__cluster__organiser", "council_of", "host", "covenant", "criteria_set__amends"
        )
        .filter(pk=conference_id)
        .first()
    )
    if conference is None:
        raise Http404("Không có hội nghị này")
    return conference, conference_roles(request.user, conference)


def _posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data of a POST (even an empty one, which then fails validation), None for a GET."""
    return request.POST if request.method == "POST" else None


def _problems(exc: ValidationFailed, noun: str = "Dòng") -> list[str]:
    """Messages for a person: "Dòng 3: …" where a problem names a line, the sentence alone otherwise."""
    return [
        f"{noun} {p.row}: {p.message}" if p.row is not None else sentence(p.message) for p in exc.problems
    ]


# ---------------------------------------------------------------------------------------- the conference


def conference(request: HttpRequest, conference_id: int) -> HttpResponse:
    conf, roles = _get_conference(request, conference_id)
    viewer = viewer_for(request.user)
    ballots = list(visible_ballots(conf, roles))
    next_rounds = set(
        Ballot.objects.filter(previous_round__in=ballots).values_list("previous_round_id", flat=True)
    )
    rows = [
        {
            "ballot": b,
            "rules": rules_text(b),
            "basis": rule_basis_text(b),
            "candidates": candidates_text(b),
            "needs_round": b.status == BallotStatus.TALLIED
            and bool((b.result or {}).get("another_round"))
            and b.pk not in next_rounds,
            "can_apply": b.status == BallotStatus.TALLIED
            and b.purpose in ("head", "deputy")
            and not b.applied
            and len((b.result or {}).get("elected", [])) == 1,
            "pending": b.paper_entries.filter(status=EntryStatus.PENDING).exists() if b.is_paper else False,
            "stale": ballot_stale_run(b) if b.status == BallotStatus.DRAFT else None,
            "box": public_box(b) if b.status != BallotStatus.DRAFT else None,
            **_proposal(viewer, b),
        }
        for b in ballots
    ]
    delegates = list(conf.delegates.select_related("unit").order_by("order", "id"))
    context = {
        "conference": conf,
        "roles": roles,
        "rows": rows,
        "delegates": delegates,
        "counting_board": list(conf.counting_board.all()),
        "elected_roles": elected_roles(conf),
        "record_hash": conference_record_hash(conf),
        "conclusions": [line for line in conf.conclusions.splitlines() if line.strip()],
    }
    return render(request, "web/voting/conference.html", context)


def _proposal(viewer: Viewer, ballot: Ballot) -> dict[str, Any]:
    """A counted flag or Bằng khen ballot leads to its cluster's dossier: the button that builds it (for the
    head's staff), or the dossier once built (for whoever may see it)."""
    if ballot.status != BallotStatus.TALLIED or ballot.purpose not in from_vote.TITLE_BY_PURPOSE:
        return {}
    built = from_vote.dossier_of_ballot(ballot)
    if built is not None:
        return {"dossier": dossier_for(viewer, built.pk)}
    return {"may_build": from_vote.may_build(viewer, ballot)}


@require_http_methods(["GET", "POST"])
def conference_new(request: HttpRequest, cy_id: int) -> HttpResponse:
    cluster_year = ClusterYear.objects.select_related("cluster").filter(pk=cy_id).first()
    if cluster_year is None:
        raise Http404("Không tìm thấy cụm thi đua của năm này.")
    back = reverse("web:cluster_year", args=[cy_id])
    refused = refuse(request, viewer_for(request.user).manages(cy_id), MANAGERS_ONLY, back)
    if refused is not None:
        return refused
    form = ConferenceForm(_posted(request), cluster_year_id=cy_id)
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = conference_create(
                    actor=request.user,
                    cluster_year=cluster_year,
                    kind=data["kind"],
                    held_on=data["held_on"],
                    place=data["place"],
                    host=data["host"],
                    agenda=data["agenda"],
                    chair_name=data["chair_name"],
                    secretary_name=data["secretary_name"],
                )
            except ValidationFailed as exc:
                _attach(form, exc)
            else:
                messages.success(request, "Đã tạo hội nghị. Ghi đại biểu và chỉ định Ban kiểm phiếu.")
                return redirect("web:conference", conference_id=created.pk)
    context = {"form": form, "cluster_year": cluster_year, "conference": None}
    return render(request, "web/voting/conference_form.html", context, status=status)


def _attach(form: object, exc: ValidationFailed) -> None:
    """Put a service's problems next to the form's fields when they name one, else at the top."""
    fields = getattr(form, "fields", {})
    for problem in exc.problems:
        name = problem.field if problem.field in fields else None
        form.add_error(name, sentence(problem.message))  # type: ignore[attr-defined]


@require_http_methods(["GET", "POST"])
def conference_edit(request: HttpRequest, conference_id: int) -> HttpResponse:
    conf, roles = _get_conference(request, conference_id)
    back = reverse("web:conference", args=[conf.pk])
    refused = refuse(request, roles.manages, managers_only(conf), back)
    if refused is not None:
        return refused
    form = ConferenceForm(
        _posted(request),
        cluster_year_id=conf.cluster_year_id,
        council_of=conf.council_of,
        decisions=not conf.is_council,
        initial=ConferenceForm.initial_of(conf),
    )
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            data = form.cleaned_data
            try:
                conference_update(
                    actor=request.user,
                    conference=conf,
                    kind=data["kind"],
                    held_on=data["held_on"],
                    place=data["place"],
                    host=data["host"],
                    agenda=data["agenda"],
                    chair_name=data["chair_name"],
                    secretary_name=data["secretary_name"],
                    covenant=data.get("covenant"),
                    criteria_set=data.get("criteria_set"),
                    conclusions=data.get("conclusions", conf.conclusions),
                    council_size=data.get("council_size"),
                    council_basis=data.get("council_basis", ""),
                )
            except ValidationFailed as exc:
                _attach(form, exc)
            else:
                messages.success(request, "Đã lưu thông tin hội nghị.")
                return redirect(back)
    context = {
        "form": form,
        "cluster_year": conf.cluster_year,
        "conference": conf,
        "council_of": conf.council_of,
        "council_name": conf.council_name,
    }
    return render(request, "web/voting/conference_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def conference_delegates(request: HttpRequest, conference_id: int) -> HttpResponse:
    conf, roles = _get_conference(request, conference_id)
    if conf.is_council:
        raise Http404("Phiên họp Hội đồng không ghi đại biểu theo đơn vị")
    back = reverse("web:conference", args=[conf.pk])
    refused = refuse(request, roles.manages, managers_only(conf), back)
    if refused is not None:
        return refused
    form = DelegatesForm(_posted(request), conference=conf)
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            try:
                n = conference_delegates_set(actor=request.user, conference=conf, delegates=form.delegates())
            except ValidationFailed as exc:
                form.add_error(None, [sentence(p.message) for p in exc.problems])
            else:
                messages.success(request, f"Đã lưu {n} đại biểu.")
                return redirect(back)
    return render(request, "web/voting/delegates.html", {"form": form, "conference": conf}, status=status)


@require_http_methods(["GET", "POST"])
def counting_board(request: HttpRequest, conference_id: int) -> HttpResponse:
    conf, roles = _get_conference(request, conference_id)
    back = reverse("web:conference", args=[conf.pk])
    refused = refuse(request, roles.manages, managers_only(conf), back)
    if refused is not None:
        return refused
    current = list(conf.counting_board.all())
    initial = {
        "members": [str(m.user_id) for m in current],
        "chair": next((str(m.user_id) for m in current if m.is_chair), None),
    }
    form = CountingBoardForm(_posted(request), accounts=counting_board_candidates(conf), initial=initial)
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            members, chair = form.chosen()
            try:
                counting_board_set(actor=request.user, conference=conf, members=members, chair=chair)
            except ValidationFailed as exc:
                _attach(form, exc)
            else:
                messages.success(request, "Đã chỉ định Ban kiểm phiếu.")
                return redirect(back)
    context = {"form": form, "conference": conf, "current": current}
    return render(request, "web/voting/counting_board.html", context, status=status)


@require_http_methods(["GET", "POST"])
def ballot_new(request: HttpRequest, conference_id: int) -> HttpResponse:
    conf, roles = _get_conference(request, conference_id)
    back = reverse("web:conference", args=[conf.pk])
    refused = refuse(request, roles.manages, managers_only(conf), back)
    if refused is not None:
        return refused
    if conf.cluster_year is not None:
        default = default_candidates(conf.cluster_year)
        members = [m.unit for m in conf.cluster_year.members.select_related("unit")]
    else:
        default, members = session_candidates([], ""), []
    form = BallotForm(
        _posted(request), default=default, members=members, council=conf if conf.is_council else None
    )
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            data = form.cleaned_data
            candidates, removed = form.candidates()
            try:
                created = ballot_create(
                    actor=request.user,
                    conference=conf,
                    purpose=data["purpose"],
                    title=data["title"],
                    candidates=candidates,
                    removed=removed,
                    method=data["method"],
                    max_choices=data["max_choices"],
                    seats=data["seats"],
                    quorum=data["quorum"],
                    threshold=data["threshold"],
                    strict=data["strict"],
                    base=data["base"],
                    mode=data["mode"],
                    **_electorate(conf, data),
                )
            except ValidationFailed as exc:
                _attach(form, exc)
            else:
                messages.success(request, f"Đã tạo cuộc bỏ phiếu “{created.title}” (đang chuẩn bị).")
                return redirect(f"{back}#ballot-{created.pk}")
    context = {"form": form, "conference": conf, "default": default}
    return render(request, "web/voting/ballot_form.html", context, status=status)


def _electorate(conf: Conference, data: dict[str, Any]) -> dict[str, Any]:
    """The electorate fields of a new ballot: a council session's council comes from the session."""
    if conf.is_council:
        return {"electorate_kind": "council"}
    council = data["electorate_kind"] == "council"
    return {
        "electorate_kind": data["electorate_kind"],
        "council_name": data["council_name"] if council else "",
        "council_size": data["council_size"] if council else None,
    }


# ---------------------------------------------------------------------------------------------- the box


def _qr_svg(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=3, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def slip_url(vote_url: str, code: str) -> str:
    """The QR of a slip: the voter's page with the code after "#", which browsers never send to the server
    (so it reaches no log); the page's script moves it into the form."""
    return f"{vote_url}#ma={code}"


CONFIRM = {
    "open": "mở hòm phiếu",
    "close": "đóng hòm phiếu",
}


@require_http_methods(["GET"])
def ballot_confirm(request: HttpRequest, ballot_id: int, action: str) -> HttpResponse:
    """The counting board confirms opening or closing the box, seeing what it is about to do."""
    if action not in CONFIRM:
        raise Http404
    ballot, roles = get_ballot(request, ballot_id)
    back = reverse("web:conference", args=[ballot.conference_id])
    refused = refuse(request, roles.counts, BOARD_ONLY.format(what=CONFIRM[action]), back)
    if refused is not None:
        return refused
    context = {
        "ballot": ballot,
        "action": action,
        "what": CONFIRM[action],
        "roll": current_roll(ballot) if action == "open" else [],
        "source_size": roll_source_size(ballot),
        "stale": ballot_stale_run(ballot),
        "candidates": list(ballot.candidates.values_list("name", flat=True)),
        "box": public_box(ballot),
    }
    return render(request, "web/voting/confirm.html", context)


@require_POST
def ballot_action(request: HttpRequest, ballot_id: int, action: str) -> HttpResponse:
    """open, close, tally (the counting board); apply, next-round, refresh, keep (the head's staff and the
    board). Opening and closing need the confirmation page's `confirm`."""
    if action not in ACTIONS:
        raise Http404
    ballot, roles = get_ballot(request, ballot_id)
    back = reverse("web:conference", args=[ballot.conference_id])
    if action in ("apply", "next-round", "refresh", "keep"):
        refused = refuse(request, roles.manages, managers_only(ballot.conference), back)
    else:
        what = {"open": "mở hòm phiếu", "close": "đóng hòm phiếu", "tally": "kiểm phiếu"}[action]
        refused = refuse(request, roles.counts, BOARD_ONLY.format(what=what), back)
    if refused is not None:
        return refused
    if action in CONFIRM and request.POST.get("confirm") != "1":
        return redirect("web:ballot_confirm", ballot.pk, action)
    try:
        if action == "open":
            codes = ballot_open(actor=request.user, ballot=ballot)
            if ballot.is_paper:
                n = Voter.objects.filter(ballot=ballot).count()
                messages.success(
                    request,
                    f"Đã mở hòm phiếu giấy cho {n} cử tri. Khi phát phiếu giấy, đánh dấu người nhận trong "
                    "danh sách cử tri.",
                )
                return redirect("web:ballot_roll", ballot.pk)
            vote_url = request.build_absolute_uri(reverse("web:vote", args=[ballot.pk]))
            slips = [{"code": code, "qr": mark_safe(_qr_svg(slip_url(vote_url, code)))} for code in codes]
            return render(
                request, "web/voting/slips.html", {"ballot": ballot, "slips": slips, "vote_url": vote_url}
            )
        if action == "close":
            ballot = ballot_close(actor=request.user, ballot=ballot)
            messages.success(
                request,
                f"Đã đóng hòm phiếu: {ballot.cast_count} phiếu điện tử, {ballot.codes_voided} mã chưa dùng đã bị hủy."
                if not ballot.is_paper
                else "Đã đóng hòm phiếu. Ban kiểm phiếu nhập phiếu giấy, một thành viên khác xác nhận.",
            )
        elif action == "tally":
            ballot = ballot_tally(actor=request.user, ballot=ballot)
            elected = ", ".join(ballot.result["elected"]) if ballot.result else ""
            messages.success(request, f"Đã kiểm phiếu. Kết quả: {elected or 'không có người đạt'}.")
        elif action == "apply":
            role = ballot_apply(actor=request.user, ballot=ballot)
            if role is not None:
                messages.success(
                    request,
                    f"Đã ghi {role.get_role_display()} năm {role.cluster_year.year}: {role.unit.name}.",
                )
        elif action == "refresh":
            ballot_candidates_refresh(actor=request.user, ballot=ballot)
            messages.success(request, "Đã cập nhật danh sách ứng viên theo bảng xếp hạng mới nhất.")
        elif action == "keep":
            ballot_stale_confirm(actor=request.user, ballot=ballot, reason=request.POST.get("reason", ""))
            messages.success(request, "Đã xác nhận giữ danh sách ứng viên, kèm lý do.")
        else:
            created = ballot_next_round(actor=request.user, ballot=ballot)
            messages.success(request, f"Đã tạo vòng {created.round_number} (đang chuẩn bị).")
            return redirect(f"{back}#ballot-{created.pk}")
    except NotPermitted as exc:
        return forbidden(request, exc.message, back)
    except ValidationFailed as exc:
        for message in _problems(exc):
            messages.error(request, message)
    return redirect(f"{back}#ballot-{ballot.pk}")


@require_http_methods(["GET", "POST"])
def ballot_roll(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The roll: the counting board edits it, with a reason, while the ballot is in draft; once open, it
    records who is present and received a slip (never which)."""
    ballot, roles = get_ballot(request, ballot_id)
    back = reverse("web:conference", args=[ballot.conference_id])
    refused = refuse(request, roles.counts, BOARD_ONLY.format(what="xem và thay đổi danh sách cử tri"), back)
    if refused is not None:
        return refused
    stored = list(Voter.objects.filter(ballot=ballot).order_by("name", "id"))
    is_default = not stored
    names = [v.name for v in current_roll(ballot)]
    cluster_year = ballot.conference.cluster_year
    members = [m.unit for m in cluster_year.members.select_related("unit")] if cluster_year else []
    form = RollForm(
        _posted(request) if ballot.status == BallotStatus.DRAFT else None,
        members=members,
        initial={"voters": "\n".join(names)},
    )
    status = 200
    if request.method == "POST" and ballot.status == BallotStatus.DRAFT:
        status = REFUSED
        if form.is_valid():
            try:
                n = ballot_roll_set(
                    actor=request.user,
                    ballot=ballot,
                    voters=form.cleaned_data["voters"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationFailed as exc:
                for p in exc.problems:
                    target = p.field if p.field in ("voters", "reason") else None
                    form.add_error(target, _problems(ValidationFailed([p])))
            else:
                messages.success(request, f"Đã lưu danh sách {n} cử tri.")
                return redirect(f"{back}#ballot-{ballot.pk}")
    elif request.method == "POST":
        status = REFUSED
        voter = Voter.objects.filter(ballot=ballot, pk=request.POST.get("voter") or 0).first()
        try:
            if voter is None:
                raise ValidationFailed("Cử tri này không có trong danh sách.")
            if request.POST.get("undo") == "1":
                ballot_hand_out_undo(
                    actor=request.user, ballot=ballot, voter=voter, reason=request.POST.get("reason", "")
                )
                messages.success(request, f"Đã thu hồi lượt phát phiếu cho {voter.name}.")
            else:
                ballot_hand_out(actor=request.user, ballot=ballot, voter=voter)
                messages.success(
                    request,
                    f"Đã ghi {voter.name} nhận phiếu."
                    + (
                        ""
                        if ballot.is_paper
                        else " Mời đại biểu quét phiếu mã và bấm “Kích hoạt mã” ngay tại bàn."
                    ),
                )
        except NotPermitted as exc:
            return forbidden(request, exc.message, back)
        except ValidationFailed as exc:
            for message in _problems(exc):
                messages.error(request, message)
        return redirect("web:ballot_roll", ballot.pk)
    ballot.refresh_from_db()
    context = {
        "ballot": ballot,
        "form": form,
        "names": names,
        "voters": stored,
        "is_default": is_default,
        "changes": list(ballot.roll_changes.all()),
        "source_size": roll_source_size(ballot),
        "box": public_box(ballot),
    }
    return render(request, "web/voting/roll.html", context, status=status)


@require_http_methods(["GET", "POST"])
def ballot_paper(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Paper ballots: a member of the counting board enters them (each ballot, or the totals); another
    confirms or discards the entry."""
    ballot, roles = get_ballot(request, ballot_id)
    back = reverse("web:conference", args=[ballot.conference_id])
    refused = refuse(request, roles.counts, BOARD_ONLY.format(what="nhập và xác nhận phiếu giấy"), back)
    if refused is not None:
        return refused
    if not ballot.is_paper:
        raise Http404("Cuộc bỏ phiếu này không dùng phiếu giấy")
    names = list(ballot.candidates.values_list("name", flat=True))
    yes_no = ballot.method == "yes_no"
    action = request.POST.get("action", "") if request.method == "POST" else ""
    lines_form = PaperBallotsForm(request.POST if action == "ballots" else None, candidates=names)
    totals_form = PaperTotalsForm(
        request.POST if action == "totals" else None, candidates=names, yes_no=yes_no
    )
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        status = REFUSED
        try:
            if action == "ballots" and lines_form.is_valid():
                entry = paper_entry_submit(
                    actor=request.user, ballot=ballot, ballots=lines_form.cleaned_data["lines"]
                )
                messages.success(
                    request, f"Đã nhập {entry.cast} phiếu (lần {entry.number}): chờ thành viên khác xác nhận."
                )
                return redirect("web:ballot_paper", ballot_id=ballot.pk)
            if action == "totals" and totals_form.is_valid():
                entry = paper_entry_submit(actor=request.user, ballot=ballot, totals=totals_form.totals())
                messages.success(
                    request, f"Đã nhập số tổng hợp (lần {entry.number}): chờ thành viên khác xác nhận."
                )
                return redirect("web:ballot_paper", ballot_id=ballot.pk)
            if action in ("confirm", "reject"):
                target = PaperEntry.objects.filter(ballot=ballot, pk=request.POST.get("entry") or 0).first()
                if target is None:
                    raise Http404("Không có lần nhập này")
                if action == "confirm":
                    paper_entry_confirm(actor=request.user, entry=target)
                    messages.success(
                        request, f"Đã xác nhận lần nhập {target.number}: {target.cast} phiếu được tính."
                    )
                else:
                    paper_entry_reject(
                        actor=request.user, entry=target, reason=request.POST.get("reason", "")
                    )
                    messages.success(request, f"Đã hủy lần nhập {target.number}.")
                return redirect("web:ballot_paper", ballot_id=ballot.pk)
            if action not in ("ballots", "totals"):
                errors.append("Thao tác không hợp lệ.")
        except NotPermitted as exc:
            return forbidden(request, exc.message, request.path)
        except ValidationFailed as exc:
            form_hit = lines_form if action == "ballots" else totals_form if action == "totals" else None
            for problem in exc.problems:
                if isinstance(form_hit, PaperTotalsForm):
                    form_hit.add_error(
                        form_hit.field_for(problem.field, problem.row), sentence(problem.message)
                    )
                elif isinstance(form_hit, PaperBallotsForm):
                    form_hit.add_error("lines", _problems(ValidationFailed(problem), "Phiếu thứ")[0])
                else:
                    errors.append(sentence(problem.message))
    stored = list(ballot.paper_entries.select_related("entered_by", "confirmed_by").order_by("number"))
    entries = [{"entry": e, "summary": _entry_summary(e, names)} for e in stored]
    counted = sum(e.cast for e in stored if e.status == EntryStatus.CONFIRMED)
    context = {
        "ballot": ballot,
        "names": names,
        "lines_form": lines_form,
        "totals_form": totals_form,
        "entries": entries,
        "counted": counted,
        "errors": errors,
        "user_id": roles.user_id,
        "can_enter": ballot.status == BallotStatus.CLOSED,
    }
    return render(request, "web/voting/paper.html", context, status=status)


def _entry_summary(entry: PaperEntry, names: list[str]) -> list[str]:
    """What an entry says, per candidate, so the second member can check it against the paper."""
    if "totals" in entry.content:
        t = entry.content["totals"]
        out = [f"Thu về {t['cast']}, không hợp lệ {t['invalid']}"]
        for n in names:
            no = t["no"].get(n, 0)
            out.append(f"{n}: {t['yes'].get(n, 0)} đồng ý" + (f", {no} không đồng ý" if no else ""))
        return out
    rows = entry.content["ballots"]
    spoiled = sum(1 for r in rows if r["spoiled"])
    out = [f"{len(rows)} phiếu, trong đó {spoiled} không hợp lệ"]
    for n in names:
        yes = sum(1 for r in rows if not r["spoiled"] and n in r["marks"])
        no = sum(1 for r in rows if not r["spoiled"] and n in r["against"])
        out.append(f"{n}: {yes} đồng ý" + (f", {no} không đồng ý" if no else ""))
    return out
