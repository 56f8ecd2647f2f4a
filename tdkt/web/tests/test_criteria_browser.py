"""End to end in Debian's headless Chromium: the cluster head builds a criteria set in the editor — two
groups, three criteria — filling every field by its label; the method chosen brings its own fields
(htmx), a bad value is named as it is typed, and the draft is adopted.

Skips without /usr/bin/chromium unless TDKT_REQUIRE_BROWSER=1. Run alone with
`pytest -m browser tdkt/web/tests/test_criteria_browser.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tdkt.core.personas import SCORING_CRITERIA, build_world
from tdkt.scoring.models import CriteriaSet, SetStatus
from tdkt.scoring.selectors import criteria_tree
from tdkt.web.tests.browser import login

pytestmark = pytest.mark.browser
FORM_SCREENSHOT = Path("/tmp/criteria-form.png")
EDITOR_SCREENSHOT = Path("/tmp/criteria-editor.png")


def _add(
    page: Any, link: str, fields: dict[str, str], method: str = "", selects: dict[str, str] | None = None
) -> None:
    page.get_by_role("link", name=link, exact=True).click()
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    if method:
        page.get_by_label("Phương pháp chấm", exact=True).select_option(label=method)
    for label, option in (selects or {}).items():
        page.get_by_label(label, exact=True).select_option(label=option)
    page.get_by_text("Các trường đều hợp lệ.").wait_for()
    page.get_by_role("button", name="Thêm", exact=True).click()
    page.get_by_role("heading", name="Cây tiêu chí").wait_for()


def test_the_head_builds_two_groups_and_three_criteria_in_the_editor_and_adopts_them(
    live_server: Any, browser: Any
) -> None:
    world = build_world()
    context = browser.new_context()
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        login(page, live_server, world.head.get_username())
        page.goto(live_server.url + reverse("web:criteria", args=[world.cluster_year.pk]))
        page.get_by_label("Tổng điểm tối đa khai báo").fill("30")
        page.get_by_role("button", name="Tạo dự thảo").click()
        page.get_by_role("heading", name="Cây tiêu chí").wait_for()

        _add(page, "Thêm nhóm", {"Mã": "I", "Tên": "Kinh tế", "Điểm tối đa": "20"})
        _add(page, "Thêm nhóm", {"Mã": "II", "Tên": "Thi đua", "Điểm tối đa": "10"})

        # I.1: the ratio's own fields come with the method; a bad cap is named as it is typed
        page.get_by_role("link", name="Thêm tiêu chí vào nhóm I", exact=True).click()
        page.get_by_label("Mã", exact=True).fill("I.1")
        page.get_by_label("Tên", exact=True).fill("Giải ngân")
        page.get_by_label("Điểm tối đa", exact=True).fill("10")
        assert page.get_by_label("Mức trần (%)").count() == 0
        page.get_by_label("Phương pháp chấm", exact=True).select_option(label="Tỷ lệ so với chỉ tiêu")
        page.get_by_label("Chỉ tiêu", exact=True).select_option(label="Tỷ lệ giải ngân vốn đầu tư công")
        page.get_by_label("Mức trần (%)").fill("0")
        page.locator("#err-cap").get_by_text("Phải lớn hơn 0").wait_for()
        page.screenshot(path=str(FORM_SCREENSHOT), full_page=True)
        page.get_by_label("Mức trần (%)").fill("100")
        page.get_by_text("Các trường đều hợp lệ.").wait_for()
        assert page.locator("#err-cap").inner_text().strip() == ""
        page.get_by_role("button", name="Thêm", exact=True).click()
        page.get_by_role("heading", name="Cây tiêu chí").wait_for()

        _add(
            page,
            "Thêm tiêu chí vào nhóm I",
            {"Mã": "I.2", "Tên": "Thu ngân sách", "Điểm tối đa": "10"},
            "Đạt / không đạt chỉ tiêu",
            {"Chỉ tiêu": "Thu ngân sách trên địa bàn"},
        )
        _add(
            page,
            "Thêm tiêu chí vào nhóm II",
            {"Mã": "II.1", "Tên": "Phong trào", "Điểm tối đa": "10"},
            "Chấm điểm (tự chấm, chấm chéo, thẩm định)",
        )
        page.get_by_text("Dự thảo hợp lệ").wait_for()
        page.screenshot(path=str(EDITOR_SCREENSHOT), full_page=True)
        draft = CriteriaSet.objects.get(status=SetStatus.DRAFT)
        assert criteria_tree(draft) == [
            {**g, "kind": "group", "children": [{**c, "kind": "score"} for c in g["children"]]}
            for g in SCORING_CRITERIA
        ]

        page.goto(live_server.url + reverse("web:criteria", args=[world.cluster_year.pk]))
        page.get_by_label("Ngày thông qua phiên bản 1").fill("2024-03-08")
        page.get_by_role("button", name="Thông qua phiên bản 1").click()
        page.get_by_text("Đã thông qua bộ tiêu chí phiên bản 1.").wait_for()
        draft.refresh_from_db()
        assert draft.status == SetStatus.ADOPTED
    finally:
        context.close()
