"""Who may do what to a ballot, shared by the voting services: those who prepare (a cluster's conference: the
head's staff and the board; a council's session: the board for the province's council, the unit's staff for
a unit's own) and the conference's counting board, which alone runs the box."""

from __future__ import annotations

from fractions import Fraction

from django.contrib.auth.models import User
from django.db.models import Q

from tdkt.clusters.models import ClusterYear
from tdkt.clusters.scopes import Viewer, viewer_for
from tdkt.core.audit import Actor, actor_user
from tdkt.core.errors import NotPermitted
from tdkt.core.models import AuditEvent
from tdkt.org.models import Unit, UnitKind
from tdkt.voting import tally as tally_engine
from tdkt.voting.models import Ballot, Conference, CountingBoardMember

PROVINCE_KINDS = (UnitKind.PROVINCE, UnitKind.CENTRAL_CITY)
# The writes that prepare a session: whoever made one of them may not count it (decision 0004).
PREPARING_ACTIONS = (
    "conference.create",
    "conference.update",
    "ballot.create",
    "ballot.candidates_refresh",
    "ballot.stale_confirm",
)


def person_name(user: User) -> str:
    return f"{user.last_name} {user.first_name}".strip() or user.get_username()


def check_manages(actor: Actor, cluster_year: ClusterYear) -> None:
    if actor is not None and not viewer_for(actor).manages(cluster_year.pk):
        raise NotPermitted(
            "Chỉ Trưởng cụm hoặc Ban Thi đua – Khen thưởng mới được chuẩn bị hội nghị và bỏ phiếu."
        )


def prepares_council(viewer: Viewer, unit: Unit) -> bool:
    """The province's council is prepared by the provincial board; a unit's own council by its staff."""
    if unit.kind in PROVINCE_KINDS:
        return viewer.is_board
    return viewer.is_staff_of(unit.pk)


def manages(viewer: Viewer, conference: Conference) -> bool:
    """Whether the viewer prepares this conference or council session."""
    if conference.council_of_id is not None:
        assert conference.council_of is not None
        return prepares_council(viewer, conference.council_of)
    assert conference.cluster_year_id is not None
    return viewer.manages(conference.cluster_year_id)


def check_council(actor: Actor, unit: Unit) -> None:
    if actor is not None and not prepares_council(viewer_for(actor), unit):
        raise NotPermitted(
            "Chỉ Ban Thi đua – Khen thưởng tỉnh (Hội đồng của tỉnh) hoặc cán bộ của đơn vị (Hội đồng của đơn vị) "
            "mới được chuẩn bị phiên họp Hội đồng Thi đua – Khen thưởng."
        )


def check_prepares(actor: Actor, conference: Conference) -> None:
    """Refuse whoever may not prepare the conference; at a council session, a member of its counting board
    may not prepare what they will count either."""
    if conference.council_of_id is None:
        assert conference.cluster_year is not None
        check_manages(actor, conference.cluster_year)
        return
    assert conference.council_of is not None
    check_council(actor, conference.council_of)
    if actor is not None and on_counting_board(actor, conference):
        raise NotPermitted("Thành viên Ban kiểm phiếu không chuẩn bị phiên họp và phiếu bầu mà mình sẽ kiểm.")


def preparers(conference: Conference) -> set[int]:
    """The accounts that prepared a session or one of its ballots, as the audit trail records them."""
    ballots = [str(pk) for pk in conference.ballots.values_list("pk", flat=True)]
    rows = AuditEvent.objects.filter(action__in=PREPARING_ACTIONS, actor__isnull=False).filter(
        Q(object_type="voting.conference", object_id=str(conference.pk))
        | Q(object_type="voting.ballot", object_id__in=ballots)
    )
    return set(rows.values_list("actor_id", flat=True))


def on_counting_board(actor: Actor, conference: Conference) -> bool:
    user = actor_user(actor)
    return user is not None and CountingBoardMember.objects.filter(conference=conference, user=user).exists()


def check_counts(actor: Actor, conference: Conference, what: str) -> None:
    """The counting board alone runs the box; the system (actor None) loads demo data and commands."""
    if actor is None or on_counting_board(actor, conference):
        return
    if not conference.counting_board.exists():
        raise NotPermitted(
            (
                f"Phiên họp chưa có Ban kiểm phiếu: người chuẩn bị phiên họp chỉ định Ban kiểm phiếu trước, rồi "
                f"thành viên Ban kiểm phiếu mới được {what}."
            )
            if conference.council_of_id is not None
            else f"Hội nghị chưa có Ban kiểm phiếu: Trưởng cụm hoặc Ban Thi đua – Khen thưởng chỉ định Ban kiểm "
            f"phiếu trước, rồi thành viên Ban kiểm phiếu mới được {what}."
        )
    raise NotPermitted(f"Chỉ thành viên Ban kiểm phiếu của hội nghị mới được {what}.")


def lock_ballot(ballot: Ballot) -> Ballot:
    """The ballot row (and its conference's: the minutes register) locked for the transaction: every change of
    its box is serialised on it. Only these two rows: a cluster-year is an outer join now, which PostgreSQL
    cannot lock."""
    return (
        Ballot.objects.select_for_update(of=("self", "conference"))
        .select_related("conference__cluster_year", "conference__council_of")
        .get(pk=ballot.pk)
    )


def rules_of(ballot: Ballot) -> tally_engine.Rules:
    return tally_engine.Rules(
        method=ballot.method,
        max_choices=ballot.max_choices,
        seats=ballot.seats,
        quorum=Fraction(ballot.quorum),
        threshold=Fraction(ballot.threshold),
        strict=ballot.strict,
        base=ballot.base,
    )
