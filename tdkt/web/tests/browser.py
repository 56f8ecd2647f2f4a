"""Shared pieces of the browser tests: Debian's Chromium driven by Playwright, at phone size.

Never downloads a browser. Without /usr/bin/chromium the browser tests skip, unless TDKT_REQUIRE_BROWSER=1
(set by .ci/run), when they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.urls import reverse

from tdkt.core.personas import PASSWORD

# Playwright's sync API runs an event loop in the test's thread; the test's ORM calls stay synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
REQUIRE_BROWSER = os.environ.get("TDKT_REQUIRE_BROWSER") == "1"
PHONE = {"width": 390, "height": 844}


def launch() -> Iterator[Any]:
    """Yield a headless Chromium, or skip (fail under TDKT_REQUIRE_BROWSER=1) when there is none."""
    if not CHROMIUM.exists():
        if REQUIRE_BROWSER:
            pytest.fail("TDKT_REQUIRE_BROWSER=1 but Debian's Chromium is not installed at /usr/bin/chromium")
        pytest.skip(
            "Debian's Chromium is not installed at /usr/bin/chromium (TDKT_REQUIRE_BROWSER=1 fails instead)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if REQUIRE_BROWSER:
            pytest.fail("TDKT_REQUIRE_BROWSER=1 but Playwright is not installed")
        pytest.skip("Playwright is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            # While Playwright's loop runs, the test body's Django connections live in a context that
            # pytest-django never closes; close them now, or PostgreSQL refuses to drop the test database
            # ("being accessed by other users") at the end of the run.
            connections.close_all()
            chromium.close()


def phone_context(browser: Any) -> Any:
    """A fresh context (no cookies) with a phone's viewport and touch."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    context.set_default_timeout(20_000)
    return context


def login(page: Any, live_server: Any, username: str, password: str = PASSWORD) -> None:
    """Log in through the login page, as a person would."""
    page.goto(live_server.url + reverse("web:login"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + reverse("web:my_work"))
    assert page.get_by_role("button", name="Đăng xuất").is_visible()


def assert_no_page_scroll(page: Any) -> None:
    """Only a table wrapper may scroll sideways at phone width, never the page."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
