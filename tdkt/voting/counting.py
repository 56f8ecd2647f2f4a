"""The count and its verification.

The counting board counts a closed box only when it is whole and unaltered: for an electronic ballot the
ballots in the box, the receipts and the codes used must be as many as the casts recorded, and the box and
the receipts must give the digests fixed at close; for a paper ballot the confirmed entries' chain must
hold and their ballots may not exceed the voters who received one. The result and its hash are stored, with
the minutes' number in the conference's register. `ballot_verify` checks all of it again, and that counting
the stored box again gives the stored result, at any time after the count (`tdkt ballot verify`, the API,
the public box page): an edit of any stored row is caught and named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tdkt.core.audit import Actor, audit_record
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.voting import sealing
from tdkt.voting import tally as tally_engine
from tdkt.voting.access import check_counts, lock_ballot, rules_of
from tdkt.voting.jsonio import result_to_json
from tdkt.voting.models import (
    Ballot,
    BallotCode,
    BallotMode,
    BallotStatus,
    BoxReceipt,
    Candidate,
    CastBallot,
    CodeState,
    EntryKind,
    EntryStatus,
    PaperEntry,
)
from tdkt.voting.paper import counted_paper, paper_problems


def _box_rows(ballot: Ballot) -> list[tuple[list[str], list[str]]]:
    return [
        (list(m), list(a))
        for m, a in CastBallot.objects.filter(ballot=ballot).values_list("marks", "against")
    ]


def box_problems(ballot: Ballot) -> list[str]:
    """What does not hold in a closed electronic box: its counts against each other and its digests."""
    if ballot.mode != BallotMode.ELECTRONIC or ballot.status in (BallotStatus.DRAFT, BallotStatus.OPEN):
        return []
    problems = []
    rows = _box_rows(ballot)
    receipts = list(BoxReceipt.objects.filter(ballot=ballot).values_list("receipt_hash", flat=True))
    used = BallotCode.objects.filter(ballot=ballot, state=CodeState.USED).count()
    issued = BallotCode.objects.filter(ballot=ballot).count()
    if len(rows) != used:
        problems.append(f"hòm phiếu có {len(rows)} phiếu nhưng {used} mã đã được dùng")
    if len(receipts) != len(rows):
        problems.append(f"hòm phiếu có {len(rows)} phiếu nhưng {len(receipts)} biên nhận")
    if len(rows) != ballot.cast_count:
        problems.append(f"hòm phiếu có {len(rows)} phiếu nhưng đã ghi nhận {ballot.cast_count} lần bỏ phiếu")
    if used != ballot.codes_used:
        problems.append(f"{used} mã đã dùng, khác số ghi lúc đóng hòm ({ballot.codes_used})")
    if issued != ballot.codes_issued:
        problems.append(f"{issued} mã trong hòm, khác số mã đã in ({ballot.codes_issued})")
    if len(rows) > ballot.checked_in:
        problems.append(f"{len(rows)} phiếu, nhiều hơn số cử tri đã nhận phiếu ({ballot.checked_in})")
    if sealing.box_digest(rows) != ballot.box_hash:
        problems.append("nội dung hòm phiếu khác với lúc đóng hòm (mã băm không khớp)")
    if sealing.receipts_digest(receipts) != ballot.receipts_hash:
        problems.append("danh sách biên nhận khác với lúc đóng hòm (mã băm không khớp)")
    return problems


def _paper_totals(ballot: Ballot, names: list[str]) -> tuple[tally_engine.Totals, str]:
    rules = rules_of(ballot)
    parts = []
    head = sealing.GENESIS
    for e in PaperEntry.objects.filter(ballot=ballot, status=EntryStatus.CONFIRMED).order_by("number"):
        head = e.entry_hash
        if e.kind == EntryKind.BALLOTS:
            rows = e.content["ballots"]
            counted = tally_engine.count(
                rules,
                names,
                [
                    tally_engine.Ballot(frozenset(r["marks"]), frozenset(r["against"]))
                    for r in rows
                    if not r["spoiled"]
                ],
            )
            spoiled = tuple((0, tally_engine.SPOILED) for r in rows if r["spoiled"])
            parts.append(tally_engine.Totals(len(rows), counted.invalid + spoiled, counted.yes, counted.no))
        else:
            t = e.content["totals"]
            parts.append(
                tally_engine.Totals(
                    t["cast"],
                    tuple((0, tally_engine.SPOILED) for _ in range(t["invalid"])),
                    tuple((n, int(t["yes"].get(n, 0))) for n in names),
                    tuple((n, int(t["no"].get(n, 0))) for n in names),
                )
            )
    return tally_engine.combine(names, parts), head


def _blank(ballot: Ballot) -> int:
    """Ballots marking nobody (valid ballots that choose no one: phiếu trắng)."""
    if ballot.mode == BallotMode.ELECTRONIC:
        return sum(1 for m, a in _box_rows(ballot) if not m and not a)
    blank = 0
    for e in PaperEntry.objects.filter(ballot=ballot, status=EntryStatus.CONFIRMED, kind=EntryKind.BALLOTS):
        blank += sum(
            1 for r in e.content["ballots"] if not r["spoiled"] and not r["marks"] and not r["against"]
        )
    return blank


def _count(ballot: Ballot) -> dict[str, Any]:
    """Count the stored box as it is now; the result as stored (without the minutes' register data)."""
    rules = rules_of(ballot)
    candidates = list(Candidate.objects.filter(ballot=ballot).values_list("name", flat=True))
    if ballot.mode == BallotMode.PAPER:
        totals, box_hash = _paper_totals(ballot, candidates)
    else:
        box_hash = ballot.box_hash
        box = [
            tally_engine.Ballot(frozenset(m), frozenset(a)) for m, a in sealing.box_order(_box_rows(ballot))
        ]
        totals = tally_engine.count(rules, candidates, box)
    outcome = tally_engine.decide(rules, candidates, ballot.electorate, totals)
    result = result_to_json(outcome)
    result.update(
        box_hash=box_hash,
        receipts_hash=ballot.receipts_hash,
        mode=ballot.mode,
        blank=_blank(ballot),
        checked_in=ballot.checked_in,
        codes={"issued": ballot.codes_issued, "used": ballot.codes_used, "voided": ballot.codes_voided},
    )
    return result


def _paper_count_problems(ballot: Ballot) -> list[str]:
    problems = paper_problems(ballot)
    counted = counted_paper(ballot)
    if counted > ballot.checked_in:
        problems.append(f"{counted} phiếu giấy, nhiều hơn số cử tri đã nhận phiếu ({ballot.checked_in})")
    return problems


@transaction.atomic
def ballot_tally(*, actor: Actor, ballot: Ballot) -> Ballot:
    """The counting board counts the whole closed box, after checking that it is whole and unaltered; the
    result and its hash are stored and the minutes get the next number of the conference's register."""
    ballot = lock_ballot(ballot)
    check_counts(actor, ballot.conference, "kiểm phiếu")
    if ballot.status != BallotStatus.CLOSED:
        raise ValidationFailed(Problem("chỉ kiểm phiếu khi hòm phiếu đã đóng", field="status"))
    if ballot.mode == BallotMode.PAPER:
        entries = PaperEntry.objects.filter(ballot=ballot)
        if entries.filter(status=EntryStatus.PENDING).exists():
            raise ValidationFailed(
                Problem(
                    "còn lần nhập phiếu giấy chưa được xác nhận: xác nhận hoặc hủy trước khi kiểm phiếu",
                    field="status",
                )
            )
        if not entries.filter(status=EntryStatus.CONFIRMED).exists():
            raise ValidationFailed(Problem("chưa có phiếu giấy nào được nhập và xác nhận", field="status"))
        problems = _paper_count_problems(ballot)
    else:
        problems = box_problems(ballot)
    if problems:
        raise ValidationFailed([Problem(p, field="box") for p in problems])
    try:
        result = _count(ballot)
    except tally_engine.TallyError as exc:
        raise ValidationFailed([Problem(p, field="box") for p in exc.problems]) from exc
    number = (
        Ballot.objects.filter(conference=ballot.conference_id).aggregate(n=Max("minutes_number"))["n"] or 0
    ) + 1
    ballot.result = result
    ballot.result_hash = sealing.digest(sealing.canonical(result))
    ballot.box_hash = result["box_hash"]
    ballot.status = BallotStatus.TALLIED
    ballot.counted_at = timezone.now()
    ballot.minutes_number = number
    ballot.save(update_fields=["result", "result_hash", "status", "box_hash", "counted_at", "minutes_number"])
    audit_record(
        actor=actor,
        action="ballot.tally",
        instance=ballot,
        after={
            "result_hash": ballot.result_hash,
            "elected": result["elected"],
            "box_hash": ballot.box_hash,
            "minutes_number": number,
        },
    )
    return ballot


def ballot_verify(ballot: Ballot) -> list[str]:
    """Everything that no longer holds in a closed or counted ballot: its box, its receipts and codes, and,
    once counted, that counting the stored box again gives the stored result and its hash. Empty: it
    verifies."""
    ballot = Ballot.objects.get(pk=ballot.pk)
    if ballot.status in (BallotStatus.DRAFT, BallotStatus.OPEN):
        return []
    if ballot.mode == BallotMode.PAPER:
        problems = _paper_count_problems(ballot) if ballot.status == BallotStatus.TALLIED else []
    else:
        problems = box_problems(ballot)
    if ballot.status != BallotStatus.TALLIED:
        return problems
    if ballot.result is None or sealing.digest(sealing.canonical(ballot.result)) != ballot.result_hash:
        problems.append("kết quả đã lưu khác với mã băm kết quả ghi lúc kiểm phiếu")
    try:
        again = _count(ballot)
    except tally_engine.TallyError as exc:
        problems.extend(exc.problems)
    else:
        if again != ballot.result:
            changed = sorted(
                k
                for k in again.keys() | (ballot.result or {}).keys()
                if again.get(k) != (ballot.result or {}).get(k)
            )
            problems.append("kiểm lại hòm phiếu cho kết quả khác kết quả đã lưu (" + ", ".join(changed) + ")")
    return problems


@dataclass(frozen=True)
class PublicBox:
    """What anyone may read of a ballot's box: counts while it is open; once closed, every ballot in the
    canonical order and every receipt hash (sorted, separately), the digests and the result."""

    ballot: Ballot
    cast: int
    checked_in: int
    ballots: list[list[list[str]]]
    receipts: list[str]

    def as_json(self) -> dict[str, Any]:
        b = self.ballot
        data: dict[str, Any] = {
            "ballot": b.pk,
            "title": b.title,
            "status": b.status,
            "mode": b.mode,
            "electorate": b.electorate,
            "checked_in": self.checked_in,
            "cast": self.cast,
        }
        if b.status in (BallotStatus.CLOSED, BallotStatus.TALLIED):
            data.update(
                codes={"issued": b.codes_issued, "used": b.codes_used, "voided": b.codes_voided},
                ballots=[{"marks": m, "against": a} for m, a in self.ballots],
                box_hash=b.box_hash,
                receipts=self.receipts,
                receipts_hash=b.receipts_hash,
            )
        if b.status == BallotStatus.TALLIED:
            data.update(result=b.result, result_hash=b.result_hash)
        return data


def public_box(ballot: Ballot) -> PublicBox:
    ballot = Ballot.objects.select_related("conference").get(pk=ballot.pk)
    closed = ballot.status in (BallotStatus.CLOSED, BallotStatus.TALLIED)
    electronic = ballot.mode == BallotMode.ELECTRONIC
    return PublicBox(
        ballot=ballot,
        cast=ballot.cast_count if electronic else counted_paper(ballot),
        checked_in=ballot.checked_in,
        ballots=sealing.box_order(_box_rows(ballot)) if closed and electronic else [],
        receipts=(
            sorted(BoxReceipt.objects.filter(ballot=ballot).values_list("receipt_hash", flat=True))
            if closed and electronic
            else []
        ),
    )


NOTES_MAX = 4000


@transaction.atomic
def ballot_notes_set(*, actor: Actor, ballot: Ballot, remarks: str, complaints: str) -> Ballot:
    """The counting board records its remarks and the complaints received, for the vote-counting minutes,
    once the box is closed (before or after the count); audited with the text before and after."""
    ballot = lock_ballot(ballot)
    check_counts(actor, ballot.conference, "ghi nhận xét và khiếu nại vào biên bản kiểm phiếu")
    if ballot.status not in (BallotStatus.CLOSED, BallotStatus.TALLIED):
        raise ValidationFailed(Problem("chỉ ghi vào biên bản khi hòm phiếu đã đóng", field="status"))
    problems = [
        Problem(f"quá {NOTES_MAX} ký tự", field=name)
        for name, text in (("remarks", remarks), ("complaints", complaints))
        if len(text.strip()) > NOTES_MAX
    ]
    if problems:
        raise ValidationFailed(problems)
    before = {"remarks": ballot.remarks, "complaints": ballot.complaints}
    ballot.remarks, ballot.complaints = remarks.strip(), complaints.strip()
    ballot.save(update_fields=["remarks", "complaints"])
    audit_record(
        actor=actor,
        action="ballot.notes",
        instance=ballot,
        before=before,
        after={"remarks": ballot.remarks, "complaints": ballot.complaints},
    )
    return ballot
