//! The filters of `GET /jobs` as SQL, and how a `q` search uses the full-text index.
//!
//! SQLite answers `q` from an FTS5 index. Two plans exist, and which is cheaper
//! depends on how many jobs match ([`SearchPlan::choose`]):
//! * [`SearchPlan::FromIndex`]: read every match from the index, then sort them.
//!   Cost grows with the number of matches (a broad word at 100k jobs: a second).
//! * [`SearchPlan::FromSortOrder`]: walk the sort index and keep the jobs that match.
//!   Cost grows with how far the walk goes before a page is full: tiny for broad
//!   words, the whole table for rare ones.
//!
//! PostgreSQL's planner makes the same choice itself from its statistics of
//! `search_vector`, so it always gets the plain condition.

use chrono::{DateTime, Duration, Utc};
use sqlx::{Database, Encode, QueryBuilder, Type};

use super::codec::Time;
use super::Engine;

/// The filters of `GET /jobs`; `None` means "not filtered".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobFilter {
    /// Words matched against title, company and description (the last as a prefix).
    pub q: Option<String>,
    /// Case-insensitive substring of `location_raw`.
    pub location: Option<String>,
    /// Exact `remote_type`.
    pub remote: Option<String>,
    /// An element of `employment_types`.
    pub employment: Option<String>,
    /// Exact source name.
    pub source: Option<String>,
    /// Posted or first seen within this many days (0 means no filter).
    pub posted_since_days: Option<i64>,
    /// `ai_score >= x`; jobs without an AI score never match.
    pub min_score: Option<f64>,
}

impl JobFilter {
    /// True when `q` is the only filter that narrows the list.
    pub fn only_searches(&self) -> bool {
        // Destructured so a new filter cannot be forgotten here.
        let JobFilter {
            q: _,
            location,
            remote,
            employment,
            source,
            posted_since_days,
            min_score,
        } = self;
        location.is_none()
            && remote.is_none()
            && employment.is_none()
            && source.is_none()
            && posted_since_days.filter(|days| *days > 0).is_none()
            && min_score.is_none()
    }
}

/// Lower-cased words of a search text, split the way both full-text indexes split.
pub fn search_words(text: &str) -> Vec<String> {
    text.split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// How a `q` search on SQLite joins the full-text index (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchPlan {
    #[default]
    FromIndex,
    FromSortOrder,
}

/// Reading and sorting one match costs about as much as this many steps of a walk
/// along a sort index (measured on 100k jobs: ~25 µs against ~0.7 µs).
const SORT_COST_IN_WALK_STEPS: i64 = 32;

impl SearchPlan {
    /// The cheaper plan for a page ending at row `rows_needed`, given that `matches`
    /// of `indexed` jobs match. A walk visits about `rows_needed * indexed / matches`
    /// rows; reading from the index handles all `matches`.
    pub fn choose(matches: i64, indexed: i64, rows_needed: i64) -> SearchPlan {
        if matches <= 0 {
            return SearchPlan::FromIndex;
        }
        let walk = rows_needed.saturating_mul(indexed) / matches;
        if walk < matches.saturating_mul(SORT_COST_IN_WALK_STEPS) {
            SearchPlan::FromSortOrder
        } else {
            SearchPlan::FromIndex
        }
    }

    /// The fewest matches for which walking wins: the plan is decided by counting
    /// matches only up to this bound.
    pub fn walk_threshold(indexed: i64, rows_needed: i64) -> i64 {
        // matches² · cost > rows_needed · indexed
        let product = rows_needed.max(1) as f64 * indexed.max(1) as f64;
        (product / SORT_COST_IN_WALK_STEPS as f64).sqrt().ceil() as i64 + 1
    }
}

/// The SQLite full-text query for the words of `q`: a phrase whose last word is a
/// prefix (`"data engineer"*`). `None` when `q` has no indexable word.
pub fn fts_query(q: &str) -> Option<String> {
    let words = search_words(q);
    (!words.is_empty()).then(|| format!("\"{}\"*", words.join(" ")))
}

/// Appends `WHERE …` for `filter` to a query of either engine; `plan` only matters
/// for a SQLite `q` search. Every value is bound, never written into the SQL.
pub fn push_filters<'args, DB>(
    builder: &mut QueryBuilder<'args, DB>,
    engine: Engine,
    filter: &JobFilter,
    now: DateTime<Utc>,
    plan: SearchPlan,
) where
    DB: Database,
    String: Encode<'args, DB> + Type<DB>,
    f64: Encode<'args, DB> + Type<DB>,
    Time: Encode<'args, DB> + Type<DB>,
{
    // SQLite's LIKE already ignores ASCII case; PostgreSQL needs ILIKE.
    let like = match engine {
        Engine::Sqlite => "LIKE",
        Engine::Postgres => "ILIKE",
    };
    builder.push(" WHERE 1=1");
    if let Some(q) = filter.q.as_deref() {
        let words = search_words(q);
        if words.is_empty() {
            // Nothing indexable (e.g. "++"): a literal substring scan keeps the old meaning.
            let pattern = format!("%{}%", escape_like(q));
            let mut columns = builder.separated(" OR ");
            columns.push_unseparated(" AND (");
            for column in ["title", "company", "description_text"] {
                columns.push(format_args!("{column} {like} "));
                columns.push_bind_unseparated(pattern.clone());
                columns.push_unseparated(" ESCAPE '\\'");
            }
            columns.push_unseparated(")");
        } else {
            match engine {
                Engine::Sqlite => {
                    // `+job_id` hides the key's index from the planner, so it walks the
                    // sort index and checks each job against the set of matches.
                    let column = match plan {
                        SearchPlan::FromIndex => "job_id",
                        SearchPlan::FromSortOrder => "+job_id",
                    };
                    builder
                        .push(format_args!(
                            " AND {column} IN (SELECT k.job_id FROM jobs_fts JOIN job_search_keys k \
                             ON k.search_rowid = jobs_fts.rowid WHERE jobs_fts MATCH "
                        ))
                        .push_bind(format!("\"{}\"*", words.join(" ")))
                        .push(")");
                }
                Engine::Postgres => {
                    // PostgreSQL splits the text with the same parser as the index, then
                    // the last lexeme becomes a prefix.
                    builder
                        .push(
                            " AND search_vector @@ to_tsquery('simple', \
                             regexp_replace(phraseto_tsquery('simple', ",
                        )
                        .push_bind(q.trim().to_string())
                        .push(")::text, '''$', ''':*'))");
                }
            }
        }
    }
    if let Some(location) = filter.location.as_deref() {
        builder
            .push(format_args!(" AND location_raw {like} "))
            .push_bind(format!("%{}%", escape_like(location)))
            .push(" ESCAPE '\\'");
    }
    if let Some(remote) = filter.remote.as_deref() {
        builder
            .push(" AND remote_type = ")
            .push_bind(remote.to_string());
    }
    if let Some(employment) = filter.employment.as_deref() {
        match engine {
            Engine::Sqlite => {
                // Arrays are JSON text; rows holding something else never match.
                builder
                    .push(
                        " AND (CASE WHEN json_valid(employment_types) THEN EXISTS \
                         (SELECT 1 FROM json_each(employment_types) WHERE json_each.value = ",
                    )
                    .push_bind(employment.to_string())
                    .push(") ELSE 0 END)");
            }
            Engine::Postgres => {
                builder
                    .push(" AND ")
                    .push_bind(employment.to_string())
                    .push(" = ANY(employment_types)");
            }
        }
    }
    if let Some(source) = filter.source.as_deref() {
        builder.push(" AND source = ").push_bind(source.to_string());
    }
    if let Some(since) = filter
        .posted_since_days
        .filter(|days| *days > 0)
        .and_then(|days| posted_since_cutoff(now, days))
    {
        builder
            .push(" AND (posted_at >= ")
            .push_bind(Time(Some(since)))
            .push(" OR first_seen_at >= ")
            .push_bind(Time(Some(since)))
            .push(")");
    }
    if let Some(min_score) = filter.min_score {
        builder.push(" AND ai_score >= ").push_bind(min_score);
    }
}

/// Escapes `%`, `_` and `\` so user text matches literally inside LIKE patterns
/// written with `ESCAPE '\'`.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if matches!(character, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}

/// The earliest date `posted_since = days` keeps, or `None` when the window reaches
/// back before year 1 (the filter then keeps everything). The HTTP edge limits
/// `days`; this stays total anyway, as chrono panics on overflow and PostgreSQL
/// refuses dates before 4713 BC.
fn posted_since_cutoff(now: DateTime<Utc>, days: i64) -> Option<DateTime<Utc>> {
    // Year 1: both engines and every timestamp format in use hold it.
    let earliest = chrono::NaiveDate::from_ymd_opt(1, 1, 1)?
        .and_hms_opt(0, 0, 0)?
        .and_utc();
    Duration::try_days(days)
        .and_then(|window| now.checked_sub_signed(window))
        .filter(|since| *since > earliest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posted_since_never_overflows() {
        let now = Utc::now();
        assert_eq!(posted_since_cutoff(now, 7), Some(now - Duration::days(7)));
        for days in [3_000_000, 3_000_000_000, i64::MAX] {
            assert_eq!(posted_since_cutoff(now, days), None, "{days}");
        }
    }

    #[test]
    fn broad_searches_walk_the_sort_order_and_rare_ones_read_the_index() {
        // Half of 100k jobs match: a page of 20 is found within ~40 rows of the walk.
        assert_eq!(
            SearchPlan::choose(50_000, 100_000, 20),
            SearchPlan::FromSortOrder
        );
        // 50 matches: the walk would cross 40 000 rows; reading 50 matches is cheaper.
        assert_eq!(SearchPlan::choose(50, 100_000, 20), SearchPlan::FromIndex);
        // Deep pages need longer walks.
        assert_eq!(
            SearchPlan::choose(846, 100_000, 1_000),
            SearchPlan::FromIndex
        );
        assert_eq!(SearchPlan::choose(0, 100_000, 20), SearchPlan::FromIndex);
    }

    #[test]
    fn the_walk_threshold_is_where_the_choice_flips() {
        for (indexed, rows) in [(100_000, 20), (1_000_000, 20), (100_000, 1_000), (10, 20)] {
            let threshold = SearchPlan::walk_threshold(indexed, rows);
            assert_eq!(
                SearchPlan::choose(threshold, indexed, rows),
                SearchPlan::FromSortOrder
            );
            assert_eq!(
                SearchPlan::choose(threshold / 2, indexed, rows),
                SearchPlan::FromIndex,
                "indexed {indexed}, rows {rows}, threshold {threshold}"
            );
        }
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like(r"100%_a\b"), r"100\%\_a\\b");
    }

    #[test]
    fn filters_bind_every_value_with_the_engines_placeholders() {
        let filter = JobFilter {
            q: Some("++".to_string()),
            location: Some("Berlin".to_string()),
            remote: Some("remote".to_string()),
            posted_since_days: Some(7),
            min_score: Some(0.5),
            ..JobFilter::default()
        };
        let now = Utc::now();
        let mut sqlite = QueryBuilder::<sqlx::Sqlite>::new("SELECT 1 FROM jobs");
        push_filters(
            &mut sqlite,
            Engine::Sqlite,
            &filter,
            now,
            SearchPlan::default(),
        );
        let mut postgres = QueryBuilder::<sqlx::Postgres>::new("SELECT 1 FROM jobs");
        push_filters(
            &mut postgres,
            Engine::Postgres,
            &filter,
            now,
            SearchPlan::default(),
        );
        // Three substring columns, location, remote, two dates and the score.
        assert_eq!(sqlite.sql().matches('?').count(), 8, "{}", sqlite.sql());
        assert!(postgres.sql().contains("$8") && !postgres.sql().contains("$9"));
        assert!(sqlite
            .sql()
            .contains(r"(title LIKE ? ESCAPE '\' OR company LIKE ? ESCAPE '\' OR description_text LIKE ? ESCAPE '\')"));
        assert!(postgres.sql().contains(r"location_raw ILIKE $4 ESCAPE '\'"));
        assert!(
            !sqlite.sql().contains("Berlin"),
            "values are bound, not written"
        );
    }

    #[test]
    fn fts_queries_are_prefix_phrases_of_the_words() {
        assert_eq!(
            fts_query("Data  Engineer").as_deref(),
            Some("\"data engineer\"*")
        );
        assert_eq!(fts_query("c++ / \"rust\"").as_deref(), Some("\"c rust\"*"));
        assert_eq!(fts_query("++"), None);
    }
}
