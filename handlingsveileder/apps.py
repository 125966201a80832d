from django.apps import AppConfig


class HandlingsveilederConfig(AppConfig):
    name = "handlingsveileder"
