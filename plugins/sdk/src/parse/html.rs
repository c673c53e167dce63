//! HTML entity decoding and HTML → plain text, tolerant of the truncated markup
//! recorded payloads contain (`…</p`, `&n`, unclosed `<p>`). The code is the
//! `jobscout-text` crate's, shared with the host: references are decoded from
//! the whole WHATWG table (`&rsquo;`, `&mdash;`, `&eacute;`, …), malformed ones
//! are kept as written.

pub use jobscout_text::entities::decode_entities;
pub use jobscout_text::markup::{field_to_text, has_markup, to_text, unescape_markup};
