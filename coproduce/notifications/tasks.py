"""Background tasks (django-tasks, ADR 0002): sending one message."""

from django_tasks import task

from coproduce.notifications.sending import send_message_now


@task()
def send_message(message_id: int) -> str | None:
    """Send the message if it is due and not already being sent; safe to run twice."""
    return send_message_now(message_id)
