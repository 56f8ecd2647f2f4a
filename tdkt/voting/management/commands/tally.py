"""`tdkt tally --input FILE.json`: count a box of ballots from JSON, without the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tdkt.voting.jsonio import run
from tdkt.voting.tally import TallyError

MAX_INPUT_BYTES = 20 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Kiểm phiếu từ tệp JSON (quy tắc, ứng viên, số cử tri, các phiếu; xem "
        "docs/schemas/tally-input.schema.json) và in kết quả dưới dạng JSON. Không dùng cơ sở dữ liệu."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="tệp JSON đầu vào")
        parser.add_argument("--indent", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["input"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp “{path}”")
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise CommandError(f"Tệp “{path}” lớn hơn 20 MB")
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            raise CommandError(f"Tệp “{path}” không phải văn bản UTF-8") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"Tệp không phải JSON hợp lệ: dòng {exc.lineno}, cột {exc.colno}: {exc.msg}"
            ) from exc
        try:
            result = run(document)
        except TallyError as exc:
            raise CommandError("Không kiểm phiếu được:\n- " + "\n- ".join(exc.problems)) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=options["indent"] or None))
