"""`tdkt setup`: the first run of a province without the demo — the province and the board's first account.

    tdkt setup --province-name "Tỉnh Quảng Nam" --province-code QNA --username bantdkt --full-name "Lê Văn An"

What is not given as an option is asked; the password is asked twice without echo, or generated with
`--generate-password` and printed once (then it must be changed at the first login). Refused, in
Vietnamese, on a database that already holds a unit or an account.
"""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import CommandParser

from tdkt.core.cli import InputRefused, VietnameseCommand
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.org.models import UnitKind
from tdkt.org.selectors import setup_needed
from tdkt.org.services import PROVINCE_KINDS, province_setup, temporary_password

# The services' field → the option a person typed it as.
OPTIONS = {
    "province_name": "--province-name",
    "province_code": "--province-code",
    "province_kind": "--province-kind",
    "username": "--username",
    "full_name": "--full-name",
    "position": "--position",
    "password": "mật khẩu",
}
QUESTIONS = {
    "province_name": "Tên tỉnh, thành phố (ví dụ: Tỉnh Quảng Nam): ",
    "province_code": "Mã tỉnh, thành phố (ví dụ: QNA): ",
    "username": "Tên đăng nhập của tài khoản Ban Thi đua – Khen thưởng: ",
    "full_name": "Họ và tên người dùng tài khoản này: ",
}
NOT_EMPTY = (
    "Cơ sở dữ liệu đã có đơn vị hoặc tài khoản: “tdkt setup” chỉ dùng cho lần cài đặt đầu tiên, "
    "trên cơ sở dữ liệu trống. Tài khoản mới do Ban Thi đua – Khen thưởng tạo trên trang “Tài khoản”."
)


class Command(VietnameseCommand):
    help = "Cài đặt lần đầu: tạo tỉnh (thành phố) và tài khoản đầu tiên của Ban Thi đua – Khen thưởng."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province-name", help="tên tỉnh, thành phố, ví dụ “Tỉnh Quảng Nam”")
        parser.add_argument("--province-code", help="mã tỉnh, thành phố, ví dụ “QNA”")
        parser.add_argument(
            "--province-kind",
            choices=[str(kind) for kind in PROVINCE_KINDS],
            default=UnitKind.PROVINCE.value,
            help="tinh (tỉnh, mặc định) hoặc thanh_pho_tw (thành phố trực thuộc Trung ương)",
        )
        parser.add_argument("--username", help="tên đăng nhập của tài khoản Ban Thi đua – Khen thưởng")
        parser.add_argument("--full-name", help="họ và tên người dùng tài khoản")
        parser.add_argument("--position", default="", help="chức vụ (không bắt buộc)")
        parser.add_argument(
            "--generate-password",
            action="store_true",
            help="tạo mật khẩu tạm và in ra một lần (phải đổi ở lần đăng nhập đầu tiên)",
        )
        parser.add_argument(
            "--no-input", action="store_true", help="không hỏi gì: mọi giá trị phải có trong tùy chọn"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not setup_needed():
            raise InputRefused(NOT_EMPTY, [])
        interactive = not options["no_input"]
        values = {name: (options.get(name) or "").strip() for name in QUESTIONS}
        missing = [name for name, value in values.items() if not value]
        if missing and not interactive:
            raise InputRefused(
                "Chưa cài đặt: thiếu tùy chọn",
                [Problem("bắt buộc khi dùng --no-input", field=OPTIONS[name]) for name in missing],
            )
        for name in missing:
            values[name] = self._ask(QUESTIONS[name])
        generated = options["generate_password"]
        if generated:
            password = temporary_password()
        elif not interactive:
            raise InputRefused("Chưa cài đặt: với --no-input hãy dùng --generate-password", [])
        else:
            password = self._password()
        try:
            province, account = province_setup(
                province_name=values["province_name"],
                province_code=values["province_code"],
                province_kind=options["province_kind"],
                username=values["username"],
                full_name=values["full_name"],
                position=options["position"],
                password=password,
                must_change_password=generated,
            )
        except ValidationFailed as exc:
            raise InputRefused(
                "Chưa cài đặt, không có gì được ghi:",
                [Problem(p.message, field=OPTIONS.get(p.field or "", p.field)) for p in exc.problems],
            ) from exc
        self.stdout.write(
            f"Đã cài đặt {province.name} (mã {province.code}) và tài khoản Ban Thi đua – Khen thưởng "
            f"“{account.user.username}”."
        )
        if generated:
            self.stdout.write(
                f"Mật khẩu tạm (chỉ hiện một lần, phải đổi ở lần đăng nhập đầu tiên): {password}"
            )

    def _ask(self, question: str) -> str:
        try:
            return input(question).strip()
        except EOFError as exc:
            raise InputRefused(
                f"Chưa cài đặt: không đọc được câu trả lời cho “{question.strip()}”", []
            ) from exc

    def _password(self) -> str:
        try:
            first = getpass.getpass("Mật khẩu: ")
            again = getpass.getpass("Nhập lại mật khẩu: ")
        except EOFError as exc:
            raise InputRefused(
                "Chưa cài đặt: không đọc được mật khẩu (hoặc dùng --generate-password)", []
            ) from exc
        if first != again:
            raise InputRefused("Chưa cài đặt: hai lần nhập mật khẩu không khớp nhau", [])
        return first
