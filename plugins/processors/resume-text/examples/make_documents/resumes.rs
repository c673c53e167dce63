//! The page content of the PDF resumes. Jane Doe is fictional.

use crate::pdf::{line, Font, Mark};

fn text(x: f64, y: f64, size: f64, font: Font, value: &str) -> Mark {
    Mark::Text(line(x, y, size, font, value))
}

fn heading(y: f64, value: &str) -> Mark {
    text(50.0, y, 13.0, Font::Bold, value)
}

fn body(x: f64, y: f64, value: &str) -> Mark {
    text(x, y, 10.0, Font::Regular, value)
}

/// One page, one column; bullets drawn with four different glyphs, a wrapped
/// bullet, and dates right of the job titles.
pub fn single_column() -> Vec<Vec<Mark>> {
    vec![vec![
        text(50.0, 60.0, 20.0, Font::Bold, "Jane Doe"),
        body(
            50.0,
            82.0,
            "jane.doe@example.com | +1 555 0100 | Berlin, Germany",
        ),
        heading(118.0, "Summary"),
        body(
            50.0,
            136.0,
            "Backend engineer with eight years of experience building reliable data",
        ),
        body(50.0, 148.0, "platforms in Rust, Go and Python."),
        heading(184.0, "Experience"),
        text(
            50.0,
            204.0,
            11.0,
            Font::Bold,
            "Senior Software Engineer, Acme Corp",
        ),
        body(480.0, 204.0, "2019 – 2024"),
        body(
            50.0,
            220.0,
            "• Cut p99 latency by 40% by moving the ingest path to Rust and Tokio.",
        ),
        body(
            50.0,
            234.0,
            "• Designed the event pipeline that processes 3 billion events per day",
        ),
        body(
            60.0,
            246.0,
            "across four regions with exactly-once delivery.",
        ),
        body(
            50.0,
            260.0,
            "– Led a team of 5 engineers through the Kubernetes migration.",
        ),
        text(50.0, 284.0, 11.0, Font::Bold, "Software Engineer, Globex"),
        body(480.0, 284.0, "2016 – 2019"),
        body(
            50.0,
            300.0,
            "- Built the billing service in Go and PostgreSQL, handling $2M a month.",
        ),
        body(
            50.0,
            314.0,
            "* Reduced cloud spend by 25% with right-sized instances.",
        ),
        heading(350.0, "Education"),
        body(50.0, 368.0, "B.Sc. Computer Science, TU Berlin"),
        body(480.0, 368.0, "2012 – 2016"),
        heading(404.0, "Skills"),
        body(50.0, 422.0, "Rust, Go, Python, PostgreSQL, Kubernetes, AWS"),
    ]]
}

/// A header across the page over a sidebar and a main column. The content
/// stream paints row by row across both columns, the order that interleaves
/// them if a reader goes by painting order or by baseline alone.
pub fn two_column() -> Vec<Vec<Mark>> {
    let mut marks = vec![
        text(50.0, 60.0, 20.0, Font::Bold, "Jane Doe"),
        body(50.0, 82.0, "Staff Engineer · jane.doe@example.com · Berlin"),
    ];
    let sidebar = [
        (Font::Bold, "Skills"),
        (Font::Regular, "Rust"),
        (Font::Regular, "Go"),
        (Font::Regular, "PostgreSQL"),
        (Font::Regular, "Kubernetes"),
        (Font::Regular, ""),
        (Font::Bold, "Languages"),
        (Font::Regular, "English (native)"),
        (Font::Regular, "German (C1)"),
        (Font::Regular, ""),
        (Font::Bold, "Contact"),
        (Font::Regular, "github.com/janedoe"),
    ];
    let main = [
        (Font::Bold, "Experience"),
        (Font::Regular, "Staff Engineer, Initech (2020 – 2024)"),
        (Font::Regular, "• Cut deploy time from 40 to 6 minutes."),
        (
            Font::Regular,
            "• Led the move of 30 services to Kubernetes.",
        ),
        (Font::Regular, "• Mentored 6 engineers, 3 promoted."),
        (Font::Regular, ""),
        (Font::Regular, "Senior Engineer, Hooli (2016 – 2020)"),
        (Font::Regular, "• Built a Rust query engine serving 2k QPS."),
        (Font::Regular, "• Reduced storage costs by 35%."),
        (Font::Regular, ""),
        (Font::Bold, "Education"),
        (Font::Regular, "M.Sc. Informatics, TU München"),
        (Font::Regular, "B.Sc. Informatics, TU München"),
    ];
    for row in 0..sidebar.len().max(main.len()) {
        let y = 120.0 + row as f64 * 14.0;
        for (x, column) in [(50.0, &sidebar[..]), (230.0, &main[..])] {
            if let Some((font, value)) = column.get(row).filter(|(_, value)| !value.is_empty()) {
                marks.push(text(x, y, 10.0, *font, value));
            }
        }
    }
    vec![marks]
}

/// Three pages, one section each, with a page number at the foot of each.
pub fn multipage() -> Vec<Vec<Mark>> {
    let sections = [
        (
            "Experience",
            [
                "Principal Engineer, Umbrella Systems (2021 – 2024)",
                "• Set the architecture for 12 product teams.",
                "• Cut incident count by 60% in one year.",
            ],
        ),
        (
            "Earlier Experience",
            [
                "Senior Engineer, Vandelay Industries (2015 – 2021)",
                "• Shipped the import pipeline used by 400 customers.",
                "• Wrote the on-call handbook still in use.",
            ],
        ),
        (
            "Education",
            [
                "Ph.D. Distributed Systems, ETH Zürich",
                "• Thesis on consensus under partial synchrony.",
                "References available on request.",
            ],
        ),
    ];
    sections
        .iter()
        .enumerate()
        .map(|(index, (title, lines))| {
            let mut marks = Vec::new();
            if index == 0 {
                marks.push(text(50.0, 60.0, 20.0, Font::Bold, "Jane Doe"));
                marks.push(body(50.0, 82.0, "jane.doe@example.com"));
            }
            marks.push(heading(120.0, title));
            for (row, value) in lines.iter().enumerate() {
                marks.push(body(50.0, 140.0 + row as f64 * 14.0, value));
            }
            marks.push(body(300.0, 760.0, &format!("{}", index + 1)));
            marks
        })
        .collect()
}

/// A "scan": a picture of a page and a ruled line, no text at all.
pub fn scanned() -> Vec<Vec<Mark>> {
    vec![vec![
        Mark::Image(80.0, 60.0, 452.0, 640.0),
        Mark::Rect(80.0, 720.0, 452.0, 2.0),
    ]]
}
