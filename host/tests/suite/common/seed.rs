//! A small catalogue whose jobs differ along every filter and sort key, so each
//! expectation below pins one rule of `GET /jobs`.

use chrono::{Duration, Utc};
use jobscout::storage::jobs::{upsert_jobs, JobRecord};
use jobscout::storage::Pool;

pub const SENIOR_RUST: &str = "aaaaaaaaaaaaaaaaaaaaaaa1";
pub const DATA_ENGINEER: &str = "bbbbbbbbbbbbbbbbbbbbbbb2";
pub const FRONTEND: &str = "ccccccccccccccccccccccc3";
pub const ENG_MANAGER: &str = "ddddddddddddddddddddddd4";
pub const QA_AUTOMATION: &str = "eeeeeeeeeeeeeeeeeeeeeee5";

fn job(job_id: &str, title: &str, company: &str, source: &str) -> JobRecord {
    JobRecord {
        job_id: job_id.into(),
        title: title.into(),
        title_normalized: Some(title.to_lowercase()),
        company: company.into(),
        company_normalized: Some(company.to_lowercase()),
        source: source.into(),
        ..JobRecord::default()
    }
}

/// Five jobs. Expected orders:
/// - relevance: SENIOR_RUST(90), QA(50, posted 3d), DATA(50, 10d), MANAGER(50, 40d), FRONTEND(none)
/// - posted_at: SENIOR_RUST(1d), QA(3d), DATA(10d), MANAGER(40d), FRONTEND(no date)
/// - first_seen_at: SENIOR_RUST(6h), FRONTEND(2d), QA(3d), DATA(10d), MANAGER(40d)
/// - ai_score: MANAGER(95), SENIOR_RUST(80), then no score by posted date: QA, DATA, FRONTEND
pub fn catalogue() -> Vec<JobRecord> {
    let now = Utc::now();
    let days = |n: i64| Some(now - Duration::days(n));
    vec![
        JobRecord {
            location_raw: Some("Remote - Europe".into()),
            remote_type: Some("remote".into()),
            employment_types: vec!["full_time".into()],
            salary_min: Some(120000.0),
            salary_max: Some(150000.0),
            salary_currency: Some("EUR".into()),
            job_url: Some("https://remoteok.com/remote-jobs/1".into()),
            apply_url: Some("https://ferris.example/apply".into()),
            description_text: Some(
                "Write async services in Rust with Tokio and PostgreSQL.".into(),
            ),
            emails: vec!["jobs@ferris.example".into()],
            tags: vec!["rust".into(), "tokio".into()],
            posted_at: days(1),
            first_seen_at: Some(now - Duration::hours(6)),
            last_seen_at: Some(now),
            relevance_score: Some(90.0),
            relevance_reasons: Some("Strong title match".into()),
            ai_score: Some(80.0),
            ai_company_summary: Some("Rust tooling company".into()),
            ..job(
                SENIOR_RUST,
                "Senior Rust Engineer",
                "Ferris Labs",
                "remoteok",
            )
        },
        JobRecord {
            location_raw: Some("Berlin, Germany".into()),
            remote_type: Some("hybrid".into()),
            employment_types: vec!["contract".into()],
            description_text: Some("Pipelines in Python and Spark for our data platform.".into()),
            posted_at: days(10),
            first_seen_at: days(10),
            relevance_score: Some(50.0),
            ..job(
                DATA_ENGINEER,
                "Data Engineer",
                "Acme Analytics",
                "greenhouse",
            )
        },
        JobRecord {
            location_raw: Some("New York, NY".into()),
            remote_type: Some("onsite".into()),
            employment_types: vec!["full_time".into(), "part_time".into()],
            description_text: Some("React and TypeScript user interfaces.".into()),
            posted_at: None,
            first_seen_at: days(2),
            relevance_score: None,
            ..job(FRONTEND, "Frontend Developer", "Pixel Co", "lever")
        },
        JobRecord {
            location_raw: Some("Anywhere (Remote)".into()),
            remote_type: Some("remote".into()),
            employment_types: vec!["full_time".into()],
            description_text: Some("Lead a team shipping Node.js services.".into()),
            posted_at: days(40),
            first_seen_at: days(40),
            relevance_score: Some(50.0),
            ai_score: Some(95.0),
            ..job(ENG_MANAGER, "Engineering Manager", "Globex", "remoteok")
        },
        JobRecord {
            location_raw: Some("Remote".into()),
            remote_type: Some("unknown".into()),
            employment_types: vec!["full_time".into()],
            description_text: Some("Selenium and Playwright test automation, 100% remote.".into()),
            posted_at: days(3),
            first_seen_at: days(3),
            relevance_score: Some(50.0),
            ..job(
                QA_AUTOMATION,
                "QA Automation Engineer",
                "Initech",
                "remotive",
            )
        },
    ]
}

pub async fn seed(pool: &Pool) -> Vec<JobRecord> {
    let jobs = catalogue();
    upsert_jobs(pool, &jobs).await.expect("seed jobs");
    jobs
}
