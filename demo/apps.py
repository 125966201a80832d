from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The tools that by nature span every app: the demo kommune (``seed_demo``), the
    generated kommuner (``seed_scale``) and the benches. Nothing imports this app except
    tests, the Makefile and scripts, so the core and the feature apps keep pointing down."""

    name = "demo"
    verbose_name = _("Demodata og måling")
