from typing import Any

from django.core.management.base import BaseCommand

from tdkt.demo import loader


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (cụm miền núi Quảng Nam 2023–2024, cụm Quảng Bình 2023–2024) và in tài khoản dùng thử."

    def handle(self, *args: Any, **options: Any) -> None:
        if loader.is_loaded():
            self.stdout.write("Dữ liệu mẫu đã có sẵn: không nạp lại.")
        else:
            loader.load()
            self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu mẫu."))
        self.stdout.write(loader.accounts_text())
