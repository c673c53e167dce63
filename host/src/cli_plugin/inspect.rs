//! What a `.wasm` says about itself before it is compiled: core module or
//! component, and which `jobscout:plugin` world its top-level exports implement.

use crate::plugins::PluginKind;

/// The export of each world, before the `@version`.
const SOURCE_EXPORT: &str = "jobscout:plugin/source";
const PROCESSOR_EXPORT: &str = "jobscout:plugin/processing";

/// The kind and WIT version named by a component's top-level exports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedWorld {
    pub kind: PluginKind,
    /// The version in the export name (`0.1.0` of `jobscout:plugin/source@0.1.0`).
    pub version: String,
}

/// The world of the top-level exports, `None` when they name neither world.
/// Fails when the bytes are not a WebAssembly component.
pub fn exported_world(bytes: &[u8]) -> Result<Option<ExportedWorld>, String> {
    let mut depth = 0usize;
    let mut found = None;
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(|error| format!("not WebAssembly: {error}"))?;
        match payload {
            wasmparser::Payload::Version { encoding, .. }
                if depth == 0 && encoding != wasmparser::Encoding::Component =>
            {
                return Err("a core WebAssembly module, not a component".to_string());
            }
            wasmparser::Payload::ModuleSection { .. }
            | wasmparser::Payload::ComponentSection { .. } => depth += 1,
            wasmparser::Payload::End(_) => depth = depth.saturating_sub(1),
            wasmparser::Payload::ComponentExportSection(reader) if depth == 0 => {
                for export in reader {
                    let export = export.map_err(|error| format!("not WebAssembly: {error}"))?;
                    let (name, version) = export
                        .name
                        .name
                        .split_once('@')
                        .unwrap_or((export.name.name, ""));
                    let kind = match name {
                        SOURCE_EXPORT => PluginKind::Source,
                        PROCESSOR_EXPORT => PluginKind::Processor,
                        _ => continue,
                    };
                    found.get_or_insert(ExportedWorld {
                        kind,
                        version: version.to_string(),
                    });
                }
            }
            _ => {}
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_modules_and_garbage_are_not_components() {
        assert_eq!(
            exported_world(b"\0asm\x01\0\0\0").unwrap_err(),
            "a core WebAssembly module, not a component"
        );
        assert!(exported_world(b"hello")
            .unwrap_err()
            .starts_with("not WebAssembly"));
    }
}
