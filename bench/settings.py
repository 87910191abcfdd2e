"""Settings for `make bench` only: the product's settings plus the bench's own URLs.

The bare and floor views (bench/views.py) exist only under this URLconf, which only the bench's
gunicorn loads; a normal deployment (minsheng.settings, minsheng.urls) never mounts them."""

from minsheng.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
