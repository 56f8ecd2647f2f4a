"""Who may do what to a ballot, shared by the voting services: the head's staff and the board prepare; the
conference's counting board alone runs the box."""

from __future__ import annotations

from fractions import Fraction

from django.contrib.auth.models import User

from tdkt.clusters.models import ClusterYear
from tdkt.clusters.scopes import viewer_for
from tdkt.core.audit import Actor, actor_user
from tdkt.core.errors import NotPermitted
from tdkt.voting import tally as tally_engine
from tdkt.voting.models import Ballot, Conference, CountingBoardMember


def person_name(user: User) -> str:
    return f"{user.last_name} {user.first_name}".strip() or user.get_username()


def check_manages(actor: Actor, cluster_year: ClusterYear) -> None:
    if actor is not None and not viewer_for(actor).manages(cluster_year.pk):
        raise NotPermitted(
            "Chỉ Trưởng cụm hoặc Ban Thi đua – Khen thưởng mới được chuẩn bị hội nghị và bỏ phiếu."
        )


def on_counting_board(actor: Actor, conference: Conference) -> bool:
    user = actor_user(actor)
    return user is not None and CountingBoardMember.objects.filter(conference=conference, user=user).exists()


def check_counts(actor: Actor, conference: Conference, what: str) -> None:
    """The counting board alone runs the box; the system (actor None) loads demo data and commands."""
    if actor is None or on_counting_board(actor, conference):
        return
    if not conference.counting_board.exists():
        raise NotPermitted(
            f"Hội nghị chưa có Ban kiểm phiếu: Trưởng cụm hoặc Ban Thi đua – Khen thưởng chỉ định Ban kiểm "
            f"phiếu trước, rồi thành viên Ban kiểm phiếu mới được {what}."
        )
    raise NotPermitted(f"Chỉ thành viên Ban kiểm phiếu của hội nghị mới được {what}.")


def lock_ballot(ballot: Ballot) -> Ballot:
    """The ballot row locked for the transaction: every change of its box is serialised on it."""
    return Ballot.objects.select_for_update().select_related("conference__cluster_year").get(pk=ballot.pk)


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
