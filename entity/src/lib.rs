//! The hub's sea-orm entities: plain data, no GraphQL and no HTTP.

pub use sea_orm;

/// A bearer token bound to one role and organisation (stored hashed).
pub mod api_token;
/// 新型学徒制 places or a production internship base offered by an enterprise.
pub mod apprenticeship_offer;
/// A person's part in a contest award.
pub mod award_winner;
/// An entry of the 职业教育专业目录(2021年): 专业大类, 专业类 or 专业.
pub mod catalogue_entry;
/// A vocational skill level certificate (职业技能等级证书, the X of 1+X).
pub mod certificate;
/// A catalogue entry a certificate is aligned with.
pub mod certificate_catalogue_entry;
/// An occupation a certificate qualifies for.
pub mod certificate_occupation;
/// One write, appended in the transaction that made it; the search indexer tails these in `seq` order.
pub mod change_log;
/// A college or regional training base.
pub mod college;
/// A skill-competition reward due to a person and its approval status.
pub mod competition_reward;
/// A skill contest (技能大赛) of one year.
pub mod contest;
/// A prize won in a contest.
pub mod contest_award;
/// A college's student or teacher who wins contests.
pub mod contest_person;
/// Talent demand published by an industry association.
pub mod demand_posting;
/// An enterprise that employs, trains apprentices or hosts interns.
pub mod enterprise;
/// Enumerations stored as strings.
pub mod enums;
/// An enterprise expert who may teach part-time or help build courses.
pub mod expert;
/// A certificate an expert holds.
pub mod expert_certificate;
/// A college an expert shares contact details with.
pub mod expert_contact_share;
/// An occupation an expert works in.
pub mod expert_occupation;
/// An industry association that publishes talent demand.
pub mod industry_association;
/// A detailed occupation (细类) of the 职业分类大典(2022年版).
pub mod occupation;
/// An occupation an apprenticeship offer trains for.
pub mod offer_occupation;
/// A 职业启蒙, labour-education or experience activity at a college base.
pub mod outreach_activity;
/// A certificate a demand posting requires.
pub mod posting_certificate;
/// An occupation a demand posting asks for.
pub mod posting_occupation;
/// A program that a college runs, on the 2021 catalogue where it matches.
pub mod program;
/// A certificate a program offers.
pub mod program_certificate;
/// An occupation a program prepares for.
pub mod program_occupation;
/// A region of 吉林市.
pub mod region;
/// An occupation an owner rejected as a suggestion for a posting or program.
pub mod rejected_suggestion;
/// One step of a reward's approval.
pub mod reward_step;
/// Dated reward amounts (yuan per person by level and prize).
pub mod reward_table;
/// A program's need for enterprise experts to teach or build a course.
pub mod teaching_need;
/// A certificate a teaching need prepares for.
pub mod teaching_need_certificate;
/// An occupation a teaching need is about.
pub mod teaching_need_occupation;
/// A public training course (社会化培训) run by a college or training base.
pub mod training_course;
