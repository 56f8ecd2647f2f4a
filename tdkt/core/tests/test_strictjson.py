"""The shared JSON validator: Vietnamese problems naming the path, without a database."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from tdkt.core.errors import Problem, ValidationFailed
from tdkt.core.strictjson import check, json_path, lines, nfc_name, problems, validator

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["subjects"],
    "properties": {
        "strict": {"type": "boolean"},
        "subjects": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "recruited_on": {"type": "string", "format": "date"},
                    "months": {"type": "integer", "minimum": 0, "maximum": 600},
                    "kind": {"enum": ["person", "collective"]},
                    "code": {"type": "string", "pattern": "^[A-Z]{2}[0-9]+$", "examples": ["QN01"]},
                    "share": {
                        "oneOf": [
                            {"type": "string", "pattern": "^[0-9]+/[0-9]+$"},
                            {"type": "number", "minimum": 0, "maximum": 1},
                        ]
                    },
                },
            },
        },
    },
}


def _only(document):
    found = problems(document, SCHEMA)
    assert len(found) == 1, found
    return found[0]


def test_a_valid_document_has_no_problems():
    assert problems({"subjects": [{"name": "A", "recruited_on": "2020-01-31", "share": "2/3"}]}, SCHEMA) == []


def test_a_misspelled_key_is_refused_with_its_path_and_the_closest_allowed_key():
    problem = _only({"subjects": [{"name": "A", "recruitment_dat": "2020-01-01"}]})
    assert problem.field == "subjects[0].recruitment_dat"
    assert problem.message == "khóa không được phép: “recruitment_dat” — có phải “recruited_on”?"


def test_an_unknown_key_with_nothing_close_lists_the_allowed_keys():
    problem = _only({"subjects": [], "zzz": 1})
    assert problem.field == "zzz"
    assert "“strict”, “subjects”" in problem.message


def test_the_string_false_is_not_a_boolean():
    problem = _only({"strict": "false", "subjects": []})
    assert problem == Problem("phải là true hoặc false, không phải chuỗi “false”", field="strict")


def test_a_number_in_a_string_is_not_an_integer():
    problem = _only({"subjects": [{"name": "A", "months": "12"}]})
    assert problem.field == "subjects[0].months"
    assert problem.message == "phải là số nguyên, không phải chuỗi “12”"


def test_a_missing_required_key_is_named():
    assert _only({"subjects": [{}]}) == Problem("thiếu khóa bắt buộc “name”", field="subjects[0].name")
    assert _only({}).field == "subjects"


def test_enum_minimum_maximum_pattern_and_date_are_explained():
    found = problems(
        {
            "subjects": [
                {"name": "A", "kind": "team", "months": -1, "code": "x1", "recruited_on": "2024-02-30"},
                {"name": "B", "months": 601},
            ]
        },
        SCHEMA,
    )
    by_path = {p.field: p.message for p in found}
    assert by_path["subjects[0].kind"] == "“team” không hợp lệ, cần một trong: “person”, “collective”"
    assert by_path["subjects[0].months"] == "phải lớn hơn hoặc bằng 0, không phải -1"
    assert by_path["subjects[1].months"] == "phải nhỏ hơn hoặc bằng 600, không phải 601"
    assert by_path["subjects[0].code"] == "“x1” không đúng dạng quy định (ví dụ “QN01”)"
    assert by_path["subjects[0].recruited_on"].startswith("“2024-02-30” không phải ngày hợp lệ")
    assert len(found) == 5


def test_a_misspelled_enum_value_suggests_the_closest():
    problem = _only({"subjects": [{"name": "A", "kind": "colective"}]})
    assert problem.message == (
        "“colective” không hợp lệ, cần một trong: “person”, “collective” — có phải “collective”?"
    )


def test_alternatives_explain_the_one_that_fits_the_type_or_list_the_types():
    assert _only({"subjects": [{"name": "A", "share": 2}]}).message == (
        "phải nhỏ hơn hoặc bằng 1, không phải 2"
    )
    assert _only({"subjects": [{"name": "A", "share": True}]}).message == (
        "phải là chuỗi hoặc số, không phải giá trị true"
    )


def test_an_empty_name_is_refused():
    assert _only({"subjects": [{"name": ""}]}) == Problem("không được để trống", field="subjects[0].name")


def test_check_raises_validation_failed_with_every_problem():
    with pytest.raises(ValidationFailed) as caught:
        check({"strict": 1, "subjects": [{}]}, SCHEMA)
    assert [p.field for p in caught.value.problems] == ["strict", "subjects[0].name"]


def test_lines_print_path_then_message():
    assert lines([Problem("thiếu", field="a[0].b")]) == ["a[0].b: thiếu"]


def test_json_path_spells_indexes_and_odd_keys():
    assert json_path([]) == "$"
    assert json_path(["candidates", 2, "name"]) == "candidates[2].name"
    assert json_path(["points", "Huyện A"]) == 'points["Huyện A"]'


def test_many_faults_are_cut_short_with_a_count():
    found = problems({"subjects": [{"name": 1} for _ in range(200)]}, SCHEMA)
    assert len(found) == 51
    assert "còn lỗi khác" in found[-1].message


def test_nfc_name_joins_unicode_forms_and_trims():
    composed = "Huyện Lệ Thủy"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert nfc_name(decomposed + " ") == composed
    assert nfc_name("  Thị xã Ba Đồn\t") == "Thị xã Ba Đồn"


@pytest.mark.parametrize(
    "name", sorted(p.name for p in Path(__file__).resolve().parents[3].glob("docs/schemas/*.json"))
)
def test_every_published_schema_is_a_valid_draft_2020_12_schema(name):
    from jsonschema import Draft202012Validator

    schema = json.loads((Path(__file__).resolve().parents[3] / "docs" / "schemas" / name).read_text())
    Draft202012Validator.check_schema(schema)
    assert validator(name).schema == schema  # found by its file name in docs/schemas/
