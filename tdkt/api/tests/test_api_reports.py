"""/api/reports/{id}, its values and transitions, and POST /api/cluster-years/{id}/reports."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tdkt.api.tests.helpers import PERSONAS, publish, send
from tdkt.core.personas import World
from tdkt.movements.models import Report, ReportValue
from tdkt.movements.services import ValueInput, report_transition, report_values_set


def _values(report: Report) -> dict[str, tuple[Decimal, Decimal | None]]:
    return {rv.indicator.code: (rv.value, rv.prior_value) for rv in ReportValue.objects.filter(report=report)}


DRAFT = {"T-THU": (Decimal("260000"), Decimal("230000")), "T-GN": (Decimal("83"), None)}


def _status(report: Report) -> str:
    report.refresh_from_db()
    return report.status


# ---- reading ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["board", "member"])
def test_the_draft_is_readable_by_the_member_and_the_board(
    world: World, as_persona: Callable[[str], Client], persona: str
) -> None:
    response = as_persona(persona).get(f"/api/reports/{world.member_report.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "draft" and body["editable"] is True
    assert body["unit"]["name"] == "Huyện Tiên Phước"
    assert {v["indicator_code"]: v["value"] for v in body["values"]} == {
        "T-GN": "83.0000",
        "T-THU": "260000.0000",
    }


@pytest.mark.parametrize("persona", ["head", "outsider", "public"])
def test_the_draft_is_404_to_the_head_the_outsider_and_the_public(
    world: World, as_persona: Callable[[str], Client], persona: str
) -> None:
    response = as_persona(persona).get(f"/api/reports/{world.member_report.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_locked_report_is_readable_by_everyone(
    world: World, as_persona: Callable[[str], Client], persona: str
) -> None:
    publish(world.member_report)
    body = as_persona(persona).get(f"/api/reports/{world.member_report.pk}").json()
    assert body["status"] == "locked" and body["editable"] is False
    assert {v["indicator_code"]: v["value"] for v in body["values"]}["T-THU"] == "260000.0000"


def test_an_unknown_report_is_404(world: World, client: Client) -> None:
    assert client.get("/api/reports/999999").status_code == 404


# ---- writing values ---------------------------------------------------------------------------------


def _put_values(client: Client, world: World, rows: object) -> Any:
    """PUT rows as a client that read the report first: each row carries its value's version (0: none)."""
    if isinstance(rows, list):
        read = {
            rv.indicator.code: rv.version
            for rv in ReportValue.objects.filter(report=world.member_report).select_related("indicator")
        }
        rows = [
            {"version": read.get(str(row.get("indicator_code")), 0), **row} if isinstance(row, dict) else row
            for row in rows
        ]
    return send(client, "PUT", f"/api/reports/{world.member_report.pk}/values", rows)


def test_member_puts_values_as_decimal_strings_and_vietnamese_numbers_and_they_are_stored_exactly(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    response = _put_values(
        as_persona("member"),
        world,
        [
            {
                "indicator_code": "T-THU",
                "value": "199.121,158",
                "prior_value": "153835.232",
                "note": "Đông Giang",
            },
            {"indicator_code": "T-GN", "value": "89.68"},
            {"indicator_code": "T-NHA", "value": 787},
        ],
    )
    assert response.status_code == 200, response.json()
    assert _values(world.member_report) == {
        "T-THU": (Decimal("199121.158"), Decimal("153835.232")),
        "T-GN": (Decimal("89.68"), None),
        "T-NHA": (Decimal("787"), None),
    }
    body = response.json()
    thu = next(v for v in body["values"] if v["indicator_code"] == "T-THU")
    assert (thu["value"], thu["prior_value"], thu["note"]) == ("199121.1580", "153835.2320", "Đông Giang")


def test_board_puts_values_into_a_members_draft(world: World, as_persona: Callable[[str], Client]) -> None:
    response = _put_values(as_persona("board"), world, [{"indicator_code": "T-NHA", "value": "754"}])
    assert response.status_code == 200
    assert _values(world.member_report)["T-NHA"] == (Decimal("754"), None)


def test_a_bad_value_is_422_naming_the_field_and_row_and_nothing_is_written(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    response = _put_values(
        as_persona("member"),
        world,
        [{"indicator_code": "T-THU", "value": "1"}, {"indicator_code": "T-GN", "value": "tám mươi"}],
    )
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert (problem["row"], problem["field"]) == (2, "value")
    assert "“tám mươi” không phải là số" in problem["message"]
    assert _values(world.member_report) == DRAFT


def test_a_value_the_service_refuses_is_422_naming_the_indicator_and_nothing_is_written(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    response = _put_values(
        as_persona("member"),
        world,
        [{"indicator_code": "T-THU", "value": "1"}, {"indicator_code": "T-NHA", "value": "12,5"}],
    )
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "T-NHA"
    assert problem["message"] == "kết quả số lượng phải là số nguyên không âm"
    assert _values(world.member_report) == DRAFT


def test_an_unknown_indicator_code_is_422_with_its_row(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    response = _put_values(
        as_persona("member"),
        world,
        [{"indicator_code": "T-THU", "value": "1"}, {"indicator_code": "KHONG-CO", "value": "1"}],
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"message": "không có chỉ tiêu mã “KHONG-CO”", "row": 2, "column": None, "field": "indicator_code"}
    ]
    assert _values(world.member_report) == DRAFT


def test_a_body_that_is_not_a_list_is_422(world: World, as_persona: Callable[[str], Client]) -> None:
    response = _put_values(as_persona("member"), world, {"indicator_code": "T-THU", "value": "1"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["message"] == "phải là một danh sách, không phải một đối tượng"


def test_a_body_that_is_not_json_is_400_in_vietnamese(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    response = as_persona("member").put(
        f"/api/reports/{world.member_report.pk}/values",
        data="{không phải json",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Nội dung gửi lên không phải JSON hợp lệ"}


@pytest.mark.parametrize("persona", ["outsider", "head"])
def test_a_value_write_to_a_draft_the_viewer_cannot_see_is_404(
    world: World, as_persona: Callable[[str], Client], persona: str
) -> None:
    response = _put_values(as_persona(persona), world, [{"indicator_code": "T-THU", "value": "1"}])
    assert response.status_code == 404
    assert _values(world.member_report) == DRAFT


def test_head_may_see_a_submitted_report_but_not_write_its_values(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    report_transition(actor=world.member, report=world.member_report, action="submit")
    response = _put_values(as_persona("head"), world, [{"indicator_code": "T-THU", "value": "1"}])
    assert response.status_code == 403
    assert response.json() == {"detail": "Bạn không được nhập số liệu cho “Huyện Tiên Phước”"}
    assert _values(world.member_report) == DRAFT


def test_public_value_write_is_401(world: World, as_persona: Callable[[str], Client]) -> None:
    response = _put_values(as_persona("public"), world, [{"indicator_code": "T-THU", "value": "1"}])
    assert response.status_code == 401
    assert _values(world.member_report) == DRAFT


def test_a_submitted_report_cannot_be_edited_by_its_member(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    report_transition(actor=world.member, report=world.member_report, action="submit")
    response = _put_values(as_persona("member"), world, [{"indicator_code": "T-THU", "value": "1"}])
    assert response.status_code == 422
    assert "Đã gửi" in response.json()["detail"][0]["message"]
    assert _values(world.member_report) == DRAFT


# ---- transitions ------------------------------------------------------------------------------------


def _transition(
    client: Client, world: World, action: str, reason: str = "", *, confirm_incomplete: bool | None = True
) -> Any:
    body: dict[str, Any] = {"action": action, "reason": reason}
    if confirm_incomplete is not None:
        body["confirm_incomplete"] = confirm_incomplete
    return send(client, "POST", f"/api/reports/{world.member_report.pk}/transition", body)


def test_member_submits_its_own_draft(world: World, as_persona: Callable[[str], Client]) -> None:
    response = _transition(as_persona("member"), world, "submit")
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert _status(world.member_report) == "submitted"


@pytest.mark.parametrize("confirm", [None, False])
def test_submitting_a_report_with_missing_values_is_refused_listing_them_unless_confirmed(
    world: World, as_persona: Callable[[str], Client], confirm: bool | None
) -> None:
    # the world's draft has revenue and disbursement, not the houses indicator
    response = _transition(as_persona("member"), world, "submit", confirm_incomplete=confirm)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["message"].startswith("báo cáo còn thiếu số liệu của 1/3 chỉ tiêu")
    assert [d["field"] for d in detail] == ["confirm_incomplete"] * 2
    assert f"({world.houses.code}) chưa có số liệu" in detail[1]["message"]
    assert _status(world.member_report) == "draft"


def test_a_complete_report_is_submitted_without_confirmation(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    report_values_set(actor=None, report=world.member_report, values=[ValueInput(world.houses, Decimal(12))])
    response = _transition(as_persona("member"), world, "submit", confirm_incomplete=None)
    assert response.status_code == 200
    assert _status(world.member_report) == "submitted"


def test_member_may_not_accept_its_own_report(world: World, as_persona: Callable[[str], Client]) -> None:
    report_transition(actor=world.member, report=world.member_report, action="submit")
    response = _transition(as_persona("member"), world, "accept")
    assert response.status_code == 403
    assert "Trưởng cụm" in response.json()["detail"]
    assert _status(world.member_report) == "submitted"


def test_head_returns_a_submitted_report_only_with_a_reason(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    report_transition(actor=world.member, report=world.member_report, action="submit")
    head = as_persona("head")
    refused = _transition(head, world, "return", reason="  ")
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "reason"
    returned = _transition(head, world, "return", reason="Thiếu minh chứng thu ngân sách")
    assert returned.status_code == 200
    assert returned.json()["return_reason"] == "Thiếu minh chứng thu ngân sách"
    assert _status(world.member_report) == "returned"


def test_head_accepts_and_board_locks_and_then_the_public_sees_the_report(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    assert _transition(as_persona("member"), world, "submit").status_code == 200
    assert _transition(as_persona("head"), world, "accept").status_code == 200
    assert _transition(as_persona("board"), world, "lock").status_code == 200
    response = as_persona("public").get(f"/api/reports/{world.member_report.pk}")
    assert response.status_code == 200
    assert response.json()["status"] == "locked"


def test_the_head_cannot_see_let_alone_submit_a_members_draft(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    assert _transition(as_persona("head"), world, "submit").status_code == 404
    assert _status(world.member_report) == "draft"


@pytest.mark.parametrize("action", ["submit", "accept"])
def test_outsider_transition_is_404(world: World, as_persona: Callable[[str], Client], action: str) -> None:
    assert _transition(as_persona("outsider"), world, action).status_code == 404
    assert _status(world.member_report) == "draft"


def test_public_transition_is_401(world: World, as_persona: Callable[[str], Client]) -> None:
    assert _transition(as_persona("public"), world, "submit").status_code == 401


def test_a_transition_from_the_wrong_state_is_422(world: World, as_persona: Callable[[str], Client]) -> None:
    response = _transition(as_persona("board"), world, "lock")
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "message": "không thể khóa báo cáo đang ở trạng thái “Đang soạn”",
            "row": None,
            "column": None,
            "field": "status",
        }
    ]


def test_an_unknown_action_is_422_listing_the_actions(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    response = _transition(as_persona("member"), world, "publish")
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "action"
    assert problem["message"] == "phải là một trong các giá trị: 'submit', 'return', 'accept' hoặc 'lock'"


# ---- opening a report -------------------------------------------------------------------------------


def _open(client: Client, world: World, unit_id: int, period: str = "mid_year") -> Any:
    body = {"unit_id": unit_id, "period": period}
    return send(client, "POST", f"/api/cluster-years/{world.cluster_year.pk}/reports", body)


def test_member_opens_a_mid_year_report_for_its_own_unit(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    response = _open(as_persona("member"), world, world.tien_phuoc.pk)
    assert response.status_code == 200
    body = response.json()
    assert (body["period"], body["status"], body["values"]) == ("mid_year", "draft", [])
    assert Report.objects.filter(unit=world.tien_phuoc, period="mid_year").count() == 1


def test_opening_an_existing_report_returns_it(world: World, as_persona: Callable[[str], Client]) -> None:
    response = _open(as_persona("member"), world, world.tien_phuoc.pk, period="year_end")
    assert response.json()["id"] == world.member_report.pk
    assert Report.objects.filter(unit=world.tien_phuoc).count() == 1


def test_board_opens_a_report_for_any_member(world: World, as_persona: Callable[[str], Client]) -> None:
    response = _open(as_persona("board"), world, world.nam_giang.pk)
    assert response.status_code == 200
    assert response.json()["unit"]["name"] == "Huyện Nam Giang"


def test_head_may_not_open_a_report_for_a_member(world: World, as_persona: Callable[[str], Client]) -> None:
    response = _open(as_persona("head"), world, world.tien_phuoc.pk)
    assert response.status_code == 403
    assert not Report.objects.filter(unit=world.tien_phuoc, period="mid_year").exists()


def test_outsider_opening_a_report_in_the_cluster_is_404(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    response = _open(as_persona("outsider"), world, world.tien_phuoc.pk)
    assert response.status_code == 404
    assert not Report.objects.filter(unit=world.tien_phuoc, period="mid_year").exists()


def test_public_opening_a_report_is_401(world: World, as_persona: Callable[[str], Client]) -> None:
    assert _open(as_persona("public"), world, world.tien_phuoc.pk).status_code == 401


def test_outsider_opening_its_own_unit_in_another_cluster_is_422(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    response = _open(as_persona("outsider"), world, world.dien_ban.pk)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "unit"


def test_an_unknown_period_is_refused_when_opening(world: World, as_persona: Callable[[str], Client]) -> None:
    response = _open(as_persona("member"), world, world.tien_phuoc.pk, period="quarter")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "period"


# ---- CSRF for session clients ------------------------------------------------------------------------


def _strict_client(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_a_session_write_without_a_csrf_token_is_403(world: World) -> None:
    response = _transition(_strict_client(world.member), world, "submit")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert _status(world.member_report) == "draft"


def test_a_session_write_with_the_csrf_token_succeeds(world: World) -> None:
    client = _strict_client(world.member)
    token = "k" * 32
    client.cookies["csrftoken"] = token
    response = client.post(
        f"/api/reports/{world.member_report.pk}/transition",
        data={"action": "submit", "confirm_incomplete": True},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert _status(world.member_report) == "submitted"
