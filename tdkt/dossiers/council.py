"""The emulation council's vote on a dossier (issue 13, point 4): a secret yes/no ballot through the voting
module, thresholds from the dossier's track (`tracks.json`, `council_rule`), and its result written back.

- `council_ballot_create`: at a council session of the council that receives the dossier (the province's,
  or the unit's own), a YES_NO ballot whose candidates are the dossier's lines in order ("Trương Thị Ngân –
  Chiến sĩ thi đua cấp tỉnh"), with the track's council rule for the lines' titles (the threshold, whether
  it must be passed or reached, its base — valid ballots, ballots cast or the whole council — and the
  quorum), its citation and verification tag. The dossier must be before the council (state COUNCIL).
  One ballot applies one rule: a dossier whose lines call for different rules is refused, naming them.
- `council_result_apply`: once the counting board has counted and the box verifies, every line that did
  not reach the threshold is left out with the figures ("Không đạt tỷ lệ phiếu của Hội đồng: 7/10 phiếu
  đồng ý, cần …"), and the vote-counting minutes (`voting.minutes`, as PDF) join the dossier as its
  council's minutes. `council_done` then tells `dossier_act` the council has voted.

Running the box is the counting board's alone (decision 0004): nothing here opens, closes or counts.
"""

from __future__ import annotations

import hashlib
from fractions import Fraction

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F

from tdkt.awards.catalogue_selectors import title_name
from tdkt.clusters.scopes import viewer_for
from tdkt.core.audit import Actor, actor_user, audit_record
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.dossiers import states, tracks
from tdkt.dossiers.models import Dossier, DossierDocument, DossierLine
from tdkt.dossiers.services import dossier_roles
from tdkt.reports.documents import to_pdf
from tdkt.voting.counting import ballot_verify
from tdkt.voting.minutes import TAG_WORDS, tally_minutes, votes_needed
from tdkt.voting.models import (
    Ballot,
    BallotMethod,
    BallotMode,
    BallotPurpose,
    BallotStatus,
    Candidate,
    Conference,
)
from tdkt.voting.services import CandidateInput, ballot_create
from tdkt.voting.tally import percent

MINUTES_KIND = "bien_ban_tinh"
BASE_WORDS = {
    "valid": "số phiếu hợp lệ",
    "cast": "số phiếu thu về",
    "electorate": "tổng số thành viên Hội đồng",
}


def _refuse(message: str, field: str = "") -> ValidationFailed:
    return ValidationFailed([Problem(message, field=field)])


def _check_receiver(actor: Actor, dossier: Dossier, what: str) -> None:
    if actor is not None and states.RECEIVER not in dossier_roles(viewer_for(actor), dossier):
        raise NotPermitted(f"chỉ nơi nhận hồ sơ mới {what}")


def line_rules(dossier: Dossier) -> list[tuple[DossierLine, tracks.CouncilRule]]:
    """Each line of the dossier with the council rule its title calls for, in line order."""
    spec = tracks.track(dossier.track)
    if spec.council_rule is None:
        raise _refuse("loại hồ sơ này không trình Hội đồng Thi đua – Khen thưởng", "track")
    council = spec.council_rule
    return [
        (line, council.rule_for(line.title))
        for line in dossier.lines.select_related("person", "unit", "initiative").order_by("position")
    ]


def rule_text(rule: tracks.CouncilRule) -> str:
    """A council rule in words: "từ 90% tổng số thành viên Hội đồng" / "trên 50% số phiếu hợp lệ"."""
    return f"{'trên' if rule.strict else 'từ'} {_pct(Fraction(rule.threshold))} {BASE_WORDS[rule.base]}"


def _pct(share: Fraction) -> str:
    return format(percent(share), "f").rstrip("0").rstrip(".").replace(".", ",") + "%"


def citation_text(rule: tracks.CouncilRule) -> str:
    """The rule's citation, with the earlier (repealed) source and its verification in words."""
    text = rule.citation.rstrip(".")
    if rule.earlier_citation:
        text += f"; trước đây: {rule.earlier_citation} ({TAG_WORDS.get(rule.earlier_tag, '')})"
    return text


def _subject_name(line: DossierLine) -> str:
    if line.person is not None:
        return line.person.full_name
    if line.unit is not None:
        return line.unit.name
    assert line.initiative is not None
    return str(line.initiative)


def candidate_names(lines: list[DossierLine]) -> list[str]:
    """ "Name – title" per line; a name that would repeat takes its line number."""
    names = [f"{_subject_name(line)} – {title_name(line.title)}"[:180] for line in lines]
    return [
        f"{name} (dòng {line.position})" if names.count(name) > 1 else name
        for name, line in zip(names, lines, strict=True)
    ]


@transaction.atomic
def council_ballot_create(
    *, actor: Actor, conference: Conference, dossier: Dossier, mode: str = BallotMode.ELECTRONIC
) -> Ballot:
    """The council's secret yes/no ballot on the dossier's lines, with the track's thresholds, at a session of
    the council that receives the dossier. Refused: a dossier not before the council, one that already has
    its ballot, a session of another council, lines calling for different rules."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    _check_receiver(actor, dossier, "trình hồ sơ cho Hội đồng bỏ phiếu")
    if dossier.state != states.COUNCIL:
        raise _refuse(
            f"hồ sơ {states.STATE_NAMES[dossier.state].lower()}: chỉ bỏ phiếu khi hồ sơ đã trình Hội đồng",
            "dossier",
        )
    if dossier.council_ballot_id is not None:
        raise _refuse("hồ sơ đã có lần bỏ phiếu của Hội đồng", "dossier")
    if conference.council_of_id is None or conference.council_of_id != dossier.receiver_id:
        raise _refuse(
            f"phiên họp không phải của Hội đồng Thi đua – Khen thưởng nơi nhận hồ sơ ({dossier.receiver})",
            "conference",
        )
    pairs = line_rules(dossier)
    if not pairs:
        raise _refuse("hồ sơ chưa có ai được đề nghị", "dossier")
    keys = {rule.key for _, rule in pairs}
    if len(keys) > 1:
        groups: dict[str, list[str]] = {}
        for line, rule in pairs:
            groups.setdefault(rule_text(rule), []).append(title_name(line.title))
        raise _refuse(
            "các dòng của hồ sơ cần tỷ lệ phiếu khác nhau ("
            + "; ".join(f"{', '.join(sorted(set(t)))}: {r}" for r, t in groups.items())
            + "): mỗi lần bỏ phiếu áp dụng một tỷ lệ, hãy lập hồ sơ riêng cho từng nhóm",
            "dossier",
        )
    rule = pairs[0][1]
    lines = [line for line, _ in pairs]
    names = candidate_names(lines)
    ballot = ballot_create(
        actor=actor,
        conference=conference,
        purpose=BallotPurpose.COUNCIL,
        title=f"Hội đồng xét {dossier}"[:300],
        candidates=[CandidateInput(name, line.unit) for name, line in zip(names, lines, strict=True)],
        method=BallotMethod.YES_NO,
        seats=None,
        quorum=rule.quorum,
        threshold=rule.threshold,
        strict=rule.strict,
        base=rule.base,
        electorate_kind="council",
        mode=mode,
        source=f"Danh sách đề nghị của {dossier}",
        rule_citation=citation_text(rule),
        rule_tag=rule.tag,
    )
    candidates = {c.name: c for c in Candidate.objects.filter(ballot=ballot)}
    for name, line in zip(names, lines, strict=True):
        line.candidate = candidates[name]
        line.save(update_fields=["candidate"])
    dossier.council_ballot = ballot
    dossier.version += 1
    dossier.save(update_fields=["council_ballot", "version"])
    audit_record(
        actor=actor,
        action="dossier.council_ballot",
        instance=dossier,
        after={"ballot": ballot.pk, "conference": conference.pk, "candidates": names},
        summary=f"{dossier}: Hội đồng bỏ phiếu ({ballot.title})",
    )
    return ballot


def _shortfall(count: dict[str, object], result: dict[str, object], ballot: Ballot) -> str:
    """Why a line did not pass: its votes against what the threshold needed on its base."""
    base = int(str(result.get("base", 0)))
    threshold = Fraction(ballot.threshold)
    need = votes_needed(threshold, ballot.strict, base)
    needed = f"cần {'trên' if ballot.strict else 'từ'} {_pct(threshold)} {BASE_WORDS[ballot.base]}" + (
        f" (ít nhất {need} phiếu)" if need is not None else " (không thể đạt)"
    )
    text = f"Không đạt tỷ lệ phiếu của Hội đồng: {count['yes']}/{base} phiếu đồng ý, {needed}"
    if not result.get("quorum_met"):
        text += "; số thành viên tham gia bỏ phiếu không đủ tỷ lệ tối thiểu"
    return text + "."


@transaction.atomic
def council_result_apply(*, actor: Actor, dossier: Dossier) -> Dossier:
    """Write the counted vote into the dossier: lines below the threshold left out with the figures, the
    vote-counting minutes attached (PDF, from the conference). Refused before the count, when the box or the
    result no longer verifies, or twice."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    _check_receiver(actor, dossier, "ghi kết quả bỏ phiếu của Hội đồng vào hồ sơ")
    if dossier.state != states.COUNCIL:
        raise _refuse("chỉ ghi kết quả khi hồ sơ đang được Hội đồng xét", "dossier")
    ballot = (
        Ballot.objects.select_related("conference__council_of").filter(pk=dossier.council_ballot_id).first()
        if dossier.council_ballot_id is not None
        else None
    )
    if ballot is None:
        raise _refuse("hồ sơ chưa có lần bỏ phiếu của Hội đồng", "dossier")
    if ballot.status != BallotStatus.TALLIED or ballot.result is None:
        raise _refuse("Ban kiểm phiếu chưa kiểm phiếu: chưa có kết quả để ghi vào hồ sơ", "ballot")
    if council_done(dossier):
        raise _refuse("kết quả bỏ phiếu của Hội đồng đã được ghi vào hồ sơ", "ballot")
    problems = ballot_verify(ballot)
    if problems:
        raise ValidationFailed(
            [
                Problem(f"hòm phiếu hoặc kết quả đã bị sửa sau khi kiểm phiếu: {p}", field="ballot")
                for p in problems
            ]
        )
    result = ballot.result
    elected = set(result.get("elected", []))
    counts = {c["candidate"]: c for c in result.get("counts", [])}
    excluded = []
    for line in dossier.lines.select_related("candidate").order_by("position"):
        if line.candidate is None or line.candidate.name in elected:
            continue
        line.excluded_reason = _shortfall(counts[line.candidate.name], result, ballot)
        line.save(update_fields=["excluded_reason"])
        excluded.append(line.pk)
    content = to_pdf(tally_minutes(ballot))
    digest = hashlib.sha256(content).hexdigest()
    document = DossierDocument(
        dossier=dossier,
        kind=MINUTES_KIND,
        name=(
            f"Biên bản kiểm phiếu số {ballot.minutes_number or 0:02d}/BB-KP, "
            f"phiên họp {ballot.conference.council_name}"
        )[:300],
        sha256=digest,
        size=len(content),
        source=tracks.DOC_CONFERENCE,
        added_by=actor_user(actor),
    )
    document.file.save(f"{digest[:32]}.pdf", ContentFile(content), save=False)
    document.save()
    Dossier.objects.filter(pk=dossier.pk).update(version=F("version") + 1)
    dossier.refresh_from_db()
    audit_record(
        actor=actor,
        action="dossier.council_result",
        instance=dossier,
        after={
            "ballot": ballot.pk,
            "result_hash": ballot.result_hash,
            "excluded": excluded,
            "minutes": document.pk,
            "minutes_sha256": digest,
        },
        summary=f"{dossier}: ghi kết quả bỏ phiếu của Hội đồng, {len(excluded)} dòng không đạt",
    )
    return dossier


def council_done(dossier: Dossier) -> bool:
    """Whether the council's counted vote has been written into the dossier (`dossier_act` approves only
    then)."""
    if dossier.council_ballot_id is None:
        return False
    return (
        DossierDocument.objects.filter(
            dossier=dossier, kind=MINUTES_KIND, source=tracks.DOC_CONFERENCE
        ).exists()
        and Ballot.objects.filter(pk=dossier.council_ballot_id, status=BallotStatus.TALLIED).exists()
    )
