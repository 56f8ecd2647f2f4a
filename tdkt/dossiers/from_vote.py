"""A cluster's proposal built from its conference's vote (issue 13, "the head builds the dossier from the
vote"): the counted flag or Bằng khen ballot gives the dossier its conference, its ballot (the minutes and
the vote result the track requires) and one line per elected unit, with the ballot's figures in the line's
note. Nobody types the units again. The head's staff build it, as they would any cluster proposal; the
services (`dossier_create`, `dossier_line_add`) decide everything else, and a refusal leaves nothing."""

from __future__ import annotations

from django.db import transaction

from tdkt.clusters.models import ClusterRole, ClusterRoleKind
from tdkt.clusters.scopes import Viewer
from tdkt.core.audit import Actor, audit_record
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.core.vn import format_date
from tdkt.dossiers.models import Dossier
from tdkt.dossiers.services import dossier_create, dossier_line_add
from tdkt.org.models import Unit
from tdkt.voting.models import Ballot, BallotPurpose, BallotStatus

TRACK = "CUM_DE_NGHI"
TITLE_BY_PURPOSE = {BallotPurpose.FLAG: "CO_TINH", BallotPurpose.MERIT: "BK_TINH"}
SUBJECT_BY_PURPOSE = {
    BallotPurpose.FLAG: "Đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh năm {year}",
    BallotPurpose.MERIT: "Đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh năm {year}",
}


def dossier_of_ballot(ballot: Ballot) -> Dossier | None:
    """The dossier already built from this ballot (one per ballot)."""
    return Dossier.objects.filter(ballot=ballot).order_by("id").first()


def may_build(viewer: Viewer, ballot: Ballot) -> bool:
    """Whether the page offers `viewer` to build a dossier from `ballot`: a counted flag or Bằng khen ballot
    of a cluster's conference that elected someone, not yet carried by a dossier, and the viewer is on the
    staff of that year's head (the only proposer of a cluster's dossier)."""
    conference = ballot.conference
    return (
        ballot.purpose in TITLE_BY_PURPOSE
        and ballot.status == BallotStatus.TALLIED
        and bool((ballot.result or {}).get("elected"))
        and conference.cluster_year_id is not None
        and conference.cluster_year_id in viewer.head_of
        and dossier_of_ballot(ballot) is None
    )


def _elected(ballot: Ballot) -> tuple[list[tuple[Unit, str]], list[Problem]]:
    result = ballot.result or {}
    counts = {c["candidate"]: c for c in result.get("counts", [])}
    candidates = {c.name: c for c in ballot.candidates.select_related("unit")}
    found: list[tuple[Unit, str]] = []
    problems: list[Problem] = []
    for row, name in enumerate(result.get("elected", []), start=1):
        candidate = candidates.get(name)
        if candidate is None or candidate.unit is None:
            problems.append(
                Problem(
                    f"“{name}” không gắn với một đơn vị: hãy thêm vào hồ sơ bằng tay", row=row, field="unit"
                )
            )
            continue
        count = counts.get(name, {})
        base = result.get("valid") or result.get("cast") or 0
        found.append((candidate.unit, f"{count.get('yes', 0)}/{base} phiếu hợp lệ"))
    return found, problems


@transaction.atomic
def dossier_from_ballot(*, actor: Actor, ballot: Ballot) -> Dossier:
    """The cluster's CUM_DE_NGHI dossier (draft) from a counted flag (Cờ thi đua) or Bằng khen ballot: its
    conference and ballot attached, one line per elected unit. Refused, with nothing written: a ballot not
    counted, of another purpose, of a council session, that elected nobody, already carried by a dossier, an
    elected candidate that is not a unit; and whatever `dossier_create` / `dossier_line_add` refuse (someone
    other than the head's staff, a unit already proposed for the title that year)."""
    ballot = Ballot.objects.select_related("conference__cluster_year__cluster").get(pk=ballot.pk)
    conference = ballot.conference
    cluster_year = conference.cluster_year
    problems: list[Problem] = []
    if ballot.purpose not in TITLE_BY_PURPOSE:
        problems.append(
            Problem("chỉ lập hồ sơ từ lần bỏ phiếu suy tôn Cờ thi đua hoặc đề nghị Bằng khen", field="ballot")
        )
    if cluster_year is None:
        problems.append(Problem("lần bỏ phiếu không thuộc hội nghị của một cụm, khối", field="ballot"))
    if ballot.status != BallotStatus.TALLIED or not ballot.result:
        problems.append(Problem("lần bỏ phiếu chưa kiểm phiếu: chưa có kết quả để lập hồ sơ", field="ballot"))
    elif not ballot.result.get("elected"):
        problems.append(
            Problem("lần bỏ phiếu không có đơn vị nào đạt: không có gì để đề nghị", field="ballot")
        )
    existing = dossier_of_ballot(ballot)
    if existing is not None:
        problems.append(Problem(f"đã lập {existing} từ lần bỏ phiếu này", field="ballot"))
    if problems:
        raise ValidationFailed(problems)
    assert cluster_year is not None
    elected, problems = _elected(ballot)
    if problems:
        raise ValidationFailed(problems)
    head = ClusterRole.objects.filter(cluster_year=cluster_year, role=ClusterRoleKind.HEAD).first()
    if head is None:
        raise ValidationFailed(
            [Problem(f"{cluster_year} chưa có trưởng cụm, khối để đứng tên đề nghị", field="proposer")]
        )
    purpose = BallotPurpose(ballot.purpose)
    title = TITLE_BY_PURPOSE[purpose]
    dossier = dossier_create(
        actor=actor,
        track=TRACK,
        cycle=cluster_year.year,
        proposer=head.unit,
        subject=SUBJECT_BY_PURPOSE[purpose].format(year=cluster_year.year),
        cluster_year=cluster_year,
        conference=conference,
        ballot=ballot,
    )
    held = f"hội nghị ngày {format_date(conference.held_on)}"
    for unit, figures in elected:
        dossier_line_add(
            actor=actor,
            dossier=dossier,
            title=title,
            unit=unit,
            note=f"Được {held} bỏ phiếu kín suy tôn ({ballot.title}): {figures}.",
        )
    audit_record(
        actor=actor,
        action="dossier.from_vote",
        instance=dossier,
        after={"ballot": ballot.pk, "conference": conference.pk, "units": [u.pk for u, _ in elected]},
        summary=f"{dossier}: lập từ kết quả bỏ phiếu “{ballot.title}”",
    )
    dossier.refresh_from_db()
    return dossier
