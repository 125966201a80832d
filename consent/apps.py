from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"

    def ready(self) -> None:
        from bti import basis
        from consent.basis import RULE

        # The one valid-basis rule the policy, the services and the overview ask (bti/basis.py).
        basis.register_basis_rule(RULE)

        from bti import policy
        from consent.grants import current_grants

        # A leader's time-limited grant opens one case (bti.policy.rule_explicit_grant).
        policy.register_grant_source(current_grants)

        from bti.registries import register_followup_source
        from consent.selectors import consents_expiring

        # The overview's «samtykke utløper» rule reads these rows (oversikt/sources.py).
        register_followup_source("consents_expiring", consents_expiring)

        from bti.registries import SettingsPage, register_settings_page

        # Innsyn per person (GDPR art. 15): the kommune's administration answers the request.
        register_settings_page(
            SettingsPage(
                "innsyn-per-person",
                _("Innsyn per person"),
                _(
                    "Alt kommunen har om ett barn, i alle saker og enheter, som PDF og JSON (personvernforordningen art. 15)."
                ),
                "innsyn-person-sok",
                60,
            )
        )
