"""Records entered and corrected by hand on the person's page and the collective's page, as every persona.

Personas (tdkt.core.personas): board; head = staff of Phước Sơn; member = staff of Tiên Phước; outsider =
staff of Điện Bàn; public = not logged in. People (tdkt.awards.tests.helpers): Lan and Bình work in Tiên
Phước, Cường in Phước Sơn. The board records for everyone, the member for Tiên Phước's people and
collective. Another unit's staff do not see Tiên Phước's people (404, the project's rule: a 403 would
confirm the person exists) and are refused on its public collective page (403); the public is sent to log
in. Every refused input answers 400 with the service's message on its field, and changes no table and no
audit row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tdkt.awards.models import Award, Discipline, Initiative, PendingReview, TaskRating
from tdkt.awards.services import award_correct, initiative_record, initiative_use, pending_review_open
from tdkt.awards.tests.helpers import People, make_people, records_state
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.org.models import Unit

ClientAs = Callable[[User | None], Client]
FUTURE = "01/01/2999"


@pytest.fixture
def people(world: World) -> People:
    return make_people(world)


def _user(world: World, persona: str) -> User | None:
    return None if persona == "public" else getattr(world, persona)


def _record_url(person_id: int, action: str, cycle: int = 2024) -> str:
    return reverse("web:person_record", args=[person_id, action]) + f"?nam={cycle}"


def _unit_url(unit_id: int, action: str, cycle: int = 2024) -> str:
    return reverse("web:unit_record", args=[unit_id, action]) + f"?nam={cycle}"


def _form(prefix: str, **values: object) -> dict[str, object]:
    return {f"{prefix}-{key}": value for key, value in values.items()}


def _rating(cycle: object = 2025, rating: object = 4) -> dict[str, object]:
    return _form("xep-loai", cycle=cycle, rating=rating, note="", versions="")


def _award(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "title": "CSTDCS",
        "cycle": 2025,
        "decision_no": "77/QĐ-UBND",
        "decision_date": "15/01/2026",
        "authority": "UBND huyện Tiên Phước",
        "kind": "cong_trang",
        "basis": "htxsnv",
        "note": "",
    }
    values.update(changes)
    return _form("khen-thuong", **values)


def _refused(response, field: str, message: str) -> None:  # type: ignore[no-untyped-def]
    """400, the page again, the message shown under the named field (aria-invalid on its input)."""
    assert response.status_code == 400, response.status_code
    body = response.content.decode()
    assert message in body, body[:300]
    errors = [
        slot.form.errors
        for slot in [*response.context["record_forms"], *response.context["corrections"]]
        if slot.form.is_bound
    ]
    assert errors and field in errors[0], errors
    assert any(message in e for e in errors[0][field]), errors[0][field]


# --- who may record -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("board", 302), ("member", 302), ("head", 404), ("outsider", 404), ("public", 302)],
)
def test_a_rating_is_recorded_by_the_board_and_the_persons_unit_only(
    world: World, people: People, client_as: ClientAs, persona: str, status: int
) -> None:
    before = records_state()
    response = client_as(_user(world, persona)).post(_record_url(people.binh.pk, "xep-loai"), _rating())
    assert response.status_code == status
    stored = TaskRating.objects.filter(person=people.binh, cycle=2025).first()
    if persona in ("board", "member"):
        assert response["Location"] == reverse("web:person", args=[people.binh.pk]) + "?nam=2025"
        assert stored is not None and stored.rating == 4
        assert AuditEvent.objects.filter(action="rating.set", object_id=str(stored.pk)).exists()
    else:
        if persona == "public":
            assert response["Location"].startswith(reverse("web:login"))
        assert stored is None and records_state() == before


@pytest.mark.parametrize(("persona", "shown"), [("board", True), ("member", True)])
def test_the_forms_are_shown_to_those_who_may_record(
    world: World, people: People, client_as: ClientAs, persona: str, shown: bool
) -> None:
    body = client_as(_user(world, persona)).get(reverse("web:person", args=[people.lan.pk])).content.decode()
    assert ("Ghi hồ sơ" in body) is shown
    assert 'hx-post="' + _record_url(people.lan.pk, "khen-thuong") in body.replace("&amp;", "&")
    assert "#}" not in body and body.count("<main") == 1  # no template comment leaks into the page
    # correcting and revoking are the board's
    assert ("Đính chính, hủy bỏ" in body) is (persona == "board")


def test_a_person_of_another_unit_is_not_found_and_nothing_is_written(
    world: World, people: People, client_as: ClientAs
) -> None:
    before = records_state()
    for action, data in (("xep-loai", _rating()), ("khen-thuong", _award())):
        response = client_as(world.member).post(_record_url(people.cuong.pk, action), data)
        assert response.status_code == 404
    assert records_state() == before


def test_an_unknown_action_is_404(world: World, people: People, client_as: ClientAs) -> None:
    assert client_as(world.board).post(_record_url(people.binh.pk, "xoa"), {}).status_code == 404
    assert client_as(world.board).get(_record_url(people.binh.pk, "xep-loai")).status_code == 405


# --- each record, and the verdicts after it ------------------------------------------------------------------


def test_a_discipline_recorded_on_the_page_bars_the_title_at_once(
    world: World, people: People, client_as: ClientAs
) -> None:
    client = client_as(world.member)
    page = reverse("web:person", args=[people.binh.pk]) + "?nam=2024"
    assert "Chưa được xét" not in client.get(page).content.decode()
    response = client.post(
        _record_url(people.binh.pk, "ky-luat"),
        _form("ky-luat", level=1, start="01/03/2024", end="28/02/2025", decision_no="5/QĐ-UBND", note=""),
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Đã ghi kỷ luật khiển trách của Trần Văn Bình." in body
    assert "Chưa được xét</span> LĐTT" in body  # barred now, for every title
    assert Discipline.objects.get(person=people.binh).decision_no == "5/QĐ-UBND"


def test_an_award_with_its_initiative_is_recorded_and_counted(
    world: World, people: People, client_as: ClientAs
) -> None:
    idea = initiative_record(
        actor=None,
        person=people.binh,
        name="Phần mềm quản lý hồ sơ một cửa",
        scope="co_so",
        recognised_on=dt.date(2025, 6, 1),
    )
    task_rating = {"xep-loai-cycle": 2025, "xep-loai-rating": 4, "xep-loai-note": "", "xep-loai-versions": ""}
    client = client_as(world.member)
    assert client.post(_record_url(people.binh.pk, "xep-loai"), task_rating).status_code == 302
    response = client.post(
        _record_url(people.binh.pk, "khen-thuong"),
        _award(basis="initiative", initiatives=[idea.pk]),
        follow=True,
    )
    body = response.content.decode()
    assert "Đã ghi CSTĐCS năm 2025 của Trần Văn Bình (QĐ số 77/QĐ-UBND ngày 15/01/2026" in body
    award = Award.objects.get(person=people.binh, title="CSTDCS", cycle=2025)
    assert Initiative.objects.get(pk=idea.pk).used_by == award
    assert "Đã dùng cho CSTĐCS năm 2025" in body


def test_an_initiative_is_recorded_then_marked_used(
    world: World, people: People, client_as: ClientAs
) -> None:
    client = client_as(world.member)
    response = client.post(
        _record_url(people.lan.pk, "sang-kien"),
        _form(
            "sang-kien",
            name="Sổ tay điện tử một cửa",
            scope="co_so",
            recognised_on="10/10/2024",
            cycle="",
            recognised_by="UBND huyện Tiên Phước",
            used_by="",
            note="",
        ),
    )
    assert response.status_code == 302
    idea = Initiative.objects.get(person=people.lan)
    assert idea.cycle == 2024 and idea.used_by is None
    response = client.post(
        _record_url(people.lan.pk, "dung-sang-kien"),
        _form("dung-sang-kien", initiative=idea.pk, used_by=people.lan_cstdcs_2024.pk),
    )
    assert response.status_code == 302
    assert Initiative.objects.get(pk=idea.pk).used_by == people.lan_cstdcs_2024


def test_a_pending_review_is_opened_then_closed(world: World, people: People, client_as: ClientAs) -> None:
    client = client_as(world.member)
    opened = client.post(
        _record_url(people.binh.pk, "xem-xet"),
        _form("xem-xet", kind="thanh_tra", since="01/10/2024", note="Thanh tra tài chính"),
        follow=True,
    )
    assert "Chưa được xét</span> LĐTT" in opened.content.decode()
    review = PendingReview.objects.get(person=people.binh)
    closed = client.post(
        _record_url(people.binh.pk, "ket-thuc-xem-xet"),
        _form("ket-thuc-xem-xet", review=review.pk, until="15/11/2024"),
        follow=True,
    )
    assert PendingReview.objects.get(pk=review.pk).until == dt.date(2024, 11, 15)
    assert "Chưa được xét</span> LĐTT" not in closed.content.decode()


# --- refusals: the service's message on the field, nothing written -------------------------------------------


REFUSALS = [
    # (action, form data, field, message)
    ("xep-loai", _rating(cycle=2999), "cycle", "Năm 2999 nằm ngoài khoảng cho phép"),
    ("khen-thuong", _award(title="XYZ"), "title", "Danh hiệu, hình thức “XYZ” không có trong danh mục"),
    ("khen-thuong", _award(title="TTLDXS"), "title", "dành cho tập thể, không tặng cá nhân"),
    ("khen-thuong", _award(decision_date=FUTURE), "decision_date", "Ngày quyết định 01/01/2999 chưa tới"),
    ("khen-thuong", _award(decision_no=""), "decision_no", "Chưa ghi số quyết định"),
    ("khen-thuong", _award(decision_date="32/13/2025"), "decision_date", "ghi dạng dd/mm/yyyy"),
    (
        "khen-thuong",
        _award(title="CSTDCS", cycle=2024, decision_date="10/01/2025"),
        "title",
        "đã có CSTĐCS năm 2024",
    ),
    (
        "sang-kien",
        _form("sang-kien", name="Ý tưởng", scope="co_so", recognised_on=FUTURE, cycle="", note=""),
        "recognised_on",
        "Ngày công nhận 01/01/2999 chưa tới",
    ),
    (
        "sang-kien",
        _form("sang-kien", name="Ý tưởng", scope="cap_xa", recognised_on="01/02/2024", cycle="", note=""),
        "scope",
        "Cấp công nhận “cap_xa” không hợp lệ",
    ),
    (
        "ky-luat",
        _form("ky-luat", level=1, start=FUTURE, end=FUTURE, decision_no="", note=""),
        "start",
        "Ngày bắt đầu kỷ luật 01/01/2999 chưa tới",
    ),
    (
        "ky-luat",
        _form("ky-luat", level=1, start="01/03/2024", end="01/01/2024", decision_no="", note=""),
        "end",
        "Ngày kết thúc kỷ luật trước ngày bắt đầu",
    ),
    (
        "xem-xet",
        _form("xem-xet", kind="thanh_tra", since=FUTURE, note=""),
        "since",
        "Ngày bắt đầu 01/01/2999 chưa tới",
    ),
    ("xem-xet", _form("xem-xet", kind="", since="01/02/2025", note=""), "kind", "Loại “” không hợp lệ"),
]


@pytest.mark.parametrize(("action", "data", "field", "message"), REFUSALS)
def test_a_refused_record_shows_the_services_message_on_its_field_and_writes_nothing(
    world: World, people: People, client_as: ClientAs, action: str, data: dict, field: str, message: str
) -> None:
    before = records_state()
    response = client_as(world.member).post(_record_url(people.lan.pk, action), data)
    _refused(response, field, message)
    assert records_state() == before
    assert f'id="form-{action}" open' in response.content.decode()


def test_an_initiative_already_used_by_another_award_is_refused(
    world: World, people: People, client_as: ClientAs
) -> None:
    idea = initiative_record(
        actor=None, person=people.lan, name="Sổ tay", scope="co_so", recognised_on=dt.date(2024, 3, 1)
    )
    initiative_use(actor=None, initiative=idea, award=people.lan_cstdcs_2024)
    before = records_state()
    client = client_as(world.member)
    response = client.post(
        _record_url(people.lan.pk, "khen-thuong"),
        _award(title="BK_TINH", basis="initiative", initiatives=[idea.pk]),
    )
    _refused(response, "initiatives", "đã được dùng làm căn cứ cho CSTĐCS năm 2024")
    lan_2023 = Award.objects.get(person=people.lan, title="CSTDCS", cycle=2023)
    response = client.post(
        _record_url(people.lan.pk, "dung-sang-kien"),
        _form("dung-sang-kien", initiative=idea.pk, used_by=lan_2023.pk),
    )
    _refused(response, "used_by", "mỗi sáng kiến chỉ được dùng một lần")
    assert records_state() == before


def test_another_persons_initiative_cannot_be_chosen(
    world: World, people: People, client_as: ClientAs
) -> None:
    theirs = initiative_record(
        actor=None, person=people.binh, name="Sổ tay", scope="co_so", recognised_on=dt.date(2024, 3, 1)
    )
    before = records_state()
    response = client_as(world.member).post(
        _record_url(people.lan.pk, "khen-thuong"), _award(cycle=2025, initiatives=[theirs.pk])
    )
    _refused(response, "initiatives", "Sáng kiến được chọn không phải của người này")
    assert records_state() == before


def test_closing_a_review_already_closed_is_refused(
    world: World, people: People, client_as: ClientAs
) -> None:
    review = pending_review_open(
        actor=None, person=people.binh, kind="kiem_tra", since=dt.date(2024, 1, 1), until=dt.date(2024, 2, 1)
    )
    before = records_state()
    response = client_as(world.member).post(
        _record_url(people.binh.pk, "ket-thuc-xem-xet"),
        _form("ket-thuc-xem-xet", review=review.pk, until="01/03/2024"),
    )
    _refused(response, "review", "Việc được chọn không có")  # only open reviews are offered
    assert records_state() == before


# --- corrections and revocations ------------------------------------------------------------------------------


def _correct(award: Award, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "title": award.title,
        "cycle": award.cycle,
        "period_start": award.period_start or "",
        "decision_no": award.decision_no,
        "decision_date": f"{award.decision_date:%d/%m/%Y}",
        "authority": award.authority,
        "kind": award.kind,
        "basis": award.basis,
        "note": award.note,
        "reason": "Gõ nhầm số quyết định",
        "version": award.version,
    }
    values.update(changes)
    return _form(f"dc{award.pk}", **values)


def _change_url(award: Award, action: str) -> str:
    return reverse("web:award_change", args=[award.pk, action]) + "?nam=2024"


def test_the_board_corrects_an_award_and_the_history_shows_before_and_after(
    world: World, people: People, client_as: ClientAs
) -> None:
    award = people.lan_cstdcs_2024
    response = client_as(world.board).post(
        _change_url(award, "dinh-chinh"), _correct(award, decision_no="13/QĐ-UBND"), follow=True
    )
    assert response.status_code == 200
    award.refresh_from_db()
    assert award.decision_no == "13/QĐ-UBND"
    body = response.content.decode()
    assert "Đã đính chính CSTĐCS năm 2024 của Nguyễn Thị Lan." in body
    assert "<del>12/QĐ-UBND</del> → <ins>13/QĐ-UBND</ins>" in body
    assert "lý do: Gõ nhầm số quyết định" in body
    # the unit's staff see the history too
    member_page = client_as(world.member).get(reverse("web:person", args=[people.lan.pk])).content.decode()
    assert "<del>12/QĐ-UBND</del> → <ins>13/QĐ-UBND</ins>" in member_page


@pytest.mark.parametrize(
    ("persona", "status"), [("member", 403), ("head", 404), ("outsider", 404), ("public", 302)]
)
def test_only_the_board_corrects_or_revokes(
    world: World, people: People, client_as: ClientAs, persona: str, status: int
) -> None:
    award = people.lan_cstdcs_2024
    before = records_state()
    client = client_as(_user(world, persona))
    assert (
        client.post(_change_url(award, "dinh-chinh"), _correct(award, decision_no="1/QĐ")).status_code
        == status
    )
    revoke = _form(f"hb{award.pk}", revoked_on="01/06/2025", reason="Hồ sơ sai")
    assert client.post(_change_url(award, "huy-bo"), revoke).status_code == status
    assert records_state() == before


@pytest.mark.parametrize(
    ("action", "data", "field", "message"),
    [
        ("dinh-chinh", {"reason": ""}, "reason", "Đính chính phải ghi lý do"),
        ("dinh-chinh", {"title": "XYZ"}, "title", "không có trong danh mục"),
        ("dinh-chinh", {"decision_date": FUTURE}, "decision_date", "chưa tới"),
        ("dinh-chinh", {}, "__all__", "Chưa có thay đổi nào"),
        ("huy-bo", {"reason": " "}, "reason", "Hủy bỏ phải ghi lý do"),
        ("huy-bo", {"revoked_on": FUTURE}, "revoked_on", "Ngày hủy bỏ 01/01/2999 chưa tới"),
    ],
)
def test_a_refused_correction_or_revocation_writes_nothing(
    world: World, people: People, client_as: ClientAs, action: str, data: dict, field: str, message: str
) -> None:
    award = people.lan_cstdcs_2024
    if action == "dinh-chinh":
        form = _correct(award, **({"decision_no": "13/QĐ-UBND"} if data else {}), **data)
    else:
        form = _form(f"hb{award.pk}", **{"revoked_on": "01/06/2025", "reason": "Hồ sơ sai", **data})
    before = records_state()
    response = client_as(world.board).post(_change_url(award, action), form)
    _refused(response, field, message)
    assert records_state() == before


def test_a_revoked_award_leaves_the_verdicts_and_keeps_its_reason(
    world: World, people: People, client_as: ClientAs
) -> None:
    award = people.lan_cstdcs_2024
    client = client_as(world.board)
    page = reverse("web:person", args=[people.lan.pk]) + "?nam=2024"
    assert "Đủ điều kiện</span> LĐTT, CSTĐCS, Bằng khen tỉnh" in client.get(page).content.decode()
    response = client.post(
        _change_url(award, "huy-bo"),
        _form(f"hb{award.pk}", revoked_on="01/06/2025", reason="Hồ sơ kê khai sai"),
        follow=True,
    )
    body = response.content.decode()
    assert Award.objects.get(pk=award.pk).revoked_on == dt.date(2025, 6, 1)
    assert "đã hủy bỏ 01/06/2025" in body and "lý do: Hồ sơ kê khai sai" in body
    assert "Đủ điều kiện</span> LĐTT, CSTĐCS, Bằng khen tỉnh" not in body  # no longer two CSTĐCS in a row


# --- the collective's page ------------------------------------------------------------------------------------


def _collective_award(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "title": "TTLDTT",
        "cycle": 2024,
        "decision_no": "9/QĐ-UBND",
        "decision_date": "08/01/2025",
        "authority": "UBND tỉnh Quảng Nam",
        "kind": "cong_trang",
        "note": "",
    }
    values.update(changes)
    return _form("khen-thuong", **values)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("board", 302), ("member", 302), ("head", 403), ("outsider", 403), ("public", 302)],
)
def test_a_collectives_award_is_recorded_by_the_board_and_its_own_staff(
    world: World, client_as: ClientAs, persona: str, status: int
) -> None:
    before = records_state()
    response = client_as(_user(world, persona)).post(
        _unit_url(world.tien_phuoc.pk, "khen-thuong"), _collective_award()
    )
    assert response.status_code == status
    stored = Award.objects.filter(unit=world.tien_phuoc, title="TTLDTT").first()
    if persona in ("board", "member"):
        assert stored is not None and response["Location"].endswith("?nam=2024")
    else:
        assert stored is None and records_state() == before
        if persona == "public":
            assert response["Location"].startswith(reverse("web:login"))


def test_the_collectives_forms_are_for_the_board_and_its_staff(world: World, client_as: ClientAs) -> None:
    url = reverse("web:unit_awards", args=[world.tien_phuoc.pk])
    for persona, shown in (("board", True), ("member", True), ("head", False), ("public", False)):
        body = client_as(_user(world, persona)).get(url).content.decode()
        assert ("Ghi hồ sơ của tập thể" in body) is shown, persona
        assert ("Kỳ xét thi đua của đơn vị" in body) is (persona == "board"), persona


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (_collective_award(title="LDTT"), "title", "dành cho cá nhân, không tặng tập thể"),
        (_collective_award(decision_date=FUTURE), "decision_date", "chưa tới"),
        (_form("xep-loai", cycle=2999, rating=4, note="", versions=""), "cycle", "nằm ngoài khoảng"),
    ],
)
def test_a_refused_collective_record_writes_nothing(
    world: World, client_as: ClientAs, data: dict, field: str, message: str
) -> None:
    action = "xep-loai" if "xep-loai-cycle" in data else "khen-thuong"
    before = records_state()
    response = client_as(world.member).post(_unit_url(world.tien_phuoc.pk, action), data)
    _refused(response, field, message)
    assert records_state() == before


def test_a_collectives_rating_changes_its_verdict(world: World, client_as: ClientAs) -> None:
    client = client_as(world.member)
    response = client.post(
        _unit_url(world.tien_phuoc.pk, "xep-loai"),
        _form("xep-loai", cycle=2024, rating=4, note="", versions=""),
        follow=True,
    )
    body = response.content.decode()
    assert "Đã ghi xếp loại năm 2024 của Huyện Tiên Phước: Hoàn thành xuất sắc nhiệm vụ." in body
    assert TaskRating.objects.get(unit=world.tien_phuoc, cycle=2024).rating == 4
    assert "Xếp loại năm 2024: hoàn thành xuất sắc nhiệm vụ" in body  # in the verdicts' checks


def test_the_board_corrects_a_collectives_award_on_its_page(world: World, client_as: ClientAs) -> None:
    client_as(world.member).post(_unit_url(world.tien_phuoc.pk, "khen-thuong"), _collective_award())
    award = Award.objects.get(unit=world.tien_phuoc)
    form = _correct(award, decision_no="19/QĐ-UBND")
    form.pop(f"dc{award.pk}-basis")
    url = (
        reverse("web:award_change", args=[award.pk, "dinh-chinh"]) + f"?nam=2024&don_vi={world.tien_phuoc.pk}"
    )
    assert client_as(world.member).post(url, form).status_code == 403
    response = client_as(world.board).post(url, form, follow=True)
    assert (
        response.redirect_chain[-1][0] == reverse("web:unit_awards", args=[world.tien_phuoc.pk]) + "?nam=2024"
    )
    assert "<del>9/QĐ-UBND</del> → <ins>19/QĐ-UBND</ins>" in response.content.decode()


def test_the_board_sets_how_a_unit_counts_its_cycles(world: World, client_as: ClientAs) -> None:
    data = _form("ky-xet", cycle_kind="school", armed_forces="", reason="Đơn vị sự nghiệp giáo dục")
    url = _unit_url(world.nam_giang.pk, "ky-xet")
    assert client_as(world.outsider).post(url, data).status_code == 403
    own = _unit_url(world.tien_phuoc.pk, "ky-xet")
    refused = client_as(world.member).post(own, data)  # the unit's own staff neither: the board's alone
    assert refused.status_code == 403 and "Chỉ Ban Thi đua – Khen thưởng tỉnh" in refused.content.decode()
    before = records_state()
    refused = client_as(world.board).post(url, {**data, "ky-xet-reason": ""})
    _refused(refused, "reason", "phải ghi lý do")
    assert records_state() == before
    done = client_as(world.board).post(url, data, follow=True)
    assert Unit.objects.get(pk=world.nam_giang.pk).cycle_kind == "school"
    assert "Kỳ xét thi đua: năm học" in done.content.decode()
    assert AuditEvent.objects.filter(action="unit.emulation").count() == 1


# --- htmx -------------------------------------------------------------------------------------------------------


def test_an_htmx_submission_is_told_to_reload_main(world: World, people: People, client_as: ClientAs) -> None:
    response = client_as(world.member).post(
        _record_url(people.binh.pk, "xep-loai"), _rating(), headers={"HX-Request": "true"}
    )
    assert response.status_code == 204
    location = json.loads(response["HX-Location"])
    assert location == {
        "path": reverse("web:person", args=[people.binh.pk]) + "?nam=2025",
        "target": "#main",
        "select": "#main",
        "swap": "outerHTML show:window:top",
    }


def test_a_refused_htmx_submission_returns_the_page_to_swap(
    world: World, people: People, client_as: ClientAs
) -> None:
    response = client_as(world.member).post(
        _record_url(people.binh.pk, "xep-loai"), _rating(cycle="năm nay"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert '<main id="main"' in body and "Năm phải là một số, ví dụ 2024." in body
    assert 'hx-on::before-swap="if (event.detail.xhr.status === 400)' in body
    assert "autofocus" in body  # the field in error takes the focus once swapped in


def test_corrections_are_kept_in_the_audit_trail_with_their_reason(world: World, people: People) -> None:
    award_correct(actor=world.board, award=people.lan_cstdcs_2024, reason="Gõ nhầm", decision_no="13/QĐ-UBND")
    event = AuditEvent.objects.get(action="award.correct")
    assert event.after["reason"] == "Gõ nhầm" and event.summary == "Đính chính: Gõ nhầm"
