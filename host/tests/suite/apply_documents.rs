//! A pack's documents through the real router and the real `documents`
//! processor, on both engines: the DOCX and ZIP downloads with the earlier
//! headers, the ATS preview, ownership, and every document opened by a real word
//! processor (LibreOffice headless converts it to PDF; the PDF's text is read
//! back through the resume upload route).

use std::io::Read as _;
use std::path::Path;
use std::process::Command;

use serde_json::json;

use crate::apply_support::{Client, World};
use crate::common::TestDb;
use crate::plugins_support;

fn fixture(name: &str) -> String {
    let path = plugins_support::repository_root()
        .join("fixtures/jobs")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// A template pack for the senior resume and the labelled job; its id.
async fn pack(ada: &Client<'_>) -> String {
    let response = ada
        .post(
            "/api/v1/apply/pack/generate",
            json!({"resume_text": fixture("resume-senior-backend.txt"),
                   "job_text": fixture("pasted-labelled.txt"), "use_ai": false}),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()["apply_pack_id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn header(response: &crate::common::TestResponse, name: &str) -> String {
    response
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

#[tokio::test]
async fn downloads_and_the_ats_preview_are_the_owners() {
    let world = World::start().await;
    for db in TestDb::all().await {
        let app = world.app(&db, &[]).await;
        let ada = world.client(&app, "ada@example.com");
        let id = pack(&ada).await;

        for (query, media_type, filename) in [
            ("?format=resume", DOCX, "tailored_resume.docx"),
            ("?format=cover", DOCX, "cover_letter.docx"),
            ("?format=zip", "application/zip", "apply_pack.zip"),
            ("", "application/zip", "apply_pack.zip"),
            ("?format=pdf", "application/zip", "apply_pack.zip"),
        ] {
            let response = ada
                .get(&format!("/api/v1/apply/pack/{id}/export{query}"))
                .await;
            assert_eq!(
                response.status,
                200,
                "{}: {query}: {}",
                db.name,
                response.text()
            );
            assert_eq!(header(&response, "content-type"), media_type, "{query}");
            assert_eq!(
                header(&response, "content-disposition"),
                format!("attachment; filename=\"{filename}\""),
                "{query}"
            );
            assert!(response.body.starts_with(b"PK"), "{query}: a ZIP container");
        }
        let zip = ada
            .get(&format!("/api/v1/apply/pack/{id}/export"))
            .await
            .body;
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.to_vec())).unwrap();
        let names: Vec<&str> = archive.file_names().collect();
        assert_eq!(names, ["resume.docx", "cover_letter.docx"]);
        let mut cover = Vec::new();
        archive
            .by_name("cover_letter.docx")
            .unwrap()
            .read_to_end(&mut cover)
            .unwrap();
        assert!(cover.starts_with(b"PK"));

        let preview = ada
            .get(&format!("/api/v1/apply/pack/{id}/ats-preview"))
            .await;
        assert_eq!(preview.status, 200, "{}", preview.text());
        let text = preview.json()["text"].as_str().unwrap().to_string();
        assert!(text.starts_with("Maria Schmidt\n"), "{text}");
        assert!(
            text.contains("\nSUMMARY\nExperienced senior professional"),
            "{text}"
        );
        assert!(
            text.contains("Hooli Payments, Berlin | 2021 – Present"),
            "{text}"
        );

        let bob = world.client(&app, "bob@example.com");
        for path in [
            format!("/api/v1/apply/pack/{id}/export?format=resume"),
            format!("/api/v1/apply/pack/{id}/ats-preview"),
        ] {
            let response = bob.get(&path).await;
            assert_eq!(response.status, 404, "{}: {path}", db.name);
            assert_eq!(response.json()["detail"], "Apply pack not found");
        }
    }
}

/// Whether LibreOffice is here; CI installs it and sets
/// `JOBSCOUT_TEST_REQUIRE_LIBREOFFICE=1`, so there a missing one fails the test.
fn soffice() -> Option<&'static str> {
    let found = Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    let required =
        std::env::var("JOBSCOUT_TEST_REQUIRE_LIBREOFFICE").is_ok_and(|value| value == "1");
    match (found, required) {
        (true, _) => Some("soffice"),
        (false, true) => panic!(
            "JOBSCOUT_TEST_REQUIRE_LIBREOFFICE=1 but soffice is not on PATH: install libreoffice-writer-nogui"
        ),
        (false, false) => {
            eprintln!(
                "skipped: LibreOffice (soffice) is not installed; .ci/run installs libreoffice-writer-nogui"
            );
            None
        }
    }
}

/// `docx` converted to PDF by LibreOffice headless.
fn to_pdf(soffice: &str, dir: &Path, name: &str, docx: &[u8]) -> Vec<u8> {
    let input = dir.join(name);
    std::fs::write(&input, docx).unwrap();
    // A profile of its own, so a developer's running LibreOffice is not disturbed.
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("profile").display()
    );
    let output = Command::new(soffice)
        .args([
            profile.as_str(),
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(dir)
        .arg(&input)
        .output()
        .expect("soffice runs");
    let pdf = input.with_extension("pdf");
    assert!(
        pdf.exists(),
        "LibreOffice did not convert {name}: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read(pdf).unwrap()
}

#[tokio::test]
async fn every_document_opens_in_a_real_word_processor() {
    let Some(soffice) = soffice() else {
        return;
    };
    let world = World::start().await;
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let app = world.app(&db, &[]).await;
    let ada = world.client(&app, "ada@example.com");
    let id = pack(&ada).await;
    let dir = tempfile::tempdir().unwrap();

    let resume = ada
        .get(&format!("/api/v1/apply/pack/{id}/export?format=resume"))
        .await
        .body;
    let cover = ada
        .get(&format!("/api/v1/apply/pack/{id}/export?format=cover"))
        .await
        .body;
    let zip = ada
        .get(&format!("/api/v1/apply/pack/{id}/export"))
        .await
        .body;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.to_vec())).unwrap();
    let mut zipped_resume = Vec::new();
    archive
        .by_name("resume.docx")
        .unwrap()
        .read_to_end(&mut zipped_resume)
        .unwrap();

    for (name, docx, expected) in [
        (
            "tailored_resume.docx",
            resume.to_vec(),
            vec![
                "Maria Schmidt",
                "SUMMARY",
                "EXPERIENCE",
                "Hooli Payments",
                "2021 – Present",
            ],
        ),
        (
            "cover_letter.docx",
            cover.to_vec(),
            vec!["Maria Schmidt", "Hiring Team", "Kind regards"],
        ),
        (
            "zipped_resume.docx",
            zipped_resume,
            vec!["Maria Schmidt", "SUMMARY"],
        ),
    ] {
        let pdf = to_pdf(soffice, dir.path(), name, &docx);
        assert!(pdf.starts_with(b"%PDF-"), "{name}");
        // The PDF's text, read back by the server's own resume upload (resume-text).
        let upload = ada
            .upload("/api/v1/apply/resume/upload", "document.pdf", &pdf)
            .await;
        assert_eq!(upload.status, 200, "{name}: {}", upload.text());
        let text = upload.json()["resume_text"].as_str().unwrap().to_string();
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for part in expected {
            assert!(
                flat.contains(part),
                "{name}: {part:?} not in the PDF's text:\n{text}"
            );
        }
    }
}
