"""The voter's pages (no login: the slip's code is the credential) and the public box page."""

from django.test import Client
from django.urls import reverse

from tdkt.core.personas import World
from tdkt.voting.box import ballot_close
from tdkt.voting.counting import ballot_tally
from tdkt.voting.models import CastBallot
from tdkt.voting.tests.helpers import board_of, hand_out, open_ballot, vote


def test_a_voter_activates_at_the_table_votes_without_logging_in_and_checks_the_receipt(world: World) -> None:
    ballot, codes = open_ballot(world)
    client = Client(enforce_csrf_checks=False)
    url = reverse("web:vote", args=[ballot.pk])
    page = client.get(url + f"?ma={codes[0]}").content.decode()
    # the code travels after "#" (read by vote.js), never in a URL the server sees or puts in a page
    assert "Huyện Tiên Phước" in page and codes[0] not in page and "web/vote.js" in page
    hand_out(ballot, board_of(world).chair)
    activated = client.post(url, {"action": "activate", "code": codes[0]})
    html = activated.content.decode()
    assert activated.status_code == 200 and "Mã đã được kích hoạt" in html and codes[0] in html
    assert "Kích hoạt mã" not in html  # activated: the form now only casts
    response = client.post(url, {"action": "cast", "code": codes[0], "marks": ["Huyện Tiên Phước"]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đã nhận phiếu của bạn" in html
    receipt = html.split('id="receipt">', 1)[1].split("<", 1)[0]
    assert len(receipt) == 20
    check_url = reverse("web:vote_receipt", args=[ballot.pk])
    assert "Có một phiếu đã vào hòm" not in client.get(check_url + f"?bn={receipt}").content.decode()
    check = client.post(check_url, {"bn": receipt}).content.decode()
    assert "Có một phiếu đã vào hòm với biên nhận này" in check
    missing = client.post(check_url, {"bn": "KHONGCOBIENNHAN"}).content.decode()
    assert "Không tìm thấy biên nhận này" in missing


def test_a_slip_not_handed_out_cannot_be_activated(world: World) -> None:
    ballot, codes = open_ballot(world)
    response = Client().post(reverse("web:vote", args=[ballot.pk]), {"action": "activate", "code": codes[0]})
    assert response.status_code == 400
    assert "Chưa có lượt phát phiếu nào đang chờ" in response.content.decode()


def test_an_unusable_code_shows_one_vietnamese_error_and_counts_once(world: World) -> None:
    ballot, codes = open_ballot(world)
    client = Client()
    url = reverse("web:vote", args=[ballot.pk])
    not_activated = client.post(url, {"action": "cast", "code": codes[1], "marks": ["Huyện Nam Giang"]})
    vote(ballot, board_of(world).chair, ["Huyện Tiên Phước"], code=codes[0])
    again = client.post(url, {"action": "cast", "code": codes[0], "marks": ["Huyện Nam Giang"]})
    for response in (not_activated, again):
        assert response.status_code == 400
        assert "Mã bỏ phiếu không dùng được" in response.content.decode()
    assert CastBallot.objects.count() == 1


def test_a_closed_ballot_takes_no_vote_and_a_draft_is_not_found(world: World) -> None:
    ballot, codes = open_ballot(world)
    ballot_close(actor=board_of(world).chair, ballot=ballot)
    client = Client()
    page = client.get(reverse("web:vote", args=[ballot.pk])).content.decode()
    assert "đã đóng" in page and 'name="code"' not in page
    response = client.post(reverse("web:vote", args=[ballot.pk]), {"code": codes[1], "marks": []})
    assert response.status_code == 400 and CastBallot.objects.count() == 0
    assert client.get(reverse("web:vote", args=[999])).status_code == 404


def test_the_public_box_shows_counts_while_open_then_the_ballots_and_verifies_on_request(
    world: World,
) -> None:
    ballot, _codes = open_ballot(world)
    chair = board_of(world).chair
    vote(ballot, chair, ["Huyện Nam Giang"])
    vote(ballot, chair, [])  # a blank ballot
    client = Client()
    url = reverse("web:ballot_box", args=[ballot.pk])
    page = client.get(url).content.decode()
    assert "đã nhận phiếu: 2; phiếu đã nhận vào hòm: 2" in page and "Các lá phiếu (" not in page
    ballot_close(actor=chair, ballot=ballot)
    ballot_tally(actor=chair, ballot=ballot)
    page = client.get(url).content.decode()
    assert "Các lá phiếu (2)" in page and "(phiếu trắng)" in page and "Biên nhận (2)" in page
    assert "phiếu trắng 1" in page
    verified = client.post(url).content.decode()
    assert "Hòm phiếu, biên nhận và kết quả khớp" in verified
    CastBallot.objects.filter(ballot=ballot).update(marks=["Huyện Tiên Phước"])
    tampered = client.post(url).content.decode()
    assert "Hòm phiếu không còn như lúc đóng" in tampered and "mã băm không khớp" in tampered
