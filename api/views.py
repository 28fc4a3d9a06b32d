"""The API's endpoints under /api/v1/.

Who sees what is accounts.policy's, as on the web:
- records about people (buddies, people supported, care plans, sessions, training, supervision,
  incidents) need VIEW_PERSONAL_DATA (403 otherwise) and come from the user's prisons only: a
  record elsewhere is not found (404), whatever the method;
- prisons, costs and indicators need VIEW_AGGREGATES; indicators hide counts of 1 to 4 as "<5"
  from those who see figures only (monitoring.summary.shown_value);
- no endpoint redirects to the sign-in page (DRF exempts its views from LoginRequiredMiddleware):
  without a token or session the answer is 401;
- sessions are recorded and withdrawn with RECORD_ACTIVITY, incidents recorded and changed with
  MANAGE_SCHEME, through the same services as the web's forms.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.response import Response

from accounts import policy
from api import filters, serializers
from api.exceptions import service_errors
from api.permissions import ViewAggregates, ViewPersonalData, can, require
from api.services import session_withdraw
from audit.api import note_api_read
from buddies.activity import SessionInput, session_record
from buddies.models import Buddy, Session
from costs.calculation import financial_year_start
from costs.models import CostYear
from costs.services import cost_report
from governance.incident_services import incident_record, incident_update
from governance.models import Incident, Prison, Supervision, TrainingRecord
from monitoring.disclosure import small_numbers_hidden
from monitoring.indicators import LABELS, compute_all
from monitoring.summary import shown_value
from recipients.models import CarePlan, Recipient

# Prisons and their figures: for every role, in the user's prisons ------------------------------


def checked_prison(request, code: str) -> Prison:
    """One of the user's prisons (else 404) if their role sees figures (else 403)."""
    return policy.get_prison_for_user(request.user, code, capability=policy.VIEW_AGGREGATES)


class PrisonPathMixin:
    def http_method_not_allowed(self, request, *args, **kwargs):
        if "code" in kwargs:  # another prison is not found, whatever the method
            checked_prison(request, kwargs["code"])
        return super().http_method_not_allowed(request, *args, **kwargs)


class PrisonViewSet(
    PrisonPathMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The user's prisons and how their schemes are run (prisons.csv). No personal data."""

    permission_classes = [ViewAggregates]
    serializer_class = serializers.PrisonSerializer
    filterset_class = filters.PrisonFilter
    lookup_field = "code"
    lookup_url_kwarg = "code"
    lookup_value_regex = "[A-Z]{2,5}"

    def get_queryset(self):
        return (
            Prison.objects.for_user(self.request.user)
            .select_related("scheme", "local_authority")
            .prefetch_related("scheme__mandatory_modules")
            .order_by("code")
        )


def as_json(value):
    """An indicator value for JSON: decimals as strings, so that they stay exact."""
    if isinstance(value, dict):
        return {str(key): as_json(item) for key, item in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    return value


class IndicatorsView(PrisonPathMixin, GenericAPIView):
    """The evaluation guide's 28 indicators for one prison over a period."""

    permission_classes = [ViewAggregates]
    serializer_class = serializers.IndicatorsSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description="First day (YYYY-MM-DD); default a year ago"
            ),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day; default today"),
        ],
        responses=serializers.IndicatorsSerializer,
    )
    def get(self, request, code):
        prison = checked_prison(request, code)
        period = serializers.PeriodSerializer(data=request.query_params)
        period.is_valid(raise_exception=True)
        start, end = period.period(timezone.localdate())
        hide_small = not policy.has_capability(request.user, policy.VIEW_PERSONAL_DATA)
        with small_numbers_hidden(hide_small):
            results = compute_all([prison], start, end)
        return Response(
            {
                "prison_code": prison.code,
                "from": start,
                "to": end,
                "small_numbers_hidden": hide_small,
                "indicators": [
                    {
                        "key": key,
                        "label": LABELS[key],
                        "value": as_json(shown_value(key, indicator, hide_small)),
                        "base": None if hide_small else indicator.base,
                    }
                    for key, indicator in results.items()
                ],
            }
        )


class CostYearListView(ListAPIView):
    """The cost templates of the user's prisons, a prison and financial year each."""

    permission_classes = [ViewAggregates]
    serializer_class = serializers.CostYearSerializer
    filterset_class = filters.CostYearFilter

    def get_queryset(self):
        return (
            CostYear.objects.filter(prison__in=policy.prisons_for(self.request.user))
            .select_related("prison")
            .order_by("prison__code", "financial_year", "pk")
        )


class CostReportView(PrisonPathMixin, GenericAPIView):
    """A prison's costs for a financial year, costed by the evaluation's method."""

    permission_classes = [ViewAggregates]
    serializer_class = serializers.CostReportSerializer

    def get(self, request, code, year):
        prison = checked_prison(request, code)
        try:
            financial_year_start(year)
        except ValueError:
            raise Http404 from None
        cost_year = (
            CostYear.objects.filter(prison=prison, financial_year=year)
            .select_related("prison")
            .first()
        )
        if cost_year is None:
            raise Http404
        return Response(cost_report(cost_year).as_json())


# Records about people: roles that see people, in their prisons ----------------------------------


class RecordViewSet(viewsets.GenericViewSet):
    permission_classes = [ViewPersonalData]
    prison_field = "prison"
    lookup_value_regex = "[0-9]+"

    def records(self):
        """The records this endpoint serves, before scoping: every subclass says which."""
        raise TypeError(f"{type(self).__name__} must define records()")

    def get_queryset(self):
        return policy.scope(self.records(), self.request.user, prison_field=self.prison_field)

    def http_method_not_allowed(self, request, *args, **kwargs):
        if self.lookup_url_kwarg in kwargs:
            self.get_object()  # a record of another prison is not found, whatever the method
        return super().http_method_not_allowed(request, *args, **kwargs)

    def location(self, pk: int) -> str:
        return reverse(f"{self.basename}-detail", args=[pk])

    def get_serializer(self, *args, **kwargs):
        """The records a list or a detail is about to show pass through here: the audit log
        notes them as read (audit.api), and records them once the answer is a success."""
        if args:
            note_api_read(self, args[0], many=kwargs.get("many", False))
        return super().get_serializer(*args, **kwargs)


class ReadRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RecordViewSet):
    """A scoped list and detail, read only."""


class BuddyViewSet(ReadRecordViewSet):
    """Buddies (buddies.csv), with the pay in force today."""

    serializer_class = serializers.BuddySerializer
    filterset_class = filters.BuddyFilter
    lookup_url_kwarg = "buddy_id"

    def records(self):
        return (
            Buddy.objects.with_current_pay()
            .select_related("prison")
            .prefetch_related("other_peer_roles")
            .order_by("prison__code", "family_name", "given_name", "pk")
        )


class RecipientViewSet(ReadRecordViewSet):
    """People supported (recipients.csv)."""

    serializer_class = serializers.RecipientSerializer
    filterset_class = filters.RecipientFilter
    lookup_url_kwarg = "recipient_id"

    def records(self):
        return (
            Recipient.objects.select_related("prison")
            .prefetch_related("needs")
            .order_by("prison__code", "family_name", "given_name", "pk")
        )


class CarePlanViewSet(ReadRecordViewSet):
    """Care plan versions (care_plans.csv), each with its state."""

    serializer_class = serializers.CarePlanSerializer
    filterset_class = filters.CarePlanFilter
    lookup_url_kwarg = "plan_id"
    prison_field = "recipient__prison"

    def records(self):
        return (
            CarePlan.objects.select_related("recipient__prison")
            .prefetch_related("tasks")
            .order_by("recipient__prison__code", "recipient_id", "version", "pk")
        )


class TrainingViewSet(mixins.ListModelMixin, RecordViewSet):
    """Training completed by buddies and staff (training.csv)."""

    serializer_class = serializers.TrainingSerializer
    filterset_class = filters.TrainingFilter

    def records(self):
        return TrainingRecord.objects.select_related("prison", "buddy", "staff").order_by(
            "completed_on", "pk"
        )


class SupervisionViewSet(mixins.ListModelMixin, RecordViewSet):
    """Supervision sessions and the buddies in each (supervision.csv)."""

    serializer_class = serializers.SupervisionSerializer
    filterset_class = filters.SupervisionFilter

    def records(self):
        return (
            Supervision.objects.select_related("prison", "supervisor")
            .prefetch_related("buddies")
            .order_by("date", "pk")
        )


class SessionViewSet(ReadRecordViewSet):
    """Sessions (sessions.csv): read, recorded one at a time, withdrawn when made in error."""

    serializer_class = serializers.SessionSerializer
    filterset_class = filters.SessionFilter
    lookup_url_kwarg = "session_id"

    def records(self):
        return (
            Session.objects.select_related("prison", "buddy", "recipient")
            .prefetch_related("tasks")
            .order_by("date", "pk")
        )

    def get_permissions(self):
        if self.action == "create":
            return [can(policy.RECORD_ACTIVITY)()]
        return super().get_permissions()

    @extend_schema(
        request=serializers.SessionWriteSerializer,
        responses={201: serializers.SessionRecordedSerializer},
    )
    def create(self, request):
        """Record one session with the quick log's rules (buddies.activity.session_record):
        forbidden tasks, tasks not switched on, a formal session's buddy working and assigned to
        the person, tasks off the plan with a reason, no session twice. Nothing is saved on any
        error. Warnings (a buddy not fit to work, informal help to refer) come back."""
        incoming = serializers.SessionWriteSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        entry = SessionInput(
            date=data["date"],
            period=data["period"],
            recipient_id=data["recipient"].pk,
            minutes=data["minutes"],
            buddy_id=data["buddy"].pk if data["buddy"] else None,
            helper_prison_number=data["helper_prison_number"],
            task_codes=list(dict.fromkeys(data["tasks"])),
            outcome=data["delivered"],
            informal=data["informal"],
            paid=data["paid"],
            off_plan_reason=data["off_plan_reason"],
        )
        try:
            session, warnings = session_record(
                prison=data["prison"], user=request.user, entry=entry
            )
        except DjangoValidationError as error:
            raise ValidationError(service_errors(error, serializers.SESSION_FIELDS)) from None
        except IntegrityError:  # the same session recorded by someone else at the same moment
            raise ValidationError(
                {"period": ["This session has just been recorded by someone else"]}
            ) from None
        session = self.get_queryset().get(pk=session.pk)
        session.warnings = warnings
        return Response(
            serializers.SessionRecordedSerializer(session).data,
            status=201,
            headers={"Location": self.location(session.pk)},
        )

    def destroy(self, request, session_id=None):
        """Withdraw a session recorded in error (sessions.csv `withdrawn`); its history stays."""
        session = self.get_object()
        require(request.user, policy.RECORD_ACTIVITY)
        session_withdraw(session=session, user=request.user)
        return Response(status=204)


class IncidentViewSet(ReadRecordViewSet):
    """Incidents (incidents.csv): read, recorded and changed."""

    serializer_class = serializers.IncidentSerializer
    filterset_class = filters.IncidentFilter
    lookup_url_kwarg = "incident_id"

    def records(self):
        return Incident.objects.select_related("prison", "buddy", "recipient").order_by(
            "-occurred_on", "-pk"
        )

    def get_permissions(self):
        if self.action == "create":
            return [can(policy.MANAGE_SCHEME)()]
        return super().get_permissions()

    def _saved(self, incident, *, status: int) -> Response:
        incident = self.get_queryset().get(pk=incident.pk)
        headers = {"Location": self.location(incident.pk)} if status == 201 else {}
        return Response(
            serializers.IncidentSerializer(incident).data, status=status, headers=headers
        )

    @extend_schema(
        request=serializers.IncidentWriteSerializer,
        responses={201: serializers.IncidentSerializer},
    )
    def create(self, request):
        """Record an incident (governance.incident_services.incident_record): a buddy or person
        it names must be of the same prison; a closed incident needs its closing date."""
        incoming = serializers.IncidentWriteSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        incoming.is_valid(raise_exception=True)
        values = dict(incoming.validated_data)
        prison = values.pop("prison")
        try:
            incident = incident_record(prison=prison, user=request.user, **values)
        except DjangoValidationError as error:
            raise ValidationError(service_errors(error, serializers.INCIDENT_FIELDS)) from None
        return self._saved(incident, status=201)

    @extend_schema(
        request=serializers.IncidentWriteSerializer,
        responses={200: serializers.IncidentSerializer},
    )
    def partial_update(self, request, incident_id=None):
        """Change an incident's details, status and dates; send only what changes."""
        incident = self.get_object()
        require(request.user, policy.MANAGE_SCHEME)
        incoming = serializers.IncidentWriteSerializer(
            incident, data=request.data, partial=True, context=self.get_serializer_context()
        )
        incoming.is_valid(raise_exception=True)
        values = dict(incoming.validated_data)
        values.pop("prison")
        try:
            incident_update(incident=incident, **values)
        except DjangoValidationError as error:
            raise ValidationError(service_errors(error, serializers.INCIDENT_FIELDS)) from None
        return self._saved(incident, status=200)


# The schema and its documentation page ----------------------------------------------------------


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema, for anyone with a token or signed in: JSON unless YAML is asked for
    (?format=yaml, or Accept: application/vnd.oai.openapi)."""

    renderer_classes = [
        OpenApiJsonRenderer,
        OpenApiJsonRenderer2,
        OpenApiYamlRenderer,
        OpenApiYamlRenderer2,
    ]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar's own files, its start-up script a file of its own: the page
    keeps the site's content security policy (no inline script or style). Signed-in users only,
    like every page; "Try it out" uses their session."""

    url_name = "api-schema"
    template_name = "api/swagger_ui.html"
    title = "PeerCare API"

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        view.login_required = True  # a page: signing in first, like every other page
        return view
