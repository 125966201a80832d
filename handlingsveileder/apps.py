from django.apps import AppConfig


class HandlingsveilederConfig(AppConfig):
    name = "handlingsveileder"

    def ready(self) -> None:
        from bti.registries import register_entry_listener
        from handlingsveileder.services.cases import tick_steps_for_entry

        register_entry_listener(tick_steps_for_entry)
