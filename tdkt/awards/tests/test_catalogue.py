"""The catalogue of titles and forms: codes, stable indexes, rewards. No database."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tdkt.awards.catalogue import (
    BASE_SALARY,
    CATALOGUE,
    INDIVIDUAL_TITLES,
    TITLE_CODES,
    TITLE_INDEX,
    reward_amount,
    reward_multiple,
    title,
    titles_for,
)
from tdkt.awards.rulepacks import FLAGS

SCHEMA = Path(__file__).resolve().parents[3] / "docs" / "schemas" / "eligibility-input.schema.json"


def test_the_codes_the_database_stores() -> None:
    assert TITLE_CODES == (
        "LDTT", "CSTT", "CSTDCS", "CSTD_TINH", "CSTDTQ", "BK_TINH", "BK_TTG", "GK", "HCLD3",
        "TTLDTT", "DVTT", "TTLDXS", "DVQT", "CO_TINH", "CO_CP", "XA_TIEU_BIEU", "THON_VH", "GDVH",
    )  # fmt: skip
    assert INDIVIDUAL_TITLES == (
        "LDTT",
        "CSTT",
        "CSTDCS",
        "CSTD_TINH",
        "CSTDTQ",
        "BK_TINH",
        "BK_TTG",
        "GK",
        "HCLD3",
    )


def test_indexes_are_stable_small_integers() -> None:
    # the first sixteen as they were numbered when the catalogue was first stored; new codes take new numbers
    first = ("LDTT", "CSTT", "CSTDCS", "CSTD_TINH", "CSTDTQ", "BK_TINH", "BK_TTG", "GK", "HCLD3")
    first += ("TTLDTT", "TTLDXS", "CO_TINH", "CO_CP", "XA_TIEU_BIEU", "THON_VH", "GDVH")
    assert {code: TITLE_INDEX[code] for code in first} == {code: i for i, code in enumerate(first)}
    assert TITLE_INDEX["DVTT"] == 16 and TITLE_INDEX["DVQT"] == 17
    assert sorted(TITLE_INDEX.values()) == list(range(len(TITLE_CODES)))  # unique, no gaps
    assert max(TITLE_INDEX.values()) < 127  # fits the int8 column of the batch path


def test_the_armed_forces_names_pair_with_the_civilian_ones() -> None:
    pairs = {("LDTT", "CSTT"), ("TTLDTT", "DVTT"), ("TTLDXS", "DVQT")}
    for civilian, armed in pairs:
        assert CATALOGUE[civilian].armed_forces_equivalent == armed and not CATALOGUE[civilian].armed_forces
        assert CATALOGUE[armed].armed_forces_equivalent == civilian and CATALOGUE[armed].armed_forces
        assert CATALOGUE[civilian].rewards == CATALOGUE[armed].rewards
        assert CATALOGUE[civilian].article == CATALOGUE[armed].article
    assert {t.code for t in CATALOGUE.values() if t.armed_forces_equivalent} == {c for p in pairs for c in p}


@pytest.mark.parametrize(
    ("code", "kind", "amount"),
    [
        ("LDTT", "individual", "702000"),
        ("CSTDCS", "individual", "2340000"),
        ("CSTD_TINH", "individual", "7020000"),
        ("CSTDTQ", "individual", "10530000"),
        ("TTLDTT", "collective", "1872000"),
        ("TTLDXS", "collective", "3510000"),
        ("DVTT", "collective", "1872000"),
        ("DVQT", "collective", "3510000"),
        ("CO_TINH", "collective", "18720000"),
        ("CO_CP", "collective", "28080000"),
        ("XA_TIEU_BIEU", "commune", "4680000"),
        ("THON_VH", "village", "3510000"),
        ("GK", "household", "1053000"),
    ],
)
def test_rewards_are_multiples_of_the_base_salary(code: str, kind: str, amount: str) -> None:
    assert reward_amount(code, kind) == Decimal(amount)


def test_households_get_one_and_a_half_times_the_individual_rate() -> None:
    individual = reward_multiple("GK", "individual")
    assert individual is not None
    assert reward_multiple("GK", "household") == individual * Decimal("1.5")
    assert Decimal("2340000") == BASE_SALARY
    assert reward_amount("GDVH", "household") is None  # no amount found: none invented


def test_every_entry_is_described_in_vietnamese_with_a_tag() -> None:
    for entry in CATALOGUE.values():
        assert entry.name and entry.short and entry.article.startswith("Luật Thi đua, khen thưởng 2022")
        assert entry.authority_tag in ("V", "V-old", "V-2nd", "R")
        assert all(r.tag in ("V", "V-old", "V-2nd", "R") for r in entry.rewards)
        assert all(r.subject_kind in entry.subject_kinds for r in entry.rewards)
    assert title("THON_VH").authority_before == "Chủ tịch Ủy ban nhân dân cấp huyện"
    with pytest.raises(KeyError, match="Không có danh hiệu"):
        title("CSTD")


def test_titles_for_each_kind_of_subject() -> None:
    assert titles_for("village") == ("THON_VH",)
    assert titles_for("household") == ("BK_TINH", "GK", "GDVH")
    assert "CO_CP" in titles_for("commune")


def test_the_input_schema_lists_the_same_codes_and_council_facts() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert tuple(schema["$defs"]["title"]["enum"]) == TITLE_CODES
    assert schema["$defs"]["subject"]["properties"]["flags"]["items"]["enum"] == list(FLAGS)
