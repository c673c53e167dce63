//! `GET /api/v1/jobs` (filters, sorts, pages) and `GET /api/v1/jobs/{job_id}`.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::error::ValidationIssue;
use super::response_cache::json_bytes;
use super::user::MaybeUser;
use super::validation::{check_min_score, MAX_PAGE, MAX_POSTED_SINCE_DAYS};
use super::{AppState, Error, Result};
use crate::storage::jobs::{self, JobFilter, JobRecord, JobSort};

/// The largest page a client may ask for.
pub const MAX_PAGE_SIZE: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/jobs", get(list_jobs))
        .route("/jobs/{job_id}", get(get_job))
}

/// A job as list items show it (`description_text` is always null here).
///
/// Text fields are never null: a missing value is `""`, as the earlier backend sent
/// it (its storage wrote empty text, never NULL) and as the web app's types expect.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobResponse {
    pub job_id: String,
    pub title: String,
    pub company: String,
    pub location_raw: String,
    pub country: String,
    pub city: String,
    pub remote_type: String,
    pub employment_types: Vec<String>,
    pub salary_min: Option<f64>,
    pub salary_max: Option<f64>,
    pub salary_currency: String,
    pub job_url: String,
    pub apply_url: String,
    /// Null in lists; the full text (`""` when there is none) in the job detail.
    pub description_text: Option<String>,
    pub company_website: String,
    pub linkedin_url: String,
    pub tags: Vec<String>,
    pub source: String,
    pub posted_at: Option<DateTime<Utc>>,
    pub first_seen_at: Option<DateTime<Utc>>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub relevance_score: Option<f64>,
    pub relevance_reasons: String,
    pub ai_score: Option<f64>,
    pub ai_reasons: String,
    pub ai_seniority: String,
    pub ai_summary: String,
    pub ai_requirements: String,
    pub ai_tech_stack: String,
    pub ai_flags: Vec<String>,
}

/// A job with its full description, e-mails and company summary.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobDetailResponse {
    #[serde(flatten)]
    #[schema(inline)]
    pub job: JobResponse,
    pub emails: Vec<String>,
    pub ai_company_summary: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobListResponse {
    pub jobs: Vec<JobResponse>,
    /// Jobs matching the filters, over all pages.
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
    pub has_more: bool,
}

impl JobResponse {
    fn from_record(job: JobRecord, with_description: bool) -> Self {
        JobResponse {
            job_id: job.job_id,
            title: job.title,
            company: job.company,
            location_raw: job.location_raw.unwrap_or_default(),
            country: job.country.unwrap_or_default(),
            city: job.city.unwrap_or_default(),
            remote_type: job.remote_type.unwrap_or_default(),
            employment_types: job.employment_types,
            salary_min: job.salary_min,
            salary_max: job.salary_max,
            salary_currency: job.salary_currency.unwrap_or_default(),
            job_url: job.job_url.unwrap_or_default(),
            apply_url: job.apply_url.unwrap_or_default(),
            description_text: with_description.then(|| job.description_text.unwrap_or_default()),
            company_website: job.company_website.unwrap_or_default(),
            linkedin_url: job.linkedin_url.unwrap_or_default(),
            tags: job.tags,
            source: job.source,
            posted_at: job.posted_at,
            first_seen_at: job.first_seen_at,
            last_seen_at: job.last_seen_at,
            relevance_score: job.relevance_score,
            relevance_reasons: job.relevance_reasons.unwrap_or_default(),
            ai_score: job.ai_score,
            ai_reasons: job.ai_reasons.unwrap_or_default(),
            ai_seniority: job.ai_seniority.unwrap_or_default(),
            ai_summary: job.ai_summary.unwrap_or_default(),
            ai_requirements: job.ai_requirements.unwrap_or_default(),
            ai_tech_stack: job.ai_tech_stack.unwrap_or_default(),
            ai_flags: job.ai_flags,
        }
    }
}

/// Query parameters of `GET /jobs` (documentation; parsing is done by [`JobQuery::parse`]
/// so that errors come out in the earlier 422 shape).
#[derive(Debug, Default, Clone, PartialEq, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobQuery {
    /// Words searched in title, company and description (the last word as a prefix).
    pub q: Option<String>,
    /// Case-insensitive part of the location text.
    pub location: Option<String>,
    /// `remote`, `hybrid`, `onsite` or `unknown`.
    pub remote: Option<String>,
    /// An employment type such as `full_time`, `contract`, `part_time`.
    pub employment: Option<String>,
    /// Exact source name.
    pub source: Option<String>,
    /// Posted or first seen within this many days, 0 (no filter) to 36500.
    #[param(minimum = 0, maximum = 36500)]
    pub posted_since: Option<i64>,
    /// Minimum AI score, 0 to 100 (jobs without one never match).
    #[param(minimum = 0, maximum = 100)]
    pub min_score: Option<f64>,
    /// `relevance_score` (default), `ai_score`, `posted_at`, `first_seen_at`; `personalized` ranks by relevance.
    pub sort: Option<String>,
    /// Page number, 1 to 1000000.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    /// Page size, 1 to 50 (default 20).
    #[param(minimum = 1, maximum = 50)]
    pub page_size: Option<i64>,
}

impl JobQuery {
    /// Parses a raw query string; every bad parameter is reported, FastAPI-style.
    pub fn parse(raw: Option<&str>) -> Result<Self> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or_default())
            .map_err(|error| Error::BadRequest(format!("Malformed query string: {error}")))?;
        let mut query = JobQuery::default();
        let mut issues = Vec::new();
        // The last occurrence of a parameter wins, as in Starlette.
        for (name, value) in pairs {
            let text = || Some(value.trim().to_string()).filter(|text| !text.is_empty());
            match name.as_str() {
                "q" => query.q = text(),
                "location" => query.location = text(),
                "remote" => query.remote = text(),
                "employment" => query.employment = text(),
                "source" => query.source = text(),
                "sort" => query.sort = text(),
                "posted_since" => {
                    query.posted_since = parse_int(
                        &name,
                        &value,
                        Some(0),
                        Some(MAX_POSTED_SINCE_DAYS),
                        &mut issues,
                    )
                }
                "page" => {
                    query.page = parse_int(&name, &value, Some(1), Some(MAX_PAGE), &mut issues)
                }
                "page_size" => {
                    query.page_size =
                        parse_int(&name, &value, Some(1), Some(MAX_PAGE_SIZE), &mut issues)
                }
                "min_score" => match value.trim().parse::<f64>() {
                    Ok(number) if number.is_finite() => {
                        if check_min_score(&["query", "min_score"], number, &mut issues) {
                            query.min_score = Some(number);
                        }
                    }
                    _ => issues.push(
                        ValidationIssue::new(
                            &["query", "min_score"],
                            "Input should be a valid number, unable to parse string as a number",
                            "float_parsing",
                        )
                        .with_input(value.clone()),
                    ),
                },
                _ => {}
            }
        }
        if issues.is_empty() {
            Ok(query)
        } else {
            Err(Error::Validation(issues))
        }
    }

    fn filter(&self) -> JobFilter {
        JobFilter {
            q: self.q.clone(),
            location: self.location.clone(),
            remote: self.remote.clone(),
            employment: self.employment.clone(),
            source: self.source.clone(),
            posted_since_days: self.posted_since,
            min_score: self.min_score,
        }
    }

    /// A canonical cache key: the same filters in any order share one entry.
    fn cache_key(&self, sort: JobSort, page: i64, page_size: i64) -> String {
        format!("jobs|{:?}|{sort:?}|{page}|{page_size}", self.filter())
    }
}

fn parse_int(
    name: &str,
    value: &str,
    min: Option<i64>,
    max: Option<i64>,
    issues: &mut Vec<ValidationIssue>,
) -> Option<i64> {
    let location = ["query", name];
    let Ok(number) = value.trim().parse::<i64>() else {
        issues.push(
            ValidationIssue::new(
                &location,
                "Input should be a valid integer, unable to parse string as an integer",
                "int_parsing",
            )
            .with_input(value.to_string()),
        );
        return None;
    };
    if let Some(min) = min.filter(|min| number < *min) {
        issues.push(
            ValidationIssue::new(
                &location,
                format!("Input should be greater than or equal to {min}"),
                "greater_than_equal",
            )
            .with_input(value.to_string()),
        );
        return None;
    }
    if let Some(max) = max.filter(|max| number > *max) {
        issues.push(
            ValidationIssue::new(
                &location,
                format!("Input should be less than or equal to {max}"),
                "less_than_equal",
            )
            .with_input(value.to_string()),
        );
        return None;
    }
    Some(number)
}

/// Jobs matching the filters, one page at a time.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", params(JobQuery),
    // Anonymous or signed in: a bearer token that is present must be valid.
    security((), ("bearer" = [])),
    responses((status = 200, body = JobListResponse)))]
pub async fn list_jobs(
    // Optional auth as before: anonymous is fine, a bad bearer is a 401. The user
    // will matter for `sort=personalized`; the list itself is the same for everyone.
    _viewer: MaybeUser,
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response> {
    let query = JobQuery::parse(raw.as_deref())?;
    let sort = JobSort::from_param(query.sort.as_deref());
    let page = query.page.unwrap_or(1);
    let page_size = query.page_size.unwrap_or(20);
    let pool = state.db.pool()?;
    let key = query.cache_key(sort, page, page_size);
    let cache = state.cache.clone();
    let body = state
        .cache
        .get_or_compute(key, || async move {
            let filter = query.filter();
            // The total is cached on its own, so paging through results counts once.
            let count_pool = pool.clone();
            let count_filter = filter.clone();
            let total = cache.get_or_compute(format!("count|{filter:?}"), || async move {
                let total = jobs::count_jobs(&count_pool, &count_filter).await?;
                Ok(Bytes::from(total.to_string()))
            });
            let rows = jobs::page_jobs(&pool, &filter, sort, page, page_size);
            // Joined to the end even when one fails, so no query is dropped half-way.
            let (total, rows) = tokio::join!(total, rows);
            let (total, rows) = (total?, rows?);
            let total: i64 = std::str::from_utf8(&total)
                .ok()
                .and_then(|text| text.parse().ok())
                .unwrap_or(0);
            let returned = rows.len() as i64;
            let offset = (page - 1).saturating_mul(page_size);
            let response = JobListResponse {
                jobs: rows
                    .into_iter()
                    .map(|job| JobResponse::from_record(job, false))
                    .collect(),
                total,
                page,
                page_size,
                has_more: offset.saturating_add(returned) < total,
            };
            let body =
                serde_json::to_vec(&response).map_err(|error| Error::Internal(error.into()))?;
            Ok::<_, Error>(Bytes::from(body))
        })
        .await?;
    Ok(json_bytes(body))
}

/// One job with its full description.
#[utoipa::path(get, path = "/api/v1/jobs/{job_id}", tag = "jobs",
    params(("job_id" = String, Path, description = "the job's id (24 hex characters)")),
    responses((status = 200, body = JobDetailResponse), (status = 404, description = "no such job")))]
pub async fn get_job(
    State(state): State<AppState>,
    Path(job_id): Path<String>,
) -> Result<Response> {
    let pool = state.db.pool()?;
    let key = format!("job|{job_id}");
    let body = state
        .cache
        .get_or_compute(key, || async move {
            let Some(job) = jobs::get_job(&pool, &job_id).await? else {
                return Err(Error::NotFound("Job not found".into()));
            };
            let emails = job.emails.clone();
            let ai_company_summary = job.ai_company_summary.clone().unwrap_or_default();
            let response = JobDetailResponse {
                job: JobResponse::from_record(job, true),
                emails,
                ai_company_summary,
            };
            let body =
                serde_json::to_vec(&response).map_err(|error| Error::Internal(error.into()))?;
            Ok(Bytes::from(body))
        })
        .await?;
    Ok(json_bytes(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issues(raw: &str) -> Vec<ValidationIssue> {
        match JobQuery::parse(Some(raw)) {
            Err(Error::Validation(issues)) => issues,
            other => panic!("expected a validation error for {raw}, got {other:?}"),
        }
    }

    #[test]
    fn page_size_over_fifty_is_rejected() {
        let found = issues("page_size=51");
        assert_eq!(found[0].loc, ["query", "page_size"]);
        assert_eq!(found[0].kind, "less_than_equal");
        assert_eq!(found[0].msg, "Input should be less than or equal to 50");
        assert_eq!(
            JobQuery::parse(Some("page_size=50")).unwrap().page_size,
            Some(50)
        );
    }

    #[test]
    fn every_bad_parameter_is_reported() {
        let found = issues("page=0&page_size=abc&min_score=high&posted_since=1.5");
        let locations: Vec<_> = found.iter().map(|issue| issue.loc[1].as_str()).collect();
        assert_eq!(
            locations,
            ["page", "page_size", "min_score", "posted_since"]
        );
    }

    #[test]
    fn numeric_parameters_are_ranged() {
        for (raw, name, kind) in [
            ("posted_since=3000000", "posted_since", "less_than_equal"),
            ("posted_since=-1", "posted_since", "greater_than_equal"),
            ("min_score=1e308", "min_score", "less_than_equal"),
            ("min_score=-1", "min_score", "greater_than_equal"),
            ("page=1000001", "page", "less_than_equal"),
        ] {
            let found = issues(raw);
            assert_eq!(found[0].loc, ["query", name], "{raw}");
            assert_eq!(found[0].kind, kind, "{raw}");
        }
        let query = JobQuery::parse(Some("posted_since=36500&min_score=100&page=1000000")).unwrap();
        assert_eq!(query.posted_since, Some(36500));
    }

    #[test]
    fn empty_text_filters_are_ignored_and_last_value_wins() {
        let query =
            JobQuery::parse(Some("q=&remote=remote&remote=hybrid&location=%20Berlin%20")).unwrap();
        assert_eq!(query.q, None);
        assert_eq!(query.remote.as_deref(), Some("hybrid"));
        assert_eq!(query.location.as_deref(), Some("Berlin"));
    }

    #[test]
    fn cache_keys_ignore_parameter_order() {
        let a = JobQuery::parse(Some("q=rust&remote=remote")).unwrap();
        let b = JobQuery::parse(Some("remote=remote&q=rust")).unwrap();
        assert_eq!(
            a.cache_key(JobSort::Relevance, 1, 20),
            b.cache_key(JobSort::Relevance, 1, 20)
        );
        assert_ne!(
            a.cache_key(JobSort::Relevance, 1, 20),
            a.cache_key(JobSort::Relevance, 2, 20)
        );
    }
}
