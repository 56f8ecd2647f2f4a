"""Finding a person by name or code, typed with or without diacritics, on the page and in the API, each
viewer among the people they may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tdkt.awards.selectors import people_search
from tdkt.awards.tests.helpers import People, make_people
from tdkt.clusters.scopes import viewer_for
from tdkt.core.personas import World
from tdkt.org.models import Person
from tdkt.org.services import employment_start

ClientAs = Callable[[User | None], Client]


@pytest.fixture
def people(world: World) -> People:
    return make_people(world)


def _names(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [h.person.full_name for h in hits]


def test_a_name_is_found_without_its_diacritics_and_by_its_code(world: World, people: People) -> None:
    board = viewer_for(world.board)
    assert _names(people_search(board, "nguyen thi lan")) == ["Nguyễn Thị Lan"]
    assert _names(people_search(board, "NGUYỄN lan")) == ["Nguyễn Thị Lan"]  # any case, any order of words
    assert _names(people_search(board, "tp-002")) == ["Trần Văn Bình"]
    assert _names(people_search(board, "van")) == ["Lê Văn Cường", "Trần Văn Bình"]  # by name
    assert people_search(board, "   ") == [] and people_search(board, "khong co ai") == []
    assert people_search(board, "%") == [] and people_search(board, "_") == []  # no wildcard slips through
    hit = people_search(board, "lan")[0]
    assert hit.employment is not None and hit.employment.unit == world.tien_phuoc


def test_the_key_follows_a_change_of_name(world: World, people: People) -> None:
    lan = people.lan
    lan.full_name = "Nguyễn Thị Lan Anh"
    lan.save(update_fields=["full_name"])
    assert Person.objects.get(pk=lan.pk).search_key == "nguyen thi lan anh tp-001"


def test_each_viewer_finds_only_the_people_they_may_see(world: World, people: People) -> None:
    assert _names(people_search(viewer_for(world.member), "van")) == ["Trần Văn Bình"]  # Tiên Phước's
    assert people_search(viewer_for(world.outsider), "van") == []  # Điện Bàn's staff
    assert people_search(viewer_for(world.head), "lan") == []  # the cluster head gets no one else's people
    # a person who moved stays visible to the unit they left, with the post they hold now
    employment_start(actor=None, person=people.binh, unit=world.phuoc_son, start=dt.date(2025, 1, 1))
    hit = people_search(viewer_for(world.member), "binh")[0]
    assert hit.employment is not None and hit.employment.unit == world.phuoc_son


@pytest.mark.parametrize(
    ("persona", "found"),
    [("board", ["Lê Văn Cường", "Trần Văn Bình"]), ("member", ["Trần Văn Bình"]), ("outsider", [])],
)
def test_the_page_lists_what_the_viewer_may_see(
    world: World, people: People, client_as: ClientAs, persona: str, found: list[str]
) -> None:
    client = client_as(getattr(world, persona))
    body = client.get(reverse("web:people"), {"q": "van"}).content.decode()
    assert "Tìm cán bộ" in body
    for name in ("Lê Văn Cường", "Trần Văn Bình", "Phạm Thị Dung"):
        assert (name in body) == (name in found), (persona, name)
    if not found:
        assert "Không tìm thấy cán bộ nào cho “van” trong đơn vị của bạn." in body
    # htmx asks for the results alone
    fragment = client.get(reverse("web:people"), {"q": "van"}, HTTP_HX_REQUEST="true")
    assert "<h1>" not in fragment.content.decode()
    assert ("Trần Văn Bình" in fragment.content.decode()) == bool(found)
    assert "HX-Request" in fragment["Vary"]


def test_the_page_is_for_logged_in_staff_and_linked_from_home(
    world: World, people: People, client_as: ClientAs
) -> None:
    response = client_as(None).get(reverse("web:people"), {"q": "lan"})
    assert response.status_code == 302 and reverse("web:login") in response["Location"]
    home = client_as(world.member).get(reverse("web:home")).content.decode()
    assert f'href="{reverse("web:people")}"' in home
    assert f'href="{reverse("web:people")}"' not in client_as(None).get(reverse("web:home")).content.decode()
    long = client_as(world.board).get(reverse("web:people"), {"q": "a" * 500})
    assert long.status_code == 200 and "a" * 101 not in long.content.decode()


def test_the_api_finds_people_within_the_callers_scope(
    world: World, people: People, client_as: ClientAs
) -> None:
    url = "/api/people"
    assert client_as(None).get(url, {"q": "lan"}).status_code == 401
    rows = client_as(world.board).get(url, {"q": "nguyen lan"}).json()
    assert rows == [
        {
            "id": people.lan.pk,
            "code": "TP-001",
            "full_name": "Nguyễn Thị Lan",
            "unit_id": world.tien_phuoc.pk,
            "unit": "Huyện Tiên Phước",
            "position": "Chuyên viên",
            "until": None,
        }
    ]
    assert client_as(world.outsider).get(url, {"q": "lan"}).json() == []
    for bad in ("", "   ", "x" * 101):
        response = client_as(world.board).get(url, {"q": bad})
        assert response.status_code == 422
        assert response.json()["detail"][0]["field"] == "q"
        assert "cần nhập họ tên hoặc mã cán bộ" in response.json()["detail"][0]["message"]


@pytest.mark.django_db
def test_postgresql_finds_people_through_a_trigram_index() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the trigram index is PostgreSQL's (CI runs it); SQLite reads every row")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'org_person_search_key_trgm'")
        row = cursor.fetchone()
    assert row is not None and "gin_trgm_ops" in row[0]
