from django.apps import AppConfig


class StafettloggConfig(AppConfig):
    name = "stafettlogg"
