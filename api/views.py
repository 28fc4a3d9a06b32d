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

import re
from decimal import Decimal
from http import HTTPStatus

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.generic import TemplateView
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView
from knox.settings import knox_settings
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.request import Request
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


# Headings for operations whose schema has no summary of its own, by operation id. An operation
# missing here is headed by its method and path.
OPERATION_TITLES = {
    "prisons_list": "List your prisons",
    "prisons_retrieve": "Get a prison",
    "prisons_indicators_retrieve": "Get a prison's indicators",
    "prisons_costs_retrieve": "Get a prison's costs for a financial year",
    "costs_list": "List cost templates",
    "buddies_list": "List buddies",
    "buddies_retrieve": "Get a buddy",
    "recipients_list": "List people supported",
    "recipients_retrieve": "Get a person supported",
    "care_plans_list": "List care plan versions",
    "care_plans_retrieve": "Get a care plan version",
    "sessions_list": "List sessions",
    "sessions_create": "Record a session",
    "sessions_retrieve": "Get a session",
    "sessions_destroy": "Withdraw a session",
    "training_list": "List training",
    "supervision_list": "List supervision",
    "incidents_list": "List incidents",
    "incidents_create": "Record an incident",
    "incidents_retrieve": "Get an incident",
    "incidents_partial_update": "Change an incident",
}
GROUP_NAMES = {"care-plans": "Care plans", "recipients": "People supported"}
METHOD_TAG_COLOURS = {
    "get": "govuk-tag--blue",
    "post": "govuk-tag--green",
    "put": "govuk-tag--yellow",
    "patch": "govuk-tag--yellow",
    "delete": "govuk-tag--red",
}
PLACES = {"path": "Path", "query": "Query", "header": "Header", "cookie": "Cookie"}
FORMATS = {
    "date": "date (YYYY-MM-DD)",
    "date-time": "date and time (ISO 8601)",
    "decimal": "decimal, as a string",
    "uri": "address (URL)",
}
PAGE_FIELDS = {"count", "next", "previous", "results"}


def text_to_html(text: str) -> str:
    """The schema's descriptions as HTML: paragraphs split by blank lines, lines starting "* " as
    a bulleted list, and `code` in backticks. Everything else is escaped."""
    blocks = []
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith("* ") for line in lines):
            items = "".join(f"<li>{inline_html(line[2:])}</li>" for line in lines)
            blocks.append(f'<ul class="govuk-list govuk-list--bullet">{items}</ul>')
        else:
            blocks.append(f'<p class="govuk-body">{inline_html(" ".join(lines))}</p>')
    return mark_safe("".join(blocks))  # noqa: S308 - every piece of text is escaped above


def inline_html(text: str) -> str:
    parts = str(escape(text)).split("`")
    return "".join(f"<code>{part}</code>" if odd else part for odd, part in _alternate(parts))


def _alternate(parts):
    # Text between backticks is code; an unmatched last backtick is left as it is.
    if len(parts) % 2 == 0:
        parts = [*parts[:-2], parts[-2] + "`" + parts[-1]]
    return ((index % 2 == 1, part) for index, part in enumerate(parts))


class SchemaReader:
    """Turns the OpenAPI schema into what the reference page shows: groups of operations, each
    with its parameters, body fields and responses, in words rather than JSON."""

    def __init__(self, schema: dict):
        self.schema = schema
        self.components = schema.get("components", {}).get("schemas", {})

    def resolve(self, node: dict) -> dict:
        while "$ref" in node:
            node = self.components[node["$ref"].rsplit("/", 1)[-1]]
        return node

    def field_type(self, node: dict) -> str:
        nullable = node.get("nullable", False)
        if "allOf" in node and len(node["allOf"]) == 1:
            node = node["allOf"][0]
        if "oneOf" in node:  # a code or blank, or text or blank: one type in words
            options = [self.resolve(option) for option in node["oneOf"]]
            nullable = nullable or any(option.get("enum") == [None] for option in options)
            kinds = {self.field_type(option) for option in options if option.get("enum") != [None]}
            words = " or ".join(sorted(kinds))
        else:
            node = self.resolve(node)
            nullable = nullable or node.get("nullable", False)
            kind = node.get("type", "string" if node.get("enum") else "object")
            if kind == "array":
                words = f"list of {self.field_type(node.get('items', {}))}"
            else:
                words = FORMATS.get(node.get("format"), kind)
        return f"{words}, or null" if nullable else words

    def field_notes(self, node: dict, description: str) -> str:
        """What a value must be, when the description does not already say so."""
        if "allOf" in node and len(node["allOf"]) == 1:
            node = node["allOf"][0]
        if "oneOf" in node:
            node = node["oneOf"][0]
        node = self.resolve(node)
        each = ""
        if node.get("type") == "array":
            node = self.resolve(node.get("items", {}))
            each = "Each: "
        notes = []
        if node.get("enum") and "* `" not in description:
            codes = ", ".join(f"`{code}`" for code in node["enum"] if code not in ("", None))
            notes.append(f"One of {codes}.")
        if node.get("pattern"):
            notes.append(f"Matches `{node['pattern']}`.")
        if node.get("maxLength"):
            notes.append(f"Up to {node['maxLength']} characters.")
        if "minimum" in node:
            notes.append(f"At least {node['minimum']}.")
        words = " ".join(notes)
        return f"{each}{words[:1].lower()}{words[1:]}" if each and words else words

    def described(self, node: dict) -> str:
        description = node.get("description", "")
        notes = self.field_notes(node, description)
        return text_to_html("\n\n".join(part for part in (description, notes) if part))

    def fields(self, node: dict) -> list[dict]:
        node = self.resolve(node)
        required = set(node.get("required", []))
        return [
            {
                "name": name,
                "type": self.field_type(field),
                "required": name in required,
                "description": self.described(field),
            }
            for name, field in node.get("properties", {}).items()
        ]

    def parameters(self, operation: dict) -> list[dict]:
        return [
            {
                "name": parameter["name"],
                "place": PLACES.get(parameter["in"], parameter["in"]),
                "type": self.field_type(parameter.get("schema", {})),
                "required": parameter.get("required", False),
                "description": self.described(
                    {**parameter.get("schema", {}), "description": parameter.get("description")}
                ),
            }
            for parameter in operation.get("parameters", [])
        ]

    def body(self, operation: dict) -> dict | None:
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            return None
        node = self.resolve(content["application/json"]["schema"])
        return {
            "description": text_to_html(node.get("description", "")),
            "fields": self.fields(node),
        }

    def responses(self, operation: dict) -> list[dict]:
        answers = []
        for code, response in operation.get("responses", {}).items():
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            answer = {
                "code": code,
                "description": text_to_html(response.get("description") or phrase(code)),
                "paginated": False,
                "fields": [],
            }
            if schema and code.startswith("2"):
                node = self.resolve(schema)
                if set(node.get("properties", {})) >= PAGE_FIELDS:
                    answer["paginated"] = True
                    node = node["properties"]["results"].get("items", {})
                answer["fields"] = self.fields(node)
            answers.append(answer)
        return answers

    def operations(self):
        for path, methods in self.schema.get("paths", {}).items():
            for method, operation in methods.items():
                if method.startswith("x-") or method in {"parameters", "summary", "servers"}:
                    continue
                operation_id = operation.get("operationId") or f"{method}-{path}"
                yield {
                    "id": slugify(operation_id.replace("_", "-")),
                    "operation_id": operation_id,
                    "method": method.upper(),
                    "tag_colour": METHOD_TAG_COLOURS.get(method, "govuk-tag--grey"),
                    "path": path,
                    "title": operation.get("summary")
                    or OPERATION_TITLES.get(operation_id)
                    or f"{method.upper()} {path}",
                    "description": text_to_html(operation.get("description", "")),
                    "parameters": self.parameters(operation),
                    "body": self.body(operation),
                    "responses": self.responses(operation),
                    "tag": (operation.get("tags") or ["other"])[0],
                }

    def groups(self) -> list[dict]:
        groups: dict[str, dict] = {}
        for operation in self.operations():
            tag = operation["tag"]
            group = groups.setdefault(
                tag,
                {
                    "id": slugify(tag),
                    "name": GROUP_NAMES.get(tag, tag.replace("-", " ").capitalize()),
                    "operations": [],
                },
            )
            group["operations"].append(operation)
        return list(groups.values())


def phrase(code: str) -> str:
    try:
        return HTTPStatus(int(code)).phrase
    except ValueError:
        return ""


def openapi_schema(request) -> dict:
    """The schema exactly as SchemaView generates it for this user."""
    api_request = Request(request)
    api_request.user = request.user
    api_request.auth = None
    generator = SchemaView.generator_class(urlconf=SchemaView.urlconf, patterns=SchemaView.patterns)
    return generator.get_schema(request=api_request, public=SchemaView.serve_public)


def size_in_words(size: int) -> str:
    return f"{max(1, round(size / 1024))} KB"


class DocsView(TemplateView):
    """The API reference: a page of the site like any other, written on the server from the
    OpenAPI schema. Signed-in users only: LoginRequiredMiddleware covers every plain Django view,
    and the second factor is asked for as on every page."""

    template_name = "api/docs.html"

    def get_context_data(self, **kwargs):
        schema = openapi_schema(self.request)
        reader = SchemaReader(schema)
        json_size = len(OpenApiJsonRenderer().render(schema, renderer_context={}))
        yaml_size = len(OpenApiYamlRenderer().render(schema, renderer_context={}))
        token_scheme = schema.get("components", {}).get("securitySchemes", {}).get("tokenAuth", {})
        schema_url = reverse("api-schema")
        return super().get_context_data(
            **kwargs,
            info=schema.get("info", {}),
            groups=reader.groups(),
            error_fields=reader.fields({"$ref": "#/components/schemas/Error"})
            if "Error" in reader.components
            else [],
            base_url=self.request.build_absolute_uri("/api/v1/"),
            schema_address=self.request.build_absolute_uri(schema_url),
            token_header=token_scheme.get("name", "Authorization"),
            token_prefix=knox_settings.AUTH_HEADER_PREFIX,
            token_days=knox_settings.TOKEN_TTL.days if knox_settings.TOKEN_TTL else None,
            token_limit=knox_settings.TOKEN_LIMIT_PER_USER,
            json_url=f"{schema_url}?format=json",
            json_size=size_in_words(json_size),
            yaml_url=f"{schema_url}?format=yaml",
            yaml_size=size_in_words(yaml_size),
        )
