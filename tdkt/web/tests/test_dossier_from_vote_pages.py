"""The conference's counted flag ballot leads to the cluster's dossier: the head's staff see "Lập hồ sơ đề
nghị" and land on the draft dossier with the elected units; the page then links to it; nobody else sees
the button, and posting it anyway writes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tdkt.core.personas import World
from tdkt.dossiers.models import Dossier
from tdkt.dossiers.tests.test_from_vote import flag_ballot

pytestmark = pytest.mark.django_db
ClientAs = Callable[..., Client]
BUTTON = "Lập hồ sơ đề nghị khen thưởng từ kết quả này"


def test_the_head_builds_the_dossier_from_the_conference_page(world: World, client_as: ClientAs) -> None:
    ballot = flag_ballot(world)
    head = client_as(world.head)
    page = head.get(reverse("web:conference", args=[ballot.conference_id])).content.decode()
    assert BUTTON in page

    response = head.post(reverse("web:dossier_from_vote", args=[ballot.pk]))
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:dossier", args=[dossier.pk])
    body = head.get(response["Location"]).content.decode()
    assert "Huyện Tiên Phước" in body and "Huyện Nam Giang" in body and "Đã lập hồ sơ với 2 đơn vị" in body

    page = head.get(reverse("web:conference", args=[ballot.conference_id])).content.decode()
    assert BUTTON not in page and reverse("web:dossier", args=[dossier.pk]) in page
    # a second click lands on the same dossier
    again = head.post(reverse("web:dossier_from_vote", args=[ballot.pk]))
    assert again["Location"] == reverse("web:dossier", args=[dossier.pk]) and Dossier.objects.count() == 1


@pytest.mark.parametrize("who", ["member", "board"])
def test_nobody_else_sees_the_button_and_posting_writes_nothing(
    world: World, client_as: ClientAs, who: str
) -> None:
    ballot = flag_ballot(world)
    client = client_as(getattr(world, who))
    page = client.get(reverse("web:conference", args=[ballot.conference_id])).content.decode()
    assert BUTTON not in page
    response = client.post(reverse("web:dossier_from_vote", args=[ballot.pk]))
    assert response.status_code == 403 and not Dossier.objects.exists()


def test_the_public_is_sent_to_log_in(world: World, client_as: ClientAs) -> None:
    ballot = flag_ballot(world)
    response = client_as(None).post(reverse("web:dossier_from_vote", args=[ballot.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
    assert not Dossier.objects.exists()
