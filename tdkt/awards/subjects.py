"""What the eligibility engine reads: subjects (people and collectives) and their histories, as frozen
plain values. Pure: no Django. The database side (`tdkt.awards.selectors`) and the JSON side
(`tdkt.awards.jsonio`) both build these; the engine (`tdkt.awards.engine`) only reads them.

Cycles. A record's `cycle` is an int: the calendar year, or for titles counted on school years the year
the school year starts in (2023 = school year 2023–2024). The catalogue says which titles use which.

History follows lineage: the selector gives a collective the records of its predecessors too, each with
`source` naming where it came from ("Huyện Hiệp Đức, trước sáp nhập 01/07/2025"), so a verdict can say
which unit earned it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum


class Rating(IntEnum):
    """The yearly task rating (xếp loại chất lượng / mức độ hoàn thành nhiệm vụ), ordered."""

    KHTNV = 1  # không hoàn thành nhiệm vụ
    HTNV = 2  # hoàn thành nhiệm vụ
    HTTNV = 3  # hoàn thành tốt nhiệm vụ
    HTXSNV = 4  # hoàn thành xuất sắc nhiệm vụ


class DisciplineLevel(IntEnum):
    """Disciplinary measures for officials, ordered from the lightest."""

    KHIEN_TRACH = 1  # khiển trách
    CANH_CAO = 2  # cảnh cáo
    HA_BAC_LUONG = 3  # hạ bậc lương
    GIANG_CHUC = 4  # giáng chức
    CACH_CHUC = 5  # cách chức
    BUOC_THOI_VIEC = 6  # buộc thôi việc


# Scopes of an initiative or S&T work: recognised at the grassroots unit, by a ministry/province, nationwide.
SCOPE_CO_SO, SCOPE_BO_TINH, SCOPE_TOAN_QUOC = "co_so", "bo_tinh", "toan_quoc"
SCOPES = (SCOPE_CO_SO, SCOPE_BO_TINH, SCOPE_TOAN_QUOC)

# Types of commendation (Law Art. 8): only merit awards count as the basis of later merit awards (GEN_03).
KIND_CONG_TRANG, KIND_DOT_XUAT, KIND_CHUYEN_DE = "cong_trang", "dot_xuat", "chuyen_de"
AWARD_KINDS = (KIND_CONG_TRANG, KIND_DOT_XUAT, KIND_CHUYEN_DE)

# What a CSTĐCS (or another award) was granted on: excellent task completion, or initiatives.
BASIS_HTXSNV, BASIS_INITIATIVE, BASIS_OTHER = "htxsnv", "initiative", "other"

SUBJECT_INDIVIDUAL, SUBJECT_COLLECTIVE, SUBJECT_HOUSEHOLD, SUBJECT_VILLAGE, SUBJECT_COMMUNE = (
    "individual",
    "collective",
    "household",
    "village",
    "commune",
)
SUBJECT_KINDS = (SUBJECT_INDIVIDUAL, SUBJECT_COLLECTIVE, SUBJECT_HOUSEHOLD, SUBJECT_VILLAGE, SUBJECT_COMMUNE)

# How cycles are counted: calendar years, or school years (năm học, 01/09 to 31/08 of the next year) for
# the education sector (TT 29/2023/TT-BGDĐT). Consecutive cycles are n, n + 1 either way.
CYCLE_CALENDAR, CYCLE_SCHOOL = "calendar", "school"
CYCLE_KINDS = (CYCLE_CALENDAR, CYCLE_SCHOOL)

# Kinds of pending review that bar an award while open (GEN_01).
PENDING_KINDS = ("ky_luat", "dieu_tra", "thanh_tra", "kiem_tra", "khieu_nai")

# Organisers of an emulation cluster or block ("district" before the 2025 reform).
ORGANISERS = ("province", "ministry", "central", "district")


@dataclass(frozen=True, slots=True)
class RatingRecord:
    cycle: int
    rating: Rating
    source: str = ""


@dataclass(frozen=True, slots=True)
class AwardRecord:
    """A title or form received: `title` is a catalogue code (e.g. "CSTDCS")."""

    id: str
    title: str
    cycle: int  # the achievement cycle (for a multi-year form, the last cycle of its period)
    decision_no: str = ""
    decision_date: date | None = None
    authority: str = ""
    kind: str = KIND_CONG_TRANG
    basis: str = BASIS_OTHER
    initiative_ids: tuple[str, ...] = ()  # the initiatives this award used (each serves one award only)
    source: str = ""


@dataclass(frozen=True, slots=True)
class InitiativeRecord:
    """An initiative, accepted S&T topic or combat ingenuity, and the award that used it if any."""

    id: str
    name: str
    scope: str  # SCOPES
    cycle: int  # the cycle it was recognised in
    recognised_by: str = ""
    recognised_on: date | None = None
    used_by: str | None = None  # AwardRecord.id, when already the basis of an award
    source: str = ""


@dataclass(frozen=True, slots=True)
class DisciplineRecord:
    level: DisciplineLevel
    start: date
    end: date  # the day the disciplinary period ends (achievements count from the next day, GEN_02)
    decision_no: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class PendingRecord:
    """Under disciplinary review, investigation, inspection or complaint verification (GEN_01)."""

    kind: str  # ky_luat | dieu_tra | thanh_tra | kiem_tra | khieu_nai
    since: date
    until: date | None = None  # None: still pending
    note: str = ""


@dataclass(frozen=True, slots=True)
class MembersYear:
    """A collective's members in one cycle, counted from its people's records."""

    cycle: int
    members: int
    completed: int  # members rated HTNV or better
    ldtt: int  # members holding LĐTT (or CSTT) in the cycle
    cstdcs: int  # members holding CSTĐCS in the cycle
    disciplined_warning_or_above: int  # members disciplined at cảnh cáo or above in the cycle
    women: int = 0


@dataclass(frozen=True, slots=True)
class LeadershipRecord:
    """The collective led its emulation cluster or block in a cycle (ranked first and honoured by vote)."""

    cycle: int
    cluster: str  # the cluster's name, as the dossier must name it (5007/BNV-TĐKT)
    organiser: str = "province"  # province | ministry | central
    basis: str = ""  # e.g. "Xếp hạng công bố lần 1; suy tôn tại hội nghị 12/12/2024"
    source: str = ""


@dataclass(frozen=True, slots=True)
class Subject:
    """A person, collective, household, village or commune with its whole history."""

    id: str
    kind: str  # SUBJECT_KINDS
    name: str
    unit: str = ""  # the unit the subject belongs to (a person's workplace, a village's commune)
    female: bool = False
    recruited_on: date | None = None
    ratings: tuple[RatingRecord, ...] = ()
    awards: tuple[AwardRecord, ...] = ()
    initiatives: tuple[InitiativeRecord, ...] = ()
    disciplines: tuple[DisciplineRecord, ...] = ()
    pending: tuple[PendingRecord, ...] = ()
    members: tuple[MembersYear, ...] = ()  # collectives only
    leads: tuple[LeadershipRecord, ...] = ()  # collectives only
    flags: frozenset[str] = field(default_factory=frozenset)  # facts a council confirms, e.g. "solidarity"
    cycle_kind: str = ""  # "" = the title's default (calendar); CYCLE_SCHOOL for the education sector
    armed_forces: bool = False  # army, police, militia: CSTT stands for LĐTT, ĐVTT/ĐVQT for TTLĐTT/TTLĐXS
