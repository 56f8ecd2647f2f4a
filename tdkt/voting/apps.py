from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "tdkt.voting"
    label = "voting"
    verbose_name = "Hội nghị, bỏ phiếu"
