"""`tdkt score --input FILE.json`: score a whole cluster-year from a JSON file, without the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tdkt.scoring.engine import ScoringInputError
from tdkt.scoring.jsonio import run

MAX_INPUT_BYTES = 20 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Chấm điểm, xếp hạng một cụm – năm từ tệp JSON (xem docs/schemas/score-input.schema.json) "
        "và in kết quả có giải thích dưới dạng JSON. Không đọc, không ghi cơ sở dữ liệu."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="tệp JSON đầu vào, hoặc - để đọc từ stdin")
        parser.add_argument("--indent", type=int, default=2, help="số dấu cách thụt lề (0: một dòng)")

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["input"]
        try:
            if source == "-":
                import sys

                text = sys.stdin.read(MAX_INPUT_BYTES + 1)
            else:
                path = Path(source)
                if not path.is_file():
                    raise CommandError(f"Không tìm thấy tệp “{source}”")
                if path.stat().st_size > MAX_INPUT_BYTES:
                    raise CommandError(f"Tệp “{source}” lớn hơn 20 MB")
                text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise CommandError(f"Tệp “{source}” không phải văn bản UTF-8") from exc
        if len(text) > MAX_INPUT_BYTES:
            raise CommandError("Dữ liệu vào lớn hơn 20 MB")
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"Tệp không phải JSON hợp lệ: dòng {exc.lineno}, cột {exc.colno}: {exc.msg}"
            ) from exc
        try:
            result = run(document)
        except ScoringInputError as exc:
            raise CommandError("Dữ liệu chấm điểm không hợp lệ:\n- " + "\n- ".join(exc.problems)) from exc
        indent = options["indent"] or None
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=indent))
