from django.apps import AppConfig


class SamarbeidConfig(AppConfig):
    name = "samarbeid"
    verbose_name = "Samarbeid: plan, tiltak, møter og overganger"
