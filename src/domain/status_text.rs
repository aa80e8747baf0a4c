//! Status reports typed as free Vietnamese text: "xong việc 3", "đã hoàn thành nhiệm vụ 1.2",
//! "đang làm 2.1", "vướng 4: thiếu kinh phí", "đã nộp báo cáo quý", with or without
//! diacritics. Pure: text in, claims out. The bot never records a claim without the person
//! confirming it, so this reads generously but refuses questions, negations and chat.

use std::fmt;

use super::text::match_key;

/// What a person says about an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    Done,
    InProgress,
    Blocked,
    /// A report sent ("đã nộp báo cáo quý").
    Submitted,
}

/// Which item: a number of the `/viec` list, a task's own dotted number, or a report by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemRef {
    Number(u32),
    Code(String),
    /// The words after "báo cáo", folded ("quy", "6 thang"); may be empty.
    Report(String),
}

impl fmt::Display for ItemRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ItemRef::Number(n) => write!(f, "{n}"),
            ItemRef::Code(code) => f.write_str(code),
            ItemRef::Report(words) if words.is_empty() => f.write_str("báo cáo"),
            ItemRef::Report(words) => write!(f, "báo cáo {words}"),
        }
    }
}

/// One claim read from a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusClaim {
    pub item: ItemRef,
    pub claim: Claim,
    /// What follows a ":" (or "do", "vì") after the claim, as typed.
    pub note: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Token<'a> {
    Word { folded: String },
    Number(&'a str),
    Punct(char),
}

/// Words, numbers ("3", "1.2") and punctuation, with the byte offset each ends at.
fn tokens(text: &str) -> Vec<(Token<'_>, usize)> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_ascii_digit() {
            let mut j = i;
            while j < chars.len()
                && (chars[j].1.is_ascii_digit()
                    || (chars[j].1 == '.'
                        && j + 1 < chars.len()
                        && chars[j + 1].1.is_ascii_digit()))
            {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |(at, _)| *at);
            out.push((Token::Number(&text[start..end]), end));
            i = j;
        } else if c.is_alphabetic() {
            let mut j = i;
            while j < chars.len() && (chars[j].1.is_alphabetic() || is_mark(chars[j].1)) {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |(at, _)| *at);
            out.push((
                Token::Word {
                    folded: match_key(&text[start..end]),
                },
                end,
            ));
            i = j;
        } else {
            if !c.is_whitespace() {
                out.push((Token::Punct(c), start + c.len_utf8()));
            }
            i += 1;
        }
    }
    out
}

fn is_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

/// Status phrases, folded, longest first within each claim.
const PHRASES: &[(&[&str], Claim)] = &[
    (&["da", "hoan", "thanh"], Claim::Done),
    (&["hoan", "thanh"], Claim::Done),
    (&["hoan", "thah"], Claim::Done),
    (&["hoan", "thnah"], Claim::Done),
    (&["hoan", "than"], Claim::Done),
    (&["hoanthanh"], Claim::Done),
    (&["hoan", "tat"], Claim::Done),
    (&["lam", "xong"], Claim::Done),
    (&["xong"], Claim::Done),
    (&["xog"], Claim::Done),
    (&["dang", "thuc", "hien"], Claim::InProgress),
    (&["dang", "thuc", "hin"], Claim::InProgress),
    (&["dang", "lam"], Claim::InProgress),
    (&["dang", "trien", "khai"], Claim::InProgress),
    (&["dang", "tien", "hanh"], Claim::InProgress),
    (&["dang", "xu", "ly"], Claim::InProgress),
    (&["dang", "th"], Claim::InProgress),
    (&["gap", "vuong", "mac"], Claim::Blocked),
    (&["vuong", "mac"], Claim::Blocked),
    (&["vuong"], Claim::Blocked),
    (&["gap", "kho", "khan"], Claim::Blocked),
    (&["kho", "khan"], Claim::Blocked),
    (&["nop", "bao", "cao"], Claim::Submitted),
    (&["gui", "bao", "cao"], Claim::Submitted),
    (&["nop", "bc"], Claim::Submitted),
];

/// Words that name an item before its number.
const ITEM_WORDS: &[&[&str]] = &[
    &["nhiem", "vu", "so"],
    &["nhiem", "vu", "thu"],
    &["nhiem", "vu"],
    &["viec", "so"],
    &["viec", "thu"],
    &["viec"],
    &["cong", "viec"],
    &["muc"],
    &["nv"],
    &["cv"],
    &["task"],
    &["so"],
];

/// A number followed by one of these is a quantity or a time, not an item.
const NOT_ITEM_AFTER: &[&str] = &[
    "gio", "h", "phut", "ngay", "thang", "nam", "trieu", "dong", "nguoi", "lan", "ban", "ho",
    "tuan", "xa", "km", "m", "trang",
];

/// A number right after one of these is part of a date or a report name.
const NOT_ITEM_BEFORE: &[&str] = &["ngay", "thang", "nam", "quy", "luc", "tuan", "lop"];

/// Words that make what follows not a report: negations and question words.
const NEGATIONS: &[&str] = &["chua", "khong", "ko", "k", "chang", "cha", "khg"];

/// Whole words that make a message a question.
const QUESTION_WORDS: &[&[&str]] = &[
    &["bao", "gio"],
    &["the", "nao"],
    &["phai", "khong"],
    &["duoc", "khong"],
    &["co", "phai"],
    &["nhu", "the", "nao"],
    &["la", "gi"],
    &["o", "dau"],
    &["may", "gio"],
    &["sao"],
    &["khong", "a"],
    &["chua", "a"],
    &["chua", "nhi"],
];

#[derive(Debug)]
enum Event {
    Status(Claim),
    Item(ItemRef),
    /// A clause boundary (",", ";", "." and "và" between items).
    Break,
    /// ":" (or "do", "vì" after a claim): the rest of the text is a note, from this byte on.
    Note(usize),
}

fn word<'a>(tokens: &'a [(Token<'_>, usize)], i: usize) -> Option<&'a str> {
    match tokens.get(i) {
        Some((Token::Word { folded }, _)) => Some(folded.as_str()),
        _ => None,
    }
}

fn phrase_at(tokens: &[(Token<'_>, usize)], i: usize, phrase: &[&str]) -> bool {
    phrase
        .iter()
        .enumerate()
        .all(|(k, w)| word(tokens, i + k) == Some(*w))
}

/// Every claim in `text`; none for anything that is not a status report.
pub fn parse(text: &str) -> Vec<StatusClaim> {
    let text = text.trim();
    if text.is_empty() || text.starts_with('/') || text.contains('?') {
        return Vec::new();
    }
    let toks = tokens(text);
    for i in 0..toks.len() {
        if QUESTION_WORDS.iter().any(|q| phrase_at(&toks, i, q)) {
            return Vec::new();
        }
    }
    let mut events = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        // A status phrase, unless negated ("chưa xong", "không vướng").
        if let Some((phrase, claim)) = PHRASES.iter().find(|(p, _)| phrase_at(&toks, i, p)) {
            let negated = i > 0
                && (word(&toks, i - 1).is_some_and(|w| NEGATIONS.contains(&w))
                    || (i > 1
                        && word(&toks, i - 1) == Some("da")
                        && word(&toks, i - 2).is_some_and(|w| NEGATIONS.contains(&w))));
            if negated {
                return Vec::new();
            }
            i += phrase.len();
            if *claim == Claim::Submitted {
                // The report's name: the words up to a clause end, particles left out.
                let mut words = Vec::new();
                while let Some((token, _)) = toks.get(i) {
                    match token {
                        Token::Word { folded } if !PARTICLES.contains(&folded.as_str()) => {
                            words.push(folded.clone())
                        }
                        Token::Word { .. } => {}
                        Token::Number(n) => words.push((*n).to_string()),
                        Token::Punct(_) => break,
                    }
                    i += 1;
                }
                events.push(Event::Status(Claim::Submitted));
                events.push(Event::Item(ItemRef::Report(words.join(" "))));
                continue;
            }
            events.push(Event::Status(*claim));
            continue;
        }
        match &toks[i].0 {
            Token::Punct(':') if events.iter().any(|e| !matches!(e, Event::Break)) => {
                events.push(Event::Note(toks[i].1));
                break;
            }
            Token::Punct(',' | ';' | '.' | '!' | ':' | '-' | '–') => events.push(Event::Break),
            Token::Punct(_) => {}
            Token::Word { folded } if (folded == "do" || folded == "vi") && !events.is_empty() => {
                events.push(Event::Note(toks[i].1));
                break;
            }
            Token::Word { folded } if folded == "va" => events.push(Event::Break),
            Token::Word { .. } => {
                // An item word and its number: "việc 3", "nhiệm vụ số 1.2".
                if let Some(words) = ITEM_WORDS.iter().find(|w| phrase_at(&toks, i, w)) {
                    if let Some((Token::Number(n), _)) = toks.get(i + words.len()) {
                        if let Some(item) = item(n) {
                            events.push(Event::Item(item));
                        }
                        i += words.len() + 1;
                        continue;
                    }
                }
            }
            Token::Number(n) => {
                let after = word(&toks, i + 1);
                let before = i.checked_sub(1).and_then(|b| word(&toks, b));
                let quantity = after.is_some_and(|w| NOT_ITEM_AFTER.contains(&w))
                    || before.is_some_and(|w| NOT_ITEM_BEFORE.contains(&w))
                    || matches!(toks.get(i + 1), Some((Token::Punct('%' | '/'), _)))
                    || (i > 0 && matches!(toks.get(i - 1), Some((Token::Punct('/'), _))));
                if !quantity {
                    if let Some(item) = item(n) {
                        events.push(Event::Item(item));
                    }
                }
            }
        }
        i += 1;
    }
    resolve(text, &events)
}

/// Polite particles and fillers left out of a report's name.
const PARTICLES: &[&str] = &[
    "roi", "a", "nhe", "nha", "nhe", "anh", "chi", "em", "oi", "voi", "cua", "xa", "phuong", "da",
    "luon", "nay", "ky",
];

fn item(number: &str) -> Option<ItemRef> {
    if number.contains('.') {
        return Some(ItemRef::Code(number.to_string()));
    }
    let n: u32 = number.parse().ok()?;
    (1..=999).contains(&n).then_some(ItemRef::Number(n))
}

/// Gives each item the status of its clause: the nearest status before it in the clause, else
/// the first after it; a clause with none takes the previous clause's ("xong việc 1, 2 và 3").
fn resolve(text: &str, events: &[Event]) -> Vec<StatusClaim> {
    let mut clauses: Vec<Vec<&Event>> = vec![Vec::new()];
    let mut note = String::new();
    for event in events {
        match event {
            Event::Break => clauses.push(Vec::new()),
            Event::Note(from) => {
                note = text[*from..].trim().to_string();
            }
            other => {
                if let Some(last) = clauses.last_mut() {
                    last.push(other);
                }
            }
        }
    }
    let mut claims: Vec<StatusClaim> = Vec::new();
    let mut carried: Option<Claim> = None;
    for clause in clauses.iter().filter(|c| !c.is_empty()) {
        let mut current: Option<Claim> = None;
        let mut waiting: Vec<&ItemRef> = Vec::new();
        let mut seen_status = false;
        for event in clause {
            match event {
                Event::Status(claim) => {
                    for item in waiting.drain(..) {
                        claims.push(StatusClaim {
                            item: item.clone(),
                            claim: *claim,
                            note: String::new(),
                        });
                    }
                    current = Some(*claim);
                    seen_status = true;
                }
                Event::Item(item) => match current {
                    Some(claim) => claims.push(StatusClaim {
                        item: item.clone(),
                        claim,
                        note: String::new(),
                    }),
                    None => waiting.push(item),
                },
                _ => {}
            }
        }
        if !seen_status {
            if let Some(claim) = carried {
                for item in waiting.drain(..) {
                    claims.push(StatusClaim {
                        item: item.clone(),
                        claim,
                        note: String::new(),
                    });
                }
            }
        } else {
            carried = current;
        }
    }
    // A report only with an item; the same item once.
    let mut unique: Vec<StatusClaim> = Vec::new();
    for claim in claims {
        if claim.claim == Claim::Submitted && !matches!(claim.item, ItemRef::Report(_)) {
            continue;
        }
        if !unique.iter().any(|c| c.item == claim.item) {
            unique.push(claim);
        }
    }
    if let Some(last) = unique.last_mut() {
        last.note = note;
    }
    unique
}

/// An answer in the one-line syntax Zalo's messages teach (Zalo has no buttons): the item's
/// number, a status, and after ":" a note — `3 xong`, `1.2 đang làm`, `4 vướng: thiếu kinh
/// phí` — or a report's name after "bc" and its text after ":" — `bc quý I: đã hoàn thành 5/6
/// nhiệm vụ`. Only a text that is exactly that reads here; anything looser goes through
/// [`parse`] and is confirmed before it is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OneLine {
    Status(StatusClaim),
    Report {
        /// The words naming the report, folded ("quy i"), for [`report_matches`].
        words: String,
        /// What was typed after the ":", as typed.
        body: String,
    },
}

/// Reads `text` as a [`OneLine`] answer; None when it is anything else.
pub fn one_line(text: &str) -> Option<OneLine> {
    let text = text.trim();
    let toks = tokens(text);
    let rest_after = |at: usize| text[at..].trim().to_string();
    match toks.first()? {
        (Token::Number(n), _) => {
            let item = item(n)?;
            let (phrase, claim) = PHRASES
                .iter()
                .find(|(p, c)| *c != Claim::Submitted && phrase_at(&toks, 1, p))?;
            let note = match toks.get(1 + phrase.len()) {
                None => String::new(),
                Some((Token::Punct(':'), end)) => rest_after(*end),
                Some(_) => return None,
            };
            Some(OneLine::Status(StatusClaim {
                item,
                claim: *claim,
                note,
            }))
        }
        (Token::Word { .. }, _) => {
            let start = if word(&toks, 0) == Some("bc") {
                1
            } else if phrase_at(&toks, 0, &["bao", "cao"]) {
                2
            } else {
                return None;
            };
            let colon = toks
                .iter()
                .position(|(t, _)| matches!(t, Token::Punct(':')))?;
            let words: Vec<String> = toks[start..colon]
                .iter()
                .filter_map(|(t, _)| match t {
                    Token::Word { folded } => Some(folded.clone()),
                    Token::Number(n) => Some((*n).to_string()),
                    Token::Punct(_) => None,
                })
                .collect();
            let body = rest_after(toks[colon].1);
            (!words.is_empty() && !body.is_empty()).then(|| OneLine::Report {
                words: words.join(" "),
                body,
            })
        }
        _ => None,
    }
}

/// Whether a report's label answers to the words typed after "báo cáo" ("quý" matches "Báo
/// cáo quý III"; "quý 3" too).
pub fn report_matches(label: &str, words: &str) -> bool {
    let numeral = |w: &str| -> String {
        match w {
            "i" => "1".into(),
            "ii" => "2".into(),
            "iii" => "3".into(),
            "iv" => "4".into(),
            other => other.into(),
        }
    };
    let label: Vec<String> = match_key(label).split(' ').map(numeral).collect();
    match_key(words)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(numeral)
        .all(|w| label.contains(&w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_one_line_syntax_reads_exactly_and_nothing_looser() {
        let status = |text: &str| match one_line(text) {
            Some(OneLine::Status(claim)) => Some((claim.item, claim.claim, claim.note)),
            _ => None,
        };
        assert_eq!(status("3 xong"), Some((n(3), Claim::Done, String::new())));
        assert_eq!(
            status("1.2 đang làm"),
            Some((code("1.2"), Claim::InProgress, String::new()))
        );
        assert_eq!(
            status("4 vướng: thiếu kinh phí"),
            Some((n(4), Claim::Blocked, "thiếu kinh phí".into()))
        );
        assert_eq!(
            status("2 hoàn thành"),
            Some((n(2), Claim::Done, String::new()))
        );
        assert_eq!(status(" 2 XONG "), Some((n(2), Claim::Done, String::new())));
        for looser in [
            "xong 3",
            "3 xong rồi",
            "3 và 4 xong",
            "3 chưa xong",
            "việc 3 xong",
            "3 xong?",
            "3",
            "1",
        ] {
            assert_eq!(one_line(looser), None, "{looser}");
        }
        assert_eq!(
            one_line("bc quý I: đã hoàn thành 5/6 nhiệm vụ"),
            Some(OneLine::Report {
                words: "quy i".into(),
                body: "đã hoàn thành 5/6 nhiệm vụ".into()
            })
        );
        assert_eq!(
            one_line("Báo cáo 6 tháng: xong"),
            Some(OneLine::Report {
                words: "6 thang".into(),
                body: "xong".into()
            })
        );
        assert_eq!(one_line("bc quý I"), None, "a report needs its text");
        assert_eq!(one_line("bc: nội dung"), None, "and its name");
        assert!(report_matches("Báo cáo quý I", "quy i"));
    }

    fn n(n: u32) -> ItemRef {
        ItemRef::Number(n)
    }
    fn code(c: &str) -> ItemRef {
        ItemRef::Code(c.into())
    }
    fn report(w: &str) -> ItemRef {
        ItemRef::Report(w.into())
    }

    /// A phrasing, what it says (item and claim each), and the note of its last claim.
    type Case = (&'static str, Vec<(ItemRef, Claim)>, &'static str);

    fn corpus() -> Vec<Case> {
        use Claim::*;
        vec![
            // The phrasings.
            ("xong việc 3", vec![(n(3), Done)], ""),
            ("đã hoàn thành nhiệm vụ 1.2", vec![(code("1.2"), Done)], ""),
            ("đang làm 2.1", vec![(code("2.1"), InProgress)], ""),
            (
                "vướng 4: thiếu kinh phí",
                vec![(n(4), Blocked)],
                "thiếu kinh phí",
            ),
            ("đã nộp báo cáo quý", vec![(report("quy"), Submitted)], ""),
            ("xã em đã làm xong việc 3 rồi ạ", vec![(n(3), Done)], ""),
            // Without diacritics.
            ("xong viec 3", vec![(n(3), Done)], ""),
            ("da hoan thanh nhiem vu 1.2", vec![(code("1.2"), Done)], ""),
            ("dang lam 2.1", vec![(code("2.1"), InProgress)], ""),
            (
                "vuong 4: thieu kinh phi",
                vec![(n(4), Blocked)],
                "thieu kinh phi",
            ),
            ("da nop bao cao quy", vec![(report("quy"), Submitted)], ""),
            ("xa em da lam xong viec 3 roi a", vec![(n(3), Done)], ""),
            // Polite particles and forms of address.
            ("Dạ, việc 5 em đã hoàn thành rồi ạ", vec![(n(5), Done)], ""),
            (
                "Báo cáo anh: nhiệm vụ 2.3 đã xong ạ",
                vec![(code("2.3"), Done)],
                "",
            ),
            (
                "em xin báo cáo việc 2 đang thực hiện ạ",
                vec![(n(2), InProgress)],
                "",
            ),
            (
                "Phường em đang triển khai việc 4 anh nhé",
                vec![(n(4), InProgress)],
                "",
            ),
            ("việc 1 xong rồi nhé", vec![(n(1), Done)], ""),
            ("nhiệm vụ số 7 đã hoàn thành", vec![(n(7), Done)], ""),
            ("việc thứ 2 đang làm", vec![(n(2), InProgress)], ""),
            ("Dạ xong 3 ạ", vec![(n(3), Done)], ""),
            ("xong 2.2 rồi", vec![(code("2.2"), Done)], ""),
            ("hoàn thành 1.1", vec![(code("1.1"), Done)], ""),
            ("Đã hoàn tất nhiệm vụ 3.4", vec![(code("3.4"), Done)], ""),
            ("Việc 6 đang tiến hành", vec![(n(6), InProgress)], ""),
            ("nv 2 đang xử lý", vec![(n(2), InProgress)], ""),
            ("muc 3 xong", vec![(n(3), Done)], ""),
            // Typos.
            ("hoan thah viec 2", vec![(n(2), Done)], ""),
            ("đã hoàn thnah nhiệm vụ 4", vec![(n(4), Done)], ""),
            ("xog việc 1", vec![(n(1), Done)], ""),
            ("dang thuc hin viec 3", vec![(n(3), InProgress)], ""),
            ("HOÀN THÀNH VIỆC 2", vec![(n(2), Done)], ""),
            ("Xong  việc   8", vec![(n(8), Done)], ""),
            ("hoanthanh 1.3", vec![(code("1.3"), Done)], ""),
            // Blocked, with reasons.
            (
                "gặp vướng mắc việc 2 do thiếu kinh phí",
                vec![(n(2), Blocked)],
                "thiếu kinh phí",
            ),
            (
                "việc 5 vướng mắc: chưa có hướng dẫn của tỉnh",
                vec![(n(5), Blocked)],
                "chưa có hướng dẫn của tỉnh",
            ),
            (
                "vuong mac 1.4 vi thieu nguoi",
                vec![(code("1.4"), Blocked)],
                "thieu nguoi",
            ),
            (
                "Nhiệm vụ 3 gặp khó khăn: máy in hỏng",
                vec![(n(3), Blocked)],
                "máy in hỏng",
            ),
            ("vướng việc 6", vec![(n(6), Blocked)], ""),
            // Several tasks in one line.
            (
                "xong việc 1, 2 và 3",
                vec![(n(1), Done), (n(2), Done), (n(3), Done)],
                "",
            ),
            (
                "việc 3 xong, việc 4 đang làm",
                vec![(n(3), Done), (n(4), InProgress)],
                "",
            ),
            (
                "đã hoàn thành 1.1, 1.2; đang làm 2.1",
                vec![
                    (code("1.1"), Done),
                    (code("1.2"), Done),
                    (code("2.1"), InProgress),
                ],
                "",
            ),
            (
                "xong viec 1 va viec 2",
                vec![(n(1), Done), (n(2), Done)],
                "",
            ),
            (
                "việc 2 xong. việc 5 vướng: chưa có kinh phí",
                vec![(n(2), Done), (n(5), Blocked)],
                "chưa có kinh phí",
            ),
            (
                "đang làm việc 1 và việc 4",
                vec![(n(1), InProgress), (n(4), InProgress)],
                "",
            ),
            // Reports.
            (
                "đã nộp báo cáo quý III rồi ạ",
                vec![(report("quy iii"), Submitted)],
                "",
            ),
            (
                "em gửi báo cáo 6 tháng",
                vec![(report("6 thang"), Submitted)],
                "",
            ),
            ("nộp báo cáo năm", vec![(report("nam"), Submitted)], ""),
            (
                "da gui bao cao quy 3",
                vec![(report("quy 3"), Submitted)],
                "",
            ),
            // Not status reports: questions, greetings, chat, negations, quantities.
            (
                "Anh ơi cho em hỏi lịch họp chiều nay mấy giờ ạ?",
                vec![],
                "",
            ),
            ("Anh ơi cho em hỏi lịch họp chiều nay mấy giờ ạ", vec![], ""),
            ("Chào anh ạ", vec![], ""),
            ("Cảm ơn anh nhiều", vec![], ""),
            ("vâng ạ", vec![], ""),
            ("ok", vec![], ""),
            ("Xong rồi ạ", vec![], ""),
            ("việc 3 xong chưa ạ", vec![], ""),
            ("việc 3 là gì vậy anh", vec![], ""),
            ("chưa xong việc 3", vec![], ""),
            ("việc 4 chưa hoàn thành", vec![], ""),
            ("không vướng gì việc 2", vec![], ""),
            ("em đang họp, lát em gọi lại", vec![], ""),
            ("họp lúc 3 giờ xong em báo", vec![], ""),
            ("đã hoàn thành 100% kế hoạch", vec![], ""),
            ("xong ngày 15/11", vec![], ""),
            ("Bao giờ phải nộp báo cáo quý?", vec![], ""),
            ("nộp báo cáo như thế nào", vec![], ""),
            ("/viec", vec![], ""),
            ("", vec![], ""),
            ("Em Lan ở xã Minh Khai ạ", vec![], ""),
            ("Sáng mai 8 giờ họp giao ban", vec![], ""),
            ("Hôm nay xã em có 25 người dự họp", vec![], ""),
            ("thứ 2 em gửi", vec![], ""),
        ]
    }

    #[test]
    fn reads_real_phrasings() {
        let corpus = corpus();
        assert!(corpus.len() >= 60, "{} phrasings", corpus.len());
        let mut wrong = Vec::new();
        for (text, expected, note) in &corpus {
            let got = parse(text);
            let got_pairs: Vec<(ItemRef, Claim)> =
                got.iter().map(|c| (c.item.clone(), c.claim)).collect();
            let got_note = got.last().map(|c| c.note.as_str()).unwrap_or("");
            if &got_pairs != expected || got_note != *note {
                wrong.push(format!("{text:?}: got {got:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    /// Precision: of the claims the parser reads, how many are right (README: "Free-text
    /// status reports"). Every claim is confirmed before it is recorded, but a wrong proposal
    /// still costs the person a tap; recall matters less (they can use the buttons).
    #[test]
    fn precision_over_the_corpus() {
        let (mut proposed, mut right, mut expected_total) = (0usize, 0usize, 0usize);
        for (text, expected, _) in corpus() {
            expected_total += expected.len();
            for claim in parse(text) {
                proposed += 1;
                if expected.contains(&(claim.item.clone(), claim.claim)) {
                    right += 1;
                }
            }
        }
        let precision = right as f64 / proposed.max(1) as f64;
        let recall = right as f64 / expected_total.max(1) as f64;
        println!("status_text: precision {precision:.3} ({right}/{proposed}), recall {recall:.3}");
        assert!(precision >= 0.95, "precision {precision:.3}");
        assert!(recall >= 0.9, "recall {recall:.3}");
    }

    #[test]
    fn report_names_match_labels() {
        assert!(report_matches("Báo cáo quý III", "quy"));
        assert!(report_matches("Báo cáo quý III", "quy 3"));
        assert!(!report_matches("Báo cáo quý I", "quy 3"));
        assert!(report_matches("Báo cáo 6 tháng", "6 thang"));
        assert!(!report_matches("Báo cáo năm", "quy"));
    }
}
