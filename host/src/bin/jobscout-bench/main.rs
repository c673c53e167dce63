//! Benchmark helper (not shipped): `seed` fills a database with realistic generated
//! jobs; `ceiling` serves a pre-serialized body to measure what axum alone can do
//! on this machine. `bench/api.sh` drives both with wrk; `faults` measures the
//! server while database connections are killed. See BENCHMARKS.md.

mod faults;

use std::time::Instant;

use anyhow::Context as _;
use chrono::{DateTime, Duration, TimeZone as _, Utc};
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
        /// Only the in-memory stages, on a fixed clock, without a database (under
        /// callgrind, `--toggle-collect='*in_memory_stages*'` counts just them).
        #[arg(long)]
        in_memory: bool,
        /// With --in-memory: also print a digest of everything the stages produce
        /// (with and without run filters, and dedupe against stored jobs), so that
        /// two builds can be compared.
        #[arg(long)]
        digest: bool,
    },
    /// Mixed reads and writes against the server on JOBSCOUT_DATABASE_URL (PostgreSQL)
    /// while every database connection is killed every `--kill-every` seconds.
    Faults {
        #[arg(long, default_value_t = 30)]
        seconds: u64,
        /// Seconds between kills (0: none, for a baseline).
        #[arg(long, default_value_t = 3)]
        kill_every: u64,
        /// Concurrent clients.
        #[arg(long, default_value_t = 8)]
        clients: usize,
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

fn generate(index: usize, random: &mut Random, now: DateTime<Utc>) -> JobRecord {
    let title = format!("{}{}", random.pick(&SENIORITY), random.pick(&ROLES));
    let company = random.pick(&COMPANIES).to_string();
    let (location, country, city, remote) = *random.pick(&LOCATIONS);
    let source = random.pick(&SOURCES).to_string();
    let stack: Vec<String> = (0..4).map(|_| random.pick(&STACK).to_string()).collect();
    let first_seen = now - Duration::minutes((random.next() % (120 * 24 * 60)) as i64);
    let posted = (!random.next().is_multiple_of(20))
        .then(|| first_seen - Duration::hours((random.next() % 96) as i64));
    let salary_min =
        (!random.next().is_multiple_of(3)).then(|| 60_000.0 + (random.next() % 90) as f64 * 1000.0);
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
    let now = Utc::now();
    let mut batch = Vec::with_capacity(1000);
    for index in 0..count {
        batch.push(generate(index, &mut random, now));
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
fn postings(count: usize, now: DateTime<Utc>) -> Vec<jobscout::pipeline::posting::SourcePosting> {
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
        let record = generate(index, &mut random, now);
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

/// Normalize, filter, dedupe and score, as a scrape run does between the sources
/// and the upsert. Not inlined, so callgrind can count it alone
/// (`--toggle-collect='*in_memory_stages*'`).
#[inline(never)]
fn in_memory_stages(
    input: &[jobscout::pipeline::posting::SourcePosting],
    filters: &jobscout::pipeline::filter::RunFilters,
    now: DateTime<Utc>,
) -> (
    Vec<jobscout::pipeline::dedupe::UniqueJob>,
    jobscout::pipeline::filter::FilterCounts,
) {
    use jobscout::pipeline::{dedupe, filter, normalize, score};
    let normalized: Vec<_> = input
        .iter()
        .map(|posting| normalize::normalize(posting, now))
        .collect();
    let (kept, counts) = filter::apply(normalized, filters);
    let mut unique = dedupe::within_run(kept);
    let tokens = score::query_tokens("senior backend engineer");
    for job in &mut unique {
        let (relevance, reasons) = score::score(&job.job, &tokens, true, now);
        job.job.record.relevance_score = Some(relevance);
        job.job.record.relevance_reasons = Some(reasons);
    }
    (unique, counts)
}

/// The filters of the timed run: none (every generated posting goes on to dedupe).
fn no_filters() -> jobscout::pipeline::filter::RunFilters {
    jobscout::pipeline::filter::RunFilters {
        remote_only: false,
        location: None,
        include_internships: true,
    }
}

/// A SHA-256 over everything the in-memory stages produce, with and without run
/// filters, and over what dedupe against stored jobs makes of them: equal digests
/// mean two builds give the same results.
fn digest_of_stages(
    input: &[jobscout::pipeline::posting::SourcePosting],
    now: DateTime<Utc>,
) -> String {
    use jobscout::pipeline::dedupe;
    use jobscout::pipeline::filter::RunFilters;
    use jobscout::storage::scrape::StoredIdentity;
    use sha2::{Digest as _, Sha256};
    let mut hasher = Sha256::new();
    let filtered = RunFilters {
        remote_only: true,
        location: Some("Europe".into()),
        include_internships: false,
    };
    for filters in [no_filters(), filtered] {
        let (mut unique, counts) = in_memory_stages(input, &filters, now);
        hasher.update(format!("{counts:?} {}\n", unique.len()));
        for job in &unique {
            hasher.update(serde_json::to_string(&job.job.record).unwrap_or_default());
            hasher.update(format!(
                "|{}|{:?}|{:?}|{:?}|{:?}\n",
                job.job.fingerprint,
                job.job.salary_period,
                job.job.salary_annual_min,
                job.job.salary_annual_max,
                job.sightings
            ));
        }
        // Every third job as if stored under another id (half without a URL), so
        // the rest are matched by id, URL and role.
        let stored: Vec<StoredIdentity> = unique
            .iter()
            .enumerate()
            .filter(|(index, _)| index % 3 == 0)
            .map(|(index, job)| StoredIdentity {
                job_id: format!("stored{index}"),
                job_url_canonical: job
                    .job
                    .record
                    .job_url_canonical
                    .clone()
                    .filter(|_| index % 2 == 0),
                company_normalized: job.job.record.company_normalized.clone(),
                title_normalized: job.job.record.title_normalized.clone(),
                location_raw: job.job.record.location_raw.clone(),
                posted_at: job.job.record.posted_at,
            })
            .collect();
        let existing = dedupe::against_stored(&mut unique, &stored);
        hasher.update(format!("stored {existing}\n"));
        for job in &unique {
            hasher.update(&job.job.record.job_id);
        }
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

async fn pipeline(counts: Vec<usize>, in_memory: bool, digest: bool) -> anyhow::Result<()> {
    if in_memory {
        // A fixed clock: the generated dates, the recency scores and `first_seen_at`
        // are then the same on every run.
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
        for count in counts {
            let input = postings(count, now);
            let started = Instant::now();
            let (unique, _) = in_memory_stages(&input, &no_filters(), now);
            let in_memory = started.elapsed().as_secs_f64();
            println!(
                "{count:>7} postings -> {:>7} unique | normalize+filter+dedupe+score {:>9.0} postings/s",
                unique.len(),
                count as f64 / in_memory,
            );
            if digest {
                println!("digest {}", digest_of_stages(&input, now));
            }
        }
        return Ok(());
    }
    let settings = Settings::load()
        .map_err(anyhow::Error::msg)?
        .into_result()
        .map_err(anyhow::Error::msg)?;
    let pool = storage::connect(&settings.database, 4, std::time::Duration::from_secs(10)).await?;
    storage::migrate(&pool).await?;
    println!("engine: {:?}", pool.engine());
    for count in counts {
        let now = Utc::now();
        let input = postings(count, now);
        let started = Instant::now();
        let (unique, _) = in_memory_stages(&input, &no_filters(), now);
        let in_memory = started.elapsed().as_secs_f64();
        let mut records: Vec<JobRecord> = unique.into_iter().map(|job| job.job.record).collect();
        // One call for all of a run's jobs, as the pipeline makes it (one transaction).
        let started = Instant::now();
        storage::jobs::upsert_jobs(&pool, &records).await?;
        let insert = started.elapsed().as_secs_f64();
        // The same postings in a later run: only `last_seen_at` moves.
        let later = now + Duration::hours(1);
        for record in &mut records {
            record.last_seen_at = Some(later);
        }
        let started = Instant::now();
        storage::jobs::upsert_jobs(&pool, &records).await?;
        let seen_again = started.elapsed().as_secs_f64();
        // The very same records once more: nothing changes.
        let started = Instant::now();
        storage::jobs::upsert_jobs(&pool, &records).await?;
        let unchanged = started.elapsed().as_secs_f64();
        println!(
            "{count:>7} postings -> {:>7} unique | normalize+filter+dedupe+score {:>9.0} postings/s | upsert new {:>7.0} rows/s | seen again {:>7.0} rows/s | unchanged {:>7.0} rows/s",
            records.len(),
            count as f64 / in_memory,
            records.len() as f64 / insert,
            records.len() as f64 / seen_again,
            records.len() as f64 / unchanged,
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
        Command::Pipeline {
            postings,
            in_memory,
            digest,
        } => pipeline(postings, in_memory, digest).await,
        Command::Ceiling { port, body_file } => ceiling(port, body_file).await,
        Command::Faults {
            seconds,
            kill_every,
            clients,
        } => faults::run(seconds, kill_every, clients).await,
    }
}
