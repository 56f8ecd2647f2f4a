from django.test import Client
from django.urls import reverse

from tdkt.core.personas import World
from tdkt.voting.models import CastBallot
from tdkt.voting.services import ballot_close
from tdkt.voting.tests.helpers import board_of, open_ballot


def test_a_voter_votes_without_logging_in_and_gets_a_receipt(world: World) -> None:
    ballot, codes = open_ballot(world)
    client = Client(enforce_csrf_checks=False)
    url = reverse("web:vote", args=[ballot.pk])
    page = client.get(url + f"?ma={codes[0].code}").content.decode()
    assert "Huyện Tiên Phước" in page and codes[0].code in page  # the code from the QR is pre-filled
    response = client.post(url, {"code": codes[0].code, "marks": ["Huyện Tiên Phước"]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đã nhận phiếu của bạn" in html
    receipt = html.split('id="receipt">', 1)[1].split("<", 1)[0]
    check = client.get(reverse("web:vote_receipt", args=[ballot.pk]) + f"?bn={receipt}").content.decode()
    assert "có trong hòm phiếu" in check


def test_a_reused_code_shows_a_vietnamese_error_and_counts_once(world: World) -> None:
    ballot, codes = open_ballot(world)
    client = Client()
    url = reverse("web:vote", args=[ballot.pk])
    client.post(url, {"code": codes[0].code, "marks": ["Huyện Tiên Phước"]})
    again = client.post(url, {"code": codes[0].code, "marks": ["Huyện Nam Giang"]})
    assert again.status_code == 400 and "đã được dùng" in again.content.decode()
    assert CastBallot.objects.count() == 1


def test_a_closed_ballot_takes_no_vote_and_a_draft_is_not_found(world: World) -> None:
    ballot, codes = open_ballot(world)
    ballot_close(actor=board_of(world).chair, ballot=ballot)
    client = Client()
    page = client.get(reverse("web:vote", args=[ballot.pk])).content.decode()
    assert "đã đóng" in page and 'name="code"' not in page
    response = client.post(reverse("web:vote", args=[ballot.pk]), {"code": codes[1].code, "marks": []})
    assert response.status_code == 400 and CastBallot.objects.count() == 0
    assert client.get(reverse("web:vote", args=[999])).status_code == 404
