"""End to end in Debian's headless Chromium: a member logs in on a phone and reads the cluster dashboard.

Never downloads a browser: it drives /usr/bin/chromium and skips when that is missing.
Run alone with `pytest -m browser tdkt/web/tests/test_browser_dashboard.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tdkt.core.personas import build_world
from tdkt.web.tests.browser import assert_no_page_scroll, login

SCREENSHOT = Path("/tmp/dashboard-phone.png")
HOME_SCREENSHOT = Path("/tmp/home-phone.png")
UNIT_SCREENSHOT = Path("/tmp/unit-phone.png")

pytestmark = pytest.mark.browser


def test_member_reads_own_figures_on_a_phone(live_server: Any, phone_page: Any) -> None:
    world = build_world()
    page = phone_page

    login(page, live_server, world.member.get_username())
    assert page.url.endswith("/viec-cua-toi/")  # a member lands on what waits for them
    assert page.get_by_text("Huyện Tiên Phước").first.is_visible()
    page.goto(live_server.url + "/")
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
