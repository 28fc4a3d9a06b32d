import logging

from django.utils import timezone
from django_tasks import task

from files.kinds import KINDS
from files.models import FileState, PreparedFile

logger = logging.getLogger(__name__)


@task()
def prepare_file(file_id: str) -> None:
    """Build a requested file, saying how far it has got as it goes. A failure is recorded on the
    file (the person sees "Could not be prepared") and logged, then raised for the task's own
    result."""
    prepared = PreparedFile.objects.select_related("requested_by").get(pk=file_id)
    if prepared.state != FileState.WAITING:
        return  # already taken by another worker, or finished
    PreparedFile.objects.filter(pk=file_id).update(state=FileState.PREPARING)

    def progress(done: int, total: int) -> None:
        PreparedFile.objects.filter(pk=file_id).update(done=done, total=total)

    try:
        filename, content_type, content = KINDS[prepared.kind].build(
            prepared.requested_by, prepared.parameters, progress
        )
    except Exception:
        logger.exception("Could not prepare file %s (%s)", file_id, prepared.kind)
        PreparedFile.objects.filter(pk=file_id).update(
            state=FileState.FAILED, finished_at=timezone.now()
        )
        raise
    PreparedFile.objects.filter(pk=file_id).update(
        state=FileState.READY,
        filename=filename,
        content_type=content_type,
        content=content,
        finished_at=timezone.now(),
    )
