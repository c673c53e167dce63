//! The hosts a caller declares it may fetch from (`allowed_hosts` in plugins.toml).

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
            && (bracketless.parse::<std::net::IpAddr>().is_ok()
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
            HostPattern::Exact(name) => host == *name,
            HostPattern::Subdomains(domain) => {
                host.len() > domain.len() + 1 && host.ends_with(&format!(".{domain}"))
            }
        }
    }
}
