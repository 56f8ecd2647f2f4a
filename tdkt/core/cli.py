"""Helpers shared by the console commands that read a JSON document (`score`, `tally`, `eligibility`)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tdkt.core.errors import Problem
from tdkt.core.strictjson import json_error

#: The exit status of a command whose input is refused (1 is any other failure).
REFUSED = 2


class InputRefused(CommandError):
    """The input document is refused: a Vietnamese heading and every problem, one a line."""

    def __init__(self, heading: str, problems: Iterable[str | Problem]) -> None:
        self.heading = heading
        self.problems = [
            str(p) if not isinstance(p, Problem) or not p.field else f"{p.field}: {p.message}"
            for p in problems
        ]
        super().__init__("\n- ".join([heading, *self.problems]), returncode=REFUSED)


class VietnameseCommand(BaseCommand):
    """A command whose errors are Vietnamese sentences: from the console, a CommandError is printed as it
    is, without Django's English "CommandError: " prefix, and the command exits with its return code
    (2 for a refused input). Called from code (`call_command`), it raises as usual."""

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
                raise
            self.stderr.write(str(exc))
            sys.exit(exc.returncode)


def read_json_file(name: str, *, max_bytes: int) -> Any:
    """The parsed JSON document in file `name`; an InputRefused in Vietnamese when it is missing, too
    large, not UTF-8 or not JSON (naming the line and column)."""
    path = Path(name)
    if not path.is_file():
        raise CommandError(f"Không tìm thấy tệp “{path}”")
    if path.stat().st_size > max_bytes:
        raise InputRefused(f"Tệp “{path}” lớn hơn {max_bytes // (1024 * 1024)} MB", [])
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise InputRefused(f"Tệp “{path}” không phải văn bản UTF-8", []) from exc
    except json.JSONDecodeError as exc:
        raise InputRefused(f"Tệp {json_error(exc)}", []) from exc
