"""Requests at the same moment on PostgreSQL, with real threads: the same code cast twice counts once; two
members confirming the same paper entry confirm it once."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.personas import build_world
from tdkt.voting.models import CastBallot, EntryStatus, PaperEntry, Voter
from tdkt.voting.services import (
    PaperTotalsInput,
    VoterInput,
    ballot_cast,
    ballot_close,
    ballot_open,
    paper_entry_confirm,
    paper_entry_submit,
)
from tdkt.voting.tests.helpers import board_of, make_ballot, open_ballot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL (CI runs it)"
    ),
]


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

    def cast(code: str) -> Callable[[], object]:
        return lambda: ballot_cast(ballot=ballot, code=code, marks=["Huyện Tiên Phước"])

    # four threads with the same code, four with their own codes
    outcomes = _race([cast(codes[0].code) for _ in range(4)] + [cast(c.code) for c in codes[1:5]])
    assert outcomes.count("ok") == 5
    assert outcomes.count("Trường “code”: mã bỏ phiếu này đã được dùng") == 3
    assert CastBallot.objects.filter(ballot=ballot).count() == 5
    assert Voter.objects.filter(ballot=ballot, used=True).count() == 5
    heads = list(CastBallot.objects.filter(ballot=ballot).values_list("previous_hash", flat=True))
    assert len(set(heads)) == 5  # one chain, no fork


def test_a_paper_entry_confirmed_twice_at_once_counts_once() -> None:
    world = build_world()
    board = board_of(world)
    ballot = make_ballot(world, mode="paper")
    ballot_open(actor=board.chair, ballot=ballot, voters=[VoterInput(f"Đại biểu {i}") for i in range(3)])
    ballot_close(actor=board.chair, ballot=ballot)
    entry = paper_entry_submit(
        actor=board.chair, ballot=ballot, totals=PaperTotalsInput(3, 0, {"Huyện Tiên Phước": 3})
    )
    outcomes = _race([lambda: paper_entry_confirm(actor=board.member, entry=entry) for _ in range(4)])
    assert outcomes.count("ok") == 1, outcomes
    assert PaperEntry.objects.filter(ballot=ballot, status=EntryStatus.CONFIRMED).count() == 1
