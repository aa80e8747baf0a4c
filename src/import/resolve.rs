//! Turning the unit text of a plan cell ("Các Sở, Ban, ngành; UBND cấp huyện, cấp xã") into
//! registry units.
//!
//! A cell is cut at `;` and line breaks; each piece is read word by word, always taking the
//! longest run of words that is a unit's name, one of its aliases, or a group phrase. So
//! "Sở Tài nguyên và Môi trường" stays one unit while "UBND cấp huyện, cấp xã" gives two
//! groups, and a missing separator ("… liên quan UBND xã, phường") still reads. Words that
//! match nothing are reported, never guessed.

use std::collections::{HashMap, HashSet};

use unicode_normalization::UnicodeNormalization;

use super::{Column, Problem, ProblemKind};
use crate::domain::plan::UnitRef;
use crate::domain::text::match_key;
use crate::domain::unit::{subtree, Unit};
use crate::domain::{UnitCode, UnitKind};

/// Phrases that name every unit of some kinds under the plan's scope.
/// "Departments" include the coordinating office: the Sở Nội vụ is a Sở like the others.
const DEPARTMENTS: &[UnitKind] = &[UnitKind::Department, UnitKind::CoordinatingOffice];

const GROUPS: &[(&str, &[UnitKind])] = &[
    ("UBND cấp xã", &[UnitKind::Commune]),
    ("cấp xã", &[UnitKind::Commune]),
    ("UBND xã", &[UnitKind::Commune]),
    ("UBND các xã", &[UnitKind::Commune]),
    ("UBND các xã, phường", &[UnitKind::Commune]),
    ("UBND xã, phường", &[UnitKind::Commune]),
    ("UBND các xã, phường, thị trấn", &[UnitKind::Commune]),
    ("UBND xã, phường, thị trấn", &[UnitKind::Commune]),
    (
        "Chủ tịch UBND các xã, phường, thị trấn",
        &[UnitKind::Commune],
    ),
    ("Ủy ban nhân dân các xã, phường", &[UnitKind::Commune]),
    (
        "Ủy ban nhân dân các xã, phường, thị trấn",
        &[UnitKind::Commune],
    ),
    ("UBND cấp huyện", &[UnitKind::District]),
    ("cấp huyện", &[UnitKind::District]),
    ("UBND các huyện", &[UnitKind::District]),
    ("UBND các huyện, thành phố", &[UnitKind::District]),
    ("UBND các huyện, thị xã, thành phố", &[UnitKind::District]),
    (
        "Ủy ban nhân dân các huyện, thành phố",
        &[UnitKind::District],
    ),
    ("Các Sở, Ban, ngành", DEPARTMENTS),
    ("Các Sở, ngành", DEPARTMENTS),
    ("Các Sở, Ban, ngành tỉnh", DEPARTMENTS),
    ("Các cơ quan chuyên môn", DEPARTMENTS),
    ("Các phòng, ban chuyên môn", DEPARTMENTS),
    ("Các cơ quan, đơn vị", DEPARTMENTS),
    ("Các cơ quan, đơn vị liên quan", DEPARTMENTS),
    ("Các cơ quan, đơn vị có liên quan", DEPARTMENTS),
    ("Các cơ quan liên quan", DEPARTMENTS),
    ("Các cơ quan có liên quan", DEPARTMENTS),
    (
        "Các cơ quan, đơn vị từ cấp tỉnh đến cấp xã",
        &[
            UnitKind::Department,
            UnitKind::CoordinatingOffice,
            UnitKind::Other,
            UnitKind::District,
            UnitKind::Commune,
        ],
    ),
];

/// Words that join unit names and mean nothing by themselves.
const CONNECTORS: &[&str] = &["va", "voi", "cung"];

/// What a unit phrase points at.
#[derive(Debug, Clone)]
enum Target {
    /// Indexes into `UnitDirectory::units`.
    Units(Vec<usize>),
    Group(&'static [UnitKind]),
}

/// The registry, indexed for reading plan cells under one scope unit.
#[derive(Debug)]
pub struct UnitDirectory {
    units: Vec<Unit>,
    phrases: HashMap<String, Target>,
    /// The scope unit and everything below it.
    in_scope: HashSet<usize>,
    longest_phrase: usize,
}

/// The units a cell names, and the pieces of it that name none.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Resolution {
    pub units: Vec<UnitRef>,
    pub problems: Vec<ProblemKind>,
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
            phrases.insert(match_key(phrase), Target::Group(kinds));
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
        })
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
        let words: Vec<&str> = original
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let keys: Vec<String> = words.iter().map(|w| match_key(w)).collect();
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
                            text: words[i..end].join(" "),
                        });
                    }
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
                    i = end;
                }
                None if unknown.is_empty() && CONNECTORS.contains(&keys[i].as_str()) => i += 1,
                None => {
                    unknown.push(words[i]);
                    i += 1;
                }
            }
        }
        self.flush_unknown(&mut unknown, column, out);
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
            out.problems.push(ProblemKind::UnknownUnit {
                column,
                text: unknown.join(" "),
            });
            unknown.clear();
        }
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
            Target::Group(kinds) => (0..self.units.len())
                .filter(|i| self.in_scope.contains(i) && kinds.contains(&self.units[*i].kind))
                .collect(),
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
        assert_eq!(
            r.problems,
            [
                ProblemKind::UnknownUnit {
                    column: Column::Lead,
                    text: "UBND cấp".into()
                },
                ProblemKind::UnknownUnit {
                    column: Column::Lead,
                    text: "Sở Y tế".into()
                },
            ]
        );
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
