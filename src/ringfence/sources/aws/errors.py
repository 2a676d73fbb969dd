"""How AWS errors are classified: which mean "a gap in coverage" and which mean "absent"."""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

ACCESS_DENIED = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AuthorizationError",
    "AuthorizationErrorException",
    "Forbidden",
    "403",
}
NOT_ENABLED = {
    "OptInRequired",
    "SubscriptionRequiredException",
    "AuthFailure",  # an opt-in region that is not enabled answers AuthFailure
    "InvalidClientTokenId",
    "UnrecognizedClientException",
}
UNSUPPORTED = {
    "UnsupportedOperation",
    "UnsupportedOperationException",
    "InvalidAction",
    "NotImplemented",
    "NotImplementedException",
    "UnknownOperationException",
    "501",
    "500",
    "InternalFailure",
    "InternalError",
    "ServiceUnavailable",
    "ServiceUnavailableException",
}


class ScanAborted(Exception):
    """Nothing can be scanned (no credentials, unreachable endpoint): exit code 2."""


def error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code") or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
        return code or "ClientError"
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError):
        return "EndpointConnectionError"
    if isinstance(exc, ReadTimeoutError):
        return "ReadTimeout"
    if isinstance(exc, NoCredentialsError):
        return "NoCredentials"
    if isinstance(exc, BotoCoreError):
        return type(exc).__name__
    if type(exc).__name__ == "ResponseParserError":
        return "InvalidResponse"
    return type(exc).__name__


def error_message(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        msg = exc.response.get("Error", {}).get("Message")
        if msg:
            return str(msg)[:300]
    return str(exc)[:300]


def gap_kind(code: str) -> str:
    if code in ACCESS_DENIED:
        return "access denied"
    if code in NOT_ENABLED:
        return "not enabled"
    if code in UNSUPPORTED:
        return "not supported"
    return "error"
