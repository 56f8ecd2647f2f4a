"""The one error type services raise for a refused input or action; its message is Vietnamese."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One problem with an input, located where a person can find it."""

    message: str
    row: int | None = None
    column: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.column:
            where.append(f"cột {self.column}")
        if self.field and not self.column:
            where.append(f"trường “{self.field}”")
        prefix = ", ".join(where)
        return f"{prefix[:1].upper() + prefix[1:]}: {self.message}" if prefix else self.message


@dataclass
class ValidationFailed(Exception):
    """Raised by a service when its input is refused; nothing has been written."""

    problems: list[Problem] = field(default_factory=list)

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    @property
    def messages(self) -> list[str]:
        return [str(p) for p in self.problems]


class NotPermitted(Exception):
    """The actor may not do this. Views turn it into 403 (or 404 where the object is not visible)."""

    def __init__(self, message: str = "Bạn không có quyền thực hiện thao tác này") -> None:
        super().__init__(message)
        self.message = message
