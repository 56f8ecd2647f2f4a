"""The demo holds one emulation registration: Xã Khâm Đức's for 2025, sent to Đà Nẵng, the commune as Xã
tiêu biểu and the five staff who came from the merged communes as Lao động tiên tiến."""

from __future__ import annotations

import pytest

from tdkt.demo.loader import load
from tdkt.movements.models import RegistrationStatus, TitleRegistration


@pytest.mark.django_db
def test_the_demo_sends_khams_duc_2025_registration_to_its_city() -> None:
    load()
    registration = TitleRegistration.objects.select_related("unit__parent").get()
    assert (registration.unit.name, registration.unit.parent.name if registration.unit.parent else "") == (
        "Xã Khâm Đức",
        "Thành phố Đà Nẵng",
    )
    assert registration.cycle == 2025 and registration.status == RegistrationStatus.SUBMITTED
    titles = sorted(registration.lines.values_list("title", flat=True))
    assert titles == ["LDTT"] * 5 + ["XA_TIEU_BIEU"]
