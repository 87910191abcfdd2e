"""URLs of the ledger: one table."""

from django.urls import path

from minsheng.ledger import views, views_import, views_teams, views_vote

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
    path("vote/", views_vote.rounds, name="vote_rounds"),
    path("vote/new/", views_vote.new, name="vote_new"),
    path("vote/<int:pk>/", views_vote.round_page, name="vote_round"),
    path("vote/<int:pk>/act/<str:action>/", views_vote.act, name="vote_act"),
    path("vote/<int:pk>/ballot/", views_vote.ballot, name="vote_ballot"),
    path("vote/<int:pk>/rate/", views_vote.rate, name="vote_rate"),
]
