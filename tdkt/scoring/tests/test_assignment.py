import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdkt.scoring.assignment import AssignmentError, Pair, check, load, propose

NINE = [f"U{i}" for i in range(9)]


def test_nine_units_three_scorers_each_without_reciprocal_pairs() -> None:
    pairs = propose(NINE, 3, no_reciprocal=True, seed=7)
    assert check(NINE, pairs, no_reciprocal=True) == []
    assert set(load(pairs).values()) == {(3, 3)}


def test_reciprocal_free_needs_fewer_than_half() -> None:
    with pytest.raises(AssignmentError, match="tối đa 4"):
        propose(NINE, 5, no_reciprocal=True)
    pairs = propose(NINE, 5, no_reciprocal=False)
    assert check(NINE, pairs, no_reciprocal=False) == []


def test_impossible_requests_are_refused() -> None:
    with pytest.raises(AssignmentError):
        propose(["A"], 1)
    with pytest.raises(AssignmentError):
        propose(NINE, 9, no_reciprocal=False)
    with pytest.raises(AssignmentError, match="trùng"):
        propose(["A", "A", "B"], 1)


def test_check_finds_self_reciprocal_unknown_duplicate_and_unscored() -> None:
    pairs = [Pair("A", "A"), Pair("A", "B"), Pair("B", "A"), Pair("A", "X"), Pair("A", "B")]
    problems = " | ".join(check(["A", "B", "C"], pairs, no_reciprocal=True))
    for expected in (
        "tự chấm chéo",
        "chấm qua lại",
        "không thuộc cụm",
        "kê hai lần",
        "“C” chưa được ai chấm",
    ):
        assert expected in problems


@given(st.integers(3, 40), st.data())
def test_proposals_are_balanced_and_never_self(n: int, data: st.DataObject) -> None:
    members = [f"U{i}" for i in range(n)]
    k = data.draw(st.integers(1, (n - 1) // 2))
    seed = data.draw(st.integers(0, 1000))
    pairs = propose(members, k, no_reciprocal=True, seed=seed)
    assert check(members, pairs, no_reciprocal=True) == []
    assert set(load(pairs).values()) == {(k, k)}
