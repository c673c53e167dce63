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

/// A scan as scanners write it: one JPEG (DCTDecode) image on the page.
/// pdf-extract runs every XObject it paints as a content stream, image
/// bytes included; the processor must still answer "no text".
#[test]
fn a_scanned_page_with_a_jpeg_has_no_selectable_text() {
    use lopdf::{dictionary, Document, Object, Stream};

    let mut document = Document::with_version("1.4");
    let pages_id = document.new_object_id();
    // JPEG-like bytes: the markers, then data that is no PDF syntax.
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    jpeg.extend((0..4000u32).map(|index| (index.wrapping_mul(2_654_435_761) >> 13) as u8));
    jpeg.extend([0xFF, 0xD9]);
    let image = document.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => 64, "Height" => 64,
            "ColorSpace" => "DeviceRGB", "BitsPerComponent" => 8, "Filter" => "DCTDecode",
        },
        jpeg,
    ));
    let content = document.add_object(Stream::new(
        dictionary! {},
        b"q 500 0 0 700 50 50 cm /Im0 Do Q".to_vec(),
    ));
    let page = document.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content,
        "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image } },
    });
    document.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    document.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).unwrap();

    let outcome = std::panic::catch_unwind(|| extract(PDF_MEDIA_TYPE, &bytes)).expect("no panic");
    match outcome {
        Err(ExtractError::Invalid(message)) => {
            assert!(message.contains("no selectable text"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}
