from django.apps import AppConfig


class ClustersConfig(AppConfig):
    name = "tdkt.clusters"
    label = "clusters"
    verbose_name = "Cụm, khối thi đua"
