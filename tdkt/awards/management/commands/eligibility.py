"""`tdkt eligibility --input FILE.json`: explained eligibility verdicts from JSON, without the database."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from tdkt.awards.jsonio import EligibilityInputError, run
from tdkt.core.cli import InputRefused, VietnameseCommand, read_json_file

MAX_INPUT_BYTES = 50 * 1024 * 1024


class Command(VietnameseCommand):
    help = (
        "Xét điều kiện danh hiệu thi đua, hình thức khen thưởng từ tệp JSON (đối tượng và quá trình thành "
        "tích, năm xét, tham số điều chỉnh; xem docs/schemas/eligibility-input.schema.json) và in kết luận có "
        "giải thích, trích dẫn dưới dạng JSON. Không dùng cơ sở dữ liệu."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="tệp JSON đầu vào")
        parser.add_argument("--indent", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        document = read_json_file(options["input"], max_bytes=MAX_INPUT_BYTES)
        try:
            result = run(document)
        except EligibilityInputError as exc:
            raise InputRefused("Không xét được:", exc.problems) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=options["indent"] or None))
