"""End to end in Debian's headless Chromium: the cluster head previews the ranking on a phone and publishes
it; a fresh anonymous visitor then reads the published ranking and its leader.

Never downloads a browser: it drives /usr/bin/chromium and skips when that is missing, unless
TDKT_REQUIRE_BROWSER=1, when it fails instead. Run alone with
`pytest -m browser tdkt/web/tests/test_browser_scoring.py`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tdkt.core.personas import PASSWORD, World, build_world
from tdkt.movements.services import ValueInput, report_get_or_create, report_transition, report_values_set
from tdkt.scoring.models import CriteriaSet, ScoringRun
from tdkt.scoring.services import criteria_set_adopt, criteria_set_create, score_set

# Playwright's sync API runs an event loop in this thread; the test's ORM calls are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
REQUIRE_BROWSER = os.environ.get("TDKT_REQUIRE_BROWSER") == "1"
PHONE = {"width": 390, "height": 844}
SCREENSHOT = Path("/tmp/ranking-phone.png")
PREVIEW_SCREENSHOT = Path("/tmp/ranking-preview-phone.png")

CRITERIA: list[dict[str, Any]] = [
    {
        "code": "I",
        "name": "Kinh tế",
        "max_points": "20",
        "children": [
            {
                "code": "I.1",
                "name": "Giải ngân vốn đầu tư công",
                "max_points": "10",
                "method": {"type": "ratio", "indicator": "T-GN"},
            },
            {
                "code": "I.2",
                "name": "Thu ngân sách",
                "max_points": "10",
                "method": {"type": "achieved", "indicator": "T-THU"},
            },
        ],
    },
    {
        "code": "II",
        "name": "Thi đua",
        "max_points": "10",
        "children": [
            {"code": "II.1", "name": "Phong trào thi đua", "max_points": "10", "method": {"type": "judged"}},
        ],
    },
]
RULES: dict[str, Any] = {
    "final_rule": "appraisal_else_mean",
    "discrepancy_gap": "2",
    "tie_breaks": ["group:I"],
    "leaders": 1,
    "robustness": {"perturbation": "0.10", "draws": 500, "seed": 2024},
}

pytestmark = pytest.mark.browser


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if REQUIRE_BROWSER:
        pytest.fail("TDKT_REQUIRE_BROWSER=1 but Debian's Chromium is not installed at /usr/bin/chromium")
    pytest.skip(
        "Debian's Chromium is not installed at /usr/bin/chromium (set TDKT_REQUIRE_BROWSER=1 to fail instead)"
    )


@pytest.fixture
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def browser() -> Iterator[Any]:
    _require_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if REQUIRE_BROWSER:
            pytest.fail("TDKT_REQUIRE_BROWSER=1 but Playwright is not installed")
        pytest.skip("Playwright is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def _phone(browser: Any) -> Any:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    context.set_default_timeout(20_000)
    return context


def login(page: Any, live_server: Any, username: str, password: str = PASSWORD) -> None:
    """Log in through the login page, as a person would (the pattern of test_browser_dashboard)."""
    page.goto(live_server.url + reverse("web:login"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + reverse("web:home"))
    assert page.get_by_role("button", name="Đăng xuất").is_visible()


def assert_no_page_scroll(page: Any) -> None:
    """Only a table wrapper may scroll sideways at phone width, never the page."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def _ready_to_publish(world: World) -> CriteriaSet:
    """An adopted criteria set, every member's year-end report accepted, a few judged scores."""
    cs = criteria_set_create(
        actor=None,
        cluster_year=world.cluster_year,
        criteria=CRITERIA,
        rules=RULES,
        declared_total=Decimal(30),
    )
    cs = criteria_set_adopt(actor=None, criteria_set=cs, adopted_on=dt.date(2024, 3, 8))
    for unit, value, judged in (
        (world.phuoc_son, "70", "8"),
        (world.tien_phuoc, "95", "9"),
        (world.nam_giang, "60", "7,5"),
    ):
        report = report_get_or_create(
            actor=None, cluster_year=world.cluster_year, unit=unit, period="year_end"
        )
        report_values_set(actor=None, report=report, values=[ValueInput(world.disbursement, Decimal(value))])
        for action in ("submit", "accept"):
            report_transition(actor=None, report=report, action=action)
        score_set(
            actor=None,
            criteria_set=cs,
            unit=unit,
            criterion_code="II.1",
            layer="appraisal",
            points=Decimal(judged.replace(",", ".")),
        )
    return cs


def test_head_publishes_on_a_phone_and_the_public_reads_the_ranking(
    live_server: Any, browser: Any, _fast_passwords: None
) -> None:
    world = build_world()
    _ready_to_publish(world)
    ranking_url = live_server.url + reverse("web:ranking", args=[world.cluster_year.pk])

    head_context = _phone(browser)
    try:
        page = head_context.new_page()
        login(page, live_server, world.head.get_username())
        page.goto(ranking_url)
        assert page.get_by_text("Bản xem trước – chưa công bố").is_visible()
        assert page.locator(".ranking-table tbody tr").count() == 3
        assert_no_page_scroll(page)
        page.screenshot(path=str(PREVIEW_SCREENSHOT), full_page=True)
        page.get_by_role("button", name="Công bố kết quả xếp hạng").click()
        run = ScoringRun.objects.get()
        page.wait_for_url(live_server.url + reverse("web:run", args=[run.pk]))
        assert page.get_by_text("Đã công bố kết quả xếp hạng lần 1").is_visible()
        page.get_by_role("button", name="Kiểm tra lại").click()
        page.locator(".verdict--ok").wait_for()
        assert "ĐÚNG" in page.locator(".verdict").inner_text()
    finally:
        head_context.close()

    public_context = _phone(browser)  # fresh: no cookies, no session
    try:
        page = public_context.new_page()
        page.goto(ranking_url)
        assert page.get_by_role("button", name="Đăng xuất").count() == 0
        assert page.get_by_role("heading", name="Kết quả đã công bố – lần 1").is_visible()
        assert page.get_by_text("Bản xem trước").count() == 0
        leaders = page.locator(".leaders__names")
        assert leaders.inner_text().strip() == "Huyện Tiên Phước"
        first_row = page.locator(".ranking-table tbody tr").first
        assert "Huyện Tiên Phước" in first_row.inner_text() and "Dẫn đầu" in first_row.inner_text()
        assert page.locator(".chart svg").count() == 2
        # the leader's explanation opens on a tap
        details = page.locator("details.unit-explain").first
        details.locator("summary").click()
        assert details.get_by_text(
            "Đạt 95% chỉ tiêu; tính tối đa 100%: 10 × 95 ÷ 100 = 9,5 điểm"
        ).is_visible()
        assert_no_page_scroll(page)
        wrapper_scrolls = page.evaluate(
            "(() => { const w = document.querySelector('.table-wrap'); return w.scrollWidth > w.clientWidth; })()"
        )
        assert wrapper_scrolls, "the wide ranking table should scroll inside its wrapper"
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        assert SCREENSHOT.stat().st_size > 0
    finally:
        public_context.close()
