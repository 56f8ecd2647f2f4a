"""Writes for conferences and secret ballots.

The roll is frozen when a ballot opens and every voter gets a one-time code (shown once, stored only as a
hash). Casting takes the code, marks it used and appends the ballot to the box's hash chain, in one
transaction that locks the code and the chain's head: two requests with the same code at the same moment
count once. Closing fixes the box's hash and re-stamps the roll so that no row keeps a trace of when it was
used. Only a closed box is counted, and only whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass
from fractions import Fraction

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tdkt.clusters.models import ClusterMember, ClusterRole, ClusterRoleKind, ClusterYear, RoleBasis
from tdkt.clusters.scopes import viewer_for
from tdkt.clusters.services import cluster_role_set, cluster_year_roll_forward
from tdkt.core.audit import Actor, audit_record, snapshot
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.org.models import Unit
from tdkt.voting import tally as tally_engine
from tdkt.voting.jsonio import result_to_json
from tdkt.voting.models import (
    Ballot,
    BallotPurpose,
    BallotStatus,
    Candidate,
    CastBallot,
    Conference,
    ConferenceKind,
    Voter,
)

GENESIS = "0" * 64
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on phones
CODE_LENGTH = 10


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def entry_hash(previous_hash: str, marks: list[str], against: list[str], receipt_hash: str) -> str:
    """The chain link of one ballot: SHA-256 over the previous link and the ballot's canonical JSON."""
    body = json.dumps(
        [previous_hash, marks, against, receipt_hash], ensure_ascii=False, separators=(",", ":")
    )
    return _digest(body)


def _check_manages(actor: Actor, cluster_year: ClusterYear) -> None:
    if actor is not None and not viewer_for(actor).manages(cluster_year.pk):
        raise NotPermitted("Chỉ Trưởng cụm hoặc Ban Thi đua – Khen thưởng mới được điều hành bỏ phiếu")


@transaction.atomic
def conference_create(
    *,
    actor: Actor,
    cluster_year: ClusterYear,
    kind: str,
    held_on: dt.date,
    place: str,
    host: Unit,
    agenda: str = "",
) -> Conference:
    _check_manages(actor, cluster_year)
    problems = []
    if kind not in ConferenceKind.values:
        problems.append(Problem(f"loại hội nghị “{kind}” không hợp lệ", field="kind"))
    if not place.strip():
        problems.append(Problem("thiếu địa điểm", field="place"))
    if not ClusterMember.objects.filter(cluster_year=cluster_year, unit=host).exists():
        problems.append(Problem(f"“{host}” không phải thành viên của {cluster_year}", field="host"))
    if problems:
        raise ValidationFailed(problems)
    conference = Conference.objects.create(
        cluster_year=cluster_year, kind=kind, held_on=held_on, place=place.strip(), host=host, agenda=agenda
    )
    audit_record(actor=actor, action="conference.create", instance=conference, after=snapshot(conference))
    return conference


@dataclass(frozen=True)
class CandidateInput:
    name: str
    unit: Unit | None = None
    reason: str = ""


def _fraction(text: str, field: str) -> Fraction:
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError) as exc:
        raise ValidationFailed(
            Problem(f"“{text}” không phải là tỷ lệ (ví dụ 2/3 hoặc 0.9)", field=field)
        ) from exc
    if not 0 <= value <= 1:
        raise ValidationFailed(Problem(f"tỷ lệ {text} phải nằm trong [0; 1]", field=field))
    return value


@transaction.atomic
def ballot_create(
    *,
    actor: Actor,
    conference: Conference,
    purpose: str,
    title: str,
    candidates: list[CandidateInput],
    method: str = "choose_k",
    max_choices: int = 1,
    seats: int | None = None,
    quorum: str = "2/3",
    threshold: str = "1/2",
    strict: bool = True,
    base: str = "valid",
    previous_round: Ballot | None = None,
) -> Ballot:
    """A ballot with its rules and candidates, in draft until it is opened."""
    _check_manages(actor, conference.cluster_year)
    if purpose not in BallotPurpose.values:
        raise ValidationFailed(Problem(f"mục đích “{purpose}” không hợp lệ", field="purpose"))
    rules = tally_engine.Rules(
        method=method,
        max_choices=max_choices,
        seats=seats,
        quorum=_fraction(quorum, "quorum"),
        threshold=_fraction(threshold, "threshold"),
        strict=strict,
        base=base,
    )
    names = [c.name.strip() for c in candidates]
    problems = tally_engine.check_rules(rules, names)
    if any(not n for n in names):
        problems.append("tên ứng viên trống")
    if problems:
        raise ValidationFailed([Problem(p, field="rules") for p in problems])
    ballot = Ballot.objects.create(
        conference=conference,
        purpose=purpose,
        title=title.strip(),
        round_number=(previous_round.round_number + 1) if previous_round else 1,
        previous_round=previous_round,
        method=method,
        max_choices=max_choices,
        seats=seats,
        quorum=quorum.strip(),
        threshold=threshold.strip(),
        strict=strict,
        base=base,
    )
    Candidate.objects.bulk_create(
        [
            Candidate(ballot=ballot, unit=c.unit, name=c.name.strip(), position=i, added_reason=c.reason)
            for i, c in enumerate(candidates, start=1)
        ]
    )
    audit_record(
        actor=actor, action="ballot.create", instance=ballot, after={**snapshot(ballot), "candidates": names}
    )
    return ballot


@dataclass(frozen=True)
class VoterInput:
    name: str
    unit: Unit | None = None


@dataclass(frozen=True)
class IssuedCode:
    voter: str
    code: str  # shown once: printed on a slip or on screen, never stored


@transaction.atomic
def ballot_open(*, actor: Actor, ballot: Ballot, voters: list[VoterInput]) -> list[IssuedCode]:
    """Freeze the roll, issue one code per voter and open the box. The codes are returned once."""
    ballot = Ballot.objects.select_for_update().select_related("conference__cluster_year").get(pk=ballot.pk)
    _check_manages(actor, ballot.conference.cluster_year)
    if ballot.status != BallotStatus.DRAFT:
        raise ValidationFailed(
            Problem("phiếu này đã mở hoặc đã đóng: danh sách cử tri không đổi được", field="voters")
        )
    names = [v.name.strip() for v in voters]
    if not voters or any(not n for n in names):
        raise ValidationFailed(Problem("danh sách cử tri trống hoặc có tên trống", field="voters"))
    if len(set(names)) != len(names):
        raise ValidationFailed(Problem("một cử tri có tên hai lần trong danh sách", field="voters"))
    issued = []
    rows = []
    for voter in voters:
        code = _new_code()
        issued.append(IssuedCode(voter.name.strip(), code))
        rows.append(Voter(ballot=ballot, name=voter.name.strip(), unit=voter.unit, code_hash=_digest(code)))
    Voter.objects.bulk_create(rows)
    ballot.status = BallotStatus.OPEN
    ballot.opened_at = timezone.now()
    ballot.electorate = len(rows)
    ballot.save(update_fields=["status", "opened_at", "electorate"])
    audit_record(
        actor=actor, action="ballot.open", instance=ballot, after={"electorate": len(rows), "voters": names}
    )
    return issued


@dataclass(frozen=True)
class Receipt:
    code: str  # shown once to the voter, who can check that the ballot is in the published box
    entry_hash: str


def ballot_cast(*, ballot: Ballot, code: str, marks: list[str], against: list[str] | None = None) -> Receipt:
    """Cast a ballot with a one-time code. Writes no audit row and nothing about who or when."""
    against = against or []
    with transaction.atomic():
        # lock the chain's head first, then the code: every cast on this ballot is serialised
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if locked.status != BallotStatus.OPEN:
            raise ValidationFailed(Problem("hòm phiếu chưa mở hoặc đã đóng: không nhận phiếu", field="code"))
        voter = (
            Voter.objects.select_for_update()
            .filter(ballot=locked, code_hash=_digest(normalize_code(code)))
            .first()
        )
        if voter is None:
            raise ValidationFailed(Problem("mã bỏ phiếu không đúng", field="code"))
        if voter.used:
            raise ValidationFailed(Problem("mã bỏ phiếu này đã được dùng", field="code"))
        names = set(Candidate.objects.filter(ballot=locked).values_list("name", flat=True))
        rules = tally_engine.Rules(method=locked.method, max_choices=locked.max_choices)
        reason = tally_engine.invalid_reason(
            rules, names, tally_engine.Ballot(frozenset(marks), frozenset(against))
        )
        if reason is not None or len(set(marks)) != len(marks) or len(set(against)) != len(against):
            raise ValidationFailed(
                Problem(f"phiếu không hợp lệ: {reason or 'một người được đánh dấu hai lần'}", field="marks")
            )
        voter.used = True
        voter.save(update_fields=["used"])
        head = (
            CastBallot.objects.filter(ballot=locked)
            .order_by("-id")
            .values_list("entry_hash", flat=True)
            .first()
        )
        previous = head or GENESIS
        receipt = _new_code() + _new_code()
        receipt_hash = _digest(receipt)
        sorted_marks, sorted_against = sorted(marks), sorted(against)
        link = entry_hash(previous, sorted_marks, sorted_against, receipt_hash)
        CastBallot.objects.create(
            ballot=locked,
            marks=sorted_marks,
            against=sorted_against,
            receipt_hash=receipt_hash,
            previous_hash=previous,
            entry_hash=link,
        )
    return Receipt(receipt, link)


def box_problems(ballot: Ballot) -> list[str]:
    """Check the chain: every link follows the one before and hashes its content."""
    problems = []
    previous = GENESIS
    for row in CastBallot.objects.filter(ballot=ballot).order_by("id"):
        if row.previous_hash != previous:
            problems.append(f"phiếu {row.entry_hash[:12]}… không nối tiếp phiếu trước")
        if entry_hash(row.previous_hash, row.marks, row.against, row.receipt_hash) != row.entry_hash:
            problems.append(f"phiếu {row.entry_hash[:12]}… đã bị sửa sau khi bỏ")
        previous = row.entry_hash
    if ballot.box_hash and ballot.box_hash != previous:
        problems.append("mã băm của hòm phiếu khác với lúc đóng hòm")
    return problems


def receipt_in_box(*, ballot: Ballot, receipt: str) -> bool:
    return CastBallot.objects.filter(ballot=ballot, receipt_hash=_digest(normalize_code(receipt))).exists()


@transaction.atomic
def ballot_close(*, actor: Actor, ballot: Ballot) -> Ballot:
    """Close the box: fix its hash and re-stamp the roll in one statement, so that no voter row keeps a
    trace (such as PostgreSQL's per-row transaction id) of when its code was used."""
    ballot = Ballot.objects.select_for_update().select_related("conference__cluster_year").get(pk=ballot.pk)
    _check_manages(actor, ballot.conference.cluster_year)
    if ballot.status != BallotStatus.OPEN:
        raise ValidationFailed(Problem("chỉ đóng được hòm phiếu đang mở", field="status"))
    head = (
        CastBallot.objects.filter(ballot=ballot).order_by("-id").values_list("entry_hash", flat=True).first()
    )
    Voter.objects.filter(ballot=ballot).update(used=F("used"))
    ballot.status = BallotStatus.CLOSED
    ballot.closed_at = timezone.now()
    ballot.box_hash = head or GENESIS
    ballot.save(update_fields=["status", "closed_at", "box_hash"])
    cast = CastBallot.objects.filter(ballot=ballot).count()
    used = Voter.objects.filter(ballot=ballot, used=True).count()
    audit_record(
        actor=actor,
        action="ballot.close",
        instance=ballot,
        after={"box_hash": ballot.box_hash, "cast": cast, "codes_used": used},
    )
    return ballot


@transaction.atomic
def ballot_tally(*, actor: Actor, ballot: Ballot) -> Ballot:
    """Count the whole closed box, after checking its chain; store the result and its hash."""
    ballot = Ballot.objects.select_for_update().select_related("conference__cluster_year").get(pk=ballot.pk)
    _check_manages(actor, ballot.conference.cluster_year)
    if ballot.status != BallotStatus.CLOSED:
        raise ValidationFailed(Problem("chỉ kiểm phiếu khi hòm phiếu đã đóng", field="status"))
    problems = box_problems(ballot)
    if problems:
        raise ValidationFailed([Problem(p, field="box") for p in problems])
    rules = tally_engine.Rules(
        method=ballot.method,
        max_choices=ballot.max_choices,
        seats=ballot.seats,
        quorum=Fraction(ballot.quorum),
        threshold=Fraction(ballot.threshold),
        strict=ballot.strict,
        base=ballot.base,
    )
    candidates = list(Candidate.objects.filter(ballot=ballot).values_list("name", flat=True))
    box = [
        tally_engine.Ballot(frozenset(marks), frozenset(against))
        for marks, against in CastBallot.objects.filter(ballot=ballot).values_list("marks", "against")
    ]
    result = result_to_json(tally_engine.tally(rules, candidates, ballot.electorate, box))
    result["box_hash"] = ballot.box_hash
    ballot.result = result
    ballot.result_hash = _digest(
        json.dumps(result, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    )
    ballot.status = BallotStatus.TALLIED
    ballot.save(update_fields=["result", "result_hash", "status"])
    audit_record(
        actor=actor,
        action="ballot.tally",
        instance=ballot,
        after={"result_hash": ballot.result_hash, "elected": result["elected"], "box_hash": ballot.box_hash},
    )
    return ballot


@transaction.atomic
def ballot_apply(*, actor: Actor, ballot: Ballot) -> ClusterRole | None:
    """Write what a tallied vote decided where it belongs: the head or deputy elected for next year is
    recorded on the cluster's next year (opened if needed), citing the conference. Other purposes are
    carried by their dossiers (a later stage) and change nothing here."""
    ballot = Ballot.objects.select_related("conference__cluster_year__cluster").get(pk=ballot.pk)
    cluster_year = ballot.conference.cluster_year
    _check_manages(actor, cluster_year)
    if ballot.status != BallotStatus.TALLIED or ballot.result is None:
        raise ValidationFailed(Problem("chỉ áp dụng kết quả của phiếu đã kiểm", field="status"))
    if ballot.purpose not in (BallotPurpose.HEAD, BallotPurpose.DEPUTY):
        return None
    elected = ballot.result["elected"]
    if len(elected) != 1:
        raise ValidationFailed(
            Problem(
                f"cần đúng 1 người trúng cử, kết quả có {len(elected)}: bỏ phiếu vòng sau", field="result"
            )
        )
    candidate = Candidate.objects.filter(ballot=ballot, name=elected[0]).select_related("unit").get()
    if candidate.unit is None:
        raise ValidationFailed(
            Problem(f"ứng viên “{candidate.name}” không gắn với đơn vị nào", field="result")
        )
    next_year = ClusterYear.objects.filter(cluster=cluster_year.cluster, year=cluster_year.year + 1).first()
    if next_year is None:
        next_year = cluster_year_roll_forward(actor=actor, cluster_year=cluster_year)
    conference = ballot.conference
    return cluster_role_set(
        actor=actor,
        cluster_year=next_year,
        unit=candidate.unit,
        role=ClusterRoleKind.HEAD if ballot.purpose == BallotPurpose.HEAD else ClusterRoleKind.DEPUTY,
        basis=RoleBasis.ELECTED,
        decided_on=conference.held_on,
        reference=f"{conference}: {ballot.title}, phiếu bầu mã băm {ballot.result_hash[:16]}",
    )
