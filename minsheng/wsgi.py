"""WSGI entry point (gunicorn minsheng.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
application = get_wsgi_application()

# What the loaded app holds (modules, models, URL patterns, settings) lives as long as the
# worker: keep it out of the garbage collector's full walks, which at 100,000 suggestions took
# a tenth of a list page's time (docs/performance.md). Objects made by requests are collected
# as before.
gc.freeze()
