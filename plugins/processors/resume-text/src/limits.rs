//! What one extraction may cost: bytes inflated from compressed parts, zip
//! entries, and text kept. Every bound is checked while reading, so a hostile
//! file is refused long before it reaches the plugin's memory limit.

/// The plugin config key (`[plugin.config]` in plugins.toml) for the inflation cap.
pub const MAX_INFLATED_MIB_KEY: &str = "max_inflated_mib";
pub const DEFAULT_MAX_INFLATED_MIB: u64 = 64;
/// Inflated bytes are streamed, never held, so the cap bounds time rather than
/// memory; past 1 GiB it would only let a zip bomb run into the call's timeout.
const MAX_MAX_INFLATED_MIB: u64 = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes all compressed parts of one document may inflate to, together.
    pub max_inflated_bytes: u64,
    /// Entries of a DOCX zip; Word writes a few dozen.
    pub max_zip_entries: usize,
    /// Bytes of extracted text; a long resume has about 20 KB.
    pub max_text_bytes: usize,
    /// Bytes of XML between two tags; quick-xml buffers one text node whole,
    /// so this bounds its buffer.
    pub max_xml_run_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_inflated_bytes: DEFAULT_MAX_INFLATED_MIB << 20,
            max_zip_entries: 1000,
            max_text_bytes: 1 << 20,
            max_xml_run_bytes: 1 << 20,
        }
    }
}

impl Limits {
    /// The limits with `max_inflated_mib` from the plugin config (TOML text, absent means default).
    pub fn from_config(max_inflated_mib: Option<&str>) -> Result<Limits, String> {
        let mut limits = Limits::default();
        if let Some(text) = max_inflated_mib {
            let mib = text
                .trim()
                .trim_matches('"')
                .parse::<u64>()
                .ok()
                .filter(|mib| (1..=MAX_MAX_INFLATED_MIB).contains(mib))
                .ok_or_else(|| {
                    format!(
                        "plugins.toml [plugin.config] {MAX_INFLATED_MIB_KEY} = {text} is invalid: \
                         expected a whole number of MiB from 1 to {MAX_MAX_INFLATED_MIB} (default {DEFAULT_MAX_INFLATED_MIB})"
                    )
                })?;
            limits.max_inflated_bytes = mib << 20;
        }
        Ok(limits)
    }

    pub fn max_inflated_mib(&self) -> u64 {
        self.max_inflated_bytes >> 20
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_value_sets_the_cap() {
        assert_eq!(Limits::from_config(None).unwrap().max_inflated_mib(), 64);
        assert_eq!(
            Limits::from_config(Some("16")).unwrap().max_inflated_mib(),
            16
        );
        assert_eq!(
            Limits::from_config(Some("\"8\""))
                .unwrap()
                .max_inflated_mib(),
            8
        );
    }

    #[test]
    fn bad_config_values_name_the_key() {
        for bad in ["0", "-1", "2048", "lots", "1.5"] {
            let error = Limits::from_config(Some(bad)).unwrap_err();
            assert!(error.contains("max_inflated_mib"), "{error}");
            assert!(error.contains("1 to 1024"), "{error}");
        }
    }
}
