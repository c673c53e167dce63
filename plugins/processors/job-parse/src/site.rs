//! What a page's URL and title say about the employer: applicant-tracking
//! systems put the company's slug in the URL, and page titles often read
//! "Role - Company" or "Job Application for Role at Company".

use url::Url;

/// Job boards whose first path segment (or subdomain) is the employer's slug.
const PATH_SLUG_HOSTS: [&str; 7] = [
    "boards.greenhouse.io",
    "job-boards.greenhouse.io",
    "jobs.lever.co",
    "jobs.eu.lever.co",
    "jobs.ashbyhq.com",
    "apply.workable.com",
    "jobs.smartrecruiters.com",
];
const SUBDOMAIN_SLUG_SUFFIXES: [&str; 4] = [
    ".recruitee.com",
    ".breezy.hr",
    ".bamboohr.com",
    ".teamtailor.com",
];

/// Whether `host` belongs to a job board rather than to an employer.
pub fn is_job_board(host: &str) -> bool {
    PATH_SLUG_HOSTS.contains(&host)
        || SUBDOMAIN_SLUG_SUFFIXES
            .iter()
            .any(|suffix| host.ends_with(suffix))
        || [
            "greenhouse.io",
            "lever.co",
            "ashbyhq.com",
            "workable.com",
            "myworkdayjobs.com",
        ]
        .iter()
        .any(|board| host == *board || host.ends_with(&format!(".{board}")))
}

/// `northwind-analytics` → `Northwind Analytics`.
fn display_slug(slug: &str) -> Option<String> {
    let words: Vec<String> = slug
        .split(['-', '_'])
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        })
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The employer named by an ATS URL (`jobs.lever.co/acme/…` → `Acme`).
pub fn ats_company(page_url: &Url) -> Option<String> {
    let host = page_url.host_str()?;
    if PATH_SLUG_HOSTS.contains(&host) {
        let slug = page_url
            .path_segments()?
            .find(|segment| !segment.is_empty())?;
        return display_slug(slug);
    }
    let suffix = SUBDOMAIN_SLUG_SUFFIXES
        .iter()
        .find(|suffix| host.ends_with(*suffix))?;
    display_slug(host.strip_suffix(suffix)?.rsplit('.').next()?)
}

/// The employer guessed from the domain (`careers.acme.co.uk` → `Acme`).
pub fn domain_company(page_url: &Url) -> Option<String> {
    let host = page_url.host_str()?;
    if is_job_board(host) || host.parse::<std::net::IpAddr>().is_ok() {
        return None;
    }
    let labels: Vec<&str> = host.split('.').collect();
    // Skip the top-level label and a second-level one such as `co` in `co.uk`.
    let mut index = labels.len().checked_sub(2)?;
    if index > 0
        && matches!(
            labels[index],
            "co" | "com" | "org" | "net" | "ac" | "gov" | "edu"
        )
    {
        index -= 1;
    }
    display_slug(labels[index])
}

/// "Role - Company", "Company | Role", "Job Application for Role at Company"
/// → "Role" (when `company` is known or named after "at").
pub fn strip_company(title: &str, company: Option<&str>) -> String {
    let title = title.trim();
    let title = title
        .strip_prefix("Job Application for ")
        .unwrap_or(title)
        .trim();
    if let Some(company) = company {
        for separator in [" - ", " | ", " – ", " — ", " · ", " at "] {
            let parts: Vec<&str> = title.split(separator).map(str::trim).collect();
            if parts.len() >= 2 && parts.iter().any(|part| part.eq_ignore_ascii_case(company)) {
                return parts
                    .iter()
                    .filter(|part| !part.eq_ignore_ascii_case(company) && !part.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(" - ");
            }
        }
    }
    match title.rsplit_once(" at ") {
        Some((role, _)) if !role.trim().is_empty() => role.trim().to_string(),
        _ => title.to_string(),
    }
}

/// "Role at Company" → "Company".
pub fn company_after_at(title: &str) -> Option<String> {
    let (_, company) = title.rsplit_once(" at ")?;
    let company = company.trim();
    (!company.is_empty() && company.split_whitespace().count() <= 5).then(|| company.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn employers_from_urls() {
        assert_eq!(
            ats_company(&url(
                "https://boards.greenhouse.io/northwind-analytics/jobs/4012345"
            ))
            .as_deref(),
            Some("Northwind Analytics")
        );
        assert_eq!(
            ats_company(&url("https://jobs.lever.co/acme/9b1c")).as_deref(),
            Some("Acme")
        );
        assert_eq!(
            ats_company(&url("https://globex.recruitee.com/o/x")).as_deref(),
            Some("Globex")
        );
        assert_eq!(ats_company(&url("https://acme.example/jobs/1")), None);
        assert_eq!(
            domain_company(&url("https://careers.initech.co.uk/x")).as_deref(),
            Some("Initech")
        );
        assert_eq!(
            domain_company(&url("https://www.hooli.com/")).as_deref(),
            Some("Hooli")
        );
        assert_eq!(domain_company(&url("https://jobs.lever.co/acme")), None);
        assert!(is_job_board("acme.myworkdayjobs.com"));
    }

    #[test]
    fn titles_without_the_company() {
        assert_eq!(
            strip_company("Acme - Senior Product Designer", Some("Acme")),
            "Senior Product Designer"
        );
        assert_eq!(
            strip_company("Data Engineer | Hooli", Some("hooli")),
            "Data Engineer"
        );
        assert_eq!(
            strip_company("Job Application for Backend Engineer at Northwind", None),
            "Backend Engineer"
        );
        assert_eq!(
            strip_company("Front-end Engineer", Some("Acme")),
            "Front-end Engineer"
        );
        assert_eq!(
            company_after_at("Job Application for X at Northwind Analytics").as_deref(),
            Some("Northwind Analytics")
        );
    }
}
