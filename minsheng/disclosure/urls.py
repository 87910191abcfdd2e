"""The public site (/gongkai/, no sign-in) and, under /gongkai/staff/, the staff's publication
queue and review pages.

The public pages, the feed and the downloads send ETag / Last-Modified and answer 304
(`caching.public_cache`); the list (and its search), the feed and the downloads are rate
limited per address (`throttle.limit`)."""

from django.urls import path

from minsheng.disclosure import feeds, opendata, throttle, views, views_staff
from minsheng.disclosure.caching import public_cache

app_name = "disclosure"
urlpatterns = [
    path("", throttle.limit(throttle.list_group)(public_cache(views.index)), name="index"),
    path("<int:pk>/", public_cache(views.detail), name="detail"),
    path("tongji/", public_cache(views.statistics), name="statistics"),
    path("shishi/", public_cache(views.projects), name="projects"),
    path("feed/", throttle.limit("feed")(public_cache(feeds.feed)), name="feed"),
    path("data/", public_cache(opendata.index), name="open_data"),
    path(
        "data/<int:year>.csv",
        throttle.limit("download")(public_cache(opendata.download_csv)),
        name="download_csv",
    ),
    path(
        "data/<int:year>.xlsx",
        throttle.limit("download")(public_cache(opendata.download_xlsx)),
        name="download_xlsx",
    ),
    path("staff/", views_staff.queue, name="queue"),
    path("staff/batch/", views_staff.batch, name="batch"),
    path("staff/<int:pk>/", views_staff.review, name="review"),
    path("staff/<int:pk>/act/<str:action>/", views_staff.act, name="act"),
]
