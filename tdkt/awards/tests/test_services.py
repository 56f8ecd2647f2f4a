"""The writes of titles and commendations: validation, permission per persona, immutability, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from tdkt.awards.models import Award, Initiative, ParameterOverride, TaskRating
from tdkt.awards.selectors import override_rows_in_force, overrides_in_force
from tdkt.awards.services import (
    award_correct,
    award_record,
    award_revoke,
    discipline_record,
    initiative_record,
    initiative_use,
    parameter_override_reset,
    parameter_override_set,
    pending_review_close,
    pending_review_open,
    task_rating_set,
)
from tdkt.awards.tests.helpers import make_people
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.org.models import Employment, Gender
from tdkt.org.services import employment_start, person_create


def _decision(**extra):
    return {
        "decision_no": "99/QĐ-UBND",
        "decision_date": dt.date(2025, 1, 20),
        "authority": "UBND huyện Tiên Phước",
        **extra,
    }


def test_board_and_the_persons_own_unit_record_others_are_refused(world: World) -> None:
    people = make_people(world)
    for actor in (None, world.board, world.member):
        task_rating_set(actor=actor, person=people.binh, cycle=2025, rating=3)
    for actor in (world.head, world.outsider, AnonymousUser()):
        with pytest.raises(NotPermitted):
            task_rating_set(actor=actor, person=people.binh, cycle=2025, rating=4)
    assert TaskRating.objects.get(person=people.binh, cycle=2025).rating == 3


def test_a_units_staff_record_their_own_collective_only(world: World) -> None:
    award_record(actor=world.member, unit=world.tien_phuoc, title="TTLDTT", cycle=2024, **_decision())
    with pytest.raises(NotPermitted):
        award_record(actor=world.member, unit=world.phuoc_son, title="TTLDTT", cycle=2024, **_decision())


def test_rating_change_keeps_the_old_value_in_the_audit_trail(world: World) -> None:
    people = make_people(world)
    task_rating_set(actor=world.member, person=people.binh, cycle=2024, rating=4)
    event = AuditEvent.objects.filter(action="rating.change").get()
    assert (event.before["rating"], event.after["rating"]) == (3, 4)
    assert event.actor == world.member


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "XYZ"}, "“XYZ” không có trong danh mục"),
        ({"title": "TTLDTT"}, "dành cho tập thể, không tặng cá nhân"),
        ({"cycle": 1900}, "năm 1900 nằm ngoài khoảng"),
        ({"decision_no": " "}, "chưa ghi số quyết định"),
        ({"decision_date": dt.date(2023, 5, 1)}, "trước năm thành tích 2024"),
        ({"decision_date": dt.date(2999, 1, 1)}, "chưa tới"),
        ({"kind": "thuong_nong"}, "loại khen thưởng"),
    ],
)
def test_refused_award_names_the_field_and_writes_nothing(world: World, changes, message) -> None:
    people = make_people(world)
    before = (Award.objects.count(), AuditEvent.objects.count())
    args = {"title": "LDTT", "cycle": 2024, **_decision(decision_date=dt.date(2024, 12, 30)), **changes}
    with pytest.raises(ValidationFailed) as exc:
        award_record(actor=world.member, person=people.binh, **args)
    assert any(message in m for m in exc.value.messages), exc.value.messages
    assert (Award.objects.count(), AuditEvent.objects.count()) == before


def test_the_same_title_twice_in_a_year_is_refused(world: World) -> None:
    people = make_people(world)
    with pytest.raises(ValidationFailed) as exc:
        award_record(actor=world.board, person=people.lan, title="CSTDCS", cycle=2024, **_decision())
    assert "đã có CSTĐCS năm 2024 (QĐ số 12/QĐ-UBND ngày 10/01/2025" in exc.value.messages[0]


def test_a_recorded_award_is_corrected_only_by_the_board_with_a_reason(world: World) -> None:
    people = make_people(world)
    award = people.lan_cstdcs_2024
    with pytest.raises(NotPermitted):
        award_correct(actor=world.member, award=award, reason="gõ nhầm", decision_no="13/QĐ-UBND")
    with pytest.raises(ValidationFailed):
        award_correct(actor=world.board, award=award, reason=" ", decision_no="13/QĐ-UBND")
    award_correct(actor=world.board, award=award, reason="gõ nhầm số quyết định", decision_no="13/QĐ-UBND")
    award.refresh_from_db()
    assert award.decision_no == "13/QĐ-UBND"
    event = AuditEvent.objects.get(action="award.correct")
    assert (event.before["decision_no"], event.after["decision_no"]) == ("12/QĐ-UBND", "13/QĐ-UBND")
    assert event.summary == "Đính chính: gõ nhầm số quyết định"


def test_a_revoked_award_frees_its_title_and_cycle_and_leaves_the_subject(world: World) -> None:
    from tdkt.awards.selectors import subject_for_person

    people = make_people(world)
    award_revoke(
        actor=world.board, award=people.lan_cstdcs_2024, revoked_on=dt.date(2025, 6, 1), reason="hồ sơ sai"
    )
    titles = {(a.title, a.cycle) for a in subject_for_person(people.lan).awards}
    assert ("CSTDCS", 2024) not in titles and ("CSTDCS", 2023) in titles
    award_record(actor=world.board, person=people.lan, title="CSTDCS", cycle=2024, **_decision())


def test_an_initiative_serves_one_award_only(world: World) -> None:
    people = make_people(world)
    idea = initiative_record(
        actor=world.member,
        person=people.binh,
        name="Số hóa hồ sơ một cửa",
        scope="co_so",
        recognised_on=dt.date(2024, 11, 2),
        recognised_by="UBND huyện Tiên Phước",
    )
    assert idea.cycle == 2024
    first = award_record(
        actor=world.member,
        person=people.binh,
        title="CSTDCS",
        cycle=2024,
        basis="initiative",
        initiatives=[idea],
        **_decision(),
    )
    assert Initiative.objects.get(pk=idea.pk).used_by == first
    second = award_record(
        actor=world.board,
        person=people.binh,
        title="BK_TINH",
        cycle=2025,
        **_decision(decision_date=dt.date(2025, 12, 1)),
    )
    with pytest.raises(ValidationFailed) as exc:
        initiative_use(actor=world.board, initiative=idea, award=second)
    assert "đã được dùng làm căn cứ cho CSTĐCS năm 2024" in exc.value.messages[0]


def test_anothers_initiative_cannot_be_used(world: World) -> None:
    people = make_people(world)
    idea = initiative_record(
        actor=None, person=people.lan, name="Sổ tay", scope="co_so", recognised_on=dt.date(2024, 3, 1)
    )
    with pytest.raises(ValidationFailed) as exc:
        award_record(
            actor=None, person=people.binh, title="CSTDCS", cycle=2024, initiatives=[idea], **_decision()
        )
    assert "không phải của người này" in exc.value.messages[0]


def test_discipline_and_pending_review_are_recorded_and_closed(world: World) -> None:
    people = make_people(world)
    discipline_record(
        actor=world.member, person=people.binh, level=1, start=dt.date(2023, 3, 1), end=dt.date(2023, 12, 31)
    )
    with pytest.raises(ValidationFailed):
        discipline_record(
            actor=world.member,
            person=people.binh,
            level=9,
            start=dt.date(2023, 3, 1),
            end=dt.date(2023, 1, 1),
        )
    review = pending_review_open(
        actor=world.member, person=people.binh, kind="thanh_tra", since=dt.date(2025, 2, 1)
    )
    pending_review_close(actor=world.member, review=review, until=dt.date(2025, 4, 1))
    with pytest.raises(ValidationFailed):
        pending_review_close(actor=world.member, review=review, until=dt.date(2025, 5, 1))


def test_overrides_are_for_the_board_and_validated_by_the_rule_pack(world: World) -> None:
    with pytest.raises(NotPermitted):
        parameter_override_set(
            actor=world.member,
            rule_id="LDTT_02",
            param="months",
            value=10,
            cycle_from=2025,
            reason="quy chế tỉnh",
        )
    with pytest.raises(ValidationFailed) as exc:
        parameter_override_set(
            actor=world.board,
            rule_id="LDTT_02",
            param="months",
            value=99,
            cycle_from=2025,
            reason="quy chế tỉnh",
        )
    assert "lớn hơn mức cao nhất" in exc.value.messages[0]
    with pytest.raises(ValidationFailed) as exc:
        parameter_override_set(
            actor=world.board, rule_id="NOPE_01", param="x", value=1, cycle_from=2025, reason="thử"
        )
    with pytest.raises(ValidationFailed) as exc:
        parameter_override_set(
            actor=world.board, rule_id="LDTT_02", param="months", value=10, cycle_from=2025, reason=""
        )
    assert "lý do" in exc.value.messages[0]
    assert not ParameterOverride.objects.exists()


def test_override_history_is_kept_and_the_latest_row_covering_a_cycle_wins(world: World) -> None:
    parameter_override_set(
        actor=world.board,
        rule_id="LDTT_02",
        param="months",
        value=10,
        cycle_from=2024,
        reason="quy chế tỉnh 2024",
    )
    parameter_override_set(
        actor=world.board, rule_id="LDTT_02", param="months", value=8, cycle_from=2025, reason="sửa quy chế"
    )
    assert overrides_in_force(2023) == {}
    assert overrides_in_force(2024) == {"LDTT_02": {"months": 10}}
    assert overrides_in_force(2026) == {"LDTT_02": {"months": 8}}
    parameter_override_reset(
        actor=world.board, rule_id="LDTT_02", param="months", cycle_from=2026, reason="bãi bỏ"
    )
    assert overrides_in_force(2026) == {}
    assert overrides_in_force(2025) == {"LDTT_02": {"months": 8}}
    assert override_rows_in_force(2025)[("LDTT_02", "months")].reason == "sửa quy chế"
    assert ParameterOverride.objects.count() == 3
    assert AuditEvent.objects.filter(action__startswith="override.").count() == 3


def test_people_are_created_by_the_board_or_their_units_staff(world: World) -> None:
    person = person_create(
        actor=world.member,
        full_name="  Võ  Thị  Hoa ",
        gender=Gender.FEMALE,
        unit=world.tien_phuoc,
        start=dt.date(2024, 9, 1),
    )
    assert person.full_name == "Võ Thị Hoa"
    with pytest.raises(NotPermitted):
        person_create(
            actor=world.outsider,
            full_name="Võ Văn Nam",
            gender=Gender.MALE,
            unit=world.tien_phuoc,
            start=dt.date(2024, 9, 1),
        )
    with pytest.raises(ValidationFailed):
        person_create(
            actor=world.board, full_name="", gender="x", unit=world.tien_phuoc, start=dt.date(2024, 9, 1)
        )


def test_a_move_ends_the_current_employment_the_day_before(world: World) -> None:
    people = make_people(world)
    employment_start(actor=world.board, person=people.binh, unit=world.phuoc_son, start=dt.date(2025, 3, 1))
    rows = list(Employment.objects.filter(person=people.binh).order_by("start").values_list("unit_id", "end"))
    assert rows == [(world.tien_phuoc.pk, dt.date(2025, 2, 28)), (world.phuoc_son.pk, None)]
    with pytest.raises(ValidationFailed):
        employment_start(
            actor=world.board, person=people.binh, unit=world.nam_giang, start=dt.date(2025, 1, 1)
        )
