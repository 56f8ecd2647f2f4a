"""Helpers shared by the console commands that read a JSON document (`tally`, `eligibility`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError


def read_json_file(name: str, *, max_bytes: int) -> Any:
    """The parsed JSON document in file `name`; a CommandError in Vietnamese when it is missing, too large,
    not UTF-8 or not JSON (naming the line and column)."""
    path = Path(name)
    if not path.is_file():
        raise CommandError(f"Không tìm thấy tệp “{path}”")
    if path.stat().st_size > max_bytes:
        raise CommandError(f"Tệp “{path}” lớn hơn {max_bytes // (1024 * 1024)} MB")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise CommandError(f"Tệp “{path}” không phải văn bản UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"Tệp không phải JSON hợp lệ: dòng {exc.lineno}, cột {exc.colno}: {exc.msg}"
        ) from exc
