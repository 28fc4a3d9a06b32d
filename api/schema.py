"""The OpenAPI schema's additions: every operation lists the errors it can give, in their one shape
(api.exceptions), so clients and schema checkers know what to expect."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

ERRORS = {
    "400": "The request is not valid: `errors` names each field and what is wrong with it",
    "401": "No token was sent, or it has been revoked or has expired",
    "403": "Your role may not see or do this",
    "404": "Not found: nothing here, or it is outside your prisons",
}


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'A token made at /account/api-tokens/, sent as "Token <token>"',
        }


class ErrorSerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status, again")
    code = serializers.CharField(help_text="Short and stable, like invalid or not_found")
    detail = serializers.CharField(help_text="What went wrong, in plain words")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For 400: each field that is wrong and why; empty otherwise",
    )

    class Meta:
        ref_name = "Error"


class ApiAutoSchema(AutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        parameters = operation.get("parameters", [])
        for parameter in parameters:
            if parameter["in"] == "path" and parameter["name"].endswith("_id"):
                parameter["schema"] = {"type": "integer", "minimum": 1}
        codes = ["401", "403"]
        if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
            codes.append("400")
        if any(p["in"] == "path" or p["name"] == "page" for p in parameters):
            codes.append("404")
        for code in sorted(codes):
            operation["responses"].setdefault(
                code,
                self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=ERRORS[code]), code
                ),
            )
        return operation
