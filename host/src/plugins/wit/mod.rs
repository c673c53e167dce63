//! The WIT contract, one module per frozen `wit/since_*` folder, and the custom
//! section the SDK writes so the host can refuse an incompatible plugin before
//! compiling it.
//!
//! The runtime talks to [`latest`] only. Older versions are adapted in their own
//! module (`since_v0_1_0`), and [`versioned`] picks the bindings a component was
//! built for: nothing else in the host knows which version a plugin speaks.

pub mod since_v0_1_0;
pub mod since_v0_2_0;
pub mod versioned;

/// The newest contract; the rest of the runtime only talks to this one.
pub use since_v0_2_0 as latest;

use semver::Version;

/// The custom section in which `jobscout-plugin-sdk` records the WIT version it was built for.
pub const VERSION_SECTION: &str = "jobscout:plugin-version";

/// The WIT version a plugin was built for, from its custom section (`None` when
/// the plugin was not built with the SDK; the world type check then decides).
pub fn declared_version(wasm: &[u8]) -> Result<Option<Version>, String> {
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        let payload =
            payload.map_err(|error| format!("not a valid WebAssembly component: {error}"))?;
        if let wasmparser::Payload::CustomSection(section) = payload {
            if section.name() == VERSION_SECTION {
                let text = std::str::from_utf8(section.data())
                    .map_err(|_| format!("its {VERSION_SECTION} section is not UTF-8"))?;
                return Version::parse(text.trim_end_matches('\0'))
                    .map(Some)
                    .map_err(|error| {
                        format!("its {VERSION_SECTION} section {text:?} is not a version: {error}")
                    });
            }
        }
    }
    Ok(None)
}

/// The version ranges this host loads, oldest first.
pub const SUPPORTED: [(Version, Version); 2] = [
    (since_v0_1_0::MIN_VERSION, since_v0_1_0::MAX_VERSION),
    (latest::MIN_VERSION, latest::MAX_VERSION),
];

/// The supported minors as people write them, each followed by `suffix`:
/// `0.1 and 0.2` (refusals), `0.1.x and 0.2.x` (`plugin check`).
pub fn supported_minors(suffix: &str) -> String {
    let minors: Vec<String> = SUPPORTED
        .iter()
        .map(|(min, _)| format!("{}.{}{suffix}", min.major, min.minor))
        .collect();
    match minors.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Checks a declared version against what this host supports.
pub fn check_supported(version: &Version) -> Result<(), String> {
    if SUPPORTED
        .iter()
        .any(|(min, max)| version >= min && version <= max)
    {
        return Ok(());
    }
    Err(format!(
        "built for jobscout:plugin@{}.{}, host supports {}",
        version.major,
        version.minor,
        supported_minors("")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_released_minor_is_supported_and_nothing_newer() {
        assert!(check_supported(&Version::new(0, 1, 7)).is_ok());
        assert!(check_supported(&Version::new(0, 2, 0)).is_ok());
        assert_eq!(
            check_supported(&Version::new(0, 3, 0)).unwrap_err(),
            "built for jobscout:plugin@0.3, host supports 0.1 and 0.2"
        );
        assert!(check_supported(&Version::new(1, 0, 0)).is_err());
        assert!(check_supported(&Version::new(0, 0, 9)).is_err());
    }

    #[test]
    fn garbage_is_not_a_component() {
        assert!(declared_version(b"definitely not wasm").is_err());
    }
}
