//! Host names: parsing, the "same site" rule and the lists of known hosts
//! (URL shorteners, free-mail providers, ATS platforms, job boards).
//!
//! Same-site rule: hosts are compared lower-case, without a trailing dot and
//! without a leading `www.`; two hosts are the same site when their registrable
//! domains (public-suffix list, eTLD+1) are equal, so `jobs.acme.com`,
//! `www.acme.com` and `acme.com` agree and `acme.co.uk` ≠ `acme.com`,
//! `acme-careers.com` ≠ `acme.com`. IP addresses only match themselves.

use url::Url;

/// A URL as written in a job record; a missing scheme is read as https.
pub fn parse_url(text: &str) -> Option<Url> {
    let text = text.trim();
    let parsed = Url::parse(text).or_else(|_| Url::parse(&format!("https://{text}")));
    parsed
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https") && url.host_str().is_some())
}

/// The normalised host of a URL: lower-case, no trailing dot, no leading `www.`.
pub fn host_of(text: &str) -> Option<String> {
    parse_url(text).and_then(|url| url.host_str().map(normalize_host))
}

pub fn normalize_host(host: &str) -> String {
    let host = host.trim().trim_end_matches('.').to_lowercase();
    match host.strip_prefix("www.") {
        Some(rest) if rest.contains('.') => rest.to_string(),
        _ => host,
    }
}

/// The registrable domain (eTLD+1) of a normalised host; the host itself for IP
/// addresses and names the public-suffix list cannot split.
pub fn site_of(host: &str) -> String {
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        return host.to_string();
    }
    psl::domain_str(host)
        .map(str::to_string)
        .unwrap_or_else(|| host.to_string())
}

pub fn same_site(first: &str, second: &str) -> bool {
    site_of(first) == site_of(second)
}

/// `host` is `domain` or one of its subdomains.
pub fn is_within(host: &str, domain: &str) -> bool {
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|prefix| prefix.ends_with('.'))
}

/// The part of a registrable domain before its public suffix: `acme` for `acme.co.uk`.
pub fn site_label(site: &str) -> String {
    let suffix = psl::suffix_str(site).unwrap_or("");
    site.strip_suffix(suffix)
        .map(|label| label.trim_end_matches('.'))
        .filter(|label| !label.is_empty())
        .unwrap_or(site)
        .to_string()
}

const SHORTENERS: &[&str] = &[
    "bit.ly",
    "bitly.com",
    "tinyurl.com",
    "t.co",
    "goo.gl",
    "ow.ly",
    "is.gd",
    "buff.ly",
    "rebrand.ly",
    "cutt.ly",
    "shorturl.at",
    "rb.gy",
    "tiny.cc",
    "lnkd.in",
    "t.ly",
    "s.id",
    "shorte.st",
    "adf.ly",
    "bl.ink",
    "short.io",
];

pub fn is_shortener(host: &str) -> bool {
    SHORTENERS.contains(&host)
}

/// Free-mail providers, matched on the registrable domain so every country
/// variant (`yahoo.co.uk`, `hotmail.fr`) counts.
const FREE_MAIL_LABELS: &[&str] = &[
    "gmail",
    "googlemail",
    "yahoo",
    "ymail",
    "hotmail",
    "outlook",
    "live",
    "msn",
    "aol",
    "protonmail",
    "proton",
    "yandex",
    "icloud",
    "gmx",
    "zoho",
    "mail",
];
const FREE_MAIL_DOMAINS: &[&str] = &[
    "mail.ru", "qq.com", "163.com", "126.com", "yeah.net", "inbox.ru", "bk.ru",
];

pub fn is_free_mail(domain: &str) -> bool {
    let domain = normalize_host(domain);
    let site = site_of(&domain);
    FREE_MAIL_DOMAINS.contains(&site.as_str())
        // `mail.com` is a free-mail provider; `mail.acme.com` is not.
        || (FREE_MAIL_LABELS.contains(&site_label(&site).as_str()) && site == domain)
}

/// An applicant-tracking system that hosts application forms for many companies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtsBoard {
    pub platform: &'static str,
    /// The company's name on the platform (`acme` in `boards.greenhouse.io/acme`).
    pub tenant: Option<String>,
}

/// Recognises the hosted job boards of Greenhouse, Lever, Ashby, Workday,
/// SmartRecruiters, Recruitee, Breezy and Rippling and reads the tenant name.
pub fn ats_board(url: &Url) -> Option<AtsBoard> {
    let host = normalize_host(url.host_str()?);
    let mut segments = url
        .path_segments()
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty());
    let first_segment = segments.next().map(str::to_string);
    let subdomain_of = |domain: &str| {
        host.strip_suffix(domain)
            .and_then(|prefix| prefix.strip_suffix('.'))
            .map(|prefix| prefix.split('.').next().unwrap_or(prefix).to_string())
    };
    let (platform, tenant) = if is_within(&host, "greenhouse.io") {
        let tenant = match first_segment.as_deref() {
            // Embedded boards name the company in `?for=`.
            Some("embed") => url
                .query_pairs()
                .find(|(key, _)| key == "for")
                .map(|(_, value)| value.into_owned()),
            _ => first_segment,
        };
        ("Greenhouse", tenant)
    } else if is_within(&host, "lever.co") {
        ("Lever", first_segment)
    } else if is_within(&host, "ashbyhq.com") {
        ("Ashby", first_segment)
    } else if is_within(&host, "myworkdayjobs.com") {
        ("Workday", subdomain_of("myworkdayjobs.com"))
    } else if is_within(&host, "myworkdaysite.com") {
        // wd3.myworkdaysite.com/recruiting/<tenant>/<site>
        let tenant = match first_segment.as_deref() {
            Some("recruiting") => segments.next().map(str::to_string),
            _ => None,
        };
        ("Workday", tenant)
    } else if is_within(&host, "smartrecruiters.com") {
        ("SmartRecruiters", first_segment)
    } else if is_within(&host, "recruitee.com") {
        ("Recruitee", subdomain_of("recruitee.com"))
    } else if is_within(&host, "breezy.hr") {
        ("Breezy HR", subdomain_of("breezy.hr"))
    } else if host == "ats.rippling.com" {
        ("Rippling", first_segment)
    } else {
        return None;
    };
    Some(AtsBoard {
        platform,
        tenant: tenant.filter(|name| !name.is_empty() && !is_generic_tenant(name)),
    })
}

/// Path segments and subdomains that are part of the platform, not a company.
fn is_generic_tenant(name: &str) -> bool {
    matches!(
        name.to_lowercase().as_str(),
        "boards" | "job-boards" | "jobs" | "api" | "app" | "www" | "careers" | "v1"
    ) || (name.starts_with("wd") && name[2..].chars().all(|c| c.is_ascii_digit()))
}

/// Whether an ATS tenant name plausibly belongs to the company at `company_site`:
/// compared on letters and digits only, either containing the other.
pub fn tenant_matches(tenant: &str, company_site: &str) -> bool {
    let squash = |text: &str| {
        text.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_lowercase()
    };
    let tenant = squash(tenant);
    let label = squash(&site_label(company_site));
    if tenant.len() < 3 || label.len() < 3 {
        return tenant == label;
    }
    tenant.contains(&label) || label.contains(&tenant)
}

/// Job boards and aggregators: a job page there is a listing of the company's
/// job, not the company's own site, so a different domain is expected.
const JOB_BOARDS: &[&str] = &[
    "linkedin.com",
    "indeed.com",
    "glassdoor.com",
    "ziprecruiter.com",
    "monster.com",
    "wellfound.com",
    "angel.co",
    "remotive.com",
    "remotive.io",
    "remoteok.com",
    "remoteok.io",
    "weworkremotely.com",
    "arbeitnow.com",
    "jobicy.com",
    "himalayas.app",
    "workingnomads.com",
    "themuse.com",
    "reed.co.uk",
    "ycombinator.com",
    "otta.com",
    "welcometothejungle.com",
    "stepstone.de",
    "xing.com",
    "dice.com",
    "builtin.com",
    "simplyhired.com",
    "totaljobs.com",
];

pub fn is_job_board(host: &str) -> bool {
    JOB_BOARDS.contains(&site_of(host).as_str())
}

/// Boards that screen what they list; their source id and their own site.
const SCREENED_BOARDS: &[(&str, &str, &str)] = &[
    ("remotive", "remotive.com", "Remotive"),
    ("remotive", "remotive.io", "Remotive"),
    ("remoteok", "remoteok.com", "Remote OK"),
    ("remoteok", "remoteok.io", "Remote OK"),
    ("weworkremotely", "weworkremotely.com", "We Work Remotely"),
    ("feeds", "weworkremotely.com", "We Work Remotely"),
];

/// The screened board a posting came from, when both its `source` and its job
/// URL say so.
pub fn screened_board(source: Option<&str>, job_host: Option<&str>) -> Option<&'static str> {
    let (source, job_host) = (source?, job_host?);
    let job_site = site_of(job_host);
    SCREENED_BOARDS
        .iter()
        .find(|(id, site, _)| *id == source && job_site == *site)
        .map(|(_, _, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn www_and_subdomains_are_the_same_site_lookalikes_are_not() {
        assert_eq!(
            host_of("HTTPS://WWW.Acme.com./jobs").as_deref(),
            Some("acme.com")
        );
        assert_eq!(host_of("acme.com/careers").as_deref(), Some("acme.com"));
        assert_eq!(host_of("mailto:hr@acme.com"), None);
        assert!(same_site("jobs.acme.com", "acme.com"));
        assert!(same_site("careers.eu.acme.co.uk", "acme.co.uk"));
        assert!(!same_site("acme.co.uk", "acme.com"));
        assert!(!same_site("acme-careers.com", "acme.com"));
        assert!(!same_site("acme.com.evil.io", "acme.com"));
        assert!(
            !same_site("acme.github.io", "other.github.io"),
            "private suffixes count"
        );
        assert_eq!(site_label("acme.co.uk"), "acme");
    }

    #[test]
    fn ats_boards_and_their_tenants_are_recognised() {
        let board = |text: &str| ats_board(&parse_url(text).unwrap());
        let tenant = |text: &str| board(text).and_then(|found| found.tenant);
        assert_eq!(
            tenant("https://boards.greenhouse.io/acme/jobs/1").as_deref(),
            Some("acme")
        );
        assert_eq!(
            tenant("https://boards.greenhouse.io/embed/job_app?for=acme&token=1").as_deref(),
            Some("acme")
        );
        assert_eq!(
            tenant("https://jobs.lever.co/acme/abc").as_deref(),
            Some("acme")
        );
        assert_eq!(
            tenant("https://jobs.ashbyhq.com/acme").as_deref(),
            Some("acme")
        );
        assert_eq!(
            tenant("https://acme.wd5.myworkdayjobs.com/External").as_deref(),
            Some("acme")
        );
        assert_eq!(
            tenant("https://wd3.myworkdaysite.com/recruiting/acme/x").as_deref(),
            Some("acme")
        );
        assert_eq!(
            tenant("https://jobs.smartrecruiters.com/Acme1/123").as_deref(),
            Some("Acme1")
        );
        assert_eq!(
            tenant("https://acme.recruitee.com/o/dev").as_deref(),
            Some("acme")
        );
        assert_eq!(
            tenant("https://acme.breezy.hr/p/1").as_deref(),
            Some("acme")
        );
        assert_eq!(
            tenant("https://ats.rippling.com/acme/jobs/1").as_deref(),
            Some("acme")
        );
        assert_eq!(board("https://boards.greenhouse.io/").unwrap().tenant, None);
        assert_eq!(board("https://acme.com/jobs"), None);
        assert!(tenant_matches("Acme1", "acme.com"));
        assert!(tenant_matches("acmeinc", "acme.co.uk"));
        assert!(!tenant_matches("globex", "acme.com"));
    }

    #[test]
    fn host_lists_match_whole_domains_only() {
        assert!(is_free_mail("gmail.com"));
        assert!(is_free_mail("yahoo.co.uk"));
        assert!(is_free_mail("mail.ru"));
        assert!(!is_free_mail("mail.acme.com"));
        assert!(!is_free_mail("acme.com"));
        assert!(is_shortener("bit.ly"));
        assert!(!is_shortener("bit.ly.example.com"));
        assert!(is_job_board("uk.linkedin.com"));
        assert_eq!(
            screened_board(Some("remotive"), Some("remotive.com")),
            Some("Remotive")
        );
        assert_eq!(screened_board(Some("remotive"), Some("acme.com")), None);
    }
}
