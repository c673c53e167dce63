//! How `jobscout plugin run` prints results: a table for people, `--json` for tools.
//! Postings are shown normalized, as the scrape pipeline would store them.

use chrono::Utc;
use serde_json::json;

use crate::pipeline::normalize::normalize;
use crate::pipeline::posting::SourcePosting;
use crate::plugins::types::{JobPosting, Payload};

/// Cuts `text` to `width` characters, marking the cut.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

pub fn postings(id: &str, version: &str, postings: Vec<JobPosting>, as_json: bool) {
    let now = Utc::now();
    let records: Vec<_> = postings
        .into_iter()
        .map(|posting| {
            let mut record = normalize(&SourcePosting::from_plugin(id, posting), now).record;
            // Set by the database when stored; a run's output stays comparable across runs.
            record.first_seen_at = None;
            record.last_seen_at = None;
            record
        })
        .collect();
    if as_json {
        let document = json!({ "plugin": id, "version": version, "count": records.len(), "postings": records });
        println!(
            "{}",
            serde_json::to_string_pretty(&document).unwrap_or_default()
        );
        return;
    }
    println!("{id} {version}: {} posting(s)", records.len());
    if records.is_empty() {
        return;
    }
    println!(
        "{:<3} {:<36} {:<20} {:<18} {:<7} {:<10} url",
        "#", "title", "company", "location", "remote", "posted"
    );
    for (index, record) in records.iter().enumerate() {
        println!(
            "{:<3} {:<36} {:<20} {:<18} {:<7} {:<10} {}",
            index + 1,
            fit(&record.title, 36),
            fit(&record.company, 20),
            fit(record.location_raw.as_deref().unwrap_or("-"), 18),
            fit(record.remote_type.as_deref().unwrap_or("-"), 7),
            record
                .posted_at
                .map(|when| when.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| "-".to_string()),
            record.job_url.as_deref().unwrap_or("-"),
        );
    }
}

pub fn payload(id: &str, version: &str, payload: &Payload, as_json: bool) {
    if as_json {
        let body = match payload {
            Payload::Text(text) => json!({ "text": text }),
            Payload::Structured(pairs) => json!({ "structured": pairs }),
            Payload::Bytes(blob) => {
                json!({ "bytes": { "media_type": blob.media_type, "size": blob.data.len() } })
            }
        };
        let document = json!({ "plugin": id, "version": version, "payload": body });
        println!(
            "{}",
            serde_json::to_string_pretty(&document).unwrap_or_default()
        );
        return;
    }
    match payload {
        Payload::Text(text) => println!("{id} {version}: text\n{text}"),
        Payload::Structured(pairs) => {
            println!("{id} {version}: {} field(s)", pairs.len());
            let width = pairs.iter().map(|(key, _)| key.len()).max().unwrap_or(0);
            for (key, value) in pairs {
                println!("{key:<width$}  {value}");
            }
        }
        Payload::Bytes(blob) => println!(
            "{id} {version}: {} bytes of {}",
            blob.data.len(),
            blob.media_type
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn long_cells_are_cut_with_a_mark() {
        assert_eq!(fit("abc", 5), "abc");
        assert_eq!(fit("abcdef", 4), "abc…");
    }
}
