"""The HTTP API for police systems: JSON in, JSON out (docs/formats/api.md).

Thin views over `imports.intake` (which runs the file import's own stages). Token authentication
only (`accounts.api_auth`); every error, whatever raised it (a 500 too, and a path the API does
not have), is `{"errors": [{"index", "field", "message"}]}`. The body is read by `JsonBodyParser`
(at most MAX_BODY_BYTES, strict UTF-8, no nesting past what json can take); each token has a rate
limit (`TokenRateThrottle`). The serializers here describe the shapes for the OpenAPI schema; the
rules are the RowValidator's.
"""

from __future__ import annotations

import json
import logging
from typing import IO, Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback
from rest_framework.views import exception_handler as drf_exception_handler

from returnhome.accounts.api_auth import ApiThrottle, token_of
from returnhome.accounts.models import ApiToken
from returnhome.imports.api.intake import (
    ACCEPTED,
    MAX_NOTIFICATIONS,
    QUEUED,
    notification_status,
    receive_notifications,
)
from returnhome.lib.text import text_problem

logger = logging.getLogger(__name__)

# The one body limit of the API (docs/formats/api.md), read by JsonBodyParser itself: Django's
# DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB, for the web forms) does not apply to the API.
MAX_BODY_BYTES = 20 * 1024 * 1024
NO_STORE = {"Cache-Control": "no-store, private"}


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = (
        f"The request is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB: split the "
        "notifications into several requests"
    )


class BadField(exceptions.APIException):
    """A header or path field that cannot be taken (named in the error's field): 400."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class BadBody(exceptions.ParseError):
    """A body that cannot be read, said in full (not as the JSON decoder's complaint)."""


class JsonBodyParser(BaseParser):
    """JSON, read here (not through `request.body`, which DATA_UPLOAD_MAX_MEMORY_SIZE caps): at
    most MAX_BODY_BYTES whatever Content-Length says, strict UTF-8, no NaN or Infinity, and a body
    nested too deep for the JSON decoder is a 400, not a RecursionError."""

    media_type = "application/json"

    def parse(
        self, stream: IO[bytes] | None, media_type: str | None = None, parser_context: Any = None
    ) -> Any:
        raw = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_BODY_BYTES:
            raise PayloadTooLarge
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BadBody(
                f"The body is not UTF-8 text (byte {exc.start + 1} cannot be read)"
            ) from None
        try:
            return json.loads(text, parse_constant=_no_constant)
        except RecursionError:
            raise BadBody("The body is nested too deeply") from None
        except ValueError as exc:
            raise exceptions.ParseError(str(exc)) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


class TokenRateThrottle(ApiThrottle):
    """Requests per API token (rate `api_token` in REST_FRAMEWORK's DEFAULT_THROTTLE_RATES)."""

    scope = "api_token"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        token = request.auth
        if not isinstance(token, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.secret_hash}


def _field_of(exc: exceptions.APIException) -> str | None:
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        return "Authorization"
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return "Content-Type"
    if isinstance(exc, BadField):
        return exc.field
    return None


def _message(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.NotAuthenticated):
        return "Send your API token: 'Authorization: Bearer <token>'"
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return "Send JSON, with 'Content-Type: application/json'"
    if isinstance(exc, exceptions.ParseError) and not isinstance(exc, BadBody):
        return f"The body is not valid JSON ({exc.detail})"
    if isinstance(exc, exceptions.NotFound):
        return "Not found"
    if isinstance(exc, exceptions.MethodNotAllowed):
        return f"{exc.detail} (see docs/formats/api.md)"
    if isinstance(exc, exceptions.Throttled):
        wait = f": try again in {int(exc.wait) + 1} seconds" if exc.wait is not None else ""
        return f"Too many requests{wait}"
    detail = exc.detail
    if isinstance(detail, (list, dict)):
        return json.dumps(detail)
    return str(detail)


def _errors(field: str | None, message: str) -> dict[str, Any]:
    return {"errors": [{"index": None, "field": field, "message": message}]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with every error in the API's one shape; anything else a JSON 500.

    The exception is logged with its traceback (the server's log); the answer holds none."""
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.error("Police API: unhandled %s", type(exc).__name__, exc_info=exc)
        set_rollback()
        return Response(
            _errors(
                None,
                "Something went wrong on our side: nothing was recorded. Try again "
                "later; if it keeps happening, tell the council",
            ),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
            headers=NO_STORE,
        )
    response.data = _errors(_field_of(exc), _message(exc))
    return response


def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Any path under /api/ the API does not have: a JSON 404, never an HTML page."""
    message = "Not found: the API's paths are /api/v1/notifications/ (POST) and "
    message += "/api/v1/notifications/{police_reference}/ (GET), each with its final '/'"
    return JsonResponse(_errors(None, message), status=404, headers=NO_STORE)


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
        "DfE LA code of the council police believe is responsible (information only: it does "
        "not decide which councils the force may send to)"
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
        choices=[ACCEPTED, QUEUED],
        help_text="accepted: recorded (or already recorded). queued_for_review: the council's "
        "front door will decide. Nothing more: whether the council knew the child is its own",
    )


class SummaryOut(serializers.Serializer):
    council = serializers.CharField()
    committed = serializers.BooleanField()
    rows = serializers.IntegerField(help_text="Notifications received")
    accepted = serializers.IntegerField(help_text="Notifications accepted")
    queued_for_review = serializers.IntegerField(help_text="Notifications queued for review")
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
    403: ErrorsOut,
    405: ErrorsOut,
    413: ErrorsOut,
    415: ErrorsOut,
    429: ErrorsOut,
    500: ErrorsOut,
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


class ApiView(APIView):
    """The API's views: its JSON parser and the per-token rate limit."""

    parser_classes = [JsonBodyParser]
    throttle_classes = [TokenRateThrottle]


class NotificationsView(ApiView):
    @extend_schema(
        operation_id="send_notifications",
        summary="Send missing and found notifications to a council",
        request=NotificationsIn,
        responses={200: SummaryOut, **ERRORS},
        examples=[OpenApiExample("One missing notification", value=EXAMPLE, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit():
            raise BadField("Content-Length", "Content-Length must be a number of bytes")
        if int(length) > MAX_BODY_BYTES:
            raise PayloadTooLarge
        if not (request.content_type or "").startswith("application/json"):
            raise exceptions.UnsupportedMediaType(request.content_type or "none")
        received = receive_notifications(token_of(request), request.data)
        if received.errors:
            errors = [e.as_dict() for e in received.errors]
            return Response({"errors": errors}, status=received.status, headers=NO_STORE)
        return Response(received.summary, headers=NO_STORE)


class NotificationStatusView(ApiView):
    @extend_schema(
        operation_id="notification_status",
        summary="What happened to the force's notifications with this police reference",
        parameters=[OpenApiParameter("police_reference", str, OpenApiParameter.PATH)],
        responses={200: StatusOut, 400: ErrorsOut, 401: ErrorsOut, 404: ErrorsOut, 429: ErrorsOut},
    )
    def get(self, request: Request, police_reference: str) -> Response:
        problem = text_problem(police_reference)
        if problem is not None:
            raise BadField("police_reference", f"police_reference {problem}")
        found = notification_status(token_of(request), police_reference)
        if found is None:
            raise exceptions.NotFound
        return Response(found, headers=NO_STORE)
