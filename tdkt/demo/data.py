"""The demo data set, as plain values. Figures come from the seed reports where they give them
(`SEED_*` sources); every other figure is marked illustrative (`minh họa`) wherever it is shown.

Seeds (news reports of real cluster reviews):
- 000: Báo Quảng Nam, 27/3/2025 — year-end review 2024 of the Quảng Nam mountain cluster;
- 001: Phòng Nội vụ huyện Phước Sơn, 28/7/2023 — mid-year review 2023 of the same cluster;
- 002: Quảng Bình, early 2024 — year-end review 2023 of the cluster of districts, towns and city;
- 003: UBND huyện Phước Sơn, 10/3/2023 — the district's review of 2022;
- 004: Blog Quảng Nam, 22/4/2020 — Bắc Trà My's movements.
People are invented.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

SEED_000 = "Hội nghị tổng kết Cụm thi đua miền núi năm 2024 (Báo Quảng Nam, 27/3/2025)"
SEED_001 = (
    "Hội nghị sơ kết 6 tháng đầu năm 2023 của cụm 9 huyện miền núi (Phòng Nội vụ huyện Phước Sơn, 28/7/2023)"
)
SEED_002 = "Hội nghị tổng kết năm 2023 của Cụm thi đua các huyện, thị xã, thành phố tỉnh Quảng Bình"
ILLUSTRATIVE = "Số liệu minh họa (báo cáo gốc không nêu)"

REFORM_DATE = dt.date(2025, 7, 1)
PROVINCE_MERGER_BASIS = (
    "Nghị quyết số 202/2025/QH15 ngày 12/6/2025 của Quốc hội về sắp xếp đơn vị hành chính cấp tỉnh"
)
COMMUNE_MERGER_BASIS = "Nghị quyết của Ủy ban Thường vụ Quốc hội về sắp xếp đơn vị hành chính cấp xã của thành phố Đà Nẵng năm 2025"


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    kind: str
    parent: str | None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    note: str = ""


BEFORE = dt.date(2025, 6, 30)
OLD = dt.date(2008, 8, 1)  # illustrative start of validity for pre-reform units

UNITS: list[UnitRow] = [
    UnitRow("CP", "Chính phủ", "co_quan", None),
    UnitRow("QNA", "Tỉnh Quảng Nam", "tinh", None, OLD, BEFORE),
    UnitRow("QNA-SNV", "Sở Nội vụ tỉnh Quảng Nam", "so_nganh", "QNA", OLD, BEFORE),
    UnitRow("DNG-CU", "Thành phố Đà Nẵng (trước sắp xếp)", "thanh_pho_tw", None, OLD, BEFORE),
    UnitRow("QBH", "Tỉnh Quảng Bình", "tinh", None, OLD, BEFORE),
    UnitRow("QBH-SNV", "Sở Nội vụ tỉnh Quảng Bình", "so_nganh", "QBH", OLD, BEFORE),
    UnitRow("QTR-CU", "Tỉnh Quảng Trị (trước sắp xếp)", "tinh", None, OLD, BEFORE),
    # the nine mountain districts of Quảng Nam (seed 001)
    UnitRow("QNA-PS", "Huyện Phước Sơn", "huyen", "QNA", OLD, BEFORE),
    UnitRow("QNA-DG", "Huyện Đông Giang", "huyen", "QNA", OLD, BEFORE),
    UnitRow("QNA-TG", "Huyện Tây Giang", "huyen", "QNA", OLD, BEFORE),
    UnitRow("QNA-HD", "Huyện Hiệp Đức", "huyen", "QNA", OLD, BEFORE),
    UnitRow("QNA-NG", "Huyện Nam Giang", "huyen", "QNA", OLD, BEFORE),
    UnitRow("QNA-NS", "Huyện Nông Sơn", "huyen", "QNA", OLD, BEFORE),
    UnitRow("QNA-TP", "Huyện Tiên Phước", "huyen", "QNA", OLD, BEFORE),
    UnitRow("QNA-BTM", "Huyện Bắc Trà My", "huyen", "QNA", OLD, BEFORE),
    UnitRow("QNA-NTM", "Huyện Nam Trà My", "huyen", "QNA", OLD, BEFORE),
    # the cluster of districts, towns and city of Quảng Bình (seed 002)
    UnitRow("QBH-LT", "Huyện Lệ Thủy", "huyen", "QBH", OLD, BEFORE),
    UnitRow("QBH-QN", "Huyện Quảng Ninh", "huyen", "QBH", OLD, BEFORE),
    UnitRow("QBH-DH", "Thành phố Đồng Hới", "thanh_pho", "QBH", OLD, BEFORE),
    UnitRow("QBH-BT", "Huyện Bố Trạch", "huyen", "QBH", OLD, BEFORE),
    UnitRow("QBH-BD", "Thị xã Ba Đồn", "thi_xa", "QBH", OLD, BEFORE),
    UnitRow("QBH-QT", "Huyện Quảng Trạch", "huyen", "QBH", OLD, BEFORE),
    UnitRow("QBH-TH", "Huyện Tuyên Hóa", "huyen", "QBH", OLD, BEFORE),
    UnitRow("QBH-MH", "Huyện Minh Hóa", "huyen", "QBH", OLD, BEFORE),
    # two communes of Phước Sơn, merged into one commune in 2025 (composition illustrative)
    UnitRow("QNA-PS-KD", "Thị trấn Khâm Đức", "thi_tran", "QNA-PS", OLD, BEFORE),
    UnitRow("QNA-PS-PX", "Xã Phước Xuân", "xa", "QNA-PS", OLD, BEFORE),
    # after the 2025 reform
    UnitRow("DNG", "Thành phố Đà Nẵng", "thanh_pho_tw", None, REFORM_DATE, None),
    UnitRow("QTR", "Tỉnh Quảng Trị", "tinh", None, REFORM_DATE, None),
    UnitRow(
        "DNG-KD",
        "Xã Khâm Đức",
        "xa",
        "DNG",
        REFORM_DATE,
        None,
        "Ví dụ minh họa cho việc sắp xếp xã năm 2025: thành phần sáp nhập cần đối chiếu nghị quyết.",
    ),
]

# (kind, predecessors, successors, legal basis)
LINEAGE: list[tuple[str, list[str], list[str], str]] = [
    ("merge", ["QNA", "DNG-CU"], ["DNG"], PROVINCE_MERGER_BASIS),
    ("merge", ["QBH", "QTR-CU"], ["QTR"], PROVINCE_MERGER_BASIS),
    ("merge", ["QNA-PS-KD", "QNA-PS-PX"], ["DNG-KD"], COMMUNE_MERGER_BASIS),
]


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    name: str
    measure_unit: str
    kind: str
    direction: str = "higher"
    description: str = ""


INDICATORS: list[IndicatorRow] = [
    IndicatorRow("THU-ND", "Thu ngân sách nhà nước trên địa bàn (thu nội địa)", "triệu đồng", "amount"),
    IndicatorRow("THU-DT", "Thu ngân sách địa phương so với dự toán tỉnh giao", "%", "percentage"),
    IndicatorRow("GIAI-NGAN", "Tỷ lệ giải ngân vốn đầu tư công so với kế hoạch", "%", "percentage"),
    IndicatorRow("GIAM-NGHEO", "Kết quả giảm hộ nghèo so với kế hoạch", "%", "percentage"),
    IndicatorRow("NHA-TAM", "Nhà tạm, nhà dột nát được xóa (xây mới, sửa chữa)", "nhà", "count"),
    IndicatorRow("CCHC", "Xếp hạng chỉ số cải cách hành chính trong cụm", "hạng", "rank", "lower"),
    IndicatorRow("TRONG-RUNG", "Diện tích trồng rừng mới so với kế hoạch", "%", "percentage"),
    IndicatorRow("NTM", "Số xã đạt chuẩn nông thôn mới trong năm", "xã", "count"),
    IndicatorRow("GIAO-QUAN", "Hoàn thành 100% chỉ tiêu giao quân", "đạt/không", "yes_no"),
]

QNA_MOUNTAIN = ["QNA-PS", "QNA-DG", "QNA-TG", "QNA-HD", "QNA-NG", "QNA-NS", "QNA-TP", "QNA-BTM", "QNA-NTM"]
QBH_DISTRICTS = ["QBH-LT", "QBH-QN", "QBH-DH", "QBH-BT", "QBH-BD", "QBH-QT", "QBH-TH", "QBH-MH"]

QNA_2024_INDICATORS = [
    "THU-DT",
    "GIAI-NGAN",
    "GIAM-NGHEO",
    "NHA-TAM",
    "CCHC",
    "TRONG-RUNG",
    "NTM",
    "GIAO-QUAN",
]
QNA_2023_INDICATORS = ["THU-ND", "GIAI-NGAN", "NHA-TAM", "NTM"]
QBH_2023_INDICATORS = ["THU-DT", "GIAI-NGAN", "GIAM-NGHEO", "NTM"]


@dataclass(frozen=True)
class Figure:
    """A reported value (or a target) with its provenance."""

    value: Decimal
    source: str = ""  # empty = illustrative

    @property
    def illustrative(self) -> bool:
        return not self.source


def real(value: str, source: str) -> Figure:
    return Figure(Decimal(value), source)


def demo(value: str) -> Figure:
    return Figure(Decimal(value))


# Quảng Nam mountain cluster, year-end 2024 (seed 000). Percentages are "% of plan": their target is 100.
QNA_2024_YEAR_END: dict[str, dict[str, Figure]] = {
    "QNA-PS": {
        "THU-DT": real("126.3", SEED_000),
        "GIAI-NGAN": demo("71.4"),
        "GIAM-NGHEO": demo("118.0"),
        "NHA-TAM": demo("412"),
        "CCHC": demo("4"),
        "TRONG-RUNG": demo("104.5"),
        "NTM": real("2", SEED_000),
        "GIAO-QUAN": demo("1"),
    },
    "QNA-DG": {
        "THU-DT": demo("108.2"),
        "GIAI-NGAN": demo("68.9"),
        "GIAM-NGHEO": demo("121.4"),
        "NHA-TAM": demo("365"),
        "CCHC": demo("3"),
        "TRONG-RUNG": demo("112.0"),
        "NTM": demo("1"),
        "GIAO-QUAN": demo("1"),
    },
    "QNA-TG": {
        "THU-DT": demo("101.7"),
        "GIAI-NGAN": demo("63.2"),
        "GIAM-NGHEO": demo("132.6"),
        "NHA-TAM": demo("498"),
        "CCHC": demo("7"),
        "TRONG-RUNG": real("136", SEED_000),
        "NTM": demo("0"),
        "GIAO-QUAN": demo("1"),
    },
    "QNA-HD": {
        "THU-DT": demo("97.5"),
        "GIAI-NGAN": demo("76.8"),
        "GIAM-NGHEO": demo("110.3"),
        "NHA-TAM": demo("226"),
        "CCHC": demo("5"),
        "TRONG-RUNG": demo("98.0"),
        "NTM": demo("1"),
        "GIAO-QUAN": demo("1"),
    },
    "QNA-NG": {
        "THU-DT": demo("112.9"),
        "GIAI-NGAN": demo("70.1"),
        "GIAM-NGHEO": real("192.5", SEED_000),
        "NHA-TAM": real("787", SEED_000),
        "CCHC": demo("6"),
        "TRONG-RUNG": real("166.08", SEED_000),
        "NTM": real("2", SEED_000),
        "GIAO-QUAN": demo("1"),
    },
    "QNA-NS": {
        "THU-DT": demo("99.1"),
        "GIAI-NGAN": demo("74.0"),
        "GIAM-NGHEO": demo("105.2"),
        "NHA-TAM": demo("188"),
        "CCHC": demo("8"),
        "TRONG-RUNG": demo("101.3"),
        "NTM": demo("0"),
        "GIAO-QUAN": demo("1"),
    },
    "QNA-TP": {
        "THU-DT": demo("118.6"),
        "GIAI-NGAN": real("83", SEED_000),
        "GIAM-NGHEO": demo("141.0"),
        "NHA-TAM": demo("530"),
        "CCHC": demo("2"),
        "TRONG-RUNG": demo("121.7"),
        "NTM": demo("1"),
        "GIAO-QUAN": demo("1"),
    },
    "QNA-BTM": {
        "THU-DT": demo("104.8"),
        "GIAI-NGAN": real("54.9", SEED_000),
        "GIAM-NGHEO": demo("128.3"),
        "NHA-TAM": real("754", SEED_000),
        "CCHC": real("1", SEED_000),
        "TRONG-RUNG": demo("109.6"),
        "NTM": demo("1"),
        "GIAO-QUAN": demo("1"),
    },
    "QNA-NTM": {
        "THU-DT": real("127.04", SEED_000),
        "GIAI-NGAN": demo("61.5"),
        "GIAM-NGHEO": demo("136.9"),
        "NHA-TAM": demo("602"),
        "CCHC": demo("9"),
        "TRONG-RUNG": demo("103.2"),
        "NTM": demo("0"),
        "GIAO-QUAN": demo("0"),
    },
}

# Registered targets for 2024 where the indicator is not "% of plan" (all illustrative).
QNA_2024_TARGETS: dict[str, dict[str, Figure]] = {
    "QNA-PS": {"NHA-TAM": demo("400"), "CCHC": demo("5"), "NTM": demo("2")},
    "QNA-DG": {"NHA-TAM": demo("350"), "CCHC": demo("4"), "NTM": demo("1")},
    "QNA-TG": {"NHA-TAM": demo("450"), "CCHC": demo("6"), "NTM": demo("1")},
    "QNA-HD": {"NHA-TAM": demo("250"), "CCHC": demo("5"), "NTM": demo("1")},
    "QNA-NG": {"NHA-TAM": demo("700"), "CCHC": demo("6"), "NTM": demo("2")},
    "QNA-NS": {"NHA-TAM": demo("200"), "CCHC": demo("7"), "NTM": demo("1")},
    "QNA-TP": {"NHA-TAM": demo("500"), "CCHC": demo("3"), "NTM": demo("1")},
    "QNA-BTM": {"NHA-TAM": demo("700"), "CCHC": demo("3"), "NTM": demo("1")},
    "QNA-NTM": {"NHA-TAM": demo("600"), "CCHC": demo("8"), "NTM": demo("1")},
}

# Quảng Nam mountain cluster, mid-year 2023 (seed 001): domestic budget revenue, million VND.
# Each: value, prior (same period 2022), {basis: target}. Targets the seed gives only as a percentage are
# derived from it (value ÷ percentage) and marked as derived.
QNA_2023_MID_REVENUE: dict[str, tuple[Figure, Figure, dict[str, Figure]]] = {
    "QNA-PS": (
        real("380000", SEED_001),
        real("273798", SEED_001 + ": tăng 106.202 triệu đồng so với cùng kỳ"),
        {
            "council": real("401950", SEED_001),
            "province": real("395833", SEED_001 + ": suy ra từ tỷ lệ 96% dự toán tỉnh giao"),
        },
    ),
    "QNA-HD": (
        real("52443", SEED_001),
        real("37194", SEED_001 + ": suy ra từ mức tăng 41% so với cùng kỳ"),
        {
            "province": real("90575", SEED_001 + ": suy ra từ tỷ lệ 57,9% dự toán tỉnh giao"),
            "council": real("115259", SEED_001 + ": suy ra từ tỷ lệ 45,5% nghị quyết HĐND huyện"),
        },
    ),
    "QNA-DG": (
        real("199121.158", SEED_001),
        real("153835.232", SEED_001),
        {"province": real("222035", SEED_001 + ": suy ra từ tỷ lệ 89,68% kế hoạch")},
    ),
}

# Quảng Bình, year-end 2023 (seed 002 reports no figures: all illustrative).
QBH_2023_YEAR_END: dict[str, dict[str, Figure]] = {
    "QBH-LT": {
        "THU-DT": demo("131.2"),
        "GIAI-NGAN": demo("96.4"),
        "GIAM-NGHEO": demo("142.0"),
        "NTM": demo("3"),
    },
    "QBH-QN": {
        "THU-DT": demo("124.5"),
        "GIAI-NGAN": demo("95.1"),
        "GIAM-NGHEO": demo("138.5"),
        "NTM": demo("2"),
    },
    "QBH-DH": {
        "THU-DT": demo("128.9"),
        "GIAI-NGAN": demo("97.8"),
        "GIAM-NGHEO": demo("120.0"),
        "NTM": demo("1"),
    },
    "QBH-BT": {
        "THU-DT": demo("109.3"),
        "GIAI-NGAN": demo("88.2"),
        "GIAM-NGHEO": demo("115.7"),
        "NTM": demo("2"),
    },
    "QBH-BD": {
        "THU-DT": demo("112.0"),
        "GIAI-NGAN": demo("90.6"),
        "GIAM-NGHEO": demo("110.2"),
        "NTM": demo("1"),
    },
    "QBH-QT": {
        "THU-DT": demo("104.7"),
        "GIAI-NGAN": demo("86.9"),
        "GIAM-NGHEO": demo("118.4"),
        "NTM": demo("2"),
    },
    "QBH-TH": {
        "THU-DT": demo("101.8"),
        "GIAI-NGAN": demo("91.3"),
        "GIAM-NGHEO": demo("126.1"),
        "NTM": demo("1"),
    },
    "QBH-MH": {
        "THU-DT": demo("99.6"),
        "GIAI-NGAN": demo("93.0"),
        "GIAM-NGHEO": demo("131.9"),
        "NTM": demo("1"),
    },
}


@dataclass(frozen=True)
class Role:
    cluster: str
    year: int
    unit: str
    role: str  # head | deputy
    basis: str  # rotation | elected | appointed
    reference: str


ROLES: list[Role] = [
    Role("CTD-MN-QNA", 2023, "QNA-PS", "head", "elected", ILLUSTRATIVE),
    Role("CTD-MN-QNA", 2023, "QNA-NTM", "deputy", "elected", ILLUSTRATIVE),
    Role(
        "CTD-MN-QNA",
        2024,
        "QNA-PS",
        "head",
        "elected",
        SEED_000 + ": ông Lê Quang Trung, Chủ tịch UBND huyện Phước Sơn, Trưởng Cụm thi đua",
    ),
    Role(
        "CTD-MN-QNA", 2024, "QNA-NTM", "deputy", "elected", SEED_000 + ": UBND huyện Nam Trà My đồng chủ trì"
    ),
    Role("CTD-HTT-QBH", 2023, "QBH-BT", "head", "elected", ILLUSTRATIVE),
    Role("CTD-HTT-QBH", 2023, "QBH-BD", "deputy", "elected", ILLUSTRATIVE),
]
# Quảng Bình's 2024 head and deputy are elected by the demo's 2023 year-end conference (see CONFERENCES).


@dataclass(frozen=True)
class MovementRow:
    name: str
    launched_by: str
    level: str
    kind: str
    start: dt.date
    end: dt.date | None
    slogan: str = ""
    clusters: tuple[str, ...] = ()
    units: tuple[str, ...] = ()


MOVEMENTS: list[MovementRow] = [
    MovementRow(
        "Cả nước chung sức xây dựng nông thôn mới",
        "CP",
        "central",
        "thematic",
        dt.date(2021, 1, 1),
        dt.date(2025, 12, 31),
        clusters=("CTD-MN-QNA", "CTD-HTT-QBH"),
    ),
    MovementRow(
        "Cả nước chung tay vì người nghèo – Không để ai bị bỏ lại phía sau",
        "CP",
        "central",
        "thematic",
        dt.date(2021, 1, 1),
        dt.date(2025, 12, 31),
        clusters=("CTD-MN-QNA", "CTD-HTT-QBH"),
    ),
    MovementRow(
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        "CP",
        "central",
        "regular",
        dt.date(2021, 1, 1),
        None,
        clusters=("CTD-MN-QNA", "CTD-HTT-QBH"),
    ),
    MovementRow(
        "Quảng Nam chung tay vì người nghèo – Không để ai bỏ lại phía sau",
        "QNA",
        "province",
        "thematic",
        dt.date(2021, 1, 1),
        dt.date(2025, 6, 30),
        clusters=("CTD-MN-QNA",),
    ),
    MovementRow(
        "Phước Sơn chung tay vì người nghèo không để ai bị bỏ lại phía sau",
        "QNA-PS",
        "district",
        "thematic",
        dt.date(2021, 1, 1),
        dt.date(2025, 6, 30),
        units=("QNA-PS",),
    ),
    MovementRow(
        "Thi đua yêu nước năm 2024 của Cụm các huyện, thị xã, thành phố",
        "QBH",
        "province",
        "regular",
        dt.date(2024, 1, 1),
        dt.date(2024, 12, 31),
        slogan="Đồng thuận cao, thi đua giỏi, về đích sớm",
        clusters=("CTD-HTT-QBH",),
    ),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str  # board | unit
    unit: str | None
    position: str
    what: str


DEMO_PASSWORD = "tdkt-demo-2024"

ACCOUNTS: list[DemoAccount] = [
    DemoAccount(
        "bantdkt",
        "Nguyễn Thị Thu Hà",
        "board",
        "QNA-SNV",
        "Chuyên viên Ban Thi đua – Khen thưởng",
        "Ban Thi đua – Khen thưởng tỉnh: xem và làm mọi việc (trừ kiểm phiếu, việc của Ban kiểm phiếu)",
    ),
    DemoAccount(
        "phuocson",
        "Hồ Văn Sơn",
        "unit",
        "QNA-PS",
        "Chuyên viên Phòng Nội vụ",
        "Cán bộ huyện Phước Sơn – Trưởng Cụm miền núi Quảng Nam 2023, 2024",
    ),
    DemoAccount(
        "tienphuoc",
        "Trần Thị Mai",
        "unit",
        "QNA-TP",
        "Chuyên viên Phòng Nội vụ",
        "Cán bộ huyện Tiên Phước – thành viên cụm, nhập kết quả của huyện mình; Trưởng ban kiểm phiếu hội "
        "nghị tổng kết 2024",
    ),
    DemoAccount(
        "namgiang",
        "Phạm Văn Giang",
        "unit",
        "QNA-NG",
        "Chuyên viên Phòng Nội vụ",
        "Cán bộ huyện Nam Giang – thành viên Ban kiểm phiếu hội nghị tổng kết 2024 Cụm miền núi",
    ),
    DemoAccount(
        "minhhoa",
        "Đinh Văn Hòa",
        "unit",
        "QBH-MH",
        "Chuyên viên Phòng Nội vụ",
        "Cán bộ huyện Minh Hóa – Trưởng Cụm Quảng Bình năm 2024; thành viên Ban kiểm phiếu hội nghị tổng kết 2023",
    ),
    DemoAccount(
        "lethuy",
        "Võ Thị Lệ",
        "unit",
        "QBH-LT",
        "Chuyên viên Phòng Nội vụ",
        "Cán bộ huyện Lệ Thủy – thành viên Cụm Quảng Bình; Trưởng ban kiểm phiếu hội nghị tổng kết 2023",
    ),
]


# ------------------------------------------------------------------ scoring, Quảng Nam mountain cluster 2024
# The criteria set and every judged score are illustrative; the computed criteria use the figures above.

QNA_2024_EXTRA_INDICATORS: list[IndicatorRow] = [
    IndicatorRow("MO-HINH", "Mô hình mới được tỉnh công nhận, nhân rộng", "mô hình", "count"),
    IndicatorRow("BC-TRE", "Số báo cáo gửi chậm hạn", "báo cáo", "count", "lower"),
]
QNA_2024_EXTRA_VALUES: dict[str, dict[str, Figure]] = {
    code: {"MO-HINH": demo(mh), "BC-TRE": demo(bc)}
    for code, mh, bc in [
        ("QNA-PS", "0", "0"),
        ("QNA-DG", "0", "0"),
        ("QNA-TG", "0", "0"),
        ("QNA-HD", "0", "0"),
        ("QNA-NG", "1", "0"),
        ("QNA-NS", "0", "1"),
        ("QNA-TP", "1", "0"),
        ("QNA-BTM", "0", "0"),
        ("QNA-NTM", "0", "2"),
    ]
}

QNA_2024_CRITERIA: list[dict[str, object]] = [
    {
        "code": "I",
        "name": "Phát triển kinh tế – xã hội",
        "max_points": "60",
        "children": [
            {
                "code": "I.1",
                "name": "Thu ngân sách địa phương so với dự toán",
                "max_points": "12",
                "method": {
                    "type": "bands",
                    "indicator": "THU-DT",
                    "on": "percent",
                    "bands": [["120", "12"], ["110", "10"], ["100", "8"], ["90", "5"]],
                },
            },
            {
                "code": "I.2",
                "name": "Giải ngân vốn đầu tư công",
                "max_points": "12",
                "method": {"type": "ratio", "indicator": "GIAI-NGAN", "cap": "100"},
            },
            {
                "code": "I.3",
                "name": "Giảm hộ nghèo so với kế hoạch",
                "max_points": "10",
                "method": {
                    "type": "bands",
                    "indicator": "GIAM-NGHEO",
                    "on": "percent",
                    "bands": [["150", "10"], ["120", "8"], ["100", "6"]],
                },
            },
            {
                "code": "I.4",
                "name": "Xóa nhà tạm, nhà dột nát",
                "max_points": "10",
                "method": {"type": "ratio", "indicator": "NHA-TAM", "cap": "100"},
            },
            {
                "code": "I.5",
                "name": "Trồng rừng mới",
                "max_points": "8",
                "method": {"type": "ratio", "indicator": "TRONG-RUNG", "cap": "100"},
            },
            {
                "code": "I.6",
                "name": "Xây dựng nông thôn mới",
                "max_points": "8",
                "method": {"type": "achieved", "indicator": "NTM"},
            },
        ],
    },
    {
        "code": "II",
        "name": "Cải cách hành chính, quốc phòng – an ninh",
        "max_points": "20",
        "children": [
            {
                "code": "II.1",
                "name": "Chỉ số cải cách hành chính (xếp hạng trong cụm)",
                "max_points": "10",
                "method": {"type": "rank", "indicator": "CCHC", "last_share": "0.2"},
            },
            {
                "code": "II.2",
                "name": "Hoàn thành chỉ tiêu giao quân",
                "max_points": "5",
                "method": {"type": "achieved", "indicator": "GIAO-QUAN"},
            },
            {
                "code": "II.3",
                "name": "Bảo đảm an ninh chính trị, trật tự an toàn xã hội",
                "max_points": "5",
                "method": {"type": "judged"},
            },
        ],
    },
    {
        "code": "III",
        "name": "Công tác thi đua, khen thưởng",
        "max_points": "20",
        "children": [
            {
                "code": "III.1",
                "name": "Tổ chức, hưởng ứng các phong trào thi đua",
                "max_points": "10",
                "method": {"type": "judged"},
            },
            {
                "code": "III.2",
                "name": "Khen thưởng kịp thời, nhân rộng điển hình",
                "max_points": "10",
                "method": {"type": "judged"},
            },
        ],
    },
    {
        "code": "TH",
        "name": "Điểm thưởng: mô hình mới được tỉnh công nhận",
        "kind": "bonus",
        "max_points": "3",
        "method": {"type": "per_count", "value": "MO_HINH", "points_each": "1"},
    },
    {
        "code": "TR",
        "name": "Điểm trừ: báo cáo gửi chậm hạn",
        "kind": "penalty",
        "max_points": "5",
        "method": {"type": "per_count", "value": "BC_TRE", "points_each": "1"},
    },
]
QNA_2024_RULES: dict[str, object] = {
    "final_rule": "appraisal_else_trimmed_mean",
    "discrepancy_gap": "1.5",
    "tie_breaks": ["group:I", "targets_met"],
    "bands": [["90", "Xuất sắc"], ["80", "Tốt"], ["65", "Khá"], ["0", "Trung bình"]],
    "leaders": 1,
    "disqualify_below": [["I", "30"]],
    "robustness": {"perturbation": "0.10", "draws": 1000, "seed": 2024},
}
QNA_2024_JUDGED = ["II.3", "III.1", "III.2"]
# The quality of each unit's judged work as its peers would see it, in the order of QNA_2024_JUDGED.
QNA_2024_QUALITY: dict[str, tuple[str, str, str]] = {
    "QNA-PS": ("4.5", "9", "8.5"),
    "QNA-DG": ("4", "8", "7.5"),
    "QNA-TG": ("4", "7.5", "7"),
    "QNA-HD": ("4.5", "7.5", "7.5"),
    "QNA-NG": ("4.5", "8.5", "8"),
    "QNA-NS": ("4", "7", "7"),
    "QNA-TP": ("5", "9.5", "9"),
    "QNA-BTM": ("4.5", "8", "8"),
    "QNA-NTM": ("4", "7", "7.5"),
}
QNA_2024_APPRAISAL = [("QNA-NG", "III.2", "8"), ("QNA-TP", "III.1", "9.5")]
QNA_2024_DISCREPANCY_ANSWERS = [
    ("QNA-NTM", "III.1", "Huyện tự chấm theo số phong trào đã phát động; chấp nhận điểm chấm chéo của cụm."),
]


# ------------------------------------------------------------------ conferences and secret ballots
# Who was honoured and elected comes from the seeds; each ballot's marks, the delegates' names, the counting
# boards and the dates of the Quảng Bình conference are illustrative.


@dataclass(frozen=True)
class BallotRow:
    purpose: str  # flag | merit | head | deputy | other
    title: str
    candidates: list[str]  # unit codes, in the order on the ballot
    seats: int | None
    max_choices: int
    marks: list[tuple[int, list[str]]]  # (how many ballots, unit codes marked); empty: left in draft
    removed_reason: str = ""  # why the default candidates (the published ranking) not listed are left off
    mode: str = "electronic"  # electronic | paper (entered by the chair, confirmed by a second member)
    method: str = "choose_k"


@dataclass(frozen=True)
class ConferenceRow:
    cluster: str
    year: int
    kind: str
    held_on: dt.date
    place: str
    host: str
    agenda: list[str]
    counting_board: list[str]  # demo usernames, the chair first
    ballots: list[BallotRow]
    covenant_year: int | None = None  # the cluster's covenant signed at this conference
    conclusions: str = ""


CONFERENCES: list[ConferenceRow] = [
    ConferenceRow(
        "CTD-HTT-QBH",
        2023,
        "year_end",
        dt.date(2024, 1, 25),
        "Thành phố Đồng Hới",
        "QBH-BT",
        [
            "Tổng kết công tác thi đua, khen thưởng năm 2023 (" + SEED_002 + "; ngày họp minh họa)",
            "Suy tôn đơn vị dẫn đầu đề nghị UBND tỉnh tặng Cờ thi đua",
            "Bầu Trưởng Cụm, Phó Trưởng Cụm năm 2024",
            "Ký kết giao ước thi đua năm 2024",
        ],
        ["lethuy", "minhhoa"],
        [
            BallotRow(
                "flag",
                "Suy tôn đơn vị đề nghị UBND tỉnh tặng Cờ thi đua năm 2023",
                QBH_DISTRICTS,
                3,
                3,
                [
                    (5, ["QBH-LT", "QBH-QN", "QBH-DH"]),
                    (2, ["QBH-LT", "QBH-DH", "QBH-BT"]),
                    (1, ["QBH-LT", "QBH-QN", "QBH-BD"]),
                ],
            ),
            BallotRow(
                "head",
                "Bầu Trưởng Cụm năm 2024",
                ["QBH-MH", "QBH-TH", "QBH-QT"],
                1,
                1,
                [(6, ["QBH-MH"]), (1, ["QBH-TH"]), (1, ["QBH-QT"])],
                removed_reason="Hội nghị giới thiệu ba đơn vị ứng cử Trưởng Cụm theo quy chế luân phiên (minh họa)",
            ),
            BallotRow(
                "deputy",
                "Bầu Phó Trưởng Cụm năm 2024",
                ["QBH-TH", "QBH-QT"],
                1,
                1,
                [(7, ["QBH-TH"]), (1, ["QBH-QT"])],
                removed_reason="Hội nghị giới thiệu hai đơn vị ứng cử Phó Trưởng Cụm (minh họa)",
                mode="paper",
            ),
        ],
        covenant_year=2024,
        conclusions="Giao Trưởng Cụm năm 2023 hoàn thiện hồ sơ đề nghị khen thưởng gửi Ban Thi đua – Khen thưởng "
        "tỉnh (minh họa).",
    ),
    ConferenceRow(
        "CTD-MN-QNA",
        2024,
        "year_end",
        dt.date(2025, 3, 27),
        "Thị trấn Khâm Đức, huyện Phước Sơn",
        "QNA-PS",
        [
            "Tổng kết phong trào thi đua yêu nước năm 2024 (" + SEED_000 + ")",
            "Bình xét, suy tôn đơn vị dẫn đầu Cụm",
            "Đề nghị UBND tỉnh tặng Bằng khen",
        ],
        ["tienphuoc", "namgiang"],
        [
            BallotRow(
                "flag",
                "Suy tôn đơn vị dẫn đầu Cụm thi đua miền núi năm 2024",
                ["QNA-TP", "QNA-PS", "QNA-NG"],
                1,
                1,
                [(7, ["QNA-TP"]), (1, ["QNA-PS"]), (1, ["QNA-NG"])],
                removed_reason="Hội nghị bình xét ba đơn vị đứng đầu bảng xếp hạng đã công bố",
            ),
            BallotRow(
                "merit",
                "Đề nghị UBND tỉnh tặng Bằng khen năm 2024",
                ["QNA-PS", "QNA-NG", "QNA-BTM"],
                None,
                3,
                [(6, ["QNA-PS", "QNA-NG", "QNA-BTM"]), (2, ["QNA-PS", "QNA-NG"]), (1, ["QNA-PS", "QNA-BTM"])],
                removed_reason="Không thuộc nhóm xếp hạng thứ 2 – 4 được hội nghị bình xét đề nghị Bằng khen (minh họa)",
            ),
            # left in draft for the demo: the counting board opens, delegates vote on their phones, the
            # board closes and counts, and the minutes are signed
            BallotRow(
                "other",
                "Chọn đơn vị đăng cai Hội nghị sơ kết 6 tháng đầu năm 2025 (minh họa)",
                ["QNA-NG", "QNA-BTM", "QNA-TP"],
                1,
                1,
                [],
                removed_reason="Hội nghị giới thiệu ba đơn vị nhận đăng cai (minh họa)",
            ),
        ],
    ),
]
