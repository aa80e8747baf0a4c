//! Timeframes as officials write them. The text is always kept; when it names a date
//! ("Quý III/2020", "Tháng 12 hàng năm", "6 tháng cuối năm 2023", "30/11/2023") the task also
//! gets that date as its due date. "Thường xuyên" and friends have none.

use chrono::{Datelike, NaiveDate};

use super::text::match_key;

/// The due date named by `timeframe`, with `plan_year` filling in a missing year.
pub fn due_date(timeframe: &str, plan_year: i32) -> Option<NaiveDate> {
    if let Some(date) = latest_written_date(timeframe, plan_year) {
        return Some(date);
    }
    let words: Vec<String> = match_key(timeframe)
        .split(' ')
        .map(str::to_string)
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    quarter(&words, plan_year)
        .or_else(|| half_year(&words, plan_year))
        .or_else(|| month(&words, plan_year))
        .or_else(|| whole_year(&words))
}

/// "30/11/2023", "trước ngày 30/6" (plan year): the latest such date in the text.
fn latest_written_date(text: &str, plan_year: i32) -> Option<NaiveDate> {
    let chars: Vec<char> = text.chars().collect();
    let mut best: Option<NaiveDate> = None;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let (parts, end) = slash_numbers(&chars, i);
        i = end.max(i + 1);
        let date = match parts.as_slice() {
            [d, m, y] if *y >= 1000 => NaiveDate::from_ymd_opt(*y as i32, *m, *d),
            [d, m] if *d <= 31 && *m <= 12 => NaiveDate::from_ymd_opt(plan_year, *m, *d),
            _ => None,
        };
        if let Some(date) = date {
            best = Some(best.map_or(date, |b: NaiveDate| b.max(date)));
        }
    }
    best
}

/// Reads `12/3/2024`-like runs starting at `start`: the numbers and where the run ends.
fn slash_numbers(chars: &[char], start: usize) -> (Vec<u32>, usize) {
    let mut parts = Vec::new();
    let mut i = start;
    loop {
        let begin = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i == begin || i - begin > 4 {
            return (Vec::new(), i);
        }
        let number: String = chars[begin..i].iter().collect();
        parts.push(number.parse().unwrap_or(0));
        if parts.len() < 3
            && i + 1 < chars.len()
            && chars[i] == '/'
            && chars[i + 1].is_ascii_digit()
        {
            i += 1;
        } else {
            break;
        }
    }
    if parts.len() < 2 {
        parts.clear();
    }
    (parts, i)
}

fn year_after(words: &[&str], from: usize) -> Option<i32> {
    words
        .iter()
        .skip(from)
        .take(3)
        .find_map(|w| w.parse::<i32>().ok().filter(|y| (1900..=2200).contains(y)))
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    first_of_next.pred_opt()
}

/// "Quý III/2020", "quý 4 năm 2020", "Quý I": the quarter's last day.
fn quarter(words: &[&str], plan_year: i32) -> Option<NaiveDate> {
    let at = words.iter().position(|w| *w == "quy")?;
    let q = match *words.get(at + 1)? {
        "i" | "1" => 1,
        "ii" | "2" => 2,
        "iii" | "3" => 3,
        "iv" | "4" => 4,
        _ => return None,
    };
    let year = year_after(words, at + 2).unwrap_or(plan_year);
    last_day_of_month(year, q * 3)
}

/// "6 tháng đầu năm 2023" → 30/6, "6 tháng cuối năm 2023" → 31/12.
fn half_year(words: &[&str], plan_year: i32) -> Option<NaiveDate> {
    let at = words.windows(3).position(|w| {
        matches!(w[0], "6" | "06") && w[1] == "thang" && matches!(w[2], "dau" | "cuoi")
    })?;
    let year = year_after(words, at + 3).unwrap_or(plan_year);
    let month = if words[at + 2] == "dau" { 6 } else { 12 };
    last_day_of_month(year, month)
}

/// "Tháng 12", "Tháng 12 hàng năm", "Tháng 6/2023": the month's last day.
fn month(words: &[&str], plan_year: i32) -> Option<NaiveDate> {
    let at = words.iter().position(|w| *w == "thang")?;
    let month: u32 = words
        .get(at + 1)?
        .parse()
        .ok()
        .filter(|m| (1..=12).contains(m))?;
    let year = year_after(words, at + 2).unwrap_or(plan_year);
    last_day_of_month(year, month)
}

/// "Trong năm 2023", "Năm 2023": 31/12 of that year.
fn whole_year(words: &[&str]) -> Option<NaiveDate> {
    let at = words.iter().position(|w| *w == "nam")?;
    let year: i32 = words.get(at + 1)?.parse().ok()?;
    let date = NaiveDate::from_ymd_opt(year, 12, 31)?;
    (date.year() >= 1900).then_some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn dated_timeframes_from_the_seeds() {
        assert_eq!(due_date("Quý III/2020.", 2020), d(2020, 9, 30));
        assert_eq!(due_date("Quý IV/2020", 2020), d(2020, 12, 31));
        assert_eq!(due_date("Tháng 12.", 2020), d(2020, 12, 31));
        assert_eq!(due_date("Tháng 12 hàng năm", 2023), d(2023, 12, 31));
        assert_eq!(due_date("6 tháng cuối năm 2023", 2023), d(2023, 12, 31));
        assert_eq!(due_date("6 tháng đầu năm 2024", 2023), d(2024, 6, 30));
        assert_eq!(due_date("Trong năm 2023", 2023), d(2023, 12, 31));
        assert_eq!(
            due_date("Hoàn thành trước 30/11/2023", 2023),
            d(2023, 11, 30)
        );
        assert_eq!(due_date("trước ngày 30/6", 2023), d(2023, 6, 30));
        assert_eq!(due_date("Tháng 2/2024", 2023), d(2024, 2, 29));
    }

    #[test]
    fn undated_timeframes_have_none() {
        for text in [
            "Thường xuyên.",
            "Theo định kỳ 06 tháng.",
            "Theo Kế hoạch của UBND tỉnh.",
            "Theo Kế hoạch xây dựng Nông thôn mới",
            "Đã thực hiện",
            "",
            "31/02/2023",
        ] {
            assert_eq!(due_date(text, 2023), None, "{text}");
        }
    }
}
