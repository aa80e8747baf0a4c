//! Units (agencies, People's Committees, offices) and the roles of the people in them.

use std::fmt;
use std::str::FromStr;

use super::text::match_key;
use super::ParseError;

/// A unit's stable code from the registry ("SNV", "DN-GIANGHIA"). Trimmed, no spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let code = raw.trim();
        if code.is_empty() || code.len() > 64 || code.chars().any(char::is_whitespace) {
            return Err(ParseError::new("unit code", raw));
        }
        Ok(Self(code.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// What a unit is. Plans name groups by kind ("UBND cấp xã" = every commune).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UnitKind {
    Province,
    /// A department or agency: sở, ban, ngành, phòng, thanh tra, văn phòng …
    Department,
    District,
    /// Commune, ward or town (xã, phường, thị trấn).
    Commune,
    /// Sở / Phòng Nội vụ: monitors, presses, compiles.
    CoordinatingOffice,
    Hotline,
    Other,
}

impl UnitKind {
    pub const ALL: [UnitKind; 7] = [
        UnitKind::Province,
        UnitKind::Department,
        UnitKind::District,
        UnitKind::Commune,
        UnitKind::CoordinatingOffice,
        UnitKind::Hotline,
        UnitKind::Other,
    ];

    /// The spelling stored in the database and accepted in files.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Province => "province",
            UnitKind::Department => "department",
            UnitKind::District => "district",
            UnitKind::Commune => "commune",
            UnitKind::CoordinatingOffice => "coordinating_office",
            UnitKind::Hotline => "hotline",
            UnitKind::Other => "other",
        }
    }
}

impl fmt::Display for UnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for UnitKind {
    type Err = ParseError;

    /// Accepts the English keys and the Vietnamese words a registry clerk would type.
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let key = match_key(raw);
        let kind = match key.as_str() {
            "province" | "tinh" | "thanh pho truc thuoc trung uong" => UnitKind::Province,
            "department" | "agency" | "so" | "ban" | "nganh" | "phong" | "co quan"
            | "so ban nganh" => UnitKind::Department,
            "district" | "huyen" | "quan" | "thi xa" | "thanh pho" | "cap huyen" => {
                UnitKind::District
            }
            "commune" | "xa" | "phuong" | "thi tran" | "cap xa" => UnitKind::Commune,
            "coordinating office"
            | "coordinating_office"
            | "noi vu"
            | "so noi vu"
            | "phong noi vu" => UnitKind::CoordinatingOffice,
            "hotline" | "tong dai" | "duong day nong" => UnitKind::Hotline,
            "other" | "khac" => UnitKind::Other,
            _ => return Err(ParseError::new("unit kind", raw)),
        };
        Ok(kind)
    }
}

/// A person's role in their unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PersonRole {
    /// Chủ tịch / thủ trưởng: answers for the unit's tasks.
    Head,
    Deputy,
    /// Cán bộ đầu mối: does the reporting day to day.
    FocalPoint,
    /// Staff of the coordinating office.
    Coordinator,
    HotlineOperator,
}

impl PersonRole {
    pub fn as_str(self) -> &'static str {
        match self {
            PersonRole::Head => "head",
            PersonRole::Deputy => "deputy",
            PersonRole::FocalPoint => "focal_point",
            PersonRole::Coordinator => "coordinator",
            PersonRole::HotlineOperator => "hotline_operator",
        }
    }
}

impl FromStr for PersonRole {
    type Err = ParseError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let role = match match_key(raw).as_str() {
            "head" | "chairman" | "chu tich" | "thu truong" | "giam doc" | "truong phong" => {
                PersonRole::Head
            }
            "deputy" | "pho chu tich" | "pho giam doc" | "pho truong phong" => PersonRole::Deputy,
            "focal point" | "focal_point" | "dau moi" | "can bo dau moi" => PersonRole::FocalPoint,
            "coordinator" | "dieu phoi" | "chuyen vien noi vu" => PersonRole::Coordinator,
            "hotline operator" | "hotline_operator" | "tong dai vien" => {
                PersonRole::HotlineOperator
            }
            _ => return Err(ParseError::new("person role", raw)),
        };
        Ok(role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Channel, ZALO_NUMBER_BASE};

    fn member(telegram: Option<i64>, zalo: bool) -> Person {
        Person {
            id: crate::domain::PersonId(1),
            unit: UnitCode::parse("XA_A").unwrap_or_else(|_| unreachable!()),
            full_name: "Nguyễn Văn A".into(),
            role: PersonRole::Head,
            telegram_user_id: telegram,
            phone: None,
            language: None,
            zalo: zalo.then_some(ZaloLink {
                user: ZALO_NUMBER_BASE + 1,
                chat: ZALO_NUMBER_BASE + 2,
            }),
            channel_choice: None,
            last_channel: None,
        }
    }

    #[test]
    fn one_messenger_is_written_to_chosen_then_last_used() {
        assert_eq!(member(None, false).chat_to_write(), None);
        assert_eq!(member(Some(42), false).chat_to_write(), Some(42));
        assert_eq!(
            member(None, true).chat_to_write(),
            Some(ZALO_NUMBER_BASE + 2)
        );
        let mut both = member(Some(42), true);
        assert_eq!(
            both.chat_to_write(),
            Some(42),
            "Telegram when nothing says otherwise"
        );
        both.last_channel = Some(Channel::Zalo);
        assert_eq!(
            both.chat_to_write(),
            Some(ZALO_NUMBER_BASE + 2),
            "the one used last"
        );
        both.channel_choice = Some(Channel::Telegram);
        assert_eq!(
            both.chat_to_write(),
            Some(42),
            "a choice beats the last used"
        );
        let mut chose_unlinked = member(Some(42), false);
        chose_unlinked.channel_choice = Some(Channel::Zalo);
        assert_eq!(
            chose_unlinked.chat_to_write(),
            Some(42),
            "a choice it cannot keep"
        );
    }

    #[test]
    fn kinds_parse_from_english_and_vietnamese() {
        for kind in UnitKind::ALL {
            assert_eq!(kind.as_str().parse::<UnitKind>(), Ok(kind));
        }
        assert_eq!("Xã".parse::<UnitKind>(), Ok(UnitKind::Commune));
        assert_eq!("Sở".parse::<UnitKind>(), Ok(UnitKind::Department));
        assert!("planet".parse::<UnitKind>().is_err());
    }

    #[test]
    fn codes_refuse_blanks_and_spaces() {
        assert!(UnitCode::parse(" SNV ").is_ok());
        assert!(UnitCode::parse("").is_err());
        assert!(UnitCode::parse("S NV").is_err());
    }
}

/// Indexes of `units[root]` and every unit below it, at any depth (the tree has no fixed
/// number of levels: since 2025 many provinces have no districts).
pub fn subtree(units: &[Unit], root: usize) -> std::collections::HashSet<usize> {
    let mut children: std::collections::HashMap<&UnitCode, Vec<usize>> = Default::default();
    for (i, unit) in units.iter().enumerate() {
        if let Some(parent) = &unit.parent {
            children.entry(parent).or_default().push(i);
        }
    }
    let mut found = std::collections::HashSet::from([root]);
    let mut stack = vec![root];
    while let Some(i) = stack.pop() {
        for &child in children
            .get(&units[i].code)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            if found.insert(child) {
                stack.push(child);
            }
        }
    }
    found
}

/// A unit as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: i64,
    pub code: UnitCode,
    pub name: String,
    pub kind: UnitKind,
    pub parent: Option<UnitCode>,
    pub aliases: Vec<String>,
}

/// A unit as a registry file describes it; saved by code (insert or update in place).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUnit {
    pub code: UnitCode,
    pub name: String,
    pub kind: UnitKind,
    pub parent: Option<UnitCode>,
    pub aliases: Vec<String>,
}

/// A member of a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: super::PersonId,
    pub unit: UnitCode,
    pub full_name: String,
    pub role: PersonRole,
    pub telegram_user_id: Option<i64>,
    pub phone: Option<String>,
    /// The language they chose (`/ngonngu`); None = the province's.
    pub language: Option<super::Lang>,
    /// Linked on Zalo: their Zalo user's local number and the private chat to write to
    /// (`zalo_ids`, from [`super::ZALO_NUMBER_BASE`]).
    pub zalo: Option<ZaloLink>,
    /// The messenger chosen for them (`dondoc members channel`); None = the one they used last.
    pub channel_choice: Option<super::Channel>,
    /// The messenger they wrote from last.
    pub last_channel: Option<super::Channel>,
}

impl Person {
    /// The chat a message to them goes to, one messenger only: the one chosen for them when
    /// they are linked there, else the one they wrote from last, else Telegram, else Zalo.
    /// None when they are linked on neither.
    pub fn chat_to_write(&self) -> Option<i64> {
        super::channel::chat_to_write(
            self.telegram_user_id,
            self.zalo.map(|link| link.chat),
            self.channel_choice,
            self.last_channel,
        )
    }
}

/// A member's link on Zalo, as local numbers (see `domain::channel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZaloLink {
    pub user: i64,
    pub chat: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPerson {
    pub unit: UnitCode,
    pub full_name: String,
    pub role: PersonRole,
    pub telegram_user_id: Option<i64>,
    pub phone: Option<String>,
}
