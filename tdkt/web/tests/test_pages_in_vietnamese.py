"""Every page of the demo, as each persona, is in Vietnamese: no raw code, no English word, no number
written the English way, no name in Western order (issue 12, point 9).

The crawl starts at the home page and "Việc của tôi" and follows every same-site link (`<a href>` and
htmx `hx-get`), GET only, at most `PER_ROUTE` pages per route so that it stays fast while reaching every
route a persona can reach. The rules and their allow-lists live in `vietnamese_check.py`.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlencode, urlsplit

from django.contrib.auth.models import User
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from tdkt.awards.models import CatalogueEntry
from tdkt.awards.services import evaluation_job_start, parameter_override_set
from tdkt.clusters.models import Cluster
from tdkt.demo import loader
from tdkt.movements.models import Indicator
from tdkt.org.models import Person, Unit
from tdkt.scoring.models import Criterion
from tdkt.voting.box import ballot_activate, ballot_hand_out, ballot_open
from tdkt.voting.models import Ballot, CountingBoardMember, Voter
from tdkt.web.tests import vietnamese_check
from tdkt.web.tests.vietnamese_check import Problem

PER_ROUTE = 3  # pages visited per route pattern (and per set of query parameter names)
PAGE_CAP = 600  # a safety net per persona; the crawl ends well before it
SKIP_PREFIXES = ("/api/", "/admin/", "/static/", "/media/")
SKIP_SUFFIXES = (".xlsx", ".docx", ".pdf", ".svg", ".png", ".json", ".csv", ".zip")
SKIP_ROUTES = {"web:logout"}

# The personas of the demo (tdkt/demo/data.py ACCOUNTS); "" is the public, not logged in.
PERSONAS = {
    "": "công chúng",
    "tienphuoc": "cán bộ đơn vị thành viên (Tiên Phước; trưởng ban kiểm phiếu 2024)",
    "namgiang": "thành viên Ban kiểm phiếu (Nam Giang)",
    "phuocson": "cán bộ đơn vị Trưởng cụm (Phước Sơn)",
    "bantdkt": "Ban Thi đua – Khen thưởng",
}


SEARCH_SAMPLE = "nguyen"  # typed into an empty search box: the commonest family name, without marks


class _Links(HTMLParser):
    """The links a reader can follow: `<a href>`, htmx `hx-get`, and each GET form submitted as it stands
    (an empty text box gets `SEARCH_SAMPLE`, so that a search shows its results)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self._form: tuple[str, list[tuple[str, str]]] | None = None
        self._select: str | None = None
        self._select_value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "a" and values.get("href") and "download" not in values:
            self.links.append(values["href"])
        if values.get("hx-get"):
            self.links.append(values["hx-get"])
        if tag == "form" and values.get("method", "get").lower() == "get":
            self._form = (values.get("action", ""), [])
        if self._form is None or not values.get("name"):
            if (
                tag == "option"
                and self._select is not None
                and (self._select_value is None or "selected" in values)
            ):
                self._select_value = values.get("value", "")
            return
        fields = self._form[1]
        kind = values.get("type", "text").lower()
        if tag == "input" and kind in ("text", "search", ""):
            fields.append((values["name"], values.get("value") or SEARCH_SAMPLE))
        elif tag == "input" and (
            kind in ("hidden", "number", "date") or (kind in ("checkbox", "radio") and "checked" in values)
        ):
            fields.append((values["name"], values.get("value", "")))
        elif tag == "select":
            self._select, self._select_value = values["name"], None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._form is not None and self._select is not None:
            self._form[1].append((self._select, self._select_value or ""))
            self._select = None
        if tag == "form" and self._form is not None:
            action, fields = self._form
            self.links.append(action.partition("#")[0].partition("?")[0] + "?" + urlencode(fields))
            self._form = None


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


@dataclass
class Crawl:
    persona: str
    pages: int = 0
    routes: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def _route_key(path: str, query: str) -> tuple[str, str] | None:
    """The route pattern the URL resolves to, with its query's parameter names; None for what is skipped."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if f"{match.namespace}:{match.url_name}" in SKIP_ROUTES:
        return None
    names = ",".join(sorted({k for k, _ in parse_qsl(query, keep_blank_values=True)}))
    return f"{match.namespace}:{match.url_name}", names


def _normalise(href: str, base: str) -> str | None:
    href, _ = urldefrag(href.strip())
    if not href or href.startswith(("mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(href)
    if parts.netloc not in ("testserver", ""):
        return None
    path = parts.path
    if not path:
        path = urlsplit(base).path
    elif not path.startswith("/"):
        path = urlsplit(base).path.rsplit("/", 1)[0] + "/" + path
    if path.startswith(SKIP_PREFIXES) or path.lower().endswith(SKIP_SUFFIXES):
        return None
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return path + ("?" + query if query else "")


def crawl(client: Client, persona: str, check: Callable[[str, str], list[Problem]]) -> Crawl:
    """Breadth-first over the persona's pages from the home page and "Việc của tôi"."""
    result = Crawl(persona)
    client.raise_request_exception = False  # a page that fails is a finding, not the end of the crawl
    queue = deque([reverse("web:home"), reverse("web:my_work")])
    queued = set(queue)
    per_route: dict[tuple[str, str], int] = {}
    while queue and result.pages < PAGE_CAP:
        url = queue.popleft()
        path, _, query = url.partition("?")
        key = _route_key(path, query)
        if key is None:
            continue
        if per_route.get(key, 0) >= PER_ROUTE:
            continue
        per_route[key] = per_route.get(key, 0) + 1
        response = client.get(url)
        result.pages += 1
        result.routes.add(key[0])
        if response.status_code in (301, 302, 303, 307, 308):
            target = _normalise(response["Location"], url)
            if target and target not in queued:
                queued.add(target)
                queue.append(target)
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        if response.status_code >= 500:
            result.problems.append(f"{url} — lỗi {response.status_code}")
            continue
        html = response.content.decode()
        result.problems += [f"{url} — {p.rule}: «{p.token}» trong «{p.context}»" for p in check(html, key[0])]
        for href in _links(html):
            target = _normalise(href, url)
            if target and target not in queued:
                queued.add(target)
                queue.append(target)
    return result


def _a_day_of_work() -> None:
    """What the demo leaves out but pages show once people work: the board adjusts two award rules'
    parameters (the history names who did it), a ballot's box is open with one slip handed out, and a
    unit's candidates are evaluated in bulk (the job page)."""
    board = User.objects.get(username="bantdkt")
    parameter_override_set(
        actor=board, rule_id="CSTDCS_02", param="enabled", value=True, cycle_from=2024, reason="Quy chế tỉnh"
    )
    parameter_override_set(
        actor=board,
        rule_id="COCP_02",
        param="rounding",
        value="half_up",
        cycle_from=2023,
        cycle_to=2023,
        reason="Thử làm tròn nửa lên theo hướng dẫn của tỉnh",
    )
    ballot = Ballot.objects.filter(status="draft", mode="electronic").order_by("pk").first()
    if ballot is not None:
        chair = CountingBoardMember.objects.get(conference=ballot.conference, is_chair=True).user
        codes = ballot_open(actor=chair, ballot=ballot)
        voter = Voter.objects.filter(ballot=ballot).order_by("name").first()
        if voter is not None and codes:
            ballot_hand_out(actor=chair, ballot=ballot, voter=voter)
            ballot_activate(ballot=ballot, code=codes[0])
    evaluation_job_start(actor=board, scope=Unit.objects.get(code="QNA-TP"), cycle=2024)


def _data_codes() -> set[str]:
    """Codes the data really holds and pages may show as they are (a unit's or an indicator's code)."""
    codes: set[str] = set()
    for model in (Unit, Cluster, Indicator, Person, Criterion):
        codes |= {c for c in model.objects.values_list("code", flat=True) if c}
    return codes


def _codes_by_route() -> dict[str, set[str]]:
    """Codes a page may show where they are what the reader keeps: the catalogue's own pages show and edit
    each entry's code (`CSTD_TINH`), and its form gives an example (`KNC_TINH`). Everywhere else an award
    is named by its name (`CO_CP` on a candidates page is a finding)."""
    catalogue = set(CatalogueEntry.objects.values_list("code", flat=True)) | {"KNC_TINH"}
    return {"web:catalogue": catalogue, "web:catalogue_new": catalogue, "web:catalogue_edit": catalogue}


def _reversed_names() -> set[str]:
    """Every account's name in Western order ("Hà Nguyễn Thị Thu"), which no page should show."""
    return {
        f"{u.first_name} {u.last_name}" for u in User.objects.exclude(first_name="").exclude(last_name="")
    }


# Routes each persona must reach, so that a crawl that stops early (a broken link extractor, a login that
# failed) cannot pass for a clean one. Every other route is reached when linked; see the printed summary.
MUST_REACH = {
    "": {"web:home", "web:cluster_year", "web:unit", "web:ranking", "web:run", "web:conference"},
    "tienphuoc": {
        "web:my_work",
        "web:report",
        "web:targets",
        "web:unit_candidates",
        "web:person",
        "web:vote",
    },
    "namgiang": {"web:my_work", "web:report", "web:conference", "web:ballot_box"},
    "phuocson": {"web:my_work", "web:scores", "web:assignments", "web:covenant", "web:criteria"},
    "bantdkt": {
        "web:units",
        "web:accounts",
        "web:people",
        "web:person",
        "web:unit_awards",
        "web:awards_parameters",
        "web:awards_job",
        "web:clusters",
        "web:lineage",
    },
}


def test_every_page_of_the_demo_is_in_vietnamese_for_every_persona(
    db: None, client_as: Callable[[User | None], Client]
) -> None:
    loader.load()
    _a_day_of_work()
    codes, by_route, names = _data_codes(), _codes_by_route(), _reversed_names()

    def check(html: str, route: str) -> list[Problem]:
        return vietnamese_check.problems(
            html, allowed=codes | by_route.get(route, set()), reversed_names=names
        )

    problems: list[str] = []
    reached: set[str] = set()
    summary = []
    for username, persona in PERSONAS.items():
        started = time.monotonic()
        result = crawl(client_as(User.objects.get(username=username) if username else None), username, check)
        summary.append(
            f"{persona}: {result.pages} trang, {len(result.routes)} tuyến, {time.monotonic() - started:.1f} s"
        )
        problems += [f"[{persona}] {p}" for p in result.problems]
        reached |= result.routes
        assert MUST_REACH[username] <= result.routes, (persona, MUST_REACH[username] - result.routes)
    all_routes = _web_routes()
    print("\n" + "\n".join(summary))
    print(f"{len(reached)} trên {len(all_routes)} tuyến; chưa tới: {', '.join(sorted(all_routes - reached))}")
    assert problems == [], "\n".join(problems)


def _web_routes() -> set[str]:
    from tdkt.web import urls

    return {f"web:{p.name}" for p in urls.urlpatterns if getattr(p, "name", None)}


def test_the_checker_flags_a_page_made_wrong_on_purpose() -> None:
    html = (
        "<html><head><style>.x{color:red}</style><script>var ok = true;</script></head><body>"
        "<h1>Kết quả</h1><p>Tiêu chí GEN_06 đã được chấm.</p><td>True</td>"
        "<button>Submit</button><input type='submit' value='Save'>"
        '<p>Giải ngân đạt 54.9% kế hoạch, tổng 1,234.5 tỷ, tăng 106202 triệu.</p><pre>{"type": "ratio"}</pre>'
        "<img alt='Chart' src='x.png'><p>Bộ quy tắc: luat2022-nd98-2023.</p><td>CSTDCS</td>"
        "<p>Người ký: Hà Nguyễn Thị Thu</p><td>draft</td><p>bật bằng tham số CSTDCS_02.enabled.</p>"
        "</body></html>"
    )
    found = {(p.rule, p.token) for p in vietnamese_check.problems(html, reversed_names={"Hà Nguyễn Thị Thu"})}
    assert {
        ("mã thô", "GEN_06"),
        ("mã thô", "CSTDCS_02"),
        ("mã thô", "luat2022-nd98-2023"),
        ("mã thô", "CSTDCS"),
        ("giá trị Python", "True"),
        ("từ tiếng Anh", "Submit"),
        ("từ tiếng Anh", "Save"),
        ("từ tiếng Anh", "draft"),
        ("số kiểu Anh", "54.9"),
        ("số kiểu Anh", "1,234.5"),
        ("số không nhóm", "106202"),
        ("từ tiếng Anh", "Chart"),
        ("JSON", '{"type":'),
        ("tên ngược", "Hà Nguyễn Thị Thu"),
    } <= found
    assert ("từ tiếng Anh", "ok") not in found  # inside <script>, which a reader never sees


def test_the_checker_lets_vietnamese_pages_through() -> None:
    """Vietnamese numbers, dates, document numbers, abbreviations and words spelled like English ones
    (in = print, no = full) pass; so do the data's own codes when the page is told they are real."""
    html = (
        "<p>Giải ngân đạt 54,9%; thu 199.121,158 triệu đồng; ngày 05/12/2026.</p>"
        "<p>Số: 02/BB-KP. Căn cứ Nghị định số 98/2023/NĐ-CP; UBND, HĐND tỉnh; CSTĐCS, TTLĐXS; QH15.</p>"
        "<p>In phiếu. Cuộc sống ấm no. Mục II.1 và 1.2.3. Xem https://example.org/a_b.</p>"
        "<p>Đơn vị QNA-PS, tiêu chí I.2. Người ký: Nguyễn Thị Thu Hà. Tải về Excel.</p>"
        "<p>Mã kiểm tra: ffbe0fa93318e1752d7d32543b3fc3add1ed2543ff60b1b5</p>"
    )
    assert vietnamese_check.problems(html, allowed={"QNA-PS"}, reversed_names={"Hà Nguyễn Thị Thu"}) == []
