import json
import unicodedata
from pathlib import Path

import jsonschema
import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from tdkt.core import strictjson
from tdkt.voting.jsonio import run
from tdkt.voting.tally import SPOILED, TallyError

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
        ({"electorate": "tám"}, "electorate: phải là số nguyên, không phải chuỗi “tám”"),
        ({"rules": {"quorum": "hai phần ba"}}, "rules.quorum"),
        ({"ballots": [{"marks": ["A", "A"]}]}, "ballots\\[0\\].marks: có phần tử lặp lại: “A”"),
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
    with pytest.raises(CommandError, match="không phải JSON hợp lệ: dòng 1, cột 14: thiếu một giá trị"):
        call_command("tally", "--input", str(bad))


# Strict input (issue 11, point 12): what the schema forbids is refused, names compared after NFC + trim.

LE_THUY = "Huyện Lệ Thủy"


def _refusal(document: dict) -> list[str]:  # type: ignore[type-arg]
    with pytest.raises(TallyError) as caught:
        run(document)
    return caught.value.problems


def test_the_example_is_valid_under_the_shared_validator() -> None:
    assert strictjson.problems(_example(), "tally-input.schema.json") == []


def test_a_misspelled_rule_is_refused_not_ignored() -> None:
    document = _example()
    document["rules"]["treshold"] = document["rules"].pop("threshold")
    assert _refusal(document) == ["rules.treshold: khóa không được phép: “treshold” — có phải “threshold”?"]


def test_an_unknown_key_on_a_ballot_is_refused_with_its_path() -> None:
    document = _example()
    document["ballots"][3] = {"mark": [LE_THUY]}
    assert _refusal(document) == ["ballots[3].mark: khóa không được phép: “mark” — có phải “marks”?"]


def test_the_string_false_is_not_taken_as_true() -> None:
    document = _example()
    document["rules"]["strict"] = "false"
    assert _refusal(document) == ["rules.strict: phải là true hoặc false, không phải chuỗi “false”"]


def test_a_ballot_naming_a_non_candidate_is_refused_as_the_paper_path_refuses_it() -> None:
    document = _example()
    document["ballots"][2]["marks"][1] = "Huyện Quảng Ninhh"
    (problem,) = _refusal(document)
    assert problem.startswith(
        "ballots[2].marks[1]: đánh dấu người không phải ứng viên: “Huyện Quảng Ninhh” — có phải “Huyện Quảng Ninh”?"
    )
    assert "ghi đó là phiếu không hợp lệ" in problem


def test_a_name_in_another_unicode_form_or_with_a_trailing_space_is_the_same_candidate() -> None:
    document = _example()
    decomposed = unicodedata.normalize("NFD", LE_THUY)
    assert decomposed != LE_THUY
    document["ballots"][0]["marks"][0] = decomposed
    document["ballots"][1]["marks"][0] = LE_THUY + " "
    document["candidates"][0] = " " + decomposed
    assert run(document) == run(_example())


def test_the_same_candidate_twice_in_two_unicode_forms_is_refused() -> None:
    document = _example()
    document["candidates"].append(unicodedata.normalize("NFD", LE_THUY))
    assert _refusal(document) == [f"candidates[8]: “{LE_THUY}” trùng với candidates[0]"]


def test_a_ballot_marking_one_name_twice_in_two_forms_is_refused() -> None:
    document = _example()
    document["ballots"][0]["marks"] = [LE_THUY, LE_THUY + " "]
    assert _refusal(document) == ["ballots[0]: một người được đánh dấu hai lần"]


def test_a_spoiled_ballot_counts_as_cast_not_valid_at_its_position() -> None:
    document = _example()
    document["ballots"][1] = {"spoiled": True}
    document["ballots"][4] = {
        "marks": ["Huyện Lệ Thủy", "Huyện Quảng Ninh", "Thành phố Đồng Hới", "Huyện Bố Trạch"]
    }
    out = run(document)
    assert out["cast"] == 8
    assert out["valid"] == 6
    assert out["invalid"] == [
        {"ballot": 2, "reason": SPOILED},
        {"ballot": 5, "reason": "chọn 4 người, quá số tối đa 3"},
    ]
    assert out["counts"][0]["yes"] == 6


def test_a_spoiled_ballot_with_marks_is_refused() -> None:
    document = _example()
    document["ballots"][1]["spoiled"] = True
    assert _refusal(document) == ["ballots[1]: phiếu không hợp lệ thì không ghi lựa chọn"]


def test_cli_prints_a_refusal_in_vietnamese_without_the_english_prefix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = _example()
    document["rules"]["strict"] = "false"
    path = tmp_path / "phieu.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["tdkt", "tally", "--skip-checks", "--input", str(path)])
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "Không kiểm phiếu được:\n- rules.strict: phải là true hoặc false, không phải chuỗi “false”\n"
    )


def test_cli_prints_a_broken_file_without_the_english_prefix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "phieu.json"
    bad.write_text('{"ballots": [', encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["tdkt", "tally", "--skip-checks", "--input", str(bad)])
    assert exited.value.code == 2
    assert capsys.readouterr().err == "Tệp không phải JSON hợp lệ: dòng 1, cột 14: thiếu một giá trị\n"
