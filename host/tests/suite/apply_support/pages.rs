//! Job postings the local server answers, written like real ones: a clean
//! posting with schema.org JSON-LD, a scam-like one and a ghost-like one.

use chrono::{Duration, SecondsFormat, Utc};

fn days_ago(days: i64) -> String {
    (Utc::now() - Duration::days(days)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn days_ahead(days: i64) -> String {
    (Utc::now() + Duration::days(days)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub const CLEAN_DESCRIPTION: &str = "Ferris Labs builds observability tooling used by thousands of engineering teams. \
We are hiring a Senior Rust Engineer to work on our ingestion pipeline, which processes billions of events per day.\n\n\
Responsibilities\n\
• Design and build high-throughput services in Rust and Tokio\n\
• Own the storage layer on PostgreSQL and object storage\n\
• Review code, mentor engineers and write design documents\n\n\
Requirements\n\
• 5+ years of professional software engineering experience\n\
• Strong experience with Rust, async programming and PostgreSQL\n\
• Experience operating services on Kubernetes in production\n\
• Clear written communication in English\n\n\
Benefits\n\
• Salary range EUR 90,000 – 120,000 plus equity\n\
• 30 days of paid holiday and a yearly learning budget\n\
• Remote within Europe, with an office in Berlin\n\n\
Our interview process has four steps: a call with the hiring manager, a take-home exercise reviewed together, \
a system design conversation, and a meeting with the team. We answer every application within two weeks.";

pub fn clean() -> String {
    let posting = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": "Senior Rust Engineer",
        "description": CLEAN_DESCRIPTION,
        "datePosted": days_ago(3),
        "validThrough": days_ahead(40),
        "employmentType": ["FULL_TIME", "CONTRACTOR"],
        "hiringOrganization": {"@type": "Organization", "name": "Ferris Labs"},
        "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Berlin", "addressCountry": "DE"}},
        "jobLocationType": "TELECOMMUTE",
        "baseSalary": {"@type": "MonetaryAmount", "currency": "EUR",
            "value": {"@type": "QuantitativeValue", "minValue": 90000, "maxValue": 120000, "unitText": "YEAR"}}
    });
    format!(
        "<!doctype html><html><head><title>Senior Rust Engineer at Ferris Labs</title>\
         <script type=\"application/ld+json\">{posting}</script></head>\
         <body><main><h1>Senior Rust Engineer</h1><p>{}</p></main></body></html>",
        CLEAN_DESCRIPTION.replace('\n', "<br>")
    )
}

pub const SCAM_DESCRIPTION: &str = "Work from home data entry assistant - make money fast!\n\
No experience needed. Earn $500 per day working only 2 hours. Guaranteed income.\n\
To start you must pay an upfront fee of $99 for your training kit and starter software. \
Send money by wire transfer or crypto (Bitcoin accepted) and we will refund it with your first paycheck.\n\
Contact our hiring manager on WhatsApp +1 555 0100 or Telegram @quickjobs_hr right away, \
or email recruiting.quickjobs@gmail.com with your bank details to receive your equipment cheque.";

pub const GHOST_DESCRIPTION: &str = "We are always hiring talented people! Join our talent pool \
and we will reach out when a suitable position opens up in our pipeline.";

pub fn scam() -> String {
    format!(
        "<!doctype html><html><head><title>Data entry assistant</title></head><body><h1>Data Entry Assistant</h1>\
         <p>{}</p><a href=\"https://wa.me/15550100\">Apply on WhatsApp</a></body></html>",
        SCAM_DESCRIPTION.replace('\n', "<br>")
    )
}

pub fn ghost() -> String {
    let posting = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": "Software Engineer (General Application)",
        "description": GHOST_DESCRIPTION,
        "datePosted": days_ago(240),
        "hiringOrganization": {"@type": "Organization", "name": "Evergreen Corp"}
    });
    format!(
        "<!doctype html><html><head><script type=\"application/ld+json\">{posting}</script></head>\
         <body><h1>Software Engineer (General Application)</h1><p>{GHOST_DESCRIPTION}</p></body></html>"
    )
}

pub fn page(name: &str) -> Option<String> {
    match name {
        "clean" => Some(clean()),
        "scam" => Some(scam()),
        "ghost" => Some(ghost()),
        _ => None,
    }
}
