//! Turning the unit text of a plan cell ("Các Sở, Ban, ngành; UBND cấp huyện, cấp xã") into
//! registry units.
//!
//! A cell is cut at `;` and line breaks; each piece is read word by word, always taking the
//! longest run of words that is a unit's name, one of its aliases, or a group phrase. So
//! "Sở Tài nguyên và Môi trường" stays one unit while "UBND cấp huyện, cấp xã" gives two
//! groups, and a missing separator ("… liên quan UBND xã, phường") still reads. Words that
//! match nothing are reported, never guessed; the report names the closest registry
//! spellings.
//!
//! A name that ends in a level ("Công an cấp huyện", "Đài PT-TH tỉnh") followed by a list of
//! levels ("…, cấp xã", "…, huyện, thị xã, thành phố") shares its head noun with them: "Công
//! an cấp huyện, cấp xã" is the police at both levels, never the district police and the
//! communes' People's Committees. The head is tried in every spelling the registry gives the
//! first unit ("Đài Phát thanh và Truyền hình", "Đài PTTH", …); when those spellings lead to
//! different units, or the shared head finds nothing while the bare level names something
//! else, the phrase reads two ways and is reported with its readings.

use std::collections::{BTreeSet, HashMap, HashSet};

use unicode_normalization::UnicodeNormalization;

use super::{Column, Problem, ProblemKind};
use crate::domain::plan::UnitRef;
use crate::domain::text::match_key;
use crate::domain::unit::{subtree, Unit};
use crate::domain::{UnitCode, UnitKind};

/// Which units a group phrase names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kinds {
    /// "Các Sở, Ban, ngành" and friends: every department, and the coordinating office (the
    /// Sở Nội vụ) unless the directory is told otherwise.
    Departments,
    Only(&'static [UnitKind]),
}

const GROUPS: &[(&str, Kinds)] = &[
    ("UBND cấp xã", Kinds::Only(&[UnitKind::Commune])),
    ("cấp xã", Kinds::Only(&[UnitKind::Commune])),
    ("UBND xã", Kinds::Only(&[UnitKind::Commune])),
    ("UBND các xã", Kinds::Only(&[UnitKind::Commune])),
    ("UBND các xã, phường", Kinds::Only(&[UnitKind::Commune])),
    ("UBND xã, phường", Kinds::Only(&[UnitKind::Commune])),
    (
        "UBND các xã, phường, thị trấn",
        Kinds::Only(&[UnitKind::Commune]),
    ),
    (
        "UBND xã, phường, thị trấn",
        Kinds::Only(&[UnitKind::Commune]),
    ),
    (
        "Chủ tịch UBND các xã, phường, thị trấn",
        Kinds::Only(&[UnitKind::Commune]),
    ),
    (
        "Ủy ban nhân dân các xã, phường",
        Kinds::Only(&[UnitKind::Commune]),
    ),
    (
        "Ủy ban nhân dân các xã, phường, thị trấn",
        Kinds::Only(&[UnitKind::Commune]),
    ),
    ("UBND cấp huyện", Kinds::Only(&[UnitKind::District])),
    ("cấp huyện", Kinds::Only(&[UnitKind::District])),
    ("UBND các huyện", Kinds::Only(&[UnitKind::District])),
    (
        "UBND các huyện, thành phố",
        Kinds::Only(&[UnitKind::District]),
    ),
    (
        "UBND các huyện, thị xã, thành phố",
        Kinds::Only(&[UnitKind::District]),
    ),
    (
        "Ủy ban nhân dân các huyện, thành phố",
        Kinds::Only(&[UnitKind::District]),
    ),
    ("Các Sở, Ban, ngành", Kinds::Departments),
    ("Các Sở, ngành", Kinds::Departments),
    ("Các Sở, Ban, ngành tỉnh", Kinds::Departments),
    ("Các cơ quan chuyên môn", Kinds::Departments),
    ("Các phòng, ban chuyên môn", Kinds::Departments),
    ("Các cơ quan, đơn vị", Kinds::Departments),
    ("Các cơ quan, đơn vị liên quan", Kinds::Departments),
    ("Các cơ quan, đơn vị có liên quan", Kinds::Departments),
    ("Các cơ quan liên quan", Kinds::Departments),
    ("Các cơ quan có liên quan", Kinds::Departments),
    (
        "Các cơ quan, đơn vị từ cấp tỉnh đến cấp xã",
        Kinds::Only(&[
            UnitKind::Department,
            UnitKind::CoordinatingOffice,
            UnitKind::Other,
            UnitKind::District,
            UnitKind::Commune,
        ]),
    ),
];

/// Words that join unit names and mean nothing by themselves.
const CONNECTORS: &[&str] = &["va", "voi", "cung"];

/// Levels a head noun distributes over ("Công an cấp huyện, cấp xã"), as match keys.
const LEVELS: &[&str] = &[
    "cap tinh",
    "cap huyen",
    "cap xa",
    "tinh",
    "huyen",
    "thi xa",
    "thanh pho",
    "quan",
    "xa",
    "phuong",
    "thi tran",
];

/// At most this many suggestions for a unit not found.
const MAX_SUGGESTIONS: usize = 3;

/// What a unit phrase points at.
#[derive(Debug, Clone)]
enum Target {
    /// Indexes into `UnitDirectory::units`.
    Units(Vec<usize>),
    Group(Kinds),
}

/// The registry, indexed for reading plan cells under one scope unit.
#[derive(Debug)]
pub struct UnitDirectory {
    units: Vec<Unit>,
    phrases: HashMap<String, Target>,
    /// The scope unit and everything below it.
    in_scope: HashSet<usize>,
    longest_phrase: usize,
    departments_include_coordinating_office: bool,
}

/// The units a cell names, and the pieces of it that name none.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Resolution {
    pub units: Vec<UnitRef>,
    pub problems: Vec<ProblemKind>,
}

/// One word of a cell piece, and whether a comma stands before it.
struct Word<'a> {
    text: &'a str,
    key: String,
    comma_before: bool,
}

fn words_of(text: &str) -> Vec<Word<'_>> {
    let mut words = Vec::new();
    let mut comma = false;
    let mut start: Option<usize> = None;
    for (at, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_alphanumeric() && at < text.len() {
            start.get_or_insert(at);
            continue;
        }
        if let Some(begin) = start.take() {
            let word = &text[begin..at];
            words.push(Word {
                text: word,
                key: match_key(word),
                comma_before: comma,
            });
            comma = false;
        }
        if c == ',' {
            comma = true;
        }
    }
    words
}

impl UnitDirectory {
    pub fn new(units: Vec<Unit>, scope: &UnitCode) -> Result<Self, Problem> {
        let scope_index = units
            .iter()
            .position(|u| &u.code == scope)
            .ok_or_else(|| Problem::file(ProblemKind::ScopeNotFound(scope.to_string())))?;
        let in_scope = subtree(&units, scope_index);
        let mut phrases: HashMap<String, Target> = HashMap::new();
        for (phrase, kinds) in GROUPS {
            phrases.insert(match_key(phrase), Target::Group(*kinds));
        }
        for (i, unit) in units.iter().enumerate() {
            for spelling in std::iter::once(&unit.name).chain(&unit.aliases) {
                let key = match_key(spelling);
                if key.is_empty() {
                    continue;
                }
                // A registered name overrides a group phrase with the same words.
                match phrases
                    .entry(key)
                    .or_insert_with(|| Target::Units(Vec::new()))
                {
                    Target::Units(list) => {
                        if !list.contains(&i) {
                            list.push(i);
                        }
                    }
                    group @ Target::Group(_) => *group = Target::Units(vec![i]),
                }
            }
        }
        let longest_phrase = phrases
            .keys()
            .map(|k| k.split(' ').count())
            .max()
            .unwrap_or(1);
        Ok(Self {
            units,
            phrases,
            in_scope,
            longest_phrase,
            departments_include_coordinating_office: true,
        })
    }

    /// Whether "Các Sở, Ban, ngành" and the other department groups include the coordinating
    /// office (the Sở Nội vụ). They do unless told otherwise (`import.departments_include_
    /// coordinating_office` in the configuration).
    pub fn with_departments_including_coordinating_office(mut self, include: bool) -> Self {
        self.departments_include_coordinating_office = include;
        self
    }

    pub fn departments_include_coordinating_office(&self) -> bool {
        self.departments_include_coordinating_office
    }

    /// Resolves one cell of `column`.
    pub fn resolve(&self, cell: &str, column: Column) -> Resolution {
        let mut resolution = Resolution::default();
        let mut seen: HashSet<usize> = HashSet::new();
        for piece in cell.split([';', '\n']) {
            self.resolve_piece(piece, column, &mut seen, &mut resolution);
        }
        resolution
    }

    fn resolve_piece(
        &self,
        piece: &str,
        column: Column,
        seen: &mut HashSet<usize>,
        out: &mut Resolution,
    ) {
        let original: String = piece.nfc().collect();
        let words = words_of(&original);
        let keys: Vec<String> = words.iter().map(|w| w.key.clone()).collect();
        let mut unknown: Vec<&str> = Vec::new();
        let mut i = 0;
        while i < words.len() {
            match self.longest_match(&keys, i) {
                Some((end, target)) => {
                    self.flush_unknown(&mut unknown, column, out);
                    let indexes = self.expand(target);
                    if indexes.is_empty() {
                        out.problems.push(ProblemKind::EmptyGroup {
                            column,
                            text: join(&words[i..end]),
                        });
                    }
                    self.take(indexes, seen, out);
                    i = self.distribute(&words, &keys, i, end, target, column, seen, out);
                }
                None if unknown.is_empty() && CONNECTORS.contains(&keys[i].as_str()) => i += 1,
                None => {
                    unknown.push(words[i].text);
                    i += 1;
                }
            }
        }
        self.flush_unknown(&mut unknown, column, out);
    }

    fn take(&self, indexes: Vec<usize>, seen: &mut HashSet<usize>, out: &mut Resolution) {
        for index in indexes {
            if seen.insert(index) {
                let unit = &self.units[index];
                out.units.push(UnitRef {
                    id: unit.id,
                    code: unit.code.clone(),
                    name: unit.name.clone(),
                });
            }
        }
    }

    /// After a phrase `start..end` ending in a level, reads the list of levels that follows it
    /// (", cấp xã", ", huyện, thị xã, thành phố") with the phrase's head noun. Returns where
    /// reading goes on.
    #[allow(clippy::too_many_arguments)]
    fn distribute(
        &self,
        words: &[Word],
        keys: &[String],
        start: usize,
        end: usize,
        target: &Target,
        column: Column,
        seen: &mut HashSet<usize>,
        out: &mut Resolution,
    ) -> usize {
        let phrase = keys[start..end].join(" ");
        let Some(level) = LEVELS
            .iter()
            .filter(|l| phrase.ends_with(&format!(" {l}")))
            .max_by_key(|l| l.len())
        else {
            return end;
        };
        let level_words = level.split(' ').count();
        let written_head = join(&words[start..end - level_words]);
        let heads = self.heads(&phrase, level, target);
        let mut at = end;
        loop {
            let item_start = if at < words.len() && words[at].comma_before {
                at
            } else if at + 1 < words.len() && keys[at] == "va" && is_level_start(&keys[at + 1]) {
                at + 1
            } else {
                return at;
            };
            let Some(item_end) = level_item(words, keys, item_start) else {
                return at;
            };
            let next_level = keys[item_start..item_end].join(" ");
            let mut variants = vec![next_level.clone()];
            if level.starts_with("cap ") && !next_level.starts_with("cap ") {
                variants.push(format!("cap {next_level}"));
            }
            if !level.starts_with("cap ") {
                if let Some(bare) = next_level.strip_prefix("cap ") {
                    variants.push(bare.to_string());
                }
            }
            let mut readings: Vec<BTreeSet<usize>> = Vec::new();
            for head in &heads {
                for variant in &variants {
                    if let Some(found) = self.phrases.get(&format!("{head} {variant}")) {
                        let set: BTreeSet<usize> = self.expand(found).into_iter().collect();
                        if !set.is_empty() && !readings.contains(&set) {
                            readings.push(set);
                        }
                    }
                }
            }
            let distributed_text = format!("{written_head} {}", join(&words[item_start..item_end]));
            match readings.len() {
                1 => {
                    let units = readings.remove(0).into_iter().collect();
                    self.take(units, seen, out);
                }
                0 => {
                    // The bare level may name something of its own ("cấp xã": the communes'
                    // People's Committees): two readings, never a silent pick.
                    let alone = self
                        .longest_match(keys, item_start)
                        .filter(|(e, _)| *e == item_end)
                        .map(|(_, t)| self.expand(t))
                        .filter(|units| !units.is_empty());
                    out.problems.push(match alone {
                        Some(units) => ProblemKind::Ambiguous {
                            column,
                            text: join(&words[start..item_end]),
                            readings: vec![
                                format!("«{distributed_text}» ?"),
                                format!(
                                    "«{}» = {}",
                                    join(&words[item_start..item_end]),
                                    self.names(&units)
                                ),
                            ],
                        },
                        None => ProblemKind::UnknownUnit {
                            column,
                            suggestions: self.suggest(&distributed_text),
                            text: distributed_text,
                        },
                    });
                }
                _ => out.problems.push(ProblemKind::Ambiguous {
                    column,
                    text: join(&words[start..item_end]),
                    readings: readings
                        .iter()
                        .map(|set| self.names(&set.iter().copied().collect::<Vec<_>>()))
                        .collect(),
                }),
            }
            at = item_end;
        }
    }

    /// The head noun of `phrase` (which ends in `level`) in every spelling the registry gives
    /// its units with that level: "Đài PTTH tỉnh" → "dai phat thanh va truyen hinh", "dai
    /// ptth", …
    fn heads(&self, phrase: &str, level: &str, target: &Target) -> Vec<String> {
        let strip = |key: &str| {
            key.strip_suffix(level)
                .map(|h| h.trim_end().to_string())
                .filter(|h| !h.is_empty())
        };
        let mut heads: Vec<String> = strip(phrase).into_iter().collect();
        if let Target::Units(list) = target {
            for &i in list {
                let unit = &self.units[i];
                for spelling in std::iter::once(&unit.name).chain(&unit.aliases) {
                    let key = match_key(spelling);
                    if let Some(head) = key
                        .ends_with(&format!(" {level}"))
                        .then(|| strip(&key))
                        .flatten()
                    {
                        if !heads.contains(&head) {
                            heads.push(head);
                        }
                    }
                }
            }
        }
        heads
    }

    /// Unit names for a reading: the first four, then how many in all.
    fn names(&self, indexes: &[usize]) -> String {
        let names: Vec<&str> = indexes
            .iter()
            .take(4)
            .map(|&i| self.units[i].name.as_str())
            .collect();
        if indexes.len() > 4 {
            format!("{}; … ({})", names.join("; "), indexes.len())
        } else {
            names.join("; ")
        }
    }

    fn flush_unknown(&self, unknown: &mut Vec<&str>, column: Column, out: &mut Resolution) {
        // A trailing connector ("… và") belongs to no unit.
        while unknown
            .last()
            .is_some_and(|w| CONNECTORS.contains(&match_key(w).as_str()))
        {
            unknown.pop();
        }
        if !unknown.is_empty() {
            let text = unknown.join(" ");
            out.problems.push(ProblemKind::UnknownUnit {
                column,
                suggestions: self.suggest(&text),
                text,
            });
            unknown.clear();
        }
    }

    /// The registry spellings (names and aliases) closest to `text`, best first: the units
    /// under the plan's scope only, at most three, none that shares too little with it.
    pub fn suggest(&self, text: &str) -> Vec<Suggestion> {
        let key = match_key(text);
        if key.is_empty() {
            return Vec::new();
        }
        let words: HashSet<&str> = key.split(' ').collect();
        let mut scored: Vec<(f64, usize, &str)> = Vec::new();
        for (i, unit) in self.units.iter().enumerate() {
            if !self.in_scope.contains(&i) {
                continue;
            }
            for spelling in std::iter::once(&unit.name).chain(&unit.aliases) {
                let other = match_key(spelling);
                if other.is_empty() {
                    continue;
                }
                let other_words: HashSet<&str> = other.split(' ').collect();
                // Words in common, as a share of each side ("Ủy ban MTTQ Việt Nam thành phố"
                // and "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Hà Giang"), or letters in
                // common ("UBMTTQ VN thành phố" and "UBMTTQVN thành phố").
                let shared = words.intersection(&other_words).count() as f64;
                let overlap =
                    (shared / words.len() as f64 + shared / other_words.len() as f64) / 2.0;
                let score = strsim::normalized_levenshtein(&key, &other).max(overlap);
                if score >= 0.6 && same_proper_part(&key, &other) {
                    scored.push((score, i, spelling.as_str()));
                }
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut out: Vec<Suggestion> = Vec::new();
        for (_, i, spelling) in scored {
            if out.iter().any(|s| s.code == self.units[i].code) {
                continue;
            }
            out.push(Suggestion {
                code: self.units[i].code.clone(),
                spelling: spelling.to_string(),
            });
            if out.len() == MAX_SUGGESTIONS {
                break;
            }
        }
        out
    }

    /// The registered unit with this code, if any.
    pub fn unit(&self, code: &UnitCode) -> Option<&Unit> {
        self.units.iter().find(|u| &u.code == code)
    }

    fn longest_match(&self, keys: &[String], start: usize) -> Option<(usize, &Target)> {
        let last = keys.len().min(start + self.longest_phrase);
        (start + 1..=last).rev().find_map(|end| {
            self.phrases
                .get(&keys[start..end].join(" "))
                .map(|target| (end, target))
        })
    }

    /// Unit indexes for a phrase: a group becomes every unit of its kinds under the scope; a
    /// name shared by several units prefers those under the scope.
    fn expand(&self, target: &Target) -> Vec<usize> {
        match target {
            Target::Group(kinds) => {
                let wanted = |kind: UnitKind| match kinds {
                    Kinds::Departments => {
                        kind == UnitKind::Department
                            || (kind == UnitKind::CoordinatingOffice
                                && self.departments_include_coordinating_office)
                    }
                    Kinds::Only(list) => list.contains(&kind),
                };
                (0..self.units.len())
                    .filter(|i| self.in_scope.contains(i) && wanted(self.units[*i].kind))
                    .collect()
            }
            Target::Units(list) => {
                let scoped: Vec<usize> = list
                    .iter()
                    .copied()
                    .filter(|i| self.in_scope.contains(i))
                    .collect();
                if scoped.is_empty() {
                    list.clone()
                } else {
                    scoped
                }
            }
        }
    }
}

/// Words every kind of unit name uses: levels, "UBND", "Sở", "Phòng" …
const GENERIC_WORDS: &[&str] = &[
    "ubnd", "uy", "ban", "nhan", "dan", "so", "phong", "cac", "va", "cap", "thanh", "pho", "tinh",
    "huyen", "xa", "phuong", "thi", "tran", "quan",
];

/// Whether two match keys agree on what is particular to them, beyond the generic words: one
/// such word in common, or spelt nearly alike ("ubmttq vn" and "ubmttqvn"). So "Hội Nông dân
/// thành phố" is not offered "Công an thành phố" for their shared "thành phố".
fn same_proper_part(a: &str, b: &str) -> bool {
    let proper = |key: &str| -> Vec<String> {
        key.split(' ')
            .filter(|w| !GENERIC_WORDS.contains(w))
            .map(str::to_string)
            .collect()
    };
    let (pa, pb) = (proper(a), proper(b));
    if pa.is_empty() || pb.is_empty() {
        return pa.is_empty() && pb.is_empty();
    }
    pa.iter().any(|w| pb.contains(w))
        || strsim::normalized_levenshtein(&pa.join(" "), &pb.join(" ")) >= 0.6
}

/// A registry spelling close to a unit text not found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub code: UnitCode,
    /// The name or alias as the registry writes it.
    pub spelling: String,
}

/// The words as written, with their commas.
fn join(words: &[Word]) -> String {
    let mut text = String::new();
    for (n, word) in words.iter().enumerate() {
        if n > 0 {
            text.push_str(if word.comma_before { ", " } else { " " });
        }
        text.push_str(word.text);
    }
    text
}

fn is_level_start(key: &str) -> bool {
    LEVELS.iter().any(|l| l.split(' ').next() == Some(key))
}

/// A level standing alone as a list item at `start`: the longest level there that the end of
/// the piece, a comma or "và" follows. Its end.
fn level_item(words: &[Word], keys: &[String], start: usize) -> Option<usize> {
    LEVELS
        .iter()
        .filter_map(|level| {
            let n = level.split(' ').count();
            let end = start + n;
            (end <= keys.len()
                && keys[start..end].join(" ") == *level
                && (end == keys.len() || words[end].comma_before || keys[end] == "va"))
                .then_some(end)
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(
        id: i64,
        code: &str,
        name: &str,
        kind: UnitKind,
        parent: Option<&str>,
        aliases: &[&str],
    ) -> Unit {
        Unit {
            id,
            code: UnitCode::parse(code).unwrap(),
            name: name.into(),
            kind,
            parent: parent.map(|p| UnitCode::parse(p).unwrap()),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        }
    }

    fn directory() -> UnitDirectory {
        let units = vec![
            unit(1, "T", "Tỉnh X", UnitKind::Province, None, &[]),
            unit(
                2,
                "TNMT",
                "Sở Tài nguyên và Môi trường",
                UnitKind::Department,
                Some("T"),
                &["Sở TN&MT"],
            ),
            unit(3, "H1", "UBND huyện A", UnitKind::District, Some("T"), &[]),
            unit(
                4,
                "X1",
                "UBND xã B",
                UnitKind::Commune,
                Some("H1"),
                &["UBND 1 xã"],
            ),
            unit(5, "X2", "UBND phường C", UnitKind::Commune, Some("H1"), &[]),
            unit(6, "OUT", "UBND xã Ngoài", UnitKind::Commune, None, &[]),
        ];
        UnitDirectory::new(units, &UnitCode::parse("T").unwrap()).unwrap()
    }

    fn codes(r: &Resolution) -> Vec<&str> {
        r.units.iter().map(|u| u.code.as_str()).collect()
    }

    #[test]
    fn names_with_va_and_groups_with_commas() {
        let d = directory();
        let r = d.resolve(
            "Sở Tài nguyên và Môi trường, UBND cấp huyện, cấp xã.",
            Column::Implementing,
        );
        assert_eq!(codes(&r), ["TNMT", "H1", "X1", "X2"]);
        assert!(r.problems.is_empty());
        let r = d.resolve("sở tn-mt; UBND các xã, Phường", Column::Lead);
        assert_eq!(codes(&r), ["TNMT", "X1", "X2"]);
    }

    #[test]
    fn unknown_words_are_reported_not_guessed() {
        let d = directory();
        let r = d.resolve("UBND cấp; Sở Y tế và UBND xã B", Column::Lead);
        assert_eq!(codes(&r), ["X1"]);
        let texts: Vec<_> = r
            .problems
            .iter()
            .map(|p| match p {
                ProblemKind::UnknownUnit { column, text, .. } => (*column, text.as_str()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            texts,
            [(Column::Lead, "UBND cấp"), (Column::Lead, "Sở Y tế")]
        );
    }

    /// A registry with police, stations and culture offices at several levels.
    fn levels() -> UnitDirectory {
        let units = vec![
            unit(1, "T", "Tỉnh X", UnitKind::Province, None, &[]),
            unit(
                2,
                "SNV",
                "Sở Nội vụ",
                UnitKind::CoordinatingOffice,
                Some("T"),
                &[],
            ),
            unit(3, "STP", "Sở Tư pháp", UnitKind::Department, Some("T"), &[]),
            unit(4, "H1", "UBND huyện A", UnitKind::District, Some("T"), &[]),
            unit(
                5,
                "TP",
                "UBND thành phố B",
                UnitKind::District,
                Some("T"),
                &[],
            ),
            unit(6, "X1", "UBND xã C", UnitKind::Commune, Some("H1"), &[]),
            unit(
                7,
                "CAH",
                "Công an cấp huyện",
                UnitKind::Other,
                Some("T"),
                &[],
            ),
            unit(8, "CAX", "Công an cấp xã", UnitKind::Other, Some("T"), &[]),
            unit(
                9,
                "DAI",
                "Đài Phát thanh và Truyền hình tỉnh",
                UnitKind::Other,
                Some("T"),
                &["Đài PT-TH tỉnh", "Đài PTTH tỉnh"],
            ),
            unit(
                10,
                "DAI-H1",
                "Đài Truyền thanh huyện A",
                UnitKind::Other,
                Some("H1"),
                &["Đài PTTH huyện"],
            ),
            unit(
                11,
                "DAI-TP",
                "Đài Truyền thanh thành phố B",
                UnitKind::Other,
                Some("TP"),
                &["Đài PTTH huyện"],
            ),
            unit(
                12,
                "VH-H1",
                "Phòng Văn hóa - Thông tin huyện A",
                UnitKind::Other,
                Some("H1"),
                &["Phòng Văn hóa - Thông tin huyện"],
            ),
            unit(
                13,
                "VH-TP",
                "Phòng Văn hóa - Thông tin thành phố B",
                UnitKind::Other,
                Some("TP"),
                &[
                    "Phòng Văn hóa - Thông tin thành phố",
                    "Phòng Văn hóa - Thông tin thị xã",
                ],
            ),
            unit(
                14,
                "MTTQ-TP",
                "Ủy ban MTTQ Việt Nam thành phố",
                UnitKind::Other,
                Some("TP"),
                &[],
            ),
        ];
        UnitDirectory::new(units, &UnitCode::parse("T").unwrap()).unwrap()
    }

    #[test]
    fn a_head_noun_distributes_over_a_list_of_levels() {
        let d = levels();
        let r = d.resolve("Công an cấp huyện, cấp xã", Column::Implementing);
        assert_eq!((codes(&r), r.problems.len()), (vec!["CAH", "CAX"], 0));
        let r = d.resolve(
            "Công an cấp huyện và cấp xã; Sở Tư pháp",
            Column::Implementing,
        );
        assert_eq!(
            (codes(&r), r.problems.len()),
            (vec!["CAH", "CAX", "STP"], 0)
        );
        for station in [
            "Đài Phát thanh và Truyền hình tỉnh, huyện",
            "Đài PT&TH tỉnh, huyện",
            "Đài PTTH tỉnh, huyện",
        ] {
            let r = d.resolve(station, Column::Implementing);
            assert_eq!(codes(&r), ["DAI", "DAI-H1", "DAI-TP"], "{station}");
            assert!(r.problems.is_empty(), "{station}: {:?}", r.problems);
        }
        let r = d.resolve("UBND cấp huyện, xã", Column::Implementing);
        assert_eq!((codes(&r), r.problems.len()), (vec!["H1", "TP", "X1"], 0));
        let r = d.resolve(
            "Phòng Văn hóa - Thông tin huyện, thị xã, thành phố",
            Column::Implementing,
        );
        assert_eq!((codes(&r), r.problems.len()), (vec!["VH-H1", "VH-TP"], 0));
        // A level followed by a name is the name, not a list item.
        let r = d.resolve("Công an cấp huyện, UBND xã C", Column::Implementing);
        assert_eq!((codes(&r), r.problems.len()), (vec!["CAH", "X1"], 0));
    }

    #[test]
    fn a_phrase_read_two_ways_is_a_problem_naming_the_readings() {
        let mut units = levels().units;
        // Without "Công an cấp xã" the bare "cấp xã" would mean the communes' People's
        // Committees: the old silent misreading.
        units.retain(|u| u.code.as_str() != "CAX");
        let d = UnitDirectory::new(units, &UnitCode::parse("T").unwrap()).unwrap();
        let r = d.resolve("Công an cấp huyện, cấp xã", Column::Implementing);
        assert_eq!(codes(&r), ["CAH"]);
        match &r.problems[..] {
            [ProblemKind::Ambiguous { text, readings, .. }] => {
                assert_eq!(text, "Công an cấp huyện, cấp xã");
                assert_eq!(readings[0], "«Công an cấp xã» ?");
                assert_eq!(readings[1], "«cấp xã» = UBND xã C");
            }
            other => panic!("{other:?}"),
        }
        // Two spellings of the head leading to different units.
        let mut units = levels().units;
        units[10].aliases = vec!["Đài Phát thanh và Truyền hình huyện".into()];
        let d = UnitDirectory::new(units, &UnitCode::parse("T").unwrap()).unwrap();
        let r = d.resolve("Đài PTTH tỉnh, huyện", Column::Implementing);
        assert!(
            matches!(&r.problems[..], [ProblemKind::Ambiguous { readings, .. }] if readings.len() == 2),
            "{:?}",
            r.problems
        );
        // A shared head with no unit at the level, and nothing else there: not found.
        let r = levels().resolve("Sở Tư pháp, Công an cấp huyện, thị trấn", Column::Lead);
        assert!(
            matches!(&r.problems[..], [ProblemKind::UnknownUnit { text, .. }] if text == "Công an thị trấn"),
            "{:?}",
            r.problems
        );
    }

    #[test]
    fn a_unit_not_found_names_the_closest_spellings() {
        let d = levels();
        let r = d.resolve("UB MTTQ Việt Nam thành phố", Column::Lead);
        match &r.problems[..] {
            [ProblemKind::UnknownUnit { suggestions, .. }] => {
                assert_eq!(suggestions[0].code.as_str(), "MTTQ-TP");
                assert_eq!(suggestions[0].spelling, "Ủy ban MTTQ Việt Nam thành phố");
            }
            other => panic!("{other:?}"),
        }
        assert!(d.suggest("Hội Nông dân").is_empty(), "nothing alike");
    }

    #[test]
    fn departments_include_the_coordinating_office_by_choice() {
        let r = levels().resolve("Các Sở, Ban, ngành", Column::Implementing);
        assert_eq!(codes(&r), ["SNV", "STP"]);
        let d = levels().with_departments_including_coordinating_office(false);
        assert!(!d.departments_include_coordinating_office());
        let r = d.resolve("Các Sở, Ban, ngành", Column::Implementing);
        assert_eq!(codes(&r), ["STP"]);
    }

    #[test]
    fn groups_stay_inside_the_scope() {
        let units = directory().units;
        let d = UnitDirectory::new(units, &UnitCode::parse("H1").unwrap()).unwrap();
        let r = d.resolve("UBND các xã, phường", Column::Implementing);
        assert_eq!(codes(&r), ["X1", "X2"]);
        let r = d.resolve("Các Sở, Ban, ngành", Column::Implementing);
        assert!(r.units.is_empty());
        assert!(matches!(r.problems[0], ProblemKind::EmptyGroup { .. }));
    }
}
