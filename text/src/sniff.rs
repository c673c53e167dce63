//! What a file is, from its first bytes (labels and names are often wrong): the
//! magic numbers the host checks an upload with and the resume-text processor
//! checks its input with. What each does with the answer (which kinds it
//! accepts, its messages) stays with it.

/// PDF readers accept the `%PDF-` header anywhere in the first kilobyte.
pub const PDF_HEADER_WINDOW: usize = 1024;

/// An OLE2 compound file: legacy .doc, or Word's password-protected .docx.
pub const OLE2_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

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

/// A `%PDF-` header within [`PDF_HEADER_WINDOW`] bytes.
pub fn has_pdf_header(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(PDF_HEADER_WINDOW)];
    head.windows(5).any(|window| window == b"%PDF-")
}

pub fn is_ole2(bytes: &[u8]) -> bool {
    bytes.starts_with(&OLE2_MAGIC)
}

/// A ZIP archive that starts with a file (`PK\x03\x04`, every DOCX).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// A ZIP archive with no file in it (`PK\x05\x06`, its end record only).
pub fn is_empty_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x05\x06")
}

/// The kind the first bytes name; a PDF header counts only when nothing else
/// starts the file.
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    if is_ole2(bytes) {
        Some(Kind::Ole2)
    } else if is_zip(bytes) {
        Some(Kind::Zip)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Kind::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Kind::Jpeg)
    } else if bytes.starts_with(b"GIF8") {
        Some(Kind::Gif)
    } else if bytes.starts_with(b"{\\rtf") {
        Some(Kind::Rtf)
    } else if has_pdf_header(bytes) {
        Some(Kind::Pdf)
    } else {
        None
    }
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
        assert_eq!(sniff(&OLE2_MAGIC), Some(Kind::Ole2));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0"), Some(Kind::Jpeg));
        assert_eq!(sniff(b"GIF89a"), Some(Kind::Gif));
        assert_eq!(sniff(b"{\\rtf1"), Some(Kind::Rtf));
        // An empty archive is no document container.
        assert_eq!(sniff(b"PK\x05\x06"), None);
        assert!(is_empty_zip(b"PK\x05\x06"));
    }

    #[test]
    fn the_pdf_header_counts_within_the_first_kilobyte() {
        let mut late = vec![b' '; PDF_HEADER_WINDOW - 5];
        late.extend_from_slice(b"%PDF-1.4");
        assert!(has_pdf_header(&late));
        late.insert(0, b' ');
        assert!(!has_pdf_header(&late));
        assert!(!has_pdf_header(b"%PDF"));
    }
}
