"""The fund's book: allocations in, payouts by decision out, a running balance, and a statement workbook."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.personas import World
from tdkt.dossiers.fund import fund_entry_add, fund_statement, fund_statement_xlsx
from tdkt.dossiers.models import FundEntry, FundEntryKind

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_balance_runs_and_carries_into_the_next_year(world: World) -> None:
    fund_entry_add(
        actor=world.board,
        unit=world.province,
        year=2025,
        kind=FundEntryKind.ALLOCATION,
        amount=Decimal(50_000_000),
        on=D(2025, 3, 1),
        note="Trích lập quỹ năm 2025",
    )
    fund_entry_add(
        actor=world.board,
        unit=world.province,
        year=2026,
        kind=FundEntryKind.ALLOCATION,
        amount=Decimal(20_000_000),
        on=D(2026, 1, 15),
        note="Trích lập quỹ năm 2026",
    )
    fund_entry_add(
        actor=world.board,
        unit=world.province,
        year=2026,
        kind=FundEntryKind.PAYOUT,
        amount=Decimal(4_680_000),
        on=D(2026, 3, 2),
        note="Chi thưởng",
    )
    statement = fund_statement(world.province, 2026)
    assert statement.opening == Decimal(50_000_000)
    assert [r.balance for r in statement.rows] == [Decimal(70_000_000), Decimal(65_320_000)]
    assert statement.closing == Decimal(65_320_000)
    book = CalamineWorkbook.from_filelike(io.BytesIO(fund_statement_xlsx(statement)))
    rows = book.get_sheet_by_name("Sổ quỹ").to_python()
    assert rows[0][0] == "SỔ QUỸ THI ĐUA, KHEN THƯỞNG NĂM 2026"
    assert rows[-1][1:] == ["Cộng", "", 20_000_000, 4_680_000, 65_320_000]


def test_bad_entries_are_refused_naming_the_field(world: World) -> None:
    with pytest.raises(ValidationFailed) as info:
        fund_entry_add(
            actor=world.board,
            unit=world.province,
            year=2026,
            kind=FundEntryKind.PAYOUT,
            amount=Decimal("-5"),
            on=D(2025, 12, 31),
            note=" ",
        )
    assert {p.field for p in info.value.problems} == {"amount", "on", "note"}
    assert not FundEntry.objects.exists()


def test_another_units_staff_cannot_write_a_units_fund(world: World) -> None:
    with pytest.raises(NotPermitted):
        fund_entry_add(
            actor=world.outsider,
            unit=world.tien_phuoc,
            year=2026,
            kind=FundEntryKind.ALLOCATION,
            amount=Decimal(1),
            on=D(2026, 1, 1),
            note="Thử",
        )
