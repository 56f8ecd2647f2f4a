"""The covenant page as personas: the head drafts, each member signs for its unit, everyone sees the status
and signatures; the documents download (the draft only for the cluster's own people)."""

from __future__ import annotations

import io
from collections.abc import Callable

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from docx import Document

from tdkt.core.personas import World
from tdkt.movements.models import Covenant, CovenantSignatory, CovenantStatus
from tdkt.movements.services import covenant_draft, covenant_member_sign
from tdkt.org.models import Account, Role

Persona = Callable[[User | None], Client]
TEXT = "Các đơn vị thành viên thống nhất ký giao ước thi đua năm 2024."


def _url(world: World, name: str = "web:covenant") -> str:
    return reverse(name, args=[world.cluster_year.pk])


def _draft(world: World) -> Covenant:
    return covenant_draft(actor=world.head, cluster_year=world.cluster_year, text=TEXT, place="Khâm Đức")


def test_the_head_drafts_the_covenant_through_the_page(world: World, client_as: Persona) -> None:
    response = client_as(world.head).post(
        _url(world), {"action": "draft", "text": TEXT, "place": "Khâm Đức", "document_number": "01/GƯ"}
    )
    assert response.status_code == 302
    covenant = Covenant.all_objects.get(cluster_year=world.cluster_year)
    assert covenant.status == CovenantStatus.DRAFT and covenant.content == TEXT
    page = client_as(world.head).get(_url(world)).content.decode()
    assert "Đang soạn thảo" in page and "Sửa dự thảo giao ước" in page


def test_an_empty_draft_is_refused_with_400_and_nothing_written(world: World, client_as: Persona) -> None:
    response = client_as(world.head).post(_url(world), {"action": "draft", "text": ""})
    assert response.status_code == 400
    assert not Covenant.all_objects.exists()


def test_a_member_cannot_draft(world: World, client_as: Persona) -> None:
    response = client_as(world.member).post(_url(world), {"action": "draft", "text": TEXT})
    assert response.status_code == 403
    assert not Covenant.all_objects.exists()


def test_the_public_is_sent_to_login_to_write(world: World, client_as: Persona) -> None:
    response = client_as(None).post(_url(world), {"action": "draft", "text": TEXT})
    assert response.status_code == 302 and "dang-nhap" in response["Location"]
    assert not Covenant.all_objects.exists()


def test_a_member_signs_for_its_unit_and_everyone_sees_it(world: World, client_as: Persona) -> None:
    _draft(world)
    member = client_as(world.member)
    assert "Ký giao ước cho Huyện Tiên Phước" in member.get(_url(world)).content.decode()
    response = member.post(
        _url(world), {"action": "sign", "signer_name": "Lê Thị Phước", "signer_title": "PCT"}
    )
    assert response.status_code == 302
    assert CovenantSignatory.objects.get().unit == world.tien_phuoc
    public = client_as(None).get(_url(world)).content.decode()
    assert "Lê Thị Phước" in public and "Đang ký" in public and "1/3" in public
    assert "Ký giao ước cho" not in member.get(_url(world)).content.decode()  # signed: no second form


def test_signing_twice_is_refused_with_400(world: World, client_as: Persona) -> None:
    covenant = _draft(world)
    covenant_member_sign(
        actor=world.member, covenant=covenant, signer_name="Lê Thị Phước", signer_title="PCT"
    )
    response = client_as(world.member).post(
        _url(world), {"action": "sign", "signer_name": "Khác", "signer_title": "CT"}
    )
    assert response.status_code == 400 and "đã ký giao ước này" in response.content.decode()
    assert CovenantSignatory.objects.count() == 1


def test_an_outsider_cannot_sign(world: World, client_as: Persona) -> None:
    _draft(world)
    outsider = client_as(world.outsider)
    assert "Ký giao ước cho" not in outsider.get(_url(world)).content.decode()
    response = outsider.post(_url(world), {"action": "sign", "signer_name": "Phạm", "signer_title": "CT"})
    assert response.status_code == 400 and "không phải thành viên" in response.content.decode()
    assert not CovenantSignatory.objects.exists()


def test_the_last_signature_signs_the_covenant(world: World, client_as: Persona) -> None:
    covenant = _draft(world)
    covenant_member_sign(actor=world.head, covenant=covenant, signer_name="Trần Văn Sơn", signer_title="CT")
    covenant_member_sign(
        actor=world.member, covenant=covenant, signer_name="Lê Thị Phước", signer_title="PCT"
    )
    staff = User.objects.create_user(username="t-ng", password="x")
    Account.objects.create(user=staff, role=Role.UNIT, unit=world.nam_giang)
    response = client_as(staff).post(
        _url(world), {"action": "sign", "signer_name": "Hồ Văn Giang", "signer_title": "Chủ tịch"}
    )
    assert response.status_code == 302
    page = client_as(None).get(_url(world)).content.decode()
    assert "Đã ký" in page and "đã được chốt và công khai" in page
    dashboard = (
        client_as(None).get(reverse("web:cluster_year", args=[world.cluster_year.pk])).content.decode()
    )
    assert _url(world) in dashboard and "Ngày ký" in dashboard


def test_the_draft_document_downloads_for_members_and_is_hidden_from_others(
    world: World, client_as: Persona
) -> None:
    _draft(world)
    docx = client_as(world.member).get(_url(world, "web:covenant_docx"))
    assert docx.status_code == 200
    word = Document(io.BytesIO(docx.content))
    assert any("GIAO ƯỚC THI ĐUA" in p.text for p in word.paragraphs)
    pdf = client_as(world.head).get(_url(world, "web:covenant_pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client_as(world.outsider).get(_url(world, "web:covenant_docx")).status_code == 404
    assert client_as(None).get(_url(world, "web:covenant_pdf")).status_code == 404


def test_no_covenant_no_document(world: World, client_as: Persona) -> None:
    assert client_as(world.board).get(_url(world, "web:covenant_docx")).status_code == 404
    page = client_as(None).get(_url(world)).content.decode()
    assert "Chưa có dự thảo giao ước" in page


def test_a_draft_does_not_make_the_targets_public(world: World, client_as: Persona) -> None:
    covenant = _draft(world)
    covenant_member_sign(
        actor=world.member, covenant=covenant, signer_name="Lê Thị Phước", signer_title="PCT"
    )
    targets = reverse("web:targets", args=[world.cluster_year.pk, world.tien_phuoc.pk])
    assert client_as(world.outsider).get(targets).status_code == 404
    dashboard = (
        client_as(None).get(reverse("web:cluster_year", args=[world.cluster_year.pk])).content.decode()
    )
    assert "Chưa ký giao ước" in dashboard
