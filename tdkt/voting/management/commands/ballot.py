"""`tdkt ballot verify ID`: check a closed or counted ballot again — its box, receipts and codes against each
other and against the digests fixed at close, and that counting the stored box gives the stored result."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from tdkt.core.cli import InputRefused, VietnameseCommand
from tdkt.voting.counting import ballot_verify
from tdkt.voting.models import Ballot, BallotStatus


class Command(VietnameseCommand):
    help = "Kiểm tra lại một cuộc bỏ phiếu đã đóng hòm hoặc đã kiểm phiếu: tdkt ballot verify ID"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"], help="verify: kiểm tra lại hòm phiếu và kết quả")
        parser.add_argument("ballot_id", type=int, help="số hiệu cuộc bỏ phiếu")

    def handle(self, *args: Any, **options: Any) -> None:
        ballot = Ballot.objects.filter(pk=options["ballot_id"]).first()
        if ballot is None:
            raise InputRefused(f"Không có cuộc bỏ phiếu số {options['ballot_id']}.", [])
        if ballot.status in (BallotStatus.DRAFT, BallotStatus.OPEN):
            raise InputRefused(
                f"Cuộc bỏ phiếu “{ballot}” {ballot.get_status_display().lower()}: hòm phiếu chưa đóng, chưa có "
                "gì để kiểm tra.",
                [],
            )
        problems = ballot_verify(ballot)
        if problems:
            raise InputRefused(
                f"Cuộc bỏ phiếu “{ballot}” KHÔNG còn như lúc đóng hòm và kiểm phiếu:", problems
            )
        self.stdout.write(
            f"Cuộc bỏ phiếu “{ballot}” ({ballot.get_status_display().lower()}): hòm phiếu, biên nhận, mã và kết "
            "quả khớp với lúc đóng hòm và kiểm phiếu."
        )
