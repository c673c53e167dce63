//! What a file really is, from its first bytes; labels are often wrong.

use crate::{ExtractError, LEGACY_DOC_MESSAGE};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    /// DOCX and every other OOXML/ODF container.
    Zip,
    /// OLE2 compound file: legacy .doc, or a password-protected Word file.
    Ole2,
    Png,
    Jpeg,
    Gif,
    Rtf,
}

pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    const OLE2: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    let head = &bytes[..bytes.len().min(1024)];
    if bytes.starts_with(OLE2) {
        Some(Kind::Ole2)
    } else if bytes.starts_with(b"PK\x03\x04") {
        Some(Kind::Zip)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Kind::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Kind::Jpeg)
    } else if bytes.starts_with(b"GIF8") {
        Some(Kind::Gif)
    } else if bytes.starts_with(b"{\\rtf") {
        Some(Kind::Rtf)
    } else if head.windows(5).any(|window| window == b"%PDF-") {
        // Readers accept a PDF header anywhere in the first kilobyte.
        Some(Kind::Pdf)
    } else {
        None
    }
}

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
    fn kinds_from_magic_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(Kind::Pdf));
        assert_eq!(sniff(b"\xef\xbb\xbf%PDF-1.4"), Some(Kind::Pdf));
        assert_eq!(sniff(b"PK\x03\x04rest"), Some(Kind::Zip));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(Kind::Png));
        assert_eq!(sniff(b"plain words"), None);
    }

    #[test]
    fn encrypted_word_files_are_not_called_legacy() {
        let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        assert!(matches!(ole2_error(&bytes), ExtractError::Unsupported(_)));
        bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        let error = ole2_error(&bytes);
        assert!(matches!(error, ExtractError::Invalid(_)));
        assert!(error.message().contains("password"));
    }
}
