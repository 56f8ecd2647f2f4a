"""Conferences and ballots for tests, built on the personas' world: a counting board of two accounts
(Tiên Phước's and Nam Giang's staff, the chair first), distinct from the head's staff (Phước Sơn).

The box is run as in the room: the counting board opens the ballot and gets anonymous slips; for each
voter, a board member ticks the next voter on the roll (`hand_out`), the voter activates the slip drawn
(`ballot_activate`) and casts. `vote` does the three steps; the slips printed by `open_ballot` are kept
here, per ballot, so `vote` can draw the next unused one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User

from tdkt.core.personas import PASSWORD, SCORING_CRITERIA, SCORING_RULES, World
from tdkt.movements.models import Covenant
from tdkt.movements.services import (
    Signatory,
    ValueInput,
    covenant_sign,
    report_get_or_create,
    report_transition,
    report_values_set,
)
from tdkt.org.models import Account, Role, Unit
from tdkt.scoring.models import ScoringRun
from tdkt.scoring.services import criteria_set_adopt, criteria_set_create, scoring_publish
from tdkt.voting.box import (
    Receipt,
    VoterInput,
    ballot_activate,
    ballot_cast,
    ballot_hand_out,
    ballot_open,
    ballot_roll_set,
)
from tdkt.voting.models import Ballot, Conference, Voter
from tdkt.voting.services import CandidateInput, ballot_create, conference_create, counting_board_set

CANDIDATES = ["Huyện Phước Sơn", "Huyện Tiên Phước", "Huyện Nam Giang"]


@dataclass(frozen=True)
class Board:
    chair: User  # Trưởng ban kiểm phiếu, staff of Tiên Phước
    member: User  # staff of Nam Giang


def _account(username: str, family: str, given: str, unit: Unit) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username, password=PASSWORD, first_name=given, last_name=family
        )
        Account.objects.create(user=user, role=Role.UNIT, unit=unit)
    return user


def board_of(world: World) -> Board:
    return Board(
        chair=_account("t-kp-truong", "Đỗ Thị", "Kiểm", world.tien_phuoc),
        member=_account("t-kp-uyvien", "Vũ Văn", "Phiếu", world.nam_giang),
    )


def make_conference(world: World, *, with_board: bool = True) -> Conference:
    conference = conference_create(
        actor=world.head,
        cluster_year=world.cluster_year,
        kind="year_end",
        held_on=dt.date(2025, 3, 27),
        place="Thị trấn Khâm Đức, huyện Phước Sơn",
        host=world.phuoc_son,
        agenda="Tổng kết phong trào thi đua năm 2024\nSuy tôn đơn vị dẫn đầu",
        chair_name="Trần Thị Hạnh",
        secretary_name="Lê Văn Thư",
    )
    if with_board:
        board = board_of(world)
        counting_board_set(
            actor=world.head, conference=conference, members=[board.chair, board.member], chair=board.chair
        )
    return conference


def make_ballot(world: World, conference: Conference | None = None, **rules: object) -> Ballot:
    return ballot_create(
        actor=world.head,
        conference=conference or make_conference(world),
        purpose=str(rules.pop("purpose", "flag")),
        title=str(rules.pop("title", "Suy tôn đơn vị dẫn đầu năm 2024")),
        candidates=[CandidateInput(name) for name in CANDIDATES],
        seats=rules.pop("seats", 1),  # type: ignore[arg-type]
        **rules,  # type: ignore[arg-type]
    )


def council_ballot(world: World, n: int, **rules: object) -> Ballot:
    """A ballot whose electorate is a council of `n` members, with its roll "Đại biểu 1" … "Đại biểu n"
    set by the counting board's chair (with a reason)."""
    ballot = make_ballot(
        world,
        electorate_kind="council",
        council_name="Hội đồng Thi đua – Khen thưởng",
        council_size=n,
        **rules,
    )
    ballot_roll_set(
        actor=board_of(world).chair,
        ballot=ballot,
        voters=[VoterInput(f"Đại biểu {i}") for i in range(1, n + 1)],
        reason="Danh sách thành viên hội đồng theo quyết định thành lập",
    )
    return ballot


# the slips printed when a test opened a ballot, not yet drawn (codes are shown once: tests keep them here)
_SLIPS: dict[int, list[str]] = {}


def open_ballot(world: World, n: int = 3, **rules: object) -> tuple[Ballot, list[str]]:
    """An electronic ballot opened by the counting board's chair, with `n` voters and their anonymous
    slips. Three voters are the cluster's three member units (the default roll, one delegate each); any
    other number is a council of that size."""
    if n == 3 and "electorate_kind" not in rules:
        ballot = make_ballot(world, **rules)
    else:
        ballot = council_ballot(world, n, **rules)
    codes = ballot_open(actor=board_of(world).chair, ballot=ballot)
    _SLIPS[ballot.pk] = list(codes)
    ballot.refresh_from_db()
    return ballot, codes


def hand_out(ballot: Ballot, board_member: User) -> Voter:
    """The board member ticks the next voter on the roll who has not received a slip (or paper ballot)."""
    voter = Voter.objects.filter(ballot=ballot, received=False).order_by("name", "id").first()
    assert voter is not None, "every voter on the roll has received a slip"
    ballot_hand_out(actor=board_member, ballot=ballot, voter=voter)
    return voter


def activate(ballot: Ballot, board_member: User, code: str) -> None:
    """At the table: the voter is ticked on the roll and activates the slip drawn."""
    hand_out(ballot, board_member)
    ballot_activate(ballot=ballot, code=code)


def draw_slip(ballot: Ballot) -> str:
    return _SLIPS[ballot.pk].pop(0)


def vote(
    ballot: Ballot,
    board_member: User,
    marks: list[str],
    *,
    against: list[str] | None = None,
    code: str | None = None,
) -> Receipt:
    """One voter votes as in the room: handed a slip (the next unused one, unless `code` is given),
    activates it at the table and casts."""
    if code is None:
        code = draw_slip(ballot)
    elif code in _SLIPS.get(ballot.pk, []):
        _SLIPS[ballot.pk].remove(code)
    activate(ballot, board_member, code)
    return ballot_cast(ballot=ballot, code=code, marks=marks, against=against)


def publish_ranking(world: World) -> ScoringRun:
    """Publish a ranking of the world's cluster-year: Nam Giang, Tiên Phước, Phước Sơn (disbursement)."""
    criteria_set = criteria_set_create(
        actor=None,
        cluster_year=world.cluster_year,
        criteria=SCORING_CRITERIA,
        rules=SCORING_RULES,
        declared_total=Decimal(30),
    )
    criteria_set_adopt(actor=None, criteria_set=criteria_set, adopted_on=dt.date(2024, 3, 1))
    for unit, disbursed in ((world.phuoc_son, 85), (world.tien_phuoc, 90), (world.nam_giang, 95)):
        report = report_get_or_create(
            actor=None, cluster_year=world.cluster_year, unit=unit, period="year_end"
        )
        report_values_set(
            actor=None, report=report, values=[ValueInput(world.disbursement, Decimal(disbursed))]
        )
        for action in ("submit", "accept"):
            report_transition(actor=None, report=report, action=action)
    return scoring_publish(actor=None, criteria_set=criteria_set)


def sign_covenant(world: World) -> Covenant:
    """The world's 2024 covenant, signed by its three members."""
    return covenant_sign(
        actor=None,
        cluster_year=world.cluster_year,
        signed_on=dt.date(2024, 2, 20),
        place="Phước Sơn",
        document_number="01/GƯTĐ-CMN",
        signatories=[
            Signatory(unit=u, signer_name=f"Chủ tịch {u.name}", signer_title="Chủ tịch UBND")
            for u in (world.phuoc_son, world.tien_phuoc, world.nam_giang)
        ],
    )
