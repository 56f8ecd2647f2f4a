"""Public posting before the council (công khai lấy ý kiến): a list of proposals for orders and State
honorary titles is posted for the public for at least 10 working days before the emulation council meets
(Decree 98/2023/NĐ-CP Art. 46 cl. 2; the track's `posting_days`). Anyone may comment, in writing, with a
name and an address; the board records an answer to each comment. Comments are kept with the dossier."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tdkt.clusters.scopes import viewer_for
from tdkt.core.audit import Actor, actor_user, audit_record, snapshot
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.dossiers import states, tracks
from tdkt.dossiers.models import Dossier, DossierLine, PostingComment
from tdkt.dossiers.selectors import work_calendar

BODY_MAX = 5000
COMMENTS_PER_DOSSIER_MAX = 2000


def posting_ends(dossier: Dossier) -> dt.date | None:
    """The last day of the posting period (None: not posted)."""
    if dossier.posted_on is None:
        return None
    return work_calendar().add(dossier.posted_on, tracks.track(dossier.track).posting_days)


def posted_dossiers() -> list[Dossier]:
    """The lists on public posting now, newest first."""
    return list(
        Dossier.objects.filter(state=states.POSTED)
        .select_related("proposer", "receiver")
        .order_by("-posted_on")
    )


@transaction.atomic
def posting_comment_add(
    *, dossier: Dossier, author_name: str, author_address: str, body: str, line: DossierLine | None = None
) -> PostingComment:
    """A comment from anyone on a posted list. Refused: a list not on posting, no name or address, an empty
    or overlong comment, a line of another dossier."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    problems: list[Problem] = []
    if dossier.state != states.POSTED:
        problems.append(
            Problem("danh sách này không còn trong thời gian công khai lấy ý kiến", field="dossier")
        )
    name = " ".join(author_name.split())
    address = " ".join(author_address.split())
    text = body.strip()
    if not name:
        problems.append(Problem("chưa ghi họ tên người góp ý", field="author_name"))
    elif len(name) > 200:
        problems.append(Problem("họ tên dài quá 200 ký tự", field="author_name"))
    if not address:
        problems.append(Problem("chưa ghi địa chỉ liên hệ", field="author_address"))
    elif len(address) > 300:
        problems.append(Problem("địa chỉ dài quá 300 ký tự", field="author_address"))
    if not text:
        problems.append(Problem("chưa ghi nội dung góp ý", field="body"))
    elif len(text) > BODY_MAX:
        problems.append(Problem(f"nội dung dài quá {BODY_MAX} ký tự", field="body"))
    if line is not None and line.dossier_id != dossier.pk:
        problems.append(Problem("người được góp ý không có trong danh sách này", field="line"))
    if PostingComment.objects.filter(dossier=dossier).count() >= COMMENTS_PER_DOSSIER_MAX:
        problems.append(
            Problem("danh sách đã nhận quá nhiều góp ý: hãy gửi văn bản đến Ban Thi đua – Khen thưởng")
        )
    if problems:
        raise ValidationFailed(problems)
    comment = PostingComment.objects.create(
        dossier=dossier, line=line, author_name=name, author_address=address, body=text
    )
    audit_record(
        actor=None,
        action="posting.comment",
        instance=comment,
        after=snapshot(comment, ["dossier", "line", "author_name"]),
        summary=f"Góp ý về {dossier}",
    )
    return comment


@transaction.atomic
def posting_comment_answer(*, actor: Actor, comment: PostingComment, answer: str) -> PostingComment:
    """The board's answer to a comment (once; a later change is another audited answer)."""
    if actor is not None and not viewer_for(actor).is_board:
        raise NotPermitted("chỉ Ban Thi đua – Khen thưởng tỉnh trả lời góp ý")
    text = answer.strip()
    if not text:
        raise ValidationFailed([Problem("chưa ghi nội dung trả lời", field="answer")])
    comment = PostingComment.objects.select_for_update().get(pk=comment.pk)
    before = snapshot(comment, ["answer"])
    comment.answer = text[:BODY_MAX]
    comment.answered_at = timezone.now()
    comment.answered_by = actor_user(actor)
    comment.save(update_fields=["answer", "answered_at", "answered_by"])
    audit_record(
        actor=actor,
        action="posting.answer",
        instance=comment,
        before=before,
        after=snapshot(comment, ["answer"]),
    )
    return comment
