import json
from pathlib import Path

import jsonschema
import pytest
from django.core.management import CommandError, call_command

from tdkt.voting.jsonio import run
from tdkt.voting.tally import TallyError

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "docs" / "examples" / "tally-quang-binh-2023.json"
SCHEMA = ROOT / "docs" / "schemas" / "tally-input.schema.json"


def _example() -> dict:  # type: ignore[type-arg]
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_the_example_follows_the_schema_and_honours_the_three_units_of_seed_002() -> None:
    jsonschema.validate(_example(), json.loads(SCHEMA.read_text(encoding="utf-8")))
    out = run(_example())
    assert sorted(out["elected"]) == ["Huyện Lệ Thủy", "Huyện Quảng Ninh", "Thành phố Đồng Hới"]
    assert out["counts"][0] == {
        "candidate": "Huyện Lệ Thủy",
        "yes": 8,
        "no": 0,
        "share": "1/1",
        "percent": "100.00",
        "passes": True,
    }
    assert out["warnings"]  # a unanimous result reveals every voter's choice


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"electorate": "tám"}, "electorate: phải là số cử tri"),
        ({"rules": {"quorum": "hai phần ba"}}, "rules.quorum"),
        ({"ballots": [{"marks": ["A", "A"]}]}, "đánh dấu hai lần"),
        ({"electorate": 2}, "nhiều hơn số cử tri"),
    ],
)
def test_bad_documents_are_refused_in_vietnamese(change: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(TallyError, match=message):
        run({**_example(), **change})


def test_cli_prints_the_result(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("tally", "--input", str(EXAMPLE))
    assert json.loads(capsys.readouterr().out)["valid"] == 8


def test_cli_refuses_a_broken_file(tmp_path: Path) -> None:
    bad = tmp_path / "phieu.json"
    bad.write_text('{"ballots": [', encoding="utf-8")
    with pytest.raises(CommandError, match="không phải JSON hợp lệ"):
        call_command("tally", "--input", str(bad))
