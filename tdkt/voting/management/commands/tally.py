"""`tdkt tally --input FILE.json`: count a box of ballots from JSON, without the database."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from tdkt.core.cli import InputRefused, VietnameseCommand, read_json_file
from tdkt.voting.jsonio import run
from tdkt.voting.tally import TallyError

MAX_INPUT_BYTES = 20 * 1024 * 1024


class Command(VietnameseCommand):
    help = (
        "Kiểm phiếu từ tệp JSON (quy tắc, ứng viên, số cử tri, các phiếu; xem "
        "docs/schemas/tally-input.schema.json) và in kết quả dưới dạng JSON. Không dùng cơ sở dữ liệu."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="tệp JSON đầu vào")
        parser.add_argument("--indent", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        document = read_json_file(options["input"], max_bytes=MAX_INPUT_BYTES)
        try:
            result = run(document)
        except TallyError as exc:
            raise InputRefused("Không kiểm phiếu được:", exc.problems) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=options["indent"] or None))
