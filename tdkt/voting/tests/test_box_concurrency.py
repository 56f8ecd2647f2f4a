"""A congress votes at once, on SQLite (the default users start on) and on PostgreSQL: 500 delegates
activate their slips and cast from 16 threads while 50 of them try their used code again. Nothing fails for
the database's sake, every ballot counts once, and the box verifies."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connections

from tdkt.core.errors import ValidationFailed
from tdkt.core.personas import build_world
from tdkt.voting.box import UNUSABLE_CODE, ballot_activate, ballot_cast, ballot_close, ballot_hand_out
from tdkt.voting.counting import ballot_tally, ballot_verify
from tdkt.voting.models import BallotCode, BoxReceipt, CastBallot, CodeState, Voter
from tdkt.voting.tests.helpers import CANDIDATES, board_of, open_ballot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VOTERS = 500
REPEATS = 50
THREADS = 16


def test_500_casts_from_16_threads_count_once_with_no_error() -> None:
    world = build_world()
    ballot, codes = open_ballot(world, n=VOTERS, max_choices=1)
    chair = board_of(world).chair
    for voter in Voter.objects.filter(ballot=ballot):
        ballot_hand_out(actor=chair, ballot=ballot, voter=voter)

    # each thread: its delegates activate and cast; then some of them try their code again
    tasks: list[list[tuple[str, str]]] = [[] for _ in range(THREADS)]
    for i, code in enumerate(codes):
        tasks[i % THREADS].append((code, CANDIDATES[i % 3]))
    for i, code in enumerate(codes[:REPEATS]):
        tasks[(i + 1) % THREADS].append((code, CANDIDATES[0]))
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def run(work: list[tuple[str, str]]) -> None:
        mine: Counter[str] = Counter()
        try:
            barrier.wait()
            for code, choice in work:
                try:
                    ballot_activate(ballot=ballot, code=code)
                except ValidationFailed as exc:
                    mine["activate: " + exc.problems[0].message] += 1
                try:
                    ballot_cast(ballot=ballot, code=code, marks=[choice])
                    mine["cast"] += 1
                except ValidationFailed as exc:
                    mine["refused" if exc.problems[0].message == UNUSABLE_CODE else exc.messages[0]] += 1
                except Exception as exc:  # a database error: the failure this test exists to catch
                    mine[f"error: {type(exc).__name__}: {exc}"] += 1
        finally:
            connections.close_all()
            with lock:
                outcomes.update(mine)

    threads = [threading.Thread(target=run, args=(work,)) for work in tasks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    errors = {
        k: v for k, v in outcomes.items() if k not in ("cast", "refused") and not k.startswith("activate")
    }
    assert errors == {}
    assert outcomes["cast"] == VOTERS
    assert outcomes["refused"] == REPEATS
    assert CastBallot.objects.filter(ballot=ballot).count() == VOTERS
    assert BoxReceipt.objects.filter(ballot=ballot).count() == VOTERS
    assert BallotCode.objects.filter(ballot=ballot, state=CodeState.USED).count() == VOTERS
    ballot_close(actor=chair, ballot=ballot)
    counted = ballot_tally(actor=chair, ballot=ballot)
    assert counted.result["cast"] == VOTERS
    assert sum(c["yes"] for c in counted.result["counts"]) == VOTERS
    assert ballot_verify(counted) == []
