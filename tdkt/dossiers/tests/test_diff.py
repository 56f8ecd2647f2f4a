"""Comparing a line's verdict then and now, check by check."""

from __future__ import annotations

from typing import Any

from tdkt.dossiers.diff import verdict_changes


def _verdict(outcome: str, **checks: Any) -> dict[str, Any]:
    return {
        "outcome": outcome,
        "pack": "nd152-2025",
        "checks": [
            {"rule": rule, "text": text, "ok": ok, "evidence": []} for rule, (text, ok) in checks.items()
        ],
    }


def test_the_same_verdict_shows_no_change() -> None:
    v = _verdict("eligible", GEN_02=("Không bị kỷ luật trong năm", True))
    assert verdict_changes(v, v) == []


def test_a_discipline_recorded_since_is_named_and_serious() -> None:
    then = _verdict("eligible", GEN_02=("Không bị kỷ luật trong năm", True))
    now = _verdict("barred", GEN_02=("Không bị kỷ luật trong năm", False))
    changes = verdict_changes(then, now)
    assert [c.text for c in changes] == [
        "kết quả đổi từ “đủ điều kiện” thành “không được xét”",
        "Không bị kỷ luật trong năm: từ “đạt” thành “không đạt”",
    ]
    assert all(c.serious for c in changes)


def test_no_verdict_on_either_side_is_said_in_words() -> None:
    assert verdict_changes(None, None) == []
    assert verdict_changes(_verdict("eligible"), None)[0].serious
