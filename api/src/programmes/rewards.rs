//! Skill-competition rewards as 吉市政办发〔2022〕32号 §二(七) sets them.
//!
//! - Amounts per person by contest level and prize (yuan):
//!   全国 20,000 / 15,000 / 12,000; 全省 10,000 / 8,000 / 5,000;
//!   全市 3,000 / 2,000 / 1,000 for 一 / 二 / 三等奖. Lower prizes get
//!   nothing.
//! - Students and teachers who competed get the amount of their award;
//!   the instructors (指导教师) of a winning entry get the student amount of
//!   that award.
//! - Contests of the 职业院校技能大赛 of each level (including the
//!   教师教学能力比赛) get the full amount; contests (or their selection
//!   contests) run by an international industry organisation, a national
//!   industry association, a society or another social organisation get
//!   the amount of the corresponding level, halved. **An international
//!   organisation's contest corresponds to 全国** (the highest level the
//!   policy's table has); its national or provincial selection contests
//!   are recorded at their own level.
//! - One reward per person per event (赛项) and year: a person who wins
//!   the same event several times in one year (city, province, nation) is
//!   rewarded once, for the highest amount; the other awards are kept as
//!   superseded. Different events or different years are rewarded
//!   separately. Two awards of the same amount: the earlier award (then the
//!   lower award id) is the one rewarded.
//! - The city may adjust the amounts: tables are dated versions, and an
//!   award is computed with the table in force on the award's date (the
//!   latest table effective on or before it).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
pub use entity::enums::{ContestLevel, ContestOrganiser, Participation, Prize};

/// One dated version of the amounts, in yuan per person, by level and
/// prize (一, 二, 三等奖).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RewardTable {
    pub effective_from: NaiveDate,
    pub nation: [i64; 3],
    pub province: [i64; 3],
    pub city: [i64; 3],
}

impl RewardTable {
    /// The amounts of 吉市政办发〔2022〕32号, in force from the given date.
    pub fn policy_2022(effective_from: NaiveDate) -> Self {
        Self {
            effective_from,
            nation: [20_000, 15_000, 12_000],
            province: [10_000, 8_000, 5_000],
            city: [3_000, 2_000, 1_000],
        }
    }

    /// The full amount of a prize at a level; `None` for prizes below
    /// 三等奖.
    pub fn amount(&self, level: ContestLevel, prize: Prize) -> Option<i64> {
        let row = match level {
            ContestLevel::Nation => &self.nation,
            ContestLevel::Province => &self.province,
            ContestLevel::City => &self.city,
        };
        match prize {
            Prize::First => Some(row[0]),
            Prize::Second => Some(row[1]),
            Prize::Third => Some(row[2]),
            Prize::Other => None,
        }
    }
}

/// A person's share in one award, as the computation needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwardEntry {
    pub award_id: i32,
    pub person_id: i32,
    pub participation: Participation,
    /// The event (赛项) as recorded; compared after trimming and ignoring
    /// whitespace, so `"数控车 "` and `"数控车"` are one event.
    pub event: String,
    pub level: ContestLevel,
    pub organiser: ContestOrganiser,
    pub prize: Prize,
    /// The date of the award: its year and the table in force.
    pub awarded_on: NaiveDate,
}

/// Why an entry gets no reward.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoReward {
    /// A prize below 三等奖.
    PrizeBelowThird,
    /// No table was in force on the award's date.
    NoTableInForce,
    /// The same person won the same event in the same year with an award
    /// of at least this amount: that award is rewarded instead.
    Superseded { by_award_id: i32 },
}

/// The outcome for one entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RewardLine {
    pub award_id: i32,
    pub person_id: i32,
    /// The amount in yuan: the table's amount, halved for contests of
    /// social and international organisations; 0 when not rewarded.
    pub amount: i64,
    /// The amount before the one-per-event rule.
    pub computed: i64,
    /// The `effective_from` of the table used.
    pub table_from: Option<NaiveDate>,
    pub no_reward: Option<NoReward>,
}

/// The table in force on a date: the latest effective on or before it.
pub fn table_on(tables: &[RewardTable], on: NaiveDate) -> Option<&RewardTable> {
    tables
        .iter()
        .filter(|table| table.effective_from <= on)
        .max_by_key(|table| table.effective_from)
}

/// The amount one entry earns on its own, and the table's date.
fn amount_of(entry: &AwardEntry, tables: &[RewardTable]) -> Result<(i64, NaiveDate), NoReward> {
    let table = table_on(tables, entry.awarded_on).ok_or(NoReward::NoTableInForce)?;
    let (level, halved) = match entry.organiser {
        ContestOrganiser::VocationalCollegeContest => (entry.level, false),
        ContestOrganiser::InternationalOrganisation => (ContestLevel::Nation, true),
        ContestOrganiser::SocialOrganisation => (entry.level, true),
    };
    // Instructors get the student amount of the award; the table has one
    // amount per person for students and competing teachers alike.
    let full = table
        .amount(level, entry.prize)
        .ok_or(NoReward::PrizeBelowThird)?;
    Ok((if halved { full / 2 } else { full }, table.effective_from))
}

/// The key of an event for the one-reward rule: its name without whitespace.
pub fn event_key(event: &str) -> String {
    event.split_whitespace().collect()
}

/// Computes every entry's reward, applying the one-per-event-and-year rule
/// across all entries given (give all of a person's entries of a year).
/// Lines come back in the order of `entries`.
pub fn compute(entries: &[AwardEntry], tables: &[RewardTable]) -> Vec<RewardLine> {
    let mut lines: Vec<RewardLine> = entries
        .iter()
        .map(|entry| {
            let (computed, table_from, no_reward) = match amount_of(entry, tables) {
                Ok((amount, from)) => (amount, Some(from), None),
                Err(reason) => (0, None, Some(reason)),
            };
            RewardLine {
                award_id: entry.award_id,
                person_id: entry.person_id,
                amount: computed,
                computed,
                table_from,
                no_reward,
            }
        })
        .collect();
    // The best entry of each (person, event, year): highest amount, then
    // earliest date, then lowest award id.
    let mut best: BTreeMap<(i32, String, i32), usize> = BTreeMap::new();
    for (i, entry) in entries.iter().enumerate() {
        if lines[i].no_reward.is_some() {
            continue;
        }
        let key = (
            entry.person_id,
            event_key(&entry.event),
            entry.awarded_on.year(),
        );
        let better = |current: usize| {
            let (a, b) = (&entries[i], &entries[current]);
            (
                lines[i].computed,
                std::cmp::Reverse((a.awarded_on, a.award_id)),
            ) > (
                lines[current].computed,
                std::cmp::Reverse((b.awarded_on, b.award_id)),
            )
        };
        match best.get(&key) {
            Some(&current) if !better(current) => {}
            _ => {
                best.insert(key, i);
            }
        }
    }
    for (i, entry) in entries.iter().enumerate() {
        if lines[i].no_reward.is_some() {
            continue;
        }
        let key = (
            entry.person_id,
            event_key(&entry.event),
            entry.awarded_on.year(),
        );
        if let Some(&winner) = best.get(&key) {
            if winner != i {
                lines[i].amount = 0;
                lines[i].no_reward = Some(NoReward::Superseded {
                    by_award_id: entries[winner].award_id,
                });
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn tables() -> Vec<RewardTable> {
        vec![RewardTable::policy_2022(date(2022, 1, 1))]
    }

    fn entry(
        award_id: i32,
        person_id: i32,
        event: &str,
        level: ContestLevel,
        prize: Prize,
        on: NaiveDate,
    ) -> AwardEntry {
        AwardEntry {
            award_id,
            person_id,
            participation: Participation::Student,
            event: event.to_string(),
            level,
            organiser: ContestOrganiser::VocationalCollegeContest,
            prize,
            awarded_on: on,
        }
    }

    #[test]
    fn the_policy_amounts_by_level_and_prize() {
        use ContestLevel::*;
        use Prize::*;
        let cases = [
            (Nation, First, 20_000),
            (Nation, Second, 15_000),
            (Nation, Third, 12_000),
            (Province, First, 10_000),
            (Province, Second, 8_000),
            (Province, Third, 5_000),
            (City, First, 3_000),
            (City, Second, 2_000),
            (City, Third, 1_000),
        ];
        let entries: Vec<AwardEntry> = cases
            .iter()
            .enumerate()
            .map(|(i, (level, prize, _))| {
                // A different person each: no one-per-event rule here.
                entry(
                    i as i32,
                    i as i32,
                    "数控车",
                    *level,
                    *prize,
                    date(2024, 6, 1),
                )
            })
            .collect();
        let lines = compute(&entries, &tables());
        for (line, (_, _, amount)) in lines.iter().zip(cases) {
            assert_eq!(line.amount, amount);
            assert_eq!(line.no_reward, None);
        }
        let below = compute(
            &[entry(1, 1, "数控车", Nation, Other, date(2024, 6, 1))],
            &tables(),
        );
        assert_eq!(below[0].amount, 0);
        assert_eq!(below[0].no_reward, Some(NoReward::PrizeBelowThird));
    }

    #[test]
    fn the_highest_award_of_an_event_in_a_year_is_rewarded_once() {
        use ContestLevel::*;
        // Person 7 wins 数控车 at city (一等, 3,000), province (二等, 8,000)
        // and nation (三等, 12,000) in 2024: rewarded once, 12,000.
        let entries = [
            entry(1, 7, "数控车", City, Prize::First, date(2024, 3, 1)),
            entry(2, 7, "数控车", Province, Prize::Second, date(2024, 5, 1)),
            entry(3, 7, "数控车", Nation, Prize::Third, date(2024, 8, 1)),
            // Another event the same year: separate.
            entry(4, 7, "工业机器人", City, Prize::Second, date(2024, 4, 1)),
            // The same event another year: separate.
            entry(5, 7, "数控车", City, Prize::Third, date(2025, 4, 1)),
        ];
        let lines = compute(&entries, &tables());
        let amounts: Vec<i64> = lines.iter().map(|l| l.amount).collect();
        assert_eq!(amounts, [0, 0, 12_000, 2_000, 1_000]);
        assert_eq!(
            lines[0].no_reward,
            Some(NoReward::Superseded { by_award_id: 3 })
        );
        assert_eq!(lines[1].computed, 8_000);
        let total: i64 = amounts.iter().sum();
        assert_eq!(total, 15_000);
    }

    #[test]
    fn social_and_international_contests_are_halved() {
        let mut social = entry(
            1,
            1,
            "焊接",
            ContestLevel::Province,
            Prize::First,
            date(2024, 6, 1),
        );
        social.organiser = ContestOrganiser::SocialOrganisation;
        let mut international = entry(
            2,
            2,
            "焊接",
            ContestLevel::Province,
            Prize::Second,
            date(2024, 6, 1),
        );
        international.organiser = ContestOrganiser::InternationalOrganisation;
        let lines = compute(&[social, international], &tables());
        assert_eq!(lines[0].amount, 5_000, "全省一等 10,000 halved");
        assert_eq!(
            lines[1].amount, 7_500,
            "treated as 全国: 二等 15,000 halved"
        );
    }

    #[test]
    fn instructors_get_the_student_amount_and_count_per_person() {
        let student = entry(
            1,
            1,
            "电子商务",
            ContestLevel::Nation,
            Prize::Second,
            date(2024, 6, 1),
        );
        let mut instructor = student.clone();
        instructor.person_id = 2;
        instructor.participation = Participation::Instructor;
        // The same instructor's entry at province level the same year.
        let mut earlier = entry(
            0,
            2,
            "电子商务",
            ContestLevel::Province,
            Prize::First,
            date(2024, 4, 1),
        );
        earlier.participation = Participation::Instructor;
        let lines = compute(&[student, instructor, earlier], &tables());
        assert_eq!(lines[0].amount, 15_000);
        assert_eq!(lines[1].amount, 15_000);
        assert_eq!(
            lines[2].no_reward,
            Some(NoReward::Superseded { by_award_id: 1 })
        );
    }

    #[test]
    fn each_award_uses_the_table_in_force_on_its_date() {
        let mut raised = RewardTable::policy_2022(date(2025, 7, 1));
        raised.city = [4_000, 2_500, 1_200];
        let tables = vec![RewardTable::policy_2022(date(2022, 1, 1)), raised];
        let entries = [
            entry(
                1,
                1,
                "汽修",
                ContestLevel::City,
                Prize::First,
                date(2025, 6, 30),
            ),
            entry(
                2,
                2,
                "汽修",
                ContestLevel::City,
                Prize::First,
                date(2025, 7, 1),
            ),
            entry(
                3,
                3,
                "汽修",
                ContestLevel::City,
                Prize::First,
                date(2021, 12, 31),
            ),
        ];
        let lines = compute(&entries, &tables);
        assert_eq!(lines[0].amount, 3_000);
        assert_eq!(lines[0].table_from, Some(date(2022, 1, 1)));
        assert_eq!(lines[1].amount, 4_000);
        assert_eq!(lines[1].table_from, Some(date(2025, 7, 1)));
        assert_eq!(lines[2].no_reward, Some(NoReward::NoTableInForce));
    }

    #[test]
    fn equal_amounts_reward_the_earlier_award_and_events_compare_without_spaces() {
        let entries = [
            entry(
                9,
                1,
                "数控 车",
                ContestLevel::City,
                Prize::First,
                date(2024, 9, 1),
            ),
            entry(
                8,
                1,
                "数控车",
                ContestLevel::City,
                Prize::First,
                date(2024, 3, 1),
            ),
        ];
        let lines = compute(&entries, &tables());
        assert_eq!(lines[1].amount, 3_000);
        assert_eq!(
            lines[0].no_reward,
            Some(NoReward::Superseded { by_award_id: 8 })
        );
    }
}
