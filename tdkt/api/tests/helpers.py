"""Plain helpers for the API tests: JSON writes, and moving the personas' world along."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.test import Client

from tdkt.core.personas import World
from tdkt.movements.models import Covenant, Report
from tdkt.movements.services import Signatory, covenant_sign, report_transition

PERSONAS = ["board", "head", "member", "outsider", "public"]


def send(client: Client, method: str, url: str, body: Any) -> Any:
    """A JSON write; the body is sent exactly as given (strings stay strings). Returns the test response."""
    call = getattr(client, method.lower())
    return call(url, data=json.dumps(body), content_type="application/json")


def publish(report: Report) -> Report:
    """Submit, accept and lock as the system, so the report becomes public."""
    for action in ("submit", "accept", "lock"):
        report = report_transition(actor=None, report=report, action=action)
    return report


def sign_covenant(world: World) -> Covenant:
    units = [world.phuoc_son, world.tien_phuoc, world.nam_giang]
    return covenant_sign(
        actor=None,
        cluster_year=world.cluster_year,
        signed_on=dt.date(2024, 2, 20),
        place="Phước Sơn",
        document_number="01/GƯTĐ-CMN",
        signatories=[
            Signatory(unit=u, signer_name=f"Chủ tịch {u.name}", signer_title="Chủ tịch UBND") for u in units
        ],
    )
