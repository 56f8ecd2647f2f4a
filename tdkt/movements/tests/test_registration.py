"""The emulation registration (đăng ký thi đua): lines for the collective and its people, each refusal in
Vietnamese with nothing written, the status cycle draft → submitted → accepted | returned, and who may do
what (the unit's staff, its superior's staff, the board)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from tdkt.clusters.scopes import viewer_for
from tdkt.core.audit import Actor
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.movements.models import RegistrationLine, RegistrationStatus, TitleRegistration
from tdkt.movements.registration import (
    LineInput,
    collective_titles,
    person_titles,
    registration_get_or_create,
    registration_line_remove,
    registration_lines_add,
    registration_lines_replace,
    registration_transition,
)
from tdkt.movements.selectors import (
    registered_titles,
    registration_visible,
    registrations_to_review,
    registrations_waiting,
)
from tdkt.org.models import Account, Person, Role, Unit, UnitKind
from tdkt.org.services import person_create, unit_create

CYCLE = 2025
START = dt.date(2020, 1, 1)


@pytest.fixture
def people(world: World) -> dict[str, Person]:
    make = {
        "lan": ("Nguyễn Thị Lan", "nu", world.tien_phuoc),
        "hung": ("Trần Văn Hùng", "nam", world.tien_phuoc),
        "other": ("Lê Văn Khác", "nam", world.dien_ban),
    }
    return {
        key: person_create(
            actor=None, full_name=name, gender=gender, unit=unit, start=START, code=f"RG-{key}"
        )
        for key, (name, gender, unit) in make.items()
    }


def _draft(world: World, actor: Actor = None) -> TitleRegistration:
    return registration_get_or_create(actor=actor, unit=world.tien_phuoc, cycle=CYCLE)


def _messages(exc: pytest.ExceptionInfo[ValidationFailed]) -> str:
    return " | ".join(p.message for p in exc.value.problems)


def test_the_units_staff_register_the_collective_and_people(world: World, people: dict[str, Person]) -> None:
    registration = _draft(world, world.member)
    lines = registration_lines_add(
        actor=world.member,
        registration=registration,
        lines=[LineInput("TTLDXS"), LineInput("CSTDCS", people["lan"]), LineInput("LDTT", people["hung"])],
        version=1,
    )
    assert len(lines) == 3
    registration.refresh_from_db()
    assert registration.version == 2 and registration.status == RegistrationStatus.DRAFT
    assert registered_titles(world.tien_phuoc, CYCLE) == {
        people["lan"].pk: {"CSTDCS"},
        people["hung"].pk: {"LDTT"},
    }
    assert AuditEvent.objects.filter(action="registration.lines_add", object_id=str(registration.pk)).exists()


def test_the_titles_offered_follow_the_subject_kind(world: World) -> None:
    assert person_titles(world.tien_phuoc)[:2] == ("LDTT", "CSTDCS")
    assert "TTLDXS" in collective_titles(world.tien_phuoc) and "LDTT" not in collective_titles(
        world.tien_phuoc
    )
    world.tien_phuoc.armed_forces = True
    assert "CSTT" in person_titles(world.tien_phuoc) and "LDTT" not in person_titles(world.tien_phuoc)
    assert "DVQT" in collective_titles(world.tien_phuoc) and "TTLDXS" not in collective_titles(
        world.tien_phuoc
    )


def test_a_person_of_another_unit_is_refused(world: World, people: dict[str, Person]) -> None:
    registration = _draft(world)
    with pytest.raises(ValidationFailed) as exc:
        registration_lines_add(
            actor=world.member, registration=registration, lines=[LineInput("LDTT", people["other"])]
        )
    assert "Lê Văn Khác không công tác tại “Huyện Tiên Phước” trong năm 2025" in _messages(exc)
    assert not RegistrationLine.objects.exists()


def test_a_title_not_for_the_subject_kind_is_refused(world: World, people: dict[str, Person]) -> None:
    registration = _draft(world)
    with pytest.raises(ValidationFailed) as exc:
        registration_lines_add(
            actor=world.member,
            registration=registration,
            lines=[LineInput("TTLDXS", people["lan"]), LineInput("CSTDCS"), LineInput("BK_TINH")],
        )
    text = _messages(exc)
    assert "“Tập thể lao động xuất sắc” không phải danh hiệu thi đua cá nhân đăng ký được" in text
    assert "“Chiến sĩ thi đua cơ sở” không phải danh hiệu thi đua tập thể Huyện Tiên Phước" in text
    assert "Bằng khen" in text  # a form of commendation is not a title one registers for
    assert len(exc.value.problems) == 3 and not RegistrationLine.objects.exists()


def test_a_duplicate_is_refused_in_the_input_on_the_list_and_on_another_list(
    world: World, people: dict[str, Person]
) -> None:
    registration = _draft(world)
    with pytest.raises(ValidationFailed) as exc:
        registration_lines_add(
            actor=None,
            registration=registration,
            lines=[LineInput("LDTT", people["lan"], row=1), LineInput("LDTT", people["lan"], row=2)],
        )
    assert "Nguyễn Thị Lan đăng ký “Lao động tiên tiến” hai lần (dòng 1)" in _messages(exc)
    registration_lines_add(actor=None, registration=registration, lines=[LineInput("LDTT", people["lan"])])
    registration_lines_add(actor=None, registration=registration, lines=[LineInput("TTLDTT")])
    with pytest.raises(ValidationFailed) as exc:
        registration_lines_add(
            actor=None,
            registration=registration,
            lines=[LineInput("LDTT", people["lan"]), LineInput("TTLDTT")],
        )
    assert "đã đăng ký “Lao động tiên tiến” năm 2025 ở danh sách này" in _messages(exc)
    assert "tập thể Huyện Tiên Phước đã đăng ký “Tập thể lao động tiên tiến”" in _messages(exc)
    assert RegistrationLine.objects.count() == 2


def test_a_stale_version_is_refused(world: World, people: dict[str, Person]) -> None:
    registration = _draft(world)
    registration_lines_add(
        actor=world.member, registration=registration, lines=[LineInput("TTLDTT")], version=1
    )
    with pytest.raises(ValidationFailed) as exc:
        registration_lines_add(
            actor=world.member, registration=registration, lines=[LineInput("LDTT", people["lan"])], version=1
        )
    assert "đã được người khác thay đổi" in _messages(exc)
    assert RegistrationLine.objects.count() == 1


def test_an_empty_list_cannot_be_sent(world: World) -> None:
    registration = _draft(world)
    with pytest.raises(ValidationFailed) as exc:
        registration_transition(actor=world.member, registration=registration, action="submit")
    assert "bản đăng ký chưa có danh hiệu nào" in _messages(exc)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.DRAFT


def test_the_status_cycle_and_no_edit_after_sending(world: World, people: dict[str, Person]) -> None:
    registration = _draft(world)
    registration_lines_add(
        actor=world.member, registration=registration, lines=[LineInput("LDTT", people["lan"])]
    )
    registration = registration_transition(actor=world.member, registration=registration, action="submit")
    assert registration.status == RegistrationStatus.SUBMITTED and registration.submitted_by == world.member
    with pytest.raises(ValidationFailed) as exc:
        registration_lines_add(
            actor=world.member, registration=registration, lines=[LineInput("LDTT", people["hung"])]
        )
    assert "“Đã gửi cấp trên”: không sửa được" in _messages(exc)
    line = registration.lines.get()
    with pytest.raises(ValidationFailed):
        registration_line_remove(actor=world.member, registration=registration, line_id=line.pk)
    with pytest.raises(ValidationFailed) as exc:
        registration_transition(actor=world.board, registration=registration, action="return", reason="  ")
    assert "phải ghi lý do trả lại" in _messages(exc)
    registration = registration_transition(
        actor=world.board, registration=registration, action="return", reason="Thiếu tập thể"
    )
    assert (
        registration.status == RegistrationStatus.RETURNED and registration.return_reason == "Thiếu tập thể"
    )
    registration_lines_add(actor=world.member, registration=registration, lines=[LineInput("TTLDTT")])
    registration_line_remove(actor=world.member, registration=registration, line_id=line.pk)
    registration = registration_transition(actor=world.member, registration=registration, action="submit")
    registration = registration_transition(actor=world.board, registration=registration, action="accept")
    assert registration.status == RegistrationStatus.ACCEPTED and registration.reviewed_by == world.board
    with pytest.raises(ValidationFailed) as exc:
        registration_transition(actor=world.board, registration=registration, action="return", reason="x")
    assert "không thể trả lại bản đăng ký đang ở trạng thái “Đã tiếp nhận”" in _messages(exc)
    actions = list(
        AuditEvent.objects.filter(object_id=str(registration.pk), action__startswith="registration.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == ["registration.line_remove", "registration.submit", "registration.accept"]


def test_others_may_not_edit_and_only_the_superior_reviews(world: World, people: dict[str, Person]) -> None:
    with pytest.raises(NotPermitted):
        registration_get_or_create(actor=world.outsider, unit=world.tien_phuoc, cycle=CYCLE)
    registration = _draft(world)
    for actor in (world.outsider, world.head):
        with pytest.raises(NotPermitted):
            registration_lines_add(actor=actor, registration=registration, lines=[LineInput("TTLDTT")])
    registration_lines_add(actor=world.member, registration=registration, lines=[LineInput("TTLDTT")])
    registration_transition(actor=world.member, registration=registration, action="submit")
    for actor in (world.member, world.head, world.outsider):  # not its own unit, not a cluster's head
        with pytest.raises(NotPermitted):
            registration_transition(actor=actor, registration=registration, action="accept")


def _commune_with_staff(world: World) -> tuple[Unit, User]:
    commune = unit_create(
        actor=None,
        code="T-TK",
        name="Xã Tiên Kỳ",
        kind=UnitKind.COMMUNE,
        parent=world.tien_phuoc,
        valid_from=START,
    )
    user = User.objects.create_user(username="t-commune", password="x")
    Account.objects.create(user=user, role=Role.UNIT, unit=commune)
    return commune, user


def test_the_parent_units_staff_accept_a_childs_list(world: World) -> None:
    commune, commune_staff = _commune_with_staff(world)
    assert "XA_TIEU_BIEU" in collective_titles(commune) and "TTLDXS" not in collective_titles(commune)
    registration = registration_get_or_create(actor=commune_staff, unit=commune, cycle=CYCLE)
    registration_lines_add(actor=commune_staff, registration=registration, lines=[LineInput("XA_TIEU_BIEU")])
    registration_transition(actor=commune_staff, registration=registration, action="submit")
    member = viewer_for(world.member)
    assert registration_visible(member, commune) and not registration_visible(
        viewer_for(world.outsider), commune
    )
    assert [r.pk for r in registrations_to_review(member)] == [registration.pk]
    assert [r.pk for r in registrations_waiting(member)] == [registration.pk]
    assert registrations_waiting(viewer_for(commune_staff)) == []
    done = registration_transition(actor=world.member, registration=registration, action="accept")
    assert done.status == RegistrationStatus.ACCEPTED
    assert registrations_waiting(member) == []


def test_a_draft_waits_for_the_units_staff_and_the_board_gets_parentless_lists(world: World) -> None:
    registration = _draft(world)
    assert [r.pk for r in registrations_waiting(viewer_for(world.member))] == [registration.pk]
    registration_lines_add(actor=None, registration=registration, lines=[LineInput("TTLDTT")])
    registration_transition(actor=None, registration=registration, action="submit")
    # Tiên Phước's parent is the province unit, which has no staff here: the board is not listed it
    assert registrations_waiting(viewer_for(world.board)) == []
    province_list = registration_get_or_create(actor=None, unit=world.province, cycle=CYCLE)
    registration_lines_add(actor=None, registration=province_list, lines=[LineInput("CO_TINH")])
    registration_transition(actor=None, registration=province_list, action="submit")
    assert [r.pk for r in registrations_waiting(viewer_for(world.board))] == [province_list.pk]


def test_the_excel_replace_is_all_or_none(world: World, people: dict[str, Person]) -> None:
    registration = _draft(world)
    registration_lines_add(actor=None, registration=registration, lines=[LineInput("TTLDTT")])
    with pytest.raises(ValidationFailed) as exc:
        registration_lines_replace(
            actor=world.member,
            registration=registration,
            lines=[
                LineInput("LDTT", people["lan"], row=5),
                LineInput("LDTT", people["other"], row=6, person_column="A"),
            ],
        )
    assert exc.value.problems[0].row == 6 and exc.value.problems[0].column == "A"
    assert list(registration.lines.values_list("title", flat=True)) == ["TTLDTT"]
    registration_lines_replace(
        actor=world.member,
        registration=registration,
        lines=[LineInput("TTLDTT"), LineInput("LDTT", people["lan"])],
    )
    assert sorted(registration.lines.values_list("title", flat=True)) == ["LDTT", "TTLDTT"]


def test_a_cycle_out_of_range_is_refused(world: World) -> None:
    with pytest.raises(ValidationFailed) as exc:
        registration_get_or_create(actor=world.member, unit=world.tien_phuoc, cycle=1990)
    assert "năm thi đua phải từ 2000" in _messages(exc)
    assert not TitleRegistration.objects.exists()


def test_a_race_past_the_check_is_refused_in_words_by_the_constraint(
    world: World, people: dict[str, Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    registration = _draft(world)
    registration_lines_add(actor=None, registration=registration, lines=[LineInput("LDTT", people["lan"])])
    # the other writer checked before this line existed: its check saw nothing
    monkeypatch.setattr("tdkt.movements.registration._line_problems", lambda *args, **kwargs: [])
    with pytest.raises(ValidationFailed) as exc:
        registration_lines_add(
            actor=None,
            registration=registration,
            lines=[LineInput("CSTDCS", people["lan"]), LineInput("LDTT", people["lan"])],
        )
    assert "vừa được đăng ký ở danh sách khác" in _messages(exc)
    assert list(RegistrationLine.objects.values_list("title", flat=True)) == ["LDTT"]
    registration.refresh_from_db()
    assert registration.version == 2
