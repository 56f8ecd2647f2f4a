"""The demo's people and their titles, as plain values. Every person, rating, decision and initiative here
is invented (illustrative); the units are the demo's real ones (`tdkt.demo.data.UNITS`).

Histories run 2019–2025. Titles are decided up to 2025 for some people and only up to 2024 for others, so
the person's page (evaluated for 2025, the latest rated year) shows what each qualifies for next and what
they miss. The district units end on 30/06/2025 (the reform): their staff move on 01/07/2025 to the merged
province or city (`MOVE_TO`), so their history follows them.

Stories (cycle 2025 unless said), each checked by tdkt/demo/tests/test_demo_awards.py:
- Nguyễn Thị Thu Hương (Tiên Phước): rated HTXSNV → LĐTT and CSTĐCS 2025;
- Trần Văn Đức (Tiên Phước): CSTĐCS 2023, 2024, 2025 and a provincial initiative → CSTĐ tỉnh candidate;
- Huỳnh Văn Nam (Tiên Phước): rated HTTNV, no initiative → LĐTT yes, CSTĐCS not yet;
- Lê Thị Mỹ Linh (Phước Sơn): CSTĐCS 2023 and 2025 but not 2024 → CSTĐ tỉnh missing 2024;
- Phạm Quốc Bảo (Phước Sơn): his first initiative already served CSTĐCS 2024 → BK tỉnh not yet;
- Đinh Văn Hùng (Minh Hóa): a gap year 2023 (long training, not rated) breaks the CSTĐCS run → BK tỉnh
  yes (2024–2025), CSTĐ tỉnh not yet;
- Cao Thị Hà (Minh Hóa): under inspection since 10/2025 → barred;
- Hoàng Thị Ngọc Ánh (Lệ Thủy): reprimanded 04/2023–04/2024 → the clock restarts in 2025;
- Võ Minh Tâm (Lệ Thủy): CSTĐCS 2024 and 2025 → BK tỉnh;
- Bùi Thị Thanh Tâm (Khâm Đức): recruited 01/09/2025 → not yet LĐTT (under 6 months);
- collectives in 2024: Lệ Thủy 7 of 10 members LĐTT (70 %) → TTLĐTT; Minh Hóa 9 of 13 (69 %) → not yet;
- Tiên Phước led the Quảng Nam mountain cluster in 2024 (published ranking and vote) → Cờ thi đua tỉnh 2024;
- Xã Khâm Đức (merged 01/07/2025 from Thị trấn Khâm Đức and Xã Phước Xuân) carries their titles: the
  Bằng khen tỉnh 2020 and Cờ thi đua tỉnh 2023 of Khâm Đức make it a Bằng khen Thủ tướng candidate in 2025.

A school counts school years (01/09 to 31/08; cycle 2024 is the school year 2024–2025, judged under ND
152/2025 since it ends on 31/08/2025). Trường THPT Huỳnh Thúc Kháng in Tiên Phước is a real school (founded
in 1977 in Tiên Kỳ); its teachers and their records are invented (`SCHOOLS`, `TEACHERS`), evaluated for the
school year 2024–2025 (`SCHOOL_CYCLE`):
- Phan Thị Thanh Thảo: CSTĐCS in the school years 2023–2024 and 2024–2025 → Bằng khen tỉnh;
- Lê Văn Hoàng: recruited 15/10/2024 → LĐTT in the school year 2024–2025 (10 months by 31/08/2025), which on
  the calendar year 2024 he would have missed (2 months by 31/12/2024).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ILLUSTRATIVE_SOURCE = "Dữ liệu minh họa (người và quyết định là giả định)"
CYCLE = 2025  # the year the demo's pages are evaluated for
MOVE_DAY = dt.date(2025, 7, 1)
MOVE_TO = {"QNA-TP": "DNG", "QNA-PS": "DNG", "QBH-MH": "QTR", "QBH-LT": "QTR"}
MOVED_POSITION = "Công chức (bố trí lại khi sắp xếp đơn vị hành chính)"

AUTHORITY = {
    "QNA-TP": "UBND huyện Tiên Phước",
    "QNA-PS": "UBND huyện Phước Sơn",
    "QBH-MH": "UBND huyện Minh Hóa",
    "QBH-LT": "UBND huyện Lệ Thủy",
    "QNA-PS-KD": "UBND thị trấn Khâm Đức",
    "QNA-PS-PX": "UBND xã Phước Xuân",
    "DNG-KD": "UBND xã Khâm Đức",
    "DNG": "UBND thành phố Đà Nẵng",
    "QTR": "UBND tỉnh Quảng Trị",
    "QNA": "UBND tỉnh Quảng Nam",
    "QBH": "UBND tỉnh Quảng Bình",
}
PROVINCE_OF = {
    "QNA-TP": "QNA",
    "QNA-PS": "QNA",
    "QBH-MH": "QBH",
    "QBH-LT": "QBH",
    "QNA-PS-KD": "QNA",
    "QNA-PS-PX": "QNA",
}


@dataclass(frozen=True)
class AwardRow:
    title: str
    cycle: int
    decision_no: str
    decision_date: dt.date
    authority: str
    basis: str = "other"
    kind: str = "cong_trang"
    initiatives: tuple[str, ...] = ()  # keys of the person's initiatives this award used


@dataclass(frozen=True)
class InitiativeRow:
    key: str
    name: str
    scope: str  # co_so | bo_tinh | toan_quoc
    recognised_on: dt.date
    recognised_by: str


@dataclass(frozen=True)
class DisciplineRow:
    level: int  # DisciplineLevel: 1 khiển trách, 2 cảnh cáo…
    start: dt.date
    end: dt.date
    decision_no: str


@dataclass(frozen=True)
class PendingRow:
    kind: str
    since: dt.date
    note: str


@dataclass(frozen=True)
class PersonRow:
    code: str
    name: str
    gender: str  # nam | nu
    born: dt.date | None
    recruited: dt.date
    unit: str  # unit code where the history starts
    position: str
    start: dt.date
    ratings: dict[int, str]
    awards: tuple[AwardRow, ...] = ()
    initiatives: tuple[InitiativeRow, ...] = ()
    disciplines: tuple[DisciplineRow, ...] = ()
    pending: tuple[PendingRow, ...] = ()
    moves: tuple[tuple[str, dt.date, str], ...] = ()  # (unit code, from, position)
    story: str = ""


@dataclass(frozen=True)
class CollectiveRow:
    unit: str
    ratings: dict[int, str]
    awards: tuple[AwardRow, ...] = field(default_factory=tuple)


_SEQ: dict[tuple[str, int], int] = {}


def decision(
    unit: str, title: str, cycle: int, *, basis: str = "other", initiatives: tuple[str, ...] = ()
) -> AwardRow:
    """An invented decision: LĐTT in late December of the year, CSTĐCS in January after it, a Bằng khen or a
    flag in March after it, numbered per authority and year. Titles of 2025 onwards come from the unit the
    district's staff moved to."""
    issuer = unit
    if title in ("BK_TINH", "CO_TINH", "TTLDXS", "CSTD_TINH"):
        issuer = PROVINCE_OF.get(unit, unit)
    if cycle >= 2025 and issuer in MOVE_TO:
        issuer = MOVE_TO[issuer]
    if cycle >= 2025 and issuer in ("QNA", "QBH"):
        issuer = "DNG" if issuer == "QNA" else "QTR"
    day = {
        "LDTT": dt.date(cycle, 12, 20),
        "CSTDCS": dt.date(cycle + 1, 1, 15),
    }.get(title, dt.date(cycle + 1, 3, 10))
    key = (issuer, day.year)
    _SEQ[key] = _SEQ.get(key, 0) + 1
    suffix = "QĐ-UBND" if issuer not in ("QNA", "QBH", "DNG", "QTR") else "QĐ-UBND-TĐKT"
    number = f"{100 + _SEQ[key]}/{suffix}"
    return AwardRow(title, cycle, number, day, AUTHORITY[issuer], basis=basis, initiatives=initiatives)


def ratings(default: str, first: int = 2019, last: int = 2025, **special: str) -> dict[int, str]:
    """`ratings("HTTNV", y2023="HTXSNV")`: a rating per year, some years different, `skip` years left out."""
    out = dict.fromkeys(range(first, last + 1), default)
    for key, value in special.items():
        year = int(key.lstrip("y"))
        if value == "-":
            out.pop(year, None)
        else:
            out[year] = value
    return out


def ldtt(unit: str, years: range | tuple[int, ...]) -> tuple[AwardRow, ...]:
    return tuple(decision(unit, "LDTT", y) for y in years)


def _moved(unit: str) -> tuple[tuple[str, dt.date, str], ...]:
    return ((MOVE_TO[unit], MOVE_DAY, MOVED_POSITION),) if unit in MOVE_TO else ()


def _person(code: str, name: str, gender: str, unit: str, **kw: object) -> PersonRow:
    defaults: dict[str, object] = {
        "born": dt.date(1985, 5, 12),
        "recruited": dt.date(2010, 9, 1),
        "position": "Chuyên viên",
        "start": dt.date(2015, 1, 1),
        "moves": _moved(unit),
    }
    return PersonRow(code=code, name=name, gender=gender, unit=unit, **{**defaults, **kw})  # type: ignore[arg-type]


PEOPLE: list[PersonRow] = [
    _person(
        "DEMO-TP-01",
        "Nguyễn Thị Thu Hương",
        "nu",
        "QNA-TP",
        born=dt.date(1986, 3, 8),
        position="Chuyên viên Phòng Nội vụ",
        ratings=ratings("HTTNV", y2023="HTXSNV", y2024="HTXSNV", y2025="HTXSNV"),
        awards=ldtt("QNA-TP", range(2019, 2025)),
        story="Năm 2025 hoàn thành xuất sắc nhiệm vụ: đủ điều kiện Lao động tiên tiến và Chiến sĩ thi đua cơ sở.",
    ),
    _person(
        "DEMO-TP-02",
        "Trần Văn Đức",
        "nam",
        "QNA-TP",
        born=dt.date(1979, 11, 2),
        recruited=dt.date(2004, 7, 1),
        position="Phó Trưởng phòng Tài chính – Kế hoạch",
        ratings=ratings("HTXSNV", y2019="HTTNV", y2020="HTTNV"),
        awards=(
            *ldtt("QNA-TP", range(2019, 2026)),
            decision("QNA-TP", "CSTDCS", 2023, basis="htxsnv"),
            decision("QNA-TP", "CSTDCS", 2024, basis="htxsnv"),
            decision("QNA-TP", "CSTDCS", 2025, basis="htxsnv"),
        ),
        initiatives=(
            InitiativeRow(
                "ns",
                "Quy trình thẩm định dự toán ngân sách xã trên phần mềm dùng chung",
                "bo_tinh",
                dt.date(2024, 11, 15),
                "Chủ tịch UBND tỉnh Quảng Nam",
            ),
        ),
        story="Ba lần liên tục Chiến sĩ thi đua cơ sở (2023–2025) và một sáng kiến cấp tỉnh chưa dùng: "
        "ứng viên Chiến sĩ thi đua cấp tỉnh.",
    ),
    _person(
        "DEMO-TP-03",
        "Huỳnh Văn Nam",
        "nam",
        "QNA-TP",
        born=dt.date(1990, 1, 20),
        recruited=dt.date(2014, 3, 1),
        ratings=ratings("HTTNV"),
        awards=ldtt("QNA-TP", range(2019, 2025)),
        story="Hoàn thành tốt nhiệm vụ, chưa có sáng kiến: đủ điều kiện Lao động tiên tiến, chưa đủ Chiến sĩ thi đua cơ sở.",
    ),
    _person(
        "DEMO-PS-01",
        "Lê Thị Mỹ Linh",
        "nu",
        "QNA-PS",
        born=dt.date(1988, 8, 30),
        position="Chuyên viên Phòng Giáo dục và Đào tạo",
        ratings=ratings("HTTNV", y2023="HTXSNV", y2025="HTXSNV"),
        awards=(
            *ldtt("QNA-PS", range(2019, 2026)),
            decision("QNA-PS", "CSTDCS", 2023, basis="htxsnv"),
            decision("QNA-PS", "CSTDCS", 2025, basis="htxsnv"),
        ),
        initiatives=(
            InitiativeRow(
                "gd",
                "Mô hình lớp học hai buổi/ngày cho học sinh dân tộc thiểu số",
                "bo_tinh",
                dt.date(2025, 10, 3),
                "Chủ tịch UBND thành phố Đà Nẵng",
            ),
        ),
        story="Chiến sĩ thi đua cơ sở 2023 và 2025 nhưng không có năm 2024: chưa đủ ba lần liên tục.",
    ),
    _person(
        "DEMO-PS-02",
        "Phạm Quốc Bảo",
        "nam",
        "QNA-PS",
        born=dt.date(1984, 6, 14),
        position="Chuyên viên Văn phòng HĐND và UBND",
        ratings=ratings("HTTNV", y2024="HTXSNV", y2025="HTXSNV"),
        awards=(
            *ldtt("QNA-PS", range(2019, 2026)),
            decision("QNA-PS", "CSTDCS", 2024, basis="initiative", initiatives=("so-tay",)),
        ),
        initiatives=(
            InitiativeRow(
                "so-tay",
                "Sổ tay điện tử hướng dẫn thủ tục hành chính một cửa",
                "co_so",
                dt.date(2024, 10, 20),
                "Chủ tịch UBND huyện Phước Sơn",
            ),
            InitiativeRow(
                "luu-tru",
                "Số hóa hồ sơ lưu trữ của Văn phòng",
                "co_so",
                dt.date(2025, 9, 12),
                "Chủ tịch UBND thành phố Đà Nẵng",
            ),
        ),
        story="Sáng kiến “Sổ tay điện tử” đã dùng cho Chiến sĩ thi đua cơ sở 2024, không được dùng lại: "
        "chưa đủ hai sáng kiến cho Bằng khen tỉnh.",
    ),
    _person(
        "DEMO-MH-01",
        "Đinh Văn Hùng",
        "nam",
        "QBH-MH",
        born=dt.date(1982, 2, 5),
        position="Chuyên viên Phòng Nông nghiệp",
        ratings=ratings("HTXSNV", y2023="-"),
        awards=(
            *ldtt("QBH-MH", (2019, 2020, 2021, 2022, 2024, 2025)),
            decision("QBH-MH", "CSTDCS", 2021, basis="htxsnv"),
            decision("QBH-MH", "CSTDCS", 2022, basis="htxsnv"),
            decision("QBH-MH", "CSTDCS", 2024, basis="htxsnv"),
            decision("QBH-MH", "CSTDCS", 2025, basis="htxsnv"),
        ),
        story="Năm 2023 đi học tập trung dài hạn, không xếp loại: chuỗi Chiến sĩ thi đua cơ sở bị gián đoạn. "
        "Đủ điều kiện Bằng khen tỉnh (2024, 2025), chưa đủ Chiến sĩ thi đua cấp tỉnh.",
    ),
    _person(
        "DEMO-MH-02",
        "Cao Thị Hà",
        "nu",
        "QBH-MH",
        born=dt.date(1983, 12, 1),
        position="Kế toán",
        ratings=ratings("HTTNV", y2025="HTXSNV"),
        awards=ldtt("QBH-MH", range(2019, 2025)),
        pending=(
            PendingRow(
                "thanh_tra", dt.date(2025, 10, 15), "Thanh tra công tác tài chính năm 2024 (minh họa)"
            ),
        ),
        story="Đang trong thời gian thanh tra từ 15/10/2025: chưa được xét khen thưởng.",
    ),
    _person(
        "DEMO-LT-01",
        "Hoàng Thị Ngọc Ánh",
        "nu",
        "QBH-LT",
        born=dt.date(1987, 4, 22),
        position="Chuyên viên Phòng Tư pháp",
        ratings=ratings("HTTNV", y2021="HTXSNV", y2022="HTXSNV", y2023="HTNV", y2025="HTXSNV"),
        awards=(
            *ldtt("QBH-LT", (2019, 2020, 2021, 2022)),
            decision("QBH-LT", "CSTDCS", 2021, basis="htxsnv"),
            decision("QBH-LT", "CSTDCS", 2022, basis="htxsnv"),
        ),
        disciplines=(DisciplineRow(1, dt.date(2023, 4, 10), dt.date(2024, 4, 9), "35/QĐ-UBND"),),
        story="Bị kỷ luật khiển trách từ 10/04/2023 đến 09/04/2024: thành tích chỉ tính lại từ năm 2025.",
    ),
    _person(
        "DEMO-LT-02",
        "Võ Minh Tâm",
        "nam",
        "QBH-LT",
        born=dt.date(1981, 9, 9),
        position="Trưởng phòng Văn hóa và Thông tin",
        ratings=ratings("HTTNV", y2024="HTXSNV", y2025="HTXSNV"),
        awards=(
            *ldtt("QBH-LT", range(2019, 2026)),
            decision("QBH-LT", "CSTDCS", 2024, basis="htxsnv"),
            decision("QBH-LT", "CSTDCS", 2025, basis="htxsnv"),
        ),
        story="Hai năm liên tục Chiến sĩ thi đua cơ sở (2024, 2025): đủ điều kiện Bằng khen tỉnh.",
    ),
    _person(
        "DEMO-KD-01",
        "Bùi Thị Thanh Tâm",
        "nu",
        "DNG-KD",
        born=dt.date(2001, 7, 7),
        recruited=dt.date(2025, 9, 1),
        start=dt.date(2025, 9, 1),
        position="Công chức Văn phòng – Thống kê",
        ratings={2025: "HTTNV"},
        moves=(),
        story="Tuyển dụng ngày 01/09/2025, chưa đủ 6 tháng công tác: chưa xét Lao động tiên tiến năm 2025.",
    ),
]

# Invented staff who make up the collectives' counts (2024): Lệ Thủy 10 members, 7 LĐTT; Minh Hóa 13, 9.
_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
_MIDDLE_M, _MIDDLE_F = ["Văn", "Hữu", "Đức", "Quang"], ["Thị", "Thị Thu", "Thị Minh", "Ngọc"]
_GIVEN_M = ["An", "Bình", "Công", "Dũng", "Hải", "Khoa", "Long", "Phúc", "Quân", "Sơn", "Thắng", "Việt"]
_GIVEN_F = ["Anh", "Chi", "Diệp", "Giang", "Hạnh", "Huyền", "Lan", "Mai", "Nga", "Phương", "Thảo", "Yến"]


def _staff(unit: str, count: int, with_ldtt: int, seed: int, prefix: str) -> list[PersonRow]:
    rows = []
    for i in range(count):
        female = (i + seed) % 2 == 0
        name = " ".join(
            (
                _FAMILY[(i * 5 + seed) % len(_FAMILY)],
                (_MIDDLE_F if female else _MIDDLE_M)[(i + seed) % 4],
                (_GIVEN_F if female else _GIVEN_M)[(i * 7 + seed) % 12],
            )
        )
        has = i < with_ldtt
        rows.append(
            _person(
                f"{prefix}-{i + 1:02d}",
                name,
                "nu" if female else "nam",
                unit,
                born=dt.date(1975 + (i * 3 + seed) % 25, 1 + i % 12, 1 + (i * 11) % 28),
                ratings=ratings("HTTNV" if has else "HTNV", first=2022, last=2025),
                awards=ldtt(unit, (2022, 2023, 2024)) if has else (),
            )
        )
    return rows


# Lệ Thủy: the two story people (Tâm holds LĐTT 2024, Ánh does not) + 8 staff of whom 6 hold it → 7 of 10.
STAFF: list[PersonRow] = [
    *_staff("QBH-LT", 8, 6, 1, "DEMO-LT-NV"),
    # Minh Hóa: Hùng and Hà hold LĐTT 2024 + 11 staff of whom 7 hold it → 9 of 13.
    *_staff("QBH-MH", 11, 7, 2, "DEMO-MH-NV"),
    # Khâm Đức and Phước Xuân: their staff move to the merged Xã Khâm Đức on 01/07/2025.
    *[
        PersonRow(**{**row.__dict__, "moves": (("DNG-KD", MOVE_DAY, "Công chức xã Khâm Đức"),)})
        for row in _staff("QNA-PS-KD", 3, 3, 3, "DEMO-KD-NV")
    ],
    *[
        PersonRow(**{**row.__dict__, "moves": (("DNG-KD", MOVE_DAY, "Công chức xã Khâm Đức"),)})
        for row in _staff("QNA-PS-PX", 2, 2, 4, "DEMO-PX-NV")
    ],
]

COLLECTIVES: list[CollectiveRow] = [
    CollectiveRow("QNA-TP", ratings("HTXSNV", last=2024)),
    CollectiveRow("QBH-LT", ratings("HTTNV", last=2024)),
    CollectiveRow("QBH-MH", ratings("HTTNV", last=2024)),
    CollectiveRow(
        "QNA-PS-KD",
        ratings("HTTNV", last=2024, y2023="HTXSNV", y2024="HTXSNV"),
        (decision("QNA-PS-KD", "BK_TINH", 2020), decision("QNA-PS-KD", "CO_TINH", 2023)),
    ),
    CollectiveRow("QNA-PS-PX", ratings("HTTNV", last=2024), (decision("QNA-PS-PX", "BK_TINH", 2024),)),
    CollectiveRow("DNG-KD", {2025: "HTXSNV"}),
]

RATING_CODES = {"HTXSNV": 4, "HTTNV": 3, "HTNV": 2, "KHTNV": 1}


@dataclass(frozen=True)
class SchoolRow:
    """A unit the awards loader creates: a school that counts school years (`Unit.cycle_kind = "school"`),
    or, with `armed_forces`, a police or military unit whose people are Chiến sĩ tiên tiến, not LĐTT."""

    code: str
    name: str
    kind: str
    parent: str
    note: str = ""
    cycle_kind: str = "school"
    armed_forces: bool = False


SCHOOL_CYCLE = 2024  # the school year 2024–2025, the latest whole one in the demo
SCHOOL = "QNA-TP-HTK"
SCHOOLS: list[SchoolRow] = [
    SchoolRow(
        SCHOOL,
        "Trường THPT Huỳnh Thúc Kháng (Tiên Phước)",
        "co_quan",
        "QNA",
        "Trường trung học phổ thông ở thị trấn Tiên Kỳ, huyện Tiên Phước, thành lập năm 1977; trực thuộc Sở "
        "Giáo dục và Đào tạo. Xét thi đua theo năm học. Giáo viên và hồ sơ của họ trong bản demo là giả định.",
    ),
]
_PRINCIPAL = "Hiệu trưởng Trường THPT Huỳnh Thúc Kháng"
_DOET = {2023: "Giám đốc Sở Giáo dục và Đào tạo tỉnh Quảng Nam"}
_DOET_AFTER = "Giám đốc Sở Giáo dục và Đào tạo thành phố Đà Nẵng"


def school_decision(title: str, cycle: int, number: int, *, basis: str = "other") -> AwardRow:
    """An invented decision at the end of school year `cycle`–`cycle + 1`: LĐTT by the principal in late
    July, CSTĐCS by the Director of the Department of Education in mid-August."""
    if title == "LDTT":
        return AwardRow(
            title, cycle, f"{number}/QĐ-THPTHTK", dt.date(cycle + 1, 7, 28), _PRINCIPAL, basis=basis
        )
    authority = _DOET.get(cycle, _DOET_AFTER)
    return AwardRow(title, cycle, f"{number}/QĐ-SGDĐT", dt.date(cycle + 1, 8, 15), authority, basis=basis)


TEACHERS: list[PersonRow] = [
    _person(
        "DEMO-HTK-01",
        "Phan Thị Thanh Thảo",
        "nu",
        SCHOOL,
        born=dt.date(1987, 10, 20),
        recruited=dt.date(2011, 9, 5),
        start=dt.date(2011, 9, 5),
        position="Giáo viên Ngữ văn, Tổ trưởng chuyên môn",
        ratings=ratings("HTTNV", first=2019, last=SCHOOL_CYCLE, y2023="HTXSNV", y2024="HTXSNV"),
        awards=(
            *(school_decision("LDTT", y, 40 + y - 2019) for y in range(2019, SCHOOL_CYCLE + 1)),
            school_decision("CSTDCS", 2023, 812, basis="htxsnv"),
            school_decision("CSTDCS", 2024, 905, basis="htxsnv"),
        ),
        story="Chiến sĩ thi đua cơ sở hai năm học liên tục (2023–2024, 2024–2025): đủ điều kiện Bằng khen "
        "tỉnh, xét theo năm học 2024–2025.",
    ),
    _person(
        "DEMO-HTK-02",
        "Lê Văn Hoàng",
        "nam",
        SCHOOL,
        born=dt.date(2001, 4, 2),
        recruited=dt.date(2024, 10, 15),
        start=dt.date(2024, 10, 15),
        position="Giáo viên Toán",
        ratings={SCHOOL_CYCLE: "HTTNV"},
        story="Tuyển dụng ngày 15/10/2024: đến hết năm học 2024–2025 (31/08/2025) công tác hơn 10 tháng, đủ "
        "điều kiện Lao động tiên tiến; nếu tính theo năm 2024 thì chưa đủ 6 tháng.",
    ),
]


# The armed forces: a unit of the people's police judges its people for Chiến sĩ tiên tiến (CSTT) where
# others are judged for Lao động tiên tiến (LĐTT). Công an tỉnh Quảng Nam is real; its officer and her
# records are invented, evaluated for 2024 (the Law 2022 with Decree 98/2023):
# - Đại úy Trương Thị Ngân: CSTT 2019–2023, rated HTTNV in 2024 → CSTT 2024 (never LĐTT), CSTĐCS not yet.
POLICE = "QNA-CA"
SCHOOLS.append(
    SchoolRow(
        POLICE,
        "Công an tỉnh Quảng Nam",
        "co_quan",
        "QNA",
        "Lực lượng vũ trang: cán bộ, chiến sĩ được xét danh hiệu Chiến sĩ tiên tiến thay cho Lao động tiên "
        "tiến. Cán bộ và hồ sơ của họ trong bản demo là giả định; việc sắp xếp lực lượng Công an năm 2025 "
        "không được mô phỏng.",
        cycle_kind="calendar",
        armed_forces=True,
    )
)
POLICE_CYCLE = 2024
_POLICE_DIRECTOR = "Giám đốc Công an tỉnh Quảng Nam"
OFFICERS: list[PersonRow] = [
    _person(
        "DEMO-CA-01",
        "Trương Thị Ngân",
        "nu",
        POLICE,
        born=dt.date(1990, 6, 14),
        recruited=dt.date(2012, 9, 1),
        start=dt.date(2012, 9, 1),
        position="Đại úy, cán bộ Phòng Tham mưu",
        ratings=ratings("HTTNV", first=2019, last=POLICE_CYCLE),
        awards=tuple(
            AwardRow("CSTT", y, f"{300 + y - 2019}/QĐ-CAT", dt.date(y, 12, 22), _POLICE_DIRECTOR)
            for y in range(2019, POLICE_CYCLE)
        ),
        story="Cán bộ Công an (lực lượng vũ trang): năm 2024 hoàn thành tốt nhiệm vụ, đủ điều kiện Chiến sĩ "
        "tiên tiến, không xét Lao động tiên tiến.",
    ),
]
# The collective is judged for Đơn vị tiên tiến / Đơn vị quyết thắng (Law 2022 Art. 27–28), not TTLĐTT /
# TTLĐXS: Đơn vị tiên tiến 2023; in 2024 rated HTTNV, but its officer's CSTT 2024 is not recorded yet, so
# 0/1 of its members holds CSTT and Đơn vị tiên tiến 2024 is "not yet" until the director records it.
COLLECTIVES.append(
    CollectiveRow(
        POLICE,
        ratings("HTTNV", first=2019, last=POLICE_CYCLE),
        (AwardRow("DVTT", 2023, "355/QĐ-CAT", dt.date(2023, 12, 26), _POLICE_DIRECTOR),),
    )
)
