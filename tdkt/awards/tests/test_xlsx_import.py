"""Importing award history from Excel: the round trip of each shape, and the whole bad-input corpus.

Every refusal is checked twice: the message names the row and the column (or the file), and the database
(ratings, awards, initiatives, people, the audit trail) is exactly as it was before.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from tdkt.awards.models import Award, Initiative, TaskRating
from tdkt.awards.services import award_record, initiative_record
from tdkt.awards.tests import xlsx_corpus as corpus
from tdkt.awards.tests.helpers import People, make_people
from tdkt.awards.tests.xlsx_corpus import database_state, letter
from tdkt.awards.xlsx_import import MAX_IMPORT_BYTES, ImportResult, awards_import
from tdkt.awards.xlsx_rules import SHAPES
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.movements.tests import xlsx_corpus as hostile
from tdkt.org.models import Gender
from tdkt.org.services import person_create

IND, COL, INI = "ca_nhan", "tap_the", "sang_kien"


@pytest.fixture
def people(world: World) -> People:
    return make_people(world)


def _import(
    world: World, kind: str, data: bytes, actor=None, filename: str = "khen-thuong.xlsx"
) -> ImportResult:
    return awards_import(actor=actor or world.board, kind=kind, filename=filename, data=data)


def _refused(
    world: World, kind: str, data: bytes, *, actor=None, filename: str = "khen-thuong.xlsx"
) -> list[str]:
    before = database_state()
    with pytest.raises(ValidationFailed) as exc:
        awards_import(actor=actor or world.board, kind=kind, filename=filename, data=data)
    assert database_state() == before
    return exc.value.messages


def _binh(**cells: object) -> dict[str, object]:
    return {
        "full_name": "Trần Văn Bình",
        "unit_code": "T-TP",
        "unit_name": "Huyện Tiên Phước",
        "year": "2025",
        **cells,
    }


DECISION = {"decision_no": "15/QĐ-UBND", "decision_date": "08/01/2026", "authority": "UBND huyện Tiên Phước"}


# --- round trips ----------------------------------------------------------------------------------------


def test_individuals_sheet_is_stored_through_the_services_with_its_source(
    world: World, people: People
) -> None:
    data = corpus.fill(
        IND,
        [
            _binh(rating="HTXSNV", title="LĐTT", **DECISION),
            _binh(
                rating="Hoàn thành xuất sắc nhiệm vụ",
                title="Chiến sĩ thi đua cơ sở",
                basis="HTXSNV",
                **DECISION,
            ),
            {
                "person_code": "PS-001",
                "full_name": "lê văn cường",
                "unit_code": "T-PS",
                "year": 2025,
                "rating": "httnv",
            },
            {"full_name": "Nguyễn Thị Lan", "unit_code": "T-TP", "year": "2025", "rating": "HTTNV"},
        ],
    )
    result = _import(world, IND, data, filename="C:\\Users\\tp\\khen thuong 2025.xlsx")
    assert result == ImportResult(
        kind=IND,
        ratings=3,
        awards=2,
        initiatives=0,
        unchanged=0,
        units=["Huyện Tiên Phước", "Huyện Phước Sơn"],
    )
    cstdcs = Award.objects.get(person=people.binh, title="CSTDCS", cycle=2025)
    assert (cstdcs.decision_no, cstdcs.decision_date, cstdcs.basis, cstdcs.source) == (
        "15/QĐ-UBND",
        dt.date(2026, 1, 8),
        "htxsnv",
        "Tệp Excel “khen thuong 2025.xlsx”",
    )
    assert TaskRating.objects.get(person=people.cuong, cycle=2025).rating == 3
    event = AuditEvent.objects.filter(action="awards.import").order_by("id").first()
    assert event is not None and event.after == {
        "file": "khen thuong 2025.xlsx",
        "kind": IND,
        "rows": [5, 6, 8],
    }
    assert AuditEvent.objects.filter(action="award.record", actor=world.board).count() == 2 + 0


def test_reimporting_the_same_file_changes_nothing(world: World, people: People) -> None:
    data = corpus.fill(IND, [_binh(rating="HTXSNV", title="LDTT", **DECISION)])
    _import(world, IND, data, actor=world.member)
    before = database_state()
    assert _import(world, IND, data, actor=world.member) == ImportResult(
        kind=IND, ratings=0, awards=0, initiatives=0, unchanged=2, units=[]
    )
    assert database_state() == before


def test_a_changed_rating_replaces_the_stored_one_and_is_audited(world: World, people: People) -> None:
    data = corpus.fill(IND, [{**_binh(year=2024), "rating": "HTXSNV"}])
    assert _import(world, IND, data, actor=world.member).ratings == 1
    assert TaskRating.objects.get(person=people.binh, cycle=2024).rating == 4
    assert AuditEvent.objects.filter(action="rating.change").count() == 1


def test_collectives_sheet_records_ratings_and_titles(world: World, people: People) -> None:
    data = corpus.fill(
        COL,
        [
            {
                "unit_code": "T-TP",
                "unit_name": "Huyện Tiên Phước",
                "year": 2024,
                "rating": "HTXSNV",
                "title": "TTLDXS",
                **DECISION,
            },
            {
                "unit_code": "T-TP",
                "year": 2023,
                "title": "Tập thể lao động tiên tiến",
                "decision_no": "3/QĐ-UBND",
                "decision_date": dt.date(2024, 1, 9),
            },
        ],
    )
    result = _import(world, COL, data, actor=world.member)
    assert (result.ratings, result.awards) == (1, 2)
    assert set(Award.objects.filter(unit=world.tien_phuoc).values_list("title", "cycle")) == {
        ("TTLDXS", 2024),
        ("TTLDTT", 2023),
    }


def test_initiatives_sheet_links_the_award_that_used_each(world: World, people: People) -> None:
    data = corpus.fill(
        INI,
        [
            {
                "person_code": "TP-001",
                "full_name": "Nguyễn Thị Lan",
                "unit_code": "T-TP",
                "name": "Phần mềm quản lý hồ sơ",
                "scope": "Cơ sở",
                "recognised_by": "UBND huyện Tiên Phước",
                "recognised_on": "12/10/2024",
                "used_title": "CSTĐCS",
                "used_year": "2024",
            },
            {
                "full_name": "Nguyễn Thị Lan",
                "unit_code": "T-TP",
                "name": "Sổ tay một cửa",
                "scope": "bộ, tỉnh",
                "recognised_on": dt.datetime(2025, 5, 2),
            },
        ],
    )
    result = _import(world, INI, data, actor=world.member)
    assert result.initiatives == 2
    used = Initiative.objects.get(name="Phần mềm quản lý hồ sơ")
    assert (used.used_by, used.cycle, used.scope) == (people.lan_cstdcs_2024, 2024, "co_so")
    assert Initiative.objects.get(name="Sổ tay một cửa").scope == "bo_tinh"
    assert _import(world, INI, data, actor=world.member).unchanged == 2


def test_an_existing_unused_initiative_is_marked_as_used(world: World, people: People) -> None:
    initiative_record(
        actor=None, person=people.lan, name="Sổ tay", scope="co_so", recognised_on=dt.date(2024, 3, 1)
    )
    data = corpus.fill(
        INI,
        [
            {
                "full_name": "Nguyễn Thị Lan",
                "unit_code": "T-TP",
                "name": "Sổ tay",
                "scope": "co so",
                "recognised_on": "01/03/2024",
                "used_title": "CSTDCS",
                "used_year": 2024,
            }
        ],
    )
    assert _import(world, INI, data).initiatives == 1
    assert Initiative.objects.get(name="Sổ tay").used_by == people.lan_cstdcs_2024


# --- who may import ------------------------------------------------------------------------------------


def test_public_and_accounts_without_a_unit_may_not_import(world: World, people: People) -> None:
    data = corpus.fill(IND, [_binh(rating="HTXSNV")])
    with pytest.raises(NotPermitted):
        awards_import(actor=AnonymousUser(), kind=IND, filename="a.xlsx", data=data)


def test_a_units_staff_may_not_import_another_units_rows(world: World, people: People) -> None:
    data = corpus.fill(IND, [_binh(rating="HTXSNV")])
    messages = _refused(world, IND, data, actor=world.outsider)
    assert messages == [
        f"Dòng 5, cột {letter(IND, 'unit_code')} (Mã đơn vị): bạn chỉ được nhập hồ sơ của “Thị xã Điện Bàn”; "
        "dòng này là của “Huyện Tiên Phước” (T-TP)"
    ]


# --- the file itself ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "make", "expected"),
    [
        ("kt.xls", lambda: corpus.template(IND), "chỉ nhận tệp Excel .xlsx"),
        ("kt.csv", hostile.csv_file, "chỉ nhận tệp Excel .xlsx"),
        ("kt.xlsx", lambda: b"", "rỗng"),
        ("kt.xlsx", hostile.ole_file, "tệp Excel cũ (.xls) đổi đuôi"),
        ("kt.xlsx", hostile.csv_file, "tệp văn bản"),
        ("kt.xlsx", hostile.docx_file, "tệp Word"),
        ("kt.xlsx", hostile.plain_zip, "tệp nén .zip"),
        ("kt.xlsx", lambda: hostile.truncated(corpus.template(IND)), "bị hỏng"),
        ("kt.xlsx", lambda: hostile.corrupted(corpus.template(IND)), "bị hỏng"),
        ("kt.xlsx", hostile.ratio_bomb, "nén bất thường"),
        ("kt.xlsx", hostile.large_total, "khi giải nén nặng"),
        ("kt.xlsx", hostile.many_members, "thành phần"),
        ("kt.xlsx", hostile.declared_huge, "khi giải nén nặng"),
        ("kt.xlsx", lambda: hostile.lying_small(corpus.template(IND)), "bị hỏng"),
        ("kt.xlsx", lambda: hostile.oversized(11), "vượt giới hạn"),
    ],
)
def test_bad_files_are_refused_before_reading(world: World, people: People, filename, make, expected) -> None:
    messages = _refused(world, IND, make(), filename=filename)
    assert len(messages) == 1 and expected in messages[0], messages


def test_the_size_limit_is_ten_megabytes() -> None:
    assert MAX_IMPORT_BYTES == 10 * 1024 * 1024


def test_a_template_of_another_shape_is_refused_naming_it(world: World, people: People) -> None:
    data = corpus.fill(IND, [_binh(rating="HTXSNV")])
    assert _refused(world, INI, data) == [
        "tệp này là mẫu quá trình khen thưởng của cá nhân (trang “Cá nhân”), không phải mẫu sáng kiến: "
        "hãy chọn đúng loại dữ liệu khi tải lên"
    ]


def test_a_workbook_not_made_from_the_template_is_refused(world: World, people: People) -> None:
    data = corpus.own_sheet(IND, [["1", "", "Trần Văn Bình", "T-TP", "", "2025", "HTXSNV"]])
    assert "thiếu trang thông tin mẫu" in _refused(world, IND, data)[0]


def test_a_renamed_sheet_is_refused_with_a_hint(world: World, people: People) -> None:
    data = corpus.rename_sheet(corpus.fill(IND, [_binh(rating="HTXSNV")]), "Cá nhân", "Ca nhan")
    assert "đổi lại đúng tên “Cá nhân”" in _refused(world, IND, data)[0]


def test_an_unknown_kind_is_refused(world: World) -> None:
    with pytest.raises(ValidationFailed):
        awards_import(actor=world.board, kind="ho_gia_dinh", filename="a.xlsx", data=b"")


# --- the header -----------------------------------------------------------------------------------------


def test_missing_extra_renamed_and_repeated_columns_are_refused(world: World, people: People) -> None:
    base = corpus.fill(IND, [_binh(rating="HTXSNV")])
    year = corpus.col(IND, "year")
    assert _refused(world, IND, corpus.delete_column(base, IND, year)) == [
        "Dòng 4, cột Năm: thiếu cột “Năm” của mẫu: hãy tải lại mẫu"
    ]
    extra = corpus.insert_column(base, IND, year, "Quê quán")
    assert (
        f"Dòng 4, cột {letter(IND, 'year')}: cột “Quê quán” không có trong mẫu"
        in _refused(world, IND, extra)[0]
    )
    renamed = corpus.set_header(base, IND, year, "Năm xét")
    assert "tiêu đề “Năm xét” không đúng mẫu, phải là “Năm”" in _refused(world, IND, renamed)[0]
    repeated = corpus.set_header(base, IND, corpus.col(IND, "note"), "Năm")
    assert any("tiêu đề “Năm” lặp lại" in m for m in _refused(world, IND, repeated))


def test_data_in_a_column_without_a_header_is_refused(world: World, people: People) -> None:
    data = corpus.fill(IND, [{**_binh(rating="HTXSNV")}])

    def change(book) -> None:
        book["Cá nhân"].cell(5, len(SHAPES[IND].columns) + 2).value = "thừa"

    messages = _refused(world, IND, corpus.edit(data, change))
    assert messages == [
        "Dòng 5, cột P: ô có dữ liệu nằm ở cột không có tiêu đề của mẫu: hãy xóa hoặc chuyển vào đúng cột"
    ]


def test_a_file_without_rows_is_refused(world: World) -> None:
    assert _refused(world, IND, corpus.template(IND)) == [
        "trang “Cá nhân” không có dòng dữ liệu nào: chưa có gì để nhập"
    ]


# --- cells ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "key", "expected"),
    [
        ({"year": "hai nghìn"}, "year", "năm “hai nghìn” không phải một năm"),
        ({"year": 1900}, "year", "năm 1900 nằm ngoài khoảng cho phép"),
        ({"year": 2999}, "year", "năm 2999 nằm ngoài khoảng cho phép"),
        ({"year": 2024.5}, "year", "không phải một năm"),
        ({"year": dt.datetime(2024, 1, 1)}, "year", "định dạng ngày"),
        ({"year": None}, "year", "chưa điền “Năm”"),
        ({"full_name": None}, "full_name", "chưa điền “Họ và tên”"),
        ({"rating": "giỏi"}, "rating", "xếp loại “giỏi” không hợp lệ"),
        (
            {"rating": None, "title": None, **dict.fromkeys(DECISION)},
            "rating",
            "không có xếp loại cũng không có danh hiệu",
        ),
        ({"title": "Anh hùng"}, "title", "danh hiệu, hình thức “Anh hùng” không có trong danh mục"),
        ({"title": "CSTDC"}, "title", "(có phải “CSTDCS”?)"),
        ({"title": "TTLDXS"}, "title", "dành cho tập thể, không tặng cá nhân"),
        ({"decision_no": None}, "decision_no", "chưa ghi số quyết định"),
        ({"decision_date": None}, "decision_date", "chưa ghi ngày quyết định"),
        ({"decision_date": "đầu năm"}, "decision_date", "“đầu năm” không phải ngày"),
        ({"decision_date": "31/02/2025"}, "decision_date", "không có thật"),
        ({"decision_date": 45000}, "decision_date", "không phải ngày"),
        ({"decision_date": "01/01/2999"}, "decision_date", "chưa tới"),
        ({"decision_date": "20/12/2024"}, "decision_date", "trước năm thành tích 2025"),
        ({"title": None}, "title", "có thông tin quyết định nhưng chưa ghi danh hiệu"),
        ({"kind": "thưởng nóng"}, "kind", "loại khen thưởng “thưởng nóng” không hợp lệ"),
        ({"basis": "quen biết"}, "basis", "căn cứ xét “quen biết” không hợp lệ"),
        ({"unit_code": "T-XX"}, "unit_code", "mã đơn vị “T-XX” không có trong hệ thống"),
        ({"unit_name": "Huyện Nam Giang"}, "unit_name", "không khớp với mã “T-TP”"),
        (
            {"full_name": "Trần Văn Binh"},
            "full_name",
            "không có cán bộ tên “Trần Văn Binh” công tác tại “Huyện Tiên Phước” (có phải “Trần Văn Bình”?)",
        ),
        ({"person_code": "TP-001"}, "full_name", "không khớp với mã cán bộ “TP-001”"),
        ({"person_code": "ZZ-9"}, "person_code", "mã cán bộ “ZZ-9” không có trong hệ thống"),
        (
            {"full_name": "Lê Văn Cường", "person_code": "PS-001"},
            "unit_code",
            "không công tác tại “Huyện Tiên Phước”",
        ),
        ({"note": "x" * 2001}, "note", "ghi chú dài 2001 ký tự"),
        ({"decision_no": "y" * 61}, "decision_no", "số quyết định dài 61 ký tự"),
    ],
)
def test_bad_cells_are_refused_naming_row_and_column(
    world: World, people: People, cells, key, expected
) -> None:
    row = {**_binh(rating="HTXSNV", title="LDTT", **DECISION), **cells}
    messages = _refused(world, IND, corpus.fill(IND, [row]))
    column = f"{letter(IND, key)} ({SHAPES[IND].headers[key]})"
    assert any(m.startswith(f"Dòng 5, cột {column}: ") and expected in m for m in messages), messages


def test_two_people_of_the_same_name_need_their_code(world: World, people: People) -> None:
    person_create(
        actor=None,
        full_name="Trần Văn Bình",
        gender=Gender.MALE,
        unit=world.tien_phuoc,
        start=dt.date(2022, 1, 1),
    )
    messages = _refused(world, IND, corpus.fill(IND, [_binh(rating="HTTNV")]))
    assert messages == [
        f"Dòng 5, cột {letter(IND, 'full_name')} (Họ và tên): “Huyện Tiên Phước” có 2 người tên “Trần Văn Bình”: "
        "hãy ghi “Mã cán bộ” để phân biệt"
    ]
    assert _import(world, IND, corpus.fill(IND, [_binh(person_code="TP-002", rating="HTTNV")])).ratings == 1


def test_duplicate_rows_and_conflicting_ratings_are_refused_on_the_later_row(
    world: World, people: People
) -> None:
    data = corpus.fill(
        IND,
        [
            _binh(rating="HTXSNV", title="LDTT", **DECISION),
            _binh(rating="HTTNV", title="LĐTT", **DECISION),
        ],
    )
    messages = _refused(world, IND, data)
    assert any(m.startswith("Dòng 6") and "dòng 5 và dòng 6 trùng nhau" in m for m in messages), messages
    assert any(
        m.startswith("Dòng 6") and "đã xếp loại “Hoàn thành xuất sắc nhiệm vụ” ở dòng 5" in m
        for m in messages
    )


def test_a_stored_award_with_another_decision_is_not_overwritten(world: World, people: People) -> None:
    row = {
        "full_name": "Nguyễn Thị Lan",
        "unit_code": "T-TP",
        "year": 2024,
        "title": "CSTDCS",
        "decision_no": "99/QĐ",
        "decision_date": "10/01/2025",
    }
    messages = _refused(world, IND, corpus.fill(IND, [row]))
    assert "khen thưởng đã ghi không sửa được bằng tệp Excel" in messages[0]
    assert messages[0].startswith(f"Dòng 5, cột {letter(IND, 'decision_no')}")


def test_one_bad_row_among_good_ones_writes_nothing(world: World, people: People) -> None:
    rows = [_binh(year=y, rating="HTTNV") for y in (2019, 2020)] + [_binh(year="năm ngoái", rating="HTTNV")]
    messages = _refused(world, IND, corpus.fill(IND, rows))
    assert len(messages) == 1 and messages[0].startswith("Dòng 7")


@pytest.mark.parametrize(
    ("cells", "key", "expected"),
    [
        ({"scope": "cấp huyện"}, "scope", "cấp công nhận “cấp huyện” không hợp lệ"),
        ({"recognised_on": None}, "recognised_on", "chưa điền “Ngày công nhận”"),
        ({"used_year": None}, "used_year", "ghi đủ cả danh hiệu đã dùng sáng kiến và năm"),
        ({"used_year": 2022}, "used_title", "không tìm thấy CSTĐCS năm 2022 của Nguyễn Thị Lan"),
        ({"year": 2026}, "year", "sau ngày công nhận"),
    ],
)
def test_bad_initiative_rows_are_refused(world: World, people: People, cells, key, expected) -> None:
    row = {
        "full_name": "Nguyễn Thị Lan",
        "unit_code": "T-TP",
        "name": "Phần mềm",
        "scope": "Cơ sở",
        "recognised_on": "12/10/2024",
        "used_title": "CSTDCS",
        "used_year": 2024,
        **cells,
    }
    messages = _refused(world, INI, corpus.fill(INI, [row]))
    column = f"{letter(INI, key)} ({SHAPES[INI].headers[key]})"
    assert any(m.startswith(f"Dòng 5, cột {column}: ") and expected in m for m in messages), messages


def test_an_initiative_already_used_cannot_serve_another_award(world: World, people: People) -> None:
    idea = initiative_record(
        actor=None, person=people.lan, name="Sổ tay", scope="co_so", recognised_on=dt.date(2023, 3, 1)
    )
    award_record(
        actor=None,
        person=people.lan,
        title="BK_TINH",
        cycle=2023,
        decision_no="5/QĐ-UBND",
        decision_date=dt.date(2024, 2, 1),
        initiatives=[idea],
    )
    row = {
        "full_name": "Nguyễn Thị Lan",
        "unit_code": "T-TP",
        "name": "Sổ tay",
        "scope": "cơ sở",
        "recognised_on": "01/03/2023",
        "used_title": "CSTDCS",
        "used_year": 2024,
    }
    messages = _refused(world, INI, corpus.fill(INI, [row]))
    assert "đã được dùng cho Bằng khen tỉnh năm 2023: mỗi sáng kiến chỉ được dùng một lần" in messages[0]


def test_duplicate_initiatives_in_one_file_are_refused(world: World, people: People) -> None:
    row = {
        "full_name": "Nguyễn Thị Lan",
        "unit_code": "T-TP",
        "name": "Phần mềm",
        "scope": "Cơ sở",
        "recognised_on": "12/10/2024",
    }
    messages = _refused(world, INI, corpus.fill(INI, [row, {**row, "name": "phần  mềm"}]))
    assert messages[0].startswith("Dòng 6") and "trùng nhau" in messages[0]
