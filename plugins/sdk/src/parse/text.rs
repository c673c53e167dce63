//! Work mode, employment type and text clean-up shared by sources.

use jobscout_text::guess;

use crate::{EmploymentType, WorkMode};

/// Work mode named in free text ("Hybrid - London", "Remote (EU)", "ON_SITE"),
/// by whole words ([`jobscout_text::guess::work_mode_in_words`]). Hybrid wins over
/// remote because "hybrid remote" roles still need an office.
pub fn work_mode(text: &str) -> WorkMode {
    match guess::work_mode_in_words(text) {
        guess::WorkMode::Onsite => WorkMode::Onsite,
        guess::WorkMode::Hybrid => WorkMode::Hybrid,
        guess::WorkMode::Remote => WorkMode::Remote,
        guess::WorkMode::Unknown => WorkMode::Unknown,
    }
}

/// Employment type named in text ("full_time", "Full-Time", "Permanent", "Contractor").
pub fn employment_type(text: &str) -> Option<EmploymentType> {
    guess::employment_of_label(text).map(employment_type_of)
}

/// The contract's employment type for one of [`jobscout_text::guess`]'s.
pub fn employment_type_of(kind: guess::Employment) -> EmploymentType {
    match kind {
        guess::Employment::FullTime => EmploymentType::FullTime,
        guess::Employment::PartTime => EmploymentType::PartTime,
        guess::Employment::Contract => EmploymentType::Contract,
        guess::Employment::Temporary => EmploymentType::Temporary,
        guess::Employment::Internship => EmploymentType::Internship,
        guess::Employment::Volunteer => EmploymentType::Volunteer,
        guess::Employment::Other => EmploymentType::Other,
    }
}

/// Repairs UTF-8 that was decoded as Latin-1 (`MecÃ¡nico` → `Mecánico`, including
/// the invisible U+00AD of `vehÃ\u{ad}culos`). Text that is not such mojibake,
/// or cannot be repaired as a whole, is returned unchanged.
pub fn fix_mojibake(text: &str) -> String {
    if !text.chars().any(|c| matches!(c, 'Ã' | 'Â' | 'â' | 'Å'))
        || text.chars().any(|c| c as u32 > 0xFF)
    {
        return text.to_string();
    }
    let bytes: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    // Decode what is valid UTF-8; a byte that is not (a sequence cut by the
    // recorder's truncation, a genuine Latin-1 letter) keeps its Latin-1 reading.
    let mut out = String::with_capacity(text.len());
    let mut rest = &bytes[..];
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                out.push_str(valid);
                break;
            }
            Err(error) => {
                let (valid, after) = rest.split_at(error.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                let bad = error.error_len().unwrap_or(after.len());
                out.extend(after[..bad].iter().map(|&b| b as char));
                rest = &after[bad..];
            }
        }
    }
    out
}

/// Trims and collapses runs of whitespace into one space.
pub use jobscout_text::whitespace::collapse_whitespace as squash;

/// Splits a comma-separated list, trimming and dropping empty parts ("LATAM,  Canada").
pub fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(squash)
        .filter(|part| !part.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_modes() {
        assert_eq!(work_mode("Hybrid - London"), WorkMode::Hybrid);
        assert_eq!(work_mode("Remote (EU)"), WorkMode::Remote);
        assert_eq!(work_mode("ON_SITE"), WorkMode::Onsite);
        assert_eq!(work_mode("London | Onsite"), WorkMode::Onsite);
        assert_eq!(work_mode("Remoteness Inc, Berlin"), WorkMode::Unknown);
        assert_eq!(work_mode("NYC, no remote"), WorkMode::Onsite);
    }

    #[test]
    fn employment_types() {
        assert_eq!(employment_type("full_time"), Some(EmploymentType::FullTime));
        assert_eq!(employment_type("Full-Time"), Some(EmploymentType::FullTime));
        assert_eq!(employment_type("Permanent"), Some(EmploymentType::FullTime));
        assert_eq!(employment_type("part_time"), Some(EmploymentType::PartTime));
        assert_eq!(
            employment_type("Contractor"),
            Some(EmploymentType::Contract)
        );
        assert_eq!(
            employment_type("Internship"),
            Some(EmploymentType::Internship)
        );
        assert_eq!(employment_type("Gig"), Some(EmploymentType::Other));
        assert_eq!(employment_type(" "), None);
    }

    #[test]
    fn mojibake() {
        assert_eq!(
            fix_mojibake("MecÃ¡nico Automotriz DiagnÃ³stico"),
            "Mecánico Automotriz Diagnóstico"
        );
        assert_eq!(fix_mojibake("vehÃ\u{ad}culos"), "vehículos");
        // Real Latin-1 text and text with wider characters stay as they are.
        assert_eq!(fix_mojibake("Ãrvore café"), "Ãrvore café");
        // A sequence cut at the end of a truncated field keeps its Latin-1 reading.
        assert_eq!(fix_mojibake("diagnÃ³stico de vehÃ"), "diagnóstico de vehÃ");
        assert_eq!(fix_mojibake("Zürich — Ã"), "Zürich — Ã");
        assert_eq!(fix_mojibake("plain"), "plain");
    }

    #[test]
    fn lists() {
        assert_eq!(
            split_list("LATAM,  Canada,  USA"),
            ["LATAM", "Canada", "USA"]
        );
        assert_eq!(squash("  a \n b  "), "a b");
    }
}
