"""No lost updates on the pages: two people open the same form, both submit; the second is refused with a
Vietnamese message saying what the first changed, and the first one's values stay.

Each form carries the version of what it showed in a hidden field (a report's values: one per row; targets:
one per cell; a person's ratings: the versions of the years shown; an award's correction: the award's)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tdkt.awards.models import Award, TaskRating
from tdkt.awards.tests.helpers import People, make_people
from tdkt.core.personas import World
from tdkt.core.vn import format_number
from tdkt.movements.models import Report, ReportValue, Target

ClientAs = Callable[[User | None], Client]


@pytest.fixture
def people(world: World) -> People:
    return make_people(world)


def _hidden(html: str, name: str) -> str:
    """The value of the hidden input `name` as the page rendered it."""
    found = re.search(rf'<input type="hidden" name="{re.escape(name)}"(?: value="([^"]*)")?', html)
    assert found is not None, f"no hidden field {name}"
    return found.group(1) or ""


def _refusal(response: object) -> str:
    html = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 400, html  # type: ignore[attr-defined]
    return html


# --- a report's values -------------------------------------------------------------------------------------


def _values_form(world: World, client: Client, report: Report) -> dict[str, str]:
    """The values form as a browser holds it after opening the page: stored values as shown, each row's
    version read from the page."""
    html = client.get(reverse("web:report", args=[report.pk])).content.decode()
    stored = {rv.indicator_id: rv for rv in report.values.all()}
    data = {"action": "values"}
    for ind in (world.revenue, world.disbursement, world.houses):
        rv = stored.get(ind.pk)
        data[f"ct{ind.pk}-value"] = format_number(rv.value) if rv else ""
        data[f"ct{ind.pk}-prior_value"] = (
            format_number(rv.prior_value) if rv and rv.prior_value is not None else ""
        )
        data[f"ct{ind.pk}-note"] = rv.note if rv else ""
        data[f"ct{ind.pk}-version"] = _hidden(html, f"ct{ind.pk}-version")
        for name in ("value", "prior_value", "note", "illustrative"):
            data[f"initial-ct{ind.pk}-{name}"] = _hidden(html, f"initial-ct{ind.pk}-{name}")
    return data


def test_the_second_of_two_value_edits_is_refused_naming_what_changed(
    world: World, client_as: ClientAs
) -> None:
    report = world.member_report
    first, second = client_as(world.member), client_as(world.board)
    form_a, form_b = _values_form(world, first, report), _values_form(world, second, report)
    assert form_a[f"ct{world.revenue.pk}-version"] == "1"

    form_a[f"ct{world.revenue.pk}-value"] = "300.000"
    assert first.post(reverse("web:report", args=[report.pk]), form_a).status_code == 302
    form_b[f"ct{world.revenue.pk}-value"] = "280.000"
    html = _refusal(second.post(reverse("web:report", args=[report.pk]), form_b))

    assert "đã được người khác thay đổi sau khi bạn mở (phiên bản 1 → 2)" in html
    assert "kết quả: 260.000 → 300.000" in html
    stored = ReportValue.objects.get(report=report, indicator=world.revenue)
    assert (stored.value, stored.version) == (Decimal("300000"), 2)


def test_a_value_first_entered_by_someone_else_is_not_overwritten(world: World, client_as: ClientAs) -> None:
    report = world.member_report
    first, second = client_as(world.member), client_as(world.board)
    form_a, form_b = _values_form(world, first, report), _values_form(world, second, report)
    assert form_a[f"ct{world.houses.pk}-version"] == "0"  # no value yet

    form_a[f"ct{world.houses.pk}-value"] = "12"
    assert first.post(reverse("web:report", args=[report.pk]), form_a).status_code == 302
    form_b[f"ct{world.houses.pk}-value"] = "15"
    html = _refusal(second.post(reverse("web:report", args=[report.pk]), form_b))

    assert "(phiên bản 0 → 1)" in html and "kết quả: (trống) → 12" in html
    assert ReportValue.objects.get(report=report, indicator=world.houses).value == 12


def test_edits_of_different_rows_both_go_through(world: World, client_as: ClientAs) -> None:
    report = world.member_report
    first, second = client_as(world.member), client_as(world.board)
    form_a, form_b = _values_form(world, first, report), _values_form(world, second, report)
    form_a[f"ct{world.revenue.pk}-value"] = "300.000"
    form_b[f"ct{world.houses.pk}-value"] = "15"
    assert first.post(reverse("web:report", args=[report.pk]), form_a).status_code == 302
    assert second.post(reverse("web:report", args=[report.pk]), form_b).status_code == 302
    values = {rv.indicator_id: rv.value for rv in report.values.all()}
    assert values[world.revenue.pk] == 300000 and values[world.houses.pk] == 15


def test_a_row_left_as_shown_is_not_written_back_over_someone_elses_change(
    world: World, client_as: ClientAs
) -> None:
    report = world.member_report
    first, second = client_as(world.member), client_as(world.board)
    form_a, form_b = _values_form(world, first, report), _values_form(world, second, report)
    form_a[f"ct{world.revenue.pk}-illustrative"] = "on"
    form_a[f"ct{world.revenue.pk}-note"] = "Số ước tính"
    assert first.post(reverse("web:report", args=[report.pk]), form_a).status_code == 302
    form_b[f"ct{world.disbursement.pk}-value"] = "90"  # the board edits another row only
    assert second.post(reverse("web:report", args=[report.pk]), form_b).status_code == 302
    revenue = ReportValue.objects.get(report=report, indicator=world.revenue)
    assert (revenue.illustrative, revenue.note, revenue.version) == (True, "Số ước tính", 2)
    assert ReportValue.objects.get(report=report, indicator=world.disbursement).value == 90


def test_a_values_post_without_versions_is_refused(world: World, client_as: ClientAs) -> None:
    client = client_as(world.member)
    form = _values_form(world, client, world.member_report)
    del form[f"ct{world.revenue.pk}-version"]
    form[f"ct{world.revenue.pk}-value"] = "300.000"
    html = _refusal(client.post(reverse("web:report", args=[world.member_report.pk]), form))
    assert "Thiếu phiên bản của số liệu lúc mở trang" in html
    assert ReportValue.objects.get(report=world.member_report, indicator=world.revenue).value == 260000


# --- targets -------------------------------------------------------------------------------------------------


def _targets_form(world: World, client: Client) -> dict[str, str]:
    url = reverse("web:targets", args=[world.cluster_year.pk, world.tien_phuoc.pk])
    html = client.get(url).content.decode()
    data: dict[str, str] = {}
    for ind in (world.revenue, world.disbursement, world.houses):
        for basis in ("province", "council", "registered"):
            stored = Target.objects.filter(
                cluster_year=world.cluster_year, unit=world.tien_phuoc, indicator=ind, basis=basis
            ).first()
            prefix = f"ct{ind.pk}-{basis}"
            data[f"{prefix}-value"] = format_number(stored.value) if stored else ""
            data[f"{prefix}-reference"] = stored.reference if stored else ""
            data[f"{prefix}-version"] = _hidden(html, f"{prefix}-version")
            for name in ("value", "reference"):
                data[f"initial-{prefix}-{name}"] = _hidden(html, f"initial-{prefix}-{name}")
    return data


def test_the_second_of_two_target_edits_is_refused_naming_what_changed(
    world: World, client_as: ClientAs
) -> None:
    url = reverse("web:targets", args=[world.cluster_year.pk, world.tien_phuoc.pk])
    first, second = client_as(world.member), client_as(world.board)
    form_a, form_b = _targets_form(world, first), _targets_form(world, second)
    cell = f"ct{world.revenue.pk}-province"
    stored = Target.objects.get(
        cluster_year=world.cluster_year, unit=world.tien_phuoc, indicator=world.revenue, basis="province"
    )
    before = format_number(stored.value)

    form_a[f"{cell}-value"] = "310.000"
    assert first.post(url, form_a).status_code == 302
    form_b[f"{cell}-value"] = "290.000"
    html = _refusal(second.post(url, form_b))

    assert "đã được người khác thay đổi sau khi bạn mở (phiên bản 1 → 2)" in html
    assert f"chỉ tiêu: {before} → 310.000" in html
    stored.refresh_from_db()
    assert (stored.value, stored.version) == (Decimal("310000"), 2)


# --- records: a year's rating set again, an award corrected -----------------------------------------------------


def test_the_second_of_two_ratings_of_the_same_year_is_refused(
    world: World, people: People, client_as: ClientAs
) -> None:
    page = reverse("web:person", args=[people.lan.pk])
    url = reverse("web:person_record", args=[people.lan.pk, "xep-loai"])
    first, second = client_as(world.member), client_as(world.board)
    seen_a = _hidden(first.get(page).content.decode(), "xep-loai-versions")
    seen_b = _hidden(second.get(page).content.decode(), "xep-loai-versions")
    assert "2024:1" in seen_a.split(";")

    form = {"xep-loai-cycle": 2024, "xep-loai-note": ""}
    assert first.post(url, {**form, "xep-loai-rating": 3, "xep-loai-versions": seen_a}).status_code == 302
    html = _refusal(second.post(url, {**form, "xep-loai-rating": 2, "xep-loai-versions": seen_b}))

    assert "Xếp loại năm 2024 của Nguyễn Thị Lan đã được người khác thay đổi" in html
    assert "xếp loại: Hoàn thành xuất sắc nhiệm vụ → Hoàn thành tốt nhiệm vụ" in html
    rating = TaskRating.objects.get(person=people.lan, cycle=2024)
    assert (rating.rating, rating.version) == (3, 2)


def test_a_rating_first_set_by_someone_else_is_not_overwritten(
    world: World, people: People, client_as: ClientAs
) -> None:
    page = reverse("web:person", args=[people.binh.pk])
    url = reverse("web:person_record", args=[people.binh.pk, "xep-loai"])
    first, second = client_as(world.member), client_as(world.board)
    seen_a = _hidden(first.get(page).content.decode(), "xep-loai-versions")
    seen_b = _hidden(second.get(page).content.decode(), "xep-loai-versions")
    form = {"xep-loai-cycle": 2025, "xep-loai-note": ""}
    assert first.post(url, {**form, "xep-loai-rating": 4, "xep-loai-versions": seen_a}).status_code == 302
    html = _refusal(second.post(url, {**form, "xep-loai-rating": 2, "xep-loai-versions": seen_b}))
    assert "(phiên bản 0 → 1)" in html
    assert TaskRating.objects.get(person=people.binh, cycle=2025).rating == 4


def test_the_second_of_two_corrections_of_an_award_is_refused(
    world: World, people: People, client_as: ClientAs
) -> None:
    award = people.lan_cstdcs_2024
    page = reverse("web:person", args=[people.lan.pk])
    url = reverse("web:award_change", args=[award.pk, "dinh-chinh"])
    first, second = client_as(world.board), client_as(world.board)
    seen_a = _hidden(first.get(page).content.decode(), f"dc{award.pk}-version")
    seen_b = _hidden(second.get(page).content.decode(), f"dc{award.pk}-version")
    fields = {
        "title": award.title,
        "cycle": award.cycle,
        "period_start": award.period_start or "",
        "decision_date": award.decision_date.strftime("%d/%m/%Y"),
        "authority": award.authority,
        "kind": award.kind,
        "basis": award.basis,
        "note": award.note,
    }

    def post(client: Client, version: str, decision_no: str) -> object:
        values = {**fields, "decision_no": decision_no, "reason": "Gõ nhầm số", "version": version}
        return client.post(url, {f"dc{award.pk}-{k}": v for k, v in values.items()})

    old = award.decision_no
    assert post(first, seen_a, "13/QĐ-UBND").status_code == 302  # type: ignore[attr-defined]
    html = _refusal(post(second, seen_b, "14/QĐ-UBND"))
    assert "đã được người khác thay đổi sau khi bạn mở (phiên bản 1 → 2)" in html
    assert f"số quyết định: {old} → 13/QĐ-UBND" in html
    award = Award.objects.get(pk=award.pk)
    assert (award.decision_no, award.version) == ("13/QĐ-UBND", 2)
