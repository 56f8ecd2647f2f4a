"""GET and PUT /api/cluster-years/{id}/targets."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from tdkt.api.tests.helpers import PERSONAS, send, sign_covenant
from tdkt.core.personas import World
from tdkt.movements.models import Target


def _url(world: World) -> str:
    return f"/api/cluster-years/{world.cluster_year.pk}/targets"


def _stored(world: World, code: str = "T-THU", basis: str = "registered") -> Decimal | None:
    target = Target.objects.filter(
        cluster_year=world.cluster_year, unit=world.tien_phuoc, indicator__code=code, basis=basis
    ).first()
    return None if target is None else target.value


def _version(world: World, basis: str = "registered") -> int:
    """The stored target's version, as a client reads it before writing (0: none yet)."""
    target = Target.objects.filter(
        cluster_year=world.cluster_year, unit=world.tien_phuoc, indicator__code="T-THU", basis=basis
    ).first()
    return 0 if target is None else target.version


def _body(world: World, value: object, **extra: object) -> dict[str, object]:
    version = _version(world, str(extra.get("basis", "registered")))
    return {
        "unit_id": world.tien_phuoc.pk,
        "indicator_code": "T-THU",
        "value": value,
        "version": version,
        **extra,
    }


@pytest.mark.parametrize(
    ("persona", "units"),
    [
        ("board", {"Huyện Phước Sơn", "Huyện Tiên Phước", "Huyện Nam Giang"}),
        ("head", {"Huyện Phước Sơn", "Huyện Tiên Phước", "Huyện Nam Giang"}),
        ("member", {"Huyện Tiên Phước"}),
        ("outsider", set()),
        ("public", set()),
    ],
)
def test_targets_before_the_covenant_are_seen_by_the_unit_the_head_and_the_board(
    world: World, as_persona: Callable[[str], Client], persona: str, units: set[str]
) -> None:
    response = as_persona(persona).get(_url(world))
    assert response.status_code == 200
    assert {t["unit"]["name"] for t in response.json()} == units


@pytest.mark.parametrize("persona", PERSONAS)
def test_targets_after_the_covenant_are_public(
    world: World, as_persona: Callable[[str], Client], persona: str
) -> None:
    sign_covenant(world)
    body = as_persona(persona).get(_url(world)).json()
    assert len(body) == 9
    revenue = next(
        t for t in body if t["unit"]["name"] == "Huyện Tiên Phước" and t["indicator_code"] == "T-THU"
    )
    assert revenue["value"] == "250000.0000"
    assert revenue["basis"] == "province"


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("199121.158", Decimal("199121.158")),
        ("199.121,158", Decimal("199121.158")),
        ("1.234.567", Decimal("1234567")),
        ("0.0001", Decimal("0.0001")),
        (199121, Decimal("199121")),
    ],
)
def test_member_puts_a_target_and_it_is_stored_exactly(
    world: World, as_persona: Callable[[str], Client], sent: object, expected: Decimal
) -> None:
    response = send(as_persona("member"), "PUT", _url(world), _body(world, sent, reference="NQ 12/HĐND"))
    assert response.status_code == 200, response.json()
    assert response.json()["value"] == f"{expected:.4f}"
    assert response.json()["reference"] == "NQ 12/HĐND"
    assert _stored(world) == expected


def test_a_json_number_target_is_read_without_float_rounding(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    raw = (
        f'{{"unit_id": {world.tien_phuoc.pk}, "indicator_code": "T-THU", "value": 12345678901.2345, '
        f'"version": {_version(world)}}}'
    )
    response = as_persona("member").put(_url(world), data=raw, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["value"] == "12345678901.2345"
    assert _stored(world) == Decimal("12345678901.2345")


def test_board_changes_a_province_target(world: World, as_persona: Callable[[str], Client]) -> None:
    response = send(as_persona("board"), "PUT", _url(world), _body(world, "255.000,5", basis="province"))
    assert response.status_code == 200
    assert _stored(world, basis="province") == Decimal("255000.5")
    assert Target.objects.filter(cluster_year=world.cluster_year, unit=world.tien_phuoc).count() == 3


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("abc", "“abc” không phải là số"),
        ("199,121.158", "viết theo kiểu tiếng Anh"),
        ("199.121", "có thể là 199,121 hoặc 199.121"),
        ("1,23456", "tối đa 4 chữ số thập phân"),
        ("1234567890123.4567", "quá 15 chữ số có nghĩa"),
        ("99999999999999999", "số quá lớn"),
        ("", "ô trống"),
        (None, "kiểu dữ liệu không đọc được"),
        (True, "giá trị đúng/sai không phải là số"),
    ],
)
def test_a_bad_target_value_is_422_naming_the_field_and_changes_nothing(
    world: World, as_persona: Callable[[str], Client], sent: object, message: str
) -> None:
    response = send(as_persona("member"), "PUT", _url(world), _body(world, sent))
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "value"
    assert message in problem["message"]
    assert _stored(world) is None


def test_a_negative_amount_is_refused_by_the_service_naming_the_field(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    response = send(as_persona("member"), "PUT", _url(world), _body(world, "-5"))
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"message": "chỉ tiêu không được âm", "row": None, "column": None, "field": "value"}
    ]
    assert _stored(world) is None


def test_an_unknown_indicator_is_422_naming_indicator_code(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    response = send(
        as_persona("member"), "PUT", _url(world), {**_body(world, "1"), "indicator_code": "KHONG"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "indicator_code"


def test_a_missing_field_is_422_in_vietnamese(world: World, as_persona: Callable[[str], Client]) -> None:
    response = send(
        as_persona("member"), "PUT", _url(world), {"unit_id": world.tien_phuoc.pk, "value": "1", "version": 1}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"message": "thiếu giá trị bắt buộc", "row": None, "column": None, "field": "indicator_code"}
    ]


def test_a_target_for_a_unit_outside_the_cluster_is_422(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    body = {**_body(world, "1"), "unit_id": world.dien_ban.pk}
    response = send(as_persona("board"), "PUT", _url(world), body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "unit"


def test_head_sees_a_members_targets_but_may_not_change_them(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    response = send(as_persona("head"), "PUT", _url(world), _body(world, "1"))
    assert response.status_code == 403
    assert "Tiên Phước" in response.json()["detail"]
    assert _stored(world) is None


def test_outsider_target_write_is_404(world: World, as_persona: Callable[[str], Client]) -> None:
    response = send(as_persona("outsider"), "PUT", _url(world), _body(world, "1"))
    assert response.status_code == 404
    assert _stored(world) is None


def test_public_target_write_is_401(world: World, as_persona: Callable[[str], Client]) -> None:
    response = send(as_persona("public"), "PUT", _url(world), _body(world, "1"))
    assert response.status_code == 401
    assert response.json() == {"detail": "Bạn cần đăng nhập để thực hiện thao tác này"}
    assert _stored(world) is None


def test_targets_cannot_change_once_the_covenant_is_signed(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    sign_covenant(world)
    response = send(as_persona("member"), "PUT", _url(world), _body(world, "1"))
    assert response.status_code == 422
    assert "giao ước thi đua đã ký" in response.json()["detail"][0]["message"]
    assert _stored(world) is None


def test_targets_of_an_unknown_cluster_year_are_404(world: World, client: Client) -> None:
    assert client.get("/api/cluster-years/999999/targets").status_code == 404
