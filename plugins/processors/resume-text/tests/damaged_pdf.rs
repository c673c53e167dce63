//! Damaged PDFs get an answer, not a panic: in the sandbox a panic aborts the
//! call, so the user would get no message at all. Single bytes of a fixture
//! are overwritten at spread positions, as disk or transfer damage would.

use std::path::PathBuf;

use jobscout_processor_resume_text::{extract, ExtractError, PDF_MEDIA_TYPE};

#[test]
fn single_byte_damage_never_panics() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../fixtures/documents/resume-two-column.pdf");
    let original = std::fs::read(path).unwrap();
    let mut refused = 0;
    for position in (0..original.len()).step_by(43) {
        for value in [0u8, b' ', b'9', 0xFF] {
            let mut damaged = original.clone();
            damaged[position] = value;
            let outcome = std::panic::catch_unwind(|| extract(PDF_MEDIA_TYPE, &damaged))
                .unwrap_or_else(|_| panic!("panicked with byte {position} set to {value:#04x}"));
            match outcome {
                Ok(_) => {}
                Err(ExtractError::Invalid(_)) => refused += 1,
                Err(other) => panic!("byte {position} = {value:#04x}: {other:?}"),
            }
        }
    }
    // The damage is real: a good share of the copies must be refused.
    assert!(refused > 10, "only {refused} damaged copies were refused");
}
