"""The delivery task (django-tasks): the worker (`minsheng db_worker`) runs it."""

from __future__ import annotations

from django_tasks import task

from minsheng.notifications import delivery


@task()
def deliver_task(delivery_id: int) -> str:
    return delivery.deliver(delivery_id)
