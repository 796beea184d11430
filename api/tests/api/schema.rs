/// `schema.graphql` is the contract frontend teams build on: it must be
/// exactly what the code serves. Regenerate it with
/// `cargo run --bin hub -- schema > schema.graphql`.
#[test]
fn the_checked_in_schema_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema.graphql");
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = hub::graphql::sdl();
    if checked_in != generated {
        let first_difference = checked_in
            .lines()
            .zip(generated.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .map(|(line, (a, b))| format!("line {}: checked in `{a}`, code `{b}`", line + 1))
            .unwrap_or_else(|| "one file is a prefix of the other".to_string());
        panic!(
            "schema.graphql differs from the schema in the code ({first_difference}); \
             regenerate it with `cargo run --bin hub -- schema > schema.graphql`"
        );
    }
}

#[test]
fn every_type_with_an_id_implements_node() {
    let sdl = hub::graphql::sdl();
    for kind in hub::ids::NodeKind::ALL {
        let declaration = format!("type {} implements Node", kind.name());
        assert!(sdl.contains(&declaration), "missing `{declaration}`");
    }
}
