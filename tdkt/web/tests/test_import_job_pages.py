"""Large Excel imports on the pages: the upload becomes a background job and the page shows its progress
(htmx polls a fragment) and then what was written, or every problem with its row and column, nothing
written; the province's staff list is the board's; whoever may not see a job gets 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tdkt.core.personas import World
from tdkt.org import tasks
from tdkt.org.models import Employment, ImportJob, ImportKind, ImportPhase, ImportStatus, Person
from tdkt.org.tests.test_staff_xlsx import ROWS, workbook
from tdkt.org.tests.test_xlsx_import_job import _people
from tdkt.org.tests.test_xlsx_province_staff import province_book
from tdkt.org.tests.test_xlsx_units import MERGER_LINEAGE, MERGER_UNITS
from tdkt.org.tests.test_xlsx_units import workbook as units_book

Persona = Callable[[User | None], Client]
Capture = Callable[..., Any]


@pytest.fixture
def background(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every upload counts as large."""
    monkeypatch.setattr(tasks, "BACKGROUND_FROM_BYTES", 0)


def test_a_large_unit_list_runs_as_a_job_and_its_page_shows_what_was_written(
    world: World, client_as: Persona, background: None, django_capture_on_commit_callbacks: Capture
) -> None:
    client = client_as(world.board)
    upload = SimpleUploadedFile("don-vi.xlsx", units_book(MERGER_UNITS, MERGER_LINEAGE))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/to-chuc/don-vi/nhap-excel/", {"file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/to-chuc/nhap-excel/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Đã nhập xong" in page and "Đã nhập 4 đơn vị và 1 biến động." in page
    assert "hx-get" not in page  # finished: no more polling


def test_a_large_staff_list_with_a_bad_row_shows_each_problem_and_writes_nothing(
    world: World, client_as: Persona, background: None, django_capture_on_commit_callbacks: Capture
) -> None:
    client = client_as(world.member)
    bad = [*ROWS, ["TP-003", "Lê Văn Cường", "Nam", "31/02/1990", "", "", "01/01/2024"]]
    upload = SimpleUploadedFile("can-bo.xlsx", workbook(bad, world.tien_phuoc))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/don-vi/{world.tien_phuoc.pk}/can-bo/nhap-excel/", {"file": upload})
    page = client.get(response["Location"]).content.decode()
    assert "Tệp có lỗi, chưa ghi dòng nào" in page
    assert "<td>7</td><td>D (Ngày sinh)</td><td>ngày sinh “31/02/1990” không phải ngày có thật</td>" in page
    assert f'href="/don-vi/{world.tien_phuoc.pk}/can-bo/nhap-excel/"' in page  # upload again
    assert Person.objects.count() == 0


def test_a_running_job_is_polled_with_its_rows_checked(world: World, client_as: Persona) -> None:
    job = ImportJob.objects.create(
        kind=ImportKind.PROVINCE_STAFF,
        filename="can-bo.xlsx",
        status=ImportStatus.RUNNING,
        phase=ImportPhase.VALIDATE,
        done=1000,
        total=2500,
        created_by=world.board,
    )
    client = client_as(world.board)
    fragment = client.get(f"/to-chuc/nhap-excel/{job.pk}/", HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert "<html" not in text and f'hx-get="/to-chuc/nhap-excel/{job.pk}/"' in text
    assert "Đang kiểm tra: 1.000 / 2.500 dòng (40%)." in text
    assert 'value="40"' in text
    ImportJob.objects.filter(pk=job.pk).update(phase=ImportPhase.WRITE)
    text = client.get(f"/to-chuc/nhap-excel/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "Đang ghi 2.500 dòng vào cơ sở dữ liệu" in text and "hết hoặc không ghi dòng nào" in text


def test_the_board_imports_the_province_staff_list_on_its_page(
    world: World, client_as: Persona, background: None, django_capture_on_commit_callbacks: Capture
) -> None:
    client = client_as(world.board)
    page = client.get("/to-chuc/can-bo/nhap-excel/")
    assert page.status_code == 200 and "Tải mẫu danh sách cán bộ toàn tỉnh" in page.content.decode()
    template = client.get("/to-chuc/can-bo/mau-excel/")
    assert b"".join(template.streaming_content).startswith(b"PK")
    upload = SimpleUploadedFile("can-bo.xlsx", province_book(_people(30)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/to-chuc/can-bo/nhap-excel/", {"file": upload})
    page_text = client.get(response["Location"]).content.decode()
    assert "Đã nhập danh sách cán bộ: 30 người mới, 0 thay đổi chức vụ, 0 người không thay đổi." in page_text
    assert Employment.objects.filter(unit=world.tien_phuoc).count() == 30


def test_a_small_province_list_is_imported_inline(world: World, client_as: Persona) -> None:
    client = client_as(world.board)
    upload = SimpleUploadedFile("can-bo.xlsx", province_book(_people(3)))
    response = client.post("/to-chuc/can-bo/nhap-excel/", {"file": upload})
    assert response.status_code == 302 and not ImportJob.objects.exists()
    assert Person.objects.count() == 3


def test_who_may_not_see_a_job_or_the_province_list_gets_404(
    world: World, client_as: Persona, background: None, django_capture_on_commit_callbacks: Capture
) -> None:
    upload = SimpleUploadedFile("can-bo.xlsx", workbook(ROWS, world.tien_phuoc))
    with django_capture_on_commit_callbacks(execute=True):
        client_as(world.member).post(f"/don-vi/{world.tien_phuoc.pk}/can-bo/nhap-excel/", {"file": upload})
    staff_job = ImportJob.objects.get()
    province_job = ImportJob.objects.create(kind=ImportKind.PROVINCE_STAFF, filename="a.xlsx")
    url = f"/to-chuc/nhap-excel/{staff_job.pk}/"
    assert client_as(world.member).get(url).status_code == 200
    assert client_as(world.board).get(url).status_code == 200
    assert client_as(world.outsider).get(url).status_code == 404
    assert client_as(None).get(url).status_code == 302  # to log in
    assert client_as(world.member).get(f"/to-chuc/nhap-excel/{province_job.pk}/").status_code == 404
    for path in ("/to-chuc/can-bo/nhap-excel/", "/to-chuc/can-bo/mau-excel/"):
        assert client_as(world.member).get(path).status_code == 404
