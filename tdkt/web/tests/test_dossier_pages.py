"""The dossier pages: a unit drafts and sends, the board receives, checks and decides, the public reads the
decision; outsiders get 404; refusals are shown on the field with nothing written."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tdkt.awards.models import Award
from tdkt.core.personas import World
from tdkt.dossiers import states
from tdkt.dossiers.models import Decision, Dossier, DossierLine
from tdkt.org.models import Gender, Person
from tdkt.org.services import person_create

pytestmark = pytest.mark.django_db
ClientAs = Callable[..., Client]


def _person(world: World, name: str = "Trương Thị Ngân") -> Person:
    return person_create(
        actor=None, full_name=name, gender=Gender.FEMALE, unit=world.tien_phuoc, start=dt.date(2020, 1, 1)
    )


def _post(client: Client, dossier: Dossier, **data: object) -> object:
    return client.post(reverse("web:dossier", args=[dossier.pk]), data)


def _act(client: Client, dossier: Dossier, action: str, **extra: object) -> object:
    dossier.refresh_from_db()
    return _post(client, dossier, what="act", action=action, version=dossier.version, **extra)


def _drafted(world: World, client: Client) -> Dossier:
    response = client.post(
        reverse("web:dossier_new"),
        {"track": "DOT_XUAT", "cycle": 2026, "subject": "Khen thưởng đột xuất cứu hộ lũ"},
    )
    assert response.status_code == 302
    return Dossier.objects.get()


def test_a_dossier_goes_from_the_unit_to_a_signed_decision_through_the_pages(
    world: World, client_as: ClientAs
) -> None:
    member, board, public = client_as(world.member), client_as(world.board), client_as(None)
    ngan = _person(world)
    dossier = _drafted(world, member)
    page = member.get(reverse("web:dossier", args=[dossier.pk])).content.decode()
    assert "Còn thiếu trước khi gửi" in page and "Bản tóm tắt thành tích đột xuất" in page
    assert (
        _post(
            member, dossier, what="line", subject=f"p{ngan.pk}", title="BK_TINH", note="Cứu 3 người"
        ).status_code
        == 302
    )
    upload = SimpleUploadedFile("tom-tat.pdf", b"%PDF-1.4 tom tat", content_type="application/pdf")
    response = member.post(
        reverse("web:dossier", args=[dossier.pk]),
        {"what": "document", "kind": "tom_tat_thanh_tich", "name": "", "file": upload},
    )
    assert response.status_code == 302
    assert _act(member, dossier, states.SEND).status_code == 302
    # The board sees it in its list and takes every step on the page.
    assert "Khen thưởng đột xuất cứu hộ lũ" in board.get(reverse("web:dossiers")).content.decode()
    assert _act(board, dossier, states.RECEIVE).status_code == 302
    assert _act(board, dossier, states.ASSIGN, specialist=world.board.pk).status_code == 302
    page = board.get(reverse("web:dossier", args=[dossier.pk])).content.decode()
    assert "Thay đổi đến nay" in page and "không thay đổi" in page
    assert _act(board, dossier, states.CHECK).status_code == 302
    assert _act(board, dossier, states.APPROVE).status_code == 302
    sign = board.post(
        reverse("web:dossier_decision", args=[dossier.pk]),
        {
            "number": "125/QĐ-UBND",
            "signed_on": "02/03/2026",
            "signer_name": "Lê Văn Dũng",
            "signer_title": "Chủ tịch",
        },
    )
    assert sign.status_code == 302
    decision = Decision.objects.get()
    assert Award.objects.filter(person=ngan, title="BK_TINH", decision_no="125/QĐ-UBND").exists()
    # The public finds it in the registry by the person's name typed without diacritics.
    registry = public.get(reverse("web:decisions"), {"q": "truong thi ngan"}).content.decode()
    assert "125/QĐ-UBND" in registry
    detail = public.get(reverse("web:decision", args=[decision.pk])).content.decode()
    assert "Trương Thị Ngân" in detail and "2.340.000" in detail
    assert public.get(reverse("web:decision_file", args=[decision.pk, "pdf"])).status_code == 200


def test_outsiders_and_the_public_get_404_on_a_dossier(world: World, client_as: ClientAs) -> None:
    dossier = _drafted(world, client_as(world.member))
    for user in (world.outsider, world.head, None):
        assert client_as(user).get(reverse("web:dossier", args=[dossier.pk])).status_code == 404
    # The board does not see a unit's draft either: it has not been sent.
    assert client_as(world.board).get(reverse("web:dossier", args=[dossier.pk])).status_code == 404


def test_a_refused_line_is_shown_on_its_field_and_nothing_is_written(
    world: World, client_as: ClientAs
) -> None:
    member = client_as(world.member)
    dossier = _drafted(world, member)
    ngan = _person(world)
    _post(member, dossier, what="line", subject=f"p{ngan.pk}", title="BK_TINH")
    response = _post(member, dossier, what="line", subject=f"p{ngan.pk}", title="BK_TINH")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "trong hồ sơ này" in response.content.decode()  # type: ignore[attr-defined]
    assert DossierLine.objects.count() == 1


def test_a_return_without_a_reason_is_refused_on_the_page(world: World, client_as: ClientAs) -> None:
    member, board = client_as(world.member), client_as(world.board)
    dossier = _drafted(world, member)
    _post(member, dossier, what="line", subject=f"p{_person(world).pk}", title="BK_TINH")
    member.post(
        reverse("web:dossier", args=[dossier.pk]),
        {"what": "document", "kind": "tom_tat_thanh_tich", "file": SimpleUploadedFile("a.pdf", b"%PDF x")},
    )
    _act(member, dossier, states.SEND)
    response = _act(board, dossier, states.RETURN, reason="")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Trả lại hồ sơ phải ghi rõ lý do" in response.content.decode()  # type: ignore[attr-defined]
    dossier.refresh_from_db()
    assert dossier.state == states.SENT


def test_one_click_on_the_candidates_page_proposes_into_a_draft(world: World, client_as: ClientAs) -> None:
    member = client_as(world.member)
    ngan = _person(world)
    data = {"unit": world.tien_phuoc.pk, "person": ngan.pk, "title": "LDTT", "cycle": 2025}
    assert member.post(reverse("web:dossier_propose"), data).status_code == 302
    line = DossierLine.objects.get()
    assert (
        line.person == ngan
        and line.dossier.track == "DV_DANH_HIEU"
        and line.dossier.proposer == world.tien_phuoc
    )
    member.post(reverse("web:dossier_propose"), data)
    assert DossierLine.objects.count() == 1  # refused the second time, with a message
    assert client_as(world.outsider).post(reverse("web:dossier_propose"), data).status_code == 404


def test_the_dossier_page_shows_no_raw_code(world: World, client_as: ClientAs) -> None:
    member = client_as(world.member)
    dossier = _drafted(world, member)
    _post(member, dossier, what="line", subject=f"p{_person(world).pk}", title="BK_TINH")
    html = member.get(reverse("web:dossier", args=[dossier.pk])).content.decode()
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S))
    for raw in ("DOT_XUAT", "BK_TINH", "draft", "eligible", "not_yet", "True", "False"):
        assert not re.search(rf"\b{raw}\b", text), raw


def test_the_candidates_page_offers_to_propose_and_then_marks_proposed(
    world: World, client_as: ClientAs
) -> None:
    from tdkt.awards.models import RatingChoice
    from tdkt.awards.services import task_rating_set

    member = client_as(world.member)
    ngan = _person(world)
    task_rating_set(actor=None, person=ngan, cycle=2025, rating=RatingChoice.HTTNV)
    url = reverse("web:unit_candidates", args=[world.tien_phuoc.pk]) + "?nam=2025"
    page = member.get(url).content.decode()
    assert f'name="person" value="{ngan.pk}"' in page and 'name="title" value="LDTT"' in page
    member.post(
        reverse("web:dossier_propose"),
        {"unit": world.tien_phuoc.pk, "person": ngan.pk, "title": "LDTT", "cycle": 2025},
    )
    page = member.get(url).content.decode()
    assert "đã đề nghị" in page
    # The board reads the candidates but proposes nothing for a unit.
    assert 'action="/ho-so/de-nghi-nhanh/"' not in client_as(world.board).get(url).content.decode()


def test_my_work_lists_the_dossier_for_whoever_holds_it(world: World, client_as: ClientAs) -> None:
    member, board = client_as(world.member), client_as(world.board)
    dossier = _drafted(world, member)
    assert (
        "Hoàn thành và gửi hồ sơ: Khen thưởng đột xuất cứu hộ lũ"
        in member.get(reverse("web:my_work")).content.decode()
    )
    _post(member, dossier, what="line", subject=f"p{_person(world).pk}", title="BK_TINH")
    member.post(
        reverse("web:dossier", args=[dossier.pk]),
        {"what": "document", "kind": "tom_tat_thanh_tich", "file": SimpleUploadedFile("a.pdf", b"%PDF x")},
    )
    _act(member, dossier, states.SEND)
    assert (
        "Tiếp nhận hồ sơ: Khen thưởng đột xuất cứu hộ lũ"
        in board.get(reverse("web:my_work")).content.decode()
    )
    assert "Khen thưởng đột xuất cứu hộ lũ" not in member.get(reverse("web:my_work")).content.decode()
    home = board.get(reverse("web:home")).content.decode()
    assert reverse("web:dossiers") in home and reverse("web:decisions") in home


def test_the_achievement_report_is_drafted_from_the_records(world: World, client_as: ClientAs) -> None:
    from tdkt.awards.models import RatingChoice
    from tdkt.awards.services import task_rating_set
    from tdkt.dossiers.documents import achievement_report

    member = client_as(world.member)
    dossier = _drafted(world, member)
    ngan = _person(world)
    task_rating_set(actor=None, person=ngan, cycle=2025, rating=RatingChoice.HTXSNV)
    _post(member, dossier, what="line", subject=f"p{ngan.pk}", title="BK_TINH")
    line = DossierLine.objects.get()
    document = achievement_report(line)
    assert document.title == "BÁO CÁO THÀNH TÍCH" and "Mẫu số 03" in document.subtitle
    assert ["2025", "Hoàn thành xuất sắc nhiệm vụ", ""] in document.table_rows
    assert any("Trương Thị Ngân" in p for p in document.paragraphs)
    response = member.get(reverse("web:line_report", args=[dossier.pk, line.pk, "docx"]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert (
        client_as(world.outsider)
        .get(reverse("web:line_report", args=[dossier.pk, line.pk, "docx"]))
        .status_code
        == 404
    )


def test_the_excel_list_is_added_on_the_page_or_refused_by_row(world: World, client_as: ClientAs) -> None:
    import io

    import openpyxl

    member = client_as(world.member)
    dossier = _drafted(world, member)
    ngan = _person(world)
    template = member.get(reverse("web:dossier_lines_template", args=[dossier.pk])).content
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book["Danh sách đề nghị"]
    sheet["C5"], sheet["E5"] = "Trương Thị Ngân", "Bằng khen tỉnh"
    sheet["C6"], sheet["E6"] = "Không Có Ai", "Bằng khen tỉnh"
    out = io.BytesIO()
    book.save(out)
    bad = member.post(
        reverse("web:dossier", args=[dossier.pk]),
        {"what": "xlsx", "file": SimpleUploadedFile("ds.xlsx", out.getvalue())},
    )
    assert bad.status_code == 400 and "Dòng 6, cột C (Họ và tên)" in bad.content.decode()
    assert not DossierLine.objects.exists()
    sheet["C6"], sheet["E6"] = None, None
    out = io.BytesIO()
    book.save(out)
    good = member.post(
        reverse("web:dossier", args=[dossier.pk]),
        {"what": "xlsx", "file": SimpleUploadedFile("ds.xlsx", out.getvalue())},
    )
    assert good.status_code == 302
    assert DossierLine.objects.get().person == ngan


def test_the_board_corrects_and_revokes_a_decision_on_its_page(world: World, client_as: ClientAs) -> None:
    from tdkt.dossiers.decisions import decision_draft
    from tdkt.dossiers.tests.test_decisions import _approved, _sign

    decision = _sign(world, decision_draft(actor=world.board, dossier=_approved(world)))
    board, member = client_as(world.board), client_as(world.member)
    url = reverse("web:decision", args=[decision.pk])
    assert "Đính chính" in board.get(url).content.decode()
    assert "Hủy bỏ quyết định" not in member.get(url).content.decode()
    assert member.post(url, {"what": "revoke", "revoked_on": "01/06/2026", "reason": "x"}).status_code == 404
    refused = board.post(
        url,
        {
            "what": "correct",
            "version": decision.version,
            "number": "125/QĐ-UBND",
            "signed_on": "02/03/2026",
            "reason": "x",
        },
    )
    assert refused.status_code == 400 and "Không có gì thay đổi" in refused.content.decode()
    done = board.post(
        url, {"what": "revoke", "version": decision.version, "revoked_on": "01/06/2026", "reason": "Khai man"}
    )
    assert done.status_code == 302
    page = client_as(None).get(url).content.decode()
    assert "đã bị hủy bỏ ngày 01/06/2026" in page and "Khai man" in page
