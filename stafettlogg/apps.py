from django.apps import AppConfig


class StafettloggConfig(AppConfig):
    name = "stafettlogg"

    def ready(self) -> None:
        from bti import db_roles, gate, integrity, policy
        from stafettlogg import anchors, selectors

        db_roles.register_append_only("stafettlogg_entry")
        integrity.register_section(integrity.Section("stafettlogg", anchors.collect))
        # The timeline through the read gate: hidden entries as «skjult», barnevern's left out.
        gate.register_content("entries", selectors.gated_timeline)
        # The stafettholder opens the case; the policy reads the roles from the rows.
        policy.register_visibility_rule(selectors.rule_stafettholder)
        policy.register_holder_source(selectors.holder_rows)
