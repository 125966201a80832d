from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KommuneadminConfig(AppConfig):
    name = "kommuneadmin"
    verbose_name = _("Kommunens administrasjon")

    def ready(self) -> None:
        from bti.registries import (
            HomeLink,
            SettingsPage,
            register_home_link,
            register_settings_page,
            register_staff_login_resolver,
        )
        from kommuneadmin.services.entra import resolve_login

        register_staff_login_resolver(resolve_login)
        register_home_link(
            HomeLink(
                "kommuneadmin", _("Kommunens administrasjon"), "ka-home", lambda roles: "administrator" in roles, 10
            )
        )
        register_home_link(
            HomeLink(
                "koordinator",
                _("BTI i kommunen (BTI-koordinator)"),
                "koordinator",
                lambda roles: "bti_koordinator" in roles,
                20,
            )
        )
        for page in (
            SettingsPage(
                "aldersregler",
                _("Aldersregler"),
                _("Når barnet skal høres, og når ungdommen samtykker selv."),
                "ka-age-rules",
                10,
            ),
            SettingsPage(
                "oppfolging",
                _("Oppfølgingsinnstillinger"),
                _("Frister og grenser for oppfølgingsbrudd per nivå."),
                "ka-followup",
                20,
            ),
            SettingsPage(
                "sprak",
                _("Administrasjonsspråk"),
                _("Bokmål, nynorsk eller engelsk for de ansatte, PDF-ene og e-postene (målvedtaket)."),
                "ka-language",
                25,
            ),
            SettingsPage(
                "kategorier",
                _("Opplysningskategorier"),
                _("Hvilke slags opplysninger et samtykke kan gjelde."),
                "ka-categories",
                30,
            ),
            SettingsPage(
                "id-leverandorer",
                _("ID-leverandører"),
                _("Innlogging med Entra ID eller ID-porten, og grupper som gir tilknytninger."),
                "ka-providers",
                40,
            ),
        ):
            register_settings_page(page)
