"""`tdkt score`: score a cluster-year and print the explained ranking as JSON.

tdkt score --input FILE.json          from a JSON file, without the database
tdkt score --cluster CODE --year Y    from stored data (the current criteria set)
tdkt score verify RUN                 recompute a published run and compare it with what was published
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from tdkt.clusters.models import ClusterYear
from tdkt.core.cli import InputRefused, VietnameseCommand
from tdkt.core.strictjson import json_error
from tdkt.scoring.engine import ScoringInputError
from tdkt.scoring.jsonio import run, run_strict
from tdkt.scoring.models import ScoringRun
from tdkt.scoring.selectors import current_criteria_set, scoring_document
from tdkt.scoring.services import scoring_verify

MAX_INPUT_BYTES = 20 * 1024 * 1024


class Command(VietnameseCommand):
    help = (
        "Chấm điểm, xếp hạng một cụm – năm và in kết quả có giải thích (JSON). "
        "--input TỆP.json: từ tệp (xem docs/schemas/score-input.schema.json), không dùng cơ sở dữ liệu; "
        "--cluster MÃ --year NĂM: từ dữ liệu đã lưu; verify SỐ: kiểm tra lại một kết quả đã công bố."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "verb", nargs="?", choices=["verify"], help="verify: kiểm tra lại kết quả đã công bố"
        )
        parser.add_argument("run", nargs="?", type=int, help="số hiệu kết quả đã công bố (với verify)")
        parser.add_argument("--input", help="tệp JSON đầu vào, hoặc - để đọc từ stdin")
        parser.add_argument("--cluster", help="mã hoặc số hiệu cụm, khối")
        parser.add_argument("--year", type=int, help="năm thi đua")
        parser.add_argument("--indent", type=int, default=2, help="số dấu cách thụt lề (0: một dòng)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "verify":
            self._verify(options["run"])
            return
        if options["input"] and (options["cluster"] or options["year"]):
            raise CommandError("Dùng --input hoặc --cluster/--year, không dùng cả hai")
        if options["input"]:
            document = self._read(options["input"])
        elif options["cluster"] and options["year"]:
            document = self._stored(options["cluster"], options["year"])
        else:
            raise CommandError("Cần --input TỆP.json, hoặc --cluster MÃ --year NĂM, hoặc verify SỐ")
        try:
            # a file from outside is held to the published schema; stored data is built by the system
            result = run_strict(document) if options["input"] else run(document)
        except ScoringInputError as exc:
            raise InputRefused("Dữ liệu chấm điểm không hợp lệ:", exc.problems) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=options["indent"] or None))

    def _read(self, source: str) -> Any:
        try:
            if source == "-":
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
            return json.loads(text, parse_float=Decimal)  # as the API reads them: no float rounding
        except json.JSONDecodeError as exc:
            raise CommandError(f"Tệp {json_error(exc)}") from exc

    def _stored(self, cluster: str, year: int) -> dict[str, Any]:
        years = ClusterYear.objects.filter(year=year)
        years = (
            years.filter(cluster__pk=int(cluster))
            if cluster.isdigit()
            else years.filter(cluster__code=cluster)
        )
        cluster_year = years.first()
        if cluster_year is None:
            raise CommandError(f"Không có cụm “{cluster}” năm {year}")
        criteria_set = current_criteria_set(cluster_year)
        if criteria_set is None:
            raise CommandError(f"{cluster_year} chưa có bộ tiêu chí")
        return scoring_document(criteria_set)

    def _verify(self, run_id: int | None) -> None:
        if run_id is None:
            raise CommandError("Cần số hiệu kết quả: tdkt score verify SỐ")
        scoring_run = (
            ScoringRun.objects.select_related("criteria_set__cluster_year__cluster").filter(pk=run_id).first()
        )
        if scoring_run is None:
            raise CommandError(f"Không có kết quả đã công bố số {run_id}")
        verdict = scoring_verify(scoring_run)
        self.stdout.write(f"{scoring_run} (mã băm {scoring_run.inputs_hash})")
        for reason in verdict.reasons:
            self.stdout.write(("ĐÚNG: " if verdict.ok else "SAI: ") + reason)
        if not verdict.ok:
            raise CommandError("Kết quả tính lại không khớp với kết quả đã công bố")
