from django.urls import path

from minsheng.evaluation import campaign_views, views

app_name = "evaluation"

urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("mine/", views.mine, name="mine"),
    path("units/<int:pk>/", views.unit_card, name="unit"),
    path("units/<int:pk>/<slug:key>/", views.drill_down, name="drill_down"),
    path("satisfaction/", views.satisfaction, name="satisfaction"),
    # The evaluation campaign (代表建议评估) and the deputies' opinions.
    path("campaigns/", campaign_views.campaign_list, name="campaigns"),
    path("campaigns/new/", campaign_views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", campaign_views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/history/", campaign_views.campaign_history, name="campaign_history"),
    path("campaigns/<int:pk>/steps/add/", campaign_views.step_add, name="step_add"),
    path("campaigns/<int:pk>/opinions/", campaign_views.opinions, name="opinions"),
    path("steps/<int:pk>/", campaign_views.step_detail, name="step"),
    path("steps/<int:pk>/edit/", campaign_views.step_edit, name="step_edit"),
    path("steps/<int:pk>/remove/", campaign_views.step_remove, name="step_remove"),
    path("steps/<int:pk>/move/<str:direction>/", campaign_views.step_move, name="step_move"),
    path("steps/<int:pk>/act/<str:action>/", campaign_views.step_act, name="step_act"),
    path("documents/<int:pk>/", campaign_views.document, name="document"),
    path("opinions/", campaign_views.my_opinions, name="my_opinions"),
    path("opinions/<int:pk>/", campaign_views.opinion, name="opinion"),
]
