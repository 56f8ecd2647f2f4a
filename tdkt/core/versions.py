"""No lost updates: every write of a score, a value, a target or a record carries the version it was read at.

A row that people edit keeps `version` (a positive integer, 1 when created, raised by one by the service at
every change). A form or an API body sends back the version it showed; the service locks the row, compares,
and refuses a write over a newer version with a Vietnamese message that says what changed meanwhile, so the
second of two people editing the same thing sees the first one's work instead of silently undoing it.

Pure: no Django, so forms, services and the API share it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tdkt.core.errors import Problem, ValidationFailed

VERSION_FIELD = "version"


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(trống)"
    if value is True:
        return "có"
    if value is False:
        return "không"
    return str(value)


def changes_between(
    before: Mapping[str, Any], after: Mapping[str, Any], labels: Mapping[str, str]
) -> list[str]:
    """'label: old → new' for every labelled field whose value differs, in the labels' order."""
    return [
        f"{label}: {_shown(before.get(name))} → {_shown(after.get(name))}"
        for name, label in labels.items()
        if before.get(name) != after.get(name)
    ]


def check_version(
    *,
    what: str,
    given: int | None,
    current: int,
    changes: list[str] | None = None,
    field: str = VERSION_FIELD,
    row: int | None = None,
) -> None:
    """Refuse a write read at another version than the stored one.

    `what` names the thing in a sentence ("điểm tự chấm của tiêu chí 1.2"); `changes` says what the other
    write changed (see `changes_between`)."""
    if given is None:
        raise ValidationFailed(
            Problem(
                f"thiếu phiên bản của {what} lúc bạn mở ra (trường “{field}”): tải lại rồi gửi lại",
                field=field,
                row=row,
            )
        )
    if given != current:
        detail = "; ".join(changes or []) or "nội dung đã được ghi lại"
        raise ValidationFailed(
            Problem(
                f"{what} đã được người khác thay đổi sau khi bạn mở (phiên bản {given} → {current}): "
                f"{detail}. Không ghi đè; hãy tải lại để xem thay đổi rồi nhập lại.",
                field=field,
                row=row,
            )
        )
