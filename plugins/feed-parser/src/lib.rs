//! A small JSON job-feed parser, compiled both into the test source plugin and
//! natively into the host benchmark, so the two can be compared on equal code.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct FeedJob<'a> {
    pub id: &'a str,
    pub title: String,
    pub company: String,
    #[serde(default)]
    pub locations: Vec<String>,
    #[serde(default)]
    pub remote: bool,
    pub salary_min: Option<f64>,
    pub salary_max: Option<f64>,
    pub currency: Option<&'a str>,
    pub url: &'a str,
    pub apply_url: Option<&'a str>,
    pub description: Option<String>,
    pub posted_at: Option<&'a str>,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Feed<'a> {
    #[serde(borrow)]
    jobs: Vec<FeedJob<'a>>,
}

/// Parses `{"jobs": [...]}`, borrowing from `body` where the JSON has no escapes.
pub fn parse_feed(body: &[u8]) -> Result<Vec<FeedJob<'_>>, String> {
    serde_json::from_slice::<Feed<'_>>(body)
        .map(|feed| feed.jobs)
        .map_err(|error| format!("feed is not valid JSON: {error}"))
}

/// A feed of `count` postings shaped like a real job board's, for tests and benchmarks.
pub fn sample_feed(count: usize) -> String {
    let mut jobs = Vec::with_capacity(count);
    for index in 0..count {
        jobs.push(format!(
            concat!(
                r#"{{"id":"job-{i}","title":"Senior Rust Engineer {i}","company":"Company {c}","#,
                r#""locations":["Berlin, DE","Remote"],"remote":{remote},"salary_min":{min},"salary_max":{max},"#,
                r#""currency":"EUR","url":"https://jobs.example.com/postings/{i}","apply_url":"https://jobs.example.com/apply/{i}","#,
                r#""description":"<p>We are hiring engineer number {i} to build distributed systems in Rust. "#,
                r#"You will own services end to end, work with Postgres and Kafka, and mentor others.</p>","#,
                r#""posted_at":"2026-11-{day:02}T09:00:00Z","tags":["rust","backend","distributed-systems"]}}"#
            ),
            i = index,
            c = index % 17,
            remote = index % 2 == 0,
            min = 60_000 + index * 10,
            max = 90_000 + index * 10,
            day = 1 + index % 27,
        ));
    }
    format!(r#"{{"jobs":[{}]}}"#, jobs.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_feed_parses() {
        let body = sample_feed(3);
        let jobs = parse_feed(body.as_bytes()).unwrap();
        assert_eq!(jobs.len(), 3);
        assert_eq!(jobs[2].id, "job-2");
        assert_eq!(jobs[1].locations, ["Berlin, DE", "Remote"]);
    }
}
