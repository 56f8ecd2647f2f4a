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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A browser test runs against a live server, so on a flushed (transactional) database: the rows the
    migrations seed (the award catalogue, holidays, the base salary) are restored before it runs."""
    for item in items:
        fixturenames: list[str] | None = getattr(item, "fixturenames", None)
        if fixturenames is None or not item.get_closest_marker("browser"):
            continue
        if "django_db_serialized_rollback" not in fixturenames:
            fixturenames.append("django_db_serialized_rollback")
