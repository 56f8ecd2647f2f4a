"""`tdkt eligibility --input`: the JSON format, its schema, the example and the command. No database."""

from __future__ import annotations

import copy
import json
import unicodedata
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from tdkt.awards.jsonio import EligibilityInputError, parse, run
from tdkt.core import strictjson

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "docs" / "examples" / "eligibility-2025.json"
SCHEMA = ROOT / "docs" / "schemas" / "eligibility-input.schema.json"


def _example() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def _verdicts(out: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(s["id"], v["title"]): v for s in out["subjects"] for v in s["verdicts"]}


def test_the_example_follows_the_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(_example(), schema)


def test_the_example_explains_each_case() -> None:
    out = run(_example())
    v = _verdicts(out)
    assert out["packs"][0]["id"] == "nd152-2025"
    assert "Nghị định 152/2025/NĐ-CP" in out["packs"][0]["instruments"]
    # An official eligible for LĐTT and CSTĐCS, one CSTĐCS short of the provincial title.
    assert v["cn-01", "LDTT"]["outcome"] == "eligible" and v["cn-01", "CSTDCS"]["outcome"] == "eligible"
    assert v["cn-01", "CSTD_TINH"]["missing"] == ["Cần thêm 1 lần CSTĐCS liên tục: năm 2025"]
    assert v["cn-01", "CSTD_TINH"]["pack"] == "nd152-2025"
    # A gap year.
    assert "năm 2023 đã qua, không bổ sung được" in v["cn-02", "CSTD_TINH"]["missing"][0]
    assert v["cn-02", "BK_TINH"]["outcome"] == "eligible"
    # A discipline ending mid-year bars the year; one ending in 2024 restarts the run.
    assert v["cn-03", "LDTT"]["outcome"] == "barred"
    assert "Sớm nhất xét lại từ năm 2026" in v["cn-03", "LDTT"]["missing"]
    assert v["cn-04", "LDTT"]["outcome"] == "eligible" and v["cn-04", "CSTD_TINH"]["outcome"] == "not_yet"
    # An initiative already used.
    gen05 = next(c for c in v["cn-05", "CSTDCS"]["checks"] if c["rule"] == "GEN_05")
    assert "đã dùng cho Giấy khen năm 2025" in gen05["text"] and gen05["tag"] == "V"
    # One day short of six months.
    assert v["cn-06", "LDTT"]["outcome"] == "not_yet"
    # An open inspection bars everything.
    assert v["cn-07", "LDTT"]["outcome"] == "barred"
    # 69 % and 70 %.
    assert v["tt-01", "TTLDTT"]["missing"] == [
        "Cần ít nhất 70/100 thành viên đạt Lao động tiên tiến (thêm 1)"
    ]
    assert v["tt-02", "TTLDTT"]["outcome"] == "eligible"
    # The ward merged in 2025 carries its predecessors' history.
    bk = v["px-01", "BK_TTG"]
    assert bk["outcome"] == "eligible" and bk["unverified"] is True
    assert any("Phường Hải Đình, trước sắp xếp 01/07/2025" in e for c in bk["checks"] for e in c["evidence"])
    # Cluster leaders for the provincial flag.
    assert v["px-02", "CO_TINH"]["outcome"] == "eligible" and v["px-03", "CO_TINH"]["outcome"] == "not_yet"


def test_checks_carry_citation_tag_and_unverified_flag() -> None:
    for subject in run(_example())["subjects"]:
        for verdict in subject["verdicts"]:
            assert verdict["title_name"] and verdict["outcome_text"] and verdict["instruments"]
            for check in verdict["checks"]:
                assert set(check) == {
                    "rule",
                    "ok",
                    "effect",
                    "text",
                    "evidence",
                    "missing",
                    "citation",
                    "tag",
                    "unverified",
                }
                assert check["citation"] and check["unverified"] == (check["tag"] == "R")


def test_quotas_are_reported_with_their_rounding() -> None:
    quotas = {q["kind"]: q for q in run(_example())["quotas"]}
    cap = quotas["cstdcs_share_of_ldtt"]
    assert cap["enabled"] and cap["limit"] == 6 and cap["ldtt_from"] == "units"
    assert cap["candidates"] == ["cn-01", "cn-02", "cn-04"]
    flag = quotas["gov_flag_share_of_leaders"]
    assert flag["base"] == 12 and flag["limit"] == 2 and flag["rounding"] == "floor"
    assert "làm tròn xuống" in flag["text"] and flag["candidates"] == ["px-01", "px-02"]


def test_the_cap_is_off_without_the_override() -> None:
    doc = _example()
    del doc["overrides"]
    cap = next(q for q in run(doc)["quotas"] if q["kind"] == "cstdcs_share_of_ldtt")
    assert cap["enabled"] is False and cap["limit"] is None


def test_dates_in_either_format() -> None:
    doc = _example()
    doc["on"] = "2026-01-15"
    assert run(doc)["on"] == "15/01/2026"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(cycle="2025"), r"cycle: phải là số nguyên, không phải chuỗi “2025”"),
        (
            lambda d: d["subjects"][0]["ratings"].append({"cycle": 2025, "rating": "HTNV"}),
            r"subjects\[0\].ratings\[5\].cycle: năm 2025 đã có kết quả",
        ),
        (
            lambda d: d["subjects"][1]["ratings"][0].update(rating="Tốt"),
            r"subjects\[1\].ratings\[0\].rating: “Tốt” không hợp lệ, cần một trong: “KHTNV”",
        ),
        (
            lambda d: d["subjects"][2]["disciplines"][0].update(end="31/02/2025"),
            r"subjects\[2\].disciplines\[0\].end: “31/02/2025” không phải là ngày có thật",
        ),
        (
            lambda d: d["subjects"][3]["awards"][0].update(title="CSTD"),
            r"subjects\[3\].awards\[0\].title: “CSTD” không hợp lệ, cần một trong: “LDTT”.* — có phải “CSTDTQ”\?",
        ),
        (
            lambda d: d["subjects"][7]["members"][0].update(ldtt=101),
            r"subjects\[7\].members\[0\].ldtt: 101 phải trong khoảng 0–100",
        ),
        (
            lambda d: d["subjects"][0].update(flags=["dep_trai"]),
            r"subjects\[0\].flags\[0\]: “dep_trai” không hợp lệ, cần một trong: “doan_ket”",
        ),
        (lambda d: d["subjects"][1].update(id="cn-01"), r"subjects\[1\].id: mã “cn-01” bị trùng"),
        (
            lambda d: d.update(overrides={"TTLDTT_01": {"min_share": "170%"}}),
            r"overrides.TTLDTT_01.min_share: 17/10 lớn hơn",
        ),
        (
            lambda d: d.update(titles=["LĐTT"]),
            r"titles\[0\]: “LĐTT” không hợp lệ, cần một trong: .* — có phải “LDTT”\?",
        ),
        (
            lambda d: d["subjects"][0].update(
                members=[{"cycle": 2025, "members": 1, "completed": 1, "ldtt": 1}]
            ),
            r"subjects\[0\]: số liệu thành viên",
        ),
        (
            lambda d: d["subjects"][12].update(armed_forces=True),
            r"subjects\[12\]: lực lượng vũ trang chỉ dùng cho cá nhân và tập thể",
        ),
        (
            lambda d: d["subjects"][7].update(recruited_on="01/01/2020"),
            r"subjects\[7\]: ngày tuyển dụng chỉ dùng cho cá nhân",
        ),
    ],
)
def test_bad_documents_are_refused_in_vietnamese(change: Any, message: str) -> None:
    doc = copy.deepcopy(_example())
    change(doc)
    with pytest.raises(EligibilityInputError, match=message):
        parse(doc)


def test_every_problem_is_reported_at_once() -> None:
    doc = _example()
    doc["subjects"][0]["ratings"][0]["rating"] = "X"
    doc["subjects"][1]["recruited_on"] = "hôm qua"
    with pytest.raises(EligibilityInputError) as excinfo:
        run(doc)
    assert len(excinfo.value.problems) == 2


def test_an_armed_forces_collective_is_read_and_judged_for_dvtt() -> None:
    doc = _example()
    doc["subjects"][7]["armed_forces"] = True
    titles = {v["title"] for v in _subject(run(doc), "tt-01")["verdicts"]}
    assert {"DVTT", "DVQT"} <= titles and not {"TTLDTT", "TTLDXS"} & titles


def _subject(out: dict[str, Any], sid: str) -> dict[str, Any]:
    return next(s for s in out["subjects"] if s["id"] == sid)


def test_titles_limit_the_verdicts() -> None:
    doc = _example()
    doc["titles"] = ["LDTT", "TTLDTT"]
    titles = {v["title"] for s in run(doc)["subjects"] for v in s["verdicts"]}
    assert titles == {"LDTT", "TTLDTT"}


def test_cli_prints_the_explained_verdicts(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("eligibility", "--input", str(EXAMPLE))
    out = json.loads(capsys.readouterr().out)
    first = out["subjects"][0]["verdicts"][0]
    assert first["title"] == "LDTT" and first["outcome"] == "eligible"
    assert first["checks"][2]["citation"] == "Luật Thi đua, khen thưởng 2022, Điều 24 khoản 1"
    assert out["summary"]["TTLDTT"] == {"eligible": 1, "not_yet": 1, "barred": 0}


def test_cli_refuses_a_broken_file(tmp_path: Path) -> None:
    bad = tmp_path / "ho-so.json"
    bad.write_text('{"cycle": 2025, "subjects": [', encoding="utf-8")
    with pytest.raises(CommandError, match="không phải JSON hợp lệ"):
        call_command("eligibility", "--input", str(bad))
    wrong = tmp_path / "sai.json"
    wrong.write_text('{"cycle": 2025, "subjects": []}', encoding="utf-8")
    with pytest.raises(CommandError, match="subjects: không được để trống"):
        call_command("eligibility", "--input", str(wrong))


# Strict input (issue 11, point 12): what the schema forbids is refused, never ignored.


def test_the_example_is_valid_under_the_shared_validator() -> None:
    assert strictjson.problems(_example(), "eligibility-input.schema.json") == []


def test_a_misspelled_recruitment_date_is_refused_not_read_as_unknown() -> None:
    doc = _example()
    assert _subject(run(doc), "cn-06")["verdicts"][0]["outcome"] == "not_yet"  # one day short of six months
    doc["subjects"][5]["recruitment_dat"] = doc["subjects"][5].pop("recruited_on")
    with pytest.raises(EligibilityInputError) as excinfo:
        run(doc)
    assert excinfo.value.problems == [
        "subjects[5].recruitment_dat: khóa không được phép: “recruitment_dat” — có phải “recruited_on”?"
    ]


def test_the_string_false_is_not_taken_as_true() -> None:
    doc = _example()
    doc["subjects"][0]["armed_forces"] = "false"
    with pytest.raises(EligibilityInputError) as excinfo:
        run(doc)
    assert excinfo.value.problems == [
        "subjects[0].armed_forces: phải là true hoặc false, không phải chuỗi “false”"
    ]


def test_an_unknown_top_level_key_is_refused() -> None:
    doc = _example()
    doc["cluster_leader"] = doc.pop("cluster_leaders")
    with pytest.raises(EligibilityInputError, match=r"^cluster_leader: .* có phải “cluster_leaders”\?$"):
        run(doc)


def test_a_unit_name_in_another_unicode_form_or_with_a_trailing_space_is_the_same_unit() -> None:
    doc = _example()
    doc["units"][0]["name"] = unicodedata.normalize("NFD", doc["units"][0]["name"]) + " "
    quota = next(q for q in run(doc)["quotas"] if q["kind"] == "cstdcs_share_of_ldtt")
    assert quota["ldtt_from"] == "units"
    assert quota["unit"] == "UBND phường Đồng Hới"


def test_cli_prints_a_refusal_in_vietnamese_without_the_english_prefix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _example()
    doc["subjects"][0]["female"] = "false"
    path = tmp_path / "ho-so.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["tdkt", "eligibility", "--skip-checks", "--input", str(path)])
    assert exited.value.code == 2
    assert capsys.readouterr().err == (
        "Không xét được:\n- subjects[0].female: phải là true hoặc false, không phải chuỗi “false”\n"
    )
