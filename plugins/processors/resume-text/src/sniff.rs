//! What a file really is, from its first bytes; labels are often wrong.

use crate::{ExtractError, LEGACY_DOC_MESSAGE};

/// The magic numbers are `jobscout-text`'s, shared with the host's upload check.
pub use jobscout_text::sniff::{sniff, Kind};

/// The error for an OLE2 file: Word keeps password-protected .docx files in
/// an OLE2 container too, and those need another fix than a legacy .doc.
pub fn ole2_error(bytes: &[u8]) -> ExtractError {
    let encrypted_package: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    if bytes
        .windows(encrypted_package.len())
        .any(|window| window == encrypted_package)
    {
        return ExtractError::Invalid(
            "This Word document is password-protected; remove the password in Word \
             (File > Info > Protect Document) and upload it again."
                .to_string(),
        );
    }
    ExtractError::Unsupported(LEGACY_DOC_MESSAGE.to_string())
}

/// A file labelled `claimed` whose content is something else.
pub fn not_what_it_claims(claimed: &str, actual: Option<Kind>) -> ExtractError {
    let actual = match actual {
        Some(Kind::Pdf) => "a PDF",
        Some(Kind::Zip) => "a zip archive",
        Some(Kind::Ole2) => "a legacy Office file",
        Some(Kind::Png) => "a PNG image",
        Some(Kind::Jpeg) => "a JPEG image",
        Some(Kind::Gif) => "a GIF image",
        Some(Kind::Rtf) => "an RTF document",
        None => "not a document we recognise",
    };
    ExtractError::Invalid(format!(
        "This file is named as a {claimed} but its content is {actual}; \
         export the resume as PDF or DOCX and upload that file."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypted_word_files_are_not_called_legacy() {
        let mut bytes = jobscout_text::sniff::OLE2_MAGIC.to_vec();
        assert!(matches!(ole2_error(&bytes), ExtractError::Unsupported(_)));
        bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        let error = ole2_error(&bytes);
        assert!(matches!(error, ExtractError::Invalid(_)));
        assert!(error.message().contains("password"));
    }
}
