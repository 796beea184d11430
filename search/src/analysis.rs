//! Chinese text analysis.
//!
//! Three tokenizers, registered on every index:
//! - `hub_words`: jieba word segmentation in search mode (words and their
//!   sub-words), lowercased; whitespace and punctuation never become tokens.
//! - `hub_grams`: character bigrams of every run of Chinese characters (a
//!   lone character stands as itself) and lowercased Latin/digit words, so
//!   partial words and words jieba does not know still match (`数控机` finds
//!   `数控机床操作工`).
//! - `hub_chars`: every Chinese character on its own, and lowercased
//!   Latin/digit words: what a query shares with a text when no word and no
//!   bigram is shared (`司磅工` still finds `衡器计量工`'s text on `磅`).
//! - `hub_prefix`: every prefix of a short name, for autocomplete.
//!
//! Every tokenizer first folds full-width letters and digits (`ＣＮＣ`,
//! `５年`, as Chinese input methods type them) to their ASCII forms
//! ([`fold_width`]), so `ＣＮＣ` and `CNC` are one token; offsets still
//! point into the original text.

use std::{borrow::Cow, sync::OnceLock};

use jieba_rs::Jieba;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

pub const WORDS: &str = "hub_words";
pub const GRAMS: &str = "hub_grams";
pub const PREFIX: &str = "hub_prefix";
pub const CHARS: &str = "hub_chars";
/// Longest prefix indexed for autocomplete, in characters.
pub const MAX_PREFIX_CHARS: usize = 16;

static JIEBA: OnceLock<Jieba> = OnceLock::new();

fn jieba() -> &'static Jieba {
    JIEBA.get_or_init(Jieba::new)
}

/// Loads the jieba dictionary now instead of on the first request.
pub fn warm_up() {
    let _ = jieba().cut_for_search("吉林市数控机床操作工", true);
}

/// Whether a character is a CJK ideograph (the unified blocks and their
/// extensions, plus compatibility ideographs).
pub fn is_cjk(character: char) -> bool {
    matches!(character as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2A6DF | 0x2A700..=0x2EBEF | 0x30000..=0x3134F)
}

/// A full-width letter or digit (`Ａ`, `ｃ`, `５`) as its ASCII form; any
/// other character as itself. One character for one, so offsets map back
/// to the original text. Full-width signs (`，`, `（`) stay: like their
/// ASCII forms they separate tokens and never become one, and most Chinese
/// text holds them, so leaving them keeps that text unfolded and uncopied.
pub fn fold_width(character: char) -> char {
    match character {
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            char::from_u32(character as u32 - 0xFEE0).unwrap_or(character)
        }
        _ => character,
    }
}

/// A text with its full-width forms folded ([`fold_width`]), and where its
/// characters start in the original when folding changed any.
struct Folded<'a> {
    text: Cow<'a, str>,
    /// (byte offset in `text`, byte offset in the original) of every
    /// character, then of the end; empty when the text needed no folding.
    starts: Vec<(usize, usize)>,
}

impl<'a> Folded<'a> {
    fn new(original: &'a str) -> Self {
        if !original.chars().any(|c| fold_width(c) != c) {
            return Self {
                text: Cow::Borrowed(original),
                starts: Vec::new(),
            };
        }
        let mut text = String::with_capacity(original.len());
        let mut starts = Vec::with_capacity(original.len() + 1);
        for (at, character) in original.char_indices() {
            starts.push((text.len(), at));
            text.push(fold_width(character));
        }
        starts.push((text.len(), original.len()));
        Self {
            text: Cow::Owned(text),
            starts,
        }
    }

    /// The original offset of a character boundary of the folded text.
    fn original(&self, at: usize) -> usize {
        if self.starts.is_empty() {
            return at;
        }
        match self.starts.binary_search_by_key(&at, |&(folded, _)| folded) {
            Ok(i) => self.starts[i].1,
            // Not a boundary: the start of the character that holds it.
            Err(i) => self.starts[i.saturating_sub(1)].1,
        }
    }

    /// Tokens of the folded text with their offsets moved to the original.
    fn map(&self, mut tokens: Vec<Token>) -> Vec<Token> {
        if !self.starts.is_empty() {
            for token in &mut tokens {
                token.offset_from = self.original(token.offset_from);
                token.offset_to = self.original(token.offset_to);
            }
        }
        tokens
    }
}

/// A text with full-width forms folded, for comparisons that need no
/// offsets.
pub fn folded(text: &str) -> String {
    text.chars().map(fold_width).collect()
}

fn token(text: String, from: usize, to: usize, position: usize) -> Token {
    Token {
        offset_from: from,
        offset_to: to,
        position,
        text,
        position_length: 1,
    }
}

/// The `hub_words` tokens of a text.
pub fn words(text: &str) -> Vec<Token> {
    let folded = Folded::new(text);
    let mut tokens = Vec::new();
    for piece in jieba().cut_for_search(&folded.text, true) {
        if !piece.word.chars().any(char::is_alphanumeric) {
            continue;
        }
        let position = tokens.len();
        tokens.push(token(
            piece.word.to_lowercase(),
            piece.byte_start,
            piece.byte_end,
            position,
        ));
    }
    folded.map(tokens)
}

/// A run of a text: Chinese characters, or a Latin/digit word; with the
/// byte offset where it starts.
enum Run<'a> {
    Chinese(usize, &'a str),
    Word(usize, &'a str),
}

/// The Chinese runs and Latin/digit words of a text, in order; whitespace
/// and punctuation separate them and never become tokens.
fn runs(text: &str) -> Vec<Run<'_>> {
    let mut runs = Vec::new();
    let mut current: Option<(bool, usize)> = None;
    let mut close = |current: &mut Option<(bool, usize)>, end: usize| {
        if let Some((chinese, start)) = current.take() {
            runs.push(if chinese {
                Run::Chinese(start, &text[start..end])
            } else {
                Run::Word(start, &text[start..end])
            });
        }
    };
    for (at, character) in text.char_indices() {
        let kind = if is_cjk(character) {
            Some(true)
        } else if character.is_alphanumeric() {
            Some(false)
        } else {
            None
        };
        match (kind, current) {
            (Some(chinese), Some((open, _))) if chinese == open => {}
            (Some(chinese), _) => {
                close(&mut current, at);
                current = Some((chinese, at));
            }
            (None, _) => close(&mut current, at),
        }
    }
    close(&mut current, text.len());
    runs
}

fn push(tokens: &mut Vec<Token>, text: String, from: usize, to: usize) {
    let position = tokens.len();
    tokens.push(token(text, from, to, position));
}

/// One character at byte offset `from` as a token.
fn push_char(tokens: &mut Vec<Token>, from: usize, character: char) {
    push(
        tokens,
        character.to_string(),
        from,
        from + character.len_utf8(),
    );
}

/// Tokens of a text: each Latin/digit word lowercased, each Chinese run
/// cut by `chinese(tokens, offset, run)`.
fn cut(text: &str, chinese: impl Fn(&mut Vec<Token>, usize, &str)) -> Vec<Token> {
    let folded = Folded::new(text);
    let mut tokens = Vec::new();
    for run in runs(&folded.text) {
        match run {
            Run::Word(at, word) => push(&mut tokens, word.to_lowercase(), at, at + word.len()),
            Run::Chinese(at, characters) => chinese(&mut tokens, at, characters),
        }
    }
    folded.map(tokens)
}

/// The `hub_grams` tokens of a text.
pub fn grams(text: &str) -> Vec<Token> {
    cut(text, |tokens, at, run| {
        let characters: Vec<(usize, char)> = run.char_indices().collect();
        if let [(offset, character)] = characters[..] {
            push_char(tokens, at + offset, character);
        }
        for pair in characters.windows(2) {
            let (first_at, first) = pair[0];
            let (second_at, second) = pair[1];
            push(
                tokens,
                format!("{first}{second}"),
                at + first_at,
                at + second_at + second.len_utf8(),
            );
        }
    })
}

/// The `hub_chars` tokens of a text.
pub fn chars(text: &str) -> Vec<Token> {
    cut(text, |tokens, at, run| {
        for (offset, character) in run.char_indices() {
            push_char(tokens, at + offset, character);
        }
    })
}

/// The head of a job title: its last word (`操作工` of `丙烯酰胺装置操作工`,
/// `检车员` of `货车检车员`), which names the kind of work; what comes
/// before it names the field. `None` for text without a word.
pub fn head(text: &str) -> Option<String> {
    jieba()
        .cut(&folded(text), true)
        .into_iter()
        .rev()
        .find(|token| token.word.chars().any(char::is_alphanumeric))
        .map(|token| token.word.to_lowercase())
}

const SYNONYMS: &str = include_str!("synonyms.txt");

static EXPANSIONS: OnceLock<Vec<(String, String)>> = OnceLock::new();

fn expansions() -> &'static [(String, String)] {
    EXPANSIONS.get_or_init(|| {
        SYNONYMS
            .lines()
            .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
            .filter_map(|line| line.split_once("=>"))
            .map(|(from, to)| (from.trim().to_lowercase(), to.trim().to_string()))
            .filter(|(from, to)| !from.is_empty() && !to.is_empty())
            .collect()
    })
}

/// The catalogue words a query's everyday words stand for (see
/// `synonyms.txt`), as extra text to search with a lower weight.
pub fn expand(text: &str) -> String {
    let lower = folded(text).to_lowercase();
    let mut extra: Vec<&str> = Vec::new();
    for (from, to) in expansions() {
        // A Latin word counts whole (`ui`, not the `ui` of `build`); a
        // Chinese one wherever it stands (`外卖骑手` of `美团外卖骑手`).
        let holds = if spelt_in_latin(from) {
            whole_words(&lower, from).next().is_some()
        } else {
            lower.contains(from.as_str())
        };
        if holds && !extra.contains(&to.as_str()) {
            extra.push(to);
        }
    }
    extra.join(" ")
}

/// Words of a job posting's title that name the seniority, the stage or the
/// terms of a job, not its work: `高级算法工程师` and `算法工程师` are one
/// occupation. Their characters would otherwise match names that hold them
/// for another reason (`高级中学教师`, `深潜…`, `…评级员`).
const LEVEL_WORDS: &[&str] = &[
    "初级",
    "中级",
    "高级",
    "中高级",
    "初中级",
    "资深",
    "见习",
    "实习",
    "实习生",
    "高薪",
    "急招",
    "急聘",
    "诚聘",
    "直招",
];

/// Words of a pasted job posting about the posting itself (its sections,
/// requirements, pay and benefits), not the work: rare in occupation
/// texts, so they would otherwise be among the most specific terms of every
/// pasted description.
const POSTING_WORDS: &[&str] = &[
    "岗位职责",
    "职位描述",
    "任职要求",
    "任职资格",
    "工作经验",
    "五险一金",
    "年终奖",
    "试用期",
    "学历",
    "大专",
    "本科",
    "硕士",
    "统招",
    "经验",
    "优先",
    "年龄",
    "福利",
    "待遇",
    "双休",
    "工资",
    "薪资",
    "提成",
    "底薪",
    "公司",
    "团队",
    "简历",
    "面试",
    "入职",
    "转正",
];

/// `招聘` (hiring) names the posting, not the work (`司机招聘`), unless a
/// recruiter's role follows it (`招聘专员`: recruiting is the work).
const HIRING: &str = "招聘";
const RECRUITER_ROLES: &[&str] = &["专员", "经理", "主管", "顾问", "助理", "总监"];

/// A level's first character written apart before a level word
/// (`中/高级`).
const LEVEL_PREFIXES: &[&str] = &["初", "中", "高"];

/// The text without the words that name no work, for searches of the
/// reference kinds: its [`LEVEL_WORDS`] (an occupation has no seniority),
/// [`HIRING`] unless a recruiter's role follows, and, for `pasted` text (a
/// job posting pasted whole), its [`POSTING_WORDS`]. `None` when it holds none, or nothing searchable
/// would remain (`实习生` alone is kept as asked). Level words count as
/// whole jieba words of the text: `高级中学教师` is cut as `高级中学` +
/// `教师` and keeps its level; posting words wherever they stand.
pub fn without_job_terms(text: &str, pasted: bool) -> Option<String> {
    let mut folded = folded(text);
    let mut changed = false;
    if pasted {
        // Wherever they stand: jieba cuts some of them apart (`任职` +
        // `要求`). Longer ones first (`工作经验` before `经验`).
        for word in POSTING_WORDS {
            if folded.contains(word) {
                folded = folded.replace(word, " ");
                changed = true;
            }
        }
    }
    let pieces: Vec<&str> = jieba()
        .cut(&folded, true)
        .into_iter()
        .map(|token| token.word)
        .collect();
    let searchable = |piece: &str| piece.chars().any(char::is_alphanumeric);
    let mut dropped = vec![false; pieces.len()];
    for (at, piece) in pieces.iter().enumerate() {
        let hiring = *piece == HIRING
            && !pieces
                .get(at + 1)
                .is_some_and(|next| RECRUITER_ROLES.contains(next));
        if !LEVEL_WORDS.contains(piece) && !hiring {
            continue;
        }
        dropped[at] = true;
        // `中/高级`: the `中` written apart goes with it.
        let before = pieces[..at]
            .iter()
            .enumerate()
            .rev()
            .find(|(_, piece)| searchable(piece));
        if let Some((before_at, before)) = before {
            if LEVEL_PREFIXES.contains(before) {
                dropped[before_at] = true;
            }
        }
    }
    if !changed && !dropped.contains(&true) {
        return None;
    }
    let kept: String = pieces
        .iter()
        .zip(&dropped)
        .map(|(piece, dropped)| if *dropped { " " } else { piece })
        .collect();
    kept.chars()
        .any(char::is_alphanumeric)
        .then(|| kept.trim().to_string())
}

/// The text with the first catalogue word each Latin everyday word stands
/// for written after it (`cnc操作工` → `cnc数控操作工`, `java开发` →
/// `java软件开发`), lowercased; `None` when the text holds none. Searches
/// for the reference kinds rank the rewritten text: no occupation's text
/// holds the abbreviation, and the second stage would otherwise rank
/// `CNC操作工` by `操作工` alone.
pub fn with_catalogue_words(text: &str) -> Option<String> {
    let mut lower = folded(text).to_lowercase();
    let mut replaced = false;
    for (from, to) in expansions() {
        if !spelt_in_latin(from) || !lower.contains(from.as_str()) {
            continue;
        }
        if let Some(first) = to.split_whitespace().next() {
            if let Some(rewritten) = replace_words(&lower, from, &format!("{from}{first}")) {
                lower = rewritten;
                replaced = true;
            }
        }
    }
    replaced.then_some(lower)
}

/// Whether an everyday word holds Latin letters or digits (`cnc`, `3d打印`):
/// such a word counts only whole, and no occupation's text spells it.
fn spelt_in_latin(word: &str) -> bool {
    word.chars().any(|c| c.is_ascii_alphanumeric())
}

/// `text` with each whole-word `from` (not inside a longer Latin word or
/// number: `ui` of `build` stays) replaced by `to`; `None` when there is
/// none.
fn replace_words(text: &str, from: &str, to: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut last = None;
    for at in whole_words(text, from) {
        out.push_str(&text[last.unwrap_or(0)..at]);
        out.push_str(to);
        last = Some(at + from.len());
    }
    last.map(|last| {
        out.push_str(&text[last..]);
        out
    })
}

/// Where `from` stands in `text` as a whole word: not inside a longer Latin
/// word or number.
fn whole_words<'a>(text: &'a str, from: &'a str) -> impl Iterator<Item = usize> + 'a {
    let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    text.match_indices(from).filter_map(move |(at, _)| {
        let end = at + from.len();
        (!latin(text[..at].chars().next_back()) && !latin(text[end..].chars().next())).then_some(at)
    })
}

/// Lowercased text without whitespace and punctuation, as autocomplete
/// compares it.
pub fn normalise_prefix(text: &str) -> String {
    text.chars()
        .map(fold_width)
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The `hub_prefix` tokens of a name: each of its first prefixes.
pub fn prefixes(text: &str) -> Vec<Token> {
    let normal = normalise_prefix(text);
    let mut tokens = Vec::new();
    let mut end = 0;
    for (count, character) in normal.chars().enumerate() {
        if count >= MAX_PREFIX_CHARS {
            break;
        }
        end += character.len_utf8();
        tokens.push(token(normal[..end].to_string(), 0, text.len(), 0));
    }
    tokens
}

/// A token stream over tokens computed up front.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// A tantivy tokenizer over one of the analysis functions.
#[derive(Clone, Copy)]
pub struct HubTokenizer(fn(&str) -> Vec<Token>);

impl Tokenizer for HubTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream {
            tokens: (self.0)(text),
            next: 0,
        }
    }
}

/// The analyzers by name, to register on an index.
pub fn analyzers() -> [(&'static str, TextAnalyzer); 4] {
    [
        (WORDS, TextAnalyzer::from(HubTokenizer(words))),
        (GRAMS, TextAnalyzer::from(HubTokenizer(grams))),
        (PREFIX, TextAnalyzer::from(HubTokenizer(prefixes))),
        (CHARS, TextAnalyzer::from(HubTokenizer(chars))),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(tokens: Vec<Token>) -> Vec<String> {
        tokens.into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn words_drop_whitespace_and_punctuation_and_lowercase_latin() {
        let tokens = texts(words("招聘：Java开发工程师， 熟悉 AutoCAD！"));
        assert!(tokens.contains(&"java".to_string()), "{tokens:?}");
        assert!(tokens.contains(&"autocad".to_string()), "{tokens:?}");
        assert!(tokens.contains(&"开发".to_string()), "{tokens:?}");
        assert!(
            tokens.iter().all(|t| t.chars().any(char::is_alphanumeric)),
            "{tokens:?}"
        );
        assert!(!tokens.iter().any(|t| t.trim().is_empty()), "{tokens:?}");
    }

    #[test]
    fn word_offsets_point_into_the_original_text() {
        let text = "数控机床操作工 CNC";
        for token in words(text) {
            assert_eq!(
                text[token.offset_from..token.offset_to].to_lowercase(),
                token.text
            );
        }
    }

    #[test]
    fn grams_cover_partial_words_and_keep_latin_words_whole() {
        assert_eq!(texts(grams("数控机")), vec!["数控", "控机"]);
        let tokens = texts(grams("数控机床操作工(CNC/PLC)"));
        assert!(tokens.contains(&"控机".to_string()));
        assert!(tokens.contains(&"cnc".to_string()) && tokens.contains(&"plc".to_string()));
        assert_eq!(texts(grams("焊 工")), vec!["焊", "工"]);
        assert_eq!(texts(grams("  ，。!! ")), Vec::<String>::new());
    }

    #[test]
    fn chars_are_single_characters_and_latin_words() {
        assert_eq!(
            texts(chars("司磅工 PLC/cnc")),
            vec!["司", "磅", "工", "plc", "cnc"]
        );
        assert_eq!(texts(chars("，。!! ")), Vec::<String>::new());
    }

    #[test]
    fn the_head_of_a_title_is_its_last_word() {
        assert_eq!(head("丙烯酰胺装置操作工").as_deref(), Some("操作工"));
        assert_eq!(head("Java开发工程师！").as_deref(), Some("工程师"));
        assert_eq!(head("，。"), None);
    }

    #[test]
    fn everyday_words_expand_to_catalogue_words() {
        assert!(expand("外卖骑手").contains("网约配送员"));
        assert!(expand("美团送餐员").contains("网约配送员"));
        assert!(expand("猎头顾问").contains("招聘师"));
        assert!(expand("高级产品经理").contains("产品设计"));
        assert!(expand("JAVA开发").contains("计算机程序设计员"));
        assert_eq!(expand("焊工"), "");
        // The Latin abbreviations of manufacturing postings.
        assert!(expand("CNC操作工").contains("数控"));
        assert!(expand("ＰＬＣ工程师").contains("可编程控制器"));
        assert!(expand("AutoCAD制图员").contains("计算机辅助设计"));
        assert!(expand("SMT贴片操作工").contains("电子设备装接工"));
        assert!(expand("IPQC巡检员").contains("质检员"));
        assert!(expand("ＢＩＭ建模员").contains("建筑信息模型"));
        assert!(expand("3D打印技术员").contains("增材制造"));
        assert!(expand("X射线探伤工").contains("无损检测"));
        // `qc` inside a longer Latin word is not quality control.
        assert_eq!(expand("IQCX专员"), "");
    }

    #[test]
    fn latin_everyday_words_expand_only_as_whole_words() {
        assert!(expand("UI设计师").contains(&expand("ui")));
        assert!(!expand("ui").is_empty());
        // `ui` of `build`, `hr` of `chrome`, `cad` of `academy`.
        assert_eq!(expand("build工程师"), expand("工程师"));
        assert_eq!(expand("chrome插件开发"), expand("插件开发"));
        assert_eq!(expand("academy讲师"), expand("讲师"));
    }

    #[test]
    fn technologies_of_a_field_expand_to_the_field_and_common_tools_do_not() {
        assert!(expand("负责基于Hadoop、Spark的数据平台开发").contains("大数据"));
        assert!(expand("熟悉SpringBoot、MyBatis").contains("计算机程序设计员"));
        // Nearly every kind of office and software work uses a database.
        assert_eq!(expand("熟悉MySQL和Excel"), "");
    }

    #[test]
    fn latin_everyday_words_get_their_catalogue_word() {
        assert_eq!(
            with_catalogue_words("ＣＮＣ操作工").as_deref(),
            Some("cnc数控操作工")
        );
        assert_eq!(
            with_catalogue_words("Java开发工程师").as_deref(),
            Some("java软件开发工程师")
        );
        // A key spelt partly in Latin is rewritten too.
        assert_eq!(
            with_catalogue_words("3D打印工").as_deref(),
            Some("3d打印增材制造工")
        );
        // Chinese keys and Latin words inside longer ones stay.
        assert_eq!(with_catalogue_words("电焊工"), None);
        assert_eq!(with_catalogue_words("build工程师"), None);
        assert_eq!(
            with_catalogue_words("UI/UX设计").as_deref(),
            Some("ui视觉传达设计/ux设计")
        );
    }

    #[test]
    fn level_words_are_left_out_unless_nothing_else_remains() {
        let without = |text: &str| without_job_terms(text, false);
        assert_eq!(
            without("初级java开发工程师").as_deref(),
            Some("java开发工程师")
        );
        assert_eq!(without("资深会计").as_deref(), Some("会计"));
        assert_eq!(
            without("大数据开发工程师 中/高级").map(|text| text.replace(' ', "")),
            Some("大数据开发工程师/".to_string())
        );
        assert_eq!(
            without("焊工（高级）").map(|t| t.replace(' ', "")),
            Some("焊工（）".to_string())
        );
        // A name that holds the level as part of a longer word keeps it.
        assert_eq!(without("高级中学教师"), None);
        assert_eq!(without("初级中学语文教师"), None);
        // Nothing searchable would remain: the text is kept as asked.
        assert_eq!(without("实习生"), None);
        assert_eq!(without("电工"), None);
        // Hiring is not the work, unless recruiting is.
        assert_eq!(without("司机招聘").as_deref(), Some("司机"));
        assert_eq!(without("招聘专员"), None);
    }

    #[test]
    fn pasted_postings_lose_their_requirements_and_benefits_words() {
        let text = "岗位职责：负责焊接作业。任职要求：大专学历，两年以上工作经验，五险一金，双休。";
        let kept = without_job_terms(text, true).expect("posting words");
        for gone in [
            "岗位职责",
            "任职要求",
            "学历",
            "工作经验",
            "五险一金",
            "双休",
        ] {
            assert!(!kept.contains(gone), "{gone} in {kept}");
        }
        assert!(kept.contains("焊接"));
        // A title keeps them: `经验` is not a level.
        assert_eq!(without_job_terms("焊工 有经验优先", false), None);
    }

    #[test]
    fn full_width_forms_are_their_ascii_forms_with_original_offsets() {
        let text = "数控ＣＮＣ操作工，５年　经验（Ｊａｖａ）";
        for tokens in [words(text), grams(text), chars(text)] {
            assert!(
                tokens.iter().any(|t| t.text == "cnc"),
                "{:?}",
                texts(tokens)
            );
            assert!(tokens.iter().any(|t| t.text == "5"));
            assert!(tokens.iter().any(|t| t.text == "java"));
            for token in &tokens {
                // Offsets are character boundaries of the original, and
                // its text there folds to the token.
                let original = &text[token.offset_from..token.offset_to];
                assert_eq!(folded(original).to_lowercase(), token.text);
            }
        }
        assert_eq!(texts(grams("ＣＮＣ")), texts(grams("CNC")));
        assert_eq!(head("ＣＮＣ操作工").as_deref(), Some("操作工"));
        assert!(expand("ＪＡＶＡ开发").contains("计算机程序设计员"));
        assert_eq!(texts(prefixes("ＣＮＣ")), vec!["c", "cn", "cnc"]);
        assert_eq!(fold_width('中'), '中');
        assert_eq!(fold_width('，'), '，');
    }

    #[test]
    fn prefixes_are_normalised_and_bounded() {
        assert_eq!(texts(prefixes("焊 工")), vec!["焊", "焊工"]);
        assert_eq!(texts(prefixes("CNC")), vec!["c", "cn", "cnc"]);
        assert_eq!(prefixes(&"长".repeat(40)).len(), MAX_PREFIX_CHARS);
    }
}
