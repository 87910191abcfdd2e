"""URLs of the ledger: one table."""

from django.urls import path

from minsheng.ledger import views, views_import, views_vote

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
    path("vote/", views_vote.rounds, name="vote_rounds"),
    path("vote/new/", views_vote.new, name="vote_new"),
    path("vote/<int:pk>/", views_vote.round_page, name="vote_round"),
    path("vote/<int:pk>/act/<str:action>/", views_vote.act, name="vote_act"),
    path("vote/<int:pk>/ballot/", views_vote.ballot, name="vote_ballot"),
    path("vote/<int:pk>/rate/", views_vote.rate, name="vote_rate"),
]
