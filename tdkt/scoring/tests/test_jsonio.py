import copy
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from django.core.management import CommandError, call_command

from tdkt.scoring.engine import ScoringInputError
from tdkt.scoring.jsonio import parse, run

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "docs" / "examples" / "score-quang-nam-2024.json"
SCHEMA = ROOT / "docs" / "schemas" / "score-input.schema.json"


def _example() -> dict:  # type: ignore[type-arg]
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_the_example_follows_the_schema() -> None:
    jsonschema.validate(_example(), json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_the_example_ranks_tien_phuoc_first_with_explanations() -> None:
    out = run(_example())
    assert out["leaders"] == [{"id": "QNA-TP", "name": "Huyện Tiên Phước"}]
    first = out["ranking"][0]
    assert first["total"] == "92.46" and first["classification"] == "Xuất sắc"
    disbursement = next(c for c in first["criteria"] if c["code"] == "I.2")
    assert disbursement["points"] == "9.96"
    assert disbursement["explanation"].startswith("Đạt 83% chỉ tiêu")
    assert out["robustness"]["leader_stays_first"] == "1"
    assert len(out["inputs_hash"]) == 64


def test_the_same_input_gives_the_same_hash_and_result() -> None:
    assert run(_example()) == run(_example())


def test_numbers_may_be_written_the_vietnamese_way() -> None:
    doc = _example()
    doc["units"][0]["results"]["GIAI-NGAN"]["value"] = "71,4"
    parsed = parse(doc)
    assert parsed.problem.members[0].figures["GIAI-NGAN"].value == Decimal("71.4")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["units"][0]["results"]["GIAI-NGAN"].update(value="abc"),
            "units[0].results.GIAI-NGAN.value",
        ),
        (
            lambda d: d["criteria_set"]["criteria"][0]["children"][0]["method"].update(type="magic"),
            "method.type",
        ),
        (
            lambda d: d["criteria_set"]["criteria"][0]["children"][0]["method"].update(indicator="KHONG-CO"),
            "KHONG-CO",
        ),
        (lambda d: d["criteria_set"]["criteria"][0].update(max_points=70), "khai báo 70"),
        (lambda d: d["scores"]["self"][0].update(points=11), "11 nằm ngoài khoảng [0; 5]"),
        (lambda d: d["scores"]["self"].append(dict(d["scores"]["self"][0])), "bị nhập hai lần"),
        (
            lambda d: d["scores"]["cross"].append(
                {"unit": "QNA-PS", "criterion": "III.2", "scorer": "QNA-PS", "points": 5}
            ),
            "tự chấm chéo",
        ),
        (
            lambda d: d["criteria_set"]["criteria"][3]["method"].update(type="formula", expression="x +"),
            "sai cú pháp",
        ),
        (lambda d: d["units"].append({"id": "QNA-PS", "name": "Trùng"}), "kê hai lần"),
    ],
)
def test_bad_inputs_are_refused_with_their_place(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    doc = copy.deepcopy(_example())
    mutate(doc)
    with pytest.raises(ScoringInputError) as info:
        run(doc)
    assert message in str(info.value)


def test_cli_prints_the_ranking_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("score", "--input", str(EXAMPLE))
    out = json.loads(capsys.readouterr().out)
    assert out["ranking"][0]["name"] == "Huyện Tiên Phước"


def test_cli_refuses_a_file_that_is_not_json(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("{không phải json", encoding="utf-8")
    with pytest.raises(CommandError, match="không phải JSON hợp lệ: dòng 1"):
        call_command("score", "--input", str(bad))
    with pytest.raises(CommandError, match="Không tìm thấy"):
        call_command("score", "--input", str(tmp_path / "none.json"))


def test_a_single_dot_is_a_decimal_point_in_documents() -> None:
    doc = _example()
    doc["units"][0]["results"]["GIAI-NGAN"]["value"] = "1.234"
    doc["units"][1]["results"]["GIAI-NGAN"]["value"] = "1.234.567"
    parsed = parse(doc)
    assert parsed.problem.members[0].figures["GIAI-NGAN"].value == Decimal("1.234")
    assert parsed.problem.members[1].figures["GIAI-NGAN"].value == Decimal("1234567")


def test_points_with_three_decimals_survive_a_stored_document_round_trip() -> None:
    # regression: "2.125" written by the document builder was once read back as 2125
    doc = _example()
    doc["scores"]["appraisal"].append({"unit": "QNA-HD", "criterion": "III.1", "points": "2.125"})
    out = run(doc)
    hd = next(r for r in out["ranking"] if r["id"] == "QNA-HD")
    assert next(c for c in hd["criteria"] if c["code"] == "III.1")["points"] == "2.125"
