"""The columnar batch path gives the explained engine's outcome for every person and title."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdkt.awards.batch import (
    BARRED,
    ELIGIBLE,
    NOT_APPLICABLE,
    NOT_USED,
    NOT_YET,
    OUTCOME_CODES,
    USED_ELSEWHERE,
    Columns,
    column_names,
    columns_from_subjects,
    evaluate_batch,
)
from tdkt.awards.catalogue import INDIVIDUAL_TITLES, TITLE_INDEX
from tdkt.awards.engine import evaluate
from tdkt.awards.subjects import AwardRecord, InitiativeRecord, Rating, RatingRecord, Subject
from tdkt.awards.tests.test_engine_properties import PROPERTY_SETTINGS, individuals


def _expected(subjects: list[Subject], cycle: int, on: date | None, overrides: dict | None = None) -> dict:
    out = {t: np.full(len(subjects), NOT_APPLICABLE, dtype=np.int8) for t in INDIVIDUAL_TITLES}
    for i, s in enumerate(subjects):
        for v in evaluate(s, cycle, on=on, overrides=overrides):
            out[v.title][i] = OUTCOME_CODES[v.outcome]
    return out


@PROPERTY_SETTINGS
@given(
    st.lists(st.integers(0, 10**6), min_size=1, max_size=6).flatmap(
        lambda seeds: st.tuples(*(individuals(i) for i in range(len(seeds))))
    ),
    st.integers(2021, 2026),
    st.none() | st.dates(date(2021, 1, 1), date(2027, 12, 31)),
)
def test_batch_equals_the_explained_engine(
    subjects: tuple[Subject, ...], cycle: int, on: date | None
) -> None:
    people = list(subjects)
    result = evaluate_batch(columns_from_subjects(people), cycle, on=on)
    expected = _expected(people, cycle, on)
    for title in INDIVIDUAL_TITLES:
        assert result.outcomes[title].tolist() == expected[title].tolist(), title


@PROPERTY_SETTINGS
@given(st.tuples(individuals(0), individuals(1), individuals(2)), st.integers(2023, 2026))
def test_batch_equals_the_explained_engine_with_overrides(subjects: tuple[Subject, ...], cycle: int) -> None:
    overrides = {"LDTT_02": {"months": 12}, "BKTINH_01": {"min_initiatives": 1}, "CSTDT_01": {"k": 2}}
    people = list(subjects)
    result = evaluate_batch(columns_from_subjects(people), cycle, overrides=overrides)
    expected = _expected(people, cycle, None, overrides)
    for title in INDIVIDUAL_TITLES:
        assert result.outcomes[title].tolist() == expected[title].tolist(), title


def test_outcome_codes_and_counts() -> None:
    people = [
        Subject(id="a", kind="individual", name="A", ratings=(RatingRecord(2025, Rating.HTXSNV),)),
        Subject(id="b", kind="individual", name="B", ratings=(RatingRecord(2025, Rating.HTNV),)),
        Subject(
            id="c",
            kind="individual",
            name="C",
            armed_forces=True,
            ratings=(RatingRecord(2025, Rating.HTTNV),),
        ),
    ]
    result = evaluate_batch(columns_from_subjects(people), 2025)
    assert result.outcomes["LDTT"].tolist() == [ELIGIBLE, NOT_YET, NOT_APPLICABLE]
    assert result.outcomes["CSTT"].tolist() == [NOT_APPLICABLE, NOT_APPLICABLE, ELIGIBLE]
    assert result.counts()["CSTDCS"] == {"eligible": 1, "not_yet": 2, "barred": 0, "not_applicable": 0}
    assert result.packs == ("nd152-2025",)
    assert BARRED == 2


def test_columns_record_the_award_an_initiative_served() -> None:
    person = Subject(
        id="a",
        kind="individual",
        name="A",
        awards=(AwardRecord("gk", "GK", 2024),),
        initiatives=(
            InitiativeRecord("i1", "x", "co_so", 2024, used_by="gk"),
            InitiativeRecord("i2", "y", "bo_tinh", 2024, used_by="khac"),
            InitiativeRecord("i3", "z", "toan_quoc", 2025),
        ),
    )
    cols = columns_from_subjects([person])
    assert cols.init_used_title.tolist() == [TITLE_INDEX["GK"], USED_ELSEWHERE, NOT_USED]
    assert cols.init_used_cycle.tolist() == [2024, 0, 0]
    assert cols.init_scope.tolist() == [0, 1, 2]


def test_columns_can_be_filled_from_plain_arrays() -> None:
    cols = Columns.build(
        2,
        rating_subject=[0, 0, 1],
        rating_cycle=[2024, 2025, 2025],
        rating=[4, 4, 2],
        award_subject=[0],
        award_cycle=[2024],
        award_title=[TITLE_INDEX["CSTDCS"]],
    )
    assert cols.award_kind.tolist() == [0] and cols.recruited_on.tolist() == [0, 0]
    assert evaluate_batch(cols, 2025, titles=["LDTT"]).outcomes["LDTT"].tolist() == [ELIGIBLE, NOT_YET]
    assert "disc_end" in column_names()


def test_columns_refuse_inconsistent_arrays() -> None:
    with pytest.raises(ValueError, match="độ dài khác nhau"):
        Columns.build(1, rating_subject=[0, 0], rating_cycle=[2025], rating=[4])
    with pytest.raises(ValueError, match=r"chỉ số đối tượng phải nằm trong 0\.\.0"):
        Columns.build(1, rating_subject=[3], rating_cycle=[2025], rating=[4])
    with pytest.raises(ValueError, match="không có trong Columns"):
        Columns.build(1, ratings=[4])


def test_batch_is_for_individual_titles() -> None:
    with pytest.raises(ValueError, match="không phải danh hiệu, hình thức khen thưởng cho cá nhân"):
        evaluate_batch(columns_from_subjects([]), 2025, titles=["TTLDTT"])
    with pytest.raises(ValueError, match="không phải cá nhân"):
        columns_from_subjects([Subject(id="t", kind="collective", name="Tổ")])
