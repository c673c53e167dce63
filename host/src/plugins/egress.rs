//! The egress policy behind the `http` import: every fetch a plugin makes goes
//! through here. Declared hosts only, http(s) only, no loopback/private/
//! link-local/metadata address after DNS resolution (unless named in
//! `JOBSCOUT_EGRESS_ALLOW_LOCAL`), every redirect hop re-checked, per-host
//! politeness, size and time caps, and one shared client.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use tokio::sync::Semaphore;
use url::Url;

use super::fixtures::{Recorded, Recorder};
use super::manifest::HostPattern;

pub const USER_AGENT: &str = concat!("JobScout/", env!("CARGO_PKG_VERSION"), " (plugin runtime)");
/// Redirects a plugin fetch follows.
pub const DEFAULT_MAX_REDIRECTS: usize = 5;

/// Why an address may not be reached, or `None` when it is public.
pub fn forbidden_reason(address: IpAddr) -> Option<&'static str> {
    match address {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden_v4(v4);
            }
            let first = v6.segments()[0];
            if v6.is_loopback() {
                Some("loopback")
            } else if v6.is_unspecified() {
                Some("unspecified")
            } else if v6 == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
                Some("cloud metadata")
            } else if first & 0xffc0 == 0xfe80 {
                Some("link-local")
            } else if first & 0xfe00 == 0xfc00 {
                Some("private (unique local)")
            } else if first & 0xff00 == 0xff00 {
                Some("multicast")
            } else if first == 0x2001 && v6.segments()[1] == 0x0db8 {
                Some("documentation")
            } else {
                None
            }
        }
    }
}

fn forbidden_v4(v4: Ipv4Addr) -> Option<&'static str> {
    let [a, b, _, _] = v4.octets();
    if v4 == Ipv4Addr::new(169, 254, 169, 254) || v4 == Ipv4Addr::new(100, 100, 100, 200) {
        Some("cloud metadata")
    } else if v4.is_loopback() {
        Some("loopback")
    } else if v4.is_private() {
        Some("private")
    } else if v4.is_link_local() {
        Some("link-local")
    } else if a == 0 {
        Some("unspecified")
    } else if a == 100 && (64..128).contains(&b) {
        Some("shared (carrier-grade NAT)")
    } else if v4.is_broadcast() || v4.is_multicast() || a >= 240 {
        Some("broadcast, multicast or reserved")
    } else if v4.is_documentation() || (a == 198 && (b == 18 || b == 19)) || (a == 192 && b == 0) {
        Some("documentation or benchmarking")
    } else {
        None
    }
}

/// Local addresses or host names that tests and fixture servers may reach.
#[derive(Debug, Clone, Default)]
pub struct LocalAllowance {
    /// (address or host name, port when the entry names one).
    entries: Vec<(String, Option<u16>)>,
}

fn bare(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

impl LocalAllowance {
    /// Entries are `127.0.0.1`, `::1`, `fixtures.local`, or any of them with a
    /// port (`127.0.0.1:8089`, `[::1]:8089`, `fixtures.local:8089`).
    pub fn new(entries: &[String]) -> LocalAllowance {
        let parse = |entry: &String| {
            let entry = entry.trim().to_ascii_lowercase();
            if let Ok(socket) = entry.parse::<SocketAddr>() {
                return (socket.ip().to_string(), Some(socket.port()));
            }
            match entry.rsplit_once(':') {
                Some((name, port)) if !name.contains(':') => match port.parse::<u16>() {
                    Ok(port) => (name.to_string(), Some(port)),
                    Err(_) => (entry.clone(), None),
                },
                _ => (bare(&entry), None),
            }
        };
        LocalAllowance {
            entries: entries.iter().map(parse).collect(),
        }
    }

    fn matches(entry: &str, host: &str, address: Option<IpAddr>) -> bool {
        entry == host
            || address.is_some_and(|address| {
                entry
                    .parse::<IpAddr>()
                    .is_ok_and(|allowed| allowed == address)
            })
    }

    fn allows(&self, host: &str, address: IpAddr) -> bool {
        let host = bare(host);
        self.entries
            .iter()
            .any(|(entry, _)| Self::matches(entry, &host, Some(address)))
    }

    /// Port-qualified entries allow their host on that port only: checked with
    /// the URL, since the resolver does not see ports.
    pub fn check_port(&self, host: &str, port: u16) -> Result<(), String> {
        let host = bare(host);
        let literal = host.parse::<IpAddr>().ok();
        let ports: Vec<Option<u16>> = self
            .entries
            .iter()
            .filter(|(entry, _)| Self::matches(entry, &host, literal))
            .map(|(_, port)| *port)
            .collect();
        if ports.is_empty()
            || ports
                .iter()
                .any(|allowed| allowed.is_none_or(|allowed| allowed == port))
        {
            return Ok(());
        }
        let listed: Vec<String> = ports.iter().flatten().map(u16::to_string).collect();
        Err(format!(
            "JOBSCOUT_EGRESS_ALLOW_LOCAL allows {host} on port {} only, not {port}",
            listed.join(", ")
        ))
    }

    /// `Ok` when `address` (reached as `host`) is public or explicitly allowed.
    pub fn check(&self, host: &str, address: IpAddr) -> Result<(), String> {
        match forbidden_reason(address) {
            None => Ok(()),
            Some(_) if self.allows(host, address) => Ok(()),
            Some(reason) => Err(format!(
                "{host} resolves to {address}, a {reason} address; plugins may only reach public addresses"
            )),
        }
    }
}

/// The resolver error that marks a refused address, found again in reqwest's error chain.
#[derive(Debug)]
struct AddressRefused(String);

impl std::fmt::Display for AddressRefused {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for AddressRefused {}

/// Resolves names and drops forbidden addresses, so that the check holds for the
/// address actually connected to (no gap for DNS rebinding).
struct PolicyResolver {
    allowance: Arc<LocalAllowance>,
}

impl Resolve for PolicyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allowance = self.allowance.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut refusal = None;
            let allowed: Vec<SocketAddr> = resolved
                .into_iter()
                .filter(|address| match allowance.check(&host, address.ip()) {
                    Ok(()) => true,
                    Err(reason) => {
                        refusal.get_or_insert(reason);
                        false
                    }
                })
                .collect();
            if allowed.is_empty() {
                let reason = refusal.unwrap_or_else(|| format!("{host} has no address"));
                return Err(
                    Box::new(AddressRefused(reason)) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

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
    /// Injected by the host; dropped when a redirect leaves the original host.
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

/// A permit of `gate`, waiting at most `budget`.
async fn acquire(
    gate: &Arc<Semaphore>,
    budget: Duration,
) -> Result<tokio::sync::OwnedSemaphorePermit, FetchFailure> {
    tokio::time::timeout(budget, gate.clone().acquire_owned())
        .await
        .map_err(|_| FetchFailure::Timeout)?
        .map_err(|_| FetchFailure::Network("host gate closed".to_string()))
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

/// One plugin's share of one host: its own concurrency limit.
struct PluginGate {
    in_flight: Arc<Semaphore>,
}

/// One host as every plugin (and the host itself) sees it: a shared concurrency
/// limit and the time of the last request started, so two plugins calling the same
/// site together are as polite as one.
struct HostGate {
    in_flight: Arc<Semaphore>,
    last_start: tokio::sync::Mutex<Option<Instant>>,
}

/// The shared HTTP client and per-host politeness state.
pub struct Egress {
    client: reqwest::Client,
    allowance: Arc<LocalAllowance>,
    /// Keyed by (plugin id, host): each plugin's own concurrency per host.
    plugin_gates: Mutex<HashMap<(String, String), Arc<PluginGate>>>,
    /// Keyed by host: politeness shared by every plugin.
    host_gates: Mutex<HashMap<String, Arc<HostGate>>>,
    host_concurrency: u32,
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
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            // Redirects are followed by hand so that each hop is re-checked.
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(PolicyResolver {
                allowance: allowance.clone(),
            }))
            .no_proxy()
            .connect_timeout(Duration::from_secs(10))
            .pool_idle_timeout(Duration::from_secs(30))
            .build()?;
        Ok(Egress {
            client,
            allowance,
            plugin_gates: Mutex::new(HashMap::new()),
            host_gates: Mutex::new(HashMap::new()),
            host_concurrency: DEFAULT_HOST_CONCURRENCY,
        })
    }

    /// At most `limit` requests in flight to one host, summed over every plugin.
    pub fn with_host_concurrency(mut self, limit: u32) -> Egress {
        self.host_concurrency = limit.max(1);
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

    fn gates(&self, rules: &FetchRules, host: &str) -> (Arc<PluginGate>, Arc<HostGate>) {
        let plugin_gate = self
            .plugin_gates
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry((rules.plugin_id.clone(), host.to_string()))
            .or_insert_with(|| {
                Arc::new(PluginGate {
                    in_flight: Arc::new(Semaphore::new(rules.host_concurrency.max(1) as usize)),
                })
            })
            .clone();
        let host_gate = self
            .host_gates
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(host.to_string())
            .or_insert_with(|| {
                Arc::new(HostGate {
                    in_flight: Arc::new(Semaphore::new(self.host_concurrency as usize)),
                    last_start: tokio::sync::Mutex::new(None),
                })
            })
            .clone();
        (plugin_gate, host_gate)
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
        let original_host = url.host_str().unwrap_or_default().to_string();
        let mut method = request.method.clone();
        let mut body = request.body.clone();
        for hop in 0..=rules.max_redirects {
            self.check_url(rules, &url)?;
            let host = url.host_str().unwrap_or_default().to_string();
            let same_host = host == original_host;
            let response = self
                .send_once(
                    rules,
                    &url,
                    &method,
                    request,
                    same_host,
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
        let (plugin_gate, host_gate) = self.gates(rules, &host);
        let remaining = |now: Instant| {
            deadline
                .saturating_duration_since(now)
                .min(rules.fetch_timeout)
        };
        // The plugin's own share first, so one plugin cannot hold every host permit.
        let _plugin_permit = acquire(&plugin_gate.in_flight, remaining(Instant::now())).await?;
        let _host_permit = acquire(&host_gate.in_flight, remaining(Instant::now())).await?;
        {
            // Spacing is the caller's own interval since the last request any plugin
            // started to this host.
            let mut last_start = host_gate.last_start.lock().await;
            if let Some(next_start) = last_start.map(|last| last + rules.min_fetch_interval) {
                let now = Instant::now();
                if next_start > now {
                    if next_start >= deadline {
                        return Err(FetchFailure::Timeout);
                    }
                    tokio::time::sleep(next_start - now).await;
                }
            }
            *last_start = Some(Instant::now());
        }
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
    fn private_and_metadata_addresses_are_refused() {
        for (text, reason) in [
            ("127.0.0.1", "loopback"),
            ("10.0.0.1", "private"),
            ("172.16.5.4", "private"),
            ("192.168.1.1", "private"),
            ("169.254.169.254", "cloud metadata"),
            ("169.254.1.1", "link-local"),
            ("0.0.0.0", "unspecified"),
            ("100.64.0.1", "shared (carrier-grade NAT)"),
            ("::1", "loopback"),
            ("fe80::1", "link-local"),
            ("fd12::1", "private (unique local)"),
            ("::ffff:10.0.0.1", "private"),
            ("fd00:ec2::254", "cloud metadata"),
        ] {
            assert_eq!(
                forbidden_reason(text.parse().unwrap()),
                Some(reason),
                "{text}"
            );
        }
        for public in ["93.184.216.34", "2606:4700::1111", "8.8.8.8"] {
            assert_eq!(forbidden_reason(public.parse().unwrap()), None, "{public}");
        }
    }

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

    #[test]
    fn allowance_names_exact_addresses_or_hosts() {
        let allowance =
            LocalAllowance::new(&["127.0.0.1".to_string(), "fixtures.local".to_string()]);
        assert!(allowance
            .check("127.0.0.1", "127.0.0.1".parse().unwrap())
            .is_ok());
        assert!(allowance
            .check("fixtures.local", "10.1.2.3".parse().unwrap())
            .is_ok());
        let refused = allowance
            .check("10.0.0.1", "10.0.0.1".parse().unwrap())
            .unwrap_err();
        assert_eq!(refused, "10.0.0.1 resolves to 10.0.0.1, a private address; plugins may only reach public addresses");
        assert!(allowance
            .check("localhost", "::1".parse().unwrap())
            .is_err());
    }

    #[test]
    fn allowance_entries_may_name_a_port() {
        let allowance = LocalAllowance::new(&[
            "127.0.0.1:8089".to_string(),
            "[::1]:9000".to_string(),
            "fixtures.local:7000".to_string(),
        ]);
        assert!(allowance
            .check("127.0.0.1", "127.0.0.1".parse().unwrap())
            .is_ok());
        assert!(allowance.check_port("127.0.0.1", 8089).is_ok());
        assert_eq!(
            allowance.check_port("127.0.0.1", 8090).unwrap_err(),
            "JOBSCOUT_EGRESS_ALLOW_LOCAL allows 127.0.0.1 on port 8089 only, not 8090"
        );
        assert!(allowance.check("[::1]", "::1".parse().unwrap()).is_ok());
        assert!(allowance.check_port("[::1]", 9000).is_ok());
        assert!(allowance
            .check("fixtures.local", "10.1.2.3".parse().unwrap())
            .is_ok());
        assert!(allowance.check_port("fixtures.local", 7001).is_err());
        assert!(
            allowance.check_port("example.com", 443).is_ok(),
            "hosts not listed are not port-restricted"
        );
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
