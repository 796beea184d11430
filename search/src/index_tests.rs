//! Unit tests of the index on an in-memory index.

use crate::{
    index::{Filters, SearchIndex, SearchRequest, Snippet, WriterOptions},
    Dimension, IndexChange, Kind, SearchDoc,
};

fn index() -> SearchIndex {
    SearchIndex::in_ram(WriterOptions {
        threads: 1,
        memory_bytes: 15_000_000,
    })
    .expect("an index in RAM")
}

fn doc(kind: Kind, id: i32, title: &str, body: &str) -> SearchDoc {
    SearchDoc {
        title: title.into(),
        body: body.into(),
        ..SearchDoc::new(kind, id)
    }
}

fn search(index: &SearchIndex, text: &str) -> Vec<(Kind, i32)> {
    let request = SearchRequest {
        text: text.into(),
        limit: 10,
        ..Default::default()
    };
    index
        .search(&request)
        .expect("search")
        .hits
        .into_iter()
        .map(|h| (h.kind, h.id))
        .collect()
}

fn sample() -> SearchIndex {
    let index = index();
    let mut welder = doc(
        Kind::Occupation,
        1,
        "焊工",
        "操作焊接设备，进行金属工件焊接的人员。",
    );
    welder.tags = vec!["金属加工机械制造人员".into(), "6-18-02-04".into()];
    welder.occupation_majors = vec!["6".into()];
    let lathe = doc(
        Kind::Occupation,
        2,
        "数控机床操作工",
        "操作数控机床（CNC）进行切削加工。",
    );
    let mut java = doc(
        Kind::DemandPosting,
        3,
        "Java开发工程师",
        "熟悉 Spring、MySQL，有 AutoCAD 经验者优先",
    );
    java.regions = vec!["220202".into()];
    java.education = vec!["BACHELOR".into()];
    let mut draft = doc(Kind::DemandPosting, 4, "焊工学徒（草稿）", "");
    draft.public = false;
    let changes: Vec<IndexChange> = [welder, lathe, java, draft]
        .into_iter()
        .map(IndexChange::Upsert)
        .collect();
    index.apply(&changes, 7).expect("apply");
    index
}

#[test]
fn partial_words_find_longer_words_through_bigrams() {
    let index = sample();
    assert_eq!(
        search(&index, "数控机").first(),
        Some(&(Kind::Occupation, 2))
    );
}

#[test]
fn latin_words_match_case_insensitively() {
    let index = sample();
    assert_eq!(search(&index, "java"), vec![(Kind::DemandPosting, 3)]);
    assert_eq!(search(&index, "AUTOCAD"), vec![(Kind::DemandPosting, 3)]);
    assert_eq!(search(&index, "cnc"), vec![(Kind::Occupation, 2)]);
}

#[test]
fn a_title_sharing_only_characters_still_finds_the_occupation_that_holds_them() {
    let index = sample();
    // No word or bigram of `焊件` occurs (`工件焊接` holds `焊` and `件`).
    assert_eq!(search(&index, "件焊").first(), Some(&(Kind::Occupation, 1)));
    assert_eq!(search(&index, "乂乚"), vec![]);
}

#[test]
fn a_specific_word_in_the_tasks_beats_a_generic_suffix_in_a_name() {
    let index = index();
    let conveyor = doc(
        Kind::Occupation,
        1,
        "输送机操作工",
        "操作带式输送机，输送物料的人员。",
    );
    let chemistry = doc(
        Kind::Occupation,
        2,
        "有机合成工",
        "操作反应釜等装置，生产丙烯酰胺、丙烯腈等有机产品的人员。",
    );
    index
        .apply(
            &[
                IndexChange::Upsert(conveyor),
                IndexChange::Upsert(chemistry),
            ],
            1,
        )
        .expect("apply");
    assert_eq!(
        search(&index, "丙烯酰胺装置操作工").first(),
        Some(&(Kind::Occupation, 2))
    );
}

#[test]
fn titles_rank_above_body_text() {
    let index = sample();
    let hits = search(&index, "焊工");
    assert_eq!(hits.first(), Some(&(Kind::Occupation, 1)));
}

#[test]
fn hidden_documents_are_found_only_when_asked() {
    let index = sample();
    assert!(!search(&index, "学徒").contains(&(Kind::DemandPosting, 4)));
    let request = SearchRequest {
        text: "学徒".into(),
        include_private: true,
        ..Default::default()
    };
    let hits = index.search(&request).expect("search").hits;
    assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![4]);
}

#[test]
fn odd_queries_are_text_and_never_errors() {
    let index = sample();
    for text in [
        "",
        "   ",
        "\"焊工",
        "AND OR",
        "*",
        "(((",
        "焊工 AND NOT",
        "a:b",
        "~!@#$%^&*()",
    ] {
        let request = SearchRequest {
            text: text.into(),
            ..Default::default()
        };
        assert!(index.search(&request).is_ok(), "{text:?} failed");
    }
    let everything = SearchRequest {
        text: "  ".into(),
        with_count: true,
        ..Default::default()
    };
    assert_eq!(
        index.search(&everything).expect("search").total,
        Some(3),
        "no text lists every public document"
    );
    let long = SearchRequest {
        text: "长".repeat(crate::index::MAX_QUERY_CHARS + 1),
        ..Default::default()
    };
    assert!(index.search(&long).is_err());
}

#[test]
fn facets_count_and_filter() {
    let index = sample();
    let request = SearchRequest {
        text: String::new(),
        with_facets: true,
        ..Default::default()
    };
    let results = index.search(&request).expect("search");
    let kinds: Vec<(String, u64)> = results
        .facets
        .iter()
        .filter(|f| f.dimension == Dimension::Kind)
        .map(|f| (f.value.clone(), f.count))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("DemandPosting".to_string(), 1),
            ("Occupation".to_string(), 2)
        ]
    );
    let filtered = SearchRequest {
        filters: Filters {
            regions: vec!["220202".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let hits: Vec<i32> = index
        .search(&filtered)
        .expect("search")
        .hits
        .iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(hits, vec![3]);
    let kinds = SearchRequest {
        filters: Filters {
            kinds: vec![Kind::Occupation],
            ..Default::default()
        },
        with_count: true,
        ..Default::default()
    };
    assert_eq!(index.search(&kinds).expect("search").total, Some(2));
    let uncounted = SearchRequest {
        filters: Filters {
            kinds: vec![Kind::Occupation],
            ..Default::default()
        },
        limit: 1,
        ..Default::default()
    };
    let results = index.search(&uncounted).expect("search");
    assert_eq!(
        (results.total, results.hits.len(), results.has_more),
        (None, 1, true),
        "counted only when asked"
    );
}

/// The body snippet of the first hit for `text`.
fn body_snippet(index: &SearchIndex, text: &str) -> Snippet {
    let request = SearchRequest {
        text: text.into(),
        with_snippets: true,
        ..Default::default()
    };
    index
        .search(&request)
        .expect("search")
        .hits
        .into_iter()
        .next()
        .expect("a hit")
        .snippets
        .into_iter()
        .find(|s| s.field == "body")
        .expect("a body snippet")
}

#[test]
fn snippets_mark_the_matching_fragment() {
    let body = body_snippet(&sample(), "焊接");
    assert!(body.html().contains("<em>焊接</em>"), "{}", body.html());
    let marked: Vec<&str> = body
        .highlights
        .iter()
        .map(|r| &body.fragment[r.clone()])
        .collect();
    assert!(marked.iter().all(|m| *m == "焊接"), "{marked:?}");
}

#[test]
fn upserts_replace_and_deletes_remove_and_the_sequence_is_kept() {
    let index = sample();
    assert_eq!(index.applied_sequence(), 7);
    index
        .apply(
            &[IndexChange::Upsert(doc(Kind::Occupation, 1, "电焊工", ""))],
            8,
        )
        .expect("apply");
    assert_eq!(
        search(&index, "电焊工").first(),
        Some(&(Kind::Occupation, 1))
    );
    assert_eq!(index.num_docs(), 4, "the old version is gone");
    index
        .apply(&[IndexChange::Delete(Kind::Occupation, 1)], 9)
        .expect("apply");
    assert!(!search(&index, "电焊工").contains(&(Kind::Occupation, 1)));
    assert_eq!(index.applied_sequence(), 9);
}

#[test]
fn suggestions_complete_name_prefixes_shortest_first() {
    let index = sample();
    let found = index
        .suggest(&[Kind::Occupation], "数控", 5)
        .expect("suggest");
    assert_eq!(
        found,
        vec![(Kind::Occupation, 2, "数控机床操作工".to_string())]
    );
    let both = index.suggest(&[], "焊", 5).expect("suggest");
    assert_eq!(
        both.iter().map(|f| f.1).collect::<Vec<_>>(),
        vec![1],
        "the draft posting is not suggested"
    );
    assert!(index.suggest(&[], "  ", 5).expect("suggest").is_empty());
}

#[test]
fn an_index_on_disk_remembers_its_sequence() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    {
        let index = SearchIndex::open(
            dir.path(),
            WriterOptions {
                threads: 1,
                memory_bytes: 15_000_000,
            },
        )
        .expect("open");
        index
            .apply(
                &[IndexChange::Upsert(doc(Kind::Occupation, 1, "焊工", ""))],
                42,
            )
            .expect("apply");
    }
    let index = SearchIndex::open(
        dir.path(),
        WriterOptions {
            threads: 1,
            memory_bytes: 15_000_000,
        },
    )
    .expect("reopen");
    assert_eq!(index.applied_sequence(), 42);
    assert_eq!(search(&index, "焊工"), vec![(Kind::Occupation, 1)]);
}

/// `sharing_words` finds objects of the asked kinds by whole words of
/// their name or text, and leaves out words too common to tell objects
/// apart.
#[test]
fn sharing_words_finds_objects_by_specific_words_only() {
    let index = index();
    let mut changes = vec![
        IndexChange::Upsert(doc(Kind::DemandPosting, 1, "数控车工", "操作数控车床")),
        IndexChange::Upsert(doc(Kind::Program, 2, "数控技术", "数控车床编程与操作")),
        IndexChange::Upsert(doc(Kind::Program, 3, "汽车检测与维修技术", "汽车维修")),
    ];
    // A word in more than 5,000 objects (and 2% of all) is too common.
    for id in 10..5_012 {
        changes.push(IndexChange::Upsert(doc(
            Kind::DemandPosting,
            id,
            "普通岗位",
            "负责日常工作",
        )));
    }
    index.apply(&changes, 1).expect("indexed");
    let words = |list: &[&str]| list.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    let found = index
        .sharing_words(&words(&["数控", "车床"]), &[Kind::Program], 10)
        .expect("searched");
    assert_eq!(found, vec![(Kind::Program, 2)]);
    let both = index
        .sharing_words(&words(&["数控"]), &[Kind::Program, Kind::DemandPosting], 10)
        .expect("searched");
    assert_eq!(both.len(), 2, "{both:?}");
    // 日常 is in 5,002 of 5,005 objects: left out, so nothing is found
    // (although the search box finds it).
    assert!(!search(&index, "日常").is_empty());
    let common = index
        .sharing_words(&words(&["日常", "无此词"]), &[Kind::DemandPosting], 10)
        .expect("searched");
    assert_eq!(common, vec![]);
}

/// Filtered searches hand the top-k pruning to the text query and check
/// each hit against the filters; counting goes through the plain
/// intersection. Both must find the same best hits, within the filters,
/// over several segments with private documents and several kinds.
#[test]
fn pruned_filtered_searches_find_the_same_hits_as_the_full_intersection() {
    let index = index();
    let words = [
        "焊工", "电工", "数控", "机床", "销售", "会计", "护理", "汽车", "维修", "物流", "仓储",
        "软件", "测试", "教师", "厨师", "装配",
    ];
    let kinds = [
        Kind::DemandPosting,
        Kind::Program,
        Kind::ApprenticeshipOffer,
    ];
    let mut seed: u64 = 7;
    let mut next = move |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    let mut private = std::collections::BTreeSet::new();
    for batch in 0..4 {
        let changes: Vec<IndexChange> = (0..500)
            .map(|i| {
                let id = batch * 500 + i;
                let title: String = (0..1 + next(2)).map(|_| words[next(words.len())]).collect();
                let body: Vec<&str> = (0..3 + next(12))
                    .map(|_| words[next(words.len())])
                    .collect();
                let mut document = doc(kinds[next(kinds.len())], id, &title, &body.join("，"));
                document.regions = vec![["220202", "220203", "220204"][next(3)].into()];
                document.public = next(3) != 0;
                if !document.public {
                    private.insert(id);
                }
                IndexChange::Upsert(document)
            })
            .collect();
        index.apply(&changes, batch as i64 + 1).expect("apply");
    }
    let filter_sets = [
        Filters::default(),
        Filters {
            kinds: vec![Kind::Program],
            ..Default::default()
        },
        Filters {
            kinds: vec![Kind::DemandPosting, Kind::ApprenticeshipOffer],
            regions: vec!["220203".into()],
            ..Default::default()
        },
    ];
    let mut compared = 0;
    for text in ["焊工", "数控机床", "汽车维修 物流", "软件测试教师", "会计"] {
        for filters in &filter_sets {
            for include_private in [false, true] {
                let request = SearchRequest {
                    text: text.into(),
                    filters: filters.clone(),
                    include_private,
                    limit: 10,
                    ..Default::default()
                };
                let pruned = index.search(&request).expect("pruned search");
                let full = index
                    .search(&SearchRequest {
                        with_count: true,
                        ..request.clone()
                    })
                    .expect("counted search");
                let scores = |hits: &[crate::Hit]| -> Vec<i64> {
                    hits.iter()
                        .map(|h| (h.score * 1e4).round() as i64)
                        .collect()
                };
                assert_eq!(
                    scores(&pruned.hits),
                    scores(&full.hits),
                    "{text} {filters:?} private {include_private}"
                );
                assert_eq!(pruned.hits.len(), 10, "{text} {filters:?}");
                for hit in &pruned.hits {
                    assert!(
                        filters.kinds.is_empty() || filters.kinds.contains(&hit.kind),
                        "{text}: {hit:?} is outside the kinds"
                    );
                }
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 30);
    // Private documents stay out unless asked for, on the pruned path too.
    let hits = |include_private: bool| -> Vec<i32> {
        index
            .search(&SearchRequest {
                text: "焊工".into(),
                include_private,
                limit: crate::index::MAX_LIMIT,
                ..Default::default()
            })
            .expect("search")
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect()
    };
    assert!(hits(false).iter().all(|id| !private.contains(id)));
    assert!(hits(true).iter().any(|id| private.contains(id)));
}

/// In a search over every kind, a word held by more than half of all
/// objects is left out when the query has rarer words: the objects holding
/// the rarer words are found, ranked by them; a query of the common word
/// alone still finds everything that holds it.
#[test]
fn words_held_by_most_objects_are_left_out_when_rarer_ones_remain() {
    let index = index();
    let count = (crate::index::COMMON_WORD_MIN as usize) * 2;
    let changes: Vec<IndexChange> = (0..count as i32)
        .map(|id| {
            let title = match id % 100 {
                0 => "电气工程师",
                1 => "电气焊工",
                _ => "软件工程师",
            };
            IndexChange::Upsert(doc(Kind::DemandPosting, id, title, "负责项目"))
        })
        .collect();
    index.apply(&changes, 1).expect("apply");
    let counted = |text: &str, kinds: Vec<Kind>| {
        let results = index
            .search(&SearchRequest {
                text: text.into(),
                with_count: true,
                filters: Filters {
                    kinds,
                    ..Default::default()
                },
                ..Default::default()
            })
            .expect("search");
        (results.total, results.hits)
    };
    let (total, hits) = counted("电气工程师", Vec::new());
    assert_eq!(total, Some(count / 50), "only the 电气 postings match");
    assert!(
        hits.iter().all(|h| h.id % 100 == 0),
        "电气工程师 first: {hits:?}"
    );
    let (total, _) = counted("工程师", Vec::new());
    assert_eq!(
        total,
        Some(count / 100 * 99),
        "a common word alone still matches"
    );
    // Searches for reference kinds keep every word (their second stage
    // reads them); here no occupation exists, so nothing matches at all.
    let (total, _) = counted("电气工程师", vec![Kind::Occupation]);
    assert_eq!(total, Some(0));
}

/// A search over every kind expands a query only with the catalogue words
/// few objects hold: `工程师` stands for `工程技术人员`, whose generic parts
/// `技术` and `人员` are in half of these postings and must not pull them
/// in; the rare catalogue words still find the occupation, and a search for
/// reference kinds alone keeps the whole expansion.
#[test]
fn expansions_leave_out_catalogue_words_most_objects_hold() {
    let index = index();
    let count = (crate::index::COMMON_WORD_MIN as i32) * 4;
    let mut changes: Vec<IndexChange> = (0..count)
        .map(|id| {
            let title = match id % 100 {
                0 => "电气工程师",
                1..50 => "技术支持人员",
                _ => "销售代表",
            };
            IndexChange::Upsert(doc(Kind::DemandPosting, id, title, "负责客户"))
        })
        .collect();
    changes.push(IndexChange::Upsert(doc(
        Kind::Occupation,
        1,
        "工程技术人员",
        "从事工程技术工作的专业人员",
    )));
    index.apply(&changes, 1).expect("apply");
    let counted = |kinds: Vec<Kind>| {
        index
            .search(&SearchRequest {
                text: "电气工程师".into(),
                with_count: true,
                limit: 20,
                filters: Filters {
                    kinds,
                    ..Default::default()
                },
                ..Default::default()
            })
            .expect("search")
    };
    let everything = counted(Vec::new());
    assert_eq!(
        everything.total,
        Some(count as usize / 100 + 1),
        "the 电气 postings and the occupation (by its rare catalogue words), no 技术支持人员 posting"
    );
    assert!(everything
        .hits
        .iter()
        .all(|h| h.kind == Kind::Occupation || h.id % 100 == 0));
    let occupations = counted(vec![Kind::Occupation]);
    assert_eq!(occupations.total, Some(1));
}

/// A query of common words alone keeps them, but for a part of a longer
/// query word: `工程师` is cut into `工程` and `工程师`, and `工程` (held by
/// every posting here) would add the postings that hold only `工程`.
#[test]
fn a_common_part_of_a_longer_query_word_is_left_out() {
    let index = index();
    let count = (crate::index::COMMON_WORD_MIN as i32) * 2;
    let changes: Vec<IndexChange> = (0..count)
        .map(|id| {
            let title = if id % 100 == 0 {
                "工程造价员"
            } else {
                "软件工程师"
            };
            IndexChange::Upsert(doc(Kind::DemandPosting, id, title, "负责项目"))
        })
        .collect();
    index.apply(&changes, 1).expect("apply");
    let total = |text: &str| {
        index
            .search(&SearchRequest {
                text: text.into(),
                with_count: true,
                ..Default::default()
            })
            .expect("search")
            .total
    };
    assert_eq!(total("工程师"), Some(count as usize / 100 * 99));
    assert_eq!(total("工程"), Some(count as usize), "a word alone is kept");
}

fn occupation(id: i32, name: &str, body: &str, major: &str) -> IndexChange {
    let mut occupation = doc(Kind::Occupation, id, name, body);
    occupation.occupation_majors = vec![major.into()];
    IndexChange::Upsert(occupation)
}

/// A search for occupations alone, as occupation search and suggestions
/// ask (the second stage applies).
fn occupation_request(text: &str) -> SearchRequest {
    SearchRequest {
        text: text.into(),
        filters: Filters {
            kinds: vec![Kind::Occupation],
            ..Default::default()
        },
        limit: 10,
        ..Default::default()
    }
}

fn occupations_for(index: &SearchIndex, text: &str) -> Vec<i32> {
    index
        .search(&occupation_request(text))
        .expect("search")
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[test]
fn a_trade_title_prefers_workers_to_professionals() {
    let index = index();
    index
        .apply(
            &[
                occupation(
                    1,
                    "焊接工程技术人员",
                    "从事铆焊结构、焊接工艺研究、设计的工程技术人员。",
                    "2",
                ),
                occupation(
                    2,
                    "金属构件装配工",
                    "操作设备，进行金属构件的铆焊、焊接和装配的人员。",
                    "6",
                ),
                occupation(
                    3,
                    "化工工程技术人员",
                    "从事化工工艺研究、设计的工程技术人员。",
                    "2",
                ),
                occupation(
                    4,
                    "化学原料生产工",
                    "操作化工装置，生产化工原料、化工产品的人员。",
                    "6",
                ),
            ],
            1,
        )
        .expect("apply");
    // `…工` names a trade: the worker who rivets and welds comes before
    // the engineer whose text holds the same words.
    assert_eq!(occupations_for(&index, "铆焊工").first(), Some(&2));
    assert_eq!(trade_feature(&index, "铆焊工", 1), 1.0);
    assert_eq!(trade_feature(&index, "铆焊工", 2), 0.0);
    // Unless the professional's name holds the title's head word: `化工`
    // is the chemical industry, not a worker.
    assert_eq!(trade_feature(&index, "化工", 3), 0.0);
    // Titles of other kinds of work leave professionals alone.
    assert_eq!(trade_feature(&index, "焊接技术员", 1), 0.0);
}

/// Second-stage feature `n` of occupation `id` for `text`.
fn feature(index: &SearchIndex, text: &str, id: i32, n: usize) -> f32 {
    index
        .second_stage_features(&occupation_request(text))
        .expect("features")
        .into_iter()
        .find(|candidate| candidate.id == id)
        .and_then(|candidate| candidate.features.get(n).copied())
        .expect("the occupation is a candidate")
}

/// The second stage's trade feature of occupation `id` for `text`.
fn trade_feature(index: &SearchIndex, text: &str, id: i32) -> f32 {
    feature(index, text, id, 11)
}

/// The second stage's feature "named for what the query names".
fn named_for(index: &SearchIndex, text: &str, id: i32) -> f32 {
    feature(index, text, id, 12)
}

#[test]
fn a_field_of_work_finds_the_names_of_its_field_first() {
    let index = index();
    index
        .apply(
            &[
                occupation(
                    1,
                    "化纤聚合工",
                    "操作聚合装置，将化工原料聚合成化纤切片的人员。化工原料计量、化工装置巡检。",
                    "6",
                ),
                occupation(
                    2,
                    "化工总控工",
                    "操作总控室设备，监控化工生产装置的人员。",
                    "6",
                ),
                occupation(3, "园林绿化工", "进行园林绿化种植养护的人员。", "5"),
                occupation(4, "展出动物保育员", "饲养、照料展出动物的人员。", "4"),
                occupation(5, "保育师", "在托育机构照料婴幼儿的人员，即保育员。", "4"),
                occupation(6, "电工", "安装、维修电气线路的人员。", "6"),
                occupation(
                    7,
                    "电工电器工程技术人员",
                    "从事电工电器研究、设计的工程技术人员。",
                    "2",
                ),
            ],
            1,
        )
        .expect("apply");
    // A name that holds the field's word and names another kind of work
    // is named for the field; characters apart or inside other words are
    // not.
    assert_eq!(named_for(&index, "化工", 2), 1.0);
    assert_eq!(named_for(&index, "化工", 1), 0.0);
    assert_eq!(named_for(&index, "化工", 3), 0.0);
    assert_eq!(occupations_for(&index, "化工").first(), Some(&2));
    // A narrower job with the same head is not the job asked for.
    assert_eq!(named_for(&index, "保育员", 4), 0.0);
    // The name that is the query itself is.
    assert_eq!(named_for(&index, "电工", 6), 1.0);
    assert_eq!(named_for(&index, "电工", 7), 1.0);
    assert_eq!(occupations_for(&index, "电工").first(), Some(&6));
}

#[test]
fn full_width_and_ascii_forms_find_each_other_and_mark_the_original() {
    let index = index();
    index
        .apply(
            &[
                IndexChange::Upsert(doc(
                    Kind::DemandPosting,
                    1,
                    "ＣＮＣ操作工",
                    "要求：３年以上ＣＮＣ编程经验，会用ＡｕｔｏＣＡＤ。",
                )),
                IndexChange::Upsert(doc(Kind::DemandPosting, 2, "PLC工程师", "熟悉PLC编程。")),
            ],
            1,
        )
        .expect("apply");
    assert_eq!(search(&index, "cnc"), vec![(Kind::DemandPosting, 1)]);
    assert_eq!(
        search(&index, "ａｕｔｏｃａｄ"),
        vec![(Kind::DemandPosting, 1)]
    );
    assert_eq!(
        search(&index, "ＰＬＣ").first(),
        Some(&(Kind::DemandPosting, 2))
    );
    let body = body_snippet(&index, "CNC");
    // The snippet marks the text as stored, full-width.
    assert!(body.html().contains("<em>ＣＮＣ</em>"), "{}", body.html());
}

#[test]
fn a_latin_job_word_finds_the_occupation_of_its_catalogue_word() {
    let index = index();
    index
        .apply(
            &[
                occupation(1, "风机操作工", "操作风机，输送气体的人员。", "6"),
                occupation(
                    2,
                    "多工序数控机床操作调整工",
                    "操作、调整多工序数控机床，加工零件的人员。",
                    "6",
                ),
            ],
            1,
        )
        .expect("apply");
    // No occupation's text holds `CNC`; `synonyms.txt` reads it as 数控.
    assert_eq!(occupations_for(&index, "CNC操作工").first(), Some(&2));
    assert_eq!(occupations_for(&index, "ＣＮＣ操作工").first(), Some(&2));
    // A title is short (re-scored) by its length as written, not after the
    // reading adds the catalogue word.
    let title = format!("CNC{}", "数控机床操作调整".repeat(3)) + "多工序数";
    assert_eq!(title.chars().count(), crate::ranking::SHORT_QUERY_CHARS - 1);
    assert!(!index
        .second_stage_features(&occupation_request(&title))
        .expect("features")
        .is_empty());
}

#[test]
fn seniority_words_of_a_posting_title_do_not_rank_occupations() {
    let index = index();
    index
        .apply(
            &[
                occupation(1, "焊工", "操作焊接设备，焊接金属工件的人员。", "6"),
                occupation(
                    2,
                    "高级中学教师",
                    "在高级中学从事教育教学工作的专业人员。",
                    "2",
                ),
                occupation(
                    3,
                    "初级中学教师",
                    "在初级中学从事教育教学工作的专业人员。",
                    "2",
                ),
                occupation(4, "会计专业人员", "从事会计核算和会计监督的专业人员。", "2"),
                occupation(
                    5,
                    "深潜工程技术人员",
                    "从事深潜作业技术工作的工程技术人员。",
                    "2",
                ),
            ],
            1,
        )
        .expect("apply");
    // `高级` and `资深` name a level, which no occupation has: the title
    // ranks as it would without it.
    for (title, work) in [
        ("高级焊工", "焊工"),
        ("资深会计", "会计"),
        ("焊工 中/高级", "焊工"),
    ] {
        let found = occupations_for(&index, title);
        assert_eq!(found, occupations_for(&index, work), "{title}");
    }
    // A name that holds the level in a longer word keeps it.
    assert_eq!(occupations_for(&index, "高级中学教师").first(), Some(&2));
    assert_eq!(occupations_for(&index, "初级中学教师").first(), Some(&3));
}

#[test]
fn pasted_text_stays_pasted_text_when_its_posting_words_are_left_out() {
    let index = index();
    index
        .apply(
            &[occupation(
                1,
                "焊工",
                "操作焊接设备，焊接金属工件的人员。",
                "6",
            )],
            1,
        )
        .expect("apply");
    // 38 characters as pasted, 19 without its posting words: still ranked
    // as pasted text (no second stage), still found.
    let pasted = "岗位职责：焊接金属工件。任职要求：大专学历，工作经验，五险一金，双休，年终奖";
    assert!(pasted.chars().count() > crate::ranking::SHORT_QUERY_CHARS);
    let candidates = index
        .second_stage_features(&occupation_request(pasted))
        .expect("features");
    assert!(candidates.is_empty());
    assert_eq!(occupations_for(&index, pasted), vec![1]);
    // A title is re-scored.
    assert!(!index
        .second_stage_features(&occupation_request("焊工"))
        .expect("features")
        .is_empty());
}

#[test]
fn occupation_ranking_does_not_move_with_postings_or_rewritten_documents() {
    let index = index();
    let occupations = [
        occupation(1, "焊工", "操作焊接设备，进行金属工件焊接的人员。", "6"),
        occupation(2, "电工", "安装、维修电气线路和设备的人员。", "6"),
        occupation(
            3,
            "焊接工程技术人员",
            "从事焊接工艺研究、设计的工程技术人员。",
            "2",
        ),
        occupation(4, "汽车维修工", "维护、修理汽车的人员。", "4"),
    ];
    index.apply(&occupations, 1).expect("apply");
    let scored = |text: &str| -> Vec<(i32, f32)> {
        index
            .search(&occupation_request(text))
            .expect("search")
            .hits
            .into_iter()
            .map(|h| (h.id, h.score))
            .collect()
    };
    let queries = ["电焊工", "汽车电工", "焊接设备维修"];
    let before: Vec<_> = queries.iter().map(|q| scored(q)).collect();
    // Postings full of the queries' words, and every occupation written
    // again (its old document stays in its segment, deleted, until a
    // merge): neither is an occupation.
    let postings: Vec<IndexChange> = (100..400)
        .map(|id| {
            IndexChange::Upsert(doc(
                Kind::DemandPosting,
                id,
                "电焊工 汽车电工",
                "焊接设备维修，电工作业，汽车焊接。",
            ))
        })
        .collect();
    index.apply(&postings, 2).expect("apply postings");
    index
        .apply(&occupations, 3)
        .expect("apply occupations again");
    let after: Vec<_> = queries.iter().map(|q| scored(q)).collect();
    assert_eq!(before, after);
    assert!(before.iter().all(|hits| !hits.is_empty()));
}
