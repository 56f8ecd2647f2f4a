"""The board's Government-flag page: the province's cluster leaders, their verdicts, and the 20 % quota with
its rounding stated (COCP_02), on the demo's Quảng Bình 2023 and Quảng Nam 2024."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tdkt.awards.selectors import gov_flag_proposals
from tdkt.awards.services import parameter_override_set
from tdkt.demo import loader
from tdkt.org.models import Unit

URL = reverse("web:awards_gov_flag")


@pytest.fixture
def demo(db: None) -> None:
    loader.load()


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_quang_binh_2023_three_leaders_and_none_within_twenty_percent_rounded_down(demo: None) -> None:
    proposals = gov_flag_proposals(Unit.objects.get(code="QBH"), 2023)
    assert proposals.clusters == 1
    assert [leader.unit.name for leader in proposals.leaders] == [
        "Huyện Lệ Thủy",
        "Huyện Quảng Ninh",
        "Thành phố Đồng Hới",
    ]
    assert all("Suy tôn tại hội nghị ngày 25/01/2024" in leader.basis for leader in proposals.leaders)
    assert proposals.quota.base == 3
    assert proposals.quota.limit == 0  # 20 % × 3 = 0,6, rounded down
    assert "0,60" in proposals.quota.text and "làm tròn xuống" in proposals.quota.text


def test_the_boards_override_of_the_rounding_changes_the_quota(demo: None) -> None:
    board = User.objects.get(username="bantdkt")
    parameter_override_set(
        actor=board,
        rule_id="COCP_02",
        param="rounding",
        value="half_up",
        cycle_from=2023,
        cycle_to=2023,
        reason="Thử làm tròn nửa lên theo hướng dẫn của tỉnh",
    )
    proposals = gov_flag_proposals(Unit.objects.get(code="QBH"), 2023)
    assert proposals.quota.limit == 1
    assert len(proposals.quota.within) == 1


def test_quang_nam_2024_leader_from_the_vote_and_the_published_ranking(demo: None) -> None:
    proposals = gov_flag_proposals(Unit.objects.get(code="QNA"), 2024)
    assert [leader.unit.name for leader in proposals.leaders] == ["Huyện Tiên Phước"]
    basis = proposals.leaders[0].basis
    assert "Xếp hạng 1" in basis and "Suy tôn" in basis


def test_the_page_shows_the_leaders_and_the_stated_quota(demo: None) -> None:
    province = Unit.objects.get(code="QBH")
    response = _client("bantdkt").get(URL, {"scope": province.pk, "cycle": 2023})
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("Huyện Lệ Thủy", "Huyện Quảng Ninh", "Thành phố Đồng Hới"):
        assert name in html
    assert "COCP_02" in html and "làm tròn xuống" in html


def test_the_home_page_links_the_board_to_its_awards_pages(demo: None) -> None:
    html = _client("bantdkt").get(reverse("web:home")).content.decode()
    for name in ("awards_jobs", "awards_gov_flag", "awards_parameters", "awards_import"):
        assert reverse(f"web:{name}") in html
    member = _client("tienphuoc").get(reverse("web:home")).content.decode()
    assert reverse("web:awards_gov_flag") not in member
    assert reverse("web:awards_import") in member


@pytest.mark.parametrize("username", ["tienphuoc", "phuocson", None])
def test_only_the_board_sees_the_page(demo: None, username: str | None) -> None:
    client = _client(username) if username else Client()
    response = client.get(URL, {"scope": Unit.objects.get(code="QBH").pk, "cycle": 2023})
    assert response.status_code == 404


def test_a_bad_year_is_refused_in_vietnamese(demo: None) -> None:
    response = _client("bantdkt").get(URL, {"scope": Unit.objects.get(code="QBH").pk, "cycle": "năm ngoái"})
    assert response.status_code == 400
    assert "Hệ thống quản lý" in response.content.decode()
    assert "Năm 2023" not in response.content.decode()


def test_the_api_gives_the_same_proposals_to_the_board_only(demo: None) -> None:
    province = Unit.objects.get(code="QBH")
    url = f"/api/provinces/{province.pk}/gov-flag"
    body = _client("bantdkt").get(url, {"cycle": 2023}).json()
    assert body["clusters"] == 1
    assert [leader["unit"] for leader in body["leaders"]] == [
        "Huyện Lệ Thủy",
        "Huyện Quảng Ninh",
        "Thành phố Đồng Hới",
    ]
    assert body["quota"]["limit"] == 0 and body["quota"]["rule_id"] == "COCP_02"
    assert not any(leader["within_quota"] for leader in body["leaders"])
    assert _client("tienphuoc").get(url, {"cycle": 2023}).status_code == 404
    assert Client().get(url, {"cycle": 2023}).status_code in (401, 404)
