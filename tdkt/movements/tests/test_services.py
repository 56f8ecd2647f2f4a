import datetime as dt
from decimal import Decimal

import pytest

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.movements.models import ReportStatus, ReportValue, Target
from tdkt.movements.services import (
    Signatory,
    ValueInput,
    covenant_sign,
    evidence_attach,
    report_get_or_create,
    report_transition,
    report_values_set,
    target_set,
)


def _values(world: World) -> dict[str, Decimal]:
    return {rv.indicator.code: rv.value for rv in world.member_report.values.select_related("indicator")}


def test_member_writes_their_own_values_and_it_is_audited(world: World) -> None:
    before = AuditEvent.objects.count()
    report_values_set(
        actor=world.member, report=world.member_report, values=[ValueInput(world.houses, Decimal(530))]
    )
    assert _values(world)["T-NHA"] == Decimal(530)
    assert AuditEvent.objects.count() == before + 1


def test_member_cannot_write_another_units_values(world: World) -> None:
    report = report_get_or_create(
        actor=None, cluster_year=world.cluster_year, unit=world.nam_giang, period="year_end"
    )
    with pytest.raises(NotPermitted):
        report_values_set(actor=world.member, report=report, values=[ValueInput(world.houses, Decimal(1))])


def test_a_bad_value_among_good_ones_writes_nothing(world: World) -> None:
    before = _values(world)
    with pytest.raises(ValidationFailed) as info:
        report_values_set(
            actor=world.member,
            report=world.member_report,
            values=[ValueInput(world.revenue, Decimal(1)), ValueInput(world.houses, Decimal("2.5"))],
        )
    assert "số nguyên" in str(info.value)
    assert _values(world) == before


def test_the_report_cycle_with_a_return_and_a_lock(world: World) -> None:
    report = report_transition(actor=world.member, report=world.member_report, action="submit")
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == world.member
    with pytest.raises(ValidationFailed, match="lý do"):
        report_transition(actor=world.head, report=report, action="return", reason="  ")
    report = report_transition(actor=world.head, report=report, action="return", reason="Thiếu minh chứng")
    assert report.status == ReportStatus.RETURNED and report.return_reason == "Thiếu minh chứng"
    report_values_set(actor=world.member, report=report, values=[ValueInput(world.houses, Decimal(10))])
    report = report_transition(actor=world.member, report=report, action="submit")
    report = report_transition(actor=world.head, report=report, action="accept")
    report = report_transition(actor=world.board, report=report, action="lock")
    assert report.status == ReportStatus.LOCKED and report.locked_at is not None
    with pytest.raises(ValidationFailed, match="không sửa được"):
        report_values_set(actor=world.board, report=report, values=[ValueInput(world.houses, Decimal(11))])
    assert ReportValue.objects.get(report=report, indicator=world.houses).value == Decimal(10)


def test_only_the_head_or_board_accepts(world: World) -> None:
    report_transition(actor=world.member, report=world.member_report, action="submit")
    with pytest.raises(NotPermitted):
        report_transition(actor=world.member, report=world.member_report, action="accept")
    with pytest.raises(NotPermitted):
        report_transition(actor=world.outsider, report=world.member_report, action="accept")


def test_locking_requires_acceptance_first(world: World) -> None:
    with pytest.raises(ValidationFailed, match="không thể khóa"):
        report_transition(actor=world.board, report=world.member_report, action="lock")


def test_an_empty_report_cannot_be_submitted(world: World) -> None:
    report = report_get_or_create(
        actor=None, cluster_year=world.cluster_year, unit=world.nam_giang, period="mid_year"
    )
    with pytest.raises(ValidationFailed, match="chưa có số liệu"):
        report_transition(actor=None, report=report, action="submit")


def test_targets_freeze_once_the_covenant_is_signed(world: World) -> None:
    target_set(
        actor=world.member,
        cluster_year=world.cluster_year,
        unit=world.tien_phuoc,
        indicator=world.houses,
        value=Decimal(600),
    )
    covenant_sign(
        actor=world.head,
        cluster_year=world.cluster_year,
        signed_on=dt.date(2024, 3, 1),
        signatories=[
            Signatory(u, "Nguyễn Văn A", "Chủ tịch UBND")
            for u in (world.phuoc_son, world.tien_phuoc, world.nam_giang)
        ],
    )
    with pytest.raises(ValidationFailed, match="đã ký"):
        target_set(
            actor=world.member,
            cluster_year=world.cluster_year,
            unit=world.tien_phuoc,
            indicator=world.houses,
            value=Decimal(1),
        )
    assert Target.objects.get(
        unit=world.tien_phuoc, indicator=world.houses, basis="registered"
    ).value == Decimal(600)


def test_covenant_needs_every_member_to_sign(world: World) -> None:
    with pytest.raises(ValidationFailed, match="còn thiếu chữ ký"):
        covenant_sign(
            actor=None,
            cluster_year=world.cluster_year,
            signed_on=dt.date(2024, 3, 1),
            signatories=[Signatory(world.phuoc_son, "Nguyễn Văn A", "Chủ tịch UBND")],
        )


def test_a_target_for_an_indicator_the_cluster_does_not_follow_is_refused(world: World) -> None:
    with pytest.raises(ValidationFailed, match="không thuộc bộ chỉ tiêu"):
        target_set(
            actor=None,
            cluster_year=world.other_cluster_year,
            unit=world.dien_ban,
            indicator=world.houses,
            value=Decimal(1),
        )


def test_evidence_is_stored_on_disk_with_its_hash(world: World, tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    ev = evidence_attach(
        actor=world.member, report=world.member_report, filename="bien-ban.pdf", data=b"%PDF-1.4 test"
    )
    assert ev.size == 13 and len(ev.sha256) == 64
    assert (tmp_path / ev.file.name).read_bytes() == b"%PDF-1.4 test"
    with pytest.raises(ValidationFailed, match="không được nhận"):
        evidence_attach(actor=world.member, report=world.member_report, filename="virus.exe", data=b"MZ")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("1.23456"), "quá 4 chữ số thập phân"),
        (Decimal("12345678901.23456"), "thập phân"),
        (Decimal("123456789012.3456"), "15 chữ số có nghĩa"),
    ],
)
def test_values_that_the_database_would_change_silently_are_refused(
    world: World, value: Decimal, message: str
) -> None:
    with pytest.raises(ValidationFailed, match=message):
        report_values_set(
            actor=world.member, report=world.member_report, values=[ValueInput(world.revenue, value)]
        )


def test_only_the_units_staff_or_the_board_open_a_report(world: World) -> None:
    with pytest.raises(NotPermitted):
        report_get_or_create(
            actor=world.head, cluster_year=world.cluster_year, unit=world.nam_giang, period="mid_year"
        )
    report = report_get_or_create(
        actor=world.board, cluster_year=world.cluster_year, unit=world.nam_giang, period="mid_year"
    )
    assert report.status == ReportStatus.DRAFT


def test_submit_of_an_incomplete_report_is_refused_listing_what_is_missing_unless_allowed(
    world: World,
) -> None:
    from tdkt.movements.services import report_missing_indicators

    report = world.member_report
    assert report_missing_indicators(report) == [world.houses]
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        report_transition(actor=world.member, report=report, action="submit", allow_incomplete=False)
    messages = [p.message for p in exc.value.problems]
    assert messages[0].startswith("báo cáo còn thiếu số liệu của 1/3 chỉ tiêu")
    assert messages[1] == f"chỉ tiêu “{world.houses.name}” ({world.houses.code}) chưa có số liệu"
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and AuditEvent.objects.count() == events
    report_transition(actor=world.member, report=report, action="submit", allow_incomplete=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
