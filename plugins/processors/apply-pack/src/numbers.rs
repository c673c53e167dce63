//! The numeric-claims guard's reading of numbers: a generated text may only hold
//! numbers the resume holds, so a model cannot invent "grew revenue 40%".
//!
//! A number is a run of digits (any script's: a full-width `４０` is a number, and
//! one the resume must hold as written), with `,` or `.` allowed between digits; thousands
//! separators are ignored (`1,200` = `1200`) and a trailing `.0` is not (`2.0` ≠ `2`,
//! kept simple on purpose: the guard errs on dropping). Digits inside a word that
//! starts with a letter (`S3`, `EC2`, `OAuth2`, `K8s`, `Q3`) name things, not amounts.

use std::collections::BTreeSet;

/// Every number in `text`, normalised.
pub fn numbers_in(text: &str) -> BTreeSet<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = BTreeSet::new();
    let mut index = 0;
    while index < chars.len() {
        if !chars[index].is_numeric() {
            index += 1;
            continue;
        }
        let in_word = word_starts_with_letter(&chars, index);
        let start = index;
        while index < chars.len()
            && (chars[index].is_numeric()
                || (matches!(chars[index], ',' | '.')
                    && chars.get(index + 1).is_some_and(|next| next.is_numeric())))
        {
            index += 1;
        }
        if !in_word {
            let number: String = chars[start..index]
                .iter()
                .filter(|&&character| character != ',')
                .collect();
            found.insert(number);
        }
    }
    found
}

/// Whether the word holding the digit (its letters and digits before it) at `index` begins with a letter.
fn word_starts_with_letter(chars: &[char], index: usize) -> bool {
    let mut start = index;
    while start > 0 && chars[start - 1].is_alphanumeric() {
        start -= 1;
    }
    chars[start].is_alphabetic()
}

/// The numbers of `text` that `allowed` lacks.
pub fn unsupported(text: &str, allowed: &BTreeSet<String>) -> Vec<String> {
    numbers_in(text)
        .into_iter()
        .filter(|number| !allowed.contains(number))
        .collect()
}
