from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tdkt.scoring import formula
from tdkt.scoring.engine import (
    Achieved,
    Context,
    Criterion,
    CrossScore,
    Figure,
    FormulaMethod,
    Judged,
    Layers,
    Member,
    PerCount,
    Problem,
    RankAmong,
    RatioToTarget,
    Rules,
    ScoringInputError,
    StepBands,
    robustness,
    score,
    validate,
)

D = Decimal
CTX = Context(())


def m(mid: str, **figures: Figure) -> Member:
    return Member(mid, f"Huyện {mid}", dict(figures))


# ---------------------------------------------------------------- methods at and around their thresholds


@pytest.mark.parametrize(
    ("value", "points"),
    [(D("99.99"), D("9.999")), (D(100), D(10)), (D(150), D(10)), (D(0), D(0))],
)
def test_ratio_to_target_is_proportional_and_capped(value: Decimal, points: Decimal) -> None:
    method = RatioToTarget("GN", cap=D(100))
    ev = method.evaluate(m("A", GN=Figure(value, D(100))), D(10), CTX)
    assert ev.points == points


def test_ratio_below_floor_gets_nothing_and_at_floor_gets_points() -> None:
    method = RatioToTarget("GN", floor=D(50))
    assert method.evaluate(m("A", GN=Figure(D("49.99"), D(100))), D(10), CTX).points == 0
    assert method.evaluate(m("A", GN=Figure(D(50), D(100))), D(10), CTX).points == D(5)


def test_ratio_for_lower_is_better() -> None:
    ev = RatioToTarget("CCHC").evaluate(m("A", CCHC=Figure(D(4), D(2), "lower")), D(10), CTX)
    assert ev.points == D(5)


@pytest.mark.parametrize(
    ("pct", "points"),
    [
        (D(100), D(15)),
        (D("99.99"), D(12)),
        (D(90), D(12)),
        (D("89.9"), D(8)),
        (D(80), D(8)),
        (D("79.99"), D(0)),
    ],
)
def test_step_bands_at_and_around_each_threshold(pct: Decimal, points: Decimal) -> None:
    method = StepBands("GN", ((D(100), D(15)), (D(90), D(12)), (D(80), D(8))))
    assert method.evaluate(m("A", GN=Figure(pct, D(100))), D(15), CTX).points == points


def test_step_bands_on_a_lower_is_better_value() -> None:
    method = StepBands("CCHC", ((D(1), D(10)), (D(3), D(6))), on="value")
    assert method.evaluate(m("A", CCHC=Figure(D(1), None, "lower")), D(10), CTX).points == 10
    assert method.evaluate(m("A", CCHC=Figure(D(3), None, "lower")), D(10), CTX).points == 6
    assert method.evaluate(m("A", CCHC=Figure(D(4), None, "lower")), D(10), CTX).points == 0


def test_achieved_at_exactly_the_target() -> None:
    method = Achieved("NTM")
    assert method.evaluate(m("A", NTM=Figure(D(2), D(2))), D(5), CTX).points == 5
    assert method.evaluate(m("A", NTM=Figure(D(1), D(2))), D(5), CTX).points == 0


def test_rank_among_members_is_linear_and_shares_ties() -> None:
    members = (
        m("A", X=Figure(D(10))),
        m("B", X=Figure(D(8))),
        m("C", X=Figure(D(8))),
        m("E", X=Figure(D(1))),
    )
    ctx = Context(members)
    method = RankAmong("X")
    points = [method.evaluate(x, D(9), ctx).points for x in members]
    assert points == [D(9), D(6), D(6), D(0)]


def test_per_count_penalty_is_capped_at_the_maximum() -> None:
    method = PerCount("bao_cao_tre", D(1))
    member = Member("A", "A", {}, {"bao_cao_tre": D(5)})
    ev = method.evaluate(member, D(3), CTX)
    assert ev.points == 3 and "đã chặn" in str(ev.explanation)


def test_formula_method_reads_figures_and_clamps() -> None:
    method = FormulaMethod("t", formula.parse("GIAI_NGAN_percent / 10"))
    method = FormulaMethod("GIAI_NGAN_percent / 10", formula.parse("GIAI_NGAN_percent / 10"))
    ev = method.evaluate(m("A", **{"GIAI-NGAN": Figure(D(83), D(100))}), D(5), CTX)
    assert ev.points == 5 and "giới hạn" in str(ev.explanation)


def test_missing_result_scores_zero_with_a_reason() -> None:
    ev = RatioToTarget("GN").evaluate(m("A"), D(10), CTX)
    assert ev.points == 0 and "Chưa có kết quả" in str(ev.explanation)


# ---------------------------------------------------------------- layers and final points


def _judged_problem(layers: Layers, rule: str = "appraisal_else_mean") -> Problem:
    return Problem(
        members=(m("A"), m("B"), m("C"), m("E")),
        criteria=(Criterion("J", "Công tác chỉ đạo", D(10), method=Judged()),),
        layers=layers,
        rules=Rules(final_rule=rule, discrepancy_gap=D(2)),
    )


def test_final_is_appraisal_then_cross_mean_then_self() -> None:
    layers = Layers(
        self_scores={("A", "J"): D(10), ("B", "J"): D(9), ("C", "J"): D(7)},
        cross={("A", "J"): (CrossScore("B", D(8)), CrossScore("C", D(6)))},
        appraisal={("B", "J"): D(5)},
    )
    ranking = score(_judged_problem(layers))
    by_id = {r.member_id: r.criteria[0] for r in ranking.members}
    assert (by_id["A"].points, by_id["A"].source) == (D(7), "cross_mean")
    assert by_id["A"].discrepancy  # self 10 vs final 7: gap 3 > 2
    assert (by_id["B"].points, by_id["B"].source) == (D(5), "appraisal")
    assert (by_id["C"].points, by_id["C"].source) == (D(7), "self")
    assert not by_id["C"].discrepancy
    assert (by_id["E"].points, by_id["E"].source) == (D(0), "none")


def test_discrepancy_exactly_at_the_gap_is_not_flagged() -> None:
    layers = Layers(self_scores={("A", "J"): D(9)}, appraisal={("A", "J"): D(7)})
    result = score(_judged_problem(layers)).members
    assert not next(r for r in result if r.member_id == "A").criteria[0].discrepancy


def test_trimmed_mean_drops_highest_and_lowest_from_three_or_more() -> None:
    cross = (CrossScore("B", D(10)), CrossScore("C", D(6)), CrossScore("E", D(7)))
    layers = Layers(cross={("A", "J"): cross})
    result = score(_judged_problem(layers, "appraisal_else_trimmed_mean")).members
    a = next(r for r in result if r.member_id == "A").criteria[0]
    assert a.points == D(7) and a.source == "cross_trimmed_mean"


# ---------------------------------------------------------------- ranking, ties, leaders


def _two_groups(
    values: dict[str, tuple[int, int]], tie_breaks: tuple[str, ...] = ("group:I",), leaders: int = 1
) -> Problem:
    members = tuple(
        Member(k, f"Huyện {k}", {"X": Figure(D(a), D(10)), "Y": Figure(D(b), D(10))})
        for k, (a, b) in values.items()
    )
    criteria = (
        Criterion(
            "I", "Nhóm I", D(10), "group", children=(Criterion("I.1", "X", D(10), method=RatioToTarget("X")),)
        ),
        Criterion(
            "II",
            "Nhóm II",
            D(10),
            "group",
            children=(Criterion("II.1", "Y", D(10), method=RatioToTarget("Y")),),
        ),
    )
    return Problem(
        members,
        criteria,
        rules=Rules(tie_breaks=tie_breaks, leaders=leaders, bands=((D(15), "Xuất sắc"), (D(0), "Khá"))),
    )


def test_tie_is_broken_by_group_one_points() -> None:
    ranking = score(_two_groups({"A": (6, 10), "B": (10, 6)}))
    assert [r.member_id for r in ranking.members] == ["B", "A"]
    assert [r.rank for r in ranking.members] == [1, 2]
    assert ranking.leaders == ("B",)
    assert not any(r.tie_unresolved for r in ranking.members)


def test_unresolved_tie_shares_the_rank_and_leaves_the_leader_to_a_vote() -> None:
    ranking = score(_two_groups({"A": (10, 6), "B": (10, 6), "C": (1, 1)}))
    assert [r.rank for r in ranking.members] == [1, 1, 3]
    assert ranking.leaders == ()
    assert set(ranking.leaders_undecided) == {"A", "B"}
    assert [r.member_id for r in ranking.members][:2] == ["A", "B"]  # by name, deterministic


def test_disqualified_unit_is_skipped_for_leadership() -> None:
    problem = _two_groups({"A": (10, 10), "B": (9, 9)})
    members = (
        Member("A", "Huyện A", problem.members[0].figures, disqualified="Có cán bộ bị kỷ luật"),
        problem.members[1],
    )
    ranking = score(Problem(members, problem.criteria, rules=problem.rules))
    assert ranking.members[0].member_id == "A" and ranking.leaders == ("B",)


def test_total_is_rounded_once_half_up() -> None:
    members = (Member("A", "A", {"X": Figure(D("100.5"), D(1000))}),)
    criteria = (Criterion("C", "C", D(1), method=RatioToTarget("X")),)  # 0.1005 points
    result = score(Problem(members, criteria)).members[0]
    assert result.total_exact == D("0.1005") and result.total == D("0.10")


def test_classification_bands() -> None:
    ranking = score(_two_groups({"A": (10, 10), "B": (5, 5)}))
    assert [r.classification for r in ranking.members] == ["Xuất sắc", "Khá"]


# ---------------------------------------------------------------- validation


def test_group_points_that_do_not_add_up_are_refused() -> None:
    criteria = (
        Criterion("I", "Nhóm I", D(30), "group", children=(Criterion("I.1", "X", D(28), method=Judged()),)),
    )
    problems = validate(Problem((m("A"),), criteria))
    assert problems == ["Nhóm I “Nhóm I”: tổng điểm tối đa của các tiêu chí con là 28, khai báo 30"]


def test_unknown_indicator_self_cross_and_out_of_range_scores_are_refused() -> None:
    criteria = (
        Criterion("C", "C", D(10), method=RatioToTarget("KHONG-CO")),
        Criterion("J", "J", D(5), method=Judged()),
    )
    layers = Layers(
        self_scores={("A", "J"): D(6)},
        cross={("A", "J"): (CrossScore("A", D(3)),)},
        appraisal={("B", "J"): D(-1)},
    )
    problem = Problem((m("A"), m("B")), criteria, layers, indicators=frozenset({"GN"}), declared_total=D(100))
    text = " | ".join(validate(problem))
    assert "chỉ tiêu “KHONG-CO” không có trong danh mục" in text
    assert "6 nằm ngoài khoảng [0; 5]" in text
    assert "không được tự chấm chéo chính mình" in text
    assert "-1 nằm ngoài khoảng" in text
    assert "Tổng điểm tối đa của bộ tiêu chí là 15, khai báo 100" in text
    with pytest.raises(ScoringInputError):
        score(problem)


# ---------------------------------------------------------------- robustness


def test_robustness_of_a_clear_leader_and_of_a_close_race() -> None:
    clear = _two_groups({"A": (10, 10), "B": (5, 5), "C": (4, 4)})
    report = robustness(clear, score(clear), draws=300, seed=1)
    assert report.leader_id == "A" and report.leader_stays_first == D(1) and report.margin == D(10)
    close = _two_groups({"A": (10, 5), "B": (5, 10)}, tie_breaks=())
    ranked = score(close)
    report = robustness(close, ranked, draws=400, seed=1)
    assert D("0.3") < report.leader_stays_first < D("0.7")
    assert {code for code, _ in report.deciding_criteria} == {"I.1", "II.1"}
    again = robustness(close, ranked, draws=400, seed=1)
    assert again == report  # seeded: reproducible


# ---------------------------------------------------------------- properties

scores_strategy = st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10)), min_size=1, max_size=9)


def _problem_from(values: list[tuple[int, int]]) -> Problem:
    return _two_groups({f"U{i}": v for i, v in enumerate(values)}, tie_breaks=("group:I", "targets_met"))


@given(scores_strategy)
def test_ranking_is_a_permutation_of_the_members(values: list[tuple[int, int]]) -> None:
    ranking = score(_problem_from(values))
    assert sorted(r.member_id for r in ranking.members) == sorted(f"U{i}" for i in range(len(values)))
    ranks = [r.rank for r in ranking.members]
    assert ranks == sorted(ranks) and ranks[0] == 1


@given(scores_strategy, st.data())
def test_raising_one_units_points_never_lowers_its_rank(
    values: list[tuple[int, int]], data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(values) - 1))
    before = {r.member_id: r.rank for r in score(_problem_from(values)).members}
    raised = list(values)
    raised[i] = (min(10, values[i][0] + data.draw(st.integers(0, 5))), values[i][1])
    after = {r.member_id: r.rank for r in score(_problem_from(raised)).members}
    assert after[f"U{i}"] <= before[f"U{i}"]


@given(scores_strategy)
def test_totals_stay_within_bounds(values: list[tuple[int, int]]) -> None:
    for r in score(_problem_from(values)).members:
        assert D(0) <= r.total <= D(20)


@settings(max_examples=50)
@given(scores_strategy, st.randoms())
def test_ties_are_broken_deterministically_whatever_the_input_order(
    values: list[tuple[int, int]], rnd
) -> None:  # type: ignore[no-untyped-def]
    problem = _problem_from(values)
    shuffled = list(problem.members)
    rnd.shuffle(shuffled)
    again = Problem(tuple(shuffled), problem.criteria, rules=problem.rules)
    assert [(r.member_id, r.rank) for r in score(problem).members] == [
        (r.member_id, r.rank) for r in score(again).members
    ]


def _with_disqualified(values: list[tuple[int, int]], out: set[int]) -> Problem:
    problem = _problem_from(values)
    members = tuple(
        Member(m.id, m.name, m.figures, disqualified="Không đạt điều kiện tối thiểu" if i in out else "")
        for i, m in enumerate(problem.members)
    )
    return Problem(members, problem.criteria, rules=problem.rules)


def test_a_disqualified_first_is_not_the_robustness_leader() -> None:
    # regression: the report tested a disqualified unit as the leader
    problem = _with_disqualified([(10, 10), (9, 9), (5, 5)], {0})
    ranking = score(problem)
    assert ranking.members[0].member_id == "U0" and ranking.leaders == ("U1",)
    report = robustness(problem, ranking, draws=200, seed=3)
    assert (report.leader_id, report.runner_up_id) == ("U1", "U2")
    assert report.margin == D(8) and "U0" not in dict(report.first_place_shares)


@settings(max_examples=80)
@given(scores_strategy, st.data())
def test_robustness_never_names_a_disqualified_unit(
    values: list[tuple[int, int]], data: st.DataObject
) -> None:
    out = set(data.draw(st.lists(st.integers(0, len(values) - 1), max_size=len(values))))
    problem = _with_disqualified(values, out)
    report = robustness(problem, score(problem), draws=50, seed=7)
    banned = {f"U{i}" for i in out}
    assert report.leader_id not in banned and report.runner_up_id not in banned
    assert not banned & {mid for mid, _ in report.first_place_shares}
    if len(out) == len(values):
        assert report.leader_id is None and report.first_place_shares == ()
