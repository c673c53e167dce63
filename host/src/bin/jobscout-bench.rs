//! Benchmark helper (not shipped): `seed` fills a database with realistic generated
//! jobs; `ceiling` serves a pre-serialized body to measure what axum alone can do
//! on this machine. `bench/api.sh` drives both with wrk; see BENCHMARKS.md.

use std::time::Instant;

use anyhow::Context as _;
use chrono::{Duration, Utc};
use clap::{Parser, Subcommand};
use jobscout::config::Settings;
use jobscout::storage::{self, jobs::JobRecord};

#[derive(Parser)]
#[command(name = "jobscout-bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database of JOBSCOUT_DATABASE_URL / JOBSCOUT_SQLITE_PATH and add generated jobs.
    Seed {
        #[arg(long, default_value_t = 100_000)]
        jobs: usize,
    },
    /// Postings per second through normalize + filter + dedupe + score (in memory),
    /// then through upsert into the database of JOBSCOUT_DATABASE_URL.
    Pipeline {
        /// Posting counts to measure, e.g. 10000,100000.
        #[arg(long, value_delimiter = ',', default_value = "10000,100000")]
        postings: Vec<usize>,
    },
    /// Serve `--body-file` at /page and a tiny body at /health.
    Ceiling {
        #[arg(long)]
        port: u16,
        #[arg(long)]
        body_file: std::path::PathBuf,
    },
}

// Vocabulary in the shapes of the earlier backend's database (25 sources, titles
// with seniority prefixes, "City, Region - Mode" locations, sectioned descriptions).
const SOURCES: [&str; 25] = [
    "adzuna",
    "arbeitnow",
    "arbeitsamt",
    "careerjet",
    "devitjobs_uk",
    "findwork",
    "flexjobs",
    "indeed",
    "jobicy",
    "jobs2careers",
    "juju",
    "justremote",
    "okjob",
    "reed",
    "remoteco",
    "remoteok",
    "remotive",
    "serpapi_google_jobs",
    "stackoverflow",
    "themuse",
    "usajobs",
    "wellfound",
    "weworkremotely",
    "whatjobs",
    "workingnomads",
];
const SENIORITY: [&str; 6] = ["", "Senior ", "Staff ", "Junior ", "Lead ", "Principal "];
const ROLES: [&str; 20] = [
    "Backend Engineer",
    "Frontend Developer",
    "Data Engineer",
    "Test Automation Engineer",
    "DevOps Engineer",
    "Product Manager",
    "Machine Learning Engineer",
    "Site Reliability Engineer",
    "Full Stack Developer",
    "QA Engineer",
    "Mobile Developer",
    "Security Engineer",
    "Data Scientist",
    "Engineering Manager",
    "Technical Writer",
    "Solutions Architect",
    "Platform Engineer",
    "Marketing Manager",
    "UX Designer",
    "Customer Success Manager",
];
const COMPANIES: [&str; 16] = [
    "QuillMedia",
    "Ferris Labs",
    "Acme Analytics",
    "Globex",
    "Initech",
    "Hooli",
    "Umbrella Health",
    "Stark Retail",
    "Wayne Logistics",
    "Cyberdyne",
    "Soylent Foods",
    "Tyrell Bio",
    "Aperture Labs",
    "Vandelay Imports",
    "Pied Piper",
    "Massive Dynamic",
];
const LOCATIONS: [(&str, &str, &str, &str); 10] = [
    (
        "San Francisco, CA - Hybrid",
        "US",
        "San Francisco",
        "hybrid",
    ),
    ("Remote", "", "", "remote"),
    ("Berlin, Germany", "DE", "Berlin", "onsite"),
    ("London, UK - Remote", "GB", "London", "remote"),
    ("New York, NY", "US", "New York", "onsite"),
    ("Remote - Europe", "", "", "remote"),
    ("Toronto, Canada - Hybrid", "CA", "Toronto", "hybrid"),
    ("Amsterdam, Netherlands", "NL", "Amsterdam", "unknown"),
    ("Austin, TX - Remote", "US", "Austin", "remote"),
    ("Paris, France", "FR", "Paris", "hybrid"),
];
const STACK: [&str; 12] = [
    "Rust",
    "Python",
    "Go",
    "TypeScript",
    "React",
    "Kubernetes",
    "PostgreSQL",
    "Terraform",
    "Kotlin",
    "GraphQL",
    "AWS",
    "Node.js",
];

/// A small deterministic generator (no extra dependency, same data every run).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

fn generate(index: usize, random: &mut Random) -> JobRecord {
    let now = Utc::now();
    let title = format!("{}{}", random.pick(&SENIORITY), random.pick(&ROLES));
    let company = random.pick(&COMPANIES).to_string();
    let (location, country, city, remote) = *random.pick(&LOCATIONS);
    let source = random.pick(&SOURCES).to_string();
    let stack: Vec<String> = (0..4).map(|_| random.pick(&STACK).to_string()).collect();
    let first_seen = now - Duration::minutes((random.next() % (120 * 24 * 60)) as i64);
    let posted = (random.next() % 20 != 0)
        .then(|| first_seen - Duration::hours((random.next() % 96) as i64));
    let salary_min =
        (random.next() % 3 != 0).then(|| 60_000.0 + (random.next() % 90) as f64 * 1000.0);
    let description = format!(
        "About {company}\nWe are {company}: a distributed team building the next generation of tools.\n\n\
         The role\nAs a {title}, you will own meaningful parts of our product from idea to production.\n\n\
         What you'll do\n- Design, build and maintain services written in {a} and {b}.\n\
         - Mentor teammates and help raise the bar for quality.\n- Write clear technical documentation.\n\n\
         What we're looking for\n- 5+ years of professional experience as a {title} or in a similar role.\n\
         - Strong experience with {a}, {b} and {c}.\n- Excellent written and verbal communication skills.\n\n\
         Benefits\n- Paid parental leave.\n- Flexible working hours.\n\nOur stack\n{stack}.",
        a = stack[0],
        b = stack[1],
        c = stack[2],
        stack = stack.join(", ")
    );
    let job_id = format!(
        "{:024x}",
        (index as u128).wrapping_mul(0x9E37_79B9_7F4A_7C15) % (1u128 << 96)
    );
    JobRecord {
        job_id: job_id.clone(),
        provider_id: Some(format!("{}-{index}", &source[..3])),
        title_normalized: Some(title.to_lowercase()),
        company_normalized: Some(company.to_lowercase()),
        location_raw: Some(location.to_string()),
        country: Some(country.to_string()).filter(|c| !c.is_empty()),
        city: Some(city.to_string()).filter(|c| !c.is_empty()),
        remote_type: Some(remote.to_string()),
        employment_types: vec![["full_time", "contract", "part_time", "freelance"]
            [(random.next() % 4) as usize]
            .into()],
        salary_min,
        salary_max: salary_min.map(|min| min + 20_000.0),
        salary_currency: salary_min.map(|_| "USD".to_string()),
        job_url: Some(format!("https://jobs.example.com/{source}/{job_id}")),
        job_url_canonical: Some(format!("https://jobs.example.com/{source}/{job_id}")),
        apply_url: Some(format!(
            "https://{}.example/careers/{index}",
            company.to_lowercase().replace(' ', "")
        )),
        description_text: Some(description),
        company_website: Some(format!(
            "https://www.{}.example",
            company.to_lowercase().replace(' ', "")
        )),
        tags: stack,
        posted_at: posted,
        first_seen_at: Some(first_seen),
        last_seen_at: Some(first_seen + Duration::hours((random.next() % 48) as i64)),
        relevance_score: Some((random.next() % 1000) as f64 / 10.0),
        relevance_reasons: Some("Strong title match; Recently posted".into()),
        title,
        company,
        source,
        ..JobRecord::default()
    }
}

async fn seed(count: usize) -> anyhow::Result<()> {
    let settings = Settings::load()
        .map_err(anyhow::Error::msg)?
        .into_result()
        .map_err(anyhow::Error::msg)?;
    let pool = storage::connect(&settings.database, 4, std::time::Duration::from_secs(10)).await?;
    storage::migrate(&pool).await?;
    let mut random = Random(0x2545_F491_4F6C_DD1D);
    let started = Instant::now();
    let mut batch = Vec::with_capacity(1000);
    for index in 0..count {
        batch.push(generate(index, &mut random));
        if batch.len() == 1000 || index + 1 == count {
            storage::jobs::upsert_jobs(&pool, &batch)
                .await
                .context("insert batch")?;
            batch.clear();
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "seeded {count} jobs in {seconds:.1} s ({:.0} jobs/s)",
        count as f64 / seconds
    );
    match &pool {
        storage::Pool::Sqlite(sqlite) => {
            sqlx::query("PRAGMA optimize").execute(sqlite).await?;
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(sqlite)
                .await?;
        }
        storage::Pool::Postgres(postgres) => {
            sqlx::query("VACUUM ANALYZE jobs").execute(postgres).await?;
        }
    }
    pool.close().await;
    Ok(())
}

/// Source postings shaped like real feeds: HTML descriptions, salaries with periods,
/// and one in ten a duplicate of an earlier posting seen on another source.
fn postings(count: usize) -> Vec<jobscout::pipeline::posting::SourcePosting> {
    use jobscout::pipeline::posting::{Salary, SalaryPeriod, SourcePosting, WorkMode};
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let mut list: Vec<SourcePosting> = Vec::with_capacity(count);
    for index in 0..count {
        if index % 10 == 9 {
            let mut duplicate = list[(random.next() % index as u64) as usize].clone();
            duplicate.source = "mirror".into();
            duplicate.source_id = format!("m{index}");
            list.push(duplicate);
            continue;
        }
        let record = generate(index, &mut random);
        let description = record.description_text.clone().unwrap_or_default();
        list.push(SourcePosting {
            source: record.source.clone(),
            source_id: record.provider_id.clone().unwrap_or_default(),
            title: record.title.clone(),
            company: format!("{} Inc.", record.company),
            locations: vec![record.location_raw.clone().unwrap_or_default()],
            work_mode: match record.remote_type.as_deref() {
                Some("remote") => WorkMode::Remote,
                Some("hybrid") => WorkMode::Hybrid,
                Some("onsite") => WorkMode::Onsite,
                _ => WorkMode::Unknown,
            },
            employment_types: record.employment_types.clone(),
            salary: record.salary_min.map(|min| Salary {
                min: Some(min),
                max: Some(min + 20_000.0),
                currency: Some("usd".into()),
                period: Some(SalaryPeriod::Year),
            }),
            listing_url: format!(
                "{}?utm_source=feed&ref=bench",
                record.job_url.clone().unwrap_or_default()
            ),
            apply_url: record.apply_url.clone(),
            description_html: Some(format!(
                "<p>{}</p>",
                description.replace('\n', "</p><p>").replace("- ", "<li>")
            )),
            description_text: None,
            posted_at: record.posted_at.map(|time| time.to_rfc3339()),
            tags: record.tags.clone(),
            ..SourcePosting::default()
        });
    }
    list
}

async fn pipeline(counts: Vec<usize>) -> anyhow::Result<()> {
    use jobscout::pipeline::{dedupe, filter, normalize, score};
    let settings = Settings::load()
        .map_err(anyhow::Error::msg)?
        .into_result()
        .map_err(anyhow::Error::msg)?;
    let pool = storage::connect(&settings.database, 4, std::time::Duration::from_secs(10)).await?;
    storage::migrate(&pool).await?;
    println!("engine: {:?}", pool.engine());
    for count in counts {
        let input = postings(count);
        let now = Utc::now();
        let started = Instant::now();
        let normalized: Vec<_> = input
            .iter()
            .map(|posting| normalize::normalize(posting, now))
            .collect();
        let filters = filter::RunFilters {
            remote_only: false,
            location: None,
            include_internships: true,
        };
        let (kept, _) = filter::apply(normalized, &filters);
        let mut unique = dedupe::within_run(kept);
        let tokens = score::query_tokens("senior backend engineer");
        for job in &mut unique {
            let (relevance, reasons) = score::score(&job.job, &tokens, true, now);
            job.job.record.relevance_score = Some(relevance);
            job.job.record.relevance_reasons = Some(reasons);
        }
        let in_memory = started.elapsed().as_secs_f64();
        let records: Vec<JobRecord> = unique.into_iter().map(|job| job.job.record).collect();
        let started = Instant::now();
        for batch in records.chunks(1000) {
            storage::jobs::upsert_jobs(&pool, batch).await?;
        }
        let insert = started.elapsed().as_secs_f64();
        let started = Instant::now();
        for batch in records.chunks(1000) {
            storage::jobs::upsert_jobs(&pool, batch).await?;
        }
        let update = started.elapsed().as_secs_f64();
        println!(
            "{count:>7} postings -> {:>7} unique | normalize+filter+dedupe+score {:>9.0} postings/s | upsert new {:>7.0} rows/s | upsert existing {:>7.0} rows/s",
            records.len(),
            count as f64 / in_memory,
            records.len() as f64 / insert,
            records.len() as f64 / update,
        );
    }
    pool.close().await;
    Ok(())
}

async fn ceiling(port: u16, body_file: std::path::PathBuf) -> anyhow::Result<()> {
    use axum::routing::get;
    let page = bytes::Bytes::from(std::fs::read(&body_file)?);
    let app = axum::Router::new()
        .route(
            "/page",
            get(move || {
                let page = page.clone();
                async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        page,
                    )
                }
            }),
        )
        .route(
            "/health",
            get(|| async { axum::Json(serde_json::json!({"status": "healthy"})) }),
        );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    axum::serve(listener, app).await?;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Seed { jobs } => seed(jobs).await,
        Command::Pipeline { postings } => pipeline(postings).await,
        Command::Ceiling { port, body_file } => ceiling(port, body_file).await,
    }
}
