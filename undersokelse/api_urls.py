from __future__ import annotations

from django.urls import path

from undersokelse import api

urlpatterns = [
    path("undersokelse/kommuner/", api.KommunerView.as_view(), name="api-survey-kommuner"),
    path("undersokelse/invitasjoner/", api.InvitationsView.as_view(), name="api-survey-invitations"),
    path("undersokelse/kommuner/<int:kommune_id>/runder/", api.RoundsView.as_view(), name="api-survey-rounds"),
    path("undersokelse/runder/<int:round_id>/", api.RoundView.as_view(), name="api-survey-round"),
    path("undersokelse/runder/<int:round_id>/apne/", api.RoundOpenView.as_view(), name="api-survey-round-open"),
    path("undersokelse/runder/<int:round_id>/avslutt/", api.RoundCloseView.as_view(), name="api-survey-round-close"),
    path(
        "undersokelse/runder/<int:round_id>/paminnelse/", api.RoundRemindView.as_view(), name="api-survey-round-remind"
    ),
    path("undersokelse/runder/<int:round_id>/svar/", api.AnswerView.as_view(), name="api-survey-answer"),
    path("undersokelse/runder/<int:round_id>/resultater/", api.ResultsView.as_view(), name="api-survey-results"),
    path("undersokelse/runder/<int:round_id>/rapport/csv/", api.ReportCsvView.as_view(), name="api-survey-report-csv"),
]
