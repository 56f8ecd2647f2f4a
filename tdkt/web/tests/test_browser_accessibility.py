"""Accessibility: every main page of the demo, as each persona sees it, checked in Debian's Chromium with
axe-core (the copy bundled by the axe-playwright-python package) against WCAG 2.1 levels A and AA.

Never downloads a browser: it drives /usr/bin/chromium and skips when that is missing.
Run alone with `pytest -m browser tdkt/web/tests/test_browser_accessibility.py`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tdkt.clusters.models import ClusterYear
from tdkt.demo import awards_data, loader
from tdkt.demo.data import DEMO_PASSWORD
from tdkt.movements.models import Report
from tdkt.org.models import Person, Unit
from tdkt.scoring.models import ScoringRun
from tdkt.voting.models import Ballot, Conference
from tdkt.web.tests import browser as browser_support

pytestmark = pytest.mark.browser

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}


def _axe_script() -> str:
    try:
        import axe_playwright_python
    except ImportError:
        if browser_support.REQUIRE_BROWSER:
            pytest.fail("TDKT_REQUIRE_BROWSER=1 but axe-playwright-python is not installed")
        pytest.skip("axe-playwright-python is not installed")
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def _violations(page: Any, script: str) -> list[str]:
    page.evaluate(script)
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => ({id: v.id, help: v.help, targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))",
        WCAG,
    )
    return [f"{v['id']}: {v['help']} {json.dumps(v['targets'], ensure_ascii=False)}" for v in found]


def _pages() -> dict[str, list[str]]:
    """The pages each demo persona works with, by login name ("" is the public)."""
    qna = ClusterYear.objects.get(cluster__code="CTD-MN-QNA", year=2024)
    tien_phuoc = Unit.objects.get(code="QNA-TP")
    police = Unit.objects.get(code=awards_data.POLICE)
    run = ScoringRun.objects.filter(criteria_set__cluster_year=qna).latest("published_at")
    conference = Conference.objects.filter(cluster_year=qna).latest("pk")
    ballots = Ballot.objects.filter(conference=conference)
    counted = ballots.filter(status="tallied").latest("pk")  # public
    ready = ballots.filter(status="draft").latest("pk")  # the counting board prepares it
    report = Report.objects.filter(cluster_year=qna, unit=tien_phuoc).latest("pk")
    officer = Person.objects.get(code="DEMO-CA-01")
    public = [
        reverse("web:home"),
        reverse("web:login"),
        reverse("web:cluster_year", args=[qna.pk]),
        reverse("web:unit", args=[tien_phuoc.pk]),
        reverse("web:ranking", args=[qna.pk]),
        reverse("web:run", args=[run.pk]),
        reverse("web:conference", args=[conference.pk]),
        reverse("web:vote", args=[counted.pk]),
        reverse("web:vote_receipt", args=[counted.pk]),
        reverse("web:unit_awards", args=[police.pk]),
    ]
    member = [
        reverse("web:my_work"),
        reverse("web:report", args=[report.pk]),
        reverse("web:targets", args=[qna.pk, tien_phuoc.pk]),
        reverse("web:scores", args=[qna.pk]),
        reverse("web:import", args=[qna.pk]),
        reverse("web:unit_candidates", args=[tien_phuoc.pk]),
        reverse("web:people") + "?q=tran",
        reverse("web:ballot_roll", args=[ready.pk]),
    ]
    head = [
        reverse("web:my_work"),
        reverse("web:ranking", args=[qna.pk]),
        reverse("web:criteria", args=[qna.pk]),
        reverse("web:assignments", args=[qna.pk]),
        reverse("web:scores", args=[qna.pk]),
        reverse("web:conference", args=[conference.pk]),
    ]
    board = [
        reverse("web:home"),
        reverse("web:my_work"),
        reverse("web:person", args=[officer.pk]),
        reverse("web:people") + "?q=truong ngan",
        reverse("web:unit_awards", args=[police.pk]),
        reverse("web:awards_import"),
        reverse("web:awards_parameters"),
        reverse("web:awards_jobs"),
        reverse("web:awards_gov_flag"),
    ]
    return {"": public, "tienphuoc": member, "phuocson": head, "bantdkt": board}


def test_every_main_page_meets_wcag_21_aa_for_every_persona(live_server: Any, browser: Any) -> None:
    loader.load()
    script = _axe_script()
    failures: list[str] = []
    checked = 0
    for username, paths in _pages().items():
        phone = username in ("", "tienphuoc")  # the public and members mostly come on a phone
        context = browser_support.phone_context(browser) if phone else browser.new_context(viewport=DESKTOP)
        try:
            page = context.new_page()
            if username:
                browser_support.login(page, live_server, username, DEMO_PASSWORD)
            for path in paths:
                response = page.goto(live_server.url + path)
                assert response is not None and response.status == 200, (username, path)
                page.wait_for_load_state("networkidle")
                failures += [f"{username or 'công chúng'} {path} — {v}" for v in _violations(page, script)]
                checked += 1
        finally:
            context.close()
    assert checked == 33
    assert failures == [], "\n".join(failures)


def test_the_checker_finds_what_it_should(browser: Any) -> None:
    """The same check on a page made wrong on purpose: an unlabelled field, an image without text, no
    language, pale text."""
    page = browser.new_page()
    try:
        page.set_content(
            "<html><body><main><input type='text'><img src='x.png'>"
            "<p style='color:#eee;background:#fff'>Nhạt</p></main></body></html>"
        )
        found = {v.split(":")[0] for v in _violations(page, _axe_script())}
    finally:
        page.close()
    assert {"label", "image-alt", "html-has-lang", "color-contrast"} <= found
