"""End to end in Debian's headless Chromium: a unit's staff member downloads the Excel template, fills it
in, uploads it and sees the results on the cluster dashboard (issue 2, point 12)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tdkt.core.personas import build_world
from tdkt.movements.models import ReportValue
from tdkt.movements.tests import xlsx_corpus
from tdkt.web.tests.browser import assert_no_page_scroll, login

pytestmark = pytest.mark.browser
SCREENSHOT = Path("/tmp/import-phone.png")


def test_member_uploads_the_filled_template_and_sees_the_results(
    live_server: Any, phone_page: Any, tmp_path: Path
) -> None:
    world = build_world()
    page = phone_page
    login(page, live_server, world.member.get_username())
    page.goto(live_server.url + reverse("web:cluster_year", args=[world.cluster_year.pk]))
    page.get_by_role("link", name="Nhập kết quả từ Excel").click()
    # the dashboard's link carries the period it shows
    page.wait_for_url(live_server.url + reverse("web:import", args=[world.cluster_year.pk]) + "?ky=year_end")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải mẫu tổng kết năm").click()
    template = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(template)
    assert template.suffix == ".xlsx"

    # the member types the year's results the Vietnamese way, as in Excel
    filled = tmp_path / "ket-qua-tien-phuoc.xlsx"
    filled.write_bytes(
        xlsx_corpus.fill(
            template.read_bytes(),
            {("T-TP", "T-THU"): "271.500", ("T-TP", "T-GN"): "91,5%", ("T-TP", "T-NHA"): "512"},
        )
    )
    page.get_by_label("Kỳ báo cáo").select_option("year_end")
    page.get_by_label("Tệp Excel").set_input_files(str(filled))
    page.get_by_role("button", name="Nhập số liệu").click()
    page.get_by_text("Đã nhập").wait_for()
    assert "Huyện Tiên Phước" in page.locator(".messages, .panel").first.inner_text()
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    page.get_by_role("link", name="Xem bảng tổng hợp").click()
    body = page.locator("main").inner_text()
    assert "271.500" in body and "91,5" in body and "512" in body
    assert_no_page_scroll(page)
    stored = dict(
        ReportValue.objects.filter(report=world.member_report).values_list("indicator__code", "value")
    )
    assert (str(stored["T-THU"]), str(stored["T-GN"]), str(stored["T-NHA"])) == (
        "271500.0000",
        "91.5000",
        "512.0000",
    )
