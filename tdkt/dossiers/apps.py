from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "tdkt.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ đề nghị khen thưởng"
