from audit import reads
from audit.models import AuditEvent


class AuditReadsMiddleware:
    """Records reads of personal data in the audit log (the rules: audit.reads).

    Placed after the authentication middleware, so it knows who is signed in. Before a view under
    the access policy runs, it notes the view's needs and URL keywords; once the view has
    answered, it writes what audit.reads says to write, in one INSERT. If that INSERT fails, the
    answer is an error page rather than a read nobody can account for.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        events = reads.events_for(request, response)
        if events:
            AuditEvent.objects.bulk_create(events)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        access = getattr(view_func, "access", None)
        if access is not None:
            request.audit_page = reads.PageSeen(
                access=access,
                url_name=request.resolver_match.url_name or "",
                keywords=dict(view_kwargs),
            )
