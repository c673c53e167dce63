//! Which addresses a fetch may reach: public ones, and the local ones that
//! `JOBSCOUT_EGRESS_ALLOW_LOCAL` names; and the resolver that applies the rule to
//! the address actually connected to.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Why an address may not be reached, or `None` when it is public.
pub fn forbidden_reason(address: IpAddr) -> Option<&'static str> {
    match address {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => {
            // Forms that carry an IPv4 address: name the embedded address's reason
            // when it has one, and refuse the form anyway (a translator or tunnel
            // could carry the request to any IPv4 address, private ones included).
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden_v4(v4).or(Some("IPv4-mapped"));
            }
            let segments = v6.segments();
            let first = segments[0];
            let embedded_v4 = Ipv4Addr::new(
                (segments[6] >> 8) as u8,
                segments[6] as u8,
                (segments[7] >> 8) as u8,
                segments[7] as u8,
            );
            if segments[..6] == [0; 6] && !v6.is_loopback() && !v6.is_unspecified() {
                return forbidden_v4(embedded_v4).or(Some("IPv4-compatible"));
            }
            if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] || segments[..3] == [0x64, 0xff9b, 1] {
                return forbidden_v4(embedded_v4).or(Some("NAT64"));
            }
            if first == 0x2002 {
                return Some("6to4");
            }
            if first == 0x2001 && segments[1] == 0 {
                return Some("Teredo");
            }
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

    /// An address entry allows only a URL that names that address literally
    /// (where [`Self::check_port`] binds its port too); a name entry allows that
    /// name whatever it resolves to. So `127.0.0.1:8089` never lets `localhost`,
    /// or a declared name that resolves to 127.0.0.1, reach another port.
    fn allows(&self, host: &str, address: IpAddr) -> bool {
        let host = bare(host);
        let literal = host.parse::<IpAddr>().ok();
        if literal.is_some_and(|literal| literal != address) {
            return false;
        }
        self.entries
            .iter()
            .any(|(entry, _)| Self::matches(entry, &host, literal))
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
pub(super) struct AddressRefused(String);

impl std::fmt::Display for AddressRefused {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for AddressRefused {}

/// Resolves names and drops forbidden addresses, so that the check holds for the
/// address actually connected to (no gap for DNS rebinding).
pub(super) struct PolicyResolver {
    pub(super) allowance: Arc<LocalAllowance>,
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
            ("::ffff:8.8.8.8", "IPv4-mapped"),
            ("::10.0.0.1", "private"),
            ("::8.8.8.8", "IPv4-compatible"),
            ("64:ff9b::a9fe:a9fe", "cloud metadata"),
            ("64:ff9b::808:808", "NAT64"),
            ("64:ff9b:1::808:808", "NAT64"),
            ("2002:808:808::1", "6to4"),
            ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
            ("fd00:ec2::254", "cloud metadata"),
        ] {
            assert_eq!(
                forbidden_reason(text.parse().unwrap()),
                Some(reason),
                "{text}"
            );
        }
        for public in [
            "93.184.216.34",
            "2606:4700::1111",
            "8.8.8.8",
            "2001:4860:4860::8888",
            "2003::1",
        ] {
            assert_eq!(forbidden_reason(public.parse().unwrap()), None, "{public}");
        }
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
        // A name that resolves to an allowed address is not that address: it
        // would escape the entry's port.
        assert!(allowance
            .check("localhost", "127.0.0.1".parse().unwrap())
            .is_err());
        assert!(allowance
            .check("rebind.example", "127.0.0.1".parse().unwrap())
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
}
