from django.apps import AppConfig


class FamilieConfig(AppConfig):
    name = "familie"
    verbose_name = "Familien: foreldreportalen"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from bti import gate
        from bti.registries import CasePanel, register_case_panel, register_citizen_home, register_demo_seeder
        from familie import demo, identity, selectors

        # The family is one more audience of the read gate (bti/gate.py).
        gate.register_family_audience(
            gate.FamilyAudience(resolve=identity.resolve_case, categories=identity.categories)
        )
        gate.register_content("family_entries", selectors.family_entries)
        register_case_panel(CasePanel("familie", _("Familien og foreldreportalen"), "familie-panel", 20))
        register_citizen_home("familie-home", "familie-demo-login")
        register_demo_seeder("familie", demo.seed_families, order=200)
