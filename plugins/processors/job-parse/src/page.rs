//! A fetched job page → job fields: the schema.org JobPosting JSON-LD when the
//! page has one, with the page heuristics filling its gaps; the heuristics alone
//! otherwise (title from `h1`/`og:title`, company from `og:site_name`, the ATS
//! URL or the domain, description from the main content, the first apply link,
//! salary from the text).

use jobscout_plugin_sdk::parse::{jsonld, salary, text};
use jobscout_plugin_sdk::WorkMode;
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use url::Url;

use crate::clues;
use crate::dom_text::{text_of, truncate};
use crate::job::{Method, ParsedJob};
use crate::site;

/// Page descriptions are cut here (characters), as the earlier backend did.
pub const PAGE_DESCRIPTION_LIMIT: usize = 5000;
/// JSON-LD descriptions are the employer's own text and are kept longer.
pub const JSON_LD_DESCRIPTION_LIMIT: usize = 20_000;
/// Main-content candidates shorter than this are navigation, not a description.
const MIN_CONTENT_CHARS: usize = 200;

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("the selectors in this module are valid CSS")
}

fn first_text(document: &Html, css: &str, max_chars: usize) -> Option<String> {
    document
        .select(&selector(css))
        .map(|element| text::squash(&element.text().collect::<String>()))
        .find(|found| !found.is_empty() && found.chars().count() <= max_chars)
}

fn meta(document: &Html, key: &str) -> Option<String> {
    let css = format!("meta[property=\"{key}\"], meta[name=\"{key}\"]");
    document
        .select(&selector(&css))
        .filter_map(|element| element.attr("content"))
        .map(text::squash)
        .find(|content| !content.is_empty())
}

/// Parses `html` fetched from `page_url` (already checked to be http(s)).
pub fn parse(html: &str, page_url: &Url) -> ParsedJob {
    let document = Html::parse_document(html);
    let heuristics = heuristics(&document, page_url);
    let jobs = jsonld::job_objects(html);
    let chosen = jobs
        .iter()
        .find(|job| same_page(job, page_url))
        .or_else(|| {
            jobs.iter()
                .find(|job| jsonld::text_of(job.get("title")).is_some())
        });
    match chosen {
        Some(job) => merge(from_json_ld(job, page_url), heuristics),
        None => heuristics,
    }
}

fn same_page(job: &Value, page_url: &Url) -> bool {
    let trim = |url: &str| url.trim_end_matches('/').to_string();
    jsonld::text_of(job.get("url")).is_some_and(|url| trim(&url) == trim(page_url.as_str()))
}

fn from_json_ld(job: &Value, page_url: &Url) -> ParsedJob {
    let mut parsed = ParsedJob::empty(Method::JsonLd);
    parsed.json_ld = Some(job.clone());
    parsed.company_website = jsonld::company_website(job);
    let Some(posting) = jsonld::to_posting(job, page_url.as_str(), String::new()) else {
        return parsed;
    };
    parsed.title = Some(posting.title).filter(|title| !title.is_empty());
    parsed.company = Some(posting.company).filter(|company| !company.is_empty());
    parsed.location = (!posting.locations.is_empty()).then(|| posting.locations.join("; "));
    parsed.remote_type = posting.work_mode;
    parsed.employment_type = posting.employment_types;
    parsed.salary = posting.salary;
    parsed.description_text = posting
        .description_text
        .map(|description| truncate(&description, JSON_LD_DESCRIPTION_LIMIT))
        .filter(|description| !description.is_empty());
    parsed.posted_at = posting.posted_at;
    parsed.valid_through = posting.expires_at;
    parsed
}

/// The JSON-LD fields, with what it lacks taken from the page.
fn merge(mut primary: ParsedJob, page: ParsedJob) -> ParsedJob {
    primary.title = primary.title.or(page.title);
    primary.company = primary.company.or(page.company);
    primary.location = primary.location.or(page.location);
    if primary.remote_type == WorkMode::Unknown {
        primary.remote_type = page.remote_type;
    }
    if primary.employment_type.is_empty() {
        primary.employment_type = page.employment_type;
    }
    primary.salary = primary.salary.or(page.salary);
    primary.description_text = primary.description_text.or(page.description_text);
    primary.apply_url = primary.apply_url.or(page.apply_url);
    primary.company_website = primary.company_website.or(page.company_website);
    primary.posted_at = primary.posted_at.or(page.posted_at);
    primary.valid_through = primary.valid_through.or(page.valid_through);
    primary
}

fn heuristics(document: &Html, page_url: &Url) -> ParsedJob {
    let mut parsed = ParsedJob::empty(Method::Html);
    let company = meta(document, "og:site_name")
        .or_else(|| {
            first_text(
                document,
                ".company-name, [itemprop=hiringOrganization], .company",
                120,
            )
            .map(|name| name.trim_start_matches("at ").trim().to_string())
        })
        .or_else(|| site::ats_company(page_url));
    let page_title = first_text(document, "title", 300);
    let title = first_text(document, "h1", 200)
        .or_else(|| meta(document, "og:title").map(|t| site::strip_company(&t, company.as_deref())))
        .or_else(|| {
            page_title
                .as_deref()
                .map(|t| site::strip_company(t, company.as_deref()))
        });
    parsed.company = company
        .or_else(|| page_title.as_deref().and_then(site::company_after_at))
        .or_else(|| site::domain_company(page_url));
    parsed.title = title.filter(|title| !title.is_empty());
    parsed.location = first_text(
        document,
        "[itemprop=jobLocation], .location, .job-location, .posting-location, [data-qa=job-location], [class*=location]",
        120,
    );
    let workplace = first_text(
        document,
        "[class*=workplace], [class*=remote], [class*=work-type]",
        80,
    );
    parsed.remote_type = [
        parsed.location.as_deref(),
        workplace.as_deref(),
        parsed.title.as_deref(),
    ]
    .into_iter()
    .flatten()
    .map(text::work_mode)
    .find(|mode| *mode != WorkMode::Unknown)
    .unwrap_or(WorkMode::Unknown);
    parsed.employment_type = first_text(
        document,
        "[itemprop=employmentType], .commitment, [class*=commitment], [class*=employment-type]",
        80,
    )
    .map(|value| clues::employment_types_of_value(&value))
    .unwrap_or_default();
    let description = description(document);
    if parsed.employment_type.is_empty() {
        parsed.employment_type = clues::employment_types_in(&short_lines(description.as_deref()));
    }
    let salary_text = first_text(document, "[class*=salary], [class*=compensation]", 200);
    parsed.salary = salary_text
        .as_deref()
        .and_then(salary::parse)
        .or_else(|| description.as_deref().and_then(clues::salary_in));
    if let Some(description) = description.as_deref() {
        for line in description.lines() {
            dates_from_line(line, &mut parsed);
        }
    }
    parsed.description_text = description;
    parsed.apply_url = apply_link(document, page_url);
    parsed.company_website = logo_link(document, page_url);
    parsed
}

fn dates_from_line(line: &str, parsed: &mut ParsedJob) {
    let (posted, closing) = clues::line_dates(line);
    parsed.posted_at = parsed.posted_at.take().or(posted);
    parsed.valid_through = parsed.valid_through.take().or(closing);
}

/// The description's short, non-list lines: where pages state the job's
/// terms ("Full-time · Remote"), unlike list items ("Contract negotiations").
fn short_lines(description: Option<&str>) -> String {
    description
        .unwrap_or("")
        .lines()
        .filter(|line| line.chars().count() <= 60 && !line.starts_with("- "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The main content's text, else the body's, else the meta description.
fn description(document: &Html) -> Option<String> {
    // Wrappers before description blocks: ATS pages (Lever) split the posting
    // into sibling sections, and the requirements are rarely in the first one.
    const CONTAINERS: [&str; 4] = [
        "main, article, [role=main]",
        "#content, .content, .posting-page, .job-details",
        "[itemprop=description], #job-description, .job-description, [data-qa=job-description]",
        "body",
    ];
    let from_page = CONTAINERS.iter().find_map(|css| {
        document
            .select(&selector(css))
            .map(text_of)
            .find(|text| text.chars().count() >= MIN_CONTENT_CHARS)
    });
    from_page
        .or_else(|| meta(document, "description").or_else(|| meta(document, "og:description")))
        .map(|text| truncate(&text, PAGE_DESCRIPTION_LIMIT))
}

fn resolve(page_url: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.starts_with('#') {
        let mut page = page_url.clone();
        page.set_fragment(None);
        return Some(page);
    }
    let resolved = page_url.join(href).ok()?;
    matches!(resolved.scheme(), "http" | "https").then_some(resolved)
}

/// The first link that reads as "apply", resolved against the page.
fn apply_link(document: &Html, page_url: &Url) -> Option<String> {
    const WORDS: [&str; 5] = ["apply", "bewerben", "postuler", "candidatar", "solicitar"];
    let anchors: Vec<ElementRef<'_>> = document.select(&selector("a[href]")).collect();
    let by_text = anchors.iter().find(|anchor| {
        let label = anchor.text().collect::<String>().to_lowercase();
        WORDS.iter().any(|word| label.contains(word))
    });
    let by_href = || {
        anchors.iter().find(|anchor| {
            anchor
                .attr("href")
                .is_some_and(|href| href.to_lowercase().contains("apply"))
        })
    };
    by_text
        .or_else(by_href)
        .and_then(|anchor| resolve(page_url, anchor.attr("href")?))
        .map(String::from)
}

/// The site the page's logo links to, when that is not the job board itself.
fn logo_link(document: &Html, page_url: &Url) -> Option<String> {
    document.select(&selector("a[href]")).find_map(|anchor| {
        let logo = anchor.select(&selector("img")).any(|image| {
            ["alt", "class", "src"].iter().any(|key| {
                image
                    .attr(key)
                    .is_some_and(|value| value.to_lowercase().contains("logo"))
            })
        }) || anchor
            .attr("class")
            .is_some_and(|class| class.contains("logo"));
        if !logo {
            return None;
        }
        let target = resolve(page_url, anchor.attr("href")?)?;
        let host = target.host_str()?;
        (!site::is_job_board(host)).then(|| target.origin().ascii_serialization())
    })
}
