"""The covenant's flow: drafted by the head's staff, signed by each member for its unit, signed (targets
frozen and public) once every member has signed; its document in .docx and PDF."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from docx import Document

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.personas import World
from tdkt.movements.covenant_document import covenant_document
from tdkt.movements.models import Covenant, CovenantSignatory, CovenantStatus, Target
from tdkt.movements.services import covenant_draft, covenant_member_sign, target_set
from tdkt.org.models import Account, Role, Unit
from tdkt.reports.documents import to_docx, to_pdf

TEXT = "Thực hiện phong trào thi đua năm 2024, các đơn vị thành viên thống nhất ký giao ước."


def _staff(unit: Unit, username: str) -> User:
    user = User.objects.create_user(username=username, password="x")
    Account.objects.create(user=user, role=Role.UNIT, unit=unit)
    return user


def _draft(world: World) -> Covenant:
    return covenant_draft(
        actor=world.head,
        cluster_year=world.cluster_year,
        text=TEXT,
        place="Khâm Đức",
        document_number="01/GƯ",
    )


def _sign_all(world: World, covenant: Covenant) -> None:
    covenant_member_sign(
        actor=world.head, covenant=covenant, signer_name="Trần Văn Sơn", signer_title="Chủ tịch"
    )
    covenant_member_sign(
        actor=world.member, covenant=covenant, signer_name="Lê Thị Phước", signer_title="Phó Chủ tịch"
    )
    covenant_member_sign(
        actor=_staff(world.nam_giang, "t-ng"),
        covenant=covenant,
        signer_name="Hồ Văn Giang",
        signer_title="Chủ tịch",
    )


def _set_houses(world: World, value: int) -> Target:
    return target_set(
        actor=world.member,
        cluster_year=world.cluster_year,
        unit=world.tien_phuoc,
        indicator=world.houses,
        value=Decimal(value),
    )


def test_the_head_drafts_and_edits_while_it_is_a_draft(world: World) -> None:
    covenant = _draft(world)
    assert covenant.status == CovenantStatus.DRAFT and covenant.signed_on is None
    edited = covenant_draft(
        actor=world.head, cluster_year=world.cluster_year, text="Nội dung mới", place="Tam Kỳ"
    )
    assert edited.pk == covenant.pk and edited.content == "Nội dung mới" and edited.place == "Tam Kỳ"


def test_a_draft_is_not_the_signed_covenant_and_targets_stay_editable(world: World) -> None:
    _draft(world)
    assert not Covenant.objects.filter(cluster_year=world.cluster_year).exists()
    assert Covenant.all_objects.filter(cluster_year=world.cluster_year).exists()
    assert _set_houses(world, 610).value == Decimal(610)


def test_a_member_or_the_public_cannot_draft(world: World) -> None:
    with pytest.raises(NotPermitted):
        covenant_draft(actor=world.member, cluster_year=world.cluster_year, text=TEXT)
    assert not Covenant.all_objects.exists()


def test_an_empty_text_is_refused_and_nothing_is_written(world: World) -> None:
    with pytest.raises(ValidationFailed, match="không được để trống"):
        covenant_draft(actor=world.board, cluster_year=world.cluster_year, text="   ")
    assert not Covenant.all_objects.exists()


def test_a_member_signs_for_its_unit_with_a_timezone_aware_moment(world: World) -> None:
    covenant = _draft(world)
    signatory = covenant_member_sign(
        actor=world.member, covenant=covenant, signer_name="Lê Thị Phước", signer_title="Phó Chủ tịch"
    )
    assert signatory.unit == world.tien_phuoc
    assert signatory.signed_at is not None and signatory.signed_at.tzinfo is not None
    covenant.refresh_from_db()
    assert covenant.status == CovenantStatus.SIGNING and covenant.signed_on is None


def test_signing_twice_for_the_same_unit_is_refused_and_changes_nothing(world: World) -> None:
    covenant = _draft(world)
    covenant_member_sign(
        actor=world.member, covenant=covenant, signer_name="Lê Thị Phước", signer_title="PCT"
    )
    with pytest.raises(ValidationFailed, match="đã ký"):
        covenant_member_sign(
            actor=world.member, covenant=covenant, signer_name="Người khác", signer_title="CT"
        )
    assert list(CovenantSignatory.objects.values_list("signer_name", flat=True)) == ["Lê Thị Phước"]


def test_a_non_member_cannot_sign(world: World) -> None:
    covenant = _draft(world)
    with pytest.raises(ValidationFailed, match="không phải thành viên"):
        covenant_member_sign(
            actor=world.outsider, covenant=covenant, signer_name="Phạm Ngoài", signer_title="CT"
        )
    with pytest.raises(NotPermitted):
        covenant_member_sign(
            actor=world.board, covenant=covenant, signer_name="Ban", signer_title="Trưởng ban"
        )
    assert not CovenantSignatory.objects.exists()
    covenant.refresh_from_db()
    assert covenant.status == CovenantStatus.DRAFT


def test_a_member_cannot_sign_for_another_unit(world: World) -> None:
    covenant = _draft(world)
    with pytest.raises(NotPermitted):
        covenant_member_sign(
            actor=world.member, covenant=covenant, signer_name="X", signer_title="Y", unit=world.nam_giang
        )
    assert not CovenantSignatory.objects.exists()


def test_a_missing_signer_name_is_refused(world: World) -> None:
    covenant = _draft(world)
    with pytest.raises(ValidationFailed, match="thiếu tên người ký"):
        covenant_member_sign(actor=world.member, covenant=covenant, signer_name=" ", signer_title="CT")
    assert not CovenantSignatory.objects.exists()


def test_once_a_member_has_signed_the_text_cannot_be_edited(world: World) -> None:
    covenant = _draft(world)
    covenant_member_sign(
        actor=world.member, covenant=covenant, signer_name="Lê Thị Phước", signer_title="PCT"
    )
    with pytest.raises(ValidationFailed, match="không sửa được"):
        covenant_draft(actor=world.head, cluster_year=world.cluster_year, text="Khác")
    covenant.refresh_from_db()
    assert covenant.content == TEXT


def test_targets_are_frozen_only_when_the_last_member_signs(world: World) -> None:
    covenant = _draft(world)
    covenant_member_sign(actor=world.head, covenant=covenant, signer_name="Trần Văn Sơn", signer_title="CT")
    covenant_member_sign(
        actor=world.member, covenant=covenant, signer_name="Lê Thị Phước", signer_title="PCT"
    )
    assert _set_houses(world, 620).value == Decimal(620)  # two of three signed: not yet frozen
    covenant_member_sign(
        actor=_staff(world.nam_giang, "t-ng"),
        covenant=covenant,
        signer_name="Hồ Văn Giang",
        signer_title="CT",
    )
    covenant.refresh_from_db()
    assert covenant.status == CovenantStatus.SIGNED and covenant.signed_on is not None
    assert Covenant.objects.get(cluster_year=world.cluster_year) == covenant
    with pytest.raises(ValidationFailed, match="đã ký"):
        _set_houses(world, 1)
    assert Target.objects.get(unit=world.tien_phuoc, indicator=world.houses).value == Decimal(620)


def test_a_signed_covenant_refuses_further_signatures(world: World) -> None:
    covenant = _draft(world)
    _sign_all(world, covenant)
    with pytest.raises(ValidationFailed, match="đã ký"):
        covenant_member_sign(actor=world.member, covenant=covenant, signer_name="Lại", signer_title="CT")
    assert CovenantSignatory.objects.count() == 3


def test_the_documents_open_and_carry_the_targets_and_signatures(world: World) -> None:
    covenant = _draft(world)
    covenant_member_sign(
        actor=world.member, covenant=covenant, signer_name="Lê Thị Phước", signer_title="PCT"
    )
    doc = covenant_document(covenant)
    assert "DỰ THẢO" in doc.subtitle
    word = Document(io.BytesIO(to_docx(doc)))
    text = "\n".join(p.text for p in word.paragraphs)
    cells = "\n".join(c.text for t in word.tables for row in t.rows for c in row.cells)
    assert "GIAO ƯỚC THI ĐUA" in text and TEXT in text
    assert "Huyện Tiên Phước" in cells and world.houses.name in cells and "500" in cells
    assert "Lê Thị Phước" in cells and "(chưa ký)" in cells
    assert to_pdf(doc).startswith(b"%PDF")


def test_a_signed_covenant_document_bears_its_date_and_no_draft_mark(world: World) -> None:
    covenant = _draft(world)
    _sign_all(world, covenant)
    covenant.refresh_from_db()
    doc = covenant_document(covenant)
    assert "DỰ THẢO" not in doc.subtitle and doc.date == covenant.signed_on
    assert all("(chưa ký)" not in s.name for s in doc.signatures)
