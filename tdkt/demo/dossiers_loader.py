"""The demo's proposals, carried from the conferences' votes to decisions, awards and certificates, through
the dossier services (`tdkt.dossiers`), so they are validated and audited like any input:

- Quảng Bình 2023: the cluster's year-end conference (25/01/2024) honoured Lệ Thủy, Quảng Ninh and Đồng
  Hới for the provincial flag (seed 002). The 2023 head (Bố Trạch) builds the dossier from the counted
  ballot and sends it; the board receives it, its specialist (`bantdkt`) checks it, the province's
  emulation council votes on it by secret ballot, the board approves; the chairman of UBND tỉnh Quảng Bình
  signs the decision (number, date and signer invented) and the certificates are issued.
- Quảng Nam 2024: the mountain cluster's conference (27/03/2025) honoured Tiên Phước (seed 000); its head
  Phước Sơn (`phuocson`) builds the flag dossier from the vote, and it goes the same way to a decision of
  UBND tỉnh Quảng Nam before the reform; its Bằng khen ballot (Phước Sơn, Nam Giang, Bắc Trà My) goes the
  same way to a decision of its own. A ballot choosing the host of the 2025 mid-year review stays in draft
  for the demo to run live (`tdkt.demo.data.CONFERENCES`).
- 2025 titles: Xã Khâm Đức proposes the staff the engine finds eligible for Lao động tiên tiến to its own
  council; the dossier is sent and received today, waiting for its check.

No list is on public posting: posting is for orders and State honorary titles (Huân chương…, Decree
98/2023 Art. 46 cl. 2), which no demo person has earned yet; the browser test shows the posting.

Each step is dated the day it happened: `_on(day)` sets the dossier services' clock (`_today`) for the
steps of that day, as the tests do; the steps of the 2025 titles happen today.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth.models import User

from tdkt.awards.selectors import unit_candidates
from tdkt.clusters.models import ClusterYear
from tdkt.dossiers import services, states
from tdkt.dossiers.certificates import certificates_issue
from tdkt.dossiers.council import council_ballot_create, council_result_apply
from tdkt.dossiers.decisions import decision_draft, decision_sign
from tdkt.dossiers.documents import achievement_report
from tdkt.dossiers.from_vote import dossier_from_ballot
from tdkt.dossiers.models import Decision, Dossier
from tdkt.dossiers.services import dossier_act, dossier_create, dossier_document_add, dossier_line_add
from tdkt.org.models import Unit
from tdkt.org.services import account_create
from tdkt.reports.documents import AdminDocument, Signature, to_pdf
from tdkt.voting.box import (
    VoterInput,
    ballot_activate,
    ballot_cast,
    ballot_close,
    ballot_hand_out,
    ballot_open,
    ballot_roll_set,
)
from tdkt.voting.counting import ballot_tally
from tdkt.voting.models import Ballot, Voter
from tdkt.voting.services import council_session_create, counting_board_set


@dataclass(frozen=True)
class Council:
    """A province's emulation council (members invented; the chairman of the People's Committee chairs it)
    and the two members it designates to count, whose accounts cannot log in (random passwords)."""

    province: str
    basis: str
    place: str
    members: tuple[str, ...]
    tellers: tuple[tuple[str, str], ...]  # (username, member's name)
    absent: int  # how many members miss the session


@dataclass(frozen=True)
class FlagPath:
    """One cluster's flag dossier, from the vote to the certificates; every date invented but in order."""

    cluster: str
    year: int
    head_account: str | None  # the head's demo account, None: the system acts for a head without one
    sent: dt.date
    received: dt.date
    checked: dt.date
    session: dt.date
    signed: dt.date
    number: str
    signer: str
    council: Council
    purpose: str = "flag"  # the conference's ballot the dossier is built from: flag (Cờ thi đua) or merit


QBH_COUNCIL = Council(
    "QBH",
    "Quyết định số 45/QĐ-UBND ngày 08/01/2024 của UBND tỉnh Quảng Bình (minh họa)",
    "Hội trường Ủy ban nhân dân tỉnh Quảng Bình, thành phố Đồng Hới",
    (
        "Trần Quốc Hùng",
        "Nguyễn Thị Hoài Thu",
        "Lê Văn Thắng",
        "Phạm Minh Đức",
        "Hoàng Thị Thanh Bình",
        "Đoàn Văn Lực",
        "Võ Thị Bích Ngọc",
        "Cao Xuân Hòa",
        "Đinh Thị Mỹ Dung",
    ),
    (("phamminhduc", "Phạm Minh Đức"), ("vothibichngoc", "Võ Thị Bích Ngọc")),
    1,
)
QNA_COUNCIL = Council(
    "QNA",
    "Quyết định số 112/QĐ-UBND ngày 10/01/2025 của UBND tỉnh Quảng Nam (minh họa)",
    "Hội trường Ủy ban nhân dân tỉnh Quảng Nam, thành phố Tam Kỳ",
    (
        "Lê Văn Bảo",
        "Nguyễn Thị Kim Oanh",
        "Trần Đình Quang",
        "Huỳnh Thị Ngọc Hân",
        "Phan Văn Lộc",
        "Đỗ Thị Thu Sương",
        "Ngô Minh Trí",
        "Trương Văn Tín",
        "Lương Thị Diệu",
        "Hồ Quốc Việt",
        "Nguyễn Hữu Tài",
    ),
    (("phanvanloc", "Phan Văn Lộc"), ("ngominhtri", "Ngô Minh Trí")),
    2,
)

FLAG_PATHS = [
    FlagPath(
        "CTD-HTT-QBH",
        2023,
        None,
        sent=dt.date(2024, 1, 30),
        received=dt.date(2024, 1, 31),
        checked=dt.date(2024, 2, 20),
        session=dt.date(2024, 2, 27),
        signed=dt.date(2024, 3, 5),
        number="612/QĐ-UBND",
        signer="Trần Quốc Hùng",
        council=QBH_COUNCIL,
    ),
    FlagPath(
        "CTD-MN-QNA",
        2024,
        "phuocson",
        sent=dt.date(2025, 4, 3),
        received=dt.date(2025, 4, 4),
        checked=dt.date(2025, 4, 18),
        session=dt.date(2025, 5, 6),
        signed=dt.date(2025, 5, 15),
        number="1186/QĐ-UBND",
        signer="Lê Văn Bảo",
        council=QNA_COUNCIL,
    ),
    FlagPath(
        "CTD-MN-QNA",
        2024,
        "phuocson",
        sent=dt.date(2025, 4, 3),
        received=dt.date(2025, 4, 4),
        checked=dt.date(2025, 4, 22),
        session=dt.date(2025, 5, 13),
        signed=dt.date(2025, 5, 20),
        number="1243/QĐ-UBND",
        signer="Lê Văn Bảo",
        council=QNA_COUNCIL,
        purpose="merit",
    ),
]
TITLES_UNIT = "DNG-KD"
TITLES_CYCLE = 2025


@contextmanager
def _on(day: dt.date) -> Iterator[None]:
    """The dossier services see `day` as today while the block runs."""
    original: Callable[[], dt.date] = services._today
    services._today = lambda: day
    try:
        yield
    finally:
        services._today = original


def load(units: dict[str, Unit]) -> None:
    users = {u.username: u for u in User.objects.all()}
    specialist = users["bantdkt"]
    for path in FLAG_PATHS:
        _flag(path, units, users, specialist)
    _titles(units[TITLES_UNIT])


def _flag(path: FlagPath, units: dict[str, Unit], users: dict[str, User], specialist: User) -> Decision:
    cluster_year = ClusterYear.objects.get(cluster__code=path.cluster, year=path.year)
    ballot = Ballot.objects.get(conference__cluster_year=cluster_year, purpose=path.purpose)
    head = users[path.head_account] if path.head_account else None
    with _on(path.sent):
        dossier = dossier_from_ballot(actor=head, ballot=ballot)
        for line in dossier.lines.select_related("unit").order_by("position"):
            assert line.unit is not None
            dossier_document_add(
                actor=head,
                dossier=dossier,
                kind="bao_cao_thanh_tich",
                name=f"Báo cáo thành tích năm {path.year} của {line.unit.name}",
                filename="bao-cao-thanh-tich.pdf",
                content=to_pdf(achievement_report(line)),
            )
        dossier = _act(head, dossier, states.SEND)
    with _on(path.received):
        dossier = _act(specialist, dossier, states.RECEIVE)
        dossier = _act(specialist, dossier, states.ASSIGN, specialist=specialist)
    with _on(path.checked):
        dossier = _act(specialist, dossier, states.CHECK)
        dossier = _act(specialist, dossier, states.TO_COUNCIL)
    with _on(path.session):
        _council_vote(dossier, units[path.council.province], path.council, path.session)
        dossier = council_result_apply(actor=specialist, dossier=dossier)
        dossier = _act(specialist, dossier, states.APPROVE)
    with _on(path.signed):
        decision = decision_draft(actor=specialist, dossier=dossier)
        decision = decision_sign(
            actor=specialist,
            decision=decision,
            number=path.number,
            signed_on=path.signed,
            signer_name=path.signer,
            signer_title="Chủ tịch",
        )
        certificates_issue(actor=specialist, decision=decision)
    return decision


def _act(actor: User | None, dossier: Dossier, action: str, specialist: User | None = None) -> Dossier:
    dossier.refresh_from_db()
    return dossier_act(
        actor=actor, dossier=dossier, action=action, version=dossier.version, specialist=specialist
    )


def _council_vote(dossier: Dossier, province: Unit, council: Council, day: dt.date) -> None:
    """The council's session (prepared by the system), its counting board, and the secret yes/no ballot on
    the dossier's lines: every member present votes, one against the last line; the board counts."""
    session = council_session_create(
        actor=None,
        council_of=province,
        held_on=day,
        place=council.place,
        council_size=len(council.members),
        council_basis=council.basis,
        chair_name=council.members[0],
        secretary_name=council.members[-1],
        agenda=f"Xét {dossier}",
    )
    tellers = [
        User.objects.filter(username=username).first()  # the same council's tellers at a later session
        or account_create(
            actor=None,
            username=username,
            password=secrets.token_urlsafe(24),
            full_name=name,
            role="board",
            position="Ủy viên Hội đồng Thi đua – Khen thưởng tỉnh, Ban kiểm phiếu",
        ).user
        for username, name in council.tellers
    ]
    chair = tellers[0]
    counting_board_set(actor=None, conference=session, members=tellers, chair=chair)
    ballot = council_ballot_create(actor=None, conference=session, dossier=dossier)
    ballot_roll_set(
        actor=chair,
        ballot=ballot,
        voters=[VoterInput(name) for name in council.members],
        reason=f"Thành viên Hội đồng theo {council.basis}",
    )
    codes = ballot_open(actor=chair, ballot=ballot)
    secrets.SystemRandom().shuffle(codes)
    names = list(ballot.candidates.order_by("id").values_list("name", flat=True))
    present = list(Voter.objects.filter(ballot=ballot).order_by("name"))[council.absent :]
    for i, (voter, code) in enumerate(zip(present, codes, strict=False)):
        ballot_hand_out(actor=chair, ballot=ballot, voter=voter)
        ballot_activate(ballot=ballot, code=code)
        against = names[-1:] if i == 0 else []
        ballot_cast(ballot=ballot, code=code, marks=[n for n in names if n not in against], against=against)
    ballot_close(actor=chair, ballot=ballot)
    ballot_tally(actor=chair, ballot=ballot)


def _titles(unit: Unit) -> Dossier:
    """Xã Khâm Đức's 2025 titles: its staff eligible for Lao động tiên tiến, proposed to its own council
    with the council's minutes; sent and received today."""
    eligible = next(t.eligible for t in unit_candidates(unit, TITLES_CYCLE).by_title if t.title == "LDTT")
    dossier = dossier_create(
        actor=None,
        track="DV_DANH_HIEU",
        cycle=TITLES_CYCLE,
        proposer=unit,
        subject=f"Đề nghị công nhận danh hiệu Lao động tiên tiến năm {TITLES_CYCLE}",
    )
    for person in eligible:
        dossier_line_add(actor=None, dossier=dossier, title="LDTT", person=person)
    dossier_document_add(
        actor=None,
        dossier=dossier,
        kind="bien_ban",
        name=f"Biên bản họp Hội đồng Thi đua – Khen thưởng xã Khâm Đức xét danh hiệu năm {TITLES_CYCLE}",
        filename="bien-ban-hoi-dong.pdf",
        content=to_pdf(_minutes(unit, [p.full_name for p in eligible])),
    )
    dossier.refresh_from_db()
    dossier = _act(None, dossier, states.SEND)
    return _act(None, dossier, states.RECEIVE)


def _minutes(unit: Unit, names: list[str]) -> AdminDocument:
    return AdminDocument(
        issuer_parent="ỦY BAN NHÂN DÂN XÃ KHÂM ĐỨC",
        issuer="HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG",
        number="Số: 01/BB-HĐTĐKT",
        place="Khâm Đức",
        date=dt.date(TITLES_CYCLE + 1, 1, 8),
        title="BIÊN BẢN",
        subtitle=f"Họp xét danh hiệu thi đua năm {TITLES_CYCLE} (minh họa)",
        paragraphs=[
            f"Hội đồng Thi đua – Khen thưởng {unit.name[:1].lower()}{unit.name[1:]} họp xét danh hiệu "
            f"Lao động tiên tiến năm {TITLES_CYCLE}; có mặt 5/5 thành viên.",
            "Hội đồng thống nhất đề nghị công nhận danh hiệu Lao động tiên tiến cho các cá nhân có tên dưới đây "
            "(5/5 thành viên đồng ý).",
        ],
        table_header=["STT", "Họ và tên", "Danh hiệu"],
        table_rows=[[str(i), name, "Lao động tiên tiến"] for i, name in enumerate(names, start=1)],
        table_center=(0,),
        signatures=[
            Signature(title="THƯ KÝ HỘI ĐỒNG", name="Nguyễn Thị Lan"),
            Signature(title="CHỦ TỊCH HỘI ĐỒNG", name="Trần Văn Cường"),
        ],
    )
