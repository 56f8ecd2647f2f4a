"""Reads for conferences and ballots: who may do what at a conference, the default candidates (the latest
published ranking) and the default roll, what a conference decided, and its record with a hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet

from tdkt.clusters.models import ClusterMember, ClusterRole, ClusterYear
from tdkt.clusters.scopes import Viewer, viewer_for
from tdkt.org.models import Unit
from tdkt.scoring.models import ScoringRun
from tdkt.scoring.selectors import latest_run
from tdkt.voting.access import manages
from tdkt.voting.models import (
    Ballot,
    BallotPurpose,
    BallotStatus,
    Conference,
    CountingBoardMember,
    Delegate,
    Electorate,
    EntryStatus,
    PaperEntry,
)


@dataclass(frozen=True)
class ConferenceRoles:
    """What one viewer may do at one conference. Managers (the head's staff, the board) prepare: the
    conference, its delegates, the counting board, the ballots, applying results. The counting board runs
    the box: the roll, opening, closing, paper entries, the count."""

    manages: bool
    counts: bool
    chair: bool
    user_id: int | None

    @property
    def sees_drafts(self) -> bool:
        return self.manages or self.counts


def conference_roles(
    user: AbstractBaseUser | AnonymousUser | None, conference: Conference
) -> ConferenceRoles:
    viewer = viewer_for(user)
    member = None
    if viewer.user_id is not None:
        member = CountingBoardMember.objects.filter(conference=conference, user_id=viewer.user_id).first()
    return ConferenceRoles(
        manages=manages(viewer, conference),
        counts=member is not None,
        chair=bool(member and member.is_chair),
        user_id=viewer.user_id,
    )


def visible_ballots(conference: Conference, roles: ConferenceRoles) -> QuerySet[Ballot]:
    """Every ballot once opened; drafts only for those who prepare or run them."""
    ballots = conference.ballots.prefetch_related("candidates__unit", "removed_candidates").order_by("id")
    return ballots if roles.sees_drafts else ballots.exclude(status=BallotStatus.DRAFT)


@dataclass(frozen=True)
class DefaultCandidate:
    name: str
    unit: Unit | None


@dataclass(frozen=True)
class DefaultCandidates:
    source: str
    run: ScoringRun | None
    candidates: list[DefaultCandidate]


def default_candidates(cluster_year: ClusterYear) -> DefaultCandidates:
    """The units of the latest published ranking of the cluster-year, in rank order (disqualified units
    left out); without a published ranking, the members in the cluster's order."""
    run = latest_run(cluster_year)
    members = {
        m.unit.code: m.unit
        for m in ClusterMember.objects.filter(cluster_year=cluster_year).select_related("unit")
    }
    if run is not None:
        ranked = [
            r for r in run.result.get("ranking", []) if r.get("id") in members and not r.get("disqualified")
        ]
        ranked.sort(key=lambda r: (r["rank"], r["name"]))
        return DefaultCandidates(
            source=(
                f"Bảng xếp hạng đã công bố lần {run.number} "
                f"(bộ tiêu chí phiên bản {run.criteria_set.version}), theo thứ hạng"
            ),
            run=run,
            candidates=[DefaultCandidate(members[r["id"]].name, members[r["id"]]) for r in ranked],
        )
    return DefaultCandidates(
        source="Danh sách thành viên cụm (chưa có bảng xếp hạng được công bố)",
        run=None,
        candidates=[DefaultCandidate(u.name, u) for u in members.values()],
    )


def session_candidates(candidates: list[tuple[str, Unit | None]], source: str) -> DefaultCandidates:
    """At a council session the list under review is the default list: a dossier's lines, or the list the
    session's preparer typed."""
    return DefaultCandidates(
        source=source.strip() or "Danh sách do Hội đồng xem xét",
        run=None,
        candidates=[DefaultCandidate(name, unit) for name, unit in candidates],
    )


@dataclass(frozen=True)
class RollLine:
    name: str
    unit: Unit | None


def default_roll(ballot: Ballot) -> list[RollLine]:
    """One voter per member unit, its voting delegate if named, else "the unit's leader's representative".
    A council's roll has no default: the counting board types it."""
    if ballot.electorate_kind == Electorate.COUNCIL:
        return []
    conference = ballot.conference
    voting = {
        d.unit_id: d
        for d in Delegate.objects.filter(conference=conference, votes=True).select_related("unit")
    }
    lines = []
    for member in ClusterMember.objects.filter(cluster_year=conference.cluster_year_id).select_related(
        "unit"
    ):
        delegate = voting.get(member.unit_id)
        name = (
            f"{delegate.name} ({member.unit.name})" if delegate else f"Đại diện lãnh đạo {member.unit.name}"
        )
        lines.append(RollLine(name, member.unit))
    return lines


@dataclass(frozen=True)
class ElectedRole:
    ballot: Ballot
    role: str  # "Trưởng cụm" / "Phó Trưởng cụm"
    unit_name: str
    year: int
    recorded: ClusterRole | None  # the role as the cluster's next year holds it now


def elected_roles(conference: Conference) -> list[ElectedRole]:
    """Next year's head and deputy as the conference's tallied ballots elected them, and whether the
    cluster's next year records them."""
    cluster_year = conference.cluster_year
    if cluster_year is None:
        return []
    out = []
    for ballot in conference.ballots.filter(
        purpose__in=[BallotPurpose.HEAD, BallotPurpose.DEPUTY], status=BallotStatus.TALLIED
    ).order_by("id"):
        elected = (ballot.result or {}).get("elected", [])
        if len(elected) != 1:
            continue
        recorded = (
            ClusterRole.objects.filter(
                cluster_year__cluster_id=cluster_year.cluster_id,
                cluster_year__year=cluster_year.year + 1,
                role=ballot.purpose,
            )
            .select_related("unit")
            .first()
        )
        out.append(
            ElectedRole(
                ballot=ballot,
                role="Trưởng cụm" if ballot.purpose == BallotPurpose.HEAD else "Phó Trưởng cụm",
                unit_name=elected[0],
                year=cluster_year.year + 1,
                recorded=recorded if recorded is not None and recorded.unit.name == elected[0] else None,
            )
        )
    return out


def conference_record(conference: Conference) -> dict[str, Any]:
    """The conference as a plain record (what the minutes say), for its hash: anyone holding the minutes
    can check they match the stored conference. Opened but uncounted ballots are left out."""
    delegates = [
        {"unit": d.unit.name, "name": d.name, "position": d.position, "votes": d.votes}
        for d in conference.delegates.select_related("unit").order_by("order", "id")
    ]
    ballots = [
        {
            "title": b.title,
            "round": b.round_number,
            "mode": b.mode,
            "result_hash": b.result_hash,
            "box_hash": b.box_hash,
            "elected": (b.result or {}).get("elected", []),
        }
        for b in conference.ballots.filter(status=BallotStatus.TALLIED).order_by("id")
    ]
    meeting: dict[str, Any] = (
        {
            "council": conference.council_name,
            "council_size": conference.council_size,
            "council_basis": conference.council_basis,
        }
        if conference.is_council
        else {"cluster_year": str(conference.cluster_year)}
    )
    return {
        "conference": conference.pk,
        **meeting,
        "kind": conference.kind,
        "held_on": conference.held_on.isoformat(),
        "place": conference.place,
        "host": conference.host.name,
        "chair": conference.chair_name,
        "secretary": conference.secretary_name,
        "agenda": conference.agenda_items,
        "delegates": delegates,
        "counting_board": [
            {"name": m.name, "chair": m.is_chair}
            for m in conference.counting_board.order_by("-is_chair", "name")
        ],
        "covenant": str(conference.covenant) if conference.covenant_id else None,
        "criteria_set": str(conference.criteria_set) if conference.criteria_set_id else None,
        "conclusions": conference.conclusions,
        "ballots": ballots,
    }


def conference_record_hash(conference: Conference) -> str:
    body = json.dumps(
        conference_record(conference), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------------------- my work
# What waits for one viewer at conferences (the page "Việc của tôi" and the header's count compose these).


@dataclass(frozen=True)
class BallotWaiting:
    """One ballot task: `kind` is "prepare" (the head's staff: a ballot in draft), "open", "close" or
    "count" (the counting board, by the ballot's status) or "confirm" (paper entries another member of
    the counting board entered, waiting for a second member's confirmation)."""

    ballot: Ballot
    kind: str
    count: int = 0  # paper entries waiting


COUNTING_STEP = {BallotStatus.DRAFT: "open", BallotStatus.OPEN: "close", BallotStatus.CLOSED: "count"}


def ballots_waiting(viewer: Viewer) -> list[BallotWaiting]:
    """Drafts of the conferences of the cluster-years the viewer heads (to prepare); for a member of a
    conference's counting board, its ballots to open, close or count and the paper entries to confirm.
    Three queries, whatever the number of conferences."""
    if viewer.user_id is None:
        return []
    counted = set(
        CountingBoardMember.objects.filter(user_id=viewer.user_id).values_list("conference_id", flat=True)
    )
    if not counted and not viewer.head_of:
        return []
    ballots = list(
        Ballot.objects.filter(
            Q(conference_id__in=counted, status__in=list(COUNTING_STEP))
            | Q(conference__cluster_year_id__in=viewer.head_of, status=BallotStatus.DRAFT)
        )
        .select_related(
            "conference",
            "conference__cluster_year",
            "conference__cluster_year__cluster",
            "conference__council_of",
        )
        .order_by("conference__held_on", "conference_id", "id")
    )
    pending = dict(
        PaperEntry.objects.filter(ballot__in=[b for b in ballots if b.conference_id in counted])
        .filter(status=EntryStatus.PENDING)
        .exclude(entered_by_id=viewer.user_id)
        .values("ballot_id")
        .annotate(n=Count("id"))
        .values_list("ballot_id", "n")
    )
    out = []
    for ballot in ballots:
        if ballot.status == BallotStatus.DRAFT and ballot.conference.cluster_year_id in viewer.head_of:
            out.append(BallotWaiting(ballot, "prepare"))
        if ballot.conference_id in counted:
            out.append(BallotWaiting(ballot, COUNTING_STEP[BallotStatus(ballot.status)]))
            if pending.get(ballot.pk):
                out.append(BallotWaiting(ballot, "confirm", pending[ballot.pk]))
    return out
