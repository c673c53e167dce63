//! `jobscout plugin check <file.wasm>`: what the component is (world, WIT version,
//! imports, exports, size) and whether the host would load it, answered by the
//! host's own loader (`plugins::loader`) rather than a second opinion.

use std::path::Path;

use anyhow::bail;

use wasmtime::component::Component;

use super::inspect::{exported_world, ExportedWorld};
use super::run::declaration;
use super::CheckArgs;
use crate::net::recording::FetchSetting;
use crate::plugins::loader::{self, sha256_hex, Refusal};
use crate::plugins::single;
use crate::plugins::wit;

/// The fix to suggest for each refusal.
fn fix(refusal: &Refusal) -> &'static str {
    match refusal {
        Refusal::NotComponent(_) => {
            "rebuild it for wasm32-wasip2 with the SDK: `jobscout plugin build`"
        }
        Refusal::UnsupportedVersion(_) => {
            "rebuild it with an SDK for this host's WIT version (see the compatibility table in docs/plugins.md)"
        }
        Refusal::MissingImport(_) => {
            "a plugin may import only the jobscout:plugin interfaces and the WASI 0.2 interfaces the sandbox provides (cli, clocks, io, random, filesystem, sockets); drop the dependency that pulls in the others and fetch through jobscout_plugin_sdk::http"
        }
        Refusal::WrongWorld { .. } => {
            "its exports do not match this host's WIT: rebuild it against the SDK of this host"
        }
    }
}

fn refuse(file: &Path, reason: impl std::fmt::Display, fix: &str) -> anyhow::Result<()> {
    bail!(
        "the host would refuse {}: {reason}\nfix: {fix}",
        file.display()
    )
}

pub async fn check(args: CheckArgs) -> anyhow::Result<()> {
    let file = &args.file;
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => bail!(
            "{} not found (build the plugin with `jobscout plugin build` and pass the .wasm it prints)",
            file.display()
        ),
        Err(error) => bail!("cannot read {}: {error}", file.display()),
    };
    println!("file:     {} ({} bytes)", file.display(), bytes.len());
    let hash = sha256_hex(&bytes);
    let runtime = single::runtime(&[])
        .map_err(|error| anyhow::anyhow!("the plugin runtime could not start: {error:#}"))?;
    let compiled = match loader::compile(&runtime, file, bytes.clone()).await {
        Ok(compiled) => compiled,
        Err(refusal @ Refusal::UnsupportedVersion(_)) => {
            // Still describe it: the imports and exports show what it was built for.
            if let Ok(component) = Component::new(&runtime.engine, &bytes) {
                let declared = wit::declared_version(&bytes).ok().flatten();
                describe(&runtime.engine, &component, &bytes, declared.as_ref());
            }
            return refuse(file, &refusal, fix(&refusal));
        }
        Err(refusal) => return refuse(file, &refusal, fix(&refusal)),
    };
    let world = describe(
        &runtime.engine,
        &compiled.component,
        &bytes,
        compiled.declared.as_ref(),
    );

    let Some(world) = world else {
        // The host checks imports before the world: report a missing import first.
        if let Err(refusal @ Refusal::MissingImport(_)) = loader::link(
            &runtime,
            &compiled.component,
            crate::plugins::PluginKind::Source,
        ) {
            return refuse(file, &refusal, fix(&refusal));
        }
        return refuse(
            file,
            "it exports neither jobscout:plugin/source nor jobscout:plugin/processing",
            "implement Source or Processor from jobscout-plugin-sdk and register it with register_source! or register_processor!",
        );
    };
    let linked = match loader::link(&runtime, &compiled.component, world.kind) {
        Ok(linked) => linked,
        Err(refusal) => return refuse(file, &refusal, fix(&refusal)),
    };
    let decl = declaration(file, world.kind, None, FetchSetting::Live)?;
    let plugin = match loader::finish(&runtime, &decl, linked, compiled.declared, hash).await {
        Ok(plugin) => plugin,
        Err(reason) => {
            return refuse(
                file,
                reason,
                "metadata() must return without fetching or panicking; run `cargo test` and check the log above",
            )
        }
    };
    let features: Vec<String> = plugin
        .features
        .iter()
        .map(|feature| kebab(&format!("{feature:?}")))
        .collect();
    println!(
        "metadata: version {}: {}{}",
        plugin.version,
        plugin.description,
        if features.is_empty() {
            String::new()
        } else {
            format!(" (honours {})", features.join(", "))
        }
    );
    println!("ok: the host would load it as kind = \"{}\"", world.kind);
    Ok(())
}

/// `RemoteOnly` → `remote-only`, as the WIT spells it.
fn kebab(name: &str) -> String {
    // Debug prints `QueryFeature::RemoteOnly`.
    let name = name.rsplit("::").next().unwrap_or(name);
    let mut out = String::new();
    for (index, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && index > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Prints world, WIT version, imports and exports; returns the exported world.
fn describe(
    engine: &wasmtime::Engine,
    component: &Component,
    bytes: &[u8],
    declared: Option<&semver::Version>,
) -> Option<ExportedWorld> {
    let component_type = component.component_type();
    let imports: Vec<&str> = component_type
        .imports(engine)
        .map(|(name, _)| name)
        .collect();
    let exports: Vec<&str> = component_type
        .exports(engine)
        .map(|(name, _)| name)
        .collect();
    let world = exported_world(bytes).ok().flatten();
    match &world {
        Some(world) => println!(
            "world:    {} (kind = \"{}\")",
            world.kind.world(),
            world.kind
        ),
        None => println!("world:    none of job-source, processor"),
    }
    let host_range = format!("this host loads {}", wit::supported_minors(".x"));
    match (declared, &world) {
        (Some(version), _) => {
            println!("WIT:      jobscout:plugin@{version} (SDK version section; {host_range})")
        }
        (None, Some(world)) => println!(
            "WIT:      jobscout:plugin@{} (from its exports; no SDK version section; {host_range})",
            world.version
        ),
        (None, None) => println!("WIT:      unknown (no SDK version section; {host_range})"),
    }
    println!("imports:  {}", imports.len());
    for name in &imports {
        println!("  {name}");
    }
    println!("exports:  {}", exports.len());
    for name in &exports {
        println!("  {name}");
    }
    world
}

#[cfg(test)]
mod tests {
    #[test]
    fn features_are_spelled_as_in_the_wit() {
        assert_eq!(super::kebab("QueryFeature::RemoteOnly"), "remote-only");
        assert_eq!(super::kebab("Keywords"), "keywords");
    }
}
