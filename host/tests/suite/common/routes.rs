//! The router's routes and handlers, read from its own source: tests that must
//! cover every route (`auth_matrix.rs`, `api_schema.rs`) take the list from here,
//! so a new route cannot be left out of them.

use std::collections::BTreeSet;

pub const METHODS: [&str; 7] = ["get", "post", "put", "delete", "patch", "options", "head"];

/// Every `.rs` file under `dir`, subfolders included (`http/apply/`).
pub fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().and_then(|e| e.to_str()) == Some("rs") {
            files.push(path);
        }
    }
    files
}

/// (method, full path) of every `.route(...)` call in `host/src/http/**/*.rs`.
/// `root.rs` and `openapi.rs` are served at the root; every other module is nested
/// under `/api/v1`.
pub fn routes_in_source() -> BTreeSet<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let mut routes = BTreeSet::new();
    for path in rust_files(&dir) {
        let file_name = path.file_name().unwrap();
        let prefix = if file_name == "root.rs" || file_name == "openapi.rs" {
            ""
        } else {
            "/api/v1"
        };
        let source = std::fs::read_to_string(&path).unwrap();
        let mut rest = source.as_str();
        while let Some(start) = rest.find(".route(") {
            rest = &rest[start + ".route(".len()..];
            // The call's arguments, up to its matching parenthesis.
            let mut depth = 1;
            let mut end = 0;
            for (index, character) in rest.char_indices() {
                match character {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = index;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let arguments = &rest[..end];
            let Some(open) = arguments.find('"') else {
                continue;
            };
            let Some(close) = arguments[open + 1..].find('"') else {
                continue;
            };
            let route_path = &arguments[open + 1..open + 1 + close];
            let handlers = &arguments[open + 1 + close + 1..];
            let mut found = false;
            for method in METHODS {
                let mut search = handlers;
                while let Some(at) = search.find(&format!("{method}(")) {
                    let before = search[..at].chars().last();
                    if before.is_none_or(|c| !c.is_alphanumeric() && c != '_') {
                        routes.insert((method.to_uppercase(), format!("{prefix}{route_path}")));
                        found = true;
                    }
                    search = &search[at + method.len()..];
                }
            }
            assert!(
                found,
                "{}: no method found for route {route_path}",
                path.display()
            );
        }
    }
    routes
}

/// The source of one handler in `host/src/http/`: its signature (up to the body)
/// and its body.
pub struct Handler {
    pub file: std::path::PathBuf,
    pub signature: String,
    pub body: String,
}

/// The handler `pub async fn {name}(…)`, if one file under `host/src/http/` has it.
pub fn handler(name: &str) -> Option<Handler> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let needle = format!("pub async fn {name}(");
    for file in rust_files(&dir) {
        let source = std::fs::read_to_string(&file).unwrap();
        let Some(start) = source.find(&needle) else {
            continue;
        };
        let rest = &source[start..];
        let open = rest.find(" {\n").expect("handler body");
        let close = rest.find("\n}\n").expect("handler end");
        return Some(Handler {
            file,
            signature: rest[..open].to_string(),
            body: rest[open..close].to_string(),
        });
    }
    None
}
