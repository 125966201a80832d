from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"

    def ready(self) -> None:
        from bti import policy
        from cases.models import Case, Child

        # The case loader of the access policy and the read gate (bti/ imports no feature app).
        policy.register_case_models(case=Case, child=Child)
