//! What `pdf-extract` takes for granted, checked first.
//!
//! `pdf-extract` panics on many kinds of damage (a dangling reference, an
//! operator with the wrong operands, an unknown encoding), and in the sandbox a
//! panic aborts the call instead of answering "damaged PDF". This pass walks
//! what it will read — page boxes, resources, fonts, content streams and the
//! form XObjects they paint — and refuses what it would not survive. Damage it
//! does not foresee still only ends that call (the host contains it).

use std::collections::HashSet;

use pdf_extract::content::Content;
use pdf_extract::{Dictionary, Document, Object};

/// The check found damage; the caller answers with its "damaged PDF" message.
#[derive(Debug)]
pub struct Damaged;

type Checked = Result<(), Damaged>;

/// Form XObjects may paint forms; deeper nesting than this is refused.
const MAX_FORM_DEPTH: usize = 8;
/// Encodings pdf-extract has tables for (it panics on any other name).
const SIMPLE_ENCODINGS: &[&[u8]] = &[
    b"WinAnsiEncoding",
    b"MacRomanEncoding",
    b"MacExpertEncoding",
];
const DEVICE_COLOR_SPACES: &[&[u8]] = &[b"DeviceGray", b"DeviceRGB", b"DeviceCMYK", b"Pattern"];

fn resolve<'a>(document: &'a Document, object: &'a Object) -> Result<&'a Object, Damaged> {
    match object {
        Object::Reference(id) => document.get_object(*id).map_err(|_| Damaged),
        other => Ok(other),
    }
}

fn dictionary<'a>(document: &'a Document, object: &'a Object) -> Result<&'a Dictionary, Damaged> {
    resolve(document, object)?.as_dict().map_err(|_| Damaged)
}

/// `key` on `dict` or the nearest ancestor page-tree node that has it.
fn inherited<'a>(document: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = dict;
    for _ in 0..64 {
        if let Ok(value) = node.get(key) {
            return Some(value);
        }
        node = dictionary(document, node.get(b"Parent").ok()?).ok()?;
    }
    None
}

fn is_number(object: &Object) -> bool {
    matches!(object, Object::Integer(_) | Object::Real(_))
}

/// A dictionary's values, except the link up the page tree.
fn children(dict: &Dictionary) -> impl Iterator<Item = &Object> {
    dict.iter()
        .filter(|(key, _)| key.as_slice() != b"Parent")
        .map(|(_, value)| value)
}

/// Every reference reachable from `root` (without climbing to `Parent`) resolves.
fn references_resolve(
    document: &Document,
    root: &Object,
    seen: &mut HashSet<(u32, u16)>,
) -> Checked {
    let mut pending = vec![root];
    while let Some(object) = pending.pop() {
        match object {
            Object::Reference(id) if seen.insert(*id) => {
                pending.push(document.get_object(*id).map_err(|_| Damaged)?);
            }
            Object::Array(items) => pending.extend(items),
            Object::Dictionary(dict) => pending.extend(children(dict)),
            Object::Stream(stream) => pending.extend(children(&stream.dict)),
            _ => {}
        }
    }
    Ok(())
}

fn check_font(document: &Document, font: &Dictionary) -> Checked {
    let name = |key: &[u8]| -> Result<Vec<u8>, Damaged> {
        let value = resolve(document, font.get(key).map_err(|_| Damaged)?)?;
        value.as_name().map(<[u8]>::to_vec).map_err(|_| Damaged)
    };
    let subtype = name(b"Subtype")?;
    if subtype == b"Type0" {
        font.get(b"Encoding").map_err(|_| Damaged)?;
        return Ok(());
    }
    if subtype != b"Type3" {
        name(b"BaseFont")?;
    }
    let encoding = match font.get(b"Encoding") {
        Ok(encoding) => resolve(document, encoding)?,
        Err(_) => return Ok(()),
    };
    let base = match encoding {
        Object::Name(base) => Some(base.as_slice()),
        Object::Dictionary(dict) => match dict.get(b"BaseEncoding") {
            Ok(base) => Some(resolve(document, base)?.as_name().map_err(|_| Damaged)?),
            Err(_) => None,
        },
        _ => return Err(Damaged),
    };
    match base {
        Some(base) if !SIMPLE_ENCODINGS.contains(&base) => Err(Damaged),
        _ => Ok(()),
    }
}

/// The named entry of a resource category (`Font`, `XObject`, ...).
fn resource<'a>(
    document: &'a Document,
    resources: Option<&'a Dictionary>,
    category: &[u8],
    name: &Object,
) -> Result<&'a Object, Damaged> {
    let category = dictionary(
        document,
        resources
            .ok_or(Damaged)?
            .get(category)
            .map_err(|_| Damaged)?,
    )?;
    let name = name.as_name().map_err(|_| Damaged)?;
    resolve(document, category.get(name).map_err(|_| Damaged)?)
}

fn operands_are(operands: &[Object], count: usize, exact: bool) -> Checked {
    let count_ok = if exact {
        operands.len() == count
    } else {
        operands.len() >= count
    };
    if count_ok && operands.iter().take(count).all(is_number) {
        Ok(())
    } else {
        Err(Damaged)
    }
}

fn check_content(
    document: &Document,
    bytes: &[u8],
    resources: Option<&Dictionary>,
    depth: usize,
) -> Checked {
    if depth > MAX_FORM_DEPTH {
        return Err(Damaged);
    }
    let content = Content::decode(bytes).map_err(|_| Damaged)?;
    let mut font_set = false;
    for operation in &content.operations {
        let operands = operation.operands.as_slice();
        let string_at = |index: usize| matches!(operands.get(index), Some(Object::String(..)));
        match operation.operator.as_str() {
            "cm" | "Tm" => operands_are(operands, 6, true)?,
            "Td" | "TD" => operands_are(operands, 2, true)?,
            "c" => operands_are(operands, 6, false)?,
            "v" | "y" | "re" => operands_are(operands, 4, false)?,
            "m" | "l" => operands_are(operands, 2, false)?,
            "Tc" | "Tw" | "Tz" | "TL" | "Ts" | "w" => operands_are(operands, 1, false)?,
            "SC" | "SCN" | "sc" | "scn" if !operands.iter().all(is_number) => return Err(Damaged),
            "CS" | "cs" => {
                let name = operands.first().ok_or(Damaged)?;
                let device = name
                    .as_name()
                    .is_ok_and(|name| DEVICE_COLOR_SPACES.contains(&name));
                if !device {
                    resource(document, resources, b"ColorSpace", name)?;
                }
            }
            "gs" => {
                dictionary(
                    document,
                    resource(
                        document,
                        resources,
                        b"ExtGState",
                        operands.first().ok_or(Damaged)?,
                    )?,
                )?;
            }
            "Tf" => {
                if operands.len() < 2 || !is_number(&operands[1]) {
                    return Err(Damaged);
                }
                let font = resource(document, resources, b"Font", &operands[0])?;
                check_font(document, font.as_dict().map_err(|_| Damaged)?)?;
                font_set = true;
            }
            "Tj" | "'" if !(font_set && string_at(0)) => return Err(Damaged),
            "\"" if !(font_set && operands.len() == 3 && string_at(2)) => return Err(Damaged),
            "TJ" if !font_set || operands.is_empty() => return Err(Damaged),
            "Do" => {
                let object = resource(
                    document,
                    resources,
                    b"XObject",
                    operands.first().ok_or(Damaged)?,
                )?;
                let stream = object.as_stream().map_err(|_| Damaged)?;
                let form = stream
                    .dict
                    .get(b"Subtype")
                    .ok()
                    .and_then(|s| s.as_name().ok())
                    == Some(b"Form");
                if form {
                    let inner = match stream.dict.get(b"Resources") {
                        Ok(own) => Some(dictionary(document, own)?),
                        Err(_) => resources,
                    };
                    let bytes = stream
                        .decompressed_content()
                        .unwrap_or_else(|_| stream.content.clone());
                    check_content(document, &bytes, inner, depth + 1)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Checks every page as `pdf-extract` will read it.
pub fn check(document: &Document) -> Checked {
    let mut seen = HashSet::new();
    for page_id in document.get_pages().into_values() {
        let page = document.get_dictionary(page_id).map_err(|_| Damaged)?;
        let media_box = resolve(
            document,
            inherited(document, page, b"MediaBox").ok_or(Damaged)?,
        )?;
        match media_box.as_array() {
            Ok(corners) if corners.len() == 4 && corners.iter().all(is_number) => {}
            _ => return Err(Damaged),
        }
        let resources = match inherited(document, page, b"Resources") {
            Some(resources) => {
                references_resolve(document, resources, &mut seen)?;
                Some(dictionary(document, resources)?)
            }
            None => None,
        };
        if let Ok(contents) = page.get(b"Contents") {
            references_resolve(document, contents, &mut seen)?;
        }
        let content = document.get_page_content(page_id).map_err(|_| Damaged)?;
        check_content(document, &content, resources, 0)?;
    }
    Ok(())
}
