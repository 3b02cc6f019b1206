"""Background tasks of subject access (django-tasks, ADR 0002).

`prepare_subject_access_copy` is queued on commit by the services whenever a copy is asked for;
the tests and `make demo` run it at once, production with `manage.py db_worker`.
`delete_expired_subject_access_copies` deletes copies past their time; the daily retention run
calls `services.delete_expired_copies` itself, and this task is there for a scheduler to queue.
"""

from django_tasks import task

from coproduce.audit.context import audit_context
from coproduce.subject_access.services import PURPOSE, delete_expired_copies, store_prepared_copy


@task()
def prepare_subject_access_copy(request_id: int, preparation_number: int) -> str:
    """Prepare and store the copy for one request. Returns its status, or "overtaken" if a newer
    preparation or a decision on a restricted note came first (nothing is stored then)."""
    with audit_context(purpose=PURPOSE):
        request = store_prepared_copy(request_id=request_id, preparation_number=preparation_number)
    return request.status if request is not None else "overtaken"


@task()
def delete_expired_subject_access_copies() -> int:
    """Delete the copies kept longer than they may be. Returns how many."""
    return delete_expired_copies()
