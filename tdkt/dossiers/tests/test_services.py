"""Dossier services: who may do what, what is refused with nothing changed, and the steps recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent, DayOff, DayOffKind
from tdkt.core.personas import World
from tdkt.dossiers import states
from tdkt.dossiers.models import Dossier, DossierDocument, DossierLine, DossierStep
from tdkt.dossiers.services import (
    dossier_act,
    dossier_create,
    dossier_document_add,
    dossier_line_add,
    dossier_line_remove,
    dossier_missing,
)
from tdkt.org.models import Gender, Person
from tdkt.org.services import person_create

pytestmark = pytest.mark.django_db


def _person(world: World, name: str, unit: Any) -> Person:
    return person_create(
        actor=None,
        full_name=name,
        gender=Gender.FEMALE,
        unit=unit,
        start=dt.date(2020, 1, 1),
        position="Chuyên viên",
    )


def _state() -> list[Any]:
    return [
        list(Dossier.objects.values_list("id", "state", "version", "receiver_id", "specialist_id")),
        list(DossierLine.objects.values_list("id", "title", "person_id", "unit_id")),
        DossierStep.objects.count(),
        DossierDocument.objects.count(),
    ]


def _province_dossier(world: World) -> Dossier:
    return dossier_create(
        actor=world.member,
        track="TINH_KHEN",
        cycle=2024,
        proposer=world.tien_phuoc,
        subject="Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh năm 2024",
    )


def _ready(world: World) -> tuple[Dossier, Person]:
    dossier = _province_dossier(world)
    ngan = _person(world, "Trương Thị Ngân", world.tien_phuoc)
    dossier_line_add(actor=world.member, dossier=dossier, title="BK_TINH", person=ngan)
    for kind in ("bien_ban", "bao_cao_thanh_tich"):
        dossier_document_add(
            actor=world.member,
            dossier=dossier,
            kind=kind,
            name="",
            filename="van-ban.pdf",
            content=b"%PDF-1.4 x",
        )
    return Dossier.objects.get(pk=dossier.pk), ngan


def test_a_units_staff_drafts_for_the_province_and_the_board_receives(world: World) -> None:
    dossier = _province_dossier(world)
    assert dossier.state == states.DRAFT
    assert dossier.receiver == world.province
    assert AuditEvent.objects.filter(action="dossier.create", object_id=str(dossier.pk)).exists()


def test_another_units_staff_cannot_draft_for_a_unit(world: World) -> None:
    before = _state()
    with pytest.raises(NotPermitted):
        dossier_create(
            actor=world.outsider, track="TINH_KHEN", cycle=2024, proposer=world.tien_phuoc, subject="Đề nghị"
        )
    assert _state() == before


def test_a_line_stores_the_engines_verdict_with_its_hash(world: World) -> None:
    dossier, ngan = _ready(world)
    line = dossier.lines.get()
    assert line.person == ngan and line.subject_kind == "individual"
    assert line.outcome in ("eligible", "not_yet", "barred")
    assert '"title":"BK_TINH"' in line.verdict and len(line.verdict_sha256) == 64


def test_a_person_of_another_unit_is_refused_naming_them(world: World) -> None:
    dossier = _province_dossier(world)
    stranger = _person(world, "Đỗ Văn Lạ", world.dien_ban)
    before = _state()
    with pytest.raises(ValidationFailed) as info:
        dossier_line_add(actor=world.member, dossier=dossier, title="BK_TINH", person=stranger)
    assert "Đỗ Văn Lạ" in info.value.problems[0].message and info.value.problems[0].field == "person"
    assert _state() == before


def test_the_same_person_title_and_cycle_in_another_dossier_is_refused(world: World) -> None:
    first, ngan = _ready(world)
    second = dossier_create(
        actor=world.member,
        track="TINH_KHEN",
        cycle=2024,
        proposer=world.tien_phuoc,
        subject="Đề nghị bổ sung",
    )
    before = _state()
    with pytest.raises(ValidationFailed) as info:
        dossier_line_add(actor=world.member, dossier=second, title="BK_TINH", person=ngan)
    assert f"trong Hồ sơ số {first.pk}" in info.value.problems[0].message
    assert _state() == before


def test_a_title_the_track_does_not_take_is_refused(world: World) -> None:
    dossier = _province_dossier(world)
    ngan = _person(world, "Trương Thị Ngân", world.tien_phuoc)
    with pytest.raises(ValidationFailed) as info:
        dossier_line_add(actor=world.member, dossier=dossier, title="LDTT", person=ngan)
    assert "không đề nghị “Lao động tiên tiến”" in info.value.problems[0].message


def test_sending_an_incomplete_dossier_lists_what_is_missing(world: World) -> None:
    dossier = _province_dossier(world)
    ngan = _person(world, "Trương Thị Ngân", world.tien_phuoc)
    dossier_line_add(actor=world.member, dossier=dossier, title="BK_TINH", person=ngan)
    dossier.refresh_from_db()
    assert dossier_missing(dossier) == [
        "Biên bản họp và kết quả bỏ phiếu của Hội đồng Thi đua – Khen thưởng đơn vị",
        "Báo cáo thành tích (Mẫu số 02, 03, Nghị định 98/2023/NĐ-CP)",
    ]
    before = _state()
    with pytest.raises(ValidationFailed) as info:
        dossier_act(actor=world.member, dossier=dossier, action=states.SEND, version=dossier.version)
    assert info.value.problems[0].message.startswith("hồ sơ còn thiếu: Biên bản họp")
    assert _state() == before


def test_the_whole_path_to_a_decision_with_deadlines_in_working_days(world: World, monkeypatch: Any) -> None:
    monkeypatch.setattr("tdkt.dossiers.services._today", lambda: dt.date(2026, 2, 13))
    # Tết Bính Ngọ, as seeded by the migration (the board keeps the calendar from then on).
    assert set(DayOff.objects.filter(day__month=2, day__year=2026).values_list("kind", flat=True)) == {
        DayOffKind.HOLIDAY
    }
    assert DayOff.objects.filter(day__range=(dt.date(2026, 2, 16), dt.date(2026, 2, 20))).count() == 5
    dossier, _ = _ready(world)
    dossier = dossier_act(actor=world.member, dossier=dossier, action=states.SEND, version=dossier.version)
    assert dossier.state == states.SENT and dossier.sent_on == dt.date(2026, 2, 13)
    # 3 working days to receive, across Tết: 23, 24, 25 February.
    assert dossier.due_on == dt.date(2026, 2, 25)
    dossier = dossier_act(actor=world.board, dossier=dossier, action=states.RECEIVE, version=dossier.version)
    dossier = dossier_act(
        actor=world.board,
        dossier=dossier,
        action=states.ASSIGN,
        version=dossier.version,
        specialist=world.board,
    )
    dossier = dossier_act(actor=world.board, dossier=dossier, action=states.CHECK, version=dossier.version)
    assert dossier.state == states.CHECKED
    dossier = dossier_act(
        actor=world.board, dossier=dossier, action=states.TO_COUNCIL, version=dossier.version
    )
    assert dossier.state == states.COUNCIL
    steps = list(dossier.steps.values_list("action", "from_state", "to_state"))
    assert steps == [
        (states.SEND, states.DRAFT, states.SENT),
        (states.RECEIVE, states.SENT, states.RECEIVED),
        (states.ASSIGN, states.RECEIVED, states.CHECKING),
        (states.CHECK, states.CHECKING, states.CHECKED),
        (states.TO_COUNCIL, states.CHECKED, states.COUNCIL),
    ]


def test_a_sent_dossier_cannot_be_edited_and_the_proposer_cannot_receive_it(world: World) -> None:
    dossier, _ = _ready(world)
    dossier = dossier_act(actor=world.member, dossier=dossier, action=states.SEND, version=dossier.version)
    before = _state()
    with pytest.raises(ValidationFailed):
        dossier_line_remove(actor=world.member, line=dossier.lines.get())
    with pytest.raises(NotPermitted):
        dossier_act(actor=world.member, dossier=dossier, action=states.RECEIVE, version=dossier.version)
    with pytest.raises(NotPermitted):
        dossier_act(actor=world.outsider, dossier=dossier, action=states.RECEIVE, version=dossier.version)
    assert _state() == before


def test_a_return_needs_a_reason_and_the_proposer_may_then_edit(world: World) -> None:
    dossier, _ = _ready(world)
    dossier = dossier_act(actor=world.member, dossier=dossier, action=states.SEND, version=dossier.version)
    with pytest.raises(ValidationFailed) as info:
        dossier_act(actor=world.board, dossier=dossier, action=states.RETURN, version=dossier.version)
    assert info.value.problems[0].message == "trả lại hồ sơ phải ghi rõ lý do"
    dossier = dossier_act(
        actor=world.board,
        dossier=dossier,
        action=states.RETURN,
        version=dossier.version,
        reason="Thiếu xác nhận của cơ quan thuế",
    )
    assert dossier.state == states.RETURNED
    dossier_line_remove(actor=world.member, line=dossier.lines.get())
    assert dossier.steps.last().reason == "Thiếu xác nhận của cơ quan thuế"  # type: ignore[union-attr]


def test_a_stale_version_is_refused(world: World) -> None:
    dossier, _ = _ready(world)
    with pytest.raises(ValidationFailed):
        dossier_act(actor=world.member, dossier=dossier, action=states.SEND, version=dossier.version - 1)


def test_an_unknown_file_type_is_refused(world: World) -> None:
    dossier = _province_dossier(world)
    with pytest.raises(ValidationFailed) as info:
        dossier_document_add(
            actor=world.member, dossier=dossier, kind="bien_ban", name="", filename="x.exe", content=b"MZ"
        )
    assert info.value.problems[0].field == "file"
    assert not DossierDocument.objects.exists()


def test_a_cluster_proposal_is_the_heads_and_names_its_members_only(world: World) -> None:
    dossier = dossier_create(
        actor=world.head,
        track="CUM_DE_NGHI",
        cycle=2024,
        proposer=world.phuoc_son,
        subject="Cụm đề nghị Cờ thi đua năm 2024",
        cluster_year=world.cluster_year,
    )
    dossier_line_add(actor=world.head, dossier=dossier, title="CO_TINH", unit=world.tien_phuoc)
    with pytest.raises(ValidationFailed) as info:
        dossier_line_add(actor=world.head, dossier=dossier, title="CO_TINH", unit=world.dien_ban)
    assert "không thuộc phạm vi" in info.value.problems[0].message
    with pytest.raises(NotPermitted):
        dossier_create(
            actor=world.member,
            track="CUM_DE_NGHI",
            cycle=2024,
            proposer=world.phuoc_son,
            subject="Giả danh trưởng cụm",
            cluster_year=world.cluster_year,
        )


def test_a_commune_sends_to_its_district_which_checks_and_forwards_to_the_province(world: World) -> None:
    """Before 01/07/2025 a commune's proposals went through its district: each level checks and forwards."""
    from tdkt.org.models import Account, Role, UnitKind
    from tdkt.org.services import unit_create

    commune = unit_create(
        actor=None, code="T-TK", name="Xã Tiên Kỳ", kind=UnitKind.COMMUNE, parent=world.tien_phuoc
    )
    clerk = type(world.member).objects.create_user(username="t-tienky", password="x")
    Account.objects.create(user=clerk, role=Role.UNIT, unit=commune)
    dossier = dossier_create(
        actor=clerk,
        track="DOT_XUAT",
        cycle=2024,
        proposer=commune,
        subject="Khen đột xuất cứu người đuối nước",
    )
    hoa = person_create(
        actor=None, full_name="Lê Thị Hoa", gender=Gender.FEMALE, unit=commune, start=dt.date(2020, 1, 1)
    )
    dossier_line_add(actor=clerk, dossier=dossier, title="BK_TINH", person=hoa)
    dossier_document_add(
        actor=clerk, dossier=dossier, kind="tom_tat_thanh_tich", name="", filename="a.pdf", content=b"%PDF x"
    )
    dossier.refresh_from_db()
    dossier = dossier_act(actor=clerk, dossier=dossier, action=states.SEND, version=dossier.version)
    assert dossier.receiver == world.tien_phuoc
    # The board may read it but not take it: the district holds it.
    with pytest.raises(NotPermitted):
        dossier_act(actor=world.board, dossier=dossier, action=states.RECEIVE, version=dossier.version)
    for action, extra in (
        (states.RECEIVE, {}),
        (states.ASSIGN, {"specialist": world.member}),
        (states.CHECK, {}),
        (states.APPROVE, {}),
    ):
        dossier = dossier_act(
            actor=world.member, dossier=dossier, action=action, version=dossier.version, **extra
        )
    with pytest.raises(ValidationFailed):
        dossier_act(actor=world.member, dossier=dossier, action=states.DECIDE, version=dossier.version)
    dossier = dossier_act(actor=world.member, dossier=dossier, action=states.FORWARD, version=dossier.version)
    assert (dossier.state, dossier.receiver, dossier.specialist) == (states.SENT, world.province, None)
    dossier = dossier_act(actor=world.board, dossier=dossier, action=states.RECEIVE, version=dossier.version)
    assert dossier.state == states.RECEIVED
    with pytest.raises(ValidationFailed) as info:
        dossier_act(
            actor=world.board,
            dossier=dossier,
            action=states.ASSIGN,
            version=dossier.version,
            specialist=world.member,
        )
    assert "Ban Thi đua – Khen thưởng" in info.value.problems[0].message
    # The district still sees the dossier it forwarded.
    from tdkt.clusters.scopes import viewer_for
    from tdkt.dossiers.selectors import dossier_for

    assert dossier_for(viewer_for(world.member), dossier.pk) is not None
    assert dossier_for(viewer_for(world.outsider), dossier.pk) is None


def test_a_cluster_dossier_sends_with_its_conference_minutes_and_the_counted_vote(world: World) -> None:
    from tdkt.voting.box import ballot_close
    from tdkt.voting.counting import ballot_tally
    from tdkt.voting.tests.helpers import board_of, open_ballot, vote

    ballot, _ = open_ballot(world)
    chair = board_of(world).chair
    for _ in range(3):
        vote(ballot, chair, ["Huyện Tiên Phước"])
    ballot_close(actor=chair, ballot=ballot)
    ballot = ballot_tally(actor=chair, ballot=ballot)
    dossier = dossier_create(
        actor=world.head,
        track="CUM_DE_NGHI",
        cycle=2024,
        proposer=world.phuoc_son,
        subject="Cụm đề nghị tặng Cờ thi đua năm 2024",
        cluster_year=world.cluster_year,
        conference=ballot.conference,
        ballot=ballot,
    )
    dossier_line_add(actor=world.head, dossier=dossier, title="CO_TINH", unit=world.tien_phuoc)
    dossier_document_add(
        actor=world.head,
        dossier=dossier,
        kind="bao_cao_thanh_tich",
        name="",
        filename="bc.pdf",
        content=b"%PDF x",
    )
    dossier.refresh_from_db()
    assert dossier_missing(dossier) == []
    dossier = dossier_act(actor=world.head, dossier=dossier, action=states.SEND, version=dossier.version)
    attached = {d.kind: d for d in dossier.documents.all()}
    assert {"bien_ban", "ket_qua_bo_phieu"} <= set(attached)
    assert attached["ket_qua_bo_phieu"].file.read(4) == b"%PDF"
    assert len(attached["bien_ban"].sha256) == 64
