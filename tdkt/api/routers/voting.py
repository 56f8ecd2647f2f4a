"""Secret ballots over the API: read a ballot, cast with a one-time code, check a receipt, read the box.

Casting needs no login: the one-time code is the credential, so the endpoint carries no ambient authority
and needs no CSRF token. Nothing about the caller is stored (see tdkt.voting.models).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from tdkt.reports.documents import AdminDocument, to_docx, to_pdf
from tdkt.voting.minutes import tally_minutes
from tdkt.voting.models import Ballot, BallotStatus
from tdkt.voting.services import ballot_cast, receipt_in_box

router = Router(tags=["voting"])


class CastIn(Schema):
    code: str
    marks: list[str] = []
    against: list[str] = []


class ReceiptOut(Schema):
    receipt: str
    entry_hash: str
    message: str


class ReceiptCheckOut(Schema):
    in_box: bool
    message: str


class BoxEntryOut(Schema):
    marks: list[str]
    against: list[str]
    receipt_hash: str
    previous_hash: str
    entry_hash: str


class BallotOut(Schema):
    id: int
    title: str
    purpose: str
    round_number: int
    status: str
    method: str
    max_choices: int
    seats: int | None
    quorum: str
    threshold: str
    strict: bool
    base: str
    electorate: int
    candidates: list[str]
    box_hash: str
    result: dict[str, Any] | None
    result_hash: str


def _ballot(ballot_id: int) -> Ballot:
    ballot = Ballot.objects.filter(pk=ballot_id).exclude(status=BallotStatus.DRAFT).first()
    if ballot is None:
        raise Http404
    return ballot


@router.get("/ballots/{ballot_id}", response=BallotOut, summary="Một cuộc bỏ phiếu (đã mở)")
def ballot_detail(request: HttpRequest, ballot_id: int) -> BallotOut:
    ballot = _ballot(ballot_id)
    return BallotOut(
        id=ballot.pk,
        title=ballot.title,
        purpose=ballot.purpose,
        round_number=ballot.round_number,
        status=ballot.status,
        method=ballot.method,
        max_choices=ballot.max_choices,
        seats=ballot.seats,
        quorum=ballot.quorum,
        threshold=ballot.threshold,
        strict=ballot.strict,
        base=ballot.base,
        electorate=ballot.electorate,
        candidates=list(ballot.candidates.values_list("name", flat=True)),
        box_hash=ballot.box_hash,
        result=ballot.result if ballot.status == BallotStatus.TALLIED else None,
        result_hash=ballot.result_hash,
    )


@router.post(
    "/ballots/{ballot_id}/cast",
    response={201: ReceiptOut},
    summary="Bỏ phiếu bằng mã một lần",
)
def cast(request: HttpRequest, ballot_id: int, body: CastIn) -> Status[ReceiptOut]:
    ballot = _ballot(ballot_id)
    receipt = ballot_cast(ballot=ballot, code=body.code, marks=body.marks, against=body.against)
    return Status(
        201,
        ReceiptOut(
            receipt=receipt.code,
            entry_hash=receipt.entry_hash,
            message="Đã nhận phiếu. Giữ mã biên nhận để kiểm tra phiếu của bạn có trong hòm phiếu đã công bố.",
        ),
    )


@router.get(
    "/ballots/{ballot_id}/receipts/{receipt}",
    response=ReceiptCheckOut,
    summary="Kiểm tra biên nhận có trong hòm phiếu",
)
def check_receipt(request: HttpRequest, ballot_id: int, receipt: str) -> ReceiptCheckOut:
    ballot = _ballot(ballot_id)
    found = receipt_in_box(ballot=ballot, receipt=receipt)
    return ReceiptCheckOut(
        in_box=found,
        message="Phiếu của bạn có trong hòm phiếu." if found else "Không tìm thấy phiếu với biên nhận này.",
    )


@router.get("/ballots/{ballot_id}/box", response=list[BoxEntryOut], summary="Hòm phiếu đã đóng (công khai)")
def box(request: HttpRequest, ballot_id: int) -> list[BoxEntryOut]:
    """The whole box with its hash chain, once closed: anyone can recompute the chain and the count."""
    ballot = _ballot(ballot_id)
    if ballot.status not in (BallotStatus.CLOSED, BallotStatus.TALLIED):
        raise Http404
    return [
        BoxEntryOut(marks=m, against=a, receipt_hash=r, previous_hash=p, entry_hash=e)
        for m, a, r, p, e in ballot.box.order_by("id").values_list(
            "marks", "against", "receipt_hash", "previous_hash", "entry_hash"
        )
    ]


def _minutes_of(ballot_id: int) -> tuple[Ballot, AdminDocument]:
    ballot = (
        Ballot.objects.select_related("conference__cluster_year__cluster__organiser")
        .filter(pk=ballot_id)
        .first()
    )
    if ballot is None or ballot.status != BallotStatus.TALLIED:
        raise Http404
    return ballot, tally_minutes(ballot)


@router.get("/ballots/{ballot_id}/minutes.docx", summary="Biên bản kiểm phiếu (.docx)", response={200: None})
def minutes_docx(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot, document = _minutes_of(ballot_id)
    response = HttpResponse(
        to_docx(document),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="bien-ban-kiem-phieu-{ballot.pk}.docx"'
    return response


@router.get("/ballots/{ballot_id}/minutes.pdf", summary="Biên bản kiểm phiếu (.pdf)", response={200: None})
def minutes_pdf(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot, document = _minutes_of(ballot_id)
    response = HttpResponse(to_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-ban-kiem-phieu-{ballot.pk}.pdf"'
    return response
