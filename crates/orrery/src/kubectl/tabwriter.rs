//! Go's `text/tabwriter`, cell for cell: `kubectl describe` writes tab-separated text and
//! lets the tabwriter align it (`tabbedString`: minwidth 0, padding 2, padchar space).
//! Alignment is per *column block*: consecutive lines that have a cell in a column share
//! its width, and a line without that cell ends the block. That is why `QoS Class:` lines
//! up with the last volume's fields in a real `describe pod` — and why it must here too.

/// Lays out `text` as Go's tabwriter does with the given minimum width and padding.
/// Cells are tab-terminated; the text after a line's last tab is not part of a column.
pub fn format(text: &str, minwidth: usize, padding: usize) -> String {
    let body = text.strip_suffix('\n').unwrap_or(text);
    let lines: Vec<Vec<&str>> = body.split('\n').map(|l| l.split('\t').collect()).collect();
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut widths = vec![];
    block(
        &lines,
        &mut widths,
        0,
        lines.len(),
        minwidth,
        padding,
        &mut out,
    );
    if !text.ends_with('\n') {
        out.pop();
    }
    out
}

fn width(cell: &str) -> usize {
    cell.chars().count()
}

/// Go's `Writer.format`: finds the column blocks of column `widths.len()` in
/// `lines[line0..line1]` and recurses into each with that column's width fixed.
fn block(
    lines: &[Vec<&str>],
    widths: &mut Vec<usize>,
    mut line0: usize,
    line1: usize,
    minwidth: usize,
    padding: usize,
    out: &mut String,
) {
    let column = widths.len();
    let mut this = line0;
    while this < line1 {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        write_lines(lines, widths, line0, this, out);
        line0 = this;
        let mut w = minwidth;
        while this < line1 && column + 1 < lines[this].len() {
            w = w.max(width(lines[this][column]) + padding);
            this += 1;
        }
        widths.push(w);
        block(lines, widths, line0, this, minwidth, padding, out);
        widths.pop();
        line0 = this;
    }
    write_lines(lines, widths, line0, line1, out);
}

fn write_lines(
    lines: &[Vec<&str>],
    widths: &[usize],
    line0: usize,
    line1: usize,
    out: &mut String,
) {
    for line in &lines[line0..line1] {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if j < widths.len() && j + 1 < line.len() {
                let pad = widths[j].saturating_sub(width(cell));
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_end_at_lines_without_the_column() {
        let t = "Name:\tweb-0\nNamespace:\tdefault\nIPs:\n  IP:\t10.244.0.5\nControlled By:\tStatefulSet/web\n";
        assert_eq!(
            format(t, 0, 2),
            "Name:       web-0\nNamespace:  default\nIPs:\n  IP:           10.244.0.5\nControlled By:  StatefulSet/web\n"
        );
    }

    #[test]
    fn nested_columns_and_trailing_text() {
        let t = "Events:\n  Type\tReason\tAge\n  ----\t------\t----\n  Normal\tScheduled\t10s\n";
        assert_eq!(
            format(t, 0, 2),
            "Events:\n  Type    Reason     Age\n  ----    ------     ----\n  Normal  Scheduled  10s\n"
        );
    }

    #[test]
    fn empty_leading_cells_align_continuations() {
        let t = "Labels:\tapp=web\n\ttier=front\nAnnotations:\t<none>\n";
        assert_eq!(
            format(t, 0, 2),
            "Labels:       app=web\n              tier=front\nAnnotations:  <none>\n"
        );
    }
}
