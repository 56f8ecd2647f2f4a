"""The criteria pages and the draft editor, as every persona: the tree in words (no JSON, no code of a
method, no indicator code), forms per criterion with the method's own fields, the check as one types,
the preview on last year's data, Excel in and out.

Personas (tdkt.core.personas): board; head = staff of Phước Sơn, head of the cluster in 2024 (and in the
2025 year these tests open); member = staff of Tiên Phước; outsider = staff of Điện Bàn; public.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import io
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tdkt.core.personas import SCORING_CRITERIA, SCORING_RULES, World
from tdkt.scoring.criteria_edit import criteria_draft_start
from tdkt.scoring.models import CriteriaSet, Criterion, SetStatus
from tdkt.scoring.selectors import criteria_tree
from tdkt.scoring.services import criteria_set_adopt, criteria_set_create, score_set
from tdkt.scoring.tests.test_criteria_edit import accept_2024, next_year
from tdkt.scoring.xlsx_criteria import criteria_export

ClientAs = Callable[[User | None], Client]

# a set using every kind of wording: a count on houses (its value name T_NHA must never show)
WITH_COUNT: list[dict[str, Any]] = [
    *SCORING_CRITERIA,
    {
        "code": "TH",
        "name": "Điểm thưởng nhà tạm",
        "kind": "bonus",
        "max_points": "3",
        "method": {"type": "per_count", "value": "T_NHA", "points_each": "0.01"},
    },
]
RAW = re.compile(
    r"\b(ratio|bands|achieved|rank|judged|per_count|formula|group|score|bonus|penalty|draft|adopted|locked|"
    r"T_NHA|T_GN|T-GN|T-THU|T-NHA|True|False|None)\b"
)


def _text(response: Any) -> str:
    """What a person reads: the page without tags, scripts or attributes."""
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", page))


def _draft(world: World, criteria: list[dict[str, Any]] | None = None) -> CriteriaSet:
    if criteria is None:
        return criteria_draft_start(actor=None, cluster_year=world.cluster_year, declared_total=Decimal(30))
    cs = criteria_set_create(
        actor=None,
        cluster_year=world.cluster_year,
        criteria=criteria,
        rules=SCORING_RULES,
        declared_total=Decimal(30),
    )
    return cs


def _post(client: Client, name: str, world: World, data: dict[str, Any], *args: int) -> Any:
    return client.post(reverse(name, args=[world.cluster_year.pk, *args]), data)


def _fields(**typed: str) -> dict[str, str]:
    base = {"kind": "score", "code": "", "name": "", "parent": "", "max_points": "", "method": ""}
    return {**base, **typed}


# --- access ---------------------------------------------------------------------------------------------------


def test_only_the_board_and_the_heads_staff_reach_the_editor(world: World, client_as: ClientAs) -> None:
    cs = _draft(world)
    crit = Criterion.objects.create(criteria_set=cs, code="I", name="Kinh tế", kind="group", max_points=20)
    cy = world.cluster_year.pk
    gets = [
        reverse("web:criteria_editor", args=[cy]),
        reverse("web:criterion_new", args=[cy]),
        reverse("web:criterion_edit", args=[cy, crit.pk]),
        reverse("web:criteria_method_fields", args=[cy]) + "?method=ratio",
    ]
    posts = [
        reverse("web:criteria_check", args=[cy]),
        reverse("web:criterion_new", args=[cy]),
        reverse("web:criterion_delete", args=[cy, crit.pk]),
        reverse("web:criterion_move", args=[cy, crit.pk]),
        reverse("web:criteria_total", args=[cy]),
        reverse("web:criteria_import", args=[cy]),
    ]
    for persona in (world.board, world.head):
        client = client_as(persona)
        for url in gets:
            assert client.get(url).status_code == 200, url
    for outsider in (world.member, world.outsider, None):
        client = client_as(outsider)
        for url in gets:
            assert client.get(url).status_code == 404, (outsider, url)
        for url in posts:
            assert (
                client.post(url, _fields(code="X", name="X", kind="group", max_points="1")).status_code == 404
            )
    assert list(Criterion.objects.filter(criteria_set=cs).values_list("code", flat=True)) == ["I"]


def test_there_is_no_editor_without_a_draft(world: World, client_as: ClientAs) -> None:
    cs = _draft(world, SCORING_CRITERIA)
    criteria_set_adopt(actor=None, criteria_set=cs, adopted_on=dt.date(2024, 3, 1))
    assert (
        client_as(world.head).get(reverse("web:criteria_editor", args=[world.cluster_year.pk])).status_code
        == 404
    )


def test_a_member_reads_the_criteria_in_words_but_starts_no_draft(world: World, client_as: ClientAs) -> None:
    cs = _draft(world, WITH_COUNT[:2])
    criteria_set_adopt(actor=None, criteria_set=cs, adopted_on=dt.date(2024, 3, 1))
    member = client_as(world.member)
    url = reverse("web:criteria", args=[world.cluster_year.pk])
    text = _text(member.get(url))
    assert "Tỷ lệ so với chỉ tiêu “Tỷ lệ giải ngân vốn đầu tư công”, tối đa 100%" in text
    assert "Tạo dự thảo" not in text and "Khóa" not in text
    assert member.post(url, {"action": "start", "tc-declared_total": "30"}).status_code == 403
    assert CriteriaSet.objects.count() == 1


# --- the page in words -----------------------------------------------------------------------------------------


def test_no_json_and_no_raw_code_on_the_criteria_pages(world: World, client_as: ClientAs) -> None:
    cs = _draft(world, WITH_COUNT)
    head = client_as(world.head)
    cy = world.cluster_year.pk
    leaf = Criterion.objects.get(criteria_set=cs, code="TH")
    for url in (
        reverse("web:criteria", args=[cy]),
        reverse("web:criteria_editor", args=[cy]),
        reverse("web:criterion_edit", args=[cy, leaf.pk]),
        reverse("web:criterion_new", args=[cy]),
    ):
        response = head.get(url)
        assert response.status_code == 200
        text = _text(response)
        assert "{" not in text and "JSON" not in text, url
        assert not RAW.findall(text), (url, RAW.findall(text))
    text = _text(head.get(reverse("web:criteria_editor", args=[cy])))
    assert "0,01 điểm cho mỗi “Số nhà tạm được xóa”, tối đa 3 điểm" in text
    assert "Chấm điểm: tự chấm, chấm chéo, thẩm định" in text
    assert "Điểm thưởng" in text and "Nhóm tiêu chí" in text


def test_the_form_shows_only_the_chosen_methods_fields_and_labels_them(
    world: World, client_as: ClientAs
) -> None:
    _draft(world)
    head = client_as(world.head)
    url = reverse("web:criteria_method_fields", args=[world.cluster_year.pk])
    ratio = head.get(url, {"method": "ratio", "kind": "score"}).content.decode()
    assert '<label for="id_cap">Mức trần (%)</label>' in ratio and 'for="id_indicator"' in ratio
    assert "id_band_threshold_0" not in ratio and "id_expression" not in ratio
    bands = head.get(url, {"method": "bands", "kind": "score", "band_threshold_0": "90"}).content.decode()
    assert '<label for="id_band_threshold_0" class="sr-only">Ngưỡng mức 1</label>' in bands
    assert 'value="90"' in bands and "id_cap" not in bands
    formula = _text(head.get(url, {"method": "formula", "kind": "score"}))
    assert (
        "T_GN_percent" in formula
        and "tỷ lệ % so với chỉ tiêu của “Tỷ lệ giải ngân vốn đầu tư công”" in formula
    )
    group = _text(head.get(url, {"method": "ratio", "kind": "group"}))
    assert "Nhóm không có phương pháp chấm" in group


# --- editing ---------------------------------------------------------------------------------------------------


def test_the_head_builds_a_draft_in_forms_and_adopts_it(world: World, client_as: ClientAs) -> None:
    head = client_as(world.head)
    cy = world.cluster_year.pk
    response = head.post(reverse("web:criteria", args=[cy]), {"action": "start", "tc-declared_total": "30"})
    assert response.status_code == 302 and response["Location"] == reverse("web:criteria_editor", args=[cy])
    for fields in (
        _fields(kind="group", code="I", name="Kinh tế", max_points="20"),
        _fields(kind="group", code="II", name="Thi đua", max_points="10"),
        _fields(code="I.1", name="Giải ngân", parent="I", max_points="10", method="ratio", indicator="T-GN"),
        _fields(
            code="I.2",
            name="Thu ngân sách",
            parent="I",
            max_points="10",
            method="achieved",
            indicator="T-THU",
        ),
        _fields(code="II.1", name="Phong trào", parent="II", max_points="10", method="judged"),
    ):
        response = _post(head, "web:criterion_new", world, fields)
        assert response.status_code == 302, _text(response)
    draft = CriteriaSet.objects.get(status=SetStatus.DRAFT)
    assert criteria_tree(draft) == [
        {**g, "kind": "group", "children": [{**c, "kind": "score"} for c in g["children"]]}
        for g in SCORING_CRITERIA
    ]
    # edit I.1 into bands, typed the Vietnamese way
    crit = Criterion.objects.get(criteria_set=draft, code="I.1")
    form = _text(head.get(reverse("web:criterion_edit", args=[cy, crit.pk])))
    assert "Tỷ lệ giải ngân vốn đầu tư công" in form
    edit = _fields(
        code="I.1",
        name="Giải ngân",
        parent="I",
        max_points="10",
        method="bands",
        indicator="T-GN",
        on="percent",
        version="1",
        band_threshold_0="100",
        band_points_0="10",
        band_threshold_1="80",
        band_points_1="7,5",
        band_threshold_2="",
        band_points_2="",
    )
    assert _post(head, "web:criterion_edit", world, edit, crit.pk).status_code == 302
    crit.refresh_from_db()
    assert crit.method == {
        "type": "bands",
        "indicator": "T-GN",
        "on": "percent",
        "bands": [["100", "10"], ["80", "7.5"]],
    }
    # the same form sent again (read at version 1) is refused, saying what changed
    stale = _post(head, "web:criterion_edit", world, {**edit, "name": "Khác"}, crit.pk)
    assert stale.status_code == 400 and "đã được người khác thay đổi" in _text(stale)
    # move II above I, then adopt
    group_ii = Criterion.objects.get(criteria_set=draft, code="II")
    assert (
        _post(head, "web:criterion_move", world, {"huong": "len", "version": "1"}, group_ii.pk).status_code
        == 302
    )
    assert [c["code"] for c in criteria_tree(draft)] == ["II", "I"]
    editor = _text(head.get(reverse("web:criteria_editor", args=[cy])))
    assert (
        "Dự thảo hợp lệ" in editor
        and "Theo mức tỷ lệ so với chỉ tiêu “Tỷ lệ giải ngân vốn đầu tư công”" in editor
    )
    response = head.post(
        reverse("web:criteria", args=[cy]),
        {"action": "adopt", "set_id": draft.pk, f"tq{draft.pk}-adopted_on": "2024-03-08"},
    )
    draft.refresh_from_db()
    assert response.status_code == 302 and draft.status == SetStatus.ADOPTED


def test_a_refused_criterion_names_its_fields_and_keeps_what_was_typed(
    world: World, client_as: ClientAs
) -> None:
    _draft(world)
    head = client_as(world.head)
    response = _post(
        head,
        "web:criterion_new",
        world,
        _fields(code="I.1", name="Giải ngân", max_points="mười", method="ratio", indicator="T-GN", cap="0"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'id="err-max_points"[^>]*>\s*<ul class="errorlist"><li>“mười” không phải số', page)
    assert re.search(r'id="err-cap"[^>]*>\s*<ul class="errorlist"><li>Phải lớn hơn 0', page)
    assert 'value="mười"' in page
    assert not Criterion.objects.exists()


def test_an_adopted_version_is_not_edited_through_the_pages(world: World, client_as: ClientAs) -> None:
    cs = _draft(world, SCORING_CRITERIA)
    crit = Criterion.objects.get(criteria_set=cs, code="I.1")
    version = criteria_set_adopt(actor=None, criteria_set=cs, adopted_on=dt.date(2024, 3, 1))
    head = client_as(world.head)
    assert _post(head, "web:criterion_delete", world, {"version": "1"}, crit.pk).status_code == 404
    assert Criterion.objects.filter(pk=crit.pk).exists() and version.status == SetStatus.ADOPTED
    # an amendment is a new draft, with a reason
    url = reverse("web:criteria", args=[world.cluster_year.pk])
    response = head.post(url, {"action": "start", "tc-amends": str(cs.pk), "tc-reason": ""})
    assert response.status_code == 400 and "Lý do sửa đổi: sửa đổi bộ tiêu chí phải ghi lý do" in _text(
        response
    )
    response = head.post(
        url, {"action": "start", "tc-amends": str(cs.pk), "tc-reason": "Sửa đổi tại hội nghị sơ kết"}
    )
    assert response.status_code == 302
    v2 = CriteriaSet.objects.get(version=2)
    assert v2.status == SetStatus.DRAFT and criteria_tree(v2) == criteria_tree(cs)


def test_adoption_of_an_incomplete_draft_is_refused_with_its_problems(
    world: World, client_as: ClientAs
) -> None:
    draft = _draft(world)
    head = client_as(world.head)
    _post(head, "web:criterion_new", world, _fields(kind="group", code="I", name="Kinh tế", max_points="20"))
    response = head.post(
        reverse("web:criteria", args=[world.cluster_year.pk]),
        {"action": "adopt", "set_id": draft.pk, f"tq{draft.pk}-adopted_on": "2024-03-08"},
    )
    text = _text(response)
    assert response.status_code == 400 and "Dự thảo chưa thông qua được vì" in text
    assert "Nhóm I không có tiêu chí con" in text
    draft.refresh_from_db()
    assert draft.status == SetStatus.DRAFT


# --- checking as one types, and the preview -------------------------------------------------------------------


def test_the_check_returns_the_field_errors(world: World, client_as: ClientAs) -> None:
    _draft(world)
    head = client_as(world.head)
    response = _post(
        head,
        "web:criteria_check",
        world,
        _fields(code="I 1", name="", max_points="-2", method="ratio", indicator="", cap="0"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    for field, words in (
        ("code", "Không được có khoảng trắng"),
        ("name", "Chưa nhập tên tiêu chí"),
        ("max_points", "Không được âm"),
        ("indicator", "Chọn một chỉ tiêu của cụm"),
        ("cap", "Phải lớn hơn 0"),
    ):
        assert re.search(
            rf'<div id="err-{field}"[^>]*hx-swap-oob="true"><ul class="errorlist"><li>{words}', page
        ), field
    assert '<div id="err-floor" class="field-errors" aria-live="polite" hx-swap-oob="true"></div>' in page
    assert "Còn 5 lỗi cần sửa" in _text(response)
    assert not Criterion.objects.exists()


def test_the_check_previews_a_criterion_on_last_years_data(world: World, client_as: ClientAs) -> None:
    accept_2024(world)
    cy = next_year(world)
    criteria_draft_start(actor=None, cluster_year=cy)
    head = client_as(world.head)
    url = reverse("web:criteria_check", args=[cy.pk])
    response = head.post(
        url,
        _fields(code="I.1", name="Giải ngân", max_points="10", method="ratio", indicator="T-GN", cap="120"),
    )
    text = _text(response)
    assert "Các trường đều hợp lệ" in text and "Điểm trên số liệu năm 2024" in text
    # Tiên Phước disbursed 95 % of its target: 10 × 95 ÷ 120
    assert re.search(r"Huyện Tiên Phước\s+7,9167\s+Đạt 95% chỉ tiêu; tính tối đa 120%", text), text
    assert not RAW.findall(text)


def test_the_editor_says_when_there_is_no_last_year(world: World, client_as: ClientAs) -> None:
    _draft(world)  # 2024: the cluster has no 2023
    head = client_as(world.head)
    text = _text(head.get(reverse("web:criteria_editor", args=[world.cluster_year.pk])))
    assert "Không có số liệu năm trước: cụm chưa có năm 2023 trong hệ thống" in text
    response = _post(
        head, "web:criteria_check", world, _fields(code="X", name="X", max_points="5", method="judged")
    )
    assert "Không có số liệu năm trước" in _text(response)
    cy = next_year(world)  # 2024 exists, with no accepted report
    criteria_draft_start(actor=None, cluster_year=cy)
    text = _text(head.get(reverse("web:criteria_editor", args=[cy.pk])))
    assert "năm 2024 chưa có báo cáo tổng kết nào được chấp nhận" in text


def test_the_editor_previews_the_whole_draft_on_last_years_data(world: World, client_as: ClientAs) -> None:
    accept_2024(world)
    cy = next_year(world)
    draft = criteria_draft_start(actor=None, cluster_year=cy, declared_total=Decimal(30))
    from tdkt.scoring.services import _store_criteria

    _store_criteria(draft, SCORING_CRITERIA, None, 0)
    text = _text(client_as(world.head).get(reverse("web:criteria_editor", args=[cy.pk])))
    assert "Xem trước: điểm trên số liệu năm trước" in text
    assert re.search(r"1\s+Huyện Tiên Phước\s+9,5", text), text  # 95 % of target on I.1, first


# --- Excel -----------------------------------------------------------------------------------------------------


def test_excel_out_and_back_in_through_the_pages(world: World, client_as: ClientAs) -> None:
    source = _draft(world, WITH_COUNT)
    criteria_set_adopt(actor=None, criteria_set=source, adopted_on=dt.date(2024, 3, 1))
    head = client_as(world.head)
    cy = world.cluster_year.pk
    page = head.get(reverse("web:criteria", args=[cy])).content.decode()
    xlsx_url = reverse("web:criteria_xlsx", args=[cy, 1])
    assert xlsx_url in page
    member_copy = client_as(world.member).get(xlsx_url)
    assert member_copy.status_code == 200 and member_copy["Content-Type"].startswith(
        "application/vnd.openxml"
    )
    assert client_as(world.outsider).get(xlsx_url).status_code == 404
    data = head.get(xlsx_url).content
    draft = criteria_draft_start(actor=None, cluster_year=world.cluster_year)
    upload = SimpleUploadedFile("tieu-chi.xlsx", data)
    response = head.post(reverse("web:criteria_import", args=[cy]), {"file": upload})
    assert response.status_code == 302
    assert criteria_tree(draft) == criteria_tree(source)


def test_a_bad_workbook_is_refused_on_the_page_and_nothing_changes(world: World, client_as: ClientAs) -> None:
    source = _draft(world, WITH_COUNT)
    criteria_set_adopt(actor=None, criteria_set=source, adopted_on=dt.date(2024, 3, 1))
    draft = criteria_draft_start(actor=None, cluster_year=world.cluster_year, amends=source, reason="x")
    before = criteria_tree(draft)
    book = load_workbook(io.BytesIO(criteria_export(source)))
    book["Tiêu chí"]["E6"] = "nhiều"
    out = io.BytesIO()
    book.save(out)
    response = client_as(world.head).post(
        reverse("web:criteria_import", args=[world.cluster_year.pk]),
        {"file": SimpleUploadedFile("sai.xlsx", out.getvalue())},
    )
    assert response.status_code == 400
    text = _text(response)
    assert "Không nhập được tệp; không có gì thay đổi" in text
    assert "Dòng 6, cột E (Điểm tối đa): “nhiều” không phải số" in text
    assert criteria_tree(draft) == before


# --- indicators by name in the explanations (issue 12.4) --------------------------------------------------------


def test_explanations_name_the_indicator_not_its_code(world: World, client_as: ClientAs) -> None:
    from tdkt.movements.services import ValueInput, report_get_or_create, report_transition, report_values_set

    cs = _draft(world, [*SCORING_CRITERIA[:1], {**SCORING_CRITERIA[1]}, WITH_COUNT[-1]])
    criteria_set_adopt(actor=None, criteria_set=cs, adopted_on=dt.date(2024, 3, 1))
    for unit, value in ((world.phuoc_son, "70"), (world.tien_phuoc, "95"), (world.nam_giang, "60")):
        report = report_get_or_create(
            actor=None, cluster_year=world.cluster_year, unit=unit, period="year_end"
        )
        report_values_set(
            actor=None,
            report=report,
            values=[ValueInput(world.disbursement, Decimal(value)), ValueInput(world.houses, Decimal(120))],
        )
        for action in ("submit", "accept"):
            report_transition(actor=None, report=report, action=action)
    score_set(
        actor=None,
        criteria_set=cs,
        unit=world.tien_phuoc,
        criterion_code="II.1",
        layer="appraisal",
        points=Decimal(8),
        explanation="Tốt",
    )
    text = _text(client_as(world.head).get(reverse("web:ranking", args=[world.cluster_year.pk])))
    assert "giá trị đạt được của “Số nhà tạm được xóa”" in text
    assert "T_NHA" not in text
    assert "Chưa có kết quả chỉ tiêu “Thu ngân sách trên địa bàn”" in text
    assert "T-THU" not in text


@pytest.mark.parametrize("persona", ["board", "head"])
def test_the_criteria_page_links_managers_to_the_editor(
    world: World, client_as: ClientAs, persona: str
) -> None:
    _draft(world)
    page = client_as(getattr(world, persona)).get(reverse("web:criteria", args=[world.cluster_year.pk]))
    assert reverse("web:criteria_editor", args=[world.cluster_year.pk]) in page.content.decode()


def test_the_head_locks_an_adopted_version_and_a_lock_is_not_repeated(
    world: World, client_as: ClientAs
) -> None:
    cs = _draft(world, SCORING_CRITERIA)
    criteria_set_adopt(actor=None, criteria_set=cs, adopted_on=dt.date(2024, 3, 1))
    head = client_as(world.head)
    url = reverse("web:criteria", args=[world.cluster_year.pk])
    assert client_as(world.member).post(url, {"action": "lock", "set_id": cs.pk}).status_code == 403
    response = head.post(url, {"action": "lock", "set_id": cs.pk})
    cs.refresh_from_db()
    assert response.status_code == 302 and cs.status == SetStatus.LOCKED
    response = head.post(url, {"action": "lock", "set_id": cs.pk})
    assert response.status_code == 400 and "Chỉ khóa được bộ tiêu chí đã thông qua" in _text(response)


def test_a_tie_break_on_a_renamed_group_is_said_in_words(world: World, client_as: ClientAs) -> None:
    cs = criteria_draft_start(actor=None, cluster_year=world.cluster_year, rules={"tie_breaks": ["group:I"]})
    text = _text(client_as(world.head).get(reverse("web:criteria_editor", args=[world.cluster_year.pk])))
    assert "Tiêu chí phân định khi bằng điểm “nhóm I” không có trong bộ tiêu chí" in text
    assert "group:" not in text and cs.status == SetStatus.DRAFT
