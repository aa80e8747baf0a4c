//! The report laid out as sheets of cells, once, for both writers: `xlsx` styles the rows by
//! their [`RowStyle`] and `csv` writes one file per sheet with the same cells.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::{DimensionReport, Report, ReportState, TaskFigures, TaskLine};
use crate::domain::text::{ellipsize, match_key};
use crate::messages::{CaseText, Lang, ReportText};

/// Excel refuses longer cells (32,767 characters); a task implemented by thousands of units
/// names the first [`LISTED_UNITS`] and counts the rest, and nothing may pass this.
const MAX_CELL_CHARS: usize = 32_000;
const LISTED_UNITS: usize = 30;
/// Excel's limit on sheet names.
const MAX_SHEET_NAME: usize = 31;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Empty,
}

impl Cell {
    fn text(value: impl Into<String>) -> Cell {
        Cell::Text(value.into())
    }

    fn count(n: usize) -> Cell {
        // Counts of units and tasks are far below 2^52: exact as f64.
        Cell::Number(n as f64)
    }

    fn date(day: Option<NaiveDate>) -> Cell {
        day.map_or(Cell::Empty, Cell::Date)
    }

    /// The cell as CSV writes it: dates dd/mm/yyyy, whole numbers without ".0".
    pub fn plain(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Number(n) if n.fract() == 0.0 => format!("{n:.0}"),
            Cell::Number(n) => format!("{n:.1}"),
            Cell::Date(day) => day.format("%d/%m/%Y").to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// How a row looks in the spreadsheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStyle {
    /// The sheet's title, across the columns.
    Title,
    /// A line under the title (period, as-of day).
    Note,
    /// A section heading of the summary.
    Section,
    /// A table's column names.
    Header,
    Body,
    /// A table's total line.
    Total,
    Blank,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub style: RowStyle,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The tab's name (≤ 31 characters, unique in the workbook).
    pub name: String,
    /// ASCII, for the CSV file's name.
    pub slug: String,
    /// Column widths in Excel's units (characters).
    pub widths: Vec<f64>,
    pub rows: Vec<Row>,
    /// Rows kept on screen when scrolling and printed on every page (the title and the
    /// header row of a list).
    pub frozen_rows: u32,
}

impl Sheet {
    fn new(name: String, slug: String, widths: &[f64]) -> Sheet {
        Sheet {
            name,
            slug,
            widths: widths.to_vec(),
            rows: Vec::new(),
            frozen_rows: 0,
        }
    }

    fn push(&mut self, style: RowStyle, cells: Vec<Cell>) {
        self.rows.push(Row { style, cells });
    }

    fn texts(&mut self, style: RowStyle, texts: &[&str]) {
        self.push(style, texts.iter().map(|t| Cell::text(*t)).collect());
    }

    fn blank(&mut self) {
        self.push(RowStyle::Blank, Vec::new());
    }

    /// Title then a header row, both frozen: the shape of every list sheet.
    fn list_heading(&mut self, title: String, headers: &[&str]) {
        self.push(RowStyle::Title, vec![Cell::Text(title)]);
        self.texts(RowStyle::Header, headers);
        self.frozen_rows = 2;
    }
}

fn day(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

fn local_day(at: DateTime<Utc>, time_zone: Tz) -> NaiveDate {
    at.with_timezone(&time_zone).date_naive()
}

/// Every sheet of `report`: the summary, one per dimension, the units, the cases.
pub fn sheets(report: &Report, lang: Lang) -> Vec<Sheet> {
    let mut sheets = vec![summary(report, lang)];
    for (i, dimension) in report.dimensions.iter().enumerate() {
        sheets.push(dimension_sheet(dimension, i, report.time_zone, lang));
    }
    sheets.push(units_sheet(report, lang));
    sheets.push(reach_sheet(report, lang));
    sheets.push(cases_sheet(report, lang));
    unique_names(&mut sheets);
    sheets
}

fn share(part: usize, whole: usize) -> Cell {
    if whole == 0 {
        Cell::Empty
    } else {
        // One decimal, as official reports write percentages.
        Cell::Number((part as f64 * 1000.0 / whole as f64).round() / 10.0)
    }
}

fn summary(report: &Report, lang: Lang) -> Sheet {
    let text = |t: ReportText| t.render(lang);
    let mut sheet = Sheet::new(
        text(ReportText::SheetSummary),
        "tong-hop".into(),
        &[6.0, 48.0, 14.0, 14.0, 14.0, 14.0, 14.0],
    );
    let title = text(ReportText::Title {
        plan: &report.plan.title,
        code: &report.plan.code,
    });
    sheet.push(RowStyle::Title, vec![Cell::Text(title)]);
    let period = text(ReportText::Period {
        label: &report.period.label,
        due: &day(report.period.due_date),
    });
    sheet.push(RowStyle::Note, vec![Cell::Text(period)]);
    let as_of = text(ReportText::AsOf {
        day: &day(report.as_of_day),
    });
    sheet.push(RowStyle::Note, vec![Cell::Text(as_of)]);
    sheet.frozen_rows = 3;
    sheet.blank();

    sheet.push(
        RowStyle::Section,
        vec![Cell::Empty, Cell::Text(text(ReportText::SectionReports))],
    );
    let [item, count, percent] = ReportText::figure_headers(lang);
    sheet.texts(RowStyle::Header, &["STT", item, count, percent]);
    let r = &report.reports;
    let lines = [
        (ReportText::Owing, r.owing),
        (ReportText::State(ReportState::OnTime), r.on_time),
        (ReportText::State(ReportState::Late), r.late),
        (ReportText::State(ReportState::Missing), r.missing),
        (ReportText::State(ReportState::NotYetDue), r.not_yet_due),
    ];
    for (n, (label, value)) in lines.into_iter().enumerate() {
        sheet.push(
            RowStyle::Body,
            vec![
                Cell::count(n + 1),
                Cell::Text(text(label)),
                Cell::count(value),
                share(value, r.owing),
            ],
        );
    }
    sheet.blank();

    sheet.push(
        RowStyle::Section,
        vec![Cell::Empty, Cell::Text(text(ReportText::SectionTasks))],
    );
    sheet.texts(RowStyle::Header, &ReportText::dimension_headers(lang));
    for (i, dimension) in report.dimensions.iter().enumerate() {
        let mut cells = vec![
            Cell::text(
                dimension
                    .code
                    .clone()
                    .unwrap_or_else(|| (i + 1).to_string()),
            ),
            Cell::Text(dimension_title(dimension, lang)),
        ];
        cells.extend(figure_cells(&dimension.figures));
        sheet.push(RowStyle::Body, cells);
    }
    let mut total = vec![Cell::Empty, Cell::Text(text(ReportText::Total))];
    total.extend(figure_cells(&report.tasks));
    sheet.push(RowStyle::Total, total);
    sheet.blank();

    sheet.push(
        RowStyle::Section,
        vec![Cell::Empty, Cell::Text(text(ReportText::SectionCases))],
    );
    let span = text(ReportText::CasesSpan {
        from: &day(report.cases.from),
        to: &day(report.cases.to),
    });
    sheet.push(RowStyle::Note, vec![Cell::Empty, Cell::Text(span)]);
    sheet.texts(RowStyle::Header, &["STT", item, count, percent]);
    let f = &report.cases.figures;
    let values = [
        f.received,
        f.acknowledged_in_time,
        f.answered_in_time,
        f.answered_late,
        f.open,
        f.overdue,
    ];
    let received = f.received as usize;
    for (n, (label, value)) in ReportText::case_rows(lang)
        .into_iter()
        .zip(values)
        .enumerate()
    {
        sheet.push(
            RowStyle::Body,
            vec![
                Cell::count(n + 1),
                Cell::text(label),
                Cell::count(value as usize),
                share(value as usize, received),
            ],
        );
    }
    sheet
}

fn figure_cells(f: &TaskFigures) -> Vec<Cell> {
    [f.tasks, f.done, f.in_progress, f.blocked, f.not_started]
        .into_iter()
        .map(Cell::count)
        .collect()
}

fn dimension_title(dimension: &DimensionReport, lang: Lang) -> String {
    dimension
        .title
        .clone()
        .unwrap_or_else(|| ReportText::NoDimension.render(lang))
}

fn dimension_sheet(dimension: &DimensionReport, index: usize, time_zone: Tz, lang: Lang) -> Sheet {
    let title = dimension_title(dimension, lang);
    let code = dimension
        .code
        .clone()
        .unwrap_or_else(|| (index + 1).to_string());
    let heading = format!("{code}. {title}");
    let slug = format!("noi-dung-{}", match_key(&code).replace(' ', "-"));
    let mut sheet = Sheet::new(
        sheet_name(&heading),
        slug,
        &[
            7.0, 48.0, 24.0, 16.0, 11.0, 24.0, 36.0, 15.0, 26.0, 40.0, 12.0,
        ],
    );
    sheet.list_heading(heading, &ReportText::task_headers(lang));
    for task in &dimension.tasks {
        sheet.push(RowStyle::Body, task_cells(task, time_zone, lang));
    }
    sheet
}

fn task_cells(task: &TaskLine, time_zone: Tz, lang: Lang) -> Vec<Cell> {
    let (update, updated_on) = match &task.last_update {
        Some((unit, note, at)) => {
            let text = if task.unexplained_block {
                format!(
                    "{unit}: {}",
                    crate::messages::BotText::BlockedNoReason.render(lang)
                )
            } else if note.is_empty() {
                unit.clone()
            } else {
                format!("{unit}: {note}")
            };
            (Cell::Text(cap(&text)), Some(*at))
        }
        None => (Cell::Empty, None),
    };
    let by_unit = ReportText::ByUnit {
        units: task.by_unit.tasks,
        done: task.by_unit.done,
        in_progress: task.by_unit.in_progress,
        blocked: task.by_unit.blocked,
    }
    .render(lang);
    vec![
        Cell::text(task.code.clone().unwrap_or_default()),
        Cell::Text(cap(&task.text)),
        Cell::Text(cap(&task.target)),
        Cell::Text(cap(&task.timeframe)),
        Cell::date(task.due_date),
        Cell::Text(cap(&task.leads.join("; "))),
        Cell::Text(unit_list(&task.units, lang)),
        Cell::Text(ReportText::TaskStatus(task.status).render(lang)),
        Cell::Text(by_unit),
        update,
        Cell::date(updated_on.map(|at| local_day(at, time_zone))),
    ]
}

/// "A; B; C … và 4.970 đơn vị khác" past [`LISTED_UNITS`] names.
fn unit_list(units: &[String], lang: Lang) -> String {
    if units.len() <= LISTED_UNITS {
        return cap(&units.join("; "));
    }
    let more = ReportText::MoreUnits {
        more: units.len() - LISTED_UNITS,
    }
    .render(lang);
    cap(&format!("{} {more}", units[..LISTED_UNITS].join("; ")))
}

fn cap(text: &str) -> String {
    ellipsize(text, MAX_CELL_CHARS)
}

fn units_sheet(report: &Report, lang: Lang) -> Sheet {
    let name = ReportText::SheetUnits.render(lang);
    let mut sheet = Sheet::new(
        name.clone(),
        "don-vi".into(),
        &[6.0, 18.0, 45.0, 26.0, 12.0, 11.0],
    );
    sheet.list_heading(
        format!("{name} – {}", report.period.label),
        &ReportText::unit_headers(lang),
    );
    for (n, unit) in report.units.iter().enumerate() {
        let days_late = if unit.days_late > 0 {
            Cell::Number(unit.days_late as f64)
        } else {
            Cell::Empty
        };
        sheet.push(
            RowStyle::Body,
            vec![
                Cell::count(n + 1),
                Cell::text(unit.unit.code.as_str()),
                Cell::text(unit.unit.name.clone()),
                Cell::Text(ReportText::State(unit.state).render(lang)),
                Cell::date(unit.submitted_on),
                days_late,
            ],
        );
    }
    sheet
}

/// The plan's units no one can be told in (never reminded), then the members whose chat
/// cannot be reached.
fn reach_sheet(report: &Report, lang: Lang) -> Sheet {
    let name = ReportText::SheetNoOneToTell.render(lang);
    let mut sheet = Sheet::new(
        name.clone(),
        "chua-nhan-tin".into(),
        &[6.0, 18.0, 45.0, 60.0],
    );
    sheet.list_heading(name, &ReportText::reach_headers(lang));
    let reach = &report.reach;
    if reach.units.is_empty() && reach.members.is_empty() {
        sheet.push(
            RowStyle::Body,
            vec![
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Text(ReportText::EveryoneReachable.render(lang)),
            ],
        );
        return sheet;
    }
    let mut n = 0;
    for gap in &reach.units {
        n += 1;
        sheet.push(
            RowStyle::Body,
            vec![
                Cell::count(n),
                Cell::text(gap.unit.code.as_str()),
                Cell::text(gap.unit.name.clone()),
                Cell::Text(
                    ReportText::NoOneLinked {
                        unreachable: gap.unreachable,
                    }
                    .render(lang),
                ),
            ],
        );
    }
    for member in &reach.members {
        n += 1;
        let since = day(local_day(member.since, report.time_zone));
        sheet.push(
            RowStyle::Body,
            vec![
                Cell::count(n),
                Cell::text(member.unit.code.as_str()),
                Cell::text(member.unit.name.clone()),
                Cell::Text(
                    ReportText::MemberUnreachable {
                        name: &member.full_name,
                        since: &since,
                    }
                    .render(lang),
                ),
            ],
        );
    }
    sheet
}

fn cases_sheet(report: &Report, lang: Lang) -> Sheet {
    let name = ReportText::SheetCases.render(lang);
    let mut sheet = Sheet::new(
        name.clone(),
        "phan-anh".into(),
        &[
            16.0, 16.0, 15.0, 20.0, 20.0, 45.0, 30.0, 16.0, 16.0, 8.0, 16.0, 12.0, 14.0,
        ],
    );
    let span = ReportText::CasesSpan {
        from: &day(report.cases.from),
        to: &day(report.cases.to),
    }
    .render(lang);
    sheet.list_heading(span, &CaseText::export_headers(lang));
    for row in &report.cases.rows {
        sheet.push(
            RowStyle::Body,
            row.iter().map(|cell| Cell::Text(cap(cell))).collect(),
        );
    }
    sheet
}

/// Excel forbids `[]:*?/\` in sheet names and allows 31 characters.
fn sheet_name(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .collect();
    cleaned
        .chars()
        .take(MAX_SHEET_NAME)
        .collect::<String>()
        .trim()
        .trim_matches('\'')
        .to_string()
}

/// Sheet names (compared without case, as Excel does) and slugs made unique with " (2)", "-2".
fn unique_names(sheets: &mut [Sheet]) {
    let mut names: Vec<String> = Vec::new();
    let mut slugs: Vec<String> = Vec::new();
    for sheet in sheets.iter_mut() {
        let mut n = 1;
        let base = sheet.name.clone();
        while names.contains(&sheet.name.to_lowercase()) {
            n += 1;
            let suffix = format!(" ({n})");
            let keep = MAX_SHEET_NAME - suffix.chars().count();
            sheet.name = format!("{}{suffix}", base.chars().take(keep).collect::<String>());
        }
        names.push(sheet.name.to_lowercase());
        let base = sheet.slug.clone();
        let mut n = 1;
        while slugs.contains(&sheet.slug) {
            n += 1;
            sheet.slug = format!("{base}-{n}");
        }
        slugs.push(sheet.slug.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 12: a status button records "blocked" before its reason comes; meanwhile the
    /// note cell says so instead of showing the unit's name alone.
    #[test]
    fn a_block_without_its_reason_says_so() {
        let mut task = TaskLine {
            code: Some("2.1".into()),
            text: "Tuyên truyền".into(),
            target: String::new(),
            timeframe: "Quý III".into(),
            due_date: None,
            leads: Vec::new(),
            units: vec!["Phường Trần Phú".into()].into(),
            status: crate::domain::AssignmentStatus::Blocked,
            by_unit: crate::export::TaskFigures::default(),
            last_update: Some((
                "Phường Trần Phú".into(),
                String::new(),
                chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
            )),
            unexplained_block: true,
        };
        let note = |task: &TaskLine| {
            task_cells(task, chrono_tz::Asia::Ho_Chi_Minh, Lang::Vi)
                .into_iter()
                .find_map(|c| match c {
                    Cell::Text(t) if t.starts_with("Phường Trần Phú:") => Some(t),
                    _ => None,
                })
                .unwrap_or_default()
        };
        assert_eq!(note(&task), "Phường Trần Phú: vướng mắc, chưa nêu lý do");
        task.unexplained_block = false;
        task.last_update = Some((
            "Phường Trần Phú".into(),
            "Thiếu kinh phí".into(),
            chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
        ));
        assert_eq!(note(&task), "Phường Trần Phú: Thiếu kinh phí");
    }

    #[test]
    fn sheet_names_fit_excel() {
        let name = sheet_name("1. Tham gia của người dân ở cấp cơ sở: xã/phường [mới]");
        assert!(name.chars().count() <= MAX_SHEET_NAME, "{name}");
        assert!(!name.contains(['/', ':', '[', ']']), "{name}");
        assert_eq!(name, "1. Tham gia của người dân ở cấp");
    }

    #[test]
    fn duplicate_names_and_slugs_get_a_number() {
        let sheet = |name: &str, slug: &str| Sheet::new(name.into(), slug.into(), &[]);
        let mut sheets = vec![
            sheet("Khác", "noi-dung-khac"),
            sheet("khác", "noi-dung-khac"),
            sheet("Khác", "noi-dung-khac"),
        ];
        unique_names(&mut sheets);
        let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Khác", "khác (2)", "Khác (3)"]);
        let slugs: Vec<&str> = sheets.iter().map(|s| s.slug.as_str()).collect();
        assert_eq!(
            slugs,
            ["noi-dung-khac", "noi-dung-khac-2", "noi-dung-khac-3"]
        );
    }

    #[test]
    fn thousands_of_units_are_counted_not_listed() {
        let units: Vec<String> = (1..=5_000).map(|n| format!("UBND xã số {n}")).collect();
        let cell = unit_list(&units, Lang::Vi);
        assert!(cell.ends_with("… và 4970 đơn vị khác"), "{cell}");
        assert!(cell.chars().count() < 1_000);
        assert_eq!(
            unit_list(&units[..2], Lang::Vi),
            "UBND xã số 1; UBND xã số 2"
        );
    }

    #[test]
    fn csv_cells() {
        assert_eq!(Cell::count(12).plain(), "12");
        assert_eq!(Cell::Number(33.3).plain(), "33.3");
        let day = NaiveDate::from_ymd_opt(2026, 9, 5).expect("date");
        assert_eq!(Cell::Date(day).plain(), "05/09/2026");
    }
}
