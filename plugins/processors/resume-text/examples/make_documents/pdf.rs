//! PDFs with the standard Type1 fonts (no embedded fonts, WinAnsiEncoding).

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, ObjectId, Stream};

pub const PAGE_WIDTH: f64 = 612.0;
pub const PAGE_HEIGHT: f64 = 792.0;

#[derive(Clone, Copy)]
pub enum Font {
    Regular,
    Bold,
}

/// One line of text; `y` is the baseline measured from the top of the page.
pub struct Line {
    pub x: f64,
    pub y: f64,
    pub size: f64,
    pub font: Font,
    pub text: String,
}

pub fn line(x: f64, y: f64, size: f64, font: Font, text: &str) -> Line {
    Line {
        x,
        y,
        size,
        font,
        text: text.to_string(),
    }
}

/// What a page paints, in painting order.
pub enum Mark {
    Text(Line),
    /// A filled grey rectangle: x, y (top), width, height.
    Rect(f64, f64, f64, f64),
    /// The page's image XObject at x, y (top), width, height.
    Image(f64, f64, f64, f64),
}

/// WinAnsiEncoding for the characters the fixtures use.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|ch| match ch {
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '·' => 0xB7,
            'ü' => 0xFC,
            'é' => 0xE9,
            ch if ch.is_ascii() => ch as u8,
            other => panic!("{other:?} is not in the fixtures' WinAnsi table"),
        })
        .collect()
}

fn operations(marks: &[Mark]) -> Vec<Operation> {
    let mut operations = Vec::new();
    for mark in marks {
        match mark {
            Mark::Text(line) => {
                let font = match line.font {
                    Font::Regular => "F1",
                    Font::Bold => "F2",
                };
                operations.extend([
                    Operation::new("BT", vec![]),
                    Operation::new("Tf", vec![font.into(), line.size.into()]),
                    Operation::new(
                        "Tm",
                        vec![
                            1.into(),
                            0.into(),
                            0.into(),
                            1.into(),
                            line.x.into(),
                            (PAGE_HEIGHT - line.y).into(),
                        ],
                    ),
                    Operation::new("Tj", vec![Object::string_literal(win_ansi(&line.text))]),
                    Operation::new("ET", vec![]),
                ]);
            }
            Mark::Rect(x, y, width, height) => operations.extend([
                Operation::new("g", vec![0.6.into()]),
                Operation::new(
                    "re",
                    vec![
                        (*x).into(),
                        (PAGE_HEIGHT - y - height).into(),
                        (*width).into(),
                        (*height).into(),
                    ],
                ),
                Operation::new("f", vec![]),
            ]),
            Mark::Image(x, y, width, height) => operations.extend([
                Operation::new("q", vec![]),
                Operation::new(
                    "cm",
                    vec![
                        (*width).into(),
                        0.into(),
                        0.into(),
                        (*height).into(),
                        (*x).into(),
                        (PAGE_HEIGHT - y - height).into(),
                    ],
                ),
                Operation::new("Do", vec!["Im1".into()]),
                Operation::new("Q", vec![]),
            ]),
        }
    }
    operations
}

fn font(document: &mut Document, base: &str) -> ObjectId {
    document.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => base,
        "Encoding" => "WinAnsiEncoding",
    })
}

/// An 8-bit grey "photo" of a page: stripes, so it is not blank.
fn grey_image(document: &mut Document) -> ObjectId {
    let (width, height) = (64u32, 80u32);
    let pixels: Vec<u8> = (0..width * height)
        .map(|index| if (index / width) % 6 < 3 { 40 } else { 230 })
        .collect();
    let mut stream = Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Image",
            "Width" => width as i64,
            "Height" => height as i64,
            "ColorSpace" => "DeviceGray",
            "BitsPerComponent" => 8,
        },
        pixels,
    );
    stream.compress().expect("compress image");
    document.add_object(stream)
}

/// A document with one page per entry of `pages`, streams compressed.
pub fn document(pages: &[Vec<Mark>]) -> Document {
    let mut document = Document::with_version("1.5");
    let pages_id = document.new_object_id();
    let regular = font(&mut document, "Helvetica");
    let bold = font(&mut document, "Helvetica-Bold");
    let needs_image = pages
        .iter()
        .flatten()
        .any(|mark| matches!(mark, Mark::Image(..)));
    let mut resources = dictionary! {
        "Font" => dictionary! { "F1" => regular, "F2" => bold },
    };
    if needs_image {
        let image = grey_image(&mut document);
        resources.set("XObject", dictionary! { "Im1" => image });
    }
    let resources_id = document.add_object(resources);
    let mut kids = Vec::new();
    for marks in pages {
        let content = Content {
            operations: operations(marks),
        };
        let content_id = document.add_object(Stream::new(
            dictionary! {},
            content.encode().expect("encode content"),
        ));
        let page_id = document.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        });
        kids.push(page_id.into());
    }
    document.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => pages.len() as i64,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), PAGE_WIDTH.into(), PAGE_HEIGHT.into()],
        }),
    );
    let catalog_id = document.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    document.trailer.set("Root", catalog_id);
    // A fixed file identifier keeps the output (and the encryption key) reproducible.
    let id = Object::string_literal(b"jobscout-fixture".to_vec());
    document.trailer.set("ID", vec![id.clone(), id]);
    document.compress();
    document
}

pub fn save(mut document: Document) -> Vec<u8> {
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).expect("write PDF");
    bytes
}

/// Real standard-security-handler encryption (RC4, 128-bit key, revision 3).
pub fn encrypt(mut document: Document, user_password: &str) -> Document {
    let version = lopdf::EncryptionVersion::V2 {
        document: &document,
        owner_password: "jobscout-owner",
        user_password,
        key_length: 128,
        permissions: lopdf::Permissions::all(),
    };
    let state = lopdf::EncryptionState::try_from(version).expect("encryption parameters");
    document.encrypt(&state).expect("encrypt");
    document
}
