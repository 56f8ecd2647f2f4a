"""The publishing path (column by column, no explanations) and the explained path agree, on random
problems with every method, layer and rule."""

from decimal import Decimal

from hypothesis import assume, given, settings
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
    Method,
    PerCount,
    Problem,
    RankAmong,
    RatioToTarget,
    Rules,
    StepBands,
    robustness,
    score,
    validate,
)
from tdkt.scoring.jsonio import ranking_summary, ranking_to_json, summary_of

INDICATORS = ("X", "Y-Z")
# round figures often, so that thresholds are met exactly
ROUND = (0, 10, 20, 50, 60, 80, 90, 100, 120, 150)
figures_st = st.sampled_from(ROUND).map(Decimal) | st.integers(0, 2000).map(lambda n: Decimal(n) / 10)


@st.composite
def methods(draw: st.DrawFn, max_points: Decimal) -> Method:
    indicator = draw(st.sampled_from(INDICATORS))
    kind = draw(st.sampled_from(["ratio", "bands", "achieved", "rank", "count", "formula", "judged"]))
    if kind == "ratio":
        return RatioToTarget(
            indicator, Decimal(draw(st.integers(50, 150))), Decimal(draw(st.integers(0, 60)))
        )
    if kind == "bands":
        thresholds = sorted(
            {Decimal(t) for t in draw(st.lists(st.sampled_from(ROUND), min_size=1, max_size=3))}
        )
        bands = tuple((t, max_points * Decimal(i + 1) / 4) for i, t in enumerate(thresholds))[::-1]
        return StepBands(indicator, bands, draw(st.sampled_from(["percent", "value"])))
    if kind == "achieved":
        return Achieved(indicator)
    if kind == "rank":
        return RankAmong(indicator, Decimal(draw(st.integers(0, 10))) / 10)
    if kind == "count":
        return PerCount("late", Decimal(draw(st.integers(-3, 3))) / 2)
    if kind == "formula":
        text = draw(st.sampled_from(["X_value / 10", "Y_Z_percent / 20 + late", "X_target - X_value"]))
        return FormulaMethod(text, formula.parse(text))
    return Judged()


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    ids = [f"U{i}" for i in range(draw(st.integers(1, 6)))]
    members = []
    for mid in ids:
        figures = {}
        for code in INDICATORS:
            if draw(st.booleans()) or code == "X":
                target = draw(st.none() | st.just(Decimal(100)) | figures_st)
                figures[code] = Figure(draw(figures_st), target, draw(st.sampled_from(["higher", "lower"])))
        values = {"late": Decimal(draw(st.integers(0, 4)))}
        members.append(Member(mid, draw(st.sampled_from(["An", "Bình", "Châu"])), figures, values))
    leaves = []
    for i in range(draw(st.integers(1, 5))):
        max_points = Decimal(draw(st.integers(1, 20)))
        kind = draw(st.sampled_from(["score", "score", "bonus", "penalty"]))
        leaves.append(Criterion(f"C{i}", f"Tiêu chí {i}", max_points, kind, draw(methods(max_points))))
    grouped = [leaf for leaf in leaves[: len(leaves) // 2] if leaf.kind == "score"]
    rest = tuple(leaf for leaf in leaves if leaf not in grouped)
    criteria: tuple[Criterion, ...] = rest
    if grouped:
        group = Criterion(
            "G", "Nhóm", sum((c.max_points for c in grouped), Decimal(0)), "group", None, tuple(grouped)
        )
        criteria = (group, *rest)
    own, cross, appraisal = {}, {}, {}
    for mid in ids:
        for leaf in leaves:
            key = (mid, leaf.code)
            points = st.integers(0, int(leaf.max_points) * 4).map(lambda n: Decimal(n) / 4)
            if draw(st.booleans()):
                own[key] = draw(points)
            others = [x for x in ids if x != mid]
            scorers = draw(st.lists(st.sampled_from(others), unique=True, max_size=4)) if others else []
            if scorers:
                cross[key] = tuple(CrossScore(x, draw(points)) for x in scorers)
            if draw(st.integers(0, 4)) == 0:
                appraisal[key] = draw(points)
    tie_breaks = draw(
        st.lists(
            st.sampled_from(["targets_met", *(["group:G"] if grouped else []), "criterion:C0"]), max_size=2
        )
    )
    rules = Rules(
        final_rule=draw(st.sampled_from(["appraisal_else_mean", "appraisal_else_trimmed_mean"])),
        discrepancy_gap=draw(st.sampled_from([None, Decimal("0.5"), Decimal(2)])),
        tie_breaks=tuple(tie_breaks),
        bands=((Decimal(20), "Xuất sắc"), (Decimal(5), "Tốt")),
        leaders=draw(st.integers(0, 2)),
        disqualify_below=tuple(
            draw(st.lists(st.sampled_from([("C0", Decimal(1)), ("G", Decimal(3))]), max_size=1))
        )
        if grouped
        else (),
    )
    problem = Problem(tuple(members), criteria, Layers(own, cross, appraisal), rules)
    assume(not validate(problem))
    return problem


@settings(max_examples=300, deadline=None)
@given(problems())
def test_the_publishing_path_gives_what_the_explained_path_gives(problem: Problem) -> None:
    fast = score(problem, explain=False)
    explained = score(problem)  # raises EngineInconsistency where a criterion's two evaluations differ

    def shown(ranking):  # type: ignore[no-untyped-def]
        fields = ("member_id", "rank", "total", "total_exact", "groups", "points", "sources", "discrepancies")
        fields += ("targets_met", "flags", "disqualified", "tie_unresolved", "classification")
        return [tuple(getattr(m, f) for f in fields) for m in ranking.members]

    assert shown(fast) == shown(explained)
    assert (fast.leaders, fast.leaders_undecided, fast.leaves) == (
        explained.leaders,
        explained.leaders_undecided,
        explained.leaves,
    )
    for m in explained.members:
        assert tuple(c.points for c in m.criteria) == m.points
        assert tuple(c.source for c in m.criteria) == m.sources
    assert all(not m.criteria for m in fast.members)
    robust = robustness(problem, fast, draws=50, seed=3)
    assert robust == robustness(problem, explained, draws=50, seed=3)
    full = ranking_to_json(explained, robust, input_hash="h", meta={"year": 2025})
    assert summary_of(full) == ranking_summary(fast, robust, input_hash="h", meta={"year": 2025})


@settings(max_examples=200, deadline=None)
@given(problems())
def test_every_method_column_is_its_evaluations(problem: Problem) -> None:
    ctx = Context(problem.members)
    for leaf in (leaf for top in problem.criteria for leaf in top.leaves()):
        method = leaf.method
        if isinstance(method, Judged) or method is None:
            continue
        expected = [method.evaluate(m, leaf.max_points, ctx).points for m in problem.members]
        assert method.column(problem.members, leaf.max_points, ctx) == expected


def test_columns_agree_with_evaluations_exactly_at_every_threshold() -> None:
    members = tuple(
        Member(f"U{i}", f"U{i}", {"X": Figure(Decimal(v), Decimal(100), d)}, {"late": Decimal(i % 3)})
        for i, (v, d) in enumerate((v, d) for v in ROUND for d in ("higher", "lower"))
    )
    ctx = Context(members)
    ten = Decimal(10)
    bands = ((Decimal(100), ten), (Decimal(80), Decimal(5)), (Decimal(50), Decimal(1)))
    every: list[Method] = [
        RatioToTarget("X", Decimal(cap), Decimal(floor)) for cap in ROUND[5:] for floor in ROUND[:6]
    ]
    every += [StepBands("X", bands, on) for on in ("percent", "value")]
    every += [Achieved("X"), RankAmong("X", Decimal("0.5")), PerCount("late", Decimal(4))]
    for method in every:
        expected = [method.evaluate(m, ten, ctx).points for m in members]
        assert method.column(members, ten, ctx) == expected, method
