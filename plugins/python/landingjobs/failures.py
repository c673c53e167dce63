"""Why a search failed, as plain exceptions named after the WIT `source-error`
cases; `app.py` turns them into the typed error the host sees."""


class SourceFailure(Exception):
    """`kind` is the WIT case name; `detail` its payload (text, or seconds for rate-limited)."""

    kind = "internal"

    def __init__(self, detail):
        super().__init__(detail)
        self.detail = detail


class Network(SourceFailure):
    kind = "network"


class RateLimited(SourceFailure):
    kind = "rate-limited"


class BadResponse(SourceFailure):
    kind = "bad-response"


class InvalidQuery(SourceFailure):
    kind = "invalid-query"


class Unauthorized(SourceFailure):
    kind = "unauthorized"


class Denied(SourceFailure):
    kind = "denied"


def check_status(status: int, headers: list[tuple[str, str]], url: str) -> None:
    """Nothing for 2xx; 429 (and 503 with Retry-After) is rate-limited, 401/403
    unauthorized, anything else a bad response naming the status and URL."""
    if 200 <= status <= 299:
        return
    retry_after = None
    for name, value in headers:
        if name.lower() == "retry-after" and value.strip().isdigit():
            retry_after = int(value.strip())
            break
    if status == 429 or (status == 503 and retry_after is not None):
        raise RateLimited(retry_after)
    if status in (401, 403):
        raise Unauthorized(f"HTTP {status} from {url}")
    raise BadResponse(f"HTTP {status} from {url}")
