"""Writes of proposal dossiers: create, lines (typed or from the eligibility engine's verdict), documents,
and every step of the dossier's life through the state table (`states.step`). Design: decision 0007.

Who holds which role on a dossier (`dossier_roles`):
- proposer: the proposing unit's staff; for a cluster's proposal, the staff of that year's head unit;
- receiver: the province's board for tracks sent to the province; the unit's own staff for titles the
  unit's head decides (its emulation council is the check there);
- specialist: the account the receiver assigned; decider: the receiver's level when it signs.
The board is never the proposer of a unit's dossier, and no proposer may check, approve or decide its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from tdkt.awards.catalogue import CATALOGUE
from tdkt.awards.catalogue_selectors import entry_by_code, title_name
from tdkt.awards.jsonio import verdict_to_json
from tdkt.awards.models import Initiative
from tdkt.awards.selectors import collective_verdicts, person_verdicts, unit_of_people
from tdkt.clusters.models import ClusterRole, ClusterRoleKind, ClusterYear
from tdkt.clusters.scopes import Viewer, viewer_for
from tdkt.core.audit import Actor, actor_user, audit_record, snapshot
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.core.versions import check_version
from tdkt.dossiers import states, tracks
from tdkt.dossiers.models import Dossier, DossierDocument, DossierLine, DossierStep, SubjectKind
from tdkt.dossiers.selectors import work_calendar
from tdkt.org.models import Person, Unit, UnitKind
from tdkt.org.selectors import unit_ancestors, unit_descends_from, unit_history_ids
from tdkt.voting.models import Ballot, Conference

PROVINCE_KINDS = (UnitKind.PROVINCE, UnitKind.CENTRAL_CITY)
ALL_ROLES = frozenset({states.PROPOSER, states.RECEIVER, states.SPECIALIST, states.DECIDER})
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
DOCUMENT_TYPES = {".pdf", ".docx", ".doc", ".xlsx", ".xls", ".jpg", ".jpeg", ".png"}


def province_of(unit: Unit) -> Unit:
    """The province a unit belongs to (itself when it is the province)."""
    if unit.kind in PROVINCE_KINDS:
        return unit
    for ancestor in unit_ancestors(unit):
        if ancestor.kind in PROVINCE_KINDS:
            return ancestor
    raise ValidationFailed([Problem(f"không xác định được tỉnh, thành phố của “{unit}”", field="proposer")])


def receiver_for(track: tracks.Track, proposer: Unit) -> Unit:
    """Who receives a dossier of `track` from `proposer`, along the hierarchy the unit rows record: the
    unit's own council for what its head decides; for the province's forms, the unit's parent when it is
    not the province (a commune's district before 01/07/2025, a school's department: each level checks and
    forwards), else the province's board. A cluster's proposal goes to the province's board directly."""
    if track.receiver == tracks.TO_SELF:
        return proposer
    if track.proposer == tracks.BY_UNIT:
        return next_level(proposer)
    return province_of(proposer)


def next_level(unit: Unit) -> Unit:
    """The level a dossier from `unit` goes to on the way to the province."""
    parent = unit.parent
    if parent is not None and parent.kind not in PROVINCE_KINDS:
        return parent
    return province_of(unit)


def at_province(dossier: Dossier) -> bool:
    return dossier.receiver.kind in PROVINCE_KINDS


def decides_here(dossier: Dossier) -> bool:
    """Whether the level holding the dossier signs it (else it approves and forwards up)."""
    spec = tracks.track(dossier.track)
    if spec.receiver == tracks.TO_SELF:
        return True
    return spec.decides_at_receiver and at_province(dossier)


def dossier_roles(viewer: Viewer, dossier: Dossier) -> frozenset[str]:
    track = tracks.track(dossier.track)
    roles: set[str] = set()
    if track.proposer == tracks.BY_CLUSTER:
        if dossier.cluster_year_id is not None and dossier.cluster_year_id in viewer.head_of:
            roles.add(states.PROPOSER)
    elif viewer.is_staff_of(dossier.proposer_id):
        roles.add(states.PROPOSER)
    if track.receiver == tracks.TO_PROVINCE:
        if at_province(dossier):
            if viewer.is_board:
                roles.add(states.RECEIVER)
                if track.decider == tracks.DECIDED_BY_PROVINCE:
                    roles.add(states.DECIDER)
        elif viewer.is_staff_of(dossier.receiver_id):
            roles.add(states.RECEIVER)  # a level on the way: it checks and forwards, never decides
    elif viewer.is_staff_of(dossier.receiver_id):
        roles |= {states.RECEIVER, states.DECIDER}
    if dossier.specialist_id is not None and dossier.specialist_id == viewer.user_id:
        roles.add(states.SPECIALIST)
    if states.PROPOSER in roles and track.receiver == tracks.TO_PROVINCE:
        # A proposer never checks or decides its own dossier, even if it also sits at the board.
        roles -= {states.RECEIVER, states.SPECIALIST, states.DECIDER}
    return frozenset(roles)


def _refuse(message: str, field: str = "") -> ValidationFailed:
    return ValidationFailed([Problem(message, field=field)])


@transaction.atomic
def dossier_create(
    *,
    actor: Actor,
    track: str,
    cycle: int,
    proposer: Unit,
    subject: str,
    cluster_year: ClusterYear | None = None,
    conference: Conference | None = None,
    ballot: Ballot | None = None,
) -> Dossier:
    """A new draft dossier of `track` by `proposer` for `cycle`. A cluster's proposal names its cluster-year
    (the proposer is that year's head unit) and may name the conference and the ballot it comes from."""
    problems: list[Problem] = []
    try:
        spec = tracks.track(track)
    except tracks.TrackError as exc:
        raise _refuse(exc.problems[0], "track") from None
    subject = " ".join(subject.split())
    if not subject:
        problems.append(Problem("chưa ghi trích yếu hồ sơ", field="subject"))
    elif len(subject) > 300:
        problems.append(Problem("trích yếu dài quá 300 ký tự", field="subject"))
    if not 2000 <= cycle <= 2100:
        problems.append(Problem(f"năm thành tích {cycle} không hợp lệ", field="cycle"))
    if spec.proposer == tracks.BY_CLUSTER:
        if cluster_year is None:
            problems.append(
                Problem("hồ sơ của cụm, khối phải gắn với một năm của cụm, khối", field="cluster_year")
            )
        else:
            head = ClusterRole.objects.filter(cluster_year=cluster_year, role=ClusterRoleKind.HEAD).first()
            if head is None or head.unit_id != proposer.pk:
                problems.append(
                    Problem(
                        f"đơn vị đề nghị phải là trưởng {cluster_year} (đơn vị chủ trì)", field="proposer"
                    )
                )
            if cluster_year.year != cycle:
                problems.append(
                    Problem(f"năm thành tích phải là năm {cluster_year.year} của cụm", field="cycle")
                )
    elif cluster_year is not None:
        problems.append(Problem("chỉ hồ sơ của cụm, khối mới gắn với cụm, khối", field="cluster_year"))
    if conference is not None and (cluster_year is None or conference.cluster_year_id != cluster_year.pk):
        problems.append(Problem("hội nghị không thuộc cụm, khối – năm của hồ sơ", field="conference"))
    if ballot is not None and (conference is None or ballot.conference_id != conference.pk):
        problems.append(Problem("lần bỏ phiếu không thuộc hội nghị của hồ sơ", field="ballot"))
    if not proposer.valid_in_year(cycle):
        problems.append(Problem(f"“{proposer}” không có hiệu lực trong năm {cycle}", field="proposer"))
    if problems:
        raise ValidationFailed(problems)
    receiver = receiver_for(spec, proposer)
    dossier = Dossier(
        track=spec.code,
        cycle=cycle,
        subject=subject,
        proposer=proposer,
        receiver=receiver,
        cluster_year=cluster_year,
        conference=conference,
        ballot=ballot,
        created_by=actor_user(actor),
    )
    if actor is not None and states.PROPOSER not in dossier_roles(viewer_for(actor), dossier):
        raise NotPermitted(
            "chỉ cán bộ của đơn vị đề nghị (hoặc của đơn vị trưởng cụm, khối) mới lập được hồ sơ"
        )
    dossier.save()
    audit_record(actor=actor, action="dossier.create", instance=dossier, after=snapshot(dossier))
    return dossier


def _locked(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


def _check_editable(actor: Actor, dossier: Dossier) -> None:
    if actor is not None and states.PROPOSER not in dossier_roles(viewer_for(actor), dossier):
        raise NotPermitted("chỉ đơn vị đề nghị mới sửa được hồ sơ")
    if dossier.state not in states.EDITABLE:
        raise _refuse(
            f"hồ sơ {states.STATE_NAMES[dossier.state].lower()}: không sửa được danh sách, "
            "hãy rút hồ sơ về (khi nơi nhận chưa tiếp nhận) hoặc chờ trả lại"
        )


def _subject_problems(
    dossier: Dossier,
    spec: tracks.Track,
    title: str,
    person: Person | None,
    unit: Unit | None,
    initiative: Initiative | None,
) -> tuple[str, list[Problem]]:
    problems: list[Problem] = []
    given = [x for x in (person, unit, initiative) if x is not None]
    if len(given) != 1:
        return "", [Problem("mỗi dòng đề nghị một cá nhân, một tập thể hoặc một sáng kiến", field="subject")]
    if person is not None:
        kind = SubjectKind.INDIVIDUAL
    elif initiative is not None:
        kind = SubjectKind.INITIATIVE
    else:
        assert unit is not None
        kind = (
            SubjectKind.COMMUNE if unit.kind in (UnitKind.COMMUNE, UnitKind.WARD) else SubjectKind.COLLECTIVE
        )
        if kind == SubjectKind.COMMUNE and "commune" not in spec.subjects and "collective" in spec.subjects:
            kind = SubjectKind.COLLECTIVE
    if kind not in spec.subjects:
        problems.append(Problem(f"loại hồ sơ này không đề nghị cho {kind.label.lower()}", field="subject"))
    if kind != SubjectKind.INITIATIVE:
        entry = CATALOGUE.get(title)
        known = entry_by_code(title)
        if known is None or not known.active:
            problems.append(
                Problem(f"mã “{title}” không có trong danh mục khen thưởng đang dùng", field="title")
            )
        elif not spec.allows(title):
            problems.append(Problem(f"loại hồ sơ này không đề nghị “{_title_name(title)}”", field="title"))
        elif (
            entry is not None
            and kind.value not in entry.subject_kinds
            and not (kind == SubjectKind.COLLECTIVE and "commune" in entry.subject_kinds)
        ):
            problems.append(Problem(f"“{entry.name}” không xét cho {kind.label.lower()}", field="title"))
    # Scope: the proposer's own people and units (its predecessors and its lower units included); a
    # cluster proposes its members.
    if person is not None:
        home = unit_of_people([person.pk], dossier.cycle).get(person.pk)
        if home is None or not _within(dossier, home):
            problems.append(
                Problem(
                    f"“{person.full_name}” không công tác tại “{dossier.proposer}” trong năm {dossier.cycle}",
                    field="person",
                )
            )
    if unit is not None and not _within(dossier, unit):
        problems.append(Problem(f"“{unit}” không thuộc phạm vi đề nghị của hồ sơ", field="unit"))
    if initiative is not None:
        owner = unit_of_people([initiative.person_id], dossier.cycle).get(initiative.person_id)
        if owner is None or not _within(dossier, owner):
            problems.append(Problem("tác giả sáng kiến không thuộc đơn vị đề nghị", field="initiative"))
    return kind.value, problems


def _within(dossier: Dossier, unit: Unit) -> bool:
    if dossier.cluster_year_id is not None:
        return dossier.cluster_year.members.filter(unit=unit).exists()  # type: ignore[union-attr]
    if unit.pk in unit_history_ids(dossier.proposer):
        return True
    return unit.pk != dossier.proposer_id and unit_descends_from(unit, dossier.proposer)


def _title_name(code: str) -> str:
    return title_name(code)


def _duplicate_problem(
    dossier: Dossier, title: str, person: Person | None, unit: Unit | None, initiative: Initiative | None
) -> Problem | None:
    same = DossierLine.objects.filter(title=title, cycle=dossier.cycle).select_related("dossier")
    if person is not None:
        same = same.filter(person=person)
    elif unit is not None:
        same = same.filter(unit=unit)
    else:
        same = same.filter(initiative=initiative)
    other = same.first()
    if other is None:
        return None
    where = "trong hồ sơ này" if other.dossier_id == dossier.pk else f"trong {other.dossier}"
    return Problem(
        f"đã đề nghị “{_title_name(title)}” năm {dossier.cycle} cho đối tượng này {where}", field="title"
    )


def _verdict_snapshot(
    title: str, cycle: int, person: Person | None, unit: Unit | None
) -> tuple[str, str, str]:
    """The engine's verdict now, as canonical JSON, its SHA-256 and its outcome ("" when the engine holds
    no rules for the title or the subject)."""
    if title not in CATALOGUE or (person is None and unit is None):
        return "", "", ""
    verdicts = person_verdicts(person, cycle) if person is not None else collective_verdicts(unit, cycle)  # type: ignore[arg-type]
    verdict = next((v for v in verdicts if v.title == title), None)
    if verdict is None:
        return "", "", ""
    text = json.dumps(verdict_to_json(verdict, {}), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text, hashlib.sha256(text.encode()).hexdigest(), verdict.outcome


def verdict_now(line: DossierLine) -> dict[str, Any] | None:
    """Today's verdict for a line, as the JSON stored with it (None: no rules for this title or subject)."""
    text, _, _ = _verdict_snapshot(line.title, line.cycle, line.person, line.unit)
    return json.loads(text) if text else None


@transaction.atomic
def dossier_line_add(
    *,
    actor: Actor,
    dossier: Dossier,
    title: str,
    person: Person | None = None,
    unit: Unit | None = None,
    initiative: Initiative | None = None,
    note: str = "",
) -> DossierLine:
    """Propose one subject for one title. The engine's verdict is stored with the line (the check at the
    receiver compares it with the verdict then). Refused: a title or subject the track does not take, a
    subject outside the proposer's scope, the same subject, title and cycle in any dossier."""
    dossier = _locked(dossier)
    _check_editable(actor, dossier)
    spec = tracks.track(dossier.track)
    kind, problems = _subject_problems(dossier, spec, title, person, unit, initiative)
    if not problems:
        duplicate = _duplicate_problem(dossier, title, person, unit, initiative)
        if duplicate is not None:
            problems.append(duplicate)
    if problems:
        raise ValidationFailed(problems)
    verdict, digest, outcome = _verdict_snapshot(title, dossier.cycle, person, unit)
    position = (dossier.lines.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    line = DossierLine.objects.create(
        dossier=dossier,
        position=position,
        subject_kind=kind,
        person=person,
        unit=unit,
        initiative=initiative,
        title=title,
        cycle=dossier.cycle,
        outcome=outcome,
        verdict=verdict,
        verdict_sha256=digest,
        note=note.strip(),
    )
    _bump(dossier)
    audit_record(
        actor=actor,
        action="dossier.line_add",
        instance=line,
        after=snapshot(line, ["dossier", "person", "unit", "initiative", "title", "cycle", "outcome"]),
        summary=f"{dossier}: thêm {line}",
    )
    return line


@transaction.atomic
def dossier_line_remove(*, actor: Actor, line: DossierLine) -> None:
    dossier = _locked(line.dossier)
    _check_editable(actor, dossier)
    before = snapshot(line, ["dossier", "person", "unit", "initiative", "title", "cycle"])
    audit_record(actor=actor, action="dossier.line_remove", instance=line, before=before, summary=str(line))
    line.delete()
    _bump(dossier)


def _bump(dossier: Dossier) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(version=dossier.version + 1)
    dossier.version += 1


@transaction.atomic
def dossier_document_add(
    *, actor: Actor, dossier: Dossier, kind: str, name: str, filename: str, content: bytes
) -> DossierDocument:
    """Attach a document (the signed achievement report, minutes, evidence) while the dossier is edited."""
    dossier = _locked(dossier)
    _check_editable(actor, dossier)
    spec = tracks.track(dossier.track)
    problems: list[Problem] = []
    kinds = {d.kind for d in spec.documents} | {"khac"}
    if kind not in kinds:
        problems.append(Problem("loại văn bản không có trong danh mục hồ sơ của loại này", field="kind"))
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in DOCUMENT_TYPES:
        problems.append(
            Problem(
                "chỉ nhận tệp PDF, Word, Excel hoặc ảnh (.pdf, .docx, .doc, .xlsx, .xls, .jpg, .png)",
                field="file",
            )
        )
    if not content:
        problems.append(Problem("tệp rỗng", field="file"))
    elif len(content) > DOCUMENT_MAX_BYTES:
        problems.append(Problem("tệp lớn quá 20 MB", field="file"))
    name = " ".join(name.split()) or next((d.name for d in spec.documents if d.kind == kind), "Tài liệu khác")
    if problems:
        raise ValidationFailed(problems)
    digest = hashlib.sha256(content).hexdigest()
    document = DossierDocument(
        dossier=dossier,
        kind=kind,
        name=name[:300],
        sha256=digest,
        size=len(content),
        source=tracks.DOC_UPLOADED,
        added_by=actor_user(actor),
    )
    # The stored name says nothing of the content: the hash and the extension.
    document.file.save(f"{digest[:32]}{suffix}", ContentFile(content), save=False)
    document.save()
    _bump(dossier)
    audit_record(
        actor=actor,
        action="dossier.document_add",
        instance=document,
        after=snapshot(document, ["dossier", "kind", "name", "sha256", "size"]),
    )
    return document


def dossier_missing(dossier: Dossier, at: str = tracks.AT_SEND) -> list[str]:
    """What the track requires at that point (sending, or deciding) and the dossier lacks. Generated
    documents are written by TĐKT; a cluster's minutes and vote come with its conference and counted ballot."""
    spec = tracks.track(dossier.track)
    present = set(dossier.documents.values_list("kind", flat=True))
    missing: list[str] = []
    for document in spec.documents:
        if document.at != at or document.source == tracks.DOC_GENERATED:
            continue
        if document.source == tracks.DOC_CONFERENCE and document.kind in present:
            continue
        if document.source == tracks.DOC_CONFERENCE:
            if document.kind == "ket_qua_bo_phieu":
                if dossier.ballot is None or dossier.ballot.counted_at is None:
                    missing.append(f"{document.name} (chưa gắn lần bỏ phiếu đã kiểm phiếu)")
            elif dossier.conference is None:
                missing.append(f"{document.name} (chưa gắn hội nghị hoặc tải biên bản lên)")
            continue
        if (
            document.kind == "xac_nhan_sang_kien"
            and not dossier.lines.filter(title__in=("CSTDCS", "CSTD_TINH", "CSTDTQ")).exists()
        ):
            continue
        if document.kind not in present:
            missing.append(document.name)
    return missing


def _today() -> dt.date:
    return timezone.localdate()


@transaction.atomic
def dossier_act(
    *,
    actor: Actor,
    dossier: Dossier,
    action: str,
    version: int | None,
    reason: str = "",
    specialist: Any = None,
) -> Dossier:
    """One step of the dossier's life (send, withdraw, receive, return, assign, check, post, to the council,
    approve, forward, decide), as `states.step` allows it; the step, who, when, why and the next step's
    deadline (in working days, `core.workdays`) are recorded."""
    dossier = _locked(dossier)
    check_version(what="hồ sơ", given=version, current=dossier.version)
    spec = tracks.track(dossier.track)
    viewer = viewer_for(actor) if actor is not None else Viewer(is_board=True)
    roles = (
        dossier_roles(viewer, dossier)
        if actor is not None
        else frozenset({states.PROPOSER, states.RECEIVER, states.SPECIALIST, states.DECIDER})
    )
    if not roles and not viewer.is_board:
        raise NotPermitted("bạn không có quyền với hồ sơ này")
    reason = reason.strip()
    today = _today()
    calendar = work_calendar()
    posting_over = (
        dossier.posted_on is not None and calendar.between(dossier.posted_on, today) >= spec.posting_days
    )
    from tdkt.dossiers import council  # imported here: council builds on this module

    council_done = council.council_done(dossier)
    context = states.Context(
        roles=roles,
        has_reason=bool(reason),
        missing=tuple(dossier_missing(dossier)) if action == states.SEND else (),
        needs_posting=spec.needs_posting,
        posting_over=posting_over,
        needs_council=spec.council,
        council_done=council_done,
        decides_here=decides_here(dossier),
        forward_in_system=not at_province(dossier),
        has_lines=dossier.lines.exists(),
    )
    result = states.step(dossier.state, action, context)
    if isinstance(result, states.Refusal):
        # A step that anyone holding every role could take is refused for want of a role: not permitted.
        everyone = replace(context, roles=ALL_ROLES)
        if isinstance(states.step(dossier.state, action, everyone), states.Moved):
            raise NotPermitted(result.reason)
        raise _refuse(result.reason, "action")
    if action == states.ASSIGN:
        if specialist is None:
            raise _refuse("chưa chọn chuyên viên thẩm định", "specialist")
        checker = viewer_for(specialist)
        if at_province(dossier) and spec.receiver == tracks.TO_PROVINCE:
            if not checker.is_board:
                raise _refuse(
                    "chuyên viên thẩm định phải là cán bộ của Ban Thi đua – Khen thưởng", "specialist"
                )
        elif not checker.is_staff_of(dossier.receiver_id):
            raise _refuse(f"chuyên viên thẩm định phải là cán bộ của {dossier.receiver.name}", "specialist")
        dossier.specialist = specialist
    before = snapshot(dossier, ["state", "receiver", "specialist", "due_on", "posted_on", "sent_on"])
    from_state = dossier.state
    dossier.state = result.state
    if action == states.SEND:
        dossier.receiver = receiver_for(spec, dossier.proposer)
        dossier.sent_on = today
        from tdkt.dossiers.documents import conference_documents_attach  # documents build on this module

        conference_documents_attach(dossier, actor)
    if action == states.FORWARD and result.state == states.SENT:
        # up one level inside TĐKT: the next level receives, checks and decides or forwards again
        dossier.receiver = next_level(dossier.receiver)
        dossier.specialist = None
        dossier.posted_on = None
    if action == states.POST:
        dossier.posted_on = today
    due_step = {
        states.SENT: "receive",
        states.RECEIVED: "check",
        states.CHECKING: "check",
        states.POSTED: "posting",
        states.COUNCIL: "council",
        states.APPROVED: "decide",
    }.get(result.state)
    days = spec.deadlines.get(due_step or "", 0) or (spec.posting_days if due_step == "posting" else 0)
    dossier.due_on = calendar.add(today, days) if due_step and days else None
    dossier.version += 1
    dossier.save()
    DossierStep.objects.create(
        dossier=dossier,
        action=action,
        from_state=from_state,
        to_state=result.state,
        actor=actor_user(actor),
        on=today,
        reason=reason,
        due_on=dossier.due_on,
    )
    audit_record(
        actor=actor,
        action=f"dossier.{action}",
        instance=dossier,
        before=before,
        after=snapshot(dossier, ["state", "receiver", "specialist", "due_on", "posted_on", "sent_on"]),
        summary=f"{dossier}: {states.ACTION_NAMES[action]}" + (f" — {reason}" if reason else ""),
    )
    return dossier
