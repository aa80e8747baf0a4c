//! The one way the command line prints a table: a header row, then rows, in columns two
//! spaces apart, each as wide as its widest cell as a terminal shows it.

use unicode_width::UnicodeWidthStr;

/// How many terminal columns `text` takes: a Vietnamese letter is one column whether it is
/// written composed (NFC, "ệ") or as a base letter and combining marks (NFD, "e" + U+0323 +
/// U+0302), and wide characters (CJK, most emoji) take two. Counting `char`s would make NFD
/// text two or three columns too wide per accented letter.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// Rows as aligned columns (two spaces apart; `right[i]`: numbers, flush right). The first
/// row is usually the header (`messages::Table::header`). Lines carry no trailing spaces.
pub fn aligned(rows: &[Vec<String>], right: &[bool]) -> Vec<String> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| width(cell))
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(c, cell)| {
                    let pad = " ".repeat(widths[c].saturating_sub(width(cell)));
                    match right.get(c).copied().unwrap_or(false) {
                        true => format!("{pad}{cell}"),
                        false if c + 1 == row.len() => cell.clone(),
                        false => format!("{cell}{pad}"),
                    }
                })
                .collect();
            // An empty last cell would leave the separator behind.
            cells.join("  ").trim_end().to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    /// The terminal column where `needle` starts in `line`.
    fn column(line: &str, needle: &str) -> usize {
        let at = line.find(needle).expect("present");
        width(&line[..at])
    }

    #[test]
    fn composed_and_decomposed_vietnamese_line_up() {
        let nfc = "Phường Bến Nghé".nfc().collect::<String>();
        let nfd = "Sở Nội vụ tỉnh Quảng Ngãi".nfd().collect::<String>();
        assert!(nfd.chars().count() > width(&nfd), "NFD has combining marks");
        let rows = vec![
            vec!["mã".to_string(), "tên".to_string(), "cấp".to_string()],
            vec!["PBN".to_string(), nfc.clone(), "xã".to_string()],
            vec!["SNV".to_string(), nfd.clone(), "sở".to_string()],
        ];
        let lines = aligned(&rows, &[]);
        assert_eq!(
            column(&lines[0], "cấp"),
            column(&lines[1], "xã"),
            "{lines:#?}"
        );
        assert_eq!(
            column(&lines[0], "cấp"),
            column(&lines[2], "sở"),
            "{lines:#?}"
        );
        assert_eq!(column(&lines[1], "xã"), width(&nfd) + 2 + 3 + 2);
        assert!(lines.iter().all(|l| !l.ends_with(' ')), "{lines:#?}");
    }

    #[test]
    fn numbers_flush_right_and_wide_characters_count_two() {
        let rows = vec![
            vec!["loại".to_string(), "chờ".to_string()],
            vec!["漢字".to_string(), "7".to_string()],
            vec!["x".to_string(), "1234".to_string()],
        ];
        let lines = aligned(&rows, &[false, true]);
        assert_eq!(lines[0], "loại   chờ");
        assert_eq!(lines[1], "漢字     7");
        assert_eq!(lines[2], "x     1234");
    }
}
