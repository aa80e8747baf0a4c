//! Finding the tasks in a prose plan's paragraphs.
//!
//! The plan is cut at its Roman-numbered parts. Parts about purpose, requirements and targets
//! ("MỤC ĐÍCH, YÊU CẦU", "MỤC TIÊU") give nothing; a part about tasks ("NHIỆM VỤ, GIẢI PHÁP")
//! gives the tasks; "TỔ CHỨC THỰC HIỆN" gives leads carried back to a dimension it names and the
//! units that implement everything (its item 1, when that item is a list of units).
//!
//! In a task part, numbered headings ("1.", "1.2.3.") and lettered headings followed by bullets
//! ("a) Đối với lĩnh vực …" then "- …") are dimensions, and three shapes make tasks:
//! - a criterion block: "(1) Tiêu chí …" or a criterion line, then "- Cơ quan chủ trì tham mưu:",
//!   "- Cơ quan thực hiện:" / "- Cơ quan phối hợp:", "- Nhiệm vụ, giải pháp:" and its "+" lines;
//! - a lead-and-partners bullet: "- Sở Tư pháp chủ trì, phối hợp với …:" with "+" lines, or
//!   "- Các sở, ban ngành, UBND cấp huyện chủ động rà soát …" (the subject implements);
//! - a lettered task: "a) UBND cấp xã thực hiện …", its subject (or the units a lead-in line
//!   named, or the plan's implementers) implementing it.

use super::{ProseTask, Review};
use crate::domain::plan::Dimension;
use crate::domain::text::match_key;
use crate::domain::timeframe;
use crate::import::{Column, ProblemKind, UnitDirectory};

use super::paragraphs::Paragraph;

/// How a paragraph opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    /// "II."
    Roman(String),
    /// "1." "1.2.3."
    Numbered(Vec<u32>),
    /// "(1)"
    Paren(u32),
    /// "a)" "đ)"
    Letter(char),
    Dash,
    Plus,
    Plain,
}

impl Label {
    /// The label and the text after it.
    pub fn of(text: &str) -> (Label, &str) {
        let text = text.trim_start();
        let rest_after = |n: usize| text[n..].trim_start();
        let mut chars = text.char_indices();
        let Some((_, first)) = chars.next() else {
            return (Label::Plain, text);
        };
        let second = chars.next().map(|(_, c)| c);
        let spaced = |c: Option<char>| c.is_none_or(char::is_whitespace);
        if matches!(first, '-' | '–' | '•') && spaced(second) {
            return (Label::Dash, rest_after(first.len_utf8()));
        }
        if first == '+' && spaced(second) {
            return (Label::Plus, rest_after(1));
        }
        if first == '(' {
            let digits: String = text[1..].chars().take_while(char::is_ascii_digit).collect();
            let after = 1 + digits.len();
            if !digits.is_empty()
                && text[after..].starts_with(')')
                && spaced(text[after + 1..].chars().next())
            {
                if let Ok(n) = digits.parse() {
                    return (Label::Paren(n), rest_after(after + 1));
                }
            }
        }
        if (first.is_ascii_lowercase() || first == 'đ') && second == Some(')') {
            let after = first.len_utf8() + 1;
            if spaced(text[after..].chars().next()) {
                return (Label::Letter(first), rest_after(after));
            }
        }
        let roman: String = text.chars().take_while(|c| "IVXL".contains(*c)).collect();
        if !roman.is_empty() && text[roman.len()..].starts_with('.') {
            let after = roman.len() + 1;
            if spaced(text[after..].chars().next()) {
                return (Label::Roman(roman), rest_after(after));
            }
        }
        if first.is_ascii_digit() {
            let label: String = text
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let numbers: Vec<u32> = label
                .split('.')
                .filter(|p| !p.is_empty())
                .filter_map(|p| p.parse().ok())
                .collect();
            let dotted = label.ends_with('.');
            let ok = spaced(text[label.len()..].chars().next())
                && !label.contains("..")
                && (dotted || numbers.len() > 1)
                && numbers.iter().all(|n| *n < 100);
            if ok && !numbers.is_empty() {
                return (Label::Numbered(numbers), rest_after(label.len()));
            }
        }
        (Label::Plain, text)
    }
}

/// What a part of the plan is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Preamble,
    Skipped,
    Tasks,
    Organisation,
}

fn part_of(title: &str) -> Part {
    let key = match_key(title);
    if key.contains("to chuc thuc hien") {
        Part::Organisation
    } else if key.contains("nhiem vu") || key.contains("giai phap") {
        Part::Tasks
    } else {
        Part::Skipped
    }
}

/// A heading above tasks.
#[derive(Debug, Clone)]
struct Heading {
    depth: usize,
    code: String,
    title: String,
}

/// "Đối với nội dung “Tham gia của người dân ở cấp cơ sở”" → "Tham gia của người dân ở cấp cơ sở".
pub fn clean_title(text: &str) -> String {
    let mut t = text
        .trim()
        .trim_end_matches([':', '.', ';'])
        .trim()
        .to_string();
    for prefix in ["Đối với ", "đối với ", "Về ", "về "] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.trim().to_string();
        }
    }
    for prefix in ["nội dung ", "Nội dung ", "lĩnh vực ", "Lĩnh vực "] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.trim().to_string();
        }
    }
    let t = t.trim_matches(['“', '”', '"', '*', ' ']).to_string();
    let mut chars = t.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => t,
    }
}

/// Who a sentence names: its subject (the units it opens with), whether the subject leads
/// ("chủ trì"), its partners ("phối hợp với …") and the text after a "Subject:" opening.
#[derive(Debug, Default, Clone)]
pub struct Sentence {
    pub subject: Option<String>,
    pub subject_leads: bool,
    pub partners: Option<String>,
    pub body: Option<String>,
    /// Unit phrases that did not read (a list going on past what resolved, a partner phrase).
    pub unclear: Vec<String>,
}

/// "các Sở: Tư pháp, Tài chính, …" → "Sở Tư pháp, Sở Tài chính, …": the head noun given once
/// for a list. A thin local step before the shared resolver.
pub fn distribute_heads(text: &str) -> String {
    for head in ["các sở:", "các sở "] {
        let Some((at, end)) = find_ci(text, head) else {
            continue;
        };
        if head == "các sở " && !text[end..].trim_start().starts_with(':') {
            continue;
        }
        let after_start = text[at..].find(':').map(|i| at + i + 1).unwrap_or(at);
        let mut out = text[..at].to_string();
        let mut rest = &text[after_start..];
        let mut first = true;
        loop {
            let trimmed = rest.trim_start();
            if !trimmed.chars().next().is_some_and(char::is_uppercase) {
                break;
            }
            let cut = trimmed.find(',').unwrap_or(trimmed.len());
            if !first {
                out.push_str(", ");
            }
            out.push_str("Sở ");
            out.push_str(trimmed[..cut].trim());
            first = false;
            rest = trimmed.get(cut + 1..).unwrap_or("");
            if cut == trimmed.len() {
                break;
            }
        }
        if first {
            continue;
        }
        out.push_str(", ");
        out.push_str(rest.trim_start());
        return out.trim_end_matches([',', ' ']).to_string();
    }
    text.to_string()
}

/// Where `needle` (lowercase) first occurs in `haystack` ignoring case: its start and end as
/// byte offsets of `haystack` (always on character boundaries, whatever lowercasing does to
/// the length of a character).
fn find_ci(haystack: &str, needle: &str) -> Option<(usize, usize)> {
    let lower: Vec<(usize, char)> = haystack
        .char_indices()
        .flat_map(|(i, c)| c.to_lowercase().map(move |l| (i, l)))
        .collect();
    let needle: Vec<char> = needle.chars().collect();
    if needle.is_empty() || lower.len() < needle.len() {
        return None;
    }
    let start = lower
        .windows(needle.len())
        .position(|w| w.iter().map(|(_, c)| *c).eq(needle.iter().copied()))?;
    let end = lower
        .get(start + needle.len())
        .map_or(haystack.len(), |(i, _)| *i);
    Some((lower[start].0, end))
}

/// The longest opening of `text` that names units and nothing else, and where it ends.
pub fn unit_prefix(directory: &UnitDirectory, text: &str) -> Option<(String, usize)> {
    let mut best = None;
    let mut words = 0;
    let mut in_word = false;
    let mut ends = Vec::new();
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            in_word = true;
        } else if in_word {
            in_word = false;
            ends.push(i);
        }
    }
    if in_word {
        ends.push(text.len());
    }
    for end in ends {
        words += 1;
        if words > 40 {
            break;
        }
        let phrase = text[..end].trim();
        let resolution = directory.resolve(phrase, Column::Implementing);
        if resolution.problems.is_empty() && !resolution.units.is_empty() {
            best = Some((phrase.to_string(), end));
        }
    }
    best
}

fn words_before(text: &str, n: usize) -> String {
    text.split_whitespace()
        .take(n)
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches([',', ':', ';', '.'])
        .to_string()
}

/// Reads who a sentence names.
pub fn analyse(directory: &UnitDirectory, text: &str) -> Sentence {
    let expanded = distribute_heads(text);
    let mut sentence = Sentence::default();
    let mut rest: &str = &expanded;
    if let Some((subject, end)) = unit_prefix(directory, &expanded) {
        sentence.subject = Some(subject);
        rest = &expanded[end..];
    } else if let Some(colon) = expanded.find(':') {
        // "Lĩnh vực cải cách thể chế: Sở Tư pháp chủ trì tham mưu."
        let after = &expanded[colon + 1..];
        if let Some((subject, end)) = unit_prefix(directory, after) {
            sentence.subject = Some(subject);
            rest = &after[end..];
        }
    }
    if sentence.subject.is_none() {
        return sentence;
    }
    let trimmed = rest.trim_start();
    list_goes_on(trimmed, &mut sentence.unclear);
    if let Some(body) = trimmed.strip_prefix(':') {
        sentence.body = Some(body.trim().to_string()).filter(|b| !b.is_empty());
    }
    let key = match_key(trimmed);
    let opening: Vec<&str> = key.split(' ').take(9).collect();
    sentence.subject_leads = opening.windows(2).any(|w| w == ["chu", "tri"]);
    sentence.partners = partners(directory, trimmed, &mut sentence.unclear);
    sentence
}

/// A list of units going on past what resolved ("Các cơ quan, đơn vị, địa phương thực hiện"):
/// the words after the last unit that resolved are noted, never dropped in silence.
fn list_goes_on(rest: &str, unclear: &mut Vec<String>) {
    let trimmed = rest.trim_start();
    let Some(more) = trimmed
        .strip_prefix(',')
        .or_else(|| trimmed.strip_prefix(';'))
        .or_else(|| trimmed.strip_prefix("và "))
    else {
        return;
    };
    let unread = words_before(more, 2);
    let capital = more.trim_start().starts_with(char::is_uppercase);
    if !unread.is_empty() && (capital || match_key(&unread).starts_with("dia phuong")) {
        unclear.push(unread);
    }
}

/// The units after "phối hợp (với)" near the start of `rest`.
fn partners(directory: &UnitDirectory, rest: &str, unclear: &mut Vec<String>) -> Option<String> {
    let (at, end) = find_ci(rest, "phối hợp")?;
    if rest[..at].split_whitespace().count() > 12 {
        return None;
    }
    let mut after = &rest[end..];
    if let Some((0, with_end)) = find_ci(after.trim_start(), "với ") {
        after = &after.trim_start()[with_end..];
    }
    match unit_prefix(directory, after) {
        Some((phrase, end)) => {
            list_goes_on(&after[end..], unclear);
            Some(phrase)
        }
        None => {
            unclear.push(words_before(after, 5));
            None
        }
    }
}

/// A task being read.
#[derive(Debug, Clone, Default)]
struct Open {
    paragraph: usize,
    dimension: Option<Dimension>,
    criterion: Option<String>,
    lines: Vec<String>,
    source: Vec<String>,
    leads: Vec<String>,
    implementers: Vec<String>,
    /// A subject or block named who implements (the plan-wide implementers do not apply).
    named: bool,
    /// The subject, when it may still turn out to lead ("- Sở Y tế:" then "+ Chủ trì …").
    subject: Option<String>,
    block: bool,
    block_lines: bool,
    unclear: Vec<(Column, String)>,
}

/// The tasks found, before their units are resolved.
pub struct Found {
    pub tasks: Vec<ProseTask>,
}

struct Reader<'d> {
    directory: &'d UnitDirectory,
    headings: Vec<Heading>,
    pending_criterion: Option<String>,
    context: Option<String>,
    open: Option<Open>,
    done: Vec<Open>,
    timeframe: Option<String>,
}

impl Reader<'_> {
    fn close(&mut self) {
        if let Some(task) = self.open.take() {
            self.done.push(task);
        }
    }

    fn dimension(&self) -> Option<Dimension> {
        self.headings.last().map(|h| Dimension {
            code: h.code.clone(),
            title: h.title.clone(),
        })
    }

    fn push_heading(&mut self, depth: usize, code: String, title: &str) {
        self.close();
        self.headings.retain(|h| h.depth < depth);
        self.headings.push(Heading {
            depth,
            code,
            title: clean_title(title),
        });
        self.pending_criterion = None;
    }

    /// A task opened by a sentence naming its units.
    fn start(&mut self, paragraph: &Paragraph, text: &str) -> Open {
        let sentence = analyse(self.directory, text);
        let mut task = Open {
            paragraph: paragraph.number,
            dimension: self.dimension(),
            criterion: self.pending_criterion.clone(),
            source: vec![paragraph.text.clone()],
            ..Open::default()
        };
        for unclear in &sentence.unclear {
            task.unclear.push((Column::Implementing, unclear.clone()));
        }
        match &sentence.subject {
            Some(subject) => {
                task.named = true;
                if sentence.subject_leads {
                    task.leads.push(subject.clone());
                } else {
                    task.implementers.push(subject.clone());
                    task.subject = Some(subject.clone());
                }
            }
            None => {
                if let Some(context) = &self.context {
                    task.named = true;
                    task.implementers.push(context.clone());
                }
            }
        }
        if let Some(partners) = sentence.partners {
            task.implementers.push(partners);
        }
        let own = sentence.body.as_deref().unwrap_or(text);
        // "- Sở Tư pháp chủ trì, phối hợp với …:" only introduces its "+" lines; a lettered
        // "a) Nâng cao chất lượng … y tế công lập:" is the task's own first line.
        if !text.trim_end().ends_with(':') || sentence.body.is_some() || sentence.subject.is_none()
        {
            task.lines.push(own.to_string());
        }
        task
    }

    fn paragraph(&mut self, paragraph: &Paragraph, next: &[Paragraph]) {
        let (label, rest) = Label::of(&paragraph.text);
        match label {
            Label::Roman(_) => {}
            Label::Numbered(numbers) => {
                let key = match_key(rest);
                if key.starts_with("thoi gian hoan thanh") || key.starts_with("thoi gian thuc hien")
                {
                    self.close();
                    let after = rest.split_once(':').map_or("", |(_, a)| a);
                    let first = after.split(',').next().unwrap_or("").trim();
                    if !first.is_empty() {
                        self.timeframe = Some(first.trim_end_matches('.').to_string());
                    }
                    return;
                }
                let code = numbers
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(".");
                self.context = None;
                self.push_heading(numbers.len(), code, rest);
            }
            Label::Paren(_) => {
                self.close();
                self.pending_criterion = Some(rest.trim_end_matches(':').trim().to_string());
            }
            Label::Letter(letter) => {
                // A lettered line followed by bullets is a heading ("a) Đối với lĩnh vực …").
                let bullets_follow = next
                    .iter()
                    .take_while(|p| {
                        !matches!(
                            Label::of(&p.text).0,
                            Label::Letter(_) | Label::Numbered(_) | Label::Roman(_)
                        )
                    })
                    .any(|p| Label::of(&p.text).0 == Label::Dash);
                if bullets_follow {
                    let code = match self.headings.iter().rev().find(|h| h.depth < 10) {
                        Some(h) => format!("{}.{letter}", h.code),
                        None => letter.to_string(),
                    };
                    self.push_heading(10, code, rest);
                    return;
                }
                self.close();
                let task = self.start(paragraph, rest);
                self.open = Some(task);
            }
            Label::Dash => self.dash(paragraph, rest),
            Label::Plus => {
                if let Some(task) = &mut self.open {
                    task.source.push(paragraph.text.clone());
                    task.lines.push(format!("+ {rest}"));
                    // "- Sở Tài nguyên và Môi trường:" then "+ Chủ trì, phối hợp …".
                    let key = match_key(rest);
                    if key.starts_with("chu tri") {
                        if let Some(subject) = task.subject.take() {
                            task.implementers.retain(|i| i != &subject);
                            task.leads.push(subject);
                        }
                    }
                    if task.block {
                        task.block_lines = true;
                    }
                } else {
                    let task = self.start(paragraph, rest);
                    self.open = Some(task);
                }
            }
            Label::Plain => self.plain(paragraph, rest),
        }
    }

    fn dash(&mut self, paragraph: &Paragraph, rest: &str) {
        let key = match_key(rest);
        let field_value = || {
            rest.split_once(':')
                .map(|(_, v)| v.trim().trim_end_matches(['.', ';']).trim().to_string())
                .unwrap_or_default()
        };
        let is_lead_field = key.starts_with("co quan chu tri") || key.starts_with("don vi chu tri");
        let is_unit_field = key.starts_with("co quan thuc hien")
            || key.starts_with("co quan phoi hop")
            || key.starts_with("don vi thuc hien")
            || key.starts_with("don vi phoi hop");
        let is_work_field = key.starts_with("nhiem vu giai phap") || key.starts_with("giai phap");
        if is_lead_field {
            self.close();
            let mut task = Open {
                paragraph: paragraph.number,
                dimension: self.dimension(),
                criterion: self.pending_criterion.take(),
                source: vec![paragraph.text.clone()],
                block: true,
                named: true,
                ..Open::default()
            };
            let value = field_value();
            if !value.is_empty() {
                task.leads.push(distribute_heads(&value));
            }
            self.open = Some(task);
            return;
        }
        if let Some(task) = self.open.as_mut().filter(|t| t.block && !t.block_lines) {
            if is_unit_field {
                task.source.push(paragraph.text.clone());
                let value = field_value();
                if !value.is_empty() {
                    task.implementers.push(distribute_heads(&value));
                }
                return;
            }
            if is_work_field {
                task.source.push(paragraph.text.clone());
                task.block_lines = true;
                let value = rest.split_once(':').map_or("", |(_, v)| v.trim());
                if !value.is_empty() {
                    task.lines.push(value.to_string());
                }
                return;
            }
        }
        self.close();
        let task = self.start(paragraph, rest);
        self.open = Some(task);
    }

    fn plain(&mut self, paragraph: &Paragraph, rest: &str) {
        let note = rest.starts_with('(') && rest.trim_end_matches(['.', ' ']).ends_with(')');
        if note {
            return;
        }
        if let Some(task) = &mut self.open {
            if !task.block || task.block_lines {
                task.source.push(paragraph.text.clone());
                task.lines.push(rest.to_string());
                return;
            }
        }
        // "Các sở, ban ngành và UBND cấp huyện, UBND cấp xã:" — the units of the items below.
        let bare = rest.trim().trim_end_matches(':').trim();
        if rest.trim_end().ends_with(':') {
            if let Some((phrase, end)) = unit_prefix(self.directory, bare) {
                if bare[end..].trim().is_empty() {
                    self.close();
                    self.context = Some(phrase);
                    return;
                }
            }
        }
        self.close();
        self.pending_criterion = Some(bare.to_string());
    }
}

/// Leads and implementers named in "TỔ CHỨC THỰC HIỆN".
#[derive(Debug, Default)]
struct Organisation {
    /// The implementers of every task that names none (item 1, when it is a list of units).
    everyone: Option<String>,
    /// (paragraph key, lead phrase) for paragraphs saying someone "chủ trì".
    leads: Vec<(String, String)>,
}

fn read_organisation(directory: &UnitDirectory, paragraphs: &[Paragraph]) -> Organisation {
    let mut organisation = Organisation::default();
    let mut item_subject: Option<String> = None;
    for paragraph in paragraphs {
        let (label, rest) = Label::of(&paragraph.text);
        let mut body = rest;
        if let Label::Numbered(numbers) = &label {
            let heading = rest
                .trim_start_matches("Đề nghị ")
                .trim_end_matches([':', '.']);
            item_subject = unit_prefix(directory, heading).map(|(phrase, end)| {
                // The heading alone, or joined to its first sentence by line wrapping.
                let after = heading[end..].trim_start();
                if numbers.as_slice() == [1]
                    && (after.is_empty() || after.starts_with(char::is_uppercase))
                    && organisation.everyone.is_none()
                {
                    organisation.everyone = Some(phrase.clone());
                }
                phrase
            });
        } else if label != Label::Plain {
            body = rest;
        }
        let key = match_key(body);
        if !key.contains("chu tri") {
            continue;
        }
        let own = analyse(directory, body);
        let lead =
            if own.subject_leads { own.subject } else { None }.or_else(|| item_subject.clone());
        if let Some(lead) = lead {
            organisation.leads.push((match_key(&paragraph.text), lead));
        }
    }
    organisation
}

/// Reads the tasks of a prose plan.
pub fn find_tasks(directory: &UnitDirectory, paragraphs: &[Paragraph], year: i32) -> Found {
    let mut reader = Reader {
        directory,
        headings: Vec::new(),
        pending_criterion: None,
        context: None,
        open: None,
        done: Vec::new(),
        timeframe: None,
    };
    let mut part = Part::Preamble;
    let mut organisation_paragraphs = Vec::new();
    for (i, paragraph) in paragraphs.iter().enumerate() {
        let key = match_key(&paragraph.text);
        // The distribution list closes what comes before it: a decision's list precedes the
        // plan it issues (seed 002), the plan's own list ends it.
        if key.starts_with("noi nhan") {
            reader.close();
            reader.headings.clear();
            reader.context = None;
            part = Part::Skipped;
            continue;
        }
        if let (Label::Roman(_), rest) = Label::of(&paragraph.text) {
            reader.close();
            reader.headings.clear();
            reader.context = None;
            reader.pending_criterion = None;
            part = part_of(rest);
            continue;
        }
        match part {
            Part::Tasks => reader.paragraph(paragraph, &paragraphs[i + 1..]),
            Part::Organisation => organisation_paragraphs.push(paragraph.clone()),
            Part::Preamble | Part::Skipped => {}
        }
    }
    reader.close();
    let organisation = read_organisation(directory, &organisation_paragraphs);
    let timeframe = reader.timeframe.clone().unwrap_or_default();
    let tasks = reader
        .done
        .into_iter()
        .map(|open| finish(directory, open, &organisation, &timeframe, year))
        .collect();
    Found { tasks }
}

/// Pieces of a unit cell that name two units or more by the same name (two "Văn phòng" in
/// the registry): they resolve two ways, so a person picks. An alias shared on purpose
/// ("UBND 3 xã") and a group phrase ("UBND cấp xã") are not names and are not reported.
fn ambiguous_pieces(directory: &UnitDirectory, cell: &str, column: Column) -> Vec<String> {
    let mut out = Vec::new();
    for piece in cell
        .split([';', ','])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let key = match_key(piece);
        let resolution = directory.resolve(piece, column);
        let same_name = resolution
            .units
            .iter()
            .filter(|u| match_key(&u.name) == key)
            .count();
        if same_name >= 2 {
            out.push(piece.to_string());
        }
    }
    out
}

fn finish(
    directory: &UnitDirectory,
    mut open: Open,
    organisation: &Organisation,
    timeframe: &str,
    year: i32,
) -> ProseTask {
    let dimension = open.dimension.clone().unwrap_or(Dimension {
        code: String::new(),
        title: String::new(),
    });
    if open.leads.is_empty() {
        // A lead named for the whole dimension in "TỔ CHỨC THỰC HIỆN".
        let title = match_key(&dimension.title);
        if title.len() >= 12 {
            for (paragraph, lead) in &organisation.leads {
                // "… chủ trì … cải thiện chỉ số nội dung *Kiểm soát tham nhũng …*": the
                // dimension named after "chủ trì", as what is led.
                let named = match (paragraph.find("chu tri"), paragraph.rfind(&title)) {
                    (Some(lead_at), Some(title_at)) => title_at > lead_at,
                    _ => false,
                };
                if named && !open.leads.contains(lead) {
                    open.leads.push(lead.clone());
                }
            }
        }
    }
    if !open.named && open.implementers.is_empty() {
        if let Some(everyone) = &organisation.everyone {
            open.implementers.push(everyone.clone());
        }
    }
    let mut review = Vec::new();
    let lead = open.leads.join("; ");
    let implementing = open.implementers.join("; ");
    let leads = directory.resolve(&lead, Column::Lead);
    let implementers = directory.resolve(&implementing, Column::Implementing);
    for problem in leads.problems.iter().chain(&implementers.problems) {
        review.push(Review::Unit(problem.clone()));
    }
    for (cell, column) in [(&lead, Column::Lead), (&implementing, Column::Implementing)] {
        for piece in ambiguous_pieces(directory, cell, column) {
            review.push(Review::Ambiguous {
                column,
                text: piece,
            });
        }
    }
    for (column, text) in &open.unclear {
        review.push(Review::Unit(ProblemKind::UnknownUnit {
            column: *column,
            text: text.clone(),
            suggestions: directory.suggest(text),
        }));
    }
    // A single unit the plan names as doing a task on its own answers for it (not one that
    // only the plan-wide implementers supplied).
    let mut lead_cell = lead;
    let mut lead_units = leads.units;
    if lead_units.is_empty()
        && open.named
        && implementers.units.len() == 1
        && open.implementers.len() == 1
    {
        lead_cell = implementing.clone();
        lead_units = implementers.units.clone();
    }
    if lead_units.is_empty() && leads.problems.is_empty() {
        review.push(Review::NoLead);
    }
    if lead_units.is_empty() && implementers.units.is_empty() && implementers.problems.is_empty() {
        review.push(Review::Unit(ProblemKind::NoUnits));
    } else if open.implementers.is_empty() && !open.named {
        // Nobody named to implement it: the lead alone would be a guess.
        review.push(Review::NoImplementer);
    }
    let text = if open.lines.is_empty() {
        open.criterion.clone().unwrap_or_default()
    } else {
        open.lines.join("\n")
    };
    if text.trim().is_empty() {
        review.push(Review::NoText);
    }
    let due_date = timeframe::due_date(timeframe, year);
    if due_date.is_none() && timeframe.chars().any(|c| c.is_ascii_digit()) {
        review.push(Review::Timeframe(timeframe.to_string()));
    }
    let implementing_units = if implementers.units.is_empty() {
        lead_units.clone()
    } else {
        implementers.units
    };
    ProseTask {
        paragraph: open.paragraph,
        dimension,
        criterion: open.criterion.unwrap_or_default(),
        text,
        lead: lead_cell,
        implementing,
        timeframe: timeframe.to_string(),
        due_date,
        source: open.source.join("\n"),
        review,
        lead_units,
        implementing_units,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(Label::of("II. NHIỆM VỤ").0, Label::Roman("II".into()));
        assert_eq!(
            Label::of("1.2.3. Cải cách").0,
            Label::Numbered(vec![1, 2, 3])
        );
        assert_eq!(Label::of("1. Mục đích").0, Label::Numbered(vec![1]));
        assert_eq!(Label::of("(2) Tiêu chí").0, Label::Paren(2));
        assert_eq!(Label::of("đ) Công khai").0, Label::Letter('đ'));
        assert_eq!(Label::of("- Sở Tư pháp").0, Label::Dash);
        assert_eq!(Label::of("+ Tham mưu").0, Label::Plus);
        assert_eq!(Label::of("2025, Chỉ số").0, Label::Plain);
        assert_eq!(Label::of("107/2020/NĐ-CP").0, Label::Plain);
        assert_eq!(Label::of("2021 - 2025 tỉnh").0, Label::Plain);
        assert_eq!(Label::of("-------").0, Label::Plain);
    }

    #[test]
    fn titles_lose_their_framing() {
        assert_eq!(
            clean_title("Đối với nội dung “Tham gia của người dân ở cấp cơ sở”"),
            "Tham gia của người dân ở cấp cơ sở"
        );
        assert_eq!(
            clean_title("Đối với lĩnh vực cải cách thể chế"),
            "Cải cách thể chế"
        );
        assert_eq!(
            clean_title("Nội dung “Quản trị điện tử”"),
            "Quản trị điện tử"
        );
    }

    fn directory() -> UnitDirectory {
        use crate::domain::unit::Unit;
        use crate::domain::{UnitCode, UnitKind};
        let unit = |id: i64, code: &str, name: &str, kind: UnitKind, parent: Option<&str>| Unit {
            id,
            code: UnitCode::parse(code).unwrap(),
            name: name.into(),
            kind,
            parent: parent.map(|p| UnitCode::parse(p).unwrap()),
            aliases: Vec::new(),
        };
        let units = vec![
            unit(1, "T", "Tỉnh X", UnitKind::Province, None),
            unit(
                2,
                "SNV",
                "Sở Nội vụ",
                UnitKind::CoordinatingOffice,
                Some("T"),
            ),
            unit(3, "STP", "Sở Tư pháp", UnitKind::Department, Some("T")),
            unit(4, "VP1", "Văn phòng", UnitKind::Department, Some("T")),
            unit(5, "VP2", "Văn phòng", UnitKind::Other, Some("T")),
            unit(6, "H1", "UBND huyện A", UnitKind::District, Some("T")),
            unit(7, "X1", "UBND xã B", UnitKind::Commune, Some("H1")),
        ];
        UnitDirectory::new(units, &UnitCode::parse("T").unwrap()).unwrap()
    }

    fn paragraphs(text: &str) -> Vec<Paragraph> {
        super::super::paragraphs::from_text(text)
    }

    #[test]
    fn a_bullet_subject_leads_with_chu_tri_and_partners_implement() {
        let d = directory();
        let s = analyse(
            &d,
            "Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ và UBND cấp huyện:",
        );
        assert_eq!(s.subject.as_deref(), Some("Sở Tư pháp"));
        assert!(s.subject_leads);
        assert_eq!(s.partners.as_deref(), Some("Sở Nội vụ và UBND cấp huyện"));
        let s = analyse(&d, "UBND cấp xã: Tổ chức thực hiện việc điều tra");
        assert_eq!(s.subject.as_deref(), Some("UBND cấp xã"));
        assert!(!s.subject_leads);
        assert_eq!(s.body.as_deref(), Some("Tổ chức thực hiện việc điều tra"));
        let s = analyse(&d, "Các cơ quan, đơn vị, địa phương thực hiện");
        assert_eq!(s.unclear, ["địa phương"]);
    }

    #[test]
    fn a_name_two_units_share_is_left_for_review() {
        let d = directory();
        let text = "II. NHIỆM VỤ, GIẢI PHÁP\n1. Nội dung “Quản trị điện tử”\n\
                    - Văn phòng chủ trì, phối hợp với Sở Tư pháp:\n+ Cập nhật Cổng thông tin.\n\
                    - Sở Nội vụ tham mưu UBND tỉnh ban hành kế hoạch.\n";
        let found = find_tasks(&d, &paragraphs(text), 2023).tasks;
        assert_eq!(found.len(), 2);
        assert!(found[0].review.iter().any(
            |r| matches!(r, Review::Ambiguous { column: Column::Lead, text } if text == "Văn phòng")
        ));
        assert!(found[1].review.is_empty(), "{:?}", found[1].review);
        assert_eq!(found[1].lead_units[0].code.as_str(), "SNV");
    }

    #[test]
    fn a_dimension_lead_named_in_to_chuc_thuc_hien_is_carried_back() {
        let d = directory();
        let text =
            "II. NHIỆM VỤ, GIẢI PHÁP\n1. Nội dung “Kiểm soát tham nhũng trong khu vực công”\n\
                    a) Tuyên truyền, phổ biến các văn bản.\n2. Nội dung “Quản trị môi trường”\n\
                    a) Tăng cường công tác tuyên truyền.\nIII. TỔ CHỨC THỰC HIỆN\n\
                    1. Các Sở, ban, ngành; UBND cấp huyện; UBND cấp xã\n\
                    Triển khai thực hiện Kế hoạch.\n2. Sở Tư pháp\n\
                    Chủ trì, phối hợp với các cơ quan liên quan cải thiện chỉ số nội dung \
                    *Kiểm soát tham nhũng trong khu vực công*.\n";
        let found = find_tasks(&d, &paragraphs(text), 2023).tasks;
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].lead, "Sở Tư pháp");
        assert_eq!(
            found[0].implementing,
            "Các Sở, ban, ngành; UBND cấp huyện; UBND cấp xã"
        );
        assert!(found[0].review.is_empty(), "{:?}", found[0].review);
        assert_eq!(found[1].review, [Review::NoLead]);
        assert_eq!(found[1].implementing_units.len(), 5);
    }

    #[test]
    fn a_distribution_list_before_the_plan_does_not_end_it() {
        let d = directory();
        let text = "QUYẾT ĐỊNH\nĐiều 1. Ban hành kèm theo Quyết định này Kế hoạch.\nNơi nhận:\n\
                    - Như Điều 3;\nKẾ HOẠCH\nI. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\n\
                    II. NHIỆM VỤ, GIẢI PHÁP\n1. Nhiệm vụ chung\n\
                    - Sở Nội vụ tham mưu UBND tỉnh ban hành kế hoạch.\nNơi nhận:\n- Như trên;\n";
        let found = find_tasks(&d, &paragraphs(text), 2023).tasks;
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].lead, "Sở Nội vụ");
    }

    #[test]
    fn odd_text_reads_without_panicking() {
        let d = directory();
        let inputs = [
            "II.",
            "II. NHIỆM VỤ\n(\n(1)\na)\n1.\n-\n+\n- :\n- Cơ quan chủ trì tham mưu:\n- Nhiệm vụ, giải pháp:",
            "II. NHIỆM VỤ\n- İİ các Sở: , , Y\n+ phối hợp\n+ Phối hợp với\na) các sở:\nIII. TỔ CHỨC THỰC HIỆN\n1.\nchủ trì",
            "II. NHIỆM VỤ\n1. Nội dung “”\n- Sở Tư pháp chủ trì, phối hợp với",
            "II. NHIỆM VỤ\n99.99.99. x\n(99999999999999999999) y\nđ) z\n4. Thời gian hoàn thành: ,",
        ];
        for input in inputs {
            let _ = find_tasks(&d, &paragraphs(input), 2023);
        }
    }

    #[test]
    fn case_blind_search_keeps_to_character_boundaries() {
        assert_eq!(find_ci("İİ Các Sở: Y tế", "các sở:"), Some((5, 15)));
        assert_eq!(find_ci("Phối Hợp với", "phối hợp"), Some((0, 12)));
        assert_eq!(find_ci("abc", "phối hợp"), None);
        // "İ" lowercases to two characters; nothing may be cut inside it.
        assert_eq!(distribute_heads("İ các Sở: Tư pháp"), "İ Sở Tư pháp");
    }

    #[test]
    fn a_head_noun_given_once_is_distributed() {
        assert_eq!(
            distribute_heads("UBND cấp huyện và các Sở: Tư pháp, Tài chính, Tài nguyên và Môi trường hướng dẫn kiểm tra"),
            "UBND cấp huyện và Sở Tư pháp, Sở Tài chính, Sở Tài nguyên và Môi trường hướng dẫn kiểm tra"
        );
        assert_eq!(
            distribute_heads("Các Sở: Y tế, Công Thương theo chức năng, nhiệm vụ nâng cao"),
            "Sở Y tế, Sở Công Thương theo chức năng, nhiệm vụ nâng cao"
        );
        assert_eq!(distribute_heads("Sở Y tế chủ trì"), "Sở Y tế chủ trì");
    }
}
