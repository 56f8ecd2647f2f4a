"""Writes that run the ballot box: the roll, opening, handing out slips, activating and casting, closing.

The design and what it protects against are in docs/decisions/0006-ballot-secrecy.md. In short:

- The roll comes from the conference's voting delegates (one per member unit) or from a named council, and
  its size is checked against that source; the counting board changes it only before opening, with a
  reason kept for the minutes (`RollChange`).
- Opening an electronic ballot prints one anonymous slip per voter on the roll: a one-time code with its
  QR, no name. The codes are stored only as keyed hashes (`BallotCode`), with no link to the roll. Voters
  draw slips at random.
- A code becomes usable only when it is handed to a voter present: a counting-board member ticks the voter
  on the roll ("received a slip", never which), which opens one hand-out; the voter, at the table, scans
  the slip and activates it, which takes that hand-out. Whoever printed the slips cannot use an undrawn
  one, since no hand-out waits for it.
- Casting validates the choices first and then answers every unusable code (wrong, not activated, used)
  with the same sentence, so no request tells whether a code has been used. The ballot goes to the box with
  its choices only; the receipt goes to a separate list; both rows have random ids.
- Closing voids the codes not used, rewrites box, receipts and codes in a canonical order (so neither ids,
  storage order nor PostgreSQL's row versions keep the order of casting), fixes the digests, and on SQLite
  truncates the write-ahead log that held the casts in order.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from tdkt.clusters.models import ClusterMember
from tdkt.core.audit import Actor, actor_user, audit_record
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.org.models import Unit
from tdkt.voting import sealing
from tdkt.voting import tally as tally_engine
from tdkt.voting.access import check_counts, lock_ballot
from tdkt.voting.models import (
    Ballot,
    BallotCode,
    BallotMode,
    BallotStatus,
    BoxReceipt,
    Candidate,
    CastBallot,
    CodeState,
    Electorate,
    RollChange,
    Voter,
)
from tdkt.voting.paper import counted_paper
from tdkt.voting.selectors import default_roll
from tdkt.voting.services import ballot_stale_run


def _secret_key() -> str:
    from django.conf import settings

    return str(settings.SECRET_KEY)


def code_hash(ballot: Ballot, code: str) -> str:
    return sealing.code_hash(_secret_key(), ballot.code_salt, code)


# ------------------------------------------------------------------------------------------------ the roll


@dataclass(frozen=True)
class VoterInput:
    name: str
    unit: Unit | None = None


def roll_source_size(ballot: Ballot) -> int:
    """How many voters the source of the roll has: the member units of the cluster-year (one voting
    delegate each), or the members of the named council."""
    if ballot.electorate_kind == Electorate.COUNCIL:
        return ballot.council_size or 0
    return ClusterMember.objects.filter(cluster_year=ballot.conference.cluster_year_id).count()


def _roll_problems(ballot: Ballot, voters: list[VoterInput]) -> list[Problem]:
    names = [sealing.clean_name(v.name) for v in voters]
    problems = []
    if not voters:
        problems.append(Problem("danh sách cử tri trống", field="voters"))
    size = roll_source_size(ballot)
    if len(voters) > size:
        source = (
            f"hội đồng “{ballot.council_name}” có {size} thành viên"
            if ballot.electorate_kind == Electorate.COUNCIL
            else f"cụm có {size} đơn vị thành viên, mỗi đơn vị một đại biểu bỏ phiếu"
        )
        problems.append(Problem(f"{len(voters)} cử tri, nhiều hơn nguồn danh sách: {source}", field="voters"))
    elif ballot.conference.council_of_id is not None and voters and len(voters) < size:
        # a council's thresholds count on its whole membership: absent members stay on the roll
        problems.append(
            Problem(
                f"{len(voters)} cử tri, ít hơn {size} thành viên của {ballot.council_name}: ghi đủ mọi thành viên "
                "(vắng mặt cũng ghi; chỉ người có mặt mới nhận phiếu)",
                field="voters",
            )
        )
    members = set(
        ClusterMember.objects.filter(cluster_year=ballot.conference.cluster_year_id).values_list(
            "unit_id", flat=True
        )
    )
    seen_units: dict[int, int] = {}
    for row, (name, voter) in enumerate(zip(names, voters, strict=True), start=1):
        if not name:
            problems.append(Problem("tên cử tri trống", row=row, field="voters"))
        elif len(name) > 200:
            problems.append(Problem("tên cử tri quá 200 ký tự", row=row, field="voters"))
        elif names.index(name) != row - 1:
            problems.append(
                Problem(
                    f"“{name}” có tên hai lần trong danh sách (dòng {names.index(name) + 1})",
                    row=row,
                    field="voters",
                )
            )
        if ballot.electorate_kind == Electorate.DELEGATES:
            if voter.unit is None or voter.unit.pk not in members:
                problems.append(
                    Problem(
                        f"“{name}” không đại diện cho đơn vị thành viên nào của cụm: mỗi dòng ghi họ tên "
                        "và đơn vị thành viên",
                        row=row,
                        field="voters",
                    )
                )
            elif voter.unit.pk in seen_units:
                problems.append(
                    Problem(
                        f"{voter.unit.name} đã có đại biểu bỏ phiếu ở dòng {seen_units[voter.unit.pk]}: mỗi "
                        "đơn vị một đại biểu",
                        row=row,
                        field="voters",
                    )
                )
            else:
                seen_units[voter.unit.pk] = row
    return problems


def _replace_roll(ballot: Ballot, voters: list[VoterInput]) -> None:
    Voter.objects.filter(ballot=ballot).delete()
    Voter.objects.bulk_create(
        [Voter(ballot=ballot, name=sealing.clean_name(v.name), unit=v.unit) for v in voters]
    )


def current_roll(ballot: Ballot) -> list[VoterInput]:
    """The roll as the counting board set it, else the default from the conference's delegates."""
    stored = [VoterInput(v.name, v.unit) for v in Voter.objects.filter(ballot=ballot).select_related("unit")]
    return stored or [VoterInput(line.name, line.unit) for line in default_roll(ballot)]


@transaction.atomic
def ballot_roll_set(*, actor: Actor, ballot: Ballot, voters: list[VoterInput], reason: str) -> int:
    """The counting board changes the roll of a ballot in draft, with a reason the minutes show; the roll is
    frozen when the ballot opens and checked against its source (member units or the council's size)."""
    ballot = lock_ballot(ballot)
    check_counts(actor, ballot.conference, "thay đổi danh sách cử tri")
    if ballot.status != BallotStatus.DRAFT:
        raise ValidationFailed(
            Problem("danh sách cử tri đã được chốt khi mở hòm phiếu: không thay đổi được", field="voters")
        )
    problems = _roll_problems(ballot, voters)
    reason = reason.strip()
    if not reason:
        problems.append(Problem("cần ghi lý do thay đổi danh sách cử tri", field="reason"))
    elif len(reason) > 300:
        problems.append(Problem("lý do quá 300 ký tự", field="reason"))
    if problems:
        raise ValidationFailed(problems)
    before = [v.name for v in current_roll(ballot)]
    after = [sealing.clean_name(v.name) for v in voters]
    _replace_roll(ballot, voters)
    RollChange.objects.create(
        ballot=ballot,
        number=RollChange.objects.filter(ballot=ballot).count() + 1,
        added=[n for n in after if n not in before],
        removed=[n for n in before if n not in after],
        reason=reason,
        changed_by=actor_user(actor),
    )
    audit_record(
        actor=actor,
        action="ballot.roll",
        instance=ballot,
        summary=reason,
        before={"voters": before},
        after={"voters": after, "reason": reason},
    )
    return len(voters)


# ------------------------------------------------------------------------------------------------ opening


@transaction.atomic
def ballot_open(*, actor: Actor, ballot: Ballot) -> list[str]:
    """The counting board freezes the roll (the one it set, else the conference's voting delegates) and
    opens the box. An electronic ballot returns one code per voter, once, for anonymous slips (the codes
    are stored only as keyed hashes); a paper ballot issues none."""
    ballot = lock_ballot(ballot)
    check_counts(actor, ballot.conference, "mở hòm phiếu")
    if ballot.status != BallotStatus.DRAFT:
        raise ValidationFailed(Problem("phiếu này đã mở hoặc đã đóng", field="status"))
    stale = ballot_stale_run(ballot)
    if stale is not None:
        raise ValidationFailed(
            Problem(
                f"danh sách ứng viên lấy từ bảng xếp hạng công bố lần {ballot.scoring_run.number if ballot.scoring_run else '?'}"
                f", nhưng bảng xếp hạng đã được công bố lại (lần {stale.number}): Trưởng cụm cập nhật danh "
                "sách ứng viên, hoặc xác nhận giữ danh sách cũ kèm lý do, trước khi mở hòm phiếu",
                field="candidates",
            )
        )
    roll = current_roll(ballot)
    if not roll:
        raise ValidationFailed(
            Problem(
                "chưa lập danh sách cử tri (thành viên hội đồng): Ban kiểm phiếu lập trước khi mở",
                field="voters",
            )
        )
    problems = _roll_problems(ballot, roll)
    if problems:
        raise ValidationFailed(problems)
    if not Voter.objects.filter(ballot=ballot).exists():
        _replace_roll(ballot, roll)
    codes: list[str] = []
    if ballot.mode == BallotMode.ELECTRONIC:
        hashes: set[str] = set()
        while len(codes) < len(roll):
            code = sealing.new_code()
            h = code_hash(ballot, code)
            if h not in hashes:
                hashes.add(h)
                codes.append(code)
        BallotCode.objects.bulk_create([BallotCode(ballot=ballot, code_hash=h) for h in sorted(hashes)])
    ballot.status = BallotStatus.OPEN
    ballot.opened_at = timezone.now()
    ballot.electorate = len(roll)
    ballot.codes_issued = len(codes)
    ballot.save(update_fields=["status", "opened_at", "electorate", "codes_issued"])
    audit_record(
        actor=actor,
        action="ballot.open",
        instance=ballot,
        after={
            "electorate": len(roll),
            "voters": [v.name for v in roll],
            "mode": ballot.mode,
            "codes_issued": len(codes),
        },
    )
    return codes


# ------------------------------------------------------------------------------------ handing out, casting


def _voter_of(ballot: Ballot, voter: Voter) -> Voter:
    row = Voter.objects.select_for_update().filter(ballot=ballot, pk=voter.pk).first()
    if row is None:
        raise ValidationFailed(
            Problem("cử tri này không có trong danh sách của cuộc bỏ phiếu", field="voter")
        )
    return row


def _check_open(ballot: Ballot) -> None:
    if ballot.status != BallotStatus.OPEN:
        raise ValidationFailed(Problem("hòm phiếu chưa mở hoặc đã đóng", field="status"))


@transaction.atomic
def ballot_hand_out(*, actor: Actor, ballot: Ballot, voter: Voter) -> Ballot:
    """A counting-board member records that a voter on the roll is present and has drawn a slip (or
    received a paper ballot). For an electronic ballot this opens one hand-out: the next code activated
    takes it. The roll says who received a slip, never which."""
    ballot = lock_ballot(ballot)
    check_counts(actor, ballot.conference, "phát phiếu")
    _check_open(ballot)
    row = _voter_of(ballot, voter)
    if row.received:
        raise ValidationFailed(Problem(f"{row.name} đã nhận phiếu", field="voter"))
    row.received = True
    row.save(update_fields=["received"])
    ballot.checked_in = F("checked_in") + 1
    fields = ["checked_in"]
    if ballot.mode == BallotMode.ELECTRONIC:
        ballot.pending_handouts = F("pending_handouts") + 1
        fields.append("pending_handouts")
    ballot.save(update_fields=fields)
    ballot.refresh_from_db(fields=fields)
    audit_record(actor=actor, action="ballot.hand_out", instance=ballot, after={"voter": row.name})
    return ballot


@transaction.atomic
def ballot_hand_out_undo(*, actor: Actor, ballot: Ballot, voter: Voter, reason: str) -> Ballot:
    """Take back a hand-out recorded by mistake, with a reason; for an electronic ballot only while a
    hand-out still waits to be activated (an activated code cannot be told apart from the others)."""
    ballot = lock_ballot(ballot)
    check_counts(actor, ballot.conference, "thu hồi lượt phát phiếu")
    _check_open(ballot)
    row = _voter_of(ballot, voter)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(Problem("cần ghi lý do thu hồi", field="reason"))
    if not row.received:
        raise ValidationFailed(Problem(f"{row.name} chưa nhận phiếu", field="voter"))
    fields = ["checked_in"]
    if ballot.mode == BallotMode.ELECTRONIC:
        if ballot.pending_handouts < 1:
            raise ValidationFailed(
                Problem(
                    "không còn lượt phát phiếu nào chờ kích hoạt: phiếu đã được kích hoạt thì không thu hồi "
                    "được (ghi vào khiếu nại, kiến nghị của biên bản)",
                    field="voter",
                )
            )
        ballot.pending_handouts -= 1
        fields.append("pending_handouts")
    else:
        if counted_paper(ballot) >= ballot.checked_in:
            raise ValidationFailed(
                Problem(
                    "số phiếu giấy đã nhập bằng số cử tri đã nhận phiếu: không thu hồi được", field="voter"
                )
            )
    row.received = False
    row.save(update_fields=["received"])
    ballot.checked_in -= 1
    ballot.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="ballot.hand_out_undo",
        instance=ballot,
        summary=reason[:300],
        after={"voter": row.name, "reason": reason},
    )
    return ballot


NO_HANDOUT = (
    "chưa có lượt phát phiếu nào đang chờ: đến bàn Ban kiểm phiếu để được ghi tên nhận phiếu, rồi kích hoạt "
    "mã ngay tại bàn"
)
UNUSABLE_CODE = (
    "mã bỏ phiếu không dùng được: mã sai, chưa được kích hoạt tại bàn Ban kiểm phiếu, hoặc đã được dùng"
)


def _electronic_open(ballot: Ballot) -> None:
    if ballot.mode == BallotMode.PAPER:
        raise ValidationFailed(
            Problem("cuộc bỏ phiếu này dùng phiếu giấy: không nhận phiếu điện tử", field="code")
        )
    if ballot.status != BallotStatus.OPEN:
        raise ValidationFailed(Problem("hòm phiếu chưa mở hoặc đã đóng: không nhận phiếu", field="code"))


def ballot_activate(*, ballot: Ballot, code: str) -> None:
    """The voter, at the counting board's table, activates the slip they drew: this takes the hand-out the
    board just recorded. With no hand-out waiting, every code gets the same answer; with one, a wrong code
    is refused and any known code (new, already activated or used) gets the same success, and only a new
    one takes the hand-out."""
    with transaction.atomic():
        locked = lock_ballot(ballot)
        _electronic_open(locked)
        if locked.pending_handouts < 1:
            raise ValidationFailed(Problem(NO_HANDOUT, field="code"))
        row = (
            BallotCode.objects.select_for_update()
            .filter(ballot=locked, code_hash=code_hash(locked, code))
            .first()
        )
        if row is None:
            raise ValidationFailed(
                Problem("mã bỏ phiếu không đúng: kiểm tra lại mã in trên phiếu", field="code")
            )
        if row.state == CodeState.ISSUED:
            row.state = CodeState.ACTIVE
            row.save(update_fields=["state"])
            locked.pending_handouts -= 1
            locked.save(update_fields=["pending_handouts"])


@dataclass(frozen=True)
class Receipt:
    code: str  # shown once to the voter, who can check that a ballot of theirs was counted


def _choice_problems(ballot: Ballot, marks: list[str], against: list[str]) -> list[Problem]:
    names = set(Candidate.objects.filter(ballot=ballot).values_list("name", flat=True))
    rules = tally_engine.Rules(method=ballot.method, max_choices=ballot.max_choices)
    if len(set(marks)) != len(marks) or len(set(against)) != len(against):
        return [Problem("phiếu không hợp lệ: một người được đánh dấu hai lần", field="marks")]
    unknown = sorted((set(marks) | set(against)) - names)
    if unknown:
        return [
            Problem(f"phiếu không hợp lệ: “{name}” không có trong danh sách ứng viên", field="marks")
            for name in unknown
        ]
    reason = tally_engine.invalid_reason(
        rules, names, tally_engine.Ballot(frozenset(marks), frozenset(against))
    )
    return [Problem(f"phiếu không hợp lệ: {reason}", field="marks")] if reason else []


def ballot_cast(*, ballot: Ballot, code: str, marks: list[str], against: list[str] | None = None) -> Receipt:
    """Cast a ballot with an activated one-time code. The choices are checked before the code, and every
    unusable code gets the same answer. Writes no audit row and nothing about who or when."""
    marks = [sealing.clean_name(m) for m in marks]
    against = [sealing.clean_name(a) for a in against or []]
    with transaction.atomic():
        locked = lock_ballot(ballot)  # every cast on this ballot is serialised on its row
        _electronic_open(locked)
        problems = _choice_problems(locked, marks, against)
        if problems:
            raise ValidationFailed(problems)
        row = (
            BallotCode.objects.select_for_update()
            .filter(ballot=locked, code_hash=code_hash(locked, code), state=CodeState.ACTIVE)
            .first()
        )
        if row is None or locked.cast_count >= locked.checked_in:
            raise ValidationFailed(Problem(UNUSABLE_CODE, field="code"))
        row.state = CodeState.USED
        row.save(update_fields=["state"])
        receipt = sealing.new_receipt()
        CastBallot.objects.create(ballot=locked, marks=sorted(marks), against=sorted(against))
        BoxReceipt.objects.create(ballot=locked, receipt_hash=sealing.receipt_hash(receipt))
        locked.cast_count += 1
        locked.save(update_fields=["cast_count"])
    return Receipt(receipt)


def receipt_in_box(*, ballot: Ballot, receipt: str) -> bool:
    """Whether a ballot was received with this receipt. It says nothing of the choices: receipts and
    ballots are separate lists."""
    if not sealing.normalize_code(receipt):
        return False
    return BoxReceipt.objects.filter(ballot=ballot, receipt_hash=sealing.receipt_hash(receipt)).exists()


# ------------------------------------------------------------------------------------------------ closing


def _rewrite_sealed(ballot: Ballot) -> None:
    """Rewrite box, receipts and codes in their canonical order with new random ids, in one statement
    each: afterwards neither ids, storage order nor row versions keep the order of casting."""
    box = sealing.box_order(CastBallot.objects.filter(ballot=ballot).values_list("marks", "against"))
    receipts = sorted(BoxReceipt.objects.filter(ballot=ballot).values_list("receipt_hash", flat=True))
    codes = sorted(BallotCode.objects.filter(ballot=ballot).values_list("code_hash", "state"))
    CastBallot.objects.filter(ballot=ballot).delete()
    BoxReceipt.objects.filter(ballot=ballot).delete()
    BallotCode.objects.filter(ballot=ballot).delete()
    CastBallot.objects.bulk_create([CastBallot(ballot=ballot, marks=m, against=a) for m, a in box])
    BoxReceipt.objects.bulk_create([BoxReceipt(ballot=ballot, receipt_hash=h) for h in receipts])
    BallotCode.objects.bulk_create([BallotCode(ballot=ballot, code_hash=h, state=s) for h, s in codes])
    Voter.objects.filter(ballot=ballot).update(received=F("received"))


def _truncate_sqlite_log() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@transaction.atomic
def ballot_close(*, actor: Actor, ballot: Ballot) -> Ballot:
    """The counting board closes the box: unused codes are voided and counted, the box is sealed in its
    canonical order and its digests fixed."""
    ballot = lock_ballot(ballot)
    check_counts(actor, ballot.conference, "đóng hòm phiếu")
    if ballot.status != BallotStatus.OPEN:
        raise ValidationFailed(Problem("chỉ đóng được hòm phiếu đang mở", field="status"))
    fields = [
        "status",
        "closed_at",
        "pending_handouts",
        "codes_used",
        "codes_voided",
        "box_hash",
        "receipts_hash",
    ]
    if ballot.mode == BallotMode.ELECTRONIC:
        codes = BallotCode.objects.filter(ballot=ballot)
        ballot.codes_voided = codes.filter(state__in=[CodeState.ISSUED, CodeState.ACTIVE]).update(
            state=CodeState.VOID
        )
        ballot.codes_used = codes.filter(state=CodeState.USED).count()
        _rewrite_sealed(ballot)
        ballot.box_hash = sealing.box_digest(
            CastBallot.objects.filter(ballot=ballot).values_list("marks", "against")
        )
        ballot.receipts_hash = sealing.receipts_digest(
            BoxReceipt.objects.filter(ballot=ballot).values_list("receipt_hash", flat=True)
        )
        transaction.on_commit(_truncate_sqlite_log)
    ballot.pending_handouts = 0
    ballot.status = BallotStatus.CLOSED
    ballot.closed_at = timezone.now()
    ballot.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="ballot.close",
        instance=ballot,
        after={
            "box_hash": ballot.box_hash,
            "receipts_hash": ballot.receipts_hash,
            "cast": ballot.cast_count,
            "checked_in": ballot.checked_in,
            "codes_issued": ballot.codes_issued,
            "codes_used": ballot.codes_used,
            "codes_voided": ballot.codes_voided,
        },
    )
    return ballot
