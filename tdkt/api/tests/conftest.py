"""Fixtures for the API tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tdkt.core.personas import World


@pytest.fixture
def as_persona(world: World, client_as: Callable[[User | None], Client]) -> Callable[[str], Client]:
    """`as_persona("head")` → a client logged in as that persona; "public" → not logged in."""

    def make(name: str) -> Client:
        return client_as(None if name == "public" else getattr(world, name))

    return make
