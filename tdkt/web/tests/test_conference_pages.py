import datetime as dt

from django.test import Client
from django.urls import reverse

from tdkt.core.personas import World
from tdkt.voting.models import Ballot, BallotStatus, Voter
from tdkt.voting.services import CandidateInput, ballot_create, conference_create


def _draft(world: World) -> Ballot:
    conference = conference_create(
        actor=None,
        cluster_year=world.cluster_year,
        kind="year_end",
        held_on=dt.date(2025, 3, 27),
        place="Thị trấn Khâm Đức",
        host=world.phuoc_son,
    )
    return ballot_create(
        actor=None,
        conference=conference,
        purpose="head",
        title="Bầu Trưởng cụm năm 2025",
        candidates=[CandidateInput(u.name, u) for u in (world.tien_phuoc, world.nam_giang)],
        seats=1,
    )


def test_the_head_opens_prints_slips_closes_and_counts(world: World, client_as) -> None:  # type: ignore[no-untyped-def]
    ballot = _draft(world)
    head = client_as(world.head)
    page = head.post(reverse("web:ballot_action", args=[ballot.pk, "open"])).content.decode()
    assert page.count('class="slip panel"') == 3 and "<svg" in page and "chỉ hiển thị một lần" in page
    code = page.split('class="receipt-code"><strong>', 1)[1].split("<", 1)[0]
    Client().post(reverse("web:vote", args=[ballot.pk]), {"code": code, "marks": ["Huyện Nam Giang"]})
    head.post(reverse("web:ballot_action", args=[ballot.pk, "close"]))
    head.post(reverse("web:ballot_action", args=[ballot.pk, "tally"]))
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.TALLIED and ballot.result["cast"] == 1
    html = Client().get(reverse("web:conference", args=[ballot.conference_id])).content.decode()
    assert (
        "Bầu Trưởng cụm năm 2025" in html
        and "minutes.docx" in html
        and "Kiểm phiếu" not in html.split("<main", 1)[1].split("Bầu Trưởng", 1)[0]
    )


def test_only_managers_run_the_box(world: World, client_as) -> None:  # type: ignore[no-untyped-def]
    ballot = _draft(world)
    for user in (world.member, world.outsider, None):
        response = client_as(user).post(reverse("web:ballot_action", args=[ballot.pk, "open"]))
        assert response.status_code == 404
    assert not Voter.objects.exists()


def test_the_dashboard_links_to_its_conferences(world: World, client_as) -> None:  # type: ignore[no-untyped-def]
    ballot = _draft(world)
    html = client_as(None).get(reverse("web:cluster_year", args=[world.cluster_year.pk])).content.decode()
    assert reverse("web:conference", args=[ballot.conference_id]) in html
