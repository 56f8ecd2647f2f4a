from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdkt.voting.tally import (
    Ballot,
    Rules,
    TallyError,
    Totals,
    check_totals,
    combine,
    count,
    decide,
    percent,
    tally,
)

CANDIDATES = ["Lệ Thủy", "Quảng Ninh", "Đồng Hới", "Bố Trạch"]


def pick(*names: str) -> Ballot:
    return Ballot(frozenset(names))


def test_seed_002_three_units_honoured_by_eight_members() -> None:
    rules = Rules(method="choose_k", max_choices=3, seats=3, threshold=Fraction(1, 2))
    ballots = [pick("Lệ Thủy", "Quảng Ninh", "Đồng Hới")] * 6 + [pick("Lệ Thủy", "Bố Trạch", "Đồng Hới")] * 2
    result = tally(rules, CANDIDATES, 8, ballots)
    assert result.elected == ("Lệ Thủy", "Đồng Hới", "Quảng Ninh")
    assert [c.yes for c in result.counts] == [8, 6, 8, 2]
    assert result.quorum_met and result.valid == 8
    assert any("Lệ Thủy: tất cả 8 phiếu" in w for w in result.warnings)  # unanimity reveals choices


@pytest.mark.parametrize(
    ("yes", "strict", "elected"),
    [(4, True, False), (5, True, True), (4, False, True), (3, False, False)],
)
def test_half_threshold_edge_of_eight_valid_ballots(yes: int, strict: bool, elected: bool) -> None:
    rules = Rules(method="choose_k", max_choices=1, threshold=Fraction(1, 2), strict=strict)
    ballots = [pick("Lệ Thủy")] * yes + [pick("Quảng Ninh")] * (8 - yes)
    assert ("Lệ Thủy" in tally(rules, CANDIDATES, 8, ballots).elected) is elected


@pytest.mark.parametrize(("yes", "elected"), [(9, True), (8, False)])
def test_ninety_percent_of_all_council_members_counts_absentees_against(yes: int, elected: bool) -> None:
    # Decree 91/2017 Art. 45.8 style: ≥ 90 % of the council's total membership, not of those present
    rules = Rules(
        method="yes_no", threshold=Fraction(9, 10), strict=False, base="electorate", quorum=Fraction(2, 3)
    )
    ballots = [Ballot(frozenset({"A"}))] * yes
    result = tally(rules, ["A"], 10, ballots)
    assert ("A" in result.elected) is elected
    assert result.base == 10


def test_no_quorum_elects_nobody() -> None:
    rules = Rules(method="choose_k", quorum=Fraction(2, 3))
    result = tally(rules, CANDIDATES, 9, [pick("Lệ Thủy")] * 5)  # 5/9 < 2/3
    assert not result.quorum_met and result.elected == ()
    assert "không đủ" in result.reasons[1]
    assert tally(rules, CANDIDATES, 9, [pick("Lệ Thủy")] * 6).elected == ("Lệ Thủy",)  # 6/9 = 2/3


def test_a_tie_across_the_last_seat_asks_for_another_round() -> None:
    rules = Rules(method="choose_k", max_choices=2, seats=2, threshold=Fraction(1, 3))
    ballots = [pick("Lệ Thủy", "Quảng Ninh")] * 3 + [pick("Lệ Thủy", "Đồng Hới")] * 3
    result = tally(rules, CANDIDATES, 6, ballots)
    assert result.elected == ("Lệ Thủy",)
    assert set(result.another_round) == {"Quảng Ninh", "Đồng Hới"}


def test_invalid_ballots_are_cast_but_not_counted() -> None:
    rules = Rules(method="choose_k", max_choices=1)
    ballots = [pick("Lệ Thủy"), pick("Lệ Thủy", "Quảng Ninh"), pick("Người lạ"), Ballot()]
    result = tally(rules, CANDIDATES, 4, ballots)
    assert result.cast == 4 and result.valid == 2  # a blank ballot is valid
    assert [pos for pos, _ in result.invalid] == [2, 3]
    assert "quá số tối đa 1" in result.invalid[0][1] and "không phải ứng viên" in result.invalid[1][1]
    assert result.counts[0].yes == 1


def test_yes_and_no_for_the_same_candidate_is_invalid() -> None:
    rules = Rules(method="yes_no")
    result = tally(
        rules,
        ["A", "B"],
        3,
        [Ballot(frozenset({"A"}), frozenset({"A"})), Ballot(frozenset({"A"}), frozenset({"B"}))],
    )
    assert result.valid == 1 and result.counts[0].yes == 1 and result.counts[1].no == 1


@pytest.mark.parametrize(
    ("electorate", "ballots", "candidates", "message"),
    [
        (3, [pick("A")] * 4, ["A"], "nhiều hơn số cử tri"),
        (0, [], ["A"], "danh sách cử tri trống"),
        (3, [], ["A", "A"], "tên trùng"),
        (3, [], [], "chưa có ứng viên"),
    ],
)
def test_impossible_boxes_are_refused(
    electorate: int, ballots: list[Ballot], candidates: list[str], message: str
) -> None:
    with pytest.raises(TallyError, match=message):
        tally(Rules(), candidates, electorate, ballots)


def test_fractions_are_exact_and_percentages_rounded_once() -> None:
    rules = Rules(method="choose_k", threshold=Fraction(2, 3), strict=False)
    result = tally(rules, ["A", "B"], 3, [pick("A"), pick("A"), pick("B")])
    assert result.counts[0].share == Fraction(2, 3) and result.elected == ("A",)
    assert percent(Fraction(2, 3)) == percent(Fraction(2, 3)) and str(percent(Fraction(2, 3))) == "66.67"


ballot_strategy = st.builds(
    Ballot, st.frozensets(st.sampled_from([*CANDIDATES, "X"]), max_size=3), st.just(frozenset())
)


@given(st.lists(ballot_strategy, max_size=30), st.integers(1, 3))
def test_a_tally_never_counts_a_ballot_twice(ballots: list[Ballot], k: int) -> None:
    rules = Rules(method="choose_k", max_choices=k, quorum=Fraction(0))
    result = tally(rules, CANDIDATES, 30, ballots)
    assert all(c.yes <= result.valid for c in result.counts)
    assert sum(c.yes for c in result.counts) <= k * result.valid
    assert result.valid + len(result.invalid) == result.cast == len(ballots)


@given(st.lists(ballot_strategy, max_size=30), st.randoms())
def test_the_order_of_the_box_does_not_matter(ballots: list[Ballot], rnd) -> None:  # type: ignore[no-untyped-def]
    rules = Rules(method="choose_k", max_choices=3, seats=2, quorum=Fraction(0))
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    a, b = tally(rules, CANDIDATES, 30, ballots), tally(rules, CANDIDATES, 30, shuffled)
    assert (a.counts, a.elected, a.another_round, a.valid) == (b.counts, b.elected, b.another_round, b.valid)


@given(st.lists(ballot_strategy, max_size=20))
def test_one_more_vote_never_unelects_a_candidate_without_seats(ballots: list[Ballot]) -> None:
    rules = Rules(method="choose_k", max_choices=3, quorum=Fraction(0), base="electorate")
    before = tally(rules, CANDIDATES, 30, ballots)
    after = tally(rules, CANDIDATES, 30, [*ballots, pick("Lệ Thủy")])
    if "Lệ Thủy" in before.elected:
        assert "Lệ Thủy" in after.elected


@given(st.lists(ballot_strategy, max_size=30), st.integers(0, 30), st.integers(1, 3))
def test_counting_in_piles_gives_the_same_result_as_one_box(ballots: list[Ballot], cut: int, k: int) -> None:
    rules = Rules(method="choose_k", max_choices=k, seats=2, quorum=Fraction(0))
    whole = tally(rules, CANDIDATES, 30, ballots)
    piles = combine(
        CANDIDATES, [count(rules, CANDIDATES, ballots[:cut]), count(rules, CANDIDATES, ballots[cut:])]
    )
    split = decide(rules, CANDIDATES, 30, piles)
    assert (split.counts, split.elected, split.another_round, split.cast, split.valid) == (
        whole.counts,
        whole.elected,
        whole.another_round,
        whole.cast,
        whole.valid,
    )


@given(st.lists(ballot_strategy, max_size=30), st.integers(1, 3))
def test_the_totals_of_any_real_box_pass_the_impossible_count_checks(ballots: list[Ballot], k: int) -> None:
    rules = Rules(method="choose_k", max_choices=k)
    totals = count(rules, CANDIDATES, ballots)
    issues = check_totals(
        rules, CANDIDATES, 30, totals.cast, len(totals.invalid), dict(totals.yes), dict(totals.no)
    )
    assert issues == []


def test_impossible_totals_are_refused_by_decide_too() -> None:
    rules = Rules(method="choose_k")
    bad = Totals(
        2, (), (("Lệ Thủy", 3), *tuple((c, 0) for c in CANDIDATES[1:])), tuple((c, 0) for c in CANDIDATES)
    )
    with pytest.raises(TallyError, match="nhiều hơn số phiếu hợp lệ"):
        decide(rules, CANDIDATES, 8, bad)
    with pytest.raises(TallyError, match="nhiều hơn số cử tri"):
        decide(rules, CANDIDATES, 1, bad)
