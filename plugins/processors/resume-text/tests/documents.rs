//! Every document under `fixtures/documents/` (made by the example
//! `make_documents`), extracted natively with field-level checks.

use std::path::PathBuf;

use jobscout_processor_resume_text::{
    extract, extract_with, ExtractError, Extracted, Format, Limits, DOCX_MEDIA_TYPE,
    DOC_MEDIA_TYPE, LEGACY_DOC_MESSAGE, PDF_MEDIA_TYPE,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../fixtures/documents")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|error| {
        panic!(
            "{}: {error} (regenerate: cd plugins && cargo run -p jobscout-processor-resume-text --example make_documents)",
            path.display()
        )
    })
}

fn pdf(name: &str) -> Extracted {
    extract(PDF_MEDIA_TYPE, &fixture(name)).unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn docx(name: &str) -> Extracted {
    extract(DOCX_MEDIA_TYPE, &fixture(name)).unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

/// Asserts that each of `expected` is a whole line of `text`, in this order.
fn assert_lines_in_order(text: &str, expected: &[&str]) {
    let all = lines(text);
    let mut from = 0;
    for wanted in expected {
        let found = all[from..]
            .iter()
            .position(|line| line == wanted)
            .unwrap_or_else(|| panic!("line {wanted:?} missing (or out of order) in:\n{text}"));
        from += found + 1;
    }
}

/// The contract's text rules that hold for every document.
fn assert_clean(text: &str) {
    assert!(
        !text.contains("\n\n\n"),
        "more than one blank line:\n{text}"
    );
    for line in lines(text) {
        assert_eq!(line, line.trim(), "untrimmed line {line:?}");
        assert!(!line.contains("  "), "whitespace run in {line:?}");
        for glyph in ['▪', '◦', '\u{F0B7}'] {
            assert!(
                !line.contains(glyph),
                "bullet glyph {glyph:?} left in {line:?}"
            );
        }
    }
}

fn error_of(media_type: &str, name: &str) -> ExtractError {
    match extract(media_type, &fixture(name)) {
        Ok(extracted) => panic!("{name} gave text: {:?}", extracted.text),
        Err(error) => error,
    }
}

fn invalid_message(media_type: &str, name: &str) -> String {
    match error_of(media_type, name) {
        ExtractError::Invalid(message) => message,
        other => panic!("{name}: expected invalid-input, got {other:?}"),
    }
}

#[test]
fn single_column_pdf_keeps_order_bullets_and_paragraphs() {
    let resume = pdf("resume-single-column.pdf");
    assert_eq!((resume.format, resume.pages), (Format::Pdf, 1));
    assert_clean(&resume.text);
    assert!(
        resume.text.starts_with(
            "Jane Doe\njane.doe@example.com | +1 555 0100 | Berlin, Germany\n\nSummary\n"
        ),
        "{}",
        resume.text
    );
    assert_lines_in_order(
        &resume.text,
        &[
            "Experience",
            "Senior Software Engineer, Acme Corp 2019 – 2024",
            "• Cut p99 latency by 40% by moving the ingest path to Rust and Tokio.",
            "• Designed the event pipeline that processes 3 billion events per day across four regions with exactly-once delivery.",
            "• Led a team of 5 engineers through the Kubernetes migration.",
            "Software Engineer, Globex 2016 – 2019",
            "• Built the billing service in Go and PostgreSQL, handling $2M a month.",
            "• Reduced cloud spend by 25% with right-sized instances.",
            "Education",
            "B.Sc. Computer Science, TU Berlin 2012 – 2016",
            "Skills",
            "Rust, Go, Python, PostgreSQL, Kubernetes, AWS",
        ],
    );
    // Sections are paragraphs: a blank line before each heading.
    for heading in ["Experience", "Education", "Skills"] {
        assert!(
            resume.text.contains(&format!("\n\n{heading}\n")),
            "{heading}"
        );
    }
    assert_eq!(
        lines(&resume.text)
            .iter()
            .filter(|line| line.starts_with("• "))
            .count(),
        5
    );
}

#[test]
fn two_column_pdf_reads_each_column_whole() {
    let resume = pdf("resume-two-column.pdf");
    assert_eq!((resume.format, resume.pages), (Format::Pdf, 1));
    assert_clean(&resume.text);
    // The sidebar and the main column are each contiguous: painted row by
    // row, they only come out like this if the reader separates columns.
    assert!(
        resume.text.contains("Skills\nRust\nGo\nPostgreSQL\nKubernetes\n\nLanguages\nEnglish (native)\nGerman (C1)\n\nContact\ngithub.com/janedoe"),
        "{}",
        resume.text
    );
    assert!(
        resume.text.contains(
            "Experience\nStaff Engineer, Initech (2020 – 2024)\n• Cut deploy time from 40 to 6 minutes.\n\
             • Led the move of 30 services to Kubernetes.\n• Mentored 6 engineers, 3 promoted."
        ),
        "{}",
        resume.text
    );
    assert_lines_in_order(
        &resume.text,
        &[
            "Jane Doe",
            "Staff Engineer · jane.doe@example.com · Berlin",
            "Skills",
            "github.com/janedoe",
            "Experience",
            "Senior Engineer, Hooli (2016 – 2020)",
            "• Reduced storage costs by 35%.",
            "Education",
            "B.Sc. Informatics, TU München",
        ],
    );
    for line in lines(&resume.text) {
        let sidebar = ["Rust", "Go", "PostgreSQL", "Languages", "Contact"];
        if line.starts_with("• ") {
            assert!(!sidebar.iter().any(|word| line.starts_with(word)), "{line}");
        }
        assert!(
            !(line.contains("Skills") && line.contains("Experience")),
            "interleaved: {line}"
        );
    }
}

#[test]
fn multipage_pdf_counts_pages_and_keeps_their_order() {
    let resume = pdf("resume-multipage.pdf");
    assert_eq!((resume.format, resume.pages), (Format::Pdf, 3));
    assert_clean(&resume.text);
    assert_lines_in_order(
        &resume.text,
        &[
            "Jane Doe",
            "Experience",
            "• Cut incident count by 60% in one year.",
            "1",
            "Earlier Experience",
            "• Shipped the import pipeline used by 400 customers.",
            "2",
            "Education",
            "Ph.D. Distributed Systems, ETH Zürich",
            "References available on request.",
            "3",
        ],
    );
}

#[test]
fn basic_docx_keeps_headings_list_items_and_bold_runs() {
    let resume = docx("resume-basic.docx");
    assert_eq!(resume.format, Format::Docx);
    assert_eq!(resume.pages, 2, "one explicit page break");
    assert_clean(&resume.text);
    assert_lines_in_order(
        &resume.text,
        &[
            "Jane Doe",
            "jane.doe@example.com · +1 555 0100 · Berlin",
            "Experience",
            "Senior Software Engineer, Acme Corp 2019 – 2024",
            "• Cut p99 latency by 40% by moving the ingest path to Rust.",
            "• Led a team of 5 engineers through the Kubernetes migration.",
            "• Designed the event pipeline for 3 billion events per day.",
            "Software Engineer, Globex 2016 – 2019",
            "• Built the billing service in Go and PostgreSQL.",
            "• Mentored two junior engineers (typed dash, no numbering).",
            "Education",
            "B.Sc. Computer Science, TU Berlin & Humboldt University",
            "Skills",
            "Rust, Go, Python, PostgreSQL, Kubernetes, AWS",
        ],
    );
    // Consecutive list items sit on consecutive lines; paragraphs are apart.
    assert!(resume.text.contains(
        "Acme Corp 2019 – 2024\n\n• Cut p99 latency by 40% by moving the ingest path to Rust.\n• Led a team"
    ));
    assert!(resume.text.contains("\n\nEducation\n\nB.Sc."));
}

#[test]
fn table_docx_reads_rows_in_order() {
    let resume = docx("resume-table-layout.docx");
    assert_eq!((resume.format, resume.pages), (Format::Docx, 1));
    assert_clean(&resume.text);
    assert!(
        resume.text.contains(
            "Skills\n\nArea | Skills\nLanguages | Rust, Go, Python\nInfrastructure | Kubernetes, Terraform, AWS\nDatabases | PostgreSQL, Redis\n\nExperience"
        ),
        "{}",
        resume.text
    );
    assert_lines_in_order(
        &resume.text,
        &[
            "• Cut build times by 70% with remote caching.",
            "• Ran the on-call rotation for 14 services.",
        ],
    );
}

#[test]
fn output_is_the_contract_json() {
    let resume = docx("resume-table-layout.docx");
    let json: serde_json::Value = serde_json::from_str(&resume.to_json()).unwrap();
    assert_eq!(json["format"], "docx");
    assert_eq!(json["pages"], 1);
    assert_eq!(json["text"].as_str(), Some(resume.text.as_str()));
}

#[test]
fn zip_bomb_is_refused_by_its_declared_size_naming_the_cap() {
    let bytes = fixture("hostile/zip-bomb.docx");
    assert!(bytes.len() < 2 << 20, "the bomb file itself stays small");
    let message = invalid_message(DOCX_MEDIA_TYPE, "hostile/zip-bomb.docx");
    assert!(message.contains("64 MiB"), "{message}");
    assert!(message.contains("max_inflated_mib"), "{message}");
    let smaller = Limits::from_config(Some("16")).unwrap();
    match extract_with(DOCX_MEDIA_TYPE, &bytes, &smaller) {
        Err(ExtractError::Invalid(message)) => assert!(message.contains("16 MiB"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_small_cap_refuses_an_honest_document() {
    // The inflation cap applies to any document, not only to bombs.
    let limits = Limits {
        max_inflated_bytes: 1024,
        ..Limits::default()
    };
    let error = extract_with(DOCX_MEDIA_TYPE, &fixture("resume-basic.docx"), &limits).unwrap_err();
    assert!(matches!(error, ExtractError::Invalid(_)), "{error:?}");
    let error =
        extract_with(PDF_MEDIA_TYPE, &fixture("resume-multipage.pdf"), &limits).unwrap_err();
    assert!(
        error.message().contains("unpacks to more than"),
        "{error:?}"
    );
}

#[test]
fn truncated_pdf_is_invalid_input() {
    let message = invalid_message(PDF_MEDIA_TYPE, "hostile/truncated.pdf");
    assert!(message.contains("damaged or incomplete"), "{message}");
    assert!(message.contains("upload the new file"), "{message}");
}

#[test]
fn png_named_pdf_is_invalid_input_saying_what_it_is() {
    let message = invalid_message(PDF_MEDIA_TYPE, "hostile/png-renamed.pdf");
    assert!(message.contains("PNG image"), "{message}");
    // Sniffed as what it is, a PNG is simply not a resume format.
    let error = extract("image/png", &fixture("hostile/png-renamed.pdf")).unwrap_err();
    assert!(matches!(error, ExtractError::Unsupported(_)), "{error:?}");
}

#[test]
fn scanned_pdf_has_no_selectable_text() {
    let message = invalid_message(PDF_MEDIA_TYPE, "hostile/scanned-no-text.pdf");
    assert!(message.contains("no selectable text"), "{message}");
    assert!(message.contains("DOCX"), "{message}");
}

#[test]
fn encrypted_pdf_is_password_protected() {
    let bytes = fixture("hostile/encrypted.pdf");
    let message = invalid_message(PDF_MEDIA_TYPE, "hostile/encrypted.pdf");
    assert!(message.contains("password-protected"), "{message}");
    // Real encryption: with the password the same file opens and has the text.
    let document = lopdf::Document::load_mem_with_options(
        &bytes,
        lopdf::LoadOptions::with_password("resume-password"),
    )
    .expect("decrypts with its password");
    assert_eq!(document.get_pages().len(), 1);
    assert!(
        !String::from_utf8_lossy(&bytes).contains("Acme Corp"),
        "strings are encrypted"
    );
}

#[test]
fn legacy_doc_is_unsupported_whatever_its_label() {
    for media_type in [DOC_MEDIA_TYPE, DOCX_MEDIA_TYPE, PDF_MEDIA_TYPE] {
        assert_eq!(
            error_of(media_type, "hostile/legacy.doc"),
            ExtractError::Unsupported(LEGACY_DOC_MESSAGE.to_string())
        );
    }
}

#[test]
fn other_media_types_are_unsupported() {
    let error = extract("text/plain", b"Jane Doe").unwrap_err();
    assert!(matches!(error, ExtractError::Unsupported(_)));
    assert!(error.message().contains("PDF or a DOCX"), "{error}");
}

#[test]
fn a_pdf_labelled_docx_is_invalid() {
    let error = extract(DOCX_MEDIA_TYPE, &fixture("resume-single-column.pdf")).unwrap_err();
    assert!(matches!(error, ExtractError::Invalid(_)));
    assert!(error.message().contains("content is a PDF"), "{error}");
}
