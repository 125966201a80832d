from django.apps import AppConfig


class SamarbeidConfig(AppConfig):
    name = "samarbeid"
    verbose_name = "Samarbeid: plan, tiltak, møter og overganger"

    def ready(self) -> None:
        from bti import gate, policy
        from samarbeid import selectors

        # The plan and the meetings, filtered by the reader's categories (bti/gate.py).
        gate.register_content("goals", selectors.gated_goals)
        gate.register_content("measures", selectors.gated_measures)
        gate.register_content("measure", selectors.gated_measure)
        gate.register_content("evaluations", selectors.gated_evaluations)
        gate.register_content("meetings", selectors.gated_meetings)
        gate.register_content("meeting", selectors.gated_meeting)
        # Members of the unit an overgang is proposed to read the case before they decide.
        policy.register_visibility_rule(selectors.rule_transfer_receiver)

        from bti.registries import register_followup_source

        # The overview's «evaluering forfalt» rule reads these rows (oversikt/sources.py).
        register_followup_source("measures_evaluation_overdue", selectors.measures_evaluation_overdue)
        register_followup_source("measures_evaluation_due", selectors.measures_evaluation_due)

        from bti.registries import register_demo_seeder
        from samarbeid.demo import seed_cases

        register_demo_seeder("samarbeid", seed_cases)
