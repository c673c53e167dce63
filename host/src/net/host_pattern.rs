//! The hosts a caller declares it may fetch from (`allowed_hosts` in plugins.toml).

use std::net::IpAddr;

/// A host a plugin may fetch from: `api.example.com` or `*.example.com` (subdomains only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    Exact(String),
    Subdomains(String),
}

impl HostPattern {
    pub fn parse(text: &str) -> Result<HostPattern, String> {
        let lower = text.trim().to_ascii_lowercase();
        let (wildcard, name) = match lower.strip_prefix("*.") {
            Some(rest) => (true, rest.to_string()),
            None => (false, lower.clone()),
        };
        let bracketless = name.trim_start_matches('[').trim_end_matches(']');
        let valid_name = !name.is_empty()
            && (bracketless.parse::<IpAddr>().is_ok()
                || name.split('.').all(|label| {
                    !label.is_empty()
                        && label
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                }));
        if !valid_name || name.contains('*') {
            return Err(format!(
                "invalid host {text:?}: use a host name such as \"api.example.com\", \"*.example.com\" or an IP address (no scheme, port or path)"
            ));
        }
        let name = bracketless.to_string();
        Ok(if wildcard {
            HostPattern::Subdomains(name)
        } else {
            HostPattern::Exact(name)
        })
    }

    pub fn matches(&self, host: &str) -> bool {
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        match self {
            // Addresses compare as addresses: URLs write `::ffff:8.8.8.8` as
            // `::ffff:808:808`.
            HostPattern::Exact(name) => match (name.parse::<IpAddr>(), host.parse::<IpAddr>()) {
                (Ok(declared), Ok(asked)) => declared == asked,
                _ => host == *name,
            },
            HostPattern::Subdomains(domain) => {
                host.len() > domain.len() + 1 && host.ends_with(&format!(".{domain}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_exactly_or_as_subdomains_and_addresses_as_addresses() {
        let exact = HostPattern::parse("Api.Example.com").unwrap();
        assert!(exact.matches("api.example.com"));
        assert!(!exact.matches("www.api.example.com"));
        let subdomains = HostPattern::parse("*.example.com").unwrap();
        assert!(subdomains.matches("jobs.example.com"));
        assert!(!subdomains.matches("example.com"));
        assert!(!subdomains.matches("badexample.com"));
        let mapped = HostPattern::parse("::ffff:8.8.8.8").unwrap();
        assert!(mapped.matches("[::ffff:808:808]"));
        assert!(!mapped.matches("[::ffff:808:809]"));
        assert!(HostPattern::parse("https://example.com").is_err());
    }
}
