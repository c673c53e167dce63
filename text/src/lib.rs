//! Text that comes from the web, read one way by the host and the plugins.
//!
//! The host depends on this crate natively; the plugins reach it through the
//! plugin SDK (`jobscout_plugin_sdk::parse::{html, text}` re-export it) and run
//! it as wasm32-wasip2, so it does no I/O and its dependencies are pure Rust.
//!
//! - [`entities`]: character references, named (the whole WHATWG table) and
//!   numeric; malformed ones stay as written.
//! - [`html_to_text`] ([`html`]): the host's one-pass HTML to text for stored
//!   descriptions. [`markup`]: the plugins' reader of HTML fragments. They differ
//!   where the earlier backend's stored text and HTML's own rules do: a line break
//!   in the source (a line break there, a space here), a `<` that opens no tag
//!   (drops the rest there, text here), a block inside a list item, and the set of
//!   block tags. Both decode references with [`entities`].
//! - [`whitespace`]: collapsing one-line text.
//! - [`guess`]: work mode and employment type from text.
//! - [`sniff`]: what a file is from its magic bytes.

pub mod entities;
pub mod guess;
pub mod html;
pub mod markup;
pub mod sniff;
pub mod whitespace;

pub use entities::decode_entities;
pub use html::html_to_text;
pub use whitespace::collapse_whitespace;
