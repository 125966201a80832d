from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "consent"

    def ready(self) -> None:
        from bti import basis
        from consent.basis import RULE

        # The one valid-basis rule the policy, the services and the overview ask (bti/basis.py).
        basis.register_basis_rule(RULE)
