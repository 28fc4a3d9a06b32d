import datetime as dt

from django import forms
from django.core.exceptions import BadRequest
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import policy
from common.downloads import attachment
from files.kinds import comparison_title
from files.models import KEEP_DAYS, FileState, PreparedFile, delete_expired
from files.tasks import prepare_file
from monitoring.comparison import GROUPINGS


class ComparisonFileForm(forms.Form):
    """What the comparison page's "Prepare" buttons send: the page's own period and grouping."""

    start = forms.DateField(input_formats=["%Y-%m-%d"])
    end = forms.DateField(input_formats=["%Y-%m-%d"])
    by = forms.ChoiceField(choices=list(GROUPINGS.items()))
    format = forms.ChoiceField(choices=[("csv", "CSV"), ("pdf", "PDF")])

    def __init__(self, data=None):
        if data is not None:
            data = {
                "start": data.get("from"),
                "end": data.get("to"),
                "by": data.get("by"),
                "format": data.get("format"),
            }
        super().__init__(data)


def own_files(user):
    """The user's files of the last KEEP_DAYS days: nobody else's, whatever their role."""
    since = timezone.now() - dt.timedelta(days=KEEP_DAYS)
    return PreparedFile.objects.filter(requested_by=user, requested_at__gte=since)


@policy.require_capability(policy.VIEW_AGGREGATES)
def file_list(request):
    files = own_files(request.user).defer("content")
    return render(request, "files/file_list.html", {"files": files, "keep_days": KEEP_DAYS})


@require_POST
@policy.require_capability(policy.VIEW_AGGREGATES)
def file_request(request):
    """Start preparing a file, then show its progress. The request and its task are saved
    together; files older than KEEP_DAYS are deleted as a new one is asked for."""
    form = ComparisonFileForm(request.POST)
    if not form.is_valid():
        raise BadRequest("The file asked for is not one that can be prepared")
    data = form.cleaned_data
    parameters = {
        "from": data["start"].isoformat(),
        "to": data["end"].isoformat(),
        "by": data["by"],
        "format": data["format"],
    }
    with transaction.atomic():
        delete_expired(timezone.now())
        prepared = PreparedFile.objects.create(
            kind="comparison",
            parameters=parameters,
            title=comparison_title(parameters),
            requested_by=request.user,
        )
        prepare_file.enqueue(str(prepared.pk))
    return redirect("file-detail", file_id=prepared.pk)


@policy.require_capability(policy.VIEW_AGGREGATES)
def file_detail(request, file_id):
    prepared = get_object_or_404(own_files(request.user).defer("content"), pk=file_id)
    return render(
        request,
        "files/file_detail.html",
        {"file": prepared, "refresh": not prepared.finished, "states": FileState},
    )


@policy.require_capability(policy.VIEW_AGGREGATES)
def file_download(request, file_id):
    prepared = get_object_or_404(own_files(request.user), pk=file_id, state=FileState.READY)
    return attachment(bytes(prepared.content), prepared.filename, prepared.content_type)
