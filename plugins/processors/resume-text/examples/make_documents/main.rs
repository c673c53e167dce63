//! Writes the documents under `fixtures/documents/` (repository root) that the
//! resume-text tests and the host's upload tests read.
//!
//! Run: `cd plugins && cargo run -p jobscout-processor-resume-text --example make_documents`
//! The output is deterministic, so a rerun leaves the committed files unchanged,
//! except the 16 arbitrary bytes lopdf randomises at the end of encrypted.pdf's `/U`.

mod docx;
mod hostile;
mod pdf;
mod resumes;

use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../..")
        .canonicalize()
        .expect("repository root");
    repository.join("fixtures").join("documents")
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create directory");
    std::fs::write(path, bytes).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    println!("{:>10} bytes  {}", bytes.len(), path.display());
}

fn main() {
    let root = fixtures();
    let hostile = root.join("hostile");

    let single = pdf::save(pdf::document(&resumes::single_column()));
    write(&root.join("resume-single-column.pdf"), &single);
    write(
        &root.join("resume-two-column.pdf"),
        &pdf::save(pdf::document(&resumes::two_column())),
    );
    write(
        &root.join("resume-multipage.pdf"),
        &pdf::save(pdf::document(&resumes::multipage())),
    );
    write(&root.join("resume-basic.docx"), &docx::basic());
    write(
        &root.join("resume-table-layout.docx"),
        &docx::table_layout(),
    );

    write(&hostile.join("truncated.pdf"), &single[..single.len() / 2]);
    write(&hostile.join("png-renamed.pdf"), &hostile::png());
    write(
        &hostile.join("scanned-no-text.pdf"),
        &pdf::save(pdf::document(&resumes::scanned())),
    );
    write(
        &hostile.join("encrypted.pdf"),
        &pdf::save(pdf::encrypt(
            pdf::document(&resumes::single_column()),
            "resume-password",
        )),
    );
    write(&hostile.join("legacy.doc"), &hostile::legacy_doc());
    // Slowest last: about a gigabyte through deflate.
    write(&hostile.join("zip-bomb.docx"), &docx::zip_bomb(1 << 30));
}
