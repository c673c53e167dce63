//! Files that are not what they claim, or are built to hurt the reader.

use std::io::Write;

/// A real 32×32 grey PNG (signature, IHDR, zlib IDAT, IEND, CRCs).
pub fn png() -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend(kind);
        out.extend(data);
        out.extend(crc.sum().to_be_bytes());
    }
    let size = 32u32;
    let mut header = Vec::new();
    header.extend(size.to_be_bytes());
    header.extend(size.to_be_bytes());
    header.extend([8, 0, 0, 0, 0]); // 8-bit greyscale, deflate, no filter, no interlace
    let mut raw = Vec::new();
    for row in 0..size {
        raw.push(0); // filter: none
        raw.extend((0..size).map(|column| ((row + column) * 4) as u8));
    }
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&raw).expect("deflate");
    let pixels = encoder.finish().expect("deflate");
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &pixels);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A Word 97-2003 style compound file: a `WordDocument` stream starting with
/// the FIB magic, and the `\x01CompObj` stream naming the format.
pub fn legacy_doc() -> Vec<u8> {
    let mut file =
        cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).expect("create compound file");
    let mut fib = vec![0u8; 4096];
    fib[..4].copy_from_slice(&[0xEC, 0xA5, 0xC1, 0x00]); // wIdent 0xA5EC, nFib 0x00C1 (Word 97)
    file.create_stream("/WordDocument")
        .expect("stream")
        .write_all(&fib)
        .expect("write");
    let mut comp_obj = vec![0u8; 28];
    comp_obj.extend(b"Microsoft Word 97-2003 Document\0");
    file.create_stream("/\u{1}CompObj")
        .expect("stream")
        .write_all(&comp_obj)
        .expect("write");
    file.flush().expect("flush");
    file.into_inner().into_inner()
}
