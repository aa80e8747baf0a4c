//! A prose plan as paragraphs: from plain text (lines wrapped mid-sentence joined back) or from
//! a Word document (its paragraphs, with Word's automatic numbering written out as text).

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::Event;

use crate::import::{Problem, ProblemKind};

/// Word parts bigger than this are refused (a small zip can inflate to a huge part).
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;

/// One paragraph and where it starts: the line of a text file, or the paragraph's number in a
/// Word document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub number: usize,
    pub text: String,
}

/// True when `line` opens a heading or a bullet: "II.", "1.", "1.2.3.", "a)", "(1)", "-", "+".
pub fn starts_item(line: &str) -> bool {
    super::shapes::Label::of(line).0 != super::shapes::Label::Plain
}

/// Joins wrapped lines into paragraphs. A line continues the one above unless it opens a
/// heading or a bullet, or the line above ended a sentence well short of the text's width (a
/// short last line: the paragraph ended there) and this one starts with a capital letter.
pub fn from_text(text: &str) -> Vec<Paragraph> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let width = lines
        .iter()
        .map(|(_, l)| l.chars().count())
        .max()
        .unwrap_or(0);
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let mut last_len = usize::MAX;
    let mut last_lines = 0usize;
    for (number, line) in lines {
        let capital = line.chars().next().is_some_and(char::is_uppercase);
        let after_short = last_len.saturating_mul(10) < width.saturating_mul(6);
        // A short line ends its paragraph when it ends a sentence, or when it is a heading
        // ("1.2.1. Công tác chỉ đạo điều hành CCHC"); "+ Tham mưu Chủ tịch" / "UBND tỉnh …"
        // is one bullet wrapped before a name.
        let sentence_ended = paragraphs
            .last()
            .is_some_and(|p: &Paragraph| p.text.ends_with(['.', ':', ';', '!', '?']));
        let heading = paragraphs.last().is_some_and(|p: &Paragraph| {
            matches!(
                super::shapes::Label::of(&p.text).0,
                super::shapes::Label::Numbered(_)
                    | super::shapes::Label::Roman(_)
                    | super::shapes::Label::Paren(_)
            )
        });
        // A one-line heading without a full stop ("1. Các sở, ban, ngành tỉnh; UBND cấp
        // huyện; UBND cấp xã") ends where a wrapped line would have gone on.
        let heading_line = heading
            && !sentence_ended
            && last_lines == 1
            && last_len.saturating_mul(100) < width.saturating_mul(85);
        // "(Thời gian, kết quả … theo Phụ lục đính kèm)" after a sentence: a note of its own.
        let note = line.starts_with('(') && sentence_ended;
        // "Nơi nhận:" (the distribution list) always starts a paragraph of its own.
        let distribution = crate::domain::text::match_key(line).starts_with("noi nhan");
        let new = paragraphs.is_empty()
            || starts_item(line)
            || distribution
            || note
            || (capital && heading_line)
            || (after_short && capital && (sentence_ended || heading));
        last_lines = if new { 1 } else { last_lines + 1 };
        last_len = line.chars().count();
        match paragraphs.last_mut() {
            Some(p) if !new => {
                // A word cut at a hyphen ("2007/QĐ-" + "UBND") joins without a space.
                if !p.text.ends_with('-') || p.text.ends_with(" -") {
                    p.text.push(' ');
                }
                p.text.push_str(line);
            }
            _ => paragraphs.push(Paragraph {
                number,
                text: line.to_string(),
            }),
        }
    }
    paragraphs
}

/// Paragraphs of a Word document, numbered from 1, with automatic numbering written out.
pub fn from_docx(bytes: &[u8]) -> Result<Vec<Paragraph>, Problem> {
    let unreadable =
        |e: &dyn std::fmt::Display| Problem::file(ProblemKind::Unreadable(e.to_string()));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let mut part = |name: &str| -> Result<Option<Vec<u8>>, Problem> {
        let Ok(file) = archive.by_name(name) else {
            return Ok(None);
        };
        if file.size() > MAX_PART_BYTES {
            return Err(Problem::file(ProblemKind::TooLarge {
                bytes: file.size(),
                limit: MAX_PART_BYTES,
            }));
        }
        let mut xml = Vec::new();
        file.take(MAX_PART_BYTES)
            .read_to_end(&mut xml)
            .map_err(|e| unreadable(&e))?;
        Ok(Some(xml))
    };
    let document = part("word/document.xml")?
        .ok_or_else(|| Problem::file(ProblemKind::Unreadable("word/document.xml".into())))?;
    let numbering = match part("word/numbering.xml")? {
        Some(xml) => Numbering::parse(&xml).map_err(|e| unreadable(&e))?,
        None => Numbering::default(),
    };
    let paragraphs = read_document(&document, numbering).map_err(|e| unreadable(&e))?;
    Ok(join_broken(paragraphs))
}

/// A paragraph that starts in the middle of a sentence (a lowercase word, where a page break
/// of the original cut a paragraph in two) continues the one before.
fn join_broken(paragraphs: Vec<Paragraph>) -> Vec<Paragraph> {
    let mut out: Vec<Paragraph> = Vec::with_capacity(paragraphs.len());
    for paragraph in paragraphs {
        let lowercase = paragraph.text.starts_with(char::is_lowercase);
        match out.last_mut() {
            Some(last) if lowercase && !starts_item(&paragraph.text) => {
                last.text.push(' ');
                last.text.push_str(&paragraph.text);
            }
            _ => out.push(paragraph),
        }
    }
    out
}

/// One level of a numbering definition.
#[derive(Debug, Clone, Default)]
struct Level {
    format: String,
    text: String,
    start: u32,
}

/// word/numbering.xml: abstract definitions and the numbering instances pointing at them.
#[derive(Debug, Default)]
struct Numbering {
    abstracts: HashMap<String, HashMap<u32, Level>>,
    instances: HashMap<String, String>,
}

fn attribute(e: &quick_xml::events::BytesStart, name: &[u8]) -> Option<String> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        (a.key.local_name().as_ref() == name).then(|| String::from_utf8_lossy(&a.value).into())
    })
}

impl Numbering {
    fn parse(xml: &[u8]) -> Result<Self, String> {
        let mut reader = quick_xml::Reader::from_reader(xml);
        let mut buf = Vec::new();
        let mut numbering = Numbering::default();
        let mut abstract_id: Option<String> = None;
        let mut level: Option<(u32, Level)> = None;
        let mut num_id: Option<String> = None;
        loop {
            let event = reader
                .read_event_into(&mut buf)
                .map_err(|e| e.to_string())?;
            match &event {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    b"abstractNum" => abstract_id = attribute(e, b"abstractNumId"),
                    b"lvl" => {
                        let ilvl = attribute(e, b"ilvl").and_then(|v| v.parse().ok());
                        level = ilvl.map(|i| {
                            (
                                i,
                                Level {
                                    start: 1,
                                    ..Level::default()
                                },
                            )
                        });
                    }
                    b"start" => {
                        if let (Some((_, l)), Some(v)) = (&mut level, attribute(e, b"val")) {
                            l.start = v.parse().unwrap_or(1);
                        }
                    }
                    b"numFmt" => {
                        if let (Some((_, l)), Some(v)) = (&mut level, attribute(e, b"val")) {
                            l.format = v;
                        }
                    }
                    b"lvlText" => {
                        if let (Some((_, l)), Some(v)) = (&mut level, attribute(e, b"val")) {
                            l.text = v;
                        }
                    }
                    b"num" => num_id = attribute(e, b"numId"),
                    b"abstractNumId" => {
                        if let (Some(n), Some(v)) = (&num_id, attribute(e, b"val")) {
                            numbering.instances.insert(n.clone(), v);
                        }
                    }
                    _ => {}
                },
                Event::End(e) => match e.local_name().as_ref() {
                    b"lvl" => {
                        if let (Some(a), Some((i, l))) = (&abstract_id, level.take()) {
                            numbering
                                .abstracts
                                .entry(a.clone())
                                .or_default()
                                .insert(i, l);
                        }
                    }
                    b"abstractNum" => abstract_id = None,
                    b"num" => num_id = None,
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        Ok(numbering)
    }

    fn level(&self, num_id: &str, ilvl: u32) -> Option<&Level> {
        let abstract_id = self.instances.get(num_id)?;
        self.abstracts.get(abstract_id)?.get(&ilvl)
    }
}

/// "a", "iv", "12" … for a counter in a Word number format.
fn format_number(n: u32, format: &str) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    match format {
        "lowerLetter" | "upperLetter" => {
            let index = (n.max(1) - 1) as usize;
            let letter = LETTERS[index % 26] as char;
            let s = letter.to_string().repeat(index / 26 + 1);
            if format == "upperLetter" {
                s.to_uppercase()
            } else {
                s
            }
        }
        "lowerRoman" => roman(n).to_lowercase(),
        "upperRoman" => roman(n),
        _ => n.to_string(),
    }
}

fn roman(mut n: u32) -> String {
    let table = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, digits) in table {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

/// Counters of the numbering instances met so far: numId → counter per level.
#[derive(Default)]
struct Counters(HashMap<String, Vec<u32>>);

impl Counters {
    /// The label of the next paragraph numbered (`num_id`, `ilvl`): "a)", "1.2.", "-".
    fn next(&mut self, numbering: &Numbering, num_id: &str, ilvl: u32) -> Option<String> {
        let level = numbering.level(num_id, ilvl)?;
        if level.format == "bullet" || level.format == "none" {
            let bullet = match level.text.trim() {
                "+" => "+",
                "" if level.format == "none" => return None,
                _ => "-",
            };
            return Some(bullet.to_string());
        }
        let depth = ilvl as usize + 1;
        let counters = self.0.entry(num_id.to_string()).or_default();
        while counters.len() < depth {
            let missing = counters.len() as u32;
            counters.push(
                numbering
                    .level(num_id, missing)
                    .map_or(1, |l| l.start)
                    .saturating_sub(1),
            );
        }
        counters.truncate(depth);
        counters[depth - 1] += 1;
        let mut label = level.text.clone();
        for (i, value) in counters.iter().enumerate() {
            let format = numbering
                .level(num_id, i as u32)
                .map_or("decimal", |l| l.format.as_str())
                .to_string();
            label = label.replace(&format!("%{}", i + 1), &format_number(*value, &format));
        }
        Some(label)
    }
}

fn read_document(xml: &[u8], numbering: Numbering) -> Result<Vec<Paragraph>, String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut paragraphs = Vec::new();
    let mut counters = Counters::default();
    let mut text = String::new();
    let mut in_text = false;
    let mut in_paragraph = false;
    let mut num: (Option<String>, u32) = (None, 0);
    let mut count = 0usize;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| e.to_string())?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.local_name().as_ref() {
                    b"p" if !empty => {
                        in_paragraph = true;
                        text.clear();
                        num = (None, 0);
                    }
                    b"t" if !empty => in_text = true,
                    b"tab" if in_paragraph => text.push(' '),
                    b"br" if in_paragraph => text.push(' '),
                    b"numId" => num.0 = attribute(e, b"val"),
                    b"ilvl" => {
                        num.1 = attribute(e, b"val")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0)
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_text => {
                let piece = t.decode().map_err(|e| e.to_string())?;
                text.push_str(&piece);
            }
            Event::GeneralRef(r) if in_text => {
                let name = String::from_utf8_lossy(r.as_ref()).to_string();
                let resolved = match name.as_str() {
                    "amp" => "&".to_string(),
                    "lt" => "<".to_string(),
                    "gt" => ">".to_string(),
                    "quot" => "\"".to_string(),
                    "apos" => "'".to_string(),
                    other => other
                        .strip_prefix('#')
                        .and_then(|n| {
                            n.strip_prefix('x')
                                .map_or_else(|| n.parse().ok(), |h| u32::from_str_radix(h, 16).ok())
                        })
                        .and_then(char::from_u32)
                        .map(String::from)
                        .unwrap_or_default(),
                };
                text.push_str(&resolved);
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"p" => {
                    in_paragraph = false;
                    count += 1;
                    let body = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    let label = match (&num.0, body.is_empty()) {
                        (Some(id), false) if id != "0" => counters.next(&numbering, id, num.1),
                        _ => None,
                    };
                    if !body.is_empty() {
                        let text = match label {
                            Some(label) => format!("{label} {body}"),
                            None => body,
                        };
                        paragraphs.push(Paragraph {
                            number: count,
                            text,
                        });
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(paragraphs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_join_until_a_heading_or_bullet() {
        let text = "II. NHIỆM VỤ, GIẢI PHÁP\n\n1. Nội dung “Tham gia của người dân ở cấp \
                    cơ sở”\na) Thực hiện tốt Pháp lệnh thực hiện dân chủ ở xã, phường, thị trấn và\n\
                    Đề án xây dựng mô hình điểm.\n- Sở Tư pháp chủ trì, phối hợp với\ncác cơ quan liên quan:\n\
                    + Tham mưu Chủ tịch\nUBND tỉnh ban hành kế hoạch.\n";
        let paragraphs: Vec<String> = from_text(text).into_iter().map(|p| p.text).collect();
        assert_eq!(
            paragraphs,
            [
                "II. NHIỆM VỤ, GIẢI PHÁP",
                "1. Nội dung “Tham gia của người dân ở cấp cơ sở”",
                "a) Thực hiện tốt Pháp lệnh thực hiện dân chủ ở xã, phường, thị trấn và Đề án xây dựng mô hình điểm.",
                "- Sở Tư pháp chủ trì, phối hợp với các cơ quan liên quan:",
                "+ Tham mưu Chủ tịch UBND tỉnh ban hành kế hoạch.",
            ]
        );
    }

    #[test]
    fn a_short_line_ends_its_paragraph_before_a_capital() {
        let long = format!("Xx{}", " x".repeat(40));
        let text = format!("1.2.1. Công tác chỉ đạo điều hành CCHC\nTiêu chí thực hiện nhiệm vụ:\n{long}\nUBND tỉnh tiếp tục");
        let paragraphs = from_text(&text);
        assert_eq!(paragraphs[0].text, "1.2.1. Công tác chỉ đạo điều hành CCHC");
        assert_eq!(paragraphs[1].text, "Tiêu chí thực hiện nhiệm vụ:");
        assert!(paragraphs[2].text.ends_with("UBND tỉnh tiếp tục"));
    }

    #[test]
    fn word_numbering_is_written_out() {
        let numbering = br#"<w:numbering xmlns:w="w">
            <w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1)"/></w:lvl></w:abstractNum>
            <w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
              <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl></w:abstractNum>
            <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
            <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num></w:numbering>"#;
        let p = |num: &str, ilvl: u32, text: &str| {
            format!(
                r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
            )
        };
        let document = format!(
            "<w:document xmlns:w=\"w\"><w:body>{}{}{}{}{}<w:p><w:r><w:t>Tr&#7841;i &amp; c</w:t></w:r></w:p></w:body></w:document>",
            p("2", 0, "Chỉ số"),
            p("2", 1, "Cải cách"),
            p("1", 0, "Thực hiện"),
            p("1", 0, "Tuyên truyền"),
            p("2", 1, "Thể chế"),
        );
        let numbering = Numbering::parse(numbering).unwrap();
        let paragraphs: Vec<String> = read_document(document.as_bytes(), numbering)
            .unwrap()
            .into_iter()
            .map(|p| p.text)
            .collect();
        assert_eq!(
            paragraphs,
            [
                "1. Chỉ số",
                "1.1. Cải cách",
                "a) Thực hiện",
                "b) Tuyên truyền",
                "1.2. Thể chế",
                "Trại & c"
            ]
        );
    }
}
