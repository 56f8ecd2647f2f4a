"""The counting board's remarks and the complaints received, written into a ballot's vote-counting minutes
(biên bản kiểm phiếu) once its box is closed, before or after the count.

Like the other pages that run the box (`tdkt.web.voting.views`): a draft ballot is a 404 for those who may
not see it; the public is sent to the login page; anyone else who sees the ballot but is not on the
conference's counting board gets a 403 page saying who may. The form only parses; the service
`tdkt.voting.counting.ballot_notes_set` decides, and its refusals come back on their fields with status
400, nothing written.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.voting.counting import NOTES_MAX, ballot_notes_set
from tdkt.voting.models import BallotStatus
from tdkt.web.voting.common import forbidden, get_ballot, refuse, sentence

REFUSED = 400
BOARD_ONLY = (
    "Chỉ thành viên Ban kiểm phiếu của hội nghị mới được ghi nhận xét và khiếu nại vào biên bản kiểm phiếu."
)
WRITABLE = (BallotStatus.CLOSED, BallotStatus.TALLIED)


class BallotNotesForm(forms.Form):
    remarks = forms.CharField(
        label="Nhận xét của Ban kiểm phiếu",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"Mỗi ý một dòng; để trống nếu không có. Tối đa {NOTES_MAX} ký tự.",
    )
    complaints = forms.CharField(
        label="Khiếu nại, kiến nghị về việc bỏ phiếu và kiểm phiếu",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"Ghi người hoặc đơn vị nêu và nội dung; để trống nếu không có. Tối đa {NOTES_MAX} ký tự.",
    )


@require_http_methods(["GET", "POST"])
def ballot_notes(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The counting board records its remarks and the complaints received for the minutes."""
    ballot, roles = get_ballot(request, ballot_id)
    back = reverse("web:conference", args=[ballot.conference_id])
    refused = refuse(request, roles.counts, BOARD_ONLY, back)
    if refused is not None:
        return refused
    form = BallotNotesForm(
        request.POST if request.method == "POST" else None,
        initial={"remarks": ballot.remarks, "complaints": ballot.complaints},
    )
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            try:
                ballot_notes_set(
                    actor=request.user,
                    ballot=ballot,
                    remarks=form.cleaned_data["remarks"],
                    complaints=form.cleaned_data["complaints"],
                )
            except NotPermitted as exc:
                return forbidden(request, exc.message, back)
            except ValidationFailed as exc:
                for problem in exc.problems:
                    field = problem.field if problem.field in form.fields else None
                    form.add_error(field, sentence(problem.message))
            else:
                messages.success(request, "Đã ghi nhận xét và khiếu nại vào biên bản kiểm phiếu.")
                return redirect(f"{back}#ballot-{ballot.pk}")
    context = {
        "ballot": ballot,
        "form": form,
        "writable": ballot.status in WRITABLE,
        "tallied": ballot.status == BallotStatus.TALLIED,
    }
    return render(request, "web/voting/notes.html", context, status=status)
