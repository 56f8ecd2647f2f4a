"""End to end in Debian's headless Chromium: a member logs in on a phone and reads the cluster dashboard.

Never downloads a browser: it drives /usr/bin/chromium and skips when that is missing.
Run alone with `pytest -m browser tdkt/web/tests/test_browser_dashboard.py`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tdkt.core.personas import PASSWORD, build_world

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
PHONE = {"width": 390, "height": 844}
SCREENSHOT = Path("/tmp/dashboard-phone.png")
HOME_SCREENSHOT = Path("/tmp/home-phone.png")
UNIT_SCREENSHOT = Path("/tmp/unit-phone.png")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's Chromium is not installed at /usr/bin/chromium"
    ),
]


@pytest.fixture
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def login(page: Any, live_server: Any, username: str, password: str = PASSWORD) -> None:
    """Log in through the login page, as a person would; reusable by other browser tests."""
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


def test_member_reads_own_figures_on_a_phone(
    live_server: Any, phone_page: Any, _fast_passwords: None
) -> None:
    world = build_world()
    page = phone_page

    login(page, live_server, world.member.get_username())
    assert page.get_by_text("Huyện Tiên Phước").first.is_visible()
    page.get_by_label("Tên hoặc mã đơn vị").fill("tien phuoc")  # live search, diacritics folded
    page.locator("#unit-results").get_by_role("link", name="Huyện Tiên Phước").wait_for()
    assert_no_page_scroll(page)
    page.screenshot(path=str(HOME_SCREENSHOT), full_page=True)

    page.get_by_role(
        "link", name=f"Xem kết quả cụm năm {world.cluster_year.year} – {world.cluster.name}"
    ).click()
    page.wait_for_url(live_server.url + reverse("web:cluster_year", args=[world.cluster_year.pk]))
    assert page.get_by_role("heading", level=1).inner_text().startswith(world.cluster.name)

    own_row = page.locator("tr.is-own")
    assert own_row.count() == 1
    assert "Huyện Tiên Phước" in own_row.inner_text()
    assert "260.000" in own_row.inner_text()
    # the percentage explains itself when tapped
    own_row.get_by_text("Đạt 104%").click()
    assert own_row.get_by_text("260.000 ÷ 250.000 × 100 = 104%").is_visible()
    # the member's year-end report exists: the work panel opens it rather than offering to create one
    assert page.get_by_role("button", name="Lập báo cáo").count() == 0
    assert page.get_by_role("link", name="Mở báo cáo tổng kết năm").is_visible()

    assert_no_page_scroll(page)
    wrapper_scrolls = page.evaluate(
        "(() => { const w = document.querySelector('.table-wrap'); return w.scrollWidth > w.clientWidth; })()"
    )
    assert wrapper_scrolls, "the wide table should scroll inside its wrapper"
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 0

    own_row.get_by_role("link", name="Huyện Tiên Phước").click()
    page.wait_for_url(live_server.url + reverse("web:unit", args=[world.tien_phuoc.pk]))
    assert page.get_by_text("Đơn vị của bạn").is_visible()
    assert_no_page_scroll(page)
    page.screenshot(path=str(UNIT_SCREENSHOT), full_page=True)
