"""The catalogue of titles (danh hiệu thi đua) and forms of commendation (hình thức khen thưởng), as data.
Pure: no Django.

Each entry gives the Vietnamese name, the subjects it is for, who awards it (from 01/07/2025, and before
if different), the reward as a multiple of the base salary under Decree 152/2025/NĐ-CP per subject kind,
how its cycles are counted, and the article of Law 06/2022/QH15 that defines it. Every fact carries the
verification tag of ../shared/domain/legal-rules.md: V seen quoted, V-old repealed text, V-2nd secondary
source, R recalled and unverified (shown as such wherever it is displayed).

The codes are stored in the database by the Django side: never rename one. `TITLE_INDEX` gives each code
a stable small integer for the columnar batch path (`tdkt.awards.batch`); new codes take new numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from tdkt.awards.subjects import (
    CYCLE_CALENDAR,
    CYCLE_SCHOOL,
    SUBJECT_COLLECTIVE,
    SUBJECT_COMMUNE,
    SUBJECT_HOUSEHOLD,
    SUBJECT_INDIVIDUAL,
    SUBJECT_VILLAGE,
)

# Base salary (lương cơ sở) from 01/07/2024, Decree 73/2024/NĐ-CP [V].
BASE_SALARY = Decimal("2340000")
BASE_SALARY_CITATION = "Nghị định 73/2024/NĐ-CP (mức lương cơ sở 2.340.000 đồng/tháng)"
REWARD_CITATION = "Nghị định 152/2025/NĐ-CP (mức tiền thưởng theo hệ số mức lương cơ sở)"

KIND_TITLE = "danh_hieu"  # danh hiệu thi đua
KIND_FORM = "hinh_thuc"  # hình thức khen thưởng
KIND_NAMES = {KIND_TITLE: "danh hiệu thi đua", KIND_FORM: "hình thức khen thưởng"}

CYCLE_NAMES = {CYCLE_CALENDAR: "năm dương lịch", CYCLE_SCHOOL: "năm học"}


@dataclass(frozen=True, slots=True)
class Reward:
    """The reward for one kind of subject: `multiple` × base salary (None: no amount found)."""

    subject_kind: str
    multiple: Decimal | None
    tag: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Title:
    code: str
    index: int  # stable small integer for the batch path
    name: str  # Vietnamese, in full
    short: str  # Vietnamese short form used in explanations ("CSTĐCS")
    kind: str  # KIND_TITLE | KIND_FORM
    subject_kinds: tuple[str, ...]
    authority: str  # who awards it from 01/07/2025
    authority_before: str  # before 01/07/2025, when different ("" when the same)
    authority_tag: str
    rewards: tuple[Reward, ...]
    article: str  # the defining article
    article_tag: str
    cycle_kinds: tuple[str, ...] = (CYCLE_CALENDAR, CYCLE_SCHOOL)  # the first is the default
    period_years: int = 1  # how many cycles of achievement one award covers (GEN_09: the next window)
    # The same title under its other name: LĐTT ↔ CSTT, TTLĐTT ↔ Đơn vị tiên tiến, TTLĐXS ↔ Đơn vị quyết
    # thắng (Law 2022 Art. 24, 27, 28). A subject receives the name of its side (`armed_forces`), and a
    # condition on one counts the other.
    armed_forces_equivalent: str = ""
    armed_forces: bool = False  # the name used in the army, the police and the militia
    note: str = ""

    @property
    def cycle_kind(self) -> str:
        return self.cycle_kinds[0]

    def reward_for(self, subject_kind: str) -> Reward | None:
        for reward in self.rewards:
            if reward.subject_kind == subject_kind:
                return reward
        return None


IND, C, H, V, X = SUBJECT_INDIVIDUAL, SUBJECT_COLLECTIVE, SUBJECT_HOUSEHOLD, SUBJECT_VILLAGE, SUBJECT_COMMUNE


def _r(kind: str, multiple: str | None, tag: str, note: str = "") -> Reward:
    return Reward(kind, Decimal(multiple) if multiple is not None else None, tag, note)


_HEAD = "Thủ trưởng cơ quan, đơn vị"
_HEAD_MINISTRY_PROVINCE = "Bộ trưởng, Thủ trưởng cơ quan trung ương; Chủ tịch Ủy ban nhân dân cấp tỉnh"
_PM = "Thủ tướng Chính phủ"

TITLES: tuple[Title, ...] = (
    Title(
        code="LDTT",
        index=0,
        name="Lao động tiên tiến",
        short="LĐTT",
        kind=KIND_TITLE,
        subject_kinds=(IND,),
        authority=f"{_HEAD}; Chủ tịch Ủy ban nhân dân cấp xã (cán bộ, công chức cấp xã)",
        authority_before=f"{_HEAD}; Chủ tịch Ủy ban nhân dân cấp xã, cấp huyện",
        authority_tag="R",
        rewards=(_r(IND, "0.3", "V"),),
        article="Luật Thi đua, khen thưởng 2022, Điều 24",
        article_tag="V",
        armed_forces_equivalent="CSTT",
    ),
    Title(
        code="CSTT",
        index=1,
        name="Chiến sĩ tiên tiến",
        short="CSTT",
        kind=KIND_TITLE,
        subject_kinds=(IND,),
        authority="Thủ trưởng đơn vị trong Quân đội nhân dân, Công an nhân dân, Dân quân tự vệ",
        authority_before="",
        authority_tag="R",
        rewards=(_r(IND, "0.3", "V"),),
        article="Luật Thi đua, khen thưởng 2022, Điều 24",
        article_tag="V",
        armed_forces_equivalent="LDTT",
        armed_forces=True,
        note="Danh hiệu tương đương Lao động tiên tiến cho lực lượng vũ trang.",
    ),
    Title(
        code="CSTDCS",
        index=2,
        name="Chiến sĩ thi đua cơ sở",
        short="CSTĐCS",
        kind=KIND_TITLE,
        subject_kinds=(IND,),
        authority=(
            "Thủ trưởng cơ quan, đơn vị thuộc bộ, ngành, tỉnh (ví dụ Giám đốc Sở); "
            "Chủ tịch Ủy ban nhân dân cấp xã"
        ),
        authority_before=(
            "Thủ trưởng cơ quan, đơn vị thuộc bộ, ngành, tỉnh; Chủ tịch Ủy ban nhân dân cấp huyện"
        ),
        authority_tag="R",
        rewards=(_r(IND, "1.0", "V"),),
        article="Luật Thi đua, khen thưởng 2022, Điều 23",
        article_tag="V",
    ),
    Title(
        code="CSTD_TINH",
        index=3,
        name="Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh",
        short="CSTĐ tỉnh",
        kind=KIND_TITLE,
        subject_kinds=(IND,),
        authority=_HEAD_MINISTRY_PROVINCE,
        authority_before="",
        authority_tag="R",
        rewards=(_r(IND, "3.0", "V"),),
        article="Luật Thi đua, khen thưởng 2022, Điều 22",
        article_tag="V",
        period_years=3,
    ),
    Title(
        code="CSTDTQ",
        index=4,
        name="Chiến sĩ thi đua toàn quốc",
        short="CSTĐTQ",
        kind=KIND_TITLE,
        subject_kinds=(IND,),
        authority=_PM,
        authority_before="",
        authority_tag="R",
        rewards=(_r(IND, "4.5", "V"),),
        article="Luật Thi đua, khen thưởng 2022, Điều 21",
        article_tag="V",
        period_years=6,
    ),
    Title(
        code="BK_TINH",
        index=5,
        name="Bằng khen của Bộ trưởng, Thủ trưởng cơ quan trung ương, Chủ tịch Ủy ban nhân dân cấp tỉnh",
        short="Bằng khen tỉnh",
        kind=KIND_FORM,
        subject_kinds=(IND, C, X, H),
        authority=_HEAD_MINISTRY_PROVINCE,
        authority_before="",
        authority_tag="R",
        rewards=(
            _r(IND, "1.0", "R"),
            _r(C, "2.0", "R"),
            _r(X, "2.0", "R"),
            _r(H, "1.5", "R", "Hộ gia đình: 1,5 lần mức của cá nhân."),
        ),
        article="Luật Thi đua, khen thưởng 2022, Điều 74",
        article_tag="V",
        period_years=2,
    ),
    Title(
        code="BK_TTG",
        index=6,
        name="Bằng khen của Thủ tướng Chính phủ",
        short="Bằng khen Thủ tướng",
        kind=KIND_FORM,
        subject_kinds=(IND, C, X),
        authority=_PM,
        authority_before="",
        authority_tag="V",
        rewards=(_r(IND, "1.5", "R"), _r(C, "3.0", "R"), _r(X, "3.0", "R")),
        article="Luật Thi đua, khen thưởng 2022, Điều 73",
        article_tag="V",
        period_years=5,
    ),
    Title(
        code="GK",
        index=7,
        name="Giấy khen",
        short="Giấy khen",
        kind=KIND_FORM,
        subject_kinds=(IND, C, H),
        authority=f"{_HEAD}; Chủ tịch Ủy ban nhân dân cấp xã",
        authority_before=f"{_HEAD}; Chủ tịch Ủy ban nhân dân cấp xã, cấp huyện",
        authority_tag="R",
        rewards=(
            _r(IND, "0.3", "V", "Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã."),
            _r(C, "0.6", "R"),
            _r(H, "0.45", "V", "Hộ gia đình: 1,5 lần mức của cá nhân."),
        ),
        article="Luật Thi đua, khen thưởng 2022, Điều 75",
        article_tag="R",
    ),
    Title(
        code="HCLD3",
        index=8,
        name="Huân chương Lao động hạng Ba",
        short="HCLĐ hạng Ba",
        kind=KIND_FORM,
        subject_kinds=(IND, C, X),
        authority="Chủ tịch nước",
        authority_before="",
        authority_tag="R",
        rewards=(_r(IND, "4.5", "R"), _r(C, "9.0", "R"), _r(X, "9.0", "R")),
        article="Luật Thi đua, khen thưởng 2022, Điều 44",
        article_tag="V",
        period_years=5,
    ),
    Title(
        code="TTLDTT",
        index=9,
        name="Tập thể lao động tiên tiến",
        short="TTLĐTT",
        kind=KIND_TITLE,
        subject_kinds=(C,),
        authority=f"{_HEAD}; Chủ tịch Ủy ban nhân dân cấp xã",
        authority_before=f"{_HEAD}; Chủ tịch Ủy ban nhân dân cấp huyện",
        authority_tag="R",
        rewards=(_r(C, "0.8", "V"),),
        article="Luật Thi đua, khen thưởng 2022, Điều 28",
        article_tag="V",
        armed_forces_equivalent="DVTT",
    ),
    Title(
        code="DVTT",
        index=16,
        name="Đơn vị tiên tiến",
        short="ĐVTT",
        kind=KIND_TITLE,
        subject_kinds=(C,),
        authority="Thủ trưởng đơn vị trong Quân đội nhân dân, Công an nhân dân, Dân quân tự vệ",
        authority_before="",
        authority_tag="R",
        rewards=(_r(C, "0.8", "V"),),
        article="Luật Thi đua, khen thưởng 2022, Điều 28",
        article_tag="V",
        armed_forces_equivalent="TTLDTT",
        armed_forces=True,
        note="Danh hiệu tương đương Tập thể lao động tiên tiến cho lực lượng vũ trang.",
    ),
    Title(
        code="TTLDXS",
        index=10,
        name="Tập thể lao động xuất sắc",
        short="TTLĐXS",
        kind=KIND_TITLE,
        subject_kinds=(C,),
        authority=_HEAD_MINISTRY_PROVINCE,
        authority_before="",
        authority_tag="R",
        rewards=(_r(C, "1.5", "V"),),
        article="Luật Thi đua, khen thưởng 2022, Điều 27",
        article_tag="V",
        armed_forces_equivalent="DVQT",
    ),
    Title(
        code="DVQT",
        index=17,
        name="Đơn vị quyết thắng",
        short="ĐVQT",
        kind=KIND_TITLE,
        subject_kinds=(C,),
        authority="Bộ trưởng Bộ Quốc phòng, Bộ trưởng Bộ Công an",
        authority_before="",
        authority_tag="R",
        rewards=(_r(C, "1.5", "V"),),
        article="Luật Thi đua, khen thưởng 2022, Điều 27",
        article_tag="V",
        armed_forces_equivalent="TTLDXS",
        armed_forces=True,
        note="Danh hiệu tương đương Tập thể lao động xuất sắc cho lực lượng vũ trang.",
    ),
    Title(
        code="CO_TINH",
        index=11,
        name="Cờ thi đua của bộ, ban, ngành, tỉnh",
        short="Cờ thi đua tỉnh",
        kind=KIND_TITLE,
        subject_kinds=(C, X),
        authority=_HEAD_MINISTRY_PROVINCE,
        authority_before="",
        authority_tag="R",
        rewards=(_r(C, "8.0", "V", "Kèm cờ."), _r(X, "8.0", "V", "Kèm cờ.")),
        article="Luật Thi đua, khen thưởng 2022, Điều 26",
        article_tag="V",
    ),
    Title(
        code="CO_CP",
        index=12,
        name="Cờ thi đua của Chính phủ",
        short="Cờ thi đua Chính phủ",
        kind=KIND_TITLE,
        subject_kinds=(C, X),
        authority=_PM,
        authority_before="",
        authority_tag="R",
        rewards=(_r(C, "12.0", "V", "Kèm cờ."), _r(X, "12.0", "V", "Kèm cờ.")),
        article="Luật Thi đua, khen thưởng 2022, Điều 25",
        article_tag="V",
    ),
    Title(
        code="XA_TIEU_BIEU",
        index=13,
        name="Xã, phường, đặc khu tiêu biểu",
        short="Xã tiêu biểu",
        kind=KIND_TITLE,
        subject_kinds=(X,),
        authority="Chủ tịch Ủy ban nhân dân cấp tỉnh",
        authority_before="Chủ tịch Ủy ban nhân dân cấp huyện",
        authority_tag="R",
        rewards=(_r(X, "2.0", "V"),),
        article="Luật Thi đua, khen thưởng 2022, Điều 29",
        article_tag="V",
        cycle_kinds=(CYCLE_CALENDAR,),
    ),
    Title(
        code="THON_VH",
        index=14,
        name="Thôn, tổ dân phố văn hóa",
        short="Thôn văn hóa",
        kind=KIND_TITLE,
        subject_kinds=(V,),
        authority="Chủ tịch Ủy ban nhân dân cấp xã",
        authority_before="Chủ tịch Ủy ban nhân dân cấp huyện",
        authority_tag="V-2nd",
        rewards=(_r(V, "1.5", "V"),),
        article="Luật Thi đua, khen thưởng 2022, Điều 30",
        article_tag="V",
        cycle_kinds=(CYCLE_CALENDAR,),
    ),
    Title(
        code="GDVH",
        index=15,
        name="Gia đình văn hóa",
        short="Gia đình văn hóa",
        kind=KIND_TITLE,
        subject_kinds=(H,),
        authority="Chủ tịch Ủy ban nhân dân cấp xã",
        authority_before="",
        authority_tag="R",
        rewards=(_r(H, None, "R", "Chưa thấy mức tiền thưởng trong các nguồn đã đối chiếu."),),
        article="Luật Thi đua, khen thưởng 2022, Điều 31; Nghị định 86/2023/NĐ-CP",
        article_tag="V",
        cycle_kinds=(CYCLE_CALENDAR,),
    ),
)

CATALOGUE: dict[str, Title] = {t.code: t for t in TITLES}
TITLE_CODES: tuple[str, ...] = tuple(t.code for t in TITLES)
TITLE_INDEX: dict[str, int] = {t.code: t.index for t in TITLES}
TITLE_ORDER: dict[str, int] = {t.code: i for i, t in enumerate(TITLES)}  # the catalogue's order, for display
INDEX_TITLE: dict[int, str] = {t.index: t.code for t in TITLES}
INDIVIDUAL_TITLES: tuple[str, ...] = tuple(t.code for t in TITLES if SUBJECT_INDIVIDUAL in t.subject_kinds)
COLLECTIVE_TITLES: tuple[str, ...] = tuple(
    t.code for t in TITLES if SUBJECT_COLLECTIVE in t.subject_kinds or SUBJECT_COMMUNE in t.subject_kinds
)


def titles_for(subject_kind: str) -> tuple[str, ...]:
    """The catalogue codes a kind of subject can receive, in catalogue order."""
    return tuple(t.code for t in TITLES if subject_kind in t.subject_kinds)


def title(code: str) -> Title:
    """The catalogue entry; KeyError with a Vietnamese message on an unknown code."""
    try:
        return CATALOGUE[code]
    except KeyError:
        raise KeyError(f"Không có danh hiệu, hình thức khen thưởng mã “{code}” trong danh mục") from None


def reward_multiple(code: str, subject_kind: str = SUBJECT_INDIVIDUAL) -> Decimal | None:
    """The multiple of the base salary (ND 152/2025) for this title and kind of subject, or None."""
    reward = title(code).reward_for(subject_kind)
    return reward.multiple if reward else None


def reward_amount(
    code: str, subject_kind: str = SUBJECT_INDIVIDUAL, *, base_salary: Decimal = BASE_SALARY
) -> Decimal | None:
    """The reward in VND: multiple × base salary (0,3 × 2.340.000 = 702.000), or None when no amount is
    known. Rounded once, half up, to whole đồng; with the current base salary every multiple in the
    catalogue is exact already."""
    multiple = reward_multiple(code, subject_kind)
    if multiple is None:
        return None
    return (multiple * base_salary).quantize(Decimal(1), rounding=ROUND_HALF_UP)
