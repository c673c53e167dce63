//! Dedupe (reference §3.5, extended to stored jobs): within a run, and against what
//! is already stored, by source key, canonical URL, then a company+title fingerprint.
//! Every duplicate still counts as a sighting of the job it duplicates.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::normalize::NormalizedJob;

/// Where a job was seen in this run.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sighting {
    pub source: String,
    pub url: String,
}

/// One job after dedupe, with every place it was seen.
#[derive(Debug, Clone)]
pub struct UniqueJob {
    pub job: NormalizedJob,
    pub sightings: Vec<Sighting>,
}

/// The identity columns of a stored job, as dedupe compares them.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredIdentity {
    pub job_id: String,
    pub job_url_canonical: Option<String>,
    pub company_normalized: Option<String>,
    pub title_normalized: Option<String>,
    pub location_raw: Option<String>,
    pub posted_at: Option<DateTime<Utc>>,
}

fn sighting_of(job: &NormalizedJob) -> Sighting {
    Sighting {
        source: job.record.source.clone(),
        url: job.record.job_url_canonical.clone().unwrap_or_default(),
    }
}

fn tokens(text: &str) -> HashSet<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|token| !token.is_empty())
        .map(str::to_string)
        .collect()
}

fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    a.intersection(b).count() as f64 / a.union(b).count() as f64
}

/// Equal = 1, one containing the other = 0.9, else token Jaccard.
fn company_similarity(a: &str, b: &str) -> f64 {
    if a == b {
        1.0
    } else if !a.is_empty() && !b.is_empty() && (a.contains(b) || b.contains(a)) {
        0.9
    } else {
        jaccard(&tokens(a), &tokens(b))
    }
}

/// Same company (≥ 0.7), same title (token Jaccard ≥ 0.8), overlapping locations when
/// both have one (so one role in several cities stays several jobs), and posted
/// within 30 days of each other when both dates are known (so a repost a year
/// later is a new job).
#[allow(clippy::too_many_arguments)]
fn same_role(
    company_a: &str,
    title_a: &str,
    location_a: Option<&str>,
    posted_a: Option<DateTime<Utc>>,
    company_b: &str,
    title_b: &str,
    location_b: Option<&str>,
    posted_b: Option<DateTime<Utc>>,
) -> bool {
    if company_similarity(company_a, company_b) < 0.7
        || jaccard(&tokens(title_a), &tokens(title_b)) < 0.8
    {
        return false;
    }
    if let (Some(a), Some(b)) = (
        location_a.filter(|l| !l.is_empty()),
        location_b.filter(|l| !l.is_empty()),
    ) {
        let (a, b) = (tokens(a), tokens(b));
        let generic: HashSet<&str> = ["remote", "hybrid", "onsite", "usa", "us", "uk"]
            .into_iter()
            .collect();
        let specific_a: HashSet<&String> = a
            .iter()
            .filter(|token| !generic.contains(token.as_str()))
            .collect();
        let specific_b: HashSet<&String> = b
            .iter()
            .filter(|token| !generic.contains(token.as_str()))
            .collect();
        let overlap = if specific_a.is_empty() || specific_b.is_empty() {
            !a.is_disjoint(&b)
        } else {
            !specific_a.is_disjoint(&specific_b)
        };
        if !overlap {
            return false;
        }
    }
    if let (Some(a), Some(b)) = (posted_a, posted_b) {
        if (a - b).num_days().abs() > 30 {
            return false;
        }
    }
    true
}

fn company_bucket(company: &str) -> String {
    company.chars().take(4).collect()
}

/// Finds "same role" candidates without comparing a job against every other one.
///
/// Two titles reach token Jaccard ≥ 0.8 only when their token sets are equal, or
/// differ by one added, removed or replaced token (for longer titles). So each job
/// is filed under its company bucket plus its sorted token set, and — for titles of
/// four or more tokens — that set minus each one token; a pair within one such edit
/// shares a key. Candidates are then checked with [`same_role`].
#[derive(Default)]
struct RoleIndex {
    keys: HashMap<String, Vec<usize>>,
}

impl RoleIndex {
    fn keys_for(company: &str, title: &str) -> Vec<String> {
        let bucket = company_bucket(company);
        let mut words: Vec<String> = tokens(title).into_iter().collect();
        words.sort_unstable();
        let mut keys = vec![format!("{bucket}|{}", words.join(" "))];
        if words.len() >= 4 {
            for skipped in 0..words.len() {
                let rest: Vec<&str> = words
                    .iter()
                    .enumerate()
                    .filter(|(index, _)| *index != skipped)
                    .map(|(_, word)| word.as_str())
                    .collect();
                keys.push(format!("{bucket}|{}", rest.join(" ")));
            }
        }
        keys
    }

    fn insert(&mut self, company: &str, title: &str, index: usize) {
        for key in Self::keys_for(company, title) {
            self.keys.entry(key).or_default().push(index);
        }
    }

    /// Candidate indexes in insertion order, without repeats.
    fn candidates(&self, company: &str, title: &str) -> Vec<usize> {
        let mut found: Vec<usize> = Self::keys_for(company, title)
            .iter()
            .filter_map(|key| self.keys.get(key))
            .flatten()
            .copied()
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// Dedupes one run's jobs in arrival order: the first occurrence wins and collects
/// the sightings of its duplicates.
pub fn within_run(jobs: Vec<NormalizedJob>) -> Vec<UniqueJob> {
    let mut unique: Vec<UniqueJob> = Vec::with_capacity(jobs.len());
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut by_url: HashMap<String, usize> = HashMap::new();
    let mut roles = RoleIndex::default();
    for job in jobs {
        let record = &job.record;
        let urls: Vec<String> = [record.job_url_canonical.clone(), record.apply_url.clone()]
            .into_iter()
            .flatten()
            .filter(|url| !url.is_empty())
            .collect();
        let company = record.company_normalized.clone().unwrap_or_default();
        let title = record.title_normalized.clone().unwrap_or_default();
        let existing = by_id
            .get(&record.job_id)
            .copied()
            .or_else(|| urls.iter().find_map(|url| by_url.get(url).copied()))
            .or_else(|| {
                roles
                    .candidates(&company, &title)
                    .into_iter()
                    .find(|index| {
                        let other = &unique[*index].job.record;
                        same_role(
                            &company,
                            &title,
                            record.location_raw.as_deref(),
                            record.posted_at,
                            other.company_normalized.as_deref().unwrap_or_default(),
                            other.title_normalized.as_deref().unwrap_or_default(),
                            other.location_raw.as_deref(),
                            other.posted_at,
                        )
                    })
            });
        match existing {
            Some(index) => {
                let sighting = sighting_of(&job);
                if !unique[index].sightings.contains(&sighting) {
                    unique[index].sightings.push(sighting);
                }
            }
            None => {
                let index = unique.len();
                by_id.insert(record.job_id.clone(), index);
                for url in urls {
                    by_url.entry(url).or_insert(index);
                }
                roles.insert(&company, &title, index);
                unique.push(UniqueJob {
                    sightings: vec![sighting_of(&job)],
                    job,
                });
            }
        }
    }
    unique
}

/// Points jobs that duplicate a stored one (same id, canonical URL, or the same role)
/// at the stored `job_id`, so the upsert refreshes that row. Returns how many were
/// already stored.
pub fn against_stored(jobs: &mut [UniqueJob], stored: &[StoredIdentity]) -> usize {
    let ids: HashSet<&str> = stored
        .iter()
        .map(|identity| identity.job_id.as_str())
        .collect();
    let by_url: HashMap<&str, &str> = stored
        .iter()
        .filter_map(|identity| {
            identity
                .job_url_canonical
                .as_deref()
                .map(|url| (url, identity.job_id.as_str()))
        })
        .collect();
    let mut roles = RoleIndex::default();
    for (index, identity) in stored.iter().enumerate() {
        roles.insert(
            identity.company_normalized.as_deref().unwrap_or_default(),
            identity.title_normalized.as_deref().unwrap_or_default(),
            index,
        );
    }
    let mut existing = 0;
    let mut claimed: HashSet<String> = HashSet::new();
    for unique in jobs.iter_mut() {
        let record = &unique.job.record;
        let target = if ids.contains(record.job_id.as_str()) {
            Some(record.job_id.clone())
        } else if let Some(id) = record
            .job_url_canonical
            .as_deref()
            .and_then(|url| by_url.get(url))
        {
            Some(id.to_string())
        } else {
            let company = record.company_normalized.as_deref().unwrap_or_default();
            let title = record.title_normalized.as_deref().unwrap_or_default();
            roles
                .candidates(company, title)
                .into_iter()
                .map(|index| &stored[index])
                .find(|identity| {
                    same_role(
                        company,
                        title,
                        record.location_raw.as_deref(),
                        record.posted_at,
                        identity.company_normalized.as_deref().unwrap_or_default(),
                        identity.title_normalized.as_deref().unwrap_or_default(),
                        identity.location_raw.as_deref(),
                        identity.posted_at,
                    )
                })
                .map(|identity| identity.job_id.clone())
        };
        // Two run jobs may not both claim one stored row; the second stays new.
        if let Some(target) = target.filter(|target| claimed.insert(target.clone())) {
            unique.job.record.job_id = target;
            existing += 1;
        }
    }
    existing
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::normalize::normalize;
    use crate::pipeline::posting::SourcePosting;

    fn posting(
        source: &str,
        id: &str,
        title: &str,
        company: &str,
        location: &str,
        url: &str,
    ) -> SourcePosting {
        SourcePosting {
            source: source.into(),
            source_id: id.into(),
            title: title.into(),
            company: company.into(),
            locations: vec![location.into()],
            listing_url: url.into(),
            ..SourcePosting::default()
        }
    }

    fn run(postings: Vec<SourcePosting>) -> Vec<UniqueJob> {
        let now = Utc::now();
        within_run(
            postings
                .iter()
                .map(|posting| normalize(posting, now))
                .collect(),
        )
    }

    #[test]
    fn one_job_on_two_sources_is_one_job_seen_twice() {
        let unique = run(vec![
            posting(
                "greenhouse",
                "1",
                "Senior Rust Engineer",
                "Ferris Labs",
                "Berlin, Germany",
                "https://boards.greenhouse.io/ferris/jobs/1",
            ),
            posting(
                "remotive",
                "r9",
                "Senior Rust Engineer",
                "Ferris Labs GmbH",
                "Berlin",
                "https://remotive.com/job/9",
            ),
        ]);
        assert_eq!(unique.len(), 1);
        let sources: Vec<_> = unique[0]
            .sightings
            .iter()
            .map(|s| s.source.as_str())
            .collect();
        assert_eq!(sources, ["greenhouse", "remotive"]);
    }

    #[test]
    fn one_role_in_several_cities_stays_several_jobs() {
        let unique = run(vec![
            posting(
                "lever",
                "1",
                "Account Executive",
                "Globex",
                "London, UK",
                "https://jobs.lever.co/globex/1",
            ),
            posting(
                "lever",
                "2",
                "Account Executive",
                "Globex",
                "Paris, France",
                "https://jobs.lever.co/globex/2",
            ),
        ]);
        assert_eq!(unique.len(), 2);
    }

    #[test]
    fn the_same_url_with_trackers_is_one_job() {
        let unique = run(vec![
            posting(
                "a",
                "1",
                "Designer",
                "Pixel",
                "Remote",
                "https://pixel.example/jobs/7?utm_source=a",
            ),
            posting(
                "b",
                "2",
                "Product Designer II",
                "Other Co",
                "Remote",
                "https://pixel.example/jobs/7/",
            ),
        ]);
        assert_eq!(unique.len(), 1);
    }

    #[test]
    fn a_repost_matches_the_stored_job() {
        let mut unique = run(vec![posting(
            "lever",
            "new-id",
            "Data Engineer",
            "Acme",
            "Austin, TX",
            "https://jobs.lever.co/acme/new",
        )]);
        let stored = vec![StoredIdentity {
            job_id: "stored000000000000000001".into(),
            job_url_canonical: Some("https://jobs.lever.co/acme/old".into()),
            company_normalized: Some("acme".into()),
            title_normalized: Some("data engineer".into()),
            location_raw: Some("Austin, TX".into()),
            posted_at: None,
        }];
        assert_eq!(against_stored(&mut unique, &stored), 1);
        assert_eq!(unique[0].job.record.job_id, "stored000000000000000001");
    }

    #[test]
    fn a_different_role_at_the_same_company_is_new() {
        let mut unique = run(vec![posting(
            "lever",
            "x",
            "Data Scientist",
            "Acme",
            "Austin, TX",
            "https://jobs.lever.co/acme/x",
        )]);
        let stored = vec![StoredIdentity {
            job_id: "stored000000000000000001".into(),
            job_url_canonical: None,
            company_normalized: Some("acme".into()),
            title_normalized: Some("data engineer".into()),
            location_raw: Some("Austin, TX".into()),
            posted_at: None,
        }];
        assert_eq!(against_stored(&mut unique, &stored), 0);
    }

    #[test]
    fn titles_one_token_apart_are_candidates() {
        let mut roles = RoleIndex::default();
        roles.insert("acme", "senior backend software engineer", 0);
        roles.insert("acme", "data engineer", 1);
        roles.insert("globex", "senior backend software engineer", 2);
        // One token added, removed or reordered: same key family, same company bucket.
        assert_eq!(
            roles.candidates("acme", "senior backend software engineer ii"),
            [0]
        );
        assert_eq!(
            roles.candidates("acme", "engineer senior software backend"),
            [0]
        );
        assert_eq!(roles.candidates("acme", "engineer data"), [1]);
        assert!(roles.candidates("acme", "product manager").is_empty());
    }

    #[test]
    fn similarity_helpers() {
        assert_eq!(company_similarity("acme", "acme"), 1.0);
        assert_eq!(company_similarity("acme", "acme analytics"), 0.9);
        assert!(
            jaccard(
                &tokens("senior rust engineer"),
                &tokens("rust engineer senior")
            ) == 1.0
        );
        assert!(jaccard(&tokens("senior rust engineer"), &tokens("rust engineer")) < 0.8);
    }
}
