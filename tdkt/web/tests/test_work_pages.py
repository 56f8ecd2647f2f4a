"""The work pages (a report, targets, Excel import, evidence) as every persona.

Personas (tdkt.core.personas): board; head = staff of Phước Sơn, head of the cluster in 2024;
member = staff of Tiên Phước, whose year-end draft is `world.member_report`; outsider = staff of Điện Bàn,
in another cluster; public = not logged in.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tdkt.core.personas import World
from tdkt.core.vn import format_number
from tdkt.movements.models import Evidence, Indicator, Period, Report, ReportStatus, ReportValue, Target
from tdkt.movements.services import Signatory, covenant_sign, evidence_attach, report_transition

ClientAs = Callable[[User | None], Client]
PERSONAS = ["board", "head", "member", "outsider", "public"]
PDF = b"%PDF-1.4\n% bien ban hop cum thi dua\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _user(world: World, persona: str) -> User | None:
    return None if persona == "public" else getattr(world, persona)


def _report_url(report: Report) -> str:
    return reverse("web:report", args=[report.pk])


def _values(report: Report) -> dict[str, tuple[Decimal, Decimal | None]]:
    return {rv.indicator.code: (rv.value, rv.prior_value) for rv in report.values.select_related("indicator")}


def _values_post(world: World, report: Report, typed: dict[Indicator, str]) -> dict[str, str]:
    """The values form as a browser posts it: stored values kept as shown, `typed` ones replaced."""
    data = {"action": "values"}
    stored = {rv.indicator_id: rv for rv in report.values.all()}
    for ind in (world.revenue, world.disbursement, world.houses):
        rv = stored.get(ind.pk)
        data[f"ct{ind.pk}-value"] = typed.get(ind, format_number(rv.value) if rv else "")
        data[f"ct{ind.pk}-prior_value"] = (
            format_number(rv.prior_value) if rv and rv.prior_value is not None else ""
        )
        data[f"ct{ind.pk}-note"] = rv.note if rv else ""
        data[f"ct{ind.pk}-version"] = str(rv.version if rv else 0)
    return data


def _submit(world: World) -> None:
    report_transition(actor=None, report=world.member_report, action="submit")


def _lock(world: World) -> None:
    for action in ("submit", "accept", "lock"):
        report_transition(actor=None, report=world.member_report, action=action)


def _sign_covenant(world: World) -> None:
    covenant_sign(
        actor=None,
        cluster_year=world.cluster_year,
        signed_on=dt.date(2024, 2, 20),
        signatories=[
            Signatory(world.phuoc_son, "Nguyễn Văn A", "Chủ tịch UBND huyện"),
            Signatory(world.tien_phuoc, "Trần Văn B", "Chủ tịch UBND huyện"),
            Signatory(world.nam_giang, "Lê Thị C", "Chủ tịch UBND huyện"),
        ],
    )


def _attach_pdf(world: World, name: str = "bien-ban.pdf") -> Evidence:
    return evidence_attach(actor=None, report=world.member_report, filename=name, data=PDF)


def _is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and reverse("web:login") in response["Location"]


# --- the report page: who sees it ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("board", 200), ("member", 200), ("head", 404), ("outsider", 404), ("public", 404)],
)
def test_a_draft_is_seen_by_its_unit_and_the_board_only(
    world: World, client_as: ClientAs, persona: str, status: int
) -> None:
    response = client_as(_user(world, persona)).get(_report_url(world.member_report))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("board", 200), ("member", 200), ("head", 200), ("outsider", 404), ("public", 404)],
)
def test_a_submitted_report_is_seen_by_the_head_but_not_by_other_clusters_or_the_public(
    world: World, client_as: ClientAs, persona: str, status: int
) -> None:
    _submit(world)
    response = client_as(_user(world, persona)).get(_report_url(world.member_report))
    assert response.status_code == status


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_locked_report_is_public_and_has_no_forms(world: World, client_as: ClientAs, persona: str) -> None:
    _lock(world)
    response = client_as(_user(world, persona)).get(_report_url(world.member_report))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đã khóa" in html and "260.000" in html
    assert 'name="action" value="values"' not in html
    assert 'value="evidence"' not in html


def test_unknown_report_is_404(world: World, client_as: ClientAs) -> None:
    assert client_as(world.board).get(reverse("web:report", args=[999_999])).status_code == 404


def test_member_sees_values_targets_and_percent_with_its_explanation(
    world: World, client_as: ClientAs
) -> None:
    html = client_as(world.member).get(_report_url(world.member_report)).content.decode()
    assert "Thu ngân sách trên địa bàn" in html and "triệu đồng" in html
    assert "260.000" in html and "230.000" in html  # value and prior value
    assert "Dự toán, kế hoạch tỉnh giao" in html and "250.000" in html  # the province's target
    assert "104%" in html  # 260.000 ÷ 250.000
    assert "260.000 ÷ 250.000 × 100 = 104%" in html
    assert "Đang soạn" in html


def test_member_sees_edit_form_and_submit_button_but_no_review_buttons(
    world: World, client_as: ClientAs
) -> None:
    html = client_as(world.member).get(_report_url(world.member_report)).content.decode()
    assert 'value="values"' in html and "Lưu số liệu" in html
    assert ">Gửi báo cáo</button>" in html
    assert "Tiếp nhận" not in html and "Lý do trả lại" not in html
    assert f'name="ct{world.revenue.pk}-value"' in html and 'value="260.000"' in html


def test_head_sees_review_buttons_on_a_submitted_report_but_no_edit_form(
    world: World, client_as: ClientAs
) -> None:
    _submit(world)
    html = client_as(world.head).get(_report_url(world.member_report)).content.decode()
    assert "Tiếp nhận" in html and "Lý do trả lại" in html
    assert 'value="values"' not in html and ">Gửi báo cáo</button>" not in html


# --- entering values -----------------------------------------------------------------------------------


def test_member_edits_draft_values_typed_the_vietnamese_way(world: World, client_as: ClientAs) -> None:
    report = world.member_report
    data = _values_post(
        world, report, {world.revenue: "199.121,158", world.disbursement: "54,9", world.houses: "1.234"}
    )
    data[f"ct{world.revenue.pk}-prior_value"] = "153.835,232"
    data[f"ct{world.houses.pk}-note"] = "Số liệu của Ban Chỉ đạo huyện"
    client = client_as(world.member)
    response = client.post(_report_url(report), data)
    assert response.status_code == 302
    values = _values(report)
    assert values["T-THU"] == (Decimal("199121.158"), Decimal("153835.232"))
    assert values["T-GN"][0] == Decimal("54.9")
    assert values["T-NHA"] == (Decimal(1234), None)
    assert (
        ReportValue.objects.get(report=report, indicator=world.houses).note == "Số liệu của Ban Chỉ đạo huyện"
    )
    assert "Đã lưu 3 số liệu." in client.get(_report_url(report)).content.decode()


def test_a_percent_sign_is_accepted_for_a_percentage_indicator(world: World, client_as: ClientAs) -> None:
    data = _values_post(world, world.member_report, {world.disbursement: "54,9%"})
    assert client_as(world.member).post(_report_url(world.member_report), data).status_code == 302
    assert _values(world.member_report)["T-GN"][0] == Decimal("54.9")


@pytest.mark.parametrize(
    ("indicator", "typed", "expected"),
    [
        ("revenue", "12abc", "không phải là số"),
        ("revenue", "199,121.158", "viết theo kiểu tiếng Anh"),
        ("revenue", "-5", "không được âm"),
        ("revenue", "10%", "không nhập dấu %"),
        ("houses", "7,5", "số nguyên"),
        ("revenue", "1,23456", "tối đa 4 chữ số"),
    ],
)
def test_a_bad_number_shows_a_vietnamese_error_naming_the_indicator_and_changes_nothing(
    world: World, client_as: ClientAs, indicator: str, typed: str, expected: str
) -> None:
    report = world.member_report
    before = _values(report)
    count = ReportValue.objects.count()
    # a good change on another row must not be written either: all or nothing
    data = _values_post(world, report, {getattr(world, indicator): typed, world.disbursement: "90"})
    response = client_as(world.member).post(_report_url(report), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert expected in html
    assert f"“{getattr(world, indicator).name}”" in html
    assert _values(report) == before and ReportValue.objects.count() == count


def test_a_stored_value_cannot_be_blanked(world: World, client_as: ClientAs) -> None:
    data = _values_post(world, world.member_report, {world.revenue: ""})
    response = client_as(world.member).post(_report_url(world.member_report), data)
    assert response.status_code == 400
    assert "không được để trống" in response.content.decode()
    assert _values(world.member_report)["T-THU"][0] == Decimal(260000)


def test_unchanged_values_write_nothing(world: World, client_as: ClientAs) -> None:
    data = _values_post(world, world.member_report, {})
    response = client_as(world.member).post(_report_url(world.member_report), data, follow=True)
    assert "Không có số liệu nào thay đổi." in response.content.decode()


def test_board_may_edit_a_units_draft(world: World, client_as: ClientAs) -> None:
    data = _values_post(world, world.member_report, {world.houses: "787"})
    assert client_as(world.board).post(_report_url(world.member_report), data).status_code == 302
    assert _values(world.member_report)["T-NHA"][0] == Decimal(787)


def test_head_may_not_edit_a_members_submitted_values(world: World, client_as: ClientAs) -> None:
    _submit(world)
    before = _values(world.member_report)
    data = _values_post(world, world.member_report, {world.houses: "787"})
    response = client_as(world.head).post(_report_url(world.member_report), data)
    assert response.status_code == 403
    assert "Bạn không được nhập số liệu cho “Huyện Tiên Phước”" in response.content.decode()
    assert _values(world.member_report) == before


def test_outsider_posting_to_a_draft_gets_404_and_changes_nothing(world: World, client_as: ClientAs) -> None:
    before = _values(world.member_report)
    data = _values_post(world, world.member_report, {world.houses: "787"})
    assert client_as(world.outsider).post(_report_url(world.member_report), data).status_code == 404
    assert _values(world.member_report) == before


def test_unknown_action_is_a_bad_request(world: World, client_as: ClientAs) -> None:
    response = client_as(world.member).post(_report_url(world.member_report), {"action": "delete"})
    assert response.status_code == 400


# --- the workflow: submit, return, resubmit, accept, lock ----------------------------------------------


def _act(client: Client, report: Report, action: str, **extra: str) -> Any:
    return client.post(_report_url(report), {"action": action, **extra})


def test_the_whole_workflow_from_draft_to_locked(world: World, client_as: ClientAs) -> None:
    report = world.member_report
    member, head = client_as(world.member), client_as(world.head)

    assert _act(member, report, "submit", confirm_incomplete="1").status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == world.member

    refused = _act(head, report, "return", reason="   ")
    assert refused.status_code == 400
    assert "Phải ghi lý do trả lại báo cáo." in refused.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    reason = "Thiếu số liệu nhà tạm được xóa; đề nghị bổ sung."
    assert _act(head, report, "return", reason=reason).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.return_reason == reason

    page = member.get(_report_url(report)).content.decode()
    assert "Bị trả lại" in page and reason in page and "Lưu số liệu" in page
    assert (
        member.post(_report_url(report), _values_post(world, report, {world.houses: "787"})).status_code
        == 302
    )
    assert _act(member, report, "submit").status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    assert _act(head, report, "accept").status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.reviewed_by == world.head
    assert _act(head, report, "lock").status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.LOCKED and report.locked_at is not None

    history = member.get(_report_url(report)).content.decode()
    for label in ("Gửi báo cáo", "Trả lại", "Tiếp nhận", "Khóa"):
        assert label in history
    assert reason in history


def test_a_locked_report_can_no_longer_be_edited(world: World, client_as: ClientAs) -> None:
    _lock(world)
    report = world.member_report
    before = _values(report)
    member = client_as(world.member)
    assert 'value="values"' not in member.get(_report_url(report)).content.decode()
    response = member.post(_report_url(report), _values_post(world, report, {world.revenue: "1"}))
    assert response.status_code == 400
    assert "không sửa được" in response.content.decode()
    assert _values(report) == before


def test_member_cannot_accept_their_own_report(world: World, client_as: ClientAs) -> None:
    _submit(world)
    response = _act(client_as(world.member), world.member_report, "accept")
    assert response.status_code == 403
    assert "Chỉ Trưởng cụm hoặc Ban Thi đua – Khen thưởng" in response.content.decode()
    world.member_report.refresh_from_db()
    assert world.member_report.status == ReportStatus.SUBMITTED


def test_a_draft_cannot_be_locked_and_says_why(world: World, client_as: ClientAs) -> None:
    response = _act(client_as(world.board), world.member_report, "lock")
    assert response.status_code == 400
    assert "không thể khóa báo cáo đang ở trạng thái “Đang soạn”" in response.content.decode()


def test_public_cannot_act_on_a_locked_report(world: World, client_as: ClientAs) -> None:
    _lock(world)
    assert _act(client_as(None), world.member_report, "submit").status_code == 403


# --- opening a report ----------------------------------------------------------------------------------


def _open_url(world: World, unit_pk: int, period: str = Period.MID_YEAR) -> str:
    return reverse("web:report_open", args=[world.cluster_year.pk, unit_pk, period])


def test_member_opens_a_new_report_once(world: World, client_as: ClientAs) -> None:
    client = client_as(world.member)
    first = client.post(_open_url(world, world.tien_phuoc.pk))
    report = Report.objects.get(
        cluster_year=world.cluster_year, unit=world.tien_phuoc, period=Period.MID_YEAR
    )
    assert first.status_code == 302 and first["Location"] == _report_url(report)
    assert client.post(_open_url(world, world.tien_phuoc.pk))["Location"] == _report_url(report)
    assert Report.objects.filter(unit=world.tien_phuoc, period=Period.MID_YEAR).count() == 1


def test_opening_an_existing_report_leads_to_it(world: World, client_as: ClientAs) -> None:
    response = client_as(world.board).post(_open_url(world, world.tien_phuoc.pk, Period.YEAR_END))
    assert response["Location"] == _report_url(world.member_report)


@pytest.mark.parametrize("persona", ["head", "outsider"])
def test_only_the_unit_and_the_board_may_open_a_units_report(
    world: World, client_as: ClientAs, persona: str
) -> None:
    assert client_as(_user(world, persona)).post(_open_url(world, world.tien_phuoc.pk)).status_code == 404
    assert not Report.objects.filter(unit=world.tien_phuoc, period=Period.MID_YEAR).exists()


def test_public_is_sent_to_login_to_open_a_report(world: World, client_as: ClientAs) -> None:
    assert _is_login_redirect(client_as(None).post(_open_url(world, world.tien_phuoc.pk)))


def test_open_refuses_get_an_unknown_period_and_a_unit_outside_the_cluster(
    world: World, client_as: ClientAs
) -> None:
    assert client_as(world.member).get(_open_url(world, world.tien_phuoc.pk)).status_code == 405
    assert client_as(world.member).post(_open_url(world, world.tien_phuoc.pk, "quarterly")).status_code == 404
    assert client_as(world.outsider).post(_open_url(world, world.dien_ban.pk)).status_code == 404


# --- evidence ------------------------------------------------------------------------------------------


def test_member_uploads_evidence_and_downloads_it(world: World, client_as: ClientAs) -> None:
    client = client_as(world.member)
    upload = SimpleUploadedFile("Biên bản họp.pdf", PDF, content_type="application/pdf")
    response = client.post(
        _report_url(world.member_report),
        {
            "action": "evidence",
            "mc-file": upload,
            "mc-indicator": str(world.revenue.pk),
            "mc-description": "Biên bản",
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(report=world.member_report)
    assert evidence.original_name == "Biên bản họp.pdf" and evidence.indicator == world.revenue
    page = client.get(_report_url(world.member_report)).content.decode()
    assert reverse("web:evidence_download", args=[evidence.pk]) in page and "Biên bản họp.pdf" in page
    download = client.get(reverse("web:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp.pdf" in download["Content-Disposition"]


def test_evidence_of_a_disallowed_type_is_refused(world: World, client_as: ClientAs) -> None:
    upload = SimpleUploadedFile("chay-toi.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client_as(world.member).post(
        _report_url(world.member_report), {"action": "evidence", "mc-file": upload}
    )
    assert response.status_code == 400
    assert "loại tệp “.exe” không được nhận" in response.content.decode()
    assert not Evidence.objects.exists()


def test_evidence_cannot_be_added_once_submitted(world: World, client_as: ClientAs) -> None:
    _submit(world)
    upload = SimpleUploadedFile("bo-sung.pdf", PDF)
    response = client_as(world.member).post(
        _report_url(world.member_report), {"action": "evidence", "mc-file": upload}
    )
    assert response.status_code == 400
    assert "không thêm được minh chứng" in response.content.decode()
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("board", 200), ("member", 200), ("head", 404), ("outsider", 404), ("public", 404)],
)
def test_evidence_of_a_draft_is_downloaded_only_by_those_who_see_the_draft(
    world: World, client_as: ClientAs, persona: str, status: int
) -> None:
    evidence = _attach_pdf(world)
    assert (
        client_as(_user(world, persona)).get(reverse("web:evidence_download", args=[evidence.pk])).status_code
        == status
    )


def test_head_downloads_evidence_once_the_report_is_submitted(world: World, client_as: ClientAs) -> None:
    evidence = _attach_pdf(world)
    _submit(world)
    assert client_as(world.head).get(reverse("web:evidence_download", args=[evidence.pk])).status_code == 200
    assert (
        client_as(world.outsider).get(reverse("web:evidence_download", args=[evidence.pk])).status_code == 404
    )


def test_evidence_is_never_served_from_media_url(world: World, client_as: ClientAs) -> None:
    evidence = _attach_pdf(world)
    assert client_as(world.member).get(f"/media/{evidence.file.name}").status_code == 404


def test_missing_evidence_is_404(world: World, client_as: ClientAs) -> None:
    assert client_as(world.board).get(reverse("web:evidence_download", args=[999_999])).status_code == 404


# --- targets -------------------------------------------------------------------------------------------


def _targets_url(world: World, unit_pk: int | None = None) -> str:
    return reverse("web:targets", args=[world.cluster_year.pk, unit_pk or world.tien_phuoc.pk])


def _target(world: World, indicator: Indicator, basis: str) -> Target | None:
    return Target.objects.filter(
        cluster_year=world.cluster_year, unit=world.tien_phuoc, indicator=indicator, basis=basis
    ).first()


def _targets_post(world: World, typed: dict[tuple[Indicator, str], tuple[str, str]]) -> dict[str, str]:
    """The targets form as posted: stored targets kept, `typed` (indicator, basis) cells replaced."""
    data: dict[str, str] = {}
    for ind in (world.revenue, world.disbursement, world.houses):
        for basis in ("province", "council", "registered"):
            stored = _target(world, ind, basis)
            value, reference = (format_number(stored.value), stored.reference) if stored else ("", "")
            value, reference = typed.get((ind, basis), (value, reference))
            data[f"ct{ind.pk}-{basis}-value"] = value
            data[f"ct{ind.pk}-{basis}-reference"] = reference
            data[f"ct{ind.pk}-{basis}-version"] = str(stored.version if stored else 0)
    return data


@pytest.mark.parametrize(
    ("persona", "status"), [("board", 200), ("member", 200), ("head", 200), ("outsider", 404)]
)
def test_targets_before_the_covenant_are_seen_by_the_unit_the_head_and_the_board(
    world: World, client_as: ClientAs, persona: str, status: int
) -> None:
    assert client_as(_user(world, persona)).get(_targets_url(world)).status_code == status


def test_public_is_sent_to_login_for_targets(world: World, client_as: ClientAs) -> None:
    assert _is_login_redirect(client_as(None).get(_targets_url(world)))


def test_targets_of_a_unit_outside_the_cluster_are_404(world: World, client_as: ClientAs) -> None:
    assert client_as(world.board).get(_targets_url(world, world.dien_ban.pk)).status_code == 404


def test_member_registers_targets_before_the_covenant(world: World, client_as: ClientAs) -> None:
    client = client_as(world.member)
    assert "Lưu chỉ tiêu" in client.get(_targets_url(world)).content.decode()
    data = _targets_post(
        world,
        {
            (world.revenue, "council"): ("255.000,5", "Nghị quyết 12/NQ-HĐND"),
            (world.disbursement, "registered"): ("95%", ""),
        },
    )
    response = client.post(_targets_url(world), data)
    assert response.status_code == 302
    council = _target(world, world.revenue, "council")
    assert council is not None and council.value == Decimal("255000.5")
    assert council.reference == "Nghị quyết 12/NQ-HĐND"
    registered = _target(world, world.disbursement, "registered")
    assert registered is not None and registered.value == Decimal(95)
    assert "Đã lưu 2 chỉ tiêu." in client.get(_targets_url(world)).content.decode()


def test_a_bad_target_is_refused_with_the_indicator_named_and_nothing_written(
    world: World, client_as: ClientAs
) -> None:
    count = Target.objects.count()
    data = _targets_post(
        world,
        {(world.revenue, "council"): ("255.000", ""), (world.houses, "registered"): ("năm trăm", "")},
    )
    response = client_as(world.member).post(_targets_url(world), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "“Số nhà tạm được xóa” – chỉ tiêu theo “Đơn vị tự đăng ký”" in html and "không phải là số" in html
    assert Target.objects.count() == count


def test_head_sees_a_members_targets_read_only(world: World, client_as: ClientAs) -> None:
    html = client_as(world.head).get(_targets_url(world)).content.decode()
    assert "250.000" in html and "Lưu chỉ tiêu" not in html
    before = _target(world, world.houses, "registered")
    response = client_as(world.head).post(
        _targets_url(world), _targets_post(world, {(world.houses, "registered"): ("1", "")})
    )
    assert response.status_code == 403
    assert _target(world, world.houses, "registered") == before and before is not None and before.value == 500


def test_targets_are_read_only_after_the_covenant_and_say_why(world: World, client_as: ClientAs) -> None:
    _sign_covenant(world)
    client = client_as(world.member)
    html = client.get(_targets_url(world)).content.decode()
    assert "Giao ước thi đua đã ký ngày 20/02/2024" in html and "không sửa được nữa" in html
    assert "Lưu chỉ tiêu" not in html
    response = client.post(
        _targets_url(world), _targets_post(world, {(world.houses, "registered"): ("900", "")})
    )
    assert response.status_code == 400
    assert "giao ước thi đua đã ký: không thể sửa chỉ tiêu đăng ký" in response.content.decode()
    stored = _target(world, world.houses, "registered")
    assert stored is not None and stored.value == 500


@pytest.mark.parametrize("persona", ["outsider", "board"])
def test_after_the_covenant_targets_are_visible_read_only(
    world: World, client_as: ClientAs, persona: str
) -> None:
    _sign_covenant(world)
    response = client_as(_user(world, persona)).get(_targets_url(world))
    assert response.status_code == 200 and "Lưu chỉ tiêu" not in response.content.decode()


# --- Excel import and template -------------------------------------------------------------------------


def _import_url(world: World) -> str:
    return reverse("web:import", args=[world.cluster_year.pk])


def _template_url(world: World, period: str = Period.YEAR_END) -> str:
    return reverse("web:import_template", args=[world.cluster_year.pk]) + f"?ky={period}"


@pytest.mark.parametrize(
    ("persona", "status"), [("board", 200), ("head", 200), ("member", 200), ("outsider", 404)]
)
def test_import_page_is_for_the_board_the_head_and_members(
    world: World, client_as: ClientAs, persona: str, status: int
) -> None:
    response = client_as(_user(world, persona)).get(_import_url(world))
    assert response.status_code == status
    if status == 200:
        assert _template_url(world) in response.content.decode()


def test_public_is_sent_to_login_for_import_and_template(world: World, client_as: ClientAs) -> None:
    assert _is_login_redirect(client_as(None).get(_import_url(world)))
    assert _is_login_redirect(client_as(None).get(_template_url(world)))


def test_outsider_gets_404_on_the_template(world: World, client_as: ClientAs) -> None:
    assert client_as(world.outsider).get(_template_url(world)).status_code == 404


def _template_text(content: bytes) -> str:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True)["Kết quả"]
    return " ".join(
        str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None
    )


def _template_units(content: bytes) -> set[str]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True)["Kết quả"]
    return {row[1] for row in sheet.iter_rows(min_row=5, values_only=True) if row and row[1]}


def test_member_downloads_a_template_of_their_own_rows(world: World, client_as: ClientAs) -> None:
    response = client_as(world.member).get(_template_url(world))
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == 'attachment; filename="mau-ket-qua-t-cmn-2024-tong-ket-t-tp.xlsx"'
    )
    content = b"".join(response.streaming_content)
    assert _template_units(content) == {"Huyện Tiên Phước"}


def test_head_downloads_a_template_of_their_own_unit_only(world: World, client_as: ClientAs) -> None:
    # the head reviews members' reports once submitted; it does not write (or pre-read) their drafts
    response = client_as(world.head).get(_template_url(world))
    assert response.status_code == 200
    assert "mau-ket-qua-t-cmn-2024-tong-ket-t-ps.xlsx" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert _template_units(content) == {"Huyện Phước Sơn"}
    assert "260.000" not in _template_text(content)  # Tiên Phước's draft stays private


def test_board_downloads_a_template_of_every_member(world: World, client_as: ClientAs) -> None:
    response = client_as(world.board).get(_template_url(world, Period.MID_YEAR))
    assert response.status_code == 200
    assert "mau-ket-qua-t-cmn-2024-so-ket.xlsx" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert _template_units(content) == {"Huyện Phước Sơn", "Huyện Tiên Phước", "Huyện Nam Giang"}


def test_template_of_an_unknown_period_is_404(world: World, client_as: ClientAs) -> None:
    assert client_as(world.member).get(_template_url(world, "quarterly")).status_code == 404


def _filled_template(world: World, unit: Any, typed: dict[tuple[str, str], str]) -> bytes:
    """The year-end template with results typed into it, as a person would in Excel."""
    from openpyxl import load_workbook

    from tdkt.movements.xlsx_rules import COLUMNS, DATA_SHEET, HEADER_ROW
    from tdkt.movements.xlsx_template import results_template

    column = {c.key: i + 1 for i, c in enumerate(COLUMNS)}
    book = load_workbook(
        io.BytesIO(results_template(cluster_year=world.cluster_year, period=Period.YEAR_END, unit=unit))
    )
    sheet = book[DATA_SHEET]
    for row in range(HEADER_ROW + 1, sheet.max_row + 1):
        key = (sheet.cell(row, column["unit_code"]).value, sheet.cell(row, column["indicator_code"]).value)
        if key in typed:
            sheet.cell(row, column["result"]).value = typed[key]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(client: Client, world: World, content: bytes, name: str = "ket-qua.xlsx") -> Any:
    upload = SimpleUploadedFile(name, content)
    return client.post(_import_url(world), {"nhap-period": Period.YEAR_END, "nhap-file": upload})


def _all_values() -> list[tuple[int, int, Decimal, Decimal | None, str]]:
    return list(
        ReportValue.objects.order_by("pk").values_list(
            "report_id", "indicator_id", "value", "prior_value", "note"
        )
    )


def test_board_imports_results_of_several_members(world: World, client_as: ClientAs) -> None:
    client = client_as(world.board)
    content = _filled_template(
        world, None, {("T-TP", "T-NHA"): "787", ("T-NG", "T-THU"): "199.121,158", ("T-NG", "T-GN"): "54,9%"}
    )
    response = _import(client, world, content)
    assert response.status_code == 302
    assert response["Location"] == _import_url(world) + "?ky=year_end&xong=1"
    assert _values(world.member_report)["T-NHA"][0] == Decimal(787)
    nam_giang = Report.objects.get(
        cluster_year=world.cluster_year, unit=world.nam_giang, period=Period.YEAR_END
    )
    assert _values(nam_giang)["T-THU"][0] == Decimal("199121.158") and _values(nam_giang)["T-GN"][
        0
    ] == Decimal("54.9")
    page = client.get(response["Location"]).content.decode()
    assert "Đã nhập 3 số liệu của 2 đơn vị (tổng kết năm)" in page
    assert reverse("web:cluster_year", args=[world.cluster_year.pk]) + "?ky=year_end" in page
    assert "Xem bảng tổng hợp" in page


def test_head_imports_their_own_units_results_but_not_a_members(world: World, client_as: ClientAs) -> None:
    client = client_as(world.head)
    own = _filled_template(world, world.phuoc_son, {("T-PS", "T-THU"): "380.000"})
    assert _import(client, world, own).status_code == 302
    phuoc_son = Report.objects.get(
        cluster_year=world.cluster_year, unit=world.phuoc_son, period=Period.YEAR_END
    )
    assert _values(phuoc_son)["T-THU"][0] == Decimal(380000)
    before = _all_values()
    other = _filled_template(world, None, {("T-NG", "T-NHA"): "100"})
    response = _import(client, world, other)
    assert response.status_code == 400
    assert "bạn chỉ được nhập số liệu của “Huyện Phước Sơn”" in response.content.decode()
    assert _all_values() == before


def test_member_imports_their_own_template(world: World, client_as: ClientAs) -> None:
    content = _filled_template(world, world.tien_phuoc, {("T-TP", "T-NHA"): "1.234"})
    response = _import(client_as(world.member), world, content)
    assert response.status_code == 302
    assert _values(world.member_report)["T-NHA"][0] == Decimal(1234)


def test_a_failed_import_lists_row_column_and_error_and_writes_nothing(
    world: World, client_as: ClientAs
) -> None:
    before, count = _all_values(), ReportValue.objects.count()
    content = _filled_template(world, None, {("T-TP", "T-NHA"): "787", ("T-NG", "T-THU"): "nhiều lắm"})
    response = _import(client_as(world.board), world, content)
    html = response.content.decode()
    assert response.status_code == 400
    assert "chưa ghi số liệu nào" in html
    assert '<th scope="col">Dòng</th>' in html and '<th scope="col">Cột</th>' in html
    assert "nhiều lắm" in html
    assert ReportValue.objects.count() == count and _all_values() == before


def test_a_file_that_is_not_excel_is_refused_and_writes_nothing(world: World, client_as: ClientAs) -> None:
    before = _all_values()
    response = _import(client_as(world.member), world, b"day khong phai tep excel")
    assert response.status_code == 400
    assert "<table>" in response.content.decode()
    assert _all_values() == before


def test_member_importing_another_units_rows_is_refused(world: World, client_as: ClientAs) -> None:
    before = _all_values()
    content = _filled_template(world, None, {("T-NG", "T-NHA"): "100"})
    response = _import(client_as(world.member), world, content)
    assert response.status_code == 400
    assert _all_values() == before
    assert not Report.objects.filter(unit=world.nam_giang).exists()


def test_an_upload_over_the_limit_is_refused_before_it_is_read(
    world: World, client_as: ClientAs, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tdkt.movements import xlsx_import

    def must_not_run(**kwargs: Any) -> None:
        raise AssertionError("the importer must not see an oversized file")

    monkeypatch.setattr(xlsx_import, "MAX_IMPORT_BYTES", 1024)
    monkeypatch.setattr(xlsx_import, "results_import", must_not_run)
    response = _import(client_as(world.head), world, b"x" * 2048)
    assert response.status_code == 400
    assert "vượt giới hạn" in response.content.decode()


def test_an_import_without_a_file_says_so(world: World, client_as: ClientAs) -> None:
    response = client_as(world.head).post(_import_url(world), {"nhap-period": Period.YEAR_END})
    assert response.status_code == 400
    assert "Chưa chọn tệp Excel." in response.content.decode()


def _selected_period(html: str) -> str:
    import re

    select = html[html.index('name="nhap-period"') :]
    match = re.search(r'<option value="(\w+)" selected>', select)
    assert match is not None
    return match.group(1)


def test_the_import_form_starts_on_the_period_asked_for(world: World, client_as: ClientAs) -> None:
    for period in Period.values:
        html = client_as(world.member).get(_import_url(world) + f"?ky={period}").content.decode()
        assert _selected_period(html) == period


def test_the_import_form_starts_on_the_year_end_once_year_end_reports_exist(
    world: World, client_as: ClientAs
) -> None:
    assert Report.objects.filter(cluster_year=world.cluster_year, period=Period.YEAR_END).exists()
    html = client_as(world.member).get(_import_url(world)).content.decode()
    assert _selected_period(html) == Period.YEAR_END


def test_the_import_form_starts_on_the_mid_year_before_any_year_end_report(
    world: World, client_as: ClientAs
) -> None:
    ReportValue.objects.filter(report__period=Period.YEAR_END).delete()
    Report.objects.filter(period=Period.YEAR_END).delete()
    html = client_as(world.member).get(_import_url(world)).content.decode()
    assert _selected_period(html) == Period.MID_YEAR


def test_the_report_page_links_to_the_import_of_its_own_period(world: World, client_as: ClientAs) -> None:
    html = client_as(world.member).get(_report_url(world.member_report)).content.decode()
    assert f"{_import_url(world)}?ky={Period.YEAR_END}" in html


def test_submitting_a_report_with_missing_values_asks_to_confirm_and_lists_them(
    world: World, client_as: ClientAs
) -> None:
    report = world.member_report
    member = client_as(world.member)
    asked = _act(member, report, "submit")
    assert asked.status_code == 400
    html = asked.content.decode()
    assert "Báo cáo chưa gửi: còn 1 chỉ tiêu chưa có số liệu" in html
    assert f"<li>{world.houses.name} " in html
    assert f"<li>{world.revenue.name} " not in html  # filled indicators are not listed
    assert 'name="confirm_incomplete" value="1"' in html
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT

    assert _act(member, report, "submit", confirm_incomplete="1").status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_complete_report_is_submitted_without_asking(world: World, client_as: ClientAs) -> None:
    report = world.member_report
    member = client_as(world.member)
    member.post(_report_url(report), _values_post(world, report, {world.houses: "787"}))
    assert _act(member, report, "submit").status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_an_import_read_with_warnings_is_written_and_shows_them_with_row_and_column(
    world: World, client_as: ClientAs
) -> None:
    client = client_as(world.board)
    response = _import(client, world, _filled_template(world, None, {("T-NG", "T-GN"): "54.9"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đã ghi số liệu; 1 ô cần kiểm tra lại cách đọc" in html
    assert "<td>12</td>" in html and "G (Kết quả)" in html and "đọc là 54,9" in html
    nam_giang = Report.objects.get(
        cluster_year=world.cluster_year, unit=world.nam_giang, period=Period.YEAR_END
    )
    assert _values(nam_giang)["T-GN"][0] == Decimal("54.9")
