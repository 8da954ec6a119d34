"""The HTTP API for police systems: JSON in, JSON out (docs/formats/api.md).

Thin views over `imports.intake` (which runs the file import's own stages). Token authentication
only (`accounts.api_auth`); every error, whatever raised it, is `{"errors": [{"index", "field",
"message"}]}`. The serializers here describe the shapes for the OpenAPI schema; the rules are the
RowValidator's.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from returnhome.accounts.api_auth import token_of
from returnhome.imports.api.intake import (
    MAX_NOTIFICATIONS,
    notification_status,
    receive_notifications,
)

MAX_BODY_BYTES = 20 * 1024 * 1024
NO_STORE = {"Cache-Control": "no-store, private"}


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = f"The request is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB"


def _field_of(exc: exceptions.APIException) -> str | None:
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        return "Authorization"
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return "Content-Type"
    return None


def _message(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.NotAuthenticated):
        return "Send your API token: 'Authorization: Bearer <token>'"
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return "Send JSON, with 'Content-Type: application/json'"
    if isinstance(exc, exceptions.ParseError):
        return f"The body is not valid JSON ({exc.detail})"
    if isinstance(exc, exceptions.NotFound):
        return "Not found"
    detail = exc.detail
    if isinstance(detail, (list, dict)):
        return json.dumps(detail)
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with every error in the API's one shape."""
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    response.data = {"errors": [{"index": None, "field": _field_of(exc), "message": _message(exc)}]}
    return response


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "returnhome.accounts.api_auth.ApiTokenAuthentication"
    name = "policeToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A police force's API token ('Authorization: Bearer <token>'; "
            "'Token <token>' is accepted too). Created with `returnhome api-token create`.",
        }


# --------------------------------------------------------------------------- shapes (schema)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "description": "separated by ';'"},
            {"type": "array", "items": {"type": "string"}},
        ],
        "nullable": True,
    }
)
class AliasesField(serializers.Field):
    pass


def _text(help_text: str, max_length: int | None = None, required: bool = False) -> Any:
    return serializers.CharField(
        help_text=help_text,
        max_length=max_length,
        required=required,
        allow_blank=not required,
        allow_null=not required,
    )


class NotificationIn(serializers.Serializer):
    """One notification: the fields of a row of the notification file."""

    police_reference = _text("The force's reference for the missing person report", 60, True)
    event = serializers.ChoiceField(choices=["missing", "found"])
    event_at = _text(
        "When reported missing (missing) or found (found): ISO 8601, or UK 14/03/2025 19:30. "
        "Without an offset: UK local time",
        required=True,
    )
    forename = _text("As police recorded it", 100, True)
    surname = _text("As police recorded it", 100, True)
    force = _text("Optional: the token's own force (its code or name); another force is refused")
    last_seen_at = _text("When last seen; not after event_at for a missing notification")
    risk_level = _text("no apparent risk, low, medium or high")
    aliases = AliasesField(required=False, help_text="Other names: a list, or text with ';'")
    date_of_birth = _text("A date: 2010-04-03 or 03/04/2010")
    sex = _text("M, F or X (male, female, other, unknown accepted)")
    address = _text("The child's address", 500)
    postcode = _text("A UK postcode, or its outward part")
    missing_from = _text("The address or placement the child went missing from", 300)
    found_location = _text("Where the child was found", 300)
    la_child_id = _text("The council's own child ID, if police know it", 40)
    nhs_number = _text("10 digits with a valid check digit")
    la_code = _text(
        "DfE LA code of the council police believe is responsible; required (= council) when "
        "sending to a council outside the force's area"
    )
    circumstances = _text("Free text", 10_000)


class NotificationsIn(serializers.Serializer):
    council = serializers.CharField(help_text="The receiving council's DfE LA code, e.g. 886")
    notifications = NotificationIn(
        many=True, help_text=f"1 to {MAX_NOTIFICATIONS} notifications, all or nothing"
    )


class ResultOut(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position in notifications, from 0")
    police_reference = serializers.CharField()
    event = serializers.CharField()
    result = serializers.ChoiceField(
        choices=["created", "closed", "updated", "pending", "sent_to_review", "unchanged"]
    )


class SummaryOut(serializers.Serializer):
    council = serializers.CharField()
    committed = serializers.BooleanField()
    rows = serializers.IntegerField(help_text="Notifications received")
    valid_rows = serializers.IntegerField()
    episodes_created = serializers.IntegerField()
    episodes_updated = serializers.IntegerField()
    episodes_closed = serializers.IntegerField()
    children_matched = serializers.IntegerField()
    children_created = serializers.IntegerField()
    sent_to_review = serializers.IntegerField()
    found_waiting_for_missing = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.CharField())
    import_run = serializers.IntegerField()
    seconds = serializers.FloatField()
    results = ResultOut(many=True)


class ErrorOut(serializers.Serializer):
    index = serializers.IntegerField(
        allow_null=True, help_text="The notification (from 0); null for the request as a whole"
    )
    field = serializers.CharField(
        allow_null=True, help_text="The field (or HTTP header) at fault; null if none"
    )
    message = serializers.CharField()


class ErrorsOut(serializers.Serializer):
    errors = ErrorOut(many=True)


class StatusItemOut(serializers.Serializer):
    council = serializers.CharField()
    event = serializers.CharField()
    event_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(
        choices=["recorded", "waiting_for_missing", "with_front_door", "resolved_by_front_door"]
    )


class EpisodeOut(serializers.Serializer):
    council = serializers.CharField()
    reported_missing_at = serializers.DateTimeField()
    returned_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(choices=["open", "returned"])


class StatusOut(serializers.Serializer):
    police_reference = serializers.CharField()
    notifications = StatusItemOut(many=True)
    episodes = EpisodeOut(many=True)


ERRORS = {
    400: ErrorsOut,
    401: ErrorsOut,
    413: ErrorsOut,
    415: ErrorsOut,
}
EXAMPLE = {
    "council": "886",
    "notifications": [
        {
            "police_reference": "KNT-25-0001",
            "event": "missing",
            "event_at": "2025-03-14T19:30",
            "last_seen_at": "2025-03-14T18:00",
            "risk_level": "medium",
            "forename": "Amelia",
            "surname": "Synthetic",
            "aliases": ["Mia"],
            "date_of_birth": "2010-04-03",
            "sex": "F",
            "postcode": "ME15 6XX",
            "missing_from": "Home",
        }
    ],
}


# --------------------------------------------------------------------------- views


class NotificationsView(APIView):
    @extend_schema(
        operation_id="send_notifications",
        summary="Send missing and found notifications to a council",
        request=NotificationsIn,
        responses={200: SummaryOut, **ERRORS},
        examples=[OpenApiExample("One missing notification", value=EXAMPLE, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
            raise PayloadTooLarge
        if not (request.content_type or "").startswith("application/json"):
            raise exceptions.UnsupportedMediaType(request.content_type or "none")
        body = request.data
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
        received = receive_notifications(
            token_of(request), body, sha256=hashlib.sha256(canonical).hexdigest()
        )
        if received.errors:
            errors = [e.as_dict() for e in received.errors]
            return Response({"errors": errors}, status=400, headers=NO_STORE)
        return Response(received.summary, headers=NO_STORE)


class NotificationStatusView(APIView):
    @extend_schema(
        operation_id="notification_status",
        summary="What happened to the force's notifications with this police reference",
        parameters=[OpenApiParameter("police_reference", str, OpenApiParameter.PATH)],
        responses={200: StatusOut, 401: ErrorsOut, 404: ErrorsOut},
    )
    def get(self, request: Request, police_reference: str) -> Response:
        found = notification_status(token_of(request), police_reference)
        if found is None:
            raise exceptions.NotFound
        return Response(found, headers=NO_STORE)
