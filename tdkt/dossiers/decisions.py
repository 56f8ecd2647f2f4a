"""The decision that ends a dossier: drafted from it, signed with a number unique per authority, and, on
signing, every line's award recorded through the award services (nobody types the list again), each line's
reward money from the base salary in force on the signing day. Design: decision 0007."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction

from tdkt.awards.catalogue import CATALOGUE, reward_amount
from tdkt.awards.catalogue_selectors import title_name
from tdkt.awards.models import AwardBasis, AwardKind
from tdkt.awards.services import award_record
from tdkt.core.audit import Actor, actor_user, audit_record, snapshot
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.core.vn import format_date, format_number
from tdkt.dossiers import states, tracks
from tdkt.dossiers.fund import fund_entry_add
from tdkt.dossiers.models import BaseSalary, Decision, Dossier, DossierLine, FundEntryKind
from tdkt.dossiers.services import decides_here, dossier_act
from tdkt.reports.documents import AdminDocument, Signature

KIND_BY_TRACK = {"DOT_XUAT": AwardKind.DOT_XUAT, "CHUYEN_DE": AwardKind.CHUYEN_DE}
NUMBER_MAX = 60


def number_key(number: str) -> str:
    return " ".join(number.split()).casefold()


def base_salary_on(day: dt.date) -> BaseSalary | None:
    return BaseSalary.objects.filter(valid_from__lte=day).order_by("-valid_from").first()


def authority_text(dossier: Dossier) -> str:
    spec = tracks.track(dossier.track)
    if spec.decider == tracks.DECIDED_BY_PROVINCE:
        name = dossier.receiver.name
        return f"Chủ tịch Ủy ban nhân dân {name[:1].lower()}{name[1:]}"
    return f"Thủ trưởng {dossier.receiver.name}"


@transaction.atomic
def decision_draft(*, actor: Actor, dossier: Dossier) -> Decision:
    """The draft decision of an approved dossier, by the receiver that decides it (once per dossier)."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if dossier.state != states.APPROVED:
        raise ValidationFailed(
            [Problem("chỉ dự thảo quyết định cho hồ sơ đã được thống nhất đề nghị", field="dossier")]
        )
    if not decides_here(dossier):
        raise ValidationFailed(
            [Problem("hồ sơ thuộc thẩm quyền quyết định của cấp trên: hãy trình cấp trên", field="dossier")]
        )
    existing = Decision.objects.filter(dossier=dossier).first()
    if existing is not None:
        return existing
    _check_decider(actor, dossier)
    decision = Decision.objects.create(
        dossier=dossier, authority_unit=dossier.receiver, authority=authority_text(dossier)
    )
    audit_record(actor=actor, action="decision.draft", instance=decision, after=snapshot(decision))
    return decision


def _check_decider(actor: Actor, dossier: Dossier) -> None:
    if actor is None:
        return
    from tdkt.clusters.scopes import viewer_for
    from tdkt.dossiers.services import dossier_roles

    if states.DECIDER not in dossier_roles(viewer_for(actor), dossier):
        raise NotPermitted("chỉ cấp có thẩm quyền mới ký quyết định của hồ sơ này")


def _amount(line: DossierLine, base: Decimal | None) -> Decimal | None:
    if base is None or line.title not in CATALOGUE or line.subject_kind == "initiative":
        return None
    return reward_amount(line.title, line.subject_kind, base_salary=base)


@transaction.atomic
def decision_sign(
    *,
    actor: Actor,
    decision: Decision,
    number: str,
    signed_on: dt.date,
    signer_name: str,
    signer_title: str,
) -> Decision:
    """Register the number and date, sign, and record every line's award. Refused, with nothing written:
    a number the same authority already used, a dossier not approved, a line the award services refuse
    (named with its line number)."""
    decision = Decision.objects.select_for_update().select_related("dossier").get(pk=decision.pk)
    dossier = decision.dossier
    _check_decider(actor, dossier)
    number = " ".join(number.split())
    problems: list[Problem] = []
    if decision.number:
        problems.append(Problem(f"quyết định đã ký ({decision}): không ký lại", field="number"))
    if not number:
        problems.append(Problem("chưa ghi số quyết định", field="number"))
    elif len(number) > NUMBER_MAX:
        problems.append(Problem(f"số quyết định dài quá {NUMBER_MAX} ký tự", field="number"))
    elif (
        Decision.objects.filter(authority_unit=decision.authority_unit, number_key=number_key(number))
        .exclude(pk=decision.pk)
        .exists()
    ):
        problems.append(
            Problem(f"số “{number}” đã dùng cho một quyết định khác của {decision.authority}", field="number")
        )
    if not signer_name.strip():
        problems.append(Problem("chưa ghi người ký", field="signer_name"))
    if signed_on > dt.date.today() + dt.timedelta(days=1):
        problems.append(Problem("ngày ký ở tương lai", field="signed_on"))
    if problems:
        raise ValidationFailed(problems)
    dossier_act(actor=actor, dossier=dossier, action=states.DECIDE, version=dossier.version)
    salary = base_salary_on(signed_on)
    base = salary.amount if salary is not None else None
    kind = KIND_BY_TRACK.get(dossier.track, AwardKind.CONG_TRANG)
    total = Decimal(0)
    line_problems: list[Problem] = []
    for line in dossier.lines.filter(excluded_reason="").select_related("person", "unit", "initiative"):
        if line.subject_kind == "initiative":
            continue  # recognising an initiative records no award
        try:
            award = award_record(
                actor=actor,
                person=line.person,
                unit=line.unit,
                title=line.title,
                cycle=line.cycle,
                decision_no=number,
                decision_date=signed_on,
                authority=decision.authority,
                kind=kind,
                basis=AwardBasis.OTHER,
                source=f"Hồ sơ số {dossier.pk}, dòng {line.position}",
            )
        except ValidationFailed as exc:
            line_problems += [Problem(p.message, row=line.position, field=p.field) for p in exc.problems]
            continue
        line.award = award
        line.amount = _amount(line, base)
        line.save(update_fields=["award", "amount"])
        total += line.amount or 0
    if line_problems:
        raise ValidationFailed(line_problems)
    before = snapshot(decision, ["number", "signed_on", "signer_name"])
    decision.number = number
    decision.number_key = number_key(number)
    decision.signed_on = signed_on
    decision.signer_name = " ".join(signer_name.split())
    decision.signer_title = " ".join(signer_title.split())
    decision.base_salary = base
    decision.total = total
    decision.signed_by = actor_user(actor)
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError:
        raise ValidationFailed(
            [
                Problem(
                    f"số “{number}” đã dùng cho một quyết định khác của {decision.authority}", field="number"
                )
            ]
        ) from None
    if total:
        fund_entry_add(
            actor=actor,
            unit=decision.authority_unit,
            year=signed_on.year,
            kind=FundEntryKind.PAYOUT,
            amount=total,
            on=signed_on,
            note=f"Chi thưởng theo {decision}",
            decision=decision,
        )
    audit_record(
        actor=actor,
        action="decision.sign",
        instance=decision,
        before=before,
        after=snapshot(decision, ["number", "signed_on", "signer_name", "base_salary", "total"]),
        summary=f"{decision}: {dossier.lines.exclude(award=None).count()} khen thưởng được ghi",
    )
    return decision


def _vnd(amount: Decimal | None) -> str:
    return "" if amount is None else format_number(amount, 0)


def decision_document(decision: Decision) -> AdminDocument:
    """The decision in the Decree 30 layout, its list as the annex table."""
    dossier = decision.dossier
    lines = list(dossier.lines.filter(excluded_reason="").select_related("person", "unit", "initiative"))
    titles = sorted({title_name(line.title) for line in lines})
    rows = [
        [
            str(i),
            line.person.full_name if line.person else str(line.unit or line.initiative),
            title_name(line.title),
            _vnd(line.amount),
        ]
        for i, line in enumerate(lines, start=1)
    ]
    day = decision.signed_on or dt.date.today()
    return AdminDocument(
        issuer_parent="",
        issuer=decision.authority_unit.name.upper(),
        number=f"Số: {decision.number}" if decision.number else "Số:      /QĐ-",
        place=decision.authority_unit.name.replace("Tỉnh ", "").replace("Thành phố ", ""),
        date=day,
        title="QUYẾT ĐỊNH",
        subtitle=f"Về việc tặng {', '.join(titles)}" if titles else dossier.subject,
        paragraphs=[
            decision.authority.upper(),
            "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
            "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết một số điều của Luật Thi đua, "
            "khen thưởng;",
            f"Xét đề nghị của {dossier.proposer.name} ({dossier}, gửi ngày {format_date(dossier.sent_on)}).",
            "QUYẾT ĐỊNH:",
            f"Điều 1. Tặng {', '.join(titles)} cho {len(lines)} cá nhân, tập thể có tên trong danh sách kèm "
            "theo, đã có thành tích " + (f"năm {dossier.cycle}." if dossier.cycle else "."),
            "Điều 2. Tiền thưởng thực hiện theo Nghị định số 152/2025/NĐ-CP"
            + (f": tổng cộng {_vnd(decision.total)} đồng." if decision.total else "."),
            "Điều 3. Quyết định có hiệu lực kể từ ngày ký. Các cơ quan, đơn vị và cá nhân có tên tại Điều 1 "
            "chịu trách nhiệm thi hành Quyết định này.",
        ],
        table_header=["STT", "Cá nhân, tập thể", "Hình thức", "Tiền thưởng (đồng)"],
        table_rows=rows,
        table_center=(0,),
        signatures=[
            Signature(title=(decision.signer_title or "CHỦ TỊCH").upper(), name=decision.signer_name)
        ],
    )


def check_board(actor: Actor, what: str) -> None:
    """The board only (the system passes): writes of the province's dossier data."""
    if actor is None:
        return
    from tdkt.clusters.scopes import viewer_for

    if not viewer_for(actor).is_board:
        raise NotPermitted(f"chỉ Ban Thi đua – Khen thưởng tỉnh được {what}")


@transaction.atomic
def decision_correct(
    *,
    actor: Actor,
    decision: Decision,
    reason: str,
    version: int | None,
    number: str | None = None,
    signed_on: dt.date | None = None,
) -> Decision:
    """Correct a signed decision's number or date (đính chính), with a reason: the same correction reaches
    every award it recorded (`award_correct`, audited one by one). The board's, like an award's correction."""
    check_board(actor, "đính chính quyết định khen thưởng")
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    problems: list[Problem] = []
    if version is not None and version != decision.version:
        problems.append(
            Problem(
                "quyết định đã được đính chính hoặc hủy bỏ sau khi bạn mở trang: hãy tải lại", field="version"
            )
        )
    if not decision.number:
        problems.append(Problem("quyết định chưa ký: không có gì để đính chính", field="decision"))
    if decision.revoked_on is not None:
        problems.append(Problem("quyết định đã bị hủy bỏ, không đính chính được", field="decision"))
    if not reason.strip():
        problems.append(Problem("đính chính phải ghi lý do", field="reason"))
    new_number = " ".join((number or decision.number).split())
    if number is not None and not new_number:
        problems.append(Problem("chưa ghi số quyết định", field="number"))
    elif (
        number is not None
        and Decision.objects.filter(authority_unit=decision.authority_unit, number_key=number_key(new_number))
        .exclude(pk=decision.pk)
        .exists()
    ):
        problems.append(
            Problem(
                f"số “{new_number}” đã dùng cho một quyết định khác của {decision.authority}", field="number"
            )
        )
    new_date = signed_on or decision.signed_on
    if new_number == decision.number and new_date == decision.signed_on:
        problems.append(Problem("không có gì thay đổi", field="number"))
    if problems:
        raise ValidationFailed(problems)
    from tdkt.awards.services import award_correct

    for line in decision.dossier.lines.filter(award__isnull=False).select_related("award"):
        assert line.award is not None
        if line.award.revoked_on is None:
            award_correct(
                actor=actor,
                award=line.award,
                reason=f"Đính chính {decision}: {reason.strip()}",
                decision_no=new_number,
                decision_date=new_date,
            )
    before = snapshot(decision, ["number", "signed_on"])
    decision.number, decision.number_key, decision.signed_on = new_number, number_key(new_number), new_date
    decision.version += 1
    decision.save(update_fields=["number", "number_key", "signed_on", "version"])
    audit_record(
        actor=actor,
        action="decision.correct",
        instance=decision,
        before=before,
        after=snapshot(decision, ["number", "signed_on"]),
        summary=f"Đính chính {decision}: {reason.strip()}",
    )
    return decision


@transaction.atomic
def decision_revoke(
    *, actor: Actor, decision: Decision, revoked_on: dt.date, reason: str, version: int | None
) -> Decision:
    """Revoke a signed decision (hủy bỏ, e.g. a false dossier found later): every award it recorded is
    revoked with the same reason (`award_revoke`); its certificates' public page then says so."""
    check_board(actor, "hủy bỏ quyết định khen thưởng")
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    problems: list[Problem] = []
    if version is not None and version != decision.version:
        problems.append(
            Problem(
                "quyết định đã được đính chính hoặc hủy bỏ sau khi bạn mở trang: hãy tải lại", field="version"
            )
        )
    if not decision.number:
        problems.append(Problem("quyết định chưa ký: không có gì để hủy bỏ", field="decision"))
    if decision.revoked_on is not None:
        problems.append(
            Problem(f"quyết định đã bị hủy bỏ ngày {format_date(decision.revoked_on)}", field="decision")
        )
    if not reason.strip():
        problems.append(Problem("hủy bỏ phải ghi lý do", field="reason"))
    if decision.signed_on is not None and revoked_on < decision.signed_on:
        problems.append(Problem("ngày hủy bỏ trước ngày ký quyết định", field="revoked_on"))
    if problems:
        raise ValidationFailed(problems)
    from tdkt.awards.services import award_revoke

    for line in decision.dossier.lines.filter(award__isnull=False).select_related("award"):
        assert line.award is not None
        if line.award.revoked_on is None:
            award_revoke(actor=actor, award=line.award, revoked_on=revoked_on, reason=reason.strip())
    decision.revoked_on, decision.revoked_reason = revoked_on, reason.strip()
    decision.version += 1
    decision.save(update_fields=["revoked_on", "revoked_reason", "version"])
    audit_record(
        actor=actor,
        action="decision.revoke",
        instance=decision,
        after=snapshot(decision, ["revoked_on", "revoked_reason"]),
        summary=f"Hủy bỏ {decision}: {reason.strip()}",
    )
    return decision
