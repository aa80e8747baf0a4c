//! Reading the public-holiday table (CSV/TSV/XLSX): date, name and kind, one day per row.
//! Headers may be English or Vietnamese ("ngày", "tên ngày lễ", "loại"); the kind column may
//! be left out, and an empty kind means a day off.

use std::collections::HashMap;
use std::path::Path;

use chrono::{Datelike, NaiveDate};

use super::table::{read_tables, RawRow, RawTable};
use super::{Problem, ProblemKind};
use crate::domain::calendar::parse_date;
use crate::domain::text::match_key;
use crate::domain::{CalendarDay, DayKind};

/// Years a holiday may fall in: a two-digit year ("1/1/27") would otherwise read as year 27.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Date,
    Name,
    Kind,
}

fn classify(cell: &str) -> Option<Field> {
    Some(match match_key(cell).as_str() {
        "date" | "day" | "ngay" | "ngay thang" | "ngay thang nam" => Field::Date,
        "name" | "holiday" | "ten" | "ten ngay le" | "ngay le" | "ten ngay nghi" => Field::Name,
        "kind" | "type" | "loai" | "loai ngay" => Field::Kind,
        _ => return None,
    })
}

/// The rows of a holiday file, or every problem with its row; nothing when any is wrong.
pub fn read_holidays(path: &Path, max_bytes: u64) -> Result<Vec<CalendarDay>, Vec<Problem>> {
    let tables = read_tables(path, max_bytes).map_err(|p| vec![p])?;
    read_holidays_tables(&tables)
}

/// As [`read_holidays`], from tables already read: the first with a header row is used.
pub fn read_holidays_tables(tables: &[RawTable]) -> Result<Vec<CalendarDay>, Vec<Problem>> {
    tables
        .iter()
        .find_map(read_table)
        .unwrap_or_else(|| Err(vec![Problem::file(ProblemKind::NoHolidayHeader)]))
}

fn read_table(table: &RawTable) -> Option<Result<Vec<CalendarDay>, Vec<Problem>>> {
    let (index, columns) = table.rows.iter().enumerate().find_map(|(i, row)| {
        let columns: Vec<Option<Field>> = row.cells.iter().map(|c| classify(c)).collect();
        let has = |f| columns.contains(&Some(f));
        (has(Field::Date) && has(Field::Name)).then_some((i, columns))
    })?;
    let position = |field| columns.iter().position(|c| *c == Some(field));
    let (date_at, name_at, kind_at) = (
        position(Field::Date)?,
        position(Field::Name)?,
        position(Field::Kind),
    );
    let mut days = Vec::new();
    let mut problems = Vec::new();
    let mut first_row_of: HashMap<NaiveDate, usize> = HashMap::new();
    for row in table.rows[index + 1..].iter().filter(|r| !r.is_blank()) {
        match read_row(row, date_at, name_at, kind_at) {
            Ok(day) => match first_row_of.get(&day.date) {
                Some(&first_row) => problems.push(Problem::at(
                    row.number,
                    ProblemKind::DuplicateDate {
                        date: day.date,
                        first_row,
                    },
                )),
                None => {
                    first_row_of.insert(day.date, row.number);
                    days.push(day);
                }
            },
            Err(mut found) => problems.append(&mut found),
        }
    }
    Some(if !problems.is_empty() {
        Err(problems)
    } else if days.is_empty() {
        Err(vec![Problem::file(ProblemKind::NoDates)])
    } else {
        Ok(days)
    })
}

/// One row, or everything wrong with it.
fn read_row(
    row: &RawRow,
    date_at: usize,
    name_at: usize,
    kind_at: Option<usize>,
) -> Result<CalendarDay, Vec<Problem>> {
    let mut problems = Vec::new();
    let raw_date = row.cell(date_at).trim();
    let date = parse_date(raw_date).filter(|d| YEARS.contains(&d.year()));
    if date.is_none() {
        problems.push(Problem::at(
            row.number,
            ProblemKind::BadDate(raw_date.to_string()),
        ));
    }
    let raw_kind = kind_at.map_or("", |i| row.cell(i).trim());
    let kind = if raw_kind.is_empty() {
        Some(DayKind::DayOff)
    } else {
        raw_kind.parse::<DayKind>().ok()
    };
    if kind.is_none() {
        problems.push(Problem::at(
            row.number,
            ProblemKind::BadDayKind(raw_kind.to_string()),
        ));
    }
    let name = row.cell(name_at).trim();
    if name.is_empty() {
        problems.push(Problem::at(row.number, ProblemKind::MissingHolidayName));
    }
    match (date, kind) {
        (Some(date), Some(kind)) if problems.is_empty() => Ok(CalendarDay {
            date,
            name: name.to_string(),
            kind,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::table::tables_from_bytes;

    fn read(text: &str) -> Result<Vec<CalendarDay>, Vec<Problem>> {
        read_holidays_tables(&tables_from_bytes(text.as_bytes(), "csv").unwrap())
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn vietnamese_headers_both_date_styles_and_default_kind() {
        let days = read(
            "Lịch nghỉ lễ năm 2028\n\
             Ngày,Tên ngày lễ,Loại\n\
             01/01/2028,Tết Dương lịch,\n\
             2028-01-22,Làm bù,làm việc\n\
             \n\
             24/11/2028,Ngày Văn hóa Việt Nam,nghỉ\n",
        )
        .unwrap();
        assert_eq!(
            days,
            [
                CalendarDay {
                    date: date(2028, 1, 1),
                    name: "Tết Dương lịch".into(),
                    kind: DayKind::DayOff
                },
                CalendarDay {
                    date: date(2028, 1, 22),
                    name: "Làm bù".into(),
                    kind: DayKind::WorkingDay
                },
                CalendarDay {
                    date: date(2028, 11, 24),
                    name: "Ngày Văn hóa Việt Nam".into(),
                    kind: DayKind::DayOff
                },
            ]
        );
        let without_kind = read("date,name\n2028-09-02,Quốc khánh\n").unwrap();
        assert_eq!(without_kind[0].kind, DayKind::DayOff);
    }

    #[test]
    fn every_bad_row_is_reported_and_nothing_returned() {
        let problems = read(
            "ngày,tên,loại\n\
             01/01/2028,Tết Dương lịch,\n\
             31/02/2028,Sai ngày,\n\
             02/09/2028,Quốc khánh,nghỉ\n\
             03/09/2028,Quốc khánh,holidayy\n\
             02/09/2028,Quốc khánh lần hai,\n\
             04/09/2028,,\n\
             1/1/28,Năm hai chữ số,\n",
        )
        .unwrap_err();
        assert_eq!(
            problems,
            [
                Problem::at(3, ProblemKind::BadDate("31/02/2028".into())),
                Problem::at(5, ProblemKind::BadDayKind("holidayy".into())),
                Problem::at(
                    6,
                    ProblemKind::DuplicateDate {
                        date: date(2028, 9, 2),
                        first_row: 4
                    }
                ),
                Problem::at(7, ProblemKind::MissingHolidayName),
                Problem::at(8, ProblemKind::BadDate("1/1/28".into())),
            ]
        );
    }

    #[test]
    fn a_file_without_the_columns_or_the_rows() {
        assert_eq!(
            read("code,name\nX,Y\n").unwrap_err(),
            [Problem::file(ProblemKind::NoHolidayHeader)]
        );
        assert_eq!(
            read("ngày,tên\n").unwrap_err(),
            [Problem::file(ProblemKind::NoDates)]
        );
    }
}
