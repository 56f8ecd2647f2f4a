"""The base salary by date: a row a signed decision read is never edited, and no new row may put a signed
decision under it; refusals name their field and write nothing. The certificate layout's test print."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.dossiers.board_services import (
    base_salary_add,
    base_salary_update,
    base_salary_used_by,
    certificate_sample_pdf,
)
from tdkt.dossiers.certificate_layout import DEFAULT_LAYOUT
from tdkt.dossiers.decisions import decision_draft
from tdkt.dossiers.models import BaseSalary, Decision
from tdkt.dossiers.tests.test_decisions import _approved, _sign

pytestmark = pytest.mark.django_db
D = dt.date
SOURCE = "Nghị định 73/2024/NĐ-CP"


def _state() -> tuple:
    return list(BaseSalary.objects.order_by("pk").values_list()), AuditEvent.objects.count()


def _signed(world: World) -> Decision:
    """A decision signed on 02/03/2026, under the seeded 2,340,000 đồng from 01/07/2024."""
    return _sign(world, decision_draft(actor=world.board, dossier=_approved(world)))


def test_the_board_adds_a_base_salary_and_it_is_audited(world: World) -> None:
    row = base_salary_add(
        actor=world.board, valid_from=D(2026, 7, 1), amount=Decimal(2_530_000), source=SOURCE
    )
    assert row.amount == Decimal(2_530_000)
    assert AuditEvent.objects.filter(action="base_salary.add", object_id=str(row.pk)).exists()


def test_a_unit_s_staff_may_not_add_a_base_salary(world: World) -> None:
    before = _state()
    with pytest.raises(NotPermitted):
        base_salary_add(
            actor=world.member, valid_from=D(2026, 7, 1), amount=Decimal(2_530_000), source=SOURCE
        )
    assert _state() == before


@pytest.mark.parametrize(
    ("valid_from", "amount", "source", "field"),
    [
        (D(2026, 7, 1), Decimal(0), SOURCE, "amount"),
        (D(2026, 7, 1), Decimal("2530000.5"), SOURCE, "amount"),
        (D(2026, 7, 1), Decimal(2_530_000), "  ", "source"),
        (D(2024, 7, 1), Decimal(2_530_000), SOURCE, "valid_from"),  # the day of a seeded row
    ],
)
def test_bad_rows_are_refused_naming_the_field(
    world: World, valid_from: dt.date, amount: Decimal, source: str, field: str
) -> None:
    before = _state()
    with pytest.raises(ValidationFailed) as info:
        base_salary_add(actor=world.board, valid_from=valid_from, amount=amount, source=source)
    assert [p.field for p in info.value.problems] == [field]
    assert _state() == before


def test_a_new_row_that_would_put_a_signed_decision_under_it_is_refused(world: World) -> None:
    decision = _signed(world)
    before = _state()
    with pytest.raises(ValidationFailed) as info:
        base_salary_add(actor=world.board, valid_from=D(2026, 1, 1), amount=Decimal(2_530_000), source=SOURCE)
    assert info.value.problems[0].field == "valid_from"
    assert f"quyết định số {decision.number} ký ngày 02/03/2026" in info.value.problems[0].message
    assert _state() == before
    # a correction from a later day is accepted
    base_salary_add(actor=world.board, valid_from=D(2026, 3, 3), amount=Decimal(2_530_000), source=SOURCE)


def test_a_row_a_signed_decision_used_is_not_edited(world: World) -> None:
    decision = _signed(world)
    used = BaseSalary.objects.get(valid_from=D(2024, 7, 1))
    assert base_salary_used_by(used) == decision
    before = _state()
    with pytest.raises(ValidationFailed) as info:
        base_salary_update(
            actor=world.board, row=used, valid_from=used.valid_from, amount=Decimal(1), source=SOURCE
        )
    assert "không sửa được" in info.value.problems[0].message
    assert _state() == before


def test_a_row_no_decision_used_is_corrected_and_audited(world: World) -> None:
    row = base_salary_add(
        actor=world.board, valid_from=D(2026, 7, 1), amount=Decimal(2_350_000), source=SOURCE
    )
    row = base_salary_update(
        actor=world.board, row=row, valid_from=row.valid_from, amount=Decimal(2_530_000), source=SOURCE
    )
    assert BaseSalary.objects.get(pk=row.pk).amount == Decimal(2_530_000)
    event = AuditEvent.objects.get(action="base_salary.update")
    assert event.before is not None and event.after is not None
    assert event.before["amount"] == "2350000" and event.after["amount"] == "2530000"


def test_the_sample_page_is_a_pdf_and_a_bad_layout_is_refused() -> None:
    assert certificate_sample_pdf(title="BK_TINH", layout=DEFAULT_LAYOUT).startswith(b"%PDF")
    with pytest.raises(ValidationFailed) as info:
        certificate_sample_pdf(
            title="BK_TINH", layout=DEFAULT_LAYOUT | {"page": {"width": 10, "height": 210}}
        )
    assert info.value.problems[0].field == "layout"
