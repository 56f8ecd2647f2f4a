"""End to end in Debian's headless Chromium: the cluster head previews the ranking on a phone and publishes
it; a fresh anonymous visitor then reads the published ranking and its leader.

Never downloads a browser: it drives /usr/bin/chromium and skips when that is missing, unless
TDKT_REQUIRE_BROWSER=1, when it fails instead. Run alone with
`pytest -m browser tdkt/web/tests/test_browser_scoring.py`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tdkt.core.personas import SCORING_CRITERIA, SCORING_RULES, World, build_world
from tdkt.movements.services import ValueInput, report_get_or_create, report_transition, report_values_set
from tdkt.scoring.models import CriteriaSet, ScoringRun
from tdkt.scoring.services import criteria_set_adopt, criteria_set_create, score_set
from tdkt.web.tests.browser import assert_no_page_scroll, login, phone_context

SCREENSHOT = Path("/tmp/ranking-phone.png")
PREVIEW_SCREENSHOT = Path("/tmp/ranking-preview-phone.png")

CRITERIA = SCORING_CRITERIA
RULES = SCORING_RULES

pytestmark = pytest.mark.browser


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
            explanation="Theo minh chứng",
        )
    return cs


def test_head_publishes_on_a_phone_and_the_public_reads_the_ranking(live_server: Any, browser: Any) -> None:
    world = build_world()
    _ready_to_publish(world)
    ranking_url = live_server.url + reverse("web:ranking", args=[world.cluster_year.pk])

    head_context = phone_context(browser)
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

    public_context = phone_context(browser)  # fresh: no cookies, no session
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
