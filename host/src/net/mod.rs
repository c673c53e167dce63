//! The outbound HTTP service: every fetch a plugin makes (the `http` import) and
//! the host's own fetches of user-given URLs (job pages, apply links) go through
//! one [`Egress`]. Declared hosts only, http(s) only, no loopback/private/
//! link-local/metadata address after DNS resolution (unless named in
//! `JOBSCOUT_EGRESS_ALLOW_LOCAL`), every redirect hop re-checked, per-host
//! politeness shared by every caller and bounded in memory (`gates.rs`), size and
//! time caps, one client, and recording/replay of answers (`recording.rs`).

mod addresses;
mod gates;
mod host_pattern;
pub mod recording;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use url::Url;

pub use addresses::{forbidden_reason, LocalAllowance};
use addresses::{AddressRefused, PolicyResolver};
use gates::{acquire, Gates};
pub use host_pattern::HostPattern;
use recording::{Recorded, Recorder};

pub const USER_AGENT: &str = concat!("JobScout/", env!("CARGO_PKG_VERSION"), " (plugin runtime)");
/// The user agent of requests to configured endpoints.
const SERVER_USER_AGENT: &str = concat!("JobScout/", env!("CARGO_PKG_VERSION"), " (server)");

/// The one client for endpoints the administrator configured (Supabase Auth and
/// its JWKS; later the AI provider and the billing API). They may sit on a private
/// network, so [`Egress`]'s address rule does not apply to them; callers set each
/// request's timeout. Built on first use and shared by every caller.
pub fn endpoint_client() -> reqwest::Client {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| {
            client_builder(SERVER_USER_AGENT)
                .build()
                // Building fails only without a TLS backend, which is compiled in.
                .unwrap_or_default()
        })
        .clone()
}

/// What every outbound client shares: no proxy from the environment (a proxy would
/// see past the address checks), a connect timeout and a short-lived idle pool.
fn client_builder(user_agent: &str) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .user_agent(user_agent)
        .no_proxy()
        .connect_timeout(Duration::from_secs(10))
        .pool_idle_timeout(Duration::from_secs(30))
}

/// Redirects a plugin fetch follows.
pub const DEFAULT_MAX_REDIRECTS: usize = 5;

/// A fetch the policy refused or that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchFailure {
    Denied(String),
    Network(String),
    Timeout,
    TooLarge(u64),
    InvalidRequest(String),
}

/// A fetch as the plugin asked for it, secrets already resolved.
#[derive(Debug, Clone)]
pub struct OutgoingRequest {
    pub method: reqwest::Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// Injected by the host; dropped when a redirect leaves the original origin (scheme, host, port).
    pub secret_headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

#[derive(Debug, Clone)]
pub struct FetchedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub final_url: String,
}

/// What one plugin may do; built from its plugins.toml entry. The host's own
/// fetches use [`FetchRules::host_level`].
#[derive(Debug, Clone)]
pub struct FetchRules {
    /// The plugin id, or for host-level rules what the fetch is for.
    pub plugin_id: String,
    pub allowed_hosts: Vec<HostPattern>,
    /// Host-level rules: any host, still only at public addresses.
    pub any_public_host: bool,
    pub max_response_bytes: u64,
    pub fetch_timeout: Duration,
    pub host_concurrency: u32,
    pub min_fetch_interval: Duration,
    pub mode: FetchMode,
    pub max_redirects: usize,
}

impl FetchRules {
    /// Rules for fetches the host makes itself (a job page, an apply link): any
    /// host a user names, under the same scheme, address, redirect, size and time
    /// checks as plugins.
    pub fn host_level(
        purpose: &str,
        max_response_bytes: u64,
        fetch_timeout: Duration,
        max_redirects: usize,
    ) -> FetchRules {
        FetchRules {
            plugin_id: purpose.to_string(),
            allowed_hosts: Vec::new(),
            any_public_host: true,
            max_response_bytes,
            fetch_timeout,
            host_concurrency: 4,
            min_fetch_interval: Duration::ZERO,
            mode: FetchMode::Live,
            max_redirects,
        }
    }

    /// Who is fetching, for messages.
    fn requester(&self) -> String {
        if self.any_public_host {
            format!("JobScout ({})", self.plugin_id)
        } else {
            format!("plugin '{}'", self.plugin_id)
        }
    }
}

/// The outcome of [`Egress::probe`]: the status at the end of the redirects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    pub status: u16,
    pub final_url: String,
    pub redirects: usize,
}

/// Where fetches are answered from (`jobscout plugin run --record/--fixtures`,
/// `fixtures = "DIR"` in plugins.toml). The policy check applies in every mode.
#[derive(Debug, Clone, Default)]
pub enum FetchMode {
    #[default]
    Live,
    /// Live, and each response is written to a fixture directory.
    Record(Arc<Recorder>),
    /// Answered from a fixture directory; the network is never used.
    Replay(Arc<Recorded>),
}

/// Requests in flight to one host from any plugin, unless set otherwise.
pub const DEFAULT_HOST_CONCURRENCY: u32 = 4;

/// The shared HTTP client and per-host politeness state.
pub struct Egress {
    client: reqwest::Client,
    allowance: Arc<LocalAllowance>,
    /// Per-host politeness shared by every caller, bounded in size.
    gates: Gates,
}

impl std::fmt::Debug for Egress {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Egress")
            .field("allowance", &self.allowance)
            .finish()
    }
}

impl Egress {
    pub fn new(allow_local: &[String]) -> anyhow::Result<Egress> {
        let allowance = Arc::new(LocalAllowance::new(allow_local));
        let client = client_builder(USER_AGENT)
            // Redirects are followed by hand so that each hop is re-checked.
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(PolicyResolver {
                allowance: allowance.clone(),
            }))
            .build()?;
        Ok(Egress {
            client,
            allowance,
            gates: Gates::new(DEFAULT_HOST_CONCURRENCY),
        })
    }

    /// At most `limit` requests in flight to one host, summed over every plugin.
    pub fn with_host_concurrency(mut self, limit: u32) -> Egress {
        self.gates = Gates::new(limit);
        self
    }

    /// Checks one URL against the rules: scheme, declared host, literal address.
    pub fn check_url(&self, rules: &FetchRules, url: &Url) -> Result<(), FetchFailure> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchFailure::Denied(format!(
                "{} may not fetch {url}: only http and https URLs are allowed",
                rules.requester()
            )));
        }
        let Some(host) = url.host_str() else {
            return Err(FetchFailure::InvalidRequest(format!(
                "URL {url} has no host"
            )));
        };
        let bare_host = host.trim_start_matches('[').trim_end_matches(']');
        if !rules.any_public_host
            && !rules
                .allowed_hosts
                .iter()
                .any(|pattern| pattern.matches(bare_host))
        {
            return Err(FetchFailure::Denied(format!(
                "plugin '{}' may not fetch {url}: host {bare_host} is not declared; add it to the plugin's entry in plugins.toml: allowed_hosts = [\"{bare_host}\"]",
                rules.plugin_id
            )));
        }
        if let Some(port) = url.port_or_known_default() {
            self.allowance
                .check_port(bare_host, port)
                .map_err(|reason| {
                    FetchFailure::Denied(format!(
                        "{} may not fetch {url}: {reason}",
                        rules.requester()
                    ))
                })?;
        }
        // Literal addresses never reach the resolver, so they are checked here.
        if let Ok(address) = bare_host.parse::<IpAddr>() {
            self.allowance.check(bare_host, address).map_err(|reason| {
                FetchFailure::Denied(format!(
                    "{} may not fetch {url}: {reason}",
                    rules.requester()
                ))
            })?;
        }
        Ok(())
    }

    /// Answers `request` under `rules` in the rules' fetch mode.
    /// `deadline` is the calling plugin's own deadline: no fetch outlives it.
    pub async fn fetch(
        &self,
        rules: &FetchRules,
        request: OutgoingRequest,
        deadline: Instant,
    ) -> Result<FetchedResponse, FetchFailure> {
        match &rules.mode {
            FetchMode::Live => self.fetch_live(rules, request, deadline).await,
            FetchMode::Replay(recorded) => {
                let url = Url::parse(&request.url).map_err(|error| {
                    FetchFailure::InvalidRequest(format!("invalid URL {:?}: {error}", request.url))
                })?;
                self.check_url(rules, &url)?;
                recorded.replay(
                    request.method.as_str(),
                    &request.url,
                    rules.max_response_bytes,
                )
            }
            FetchMode::Record(recorder) => {
                let method = request.method.clone();
                let url = request.url.clone();
                let response = self.fetch_live(rules, request, deadline).await?;
                recorder
                    .record(method.as_str(), &url, &response)
                    .map_err(|error| FetchFailure::Network(format!("recording failed: {error}")))?;
                Ok(response)
            }
        }
    }

    /// Sends `request` under `rules`, following up to `rules.max_redirects`
    /// redirects, each re-checked. `deadline` is the caller's own deadline (a
    /// plugin's): no fetch outlives it.
    async fn fetch_live(
        &self,
        rules: &FetchRules,
        request: OutgoingRequest,
        deadline: Instant,
    ) -> Result<FetchedResponse, FetchFailure> {
        let (response, url, _redirects) = self.follow(rules, &request, deadline).await?;
        read_response(rules, url, response, deadline).await
    }

    /// Sends a GET to `url` under `rules` and reports where it ended, without
    /// reading the body (the apply-link check).
    pub async fn probe(
        &self,
        rules: &FetchRules,
        url: &str,
        deadline: Instant,
    ) -> Result<Probe, FetchFailure> {
        let request = OutgoingRequest {
            method: reqwest::Method::GET,
            url: url.to_string(),
            headers: Vec::new(),
            secret_headers: Vec::new(),
            body: None,
        };
        let (response, final_url, redirects) = self.follow(rules, &request, deadline).await?;
        Ok(Probe {
            status: response.status().as_u16(),
            final_url: final_url.to_string(),
            redirects,
        })
    }

    /// Sends `request`, following redirects by hand; returns the last response,
    /// its URL and how many redirects led there.
    async fn follow(
        &self,
        rules: &FetchRules,
        request: &OutgoingRequest,
        deadline: Instant,
    ) -> Result<(reqwest::Response, Url, usize), FetchFailure> {
        let mut url = Url::parse(&request.url).map_err(|error| {
            FetchFailure::InvalidRequest(format!("invalid URL {:?}: {error}", request.url))
        })?;
        // Secrets are for the exact origin asked for (scheme, host and port): a
        // redirect to another port or to plain http of the same host gets none.
        let original_origin = url.origin();
        let mut method = request.method.clone();
        let mut body = request.body.clone();
        for hop in 0..=rules.max_redirects {
            self.check_url(rules, &url)?;
            let same_origin = url.origin() == original_origin;
            let response = self
                .send_once(
                    rules,
                    &url,
                    &method,
                    request,
                    same_origin,
                    body.clone(),
                    deadline,
                )
                .await?;
            let status = response.status();
            if status.is_redirection() {
                if let Some(location) = response.headers().get(reqwest::header::LOCATION) {
                    let location = location.to_str().map_err(|_| {
                        FetchFailure::Network(format!(
                            "redirect from {url} has a non-text Location"
                        ))
                    })?;
                    let next = url.join(location).map_err(|error| {
                        FetchFailure::Network(format!(
                            "redirect from {url} to {location:?}: {error}"
                        ))
                    })?;
                    // 307/308 keep the method and body; the others become GET.
                    if !matches!(status.as_u16(), 307 | 308) {
                        method = reqwest::Method::GET;
                        body = None;
                    }
                    url = next;
                    continue;
                }
            }
            return Ok((response, url, hop));
        }
        Err(FetchFailure::Network(format!(
            "more than {} redirects starting at {}",
            rules.max_redirects, request.url
        )))
    }

    #[allow(clippy::too_many_arguments)]
    async fn send_once(
        &self,
        rules: &FetchRules,
        url: &Url,
        method: &reqwest::Method,
        request: &OutgoingRequest,
        with_secrets: bool,
        body: Option<Vec<u8>>,
        deadline: Instant,
    ) -> Result<reqwest::Response, FetchFailure> {
        let host = url.host_str().unwrap_or_default().to_string();
        let (plugin_gate, host_gate) = self.gates.for_host(
            &rules.plugin_id,
            rules.host_concurrency,
            rules.min_fetch_interval,
            &host,
        );
        let remaining = |now: Instant| {
            deadline
                .saturating_duration_since(now)
                .min(rules.fetch_timeout)
        };
        // The plugin's own share first, so one plugin cannot hold every host permit.
        let _plugin_permit = acquire(&plugin_gate.in_flight, remaining(Instant::now())).await?;
        let _host_permit = acquire(&host_gate.in_flight, remaining(Instant::now())).await?;
        // Spacing is the caller's own interval since the last request any caller
        // started to this host.
        host_gate
            .wait_turn(rules.min_fetch_interval, deadline)
            .await?;
        let mut builder = self
            .client
            .request(method.clone(), url.clone())
            .timeout(remaining(Instant::now()));
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if with_secrets {
            for (name, value) in &request.secret_headers {
                builder = builder.header(name.as_str(), value.as_str());
            }
        }
        if let Some(body) = body {
            builder = builder.body(body);
        }
        builder
            .send()
            .await
            .map_err(|error| classify(rules, url, error))
    }
}

async fn read_response(
    rules: &FetchRules,
    url: Url,
    mut response: reqwest::Response,
    deadline: Instant,
) -> Result<FetchedResponse, FetchFailure> {
    let limit = rules.max_response_bytes;
    if response
        .content_length()
        .is_some_and(|length| length > limit)
    {
        return Err(FetchFailure::TooLarge(limit));
    }
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .filter_map(|(name, value)| {
            Some((name.as_str().to_string(), value.to_str().ok()?.to_string()))
        })
        .collect();
    let mut body = Vec::new();
    let budget = deadline
        .saturating_duration_since(Instant::now())
        .min(rules.fetch_timeout);
    let read = async {
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| classify(rules, &url, error))?
        {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(FetchFailure::TooLarge(limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(())
    };
    tokio::time::timeout(budget, read)
        .await
        .map_err(|_| FetchFailure::Timeout)??;
    Ok(FetchedResponse {
        status,
        headers,
        body,
        final_url: url.to_string(),
    })
}

fn classify(rules: &FetchRules, url: &Url, error: reqwest::Error) -> FetchFailure {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    while let Some(current) = source {
        if let Some(refused) = current.downcast_ref::<AddressRefused>() {
            return FetchFailure::Denied(format!(
                "{} may not fetch {url}: {refused}",
                rules.requester()
            ));
        }
        source = current.source();
    }
    if error.is_timeout() {
        FetchFailure::Timeout
    } else {
        FetchFailure::Network(format!("{url}: {}", error_chain(&error)))
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(current) = source {
        text.push_str(": ");
        text.push_str(&current.to_string());
        source = current.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_level_rules_allow_any_public_host_but_no_local_address() {
        let egress = Egress::new(&[]).unwrap();
        let rules = FetchRules::host_level("job page fetch", 1024, Duration::from_secs(5), 2);
        for allowed in [
            "https://boards.example.com/jobs/1",
            "http://93.184.216.34/apply",
        ] {
            assert_eq!(
                egress.check_url(&rules, &Url::parse(allowed).unwrap()),
                Ok(()),
                "{allowed}"
            );
        }
        let refused = egress
            .check_url(
                &rules,
                &Url::parse("http://169.254.169.254/latest/meta-data").unwrap(),
            )
            .unwrap_err();
        assert_eq!(
            refused,
            FetchFailure::Denied("JobScout (job page fetch) may not fetch http://169.254.169.254/latest/meta-data: 169.254.169.254 resolves to 169.254.169.254, a cloud metadata address; plugins may only reach public addresses".into())
        );
        assert!(matches!(
            egress.check_url(&rules, &Url::parse("file:///etc/passwd").unwrap()),
            Err(FetchFailure::Denied(_))
        ));
    }

    #[tokio::test]
    async fn replays_never_touch_the_network_and_still_obey_the_policy() {
        let dir = tempfile::tempdir().unwrap();
        let url = "https://jobs.example.com/a";
        let recorded = FetchedResponse {
            status: 200,
            headers: Vec::new(),
            body: b"recorded".to_vec(),
            final_url: url.to_string(),
        };
        Recorder::create(dir.path())
            .unwrap()
            .record("GET", url, &recorded)
            .unwrap();
        let egress = Egress::new(&[]).unwrap();
        let mut rules = FetchRules {
            plugin_id: "p".to_string(),
            allowed_hosts: vec![HostPattern::parse("jobs.example.com").unwrap()],
            max_response_bytes: 1024,
            fetch_timeout: Duration::from_secs(1),
            host_concurrency: 1,
            min_fetch_interval: Duration::ZERO,
            mode: FetchMode::Replay(Arc::new(Recorded::open(dir.path()).unwrap())),
            any_public_host: false,
            max_redirects: DEFAULT_MAX_REDIRECTS,
        };
        let request = |url: &str| OutgoingRequest {
            method: reqwest::Method::GET,
            url: url.to_string(),
            headers: Vec::new(),
            secret_headers: Vec::new(),
            body: None,
        };
        let deadline = Instant::now() + Duration::from_secs(5);
        // jobs.example.com does not resolve here: the body can only come from the recording.
        let replayed = egress.fetch(&rules, request(url), deadline).await.unwrap();
        assert_eq!(replayed.body, b"recorded");
        assert!(matches!(
            egress.fetch(&rules, request("https://jobs.example.com/b"), deadline).await,
            Err(FetchFailure::Network(message)) if message.starts_with("no recorded response for GET https://jobs.example.com/b")
        ));
        rules.allowed_hosts.clear();
        assert!(matches!(
            egress.fetch(&rules, request(url), deadline).await,
            Err(FetchFailure::Denied(message)) if message.contains("host jobs.example.com is not declared")
        ));
    }
}
