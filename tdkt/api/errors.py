"""Turn django-ninja's request-validation errors into the API's one problem shape, in Vietnamese.

The shape is the one `tdkt.core.errors.Problem` gives services' refusals, so a client reads both alike:
{"message", "row", "column", "field"}. `row` is the 1-based position in a list body; `field` names the
parameter or body field.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.errors import ValidationError, ValidationErrorContext

from tdkt.core.errors import Problem
from tdkt.core.strictjson import describe

_MESSAGES: dict[str, str] = {
    "missing": "thiếu giá trị bắt buộc",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "string_type": "phải là chuỗi ký tự",
    "bool_parsing": "phải là true hoặc false",
    "bool_type": "phải là true hoặc false",
    "date_parsing": "phải là ngày theo dạng YYYY-MM-DD",
    "date_from_datetime_parsing": "phải là ngày theo dạng YYYY-MM-DD",
    "date_type": "phải là ngày theo dạng YYYY-MM-DD",
    "list_type": "phải là một danh sách",
    "dict_type": "phải là một đối tượng JSON",
    "model_type": "phải là một đối tượng JSON",
    "model_attributes_type": "phải là một đối tượng JSON",
    "enum": "phải là một trong các giá trị: {expected}",
    "literal_error": "phải là một trong các giá trị: {expected}",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "greater_than": "phải lớn hơn {gt}",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "string_too_short": "phải có ít nhất {min_length} ký tự",
    "string_too_long": "dài quá {max_length} ký tự",
    "extra_forbidden": "khóa không được phép: “{key}”",
    "float_type": "phải là số",
    "decimal_type": "phải là số",
    "datetime_type": "phải là ngày giờ theo dạng YYYY-MM-DDTHH:MM:SS",
    "is_instance_of": "giá trị không hợp lệ",
}

# Errors about a value's JSON type: the message also says what was sent ("không phải chuỗi “false”").
_TYPE_ERRORS = frozenset(
    {
        "int_type", "int_parsing", "int_from_float", "bool_type", "bool_parsing", "string_type", "float_type",
        "decimal_type", "date_type", "date_parsing", "datetime_type", "list_type", "dict_type", "model_type",
        "model_attributes_type",
    }
)  # fmt: skip


def _message(error: dict[str, Any]) -> str:
    """Vietnamese for the common error types; our own validators' messages (already Vietnamese) and the
    rare others pass through as pydantic wrote them."""
    template = _MESSAGES.get(str(error.get("type", "")))
    if template is None:
        return str(error.get("msg", "giá trị không hợp lệ"))
    context = {k: str(v).replace(" or ", " hoặc ") for k, v in (error.get("ctx") or {}).items()}
    loc = error.get("loc") or ("",)
    context.setdefault("key", str(loc[-1]))
    try:
        message = template.format(**context)
    except KeyError:
        message = template.split(":")[0]
    if error.get("type") in _TYPE_ERRORS and "sent" in error:
        message += f", không phải {error['sent']}"
    return message


class SaysWhatWasSent(NinjaAPI):
    """ninja drops the value a request sent from its errors; for a value of the wrong JSON type the message
    says what was sent ("không phải chuỗi “false”"), so the description is kept as `sent`."""

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> ValidationError:
        exc = super().validation_error_from_error_contexts(error_contexts)
        sent = [
            error.get("input")
            for context in error_contexts
            for error in context.pydantic_validation_error.errors(include_url=False)
        ]
        for error, value in zip(exc.errors, sent, strict=True):
            if error.get("type") in _TYPE_ERRORS:
                error["sent"] = describe(value)
        return exc


def problem_from_ninja(error: dict[str, Any]) -> Problem:
    """One ninja error: loc is (source, [param name,] [index,] field...), e.g. ("body", "payload", 0,
    "value") for the first row of a list body, or ("query", "period"). An unknown key is named by `field`
    (request bodies are strict: `tdkt.api.schemas.InputSchema`)."""
    loc = list(error.get("loc", ()))
    source, rest = (loc[0], loc[1:]) if loc else ("", [])
    if source == "body":
        rest = rest[1:]  # the view's parameter name (payload) says nothing to the caller
    row = next((part + 1 for part in rest if isinstance(part, int)), None)
    field = ".".join(str(part) for part in rest if not isinstance(part, int)) or None
    return Problem(_message(error), row=row, field=field)
