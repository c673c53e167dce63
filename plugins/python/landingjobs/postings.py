"""landing.jobs API items (`GET /api/v1/jobs?limit=&offset=`) -> normalized postings.

Pure Python with no component imports, so `python3 -m unittest` tests it as is;
`app.py` turns these dataclasses into the WIT records.

Quirks of the API this module absorbs:
- there is no company-name field: the company is the slug in the URL
  `https://landing.jobs/at/{company}/{job-slug}`;
- `gross_salary_low`/`gross_salary_high` (yearly gross) may be absent;
- `expires_at` is a bare date while the other dates are ISO with milliseconds;
- the HTML fields carry entities such as `&nbsp;` and may be empty strings;
- `locations` is a list of `{city, country_code}`.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from urllib.parse import unquote, urlsplit

import htmltext
from failures import BadResponse


@dataclass
class Salary:
    min: float | None
    max: float | None
    currency: str | None
    # One of the WIT `salary-period` cases by name: "hour" … "year".
    period: str | None


@dataclass
class Posting:
    source_id: str
    title: str
    company: str
    listing_url: str
    locations: list[str] = field(default_factory=list)
    # One of the WIT `work-mode` cases by name.
    work_mode: str = "unknown"
    # WIT `employment-type` case names.
    employment_types: list[str] = field(default_factory=list)
    salary: Salary | None = None
    apply_url: str | None = None
    description_html: str | None = None
    description_text: str | None = None
    posted_at: str | None = None
    expires_at: str | None = None
    tags: list[str] = field(default_factory=list)
    extra: list[tuple[str, str]] = field(default_factory=list)


# The job's HTML sections, in reading order, with the heading shown above each.
SECTIONS = (
    ("role_description", "The role"),
    ("main_requirements", "Requirements"),
    ("nice_to_have", "Nice to have"),
    ("perks", "Perks"),
)

# landing.jobs `type` values -> WIT employment types.
EMPLOYMENT_TYPES = {
    "full-time": "full-time",
    "part-time": "part-time",
    "contract": "contract",
    "contractor": "contract",
    "freelance": "contract",
    "temporary": "temporary",
    "internship": "internship",
    "volunteer": "volunteer",
}

_COMPANY_PATH = re.compile(r"^/at/([^/]+)/")


def parse_page(body: bytes) -> list[dict]:
    """The job objects of one API page (a JSON array)."""
    try:
        items = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadResponse(f"landing.jobs answered with invalid JSON: {error}") from error
    if not isinstance(items, list):
        raise BadResponse(
            f"landing.jobs answered with a JSON {type(items).__name__}, expected an array of jobs"
        )
    return [item for item in items if isinstance(item, dict)]


def text(item: dict, key: str) -> str | None:
    """A trimmed non-empty string, or a number as text."""
    value = item.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def amount(item: dict, key: str) -> float | None:
    value = item.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and value > 0:
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if number > 0 else None
    return None


def company_from_url(url: str) -> str | None:
    """`https://landing.jobs/at/ki-performance/…` -> "Ki Performance"."""
    match = _COMPANY_PATH.match(urlsplit(url).path)
    if not match:
        return None
    words = unquote(match.group(1)).replace("_", "-").split("-")
    name = " ".join(word[:1].upper() + word[1:] for word in words if word)
    return name or None


def to_rfc3339(value: str | None) -> str | None:
    """ISO date-times (any offset, optional milliseconds) and bare dates -> UTC
    `YYYY-MM-DDTHH:MM:SSZ`, the form the Rust sources produce; a bare date is midnight UTC."""
    if not value:
        return None
    value = value.strip()
    try:
        if len(value) == 10:
            moment = datetime.combine(date.fromisoformat(value), datetime.min.time(), timezone.utc)
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def locations(item: dict) -> list[str]:
    places = []
    for place in item.get("locations") or []:
        if not isinstance(place, dict):
            continue
        parts = [part for part in (text(place, "city"), text(place, "country_code")) if part]
        label = ", ".join(parts)
        if label and label not in places:
            places.append(label)
    return places


def salary(item: dict) -> Salary | None:
    low, high = amount(item, "gross_salary_low"), amount(item, "gross_salary_high")
    if low is None and high is None:
        return None
    currency = text(item, "currency_code")
    # landing.jobs publishes yearly gross pay.
    return Salary(min=low, max=high, currency=currency.upper() if currency else None, period="year")


def description_html(item: dict) -> str | None:
    sections = []
    for key, heading in SECTIONS:
        markup = text(item, key)
        if markup:
            sections.append(f"<h3>{heading}</h3>\n{markup}")
    return "\n".join(sections) or None


def parse_job(item: dict) -> Posting | None:
    """One API job as a posting; `None` when it lacks an id, a title or a URL."""
    source_id, title, url = text(item, "id"), text(item, "title"), text(item, "url")
    if not (source_id and title and url):
        return None
    posting = Posting(
        source_id=source_id,
        title=" ".join(title.split()),
        company=company_from_url(url) or "landing.jobs",
        listing_url=url,
    )
    posting.locations = locations(item)
    remote = item.get("remote")
    if remote is True:
        posting.work_mode = "remote"
    elif remote is False and posting.locations:
        posting.work_mode = "onsite"
    kind = text(item, "type")
    if kind:
        posting.employment_types = [EMPLOYMENT_TYPES.get(kind.lower(), "other")]
    posting.salary = salary(item)
    posting.description_html = description_html(item)
    if posting.description_html:
        posting.description_text = htmltext.to_text(posting.description_html)
    posting.posted_at = to_rfc3339(text(item, "published_at") or text(item, "created_at"))
    posting.expires_at = to_rfc3339(text(item, "expires_at"))
    posting.tags = [
        " ".join(tag.split()) for tag in item.get("tags") or [] if isinstance(tag, str) and tag.strip()
    ]
    if item.get("relocation_paid") is True:
        posting.extra.append(("relocation_paid", "true"))
    return posting


def matches_keywords(posting: Posting, keywords: str) -> bool:
    """Every word of `keywords` starts a word (case-insensitive) of the title,
    the company, a tag or the description, so "rust" finds "Rust" and
    "Rustacean" but not "trust"; an empty query matches everything."""
    words = keywords.lower().split()
    if not words:
        return True
    haystack = " ".join(
        [posting.title, posting.company, *posting.tags, posting.description_text or ""]
    ).lower()
    return all(re.search(r"(?<!\w)" + re.escape(word), haystack) for word in words)
