"""URLs of the ledger: one table."""

from django.urls import path

from minsheng.ledger import views, views_import, views_teams

app_name = "ledger"
urlpatterns = [
    path("", views.items, name="items"),
    path("new/", views.new, name="new"),
    path("import/", views_import.upload, name="import"),
    path("import/confirm/", views_import.confirm, name="import_confirm"),
    path("import/template.xlsx", views_import.template, name="import_template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.act, name="act"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("teams/", views_teams.teams, name="teams"),
    path("teams/new/", views_teams.team_new, name="team_new"),
    path("teams/<int:pk>/", views_teams.team, name="team"),
    path("teams/<int:pk>/edit/", views_teams.team_edit, name="team_edit"),
    path("teams/<int:pk>/inspect/", views_teams.inspect, name="team_inspect"),
    path("teams/evidence/<int:pk>/", views_teams.evidence, name="team_evidence"),
    path("rectifications/", views_teams.rectifications, name="rectifications"),
    path("rectifications/<int:pk>/", views_teams.rectification, name="rectification"),
    path(
        "rectifications/<int:pk>/act/<str:action>/",
        views_teams.rectification_act,
        name="rectification_act",
    ),
]
