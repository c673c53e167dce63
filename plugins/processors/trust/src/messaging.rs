//! Links into messaging apps, and "share this job" buttons (which open no
//! conversation with anyone and must not look like off-platform contact).

use crate::hosts::{normalize_host, parse_url};

/// The messaging app a link opens a chat with someone in, if any.
pub fn chat_app(link: &str) -> Option<&'static str> {
    const APPS: &[(&str, &str)] = &[
        ("wa.me", "WhatsApp"),
        ("api.whatsapp.com", "WhatsApp"),
        ("chat.whatsapp.com", "WhatsApp"),
        ("t.me", "Telegram"),
        ("telegram.me", "Telegram"),
        ("telegram.dog", "Telegram"),
        ("signal.me", "Signal"),
        ("signal.group", "Signal"),
        ("m.me", "Facebook Messenger"),
    ];
    if is_share_link(link) {
        return None;
    }
    let url = parse_url(link)?;
    let host = normalize_host(url.host_str()?);
    let app = APPS.iter().find(|(domain, _)| host == *domain)?.1;
    let opens_someone = url
        .path_segments()
        .into_iter()
        .flatten()
        .any(|s| !s.is_empty())
        || url.fragment().is_some_and(|fragment| !fragment.is_empty());
    opens_someone.then_some(app)
}

/// A "share this job" button: a messaging app or social network asked to post
/// the page (`wa.me/?text=…`, `api.whatsapp.com/send?text=…` without a phone
/// number, `t.me/share/…`, Facebook/LinkedIn/X share dialogs).
pub fn is_share_link(link: &str) -> bool {
    let Some(url) = parse_url(link) else {
        return false;
    };
    let Some(host) = url.host_str().map(normalize_host) else {
        return false;
    };
    let path = url.path().trim_end_matches('/');
    let has_phone = url
        .query_pairs()
        .any(|(key, value)| key == "phone" && !value.is_empty());
    match host.as_str() {
        "wa.me" => path.is_empty(),
        "api.whatsapp.com" | "web.whatsapp.com" | "whatsapp.com" => {
            path.starts_with("/send") && !has_phone
        }
        "t.me" | "telegram.me" => path.starts_with("/share"),
        "facebook.com" | "m.facebook.com" => path.starts_with("/sharer") || path == "/dialog/share",
        "twitter.com" | "x.com" => path.starts_with("/intent/tweet") || path == "/share",
        "linkedin.com" => path.starts_with("/sharing/") || path.starts_with("/shareArticle"),
        "reddit.com" => path == "/submit",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_links_open_a_conversation() {
        assert_eq!(
            chat_app("https://chat.whatsapp.com/Inv1teC0de"),
            Some("WhatsApp")
        );
        assert_eq!(chat_app("wa.me/15551234567"), Some("WhatsApp"));
        assert_eq!(
            chat_app("https://api.whatsapp.com/send?phone=15551234567"),
            Some("WhatsApp")
        );
        assert_eq!(chat_app("https://t.me/hr_desk"), Some("Telegram"));
        assert_eq!(chat_app("https://signal.me/#eu/abc"), Some("Signal"));
        assert_eq!(chat_app("https://smart.me/hr"), None);
        assert_eq!(chat_app("https://www.whatsapp.com/business"), None);
        assert_eq!(chat_app("https://t.me/"), None);
    }

    #[test]
    fn share_buttons_are_not_chats() {
        for link in [
            "https://wa.me/?text=Look%20at%20this%20job",
            "https://api.whatsapp.com/send?text=https://acme.com/jobs/1",
            "https://t.me/share/url?url=https://acme.com/jobs/1",
            "https://www.facebook.com/sharer/sharer.php?u=https://acme.com/jobs/1",
            "https://twitter.com/intent/tweet?url=https://acme.com/jobs/1",
            "https://www.linkedin.com/sharing/share-offsite/?url=https://acme.com/jobs/1",
        ] {
            assert!(is_share_link(link), "{link}");
            assert_eq!(chat_app(link), None, "{link}");
        }
        assert!(!is_share_link(
            "https://api.whatsapp.com/send?phone=15551234567&text=hi"
        ));
        assert!(!is_share_link("https://acme.com/share"));
    }
}
