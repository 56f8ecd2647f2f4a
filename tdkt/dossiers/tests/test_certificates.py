"""Certificates: layouts checked in words, one per live award, printed onto the blank with a QR code whose
public page confirms the award or says it was revoked."""

from __future__ import annotations

import copy
import datetime as dt
import re
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tdkt.awards.services import award_revoke
from tdkt.core.errors import ValidationFailed
from tdkt.core.personas import World
from tdkt.dossiers.certificate_layout import DEFAULT_LAYOUT, layout_problems
from tdkt.dossiers.certificates import certificate_form_set, certificates_issue, certificates_pdf, verify_url
from tdkt.dossiers.decisions import decision_draft, decision_sign
from tdkt.dossiers.models import Certificate, CertificateForm
from tdkt.dossiers.tests.test_decisions import _approved

pytestmark = pytest.mark.django_db


def _pages(pdf: bytes) -> int:
    """Pages of a PDF whose objects sit in compressed streams (WeasyPrint writes PDF 1.7)."""
    text = pdf
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S):
        try:
            text += zlib.decompress(raw)
        except zlib.error:
            continue
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", text))


def _signed(world: World):  # type: ignore[no-untyped-def]
    return decision_sign(
        actor=world.board,
        decision=decision_draft(actor=world.board, dossier=_approved(world)),
        number="125/QĐ-UBND",
        signed_on=dt.date(2026, 3, 2),
        signer_name="Lê Văn Dũng",
        signer_title="Chủ tịch",
    )


def test_the_default_layout_is_valid_and_bad_ones_are_named_in_words() -> None:
    assert layout_problems(DEFAULT_LAYOUT) == []
    bad = copy.deepcopy(DEFAULT_LAYOUT)
    bad["fields"][0]["x"] = 280  # 280 + 217 mm runs off a 297 mm page
    bad["fields"][1]["item"] = "photo"
    bad["qr"]["size"] = 5
    problems = layout_problems(bad)
    assert "mục “Hình thức khen thưởng”: nằm ngoài trang" in problems
    assert any(p.startswith("mục thứ 2: nội dung “photo” không hợp lệ") for p in problems)
    assert "mã QR: cạnh (mm): phải trong khoảng 12–80" in problems


def test_the_board_saves_a_layout_and_a_bad_one_changes_nothing(world: World) -> None:
    form = certificate_form_set(
        actor=world.board, title="BK_TINH", name="Phôi Bằng khen tỉnh", layout=DEFAULT_LAYOUT
    )
    assert form.version == 1
    with pytest.raises(ValidationFailed):
        certificate_form_set(actor=world.board, title="BK_TINH", name="x", layout={"page": {}}, version=1)
    assert CertificateForm.objects.get().layout == DEFAULT_LAYOUT


def test_one_certificate_per_live_award_printed_with_its_qr(world: World) -> None:
    decision = _signed(world)
    issued = certificates_issue(actor=world.board, decision=decision)
    assert len(issued) == 2 and len({c.token for c in issued}) == 2
    assert all(len(c.token) >= 22 for c in issued)
    assert certificates_issue(actor=world.board, decision=decision) == issued  # once only
    seen: list[tuple[int, int]] = []
    pdf = certificates_pdf(decision, progress=lambda done, total: seen.append((done, total)), chunk=1)
    assert pdf.startswith(b"%PDF")
    assert _pages(pdf) == 2
    assert seen == [(1, 2), (2, 2)]
    assert verify_url(issued[0]).endswith(f"/xac-thuc/{issued[0].token}/")


def test_a_revoked_award_gets_no_certificate_and_its_page_says_so(
    world: World, client_as: Callable[..., Client]
) -> None:
    decision = _signed(world)
    first, second = certificates_issue(actor=world.board, decision=decision)
    public = client_as(None)
    page = public.get(reverse("web:certificate_verify", args=[first.token])).content.decode()
    assert "Giấy chứng nhận hợp lệ" in page and "125/QĐ-UBND" in page
    award_revoke(
        actor=world.board, award=first.award, revoked_on=dt.date(2026, 6, 1), reason="Khai man thành tích"
    )
    page = public.get(reverse("web:certificate_verify", args=[first.token])).content.decode()
    assert "đã bị hủy bỏ" in page and "Khai man thành tích" in page
    Certificate.objects.filter(pk=first.pk).delete()
    assert [c.pk for c in certificates_issue(actor=world.board, decision=decision)] == [second.pk]
    assert public.get(reverse("web:certificate_verify", args=["khong-co-ma-nay"])).status_code == 404


def test_the_decider_prints_in_the_background_with_progress_and_others_get_404(
    world: World, client_as: Callable[..., Client], django_capture_on_commit_callbacks: Any
) -> None:
    from tdkt.dossiers.models import PrintJob, PrintStatus

    decision = _signed(world)
    url = reverse("web:decision_certificates", args=[decision.pk])
    assert client_as(world.member).post(url).status_code == 404
    assert client_as(world.outsider).post(url).status_code == 404
    board = client_as(world.board)
    with django_capture_on_commit_callbacks(execute=True):
        response = board.post(url)
    job = PrintJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:print_job", args=[job.pk])
    # The immediate backend ran the task when the request's transaction committed.
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (PrintStatus.DONE, 4, 4)
    page = board.get(reverse("web:print_job", args=[job.pk])).content.decode()
    assert "Đã xong" in page and "100%" in page
    certificates = board.get(reverse("web:print_job_file", args=[job.pk, "bang-khen"]))
    assert b"".join(certificates.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    docx = board.get(reverse("web:print_job_file", args=[job.pk, "docx"]))
    assert b"".join(docx.streaming_content)[:2] == b"PK"  # type: ignore[attr-defined]
    assert client_as(world.member).get(reverse("web:print_job", args=[job.pk])).status_code == 404
