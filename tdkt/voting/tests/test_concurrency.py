"""Requests at the same moment, with real threads, on SQLite and PostgreSQL: the same code cast twice
counts once; one hand-out is taken by one activation; two members confirming the same paper entry confirm
it once."""

import threading
from collections.abc import Callable

import pytest
from django.db import connections

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.personas import build_world
from tdkt.voting.box import UNUSABLE_CODE, ballot_activate, ballot_cast, ballot_close, ballot_open
from tdkt.voting.models import BallotCode, BoxReceipt, CastBallot, CodeState, EntryStatus, PaperEntry
from tdkt.voting.paper import PaperTotalsInput, paper_entry_confirm, paper_entry_submit
from tdkt.voting.tests.helpers import activate, board_of, hand_out, make_ballot, open_ballot

# on SQLite (the default users start on) as on PostgreSQL: writes wait for the database's lock there
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _race(calls: list[Callable[[], object]]) -> list[str]:
    """Run the calls in threads released together; each outcome is "ok" or the refusal's message."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            call()
            result = "ok"
        except ValidationFailed as exc:
            result = exc.messages[0]
        except NotPermitted as exc:
            result = exc.message
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_the_same_code_cast_twice_at_once_counts_once() -> None:
    world = build_world()
    ballot, codes = open_ballot(world, n=8)
    for code in codes[:5]:
        activate(ballot, board_of(world).chair, code)

    def cast(code: str) -> Callable[[], object]:
        return lambda: ballot_cast(ballot=ballot, code=code, marks=["Huyện Tiên Phước"])

    # four threads with the same code, four with their own codes
    outcomes = _race([cast(codes[0]) for _ in range(4)] + [cast(c) for c in codes[1:5]])
    assert outcomes.count("ok") == 5, outcomes
    assert outcomes.count(f"Trường “code”: {UNUSABLE_CODE}") == 3
    assert CastBallot.objects.filter(ballot=ballot).count() == 5
    assert BoxReceipt.objects.filter(ballot=ballot).count() == 5
    assert BallotCode.objects.filter(ballot=ballot, state=CodeState.USED).count() == 5
    ballot.refresh_from_db()
    assert ballot.cast_count == 5


def test_one_hand_out_is_taken_by_one_activation_at_once() -> None:
    world = build_world()
    ballot, codes = open_ballot(world, n=6)
    hand_out(ballot, board_of(world).chair)
    outcomes = _race([lambda c=c: ballot_activate(ballot=ballot, code=c) for c in codes[:4]])  # type: ignore[misc]
    assert outcomes.count("ok") == 1, outcomes
    assert BallotCode.objects.filter(ballot=ballot, state=CodeState.ACTIVE).count() == 1
    ballot.refresh_from_db()
    assert ballot.pending_handouts == 0


def test_a_paper_entry_confirmed_twice_at_once_counts_once() -> None:
    world = build_world()
    board = board_of(world)
    ballot = make_ballot(world, mode="paper")
    ballot_open(actor=board.chair, ballot=ballot)
    for _ in range(3):
        hand_out(ballot, board.chair)
    ballot_close(actor=board.chair, ballot=ballot)
    entry = paper_entry_submit(
        actor=board.chair, ballot=ballot, totals=PaperTotalsInput(3, 0, {"Huyện Tiên Phước": 3})
    )
    outcomes = _race([lambda: paper_entry_confirm(actor=board.member, entry=entry) for _ in range(4)])
    assert outcomes.count("ok") == 1, outcomes
    assert PaperEntry.objects.filter(ballot=ballot, status=EntryStatus.CONFIRMED).count() == 1
