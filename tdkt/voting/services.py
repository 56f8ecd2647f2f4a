"""Writes that prepare conferences, council sessions and ballots.

A council session (`council_session_create`) is a meeting of an emulation council — the province's,
prepared by the provincial board, or a unit's own, prepared by its staff — where the council votes by secret
ballot on the lists before it (`tdkt.dossiers.council` makes a dossier's ballot). Its counting board is any
two or more active accounts, one chair, never an account that prepared the session or its ballots
(decision 0004); the council's roll lists every member.

The head's staff and the provincial board prepare a conference: its record (kind, date, place, host,
agenda, delegates, what it decided), its counting board (ban kiểm phiếu: accounts of member units other than
the head's, at least two, with a chair), and its ballots (purpose, rules, candidates taken from the latest
published ranking, every change with a reason; a ballot whose ranking has since been republished is
refreshed or kept with a reason before it opens); they apply a tallied result. Running the box is the
counting board's alone: `voting.box` (roll, open, hand-out, cast, close), `voting.paper` (paper entries),
`voting.counting` (the count and its verification).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from django.contrib.auth.models import User
from django.db import transaction

from tdkt.clusters.models import ClusterMember, ClusterRole, ClusterRoleKind, ClusterYear, RoleBasis
from tdkt.clusters.services import cluster_role_set, cluster_year_roll_forward
from tdkt.core.audit import Actor, audit_record, snapshot
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.movements.models import Covenant
from tdkt.org.models import Account, Role, Unit
from tdkt.org.selectors import unit_descends_from
from tdkt.scoring.models import CriteriaSet, ScoringRun
from tdkt.scoring.selectors import latest_run
from tdkt.voting import tally as tally_engine
from tdkt.voting.access import (
    check_council,
    check_manages,
    check_prepares,
    lock_ballot,
    person_name,
    preparers,
)
from tdkt.voting.models import (
    Ballot,
    BallotBase,
    BallotMethod,
    BallotMode,
    BallotPurpose,
    BallotStatus,
    Candidate,
    Conference,
    ConferenceKind,
    CountingBoardMember,
    Delegate,
    Electorate,
    RemovedCandidate,
)
from tdkt.voting.sealing import clean_name
from tdkt.voting.selectors import DefaultCandidates, default_candidates, session_candidates

MIN_COUNTING_BOARD = 2  # a paper entry is confirmed by a second, different member

# ------------------------------------------------------------------------------------------- conferences


def _conference_problems(cluster_year: ClusterYear, kind: str, place: str, host: Unit) -> list[Problem]:
    problems = []
    if kind not in ConferenceKind.values or kind == ConferenceKind.COUNCIL:
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
    check_manages(actor, cluster_year)
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


def _council_problems(
    council_of: Unit, place: str, host: Unit, council_size: int | None, council_basis: str
) -> list[Problem]:
    problems = []
    if not place.strip():
        problems.append(Problem("thiếu địa điểm", field="place"))
    if host.pk != council_of.pk and not unit_descends_from(host, council_of):
        problems.append(
            Problem(f"nơi họp “{host}” không phải {council_of} hoặc đơn vị trực thuộc", field="host")
        )
    if council_size is None or council_size < 1:
        problems.append(Problem("ghi số thành viên của Hội đồng (ít nhất 1)", field="council_size"))
    if len(council_basis.strip()) > 300:
        problems.append(Problem("quyết định thành lập Hội đồng quá 300 ký tự", field="council_basis"))
    return problems


@transaction.atomic
def council_session_create(
    *,
    actor: Actor,
    council_of: Unit,
    held_on: dt.date,
    place: str,
    council_size: int | None,
    council_basis: str = "",
    host: Unit | None = None,
    agenda: str = "",
    chair_name: str = "",
    secretary_name: str = "",
) -> Conference:
    """A session of `council_of`'s emulation council (the province's, prepared by the board; a unit's own,
    prepared by its staff). The council's size is the roll every ballot of the session lists."""
    check_council(actor, council_of)
    host = host or council_of
    problems = _council_problems(council_of, place, host, council_size, council_basis)
    if problems:
        raise ValidationFailed(problems)
    conference = Conference(
        council_of=council_of,
        council_size=council_size,
        council_basis=council_basis.strip(),
        kind=ConferenceKind.COUNCIL,
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
    assert own is not None
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
    council_size: int | None = None,
    council_basis: str = "",
) -> Conference:
    """Edit a conference and record what it decided: the covenant signed and the criteria set amended (of
    the cluster, this year or the next), and other conclusions. Vote results are its ballots. A council
    session keeps its kind and takes neither covenant nor criteria; its size and basis may change until a
    ballot opens."""
    conference = (
        Conference.objects.select_for_update(of=("self",))
        .select_related("cluster_year", "council_of")
        .get(pk=conference.pk)
    )
    check_prepares(actor, conference)
    if conference.council_of is not None:
        problems = _council_problems(conference.council_of, place, host, council_size, council_basis)
        if kind != ConferenceKind.COUNCIL:
            problems.append(Problem("phiên họp Hội đồng không đổi được loại", field="kind"))
        if covenant is not None or criteria_set is not None:
            problems.append(
                Problem(
                    "phiên họp Hội đồng không ký giao ước, không sửa bộ tiêu chí của cụm", field="covenant"
                )
            )
        if (
            council_size != conference.council_size
            and conference.ballots.exclude(status=BallotStatus.DRAFT).exists()
        ):
            problems.append(
                Problem(
                    "đã có cuộc bỏ phiếu được mở: số thành viên Hội đồng không đổi được", field="council_size"
                )
            )
        if problems:
            raise ValidationFailed(problems)
        conference.council_size = council_size
        conference.council_basis = council_basis.strip()
        Ballot.objects.filter(conference=conference, status=BallotStatus.DRAFT).update(
            council_size=council_size
        )
    assert conference.cluster_year is not None or conference.council_of is not None
    problems = (
        _conference_problems(conference.cluster_year, kind, place, host)
        if conference.cluster_year is not None
        else []
    )
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
    """Replace the delegates of the member units; at most one of each unit votes for it. A council session
    has no member units: its members are each ballot's roll."""
    conference = (
        Conference.objects.select_for_update(of=("self",))
        .select_related("cluster_year")
        .get(pk=conference.pk)
    )
    if conference.cluster_year is None:
        raise ValidationFailed(
            Problem(
                "phiên họp Hội đồng không ghi đại biểu theo đơn vị: thành viên Hội đồng là danh sách cử tri",
                field="delegates",
            )
        )
    check_manages(actor, conference.cluster_year)
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
    """Accounts that may sit on the counting board: at a cluster's conference, staff of member units other
    than the head's; at a council session, any active account (of the unit, for a unit's council) that
    prepared neither the session nor its ballots."""
    if conference.council_of is not None:
        accounts = Account.objects.filter(user__is_active=True).exclude(user_id__in=preparers(conference))
        if conference.council_of.kind not in ("tinh", "thanh_pho_tw"):
            accounts = accounts.filter(unit=conference.council_of)
        return list(
            accounts.select_related("user", "unit").order_by(
                "role", "unit__name", "user__last_name", "user__first_name"
            )
        )
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
    At a council session: at least two accounts, one chair, none of whom prepared the session or its
    ballots. Fixed once a ballot of the conference has opened."""
    conference = (
        Conference.objects.select_for_update(of=("self",))
        .select_related("cluster_year", "council_of")
        .get(pk=conference.pk)
    )
    check_prepares(actor, conference)
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
    prepared = preparers(conference) if conference.council_of_id is not None else set()
    for row, user in enumerate(members, start=1):
        if user.pk in prepared:
            problems.append(
                Problem(
                    f"{person_name(user)} đã chuẩn bị phiên họp hoặc phiếu bầu: không được vào Ban kiểm phiếu",
                    row=row,
                    field="members",
                )
            )
        elif conference.council_of_id is not None and user.pk not in eligible:
            problems.append(
                Problem(
                    f"{person_name(user)} không có tài khoản đang hoạt động của {conference.council_of}: "
                    "không được vào Ban kiểm phiếu",
                    row=row,
                    field="members",
                )
            )
        elif user.pk not in eligible:
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


def _key(name: str) -> str:
    return clean_name(name).casefold()


def _default_list(conference: Conference, candidates: list[CandidateInput], source: str) -> DefaultCandidates:
    """The list every change needs a reason against: the cluster-year's published ranking, or, at a council
    session, the list under review as given."""
    if conference.cluster_year is not None:
        return default_candidates(conference.cluster_year)
    return session_candidates([(c.name, c.unit) for c in candidates], source)


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
    council_name: str = "",
    council_size: int | None = None,
    source: str = "",
    rule_citation: str = "",
    rule_tag: str = "",
) -> Ballot:
    """A ballot with its rules and candidates, in draft until the counting board opens it.

    The default candidates are the latest published ranking of the cluster-year (for a later round, the
    candidates tied in the round before); every change from that list needs a reason: `reason` on a
    candidate who is added, a `CandidateRemoval` for each one left off. The reasons are stored, shown and
    audited.

    At a council session the candidates given are the list under review (`source` says which: a dossier's
    list), the electorate is the council (its name and size from the session), and `rule_citation` and
    `rule_tag` record where the thresholds came from."""
    conference = Conference.objects.select_related("cluster_year", "council_of").get(pk=conference.pk)
    check_prepares(actor, conference)
    council_session = conference.council_of is not None
    if council_session:
        council_name = council_name.strip() or conference.council_name + (
            f" ({conference.council_basis})" if conference.council_basis else ""
        )
        council_size = council_size if council_size is not None else conference.council_size
    removed = removed or []
    candidates = [CandidateInput(clean_name(c.name), c.unit, c.reason) for c in candidates]
    removed = [CandidateRemoval(clean_name(r.name), r.reason) for r in removed]
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
    if council_session:
        if electorate_kind != Electorate.COUNCIL:
            problems.append(
                Problem("phiên họp Hội đồng: cử tri là thành viên Hội đồng", field="electorate_kind")
            )
        if council_size != conference.council_size:
            problems.append(
                Problem(
                    f"Hội đồng có {conference.council_size} thành viên (theo phiên họp), không phải {council_size}",
                    field="council_size",
                )
            )
        if purpose in (BallotPurpose.FLAG, BallotPurpose.HEAD, BallotPurpose.DEPUTY):
            problems.append(
                Problem("mục đích này chỉ dùng ở hội nghị của cụm, khối thi đua", field="purpose")
            )
    elif purpose == BallotPurpose.COUNCIL:
        problems.append(Problem("mục đích này chỉ dùng ở phiên họp Hội đồng", field="purpose"))
    if len(rule_citation.strip()) > 500:
        problems.append(Problem("căn cứ của ngưỡng quá 500 ký tự", field="rule_citation"))
    if electorate_kind == Electorate.COUNCIL:
        if not council_name.strip():
            problems.append(
                Problem(
                    "cử tri là thành viên hội đồng: ghi tên hội đồng (và quyết định thành lập)",
                    field="council_name",
                )
            )
        if council_size is None or council_size < 1:
            problems.append(Problem("ghi số thành viên của hội đồng (ít nhất 1)", field="council_size"))
    elif council_name.strip() or council_size is not None:
        problems.append(Problem("chỉ ghi hội đồng khi cử tri là thành viên hội đồng", field="council_name"))
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
        found = _default_list(conference, candidates, source)
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
        council_name=council_name.strip()[:300],
        council_size=council_size,
        scoring_run=run,
        candidates_source=source[:300],
        rule_citation=rule_citation.strip(),
        rule_tag=rule_tag.strip(),
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
    ballot = Ballot.objects.select_related("conference__cluster_year", "conference__council_of").get(
        pk=ballot.pk
    )
    check_prepares(actor, ballot.conference)
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
        council_name=ballot.council_name,
        council_size=ballot.council_size,
        source=f"Những người bằng phiếu ở vòng {ballot.round_number}",
        rule_citation=ballot.rule_citation,
        rule_tag=ballot.rule_tag,
    )


# ------------------------------------------------------------------------------------------ stale ballots


def ballot_stale_run(ballot: Ballot) -> ScoringRun | None:
    """The ranking published after this ballot's candidates were taken from an earlier one, unless it was
    kept with a reason: such a ballot may not open until it is refreshed or confirmed."""
    if ballot.scoring_run_id is None or ballot.previous_round_id is not None:
        return None
    if ballot.conference.cluster_year is None:
        return None
    latest = latest_run(ballot.conference.cluster_year)
    if latest is None or latest.pk in (ballot.scoring_run_id, ballot.stale_confirmed_run_id):
        return None
    return latest


def _check_draft(ballot: Ballot) -> None:
    if ballot.status != BallotStatus.DRAFT:
        raise ValidationFailed(
            Problem("hòm phiếu đã mở: danh sách ứng viên không đổi được nữa", field="candidates")
        )


@transaction.atomic
def ballot_candidates_refresh(*, actor: Actor, ballot: Ballot) -> Ballot:
    """Take the candidates again from the latest published ranking (changes made with reasons to the old
    list are dropped: make them again on a new ballot if they still hold)."""
    ballot = lock_ballot(ballot)
    check_prepares(actor, ballot.conference)
    _check_draft(ballot)
    if ballot.conference.cluster_year is None:
        raise ValidationFailed(
            Problem("phiên họp Hội đồng không lấy ứng viên từ bảng xếp hạng", field="candidates")
        )
    found = default_candidates(ballot.conference.cluster_year)
    before = list(ballot.candidates.values_list("name", flat=True))
    Candidate.objects.filter(ballot=ballot).delete()
    RemovedCandidate.objects.filter(ballot=ballot).delete()
    Candidate.objects.bulk_create(
        [
            Candidate(ballot=ballot, unit=c.unit, name=clean_name(c.name), position=i)
            for i, c in enumerate(found.candidates, start=1)
        ]
    )
    ballot.scoring_run = found.run
    ballot.candidates_source = found.source[:300]
    ballot.stale_confirmed_run = None
    ballot.stale_reason = ""
    ballot.save(update_fields=["scoring_run", "candidates_source", "stale_confirmed_run", "stale_reason"])
    audit_record(
        actor=actor,
        action="ballot.candidates_refresh",
        instance=ballot,
        before={"candidates": before},
        after={"candidates": [c.name for c in found.candidates], "source": found.source},
    )
    return ballot


@transaction.atomic
def ballot_stale_confirm(*, actor: Actor, ballot: Ballot, reason: str) -> Ballot:
    """Keep the candidates taken from an earlier ranking, with a reason the minutes show."""
    ballot = lock_ballot(ballot)
    check_prepares(actor, ballot.conference)
    _check_draft(ballot)
    latest = ballot_stale_run(ballot)
    if latest is None:
        raise ValidationFailed(
            Problem("danh sách ứng viên đang theo bảng xếp hạng mới nhất: không cần xác nhận", field="reason")
        )
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(Problem("cần ghi lý do giữ danh sách ứng viên cũ", field="reason"))
    if len(reason) > 300:
        raise ValidationFailed(Problem("lý do quá 300 ký tự", field="reason"))
    ballot.stale_confirmed_run = latest
    ballot.stale_reason = reason
    ballot.save(update_fields=["stale_confirmed_run", "stale_reason"])
    audit_record(
        actor=actor,
        action="ballot.stale_confirm",
        instance=ballot,
        summary=reason,
        after={"kept_run": ballot.scoring_run_id, "latest_run": latest.pk, "reason": reason},
    )
    return ballot


@transaction.atomic
def ballot_apply(*, actor: Actor, ballot: Ballot) -> ClusterRole | None:
    """Write what a tallied vote decided where it belongs: the head or deputy elected for next year is
    recorded on the cluster's next year (opened if needed), citing the conference. Other purposes are
    carried by their dossiers (a later stage) and change nothing here."""
    ballot = (
        Ballot.objects.select_for_update(of=("self", "conference"))
        .select_related("conference__cluster_year__cluster", "conference__council_of")
        .get(pk=ballot.pk)
    )
    check_prepares(actor, ballot.conference)
    if ballot.status != BallotStatus.TALLIED or ballot.result is None:
        raise ValidationFailed(Problem("chỉ áp dụng kết quả của phiếu đã kiểm", field="status"))
    cluster_year = ballot.conference.cluster_year
    if ballot.purpose not in (BallotPurpose.HEAD, BallotPurpose.DEPUTY) or cluster_year is None:
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
