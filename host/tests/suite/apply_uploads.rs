//! Resume uploads through the real router and the real `resume-text` and
//! `resume-analyze` processors, on both engines: good documents, and hostile
//! ones (a zip-bomb DOCX, a truncated PDF, a 50 MB upload, a PNG renamed `.pdf`,
//! a legacy `.doc`, a scan, an encrypted PDF), each answered with its status and
//! nothing kept. Documents come from `fixtures/documents/` (made by the resume
//! processor's generator); the DOCX with known skills is written here.

use crate::apply_support;
use crate::common;

use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use apply_support::World;
use axum::body::Body;
use axum::http::{header, Method, Request};
use common::{count_rows, TestDb};

const RESUME_LINES: [&str; 8] = [
    "Ada Lovelace",
    "ada@example.com · Berlin",
    "Senior Software Engineer",
    "Experience",
    "Led the migration of the billing platform to Rust and PostgreSQL, cutting p99 latency by 40%.",
    "Built Kubernetes deployment tooling used by 120 engineers across 9 teams.",
    "Skills",
    "Rust, Go, Python, PostgreSQL, Kubernetes, AWS",
];

/// A minimal, valid DOCX (stored entries) holding `paragraphs`.
fn docx(paragraphs: &[&str]) -> Vec<u8> {
    let body: String = paragraphs
        .iter()
        .map(|text| format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"))
        .collect();
    let files = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string()),
        ("word/document.xml", format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#)),
    ];
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in files {
        writer
            .start_file(
                name,
                zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Stored),
            )
            .unwrap();
        writer.write_all(content.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// The resume processor's hostile test documents (`fixtures/documents/hostile/`):
/// a DOCX inflating to 1 GiB from 1.4 MB, the first half of a PDF, a PNG named
/// `.pdf`, an OLE2 Word 97 file.
fn hostile(name: &str) -> Vec<u8> {
    apply_support::document(&format!("hostile/{name}"))
}

#[tokio::test]
async fn good_resumes_give_their_text() {
    let world = World::start().await;
    for db in TestDb::all().await {
        let app = world.app(&db, &[]).await;
        let ada = world.client(&app, "ada@example.com");
        let document = docx(&RESUME_LINES);
        let response = ada
            .upload("/api/v1/apply/resume/upload", "resume.docx", &document)
            .await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        let body = response.json();
        assert_eq!(body["filename"], "resume.docx");
        assert_eq!(body["size"], document.len());
        let text = body["resume_text"].as_str().unwrap();
        assert!(text.contains("cutting p99 latency by 40%"), "{text}");
        // A DOCX named .pdf is still a DOCX: the content decides.
        let renamed = ada
            .upload("/api/v1/apply/resume/upload", "resume.pdf", &document)
            .await;
        assert_eq!(renamed.status, 200, "{}", renamed.text());

        let pdf = apply_support::document("resume-single-column.pdf");
        let response = ada
            .upload("/api/v1/apply/resume/upload", "cv.pdf", &pdf)
            .await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        assert!(response.json()["resume_text"].as_str().unwrap().len() >= 50);

        // Too little text is a 400.
        let short = ada
            .upload("/api/v1/apply/resume/upload", "short.docx", &docx(&["Ada"]))
            .await;
        assert_eq!(short.status, 400, "{}", short.text());
        assert_eq!(
            count_rows(&db.pool, "resume_versions").await,
            0,
            "the Apply route stores nothing"
        );
    }
}

#[tokio::test]
async fn profile_upload_stores_the_resume_with_its_analysis() {
    let world = World::start().await;
    for db in TestDb::all().await {
        let app = world.app(&db, &[]).await;
        let ada = world.client(&app, "ada@example.com");
        let response = ada
            .upload(
                "/api/v1/profile/resume/upload",
                "resume.docx",
                &docx(&RESUME_LINES),
            )
            .await;
        assert_eq!(response.status, 200, "{}: {}", db.name, response.text());
        let body = response.json();
        let skills: Vec<&str> = body["analysis"]["skills"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s.as_str())
            .collect();
        assert!(
            skills.contains(&"Rust") && skills.contains(&"Kubernetes"),
            "{skills:?}"
        );
        assert_eq!(body["analysis"]["seniority"], "senior");
        assert!(!body["analysis"]["bullets"].as_array().unwrap().is_empty());
        assert_eq!(body["resume"]["extracted_seniority"], "senior");
        assert_eq!(
            body["resume"]["extracted_skills"]["skills"],
            body["analysis"]["skills"]
        );
        // Pasted text is analysed the same way now.
        let pasted = ada
            .post(
                "/api/v1/profile/resume/text",
                serde_json::json!({"resume_text": RESUME_LINES.join("\n")}),
            )
            .await
            .json();
        assert_eq!(
            pasted["analysis"]["skills"], body["analysis"]["skills"],
            "{}",
            db.name
        );
        assert_eq!(count_rows(&db.pool, "resume_versions").await, 2);
    }
}

#[tokio::test]
async fn hostile_documents_get_their_status_and_nothing_is_kept() {
    let world = World::start().await;
    let bomb = hostile("zip-bomb.docx");
    assert!(
        bomb.len() < 10 << 20,
        "the bomb fits under the upload cap: {}",
        bomb.len()
    );
    for db in TestDb::all().await {
        let app = world.app(&db, &[]).await;
        let ada = world.client(&app, "ada@example.com");
        let cases: [(&str, Vec<u8>, u16, &str); 7] = [
            ("bomb.docx", bomb.clone(), 400, "MiB"),
            ("cut.pdf", hostile("truncated.pdf"), 400, ""),
            ("photo.pdf", hostile("png-renamed.pdf"), 415, "image/png"),
            ("old.doc", hostile("legacy.doc"), 415, ".doc"),
            ("scan.pdf", hostile("scanned-no-text.pdf"), 400, "text"),
            ("locked.pdf", hostile("encrypted.pdf"), 400, ""),
            ("empty.pdf", Vec::new(), 400, "empty"),
        ];
        for route in [
            "/api/v1/apply/resume/upload",
            "/api/v1/profile/resume/upload",
        ] {
            for (name, data, status, detail) in &cases {
                let response = ada.upload(route, name, data).await;
                assert_eq!(
                    response.status.as_u16(),
                    *status,
                    "{}: {route} {name}: {}",
                    db.name,
                    response.text()
                );
                let text = response.json()["detail"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                assert!(text.contains(detail), "{route} {name}: {text}");
            }
        }
        assert_eq!(
            count_rows(&db.pool, "resume_versions").await,
            0,
            "{}: nothing stored",
            db.name
        );
        assert_eq!(count_rows(&db.pool, "user_profiles").await, 0);
    }
}

#[tokio::test]
async fn a_50_mb_upload_is_refused_while_streaming() {
    let world = World::start().await;
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let app = world.app(&db, &[]).await;
    let ada = world.client(&app, "ada@example.com");
    for route in [
        "/api/v1/apply/resume/upload",
        "/api/v1/profile/resume/upload",
    ] {
        let sent = Arc::new(AtomicUsize::new(0));
        let counter = sent.clone();
        let boundary = "jobscout-big-upload";
        let head = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n"
        );
        const TOTAL: usize = 50 << 20;
        const CHUNK: usize = 64 << 10;
        let chunks = std::iter::once(bytes::Bytes::from(head))
            .chain((0..TOTAL / CHUNK).map(|_| bytes::Bytes::from(vec![b'x'; CHUNK])))
            .chain(std::iter::once(bytes::Bytes::from(format!(
                "\r\n--{boundary}--\r\n"
            ))))
            .map(move |chunk| {
                counter.fetch_add(chunk.len(), Ordering::SeqCst);
                Ok::<_, std::io::Error>(chunk)
            });
        let request = Request::builder()
            .method(Method::POST)
            .uri(route)
            .header("authorization", &ada.authorization)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from_stream(futures::stream::iter(chunks)))
            .unwrap();
        let response = app.request(request).await;
        assert_eq!(response.status, 413, "{route}: {}", response.text());
        assert!(
            response.json()["detail"]
                .as_str()
                .unwrap()
                .contains("10 MB"),
            "{}",
            response.text()
        );
        let read = sent.load(Ordering::SeqCst);
        assert!(
            read < 11 << 20,
            "{route}: the server read {read} bytes of a 50 MB body before refusing"
        );
    }
    assert_eq!(count_rows(&db.pool, "resume_versions").await, 0);
}

#[tokio::test]
async fn without_the_resume_processor_uploads_are_503() {
    let world = World::start_without(&["resume-text"]).await;
    let db = TestDb::sqlite_empty().await;
    jobscout::storage::migrate(&db.pool).await.unwrap();
    let app = world.app(&db, &[]).await;
    let ada = world.client(&app, "ada@example.com");
    let response = ada
        .upload(
            "/api/v1/apply/resume/upload",
            "resume.docx",
            &docx(&RESUME_LINES),
        )
        .await;
    assert_eq!(response.status, 503);
    assert!(
        response.json()["detail"]
            .as_str()
            .unwrap()
            .contains("'resume-text'"),
        "{}",
        response.text()
    );
    // Content sniffing still answers before the processor is needed.
    assert_eq!(
        ada.upload(
            "/api/v1/apply/resume/upload",
            "x.pdf",
            &hostile("png-renamed.pdf")
        )
        .await
        .status,
        415
    );
}
