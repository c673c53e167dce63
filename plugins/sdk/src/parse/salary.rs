//! Salary from free text: `$90k - $105k`, `€75k–110k`, `$150 - 210K USD`,
//! `$0.05 – $0.06 / hour`, `$190,800-$227,900`, also inside a longer sentence.

use crate::{Salary, SalaryPeriod};

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number { value: f64, thousands: bool },
    Currency(&'static str),
    Dash,
    Slash,
    Word(String),
}

fn currency_code(word: &str) -> Option<&'static str> {
    const CODES: [&str; 18] = [
        "USD", "EUR", "GBP", "CAD", "AUD", "CHF", "JPY", "INR", "SEK", "NOK", "DKK", "PLN", "NZD",
        "SGD", "BRL", "MXN", "ZAR", "CZK",
    ];
    let upper = word.to_ascii_uppercase();
    CODES.iter().copied().find(|code| *code == upper)
}

fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let mut digits = String::new();
            // Set once `.` has been read as a thousands separator (`€60.000`);
            // a comma after that is the decimal mark (`4.500,50`).
            let mut dotted_thousands = false;
            while i < chars.len() {
                let d = chars[i];
                let digit_follows = chars.get(i + 1).is_some_and(char::is_ascii_digit);
                if d.is_ascii_digit() {
                    digits.push(d);
                } else if d == '.' && digit_follows {
                    if !digits.contains('.')
                        && is_thousands_group(&chars, i, &digits, dotted_thousands)
                    {
                        dotted_thousands = true;
                    } else {
                        digits.push('.');
                    }
                } else if d == ',' && digit_follows && dotted_thousands {
                    digits.push('.');
                } else if d == ',' && digit_follows {
                    // A comma between digit groups is a thousands separator.
                } else {
                    break;
                }
                i += 1;
            }
            let mut value: f64 = digits.parse().unwrap_or(0.0);
            let mut thousands = false;
            if let Some(suffix) = chars.get(i) {
                let after_is_letter = chars.get(i + 1).is_some_and(|c| c.is_alphabetic());
                if matches!(suffix, 'k' | 'K') && !after_is_letter {
                    value *= 1000.0;
                    thousands = true;
                    i += 1;
                }
            }
            // `20M`, `1.5B`: funding and revenue, never pay.
            let big = chars
                .get(i)
                .is_some_and(|c| matches!(c, 'm' | 'M' | 'b' | 'B'));
            if !thousands && big && !chars.get(i + 1).is_some_and(|c| c.is_alphabetic()) {
                i += 1;
                tokens.push(Token::Word("million".to_string()));
                continue;
            }
            tokens.push(Token::Number { value, thousands });
            continue;
        }
        match c {
            '$' => {
                // `CA$`, `A$`, `US$` were read as a word just before.
                let code = match tokens.last() {
                    Some(Token::Word(word)) if word == "ca" || word == "c" => Some("CAD"),
                    Some(Token::Word(word)) if word == "a" || word == "au" => Some("AUD"),
                    Some(Token::Word(word)) if word == "nz" => Some("NZD"),
                    Some(Token::Word(word)) if word == "us" => Some("USD"),
                    _ => None,
                };
                if code.is_some() {
                    tokens.pop();
                }
                tokens.push(Token::Currency(code.unwrap_or("USD")));
            }
            '€' => tokens.push(Token::Currency("EUR")),
            '£' => tokens.push(Token::Currency("GBP")),
            '¥' => tokens.push(Token::Currency("JPY")),
            '₹' => tokens.push(Token::Currency("INR")),
            '-' | '–' | '—' | '~' => tokens.push(Token::Dash),
            '/' => tokens.push(Token::Slash),
            _ if c.is_alphabetic() => {
                let start = i;
                while i < chars.len() && chars[i].is_alphabetic() {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                match currency_code(&word) {
                    Some(code) if word.chars().all(|c| c.is_ascii_uppercase()) => {
                        tokens.push(Token::Currency(code))
                    }
                    _ => tokens.push(Token::Word(word.to_lowercase())),
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    tokens
}

/// Whether the `.` at `chars[at]` separates thousands (`60.000`, `1.250.000`)
/// rather than marking decimals (`0.05`, `1.5`): exactly three digits follow
/// it, and before it is an earlier group or one to three digits without a
/// leading zero.
fn is_thousands_group(chars: &[char], at: usize, digits_before: &str, after_group: bool) -> bool {
    let group = chars[at + 1..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    group == 3
        && (after_group
            || (1..=3).contains(&digits_before.len()) && !digits_before.starts_with('0'))
}

/// The period a word names (`hour`, `hourly`, `annual`, `yr`, `month` …).
pub fn period_from_word(word: &str) -> Option<SalaryPeriod> {
    let word = word.trim().to_ascii_lowercase();
    Some(match word.as_str() {
        "hour" | "hours" | "hourly" | "hr" | "h" | "hrs" => SalaryPeriod::Hour,
        "day" | "daily" | "days" => SalaryPeriod::Day,
        "week" | "weekly" | "wk" => SalaryPeriod::Week,
        "month" | "monthly" | "mo" | "months" => SalaryPeriod::Month,
        "year" | "yearly" | "annual" | "annually" | "annum" | "yr" | "years" | "pa" => {
            SalaryPeriod::Year
        }
        _ => return None,
    })
}

fn number_at(tokens: &[Token], at: usize) -> Option<(f64, bool)> {
    match tokens.get(at) {
        Some(Token::Number { value, thousands }) => Some((*value, *thousands)),
        _ => None,
    }
}

/// `low [- high]` as read: each amount with whether it had a `k`, and the index after.
type Range = (f64, bool, Option<(f64, bool)>, usize);

/// Reads `number [- [currency] number]` from `at`.
fn range_at(tokens: &[Token], at: usize) -> Option<Range> {
    let (low, low_k) = number_at(tokens, at)?;
    let mut next = at + 1;
    let mut high = None;
    let is_to = |t: Option<&Token>| {
        matches!(t, Some(Token::Dash)) || matches!(t, Some(Token::Word(w)) if w == "to")
    };
    if is_to(tokens.get(next)) {
        let mut after = next + 1;
        if matches!(tokens.get(after), Some(Token::Currency(_))) {
            after += 1;
        }
        if let Some(value) = number_at(tokens, after) {
            high = Some(value);
            next = after + 1;
        }
    }
    Some((low, low_k, high, next))
}

/// The first salary found in `text`, or `None` when there is no amount with a
/// currency next to it. With no period stated, amounts of 10,000 or more are
/// taken as yearly, and amounts under 1,000 are not taken as pay at all (in
/// free text they are prices, stipends or "$20 million" rounds).
pub fn parse(text: &str) -> Option<Salary> {
    let tokens = tokenize(text);
    (0..tokens.len()).find_map(|index| candidate(&tokens, index))
}

/// The salary starting at `tokens[index]`, if one starts there.
fn candidate(tokens: &[Token], index: usize) -> Option<Salary> {
    let (mut currency, mut low, low_k, high, next) = match tokens.get(index)? {
        Token::Currency(code) => {
            let (low, low_k, high, next) = range_at(tokens, index + 1)?;
            (*code, low, low_k, high, next)
        }
        Token::Number { .. } => {
            let (low, low_k, high, next) = range_at(tokens, index)?;
            match tokens.get(next) {
                Some(Token::Currency(code)) => (*code, low, low_k, high, next + 1),
                _ => return None,
            }
        }
        _ => return None,
    };
    // A code after the range (`$150 - 210K USD`) is more specific than `$`.
    if let Some(Token::Currency(code)) = tokens.get(next) {
        currency = code;
    }
    let high = high.map(|(value, high_k)| {
        // `150 - 210K`: the suffix on the upper bound applies to both.
        if high_k && !low_k && low < 1000.0 {
            low *= 1000.0;
        }
        value
    });
    let mut period = None;
    let window = &tokens[next.min(tokens.len())..tokens.len().min(next + 4)];
    for token in window {
        match token {
            Token::Word(word) => {
                if let Some(found) = period_from_word(word) {
                    period = Some(found);
                    break;
                }
                if !matches!(
                    word.as_str(),
                    "per" | "a" | "an" | "p" | "usd" | "gross" | "base"
                ) {
                    break;
                }
            }
            Token::Slash | Token::Currency(_) => {}
            _ => break,
        }
    }
    let top = high.unwrap_or(low).max(low);
    match period {
        None if top >= 10_000.0 => period = Some(SalaryPeriod::Year),
        None if top < 1000.0 => return None,
        _ => {}
    }
    Some(Salary {
        min: Some(low),
        max: high.or(Some(low)),
        currency: Some(currency.to_string()),
        period,
    })
}

/// A salary from separate min/max numbers where `0` or a negative means unknown.
pub fn from_bounds(
    min: Option<f64>,
    max: Option<f64>,
    currency: Option<&str>,
    period: Option<SalaryPeriod>,
) -> Option<Salary> {
    let min = min.filter(|value| value.is_finite() && *value > 0.0);
    let max = max.filter(|value| value.is_finite() && *value > 0.0);
    if min.is_none() && max.is_none() {
        return None;
    }
    Some(Salary {
        min,
        max,
        currency: currency
            .map(str::trim)
            .filter(|code| !code.is_empty())
            .map(str::to_ascii_uppercase),
        period,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triple(text: &str) -> (Option<f64>, Option<f64>, String, Option<SalaryPeriod>) {
        let salary = parse(text).unwrap_or_else(|| panic!("no salary in {text:?}"));
        (
            salary.min,
            salary.max,
            salary.currency.unwrap(),
            salary.period,
        )
    }

    #[test]
    fn ranges_with_suffixes_and_currencies() {
        assert_eq!(
            triple("$90k - $105k"),
            (
                Some(90_000.0),
                Some(105_000.0),
                "USD".into(),
                Some(SalaryPeriod::Year)
            )
        );
        assert_eq!(
            triple("€75k–110k"),
            (
                Some(75_000.0),
                Some(110_000.0),
                "EUR".into(),
                Some(SalaryPeriod::Year)
            )
        );
        assert_eq!(
            triple("$150 - 210K USD"),
            (
                Some(150_000.0),
                Some(210_000.0),
                "USD".into(),
                Some(SalaryPeriod::Year)
            )
        );
        assert_eq!(
            triple("$190,800-$227,900"),
            (
                Some(190_800.0),
                Some(227_900.0),
                "USD".into(),
                Some(SalaryPeriod::Year)
            )
        );
        assert_eq!(
            triple("£45,000 to £55,000 per annum"),
            (
                Some(45_000.0),
                Some(55_000.0),
                "GBP".into(),
                Some(SalaryPeriod::Year)
            )
        );
        assert_eq!(
            triple("CA$120k"),
            (
                Some(120_000.0),
                Some(120_000.0),
                "CAD".into(),
                Some(SalaryPeriod::Year)
            )
        );
        assert_eq!(
            triple("100000 - 120000 EUR"),
            (
                Some(100_000.0),
                Some(120_000.0),
                "EUR".into(),
                Some(SalaryPeriod::Year)
            )
        );
    }

    #[test]
    fn dots_as_thousands_separators() {
        assert_eq!(
            triple("€60.000 - €75.000"),
            (
                Some(60_000.0),
                Some(75_000.0),
                "EUR".into(),
                Some(SalaryPeriod::Year)
            )
        );
        assert_eq!(
            triple("1.250.000 - 1.500.000 CZK"),
            (
                Some(1_250_000.0),
                Some(1_500_000.0),
                "CZK".into(),
                Some(SalaryPeriod::Year)
            )
        );
        assert_eq!(
            triple("€4.500,50 per month"),
            (
                Some(4500.5),
                Some(4500.5),
                "EUR".into(),
                Some(SalaryPeriod::Month)
            )
        );
        assert_eq!(
            triple("$1.5 - $2.25 / hour"),
            (
                Some(1.5),
                Some(2.25),
                "USD".into(),
                Some(SalaryPeriod::Hour)
            )
        );
    }

    #[test]
    fn periods() {
        assert_eq!(
            triple("$0.05 – $0.06 / hour"),
            (
                Some(0.05),
                Some(0.06),
                "USD".into(),
                Some(SalaryPeriod::Hour)
            )
        );
        assert_eq!(
            triple("$1 – $5 / year"),
            (Some(1.0), Some(5.0), "USD".into(), Some(SalaryPeriod::Year))
        );
        assert_eq!(
            triple("€4,500 per month"),
            (
                Some(4500.0),
                Some(4500.0),
                "EUR".into(),
                Some(SalaryPeriod::Month)
            )
        );
        assert_eq!(
            triple("$60/hr"),
            (
                Some(60.0),
                Some(60.0),
                "USD".into(),
                Some(SalaryPeriod::Hour)
            )
        );
        assert_eq!(
            triple("$1,500"),
            (Some(1500.0), Some(1500.0), "USD".into(), None)
        );
        assert!(parse("$500").is_none(), "no period and too small to be pay");
    }

    #[test]
    fn inside_sentences_and_absent() {
        assert_eq!(
            triple("Senior Engineer | Berlin | €75k–110k + equity | 5 years experience"),
            (
                Some(75_000.0),
                Some(110_000.0),
                "EUR".into(),
                Some(SalaryPeriod::Year)
            )
        );
        assert_eq!(
            triple(
                "We raised $20M (and a $1.5B valuation), a $20 million round; pay is $120k-$140k."
            ),
            (
                Some(120_000.0),
                Some(140_000.0),
                "USD".into(),
                Some(SalaryPeriod::Year)
            )
        );
        assert!(parse("Lunch stipend of $15 and a $300 laptop budget").is_none());
        assert!(parse("").is_none());
        assert!(parse("5+ years of experience, 40 hours per week").is_none());
        assert!(parse("Competitive").is_none());
    }

    #[test]
    fn bounds() {
        assert!(from_bounds(Some(0.0), Some(0.0), Some("USD"), None).is_none());
        let salary =
            from_bounds(Some(5250.0), None, Some("eur"), Some(SalaryPeriod::Month)).unwrap();
        assert_eq!(
            (salary.min, salary.max, salary.currency.as_deref()),
            (Some(5250.0), None, Some("EUR"))
        );
    }
}
