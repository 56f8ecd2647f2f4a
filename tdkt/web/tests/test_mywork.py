"""The page "Việc của tôi" and the header's count, as every persona.

Personas (tdkt.core.personas): board; head = staff of Phước Sơn, head of the mountain cluster in 2024;
member = staff of Tiên Phước, whose year-end draft is `world.member_report`; outsider = staff of Điện Bàn;
public = not logged in. The counting board of the voting tests (tdkt.voting.tests.helpers) counts too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tdkt.clusters.services import cluster_create, cluster_year_create
from tdkt.core.personas import PASSWORD, SCORING_CRITERIA, SCORING_RULES, World
from tdkt.movements.services import ValueInput, report_get_or_create, report_transition, report_values_set
from tdkt.org.models import UnitKind
from tdkt.org.services import unit_create
from tdkt.scoring.models import CriteriaSet
from tdkt.scoring.selectors import appraisals_to_confirm
from tdkt.scoring.services import (
    criteria_set_adopt,
    criteria_set_create,
    discrepancy_answer,
    score_set,
)
from tdkt.voting.box import ballot_close, ballot_open
from tdkt.voting.paper import PaperBallotInput, paper_entry_submit
from tdkt.voting.tests.helpers import board_of, hand_out, make_ballot

ClientAs = Callable[[User | None], Client]
URL = "/viec-cua-toi/"


def _page(client: Client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def _items(html: str) -> list[str]:
    return re.findall(r'<tr class="work-item">(.*?)</tr>', html, flags=re.S)


def _header_count(html: str) -> int:
    match = re.search(r'Việc cần làm \(<span class="site-nav__count">(\d+)</span>\)', html)
    assert match is not None, "the header shows the count"
    return int(match.group(1))


def _adopted(world: World) -> CriteriaSet:
    cs = criteria_set_create(
        actor=world.head,
        cluster_year=world.cluster_year,
        criteria=SCORING_CRITERIA,
        rules=SCORING_RULES,
        declared_total=Decimal(30),
    )
    return criteria_set_adopt(actor=world.head, criteria_set=cs, adopted_on=dt.date(2024, 3, 1))


def _all_reports_accepted(world: World) -> None:
    for unit in (world.phuoc_son, world.tien_phuoc, world.nam_giang):
        report = report_get_or_create(
            actor=None, cluster_year=world.cluster_year, unit=unit, period="year_end"
        )
        report_values_set(
            actor=None, report=report, values=[ValueInput(world.disbursement, Decimal(80 + unit.pk % 7))]
        )
        for action in ("submit", "accept"):
            report_transition(actor=None, report=report, action=action)


def _flagged(world: World, cs: CriteriaSet) -> None:
    """Tiên Phước self-scores II.1 at 10, the head appraises it at 6: a discrepancy flag (gap 2)."""
    score_set(
        actor=world.member,
        criteria_set=cs,
        unit=world.tien_phuoc,
        criterion_code="II.1",
        layer="self",
        points=Decimal(10),
        version=0,
    )
    score_set(
        actor=world.head,
        criteria_set=cs,
        unit=world.tien_phuoc,
        criterion_code="II.1",
        layer="appraisal",
        points=Decimal(6),
        explanation="Minh chứng không đủ",
        version=0,
    )


# --- who may see it, where login lands ------------------------------------------------------------------


def test_the_public_is_sent_to_login(client_as: ClientAs, db: None) -> None:
    response = client_as(None).get(URL)
    assert response.status_code == 302
    assert (
        response["Location"].startswith(reverse("web:login"))
        and "next=/viec-cua-toi/" in response["Location"]
    )


def test_login_lands_on_my_work(world: World) -> None:
    response = Client().post(reverse("web:login"), {"username": "t-member", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == URL


def test_login_with_a_next_page_goes_there(world: World) -> None:
    target = reverse("web:unit", args=[world.tien_phuoc.pk])
    response = Client().post(
        reverse("web:login"), {"username": "t-head", "password": PASSWORD, "next": target}
    )
    assert response["Location"] == target


def test_the_public_sees_no_count_in_the_header_and_the_home_page_still_works(
    world: World, client_as: ClientAs
) -> None:
    html = client_as(None).get(reverse("web:home")).content.decode()
    assert "Việc cần làm" not in html
    html = client_as(world.member).get(reverse("web:home")).content.decode()
    assert _header_count(html) == 1


# --- the member ------------------------------------------------------------------------------------------


def test_the_member_sees_its_draft_report_linked_to_it(world: World, client_as: ClientAs) -> None:
    html = _page(client_as(world.member))
    items = _items(html)
    assert len(items) == 1
    assert "Nhập và gửi báo cáo tổng kết năm" in items[0]
    assert reverse("web:report", args=[world.member_report.pk]) in items[0]
    assert "Cụm thi đua miền núi (thử nghiệm) – năm 2024" in items[0]
    assert _header_count(html) == 1


def test_a_returned_report_shows_its_reason_and_a_submitted_one_leaves_the_member(
    world: World, client_as: ClientAs
) -> None:
    report_transition(actor=world.member, report=world.member_report, action="submit")
    assert _items(_page(client_as(world.member))) == []
    report_transition(
        actor=world.head, report=world.member_report, action="return", reason="Thiếu minh chứng"
    )
    items = _items(_page(client_as(world.member)))
    assert len(items) == 1 and "Sửa và gửi lại báo cáo" in items[0] and "Thiếu minh chứng" in items[0]


def test_the_member_sees_its_self_scores_and_its_flag_until_answered(
    world: World, client_as: ClientAs
) -> None:
    cs = _adopted(world)
    _flagged(world, cs)
    html = _page(client_as(world.member))
    assert "Tự chấm điểm: còn 2/3 tiêu chí chưa chấm" in html
    assert "Giải trình chênh lệch điểm: 1 tiêu chí (II.1)" in html
    assert reverse("web:scores", args=[world.cluster_year.pk]) + "#giai-trinh" in html
    assert _header_count(html) == len(_items(html)) == 3  # the draft report, the self scores, the flag
    discrepancy_answer(
        actor=world.member, criteria_set=cs, unit=world.tien_phuoc, criterion_code="II.1", answer="Chấp nhận"
    )
    assert "Giải trình chênh lệch điểm" not in _page(client_as(world.member))


def test_an_outsider_sees_nothing_of_the_mountain_cluster(world: World, client_as: ClientAs) -> None:
    _adopted(world)
    html = _page(client_as(world.outsider))
    assert _items(html) == [] and "Hiện không có việc nào đang chờ bạn" in html
    assert _header_count(html) == 0


# --- the head's staff ------------------------------------------------------------------------------------


def test_the_head_sees_submitted_reports_to_accept(world: World, client_as: ClientAs) -> None:
    assert "Tiếp nhận hoặc trả lại" not in _page(client_as(world.head))  # a draft is not the head's yet
    report_transition(actor=world.member, report=world.member_report, action="submit")
    html = _page(client_as(world.head))
    item = next(i for i in _items(html) if "Tiếp nhận hoặc trả lại báo cáo tổng kết năm" in i)
    assert "Huyện Tiên Phước" in item and reverse("web:report", args=[world.member_report.pk]) in item
    assert _header_count(html) == len(_items(html))


def test_the_head_sees_a_ranking_ready_to_publish(world: World, client_as: ClientAs) -> None:
    _adopted(world)
    assert "Công bố kết quả xếp hạng" not in _page(client_as(world.head))
    _all_reports_accepted(world)
    html = _page(client_as(world.head))
    assert "Công bố kết quả xếp hạng: báo cáo năm của cả 3 đơn vị đã được tiếp nhận" in html
    assert reverse("web:ranking", args=[world.cluster_year.pk]) in html


# --- the counting board, the board --------------------------------------------------------------------


def test_the_counting_board_sees_its_ballot_and_the_head_its_draft(world: World, client_as: ClientAs) -> None:
    ballot = make_ballot(world)
    conference_url = reverse("web:conference", args=[ballot.conference_id])
    html = _page(client_as(board_of(world).member))
    item = next(i for i in _items(html) if "Mở hòm phiếu: Suy tôn đơn vị dẫn đầu năm 2024" in i)
    assert conference_url in item and "27/03/2025" in item  # the conference's day is the deadline
    assert _header_count(html) == len(_items(html))
    assert "Chuẩn bị phiếu bầu (đang soạn): Suy tôn đơn vị dẫn đầu năm 2024" in _page(client_as(world.head))
    assert "Mở hòm phiếu" not in _page(client_as(world.outsider))


def test_a_paper_entry_waits_for_the_other_member_of_the_counting_board(
    world: World, client_as: ClientAs
) -> None:
    board = board_of(world)
    ballot = make_ballot(world, mode="paper")
    ballot_open(actor=board.chair, ballot=ballot)
    for _ in range(3):
        hand_out(ballot, board.chair)
    ballot = ballot_close(actor=board.chair, ballot=ballot)
    paper_entry_submit(actor=board.chair, ballot=ballot, ballots=[PaperBallotInput(["Huyện Tiên Phước"])])
    html = _page(client_as(board.member))
    item = next(i for i in _items(html) if "Xác nhận 1 lần nhập phiếu giấy" in i)
    assert reverse("web:ballot_paper", args=[ballot.pk]) in item
    assert "Kiểm phiếu: Suy tôn đơn vị dẫn đầu năm 2024" in html
    assert "Xác nhận 1 lần nhập phiếu giấy" not in _page(client_as(board.chair))  # never one's own entry


def test_the_board_sees_appraisals_to_confirm(world: World, client_as: ClientAs) -> None:
    cs = _adopted(world)
    _all_reports_accepted(world)
    _flagged(world, cs)
    pending = appraisals_to_confirm(cs)
    assert pending, "the world's appraisal needs the board"
    html = _page(client_as(world.board))
    items = [i for i in _items(html) if "Xác nhận điểm thẩm định trước khi công bố" in i]
    assert len(items) == len(pending)
    assert pending[0].message in items[0].replace("&gt;", ">").replace("→", "→")
    assert _header_count(html) == len(_items(html))


def test_the_board_sees_a_cluster_year_left_unfinished(world: World, client_as: ClientAs) -> None:
    cluster = cluster_create(
        actor=None,
        code="T-CMOI",
        name="Cụm thi đua mới (thử nghiệm)",
        kind="cum",
        organiser=world.province,
        rotation_policy="elected",
    )
    cy = cluster_year_create(actor=None, cluster=cluster, year=2025, members=[world.dien_ban])
    html = _page(client_as(world.board))
    assert reverse("web:cluster_indicators", args=[cy.pk]) in html
    assert reverse("web:cluster_roles", args=[cy.pk]) in html
    assert "Chọn bộ chỉ tiêu của năm" in html and "Xác định Trưởng cụm" in html
    assert "Huyện Tiên Phước" not in html.split("Tạo tài khoản cho", 1)[-1]  # it has an account
    assert _header_count(html) == len(_items(html))


# --- cost --------------------------------------------------------------------------------------------------


def _more_clusters(world: World, n: int) -> None:
    for i in range(n):
        unit = unit_create(
            actor=None,
            code=f"T-X{i}",
            name=f"Xã thử nghiệm {i}",
            kind=UnitKind.COMMUNE,
            parent=world.province,
        )
        cluster = cluster_create(
            actor=None,
            code=f"T-C{i}",
            name=f"Cụm thử nghiệm {i}",
            kind="khoi" if i % 2 else "cum",
            organiser=world.province,
            rotation_policy="elected",
        )
        # A unit is in one cluster and one block a year: the member's others are of earlier years.
        cluster_year_create(actor=None, cluster=cluster, year=2023 - i // 2, members=[unit, world.tien_phuoc])


@pytest.mark.parametrize("persona", ["board", "head", "member"])
def test_the_page_and_its_count_cost_the_same_queries_whatever_the_number_of_clusters(
    world: World, client_as: ClientAs, persona: str, django_assert_max_num_queries: Any
) -> None:
    cs = _adopted(world)
    _flagged(world, cs)
    make_ballot(world)
    client = client_as(getattr(world, persona))
    client.get(URL)  # warm the session
    with CaptureQueriesContext(connection) as before:
        _page(client)
    _more_clusters(world, 6)
    with django_assert_max_num_queries(len(before.captured_queries)):
        html = _page(client)
    assert _header_count(html) == len(_items(html))
