from django.apps import AppConfig


class MovementsConfig(AppConfig):
    name = "tdkt.movements"
    label = "movements"
    verbose_name = "Phong trào, đăng ký, kết quả"
