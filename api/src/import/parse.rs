//! Parsers for the messy values of real job postings: salaries such as
//! `1.2-2万/月`, `6千-8千`, `8千-1.1万`, `150-200/天`, `面议`; headcounts
//! such as `若干人`; education levels such as `中专/中技`.

use entity::enums::EducationRequirement;

/// Working days per month used to turn daily pay into monthly pay
/// (the national average of 21.75 days).
const WORKING_DAYS_PER_MONTH: f64 = 21.75;

/// A salary as monthly yuan, either end open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MonthlySalary {
    pub min: Option<i32>,
    pub max: Option<i32>,
}

/// Why a salary text could not be read.
#[derive(Debug, PartialEq, Eq)]
pub struct SalaryError(pub String);

fn unit_factor(unit: &str) -> Option<f64> {
    match unit {
        "" | "元" => Some(1.0),
        "百" => Some(100.0),
        "千" | "k" | "K" => Some(1_000.0),
        "万" | "w" | "W" => Some(10_000.0),
        _ => None,
    }
}

/// `1.2万` → (1.2, Some(10000)); `8` → (8, None).
fn amount(text: &str) -> Option<(f64, Option<f64>)> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    if unit.is_empty() {
        return Some((number, None));
    }
    Some((number, Some(unit_factor(unit)?)))
}

/// Parses a salary text into monthly yuan. Empty and `面议` (negotiable)
/// give an empty range; anything unreadable is an error.
pub fn parse_salary(text: &str) -> Result<MonthlySalary, SalaryError> {
    let cleaned: String = text.trim().chars().filter(|c| !c.is_whitespace()).collect();
    if cleaned.is_empty() || cleaned == "面议" || cleaned == "薪资面议" {
        return Ok(MonthlySalary::default());
    }
    let unreadable = || SalaryError(format!("cannot read salary `{}`", text.trim()));
    // Drop a trailing `·13薪` (months paid per year): the range is monthly.
    let body = cleaned.split('·').next().unwrap_or_default();
    let (body, per_period) = match body.split_once('/') {
        Some((body, period)) => (body, period),
        None => (body, "月"),
    };
    let period_factor = match per_period {
        "月" => 1.0,
        "年" => 1.0 / 12.0,
        "天" | "日" => WORKING_DAYS_PER_MONTH,
        "小时" | "时" => WORKING_DAYS_PER_MONTH * 8.0,
        _ => return Err(unreadable()),
    };
    let body = body
        .strip_suffix('元')
        .map(|b| b.to_string())
        .unwrap_or_else(|| body.to_string());
    let (low_text, high_text, open_low, open_high) = if let Some(value) = body.strip_suffix("以下")
    {
        (None, Some(value.to_string()), true, false)
    } else if let Some(value) = body.strip_suffix("以上") {
        (Some(value.to_string()), None, false, true)
    } else {
        match body.split_once('-') {
            Some((low, high)) => (Some(low.to_string()), Some(high.to_string()), false, false),
            None => (Some(body.clone()), Some(body.clone()), false, false),
        }
    };
    let low = low_text
        .as_deref()
        .map(|t| amount(t).ok_or_else(unreadable))
        .transpose()?;
    let high = high_text
        .as_deref()
        .map(|t| amount(t).ok_or_else(unreadable))
        .transpose()?;
    // `6-8千`: the low end takes the unit of the high end.
    let high_unit = high.and_then(|(_, unit)| unit);
    let low_unit = low.and_then(|(_, unit)| unit);
    let monthly = |value: Option<(f64, Option<f64>)>, fallback: Option<f64>| {
        value.map(|(number, unit)| {
            let factor = unit.or(fallback).unwrap_or(1.0);
            (number * factor * period_factor).round() as i64
        })
    };
    let min = monthly(low, high_unit);
    let max = monthly(high, low_unit);
    let to_i32 = |value: Option<i64>| {
        value
            .map(|v| i32::try_from(v).map_err(|_| unreadable()))
            .transpose()
    };
    let (min, max) = (to_i32(min)?, to_i32(max)?);
    if let (Some(low), Some(high)) = (min, max) {
        if low > high {
            return Err(SalaryError(format!(
                "salary `{}` has its minimum above its maximum",
                text.trim()
            )));
        }
    }
    debug_assert!(!(open_low && open_high));
    Ok(MonthlySalary { min, max })
}

/// `3人` → 3; `若干人`, `若干`, empty → `None` (unspecified).
pub fn parse_headcount(text: &str) -> Result<Option<i32>, String> {
    let text = text.trim();
    if text.is_empty() || text.starts_with("若干") {
        return Ok(None);
    }
    let digits = text.trim_end_matches('人').trim();
    match digits.parse::<i32>() {
        Ok(count) if count > 0 => Ok(Some(count)),
        _ => Err(format!("cannot read headcount `{text}`")),
    }
}

/// The education a posting asks for; `None` when the text names none
/// (e.g. `英语熟练`, which the 51job file has in that column).
pub fn parse_education(text: &str) -> Option<EducationRequirement> {
    let text = text.trim();
    Some(match text {
        "不限" | "学历不限" | "无学历要求" => EducationRequirement::Any,
        "初中及以下" | "初中" => EducationRequirement::JuniorSecondary,
        "高中" | "中专" | "中技" | "中专/中技" | "中专/中技/高中" | "中职" => {
            EducationRequirement::SeniorSecondary
        }
        "大专" | "专科" | "高职" => EducationRequirement::Associate,
        "本科" | "职业本科" => EducationRequirement::Bachelor,
        "硕士" | "研究生" | "MBA/EMBA" => EducationRequirement::Master,
        "博士" => EducationRequirement::Doctorate,
        _ => return None,
    })
}

/// A stable 64-bit FNV-1a hash, for source keys of rows without a URL.
pub fn stable_hash(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.as_bytes().iter().chain(std::iter::once(&0x1f)) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parsed range; a parse error fails the test with the text.
    fn salary(text: &str) -> (Option<i32>, Option<i32>) {
        match parse_salary(text) {
            Ok(parsed) => (parsed.min, parsed.max),
            Err(error) => panic!("`{text}` did not parse: {}", error.0),
        }
    }

    #[test]
    fn salaries_of_the_real_posting_files_become_monthly_yuan() {
        assert_eq!(salary("1.2-2万/月"), (Some(12_000), Some(20_000)));
        assert_eq!(salary("6千-8千"), (Some(6_000), Some(8_000)));
        assert_eq!(salary("8千-1.1万"), (Some(8_000), Some(11_000)));
        assert_eq!(salary("6-8千/月"), (Some(6_000), Some(8_000)));
        assert_eq!(salary("0.8-1万/月"), (Some(8_000), Some(10_000)));
        assert_eq!(salary("20-30万/年"), (Some(16_667), Some(25_000)));
        assert_eq!(salary("1万-1.5万·13薪"), (Some(10_000), Some(15_000)));
        assert_eq!(salary("5千-1万元/月"), (Some(5_000), Some(10_000)));
        assert_eq!(salary("150-200/天"), (Some(3_263), Some(4_350)));
        assert_eq!(salary("150元/天"), (Some(3_263), Some(3_263)));
        assert_eq!(salary("1.5千以下/月"), (None, Some(1_500)));
        assert_eq!(salary("100万以上/年"), (Some(83_333), None));
        assert_eq!(salary("面议"), (None, None));
        assert_eq!(salary(""), (None, None));
    }

    #[test]
    fn unreadable_or_reversed_salaries_are_errors() {
        assert!(parse_salary("800-1600元/次").is_err());
        assert!(parse_salary("很高").is_err());
        assert!(parse_salary("2万-1万").is_err());
    }

    #[test]
    fn headcounts_accept_unspecified_counts() {
        assert_eq!(parse_headcount("3人"), Ok(Some(3)));
        assert_eq!(parse_headcount("若干人"), Ok(None));
        assert_eq!(parse_headcount(""), Ok(None));
        assert!(parse_headcount("0人").is_err());
        assert!(parse_headcount("几个").is_err());
    }

    #[test]
    fn education_texts_map_to_levels_and_other_texts_to_none() {
        assert_eq!(
            parse_education("中专/中技"),
            Some(EducationRequirement::SeniorSecondary)
        );
        assert_eq!(
            parse_education("大专"),
            Some(EducationRequirement::Associate)
        );
        assert_eq!(parse_education("学历不限"), Some(EducationRequirement::Any));
        assert_eq!(parse_education("英语熟练"), None);
    }

    #[test]
    fn stable_hashes_separate_fields() {
        assert_ne!(stable_hash(&["ab", "c"]), stable_hash(&["a", "bc"]));
        assert_eq!(stable_hash(&["x"]), stable_hash(&["x"]));
    }
}
