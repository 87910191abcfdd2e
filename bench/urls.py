"""The product's URLs plus the reference views, for the benchmark only (see bench/settings.py)."""

from django.urls import path

from bench import views
from minsheng.urls import urlpatterns as product

urlpatterns = [
    path("_bench/bare", views.bare),
    path("_bench/floor/workbench", views.floor_workbench),  # ?q= : the workbench's search
    path("_bench/floor/ledger", views.floor_ledger),
    path("_bench/floor/wishes", views.floor_wall),
    path("_bench/floor/ranking", views.floor_ranking),
    path("_bench/floor/dashboard", views.floor_dashboard),
    path("_bench/floor/gongkai", views.floor_public),
    path("_bench/floor/gongkai-search", views.floor_public_search),
    path("_bench/floor/publications", views.floor_queue),
    *product,
]
