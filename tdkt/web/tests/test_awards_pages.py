"""The titles-and-commendations pages as every persona.

Personas (tdkt.core.personas): board; head = staff of Phước Sơn; member = staff of Tiên Phước; outsider =
staff of Điện Bàn; public = not logged in. People (tdkt.awards.tests.helpers): Lan and Bình work in Tiên
Phước, Cường in Phước Sơn, Dung in Điện Bàn. People are personal data: only the board and the staff of
their unit see them; everyone else gets 404.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tdkt.awards import catalogue
from tdkt.awards.models import EvaluationJob, EvaluationOutcome, JobStatus, ParameterOverride, TaskRating
from tdkt.awards.rulepacks import pack_by_id
from tdkt.awards.tests import xlsx_corpus as corpus
from tdkt.awards.tests.helpers import People, make_people
from tdkt.awards.tests.xlsx_corpus import database_state
from tdkt.core.personas import World
from tdkt.org.models import Person

ClientAs = Callable[[User | None], Client]
PERSONAS = ["board", "head", "member", "outsider", "public"]


@pytest.fixture
def people(world: World) -> People:
    return make_people(world)


def _user(world: World, persona: str) -> User | None:
    return None if persona == "public" else getattr(world, persona)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("board", 200), ("member", 200), ("head", 404), ("outsider", 404), ("public", 404)],
)
def test_a_persons_page_is_for_the_board_and_their_units_staff(
    world: World, people: People, client_as: ClientAs, persona: str, status: int
) -> None:
    response = client_as(_user(world, persona)).get(reverse("web:person", args=[people.lan.pk]))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Nguyễn Thị Lan" in body and "Xét danh hiệu, hình thức khen thưởng năm 2024" in body
        assert "QĐ số 12/QĐ-UBND ngày 10/01/2025 của UBND huyện Tiên Phước" in body
        assert "chưa được kiểm chứng" in body  # beside the checks of rules still tagged R (GEN_09, GK_01)


def test_a_verdict_names_its_rule_pack_not_its_id(world: World, people: People, client_as: ClientAs) -> None:
    """Regression: "Bộ quy tắc: luat2022-nd98-2023." under each verdict; the id stays in data-pack."""
    body = client_as(world.board).get(reverse("web:person", args=[people.lan.pk])).content.decode()
    visible = re.sub(r"<[^>]+>", " ", body)
    assert "Bộ quy tắc: Luật Thi đua, khen thưởng 2022 và Nghị định 98/2023/NĐ-CP." in visible
    assert "luat2022-nd98-2023" not in visible and 'data-pack="luat2022-nd98-2023"' in body


UNVERIFIED_BADGE = "badge--unverified"
# the rule's id travels in an attribute, for auditors and tests, never as visible text
CITE = re.compile(r'<div class="check__cite small muted" data-rule="([A-Za-z0-9_]+)">(.*?)</div>', re.S)


def test_the_unverified_badge_sits_only_beside_checks_whose_rule_is_tagged_r(
    world: World, people: People, client_as: ClientAs
) -> None:
    body = client_as(world.member).get(reverse("web:person", args=[people.lan.pk])).content.decode()
    cards = body.split('<details class="verdict-card')[1:]
    assert cards
    flagged, plain = set(), set()
    for card in cards:
        summary = card[card.index("<summary>") : card.index("</summary>")]
        assert UNVERIFIED_BADGE not in summary and "kiểm chứng" not in summary  # never on the verdict
        pack = pack_by_id(re.search(r'data-pack="([a-z0-9-]+)"', card).group(1))  # type: ignore[union-attr]
        for rule_id, rest in CITE.findall(card):
            unverified = pack.rule(rule_id).tag == "R"
            assert (UNVERIFIED_BADGE in rest) == unverified, rule_id
            (flagged if unverified else plain).add(rule_id)
    # Lan's 2024 verdicts rest on both kinds: GEN_09 and GK_01 are still R, LĐTT and the rest verified.
    assert "GEN_09" in flagged and "LDTT_01" in plain and "HCLD3_02" in plain


def test_the_person_page_shows_what_is_missing_and_the_citation(
    world: World, people: People, client_as: ClientAs
) -> None:
    body = (
        client_as(world.member)
        .get(reverse("web:person", args=[people.binh.pk]) + "?nam=2024")
        .content.decode()
    )
    assert "Còn thiếu" in body
    assert "Luật Thi đua, khen thưởng 2022, Điều 23" in body  # CSTĐCS


def test_an_unknown_person_is_404(world: World, client_as: ClientAs) -> None:
    assert client_as(world.board).get(reverse("web:person", args=[999999])).status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_units_titles_are_public_its_verdicts_are_not(
    world: World, people: People, client_as: ClientAs, persona: str
) -> None:
    import datetime as dt

    from tdkt.awards.services import award_record

    award_record(
        actor=None,
        unit=world.tien_phuoc,
        title="TTLDTT",
        cycle=2024,
        decision_no="9/QĐ-UBND",
        decision_date=dt.date(2025, 1, 8),
        authority="UBND tỉnh Quảng Nam",
    )
    response = client_as(_user(world, persona)).get(reverse("web:unit_awards", args=[world.tien_phuoc.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tập thể lao động tiên tiến" in body and "QĐ số 9/QĐ-UBND ngày 08/01/2025" in body
    assert ("Xét danh hiệu tập thể năm" in body) == (persona in ("board", "member"))
    assert ("Nguyễn Thị Lan" in body) is False


@pytest.mark.parametrize(
    ("persona", "status"),
    [("board", 200), ("member", 200), ("head", 404), ("outsider", 404), ("public", 404)],
)
def test_a_units_candidates_are_for_the_board_and_its_staff(
    world: World, people: People, client_as: ClientAs, persona: str, status: int
) -> None:
    response = client_as(_user(world, persona)).get(
        reverse("web:unit_candidates", args=[world.tien_phuoc.pk]) + "?nam=2024"
    )
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Nguyễn Thị Lan" in body and "Trần Văn Bình" in body and "Phạm Thị Dung" not in body
        assert "Chiến sĩ thi đua cơ sở" in body


@pytest.mark.parametrize(
    ("persona", "status"),
    [("board", 200), ("member", 200), ("head", 404), ("outsider", 404), ("public", 404)],
)
def test_a_units_candidates_download_as_excel_for_its_council(
    world: World, people: People, client_as: ClientAs, persona: str, status: int
) -> None:
    import io

    from python_calamine import CalamineWorkbook

    url = reverse("web:unit_candidates_xlsx", args=[world.tien_phuoc.pk]) + "?nam=2024"
    response = client_as(_user(world, persona)).get(url)
    assert response.status_code == status
    if status != 200:
        return
    assert response["Content-Disposition"].endswith(f'filename="ung-vien-{world.tien_phuoc.code}-2024.xlsx"')
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheet_names == ["Đủ điều kiện", "Tổng hợp"]
    eligible = book.get_sheet_by_name("Đủ điều kiện").to_python()
    assert "không phải quyết định" in eligible[1][0]
    assert eligible[3][:6] == [
        "STT",
        "Danh hiệu, hình thức",
        "Họ và tên",
        "Mã cán bộ",
        "Chức vụ",
        "Cần Hội đồng xác nhận",
    ]
    rows = [r for r in eligible[4:] if r[0] != ""]
    listed = {(r[1], r[2]) for r in rows}
    page = client_as(_user(world, persona)).get(
        reverse("web:unit_candidates", args=[world.tien_phuoc.pk]) + "?nam=2024"
    )
    candidates = page.context["candidates"]
    expected = {
        (catalogue.CATALOGUE[t.title].name, p.full_name) for t in candidates.by_title for p in t.eligible
    }
    assert expected and listed == expected  # exactly who the page says qualifies
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    lan = next(r for r in rows if r[2] == "Nguyễn Thị Lan")
    assert lan[3] == "TP-001" and lan[4] == "Chuyên viên"
    assert lan[1] == "Lao động tiên tiến" and lan[6] == "luat2022-nd98-2023"
    assert lan[5].endswith(
        "đoàn kết, tương trợ; tích cực tham gia phong trào thi đua: cần Hội đồng Thi đua – Khen thưởng xác nhận"
    )
    summary = book.get_sheet_by_name("Tổng hợp").to_python()
    names = [r[1] for r in summary[4:] if r[1]]
    assert names == [p.full_name for p in candidates.people]
    assert "Phạm Thị Dung" not in names


def test_the_cstdcs_cap_is_noted_when_the_board_turns_it_on(
    world: World, people: People, client_as: ClientAs
) -> None:
    from tdkt.awards.services import parameter_override_set

    url = reverse("web:unit_candidates", args=[world.tien_phuoc.pk]) + "?nam=2024"
    assert "Giới hạn số Chiến sĩ thi đua cơ sở" not in client_as(world.member).get(url).content.decode()
    parameter_override_set(
        actor=world.board,
        rule_id="CSTDCS_02",
        param="enabled",
        value=True,
        cycle_from=2024,
        reason="Quy chế tỉnh",
    )
    body = client_as(world.member).get(url).content.decode()
    assert "Giới hạn số Chiến sĩ thi đua cơ sở" in body and "CSTDCS_02" in body


@pytest.mark.parametrize(
    ("persona", "status"),
    [("board", 200), ("member", 200), ("head", 404), ("outsider", 404), ("public", 404)],
)
def test_adding_a_person_is_for_the_board_and_the_units_staff(
    world: World, client_as: ClientAs, persona: str, status: int
) -> None:
    client = client_as(_user(world, persona))
    url = reverse("web:person_new", args=[world.tien_phuoc.pk])
    assert client.get(url).status_code == status
    response = client.post(
        url, {"full_name": "Võ Thị Hoa", "gender": "nu", "start": "01/09/2024", "recruited_on": "01/08/2024"}
    )
    created = Person.objects.filter(full_name="Võ Thị Hoa").first()
    if status == 200:
        assert response.status_code == 302 and created is not None
        assert response["Location"] == reverse("web:person", args=[created.pk])
    else:
        assert response.status_code == 404 and created is None


def test_a_refused_person_form_keeps_nothing(world: World, client_as: ClientAs) -> None:
    response = client_as(world.member).post(
        reverse("web:person_new", args=[world.tien_phuoc.pk]),
        {"full_name": "", "gender": "x", "start": "hôm qua"},
    )
    assert response.status_code == 400
    assert "Vui lòng nhập họ và tên." in response.content.decode()
    assert not Person.objects.exists()


# --- Excel import ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_import_page_is_for_accounts_the_public_is_sent_to_log_in(
    world: World, client_as: ClientAs, persona: str
) -> None:
    response = client_as(_user(world, persona)).get(reverse("web:awards_import"))
    assert response.status_code == (302 if persona == "public" else 200)
    template = client_as(_user(world, persona)).get(reverse("web:awards_import_template", args=["ca_nhan"]))
    assert template.status_code == (302 if persona == "public" else 200)


def test_the_template_of_a_units_staff_lists_their_people(
    world: World, people: People, client_as: ClientAs
) -> None:
    import io

    import openpyxl

    response = client_as(world.member).get(reverse("web:awards_import_template", args=["ca_nhan"]))
    assert response["Content-Disposition"].endswith('filename="mau-khen-thuong-ca-nhan.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    lists = [[c.value for c in row] for row in book["Danh mục"].iter_rows(min_row=4)]
    flat = {v for row in lists for v in row if v}
    assert "Nguyễn Thị Lan" in flat and "Lê Văn Cường" not in flat and "T-PS" not in flat
    assert client_as(world.member).get(reverse("web:awards_import_template", args=["xyz"])).status_code == 404


def test_a_member_uploads_a_sheet_and_it_is_stored(world: World, people: People, client_as: ClientAs) -> None:
    data = corpus.fill(
        "ca_nhan", [{"full_name": "Trần Văn Bình", "unit_code": "T-TP", "year": 2025, "rating": "HTXSNV"}]
    )
    response = client_as(world.member).post(
        reverse("web:awards_import"),
        {"nhap-kind": "ca_nhan", "nhap-file": SimpleUploadedFile("kt.xlsx", data)},
        follow=True,
    )
    assert response.status_code == 200
    assert "Đã nhập 1 xếp loại của Huyện Tiên Phước." in response.content.decode()
    assert TaskRating.objects.get(person=people.binh, cycle=2025).rating == 4


def test_a_refused_upload_lists_rows_and_columns_and_writes_nothing(
    world: World, people: People, client_as: ClientAs
) -> None:
    data = corpus.fill(
        "ca_nhan",
        [{"full_name": "Trần Văn Bình", "unit_code": "T-PS", "year": "năm nay", "rating": "HTXSNV"}],
    )
    before = database_state()
    response = client_as(world.member).post(
        reverse("web:awards_import"),
        {"nhap-kind": "ca_nhan", "nhap-file": SimpleUploadedFile("kt.xlsx", data)},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Tệp có lỗi, chưa ghi dòng nào" in body
    assert "bạn chỉ được nhập hồ sơ của “Huyện Tiên Phước”" in body and "“năm nay” không phải một năm" in body
    assert database_state() == before


# --- parameters ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("board", 200), ("head", 200), ("member", 200), ("outsider", 200), ("public", 404)],
)
def test_parameters_are_read_by_accounts(
    world: World, client_as: ClientAs, persona: str, status: int
) -> None:
    response = client_as(_user(world, persona)).get(reverse("web:awards_parameters") + "?nam=2025")
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert 'data-rule="CSTDCS_02"' in body and "chưa được kiểm chứng" in body
        assert ("Điều chỉnh một tham số" in body) == (persona == "board")
        visible = re.sub(r"<[^>]+>", " ", body)  # ids travel in attributes only
        assert not re.search(r"\b[A-Z]{2,}[A-Za-z]*_\d{2}\b|\bCO_CP\b|\bTrue\b|\bFalse\b|\bfloor\b", visible)
        assert "làm tròn xuống" in visible


def test_only_the_board_changes_a_parameter_with_a_reason(world: World, client_as: ClientAs) -> None:
    form = {
        "target": "LDTT_02.months",
        "value": "10",
        "cycle_from": "2025",
        "reason": "Quy chế thi đua của tỉnh",
        "action": "set",
    }
    assert client_as(world.member).post(reverse("web:awards_parameters"), form).status_code == 403
    assert client_as(None).post(reverse("web:awards_parameters"), form).status_code == 404
    refused = client_as(world.board).post(reverse("web:awards_parameters"), {**form, "value": "99"})
    assert refused.status_code == 400 and "lớn hơn mức cao nhất" in refused.content.decode()
    assert not ParameterOverride.objects.exists()
    done = client_as(world.board).post(reverse("web:awards_parameters"), form)
    assert done.status_code == 302
    row = ParameterOverride.objects.get()
    assert (row.value, row.set_by, row.reason) == (10, world.board, "Quy chế thi đua của tỉnh")
    body = client_as(world.member).get(reverse("web:awards_parameters") + "?nam=2025").content.decode()
    assert "Ban TĐKT điều chỉnh" in body and "Quy chế thi đua của tỉnh" in body


def test_the_history_names_the_parameter_in_words_and_the_person_family_name_first(
    world: World, client_as: ClientAs
) -> None:
    """Regression: the history showed `rounding` for the parameter and "Hà Nguyễn Thị Thu" for the board's
    officer (Django's get_full_name puts the given name first)."""
    form = {
        "target": "COCP_02.rounding",
        "value": "half_up",
        "cycle_from": "2025",
        "reason": "Thử",
        "action": "set",
    }
    assert client_as(world.board).post(reverse("web:awards_parameters"), form).status_code == 302
    body = client_as(world.member).get(reverse("web:awards_parameters") + "?nam=2025").content.decode()
    history = re.sub(r"<[^>]+>", " ", body.split('id="history-heading"')[1])
    name = f"{world.board.last_name} {world.board.first_name}"
    assert name in history and f"{world.board.first_name} {world.board.last_name}" not in history
    assert "Cờ thi đua của Chính phủ" in history and "rounding" not in history


# --- the bulk evaluation -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["head", "member", "outsider", "public"])
def test_the_bulk_evaluation_is_the_boards(world: World, client_as: ClientAs, persona: str) -> None:
    client = client_as(_user(world, persona))
    assert client.get(reverse("web:awards_jobs")).status_code == 404
    assert (
        client.post(reverse("web:awards_jobs"), {"scope": world.province.pk, "cycle": 2024}).status_code
        == 404
    )
    job = EvaluationJob.objects.create(scope=world.province, cycle=2024)
    assert client.get(reverse("web:awards_job", args=[job.pk])).status_code == 404


def test_the_board_runs_a_province_and_sees_progress_and_counts(
    world: World, people: People, client_as: ClientAs, django_capture_on_commit_callbacks
) -> None:
    client = client_as(world.board)
    assert client.get(reverse("web:awards_jobs")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:awards_jobs"), {"scope": world.province.pk, "cycle": 2024})
    job = EvaluationJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:awards_job", args=[job.pk])
    assert job.status == JobStatus.DONE and EvaluationOutcome.objects.filter(job=job).count() == 4
    page = client.get(reverse("web:awards_job", args=[job.pk])).content.decode()
    assert "Đã xét 4 / 4 người (100%)" in page and "Lao động tiên tiến" in page
    assert 'hx-trigger="every 1s"' not in page  # finished: no more polling
    fragment = client.get(reverse("web:awards_job", args=[job.pk]), headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<section id="job-progress"')


def test_a_running_job_polls_for_progress(world: World, client_as: ClientAs) -> None:
    job = EvaluationJob.objects.create(
        scope=world.province, cycle=2024, status=JobStatus.RUNNING, total=10, done=3
    )
    page = client_as(world.board).get(reverse("web:awards_job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "(30%)" in page


def test_the_unit_page_links_to_its_titles(world: World, client_as: ClientAs) -> None:
    body = client_as(None).get(reverse("web:unit", args=[world.tien_phuoc.pk])).content.decode()
    assert reverse("web:unit_awards", args=[world.tien_phuoc.pk]) in body


def test_a_person_who_moved_away_shows_their_new_unit_unlinked_to_the_staff_of_the_unit_they_left(
    world: World, people: People, client_as: ClientAs
) -> None:
    import datetime as dt

    from tdkt.org.services import employment_start

    employment_start(actor=None, person=people.lan, unit=world.dien_ban, start=dt.date(2025, 1, 1))
    candidates = reverse("web:unit_candidates", args=[world.dien_ban.pk])
    member = client_as(world.member)
    body = member.get(reverse("web:person", args=[people.lan.pk])).content.decode()
    assert world.dien_ban.name in body
    assert candidates not in body  # the link would answer 404 to Tiên Phước's staff
    assert member.get(candidates).status_code == 404
    board = client_as(world.board).get(reverse("web:person", args=[people.lan.pk])).content.decode()
    assert candidates in board


def test_no_rule_id_is_visible_text_on_a_persons_page(
    world: World, people: People, client_as: ClientAs
) -> None:
    body = client_as(world.member).get(reverse("web:person", args=[people.lan.pk])).content.decode()
    visible = re.sub(r"<[^>]+>", " ", body)  # attribute values (data-rule) are not read by anyone
    assert not re.search(r"\b[A-Z]{2,}[A-Za-z]*_\d{2}\b", visible)
    assert 'data-rule="LDTT_01"' in body
