"""docs/legal/verification.md accounts for every rule still tagged R, with a reason. No database."""

from __future__ import annotations

from pathlib import Path

from tdkt.awards.rulepacks import packs

DOC = Path(__file__).resolve().parents[3] / "docs" / "legal" / "verification.md"


def _rows() -> dict[tuple[str, str], str]:
    """(pack, rule id) → the result column of the doc's rule-by-rule table."""
    rows: dict[tuple[str, str], str] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0] not in ("pack", "---"):
            rows[(cells[0], cells[1])] = cells[5]
    return rows


def test_every_rule_still_tagged_r_is_listed_with_a_reason() -> None:
    rows = _rows()
    unlisted, unexplained = [], []
    for pack in packs():
        for rule in pack.rules:
            if rule.tag != "R":
                continue
            result = rows.get((pack.id, rule.id))
            if result is None:
                unlisted.append(f"{pack.id}/{rule.id}")
            elif not result.startswith("still unverified:") or len(result) < len("still unverified:") + 20:
                unexplained.append(f"{pack.id}/{rule.id}")
    assert not unlisted, f"R rules missing from {DOC.name}: {unlisted}"
    assert not unexplained, f"R rules listed without a reason: {unexplained}"


def test_rules_the_doc_calls_verified_or_corrected_are_no_longer_r() -> None:
    tags = {(pack.id, rule.id): rule.tag for pack in packs() for rule in pack.rules}
    for key, result in _rows().items():
        assert key in tags, f"{key} is not a rule of the packs"
        if result.startswith(("verified", "corrected")):
            assert tags[key] == "V", key


def test_the_doc_counts_match_the_packs() -> None:
    text = DOC.read_text(encoding="utf-8")
    for pack in packs():
        after = sum(rule.tag == "R" for rule in pack.rules)
        assert any(
            line.startswith(f"| {pack.id} |") and line.rstrip().endswith(f"| {after} |")
            for line in text.splitlines()
        ), pack.id
