"""Fixtures shared by every app's tests: the personas' world and a logged-in client per persona."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tdkt.core.personas import World, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def client_as() -> Callable[[User | None], Client]:
    """`client_as(world.member)` → a client logged in as that persona; `client_as(None)` → the public."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    """The personas are created with passwords; the real hasher would cost seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
