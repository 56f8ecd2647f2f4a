"""Paper ballots, entered by the counting board.

A ballot is paper or electronic as a whole (`Ballot.mode`, fixed when it is created), so a voter can never
be counted both ways: a paper ballot issues no codes and refuses casts; an electronic one refuses paper
entries. The board hands each voter present a paper ballot (`voting.box.ballot_hand_out`); after the box is
closed, a member enters the paper ballots one by one or as per-candidate totals (one way per ballot), never
more than the voters who received one; impossible counts are refused, and nothing counts until a second,
different member confirms the entry. Confirmed entries are hash-chained; they are the board's work, not
voters', so their order reveals nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Sum

from tdkt.core.audit import Actor, actor_user, audit_record
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.voting import sealing
from tdkt.voting import tally as tally_engine
from tdkt.voting.access import check_counts, lock_ballot, rules_of
from tdkt.voting.models import Ballot, BallotMode, BallotStatus, Candidate, EntryKind, EntryStatus, PaperEntry


@dataclass(frozen=True)
class PaperBallotInput:
    """One paper ballot as read by the counting board: the names marked (or agreed to) and disagreed
    with; `spoiled` for a ballot the board finds invalid (it is counted as cast, not as valid)."""

    marks: list[str] = field(default_factory=list)
    against: list[str] = field(default_factory=list)
    spoiled: bool = False


@dataclass(frozen=True)
class PaperTotalsInput:
    cast: int
    invalid: int
    yes: dict[str, int]
    no: dict[str, int] = field(default_factory=dict)


def _paper_ballot_problems(
    ballot: Ballot, names: list[str], ballots: list[PaperBallotInput]
) -> list[Problem]:
    rules = rules_of(ballot)
    known = set(names)
    problems = []
    for row, b in enumerate(ballots, start=1):
        if b.spoiled:
            if b.marks or b.against:
                problems.append(
                    Problem("phiếu không hợp lệ thì không ghi lựa chọn", row=row, field="ballots")
                )
            continue
        if len(set(b.marks)) != len(b.marks) or len(set(b.against)) != len(b.against):
            problems.append(Problem("một người được đánh dấu hai lần", row=row, field="ballots"))
            continue
        reason = tally_engine.invalid_reason(
            rules, known, tally_engine.Ballot(frozenset(b.marks), frozenset(b.against))
        )
        if reason is not None:
            problems.append(
                Problem(
                    f"{reason} (nếu phiếu giấy đúng là như vậy, ghi đó là phiếu không hợp lệ)",
                    row=row,
                    field="ballots",
                )
            )
    return problems


def counted_paper(ballot: Ballot) -> int:
    total = PaperEntry.objects.filter(ballot=ballot, status=EntryStatus.CONFIRMED).aggregate(n=Sum("cast"))[
        "n"
    ]
    return int(total or 0)


def _check_paper(ballot: Ballot) -> None:
    if ballot.mode != BallotMode.PAPER:
        raise ValidationFailed(
            Problem(
                "cuộc bỏ phiếu này là bỏ phiếu điện tử: không nhập phiếu giấy (một cuộc bỏ phiếu chỉ dùng một "
                "hình thức, để không cử tri nào được tính hai lần)",
                field="mode",
            )
        )
    if ballot.status != BallotStatus.CLOSED:
        raise ValidationFailed(
            Problem(
                "chỉ nhập phiếu giấy sau khi đóng hòm phiếu và trước khi công bố kết quả kiểm phiếu",
                field="status",
            )
        )


@transaction.atomic
def paper_entry_submit(
    *,
    actor: Actor,
    ballot: Ballot,
    ballots: list[PaperBallotInput] | None = None,
    totals: PaperTotalsInput | None = None,
) -> PaperEntry:
    """A counting-board member enters paper ballots, each one or the per-candidate totals. Impossible
    counts are refused with their row and field, and nothing is stored; the entry counts only once a
    second member confirms it. A ballot's paper count is entered one way only (ballot by ballot, in one or
    more entries, or one entry of totals), so no pile can be counted twice."""
    ballot = lock_ballot(ballot)
    check_counts(actor, ballot.conference, "nhập phiếu giấy")
    user = actor_user(actor)
    if user is None:
        raise NotPermitted("Nhập phiếu giấy cần một thành viên Ban kiểm phiếu đã đăng nhập.")
    _check_paper(ballot)
    if (ballots is None) == (totals is None):
        raise ValidationFailed(Problem("nhập từng phiếu hoặc số tổng hợp, không cả hai", field="kind"))
    entries = PaperEntry.objects.filter(ballot=ballot)
    if entries.filter(status=EntryStatus.PENDING).exists():
        raise ValidationFailed(
            Problem("còn một lần nhập đang chờ xác nhận: xác nhận hoặc hủy lần đó trước", field="kind")
        )
    kind = EntryKind.BALLOTS if ballots is not None else EntryKind.TOTALS
    earlier = entries.filter(status=EntryStatus.CONFIRMED).first()
    if earlier is not None and (earlier.kind != kind or kind == EntryKind.TOTALS):
        raise ValidationFailed(
            Problem(
                "phiếu giấy của cuộc bỏ phiếu này đã được nhập "
                + ("theo số tổng hợp" if earlier.kind == EntryKind.TOTALS else "từng phiếu")
                + ": mỗi cuộc bỏ phiếu chỉ nhập một cách (từng phiếu, hoặc một lần số tổng hợp) để không phiếu "
                "nào bị tính hai lần",
                field="kind",
            )
        )
    names = list(Candidate.objects.filter(ballot=ballot).values_list("name", flat=True))
    if ballots is not None:
        ballots = [
            PaperBallotInput(
                [sealing.clean_name(m) for m in b.marks],
                [sealing.clean_name(a) for a in b.against],
                b.spoiled,
            )
            for b in ballots
        ]
    if totals is not None:
        totals = PaperTotalsInput(
            totals.cast,
            totals.invalid,
            {sealing.clean_name(k): v for k, v in totals.yes.items()},
            {sealing.clean_name(k): v for k, v in totals.no.items()},
        )
    room = ballot.checked_in - counted_paper(ballot)
    content: dict[str, Any]
    if ballots is not None:
        problems = _paper_ballot_problems(ballot, names, ballots)
        if not ballots:
            problems.append(Problem("chưa nhập phiếu nào", field="ballots"))
        if len(ballots) > room:
            problems.append(
                Problem(
                    f"{len(ballots)} phiếu, nhiều hơn số cử tri đã nhận phiếu mà chưa được tính ({room} trên {ballot.checked_in} cử tri đã nhận phiếu)",
                    field="ballots",
                )
            )
        if problems:
            raise ValidationFailed(problems)
        content = {
            "ballots": [
                {"marks": sorted(b.marks), "against": sorted(b.against), "spoiled": b.spoiled}
                for b in ballots
            ]
        }
        cast = len(ballots)
    else:
        assert totals is not None
        issues = tally_engine.check_totals(
            rules_of(ballot), names, room, totals.cast, totals.invalid, dict(totals.yes), dict(totals.no)
        )
        if issues:
            raise ValidationFailed([Problem(i.message, row=i.row, field=i.field) for i in issues])
        content = {
            "totals": {
                "cast": totals.cast,
                "invalid": totals.invalid,
                "yes": {n: int(totals.yes.get(n, 0)) for n in names},
                "no": {n: int(totals.no.get(n, 0)) for n in names},
            }
        }
        cast = totals.cast
    entry = PaperEntry(
        ballot=ballot,
        number=entries.count() + 1,
        kind=kind,
        content=content,
        cast=cast,
        entered_by=user,
    )
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action="paper.enter",
        instance=entry,
        after={
            "ballot": ballot.pk,
            "number": entry.number,
            "kind": kind,
            "cast": cast,
            "content_hash": sealing.digest(sealing.canonical(content)),
        },
    )
    return entry


def _lock_entry(entry: PaperEntry) -> tuple[Ballot, PaperEntry]:
    ballot = lock_ballot(entry.ballot)
    return ballot, PaperEntry.objects.select_for_update().get(pk=entry.pk)


@transaction.atomic
def paper_entry_confirm(*, actor: Actor, entry: PaperEntry) -> PaperEntry:
    """A second, different member of the counting board confirms an entry: only then does it count, as the
    next link of the ballot's paper chain."""
    ballot, entry = _lock_entry(entry)
    check_counts(actor, ballot.conference, "xác nhận phiếu giấy")
    user = actor_user(actor)
    if user is not None and user.pk == entry.entered_by_id:
        raise NotPermitted(
            "Người nhập không tự xác nhận được: một thành viên khác của Ban kiểm phiếu xác nhận."
        )
    _check_paper(ballot)
    if entry.status != EntryStatus.PENDING:
        raise ValidationFailed(
            Problem(
                f"lần nhập {entry.number} đã {entry.get_status_display().lower()}: không xác nhận lại",
                field="status",
            )
        )
    room = ballot.checked_in - counted_paper(ballot)
    if entry.cast > room:
        raise ValidationFailed(
            Problem(
                f"{entry.cast} phiếu, nhiều hơn số cử tri đã nhận phiếu mà chưa được tính ({room})",
                field="cast",
            )
        )
    head = (
        PaperEntry.objects.filter(ballot=ballot, status=EntryStatus.CONFIRMED)
        .order_by("-number")
        .values_list("entry_hash", flat=True)
        .first()
    )
    entry.previous_hash = head or sealing.GENESIS
    entry.entry_hash = sealing.paper_entry_hash(entry.previous_hash, entry.number, entry.kind, entry.content)
    entry.status = EntryStatus.CONFIRMED
    entry.confirmed_by = user
    entry.save(update_fields=["previous_hash", "entry_hash", "status", "confirmed_by"])
    audit_record(
        actor=actor,
        action="paper.confirm",
        instance=entry,
        after={
            "ballot": ballot.pk,
            "number": entry.number,
            "cast": entry.cast,
            "entry_hash": entry.entry_hash,
        },
    )
    return entry


@transaction.atomic
def paper_entry_reject(*, actor: Actor, entry: PaperEntry, reason: str) -> PaperEntry:
    """A member of the counting board (the one who entered it, or another) discards an entry awaiting
    confirmation, with a reason; it never counts."""
    ballot, entry = _lock_entry(entry)
    check_counts(actor, ballot.conference, "hủy lần nhập phiếu giấy")
    if entry.status != EntryStatus.PENDING:
        raise ValidationFailed(Problem(f"lần nhập {entry.number} không còn chờ xác nhận", field="status"))
    if not reason.strip():
        raise ValidationFailed(Problem("cần ghi lý do hủy lần nhập", field="reason"))
    entry.status = EntryStatus.REJECTED
    entry.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="paper.reject",
        instance=entry,
        summary=reason.strip()[:300],
        after={"ballot": ballot.pk, "number": entry.number, "reason": reason.strip()},
    )
    return entry


def paper_problems(ballot: Ballot) -> list[str]:
    """Check the chain of confirmed paper entries, like `box_problems` for the electronic box."""
    problems = []
    previous = sealing.GENESIS
    for e in PaperEntry.objects.filter(ballot=ballot, status=EntryStatus.CONFIRMED).order_by("number"):
        if e.previous_hash != previous:
            problems.append(f"lần nhập {e.number} không nối tiếp lần trước")
        if sealing.paper_entry_hash(e.previous_hash, e.number, e.kind, e.content) != e.entry_hash:
            problems.append(f"lần nhập {e.number} đã bị sửa sau khi xác nhận")
        previous = e.entry_hash
    return problems
