"""A small, safe expression language for formula criteria. Pure: no Django, never `eval`.

Grammar (Python-like): numbers (`12`, `12.5`), names of values supplied by the caller, `+ - * /`,
unary minus, parentheses, comparisons (`< <= > >= == !=`, giving 1 or 0), `and`, `or`, `not`,
the conditional `a if cond else b`, and the functions `min`, `max`, `abs`, `round(x, n)`, `clamp(x, lo, hi)`.
The text is parsed once with the `ast` module and only the nodes above are accepted; anything else
(attributes, subscripts, calls to other names, lambdas, strings, ...) is refused with a Vietnamese message.
All arithmetic is Decimal.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation

MAX_LENGTH = 500
MAX_DEPTH = 30


class FormulaError(ValueError):
    """The formula does not parse, names an unknown value, or cannot be evaluated. Vietnamese message."""


def _round(x: Decimal, places: Decimal = Decimal(0)) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)


def _clamp(x: Decimal, lo: Decimal, hi: Decimal) -> Decimal:
    return max(lo, min(hi, x))


FUNCTIONS: dict[str, tuple[Callable[..., Decimal], tuple[int, ...]]] = {
    "min": (lambda *a: min(a), (2, 3, 4, 5, 6, 7, 8)),
    "max": (lambda *a: max(a), (2, 3, 4, 5, 6, 7, 8)),
    "abs": (lambda a: abs(a), (1,)),
    "round": (_round, (1, 2)),
    "clamp": (_clamp, (3,)),
}

_BINOPS: dict[type, Callable[[Decimal, Decimal], Decimal]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
_CMPOPS: dict[type, Callable[[Decimal, Decimal], bool]] = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}
ONE, ZERO = Decimal(1), Decimal(0)


@dataclass(frozen=True)
class Formula:
    text: str
    tree: ast.expr
    names: frozenset[str]

    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal:
        missing = self.names - values.keys()
        if missing:
            raise FormulaError(f"thiếu giá trị cho: {', '.join(sorted(missing))}")
        try:
            return _eval(self.tree, values)
        except (DivisionByZero, InvalidOperation, ZeroDivisionError) as exc:
            raise FormulaError(
                f"công thức “{self.text}”: phép chia cho 0 hoặc phép tính không hợp lệ"
            ) from exc


def parse(text: str, *, allowed_names: frozenset[str] | set[str] | None = None) -> Formula:
    """Parse and check a formula. `allowed_names`, when given, is the set of names it may use."""
    if not text or not text.strip():
        raise FormulaError("công thức trống")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"công thức dài quá {MAX_LENGTH} ký tự")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise FormulaError(f"công thức “{text}” sai cú pháp (vị trí {exc.offset})") from exc
    names: set[str] = set()
    _check(tree, names, 0)
    if allowed_names is not None:
        unknown = names - set(allowed_names)
        if unknown:
            raise FormulaError(f"công thức dùng tên không có: {', '.join(sorted(unknown))}")
    return Formula(text.strip(), tree, frozenset(names))


def _check(node: ast.AST, names: set[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise FormulaError("công thức lồng nhau quá sâu")
    match node:
        case ast.Constant(value=value):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise FormulaError(f"hằng số “{value!r}” không được phép: chỉ dùng số")
        case ast.Name(id=name):
            if name in FUNCTIONS:
                raise FormulaError(f"“{name}” là hàm, phải gọi kèm ngoặc")
            names.add(name)
        case ast.BinOp(left=left, op=op, right=right):
            if type(op) not in _BINOPS:
                raise FormulaError("chỉ dùng các phép + − × ÷")
            _check(left, names, depth + 1)
            _check(right, names, depth + 1)
        case ast.UnaryOp(op=op, operand=operand):
            if not isinstance(op, ast.USub | ast.UAdd | ast.Not):
                raise FormulaError("phép toán một ngôi không được phép")
            _check(operand, names, depth + 1)
        case ast.Compare(left=left, ops=ops, comparators=comparators):
            if any(type(op) not in _CMPOPS for op in ops):
                raise FormulaError("phép so sánh không được phép")
            _check(left, names, depth + 1)
            for c in comparators:
                _check(c, names, depth + 1)
        case ast.BoolOp(values=values):
            for v in values:
                _check(v, names, depth + 1)
        case ast.IfExp(test=test, body=body, orelse=orelse):
            for part in (test, body, orelse):
                _check(part, names, depth + 1)
        case ast.Call(func=ast.Name(id=fname), args=args, keywords=[]):
            if fname not in FUNCTIONS:
                raise FormulaError(f"hàm “{fname}” không có (chỉ có: {', '.join(FUNCTIONS)})")
            if len(args) not in FUNCTIONS[fname][1]:
                raise FormulaError(f"hàm “{fname}” nhận sai số tham số")
            for a in args:
                _check(a, names, depth + 1)
        case _:
            raise FormulaError(f"thành phần “{type(node).__name__}” không được phép trong công thức")


def _eval(node: ast.expr, values: Mapping[str, Decimal]) -> Decimal:
    match node:
        case ast.Constant(value=value):
            return Decimal(str(value))
        case ast.Name(id=name):
            return values[name]
        case ast.BinOp(left=left, op=op, right=right):
            return _BINOPS[type(op)](_eval(left, values), _eval(right, values))
        case ast.UnaryOp(op=ast.USub(), operand=operand):
            return -_eval(operand, values)
        case ast.UnaryOp(op=ast.UAdd(), operand=operand):
            return _eval(operand, values)
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            return ONE if _eval(operand, values) == 0 else ZERO
        case ast.Compare(left=left, ops=ops, comparators=comparators):
            current = _eval(left, values)
            for cmp, comp in zip(ops, comparators, strict=True):
                nxt = _eval(comp, values)
                if not _CMPOPS[type(cmp)](current, nxt):
                    return ZERO
                current = nxt
            return ONE
        case ast.BoolOp(op=ast.And(), values=parts):
            return ONE if all(_eval(p, values) != 0 for p in parts) else ZERO
        case ast.BoolOp(op=ast.Or(), values=parts):
            return ONE if any(_eval(p, values) != 0 for p in parts) else ZERO
        case ast.IfExp(test=test, body=body, orelse=orelse):
            return _eval(body, values) if _eval(test, values) != 0 else _eval(orelse, values)
        case ast.Call(func=ast.Name(id=fname), args=args):
            return FUNCTIONS[fname][0](*(_eval(a, values) for a in args))
    raise FormulaError(
        f"thành phần “{type(node).__name__}” không được phép"
    )  # pragma: no cover - _check refused it
