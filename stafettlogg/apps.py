from django.apps import AppConfig


class StafettloggConfig(AppConfig):
    name = "stafettlogg"

    def ready(self) -> None:
        from bti import db_roles, integrity
        from stafettlogg import anchors

        db_roles.register_append_only("stafettlogg_entry")
        integrity.register_section(integrity.Section("stafettlogg", anchors.collect))
