import datetime as dt

import pytest

from tdkt.core.errors import ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.org.models import Unit
from tdkt.org.selectors import unit_history_ids, unit_predecessors, unit_successors, units_valid_on
from tdkt.org.services import unit_apply_lineage, unit_create

D = dt.date(2025, 7, 1)


def _unit(code: str, kind: str = "xa", **kw: object) -> Unit:
    return unit_create(actor=None, code=code, name=f"Xã {code}", kind=kind, **kw)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_merge_ends_the_old_units_and_the_new_one_inherits_their_history() -> None:
    a, b = _unit("A", valid_from=dt.date(2008, 1, 1)), _unit("B", valid_from=dt.date(2008, 1, 1))
    c = _unit("C")
    unit_apply_lineage(
        actor=None, kind="merge", effective_date=D, predecessors=[a, b], successors=[c], legal_basis="NQ"
    )
    a.refresh_from_db()
    c.refresh_from_db()
    assert a.valid_to == dt.date(2025, 6, 30)
    assert c.valid_from == D
    assert unit_history_ids(c) == {a.pk, b.pk, c.pk}
    assert {u.code for u in unit_successors(a)} == {"C"}
    assert set(units_valid_on(D)) == {c}
    assert set(units_valid_on(dt.date(2025, 6, 30))) == {a, b}
    assert AuditEvent.objects.filter(action="lineage.create").count() == 1


@pytest.mark.django_db
def test_history_follows_a_chain_of_rename_then_merge() -> None:
    a = _unit("A")
    a2 = _unit("A2")
    unit_apply_lineage(
        actor=None, kind="rename", effective_date=dt.date(2020, 1, 1), predecessors=[a], successors=[a2]
    )
    b = _unit("B")
    c = _unit("C")
    unit_apply_lineage(actor=None, kind="merge", effective_date=D, predecessors=[a2, b], successors=[c])
    assert [u.code for u in unit_predecessors(c)] == ["A2", "B", "A"]  # nearest generation first
    assert unit_history_ids(c) == {a.pk, a2.pk, b.pk, c.pk}


@pytest.mark.django_db
def test_split_gives_each_successor_the_whole_history() -> None:
    a, b, c = _unit("A"), _unit("B"), _unit("C")
    unit_apply_lineage(actor=None, kind="split", effective_date=D, predecessors=[a], successors=[b, c])
    assert a.pk in unit_history_ids(b) and a.pk in unit_history_ids(c)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "n_pred", "n_succ", "message"),
    [
        ("merge", 1, 1, "ít nhất 2 đơn vị cũ"),
        ("split", 1, 1, "ít nhất 2 đơn vị mới"),
        ("rename", 2, 1, "đúng 1 đơn vị cũ"),
        ("teleport", 1, 1, "không hợp lệ"),
    ],
)
def test_malformed_lineage_is_refused_and_changes_nothing(
    kind: str, n_pred: int, n_succ: int, message: str
) -> None:
    preds = [_unit(f"P{i}") for i in range(n_pred)]
    succs = [_unit(f"S{i}") for i in range(n_succ)]
    with pytest.raises(ValidationFailed) as info:
        unit_apply_lineage(actor=None, kind=kind, effective_date=D, predecessors=preds, successors=succs)
    assert message in str(info.value)
    assert all(Unit.objects.get(pk=p.pk).valid_to is None for p in preds)


@pytest.mark.django_db
def test_a_unit_that_already_ended_cannot_be_merged_again() -> None:
    a = _unit("A", valid_to=dt.date(2020, 12, 31))
    b, c = _unit("B"), _unit("C")
    with pytest.raises(ValidationFailed, match="không còn hiệu lực"):
        unit_apply_lineage(actor=None, kind="merge", effective_date=D, predecessors=[a, b], successors=[c])


@pytest.mark.django_db
def test_unit_with_a_duplicate_code_is_refused_in_vietnamese() -> None:
    _unit("A")
    with pytest.raises(ValidationFailed) as info:
        _unit("A")
    assert info.value.problems[0].field == "code"
