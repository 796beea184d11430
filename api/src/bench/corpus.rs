//! A corpus generator: realistic demand postings made by recombining the
//! real titles, descriptions, locations and salaries of
//! `../shared/data/postings` with the tasks of real occupations, and query
//! sets drawn from real job titles.

use std::{collections::HashMap, path::Path};

use anyhow::Context;
use search::{Kind, SearchDoc};

use crate::import::parse::parse_salary;

/// Regions of 吉林市 postings are spread over (codes as the migration
/// seeds them, with the city as parent).
pub const REGIONS: &[&str] = &[
    "220202", "220203", "220204", "220211", "220221", "220281", "220282", "220283", "220284",
    "220271", "220272",
];

const EDUCATION: &[&str] = &[
    "ANY",
    "SENIOR_SECONDARY",
    "ASSOCIATE",
    "ASSOCIATE",
    "BACHELOR",
    "BACHELOR",
    "MASTER",
];

/// The real material postings are recombined from.
pub struct Corpus {
    titles: Vec<String>,
    sentences: Vec<String>,
    salaries: Vec<(Option<i32>, Option<i32>)>,
    skills: Vec<String>,
    occupations: Vec<(String, String, String)>,
    locations: Vec<String>,
}

/// One generated posting.
#[derive(Clone, Debug)]
pub struct GeneratedPosting {
    pub id: i32,
    pub title: String,
    pub description: String,
    pub skills: Vec<String>,
    pub occupation: String,
    pub occupation_major: String,
    pub location: String,
    pub region: &'static str,
    pub education: &'static str,
    pub salary_min: Option<i32>,
    pub salary_max: Option<i32>,
}

impl GeneratedPosting {
    /// The search document the hub would build for this posting.
    pub fn document(&self) -> SearchDoc {
        let mut tags = self.skills.clone();
        tags.push(self.occupation.clone());
        tags.push(self.location.clone());
        SearchDoc {
            title: self.title.clone(),
            body: self.description.clone(),
            tags,
            regions: vec![self.region.to_string(), "220200".to_string()],
            education: vec![self.education.to_string()],
            occupation_majors: vec![self.occupation_major.clone()],
            ..SearchDoc::new(Kind::DemandPosting, self.id)
        }
    }
}

fn rows(path: &Path) -> anyhow::Result<Vec<HashMap<String, String>>> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(reader
        .deserialize::<HashMap<String, String>>()
        .filter_map(Result::ok)
        .collect())
}

fn sentences_of(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(['。', '；', ';', '\n', '！'])
        .map(|s| {
            s.trim()
                .trim_start_matches(|c: char| c.is_ascii_digit() || "、.．:：）)".contains(c))
                .trim()
        })
        .filter(|s| s.chars().count() >= 6)
        .map(|s| s.chars().take(80).collect())
}

impl Corpus {
    /// Reads the posting files and the occupation file of `data`.
    pub fn load(data: &Path) -> anyhow::Result<Self> {
        let mut corpus = Corpus {
            titles: Vec::new(),
            sentences: Vec::new(),
            salaries: Vec::new(),
            skills: Vec::new(),
            occupations: Vec::new(),
            locations: Vec::new(),
        };
        for (file, description, location) in [
            ("postings/51job_2019_cugwhzenith.csv", "description", "area"),
            ("postings/zhilian_mcliuyi.csv", "requirements", "address"),
            ("postings/zhilian_2024_fanjuchen.csv", "", "location"),
        ] {
            for row in rows(&data.join(file))? {
                let get = |name: &str| row.get(name).map(|v| v.trim()).unwrap_or_default();
                if !get("title").is_empty() {
                    corpus.titles.push(
                        get("title")
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" "),
                    );
                }
                if !description.is_empty() {
                    corpus.sentences.extend(sentences_of(get(description)));
                }
                if let Ok(salary) = parse_salary(get("salary")) {
                    corpus.salaries.push((salary.min, salary.max));
                }
                if !get(location).is_empty() {
                    corpus.locations.push(get(location).replace('·', " "));
                }
                corpus.skills.extend(
                    get("company_tags")
                        .split('|')
                        .filter(|t| t.is_ascii() && !t.is_empty())
                        .map(str::to_string),
                );
            }
        }
        for row in rows(&data.join("occupations/occupations_2022.csv"))? {
            let get = |name: &str| {
                row.get(name)
                    .map(|v| v.trim().to_string())
                    .unwrap_or_default()
            };
            let task = get("main_tasks")
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
                .to_string();
            corpus
                .occupations
                .push((get("name_clean"), task, get("major_code")));
        }
        anyhow::ensure!(
            !corpus.titles.is_empty()
                && !corpus.sentences.is_empty()
                && !corpus.occupations.is_empty(),
            "the reference data in {} has no postings or occupations",
            data.display()
        );
        if corpus.skills.is_empty() {
            corpus.skills.push("Office".into());
        }
        if corpus.locations.is_empty() {
            corpus.locations.push("吉林市".into());
        }
        if corpus.salaries.is_empty() {
            corpus.salaries.push((None, None));
        }
        Ok(corpus)
    }
}

/// A small deterministic PRNG (xorshift64*), so every run makes the same
/// corpus and the same queries.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Generates postings from a corpus.
pub struct Generator<'a> {
    corpus: &'a Corpus,
    rng: Rng,
}

impl<'a> Generator<'a> {
    pub fn new(corpus: &'a Corpus, seed: u64) -> Self {
        Self {
            corpus,
            rng: Rng::new(seed),
        }
    }

    pub fn posting(&mut self, id: i32) -> GeneratedPosting {
        let corpus = self.corpus;
        let rng = &mut self.rng;
        let mut title = rng.pick(&corpus.titles).clone();
        match rng.below(8) {
            0 => title = format!("高级{title}"),
            1 => title = format!("{title}（吉林）"),
            _ => {}
        }
        let (occupation, task, major) = rng.pick(&corpus.occupations).clone();
        let mut description = String::new();
        for _ in 0..1 + rng.below(3) {
            description.push_str(rng.pick::<String>(&corpus.sentences));
            description.push('。');
        }
        description.push_str(&task);
        let skills = (0..rng.below(3))
            .map(|_| rng.pick(&corpus.skills).clone())
            .collect();
        let (salary_min, salary_max) = *rng.pick(&corpus.salaries);
        GeneratedPosting {
            id,
            title,
            description,
            skills,
            occupation,
            occupation_major: major,
            location: rng.pick(&corpus.locations).clone(),
            region: rng.pick::<&'static str>(REGIONS),
            education: rng.pick::<&'static str>(EDUCATION),
            salary_min,
            salary_max,
        }
    }
}

/// Query sets of 1, 2 and 3 words drawn from real job titles: the words
/// jieba finds in a title (two characters or more), kept in title order.
pub fn queries(corpus: &Corpus, per_class: usize, seed: u64) -> [Vec<String>; 3] {
    let mut rng = Rng::new(seed);
    let mut classes: [Vec<String>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    let mut attempts = 0;
    while classes.iter().any(|c| c.len() < per_class) && attempts < per_class * 200 {
        attempts += 1;
        let title = rng.pick(&corpus.titles);
        let mut words: Vec<String> = search::analysis::words(title)
            .into_iter()
            .map(|t| t.text)
            .filter(|w| w.chars().count() >= 2 && w.chars().any(search::analysis::is_cjk))
            .collect();
        words.dedup();
        for (count, class) in classes.iter_mut().enumerate() {
            let count = count + 1;
            if class.len() < per_class && words.len() >= count {
                let start = rng.below(words.len() - count + 1);
                class.push(words[start..start + count].join(" "));
            }
        }
    }
    classes
}
