from django.apps import AppConfig


class HandlingsveilederConfig(AppConfig):
    name = "handlingsveileder"

    def ready(self) -> None:
        from bti.registries import register_entry_listener
        from handlingsveileder.services.cases import tick_steps_for_entry

        register_entry_listener(tick_steps_for_entry)

        from bti.registries import register_case_opened
        from handlingsveileder.services import attach_guide

        # A new case follows its unit's published guide (cases does not import this app).
        register_case_opened(attach_guide)
