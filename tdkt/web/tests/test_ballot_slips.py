"""Part of the ballot-secrecy attack suite (tdkt/voting/tests/test_secrecy_attacks.py): the chair who prints
the slips learns no link between a name and a slip, and the QR sends the code to no server."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tdkt.voting.models import Voter
from tdkt.voting.tests.helpers import board_of, make_ballot
from tdkt.web.voting import views as conference_views

pytestmark = pytest.mark.django_db


def test_slips_name_nobody_and_carry_the_code_only_after_the_fragment(world, client_as, monkeypatch):
    ballot = make_ballot(world)
    encoded: list[str] = []
    monkeypatch.setattr(conference_views, "_qr_svg", lambda url: encoded.append(url) or "<svg></svg>")
    page = client_as(board_of(world).chair).post(
        reverse("web:ballot_action", args=[ballot.pk, "open"]), {"confirm": "1"}
    )
    html = page.content.decode()
    names = list(Voter.objects.filter(ballot=ballot).values_list("name", flat=True))
    assert len(names) == 3 and len(encoded) == 3
    assert not [n for n in names if n in html]  # no name anywhere on the page of slips
    vote_url = f"http://testserver{reverse('web:vote', args=[ballot.pk])}"
    assert all(re.fullmatch(re.escape(vote_url) + r"#ma=[A-Z2-9]{10}", url) for url in encoded)
    codes = [url.split("#ma=")[1] for url in encoded]
    assert not [c for c in codes if f"?ma={c}" in html or f'href="{vote_url}#' in html]
