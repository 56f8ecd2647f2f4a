"""Two requests with the same code at the same moment: exactly one counts (PostgreSQL, real threads)."""

import threading

import pytest
from django.db import connection, connections

from tdkt.core.errors import ValidationFailed
from tdkt.core.personas import build_world
from tdkt.voting.models import CastBallot, Voter
from tdkt.voting.services import ballot_cast
from tdkt.voting.tests.test_services import _open

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL (CI runs it)"
)
def test_the_same_code_cast_twice_at_once_counts_once() -> None:
    world = build_world()
    ballot, codes = _open(world, n=8)
    barrier = threading.Barrier(8)
    outcomes: list[str] = []
    lock = threading.Lock()

    def cast(code: str) -> None:
        try:
            barrier.wait()
            ballot_cast(ballot=ballot, code=code, marks=["Huyện Tiên Phước"])
            result = "ok"
        except ValidationFailed as exc:
            result = exc.messages[0]
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    # four threads with the same code, four with their own codes
    threads = [threading.Thread(target=cast, args=(codes[0].code,)) for _ in range(4)]
    threads += [threading.Thread(target=cast, args=(c.code,)) for c in codes[1:5]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 5
    assert CastBallot.objects.filter(ballot=ballot).count() == 5
    assert Voter.objects.filter(ballot=ballot, used=True).count() == 5
    heads = list(CastBallot.objects.filter(ballot=ballot).values_list("previous_hash", flat=True))
    assert len(set(heads)) == 5  # one chain, no fork
