//! Scam risk (docs/processors.md, `trust`): phrases, off-platform contact, free-mail
//! addresses, requests for money and suspicious job links. Higher is worse,
//! capped at 100; ≥50 is high, ≥20 medium.
//!
//! Each concept is counted once at its own weight (the earlier backend counted
//! "upfront fee" as a keyword, a pattern and a fee mention at once), and a
//! negated mention ("we never ask for a fee") is a disclaimer, not a sign.

use std::sync::LazyLock;

use crate::evidence::Evidence;
use crate::hosts;
use crate::input::TrustInput;
use crate::messaging;
use crate::report::Level;
use crate::text::{self, cue, CueSet};

const KEYWORD_POINTS: u32 = 5;
const PATTERN_POINTS: u32 = 10;
const MESSAGING_LINK_POINTS: u32 = 15;
const FREE_MAIL_POINTS: u32 = 10;
const FEE_POINTS: u32 = 20;
const MONEY_TRANSFER_POINTS: u32 = 25;
const SHORTENER_POINTS: u32 = 5;
const REFERRAL_PARAMETER_POINTS: u32 = 3;

pub struct ScamFindings {
    pub score: u32,
    pub level: Level,
    pub reasons: Vec<String>,
    /// Messaging apps the posting steers applicants to (text or links).
    pub messaging_apps: Vec<&'static str>,
    pub free_mail: bool,
    /// Asks the applicant to pay or to move money.
    pub asks_for_money: bool,
}

static KEYWORDS: LazyLock<CueSet> = LazyLock::new(|| {
    CueSet::new(&[
        cue("make money", r"make\s+(?:easy\s+|quick\s+)?money"),
        cue("easy money", r"(?:easy|quick|fast)\s+(?:money|cash)"),
        cue("get rich", r"get\s+rich"),
        cue("financial freedom", r"financial\s+freedom"),
        cue(
            "unlimited earnings",
            r"unlimited\s+(?:earnings?|income|earning\s+potential)",
        ),
        cue("be your own boss", r"be\s+your\s+own\s+boss"),
        cue(
            "no experience needed",
            r"no\s+(?:prior\s+)?experience\s+(?:needed|required|necessary)",
        ),
        cue("wire transfer", r"wire\s+transfers?"),
        cue("Western Union", r"western\s+union"),
        cue("MoneyGram", r"money\s?gram"),
        cue("gift card", r"gift\s+cards?"),
        cue("crypto", r"crypto"),
        cue("bitcoin", r"bitcoin"),
        cue(
            "investment opportunity",
            r"investment\s+opportunit(?:y|ies)",
        ),
        cue("reshipping", r"re-?shipping|package\s+forwarding"),
        cue(
            "earn per day",
            r"earn\s+(?:up\s+to\s+)?\$?\d[\d,]*\s*(?:\$|usd|dollars)?\s*(?:per|a|/)\s*(?:day|hour|week)",
        ),
        cue("weekly payout", r"(?:daily|weekly)\s+pay-?outs?"),
        cue("guaranteed income", r"guaranteed\s+(?:income|earnings|pay)"),
    ])
});

/// Off-platform contact: employers rarely recruit over messaging apps.
static CONTACT_APPS: LazyLock<CueSet> = LazyLock::new(|| {
    CueSet::new(&[
        cue("WhatsApp", r"whats\s?app"),
        cue("Telegram", r"telegram"),
        // "Signal" is also an everyday word: only the app in context counts.
        cue(
            "Signal",
            r"(?:on|via|through|over|using)\s+signal|signal\s+(?:app|messenger)",
        ),
        cue("Google Hangouts", r"google\s+hangouts?"),
    ])
});

/// Other recruitment-scam patterns; the label completes "Mentions …".
static PATTERNS: LazyLock<CueSet> = LazyLock::new(|| {
    CueSet::new(&[
        cue(
            "an interview held by text chat",
            r"(?:text|chat)[\s-]+based\s+interview|interview\w*\s+(?:\w+\s+){0,3}(?:via|over|by|through)\s+(?:text|chat|instant\s+messag\w*)",
        ),
        cue(
            "hiring without an interview",
            r"no\s+interviews?(?:\s+(?:needed|required))?|hired\s+(?:on\s+the\s+spot|immediately|same\s+day)",
        ),
        cue(
            "sending bank or identity details",
            r"(?:send|provide|share|submit)\s+(?:us\s+)?(?:your\s+)?(?:social\s+security\s+number|ssn|bank\s+(?:account\s+)?(?:details|information|number)|credit\s+card|passport\s+(?:copy|scan))",
        ),
    ])
});

/// The applicant is asked to pay.
static FEES: LazyLock<CueSet> = LazyLock::new(|| {
    CueSet::new(&[
        cue(
            "upfront fee",
            r"(?:up[\s-]?front|advance)\s+(?:fees?|payments?)",
        ),
        cue(
            "application fee",
            r"(?:application|registration|training|processing|onboarding|enrol?lment|placement|starter[\s-]kit|equipment)\s+(?:fees?|deposit)",
        ),
        cue(
            "pay a fee",
            r"pay\s+(?:a|an|the)?\s*(?:small\s+|one[\s-]time\s+|refundable\s+)*(?:fee|deposit)",
        ),
        // Only when the applicant pays: "we pay for your training" is a perk.
        cue(
            "pay for your training",
            r"(?:you(?:'ll|\s+will|\s+must|\s+need\s+to|\s+have\s+to|\s+are\s+required\s+to)?|must|required\s+to)\s+pay\s+for\s+(?:your\s+)?(?:own\s+)?(?:training|equipment|starter\s+kit|background\s+check|certification)",
        ),
    ])
});

/// The applicant is asked to move money (fake-cheque and gift-card scams).
static MONEY_TRANSFERS: LazyLock<CueSet> = LazyLock::new(|| {
    CueSet::new(&[
        cue(
            "send money",
            r"you(?:'ll|\s+(?:will|must|need|have|would|should|are|be|asked|required|to))*\s+(?:send|transfer|wire|forward|remit)\s+(?:(?:the|some|back|us|it|remaining)\s+)*(?:money|funds|payments?|balance)",
        ),
        cue(
            "cash a cheque",
            r"(?:deposit|cash)\s+(?:a|the|this|our)\s+(?:cheque|check)",
        ),
        cue(
            "buy gift cards",
            r"(?:buy|purchase)\s+(?:\w+\s+){0,2}(?:gift|itunes|prepaid|steam)\s+cards?",
        ),
    ])
});

const REFERRAL_KEYS: &[&str] = &[
    "ref",
    "referral",
    "referrer",
    "affiliate",
    "affiliate_id",
    "aff",
    "aff_id",
    "partner",
    "partner_id",
];

pub fn assess(input: &TrustInput, evidence: &Evidence) -> ScamFindings {
    let all_text = evidence.all_text();
    let mut score = 0;
    let mut reasons = Vec::new();

    let keywords = KEYWORDS.found_affirmed(&all_text);
    if !keywords.is_empty() {
        let board = hosts::screened_board(input.source.as_deref(), evidence.job_host.as_deref());
        let full_points = KEYWORD_POINTS * keywords.len() as u32;
        score += if board.is_some() {
            full_points / 2
        } else {
            full_points
        };
        let mut reason = format!(
            "Uses phrases common in scam postings: {}.",
            text::quoted_list(&keywords)
        );
        if let Some(board) = board {
            reason = format!(
                "{} They count half here: {board} screens the postings it lists.",
                reason
            );
        }
        reasons.push(reason);
    }

    let mut messaging_apps = CONTACT_APPS.found_affirmed(&all_text);
    score += PATTERN_POINTS * messaging_apps.len() as u32;
    if !messaging_apps.is_empty() {
        let names: Vec<String> = messaging_apps.iter().map(|app| app.to_string()).collect();
        reasons.push(format!(
            "Asks you to get in touch over {}; real employers rarely recruit through messaging apps.",
            text::join_words(&names)
        ));
    }
    for pattern in PATTERNS.found_affirmed(&all_text) {
        score += PATTERN_POINTS;
        reasons.push(format!(
            "Mentions {pattern}, a common sign of a recruitment scam."
        ));
    }

    for (app, link) in messaging_links(evidence) {
        score += MESSAGING_LINK_POINTS;
        reasons.push(format!(
            "Links to a {app} chat ({link}) instead of an application form."
        ));
        if !messaging_apps.contains(&app) {
            messaging_apps.push(app);
        }
    }

    let free_mail = free_mail_addresses(evidence);
    if !free_mail.is_empty() {
        score += FREE_MAIL_POINTS * free_mail.len() as u32;
        reasons.push(format!(
            "Gives a free e-mail address as the contact ({}) instead of a company address.",
            text::join_words(&free_mail)
        ));
    }

    let fees = FEES.found_affirmed(&all_text);
    if !fees.is_empty() {
        score += FEE_POINTS;
        reasons.push(format!(
            "Asks you to pay ({}); real employers never charge applicants.",
            text::quoted_list(&fees)
        ));
    }
    let transfers = MONEY_TRANSFERS.found_affirmed(&all_text);
    if !transfers.is_empty() {
        score += MONEY_TRANSFER_POINTS;
        reasons.push(format!(
            "Asks you to move money ({}), the pattern of fake-cheque and gift-card scams.",
            text::quoted_list(&transfers)
        ));
    }

    let job_links = [input.job_url.as_deref(), input.apply_url.as_deref()];
    let parsed: Vec<url::Url> = job_links
        .into_iter()
        .flatten()
        .filter_map(hosts::parse_url)
        .collect();
    if let Some(shortener) = parsed
        .iter()
        .filter_map(|url| url.host_str().map(hosts::normalize_host))
        .find(|host| hosts::is_shortener(host))
    {
        score += SHORTENER_POINTS;
        reasons.push(format!(
            "The job link goes through a URL shortener ({shortener}), which hides where it leads."
        ));
    }
    if let Some(key) = parsed.iter().find_map(|url| {
        url.query_pairs()
            .map(|(key, _)| key.to_lowercase())
            .find(|key| REFERRAL_KEYS.contains(&key.as_str()))
    }) {
        score += REFERRAL_PARAMETER_POINTS;
        reasons.push(format!(
            "The job link carries a referral parameter (\"{key}\"), typical of reposted or affiliate listings."
        ));
    }

    let score = score.min(100);
    ScamFindings {
        score,
        level: level_of(score),
        reasons,
        messaging_apps,
        free_mail: !free_mail.is_empty(),
        asks_for_money: !fees.is_empty() || !transfers.is_empty(),
    }
}

fn level_of(score: u32) -> Level {
    match score {
        50.. => Level::High,
        20.. => Level::Medium,
        _ => Level::Low,
    }
}

/// Distinct chat links (page anchors and links written in the text).
fn messaging_links(evidence: &Evidence) -> Vec<(&'static str, String)> {
    let mut found: Vec<(&'static str, String)> = Vec::new();
    let written = text::links(&evidence.all_text());
    for link in evidence.page.links.iter().chain(written.iter()) {
        let Some(app) = messaging::chat_app(link) else {
            continue;
        };
        let shown = display_link(link);
        if !found.iter().any(|(_, seen)| *seen == shown) {
            found.push((app, shown));
        }
    }
    found
}

/// A link without its scheme, `www.` and trailing slash, for reasons.
fn display_link(link: &str) -> String {
    let link = link.trim();
    let link = link.split_once("://").map_or(link, |(_, rest)| rest);
    let link = link.strip_prefix("www.").unwrap_or(link);
    link.trim_end_matches('/').to_string()
}

/// Distinct free-mail addresses in the text and in `mailto:` links.
fn free_mail_addresses(evidence: &Evidence) -> Vec<String> {
    let mut addresses = text::emails(&evidence.all_text());
    for link in &evidence.page.links {
        if let Some(target) = link
            .get(..7)
            .filter(|scheme| scheme.eq_ignore_ascii_case("mailto:"))
            .map(|_| &link[7..])
        {
            let address = target
                .split('?')
                .next()
                .unwrap_or_default()
                .trim()
                .to_lowercase();
            if !address.is_empty() && !addresses.contains(&address) {
                addresses.push(address);
            }
        }
    }
    addresses
        .into_iter()
        .filter(|address| {
            address
                .rsplit_once('@')
                .is_some_and(|(_, domain)| hosts::is_free_mail(domain))
        })
        .collect()
}
