from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "tdkt.org"
    label = "org"
    verbose_name = "Đơn vị và tài khoản"
