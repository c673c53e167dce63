//! Who is asking: the client address behind trusted proxies, for the per-IP rate
//! limits and the public scrape allowance.

use std::net::IpAddr;

/// The client address of a request: the peer, or — only when the peer is a trusted
/// proxy — the right-most `X-Forwarded-For` entry that is not itself a trusted
/// proxy. (The earlier backend took the first entry, which any client can forge.)
pub fn client_ip(peer: IpAddr, forwarded_for: Option<&str>, trusted_proxies: &[IpAddr]) -> IpAddr {
    if !trusted_proxies.contains(&peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    let mut candidate = peer;
    for entry in header.rsplit(',') {
        let Ok(address) = entry.trim().parse::<IpAddr>() else {
            // A malformed hop: stop at the last address we could trust.
            break;
        };
        candidate = address;
        if !trusted_proxies.contains(&address) {
            break;
        }
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxies = [ip("10.0.0.1"), ip("10.0.0.2")];
        // An untrusted peer cannot choose its address by sending the header.
        assert_eq!(
            client_ip(ip("203.0.113.9"), Some("1.2.3.4"), &proxies),
            ip("203.0.113.9")
        );
        // Through one trusted proxy.
        assert_eq!(
            client_ip(ip("10.0.0.1"), Some("198.51.100.7"), &proxies),
            ip("198.51.100.7")
        );
        // A forged left-most entry is ignored: the right-most untrusted hop counts.
        assert_eq!(
            client_ip(
                ip("10.0.0.1"),
                Some("6.6.6.6, 198.51.100.7, 10.0.0.2"),
                &proxies
            ),
            ip("198.51.100.7")
        );
        // No header, or garbage, falls back to what is known.
        assert_eq!(client_ip(ip("10.0.0.1"), None, &proxies), ip("10.0.0.1"));
        assert_eq!(
            client_ip(ip("10.0.0.1"), Some("not-an-ip"), &proxies),
            ip("10.0.0.1")
        );
    }
}
