"""The public pages as every persona: status codes, who sees which figures, search, login, static files."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tdkt.core.personas import PASSWORD, World
from tdkt.movements.models import Period
from tdkt.movements.services import Signatory, covenant_sign, report_transition
from tdkt.org.models import LineageEvent, LineageKind, LineageLink, Unit, UnitKind

ClientAs = Callable[[User | None], Client]

WEB_DIR = Path(__file__).resolve().parents[1]
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

MEMBER_REVENUE = "260.000"  # Tiên Phước's year-end draft revenue, formatted the Vietnamese way
MEMBER_PRIOR = "230.000"
MEMBER_CHANGE = "+13,04%"  # (260.000 − 230.000) ÷ 230.000

PERSONAS = ["board", "head", "member", "outsider", "public"]


def _user(world: World, persona: str) -> User | None:
    return None if persona == "public" else getattr(world, persona)


def _dashboard(world: World, client: Client, period: str | None = None) -> str:
    url = reverse("web:cluster_year", args=[world.cluster_year.pk])
    response = client.get(url, {"ky": period} if period else {})
    assert response.status_code == 200
    return response.content.decode()


def _publish(world: World) -> None:
    for action in ("submit", "accept", "lock"):
        report_transition(actor=None, report=world.member_report, action=action)


# --- every page as every persona ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_public_page_opens_for_every_persona(world: World, client_as: ClientAs, persona: str) -> None:
    client = client_as(_user(world, persona))
    urls = [
        reverse("web:home"),
        reverse("web:login"),
        reverse("web:cluster_year", args=[world.cluster_year.pk]),
        reverse("web:cluster_year", args=[world.cluster_year.pk]) + "?ky=mid_year",
        reverse("web:cluster_year", args=[world.other_cluster_year.pk]),
        reverse("web:unit", args=[world.tien_phuoc.pk]),
        reverse("web:unit", args=[world.province.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Hệ thống quản lý Thi đua – Khen thưởng" in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_unknown_ids_are_404_for_every_persona(world: World, client_as: ClientAs, persona: str) -> None:
    client = client_as(_user(world, persona))
    for url in (reverse("web:cluster_year", args=[999_999]), reverse("web:unit", args=[999_999])):
        response = client.get(url)
        assert response.status_code == 404
        assert "Không tìm thấy trang" in response.content.decode()


def test_unknown_period_falls_back_to_year_end(world: World, client_as: ClientAs) -> None:
    html = _dashboard(world, client_as(world.member), period="bogus")
    assert MEMBER_REVENUE in html
    assert 'aria-current="page">Tổng kết năm<' in html


# --- who sees the member's draft -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["member", "board"])
def test_draft_figures_are_visible_to_the_unit_and_the_board(
    world: World, client_as: ClientAs, persona: str
) -> None:
    html = _dashboard(world, client_as(_user(world, persona)))
    assert MEMBER_REVENUE in html
    assert MEMBER_CHANGE in html  # change on the year before
    assert "260.000 ÷ 250.000 × 100 = 104%" in html  # the arithmetic behind the percentage
    assert "Đạt 104%" in html


@pytest.mark.parametrize("persona", ["head", "outsider", "public"])
def test_draft_figures_are_hidden_from_everyone_else(world: World, client_as: ClientAs, persona: str) -> None:
    html = _dashboard(world, client_as(_user(world, persona)))
    assert "Huyện Tiên Phước" in html
    for leaked in (MEMBER_REVENUE, MEMBER_PRIOR, MEMBER_CHANGE, "104%", "260000", "260,000"):
        assert leaked not in html, leaked
    assert "chưa có số liệu" in html
    assert (
        "Đang soạn" not in html.split('class="status-summary"', 1)[1].split("<table", 1)[1]
    )  # not even the status


def test_head_sees_the_figures_once_submitted_but_the_public_does_not(
    world: World, client_as: ClientAs
) -> None:
    report_transition(actor=None, report=world.member_report, action="submit")
    assert MEMBER_REVENUE in _dashboard(world, client_as(world.head))
    assert MEMBER_REVENUE not in _dashboard(world, client_as(None))
    assert MEMBER_REVENUE not in _dashboard(world, client_as(world.outsider))


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_sees_the_figures_once_the_report_is_locked(
    world: World, client_as: ClientAs, persona: str
) -> None:
    _publish(world)
    html = _dashboard(world, client_as(_user(world, persona)))
    assert MEMBER_REVENUE in html
    assert "Đã khóa" in html


def test_mid_year_has_no_reports_yet(world: World, client_as: ClientAs) -> None:
    html = _dashboard(world, client_as(world.board), period=Period.MID_YEAR)
    assert MEMBER_REVENUE not in html
    assert 'aria-current="page">Sơ kết 6 tháng<' in html
    assert "chưa có số liệu" in html


def test_status_summary_counts_reports(world: World, client_as: ClientAs) -> None:
    html = _dashboard(world, client_as(None))
    summary = html.split('class="status-summary"', 1)[1].split("</ul>", 1)[0]
    counts = dict(re.findall(r">([^<>]+)</span> <strong>(\d+)</strong>", summary))
    assert counts == {
        "Đang soạn": "0",  # the public may not even learn that a draft exists
        "Đã gửi": "0",
        "Bị trả lại": "0",
        "Đã tiếp nhận": "0",
        "Đã khóa": "0",
        "Chưa có số liệu": "3",
    }


# --- dashboard: targets, covenant, roles, links ---------------------------------------------------------


def test_targets_are_hidden_from_the_public_until_the_covenant_is_signed(
    world: World, client_as: ClientAs
) -> None:
    html = _dashboard(world, client_as(None))
    assert "Chưa ký giao ước" in html
    assert "250.000" not in html
    assert "Chỉ tiêu: chưa công bố" in html

    covenant_sign(
        actor=None,
        cluster_year=world.cluster_year,
        signed_on=dt.date(2024, 2, 20),
        place="Huyện Phước Sơn",
        signatories=[
            Signatory(world.phuoc_son, "Nguyễn Văn A", "Chủ tịch UBND huyện"),
            Signatory(world.tien_phuoc, "Trần Văn B", "Chủ tịch UBND huyện"),
            Signatory(world.nam_giang, "Lê Thị C", "Phó Chủ tịch UBND huyện"),
        ],
    )
    html = _dashboard(world, client_as(None))
    assert "Chưa ký giao ước" not in html
    assert "20/02/2024" in html
    assert "Trần Văn B" in html
    assert "250.000" in html  # the target is public now
    assert MEMBER_REVENUE not in html  # the draft result still is not


def test_dashboard_shows_head_deputy_and_role_badges(world: World, client_as: ClientAs) -> None:
    html = _dashboard(world, client_as(None))
    assert "Trưởng cụm" in html and "Huyện Phước Sơn" in html
    assert "Phó Trưởng cụm" in html and "Huyện Nam Giang" in html
    assert 'class="badge badge--head"' in html
    assert 'class="badge badge--draft"' in html
    assert reverse("web:unit", args=[world.tien_phuoc.pk]) in html


def test_illustrative_figures_are_marked(world: World, client_as: ClientAs) -> None:
    world.member_report.values.filter(indicator=world.revenue).update(illustrative=True)
    html = _dashboard(world, client_as(world.member))
    assert 'class="illustrative"' in html.split("<tbody>", 1)[1]


def test_board_gets_report_and_import_links(world: World, client_as: ClientAs) -> None:
    html = _dashboard(world, client_as(world.board))
    assert reverse("web:report", args=[world.member_report.pk]) in html
    assert reverse("web:import", args=[world.cluster_year.pk]) in html


def test_head_gets_import_link_but_no_link_to_a_draft_report(world: World, client_as: ClientAs) -> None:
    html = _dashboard(world, client_as(world.head))
    assert reverse("web:import", args=[world.cluster_year.pk]) in html
    assert reverse("web:report", args=[world.member_report.pk]) not in html
    # the head's own unit has no report yet: a button to open one
    assert reverse("web:report_open", args=[world.cluster_year.pk, world.phuoc_son.pk, "year_end"]) in html


def test_member_gets_links_to_own_report_targets_and_import(world: World, client_as: ClientAs) -> None:
    html = _dashboard(world, client_as(world.member))
    assert reverse("web:report", args=[world.member_report.pk]) in html
    assert reverse("web:targets", args=[world.cluster_year.pk, world.tien_phuoc.pk]) in html
    assert reverse("web:import", args=[world.cluster_year.pk]) in html
    assert reverse("web:targets", args=[world.cluster_year.pk, world.phuoc_son.pk]) not in html


def test_member_without_a_mid_year_report_gets_a_post_button_to_open_it(
    world: World, client_as: ClientAs
) -> None:
    html = _dashboard(world, client_as(world.member), period=Period.MID_YEAR)
    action = reverse("web:report_open", args=[world.cluster_year.pk, world.tien_phuoc.pk, "mid_year"])
    assert f'<form method="post" action="{action}"' in html


@pytest.mark.parametrize("persona", ["outsider", "public"])
def test_outsiders_and_public_get_no_work_links(world: World, client_as: ClientAs, persona: str) -> None:
    html = _dashboard(world, client_as(_user(world, persona)))
    assert reverse("web:import", args=[world.cluster_year.pk]) not in html
    assert "/bao-cao/" not in html
    assert "/chi-tieu/" not in html


# --- unit page ----------------------------------------------------------------------------------------


def test_unit_page_shows_kind_parents_validity_and_clusters(world: World, client_as: ClientAs) -> None:
    html = client_as(None).get(reverse("web:unit", args=[world.phuoc_son.pk])).content.decode()
    assert "Huyện Phước Sơn" in html
    assert "Huyện" in html
    assert "Tỉnh Quảng Nam" in html
    assert "01/01/2020" in html
    assert reverse("web:cluster_year", args=[world.cluster_year.pk]) in html
    assert "Trưởng cụm" in html


def test_unit_page_shows_lineage_both_ways(world: World, client_as: ClientAs) -> None:
    merged = Unit.objects.create(
        code="T-PS-NEW", name="Xã Phước Sơn Mới", kind=UnitKind.COMMUNE, valid_from=dt.date(2025, 7, 1)
    )
    event = LineageEvent.objects.create(
        kind=LineageKind.MERGE, effective_date=dt.date(2025, 7, 1), legal_basis="Nghị quyết 1234/NQ-UBTVQH15"
    )
    LineageLink.objects.create(event=event, predecessor=world.phuoc_son, successor=merged)

    old = client_as(None).get(reverse("web:unit", args=[world.phuoc_son.pk])).content.decode()
    assert "Đã sáp nhập/đổi tên thành" in old
    assert reverse("web:unit", args=[merged.pk]) in old
    assert "Nghị quyết 1234/NQ-UBTVQH15" in old
    assert "01/07/2025" in old

    new = client_as(None).get(reverse("web:unit", args=[merged.pk])).content.decode()
    assert "Hình thành từ" in new
    assert reverse("web:unit", args=[world.phuoc_son.pk]) in new
    assert "Hợp nhất, sáp nhập" in new


@pytest.mark.parametrize(
    ("persona", "sees_draft"),
    [("member", True), ("board", True), ("head", False), ("outsider", False), ("public", False)],
)
def test_unit_page_lists_only_the_reports_the_viewer_may_see(
    world: World, client_as: ClientAs, persona: str, sees_draft: bool
) -> None:
    html = (
        client_as(_user(world, persona)).get(reverse("web:unit", args=[world.tien_phuoc.pk])).content.decode()
    )
    assert (reverse("web:report", args=[world.member_report.pk]) in html) is sees_draft
    assert ("badge--draft" in html) is sees_draft


def test_unit_page_lists_a_locked_report_for_the_public(world: World, client_as: ClientAs) -> None:
    _publish(world)
    html = client_as(None).get(reverse("web:unit", args=[world.tien_phuoc.pk])).content.decode()
    assert reverse("web:report", args=[world.member_report.pk]) in html
    assert "badge--locked" in html


# --- home and search ----------------------------------------------------------------------------------


def test_home_lists_cluster_years_with_head_deputy_and_member_count(
    world: World, client_as: ClientAs
) -> None:
    html = client_as(None).get(reverse("web:home")).content.decode()
    assert "Cụm thi đua miền núi (thử nghiệm)" in html
    assert "Cụm thi đua đồng bằng (thử nghiệm)" in html
    assert reverse("web:cluster_year", args=[world.cluster_year.pk]) in html
    assert "Tỉnh Quảng Nam" in html
    assert "3 đơn vị" in html and "1 đơn vị" in html
    assert "Huyện Phước Sơn" in html and "Huyện Nam Giang" in html


@pytest.mark.parametrize("query", ["phuoc son", "PHUOC SON", "Phước Sơn", "  son   phuoc ", "t-ps"])
def test_unit_search_folds_diacritics(world: World, client_as: ClientAs, query: str) -> None:
    html = client_as(None).get(reverse("web:home"), {"q": query}).content.decode()
    assert reverse("web:unit", args=[world.phuoc_son.pk]) in html
    assert reverse("web:unit", args=[world.tien_phuoc.pk]) not in html


def test_unit_search_finds_d_with_stroke(world: World, client_as: ClientAs) -> None:
    html = client_as(None).get(reverse("web:home"), {"q": "dien ban"}).content.decode()
    assert reverse("web:unit", args=[world.dien_ban.pk]) in html


def test_unit_search_via_htmx_returns_only_the_results_fragment(world: World, client_as: ClientAs) -> None:
    response = client_as(None).get(reverse("web:home"), {"q": "tien phuoc"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert reverse("web:unit", args=[world.tien_phuoc.pk]) in html
    assert "HX-Request" in response["Vary"]


def test_unit_search_says_when_nothing_is_found(world: World, client_as: ClientAs) -> None:
    html = client_as(None).get(reverse("web:home"), {"q": "khong co dau"}).content.decode()
    assert "Không tìm thấy đơn vị nào" in html


# --- login and logout ---------------------------------------------------------------------------------


def test_login_page_has_vietnamese_labels(db: None, client_as: ClientAs) -> None:
    html = client_as(None).get(reverse("web:login")).content.decode()
    assert "Tên đăng nhập" in html and "Mật khẩu" in html
    assert 'for="id_username"' in html and 'for="id_password"' in html


def test_login_with_a_bad_password_shows_a_vietnamese_error(world: World, client_as: ClientAs) -> None:
    client = client_as(None)
    response = client.post(reverse("web:login"), {"username": "t-member", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_with_empty_fields_asks_for_them_in_vietnamese(db: None, client_as: ClientAs) -> None:
    html = client_as(None).post(reverse("web:login"), {}).content.decode()
    assert "Vui lòng nhập tên đăng nhập." in html
    assert "Vui lòng nhập mật khẩu." in html


def test_login_then_shows_name_and_unit_then_logout_by_post(world: World, client_as: ClientAs) -> None:
    client = client_as(None)
    response = client.post(reverse("web:login"), {"username": "t-member", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("web:my_work")
    html = client.get(reverse("web:home")).content.decode()
    assert "Lê Văn Minh" in html
    assert "Huyện Tiên Phước" in html
    assert "Đăng nhập thành công." in html
    assert "Đăng xuất" in html

    assert client.get(reverse("web:logout")).status_code == 405  # logout is POST only
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert "Bạn đã đăng xuất." in client.get(reverse("web:home")).content.decode()


def test_login_follows_a_safe_next_but_not_an_external_one(world: World, client_as: ClientAs) -> None:
    target = reverse("web:cluster_year", args=[world.cluster_year.pk])
    credentials = {"username": "t-member", "password": PASSWORD}
    response = client_as(None).post(reverse("web:login"), {**credentials, "next": target})
    assert response["Location"] == target
    response = client_as(None).post(reverse("web:login"), {**credentials, "next": "https://evil.example/"})
    assert response["Location"] == reverse("web:my_work")


def test_board_nav_shows_the_board_role(world: World, client_as: ClientAs) -> None:
    html = client_as(world.board).get(reverse("web:home")).content.decode()
    assert "Nguyễn Văn Bảng" in html
    assert "Ban Thi đua – Khen thưởng tỉnh" in html


# --- layout and static files --------------------------------------------------------------------------


def test_static_files_referenced_by_base_exist() -> None:
    base = (TEMPLATES_DIR / "web" / "base.html").read_text(encoding="utf-8")
    referenced = re.findall(r"{%\s*static\s+'([^']+)'\s*%}", base)
    assert "web/app.css" in referenced and "web/htmx.min.js" in referenced and "web/favicon.svg" in referenced
    for name in referenced:
        assert (STATIC_DIR / name).is_file(), name


def test_the_favicon_is_served_by_the_app(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("web/favicon.svg")


def test_no_template_or_stylesheet_reaches_the_internet() -> None:
    files = [*TEMPLATES_DIR.rglob("*.html"), *STATIC_DIR.rglob("*.css")]
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://", text), path


def test_base_provides_htmx_csrf_header_and_messages(world: World, client_as: ClientAs) -> None:
    html = client_as(world.member).get(reverse("web:home")).content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert '<html lang="vi">' in html
    assert 'name="viewport"' in html


def test_dashboard_lists_the_movements_of_the_cluster_and_its_members(
    world: World, client_as: ClientAs
) -> None:
    import datetime as dt

    from tdkt.movements.services import movement_create

    movement_create(
        actor=None,
        name="Cả nước chung sức xây dựng nông thôn mới",
        launched_by=world.province,
        level="province",
        kind="thematic",
        start_date=dt.date(2021, 1, 1),
        end_date=dt.date(2025, 12, 31),
        clusters=[world.cluster],
    )
    movement_create(
        actor=None,
        name="Phong trào đã kết thúc",
        launched_by=world.province,
        level="province",
        kind="regular",
        start_date=dt.date(2015, 1, 1),
        end_date=dt.date(2020, 12, 31),
        clusters=[world.cluster],
    )
    movement_create(
        actor=None,
        name="Phong trào của huyện",
        launched_by=world.tien_phuoc,
        level="district",
        kind="thematic",
        start_date=dt.date(2024, 1, 1),
        units=[world.tien_phuoc],
    )
    html = _dashboard(world, client_as(None))
    assert "Cả nước chung sức xây dựng nông thôn mới" in html
    assert "Phong trào của huyện" in html
    assert "Phong trào đã kết thúc" not in html
