//! The earlier backend's run filters: remote-only, location
//! and employment type. Each drop is counted under the filter that made it.

use std::cell::OnceCell;
use std::collections::HashSet;

use jobscout_text::guess::REMOTE_SIGNALS;
use serde::Serialize;

use super::normalize::NormalizedJob;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunFilters {
    /// Drop onsite jobs, and unknown ones whose text never mentions remote work.
    pub remote_only: bool,
    /// Must appear in the location or the text ("europe" also matches EU countries).
    pub location: Option<String>,
    /// Drop internships unless asked for; unknown types pass.
    pub include_internships: bool,
}

/// How many postings each filter dropped, and how many links normalisation dropped
/// (not http(s); the postings themselves are kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct FilterCounts {
    pub remote_only: u32,
    pub location: u32,
    pub employment: u32,
    pub unsafe_links: u32,
}

impl FilterCounts {
    /// Postings dropped.
    pub fn total(&self) -> u32 {
        self.remote_only + self.location + self.employment
    }
}

const EUROPE_SYNONYMS: [&str; 14] = [
    "europe",
    "eu",
    "emea",
    "cet",
    "germany",
    "france",
    "spain",
    "netherlands",
    "poland",
    "portugal",
    "ireland",
    "uk",
    "united kingdom",
    "sweden",
];

fn text_of(job: &NormalizedJob) -> String {
    let record = &job.record;
    format!(
        "{} {} {}",
        record.title,
        record.location_raw.as_deref().unwrap_or_default(),
        record.description_text.as_deref().unwrap_or_default()
    )
    .to_lowercase()
}

/// A European place as a whole word of `blob` (or, for names of several words, between spaces).
fn mentions_europe(blob: &str) -> bool {
    let words: HashSet<&str> = blob.split(|c: char| !c.is_alphanumeric()).collect();
    EUROPE_SYNONYMS.iter().any(|word| {
        words.contains(word) || (word.contains(' ') && blob.contains(&format!(" {word} ")))
    })
}

/// Keeps the jobs that pass; counts the others by the first filter that dropped them.
pub fn apply(jobs: Vec<NormalizedJob>, filters: &RunFilters) -> (Vec<NormalizedJob>, FilterCounts) {
    let mut counts = FilterCounts::default();
    let location = filters
        .location
        .as_deref()
        .map(str::trim)
        .map(str::to_lowercase)
        .filter(|l| !l.is_empty());
    let kept = jobs
        .into_iter()
        .filter(|job| {
            counts.unsafe_links += job.unsafe_links;
            // The lower-cased text is only made for a filter that reads it.
            let text = OnceCell::new();
            let blob = || text.get_or_init(|| text_of(job)).as_str();
            let remote_type = job.record.remote_type.as_deref().unwrap_or("unknown");
            if filters.remote_only {
                let dropped = match remote_type {
                    "onsite" => true,
                    "unknown" => {
                        let blob = blob();
                        !REMOTE_SIGNALS.iter().any(|signal| blob.contains(signal))
                    }
                    _ => false,
                };
                if dropped {
                    counts.remote_only += 1;
                    return false;
                }
            }
            if let Some(location) = &location {
                let blob = blob();
                let matches = blob.contains(location.as_str())
                    || (location == "europe" && mentions_europe(blob));
                if !matches {
                    counts.location += 1;
                    return false;
                }
            }
            if !filters.include_internships
                && job
                    .record
                    .employment_types
                    .iter()
                    .all(|kind| kind == "internship")
            {
                counts.employment += 1;
                return false;
            }
            true
        })
        .collect();
    (kept, counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::jobs::JobRecord;

    fn job(title: &str, location: &str, remote: &str, employment: &str) -> NormalizedJob {
        NormalizedJob::from_record(JobRecord {
            title: title.into(),
            location_raw: Some(location.into()),
            remote_type: Some(remote.into()),
            employment_types: vec![employment.into()],
            ..JobRecord::default()
        })
    }

    #[test]
    fn each_drop_is_counted_once_under_its_filter() {
        let jobs = vec![
            job("Rust Engineer", "Berlin", "onsite", "full_time"),
            job("Go Engineer", "Anywhere", "unknown", "full_time"),
            job("QA Engineer", "Lisbon", "unknown", "full_time"),
            job("Data Engineer", "Remote - Europe", "remote", "full_time"),
            job("Intern", "Remote - Europe", "remote", "internship"),
            job("Designer", "Remote - US", "remote", "contract"),
        ];
        let filters = RunFilters {
            remote_only: true,
            location: Some("Europe".into()),
            include_internships: false,
        };
        let (kept, counts) = apply(jobs, &filters);
        let titles: Vec<_> = kept.iter().map(|job| job.record.title.as_str()).collect();
        assert_eq!(titles, ["Data Engineer"]);
        assert_eq!(
            counts,
            FilterCounts {
                remote_only: 2,
                location: 2,
                employment: 1,
                unsafe_links: 0,
            }
        );
        assert_eq!(counts.total(), 5);
    }

    #[test]
    fn no_filters_keep_everything() {
        let (kept, counts) = apply(
            vec![job("Intern", "Paris", "onsite", "internship")],
            &RunFilters {
                include_internships: true,
                ..RunFilters::default()
            },
        );
        assert_eq!(kept.len(), 1);
        assert_eq!(counts.total(), 0);
    }
}
