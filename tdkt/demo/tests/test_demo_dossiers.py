"""The demo's proposals (tdkt/demo/dossiers_loader.py): the Quảng Bình 2023 and Quảng Nam 2024 flag proposals
carried from the conferences' votes to signed decisions, award records and certificates, each step dated
when it happened; Xã Khâm Đức's 2025 titles waiting for their check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tdkt.awards.models import Award
from tdkt.demo import loader
from tdkt.dossiers import states
from tdkt.dossiers.council import council_done
from tdkt.dossiers.models import Certificate, Decision, Dossier
from tdkt.voting.counting import ballot_verify


@pytest.fixture
def demo(db: None) -> None:
    loader.load()


def _decision(number: str) -> Decision:
    return Decision.objects.select_related("dossier", "authority_unit").get(number=number)


def test_the_flag_proposals_end_in_signed_decisions_awards_and_certificates(demo: None) -> None:
    qb = _decision("612/QĐ-UBND")
    assert (qb.authority_unit.code, qb.signed_on) == ("QBH", dt.date(2024, 3, 5))
    assert qb.authority == "Chủ tịch Ủy ban nhân dân tỉnh Quảng Bình"
    dossier = qb.dossier
    assert (dossier.track, dossier.cycle, dossier.state, dossier.proposer.code) == (
        "CUM_DE_NGHI",
        2023,
        states.DECIDED,
        "QBH-BT",
    )
    assert dossier.ballot is not None and dossier.ballot.purpose == "flag" and council_done(dossier)
    assert dossier.council_ballot is not None and ballot_verify(dossier.council_ballot) == []
    awards = Award.objects.filter(decision_no="612/QĐ-UBND").select_related("unit")
    assert sorted((a.unit.code, a.title, a.cycle) for a in awards if a.unit) == [
        ("QBH-DH", "CO_TINH", 2023),
        ("QBH-LT", "CO_TINH", 2023),
        ("QBH-QN", "CO_TINH", 2023),
    ]
    assert all(a.decision_date == dt.date(2024, 3, 5) for a in awards)
    assert Certificate.objects.filter(decision=qb).count() == 3
    # each step on the day it happened: sent after the conference, decided on the signing day
    steps = list(dossier.steps.order_by("id").values_list("action", "on"))
    assert steps[0] == ("send", dt.date(2024, 1, 30)) and steps[-1] == ("decide", dt.date(2024, 3, 5))
    assert [day for _, day in steps] == sorted(day for _, day in steps)

    qn = _decision("1186/QĐ-UBND")
    assert (qn.authority_unit.code, qn.signed_on) == ("QNA", dt.date(2025, 5, 15))
    assert qn.dossier.proposer.code == "QNA-PS" and qn.dossier.created_by.username == "phuocson"  # type: ignore[union-attr]
    tien_phuoc = Award.objects.get(decision_no="1186/QĐ-UBND")
    assert (tien_phuoc.unit.code, tien_phuoc.title, tien_phuoc.cycle) == ("QNA-TP", "CO_TINH", 2024)  # type: ignore[union-attr]
    assert qn.total and qn.base_salary == 2340000 and qb.base_salary == 1800000

    # the public confirms a certificate and reads the registry
    certificate = Certificate.objects.filter(decision=qn).get()
    public = Client()
    page = public.get(reverse("web:certificate_verify", args=[certificate.token])).content.decode()
    assert "Huyện Tiên Phước" in page and "1186/QĐ-UBND" in page
    assert "612/QĐ-UBND" in public.get(reverse("web:decisions")).content.decode()


def test_the_quang_nam_bang_khen_proposals_end_in_their_own_decision(demo: None) -> None:
    bk = _decision("1243/QĐ-UBND")
    assert bk.dossier.ballot is not None and bk.dossier.ballot.purpose == "merit"  # type: ignore[union-attr]
    awards = Award.objects.filter(decision_no="1243/QĐ-UBND").select_related("unit")
    assert sorted((a.unit.code, a.title) for a in awards) == [  # type: ignore[union-attr]
        ("QNA-BTM", "BK_TINH"),
        ("QNA-NG", "BK_TINH"),
        ("QNA-PS", "BK_TINH"),
    ]
    assert all(a.decision_date == dt.date(2025, 5, 20) for a in awards)
    assert Certificate.objects.filter(decision=bk).count() == 3
    assert bk.total is not None and bk.total > 0


def test_a_ballot_stays_live_and_the_2025_titles_wait_for_their_check(demo: None) -> None:
    titles = Dossier.objects.get(track="DV_DANH_HIEU")
    assert (titles.proposer.code, titles.cycle, titles.state) == ("DNG-KD", 2025, states.RECEIVED)
    lines = list(titles.lines.select_related("person"))
    assert len(lines) == 5 and {line.title for line in lines} == {"LDTT"}
    assert all(line.outcome == "eligible" and line.verdict_sha256 for line in lines)
    assert titles.documents.filter(kind="bien_ban").exists() and titles.due_on is not None
    # the mountain cluster's host ballot is for the demo to run
    from tdkt.voting.models import Ballot

    live = Ballot.objects.get(conference__cluster_year__cluster__code="CTD-MN-QNA", purpose="other")
    assert live.status == "draft" and live.candidates.count() == 3
    assert Dossier.objects.count() == 4
