"""End to end in Debian's headless Chromium, at phone width: a unit's staff member enters a record on a
person's page; htmx submits it in place, a refusal shows the service's message under the field without
leaving the page, and after the write the verdicts reflect it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tdkt.awards.models import Discipline
from tdkt.awards.tests.helpers import make_people
from tdkt.core.personas import build_world
from tdkt.web.tests.browser import assert_no_page_scroll, login

pytestmark = pytest.mark.browser


def test_member_records_a_discipline_in_place_and_the_verdicts_change(
    live_server: Any, phone_page: Any
) -> None:
    world = build_world()
    people = make_people(world)
    page = phone_page
    login(page, live_server, world.member.get_username())
    page.goto(live_server.url + reverse("web:person", args=[people.binh.pk]) + "?nam=2024")
    page.get_by_role("heading", name="Xét danh hiệu, hình thức khen thưởng năm 2024").wait_for()
    assert "Chưa được xét" not in page.locator(".summary-list").inner_text()

    form = page.locator("#form-ky-luat")
    form.locator("summary").click()
    form.get_by_label("Hình thức kỷ luật").select_option("1")
    form.get_by_label("Từ ngày").fill("01/03/2024")
    form.get_by_label("Đến ngày").fill("01/01/2024")  # before the start: the service refuses
    form.get_by_role("button", name="Ghi").click()
    error = page.locator("#form-ky-luat .errorlist")
    error.wait_for()
    assert "Ngày kết thúc kỷ luật trước ngày bắt đầu" in error.inner_text()
    assert page.url.endswith("?nam=2024")  # swapped in place: still the person's page
    assert not Discipline.objects.exists()
    assert_no_page_scroll(page)

    form = page.locator("#form-ky-luat")
    form.get_by_label("Đến ngày").fill("28/02/2025")
    form.get_by_role("button", name="Ghi").click()
    page.get_by_text("Đã ghi kỷ luật khiển trách của Trần Văn Bình.").wait_for()
    assert "Chưa được xét" in page.locator(".summary-list").inner_text()
    assert Discipline.objects.get(person=people.binh).end.isoformat() == "2025-02-28"
    assert_no_page_scroll(page)
