"""The catalogue the board keeps (`CatalogueEntry`): what the migration seeds, the engine flag, recording an
award the engine holds no rules for (service, Excel, the person's verdicts and the batch path unchanged),
and the board's writes with their refusals (nothing written, Vietnamese message on the field)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import pytest
from django.contrib.auth.models import AnonymousUser

from tdkt.awards import batch, catalogue
from tdkt.awards.catalogue_selectors import (
    catalogue_filter,
    engine_codes,
    has_rules,
    recordable,
    title_name,
)
from tdkt.awards.catalogue_services import (
    catalogue_entry_create,
    catalogue_entry_delete,
    catalogue_entry_set_active,
    catalogue_entry_update,
)
from tdkt.awards.models import Award, CatalogueEntry
from tdkt.awards.selectors import person_verdicts, subjects_for
from tdkt.awards.services import award_correct, award_record
from tdkt.awards.tests import xlsx_corpus as corpus
from tdkt.awards.tests.helpers import People, make_people
from tdkt.awards.xlsx_import import awards_import
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World

LAW = "Luật Thi đua, khen thưởng 2022, Điều "


@pytest.fixture
def people(world: World) -> People:
    return make_people(world)


def _entries() -> list[tuple]:
    return list(CatalogueEntry.objects.order_by("pk").values_list())


def _refused(call: Callable[[], object], field: str, text: str) -> None:
    """Refused with `text` on `field`, nothing of the catalogue, the awards or the audit trail changed."""
    before = (_entries(), list(Award.objects.values_list()), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        call()
    problems = [p for p in exc.value.problems if p.field == field]
    assert problems and any(text in p.message for p in problems), exc.value.messages
    assert (_entries(), list(Award.objects.values_list()), AuditEvent.objects.count()) == before


def _own(**changes: object) -> CatalogueEntry:
    values: dict[str, object] = {
        "code": "KNC_TINH",
        "name": "Kỷ niệm chương Vì sự nghiệp xây dựng và phát triển tỉnh Quảng Nam",
        "group": "ky_niem_chuong",
        "level": "bo_tinh",
        "subject_kinds": ["individual"],
        "authority": "Chủ tịch Ủy ban nhân dân tỉnh",
        "article": "Nghị quyết của Hội đồng nhân dân tỉnh",
    }
    values.update(changes)
    return catalogue_entry_create(actor=None, **values)  # type: ignore[arg-type]


def _award(person_or_unit: Mapping[str, object], title: str, cycle: int = 2024, **more: object) -> Award:
    return award_record(
        actor=None,
        title=title,
        cycle=cycle,
        decision_no=f"{cycle}/QĐ-CTN",
        decision_date=dt.date(cycle + 1, 3, 1),
        authority="Chủ tịch nước",
        **person_or_unit,  # type: ignore[arg-type]
        **more,  # type: ignore[arg-type]
    )


# --- what the migration seeds ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "name", "grade", "article"),
    [
        ("HC_SAO_VANG", "Huân chương Sao vàng", "", LAW + "34"),
        ("HC_HO_CHI_MINH", "Huân chương Hồ Chí Minh", "", LAW + "35"),
        ("HC_DOC_LAP1", "Huân chương Độc lập hạng Nhất", "nhat", LAW + "36"),
        ("HC_DOC_LAP2", "Huân chương Độc lập hạng Nhì", "nhi", LAW + "37"),
        ("HC_DOC_LAP3", "Huân chương Độc lập hạng Ba", "ba", LAW + "38"),
        ("HC_QUAN_CONG1", "Huân chương Quân công hạng Nhất", "nhat", LAW + "39"),
        ("HC_QUAN_CONG2", "Huân chương Quân công hạng Nhì", "nhi", LAW + "40"),
        ("HC_QUAN_CONG3", "Huân chương Quân công hạng Ba", "ba", LAW + "41"),
        ("HCLD1", "Huân chương Lao động hạng Nhất", "nhat", LAW + "42"),
        ("HCLD2", "Huân chương Lao động hạng Nhì", "nhi", LAW + "43"),
        ("HCLD3", "Huân chương Lao động hạng Ba", "ba", LAW + "44"),
        ("HC_BVTQ1", "Huân chương Bảo vệ Tổ quốc hạng Nhất", "nhat", LAW + "45"),
        ("HC_BVTQ2", "Huân chương Bảo vệ Tổ quốc hạng Nhì", "nhi", LAW + "46"),
        ("HC_BVTQ3", "Huân chương Bảo vệ Tổ quốc hạng Ba", "ba", LAW + "47"),
        ("HC_CHIEN_CONG1", "Huân chương Chiến công hạng Nhất", "nhat", LAW + "48"),
        ("HC_CHIEN_CONG2", "Huân chương Chiến công hạng Nhì", "nhi", LAW + "49"),
        ("HC_CHIEN_CONG3", "Huân chương Chiến công hạng Ba", "ba", LAW + "50"),
        ("HC_DAI_DOAN_KET", "Huân chương Đại đoàn kết dân tộc", "", LAW + "51"),
        ("HC_DUNG_CAM", "Huân chương Dũng cảm", "", LAW + "52"),
        ("HC_HUU_NGHI", "Huân chương Hữu nghị", "", LAW + "53"),
        ("HCH_QKQT", "Huy chương Quân kỳ quyết thắng", "", LAW + "55"),
        ("HCH_VANTQ", "Huy chương Vì an ninh Tổ quốc", "", LAW + "56"),
        ("HCH_CSVV1", "Huy chương Chiến sĩ vẻ vang hạng Nhất", "nhat", LAW + "57"),
        ("HCH_CSVV2", "Huy chương Chiến sĩ vẻ vang hạng Nhì", "nhi", LAW + "57"),
        ("HCH_CSVV3", "Huy chương Chiến sĩ vẻ vang hạng Ba", "ba", LAW + "57"),
        ("HCH_HUU_NGHI", "Huy chương Hữu nghị", "", LAW + "58"),
        ("TINH_ANH_HUNG", "Tỉnh Anh hùng", "", LAW + "60"),
        ("BA_ME_VNAH", "Bà mẹ Việt Nam anh hùng", "", LAW + "61"),
        ("AH_LLVTND", "Anh hùng Lực lượng vũ trang nhân dân", "", LAW + "62"),
        ("AH_LAO_DONG", "Anh hùng Lao động", "", LAW + "63"),
        ("NGND", "Nhà giáo nhân dân", "", LAW + "64"),
        ("NGUT", "Nhà giáo ưu tú", "", LAW + "64"),
        ("TTND", "Thầy thuốc nhân dân", "", LAW + "65"),
        ("NSUT", "Nghệ sĩ ưu tú", "", LAW + "66"),
        ("NNND", "Nghệ nhân nhân dân", "", LAW + "67"),
        ("GT_HO_CHI_MINH", "Giải thưởng Hồ Chí Minh", "", LAW + "68, 69"),
        ("GT_NHA_NUOC", "Giải thưởng Nhà nước", "", LAW + "68, 70"),
        ("KNC_BO_NGANH", "Kỷ niệm chương của bộ, ban, ngành, tỉnh, tổ chức", "", LAW + "71"),
        ("BK_TTG", "Bằng khen của Thủ tướng Chính phủ", "", LAW + "73"),
        ("GK", "Giấy khen", "", LAW + "75"),
    ],
)
def test_the_migration_seeds_the_forms_of_the_law(code: str, name: str, grade: str, article: str) -> None:
    entry = CatalogueEntry.objects.get(code=code)
    assert (entry.name, entry.grade, entry.article, entry.active, entry.province_own) == (
        name,
        grade,
        article,
        True,
        False,
    )


@pytest.mark.django_db
def test_every_group_of_the_law_is_seeded_and_tagged() -> None:
    groups = dict(CatalogueEntry.objects.values_list("group").annotate().values_list("group", "code"))
    assert set(groups) == {
        "danh_hieu_thi_dua",
        "huan_chuong",
        "huy_chuong",
        "danh_hieu_vinh_du",
        "giai_thuong",
        "ky_niem_chuong",
        "bang_khen",
        "giay_khen",
    }
    assert CatalogueEntry.objects.count() >= 60
    # seen quoted: V; read only in a secondary page: V-2nd; numbered by the Law's order, not read: R
    tags = dict(CatalogueEntry.objects.values_list("code", "article_tag"))
    assert (tags["HC_SAO_VANG"], tags["HC_DOC_LAP1"], tags["HC_DOC_LAP2"], tags["HCH_CSVV1"]) == (
        "V",
        "V-2nd",
        "R",
        "V",
    )
    assert all(len(c) <= 20 and c.isascii() and c == c.upper() for c in tags)


@pytest.mark.django_db
def test_every_code_of_the_engine_is_seeded_with_the_pure_catalogues_facts() -> None:
    for title in catalogue.TITLES:
        entry = CatalogueEntry.objects.get(code=title.code)
        assert (entry.name, entry.short, entry.article, entry.article_tag, entry.subject_kinds) == (
            title.name,
            title.short,
            title.article,
            title.article_tag,
            list(title.subject_kinds),
        ), title.code


@pytest.mark.django_db
def test_the_engine_flag_is_computed_from_the_rule_packs() -> None:
    assert engine_codes() == frozenset(catalogue.CATALOGUE)
    assert all(has_rules(code) for code in catalogue.TITLE_CODES)
    assert not has_rules("HCLD2") and not has_rules("NGND") and not has_rules("HC_DOC_LAP1")
    only_recorded = set(catalogue_filter(rules="khong").values_list("code", flat=True))
    assert "HCLD2" in only_recorded and "LDTT" not in only_recorded
    assert len(only_recorded) == CatalogueEntry.objects.count() - len(catalogue.TITLES)


@pytest.mark.django_db
def test_search_finds_names_without_diacritics() -> None:
    found = set(catalogue_filter(query="chien si ve vang").values_list("code", flat=True))
    assert found == {"HCH_CSVV1", "HCH_CSVV2", "HCH_CSVV3"}


# --- recording what the engine holds no rules for ------------------------------------------------------------


def test_an_order_the_engine_has_no_rules_for_is_recorded_and_ignored_by_the_verdicts(
    world: World, people: People
) -> None:
    before = [(v.title, v.outcome, v.missing) for v in person_verdicts(people.lan, 2025)]
    award = _award({"person": people.lan}, "HCLD2", basis="htxsnv")
    assert Award.objects.get(pk=award.pk).title == "HCLD2"
    assert title_name("HCLD2") == "Huân chương Lao động hạng Nhì"
    after = [(v.title, v.outcome, v.missing) for v in person_verdicts(people.lan, 2025)]
    assert after == before
    assert AuditEvent.objects.filter(action="award.record", object_id=str(award.pk)).exists()


def test_the_batch_path_keeps_an_unknown_code_without_crashing_and_agrees(
    world: World, people: People
) -> None:
    plain = batch.evaluate_batch(batch.columns_from_subjects(subjects_for([people.lan.pk])), 2025)
    _award({"person": people.lan}, "HC_DUNG_CAM")
    columns = batch.columns_from_subjects(subjects_for([people.lan.pk]))
    assert batch.UNKNOWN_TITLE in columns.award_title.tolist()
    with_order = batch.evaluate_batch(columns, 2025)
    assert {t: a.tolist() for t, a in with_order.outcomes.items()} == {
        t: a.tolist() for t, a in plain.outcomes.items()
    }


def test_a_collective_records_a_form_the_engine_has_no_rules_for(world: World, people: People) -> None:
    award = _award({"unit": world.tien_phuoc}, "HC_BVTQ3")
    assert award.unit == world.tien_phuoc and award.title == "HC_BVTQ3"


def test_the_excel_import_records_engine_less_orders_by_name_or_code(world: World, people: People) -> None:
    row = {"full_name": "Trần Văn Bình", "unit_code": "T-TP", "year": "2024", "decision_no": "5/QĐ-CTN"}
    data = corpus.fill(
        "ca_nhan",
        [
            {**row, "title": "Huân chương Lao động hạng Nhì", "decision_date": "02/03/2025"},
            {**row, "title": "huan chuong doc lap hang ba", "decision_date": "02/03/2025"},
            {**row, "title": "HCH_CSVV3", "decision_date": "02/03/2025"},
        ],
    )
    result = awards_import(actor=world.board, kind="ca_nhan", filename="khen-thuong.xlsx", data=data)
    assert result.awards == 3
    assert set(Award.objects.filter(person=people.binh, cycle=2024).values_list("title", flat=True)) == {
        "HCLD2",
        "HC_DOC_LAP3",
        "HCH_CSVV3",
    }
    assert [v.title for v in person_verdicts(people.binh, 2025)]  # the verdicts still compute


def test_the_excel_import_refuses_a_retired_entry_naming_the_row(world: World, people: People) -> None:
    own = _own()
    catalogue_entry_set_active(actor=None, entry=own, active=False, reason="Thay bằng kỷ niệm chương mới")
    data = corpus.fill(
        "ca_nhan",
        [
            {
                "full_name": "Trần Văn Bình",
                "unit_code": "T-TP",
                "year": "2024",
                "title": "KNC_TINH",
                "decision_no": "5/QĐ-UBND",
                "decision_date": "02/03/2025",
            }
        ],
    )
    before = corpus.database_state()
    with pytest.raises(ValidationFailed) as exc:
        awards_import(actor=world.board, kind="ca_nhan", filename="k.xlsx", data=data)
    assert any("Dòng 5" in m and "đã ngừng sử dụng" in m for m in exc.value.messages), exc.value.messages
    assert corpus.database_state() == before


def test_recording_refuses_unknown_retired_and_ill_fitting_codes(world: World, people: People) -> None:
    lan = {"person": people.lan}
    _refused(lambda: _award(lan, "HC_KHONG_CO"), "title", "không có trong danh mục")
    _refused(lambda: _award(lan, "TINH_ANH_HUNG"), "title", "dành cho tập thể, không tặng cá nhân")
    _refused(
        lambda: _award({"unit": world.tien_phuoc}, "NGND"), "title", "dành cho cá nhân, không tặng tập thể"
    )
    own = _own()
    catalogue_entry_set_active(actor=None, entry=own, active=False, reason="Thôi áp dụng")
    _refused(lambda: _award(lan, "KNC_TINH"), "title", "đã ngừng sử dụng")


def test_an_award_keeps_its_retired_code_when_corrected(world: World, people: People) -> None:
    own = _own()
    award = _award({"person": people.lan}, "KNC_TINH")
    catalogue_entry_set_active(actor=None, entry=own, active=False, reason="Thôi áp dụng")
    corrected = award_correct(
        actor=world.board,
        award=award,
        reason="Sai số quyết định",
        decision_no="9/QĐ-UBND",
        version=award.version,
    )
    assert (corrected.title, corrected.decision_no) == ("KNC_TINH", "9/QĐ-UBND")
    assert title_name("KNC_TINH").startswith("Kỷ niệm chương Vì sự nghiệp")
    assert "KNC_TINH" not in {e.code for e in recordable(individual=True)}


# --- the board's writes -----------------------------------------------------------------------------------


def test_the_board_adds_the_provinces_own_form_audited(world: World) -> None:
    entry = catalogue_entry_create(
        actor=world.board,
        code=" gk_ct_xa ",
        name="Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã",
        group="giay_khen",
        level="co_so",
        subject_kinds=["household", "individual"],
    )
    assert (entry.code, entry.province_own, entry.active, entry.subject_kinds) == (
        "GK_CT_XA",
        True,
        True,
        ["individual", "household"],
    )
    assert entry.short == entry.name and not has_rules(entry.code)
    event = AuditEvent.objects.get(action="catalogue.create")
    assert event.actor == world.board and (event.after or {})["code"] == "GK_CT_XA"


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"code": "LDTT"}, "code", "đã dùng cho “Lao động tiên tiến”"),
        ({"code": "hcld2"}, "code", "đã dùng cho"),
        ({"code": "KNC TỈNH"}, "code", "không hợp lệ"),
        ({"code": "K" * 21}, "code", "không hợp lệ"),
        ({"name": ""}, "name", "chưa ghi tên"),
        ({"name": "Nhà giáo nhân dân"}, "name", "đã có “Nhà giáo nhân dân”"),
        ({"subject_kinds": []}, "subject_kinds", "chưa chọn đối tượng"),
        ({"subject_kinds": ["alien"]}, "subject_kinds", "không hợp lệ"),
        ({"group": "huy_hieu"}, "group", "chưa chọn loại"),
    ],
)
def test_a_bad_entry_is_refused_on_its_field(world: World, changes: dict, field: str, text: str) -> None:
    _refused(lambda: _own(**changes), field, text)


@pytest.mark.parametrize("persona", ["member", "head", "outsider"])
def test_a_units_staff_may_not_change_the_catalogue(world: World, persona: str) -> None:
    own = _own()
    before = _entries()
    user = getattr(world, persona)
    with pytest.raises(NotPermitted):
        catalogue_entry_create(
            actor=user, code="X_Y", name="X", group="khac", level="co_so", subject_kinds=["individual"]
        )
    with pytest.raises(NotPermitted):
        catalogue_entry_update(actor=user, entry=own, name="Đổi tên")
    with pytest.raises(NotPermitted):
        catalogue_entry_set_active(actor=user, entry=own, active=False, reason="x")
    with pytest.raises(NotPermitted):
        catalogue_entry_delete(actor=user, entry=own)
    with pytest.raises(NotPermitted):
        catalogue_entry_delete(actor=AnonymousUser(), entry=own)
    assert _entries() == before


def test_the_engines_legal_facts_are_read_only_but_its_note_is_not(world: World) -> None:
    ldtt = CatalogueEntry.objects.get(code="LDTT")
    _refused(
        lambda: catalogue_entry_update(actor=world.board, entry=ldtt, name="Lao động giỏi"), "name", "chỉ đọc"
    )
    _refused(
        lambda: catalogue_entry_update(actor=world.board, entry=ldtt, article_tag="R"),
        "article_tag",
        "chỉ đọc",
    )
    _refused(
        lambda: catalogue_entry_set_active(actor=world.board, entry=ldtt, active=False, reason="x"),
        "active",
        "có quy tắc xét",
    )
    changed = catalogue_entry_update(actor=world.board, entry=ldtt, note="Xét theo năm dương lịch")
    assert changed.note == "Xét theo năm dương lịch"
    assert AuditEvent.objects.filter(action="catalogue.change", object_id=str(ldtt.pk)).count() == 1


def test_the_laws_name_is_fixed_but_its_citation_may_be_verified(world: World) -> None:
    hcld2 = CatalogueEntry.objects.get(code="HCLD2")
    _refused(
        lambda: catalogue_entry_update(actor=world.board, entry=hcld2, name="Huân chương Lao động"),
        "name",
        "do Luật Thi đua, khen thưởng quy định",
    )
    _refused(lambda: catalogue_entry_delete(actor=world.board, entry=hcld2), "code", "hình thức của Luật")
    changed = catalogue_entry_update(actor=world.board, entry=hcld2, article_tag="V")
    assert changed.article_tag == "V"


def test_a_code_an_award_carries_is_never_changed_nor_its_entry_deleted(world: World, people: People) -> None:
    own = _own()
    _award({"person": people.lan}, "KNC_TINH")
    _refused(
        lambda: catalogue_entry_update(actor=world.board, entry=own, code="KNC_QN"),
        "code",
        "không đổi mã được",
    )
    _refused(lambda: catalogue_entry_delete(actor=world.board, entry=own), "code", "chỉ ngừng sử dụng")
    renamed = catalogue_entry_update(actor=world.board, entry=own, name="Kỷ niệm chương tỉnh Quảng Nam")
    assert renamed.code == "KNC_TINH" and renamed.name == "Kỷ niệm chương tỉnh Quảng Nam"


def test_an_unused_own_entry_changes_code_and_is_deleted(world: World) -> None:
    own = _own()
    moved = catalogue_entry_update(actor=world.board, entry=own, code="KNC_QN")
    assert moved.code == "KNC_QN"
    catalogue_entry_delete(actor=world.board, entry=moved)
    assert not CatalogueEntry.objects.filter(code__in=["KNC_TINH", "KNC_QN"]).exists()
    assert AuditEvent.objects.filter(action="catalogue.delete").count() == 1


def test_retiring_and_reactivating_need_a_reason_and_are_audited(world: World, people: People) -> None:
    own = _own()
    _refused(
        lambda: catalogue_entry_set_active(actor=world.board, entry=own, active=False, reason=" "),
        "reason",
        "phải ghi lý do",
    )
    catalogue_entry_set_active(actor=world.board, entry=own, active=False, reason="Thôi áp dụng")
    _refused(
        lambda: catalogue_entry_set_active(actor=world.board, entry=own, active=False, reason="Lần nữa"),
        "active",
        "đã ngừng sử dụng",
    )
    catalogue_entry_set_active(actor=world.board, entry=own, active=True, reason="Áp dụng lại")
    assert _award({"person": people.lan}, "KNC_TINH").title == "KNC_TINH"
    events = AuditEvent.objects.filter(object_type="awards.catalogueentry", object_id=str(own.pk))
    assert list(events.order_by("id").values_list("action", flat=True)) == [
        "catalogue.create",
        "catalogue.retire",
        "catalogue.reactivate",
    ]
