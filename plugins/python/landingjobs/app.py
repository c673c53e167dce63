"""landing.jobs as a JobScout source, written in Python against the `job-source`
world of wit/since_v0.1.0 and built into a component by componentize-py.

This module is the only one that touches the component bindings (`wit_world`,
generated at build time): it reads the config, fetches through the host's
`http` import, logs through `log`, and converts between the WIT records and the
plain dataclasses of `postings`/`paging`, which the unit tests cover without wasm.

Config (`[plugin.config]` in plugins.toml), all optional:
- `base_url`: default `https://landing.jobs` (tests point it at a local server);
- `page_size`: jobs asked for per request, 1..=100, default 50;
- `max_pages`: requests per search at most, 1..=50, default 10.
"""

import traceback

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import config, http, log, types

import failures
import paging
import postings

VERSION = "0.1.0"
DEFAULT_BASE_URL = "https://landing.jobs"


def _integer_setting(key: str, default: int, lowest: int, highest: int) -> int:
    raw = config.get(key)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = lowest - 1
    if not lowest <= value <= highest:
        raise failures.InvalidQuery(
            f"config `{key}` = {raw!r} must be a whole number from {lowest} to {highest}"
        )
    return value


def _fetch_failure(error) -> failures.SourceFailure:
    if isinstance(error, http.FetchError_Denied):
        return failures.Denied(error.value)
    if isinstance(error, http.FetchError_Network):
        return failures.Network(error.value)
    if isinstance(error, http.FetchError_Timeout):
        return failures.Network("the request timed out")
    if isinstance(error, http.FetchError_TooLarge):
        return failures.BadResponse(f"the response is larger than {error.value} bytes")
    if isinstance(error, http.FetchError_TooManyFetches):
        return failures.Denied(f"more than {error.value} fetches in one call")
    if isinstance(error, http.FetchError_InvalidRequest):
        return failures.SourceFailure(f"invalid request: {error.value}")
    return failures.SourceFailure(f"unexpected fetch error {error!r}")


def _get_json(url: str) -> bytes:
    request = http.Request(
        method=http.Method.GET,
        url=url,
        headers=[("accept", "application/json")],
        secret_headers=[],
        body=None,
    )
    try:
        response = http.fetch(request)
    except Err as error:
        raise _fetch_failure(error.value) from None
    failures.check_status(response.status, response.headers, url)
    return response.body


def _source_error(failure: failures.SourceFailure) -> types.SourceError:
    cases = {
        "network": types.SourceError_Network,
        "rate-limited": types.SourceError_RateLimited,
        "bad-response": types.SourceError_BadResponse,
        "invalid-query": types.SourceError_InvalidQuery,
        "unauthorized": types.SourceError_Unauthorized,
        "denied": types.SourceError_Denied,
    }
    case = cases.get(failure.kind, types.SourceError_Internal)
    detail = failure.detail if case is types.SourceError_RateLimited else str(failure.detail)
    return case(detail)


def _wit_name(name: str) -> str:
    return name.upper().replace("-", "_")


def _to_wit(posting: postings.Posting) -> types.JobPosting:
    salary = None
    if posting.salary is not None:
        salary = types.Salary(
            min=posting.salary.min,
            max=posting.salary.max,
            currency=posting.salary.currency,
            period=types.SalaryPeriod[_wit_name(posting.salary.period)]
            if posting.salary.period
            else None,
        )
    return types.JobPosting(
        source_id=posting.source_id,
        title=posting.title,
        company=posting.company,
        locations=posting.locations,
        work_mode=types.WorkMode[_wit_name(posting.work_mode)],
        employment_types=[types.EmploymentType[_wit_name(kind)] for kind in posting.employment_types],
        salary=salary,
        listing_url=posting.listing_url,
        apply_url=posting.apply_url,
        description_html=posting.description_html,
        description_text=posting.description_text,
        posted_at=posting.posted_at,
        expires_at=posting.expires_at,
        tags=posting.tags,
        extra=posting.extra,
    )


def _search(query: types.JobQuery) -> list[types.JobPosting]:
    base = (config.get("base_url") or DEFAULT_BASE_URL).strip().rstrip("/")
    page_size = _integer_setting("page_size", 50, 1, 100)
    max_pages = _integer_setting("max_pages", 10, 1, 50)
    offset = paging.start_offset(query.cursor)

    def fetch_page(at: int, count: int) -> tuple[str, list[dict]]:
        url = f"{base}/api/v1/jobs?limit={count}&offset={at}"
        items = postings.parse_page(_get_json(url))
        log.log(log.Level.DEBUG, f"{url}: {len(items)} jobs")
        return url, items

    def on_page_error(at: int, error: Exception) -> None:
        log.log(log.Level.WARN, f"stopped at offset {at}: {error}")

    walk = paging.walk(
        fetch_page, query.keywords, query.limit, offset, page_size, max_pages, on_page_error
    )
    log.log(
        log.Level.INFO,
        f"{len(walk.postings)} postings from offset {offset} to {walk.next_offset}"
        + (" (end of list)" if walk.exhausted else ""),
    )
    return [_to_wit(posting) for posting in walk.postings]


class Source(exports.Source):
    def metadata(self) -> types.SourceMetadata:
        return types.SourceMetadata(
            id="landingjobs",
            version=VERSION,
            description="landing.jobs tech jobs in Europe (written in Python)",
            features=[
                types.QueryFeature.KEYWORDS,
                types.QueryFeature.LIMIT,
                types.QueryFeature.CURSOR,
            ],
        )

    def search(self, query: types.JobQuery) -> list[types.JobPosting]:
        try:
            return _search(query)
        except failures.SourceFailure as failure:
            raise Err(_source_error(failure)) from None
        except Exception as error:
            # A bug here must come back as a typed error, not a trap.
            log.log(log.Level.ERROR, traceback.format_exc())
            raise Err(types.SourceError_Internal(f"{type(error).__name__}: {error}")) from None
