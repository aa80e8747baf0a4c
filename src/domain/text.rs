//! Text as officials type it: diacritics, case, stray punctuation and HTML remnants vary, the
//! meaning does not. [`match_key`] is the one comparison form used for unit names and headers.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Lower-case, diacritics removed (đ → d), punctuation as spaces, whitespace collapsed.
/// "UBND các xã, Phường." and "ubnd cac xa phuong" give the same key.
pub fn match_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        };
        if c == ' ' {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Cleans one cell: HTML remnants from web copies become line breaks or vanish, non-breaking
/// spaces become spaces, each line is trimmed and runs of spaces collapse; empty lines go.
pub fn clean_cell(raw: &str) -> String {
    let without_html = strip_html(raw);
    let mut lines = Vec::new();
    for line in without_html.lines() {
        let collapsed = line
            .replace(['\u{a0}', '\u{200b}', '\t'], " ")
            .split(' ')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if !collapsed.is_empty() {
            lines.push(collapsed);
        }
    }
    lines.join("\n")
}

/// `<p>`, `<br>`, `<li>` start a new line; every other tag (`<i>`, `<ul style=…>`) is dropped.
fn strip_html(raw: &str) -> String {
    if !raw.contains('<') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('>') {
            Some(end) if looks_like_tag(&after[..end]) => {
                let tag = after[..end].trim_start_matches('/').to_ascii_lowercase();
                if ["p", "br", "li", "div"].iter().any(|t| {
                    tag == *t || tag.starts_with(&format!("{t} ")) || tag == format!("{t}/")
                }) {
                    out.push('\n');
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn looks_like_tag(inner: &str) -> bool {
    let name = inner.trim_start_matches('/');
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .take_while(|c| !c.is_whitespace())
            .all(|c| c.is_ascii_alphanumeric() || c == '/')
}

/// True when the text starts like the middle of a sentence (a lower-case letter), which is how
/// a cell cut by a page break continues.
pub fn starts_lowercase(text: &str) -> bool {
    text.chars().next().is_some_and(|c| c.is_lowercase())
}

/// Telegram's limit for a photo's or document's caption, in UTF-16 units like texts.
pub const TELEGRAM_CAPTION_LIMIT: usize = 1024;

/// `text` cut to at most `limit` UTF-16 units (an ellipsis marks a cut), on a character
/// boundary: what fits in a caption.
pub fn fit_utf16(text: &str, limit: usize) -> String {
    if text.encode_utf16().count() <= limit {
        return text.to_string();
    }
    let mut used = '…'.len_utf16();
    let mut out = String::new();
    for ch in text.chars() {
        used += ch.len_utf16();
        if used > limit {
            break;
        }
        out.push(ch);
    }
    out.push('…');
    out
}

/// Shortens for one-line listings, on a character boundary.
pub fn ellipsize(text: &str, max_chars: usize) -> String {
    let one_line = text.replace('\n', " ");
    if one_line.chars().count() <= max_chars {
        return one_line;
    }
    let cut: String = one_line.chars().take(max_chars.saturating_sub(1)).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_fit_telegrams_limit_in_utf16_units() {
        let emoji = "😀".repeat(600);
        let fitted = fit_utf16(&emoji, TELEGRAM_CAPTION_LIMIT);
        assert_eq!(fitted.encode_utf16().count(), 1023);
        assert!(fitted.ends_with('…'));
        assert_eq!(fit_utf16("ngắn", TELEGRAM_CAPTION_LIMIT), "ngắn");
    }

    #[test]
    fn keys_ignore_case_diacritics_and_punctuation() {
        assert_eq!(match_key("UBND các xã, Phường."), "ubnd cac xa phuong");
        assert_eq!(match_key("Đài PT&TH tỉnh"), match_key("Đài PT-TH  tỉnh"));
        assert_eq!(
            match_key("Phòng Văn hóa – Thông tin"),
            "phong van hoa thong tin"
        );
        assert_eq!(match_key("  "), "");
    }

    #[test]
    fn cells_lose_html_and_extra_space() {
        assert_eq!(
            clean_cell("<ul style=\"list-style-type: none\"> - Một  việc <p>- Hai</p>"),
            "- Một việc\n- Hai"
        );
        assert_eq!(
            clean_cell("Cơ sở (<i>giao thông</i>)"),
            "Cơ sở (giao thông)"
        );
        assert_eq!(clean_cell("a < b > c"), "a < b > c");
    }
}

/// Telegram's longest message text, counted as Telegram counts it (UTF-16 code units).
pub const TELEGRAM_TEXT_LIMIT: usize = 4096;

/// Zalo's longest message text (characters; `split_message` counts UTF-16 units, never
/// fewer, so its pieces fit).
pub const ZALO_TEXT_LIMIT: usize = 2000;

/// Splits `text` into pieces of at most `limit` UTF-16 code units, at line ends: lines stay
/// whole unless one line alone is longer than `limit`, which is then cut between words
/// (or, failing that, between characters).
pub fn split_message(text: &str, limit: usize) -> Vec<String> {
    let limit = limit.max(1);
    let width = |s: &str| s.encode_utf16().count();
    // Most texts fit in one piece, which is then the text itself (its lines joined again).
    if width(text) <= limit {
        return vec![text.to_string()];
    }
    let mut pieces = Vec::new();
    let mut current = String::new();
    for line in text.split('\n') {
        let mut line = line;
        loop {
            let joiner = usize::from(!current.is_empty());
            if width(&current) + joiner + width(line) <= limit {
                if joiner == 1 {
                    current.push('\n');
                }
                current.push_str(line);
                break;
            }
            if !current.is_empty() {
                pieces.push(std::mem::take(&mut current));
                continue;
            }
            // One line longer than a whole message: cut it.
            let cut = cut_point(line, limit);
            pieces.push(line[..cut].trim_end().to_string());
            line = line[cut..].trim_start();
        }
    }
    if !current.trim().is_empty() || pieces.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// The byte index to cut `line` at so the head fits `limit` UTF-16 units: the last space that
/// fits, else the last character boundary that fits (always at least one character).
fn cut_point(line: &str, limit: usize) -> usize {
    let mut used = 0;
    let mut last_fit = 0;
    let mut last_space = None;
    for (index, ch) in line.char_indices() {
        used += ch.len_utf16();
        if used > limit {
            break;
        }
        last_fit = index + ch.len_utf8();
        if ch == ' ' {
            last_space = Some(index);
        }
    }
    match last_space {
        Some(space) if space > 0 => space,
        _ => last_fit.max(line.chars().next().map_or(1, char::len_utf8)),
    }
}

#[cfg(test)]
mod split_tests {
    use super::*;

    #[test]
    fn short_text_is_one_piece() {
        assert_eq!(split_message("a\nb", 10), vec!["a\nb"]);
    }

    #[test]
    fn splits_between_lines_never_inside_one() {
        let text = "dòng một\ndòng hai\ndòng ba";
        let pieces = split_message(text, 17);
        assert_eq!(pieces, vec!["dòng một\ndòng hai", "dòng ba"]);
        for piece in split_message("x".repeat(30).replace('x', "ab\n").trim_end(), 7) {
            assert!(piece.encode_utf16().count() <= 7);
            assert!(piece.split('\n').all(|l| l == "ab"), "{piece:?}");
        }
    }

    #[test]
    fn a_6000_character_line_is_cut_between_words() {
        let text = "nhiệm vụ ".repeat(700);
        let pieces = split_message(&text, TELEGRAM_TEXT_LIMIT);
        assert_eq!(pieces.len(), 2);
        assert!(pieces
            .iter()
            .all(|p| p.encode_utf16().count() <= TELEGRAM_TEXT_LIMIT));
        assert_eq!(pieces.join(" ").split_whitespace().count(), 1400);
    }

    #[test]
    fn emoji_count_as_two_units() {
        let text = "😀".repeat(3000);
        let pieces = split_message(&text, TELEGRAM_TEXT_LIMIT);
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[0].chars().count(), 2048);
    }
}
