import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.core.management import CommandError, call_command

from tdkt.scoring.engine import ScoringInputError, canonical_json, inputs_hash
from tdkt.scoring.jsonio import (
    LAYERS,
    UNEXPLAINED,
    UnitRows,
    build,
    explain_summary,
    explained,
    parse,
    parse_criteria,
    parse_strict,
    run,
    summary_of,
)

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
    doc["scores"]["appraisal"].append(
        {"unit": "QNA-HD", "criterion": "III.1", "points": "2.125", "reason": "Theo minh chứng"}
    )
    out = run(doc)
    hd = next(r for r in out["ranking"] if r["id"] == "QNA-HD")
    assert next(c for c in hd["criteria"] if c["code"] == "III.1")["points"] == "2.125"


# ---------------------------------------------------------------- documents built from stored rows


def _rows(doc: dict) -> tuple:  # type: ignore[type-arg]
    """A document as the rows the selector hands to `build` (scores in document order)."""
    head = {k: v for k, v in doc.items() if k not in ("units", "scores")}
    units = [
        UnitRows(u["id"], u["name"], {c: (f["value"], f.get("target")) for c, f in u["results"].items()})
        for u in doc["units"]
    ]
    criteria, _ = parse_criteria(doc["criteria_set"]["criteria"])
    position = {leaf.code: i for i, leaf in enumerate(leaf for top in criteria for leaf in top.leaves())}
    scores = {
        layer: [
            (e["unit"], position.get(e["criterion"], 0), e.get("scorer", ""), e["criterion"], e["points"])
            + (
                (e.get("reason", ""), e.get("by", ""), e.get("confirmed_by", ""))
                if layer == "appraisal"
                else ()
            )
            for e in doc["scores"].get(layer, [])
        ]
        for layer in LAYERS
    }
    return head, units, scores


def test_a_document_built_from_rows_is_the_document_parse_reads() -> None:
    doc = _example()
    built = build(*_rows(doc))
    loaded = json.loads(built.text)
    assert loaded == doc and canonical_json(loaded) == built.text
    assert built.hash == inputs_hash(doc)
    assert built.parsed == parse(loaded)
    assert [list(m.figures) for m in built.parsed.problem.members] == [
        list(m.figures) for m in parse(loaded).problem.members
    ]
    assert explained(built.parsed, built.hash) == run(doc)


def test_strings_are_written_as_json_writes_them_and_read_as_parse_reads_them() -> None:
    doc = _example()
    doc["units"][0]["name"] = ' Huyện "Phước" \\ Sơn\n\t😀 '
    doc["units"][1]["id"] = doc["units"][1]["id"] + "  "  # parse strips ids: scores still name it
    doc["cluster"] = "Cụm \u2028 “miền núi”"
    built = build(*_rows(doc))
    assert canonical_json(json.loads(built.text)) == built.text
    assert built.parsed == parse(json.loads(built.text))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["units"][0].update(name=" "), "units[0].name"),
        (lambda d: d["scores"]["self"].append(dict(d["scores"]["self"][0])), "bị nhập hai lần"),
        (lambda d: d["scores"]["cross"][0].update(scorer=""), "scores.cross[0].scorer"),
        (
            lambda d: d["criteria_set"]["criteria"][0]["children"][0]["method"].update(type="magic"),
            "method.type",
        ),
    ],
)
def test_rows_parse_would_refuse_are_refused_with_parse_messages(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    doc = _example()
    mutate(doc)
    with pytest.raises(ScoringInputError) as refused:
        build(*_rows(doc))
    with pytest.raises(ScoringInputError) as parsed:
        parse(json.loads(canonical_json(doc)))
    assert refused.value.problems == parsed.value.problems
    assert any(message in p for p in refused.value.problems)


def test_numbers_not_in_machine_format_are_read_by_parse() -> None:
    doc = _example()
    doc["units"][0]["results"]["GIAI-NGAN"]["value"] = "71,4"
    built = build(*_rows(doc))
    assert built.parsed == parse(json.loads(built.text))
    assert built.parsed.problem.members[0].figures["GIAI-NGAN"].value == Decimal("71.4")


def test_a_summary_is_explained_only_when_the_inputs_give_it_again() -> None:
    doc = _example()
    full = run(doc)
    summary = summary_of(full)
    assert explain_summary(summary, doc) == full
    tampered = copy.deepcopy(summary)
    tampered["ranking"][0]["points"][0] = "0"
    shown = explain_summary(tampered, doc)
    first = shown["ranking"][0]["criteria"][0]
    assert first["points"] == "0" and first["explanation"] == UNEXPLAINED
    assert shown["ranking"][0]["name"] == full["ranking"][0]["name"]
    assert first["name"] == full["ranking"][0]["criteria"][0]["name"]


def test_the_engines_json_shows_each_appraisals_reason_and_appraiser_beside_its_points() -> None:
    result = run(_example())
    line = next(
        c for r in result["ranking"] if r["id"] == "QNA-TP" for c in r["criteria"] if c["code"] == "III.1"
    )
    assert line["source"] == "appraisal" and line["points"] == "9.5"
    assert line["appraisal_reason"].startswith("Đối chiếu biên bản kiểm tra thực địa")
    assert line["appraised_by"] == "Ban Thi đua – Khen thưởng tỉnh Quảng Nam"
    other = next(
        c for r in result["ranking"] if r["id"] == "QNA-TP" for c in r["criteria"] if c["code"] == "III.2"
    )
    assert other["appraisal_reason"] is None


def test_an_appraisal_without_a_reason_is_refused_with_its_path() -> None:
    doc = _example()
    del doc["scores"]["appraisal"][1]["reason"]
    with pytest.raises(ScoringInputError, match=r"scores\.appraisal\[1\]\.reason"):
        parse(doc)


# ---------------------------------------------------------------- strict input (tdkt score --input, /api/score)


def test_a_misspelled_key_is_refused_by_the_command_naming_its_json_path(tmp_path: Path) -> None:
    import subprocess
    import sys

    doc = _example()
    method = doc["criteria_set"]["criteria"][0]["children"][0]["method"]
    method["flor"] = method.pop("floor", 0)
    bad = tmp_path / "sai-khoa.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "tdkt.cli", "score", "--input", str(bad)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("Dữ liệu chấm điểm không hợp lệ:")
    assert (
        "criteria_set.criteria[0].children[0].method.flor: khóa không được phép: “flor” — có phải “floor”?"
        in (done.stderr)
    )
    assert "CommandError" not in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["rules"].update(leader=1), "rules.leader"),
        (lambda d: d.update(year="2024"), "year"),
        (lambda d: d["units"][0].update(disqualified=False), "units[0].disqualified"),
        (lambda d: d["scores"]["appraisal"][0].update(reason=" "), "scores.appraisal[0].reason"),
        (lambda d: d["scores"]["self"][0].update(extra="x"), "scores.self[0].extra"),
    ],
)
def test_the_schema_refuses_unknown_keys_and_wrong_types(change: Any, path: str) -> None:
    doc = _example()
    change(doc)
    with pytest.raises(ScoringInputError) as exc:
        parse_strict(doc)
    assert any(p.startswith(f"{path}: ") for p in exc.value.problems), exc.value.problems


def test_names_are_compared_after_nfc_and_trimming() -> None:
    import unicodedata

    doc = _example()
    unit = doc["units"][0]
    nfd = unicodedata.normalize("NFD", unit["id"]) + " "
    entry = next(e for e in doc["scores"]["self"] if e["unit"] == unit["id"])
    entry["unit"] = nfd
    assert parse_strict(doc) is not None  # the same unit, not an unknown one
    plain = run(_example())
    assert run(doc)["ranking"] == plain["ranking"]
