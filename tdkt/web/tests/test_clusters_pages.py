"""The clusters' set-up pages as personas: the board creates and edits a cluster, opens a year with its
members, sets members, head and deputy and the indicator catalogue; the head's staff or the board choose the
year's indicators and open next year from the dashboard; a unit's staff get 403, the public the login page;
a refusal is the form again with status 400, the service's message, and nothing written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tdkt.clusters.models import Cluster, ClusterMember, ClusterRole, ClusterYear
from tdkt.core.personas import SCORING_CRITERIA, SCORING_RULES, World
from tdkt.movements.models import ClusterIndicator, Indicator, Report
from tdkt.scoring.models import CriteriaSet, SetStatus
from tdkt.scoring.services import criteria_set_adopt, criteria_set_create

ClientAs = Callable[[User | None], Client]


def _state() -> list[Any]:
    return [
        list(m.objects.order_by("pk").values_list())
        for m in (Cluster, ClusterYear, ClusterMember, ClusterRole, Indicator, ClusterIndicator)
    ]


def _board_pages(world: World) -> list[str]:
    cy = world.cluster_year.pk
    return [
        reverse("web:clusters"),
        reverse("web:cluster_new"),
        reverse("web:cluster", args=[world.cluster.pk]),
        reverse("web:cluster_edit", args=[world.cluster.pk]),
        reverse("web:cluster_year_new", args=[world.cluster.pk]),
        reverse("web:cluster_members", args=[cy]),
        reverse("web:cluster_roles", args=[cy]),
        reverse("web:indicators"),
    ]


def test_the_board_sees_every_set_up_page(world: World, client_as: ClientAs) -> None:
    client = client_as(world.board)
    for url in [
        *_board_pages(world),
        reverse("web:cluster_indicators", args=[world.cluster_year.pk]),
        reverse("web:roll_forward", args=[world.cluster_year.pk]),
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["head", "member", "outsider"])
def test_a_units_staff_get_403_on_the_boards_pages_and_nothing_changes(
    world: World, client_as: ClientAs, who: str
) -> None:
    client = client_as(getattr(world, who))
    before = _state()
    for url in _board_pages(world):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "X", "members": "T-PS"}).status_code in (403, 405), url
    assert _state() == before


def test_the_public_is_sent_to_login(world: World, client_as: ClientAs) -> None:
    client = client_as(None)
    for url in [*_board_pages(world), reverse("web:roll_forward", args=[world.cluster_year.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"], url


def test_an_unknown_cluster_or_year_is_404(world: World, client_as: ClientAs) -> None:
    client = client_as(world.board)
    assert client.get(reverse("web:cluster", args=[99999])).status_code == 404
    assert client.get(reverse("web:cluster_members", args=[99999])).status_code == 404


def test_the_board_creates_a_block_then_opens_its_year_with_members(
    world: World, client_as: ClientAs
) -> None:
    client = client_as(world.board)
    response = client.post(
        reverse("web:cluster_new"),
        {
            "code": "T-KSO",
            "name": "Khối các sở",
            "kind": "khoi",
            "organiser": world.province.pk,
            "rotation_policy": "appointed",
            "description": "",
        },
    )
    block = Cluster.objects.get(code="T-KSO")
    assert response.status_code == 302 and response["Location"] == reverse("web:cluster", args=[block.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Khối thi đua" in page and "Trưởng cụm do cấp trên chỉ định" in page
    response = client.post(
        reverse("web:cluster_year_new", args=[block.pk]),
        {"year": "2025", "members": "T-DB Thị xã Điện Bàn\nT-NG\n", "note": ""},
    )
    assert response.status_code == 302
    cy = ClusterYear.objects.get(cluster=block, year=2025)
    assert [m.unit.code for m in cy.members.order_by("position")] == ["T-DB", "T-NG"]


def test_a_year_with_no_members_comes_back_400_and_nothing_is_written(
    world: World, client_as: ClientAs
) -> None:
    before = _state()
    response = client_as(world.board).post(
        reverse("web:cluster_year_new", args=[world.cluster.pk]), {"year": "2025", "members": "", "note": ""}
    )
    assert response.status_code == 400
    assert _state() == before


def test_an_unknown_member_code_is_named_by_its_line(world: World, client_as: ClientAs) -> None:
    response = client_as(world.board).post(
        reverse("web:cluster_members", args=[world.cluster_year.pk]), {"members": "T-PS\nT-XYZ\nT-TP\nT-NG"}
    )
    assert response.status_code == 400
    assert "Dòng 2: không có đơn vị mã “T-XYZ”." in response.content.decode()


def test_dropping_the_head_from_the_members_is_refused_on_the_page(world: World, client_as: ClientAs) -> None:
    before = _state()
    response = client_as(world.board).post(
        reverse("web:cluster_members", args=[world.cluster_year.pk]), {"members": "T-TP\nT-NG"}
    )
    assert response.status_code == 400
    assert "Không thể bỏ “Huyện Phước Sơn”: đang là Trưởng cụm" in response.content.decode()
    assert _state() == before


def test_the_board_edits_a_cluster_rotation_policy(world: World, client_as: ClientAs) -> None:
    response = client_as(world.board).post(
        reverse("web:cluster_edit", args=[world.cluster.pk]),
        {
            "name": world.cluster.name,
            "kind": "cum",
            "organiser": world.province.pk,
            "rotation_policy": "deputy_next",
            "description": "",
        },
    )
    assert response.status_code == 302
    world.cluster.refresh_from_db()
    assert world.cluster.rotation_policy == "deputy_next" and world.cluster.code == "T-CMN"


def _role(unit: int, role: str = "deputy", basis: str = "appointed") -> dict[str, Any]:
    return {
        "role": role,
        "unit": unit,
        "basis": basis,
        "decided_on": "2024-01-15",
        "reference": "QĐ 12/QĐ-UBND",
    }


def test_the_board_appoints_a_deputy_with_basis_and_date(world: World, client_as: ClientAs) -> None:
    client = client_as(world.board)
    response = client.post(
        reverse("web:cluster_roles", args=[world.cluster_year.pk]), _role(world.tien_phuoc.pk)
    )
    assert response.status_code == 302
    role = ClusterRole.objects.get(cluster_year=world.cluster_year, role="deputy")
    assert (role.unit, role.basis, role.decided_on) == (world.tien_phuoc, "appointed", dt.date(2024, 1, 15))
    page = client.get(response["Location"]).content.decode()
    assert "Huyện Tiên Phước" in page and "Chỉ định" in page and "15/01/2024" in page


def test_the_head_as_deputy_is_refused_with_the_services_message(world: World, client_as: ClientAs) -> None:
    before = _state()
    response = client_as(world.board).post(
        reverse("web:cluster_roles", args=[world.cluster_year.pk]), _role(world.phuoc_son.pk)
    )
    assert response.status_code == 400
    assert "đã là Trưởng cụm" in response.content.decode()
    assert _state() == before


def test_a_non_member_is_not_offered_as_head(world: World, client_as: ClientAs) -> None:
    before = _state()
    response = client_as(world.board).post(
        reverse("web:cluster_roles", args=[world.cluster_year.pk]), _role(world.dien_ban.pk, role="head")
    )
    assert response.status_code == 400
    assert _state() == before


def test_the_roles_page_shows_what_the_rotation_gives(world: World, client_as: ClientAs) -> None:
    from tdkt.clusters.services import cluster_year_roll_forward

    world.cluster.rotation_policy = "deputy_next"
    world.cluster.save()
    nxt = cluster_year_roll_forward(actor=None, cluster_year=world.cluster_year)
    ClusterRole.objects.filter(cluster_year=nxt).delete()
    page = client_as(world.board).get(reverse("web:cluster_roles", args=[nxt.pk])).content.decode()
    assert (
        "Trưởng cụm: <strong>Huyện Nam Giang</strong> — Theo quy chế luân phiên: Phó Trưởng cụm năm 2024"
        in page
    )


def test_the_board_adds_an_indicator_to_the_catalogue(world: World, client_as: ClientAs) -> None:
    client = client_as(world.board)
    data = {
        "code": "T-OCOP",
        "name": "Sản phẩm OCOP",
        "measure_unit": "sản phẩm",
        "kind": "count",
        "direction": "higher",
    }
    assert client.post(reverse("web:indicators"), data).status_code == 302
    assert Indicator.objects.get(code="T-OCOP").get_kind_display() == "Số lượng"
    again = client.post(reverse("web:indicators"), data)
    assert again.status_code == 400 and "Mã chỉ tiêu “T-OCOP” đã có" in again.content.decode()


def test_the_heads_staff_choose_the_years_indicators(world: World, client_as: ClientAs) -> None:
    url = reverse("web:cluster_indicators", args=[world.cluster_year.pk])
    response = client_as(world.head).post(url, {"indicators": "T-NHA\nT-THU\nT-GN"})
    assert response.status_code == 302
    assert list(
        world.cluster_year.indicators.order_by("position").values_list("indicator__code", flat=True)
    ) == [
        "T-NHA",
        "T-THU",
        "T-GN",
    ]


def test_dropping_an_indicator_with_targets_comes_back_400(world: World, client_as: ClientAs) -> None:
    before = _state()
    response = client_as(world.board).post(
        reverse("web:cluster_indicators", args=[world.cluster_year.pk]), {"indicators": "T-THU"}
    )
    assert response.status_code == 400
    assert "đã có đơn vị đăng ký chỉ tiêu" in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_a_member_may_not_choose_indicators_or_open_next_year(
    world: World, client_as: ClientAs, who: str
) -> None:
    client = client_as(getattr(world, who))
    before = _state()
    for name in ("web:cluster_indicators", "web:roll_forward"):
        url = reverse(name, args=[world.cluster_year.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"indicators": "T-THU"}).status_code == 403
    assert _state() == before


def test_the_dashboard_offers_next_year_to_managers_only(world: World, client_as: ClientAs) -> None:
    url = reverse("web:cluster_year", args=[world.cluster_year.pk])
    link = reverse("web:roll_forward", args=[world.cluster_year.pk])
    assert link in client_as(world.head).get(url).content.decode()
    assert link in client_as(world.board).get(url).content.decode()
    assert link not in client_as(world.member).get(url).content.decode()
    assert link not in client_as(None).get(url).content.decode()


def test_the_head_previews_then_opens_next_year_and_a_member_reports_on_the_same_indicators(
    world: World, client_as: ClientAs
) -> None:
    cs = criteria_set_create(
        actor=None,
        cluster_year=world.cluster_year,
        criteria=SCORING_CRITERIA,
        rules=SCORING_RULES,
        declared_total=Decimal(30),
    )
    criteria_set_adopt(actor=None, criteria_set=cs, adopted_on=dt.date(2024, 3, 1))
    head = client_as(world.head)
    url = reverse("web:roll_forward", args=[world.cluster_year.pk])
    preview = head.get(url).content.decode()
    assert "Chuyển 3 chỉ tiêu, giữ thứ tự" in preview
    assert "Sao chép phiên bản 1 (đã thông qua) thành dự thảo năm 2025" in preview
    assert "Chờ hội nghị tổng kết bầu" in preview
    assert not ClusterYear.objects.filter(
        cluster=world.cluster, year=2025
    ).exists()  # a preview writes nothing

    response = head.post(url)
    nxt = ClusterYear.objects.get(cluster=world.cluster, year=2025)
    assert response.status_code == 302 and response["Location"] == reverse("web:cluster_year", args=[nxt.pk])
    assert CriteriaSet.objects.get(cluster_year=nxt).status == SetStatus.DRAFT

    member = client_as(world.member)
    opened = member.post(reverse("web:report_open", args=[nxt.pk, world.tien_phuoc.pk, "year_end"]))
    assert opened.status_code == 302
    report = Report.objects.get(cluster_year=nxt, unit=world.tien_phuoc, period="year_end")
    page = member.get(reverse("web:report", args=[report.pk])).content.decode()
    assert "chưa xác định bộ chỉ tiêu" not in page
    assert "Thu ngân sách trên địa bàn" in page and "Số nhà tạm được xóa" in page


def test_opening_a_year_with_no_member_left_comes_back_400(world: World, client_as: ClientAs) -> None:
    world.dien_ban.valid_to = dt.date(2024, 12, 31)
    world.dien_ban.save()
    before = _state()
    response = client_as(world.board).post(reverse("web:roll_forward", args=[world.other_cluster_year.pk]))
    assert response.status_code == 400
    assert "Không thành viên nào còn hiệu lực trong năm 2025" in response.content.decode()
    assert _state() == before


def test_the_home_page_links_the_board_to_the_clusters(world: World, client_as: ClientAs) -> None:
    assert reverse("web:clusters") in client_as(world.board).get(reverse("web:home")).content.decode()
    assert reverse("web:clusters") not in client_as(world.head).get(reverse("web:home")).content.decode()


def _movement(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "name": "Thi đua xây dựng nông thôn mới",
        "slogan": "Cả nước chung sức",
        "launched_by": world.province.pk,
        "level": "province",
        "kind": "thematic",
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",
        "clusters": [world.cluster.pk],
        "units": "T-DB Thị xã Điện Bàn",
        "description": "",
        **changes,
    }


def test_the_board_launches_a_movement_for_a_cluster_and_a_unit(world: World, client_as: ClientAs) -> None:
    from tdkt.movements.models import Movement

    client = client_as(world.board)
    response = client.post(reverse("web:movements_launch"), _movement(world))
    assert response.status_code == 302
    movement = Movement.objects.get(name="Thi đua xây dựng nông thôn mới")
    assert (movement.level, movement.kind, movement.slogan) == ("province", "thematic", "Cả nước chung sức")
    assert list(movement.clusters.all()) == [world.cluster] and list(movement.units.all()) == [world.dien_ban]
    page = client.get(reverse("web:movements_launch")).content.decode()
    assert "Theo chuyên đề" in page and "cấp tỉnh, thành phố" in page


def test_a_movement_ending_before_it_starts_comes_back_400(world: World, client_as: ClientAs) -> None:
    from tdkt.movements.models import Movement

    response = client_as(world.board).post(
        reverse("web:movements_launch"), _movement(world, end_date="2024-12-31")
    )
    assert response.status_code == 400
    assert "Ngày kết thúc trước ngày bắt đầu" in response.content.decode()
    assert not Movement.objects.exists()


def test_only_the_board_launches_movements(world: World, client_as: ClientAs) -> None:
    from tdkt.movements.models import Movement

    assert client_as(world.head).post(reverse("web:movements_launch"), _movement(world)).status_code == 403
    assert client_as(None).get(reverse("web:movements_launch")).status_code == 302
    assert not Movement.objects.exists()
