from django.apps import AppConfig


class SamarbeidConfig(AppConfig):
    name = "samarbeid"
    verbose_name = "Samarbeid: plan, tiltak, møter og overganger"

    def ready(self) -> None:
        from bti.registries import register_demo_seeder
        from samarbeid.demo import seed_cases

        register_demo_seeder("samarbeid", seed_cases)
