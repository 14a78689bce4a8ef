//! kubectl's table layout (R8.0): cells laid out as Go's `text/tabwriter` with minwidth 6,
//! padding 3, padchar space; the last column is not padded.

/// Lays out rows (the first is the header) into lines.
pub fn render(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i + 1 < row.len() {
                widths[i] = widths[i].max(cell.chars().count() + 3);
            }
        }
    }
    for w in widths.iter_mut() {
        *w = (*w).max(6);
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                let pad = widths[i] - cell.chars().count();
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn kc11_pod_table_is_byte_exact() {
        let t = render(&[
            row(&["NAME", "READY", "STATUS", "RESTARTS", "AGE"]),
            row(&["web-0", "1/1", "Running", "0", "90s"]),
        ]);
        assert_eq!(
            t,
            "NAME    READY   STATUS    RESTARTS   AGE\nweb-0   1/1     Running   0          90s\n"
        );
    }
}
