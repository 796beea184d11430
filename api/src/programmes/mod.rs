//! The city's programmes under 吉市政办发〔2022〕32号: the rules the hub
//! computes for them.

/// The rule for hiring enterprise experts as professional teachers.
pub mod hiring;
/// The policy's indicators of a year and region.
pub mod indicators;
/// Skill-competition rewards: amounts, halving, one reward per person,
/// event and year, dated tables.
pub mod rewards;
