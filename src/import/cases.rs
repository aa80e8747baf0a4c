//! Reading the hotline's own spreadsheets (CSV/TSV/XLSX): a batch of cases, and the routing
//! rules. Headers may be Vietnamese or English. Like every import, a file is read whole: either
//! everything is ready to store, or every problem is returned with its row and nothing is.

use std::path::Path;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::table::{read_tables, RawRow, RawTable};
use super::{Problem, ProblemKind};
use crate::domain::case::NewCase;
use crate::domain::case::{route, Channel, RoutingRule};
use crate::domain::text::match_key;
use crate::domain::unit::Unit;
use crate::domain::{UnitId, UnitKind};

/// A column of the case or routing files, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseColumn {
    Received,
    Channel,
    Content,
    Place,
    Category,
    CitizenName,
    Phone,
    Consent,
    Unit,
    /// The hotline's own number for the case (số phiếu, mã phản ánh): its identity.
    Reference,
}

/// What is wrong with a row (or the whole file) of a case or routing file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseProblem {
    /// No row carries the required columns.
    NoHeader {
        routing: bool,
    },
    /// A header row and nothing under it.
    NoRows,
    BadReceived(String),
    BadChannel(String),
    MissingContent,
    MissingPlace,
    UnknownPlace(String),
    /// The name fits several units: the code tells them apart.
    AmbiguousPlace {
        text: String,
        codes: Vec<String>,
    },
    MissingCategory,
    /// Not one of `[hotline] categories`.
    UnknownCategory(String),
    BadConsent(String),
    MissingUnit,
    UnknownUnit(String),
    AmbiguousUnit {
        text: String,
        codes: Vec<String>,
    },
    /// The same case (same number, or same time, phone and content) as an earlier row.
    DuplicateCase {
        first_row: usize,
    },
    /// A routing rule for the same category and place as an earlier row.
    DuplicateRule {
        first_row: usize,
    },
}

fn problem(row: usize, p: CaseProblem) -> Problem {
    Problem::at(row, ProblemKind::Case(p))
}

fn file_problem(p: CaseProblem) -> Problem {
    Problem::file(ProblemKind::Case(p))
}

fn classify(cell: &str) -> Option<CaseColumn> {
    use CaseColumn as C;
    Some(match match_key(cell).as_str() {
        "ngay gio tiep nhan"
        | "thoi gian tiep nhan"
        | "ngay tiep nhan"
        | "thoi diem tiep nhan"
        | "ngay gio"
        | "received"
        | "received at"
        | "received time"
        | "date received" => C::Received,
        "kenh" | "kenh tiep nhan" | "hinh thuc tiep nhan" | "channel" => C::Channel,
        "noi dung" | "noi dung phan anh" | "noi dung phan anh kien nghi" | "content" => C::Content,
        "xa phuong" | "xa phuong thi tran" | "dia ban" | "dia diem" | "noi phat sinh" | "place"
        | "commune" | "ward" | "commune ward" => C::Place,
        "linh vuc" | "phan loai" | "category" => C::Category,
        "ho ten" | "ho va ten" | "ho ten cong dan" | "nguoi phan anh" | "ten nguoi phan anh"
        | "citizen" | "citizen name" | "name" => C::CitizenName,
        "so dien thoai" | "dien thoai" | "sdt" | "phone" | "phone number" => C::Phone,
        "dong y chia se"
        | "dong y chia se thong tin"
        | "dong y"
        | "consent"
        | "contact consent" => C::Consent,
        "don vi xu ly" | "don vi" | "don vi tiep nhan" | "co quan xu ly" | "unit"
        | "handling unit" => C::Unit,
        "so phieu" | "ma phan anh" | "ma so phan anh" | "so phan anh" | "ma ho so" | "ma phieu"
        | "so hieu" | "reference" | "ticket" | "ticket number" | "case reference" => C::Reference,
        _ => return None,
    })
}

/// The header row of the first table that has every one of `required`, and where each column is.
fn find_header<'t>(
    tables: &'t [RawTable],
    required: &[CaseColumn],
) -> Option<(&'t [RawRow], Columns)> {
    tables.iter().find_map(|table| {
        table.rows.iter().enumerate().find_map(|(i, row)| {
            let columns = Columns(row.cells.iter().map(|c| classify(c)).collect());
            required
                .iter()
                .all(|c| columns.at(*c).is_some())
                .then(|| (&table.rows[i + 1..], columns))
        })
    })
}

struct Columns(Vec<Option<CaseColumn>>);

impl Columns {
    fn at(&self, column: CaseColumn) -> Option<usize> {
        self.0.iter().position(|c| *c == Some(column))
    }

    fn cell<'r>(&self, row: &'r RawRow, column: CaseColumn) -> &'r str {
        self.at(column).map_or("", |i| row.cell(i).trim())
    }
}

/// What reading a case file needs to know: the registry, the rules, the categories, the zone
/// the times are written in, and what to record as the cases' source.
#[derive(Debug, Clone, Copy)]
pub struct CaseContext<'a> {
    pub units: &'a [Unit],
    pub rules: &'a [RoutingRule],
    pub categories: &'a [String],
    pub time_zone: Tz,
    pub source: &'a str,
}

/// The cases of a file, each routed, or every problem with its row.
pub fn read_cases(
    path: &Path,
    max_bytes: u64,
    context: &CaseContext<'_>,
) -> Result<Vec<NewCase>, Vec<Problem>> {
    let tables = read_tables(path, max_bytes).map_err(|p| vec![p])?;
    read_cases_tables(&tables, context)
}

/// As [`read_cases`], each case with its identity ([`case_identity`]), so that importing the
/// same file again skips what is already there.
pub fn read_identified_cases(
    path: &Path,
    max_bytes: u64,
    context: &CaseContext<'_>,
) -> Result<Vec<(NewCase, String)>, Vec<Problem>> {
    let tables = read_tables(path, max_bytes).map_err(|p| vec![p])?;
    read_identified_tables(&tables, context)
}

/// As [`read_cases`], from tables already read.
pub fn read_cases_tables(
    tables: &[RawTable],
    context: &CaseContext<'_>,
) -> Result<Vec<NewCase>, Vec<Problem>> {
    read_identified_tables(tables, context).map(|cases| cases.into_iter().map(|(c, _)| c).collect())
}

/// A case's identity: the hotline's own number when the file has one ("ref:" + it), else a
/// hash of the received instant, the phone's digits and the content (case, accents and
/// spacing ignored), so the same row read again is the same case.
pub fn case_identity(reference: &str, case: &NewCase) -> String {
    use sha2::{Digest, Sha256};
    let reference = reference.trim();
    if !reference.is_empty() {
        return format!("ref:{}", match_key(reference));
    }
    let phone: String = case
        .citizen_phone
        .as_deref()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let mut hash = Sha256::new();
    hash.update(case.received_at.timestamp().to_string());
    hash.update([0]);
    hash.update(phone);
    hash.update([0]);
    hash.update(match_key(&case.content));
    let digest: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{digest}")
}

fn read_identified_tables(
    tables: &[RawTable],
    context: &CaseContext<'_>,
) -> Result<Vec<(NewCase, String)>, Vec<Problem>> {
    use CaseColumn as C;
    let required = [C::Received, C::Channel, C::Content, C::Place, C::Category];
    let (rows, columns) = find_header(tables, &required)
        .ok_or_else(|| vec![file_problem(CaseProblem::NoHeader { routing: false })])?;
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for row in rows.iter().filter(|r| !r.is_blank()) {
        match read_case(row, &columns, context) {
            Ok(case) => {
                let identity = case_identity(columns.cell(row, C::Reference), &case);
                match seen.get(&identity) {
                    // Two rows of one file that are one case: ask, do not guess.
                    Some(first_row) => problems.push(problem(
                        row.number,
                        CaseProblem::DuplicateCase {
                            first_row: *first_row,
                        },
                    )),
                    None => {
                        seen.insert(identity.clone(), row.number);
                        cases.push((case, identity));
                    }
                }
            }
            Err(mut found) => problems.append(&mut found),
        }
    }
    if !problems.is_empty() {
        Err(problems)
    } else if cases.is_empty() {
        Err(vec![file_problem(CaseProblem::NoRows)])
    } else {
        Ok(cases)
    }
}

fn read_case(
    row: &RawRow,
    columns: &Columns,
    context: &CaseContext<'_>,
) -> Result<NewCase, Vec<Problem>> {
    use CaseColumn as C;
    let n = row.number;
    let mut problems = Vec::new();
    let raw = columns.cell(row, C::Received);
    let received_at = parse_received(raw, context.time_zone);
    if received_at.is_none() {
        problems.push(problem(n, CaseProblem::BadReceived(raw.into())));
    }
    let raw = columns.cell(row, C::Channel);
    let channel = raw.parse::<Channel>().ok();
    if channel.is_none() {
        problems.push(problem(n, CaseProblem::BadChannel(raw.into())));
    }
    let content = columns.cell(row, C::Content);
    if content.is_empty() {
        problems.push(problem(n, CaseProblem::MissingContent));
    }
    let raw = columns.cell(row, C::Place);
    let place = if raw.is_empty() {
        problems.push(problem(n, CaseProblem::MissingPlace));
        None
    } else {
        match find_place(context.units, raw) {
            Ok(unit) => Some(unit),
            Err(p) => {
                problems.push(problem(n, p));
                None
            }
        }
    };
    let category = category(context.categories, columns.cell(row, C::Category));
    let category = match category {
        Ok(c) => Some(c),
        Err(p) => {
            problems.push(problem(n, p));
            None
        }
    };
    let raw = columns.cell(row, C::Consent);
    let consent = parse_consent(raw);
    if consent.is_none() {
        problems.push(problem(n, CaseProblem::BadConsent(raw.into())));
    }
    let raw = columns.cell(row, C::Unit);
    let mut units = Vec::new();
    for part in raw
        .split([';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match find_unit(context.units, part, None) {
            Ok(unit) => units.push(UnitId(unit.id)),
            Err(Found::None) => problems.push(problem(n, CaseProblem::UnknownUnit(part.into()))),
            Err(Found::Several(codes)) => problems.push(problem(
                n,
                CaseProblem::AmbiguousUnit {
                    text: part.into(),
                    codes,
                },
            )),
        }
    }
    let (Some(received_at), Some(channel), Some(place), Some(category), Some(consent)) =
        (received_at, channel, place, category, consent)
    else {
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    if units.is_empty() {
        units.push(route(
            context.rules,
            &category,
            UnitId(place.id),
            UnitId(place.id),
        ));
    }
    units.dedup();
    let optional = |column| Some(columns.cell(row, column).to_string()).filter(|s| !s.is_empty());
    Ok(NewCase {
        channel,
        content: content.to_string(),
        place_unit_id: UnitId(place.id),
        category,
        citizen_name: optional(C::CitizenName),
        citizen_phone: optional(C::Phone),
        contact_consent: consent,
        operator_id: None,
        received_at,
        source: context.source.to_string(),
        files: Vec::new(),
        route_to: units,
    })
}

/// `dd/mm/yyyy HH:MM` (seconds optional), `dd/mm/yyyy` (midnight), or the same as
/// `yyyy-mm-dd`, in the province's time.
pub fn parse_received(raw: &str, time_zone: Tz) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    let with_time = [
        "%d/%m/%Y %H:%M",
        "%d/%m/%Y %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok());
    let local = with_time.or_else(|| {
        ["%d/%m/%Y", "%Y-%m-%d"]
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(raw, f).ok())
            .map(|d| d.and_time(NaiveTime::MIN))
    })?;
    if !(2000..=2100).contains(&local.year()) {
        return None;
    }
    time_zone
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// có / không (empty: không).
fn parse_consent(raw: &str) -> Option<bool> {
    match match_key(raw).as_str() {
        "" | "khong" | "k" | "no" | "n" | "0" | "false" | "khong dong y" => Some(false),
        "co" | "c" | "yes" | "y" | "1" | "true" | "x" | "dong y" | "co dong y" => Some(true),
        _ => None,
    }
}

/// The configured spelling of `raw`.
fn category(categories: &[String], raw: &str) -> Result<String, CaseProblem> {
    if raw.is_empty() {
        return Err(CaseProblem::MissingCategory);
    }
    let key = match_key(raw);
    categories
        .iter()
        .find(|c| match_key(c) == key)
        .cloned()
        .ok_or_else(|| CaseProblem::UnknownCategory(raw.into()))
}

enum Found {
    None,
    Several(Vec<String>),
}

/// The unit named `raw` (code, name or alias; case and accents aside), among units of `kind`
/// when given. For communes "Minh Khai" finds "Phường Minh Khai".
fn find_unit<'u>(units: &'u [Unit], raw: &str, kind: Option<UnitKind>) -> Result<&'u Unit, Found> {
    let key = match_key(raw);
    let candidates = units.iter().filter(|u| kind.is_none_or(|k| u.kind == k));
    let by_code: Vec<&Unit> = candidates
        .clone()
        .filter(|u| match_key(u.code.as_str()) == key)
        .collect();
    if let [unit] = by_code.as_slice() {
        return Ok(unit);
    }
    let names = |u: &Unit| -> Vec<String> {
        let mut keys: Vec<String> = std::iter::once(&u.name)
            .chain(&u.aliases)
            .map(|n| match_key(n))
            .collect();
        if u.kind == UnitKind::Commune {
            let bare: Vec<String> = keys
                .iter()
                .filter_map(|k| {
                    [
                        "xa ",
                        "phuong ",
                        "thi tran ",
                        "ubnd xa ",
                        "ubnd phuong ",
                        "ubnd thi tran ",
                    ]
                    .iter()
                    .find_map(|p| k.strip_prefix(p))
                    .map(String::from)
                })
                .collect();
            keys.extend(bare);
        }
        keys
    };
    let by_name: Vec<&Unit> = candidates.filter(|u| names(u).contains(&key)).collect();
    match by_name.as_slice() {
        [unit] => Ok(unit),
        [] => Err(Found::None),
        several => Err(Found::Several(
            several.iter().map(|u| u.code.to_string()).collect(),
        )),
    }
}

/// The place of a case: a commune when one fits, else any unit.
fn find_place<'u>(units: &'u [Unit], raw: &str) -> Result<&'u Unit, CaseProblem> {
    let several = |codes| CaseProblem::AmbiguousPlace {
        text: raw.into(),
        codes,
    };
    match find_unit(units, raw, Some(UnitKind::Commune)) {
        Ok(unit) => Ok(unit),
        Err(Found::Several(codes)) => Err(several(codes)),
        Err(Found::None) => match find_unit(units, raw, None) {
            Ok(unit) => Ok(unit),
            Err(Found::Several(codes)) => Err(several(codes)),
            Err(Found::None) => Err(CaseProblem::UnknownPlace(raw.into())),
        },
    }
}

/// The routing rules of a file (category, place, unit), or every problem with its row.
pub fn read_routing_rules(
    path: &Path,
    max_bytes: u64,
    units: &[Unit],
    categories: &[String],
) -> Result<Vec<RoutingRule>, Vec<Problem>> {
    let tables = read_tables(path, max_bytes).map_err(|p| vec![p])?;
    read_routing_tables(&tables, units, categories)
}

/// As [`read_routing_rules`], from tables already read.
pub fn read_routing_tables(
    tables: &[RawTable],
    units: &[Unit],
    categories: &[String],
) -> Result<Vec<RoutingRule>, Vec<Problem>> {
    use CaseColumn as C;
    let header = find_header(tables, &[C::Category, C::Unit])
        .or_else(|| find_header(tables, &[C::Place, C::Unit]));
    let (rows, columns) =
        header.ok_or_else(|| vec![file_problem(CaseProblem::NoHeader { routing: true })])?;
    let mut rules: Vec<(usize, RoutingRule)> = Vec::new();
    let mut problems = Vec::new();
    for row in rows.iter().filter(|r| !r.is_blank()) {
        let n = row.number;
        let mut found = Vec::new();
        let raw = columns.cell(row, C::Category);
        let category = if raw.is_empty() {
            Some(None)
        } else {
            match category(categories, raw) {
                Ok(c) => Some(Some(c)),
                Err(p) => {
                    found.push(problem(n, p));
                    None
                }
            }
        };
        let raw = columns.cell(row, C::Place);
        let place = if raw.is_empty() {
            Some(None)
        } else {
            match find_place(units, raw) {
                Ok(unit) => Some(Some(UnitId(unit.id))),
                Err(p) => {
                    found.push(problem(n, p));
                    None
                }
            }
        };
        let raw = columns.cell(row, C::Unit);
        let unit = match find_unit(units, raw, None) {
            _ if raw.is_empty() => {
                found.push(problem(n, CaseProblem::MissingUnit));
                None
            }
            Ok(unit) => Some(UnitId(unit.id)),
            Err(Found::None) => {
                found.push(problem(n, CaseProblem::UnknownUnit(raw.into())));
                None
            }
            Err(Found::Several(codes)) => {
                found.push(problem(
                    n,
                    CaseProblem::AmbiguousUnit {
                        text: raw.into(),
                        codes,
                    },
                ));
                None
            }
        };
        let (Some(category), Some(place_unit_id), Some(unit_id)) = (category, place, unit) else {
            problems.append(&mut found);
            continue;
        };
        let rule = RoutingRule {
            category,
            place_unit_id,
            unit_id,
        };
        let same = |r: &RoutingRule| {
            r.place_unit_id == rule.place_unit_id
                && r.category.as_deref().map(match_key) == rule.category.as_deref().map(match_key)
        };
        match rules.iter().find(|(_, r)| same(r)) {
            Some((first_row, _)) => problems.push(problem(
                n,
                CaseProblem::DuplicateRule {
                    first_row: *first_row,
                },
            )),
            None => rules.push((n, rule)),
        }
    }
    if !problems.is_empty() {
        Err(problems)
    } else if rules.is_empty() {
        Err(vec![file_problem(CaseProblem::NoRows)])
    } else {
        Ok(rules.into_iter().map(|(_, r)| r).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UnitCode;
    use crate::import::table::tables_from_bytes;
    use chrono_tz::Asia::Ho_Chi_Minh;

    fn units() -> Vec<Unit> {
        let unit = |id, code: &str, name: &str, kind| Unit {
            id,
            code: UnitCode::parse(code).unwrap(),
            name: name.into(),
            kind,
            parent: None,
            aliases: Vec::new(),
        };
        vec![
            unit(1, "HG-MINHKHAI", "Phường Minh Khai", UnitKind::Commune),
            unit(
                2,
                "HG-PTNMT",
                "Phòng Tài nguyên và Môi trường",
                UnitKind::Department,
            ),
            unit(3, "HG-NGOCHA", "Phường Ngọc Hà", UnitKind::Commune),
            unit(4, "HG-CA-MK", "Công an Minh Khai", UnitKind::Other),
        ]
    }

    fn categories() -> Vec<String> {
        crate::config::default_case_categories()
    }

    fn read(text: &str, rules: &[RoutingRule]) -> Result<Vec<NewCase>, Vec<Problem>> {
        let units = units();
        let categories = categories();
        let context = CaseContext {
            units: &units,
            rules,
            categories: &categories,
            time_zone: Ho_Chi_Minh,
            source: "test.csv",
        };
        read_cases_tables(
            &tables_from_bytes(text.as_bytes(), "csv").unwrap(),
            &context,
        )
    }

    const HEADER: &str = "Ngày giờ tiếp nhận,Kênh,Nội dung,Xã/phường,Lĩnh vực,Họ tên,Số điện thoại,Đồng ý chia sẻ,Đơn vị xử lý\n";

    #[test]
    fn rows_are_read_routed_and_timed_in_the_province() {
        let rules = vec![RoutingRule {
            category: Some("Quản trị môi trường".into()),
            place_unit_id: None,
            unit_id: UnitId(2),
        }];
        let cases = read(
            &format!(
                "{HEADER}\
                 02/11/2026 08:30,1022,Rác thải tổ 3,Minh Khai,quan tri moi truong,Nguyễn Văn An,0912345678,có,\n\
                 03/11/2026,Zalo,Đèn đường hỏng,HG-NGOCHA,Khác,,,,\n\
                 04/11/2026 14:00,email,Cấp phép chậm,phường ngọc hà,Thủ tục hành chính công,,,không,HG-PTNMT; Phường Minh Khai\n"
            ),
            &rules,
        )
        .unwrap();
        assert_eq!(cases.len(), 3);
        assert_eq!(cases[0].channel, Channel::Phone);
        assert_eq!(
            cases[0].received_at.to_rfc3339(),
            "2026-11-02T01:30:00+00:00"
        );
        assert_eq!(cases[0].place_unit_id, UnitId(1));
        assert_eq!(cases[0].category, "Quản trị môi trường");
        assert_eq!(cases[0].route_to, [UnitId(2)], "by the rule");
        assert!(cases[0].contact_consent);
        assert_eq!(cases[0].citizen_phone.as_deref(), Some("0912345678"));
        assert_eq!(
            cases[1].route_to,
            [UnitId(3)],
            "no rule: the commune itself"
        );
        assert_eq!(cases[1].citizen_name, None);
        assert!(!cases[1].contact_consent);
        assert_eq!(
            cases[1].received_at.to_rfc3339(),
            "2026-11-02T17:00:00+00:00"
        );
        assert_eq!(cases[2].route_to, [UnitId(2), UnitId(1)], "the units given");
        assert_eq!(cases[2].source, "test.csv");
    }

    #[test]
    fn every_bad_row_is_reported() {
        let problems = read(
            &format!(
                "{HEADER}\
                 02/11/2026 08:30,1022,Rác thải,Minh Khai,Khác,,,,\n\
                 31/11/2026,bồ câu,,Sao Hỏa,Thời tiết,,,có lẽ,Phòng X\n"
            ),
            &[],
        )
        .unwrap_err();
        let kinds: Vec<CaseProblem> = problems
            .into_iter()
            .map(|p| {
                assert_eq!(p.row, Some(3));
                match p.kind {
                    ProblemKind::Case(c) => c,
                    other => panic!("{other:?}"),
                }
            })
            .collect();
        assert_eq!(
            kinds,
            [
                CaseProblem::BadReceived("31/11/2026".into()),
                CaseProblem::BadChannel("bồ câu".into()),
                CaseProblem::MissingContent,
                CaseProblem::UnknownPlace("Sao Hỏa".into()),
                CaseProblem::UnknownCategory("Thời tiết".into()),
                CaseProblem::BadConsent("có lẽ".into()),
                CaseProblem::UnknownUnit("Phòng X".into()),
            ]
        );
        assert_eq!(
            read("a,b\n1,2\n", &[]).unwrap_err(),
            [file_problem(CaseProblem::NoHeader { routing: false })]
        );
        assert_eq!(
            read(HEADER, &[]).unwrap_err(),
            [file_problem(CaseProblem::NoRows)]
        );
    }

    #[test]
    fn routing_rules_with_any_category_or_place() {
        let units = units();
        let categories = categories();
        let read = |text: &str| {
            read_routing_tables(
                &tables_from_bytes(text.as_bytes(), "csv").unwrap(),
                &units,
                &categories,
            )
        };
        let rules = read(
            "Lĩnh vực,Xã/phường,Đơn vị xử lý\n\
             Quản trị môi trường,,HG-PTNMT\n\
             ,Ngọc Hà,Phường Minh Khai\n",
        )
        .unwrap();
        assert_eq!(
            rules,
            [
                RoutingRule {
                    category: Some("Quản trị môi trường".into()),
                    place_unit_id: None,
                    unit_id: UnitId(2)
                },
                RoutingRule {
                    category: None,
                    place_unit_id: Some(UnitId(3)),
                    unit_id: UnitId(1)
                },
            ]
        );
        let problems = read(
            "category,place,unit\n\
             Khác,,HG-PTNMT\n\
             khac,,HG-NGOCHA\n\
             Khác,Nowhere,\n",
        )
        .unwrap_err();
        assert_eq!(
            problems,
            [
                problem(3, CaseProblem::DuplicateRule { first_row: 2 }),
                problem(4, CaseProblem::UnknownPlace("Nowhere".into())),
                problem(4, CaseProblem::MissingUnit),
            ]
        );
    }

    #[test]
    fn received_times() {
        let t = |raw| parse_received(raw, Ho_Chi_Minh).map(|t| t.to_rfc3339());
        assert_eq!(
            t("2/11/2026 7:05").as_deref(),
            Some("2026-11-02T00:05:00+00:00")
        );
        assert_eq!(
            t("2026-11-02 07:05").as_deref(),
            Some("2026-11-02T00:05:00+00:00")
        );
        assert_eq!(t("02/11/26"), None);
        assert_eq!(t("hôm qua"), None);
    }
}
