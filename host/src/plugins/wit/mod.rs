//! The WIT contract, one module per frozen `wit/since_*` folder, and the custom
//! section the SDK writes so the host can refuse an incompatible plugin before
//! compiling it.

pub mod since_v0_1_0;

/// The newest contract; the rest of the runtime only talks to this one.
pub use since_v0_1_0 as latest;

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

/// Checks a declared version against what this host supports.
pub fn check_supported(version: &Version) -> Result<(), String> {
    if *version >= latest::MIN_VERSION && *version <= latest::MAX_VERSION {
        return Ok(());
    }
    Err(format!(
        "built for jobscout:plugin@{}.{}, host supports {}.{}",
        version.major,
        version.minor,
        latest::MIN_VERSION.major,
        latest::MIN_VERSION.minor
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_current_minor_is_supported() {
        assert!(check_supported(&Version::new(0, 1, 7)).is_ok());
        assert_eq!(
            check_supported(&Version::new(0, 2, 0)).unwrap_err(),
            "built for jobscout:plugin@0.2, host supports 0.1"
        );
        assert!(check_supported(&Version::new(1, 0, 0)).is_err());
    }

    #[test]
    fn garbage_is_not_a_component() {
        assert!(declared_version(b"definitely not wasm").is_err());
    }
}
