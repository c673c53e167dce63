//! A deliberately hostile source. The query's keywords pick the attack; the
//! host's tests check that each one is contained.

use std::hint::black_box;

use jobscout_plugin_sdk::http::{self, FetchError};
use jobscout_plugin_sdk::{
    register_source, EmploymentType, JobPosting, JobQuery, Source, SourceError, SourceMetadata,
    WorkMode,
};

struct Hostile;

#[allow(unconditional_recursion)]
fn recurse(depth: u64) -> u64 {
    // black_box keeps the optimiser from turning this into a loop.
    black_box(depth) + recurse(black_box(depth + 1))
}

fn big_posting(bytes: usize) -> JobPosting {
    JobPosting {
        source_id: "big".to_string(),
        title: "big".to_string(),
        company: "Hostile".to_string(),
        locations: Vec::new(),
        work_mode: WorkMode::Unknown,
        employment_types: vec![EmploymentType::Other],
        salary: None,
        listing_url: "https://hostile.example".to_string(),
        apply_url: None,
        description_html: None,
        description_text: Some("x".repeat(bytes)),
        posted_at: None,
        expires_at: None,
        tags: Vec::new(),
        extra: Vec::new(),
    }
}

fn describe(error: FetchError) -> SourceError {
    match error {
        FetchError::Denied(message) => SourceError::Denied(message),
        FetchError::TooManyFetches(limit) => {
            SourceError::Denied(format!("too many fetches (limit {limit})"))
        }
        other => SourceError::Network(format!("{other:?}")),
    }
}

impl Source for Hostile {
    fn metadata() -> SourceMetadata {
        // `metadata_spin_ms` in [plugin.config]: a metadata() that takes its time.
        let spin: u64 = jobscout_plugin_sdk::config::get("metadata_spin_ms")
            .and_then(|text| text.parse().ok())
            .unwrap_or(0);
        let start = std::time::Instant::now();
        while start.elapsed().as_millis() < u128::from(spin) {
            black_box(());
        }
        SourceMetadata {
            id: "hostile".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            description: "Misbehaves on purpose".to_string(),
            features: Vec::new(),
        }
    }

    fn search(query: JobQuery) -> Result<Vec<JobPosting>, SourceError> {
        let mut words = query.keywords.split_whitespace();
        match words.next() {
            Some("loop") => {
                let mut counter = 0u64;
                loop {
                    counter = black_box(counter.wrapping_add(1));
                }
            }
            Some("alloc") => {
                // black_box keeps the optimiser from eliding the allocation.
                let mut huge = black_box(Vec::<u8>::with_capacity(1 << 30));
                huge.resize(1 << 30, 1);
                let huge = black_box(huge);
                Ok(vec![big_posting(usize::from(huge[huge.len() / 2]) % 7)])
            }
            Some("recurse") => Ok(vec![big_posting(recurse(0) as usize)]),
            Some("panic") => panic!("hostile plugin panicked on purpose"),
            Some("exit") => std::process::exit(3),
            // 100 MB of output in one posting.
            Some("output") => Ok(vec![big_posting(100 * 1024 * 1024)]),
            Some("spin") => {
                let millis: u64 = words
                    .next()
                    .and_then(|text| text.parse().ok())
                    .unwrap_or(100);
                let start = std::time::Instant::now();
                while start.elapsed().as_millis() < u128::from(millis) {
                    black_box(());
                }
                Ok(Vec::new())
            }
            Some("fetch") => {
                let response = http::get(words.next().unwrap_or_default()).map_err(describe)?;
                Err(SourceError::Internal(format!(
                    "fetch was allowed: HTTP {}",
                    response.status
                )))
            }
            Some("fetch-flood") => {
                let url = words.next().unwrap_or_default();
                for _ in 0..10_000 {
                    http::get(url).map_err(describe)?;
                }
                Err(SourceError::Internal("every fetch was allowed".to_string()))
            }
            _ => Ok(Vec::new()),
        }
    }
}

register_source!(Hostile);
