"""Writes for conferences and secret ballots.

Who does what. The head's staff and the provincial board prepare a conference: its record (kind, date,
place, host, agenda, delegates, what it decided), its counting board (ban kiểm phiếu: accounts of member
units other than the head's, at least two, with a chair), and its ballots (purpose, rules, candidates
taken from the latest published ranking, every change with a reason); they apply a tallied result. Only
the counting board runs the box: it changes the roll, opens (freezing the roll), closes, enters and
confirms paper ballots and counts. Everyone else is refused with a Vietnamese message.

Electronic ballots. The roll is frozen when a ballot opens and every voter gets a one-time code (shown
once, stored only as a hash). Casting takes the code, marks it used and appends the ballot to the box's
hash chain, in one transaction that locks the code and the chain's head: two requests with the same code
at the same moment count once. Closing fixes the box's hash and re-stamps the roll so that no row keeps a
trace of when it was used. Only a closed box is counted, and only whole.

Paper ballots. A ballot is paper or electronic as a whole (`Ballot.mode`, fixed when it is created), so a
voter can never be counted both ways: a paper ballot issues no codes and refuses casts; an electronic one
refuses paper entries. After the box is closed, a counting-board member enters the paper ballots one by
one or as per-candidate totals (one way per ballot), impossible counts are refused, and nothing counts
until a second, different member confirms the entry. Confirmed entries are hash-chained like the box.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from tdkt.clusters.models import ClusterMember, ClusterRole, ClusterRoleKind, ClusterYear, RoleBasis
from tdkt.clusters.scopes import viewer_for
from tdkt.clusters.services import cluster_role_set, cluster_year_roll_forward
from tdkt.core.audit import Actor, actor_user, audit_record, snapshot
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.movements.models import Covenant
from tdkt.org.models import Account, Role, Unit
from tdkt.scoring.models import CriteriaSet
from tdkt.voting import tally as tally_engine
from tdkt.voting.jsonio import result_to_json
from tdkt.voting.models import (
    Ballot,
    BallotBase,
    BallotMethod,
    BallotMode,
    BallotPurpose,
    BallotStatus,
    Candidate,
    CastBallot,
    Conference,
    ConferenceKind,
    CountingBoardMember,
    Delegate,
    Electorate,
    EntryKind,
    EntryStatus,
    PaperEntry,
    RemovedCandidate,
    Voter,
)
from tdkt.voting.selectors import default_candidates, default_roll

GENESIS = "0" * 64
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on phones
CODE_LENGTH = 10
MIN_COUNTING_BOARD = 2  # a paper entry is confirmed by a second, different member


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


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


def paper_entry_hash(previous_hash: str, number: int, kind: str, content: dict[str, Any]) -> str:
    """The chain link of one confirmed paper entry."""
    return _digest(_canonical([previous_hash, number, kind, content]))


def person_name(user: User) -> str:
    return f"{user.last_name} {user.first_name}".strip() or user.get_username()


# ------------------------------------------------------------------------------------------ permissions


def _check_manages(actor: Actor, cluster_year: ClusterYear) -> None:
    if actor is not None and not viewer_for(actor).manages(cluster_year.pk):
        raise NotPermitted(
            "Chỉ Trưởng cụm hoặc Ban Thi đua – Khen thưởng mới được chuẩn bị hội nghị và bỏ phiếu."
        )


def on_counting_board(actor: Actor, conference: Conference) -> bool:
    user = actor_user(actor)
    return user is not None and CountingBoardMember.objects.filter(conference=conference, user=user).exists()


def _check_counts(actor: Actor, conference: Conference, what: str) -> None:
    """The counting board alone runs the box; the system (actor None) loads demo data and commands."""
    if actor is None or on_counting_board(actor, conference):
        return
    if not conference.counting_board.exists():
        raise NotPermitted(
            f"Hội nghị chưa có Ban kiểm phiếu: Trưởng cụm hoặc Ban Thi đua – Khen thưởng chỉ định Ban kiểm "
            f"phiếu trước, rồi thành viên Ban kiểm phiếu mới được {what}."
        )
    raise NotPermitted(f"Chỉ thành viên Ban kiểm phiếu của hội nghị mới được {what}.")


def _lock(ballot: Ballot) -> Ballot:
    return Ballot.objects.select_for_update().select_related("conference__cluster_year").get(pk=ballot.pk)


# ------------------------------------------------------------------------------------------- conferences


def _conference_problems(cluster_year: ClusterYear, kind: str, place: str, host: Unit) -> list[Problem]:
    problems = []
    if kind not in ConferenceKind.values:
        problems.append(Problem(f"loại hội nghị “{kind}” không hợp lệ", field="kind"))
    if not place.strip():
        problems.append(Problem("thiếu địa điểm", field="place"))
    if not ClusterMember.objects.filter(cluster_year=cluster_year, unit=host).exists():
        problems.append(Problem(f"“{host}” không phải thành viên của {cluster_year}", field="host"))
    return problems


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
    chair_name: str = "",
    secretary_name: str = "",
) -> Conference:
    """A conference of a cluster-year (mid-year review, year-end review, covenant signing)."""
    _check_manages(actor, cluster_year)
    problems = _conference_problems(cluster_year, kind, place, host)
    if problems:
        raise ValidationFailed(problems)
    conference = Conference(
        cluster_year=cluster_year,
        kind=kind,
        held_on=held_on,
        place=place.strip(),
        host=host,
        agenda=agenda.strip(),
        chair_name=chair_name.strip(),
        secretary_name=secretary_name.strip(),
    )
    conference.full_clean()
    conference.save()
    audit_record(actor=actor, action="conference.create", instance=conference, after=snapshot(conference))
    return conference


def _same_cluster_near_year(conference: Conference, cluster_year: ClusterYear) -> bool:
    own = conference.cluster_year
    return cluster_year.cluster_id == own.cluster_id and cluster_year.year in (own.year, own.year + 1)


@transaction.atomic
def conference_update(
    *,
    actor: Actor,
    conference: Conference,
    kind: str,
    held_on: dt.date,
    place: str,
    host: Unit,
    agenda: str = "",
    chair_name: str = "",
    secretary_name: str = "",
    covenant: Covenant | None = None,
    criteria_set: CriteriaSet | None = None,
    conclusions: str = "",
) -> Conference:
    """Edit a conference and record what it decided: the covenant signed and the criteria set amended (of
    the cluster, this year or the next), and other conclusions. Vote results are its ballots."""
    conference = Conference.objects.select_for_update().select_related("cluster_year").get(pk=conference.pk)
    _check_manages(actor, conference.cluster_year)
    problems = _conference_problems(conference.cluster_year, kind, place, host)
    if covenant is not None and not _same_cluster_near_year(conference, covenant.cluster_year):
        problems.append(
            Problem(f"giao ước “{covenant}” không thuộc cụm này trong năm nay hoặc năm sau", field="covenant")
        )
    if criteria_set is not None and not _same_cluster_near_year(conference, criteria_set.cluster_year):
        problems.append(
            Problem(f"“{criteria_set}” không thuộc cụm này trong năm nay hoặc năm sau", field="criteria_set")
        )
    if problems:
        raise ValidationFailed(problems)
    before = snapshot(conference)
    conference.kind = kind
    conference.held_on = held_on
    conference.place = place.strip()
    conference.host = host
    conference.agenda = agenda.strip()
    conference.chair_name = chair_name.strip()
    conference.secretary_name = secretary_name.strip()
    conference.covenant = covenant
    conference.criteria_set = criteria_set
    conference.conclusions = conclusions.strip()
    conference.full_clean()
    conference.save()
    audit_record(
        actor=actor,
        action="conference.update",
        instance=conference,
        before=before,
        after=snapshot(conference),
    )
    return conference


@dataclass(frozen=True)
class DelegateInput:
    unit: Unit
    name: str
    position: str = ""
    votes: bool = False


@transaction.atomic
def conference_delegates_set(*, actor: Actor, conference: Conference, delegates: list[DelegateInput]) -> int:
    """Replace the delegates of the member units; at most one of each unit votes for it."""
    conference = Conference.objects.select_for_update().select_related("cluster_year").get(pk=conference.pk)
    _check_manages(actor, conference.cluster_year)
    members = set(
        ClusterMember.objects.filter(cluster_year=conference.cluster_year).values_list("unit_id", flat=True)
    )
    problems = []
    voters: set[int] = set()
    for row, d in enumerate(delegates, start=1):
        if d.unit.pk not in members:
            problems.append(Problem(f"“{d.unit}” không phải thành viên của cụm", row=row, field="unit"))
        if not d.name.strip():
            problems.append(Problem(f"{d.unit.name}: thiếu họ tên đại biểu", row=row, field="name"))
        if len(d.name.strip()) > 200 or len(d.position.strip()) > 200:
            problems.append(
                Problem(f"{d.unit.name}: họ tên hoặc chức vụ quá 200 ký tự", row=row, field="name")
            )
        if d.votes:
            if d.unit.pk in voters:
                problems.append(
                    Problem(f"{d.unit.name}: mỗi đơn vị chỉ có một đại biểu bỏ phiếu", row=row, field="votes")
                )
            voters.add(d.unit.pk)
    if problems:
        raise ValidationFailed(problems)
    before = list(conference.delegates.values_list("unit_id", "name", "position", "votes"))
    conference.delegates.all().delete()
    Delegate.objects.bulk_create(
        [
            Delegate(
                conference=conference,
                unit=d.unit,
                name=d.name.strip(),
                position=d.position.strip(),
                votes=d.votes,
                order=i,
            )
            for i, d in enumerate(delegates, start=1)
        ]
    )
    audit_record(
        actor=actor,
        action="conference.delegates",
        instance=conference,
        before={"delegates": before},
        after={"delegates": [[d.unit.pk, d.name.strip(), d.position.strip(), d.votes] for d in delegates]},
    )
    return len(delegates)


def counting_board_candidates(conference: Conference) -> list[Account]:
    """Accounts that may sit on the counting board: staff of member units other than the head's."""
    cluster_year = conference.cluster_year
    members = ClusterMember.objects.filter(cluster_year=cluster_year).values_list("unit_id", flat=True)
    heads = ClusterRole.objects.filter(cluster_year=cluster_year, role=ClusterRoleKind.HEAD).values_list(
        "unit_id", flat=True
    )
    return list(
        Account.objects.filter(role=Role.UNIT, unit_id__in=members, user__is_active=True)
        .exclude(unit_id__in=heads)
        .select_related("user", "unit")
        .order_by("unit__name", "user__last_name", "user__first_name")
    )


@transaction.atomic
def counting_board_set(
    *, actor: Actor, conference: Conference, members: list[User], chair: User
) -> list[CountingBoardMember]:
    """Designate the counting board the conference chose: at least two accounts of member units other than
    the head's (the board and the head's staff prepare the vote and may not count it), one of them chair.
    Fixed once a ballot of the conference has opened."""
    conference = Conference.objects.select_for_update().select_related("cluster_year").get(pk=conference.pk)
    _check_manages(actor, conference.cluster_year)
    problems = []
    if conference.ballots.exclude(status=BallotStatus.DRAFT).exists():
        problems.append(
            Problem("đã có cuộc bỏ phiếu được mở: Ban kiểm phiếu không thay đổi được nữa", field="members")
        )
    eligible = {a.user_id for a in counting_board_candidates(conference)}
    ids = [u.pk for u in members]
    if len(set(ids)) != len(ids):
        problems.append(Problem("một người có tên hai lần trong Ban kiểm phiếu", field="members"))
    if len(set(ids)) < MIN_COUNTING_BOARD:
        problems.append(
            Problem(
                f"Ban kiểm phiếu cần ít nhất {MIN_COUNTING_BOARD} người "
                "(phiếu giấy do người thứ hai xác nhận)",
                field="members",
            )
        )
    for row, user in enumerate(members, start=1):
        if user.pk not in eligible:
            problems.append(
                Problem(
                    f"{person_name(user)} không phải cán bộ của một đơn vị thành viên (ngoài đơn vị Trưởng cụm): "
                    "không được vào Ban kiểm phiếu",
                    row=row,
                    field="members",
                )
            )
    if chair.pk not in ids:
        problems.append(Problem("Trưởng ban kiểm phiếu phải là thành viên của Ban", field="chair"))
    if problems:
        raise ValidationFailed(problems)
    before = list(conference.counting_board.values_list("user_id", "is_chair"))
    conference.counting_board.all().delete()
    rows = CountingBoardMember.objects.bulk_create(
        [
            CountingBoardMember(conference=conference, user=u, name=person_name(u), is_chair=u.pk == chair.pk)
            for u in members
        ]
    )
    audit_record(
        actor=actor,
        action="conference.counting_board",
        instance=conference,
        before={"members": before},
        after={"members": [[u.pk, u.pk == chair.pk] for u in members]},
    )
    return rows


# ---------------------------------------------------------------------------------------------- ballots


@dataclass(frozen=True)
class CandidateInput:
    name: str
    unit: Unit | None = None
    reason: str = ""  # required when the candidate is not on the default list


@dataclass(frozen=True)
class CandidateRemoval:
    name: str
    reason: str


def _fraction(text: str, field_name: str) -> Fraction:
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError) as exc:
        raise ValidationFailed(
            Problem(f"“{text}” không phải là tỷ lệ (ví dụ 2/3 hoặc 0.9)", field=field_name)
        ) from exc
    if not 0 <= value <= 1:
        raise ValidationFailed(Problem(f"tỷ lệ {text} phải nằm trong [0; 1]", field=field_name))
    return value


def _rules(ballot: Ballot) -> tally_engine.Rules:
    return tally_engine.Rules(
        method=ballot.method,
        max_choices=ballot.max_choices,
        seats=ballot.seats,
        quorum=Fraction(ballot.quorum),
        threshold=Fraction(ballot.threshold),
        strict=ballot.strict,
        base=ballot.base,
    )


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


@transaction.atomic
def ballot_create(
    *,
    actor: Actor,
    conference: Conference,
    purpose: str,
    title: str,
    candidates: list[CandidateInput],
    removed: list[CandidateRemoval] | None = None,
    method: str = "choose_k",
    max_choices: int = 1,
    seats: int | None = None,
    quorum: str = "2/3",
    threshold: str = "1/2",
    strict: bool = True,
    base: str = "valid",
    electorate_kind: str = Electorate.DELEGATES,
    mode: str = BallotMode.ELECTRONIC,
    previous_round: Ballot | None = None,
) -> Ballot:
    """A ballot with its rules and candidates, in draft until the counting board opens it.

    The default candidates are the latest published ranking of the cluster-year (for a later round, the
    candidates tied in the round before); every change from that list needs a reason: `reason` on a
    candidate who is added, a `CandidateRemoval` for each one left off. The reasons are stored, shown and
    audited."""
    _check_manages(actor, conference.cluster_year)
    removed = removed or []
    problems: list[Problem] = []
    if purpose not in BallotPurpose.values:
        problems.append(Problem(f"mục đích “{purpose}” không hợp lệ", field="purpose"))
    if not title.strip():
        problems.append(Problem("thiếu tiêu đề cuộc bỏ phiếu", field="title"))
    if method not in BallotMethod.values:
        problems.append(Problem(f"cách bỏ phiếu “{method}” không hợp lệ", field="method"))
    if base not in BallotBase.values:
        problems.append(Problem(f"cơ sở tính tỷ lệ “{base}” không hợp lệ", field="base"))
    if electorate_kind not in Electorate.values:
        problems.append(Problem(f"loại cử tri “{electorate_kind}” không hợp lệ", field="electorate_kind"))
    if mode not in BallotMode.values:
        problems.append(Problem(f"hình thức “{mode}” không hợp lệ", field="mode"))
    if problems:
        raise ValidationFailed(problems)
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
    problems += [Problem(p, field="rules") for p in tally_engine.check_rules(rules, names)]
    for row, c in enumerate(candidates, start=1):
        if not c.name.strip():
            problems.append(Problem("tên ứng viên trống", row=row, field="candidates"))
        elif len(c.name.strip()) > 200 or len(c.reason.strip()) > 300:
            problems.append(
                Problem("tên ứng viên (200) hoặc lý do (300 ký tự) quá dài", row=row, field="candidates")
            )

    # the default list, and every change from it with its reason
    if previous_round is not None:
        previous_round = Ballot.objects.get(pk=previous_round.pk)
        tied = (previous_round.result or {}).get("another_round", [])
        if (
            previous_round.conference_id != conference.pk
            or previous_round.status != BallotStatus.TALLIED
            or not tied
        ):
            raise ValidationFailed(
                Problem(
                    "vòng trước chưa kiểm phiếu hoặc không có ai bằng phiếu cần bầu lại",
                    field="previous_round",
                )
            )
        if Ballot.objects.filter(previous_round=previous_round).exists():
            raise ValidationFailed(
                Problem("vòng sau của cuộc bỏ phiếu này đã được tạo", field="previous_round")
            )
        by_name = {c.name: c.unit for c in previous_round.candidates.select_related("unit")}
        default = [(name, by_name.get(name)) for name in tied]
        source = f"Những người bằng phiếu ở vòng {previous_round.round_number}"
        run = None
    else:
        found = default_candidates(conference.cluster_year)
        default = [(c.name, c.unit) for c in found.candidates]
        source, run = found.source, found.run
    default_units = {_key(n): u for n, u in default}
    # a candidate named like one of the default list is that candidate (and takes its unit)
    candidates = [
        CandidateInput(c.name, c.unit or default_units.get(_key(c.name)), c.reason) for c in candidates
    ]
    given_keys = {_key(c.name) for c in candidates}
    for row, c in enumerate(candidates, start=1):
        if _key(c.name) not in default_units and not c.reason.strip():
            problems.append(
                Problem(
                    f"“{c.name.strip()}” không có trong danh sách mặc định ({source}): cần ghi lý do đưa vào",
                    row=row,
                    field="candidates",
                )
            )
    reasons = {r.name.strip(): r.reason.strip() for r in removed}
    removed_rows = []
    for name, unit in default:
        if _key(name) in given_keys:
            continue
        if not reasons.get(name):
            problems.append(
                Problem(f"bỏ “{name}” khỏi danh sách mặc định ({source}): cần ghi lý do", field="removed")
            )
        elif len(reasons[name]) > 300:
            problems.append(Problem(f"lý do bỏ “{name}” quá 300 ký tự", field="removed"))
        removed_rows.append(RemovedCandidate(unit=unit, name=name, reason=reasons.get(name, "")))
    default_names = {n for n, _ in default}
    for name in reasons:
        if name not in default_names:
            problems.append(Problem(f"“{name}” không có trong danh sách mặc định", field="removed"))
        elif name in names:
            problems.append(Problem(f"“{name}” vừa được giữ vừa bị bỏ khỏi danh sách", field="removed"))
    if problems:
        raise ValidationFailed(problems)

    ballot = Ballot(
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
        electorate_kind=electorate_kind,
        mode=mode,
        scoring_run=run,
        candidates_source=source[:300],
    )
    ballot.full_clean()
    ballot.save()
    added = [c for c in candidates if _key(c.name) not in default_units]
    Candidate.objects.bulk_create(
        [
            Candidate(
                ballot=ballot,
                unit=c.unit,
                name=c.name.strip(),
                position=i,
                added_reason=c.reason.strip() if c in added else "",
            )
            for i, c in enumerate(candidates, start=1)
        ]
    )
    for removal in removed_rows:
        removal.ballot = ballot
    RemovedCandidate.objects.bulk_create(removed_rows)
    audit_record(
        actor=actor,
        action="ballot.create",
        instance=ballot,
        after={
            **snapshot(ballot),
            "candidates": names,
            "added": [[c.name.strip(), c.reason.strip()] for c in added],
            "removed": [[r.name, r.reason] for r in removed_rows],
        },
    )
    return ballot


@transaction.atomic
def ballot_next_round(*, actor: Actor, ballot: Ballot) -> Ballot:
    """Another round among the candidates tied across the last seat, for the seats still open, with the
    same rules, electorate and form."""
    ballot = Ballot.objects.select_related("conference__cluster_year").get(pk=ballot.pk)
    _check_manages(actor, ballot.conference.cluster_year)
    result = ballot.result or {}
    tied = result.get("another_round", [])
    if ballot.status != BallotStatus.TALLIED or not tied:
        raise ValidationFailed(
            Problem("kết quả kiểm phiếu không yêu cầu bỏ phiếu vòng sau", field="previous_round")
        )
    seats = None if ballot.seats is None else max(1, ballot.seats - len(result.get("elected", [])))
    max_choices = ballot.max_choices
    if ballot.method == BallotMethod.CHOOSE_K:
        max_choices = min(max_choices, seats or len(tied), len(tied))
    units = {c.name: c.unit for c in ballot.candidates.select_related("unit")}
    return ballot_create(
        actor=actor,
        conference=ballot.conference,
        purpose=ballot.purpose,
        title=ballot.title,
        candidates=[CandidateInput(name, units.get(name)) for name in tied],
        method=ballot.method,
        max_choices=max_choices,
        seats=seats,
        quorum=ballot.quorum,
        threshold=ballot.threshold,
        strict=ballot.strict,
        base=ballot.base,
        electorate_kind=ballot.electorate_kind,
        mode=ballot.mode,
        previous_round=ballot,
    )


@dataclass(frozen=True)
class VoterInput:
    name: str
    unit: Unit | None = None


@dataclass(frozen=True)
class IssuedCode:
    voter: str
    code: str  # shown once: printed on a slip or on screen, never stored


def _roll_problems(voters: list[VoterInput]) -> list[Problem]:
    names = [v.name.strip() for v in voters]
    problems = []
    if not voters:
        problems.append(Problem("danh sách cử tri trống", field="voters"))
    for row, name in enumerate(names, start=1):
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
    return problems


def _replace_roll(ballot: Ballot, voters: list[VoterInput]) -> None:
    Voter.objects.filter(ballot=ballot).delete()
    Voter.objects.bulk_create([Voter(ballot=ballot, name=v.name.strip(), unit=v.unit) for v in voters])


@transaction.atomic
def ballot_roll_set(*, actor: Actor, ballot: Ballot, voters: list[VoterInput]) -> int:
    """The counting board changes the roll of a ballot in draft (it is frozen when the ballot opens)."""
    ballot = _lock(ballot)
    _check_counts(actor, ballot.conference, "thay đổi danh sách cử tri")
    if ballot.status != BallotStatus.DRAFT:
        raise ValidationFailed(
            Problem("danh sách cử tri đã được chốt khi mở hòm phiếu: không thay đổi được", field="voters")
        )
    problems = _roll_problems(voters)
    if problems:
        raise ValidationFailed(problems)
    before = list(Voter.objects.filter(ballot=ballot).values_list("name", flat=True))
    _replace_roll(ballot, voters)
    audit_record(
        actor=actor,
        action="ballot.roll",
        instance=ballot,
        before={"voters": before},
        after={"voters": [v.name.strip() for v in voters]},
    )
    return len(voters)


@transaction.atomic
def ballot_open(*, actor: Actor, ballot: Ballot, voters: list[VoterInput] | None = None) -> list[IssuedCode]:
    """The counting board freezes the roll (the one given, else the one it set, else the default: one
    delegate per member unit) and opens the box. An electronic ballot issues one code per voter, returned
    once; a paper ballot issues none."""
    ballot = _lock(ballot)
    _check_counts(actor, ballot.conference, "mở hòm phiếu")
    if ballot.status != BallotStatus.DRAFT:
        raise ValidationFailed(
            Problem("phiếu này đã mở hoặc đã đóng: danh sách cử tri không đổi được", field="voters")
        )
    if voters is not None:
        problems = _roll_problems(voters)
        if problems:
            raise ValidationFailed(problems)
        _replace_roll(ballot, voters)
    elif not Voter.objects.filter(ballot=ballot).exists():
        lines = [VoterInput(line.name, line.unit) for line in default_roll(ballot)]
        if not lines:
            raise ValidationFailed(
                Problem(
                    "chưa lập danh sách cử tri (thành viên Hội đồng): Ban kiểm phiếu lập trước khi mở",
                    field="voters",
                )
            )
        _replace_roll(ballot, lines)
    roll = list(Voter.objects.filter(ballot=ballot).order_by("id"))
    issued = []
    if ballot.mode == BallotMode.ELECTRONIC:
        for voter in roll:
            code = _new_code()
            issued.append(IssuedCode(voter.name, code))
            voter.code_hash = _digest(code)
        Voter.objects.bulk_update(roll, ["code_hash"])
    ballot.status = BallotStatus.OPEN
    ballot.opened_at = timezone.now()
    ballot.electorate = len(roll)
    ballot.save(update_fields=["status", "opened_at", "electorate"])
    audit_record(
        actor=actor,
        action="ballot.open",
        instance=ballot,
        after={"electorate": len(roll), "voters": [v.name for v in roll], "mode": ballot.mode},
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
        if locked.mode == BallotMode.PAPER:
            raise ValidationFailed(
                Problem("cuộc bỏ phiếu này dùng phiếu giấy: không nhận phiếu điện tử", field="code")
            )
        if locked.status != BallotStatus.OPEN:
            raise ValidationFailed(Problem("hòm phiếu chưa mở hoặc đã đóng: không nhận phiếu", field="code"))
        normalized = normalize_code(code)
        voter = (
            Voter.objects.select_for_update().filter(ballot=locked, code_hash=_digest(normalized)).first()
            if normalized
            else None
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
    normalized = normalize_code(receipt)
    if not normalized:
        return False
    return CastBallot.objects.filter(ballot=ballot, receipt_hash=_digest(normalized)).exists()


@transaction.atomic
def ballot_close(*, actor: Actor, ballot: Ballot) -> Ballot:
    """The counting board closes the box: fix its hash and re-stamp the roll in one statement, so that no
    voter row keeps a trace (such as PostgreSQL's per-row transaction id) of when its code was used."""
    ballot = _lock(ballot)
    _check_counts(actor, ballot.conference, "đóng hòm phiếu")
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


# ----------------------------------------------------------------------------------------- paper ballots


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
    rules = _rules(ballot)
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


def _counted(ballot: Ballot) -> int:
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
    ballot = _lock(ballot)
    _check_counts(actor, ballot.conference, "nhập phiếu giấy")
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
    room = ballot.electorate - _counted(ballot)
    content: dict[str, Any]
    if ballots is not None:
        problems = _paper_ballot_problems(ballot, names, ballots)
        if not ballots:
            problems.append(Problem("chưa nhập phiếu nào", field="ballots"))
        if len(ballots) > room:
            problems.append(
                Problem(
                    f"{len(ballots)} phiếu, nhiều hơn số cử tri chưa được tính ({room} trên {ballot.electorate})",
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
            _rules(ballot), names, room, totals.cast, totals.invalid, dict(totals.yes), dict(totals.no)
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
            "content_hash": _digest(_canonical(content)),
        },
    )
    return entry


def _lock_entry(entry: PaperEntry) -> tuple[Ballot, PaperEntry]:
    ballot = _lock(entry.ballot)
    return ballot, PaperEntry.objects.select_for_update().get(pk=entry.pk)


@transaction.atomic
def paper_entry_confirm(*, actor: Actor, entry: PaperEntry) -> PaperEntry:
    """A second, different member of the counting board confirms an entry: only then does it count, as the
    next link of the ballot's paper chain."""
    ballot, entry = _lock_entry(entry)
    _check_counts(actor, ballot.conference, "xác nhận phiếu giấy")
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
    room = ballot.electorate - _counted(ballot)
    if entry.cast > room:
        raise ValidationFailed(
            Problem(f"{entry.cast} phiếu, nhiều hơn số cử tri chưa được tính ({room})", field="cast")
        )
    head = (
        PaperEntry.objects.filter(ballot=ballot, status=EntryStatus.CONFIRMED)
        .order_by("-number")
        .values_list("entry_hash", flat=True)
        .first()
    )
    entry.previous_hash = head or GENESIS
    entry.entry_hash = paper_entry_hash(entry.previous_hash, entry.number, entry.kind, entry.content)
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
    _check_counts(actor, ballot.conference, "hủy lần nhập phiếu giấy")
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
    previous = GENESIS
    for e in PaperEntry.objects.filter(ballot=ballot, status=EntryStatus.CONFIRMED).order_by("number"):
        if e.previous_hash != previous:
            problems.append(f"lần nhập {e.number} không nối tiếp lần trước")
        if paper_entry_hash(e.previous_hash, e.number, e.kind, e.content) != e.entry_hash:
            problems.append(f"lần nhập {e.number} đã bị sửa sau khi xác nhận")
        previous = e.entry_hash
    return problems


def _paper_totals(ballot: Ballot, names: list[str]) -> tuple[tally_engine.Totals, str]:
    rules = _rules(ballot)
    parts = []
    head = GENESIS
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


@transaction.atomic
def ballot_tally(*, actor: Actor, ballot: Ballot) -> Ballot:
    """The counting board counts the whole closed box (electronic: after checking its chain; paper: the
    confirmed entries, after checking theirs); the result and its hash are stored."""
    ballot = _lock(ballot)
    _check_counts(actor, ballot.conference, "kiểm phiếu")
    if ballot.status != BallotStatus.CLOSED:
        raise ValidationFailed(Problem("chỉ kiểm phiếu khi hòm phiếu đã đóng", field="status"))
    rules = _rules(ballot)
    candidates = list(Candidate.objects.filter(ballot=ballot).values_list("name", flat=True))
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
        problems = paper_problems(ballot)
        if problems:
            raise ValidationFailed([Problem(p, field="box") for p in problems])
        totals, ballot.box_hash = _paper_totals(ballot, candidates)
    else:
        problems = box_problems(ballot)
        if problems:
            raise ValidationFailed([Problem(p, field="box") for p in problems])
        box = [
            tally_engine.Ballot(frozenset(marks), frozenset(against))
            for marks, against in CastBallot.objects.filter(ballot=ballot)
            .order_by("id")
            .values_list("marks", "against")
        ]
        totals = tally_engine.count(rules, candidates, box)
    try:
        outcome = tally_engine.decide(rules, candidates, ballot.electorate, totals)
    except tally_engine.TallyError as exc:
        raise ValidationFailed([Problem(p, field="box") for p in exc.problems]) from exc
    result = result_to_json(outcome)
    result["box_hash"] = ballot.box_hash
    result["mode"] = ballot.mode
    ballot.result = result
    ballot.result_hash = _digest(_canonical(result))
    ballot.status = BallotStatus.TALLIED
    ballot.save(update_fields=["result", "result_hash", "status", "box_hash"])
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
    ballot = (
        Ballot.objects.select_for_update()
        .select_related("conference__cluster_year__cluster")
        .get(pk=ballot.pk)
    )
    cluster_year = ballot.conference.cluster_year
    _check_manages(actor, cluster_year)
    if ballot.status != BallotStatus.TALLIED or ballot.result is None:
        raise ValidationFailed(Problem("chỉ áp dụng kết quả của phiếu đã kiểm", field="status"))
    if ballot.purpose not in (BallotPurpose.HEAD, BallotPurpose.DEPUTY):
        return None
    if ballot.applied:
        raise ValidationFailed(Problem("kết quả này đã được ghi vào năm sau", field="status"))
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
    role = cluster_role_set(
        actor=actor,
        cluster_year=next_year,
        unit=candidate.unit,
        role=ClusterRoleKind.HEAD if ballot.purpose == BallotPurpose.HEAD else ClusterRoleKind.DEPUTY,
        basis=RoleBasis.ELECTED,
        decided_on=conference.held_on,
        reference=f"{conference}: {ballot.title}, phiếu bầu mã băm {ballot.result_hash[:16]}",
    )
    ballot.applied = True
    ballot.save(update_fields=["applied"])
    audit_record(
        actor=actor,
        action="ballot.apply",
        instance=ballot,
        after={"role": role.pk, "unit": candidate.unit.pk},
    )
    return role
