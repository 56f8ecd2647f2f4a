"""Council session pages: the board creates a session of the province's council, its conference page names
the council (not a cluster), a dossier before the council is put to the vote from the session with its
threshold, citation and verification in words, and whoever may not prepare the council is refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tdkt.core.personas import World
from tdkt.dossiers.models import Dossier
from tdkt.dossiers.tests.test_council import before_council, session
from tdkt.voting.models import Conference

pytestmark = pytest.mark.django_db

ClientAs = Callable[[User | None], Client]


def test_the_board_creates_a_session_of_the_provinces_council(world: World, client_as: ClientAs) -> None:
    url = reverse("web:council_session_new", args=[world.province.pk])
    page = client_as(world.board).get(url)
    assert page.status_code == 200
    assert "Hội đồng Thi đua – Khen thưởng tỉnh Quảng Nam" in page.content.decode()
    response = client_as(world.board).post(
        url,
        {
            "kind": "council",
            "held_on": "2025-04-10",
            "place": "Tam Kỳ",
            "host": world.province.pk,
            "council_size": "9",
            "council_basis": "Quyết định số 12/QĐ-UBND",
        },
    )
    conference = Conference.objects.get()
    assert response.status_code == 302 and response.url == reverse("web:conference", args=[conference.pk])
    html = client_as(None).get(response.url).content.decode()
    assert "Phiên họp" in html and "Hội đồng Thi đua – Khen thưởng tỉnh Quảng Nam" in html
    assert "Cụm – năm" not in html and "None" not in html


def test_a_units_staff_may_not_create_the_provinces_session(world: World, client_as: ClientAs) -> None:
    url = reverse("web:council_session_new", args=[world.province.pk])
    assert client_as(world.member).get(url).status_code == 403
    assert client_as(None).get(url).status_code == 302
    assert client_as(world.board).get(reverse("web:council_session_new", args=[999999])).status_code == 404


def test_a_dossier_is_put_to_the_vote_from_the_session_with_its_rule_in_words(
    world: World, client_as: ClientAs
) -> None:
    dossier = before_council(world)
    conference, _, _ = session(world)
    url = reverse("web:council_ballot_new", args=[conference.pk])
    html = client_as(world.board).get(url).content.decode()
    assert str(dossier) in html
    assert "từ 90% tổng số thành viên Hội đồng" in html
    assert "Nghị định 91/2017/NĐ-CP Điều 45 khoản 8" in html and "Chưa được kiểm chứng" in html
    assert "VOTE_01" not in html and "V-old" not in html
    response = client_as(world.board).post(url, {"dossier": dossier.pk, "mode": "electronic"})
    assert response.status_code == 302
    ballot = Dossier.objects.get(pk=dossier.pk).council_ballot
    assert ballot is not None
    page = client_as(world.board).get(reverse("web:conference", args=[conference.pk])).content.decode()
    assert "Căn cứ tỷ lệ phiếu" in page and "chưa được kiểm chứng" in page
    assert client_as(world.member).get(url).status_code == 403
