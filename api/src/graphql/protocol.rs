//! What every GraphQL request goes through besides its resolvers: the
//! limits on a query's shape, an `extensions.code` on every error, and the
//! order of the response map.
//!
//! - **Depth** counts the hub's own fields only. Introspection is limited
//!   by what makes it abusive instead: the standard introspection query of
//!   graphql-js (GraphiQL, graphql-codegen, Apollo, Postman) nests `fields`
//!   once, a circular one (`types { fields { type { fields { type { fields
//!   … } } } } }`) nests it again and again; at most
//!   [`MAX_INTROSPECTION_NESTING`] of `fields`, `inputFields`, `interfaces`
//!   and `possibleTypes` may nest.
//! - **Directives** on `__typename`, which async-graphql's validation
//!   skips, are checked as on any other field (unknown, repeated or
//!   malformed ones are refused).
//! - **Codes**: errors raised before execution get `GRAPHQL_PARSE_FAILED`,
//!   `GRAPHQL_VALIDATION_FAILED`, `QUERY_TOO_DEEP` or `QUERY_TOO_COMPLEX`;
//!   the HTTP layer leaves `data` out of such responses (the request never
//!   started), see [`is_pre_execution_code`].
//! - **Order**: root fields resolve concurrently and finish in any order;
//!   the response map is put back in the order of the selection set, as
//!   the GraphQL specification asks.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use async_graphql::{
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextRequest,
        NextResolve, NextValidation, ResolveInfo,
    },
    indexmap::IndexMap,
    parser::types::{
        DocumentOperations, ExecutableDocument, Field, FragmentDefinition, OperationDefinition,
        Selection, SelectionSet,
    },
    Name, PathSegment, Positioned, Response, ServerError, ServerResult, ValidationResult, Value,
    Variables,
};

/// Deepest nesting of the hub's own fields a query may have.
pub const MAX_DEPTH: usize = 12;
/// Deepest nesting of selection sets accepted at all, introspection
/// included (the parser's own limit is 64): graphql-js clients may ask for
/// deeper `ofType` chains than the default 9 (`typeDepth`, up to about 55
/// here), which costs little; the hub's own fields stay limited by
/// [`MAX_DEPTH`].
pub const MAX_NESTING: usize = 60;
/// How often `fields`, `inputFields`, `interfaces` and `possibleTypes` may
/// nest inside one introspection query (the standard query nests once).
pub const MAX_INTROSPECTION_NESTING: usize = 2;

/// Most aliased fields one document may hold (aliases multiply the work
/// of one request; abuse probes send thousands).
pub const MAX_ALIASES: usize = 50;

/// Most times one field (one response key) may be selected in one
/// selection set, its inline fragments included. Repeats merge into one
/// answer, so a client never needs many; abuse probes send hundreds to
/// thousands, each one parsed, validated and merged.
pub const MAX_FIELD_REPEATS: usize = 20;

/// Most fields a document may hold once its fragments are spread in
/// place. Fragments that spread others several times grow exponentially:
/// a kilobyte can stand for billions of fields.
pub const MAX_EXPANDED_FIELDS: usize = 20_000;
/// Deepest chain of fragments spreading fragments.
pub const MAX_FRAGMENT_NESTING: usize = 32;

/// `extensions.code` of a document with more aliases than answered.
pub const TOO_MANY_ALIASES: &str = "TOO_MANY_ALIASES";
/// `extensions.code` of a document selecting one field too often.
pub const TOO_MANY_REPEATS: &str = "TOO_MANY_REPEATS";
/// `extensions.code` of a document that is not valid GraphQL.
pub const PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
/// `extensions.code` of a document that does not fit the schema.
pub const VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
/// `extensions.code` of a query nested deeper than the hub answers.
pub const TOO_DEEP: &str = "QUERY_TOO_DEEP";
/// `extensions.code` of a query costing more than the hub answers.
pub const TOO_COMPLEX: &str = "QUERY_TOO_COMPLEX";

/// Whether an error code says the request was refused before execution
/// (the response then carries no `data` entry).
pub fn is_pre_execution_code(code: &str) -> bool {
    matches!(
        code,
        PARSE_FAILED
            | VALIDATION_FAILED
            | TOO_DEEP
            | TOO_COMPLEX
            | TOO_MANY_ALIASES
            | TOO_MANY_REPEATS
    )
}

/// The `extensions.code` of an error, if it has one.
pub fn error_code(error: &ServerError) -> Option<&str> {
    match error.extensions.as_ref()?.get("code")? {
        Value::String(code) => Some(code.as_str()),
        _ => None,
    }
}

fn with_code(mut error: ServerError, code: &str) -> ServerError {
    if error_code(&error).is_none() {
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
    error
}

/// The extension; registered once on the schema.
pub struct Protocol;

impl ExtensionFactory for Protocol {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ProtocolExtension::default())
    }
}

#[derive(Default)]
struct ProtocolExtension {
    /// The parsed document, kept to check its shape and order the response.
    document: Mutex<Option<ExecutableDocument>>,
}

impl ProtocolExtension {
    fn document(&self) -> Option<ExecutableDocument> {
        self.document.lock().ok().and_then(|guard| guard.clone())
    }
}

#[async_trait::async_trait]
impl Extension for ProtocolExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        let executed = response.data != Value::Null;
        // Errors of async-graphql itself (an unknown operation name, a
        // document with several operations and none chosen) come without a
        // code; before execution they are validation errors.
        // During execution, errors without a code come from async-graphql's
        // coercion of argument and variable values.
        let executed = executed || response.errors.iter().any(|e| !e.path.is_empty());
        response.errors = std::mem::take(&mut response.errors)
            .into_iter()
            .map(|mut error| {
                if error.message == "Subscriptions are not supported on this transport." {
                    error.message = "subscriptions are served over WebSocket at /graphql/ws \
                                     (protocol graphql-transport-ws)"
                        .to_string();
                }
                let code = if !executed {
                    VALIDATION_FAILED
                } else if error.message.starts_with("Failed to parse") {
                    "BAD_USER_INPUT"
                } else {
                    "INTERNAL"
                };
                with_code(error, code)
            })
            .collect();
        response
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        // Measured on a parse of our own before async-graphql's checks,
        // which walk every spread of every fragment (exponential time on
        // fragments that spread others twice, and endless on cycles).
        if let Ok(document) = async_graphql::parser::parse_query(query) {
            check_expansion(&document)?;
        }
        match next.run(ctx, query, variables).await {
            Ok(document) => {
                // Counted before validation, whose overlap check costs the
                // square of the number of fields.
                let aliases = count_aliases(&document);
                if aliases > MAX_ALIASES {
                    return Err(with_code(
                        ServerError::new(
                            format!(
                                "the query holds {aliases} aliases; at most {MAX_ALIASES} are answered"
                            ),
                            None,
                        ),
                        TOO_MANY_ALIASES,
                    ));
                }
                check_repeats(&document)?;
                if let Ok(mut slot) = self.document.lock() {
                    *slot = Some(document.clone());
                }
                Ok(document)
            }
            Err(mut error) => {
                // The parser's and async-graphql's nesting limits.
                if error.message == "recursion limit exceeded."
                    || error.message.starts_with("The recursion depth")
                {
                    error.message = format!(
                        "the query nests selection sets more than {MAX_NESTING} levels deep"
                    );
                    return Err(with_code(error, TOO_DEEP));
                }
                error.message = readable_syntax_error(&error.message);
                Err(with_code(error, PARSE_FAILED))
            }
        }
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|error| {
                    let code = if error.message == "Query is too complex." {
                        TOO_COMPLEX
                    } else {
                        VALIDATION_FAILED
                    };
                    with_code(error, code)
                })
                .collect::<Vec<_>>()
        })?;
        if let Some(document) = self.document() {
            check_typename_directives(&document)?;
            check_shape(&document).map_err(|error| vec![error])?;
        }
        Ok(result)
    }

    /// Every field of the mutation root needs a token, whatever its
    /// resolver does: a new mutation cannot be open to anonymous callers by
    /// mistake (the services then check ownership, see `crate::access`).
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if info.parent_type == "MutationRoot"
            && ctx
                .data_opt::<crate::access::Actor>()
                .is_none_or(|actor| *actor == crate::access::Actor::Anonymous)
        {
            let mut error = with_code(
                ServerError::new(
                    "mutations need an API token: send `Authorization: Bearer <token>`",
                    None,
                ),
                "UNAUTHENTICATED",
            );
            error.path = info
                .path_node
                .to_string_vec()
                .into_iter()
                .map(PathSegment::Field)
                .collect();
            return Err(error);
        }
        next.run(ctx, info).await
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        if let Some(document) = self.document() {
            if let Some(operation) = operation(&document, operation_name) {
                order_value(
                    &mut response.data,
                    &[&operation.selection_set.node],
                    &document.fragments,
                );
            }
        }
        response
    }
}

/// The parser reports a syntax error as a multi-line drawing of the
/// offending line; clients get one line: where, and what was expected
/// (the position is in `locations` too).
fn readable_syntax_error(message: &str) -> String {
    let Some(rest) = message.trim_start().strip_prefix("-->") else {
        return message.to_string();
    };
    let position = rest.lines().next().unwrap_or_default().trim();
    let reason = message
        .rsplit_once("= ")
        .map(|(_, reason)| reason.trim())
        .filter(|reason| !reason.is_empty())
        .unwrap_or("invalid syntax");
    format!("syntax error at line:column {position}: {reason}")
}

/// Refuses documents whose fragments spread in place exceed
/// [`MAX_EXPANDED_FIELDS`] fields, nest deeper than
/// [`MAX_FRAGMENT_NESTING`] or spread themselves. Each fragment is
/// measured once.
fn check_expansion(document: &ExecutableDocument) -> ServerResult<()> {
    struct Walk<'d> {
        fragments: &'d Fragments,
        sizes: HashMap<&'d str, usize>,
        open: Vec<&'d str>,
    }
    impl<'d> Walk<'d> {
        fn size(&mut self, set: &'d SelectionSet) -> Result<usize, ServerError> {
            let mut total = 0usize;
            for selection in &set.items {
                let size = match &selection.node {
                    Selection::Field(field) => {
                        1usize.saturating_add(self.size(&field.node.selection_set.node)?)
                    }
                    Selection::InlineFragment(fragment) => {
                        self.size(&fragment.node.selection_set.node)?
                    }
                    Selection::FragmentSpread(spread) => {
                        let name = spread.node.fragment_name.node.as_str();
                        match self.sizes.get(name) {
                            Some(size) => *size,
                            None => self.fragment(name, spread.pos)?,
                        }
                    }
                };
                total = total.saturating_add(size);
                if total > MAX_EXPANDED_FIELDS {
                    return Err(with_code(
                        ServerError::new(
                            format!(
                                "the query expands to more than {MAX_EXPANDED_FIELDS} fields once its fragments are spread"
                            ),
                            None,
                        ),
                        TOO_COMPLEX,
                    ));
                }
            }
            Ok(total)
        }

        fn fragment(
            &mut self,
            name: &'d str,
            pos: async_graphql::Pos,
        ) -> Result<usize, ServerError> {
            if self.open.contains(&name) {
                return Err(with_code(
                    ServerError::new(format!("fragment `{name}` spreads itself"), Some(pos)),
                    VALIDATION_FAILED,
                ));
            }
            if self.open.len() >= MAX_FRAGMENT_NESTING {
                return Err(with_code(
                    ServerError::new(
                        format!("fragments spread fragments more than {MAX_FRAGMENT_NESTING} levels deep"),
                        Some(pos),
                    ),
                    TOO_DEEP,
                ));
            }
            let Some(fragment) = self.fragments.get(name) else {
                return Ok(0);
            };
            self.open.push(name);
            let size = self.size(&fragment.node.selection_set.node);
            self.open.pop();
            let size = size?;
            self.sizes.insert(name, size);
            Ok(size)
        }
    }
    let mut walk = Walk {
        fragments: &document.fragments,
        sizes: HashMap::new(),
        open: Vec::new(),
    };
    for operation in operations(document) {
        walk.size(&operation.node.selection_set.node)?;
    }
    Ok(())
}

/// The key a field answers under: its alias, else its name.
fn response_key(field: &Field) -> &Name {
    field
        .alias
        .as_ref()
        .map_or(&field.name.node, |alias| &alias.node)
}

/// Refuses a document that selects one response key more than
/// [`MAX_FIELD_REPEATS`] times in one selection set (inline fragments
/// count with the set they are in; each fragment is its own set).
fn check_repeats(document: &ExecutableDocument) -> ServerResult<()> {
    fn visit(set: &SelectionSet) -> ServerResult<()> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        count(set, &mut counts)
    }
    fn count<'d>(set: &'d SelectionSet, counts: &mut HashMap<&'d str, usize>) -> ServerResult<()> {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let key = response_key(&field.node).as_str();
                    let seen = counts.entry(key).or_default();
                    *seen += 1;
                    if *seen > MAX_FIELD_REPEATS {
                        return Err(with_code(
                            ServerError::new(
                                format!(
                                    "`{key}` is selected more than {MAX_FIELD_REPEATS} times in one selection set; repeats merge into one answer, select it once"
                                ),
                                Some(field.pos),
                            ),
                            TOO_MANY_REPEATS,
                        ));
                    }
                    visit(&field.node.selection_set.node)?;
                }
                Selection::InlineFragment(fragment) => {
                    count(&fragment.node.selection_set.node, counts)?;
                }
                Selection::FragmentSpread(_) => {}
            }
        }
        Ok(())
    }
    for set in top_sets(document) {
        visit(set)?;
    }
    Ok(())
}

/// Aliased fields in the document, each operation and fragment counted
/// once.
fn count_aliases(document: &ExecutableDocument) -> usize {
    fn count(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|selection| match &selection.node {
                Selection::Field(field) => {
                    usize::from(field.node.alias.is_some()) + count(&field.node.selection_set.node)
                }
                Selection::InlineFragment(fragment) => count(&fragment.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    top_sets(document).map(count).sum()
}

/// Every operation of a document.
fn operations(document: &ExecutableDocument) -> Vec<&Positioned<OperationDefinition>> {
    match &document.operations {
        DocumentOperations::Single(operation) => vec![operation],
        DocumentOperations::Multiple(operations) => operations.values().collect(),
    }
}

/// The selection set of every operation and of every fragment of a
/// document, each once.
fn top_sets(document: &ExecutableDocument) -> impl Iterator<Item = &SelectionSet> {
    operations(document)
        .into_iter()
        .map(|operation| &operation.node.selection_set.node)
        .chain(
            document
                .fragments
                .values()
                .map(|fragment| &fragment.node.selection_set.node),
        )
}

fn operation<'d>(
    document: &'d ExecutableDocument,
    name: Option<&str>,
) -> Option<&'d OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(operation), _) => Some(&operation.node),
        (DocumentOperations::Multiple(operations), Some(name)) => {
            operations.get(name).map(|operation| &operation.node)
        }
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().map(|operation| &operation.node)
        }
        _ => None,
    }
}

type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// The shape of a selection set: how deep its fields nest and how often
/// the type-expanding introspection fields nest in it.
#[derive(Clone, Copy, Default)]
struct Shape {
    depth: usize,
    introspection_nesting: usize,
}

fn is_type_expanding(field: &str) -> bool {
    matches!(
        field,
        "fields" | "inputFields" | "interfaces" | "possibleTypes"
    )
}

/// Measures a selection set, each fragment once (its shape does not depend
/// on where it is spread). Runs after validation, so fragments exist and
/// do not form cycles.
fn shape<'d>(
    set: &'d SelectionSet,
    fragments: &'d Fragments,
    memo: &mut HashMap<&'d str, Shape>,
) -> Shape {
    let mut result = Shape::default();
    let mut merge = |inner: Shape| {
        result.depth = result.depth.max(inner.depth);
        result.introspection_nesting = result
            .introspection_nesting
            .max(inner.introspection_nesting);
    };
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let child = shape(&field.node.selection_set.node, fragments, memo);
                merge(Shape {
                    depth: child.depth + 1,
                    introspection_nesting: child.introspection_nesting
                        + usize::from(is_type_expanding(field.node.name.node.as_str())),
                });
            }
            Selection::InlineFragment(fragment) => {
                merge(shape(&fragment.node.selection_set.node, fragments, memo));
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                let inner = match memo.get(name) {
                    Some(known) => *known,
                    None => {
                        let measured = fragments
                            .get(name)
                            .map(|fragment| {
                                shape(&fragment.node.selection_set.node, fragments, memo)
                            })
                            .unwrap_or_default();
                        memo.insert(name, measured);
                        measured
                    }
                };
                merge(inner);
            }
        }
    }
    result
}

/// The root fields of a selection set (through fragments), each with its
/// own selection set.
fn root_fields<'d>(
    set: &'d SelectionSet,
    fragments: &'d Fragments,
    out: &mut Vec<(&'d str, &'d SelectionSet, async_graphql::Pos)>,
) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => out.push((
                field.node.name.node.as_str(),
                &field.node.selection_set.node,
                field.pos,
            )),
            Selection::InlineFragment(fragment) => {
                root_fields(&fragment.node.selection_set.node, fragments, out)
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = fragments.get(&spread.node.fragment_name.node) {
                    root_fields(&fragment.node.selection_set.node, fragments, out)
                }
            }
        }
    }
}

/// The directives a field may carry, and the type of their one argument.
const FIELD_DIRECTIVES: [&str; 2] = ["include", "skip"];

/// Checks the directives of `__typename` fields, which async-graphql 7.2
/// leaves out of its validation: an unknown directive, one given twice,
/// or `@skip`/`@include` without a Boolean `if` is refused there as it is
/// on every other field (directive-overloading probes send hundreds of
/// them on `__typename`). Every error is reported, each where it is.
fn check_typename_directives(document: &ExecutableDocument) -> Result<(), Vec<ServerError>> {
    use async_graphql::parser::types::{BaseType, VariableDefinition};

    fn boolean_variables(document: &ExecutableDocument) -> Vec<&str> {
        operations(document)
            .into_iter()
            .flat_map(|operation| &operation.node.variable_definitions)
            .filter(|variable: &&Positioned<VariableDefinition>| {
                matches!(&variable.node.var_type.node.base, BaseType::Named(name) if name.as_str() == "Boolean")
            })
            .map(|variable| variable.node.name.node.as_str())
            .collect()
    }

    fn visit(set: &SelectionSet, booleans: &[&str], errors: &mut Vec<ServerError>) {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    if field.node.name.node.as_str() == "__typename" {
                        check(&field.node.directives, booleans, errors);
                    }
                    visit(&field.node.selection_set.node, booleans, errors);
                }
                Selection::InlineFragment(fragment) => {
                    visit(&fragment.node.selection_set.node, booleans, errors)
                }
                Selection::FragmentSpread(_) => {}
            }
        }
    }

    fn check(
        directives: &[Positioned<async_graphql::parser::types::Directive>],
        booleans: &[&str],
        errors: &mut Vec<ServerError>,
    ) {
        let mut seen: Vec<&str> = Vec::new();
        for directive in directives {
            let name = directive.node.name.node.as_str();
            let pos = directive.pos;
            let mut refuse = |message: String| {
                errors.push(with_code(
                    ServerError::new(message, Some(pos)),
                    VALIDATION_FAILED,
                ));
            };
            if !FIELD_DIRECTIVES.contains(&name) {
                refuse(format!("Unknown directive \"{name}\""));
                continue;
            }
            if seen.contains(&name) {
                refuse(format!("Duplicate directive \"{name}\""));
                continue;
            }
            seen.push(name);
            let mut condition = None;
            for (argument, value) in &directive.node.arguments {
                if argument.node.as_str() == "if" && condition.is_none() {
                    condition = Some(&value.node);
                } else {
                    refuse(format!(
                        "Unknown argument \"{}\" on directive \"@{name}\"",
                        argument.node
                    ));
                }
            }
            match condition {
                None => refuse(format!(
                    "Directive \"@{name}\" argument \"if\" of type \"Boolean!\" is required but not provided"
                )),
                Some(async_graphql_value::Value::Boolean(_)) => {}
                Some(async_graphql_value::Value::Variable(variable))
                    if booleans.contains(&variable.as_str()) => {}
                Some(_) => refuse(format!(
                    "Invalid value for argument \"if\" of directive \"@{name}\", expected type \"Boolean!\""
                )),
            }
        }
    }

    let booleans = boolean_variables(document);
    let mut errors = Vec::new();
    for set in top_sets(document) {
        visit(set, &booleans, &mut errors);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Refuses documents nested deeper than [`MAX_DEPTH`] (introspection not
/// counted) or with circular introspection.
fn check_shape(document: &ExecutableDocument) -> ServerResult<()> {
    let mut memo = HashMap::new();
    for operation in operations(document) {
        let mut roots = Vec::new();
        root_fields(
            &operation.node.selection_set.node,
            &document.fragments,
            &mut roots,
        );
        for (name, set, pos) in roots {
            let inner = shape(set, &document.fragments, &mut memo);
            if name.starts_with("__") {
                if inner.introspection_nesting > MAX_INTROSPECTION_NESTING {
                    return Err(with_code(
                        ServerError::new(
                            format!(
                                "introspection nests `fields`, `inputFields`, `interfaces` or \
                                 `possibleTypes` {} times; at most {MAX_INTROSPECTION_NESTING} \
                                 are answered (the standard introspection query nests them once)",
                                inner.introspection_nesting
                            ),
                            Some(pos),
                        ),
                        TOO_DEEP,
                    ));
                }
            } else if inner.depth + 1 > MAX_DEPTH {
                return Err(with_code(
                    ServerError::new(
                        format!(
                            "the query nests fields {} levels deep under `{name}`; at most \
                             {MAX_DEPTH} are answered",
                            inner.depth + 1
                        ),
                        Some(pos),
                    ),
                    TOO_DEEP,
                ));
            }
        }
    }
    Ok(())
}

/// Puts the keys of a response object in the order its selection sets
/// name them (aliases first seen first, fragments in place), recursively.
fn order_value(value: &mut Value, sets: &[&SelectionSet], fragments: &Fragments) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<(&Name, Vec<&SelectionSet>)> = Vec::new();
            for set in sets {
                collect_keys(set, fragments, &mut keys);
            }
            let mut rest = std::mem::take(map);
            let mut ordered = IndexMap::with_capacity(rest.len());
            for (key, child_sets) in keys {
                if let Some(mut child) = rest.shift_remove(key) {
                    order_value(&mut child, &child_sets, fragments);
                    ordered.insert(key.clone(), child);
                }
            }
            ordered.extend(rest);
            *map = ordered;
        }
        Value::List(items) => {
            for item in items {
                order_value(item, sets, fragments);
            }
        }
        _ => {}
    }
}

fn collect_keys<'d>(
    set: &'d SelectionSet,
    fragments: &'d Fragments,
    keys: &mut Vec<(&'d Name, Vec<&'d SelectionSet>)>,
) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let key = response_key(&field.node);
                let child = &field.node.selection_set.node;
                match keys.iter_mut().find(|(known, _)| *known == key) {
                    Some((_, sets)) => sets.push(child),
                    None => keys.push((key, vec![child])),
                }
            }
            Selection::InlineFragment(fragment) => {
                collect_keys(&fragment.node.selection_set.node, fragments, keys)
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = fragments.get(&spread.node.fragment_name.node) {
                    collect_keys(&fragment.node.selection_set.node, fragments, keys)
                }
            }
        }
    }
}
