"""The vote-counting minutes as a real biên bản kiểm phiếu: its number from the conference's register, the
time of the count, codes, turnout against the quorum, blank and invalid ballots, what each candidate needed
on its base, remarks and complaints, the roll's changes, a signature for every board member, Decree 30
dates, a table headed for the ballot's method, and a signature block never alone on its page."""

from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction
from typing import Any

import pytest
from django.contrib.auth.models import User
from docx import Document

from tdkt.core.personas import PASSWORD, World
from tdkt.org.models import Account, Role, Unit
from tdkt.reports.documents import AdminDocument, to_docx, to_html
from tdkt.voting.box import (
    VoterInput,
    ballot_activate,
    ballot_cast,
    ballot_close,
    ballot_hand_out,
    ballot_open,
    ballot_roll_set,
)
from tdkt.voting.counting import ballot_notes_set, ballot_tally
from tdkt.voting.minutes import conference_minutes, quorum_needed, tally_minutes, votes_needed
from tdkt.voting.models import (
    Ballot,
    BallotStatus,
    Candidate,
    Conference,
    CountingBoardMember,
    RollChange,
    Voter,
)
from tdkt.voting.selectors import default_candidates
from tdkt.voting.services import CandidateInput, ballot_create, conference_create, counting_board_set
from tdkt.voting.tally import percent

HANOI = dt.timezone(dt.timedelta(hours=7))


# --------------------------------------------------------------------------------------------- builders


def _account(username: str, family: str, given: str, unit: Unit) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username, password=PASSWORD, first_name=given, last_name=family
        )
        Account.objects.create(user=user, role=Role.UNIT, unit=unit)
    return user


def counting_board(world: World) -> list[User]:
    """Three accounts of member units other than the head's (Phước Sơn); the first chairs the board."""
    return [
        _account("mm-kp-truong", "Đỗ Thị", "Kiểm", world.tien_phuoc),
        _account("mm-kp-giang", "Vũ Văn", "Phiếu", world.nam_giang),
        _account("mm-kp-phuoc", "Hồ Thị", "Bầu", world.tien_phuoc),
    ]


def conference_with_board(world: World) -> Conference:
    conference = conference_create(
        actor=world.head,
        cluster_year=world.cluster_year,
        kind="year_end",
        held_on=dt.date(2025, 1, 5),
        place="Thị trấn Khâm Đức, huyện Phước Sơn",
        host=world.phuoc_son,
        agenda="Tổng kết phong trào thi đua năm 2024\nBỏ phiếu đề nghị khen thưởng",
        chair_name="Trần Thị Hạnh",
        secretary_name="Lê Văn Thư",
    )
    board = counting_board(world)
    counting_board_set(actor=world.head, conference=conference, members=board, chair=board[0])
    return conference


def council_ballot(world: World, conference: Conference, **rules: Any) -> Ballot:
    """A ballot of a nine-member council over the cluster's default candidates (its members)."""
    names = [c.name for c in default_candidates(world.cluster_year).candidates]
    rules.setdefault("max_choices", 2)
    return ballot_create(
        actor=world.head,
        conference=conference,
        purpose="merit",
        title=rules.pop("title", "Đề nghị tặng Bằng khen năm 2024"),
        candidates=[CandidateInput(n) for n in names],
        electorate_kind="council",
        council_name="Hội đồng Thi đua – Khen thưởng cụm",
        council_size=9,
        **rules,
    )


def run_electronic(
    world: World, ballot: Ballot, votes: list[list[str]], *, voters: int = 9, present: int | None = None
) -> Ballot:
    """Set the roll (a change with its reason), open, hand out slips to the voters present, cast `votes`,
    close and count, all as the counting board."""
    chair, member = counting_board(world)[:2]
    ballot_roll_set(
        actor=chair,
        ballot=ballot,
        voters=[VoterInput(f"Thành viên Hội đồng {i}") for i in range(1, voters + 1)],
        reason="Danh sách theo Quyết định số 12/QĐ-CTĐ",
    )
    codes = ballot_open(actor=chair, ballot=ballot)
    roll = list(Voter.objects.filter(ballot=ballot).order_by("name"))
    for voter in roll[: present if present is not None else len(votes)]:
        ballot_hand_out(actor=member, ballot=ballot, voter=voter)
    for code, marks in zip(codes, votes, strict=False):
        ballot_activate(ballot=ballot, code=code)
        ballot_cast(ballot=ballot, code=code, marks=marks)
    ballot_close(actor=member, ballot=ballot)
    return ballot_tally(actor=chair, ballot=ballot)


def text_of(document: AdminDocument) -> tuple[str, str]:
    """The .docx as a person reads it: its paragraphs, and its tables' cells."""
    docx = Document(io.BytesIO(to_docx(document)))
    paragraphs = "\n".join(p.text for p in docx.paragraphs)
    cells = "\n".join(c.text for t in docx.tables for row in t.rows for c in row.cells)
    return paragraphs, cells


PS, TP, NG = "Huyện Phước Sơn", "Huyện Tiên Phước", "Huyện Nam Giang"


def _votes() -> list[list[str]]:
    """Seven ballots: four for Phước Sơn and Tiên Phước, two for Nam Giang, one blank."""
    return [[PS, TP]] * 4 + [[NG]] * 2 + [[]]


# --------------------------------------------------------------------------------------------- pure parts


@pytest.mark.parametrize(
    ("threshold", "strict", "base", "needed"),
    [
        ("1/2", True, 9, 5),
        ("1/2", True, 10, 6),  # exactly half is not more than half
        ("1/2", False, 10, 5),
        ("2/3", False, 9, 6),
        ("2/3", True, 9, 7),
        ("2/3", False, 10, 7),  # 6,67 rounds up to a whole ballot
        ("1", True, 9, None),  # more than all of them: nobody can
        ("1/2", True, 0, None),
    ],
)
def test_the_votes_a_threshold_needs_are_exact(
    threshold: str, strict: bool, base: int, needed: int | None
) -> None:
    assert votes_needed(Fraction(threshold), strict, base) == needed


def test_the_votes_needed_are_the_fewest_that_pass_as_the_tally_decides() -> None:
    for threshold in (
        Fraction(1, 2),
        Fraction(2, 3),
        Fraction(3, 5),
        Fraction(1, 3),
        Fraction(0),
        Fraction(1),
    ):
        for strict in (True, False):
            for base in range(1, 40):
                passing = [
                    v
                    for v in range(base + 1)
                    if (Fraction(v, base) > threshold if strict else Fraction(v, base) >= threshold)
                ]
                assert votes_needed(threshold, strict, base) == (passing[0] if passing else None)


def test_the_quorum_needs_the_fewest_ballots_that_reach_it() -> None:
    assert quorum_needed(Fraction(2, 3), 9) == 6
    assert quorum_needed(Fraction(2, 3), 10) == 7
    assert quorum_needed(Fraction(1, 2), 10) == 5


# ------------------------------------------------------------------------------------ the counted minutes


def test_the_minutes_number_comes_from_the_conference_register_not_the_database_id(world: World) -> None:
    conference = conference_with_board(world)
    council_ballot(world, conference, title="Phiếu chưa mở")  # takes an id, never a number
    first = run_electronic(world, council_ballot(world, conference, title="Bỏ phiếu thứ nhất"), _votes())
    second = run_electronic(world, council_ballot(world, conference, title="Bỏ phiếu thứ hai"), _votes())
    assert (first.minutes_number, second.minutes_number) == (1, 2)
    assert second.pk != 2 or first.pk != 1
    assert tally_minutes(second).number == "Số: 02/BB-KP"
    _, cells = text_of(tally_minutes(first))
    assert "Số: 01/BB-KP" in cells and f"Số: {first.pk:02d}/BB-KP" not in cells.replace("Số: 01/BB-KP", "")


def test_the_minutes_carry_the_count_as_it_happened(world: World) -> None:
    conference = conference_with_board(world)
    ballot = run_electronic(world, council_ballot(world, conference), _votes(), present=8)
    Ballot.objects.filter(pk=ballot.pk).update(
        closed_at=dt.datetime(2025, 1, 5, 9, 30, tzinfo=HANOI),
        counted_at=dt.datetime(2025, 1, 5, 9, 42, tzinfo=HANOI),
    )
    ballot.refresh_from_db()
    document = tally_minutes(ballot)
    text, cells = text_of(document)
    assert "Thị trấn Khâm Đức, ngày 05 tháng 01 năm 2025" in cells
    assert "BAN KIỂM PHIẾU" in cells and "CỤM" in cells
    assert (
        "Thời gian kiểm phiếu: bắt đầu lúc 09 giờ 30 phút, ngày 05 tháng 01 năm 2025 (khi đóng hòm phiếu), "
        "kết thúc lúc 09 giờ 42 phút cùng ngày." in text
    )
    assert "1. Đỗ Thị Kiểm – Trưởng ban." in text and "Vũ Văn Phiếu – Thành viên." in text
    # the roll: a council, with the change the board made and its reason
    assert "Cử tri: thành viên Hội đồng Thi đua – Khen thưởng cụm (9 thành viên)" in text
    assert (
        "Lần 1: thêm Thành viên Hội đồng 1" in text
        and "lý do: Danh sách theo Quyết định số 12/QĐ-CTĐ." in text
    )
    # the figures
    assert "số cử tri đã nhận phiếu: 8; số phiếu thu về: 7; số phiếu hợp lệ: 7" in text
    assert "Mã bỏ phiếu: đã in 9 mã; đã dùng 7 mã; bị hủy khi đóng hòm phiếu 2 mã" in text
    assert (
        "Tỷ lệ tham gia: 7/9 cử tri bỏ phiếu, đạt 77,78%; tỷ lệ tối thiểu 2/3 (66,67%) số cử tri, tức ít nhất 6 "
        "phiếu thu về: đủ." in text
    )
    assert "Số phiếu hợp lệ: 7, trong đó phiếu trắng (không chọn ai): 1." in text
    assert "Số phiếu không hợp lệ: 0." in text
    # what each candidate needed on its base, and the outcome
    assert "cần trên 1/2 của 7 phiếu hợp lệ, tức ít nhất 4 phiếu" in text
    assert "Số phiếu bầu" in cells and "Đồng ý" not in cells
    assert "trên 1/2 của 7: ít nhất 4" in cells
    assert "Đạt, được chọn" in cells and "Không đạt" in cells
    assert f"Kết quả: {PS}, {TP}." in text
    # signatures: every member of the board
    assert cells.count("(Ký, ghi rõ họ tên)") == 3
    assert "TRƯỞNG BAN KIỂM PHIẾU" in cells and cells.count("THÀNH VIÊN BAN KIỂM PHIẾU") == 2
    for name in ("Đỗ Thị Kiểm", "Vũ Văn Phiếu", "Hồ Thị Bầu"):
        assert name in cells
    assert "Việc kiểm phiếu kết thúc lúc 09 giờ 42 phút, ngày 05 tháng 01 năm 2025." in text
    assert ballot.box_hash in text and ballot.result_hash in text and ballot.receipts_hash in text
    assert "Nhận xét của Ban kiểm phiếu: không có nhận xét khác." in text
    assert "Khiếu nại, kiến nghị về việc bỏ phiếu và kiểm phiếu: không có." in text


def test_remarks_and_complaints_recorded_by_the_board_are_in_the_minutes(world: World) -> None:
    conference = conference_with_board(world)
    ballot = run_electronic(world, council_ballot(world, conference), [[PS]] * 6)
    ballot_notes_set(
        actor=counting_board(world)[1],
        ballot=ballot,
        remarks="Việc bỏ phiếu diễn ra đúng quy định.\nMột cử tri vắng mặt có lý do.",
        complaints="Đại biểu Huyện Nam Giang đề nghị công bố mã băm hòm phiếu tại hội nghị.",
    )
    ballot.refresh_from_db()
    text, _ = text_of(tally_minutes(ballot))
    assert (
        "Nhận xét của Ban kiểm phiếu:\nViệc bỏ phiếu diễn ra đúng quy định.\nMột cử tri vắng mặt có lý do."
        in text
    )
    assert "Đại biểu Huyện Nam Giang đề nghị công bố mã băm hòm phiếu tại hội nghị." in text
    assert "IV. NHẬN XÉT, KHIẾU NẠI VÀ KIẾN NGHỊ" in text


def test_a_turnout_below_the_quorum_is_written_as_such(world: World) -> None:
    conference = conference_with_board(world)
    ballot = run_electronic(world, council_ballot(world, conference), [[PS]] * 5)
    text, cells = text_of(tally_minutes(ballot))
    assert "5/9 cử tri bỏ phiếu, đạt 55,56%" in text
    assert "tức ít nhất 6 phiếu thu về: không đủ, cuộc bỏ phiếu không có kết quả." in text
    assert "Kết quả: không có người đạt." in text and "Đạt, được chọn" not in cells


# ------------------------------------------------------------------------- minutes from stored fields


def _counted(world: World, conference: Conference, result: dict[str, Any], **fields: Any) -> Ballot:
    """A counted ballot written directly (the minutes read only stored fields)."""
    ballot = council_ballot(world, conference)
    for name in {c["candidate"] for c in result["counts"]} - set(
        ballot.candidates.values_list("name", flat=True)
    ):
        Candidate.objects.create(ballot=ballot, name=name, position=99)
    values = {
        "status": BallotStatus.TALLIED,
        "electorate": result["electorate"],
        "checked_in": result["electorate"],
        "result": result,
        "result_hash": "b" * 64,
        "box_hash": "a" * 64,
        "minutes_number": 3,
        "closed_at": dt.datetime(2025, 3, 27, 14, 5, tzinfo=HANOI),
        "counted_at": dt.datetime(2025, 3, 27, 14, 50, tzinfo=HANOI),
        **fields,
    }
    Ballot.objects.filter(pk=ballot.pk).update(**values)
    ballot.refresh_from_db()
    return ballot


def _result(names: list[str], yes: list[int], no: list[int] | None = None, **extra: Any) -> dict[str, Any]:
    valid = extra.pop("valid", 9)
    counts = [
        {
            "candidate": n,
            "yes": y,
            "no": (no or [0] * len(names))[i],
            "share": f"{y}/{valid}",
            "percent": str(percent(Fraction(y, valid))),
            "passes": Fraction(y, valid) > Fraction(1, 2),
        }
        for i, (n, y) in enumerate(zip(names, yes, strict=True))
    ]
    result = {
        "electorate": 9,
        "cast": 9,
        "valid": valid,
        "invalid": [],
        "quorum_met": True,
        "base": valid,
        "counts": counts,
        "elected": [c["candidate"] for c in counts if c["passes"]],
        "another_round": [],
        "warnings": [],
        "reasons": [],
        "box_hash": "a" * 64,
        "receipts_hash": "",
        "mode": "paper",
        "blank": 0,
        "checked_in": 9,
        "codes": {"issued": 0, "used": 0, "voided": 0},
    }
    result.update(extra)
    return result


def test_a_yes_no_ballot_is_headed_agree_and_disagree(world: World) -> None:
    conference = conference_with_board(world)
    result = _result([PS, TP, NG], [7, 4, 5], [2, 5, 4])
    ballot = _counted(world, conference, result, method="yes_no", mode="paper")
    document = tally_minutes(ballot)
    header = document.sections[2].table_header
    assert header[2:4] == ["Đồng ý", "Không đồng ý"] and "Số phiếu bầu" not in header
    assert document.sections[2].table_rows[0][2:4] == ["7", "2"]
    text, _ = text_of(document)
    assert "Số phiếu giấy đã phát: 9; số phiếu thu về: 9." in text and "Mã bỏ phiếu" not in text
    assert "Mã băm chuỗi các lần nhập phiếu giấy: " + "a" * 64 in text
    assert document.number == "Số: 03/BB-KP"
    assert document.place_date == "Thị trấn Khâm Đức, ngày 27 tháng 3 năm 2025"


def test_invalid_ballots_are_listed_by_reason(world: World) -> None:
    conference = conference_with_board(world)
    invalid = [
        {"ballot": 2, "reason": "chọn 3 người, quá số tối đa 2"},
        {"ballot": 5, "reason": "đánh dấu người không phải ứng viên: Huyện Điện Bàn"},
        {"ballot": 7, "reason": "chọn 3 người, quá số tối đa 2"},
    ]
    ballot = _counted(world, conference, _result([PS, TP, NG], [5, 4, 1], valid=6, invalid=invalid))
    text, _ = text_of(tally_minutes(ballot))
    assert (
        "Số phiếu không hợp lệ: 3, gồm: chọn 3 người, quá số tối đa 2: 2 phiếu; đánh dấu người không phải ứng "
        "viên: Huyện Điện Bàn: 1 phiếu." in text
    )


def test_seats_ties_and_privacy_warnings_reach_the_outcome_column(world: World) -> None:
    conference = conference_with_board(world)
    result = _result(
        [PS, TP, NG],
        [9, 6, 6],
        elected=[PS],
        another_round=[TP, NG],
        warnings=[
            "Huyện Phước Sơn: tất cả 9 phiếu hợp lệ đều chọn, kết quả cho biết lựa chọn của từng người."
        ],
    )
    ballot = _counted(world, conference, result, seats=2)
    document = tally_minutes(ballot)
    verdicts = [row[-1] for row in document.sections[2].table_rows]
    assert verdicts == ["Đạt, được chọn", *["Đạt, bằng phiếu ở vị trí cuối: bỏ phiếu vòng sau"] * 2]
    text, _ = text_of(document)
    assert "Lưu ý: Huyện Phước Sơn: tất cả 9 phiếu hợp lệ đều chọn" in text
    assert "chọn tối đa 2 người có số phiếu cao nhất" in text


def test_the_kept_candidate_list_and_the_roll_changes_are_shown_with_their_reasons(world: World) -> None:
    conference = conference_with_board(world)
    ballot = _counted(
        world,
        conference,
        _result([PS, TP, NG], [6, 5, 1]),
        stale_reason="Hội nghị đã họp xét theo kết quả công bố lần trước",
    )
    RollChange.objects.create(
        ballot=ballot, number=1, added=["Bà A"], removed=["Ông B"], reason="Ông B nghỉ hưu"
    )
    RollChange.objects.create(ballot=ballot, number=2, added=[], removed=["Bà C"], reason="Vắng mặt cả buổi")
    text, _ = text_of(tally_minutes(ballot))
    assert (
        "hội nghị giữ danh sách đã lập — lý do: Hội nghị đã họp xét theo kết quả công bố lần trước." in text
    )
    assert "Lần 1: thêm Bà A; bớt Ông B — lý do: Ông B nghỉ hưu." in text
    assert "Lần 2: bớt Bà C — lý do: Vắng mặt cả buổi." in text


def test_every_board_member_signs_the_minutes(world: World) -> None:
    conference = conference_with_board(world)
    ballot = _counted(world, conference, _result([PS, TP, NG], [6, 5, 1]))
    members = list(CountingBoardMember.objects.filter(conference=conference))
    document = tally_minutes(ballot)
    assert sorted(s.name for s in document.signatures) == sorted(m.name for m in members)
    assert document.signatures[0].title == "TRƯỞNG BAN KIỂM PHIẾU"


# ------------------------------------------------------------------------------ the signature's page


def _many_candidates(world: World, n: int) -> Ballot:
    conference = Conference.objects.filter(cluster_year=world.cluster_year).first() or conference_with_board(
        world
    )
    names = [f"Ông Nguyễn Văn Ứng Viên Số {i}" for i in range(1, n + 1)]
    return _counted(world, conference, _result(names, [(i * 7) % 10 for i in range(1, n + 1)], valid=9))


def _page_texts(document: AdminDocument) -> tuple[list[str], list[int]]:
    from weasyprint import HTML

    def walk(box: Any, out: list[str], marks: list[bool]) -> None:
        element = getattr(box, "element", None)
        if element is not None and "signs" in (element.get("class") or "").split():
            marks.append(True)
        text = getattr(box, "text", None)
        if text:
            out.append(text)
        for child in getattr(box, "children", None) or []:
            walk(child, out, marks)

    texts, signed = [], []
    for i, page in enumerate(HTML(string=to_html(document)).render().pages):
        out: list[str] = []
        marks: list[bool] = []
        walk(page._page_box, out, marks)
        texts.append(" ".join(out))
        if marks:
            signed.append(i)
    return texts, signed


def test_the_signature_block_of_a_long_count_never_stands_alone_on_its_page(world: World) -> None:
    # from 16 to 29 candidates the table pushes the end of the minutes over a page break at every point
    # of the closing lines and the signatures (without keeping them together, 21–22 split the block and
    # 23 leaves it alone on the last page)
    for n in range(16, 30):
        document = tally_minutes(_many_candidates(world, n))
        texts, signed = _page_texts(document)
        assert len(signed) == 1, f"{n} candidates: the signature block is split across pages"
        page = texts[signed[0]]
        assert "Việc kiểm phiếu kết thúc lúc 14 giờ 50 phút" in page, f"{n} candidates: signatures alone"
        assert "Đỗ Thị Kiểm" in page and "Hồ Thị Bầu" in page


def test_the_word_file_keeps_the_last_lines_with_the_signatures(world: World) -> None:
    document = tally_minutes(_many_candidates(world, 20))
    docx = Document(io.BytesIO(to_docx(document)))
    closing = next(p for p in docx.paragraphs if p.text.startswith("Việc kiểm phiếu kết thúc"))
    assert closing.paragraph_format.keep_with_next is True
    signs = docx.tables[-1]
    assert "TRƯỞNG BAN KIỂM PHIẾU" in signs.rows[0].cells[0].text
    for row in signs.rows:
        assert (
            row._tr.trPr is not None
            and row._tr.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit")
            is not None
        )
    counts = docx.tables[1]  # the heading row repeats on every page the table runs over
    assert (
        counts.rows[0]._tr.trPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader"
        )
        is not None
    )


# -------------------------------------------------------------------------------- the conference minutes


def test_the_conference_minutes_still_list_each_counted_ballot_with_decree_30_dates(world: World) -> None:
    conference = conference_with_board(world)
    run_electronic(world, council_ballot(world, conference), [[PS]] * 7)
    conference.refresh_from_db()
    text, cells = text_of(conference_minutes(conference))
    assert "Thời gian: ngày 05 tháng 01 năm 2025." in text
    assert "Thị trấn Khâm Đức, ngày 05 tháng 01 năm 2025" in cells
    assert "Đề nghị tặng Bằng khen năm 2024 (vòng 1): Huyện Phước Sơn." in text
    assert "số phiếu thu về: 7" in text and "Số phiếu bầu" in cells and "CHỦ TRÌ HỘI NGHỊ" in cells
    assert "Biên bản kiểm phiếu số 01/BB-KP." in text
