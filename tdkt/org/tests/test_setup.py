"""`tdkt setup` and `province_setup`: the first run on an empty database, refused on any other."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command

from tdkt.core.cli import InputRefused
from tdkt.core.errors import ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.org.models import Account, Role, Unit, UnitKind
from tdkt.org.services import province_setup

ROOT = Path(__file__).resolve().parents[3]
OPTIONS = {
    "province_name": "Tỉnh Quảng Nam",
    "province_code": "QNA",
    "username": "bantdkt",
    "full_name": "Lê Văn An",
}


def _state() -> tuple[int, int, int, int]:
    return Unit.objects.count(), Account.objects.count(), User.objects.count(), AuditEvent.objects.count()


def _setup(capsys: pytest.CaptureFixture[str], **options: Any) -> str:
    call_command("setup", **{**OPTIONS, "no_input": True, **options})
    return capsys.readouterr().out


@pytest.mark.django_db
def test_setup_creates_the_province_and_the_boards_first_account(capsys: pytest.CaptureFixture[str]) -> None:
    out = _setup(capsys, generate_password=True, position="Trưởng ban")
    province = Unit.objects.get()
    assert (province.name, province.code, province.kind, province.parent) == (
        "Tỉnh Quảng Nam",
        "QNA",
        UnitKind.PROVINCE,
        None,
    )
    account = Account.objects.select_related("user").get()
    assert (account.role, account.unit, account.position) == (Role.BOARD, None, "Trưởng ban")
    assert (account.user.last_name, account.user.first_name) == ("Lê Văn", "An")
    password = out.split("phải đổi ở lần đăng nhập đầu tiên): ")[1].strip()
    assert authenticate(username="bantdkt", password=password) == account.user
    assert account.must_change_password  # printed on a console: its holder chooses their own
    assert "Đã cài đặt Tỉnh Quảng Nam (mã QNA)" in out
    assert AuditEvent.objects.filter(action="setup").count() == 1


@pytest.mark.django_db
def test_a_password_typed_twice_is_kept_without_a_forced_change(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(["mat-khau-rieng-2025", "mat-khau-rieng-2025"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("builtins.input", lambda prompt="": "Thành phố Đà Nẵng")
    call_command(
        "setup", province_code="DNG", province_kind="thanh_pho_tw", username="ban", full_name="Trần Bình"
    )
    province = Unit.objects.get()
    assert (province.name, province.kind) == ("Thành phố Đà Nẵng", UnitKind.CENTRAL_CITY)
    account = Account.objects.get()
    assert not account.must_change_password
    assert authenticate(username="ban", password="mat-khau-rieng-2025") == account.user
    assert "mat-khau-rieng-2025" not in capsys.readouterr().out


@pytest.mark.django_db
def test_two_different_passwords_are_refused_with_nothing_written(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["mat-khau-rieng-2025", "mat-khau-khac-2025"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(InputRefused, match="hai lần nhập mật khẩu không khớp nhau"):
        call_command("setup", **OPTIONS)
    assert _state() == (0, 0, 0, 0)


def test_setup_refuses_a_database_that_holds_units(world: World) -> None:
    before = _state()
    with pytest.raises(InputRefused, match="Cơ sở dữ liệu đã có đơn vị hoặc tài khoản") as refused:
        call_command("setup", **OPTIONS, no_input=True, generate_password=True)
    assert refused.value.returncode == 2
    assert _state() == before


@pytest.mark.django_db
def test_setup_refuses_a_database_that_holds_only_an_account() -> None:
    user = User.objects.create_user(username="cu", password="mat-khau-cu-2024")
    Account.objects.create(user=user, role=Role.BOARD)
    with pytest.raises(InputRefused, match="chỉ dùng cho lần cài đặt đầu tiên"):
        call_command("setup", **OPTIONS, no_input=True, generate_password=True)
    assert Unit.objects.count() == 0 and Account.objects.count() == 1


@pytest.mark.django_db
def test_without_questions_every_missing_option_is_named() -> None:
    with pytest.raises(InputRefused) as refused:
        call_command("setup", no_input=True, generate_password=True, username="ban")
    assert refused.value.problems == [
        "--province-name: bắt buộc khi dùng --no-input",
        "--province-code: bắt buộc khi dùng --no-input",
        "--full-name: bắt buộc khi dùng --no-input",
    ]
    with pytest.raises(InputRefused, match="hãy dùng --generate-password"):
        call_command("setup", **OPTIONS, no_input=True)
    assert _state() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_bad_input_is_refused_naming_each_option_with_nothing_written() -> None:
    with pytest.raises(InputRefused) as refused:
        call_command(
            "setup",
            **{**OPTIONS, "username": "ban tdkt", "province_code": "Q" * 41},
            no_input=True,
            generate_password=True,
        )
    problems = refused.value.problems
    assert "--province-code: mã tỉnh, thành phố dài quá 40 ký tự" in problems
    assert any(p.startswith("--username: tên đăng nhập “ban tdkt” chỉ được gồm chữ cái") for p in problems)
    assert _state() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_province_setup_gives_every_problem_at_once_in_vietnamese() -> None:
    with pytest.raises(ValidationFailed) as refused:
        province_setup(
            province_name=" ",
            province_code="",
            province_kind=UnitKind.DISTRICT,
            username="",
            full_name="",
            password="123",
        )
    assert {(p.field, p.message) for p in refused.value.problems} == {
        ("province_kind", "loại phải là tỉnh hoặc thành phố trực thuộc Trung ương"),
        ("province_name", "chưa ghi tên tỉnh, thành phố"),
        ("province_code", "chưa ghi mã tỉnh, thành phố"),
        ("username", "chưa ghi tên đăng nhập"),
        ("full_name", "chưa ghi họ và tên"),
        ("password", "mật khẩu quá ngắn: cần ít nhất 8 ký tự"),
        ("password", "mật khẩu này quá phổ biến, dễ bị đoán: hãy chọn mật khẩu khác"),
    }
    assert _state() == (0, 0, 0, 0)


def test_from_the_console_a_refusal_is_vietnamese_without_the_commanderror_prefix(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'tdkt.sqlite3'}"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "tdkt.cli", *args]
        return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, check=False)

    assert run("migrate", "-v0").returncode == 0
    options = ["--province-name", "Tỉnh Thử", "--province-code", "TT", "--username", "ban"]
    first = run("setup", *options, "--full-name", "Lê An", "--generate-password", "--no-input")
    assert first.returncode == 0, first.stderr
    assert "Mật khẩu tạm" in first.stdout
    again = run("setup", *options, "--full-name", "Lê An", "--generate-password", "--no-input")
    assert again.returncode == 2 and again.stdout == ""
    assert again.stderr.startswith("Cơ sở dữ liệu đã có đơn vị hoặc tài khoản")
    assert "CommandError" not in again.stderr and "Traceback" not in again.stderr
