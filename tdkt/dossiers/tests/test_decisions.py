"""Signing a decision records every line's award, with its money, once, under a number unique per authority."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tdkt.awards.models import Award
from tdkt.awards.selectors import person_verdicts
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.personas import World
from tdkt.dossiers import states
from tdkt.dossiers.decisions import (
    decision_correct,
    decision_document,
    decision_draft,
    decision_revoke,
    decision_sign,
)
from tdkt.dossiers.models import Decision, Dossier, FundEntry, FundEntryKind
from tdkt.dossiers.services import dossier_act, dossier_create, dossier_document_add, dossier_line_add
from tdkt.org.models import Gender
from tdkt.org.services import person_create
from tdkt.reports.documents import to_docx

pytestmark = pytest.mark.django_db


def _approved(world: World, subject: str = "Khen thưởng đột xuất cứu hộ lũ") -> Dossier:
    dossier = dossier_create(
        actor=world.member, track="DOT_XUAT", cycle=2026, proposer=world.tien_phuoc, subject=subject
    )
    for name in ("Trương Thị Ngân", "Võ Văn Hùng"):
        person = person_create(
            actor=None, full_name=name, gender=Gender.FEMALE, unit=world.tien_phuoc, start=dt.date(2020, 1, 1)
        )
        dossier_line_add(actor=world.member, dossier=dossier, title="BK_TINH", person=person)
    dossier_document_add(
        actor=world.member,
        dossier=dossier,
        kind="tom_tat_thanh_tich",
        name="",
        filename="tom-tat.pdf",
        content=b"%PDF-1.4 tom tat",
    )
    dossier.refresh_from_db()
    for actor, action, extra in (
        (world.member, states.SEND, {}),
        (world.board, states.RECEIVE, {}),
        (world.board, states.ASSIGN, {"specialist": world.board}),
        (world.board, states.CHECK, {}),
        (world.board, states.APPROVE, {}),
    ):
        dossier = dossier_act(actor=actor, dossier=dossier, action=action, version=dossier.version, **extra)
    assert dossier.state == states.APPROVED
    return dossier


def _sign(world: World, decision: Decision, number: str = "125/QĐ-UBND") -> Decision:
    return decision_sign(
        actor=world.board,
        decision=decision,
        number=number,
        signed_on=dt.date(2026, 3, 2),
        signer_name="Lê Văn Dũng",
        signer_title="Chủ tịch",
    )


def test_signing_records_each_award_with_its_money_and_the_verdicts_see_them(world: World) -> None:
    dossier = _approved(world)
    decision = _sign(world, decision_draft(actor=world.board, dossier=dossier))
    dossier.refresh_from_db()
    assert dossier.state == states.DECIDED
    awards = list(Award.objects.filter(decision_no="125/QĐ-UBND").order_by("person__full_name"))
    assert [a.person.full_name for a in awards] == ["Trương Thị Ngân", "Võ Văn Hùng"]  # type: ignore[union-attr]
    assert {a.kind for a in awards} == {"dot_xuat"} or {a.get_kind_display() for a in awards} == {"Đột xuất"}
    # Decree 152/2025: a provincial Bằng khen to an individual is 1.0 × 2,340,000 (base salary since 01/07/2024).
    assert decision.base_salary == Decimal("2340000")
    assert [line.amount for line in dossier.lines.order_by("position")] == [Decimal("2340000")] * 2
    assert decision.total == Decimal("4680000")
    payout = FundEntry.objects.get(decision=decision)
    assert (payout.unit, payout.kind, payout.amount) == (
        world.province,
        FundEntryKind.PAYOUT,
        Decimal("4680000"),
    )
    ngan = awards[0].person
    assert any(a.title == "BK_TINH" for a in Award.objects.filter(person=ngan))
    assert person_verdicts(ngan, 2026)  # the engine runs with the new award in the history


def test_a_number_the_authority_already_used_is_refused_and_nothing_is_recorded(world: World) -> None:
    _sign(world, decision_draft(actor=world.board, dossier=_approved(world)))
    second = _approved(world, "Khen thưởng đột xuất phòng cháy")
    draft = decision_draft(actor=world.board, dossier=second)
    before = Award.objects.count()
    with pytest.raises(ValidationFailed) as info:
        _sign(world, draft, number="125/qđ-ubnd")
    assert "đã dùng cho một quyết định khác" in info.value.problems[0].message
    assert Award.objects.count() == before
    second.refresh_from_db()
    assert second.state == states.APPROVED


def test_only_the_decider_signs(world: World) -> None:
    dossier = _approved(world)
    draft = decision_draft(actor=world.board, dossier=dossier)
    with pytest.raises(NotPermitted):
        decision_sign(
            actor=world.member,
            decision=draft,
            number="1/QĐ",
            signed_on=dt.date(2026, 3, 2),
            signer_name="Ai đó",
            signer_title="",
        )
    assert not Award.objects.filter(decision_no="1/QĐ").exists()


def test_a_signed_decision_is_not_signed_again(world: World) -> None:
    decision = _sign(world, decision_draft(actor=world.board, dossier=_approved(world)))
    with pytest.raises(ValidationFailed):
        _sign(world, decision, number="126/QĐ-UBND")


def test_the_decision_document_lists_each_line_with_its_money(world: World) -> None:
    decision = _sign(world, decision_draft(actor=world.board, dossier=_approved(world)))
    document = decision_document(decision)
    assert document.number == "Số: 125/QĐ-UBND"
    assert document.subtitle.startswith("Về việc tặng Bằng khen")
    assert document.table_rows[0][1:] == ["Trương Thị Ngân", document.table_rows[0][2], "2.340.000"]
    assert any("4.680.000 đồng" in p for p in document.paragraphs)
    assert to_docx(document)[:2] == b"PK"


def test_the_zip_for_a_central_authority_carries_every_document_and_a_manifest(world: World) -> None:
    import io
    import json
    import zipfile

    from tdkt.dossiers.documents import dossier_zip

    dossier = _approved(world)
    archive = zipfile.ZipFile(io.BytesIO(dossier_zip(dossier)))
    names = set(archive.namelist())
    assert {
        "01-to-trinh.docx",
        "01-to-trinh.pdf",
        "02-danh-sach.pdf",
        "danh-sach.json",
        "SHA256SUMS",
    } <= names
    assert "03-tom_tat_thanh_tich.pdf" in names
    listing = json.loads(archive.read("danh-sach.json"))
    assert [r["ho_ten_hoac_ten_tap_the"] for r in listing["danh_sach"]] == ["Trương Thị Ngân", "Võ Văn Hùng"]
    assert listing["danh_sach"][0]["hinh_thuc"].startswith("Bằng khen")
    sums = archive.read("SHA256SUMS").decode().splitlines()
    assert len(sums) == len(names) - 1


def test_a_draft_is_not_exported(world: World) -> None:
    from tdkt.dossiers.documents import dossier_zip

    draft = dossier_create(
        actor=world.member, track="DOT_XUAT", cycle=2026, proposer=world.tien_phuoc, subject="Nháp"
    )
    with pytest.raises(ValueError, match="thống nhất đề nghị"):
        dossier_zip(draft)


def test_a_correction_reaches_every_award_and_a_taken_number_is_refused(world: World) -> None:
    decision = _sign(world, decision_draft(actor=world.board, dossier=_approved(world)))
    other = _sign(
        world,
        decision_draft(actor=world.board, dossier=_approved(world, "Khen đột xuất khác")),
        "130/QĐ-UBND",
    )
    with pytest.raises(ValidationFailed) as info:
        decision_correct(
            actor=world.board,
            decision=decision,
            reason="Gõ nhầm số",
            version=decision.version,
            number="130/QĐ-UBND",
        )
    assert "đã dùng" in info.value.problems[0].message
    with pytest.raises(NotPermitted):
        decision_correct(
            actor=world.member, decision=decision, reason="x", version=decision.version, number="126/QĐ-UBND"
        )
    decision = decision_correct(
        actor=world.board,
        decision=decision,
        reason="Gõ nhầm số",
        version=decision.version,
        number="126/QĐ-UBND",
    )
    assert decision.number == "126/QĐ-UBND"
    assert set(Award.objects.exclude(decision_no="130/QĐ-UBND").values_list("decision_no", flat=True)) == {
        "126/QĐ-UBND"
    }
    assert other.number == "130/QĐ-UBND"


def test_a_revocation_revokes_every_award_and_a_stale_page_is_refused(world: World) -> None:
    decision = _sign(world, decision_draft(actor=world.board, dossier=_approved(world)))
    stale = decision.version
    decision = decision_revoke(
        actor=world.board,
        decision=decision,
        revoked_on=dt.date(2026, 6, 1),
        reason="Hồ sơ khai không đúng",
        version=stale,
    )
    assert decision.revoked_on == dt.date(2026, 6, 1)
    assert set(Award.objects.values_list("revoked_reason", flat=True)) == {"Hồ sơ khai không đúng"}
    with pytest.raises(ValidationFailed):
        decision_revoke(
            actor=world.board, decision=decision, revoked_on=dt.date(2026, 6, 2), reason="lại", version=stale
        )
