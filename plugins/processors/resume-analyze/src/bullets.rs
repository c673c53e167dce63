//! Bullets that carry a metric: a number that is not a year, a percentage, a
//! currency amount, a multiplier (`3x`, `×2`) or a k/M/B amount.

/// At most this many bullets are returned.
pub const MAX_BULLETS: usize = 5;

const MARKERS: [char; 7] = ['•', '-', '*', '▪', '–', '·', '◦'];

fn bullet_text(line: &str) -> Option<&str> {
    let rest = line.trim().strip_prefix(MARKERS)?;
    let rest = rest.trim();
    (!rest.is_empty()).then_some(rest)
}

fn is_year(token: &str) -> bool {
    token.len() == 4
        && token.chars().all(|c| c.is_ascii_digit())
        && token
            .parse::<u32>()
            .is_ok_and(|year| (1950..=2099).contains(&year))
}

/// Whether `text` states a measurable result.
pub fn has_metric(text: &str) -> bool {
    if text.contains('%') || text.contains('×') {
        return true;
    }
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '/'))
        .map(|token| token.trim_end_matches(['.', ':']))
        .filter(|token| token.chars().any(|c| c.is_ascii_digit()))
        .any(|token| {
            let bare = token.trim_start_matches(['$', '€', '£', '¥', '₹', '~', '+', '-']);
            !is_year(bare) && !bare.is_empty()
        })
}

/// Up to [`MAX_BULLETS`] metric-bearing bullet lines, in resume order,
/// without their markers. A resume without bullet markers is read line by line.
pub fn metric_bullets(text: &str) -> Vec<String> {
    let bullets: Vec<&str> = text.lines().filter_map(bullet_text).collect();
    let candidates: Vec<&str> = if bullets.is_empty() {
        text.lines()
            .map(str::trim)
            .filter(|line| (20..=300).contains(&line.chars().count()))
            .collect()
    } else {
        bullets
    };
    candidates
        .into_iter()
        .filter(|line| has_metric(line))
        .take(MAX_BULLETS)
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics() {
        assert!(has_metric("Cut latency by 40%"));
        assert!(has_metric("Handled $2.1M a day"));
        assert!(has_metric("Reduced incidents 3x"));
        assert!(has_metric("Served 500k users"));
        assert!(has_metric("Migrated 14 services"));
        assert!(!has_metric("Mentored four engineers"));
        assert!(!has_metric("Joined in 2021, promoted in 2023"));
    }

    #[test]
    fn bullets_in_order_and_capped() {
        let text =
            "Title\n• Did 1 thing\n- No metric here\n* Did 2 things\nPlain line with 3 things\n";
        assert_eq!(metric_bullets(text), ["Did 1 thing", "Did 2 things"]);
        let many: String = (1..=8)
            .map(|n| format!("• Shipped {n} releases\n"))
            .collect();
        assert_eq!(metric_bullets(&many).len(), MAX_BULLETS);
        assert_eq!(
            metric_bullets("Summary line without bullets\nGrew revenue 25% in a single year"),
            ["Grew revenue 25% in a single year"]
        );
    }
}
