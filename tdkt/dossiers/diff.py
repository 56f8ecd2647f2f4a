"""What changed in a line's eligibility since it was proposed. Pure: no Django.

The line stores the engine's verdict as JSON when it is added; the specialist's check runs the engine again.
`verdict_changes` compares the two check by check, so the checker sees what moved (a discipline recorded
since, an award revoked), not only whether the outcome changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

OUTCOME_NAMES = {"eligible": "đủ điều kiện", "not_yet": "chưa đủ điều kiện", "barred": "không được xét"}


@dataclass(frozen=True, slots=True)
class Change:
    text: str  # Vietnamese, for the page
    serious: bool  # the outcome, or a check, turned against the line


def _checks(verdict: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["rule"]: c for c in verdict.get("checks", [])}


def verdict_changes(then: dict[str, Any] | None, now: dict[str, Any] | None) -> list[Change]:
    """The differences between the verdict stored with a line and today's, in words."""
    if then is None and now is None:
        return []
    if then is None:
        return [Change("khi đề nghị chưa có kết quả xét tự động; nay đã có", False)]
    if now is None:
        return [Change("nay không còn kết quả xét tự động cho dòng này", True)]
    changes: list[Change] = []
    if then.get("outcome") != now.get("outcome"):
        was = OUTCOME_NAMES.get(then.get("outcome", ""), "không rõ")
        is_ = OUTCOME_NAMES.get(now.get("outcome", ""), "không rõ")
        changes.append(Change(f"kết quả đổi từ “{was}” thành “{is_}”", now.get("outcome") != "eligible"))
    before, after = _checks(then), _checks(now)
    for rule in sorted(set(before) | set(after)):
        old, new = before.get(rule), after.get(rule)
        if old is None and new is not None:
            changes.append(Change(f"thêm điều kiện: {new['text']}", new.get("ok") is False))
        elif new is None and old is not None:
            changes.append(Change(f"bỏ điều kiện: {old['text']}", False))
        elif old is not None and new is not None:
            if old.get("ok") != new.get("ok"):
                state = {True: "đạt", False: "không đạt", None: "cần Hội đồng xác nhận"}
                changes.append(
                    Change(
                        f"{new['text']}: từ “{state.get(old.get('ok'), 'không rõ')}” thành "
                        f"“{state.get(new.get('ok'), 'không rõ')}”",
                        new.get("ok") is False,
                    )
                )
            elif old.get("evidence") != new.get("evidence"):
                changes.append(Change(f"{new['text']}: căn cứ thay đổi", False))
    if then.get("pack") != now.get("pack"):
        changes.append(Change("áp dụng bộ quy tắc khác so với khi đề nghị", False))
    return changes
