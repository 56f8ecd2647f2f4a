"""Conferences and secret ballots over the API: read a conference (its record, what it decided, its
ballots) and download its minutes; read a ballot, cast with a one-time code, check a receipt, read the box,
download the vote-counting minutes.

Casting needs no login: the one-time code is the credential, so the endpoint carries no ambient authority
and needs no CSRF token. Nothing about the caller is stored (see tdkt.voting.models).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from tdkt.api.schemas import InputSchema
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.reports.documents import AdminDocument, to_docx, to_pdf
from tdkt.voting.box import ballot_activate, ballot_cast, receipt_in_box
from tdkt.voting.counting import ballot_verify, public_box
from tdkt.voting.minutes import conference_minutes, tally_minutes
from tdkt.voting.models import Ballot, BallotStatus, Conference
from tdkt.voting.selectors import conference_record_hash, conference_roles, elected_roles, visible_ballots

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

router = Router(tags=["voting"])


class CastIn(InputSchema):
    code: str
    marks: list[str] = []
    against: list[str] = []


class ActivateIn(InputSchema):
    code: str


class MessageOut(Schema):
    message: str


class ReceiptOut(Schema):
    receipt: str
    message: str


class ReceiptIn(InputSchema):
    receipt: str


class ReceiptCheckOut(Schema):
    in_box: bool
    message: str


class VerifyOut(Schema):
    verified: bool
    status: str
    problems: list[str]


class BallotOut(Schema):
    id: int
    title: str
    purpose: str
    round_number: int
    status: str
    mode: str
    electorate_kind: str
    method: str
    max_choices: int
    seats: int | None
    quorum: str
    threshold: str
    strict: bool
    base: str
    electorate: int
    candidates: list[str]
    candidates_source: str
    added: list[dict[str, str]]
    removed: list[dict[str, str]]
    checked_in: int
    cast: int
    codes: dict[str, int]
    box_hash: str
    receipts_hash: str
    result: dict[str, Any] | None
    result_hash: str
    rule_citation: str
    rule_tag: str


def _ballot(ballot_id: int) -> Ballot:
    ballot = Ballot.objects.filter(pk=ballot_id).exclude(status=BallotStatus.DRAFT).first()
    if ballot is None:
        raise Http404
    return ballot


def _ballot_out(ballot: Ballot) -> BallotOut:
    return BallotOut(
        id=ballot.pk,
        title=ballot.title,
        purpose=ballot.purpose,
        round_number=ballot.round_number,
        status=ballot.status,
        mode=ballot.mode,
        electorate_kind=ballot.electorate_kind,
        method=ballot.method,
        max_choices=ballot.max_choices,
        seats=ballot.seats,
        quorum=ballot.quorum,
        threshold=ballot.threshold,
        strict=ballot.strict,
        base=ballot.base,
        electorate=ballot.electorate,
        candidates=[c.name for c in ballot.candidates.all()],
        candidates_source=ballot.candidates_source,
        added=[{"name": c.name, "reason": c.added_reason} for c in ballot.candidates.all() if c.added_reason],
        removed=[{"name": r.name, "reason": r.reason} for r in ballot.removed_candidates.all()],
        checked_in=ballot.checked_in,
        cast=public_box(ballot).cast,
        codes={"issued": ballot.codes_issued, "used": ballot.codes_used, "voided": ballot.codes_voided},
        box_hash=ballot.box_hash,
        receipts_hash=ballot.receipts_hash,
        result=ballot.result if ballot.status == BallotStatus.TALLIED else None,
        result_hash=ballot.result_hash,
        rule_citation=ballot.rule_citation,
        rule_tag=ballot.rule_tag,
    )


@router.get("/ballots/{ballot_id}", response=BallotOut, summary="Một cuộc bỏ phiếu (đã mở)")
def ballot_detail(request: HttpRequest, ballot_id: int) -> BallotOut:
    return _ballot_out(_ballot(ballot_id))


@router.post(
    "/ballots/{ballot_id}/activate",
    response={200: MessageOut},
    summary="Kích hoạt phiếu mã tại bàn Ban kiểm phiếu",
)
def activate(request: HttpRequest, ballot_id: int, body: ActivateIn) -> MessageOut:
    """Takes the hand-out the counting board just recorded. Without one waiting, every code gets the same
    refusal; with one, any code of this ballot gets the same success (only a new one takes it)."""
    ballot_activate(ballot=_ballot(ballot_id), code=body.code)
    return MessageOut(message="Mã đã được kích hoạt. Mời bạn bỏ phiếu.")


@router.post(
    "/ballots/{ballot_id}/cast",
    response={201: ReceiptOut},
    summary="Bỏ phiếu bằng mã một lần (đã kích hoạt)",
)
def cast(request: HttpRequest, ballot_id: int, body: CastIn) -> Status[ReceiptOut]:
    ballot = _ballot(ballot_id)
    receipt = ballot_cast(ballot=ballot, code=body.code, marks=body.marks, against=body.against)
    return Status(
        201,
        ReceiptOut(
            receipt=receipt.code,
            message=(
                "Đã nhận phiếu. Giữ mã biên nhận để kiểm tra phiếu của bạn đã vào hòm và đã được kiểm; "
                "biên nhận không cho biết bạn đã chọn ai."
            ),
        ),
    )


@router.post(
    "/ballots/{ballot_id}/receipts",
    response=ReceiptCheckOut,
    summary="Kiểm tra biên nhận có trong hòm phiếu",
)
def check_receipt(request: HttpRequest, ballot_id: int, body: ReceiptIn) -> ReceiptCheckOut:
    """A form post, never a URL: a receipt in a URL would reach the access log."""
    ballot = _ballot(ballot_id)
    found = receipt_in_box(ballot=ballot, receipt=body.receipt)
    return ReceiptCheckOut(
        in_box=found,
        message=(
            "Có một phiếu đã vào hòm với biên nhận này; biên nhận không cho biết phiếu đã chọn ai."
            if found
            else "Không tìm thấy biên nhận này trong hòm phiếu."
        ),
    )


@router.get("/ballots/{ballot_id}/box", response=dict[str, Any], summary="Hòm phiếu (công khai)")
def box(request: HttpRequest, ballot_id: int) -> dict[str, Any]:
    """While open, counts only; once closed, every ballot in the canonical order (sorted by content, never
    the order of casting), the receipt hashes sorted apart from them, the digests, and the result."""
    return public_box(_ballot(ballot_id)).as_json()


@router.get("/ballots/{ballot_id}/verify", response=VerifyOut, summary="Kiểm tra lại hòm phiếu và kết quả")
def verify(request: HttpRequest, ballot_id: int) -> VerifyOut:
    ballot = _ballot(ballot_id)
    problems = ballot_verify(ballot)
    return VerifyOut(verified=not problems, status=ballot.status, problems=problems)


def _minutes_of(ballot_id: int) -> tuple[Ballot, AdminDocument]:
    ballot = (
        Ballot.objects.select_related(
            "conference__cluster_year__cluster__organiser", "conference__council_of"
        )
        .filter(pk=ballot_id)
        .first()
    )
    if ballot is None or ballot.status != BallotStatus.TALLIED:
        raise Http404
    _refuse_unverified([ballot])
    return ballot, tally_minutes(ballot)


def _refuse_unverified(ballots: list[Ballot]) -> None:
    """No minutes are printed from a box or a result that no longer verifies: 422 naming what changed."""
    problems = [f"{b.title} (vòng {b.round_number}): {p}" for b in ballots for p in ballot_verify(b)]
    if problems:
        raise ValidationFailed(
            [
                Problem("hòm phiếu hoặc kết quả đã bị sửa sau khi kiểm phiếu: " + p, field="box")
                for p in problems
            ]
        )


@router.get("/ballots/{ballot_id}/minutes.docx", summary="Biên bản kiểm phiếu (.docx)", response={200: None})
def minutes_docx(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot, document = _minutes_of(ballot_id)
    response = HttpResponse(to_docx(document), content_type=DOCX)
    response["Content-Disposition"] = (
        f'attachment; filename="bien-ban-kiem-phieu-so-{ballot.minutes_number or 0:02d}-hoi-nghi-{ballot.conference_id}.docx"'
    )
    return response


@router.get("/ballots/{ballot_id}/minutes.pdf", summary="Biên bản kiểm phiếu (.pdf)", response={200: None})
def minutes_pdf(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot, document = _minutes_of(ballot_id)
    response = HttpResponse(to_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="bien-ban-kiem-phieu-so-{ballot.minutes_number or 0:02d}-hoi-nghi-{ballot.conference_id}.pdf"'
    )
    return response


class DelegateOut(Schema):
    unit: str
    name: str
    position: str
    votes: bool


class CountingMemberOut(Schema):
    name: str
    chair: bool


class ElectedOut(Schema):
    role: str
    year: int
    unit: str
    recorded: bool


class ConferenceOut(Schema):
    id: int
    cluster_year_id: int | None  # a cluster's conference
    cluster_year: str | None
    council_of_id: int | None  # a council's session
    council: str | None
    council_size: int | None
    kind: str
    kind_label: str
    held_on: str
    place: str
    host: str
    chair: str
    secretary: str
    agenda: list[str]
    delegates: list[DelegateOut]
    counting_board: list[CountingMemberOut]
    covenant: str | None
    criteria_set: str | None
    conclusions: list[str]
    elected: list[ElectedOut]
    ballots: list[BallotOut]
    record_hash: str


def _conference(conference_id: int) -> Conference:
    conference = (
        Conference.objects.select_related(
            "cluster_year__cluster__organiser", "council_of", "host", "covenant", "criteria_set"
        )
        .filter(pk=conference_id)
        .first()
    )
    if conference is None:
        raise Http404
    return conference


@router.get(
    "/conferences/{conference_id}", response=ConferenceOut, summary="Một hội nghị và những gì đã quyết định"
)
def conference_detail(request: HttpRequest, conference_id: int) -> ConferenceOut:
    """Public: conferences and council sessions are records (a session names its council instead of a
    cluster-year). Draft ballots are listed only for the head's staff, the board and
    the counting board."""
    conference = _conference(conference_id)
    roles = conference_roles(request.user, conference)
    return ConferenceOut(
        id=conference.pk,
        cluster_year_id=conference.cluster_year_id,
        cluster_year=str(conference.cluster_year) if conference.cluster_year_id else None,
        council_of_id=conference.council_of_id,
        council=conference.council_name or None,
        council_size=conference.council_size,
        kind=conference.kind,
        kind_label=conference.get_kind_display(),
        held_on=conference.held_on.isoformat(),
        place=conference.place,
        host=conference.host.name,
        chair=conference.chair_name,
        secretary=conference.secretary_name,
        agenda=conference.agenda_items,
        delegates=[
            DelegateOut(unit=d.unit.name, name=d.name, position=d.position, votes=d.votes)
            for d in conference.delegates.select_related("unit").order_by("order", "id")
        ],
        counting_board=[
            CountingMemberOut(name=m.name, chair=m.is_chair) for m in conference.counting_board.all()
        ],
        covenant=str(conference.covenant) if conference.covenant else None,
        criteria_set=str(conference.criteria_set) if conference.criteria_set else None,
        conclusions=[line.strip() for line in conference.conclusions.splitlines() if line.strip()],
        elected=[
            ElectedOut(role=r.role, year=r.year, unit=r.unit_name, recorded=r.recorded is not None)
            for r in elected_roles(conference)
        ],
        ballots=[_ballot_out(b) for b in visible_ballots(conference, roles)],
        record_hash=conference_record_hash(conference),
    )


@router.get(
    "/conferences/{conference_id}/minutes.docx", summary="Biên bản hội nghị (.docx)", response={200: None}
)
def conference_minutes_docx(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = _conference(conference_id)
    _refuse_unverified(list(conference.ballots.filter(status=BallotStatus.TALLIED)))
    response = HttpResponse(to_docx(conference_minutes(conference)), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="bien-ban-hoi-nghi-{conference.pk}.docx"'
    return response


@router.get(
    "/conferences/{conference_id}/minutes.pdf", summary="Biên bản hội nghị (.pdf)", response={200: None}
)
def conference_minutes_pdf(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = _conference(conference_id)
    _refuse_unverified(list(conference.ballots.filter(status=BallotStatus.TALLIED)))
    response = HttpResponse(to_pdf(conference_minutes(conference)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-ban-hoi-nghi-{conference.pk}.pdf"'
    return response
