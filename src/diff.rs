//! Line diffs between two texts, as plain rows that views can show.
//!
//! Pure text work: it knows nothing of git, wikis or HTML.

use std::time::Duration;

use similar::{ChangeTag, TextDiff};

/// A diff gives up refining after this long and shows a coarser result: a hostile pair of texts
/// must not hold a thread.
const DEADLINE: Duration = Duration::from_millis(300);
/// Rows shown at most; the rest is summarised as a gap.
pub const MAX_ROWS: usize = 5_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    Same,
    Added,
    Removed,
    /// Unchanged lines left out between two hunks.
    Gap,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffLine {
    pub kind: LineKind,
    pub old_number: Option<usize>,
    pub new_number: Option<usize>,
    pub text: String,
}

/// The changed lines of `old` → `new` with `context` unchanged lines around each change, at
/// most [`MAX_ROWS`] of them. CPU-bound: callers run it off the async executor.
pub fn lines(old: &str, new: &str, context: usize) -> Vec<DiffLine> {
    let diff = TextDiff::configure().timeout(DEADLINE).diff_lines(old, new);
    let mut rows = Vec::new();
    let gap = || DiffLine {
        kind: LineKind::Gap,
        old_number: None,
        new_number: None,
        text: String::new(),
    };
    for (i, group) in diff.grouped_ops(context).iter().enumerate() {
        if i > 0 {
            rows.push(gap());
        }
        for op in group {
            for change in diff.iter_changes(op) {
                if rows.len() >= MAX_ROWS {
                    rows.push(gap());
                    return rows;
                }
                let kind = match change.tag() {
                    ChangeTag::Equal => LineKind::Same,
                    ChangeTag::Insert => LineKind::Added,
                    ChangeTag::Delete => LineKind::Removed,
                };
                rows.push(DiffLine {
                    kind,
                    old_number: change.old_index().map(|n| n + 1),
                    new_number: change.new_index().map(|n| n + 1),
                    text: change.value().trim_end_matches('\n').to_owned(),
                });
            }
        }
    }
    rows
}

/// Counts of added and removed lines.
pub fn stats(rows: &[DiffLine]) -> (usize, usize) {
    rows.iter()
        .fold((0, 0), |(added, removed), row| match row.kind {
            LineKind::Added => (added + 1, removed),
            LineKind::Removed => (added, removed + 1),
            _ => (added, removed),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(rows: &[DiffLine]) -> String {
        rows.iter()
            .map(|row| {
                let mark = match row.kind {
                    LineKind::Same => ' ',
                    LineKind::Added => '+',
                    LineKind::Removed => '-',
                    LineKind::Gap => '~',
                };
                format!("{mark}{}\n", row.text)
            })
            .collect()
    }

    #[test]
    fn changed_lines_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nB\nc\nd\ne\nf\ng\nh\ni\n";
        assert_eq!(
            show(&lines(old, new, 1)),
            "-b\n+B\n c\n~\n h\n+i\n".replacen("-b", " a\n-b", 1)
        );
        assert_eq!(stats(&lines(old, new, 1)), (2, 1));
        assert!(lines("same\n", "same\n", 3).is_empty());
        // Two long unrelated texts: bounded in time and in rows.
        let a: String = (0..40_000).map(|i| format!("a{i}\n")).collect();
        let b: String = (0..40_000).map(|i| format!("b{i}\n")).collect();
        let started = std::time::Instant::now();
        let rows = lines(&a, &b, 3);
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(rows.len(), MAX_ROWS + 1);
        assert_eq!(rows.last().map(|row| row.kind), Some(LineKind::Gap));
    }
}
