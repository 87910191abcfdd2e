"""The product's URLs plus three reference views, for the benchmark only (see bench/settings.py)."""

from django.urls import path

from bench import views
from minsheng.urls import urlpatterns as product

urlpatterns = [
    path("_bench/bare", views.bare),
    path("_bench/floor/workbench", views.floor_workbench),
    path("_bench/floor/ledger", views.floor_ledger),
    path("_bench/floor/wishes", views.floor_wall),
    path("_bench/floor/ranking", views.floor_ranking),
    *product,
]
