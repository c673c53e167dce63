//! Reading order of one PDF page from glyph positions.
//!
//! Content streams may paint text in any order (some writers go row by row
//! across columns), so order comes from geometry: glyphs join into segments
//! along a baseline, segments group into rows, and where a vertical gutter
//! separates two text columns over several rows, that band of rows is read
//! column after column instead of row by row.

use crate::text::{normalize_line, TextBuilder};
use crate::ExtractError;

/// One glyph in page space, y growing downwards from the top of the page.
#[derive(Debug, Clone)]
pub struct Glyph {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub size: f64,
    pub text: String,
}

/// Text on one baseline with no gap wider than `JOIN_GAP` font sizes.
#[derive(Debug, Clone)]
struct Segment {
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    text: String,
}

struct Row {
    y: f64,
    size: f64,
    segments: Vec<Segment>,
}

/// A gap wider than this many font sizes splits a line into segments; word
/// spaces and bullet indents are narrower, column gutters wider.
const JOIN_GAP: f64 = 1.5;
/// A gap wider than this many font sizes is a word space.
const SPACE_GAP: f64 = 0.15;
/// Baselines closer than this many font sizes are the same line.
const SAME_BASELINE: f64 = 0.3;
/// A two-column band has at least this many line-to-line steps on each side
/// (and as many lines starting at the gutter).
const MIN_COLUMN_STEPS: usize = 3;
/// A baseline step over this many font sizes starts a new paragraph.
const PARAGRAPH_GAP: f64 = 1.6;

fn same_baseline(a_y: f64, a_size: f64, b_y: f64, b_size: f64) -> bool {
    (a_y - b_y).abs() < SAME_BASELINE * a_size.max(b_size)
}

/// Appends `text` after a gap of `gap` points.
fn append(segment: &mut Segment, gap: f64, text: &str, x1: f64) {
    if gap > SPACE_GAP * segment.size && !segment.text.ends_with(' ') && !text.starts_with(' ') {
        segment.text.push(' ');
    }
    segment.text.push_str(text);
    segment.x1 = segment.x1.max(x1);
}

/// Glyphs in painting order to segments; runs painted separately on one
/// baseline (a bold word, a kerned TJ array) are merged afterwards by `rows`.
fn segments(glyphs: &[Glyph]) -> Vec<Segment> {
    let mut segments: Vec<Segment> = Vec::new();
    for glyph in glyphs {
        let blank = glyph.text.trim().is_empty();
        if let Some(current) = segments.last_mut() {
            let gap = glyph.x - current.x1;
            if same_baseline(current.y, current.size, glyph.y, glyph.size)
                && gap > -0.5 * current.size
                && gap < JOIN_GAP * current.size
            {
                append(current, gap, &glyph.text, glyph.x + glyph.width);
                continue;
            }
        }
        if !blank {
            segments.push(Segment {
                x0: glyph.x,
                x1: glyph.x + glyph.width,
                y: glyph.y,
                size: glyph.size,
                text: glyph.text.clone(),
            });
        }
    }
    segments
}

/// Segments grouped by baseline, top to bottom, each row left to right with
/// touching segments merged.
fn rows(mut segments: Vec<Segment>) -> Vec<Row> {
    segments.sort_by(|a, b| a.y.total_cmp(&b.y));
    let mut rows: Vec<Row> = Vec::new();
    for segment in segments {
        match rows.last_mut() {
            Some(row) if same_baseline(row.y, row.size, segment.y, segment.size) => {
                row.size = row.size.max(segment.size);
                row.segments.push(segment);
            }
            _ => rows.push(Row {
                y: segment.y,
                size: segment.size,
                segments: vec![segment],
            }),
        }
    }
    for row in &mut rows {
        row.segments.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut merged: Vec<Segment> = Vec::new();
        for segment in row.segments.drain(..) {
            if let Some(last) = merged.last_mut() {
                let gap = segment.x0 - last.x1;
                if gap < JOIN_GAP * last.size.max(segment.size) {
                    let (text, x1) = (segment.text, segment.x1);
                    append(last, gap, &text, x1);
                    continue;
                }
            }
            merged.push(segment);
        }
        row.segments = merged;
    }
    rows
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
    Across,
}

fn side(segment: &Segment, gutter: f64) -> Side {
    if segment.x0 >= gutter - 1.0 {
        Side::Right
    } else if segment.x1 <= gutter - segment.size {
        Side::Left
    } else {
        Side::Across
    }
}

/// The lines on one side of a gutter: a column reads as running text, lines
/// following each other at line spacing. Dates beside job titles do not.
#[derive(Default)]
struct Flow {
    last_y: Option<f64>,
    steps: usize,
}

impl Flow {
    fn add(&mut self, row: &Row) {
        if self
            .last_y
            .is_some_and(|last| row.y - last <= PARAGRAPH_GAP * row.size)
        {
            self.steps += 1;
        }
        self.last_y = Some(row.y);
    }
}

/// For a gutter at `gutter`, each row's band: `Some(index)` when the row lies
/// in a band of rows that reads as two columns.
fn bands(rows: &[Row], gutter: f64) -> Vec<Option<usize>> {
    let mut result = vec![None; rows.len()];
    let mut start = 0;
    while start < rows.len() {
        let crosses = |row: &Row| row.segments.iter().any(|s| side(s, gutter) == Side::Across);
        if crosses(&rows[start]) {
            start += 1;
            continue;
        }
        let mut end = start;
        let mut flows = [Flow::default(), Flow::default()];
        let mut aligned = 0;
        while end < rows.len() && !crosses(&rows[end]) {
            let row = &rows[end];
            for (flow, wanted) in flows.iter_mut().zip([Side::Left, Side::Right]) {
                if row.segments.iter().any(|s| side(s, gutter) == wanted) {
                    flow.add(row);
                }
            }
            aligned += row
                .segments
                .iter()
                .filter(|s| (s.x0 - gutter).abs() < 1.5)
                .count();
            end += 1;
        }
        if flows.iter().all(|flow| flow.steps >= MIN_COLUMN_STEPS) && aligned >= MIN_COLUMN_STEPS {
            for slot in &mut result[start..end] {
                *slot = Some(start);
            }
        }
        start = end;
    }
    result
}

/// The gutter (left edge of the right column) that puts the most segments
/// into two-column bands, if any does.
fn find_gutter(rows: &[Row]) -> Option<f64> {
    let margin = rows
        .iter()
        .flat_map(|row| row.segments.iter().map(|s| s.x0))
        .fold(f64::INFINITY, f64::min);
    let mut candidates: Vec<f64> = rows
        .iter()
        .flat_map(|row| row.segments.iter().map(|s| s.x0.round()))
        .filter(|x| *x > margin + 1.5)
        .collect();
    candidates.sort_by(f64::total_cmp);
    candidates.dedup();
    let mut best: Option<(usize, f64)> = None;
    for gutter in candidates {
        let covered: usize = bands(rows, gutter)
            .iter()
            .zip(rows)
            .filter(|(band, _)| band.is_some())
            .map(|(_, row)| row.segments.len())
            .sum();
        if covered > 0 && best.is_none_or(|(score, _)| covered > score) {
            best = Some((covered, gutter));
        }
    }
    best.map(|(_, gutter)| gutter)
}

/// A line in reading order; `flow` changes where reading jumps (a column).
struct Line {
    x0: f64,
    y: f64,
    size: f64,
    text: String,
    flow: usize,
}

fn line_of(segments: &[&Segment], flow: usize) -> Option<Line> {
    let first = segments.first()?;
    let text = segments
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    Some(Line {
        x0: first.x0,
        y: first.y,
        size: segments.iter().map(|s| s.size).fold(0.0, f64::max),
        text,
        flow,
    })
}

fn reading_order(rows: &[Row]) -> Vec<Line> {
    let gutter = find_gutter(rows);
    let bands = gutter.map_or_else(|| vec![None; rows.len()], |gutter| bands(rows, gutter));
    let mut lines = Vec::new();
    let mut index = 0;
    let mut flow = 0;
    while index < rows.len() {
        let (Some(band), Some(gutter)) = (bands[index], gutter) else {
            let segments: Vec<&Segment> = rows[index].segments.iter().collect();
            lines.extend(line_of(&segments, flow));
            index += 1;
            continue;
        };
        let end = (index..rows.len())
            .find(|&i| bands[i] != Some(band))
            .unwrap_or(rows.len());
        for wanted in [Side::Left, Side::Right] {
            flow += 1;
            for row in &rows[index..end] {
                let segments: Vec<&Segment> = row
                    .segments
                    .iter()
                    .filter(|s| side(s, gutter) == wanted)
                    .collect();
                lines.extend(line_of(&segments, flow));
            }
        }
        flow += 1;
        index = end;
    }
    lines
}

/// Writes one page's lines: paragraphs at flow changes and wide baseline
/// steps, wrapped list items joined back into one line.
pub fn write_page(glyphs: &[Glyph], out: &mut TextBuilder) -> Result<(), ExtractError> {
    let rows = rows(segments(glyphs));
    let mut previous: Option<Line> = None;
    let mut pending: Option<String> = None;
    for line in reading_order(&rows) {
        let text = normalize_line(&line.text, false);
        if text.is_empty() {
            continue;
        }
        let (new_paragraph, continues_item) = match &previous {
            None => (true, false),
            Some(prev) => {
                let step = line.y - prev.y;
                let apart = line.flow != prev.flow
                    || step < 0.0
                    || step > PARAGRAPH_GAP * prev.size.max(line.size);
                let wrapped = !apart
                    && pending.as_deref().is_some_and(|p| p.starts_with("• "))
                    && !text.starts_with("• ")
                    && line.x0 > prev.x0 + 0.5 * line.size;
                (apart, wrapped)
            }
        };
        if continues_item {
            if let Some(item) = pending.as_mut() {
                item.push(' ');
                item.push_str(&text);
            }
            // Keep the item's x0 so further wrapped lines still count as indented.
            if let Some(prev) = previous.as_mut() {
                prev.y = line.y;
            }
            continue;
        }
        if let Some(done) = pending.take() {
            out.line(&done)?;
        }
        if new_paragraph {
            out.paragraph();
        }
        pending = Some(text);
        previous = Some(line);
    }
    if let Some(done) = pending {
        out.line(&done)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs for `text` at (x, y), 0.5 em per character.
    fn run(x: f64, y: f64, size: f64, text: &str) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(index, ch)| Glyph {
                x: x + index as f64 * size * 0.5,
                y,
                width: size * 0.5,
                size,
                text: ch.to_string(),
            })
            .collect()
    }

    fn page_text(glyphs: &[Glyph]) -> String {
        let mut out = TextBuilder::new(1 << 20);
        write_page(glyphs, &mut out).unwrap();
        out.finish()
    }

    #[test]
    fn columns_painted_row_by_row_are_read_column_by_column() {
        let mut glyphs = run(50.0, 40.0, 10.0, "Header across the page");
        for (index, (left, right)) in [("L1", "R1"), ("L2", "R2"), ("L3", "R3"), ("L4", "R4")]
            .iter()
            .enumerate()
        {
            let y = 80.0 + index as f64 * 12.0;
            glyphs.extend(run(50.0, y, 10.0, &format!("left {left}")));
            glyphs.extend(run(300.0, y, 10.0, &format!("right {right}")));
        }
        let text = page_text(&glyphs);
        assert_eq!(
            text,
            "Header across the page\n\nleft L1\nleft L2\nleft L3\nleft L4\n\nright R1\nright R2\nright R3\nright R4"
        );
    }

    #[test]
    fn a_date_beside_a_title_stays_on_its_line() {
        let mut glyphs = run(50.0, 40.0, 10.0, "Senior Engineer");
        glyphs.extend(run(400.0, 40.0, 10.0, "2019-2023"));
        glyphs.extend(run(50.0, 52.0, 10.0, "• Led the platform team"));
        assert_eq!(
            page_text(&glyphs),
            "Senior Engineer 2019-2023\n• Led the platform team"
        );
    }

    #[test]
    fn a_column_of_dates_is_not_a_text_column() {
        let mut glyphs = Vec::new();
        for (job, top) in [("Acme", 40.0), ("Globex", 90.0), ("Initech", 140.0)] {
            glyphs.extend(run(50.0, top, 10.0, job));
            glyphs.extend(run(480.0, top, 10.0, "2019"));
            glyphs.extend(run(50.0, top + 12.0, 10.0, "• Shipped things"));
            glyphs.extend(run(50.0, top + 24.0, 10.0, "• Fixed things"));
        }
        let text = page_text(&glyphs);
        assert!(
            text.starts_with("Acme 2019\n• Shipped things\n• Fixed things\n\nGlobex 2019\n"),
            "{text}"
        );
    }

    #[test]
    fn wrapped_list_items_are_joined_and_gaps_make_paragraphs() {
        let mut glyphs = run(50.0, 40.0, 10.0, "Experience");
        glyphs.extend(run(50.0, 70.0, 10.0, "• Cut p99 latency"));
        glyphs.extend(run(60.0, 82.0, 10.0, "by 40%"));
        glyphs.extend(run(50.0, 94.0, 10.0, "- Hired four engineers"));
        assert_eq!(
            page_text(&glyphs),
            "Experience\n\n• Cut p99 latency by 40%\n• Hired four engineers"
        );
    }

    #[test]
    fn separately_painted_words_on_one_baseline_merge() {
        // A bold word painted after the rest of its line.
        let mut glyphs = run(50.0, 40.0, 10.0, "Built");
        glyphs.extend(run(110.0, 40.0, 10.0, "services"));
        glyphs.extend(run(78.0, 40.0, 10.0, "Rust"));
        assert_eq!(page_text(&glyphs), "Built Rust services");
    }
}
