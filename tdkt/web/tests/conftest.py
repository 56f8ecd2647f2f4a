from collections.abc import Iterator
from typing import Any

import pytest

from tdkt.web.tests import browser as browser_support


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's headless Chromium (see tdkt/web/tests/browser.py)."""
    yield from browser_support.launch()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    context = browser_support.phone_context(browser)
    try:
        yield context.new_page()
    finally:
        context.close()
