"""A new province runs its year from an empty database, only through the pages, in Debian's Chromium
(issue 12, "Done when").

First run; the province's units from Excel with a 2025 merger; a cluster of five with its accounts (each
changes the temporary password at first login), indicators and a movement; targets registered; the covenant
drafted by the head's staff and signed by every member; mid-year and year-end reports submitted and
accepted; criteria built in the editor; self, cross and appraisal scores; the ranking published; the year-end conference's
ballot elects next year's head on phones; next year opened with everything carried over; the new head's
staff act in it.

One long test split into step functions, so a failure names its step. Every page is reached by a link or
a button a user would see; `page.goto` only for the home page (each person's first page) and the slip's QR
link. Every person acts at phone size. On a failure every open page is saved to
/tmp/province-year-<step>-<who>.html and .png. Run alone with
`pytest -m browser tdkt/web/tests/test_browser_province_year.py -s` (-s prints each step's time).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tdkt.web.tests import browser as support
from tdkt.web.tests import vietnamese_check

pytestmark = pytest.mark.browser

YEAR = 2026
NEXT = YEAR + 1
BOARD = "bantdkt"
BOARD_PASSWORD = "Thi-dua-2026!"
UNIT_PASSWORD = "Don-vi-rieng-2026!"
PROVINCE = ("Tỉnh Thử Nghiệm", "TNG")
# the five members of the cluster; X5 is the commune the 2025 merger of X5A and X5B created
MEMBERS = [
    ("X1", "Xã An Bình", "x1"),
    ("X2", "Xã Bình Minh", "x2"),
    ("X3", "Xã Cẩm Thanh", "x3"),
    ("X4", "Xã Duy Hải", "x4"),
    ("X5", "Xã Đại Lộc", "x5"),
]
HEAD = MEMBERS[0]  # appointed for this year
ELECTED = MEMBERS[1]  # elected at the year-end conference for next year
UNITS = [[code, name, "Xã", "TNG", "01/07/2025", "", ""] for code, name, _ in MEMBERS] + [
    ["X5A", "Xã Đại Hòa", "Xã", "TNG", "01/01/2020", "", ""],
    ["X5B", "Xã Đại Lãnh", "xa", "TNG", "01/01/2020", "", ""],
]
MERGER = ["Hợp nhất, sáp nhập", "01/07/2025", "X5A, X5B", "X5", "Nghị quyết 1677/NQ-UBTVQH15"]
CLUSTER = ("CUM1", "Cụm thi đua các xã phía Đông")
INDICATORS = [
    ("THU", "Thu ngân sách trên địa bàn", "triệu đồng", "Giá trị"),
    ("GN", "Tỷ lệ giải ngân vốn đầu tư công", "%", "Tỷ lệ %"),
]
# each member's registered targets, and its mid-year and year-end values: X2 leads the year
TARGETS = {
    "X1": ("12.000", "90"),
    "X2": ("10.000", "90"),
    "X3": ("9.000", "95"),
    "X4": ("8.000", "90"),
    "X5": ("15.000", "85"),
}
MID_YEAR = {
    "X1": ("5.000", "40"),
    "X2": ("6.000", "50"),
    "X3": ("4.000", "45"),
    "X4": ("3.500", "42"),
    "X5": ("7.000", "38"),
}
YEAR_END = {
    "X1": ("11.500", "88"),
    "X2": ("12.500", "98,5"),
    "X3": ("8.000", "90"),
    "X4": ("8.100", "80"),
    "X5": ("14.000", "86"),
}
JUDGED = {"X1": "8", "X2": "9,5", "X3": "7", "X4": "7,5", "X5": "8"}
SCREENS = Path("/tmp")


@dataclass
class Province:
    """The browser contexts of the people who act, and what they learn along the way."""

    browser: Any
    url: str
    tmp: Path
    pages: dict[str, Any] = field(default_factory=dict)
    temporary: dict[str, str] = field(default_factory=dict)

    def new_page(self, who: str) -> Any:
        context = support.phone_context(self.browser)
        context.set_default_timeout(15_000)
        page = context.new_page()
        self.pages[who] = page
        return page

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


def _step(province: Province, name: str, fn: Callable[..., None], *args: Any) -> None:
    """Run one step; on failure keep every open page's HTML and a screenshot under /tmp."""
    started = time.perf_counter()
    try:
        fn(province, *args)
        print(f"{name}: {time.perf_counter() - started:.1f} s")
    except Exception:
        for who, page in province.pages.items():
            try:
                (SCREENS / f"province-year-{name}-{who}.html").write_text(page.content())
                page.screenshot(path=str(SCREENS / f"province-year-{name}-{who}.png"), full_page=True)
            except Exception:
                pass
        raise


FINDINGS: dict[str, list[str]] = {}
# what the province's own data may show as it is
ALLOWED = {
    PROVINCE[1],
    CLUSTER[0],
    "X5A",
    "X5B",
    "THU",
    "GN",
    BOARD,
    *(c for c, _, _ in MEMBERS),
    *(u for _, _, u in MEMBERS),
}


def _page_checks(page: Any) -> None:
    """Every page a step lands on fits a phone's width and shows no raw code or English word."""
    support.assert_no_page_scroll(page)
    found = vietnamese_check.problems(page.content(), allowed=ALLOWED)
    if found:
        FINDINGS.setdefault(page.url.split("/", 3)[-1], []).extend(str(f) for f in found)


def _main(page: Any) -> str:
    """The page's main text; every page read this way must fit a phone's width."""
    _page_checks(page)
    return str(page.locator("main").inner_text())


def _click_link(page: Any, name: str, *, exact: bool = False) -> None:
    page.get_by_role("link", name=name, exact=exact).first.click()
    page.wait_for_load_state()


def _button(scope: Any, name: str, *, exact: bool = False) -> None:
    """Click a button of a page or of a part of it (a locator), and wait for the page that answers."""
    scope.get_by_role("button", name=name, exact=exact).first.click()
    (scope.page if hasattr(scope, "page") else scope).wait_for_load_state()


def _home(page: Any) -> None:
    page.get_by_role("link", name="Trang chủ", exact=True).first.click()
    page.wait_for_load_state()


def _clusters(page: Any) -> None:
    """The board's clusters page, from the home page's set-up links."""
    _home(page)
    _click_link(page, "Cụm, khối thi đua: thành viên")


def _message(page: Any, text: str) -> None:
    """The page's message says `text`, and the page it lands on fits a phone's width."""
    page.locator(".messages").get_by_text(text).first.wait_for()
    _page_checks(page)


# --- 1. first run ------------------------------------------------------------------------------------------


def _first_run(p: Province) -> None:
    page = p.new_page("board")
    page.goto(p.url + "/")
    page.locator("main").get_by_role("link", name="Cài đặt lần đầu").click()
    page.get_by_label("Loại").select_option(label="Tỉnh")
    page.get_by_label("Tên tỉnh, thành phố").fill(PROVINCE[0])
    page.get_by_label("Mã tỉnh, thành phố").fill(PROVINCE[1])
    page.get_by_label("Họ và tên người dùng tài khoản").fill("Trần Thị Thi Đua")
    page.get_by_label("Chức vụ").fill("Trưởng ban")
    page.get_by_label("Tên đăng nhập").fill(BOARD)
    page.get_by_label("Mật khẩu", exact=True).fill(BOARD_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(BOARD_PASSWORD)
    _button(page, "Cài đặt")
    _message(page, f"Đã cài đặt {PROVINCE[0]}")
    assert page.get_by_role("button", name="Đăng xuất").is_visible()
    assert page.locator("main").get_by_role("link", name="Cài đặt lần đầu").count() == 0


# --- 2. units from Excel, with the 2025 merger -------------------------------------------------------------


def _units_workbook(template: bytes) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(template))
    units, lineage = book["Đơn vị"], book["Biến động"]
    for offset, row in enumerate(UNITS):
        for col, value in enumerate(row, start=1):
            units.cell(row=5 + offset, column=col, value=value or None)
    for col, value in enumerate(MERGER, start=1):
        lineage.cell(row=5, column=col, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import_units(p: Province) -> None:
    page = p.pages["board"]
    _click_link(page, "Đơn vị: thêm, sửa, đóng, nhập từ Excel")
    _click_link(page, "Nhập danh sách từ Excel")
    with page.expect_download() as download:
        _click_link(page, "Tải mẫu danh sách đơn vị")
    template = Path(download.value.path()).read_bytes()
    filled = p.tmp / "don-vi-tinh-thu-nghiem.xlsx"
    filled.write_bytes(_units_workbook(template))
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(filled))
    _button(page, "Nhập danh sách")
    _message(page, "Đã nhập 7 đơn vị và 1 biến động")
    body = _main(page)
    assert "Xã Đại Lộc" in body and "Xã Đại Hòa" in body


# --- 3. accounts: the board creates one per member, each changes it at first login -------------------------


def _create_accounts(p: Province) -> None:
    page = p.pages["board"]
    for _code, name, username in MEMBERS:
        _home(page)
        _click_link(page, "Tài khoản người dùng")
        _click_link(page, "Tạo tài khoản")
        page.get_by_role("radio", name="Cán bộ đơn vị").check()
        page.get_by_label("Đơn vị (với cán bộ đơn vị)").select_option(label=name)
        page.get_by_label("Họ và tên").fill(f"Cán bộ {name}")
        page.get_by_label("Chức vụ").fill("Công chức Văn phòng")
        page.get_by_label("Tên đăng nhập").fill(username)
        _button(page, "Tạo tài khoản")
        page.get_by_text(f"Đã tạo tài khoản “{username}”").wait_for()
        p.temporary[username] = page.locator(".temporary-password").inner_text().strip()


def _first_login(p: Province, username: str) -> Any:
    """The member logs in with the temporary password and is made to choose their own."""
    page = p.new_page(username)
    page.goto(p.url + "/")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Đăng nhập").click()
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(p.temporary[username])
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r".*/doi-mat-khau/.*"))
    assert page.get_by_text("Hãy đặt mật khẩu của riêng bạn").is_visible()
    page.get_by_label("Mật khẩu hiện tại").fill(p.temporary[username])
    page.get_by_label("Mật khẩu mới", exact=True).fill(UNIT_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(UNIT_PASSWORD)
    _button(page, "Đổi mật khẩu")
    _message(page, "Đã đổi mật khẩu.")
    return page


def _members_log_in(p: Province) -> None:
    for _, _, username in MEMBERS:
        _first_login(p, username)


# --- 4. the cluster of five: the year, its head, indicators, a movement ------------------------------------


def _cluster(p: Province) -> None:
    page = p.pages["board"]
    _clusters(page)
    _click_link(page, "Tạo cụm, khối")
    page.get_by_label("Mã cụm, khối").fill(CLUSTER[0])
    page.get_by_label("Tên cụm, khối").fill(CLUSTER[1])
    page.get_by_label("Loại").select_option(label="Cụm thi đua")
    page.get_by_label("Cơ quan tổ chức").select_option(label=PROVINCE[0])
    page.get_by_label("Trưởng cụm, Phó Trưởng cụm").select_option(
        label="Trưởng cụm do hội nghị tổng kết bầu, ghi nhận vào năm sau"
    )
    _button(page, "Lưu")
    _message(page, f"Đã tạo cụm thi đua “{CLUSTER[1]}”")
    _click_link(page, "Mở một năm với danh sách thành viên")
    page.get_by_label("Năm thi đua").fill(str(YEAR))
    page.get_by_label("Thành viên").fill("\n".join(f"{code} {name}" for code, name, _ in MEMBERS))
    _button(page, "Mở năm")
    _message(page, "với 5 thành viên")
    _click_link(page, "Trưởng, Phó")
    page.get_by_label("Vai trò").select_option(label="Trưởng cụm")
    page.get_by_label("Đơn vị", exact=True).select_option(label=HEAD[1])
    page.get_by_label("Căn cứ").select_option(label="Chỉ định")
    page.get_by_label("Ngày quyết định, ngày hội nghị").fill(f"{YEAR}-01-15")
    page.get_by_label("Văn bản, hội nghị").fill(f"Quyết định 12/QĐ-UBND ngày 15/01/{YEAR}")
    _button(page, "Ghi")
    _message(page, f"Đã ghi Trưởng cụm: {HEAD[1]}")


def _indicators(p: Province) -> None:
    page = p.pages["board"]
    _clusters(page)
    _click_link(page, "Danh mục chỉ tiêu")
    for code, name, measure, kind in INDICATORS:
        page.get_by_label("Mã chỉ tiêu").fill(code)
        page.get_by_label("Tên chỉ tiêu").fill(name)
        page.get_by_label("Đơn vị tính").fill(measure)
        page.get_by_label("Loại").select_option(label=kind)
        page.get_by_label("Chiều đánh giá").select_option(label="Càng cao càng tốt")
        _button(page, "Thêm vào danh mục")
        _message(page, f"Đã thêm chỉ tiêu “{name}”")
    _clusters(page)
    _click_link(page, CLUSTER[1])
    _click_link(page, "Bộ chỉ tiêu")
    page.get_by_label("Bộ chỉ tiêu").fill("\n".join(code for code, *_ in INDICATORS))
    _button(page, "Lưu bộ chỉ tiêu")
    _message(page, "Đã lưu bộ chỉ tiêu của cụm")
    assert "Đang theo dõi 2 chỉ tiêu" in _main(page)


def _movement(p: Province) -> None:
    page = p.pages["board"]
    _home(page)
    _click_link(page, "Phát động phong trào thi đua")
    page.get_by_label("Tên phong trào").fill(f"Phong trào thi đua yêu nước năm {YEAR}")
    page.get_by_label("Khẩu hiệu").fill("Đoàn kết, sáng tạo, về đích sớm")
    page.get_by_label("Cơ quan phát động").select_option(label=PROVINCE[0])
    page.get_by_label("Cấp phát động").select_option(label="Tỉnh, thành phố")
    page.get_by_label("Hình thức").select_option(label="Thường xuyên")
    page.get_by_label("Từ ngày").fill(f"{YEAR}-01-05")
    page.get_by_label("Đến ngày").fill(f"{YEAR}-12-31")
    page.get_by_label(CLUSTER[1]).check()
    _button(page, "Phát động")
    _message(page, "Đã phát động phong trào")
    _home(page)
    _click_link(page, f"Xem kết quả cụm năm {YEAR}")
    body = _main(page)
    assert f"Phong trào thi đua yêu nước năm {YEAR}" in body and HEAD[1] in body


# --- 5. targets, the covenant -------------------------------------------------------------------------------


def _cluster_year(page: Any, year: int = YEAR) -> None:
    """A member's way to its cluster: the home page lists every cluster's years."""
    _home(page)
    _click_link(page, f"Xem kết quả cụm năm {year}")


def _targets(p: Province) -> None:
    for code, _name, username in MEMBERS:
        page = p.pages[username]
        _cluster_year(page)
        _click_link(page, "Chỉ tiêu đăng ký")
        for (indicator, *_), value in zip(INDICATORS, TARGETS[code], strict=True):
            page.locator(f"#ct-{indicator}").get_by_label("Đơn vị tự đăng ký").fill(value)
        _button(page, "Lưu chỉ tiêu")
        _message(page, "Đã lưu 2 chỉ tiêu.")


def _covenant(p: Province) -> None:
    head = p.pages[HEAD[2]]
    _cluster_year(head)
    _click_link(head, "Giao ước: dự thảo, chữ ký của các đơn vị")
    head.get_by_label("Nội dung giao ước").fill(
        f"Các đơn vị thành viên {CLUSTER[1]} giao ước thi đua hoàn thành các chỉ tiêu năm {YEAR}."
    )
    head.get_by_label("Địa điểm ký").fill(HEAD[1])
    head.get_by_label("Số văn bản").fill(f"01/GƯTĐ-{CLUSTER[0]}")
    _button(head, "Lưu dự thảo")
    _message(head, "Đã lưu dự thảo giao ước.")
    for _code, name, username in MEMBERS:
        page = p.pages[username]
        _cluster_year(page)
        _click_link(page, "Giao ước: dự thảo, chữ ký của các đơn vị")
        page.get_by_label("Họ và tên người ký").fill(f"Chủ tịch {name}")
        page.get_by_label("Chức vụ người ký").fill(f"Chủ tịch UBND {name}")
        _button(page, "Ký giao ước")
        _message(page, "Đã ghi nhận chữ ký của đơn vị.")
    assert "5/5 đơn vị đã ký" in _main(page)
    assert "chỉ tiêu đăng ký đã được chốt và công khai" in _main(page)


# --- 6. mid-year and year-end reports -----------------------------------------------------------------------


def _report_round(p: Province, period: str, values: dict[str, tuple[str, str]]) -> None:
    """Every member opens the period's report, enters its values and submits; the head accepts each from
    the work list."""
    label = {"mid_year": "Sơ kết 6 tháng", "year_end": "Tổng kết năm"}[period]
    for code, _name, username in MEMBERS:
        page = p.pages[username]
        _cluster_year(page)
        if period == "mid_year":  # the cluster's page shows the year-end period unless asked
            page.get_by_role("navigation", name="Kỳ báo cáo").get_by_role("link", name=label).click()
            page.wait_for_load_state()
        _button(page, f"Lập báo cáo {label.lower()}")
        for (indicator, *_), value in zip(INDICATORS, values[code], strict=True):
            page.locator(f"#ct-{indicator}").get_by_label("Kết quả", exact=True).fill(value)
        _button(page, "Lưu số liệu")
        _message(page, "Đã lưu 2 số liệu.")
        _button(page, "Gửi báo cáo", exact=True)
        _message(page, "Đã gửi báo cáo cho Trưởng cụm.")
    head = p.pages[HEAD[2]]
    for _code, name, _username in MEMBERS:
        head.get_by_role("link", name="Việc cần làm").click()
        head.wait_for_load_state()
        row = (
            head.locator("tr.work-item")
            .filter(has_text=name)
            .filter(has_text=f"Tiếp nhận hoặc trả lại báo cáo {label.lower()}")
        )
        row.get_by_role("link").click()
        head.wait_for_load_state()
        _button(head, "Tiếp nhận", exact=True)
        _message(head, "Đã tiếp nhận báo cáo.")


def _mid_year(p: Province) -> None:
    _report_round(p, "mid_year", MID_YEAR)


def _year_end(p: Province) -> None:
    _report_round(p, "year_end", YEAR_END)
    page = p.pages[HEAD[2]]
    _cluster_year(page)
    summary = " ".join(page.locator("ul.status-summary").inner_text().split())
    assert "Đã tiếp nhận 5" in summary, summary
    row = page.locator("table.dashboard tbody tr").filter(has_text=ELECTED[1])
    assert "12.500" in row.inner_text() and "98,5" in row.inner_text()


# --- 7. criteria, cross-scoring, self, cross and appraisal scores, the ranking -----------------------------

# the criteria tree: (kind, code, name, group, max points, method, indicator)
CRITERIA = [
    ("Nhóm tiêu chí", "I", "Thực hiện chỉ tiêu", "", "20", "", ""),
    ("Tiêu chí chấm điểm", "I.1", "Giải ngân vốn đầu tư công", "I", "10", "Tỷ lệ so với chỉ tiêu", "GN"),
    ("Tiêu chí chấm điểm", "I.2", "Thu ngân sách", "I", "10", "Đạt / không đạt chỉ tiêu", "THU"),
    ("Nhóm tiêu chí", "II", "Phong trào thi đua", "", "10", "", ""),
    (
        "Tiêu chí chấm điểm",
        "II.1",
        "Tổ chức phong trào",
        "II",
        "10",
        "Chấm điểm (tự chấm, chấm chéo, thẩm định)",
        "",
    ),
]


def _scoring_page(page: Any, link: str) -> None:
    _cluster_year(page)
    page.locator("main").get_by_role("link", name=link, exact=True).click()
    page.wait_for_load_state()


def _choose_method(page: Any, method: str) -> None:
    """Pick a criterion's method; htmx swaps in its own fields (for those with an indicator, the indicator's
    select). The form's check as one types must not cancel that swap on a slow server (it once did)."""
    page.get_by_label("Phương pháp chấm").select_option(label=method)
    if method != "Chấm điểm (tự chấm, chấm chéo, thẩm định)":
        page.locator("#method-fields").get_by_label("Chỉ tiêu", exact=True).wait_for()


def _criteria(p: Province) -> None:
    """The head's staff build the criteria in the editor (forms, no JSON) and adopt them."""
    head = p.pages[HEAD[2]]
    _scoring_page(head, "Tiêu chí chấm điểm")
    head.get_by_label("Tổng điểm tối đa khai báo").fill("30")
    _button(head, "Tạo dự thảo")
    _message(head, "Đã tạo dự thảo bộ tiêu chí phiên bản 1.")
    indicator_names = {code: name for code, name, *_ in INDICATORS}
    for kind, code, name, group, points, method, indicator in CRITERIA:
        if group:
            _click_link(head, f"Thêm tiêu chí vào nhóm {group}", exact=True)
        else:
            _click_link(head, "Thêm nhóm", exact=True)
        assert head.get_by_label("Loại").evaluate("e => e.selectedOptions[0].text") == kind
        head.get_by_label("Mã", exact=True).fill(code)
        head.get_by_label("Tên", exact=True).fill(name)
        head.get_by_label("Điểm tối đa").fill(points)
        if method:
            _choose_method(head, method)
        if indicator:
            head.get_by_label("Chỉ tiêu", exact=True).select_option(label=indicator_names[indicator])
        _button(head, "Thêm", exact=True)
        _message(head, f"{code} – {name}.")
    assert "Dự thảo hợp lệ" in _main(head), _main(head)
    _click_link(head, "Các phiên bản và thông qua dự thảo")
    head.get_by_label("Ngày thông qua").first.fill(f"{YEAR}-02-20")
    _button(head, "Thông qua")
    _message(head, "Đã thông qua bộ tiêu chí phiên bản 1.")


def _cross_assignments(p: Province) -> None:
    head = p.pages[HEAD[2]]
    _scoring_page(head, "Phân công chấm chéo")
    head.get_by_label("Số đơn vị chấm chéo mỗi đơn vị").fill("1")
    _button(head, "Lập phương án")
    _message(head, "Đã lập phương án phân công chấm chéo: 5 cặp.")


def _self_and_cross(p: Province) -> None:
    names = {name: code for code, name, _ in MEMBERS}
    for code, _name, username in MEMBERS:
        page = p.pages[username]
        _scoring_page(page, "Chấm điểm")
        block = page.locator("section.score-block").filter(
            has=page.get_by_role("button", name="Lưu điểm tự chấm")
        )
        block.get_by_label("II.1").first.fill(JUDGED[code])
        block.get_by_label("Giải trình tiêu chí II.1").fill("Theo báo cáo tổng kết phong trào")
        _button(block, "Lưu điểm tự chấm")
        _message(page, "Đã lưu")
        cross = page.locator("section.score-block").filter(
            has=page.get_by_role("button", name=re.compile("Lưu điểm chấm chéo"))
        )
        assert cross.count() == 1
        scored = cross.get_by_role("button").inner_text().removeprefix("Lưu điểm chấm chéo ").strip()
        cross.get_by_label("II.1").first.fill(JUDGED[names[scored]])
        _button(cross, "Lưu điểm chấm chéo")
        _message(page, "Đã lưu")


def _appraise(page: Any, name: str, points: str) -> None:
    page.get_by_label("Đơn vị được thẩm định").select_option(label=name)
    _button(page, "Chọn đơn vị")
    block = page.locator("section.score-block").filter(
        has=page.get_by_role("button", name=f"Lưu điểm thẩm định {name}")
    )
    block.get_by_label("II.1").first.fill(points)
    block.get_by_label("Lý do thẩm định tiêu chí II.1").fill("Đối chiếu hồ sơ minh chứng của phong trào")
    _button(block, f"Lưu điểm thẩm định {name}")
    _message(page, "Đã lưu")


def _appraisals(p: Province) -> None:
    """The head's staff appraise the other members; the board appraises the head's own unit."""
    head = p.pages[HEAD[2]]
    _scoring_page(head, "Chấm điểm")
    for code, name, _ in MEMBERS[1:]:
        _appraise(head, name, "7,5" if code == "X3" else JUDGED[code])
    board = p.pages["board"]
    _scoring_page(board, "Chấm điểm")
    _appraise(board, HEAD[1], JUDGED[HEAD[0]])


def _ranking(p: Province) -> None:
    head = p.pages[HEAD[2]]
    head.get_by_role("link", name="Việc cần làm").click()
    head.wait_for_load_state()
    _click_link(head, "Công bố kết quả xếp hạng")
    assert head.get_by_text("Bản xem trước – chưa công bố").is_visible()
    _button(head, "Công bố kết quả xếp hạng")
    _message(head, f"Đã công bố kết quả xếp hạng lần 1. Đơn vị dẫn đầu: {ELECTED[1]}")
    public = p.new_page("public")
    public.goto(p.url + "/")
    _click_link(public, f"Xem kết quả cụm năm {YEAR}")
    _click_link(public, "Kết quả xếp hạng")
    rows = public.locator(".ranking-table tbody tr").all_inner_texts()
    order = [next(name for _, name, _ in MEMBERS if name in row) for row in rows]
    assert order == ["Xã Bình Minh", "Xã Duy Hải", "Xã Đại Lộc", "Xã An Bình", "Xã Cẩm Thanh"], order
    assert "Dẫn đầu" in rows[0]


# --- 8. the year-end conference elects next year's head on phones ------------------------------------------

BALLOT_TITLE = f"Bầu Trưởng cụm năm {NEXT}"
CHAIR = MEMBERS[2]  # chairs the counting board: the head's staff prepare the vote and may not count it
VOTES = [ELECTED[1], ELECTED[1], ELECTED[1], ELECTED[1], MEMBERS[3][1]]


def _conference(p: Province) -> None:
    head = p.pages[HEAD[2]]
    _cluster_year(head)
    _click_link(head, "Tạo hội nghị")
    head.get_by_label("Loại hội nghị").select_option(label="Hội nghị tổng kết năm")
    head.get_by_label("Ngày họp").fill(f"{YEAR}-12-04")
    head.get_by_label("Địa điểm").fill(f"Hội trường UBND {HEAD[1]}")
    head.get_by_label("Đơn vị đăng cai").select_option(label=HEAD[1])
    head.get_by_label("Chủ trì hội nghị").fill(f"Chủ tịch {HEAD[1]}")
    head.get_by_label("Thư ký hội nghị").fill("Nguyễn Văn Thư")
    _button(head, "Lưu")
    _message(head, "Đã tạo hội nghị.")
    _click_link(head, "Đại biểu")
    for _code, name, _ in MEMBERS:
        head.get_by_label(name, exact=True).fill(
            f"Chủ tịch {name}, Chủ tịch UBND\nVăn phòng {name}, Chánh Văn phòng"
        )
    _button(head, "Lưu đại biểu")
    _message(head, "Đã lưu 10 đại biểu.")
    _click_link(head, "Ban kiểm phiếu")
    for _code, name, _ in (CHAIR, MEMBERS[3]):
        head.get_by_role("checkbox", name=f"Cán bộ {name} – {name}").check()
    head.get_by_role("radio", name=f"Cán bộ {CHAIR[1]} – {CHAIR[1]}").check()
    _button(head, "Lưu Ban kiểm phiếu")
    _message(head, "Đã chỉ định Ban kiểm phiếu.")
    _click_link(head, "Tạo cuộc bỏ phiếu")
    head.get_by_label("Mục đích").select_option(label="Bầu Trưởng cụm năm sau")
    head.get_by_label("Tiêu đề trên phiếu").fill(BALLOT_TITLE)
    for _code, name, _ in MEMBERS:  # the published ranking's units are the default candidates
        assert head.get_by_label(name, exact=True).is_checked()
    _button(head, "Tạo cuộc bỏ phiếu")
    _message(head, f"Đã tạo cuộc bỏ phiếu “{BALLOT_TITLE}”")


def _vote(p: Province) -> None:
    chair = p.pages[CHAIR[2]]
    chair.get_by_role("link", name="Việc cần làm").click()
    chair.wait_for_load_state()
    _click_link(chair, f"Mở hòm phiếu: {BALLOT_TITLE}")
    _click_link(chair, "Mở hòm phiếu và in phiếu mã")
    _button(chair, "Xác nhận mở hòm phiếu")
    chair.get_by_text("chỉ hiển thị một lần").wait_for()
    codes = chair.locator(".slip .receipt-code strong").all_inner_texts()
    assert len(codes) == 5
    vote_url = chair.locator("main p a[href*='/bo-phieu/']").first.get_attribute("href")
    _click_link(chair, "danh sách cử tri")
    for n, (code, choice) in enumerate(zip(codes, VOTES, strict=True), start=1):
        # at the table the chair ticks the delegate on the roll; the delegate scans the slip's QR code
        _button(chair, "Phát phiếu", exact=True)
        chair.get_by_text("nhận phiếu. Mời đại biểu quét phiếu mã").wait_for()
        voter = p.new_page(
            f"delegate-{n}"
        )  # the delegate's phone: no login, the slip's code is the credential
        voter.goto(f"{vote_url}#ma={code}")
        assert voter.get_by_label("Mã bỏ phiếu").input_value() == code
        voter.get_by_role("button", name="Kích hoạt mã").click()
        voter.get_by_text("Mã đã được kích hoạt").wait_for()
        voter.get_by_label(choice).check()
        if n == 1:
            support.assert_no_page_scroll(voter)
        voter.get_by_role("button", name="Bỏ phiếu", exact=True).click()
        voter.get_by_text("Đã nhận phiếu của bạn").wait_for()
        voter.context.close()
        del p.pages[f"delegate-{n}"]
    chair.get_by_role("navigation", name="Vị trí trang").get_by_role("link", name="Hội nghị").click()
    chair.wait_for_load_state()
    chair.get_by_text("Đã nhận 5 / 5 phiếu").wait_for()
    _click_link(chair, "Đóng hòm phiếu")
    _button(chair, "Xác nhận đóng hòm phiếu")
    _message(chair, "Đã đóng hòm phiếu: 5 phiếu điện tử")
    _button(chair, "Kiểm phiếu")
    _message(chair, f"Đã kiểm phiếu. Kết quả: {ELECTED[1]}.")
    head = p.pages[HEAD[2]]
    head.reload()
    _button(head, f"Ghi {ELECTED[1]} vào năm sau của cụm")
    _message(head, f"Đã ghi Trưởng cụm năm {NEXT}: {ELECTED[1]}.")


# --- 9. next year, opened with everything carried over; the new head's staff act in it ----------------------


def _next_year(p: Province) -> None:
    board = p.pages["board"]
    _cluster_year(board, YEAR)
    _click_link(board, "Mở năm sau")
    plan = " ".join(_main(board).split())
    assert "Thành viên (5)" in plan and all(name in plan for _, name, _ in MEMBERS)
    assert f"Trưởng cụm {ELECTED[1]}" in plan, plan
    # the election already opened next year (with the indicators and the criteria): the board completes it
    assert "Chuyển 2 chỉ tiêu" in plan or f"Năm {NEXT} đã có bộ chỉ tiêu: giữ nguyên" in plan, plan
    board.get_by_role("button", name=re.compile(f"Xác nhận (mở|bổ sung) năm {NEXT}")).click()
    board.wait_for_load_state()
    _message(board, f"năm {NEXT}: thành viên, bộ chỉ tiêu, bộ tiêu chí (dự thảo) và luân phiên")
    facts = " ".join(board.locator("main dl.facts").first.inner_text().split())
    assert f"Trưởng cụm {ELECTED[1]} (Bầu tại hội nghị" in facts, facts
    assert "Phong trào" not in facts
    _click_link(board, "Bộ chỉ tiêu")
    assert "Đang theo dõi 2 chỉ tiêu" in _main(board)


def _new_head_acts(p: Province) -> None:
    """The elected head's staff find next year's cluster, adopt the carried criteria and draft the covenant;
    this year's head's staff no longer may."""
    page = p.pages[ELECTED[2]]
    _cluster_year(page, NEXT)
    assert page.get_by_role("heading", name="Thiết lập cụm").is_visible()
    page.locator("main").get_by_role("link", name="Tiêu chí chấm điểm", exact=True).click()
    page.wait_for_load_state()
    body = _main(page)
    assert all(code in body for _, code, *_ in CRITERIA), body
    page.get_by_label("Ngày thông qua").first.fill(f"{NEXT}-01-20")
    _button(page, "Thông qua")
    _message(page, "Đã thông qua bộ tiêu chí phiên bản 1.")
    _cluster_year(page, NEXT)
    _click_link(page, "Giao ước: dự thảo, chữ ký của các đơn vị")
    page.get_by_label("Nội dung giao ước").fill(f"Các đơn vị {CLUSTER[1]} giao ước thi đua năm {NEXT}.")
    _button(page, "Lưu dự thảo")
    _message(page, "Đã lưu dự thảo giao ước.")
    old_head = p.pages[HEAD[2]]
    _cluster_year(old_head, NEXT)
    _click_link(old_head, "Giao ước: dự thảo, chữ ký của các đơn vị")
    assert old_head.get_by_role("button", name="Lưu dự thảo").count() == 0
    assert old_head.get_by_role("button", name="Ký giao ước").count() == 1


# --- 10. what the database holds at the end -----------------------------------------------------------------


def _database_holds(_p: Province) -> None:
    from tdkt.clusters.models import ClusterRole, ClusterYear
    from tdkt.movements.models import Covenant, Report, ReportStatus, Target
    from tdkt.org.models import Account, Unit
    from tdkt.org.selectors import unit_history_ids
    from tdkt.scoring.models import CriteriaSet, Score, ScoringRun, SetStatus
    from tdkt.voting.models import Ballot, BallotStatus

    merged = Unit.objects.get(code="X5")
    old = Unit.objects.filter(code__in=["X5A", "X5B"])
    assert {u.valid_to for u in old} == {dt.date(2025, 6, 30)}
    assert unit_history_ids(merged) == {merged.pk, *old.values_list("pk", flat=True)}
    assert not Account.objects.filter(must_change_password=True).exists()
    this, nxt = (ClusterYear.objects.get(cluster__code=CLUSTER[0], year=y) for y in (YEAR, NEXT))
    assert Target.objects.filter(cluster_year=this).count() == 10
    covenant = Covenant.objects.get(cluster_year=this)  # signed covenants only
    assert covenant.signatories.count() == 5
    reports = Report.objects.filter(cluster_year=this)
    assert reports.count() == 10 and {r.status for r in reports} == {ReportStatus.ACCEPTED}
    criteria = CriteriaSet.objects.get(cluster_year=this)
    assert criteria.status == SetStatus.ADOPTED and criteria.criteria.count() == len(CRITERIA)
    layers = Score.objects.filter(criterion__criteria_set=criteria).values_list("layer", flat=True)
    assert sorted(set(layers)) == ["appraisal", "cross", "self"] and len(layers) == 15
    run = ScoringRun.objects.get(criteria_set=criteria)
    assert run.number == 1
    ballot = Ballot.objects.get(title=BALLOT_TITLE)
    assert ballot.status == BallotStatus.TALLIED and ballot.result is not None
    assert ballot.result["elected"] == [ELECTED[1]]
    # next year: the same members, the elected head, the indicators, the criteria (adopted by the new head)
    assert sorted(nxt.members.values_list("unit__code", flat=True)) == [code for code, _, _ in MEMBERS]
    head = ClusterRole.objects.get(cluster_year=nxt, role="head")
    assert (head.unit.code, head.basis) == (ELECTED[0], "elected")
    assert list(nxt.indicators.order_by("position").values_list("indicator__code", flat=True)) == [
        code for code, *_ in INDICATORS
    ]
    carried = CriteriaSet.objects.get(cluster_year=nxt)
    assert carried.status == SetStatus.ADOPTED
    assert sorted(carried.criteria.values_list("code", flat=True)) == sorted(c[1] for c in CRITERIA)
    assert Covenant.all_objects.get(cluster_year=nxt).content.endswith(f"năm {NEXT}.")


# --- the test ----------------------------------------------------------------------------------------------


def test_a_new_province_runs_its_year_through_the_pages(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    province = Province(browser=browser, url=live_server.url, tmp=tmp_path)
    FINDINGS.clear()
    try:
        _step(province, "first-run", _first_run)
        _step(province, "import-units", _import_units)
        _step(province, "accounts", _create_accounts)
        _step(province, "first-login", _members_log_in)
        _step(province, "cluster", _cluster)
        _step(province, "indicators", _indicators)
        _step(province, "movement", _movement)
        _step(province, "targets", _targets)
        _step(province, "covenant", _covenant)
        _step(province, "mid-year", _mid_year)
        _step(province, "year-end", _year_end)
        _step(province, "criteria", _criteria)
        _step(province, "cross-assignments", _cross_assignments)
        _step(province, "self-and-cross", _self_and_cross)
        _step(province, "appraisals", _appraisals)
        _step(province, "ranking", _ranking)
        _step(province, "conference", _conference)
        _step(province, "vote", _vote)
        _step(province, "next-year", _next_year)
        _step(province, "new-head", _new_head_acts)
        _step(province, "database", _database_holds)
        assert not FINDINGS, f"pages not in Vietnamese: {FINDINGS}"
    finally:
        province.close()
