"""One validator for every JSON input: a document checked against its published JSON Schema (Draft 2020-12).

Pure: no Django. What the schema forbids is refused, with one `Problem` per fault, in Vietnamese, naming the
JSON path (`candidates[2]`, `subjects[0].recruited_on`) in `Problem.field`. The command line, the API and the
pages read the same schemas through `check` / `problems`, so a misspelled key is refused everywhere, never
silently ignored.

Names a person types (candidates, units) are compared by `nfc_name`: the same name in another Unicode form
(Vietnamese has two for most accented letters) or with a trailing space is the same name.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from tdkt.core.errors import Problem, ValidationFailed

#: Where the published schemas live (docs/schemas/ of the source tree).
SCHEMA_DIR = Path(__file__).resolve().parents[2] / "docs" / "schemas"

#: A document with more faults than this is refused with the first ones and a count of the rest.
MAX_PROBLEMS = 50

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

_TYPE_NAMES = {
    "boolean": "true hoặc false",
    "integer": "số nguyên",
    "number": "số",
    "string": "chuỗi",
    "array": "danh sách […]",
    "object": "đối tượng {…}",
    "null": "null",
}


def nfc_name(s: str) -> str:
    """A typed name in one canonical form: Unicode NFC, without surrounding spaces."""
    return unicodedata.normalize("NFC", s).strip()


@lru_cache(maxsize=16)
def _validator_for_file(path: str) -> Draft202012Validator:
    schema = json.loads(Path(path).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def validator(schema: Mapping[str, Any] | str | Path) -> Draft202012Validator:
    """A validator for `schema`: a schema document, a file name in docs/schemas/, or a path."""
    if isinstance(schema, Mapping):
        Draft202012Validator.check_schema(schema)
        return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    path = Path(schema)
    if not path.is_absolute() and len(path.parts) == 1:
        path = SCHEMA_DIR / path
    return _validator_for_file(str(path))


def json_path(parts: Iterable[str | int]) -> str:
    """`["subjects", 0, "recruited_on"]` → `subjects[0].recruited_on`; the document itself is `$`."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _IDENTIFIER.match(part):
            text += f".{part}" if text else part
        else:
            text += "[" + json.dumps(part, ensure_ascii=False) + "]"
    return text or "$"


def describe(value: Any) -> str:
    """A value as a sentence names it: chuỗi “false”, số 12, giá trị true, null, danh sách, đối tượng."""
    if isinstance(value, bool):
        return "giá trị " + ("true" if value else "false")
    if value is None:
        return "null"
    if isinstance(value, int | float | Decimal):
        return f"số {value}"
    if isinstance(value, str):
        return f"chuỗi “{_short(value)}”"
    if isinstance(value, list):
        return "một danh sách"
    if isinstance(value, dict):
        return "một đối tượng"
    return f"“{_short(str(value))}”"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return f"“{value}”"
    return json.dumps(value, ensure_ascii=False)


def _types(expected: Any) -> list[str]:
    return [expected] if isinstance(expected, str) else list(expected)


def _type_message(expected: Sequence[str], instance: Any) -> str:
    names = [_TYPE_NAMES.get(t, t) for t in expected]
    # "số nguyên" already says "số": don't offer both
    if "số nguyên" in names and "số" in names:
        names.remove("số nguyên")
    return f"phải là {' hoặc '.join(names)}, không phải {describe(instance)}"


def _allowed_keys(schema: Mapping[str, Any]) -> list[str]:
    return list(schema.get("properties", {}))


def _extra_keys(schema: Mapping[str, Any], instance: Mapping[str, Any]) -> list[str]:
    allowed = set(_allowed_keys(schema))
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    return [k for k in instance if k not in allowed and not any(p.search(k) for p in patterns)]


def _unknown_key(key: str, allowed: list[str]) -> str:
    message = f"khóa không được phép: “{key}”"
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if not close:
        # a different case or spacing is the same mistake
        folded = {a.casefold().replace("_", ""): a for a in allowed}
        hit = folded.get(key.casefold().replace("_", "").replace(" ", ""))
        close = [hit] if hit else []
    if close:
        return f"{message} — có phải “{close[0]}”?"
    if allowed and len(allowed) <= 12:
        return f"{message} (các khóa được phép: {', '.join(f'“{a}”' for a in allowed)})"
    return message


def _repeated(items: Any) -> str:
    seen: list[Any] = []
    for item in items if isinstance(items, list) else []:
        if item in seen:
            return f": {_literal(item)}"
        seen.append(item)
    return ""


def _example(schema: Mapping[str, Any]) -> str:
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return f" (ví dụ {_literal(examples[0])})"
    return ""


def _translate(error: ValidationError) -> Iterator[tuple[list[str | int], str]]:
    """(path, Vietnamese message) for one jsonschema error; some errors give several problems."""
    path: list[str | int] = list(error.absolute_path)
    keyword = error.validator
    value = error.validator_value
    instance = error.instance
    schema = error.schema if isinstance(error.schema, Mapping) else {}

    if keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
        allowed = _allowed_keys(schema)
        for key in _extra_keys(schema, instance) or list(instance):
            yield [*path, key], _unknown_key(key, allowed)
    elif keyword == "required" and isinstance(instance, dict):
        for key in value:
            if key not in instance:
                yield [*path, key], f"thiếu khóa bắt buộc “{key}”"
    elif keyword == "type":
        yield path, _type_message(_types(value), instance)
    elif keyword in ("enum", "const"):
        options = [value] if keyword == "const" else list(value)
        listed = ", ".join(_literal(o) for o in options)
        message = f"{_literal(instance)} không hợp lệ, cần một trong: {listed}"
        if isinstance(instance, str):
            close = difflib.get_close_matches(instance, [o for o in options if isinstance(o, str)], n=1)
            if close:
                message += f" — có phải “{close[0]}”?"
        yield path, message
    elif keyword == "minimum":
        yield path, f"phải lớn hơn hoặc bằng {value}, không phải {_literal(instance)}"
    elif keyword == "maximum":
        yield path, f"phải nhỏ hơn hoặc bằng {value}, không phải {_literal(instance)}"
    elif keyword == "exclusiveMinimum":
        yield path, f"phải lớn hơn {value}, không phải {_literal(instance)}"
    elif keyword == "exclusiveMaximum":
        yield path, f"phải nhỏ hơn {value}, không phải {_literal(instance)}"
    elif keyword == "multipleOf":
        yield path, f"phải là bội số của {value}, không phải {_literal(instance)}"
    elif keyword == "minLength":
        yield path, ("không được để trống" if value == 1 else f"phải có ít nhất {value} ký tự")
    elif keyword == "maxLength":
        yield path, f"dài quá {value} ký tự"
    elif keyword == "minItems":
        yield path, ("không được để trống" if value == 1 else f"phải có ít nhất {value} phần tử")
    elif keyword == "maxItems":
        yield path, f"có quá {value} phần tử"
    elif keyword == "uniqueItems":
        yield path, "có phần tử lặp lại" + _repeated(instance)
    elif keyword == "minProperties":
        yield path, "không được để trống" if value == 1 else f"phải có ít nhất {value} khóa"
    elif keyword == "maxProperties":
        yield path, f"có quá {value} khóa"
    elif keyword == "pattern":
        yield path, f"{_literal(instance)} không đúng dạng quy định{_example(schema)}"
    elif keyword == "format":
        if value == "date":
            yield path, f"{_literal(instance)} không phải ngày hợp lệ dạng YYYY-MM-DD (ví dụ “2024-03-15”)"
        else:
            yield path, f"{_literal(instance)} không đúng định dạng “{value}”"
    elif keyword in ("oneOf", "anyOf"):
        yield from _alternatives(error, path)
    elif keyword == "propertyNames":
        for key in instance if isinstance(instance, dict) else []:
            yield [*path, key], f"khóa không được phép: “{key}”"
    elif keyword in ("items", "prefixItems", "unevaluatedItems") and value is False:
        yield path, "có quá nhiều phần tử"
    elif keyword == "false":
        yield path, "khóa không được phép"
    else:
        yield path, f"giá trị không hợp lệ theo lược đồ (quy tắc “{keyword}”)"


def _alternatives(error: ValidationError, path: list[str | int]) -> Iterator[tuple[list[str | int], str]]:
    """Of the alternatives a value matched none of, explain the ones that fit its type; if none fits, list
    the types accepted."""
    if not error.context:
        yield path, "khớp với nhiều hơn một dạng cho phép"
        return
    fitting = [e for e in error.context if e.validator != "type" or len(e.relative_path) > 0]
    if fitting:
        seen: set[tuple[str, str]] = set()
        for sub in fitting:
            for sub_path, message in _translate(sub):
                key = (json_path(sub_path), message)
                if key not in seen:
                    seen.add(key)
                    yield sub_path, message
        return
    expected: list[str] = []
    for sub in error.context:
        for t in _types(sub.validator_value):
            if t not in expected:
                expected.append(t)
    yield path, _type_message(expected, error.instance)


def _sort_key(error: ValidationError) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, p) if isinstance(p, int) else (1, p) for p in error.absolute_path)


def problems(document: Any, schema: Mapping[str, Any] | str | Path) -> list[Problem]:
    """Every way `document` breaks `schema` (at most MAX_PROBLEMS, then a count), as Problems whose `field`
    is the JSON path. Empty when the document is valid."""
    errors: list[ValidationError] = []
    more = 0
    for error in validator(schema).iter_errors(document):
        if len(errors) < MAX_PROBLEMS:
            errors.append(error)
        else:
            more += 1
            break
    errors.sort(key=_sort_key)
    found: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for error in errors:
        for parts, message in _translate(error):
            where = json_path(parts)
            if (where, message) not in seen:
                seen.add((where, message))
                found.append(Problem(message, field=where))
    if more:
        found.append(Problem(f"và còn lỗi khác (chỉ nêu {MAX_PROBLEMS} lỗi đầu)", field="$"))
    return found


def check(document: Any, schema: Mapping[str, Any] | str | Path) -> None:
    """Raise ValidationFailed with every problem when `document` breaks `schema`."""
    found = problems(document, schema)
    if found:
        raise ValidationFailed(found)


_JSON_ERRORS = {
    "Expecting value": "thiếu một giá trị",
    "Expecting property name enclosed in double quotes": 'tên khóa phải nằm trong dấu ngoặc kép "…"',
    "Expecting ':' delimiter": "thiếu dấu hai chấm “:” sau tên khóa",
    "Expecting ',' delimiter": "thiếu dấu phẩy “,” giữa hai phần tử",
    "Unterminated string starting at": "chuỗi chưa đóng dấu ngoặc kép",
    "Invalid control character at": "ký tự điều khiển trong chuỗi",
    "Invalid \\escape": "ký tự thoát “\\” không hợp lệ",
    "Invalid \\uXXXX escape": "ký tự thoát “\\u” không hợp lệ",
    "Extra data": "còn dữ liệu thừa sau tài liệu JSON",
}


def json_error(exc: json.JSONDecodeError) -> str:
    """A JSON syntax error in Vietnamese, naming the line and column."""
    reason = _JSON_ERRORS.get(exc.msg, "lỗi cú pháp")
    return f"không phải JSON hợp lệ: dòng {exc.lineno}, cột {exc.colno}: {reason}"


def lines(found: Iterable[Problem]) -> list[str]:
    """Problems as `path: message` lines, the way the JSON commands print them."""
    return [f"{p.field}: {p.message}" if p.field else p.message for p in found]
