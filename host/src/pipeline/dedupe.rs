//! Dedupe (the earlier backend's rule, extended to stored jobs): within a run, and against what
//! is already stored, by source key, canonical URL, then a company+title fingerprint.
//! Every duplicate still counts as a sighting of the job it duplicates.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
// The maps below live for one dedupe call and are only looked up, never iterated, so
// no hash value or order leaves the process. foldhash is seeded at random per process
// (and per map), so postings from a hostile source cannot be made to collide without
// knowing that seed. With these maps and borrowed keys, dedupe went from 16.0k to 13.5k
// instructions per posting (callgrind, bench `pipeline --in-memory`, 10 000 postings).
use foldhash::{HashMap, HashMapExt as _, HashSet as FastSet};

use super::normalize::NormalizedJob;
use crate::storage::scrape::StoredIdentity;

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

/// The distinct lower-cased alphanumeric tokens of `text` (the set [`tokens`]
/// returns), sorted and joined by single spaces. Tokens hold no spaces, so the
/// words split back out, and set operations become merges of sorted lists.
fn sorted_tokens(text: &str) -> String {
    // Lower-casing is skipped for text that is ASCII without capitals (it would not change).
    let lower = if text
        .bytes()
        .any(|byte| byte.is_ascii_uppercase() || !byte.is_ascii())
    {
        std::borrow::Cow::Owned(text.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let mut words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|token| !token.is_empty())
        .collect();
    words.sort_unstable();
    words.dedup();
    words.join(" ")
}

fn words_of(sorted: &str) -> impl Iterator<Item = &str> + Clone {
    sorted.split(' ').filter(|word| !word.is_empty())
}

/// (shared, total distinct) words of two [`sorted_tokens`] lists.
fn overlap(a: &str, b: &str) -> (usize, usize) {
    let (mut a, mut b) = (words_of(a).peekable(), words_of(b).peekable());
    let (mut shared, mut total) = (0, 0);
    loop {
        match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => {
                total += 1;
                match x.cmp(y) {
                    std::cmp::Ordering::Less => {
                        a.next();
                    }
                    std::cmp::Ordering::Greater => {
                        b.next();
                    }
                    std::cmp::Ordering::Equal => {
                        shared += 1;
                        a.next();
                        b.next();
                    }
                }
            }
            (Some(_), None) => {
                total += 1;
                a.next();
            }
            (None, Some(_)) => {
                total += 1;
                b.next();
            }
            (None, None) => return (shared, total),
        }
    }
}

/// Location words that say how, not where.
const GENERIC_LOCATION_WORDS: [&str; 6] = ["remote", "hybrid", "onsite", "usa", "us", "uk"];

/// What [`same_role`] compares of one job, computed once per job.
#[derive(Debug, Clone)]
struct RoleFacts {
    company: String,
    /// [`sorted_tokens`] of the title.
    title: String,
    /// [`sorted_tokens`] of the location, `None` when there is no location.
    location: Option<String>,
    /// `location` without [`GENERIC_LOCATION_WORDS`].
    specific_location: String,
    posted: Option<DateTime<Utc>>,
}

impl RoleFacts {
    fn new(
        company: &str,
        title: &str,
        location: Option<&str>,
        posted: Option<DateTime<Utc>>,
    ) -> Self {
        let location = location
            .filter(|location| !location.is_empty())
            .map(sorted_tokens);
        let mut specific_location = String::new();
        for word in words_of(location.as_deref().unwrap_or_default())
            .filter(|word| !GENERIC_LOCATION_WORDS.contains(word))
        {
            if !specific_location.is_empty() {
                specific_location.push(' ');
            }
            specific_location.push_str(word);
        }
        RoleFacts {
            company: company.to_string(),
            title: sorted_tokens(title),
            location,
            specific_location,
            posted,
        }
    }

    fn of_record(record: &crate::storage::jobs::JobRecord) -> Self {
        RoleFacts::new(
            record.company_normalized.as_deref().unwrap_or_default(),
            record.title_normalized.as_deref().unwrap_or_default(),
            record.location_raw.as_deref(),
            record.posted_at,
        )
    }

    fn of_identity(identity: &StoredIdentity) -> Self {
        RoleFacts::new(
            identity.company_normalized.as_deref().unwrap_or_default(),
            identity.title_normalized.as_deref().unwrap_or_default(),
            identity.location_raw.as_deref(),
            identity.posted_at,
        )
    }
}

/// Token Jaccard of two [`sorted_tokens`] lists (1 when both are empty).
fn sorted_jaccard(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let (shared, total) = overlap(a, b);
    if total == 0 {
        return 1.0;
    }
    shared as f64 / total as f64
}

/// Same company (≥ 0.7), same title (token Jaccard ≥ 0.8), overlapping locations when
/// both have one (so one role in several cities stays several jobs), and posted
/// within 30 days of each other when both dates are known (so a repost a year
/// later is a new job).
fn same_role(a: &RoleFacts, b: &RoleFacts) -> bool {
    if company_similarity(&a.company, &b.company) < 0.7 || sorted_jaccard(&a.title, &b.title) < 0.8
    {
        return false;
    }
    if let (Some(location_a), Some(location_b)) = (&a.location, &b.location) {
        let (specific_a, specific_b) = (&a.specific_location, &b.specific_location);
        let overlap = if specific_a.is_empty() || specific_b.is_empty() {
            overlap(location_a, location_b).0 > 0
        } else {
            specific_a == specific_b || overlap(specific_a, specific_b).0 > 0
        };
        if !overlap {
            return false;
        }
    }
    if let (Some(a), Some(b)) = (a.posted, b.posted) {
        if (a - b).num_days().abs() > 30 {
            return false;
        }
    }
    true
}

fn company_bucket(company: &str) -> &str {
    match company.char_indices().nth(4) {
        Some((cut, _)) => &company[..cut],
        None => company,
    }
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
    /// The keys of a job whose [`RoleFacts`] are `facts`.
    fn keys_for(facts: &RoleFacts) -> Vec<String> {
        let bucket = company_bucket(&facts.company);
        let key = |title: &str| {
            let mut key = String::with_capacity(bucket.len() + 1 + title.len());
            key.push_str(bucket);
            key.push('|');
            key.push_str(title);
            key
        };
        let words: Vec<&str> = words_of(&facts.title).collect();
        let mut keys = vec![key(&facts.title)];
        if words.len() >= 4 {
            for skipped in 0..words.len() {
                let mut rest = String::with_capacity(facts.title.len());
                for (index, word) in words.iter().enumerate() {
                    if index == skipped {
                        continue;
                    }
                    if !rest.is_empty() {
                        rest.push(' ');
                    }
                    rest.push_str(word);
                }
                keys.push(key(&rest));
            }
        }
        keys
    }

    fn insert(&mut self, keys: Vec<String>, index: usize) {
        for key in keys {
            self.keys.entry(key).or_default().push(index);
        }
    }

    /// Candidate indexes in insertion order, without repeats.
    fn candidates(&self, keys: &[String]) -> Vec<usize> {
        let mut found: Vec<usize> = keys
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
    // First which job each one duplicates (the maps borrow ids and URLs from `jobs`,
    // so no key is copied), then the jobs are moved into the result.
    let owners = first_occurrences(&jobs);
    let mut unique: Vec<UniqueJob> = Vec::with_capacity(jobs.len());
    for (job, owner) in jobs.into_iter().zip(owners) {
        match owner {
            Some(index) => {
                let sighting = sighting_of(&job);
                if !unique[index].sightings.contains(&sighting) {
                    unique[index].sightings.push(sighting);
                }
            }
            None => unique.push(UniqueJob {
                sightings: vec![sighting_of(&job)],
                job,
            }),
        }
    }
    unique
}

/// For each job, the position among the unique jobs (in arrival order) of the earlier
/// job it duplicates; `None` for the first occurrence.
fn first_occurrences(jobs: &[NormalizedJob]) -> Vec<Option<usize>> {
    let mut owners = Vec::with_capacity(jobs.len());
    let mut unique = 0;
    let mut facts: Vec<RoleFacts> = Vec::with_capacity(jobs.len());
    let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(jobs.len());
    let mut by_url: HashMap<&str, usize> = HashMap::with_capacity(2 * jobs.len());
    let mut roles = RoleIndex {
        keys: HashMap::with_capacity(2 * jobs.len()),
    };
    for job in jobs {
        let record = &job.record;
        let urls = [
            record.job_url_canonical.as_deref(),
            record.apply_url.as_deref(),
        ];
        let urls = urls.iter().flatten().filter(|url| !url.is_empty());
        let mut role: Option<(RoleFacts, Vec<String>)> = None;
        let existing = by_id
            .get(record.job_id.as_str())
            .copied()
            .or_else(|| urls.clone().find_map(|url| by_url.get(*url).copied()))
            .or_else(|| {
                let job_facts = RoleFacts::of_record(record);
                let keys = RoleIndex::keys_for(&job_facts);
                let found = roles
                    .candidates(&keys)
                    .into_iter()
                    .find(|index| same_role(&job_facts, &facts[*index]));
                role = Some((job_facts, keys));
                found
            });
        if existing.is_none() {
            let index = unique;
            unique += 1;
            by_id.insert(record.job_id.as_str(), index);
            for url in urls {
                by_url.entry(*url).or_insert(index);
            }
            let (job_facts, keys) = role.unwrap_or_else(|| {
                let job_facts = RoleFacts::of_record(record);
                let keys = RoleIndex::keys_for(&job_facts);
                (job_facts, keys)
            });
            roles.insert(keys, index);
            facts.push(job_facts);
        }
        owners.push(existing);
    }
    owners
}

/// Points jobs that duplicate a stored one (same id, canonical URL, or the same role)
/// at the stored `job_id`, so the upsert refreshes that row. Returns how many were
/// already stored.
pub fn against_stored(jobs: &mut [UniqueJob], stored: &[StoredIdentity]) -> usize {
    let ids: FastSet<&str> = stored
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
    let facts: Vec<RoleFacts> = stored.iter().map(RoleFacts::of_identity).collect();
    for (index, identity_facts) in facts.iter().enumerate() {
        roles.insert(RoleIndex::keys_for(identity_facts), index);
    }
    let mut existing = 0;
    let mut claimed: FastSet<String> = FastSet::default();
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
            let job_facts = RoleFacts::of_record(record);
            roles
                .candidates(&RoleIndex::keys_for(&job_facts))
                .into_iter()
                .find(|index| same_role(&job_facts, &facts[*index]))
                .map(|index| stored[index].job_id.clone())
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
        let keys = |company: &str, title: &str| {
            RoleIndex::keys_for(&RoleFacts::new(company, title, None, None))
        };
        let mut roles = RoleIndex::default();
        roles.insert(keys("acme", "senior backend software engineer"), 0);
        roles.insert(keys("acme", "data engineer"), 1);
        roles.insert(keys("globex", "senior backend software engineer"), 2);
        // One token added, removed or reordered: same key family, same company bucket.
        assert_eq!(
            roles.candidates(&keys("acme", "senior backend software engineer ii")),
            [0]
        );
        assert_eq!(
            roles.candidates(&keys("acme", "engineer senior software backend")),
            [0]
        );
        assert_eq!(roles.candidates(&keys("acme", "engineer data")), [1]);
        assert!(roles
            .candidates(&keys("acme", "product manager"))
            .is_empty());
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
        // The sorted-list forms agree with the sets.
        for (a, b) in [
            ("Senior Rust Engineer", "rust engineer senior"),
            ("senior rust engineer", "rust engineer"),
            ("Data Engineer II", "data engineer, platform"),
            ("", ""),
            ("Größe Müller", "grösse müller"),
        ] {
            assert_eq!(
                sorted_jaccard(&sorted_tokens(a), &sorted_tokens(b)),
                jaccard(&tokens(a), &tokens(b)),
                "{a} / {b}"
            );
        }
    }
}
