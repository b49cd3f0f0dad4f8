//! Reading scenario files: size and encoding checks, `extends` chains merged key by key, and
//! mapping a key path back to the file and line that set it.

use super::error::{Problem, ScenarioError};
use super::raw::RawScenario;
use super::{MAX_EXTENDS_DEPTH, MAX_FILE_BYTES, MAX_NESTING};
use crate::files::ReadError;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// One scenario text and where it came from.
#[derive(Clone, Debug)]
pub(crate) struct Source {
    pub path: PathBuf,
    pub text: String,
}

/// The merged key tree of a scenario and its `extends` chain, with the origin of every key.
#[derive(Clone, Debug, Default)]
pub(crate) struct Merged {
    pub sources: Vec<Source>,
    pub table: Table,
    /// Key path → index into `sources` of the file that last set it.
    origins: HashMap<String, usize>,
    /// Where a file wrote an empty table or array over a non-empty value of its base, in the
    /// order met: a table merges key by key, so an empty one changes nothing, and an empty
    /// array removes the base's entries; validation refuses the one and warns of the other.
    pub emptied: Vec<Emptied>,
    /// Per file of the `extends` chain (the same index as `sources`; keys set in memory have
    /// none): what it says about the chain itself (`baseline`, `[counterfactual]`, `remove`),
    /// taken out of its table before merging.
    pub directives: Vec<super::chain::Directives>,
    /// Where a file set a value equal to its base's (the key path, and the index into
    /// `sources` of the base file whose value it repeats): an override that changes nothing,
    /// warned of.
    pub unchanged: Vec<(KeyPath, usize)>,
}

/// An empty table or array written over a non-empty value of the base.
#[derive(Clone, Debug)]
pub(crate) struct Emptied {
    /// The key path.
    pub path: KeyPath,
    /// An empty table (an array otherwise).
    pub table: bool,
    /// How many keys or entries the base's value has.
    pub base_len: usize,
}

/// Key path of a value, e.g. `["states", "Armenia", "ties", "Russia", "trade"]`; an array
/// index is written as `[2]`.
pub(crate) type KeyPath = Vec<String>;

pub(crate) fn display_key(path: &[String]) -> String {
    let mut out = String::new();
    for seg in path {
        if !out.is_empty() && !seg.starts_with('[') {
            out.push('.');
        }
        out.push_str(seg);
    }
    out
}

/// The file whose `extends` led to a base file, and the line of that `extends`.
struct Referrer {
    file: PathBuf,
    line: Option<usize>,
}

impl Merged {
    /// Load `path` and everything it extends.
    pub fn from_file(path: &Path) -> Result<Self, ScenarioError> {
        let mut merged = Merged::default();
        let table = merged.load_file(path, &mut Vec::new(), None)?;
        merged.table = table;
        Ok(merged)
    }

    /// Load a scenario given as text; `name` is used in messages and to resolve `extends`
    /// (relative to its parent directory). The text is held to the size limit of a file.
    pub fn from_text(text: &str, name: &Path) -> Result<Self, ScenarioError> {
        if text.len() as u64 > MAX_FILE_BYTES {
            return Err(ScenarioError::TooLarge {
                file: name.to_path_buf(),
                size: Some(text.len() as u64),
                limit: MAX_FILE_BYTES,
            });
        }
        let mut merged = Merged::default();
        let table = merged.load_source(
            Source {
                path: name.to_path_buf(),
                text: text.to_string(),
            },
            &mut Vec::new(),
            None,
        )?;
        merged.table = table;
        Ok(merged)
    }

    fn load_file(
        &mut self,
        path: &Path,
        stack: &mut Vec<PathBuf>,
        referrer: Option<&Referrer>,
    ) -> Result<Table, ScenarioError> {
        let text = read_limited(path).map_err(|e| match (e, referrer) {
            // A base that cannot be read is the extending file's mistake as often as not (a
            // typo in `extends`): name both.
            (ScenarioError::Io { file, source }, Some(r)) => ScenarioError::BaseUnreadable {
                file: r.file.clone(),
                line: r.line,
                base: file,
                source,
            },
            (ScenarioError::NotRegular { file, kind }, Some(r)) => ScenarioError::BaseUnreadable {
                file: r.file.clone(),
                line: r.line,
                base: file,
                source: std::io::Error::other(format!("it is a {kind}, not a regular file")),
            },
            (e, _) => e,
        })?;
        self.load_source(
            Source {
                path: path.to_path_buf(),
                text,
            },
            stack,
            referrer,
        )
    }

    fn load_source(
        &mut self,
        source: Source,
        stack: &mut Vec<PathBuf>,
        referrer: Option<&Referrer>,
    ) -> Result<Table, ScenarioError> {
        let identity = std::fs::canonicalize(&source.path).unwrap_or_else(|_| source.path.clone());
        // Chain errors are reported at the `extends` that causes them.
        let (file, line) = match referrer {
            Some(r) => (r.file.clone(), r.line),
            None => (source.path.clone(), None),
        };
        if stack.contains(&identity) {
            let mut chain = stack.clone();
            chain.push(identity);
            return Err(ScenarioError::ExtendsCycle { file, line, chain });
        }
        if stack.len() >= MAX_EXTENDS_DEPTH {
            return Err(ScenarioError::ExtendsTooDeep {
                file,
                line,
                limit: MAX_EXTENDS_DEPTH,
            });
        }

        // Typed pass first: unknown keys and wrong types are reported with their line.
        if let Err(e) = toml::from_str::<RawScenario>(&source.text) {
            return Err(parse_error(&source, &e));
        }
        let mut table: Table = match source.text.parse::<Table>() {
            Ok(t) => t,
            Err(e) => return Err(parse_error(&source, &e)),
        };
        if table.is_empty() {
            return Err(match referrer {
                // The extending file named it: say so there, and that the base is empty.
                Some(r) => ScenarioError::EmptyBase {
                    file: r.file.clone(),
                    line: r.line,
                    base: source.path,
                },
                None => ScenarioError::Empty { file: source.path },
            });
        }
        let extends = match table.remove("extends") {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        let here = Referrer {
            file: source.path.clone(),
            line: line_of_key(&source.text, &["extends".to_string()]),
        };
        if extends.as_ref().is_some_and(|t| t.trim().is_empty()) {
            // Joined to this file's directory, an empty path would name the directory.
            return Err(ScenarioError::Invalid {
                file: here.file,
                line: here.line,
                key: "extends".into(),
                problem: Problem::EmptyExtends,
            });
        }

        let directives = super::chain::Directives::take(&mut table);
        let index = self.sources.len();
        let dir = source
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        self.sources.push(source);
        self.directives.push(directives);
        stack.push(identity);

        let mut base = match extends {
            None => Table::new(),
            Some(target) => match super::builtin::builtin_text(&target) {
                Some(text) => self.load_source(
                    Source {
                        path: PathBuf::from(&target),
                        text: text.to_string(),
                    },
                    stack,
                    Some(&here),
                )?,
                None if target.starts_with("builtin:") => {
                    let known = super::builtin::names().map(String::from).collect();
                    return Err(ScenarioError::Invalid {
                        file: here.file,
                        line: here.line,
                        key: "extends".into(),
                        problem: Problem::UnknownBuiltin {
                            name: target,
                            known,
                        },
                    });
                }
                None => self.load_file(&dir.join(&target), stack, Some(&here))?,
            },
        };
        stack.pop();
        // `remove` takes keys out of what the file inherits, before its own values go on.
        super::chain::apply_removes(self, &mut base, &table, index)?;
        find_emptied(&base, &table, &mut Vec::new(), &mut self.emptied);
        for path in find_unchanged(&base, &table, &mut Vec::new()) {
            let by = self.origin(&path);
            self.unchanged.push((path, by));
        }
        merge(&mut base, table, &mut Vec::new(), index, &mut self.origins);
        Ok(base)
    }

    /// The file `sources[index]` loaded again on its own, with its `extends` chain: the
    /// scenario a file of the chain describes (a branch's parent, a calibration baseline).
    pub fn reload(&self, index: usize) -> Result<Merged, ScenarioError> {
        let mut merged = Merged::default();
        let source = self.sources[index].clone();
        merged.table = merged.load_source(source, &mut Vec::new(), None)?;
        Ok(merged)
    }

    /// Record that `sources[source]` set the value at `path` (a value set in memory).
    pub fn set_origin(&mut self, path: &[String], source: usize) {
        self.origins.insert(display_key(path), source);
    }

    /// Index into `sources` of the file that set `path` or its nearest ancestor (0, the file
    /// loaded, comes first; its bases follow).
    pub fn origin(&self, path: &[String]) -> usize {
        (0..=path.len())
            .rev()
            .find_map(|n| self.origins.get(&display_key(&path[..n])).copied())
            .unwrap_or(0)
    }

    /// When `cause` was set by a file that overrides the one that set `broken` (a file nearer
    /// the start of the `extends` chain), that file and the line of `cause` in it.
    pub fn overriding(
        &self,
        cause: &[String],
        broken: &[String],
    ) -> Option<(PathBuf, Option<usize>)> {
        let by = *self.origins.get(&display_key(cause))?;
        let source = self.sources.get(by).filter(|_| by < self.origin(broken))?;
        Some((source.path.clone(), line_of_key(&source.text, cause)))
    }

    /// Index into `sources` of the file that set the first key found inside the table at
    /// `path` (or `path` itself, or its nearest ancestor): a table is written where a key of
    /// it is, which a deeper header (`[states.Kazakstan.ties.China]`) or a value set in
    /// memory leaves unrecorded for the table itself.
    pub fn origin_within(&self, path: &[String]) -> usize {
        let mut inner = path.to_vec();
        let mut here = path.split_first().and_then(|(first, rest)| {
            rest.iter()
                .try_fold(self.table.get(first)?, |v, part| v.as_table()?.get(part))
        });
        while let Some((first, value)) = here
            .and_then(|v| v.as_table())
            .and_then(|t| t.iter().next())
        {
            inner.push(first.clone());
            here = Some(value);
        }
        self.origin(&inner)
    }

    /// [`Merged::locate`] for the table at `path`, in the file of [`Merged::origin_within`].
    pub fn locate_within(&self, path: &[String]) -> (PathBuf, Option<usize>) {
        match self.sources.get(self.origin_within(path)) {
            Some(source) => (source.path.clone(), line_of_key(&source.text, path)),
            None => (PathBuf::from("<scenario>"), None),
        }
    }

    /// The file that set `path` (or its nearest ancestor), and the line of the deepest part of
    /// `path` found in that file.
    pub fn locate(&self, path: &[String]) -> (PathBuf, Option<usize>) {
        let index = self.origin(path);
        match self.sources.get(index) {
            Some(source) => (source.path.clone(), line_of_key(&source.text, path)),
            None => (PathBuf::from("<scenario>"), None),
        }
    }
}

/// Deep merge: tables merge key by key; every other value replaces the base value whole.
fn merge(
    base: &mut Table,
    over: Table,
    path: &mut KeyPath,
    source: usize,
    origins: &mut HashMap<String, usize>,
) {
    for (key, value) in over {
        path.push(key.clone());
        origins.insert(display_key(path), source);
        match (base.get_mut(&key), value) {
            (Some(Value::Table(b)), Value::Table(o)) => merge(b, o, path, source, origins),
            (_, value) => {
                record_subtree(&value, path, source, origins);
                base.insert(key, value);
            }
        }
        path.pop();
    }
}

/// Every empty table or array of `over` whose key holds a non-empty value of the same type in
/// `base`.
fn find_emptied(base: &Table, over: &Table, path: &mut KeyPath, out: &mut Vec<Emptied>) {
    for (key, value) in over {
        path.push(key.clone());
        match (base.get(key), value) {
            (Some(Value::Table(b)), Value::Table(o)) if o.is_empty() && !b.is_empty() => {
                out.push(Emptied {
                    path: path.clone(),
                    table: true,
                    base_len: b.len(),
                })
            }
            (Some(Value::Table(b)), Value::Table(o)) => find_emptied(b, o, path, out),
            (Some(Value::Array(b)), Value::Array(o)) if o.is_empty() && !b.is_empty() => {
                out.push(Emptied {
                    path: path.clone(),
                    table: false,
                    base_len: b.len(),
                })
            }
            _ => {}
        }
        path.pop();
    }
}

/// Every value of `over` other than a table that equals the value `base` holds at its key
/// (numbers compared as numbers, so `1` repeats `1.0`), in a table none of whose other values
/// change: a table written whole (an alignment that must sum to 1, an institution's
/// `unanswered`) may repeat some of its base's values alongside those it changes.
fn find_unchanged(base: &Table, over: &Table, path: &mut KeyPath) -> Vec<KeyPath> {
    let mut out = Vec::new();
    let mut same = Vec::new();
    let mut changed = false;
    for (key, value) in over {
        path.push(key.clone());
        match (base.get(key), value) {
            (Some(Value::Table(b)), Value::Table(o)) => out.extend(find_unchanged(b, o, path)),
            (Some(b), o) if same_value(b, o) => same.push(path.clone()),
            (_, Value::Table(_)) => {}
            _ => changed = true,
        }
        path.pop();
    }
    if !changed {
        out.extend(same);
    }
    out
}

fn same_value(a: &Value, b: &Value) -> bool {
    let number = |v: &Value| match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(x) => Some(*x),
        _ => None,
    };
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x == y,
        _ => !matches!(a, Value::Table(_)) && a == b,
    }
}

fn record_subtree(
    value: &Value,
    path: &mut KeyPath,
    source: usize,
    origins: &mut HashMap<String, usize>,
) {
    if let Value::Table(t) = value {
        for (k, v) in t {
            path.push(k.clone());
            origins.insert(display_key(path), source);
            record_subtree(v, path, source, origins);
            path.pop();
        }
    }
}

fn read_limited(path: &Path) -> Result<String, ScenarioError> {
    let bytes = crate::files::read_regular(path, MAX_FILE_BYTES).map_err(|e| match e {
        ReadError::NotRegular { path, kind } => ScenarioError::NotRegular { file: path, kind },
        ReadError::TooLarge { path, size, limit } => ScenarioError::TooLarge {
            file: path,
            size: Some(size),
            limit,
        },
        ReadError::Io { path, source } => ScenarioError::Io { file: path, source },
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..valid]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        ScenarioError::NotUtf8 {
            file: path.to_path_buf(),
            line,
        }
    })
}

fn parse_error(source: &Source, e: &toml::de::Error) -> ScenarioError {
    let offset = e.span().map(|span| span.start);
    let (mut line, column) = match offset {
        Some(offset) => {
            let (l, c) = line_col(&source.text, offset);
            (Some(l), Some(c))
        }
        None => (None, None),
    };
    let key = offset.and_then(|offset| key_at(&source.text, offset));
    let mut message = e.message().trim().to_string();
    // The parser's own bound on nesting (see `MAX_NESTING`) speaks of recursion; say what it
    // means for the file, and find the line of an over-long dotted key, which it leaves out.
    if message == "recursion limit" || message.contains("max recursion depth") {
        if line.is_none() {
            line = source
                .text
                .lines()
                .position(|l| l.matches('.').count() + 1 > MAX_NESTING)
                .map(|i| i + 1);
        }
        message = format!(
            "arrays, tables or dotted keys are nested deeper than {MAX_NESTING} levels, the limit of the TOML parser"
        );
    }
    // The parser does not say which key is repeated; its span does.
    if message == "duplicate key" {
        if let Some(written) = e
            .span()
            .and_then(|span| source.text.get(span))
            .filter(|k| !k.is_empty() && k.len() <= 200 && !k.contains('\n'))
        {
            message = format!("`{written}` is defined twice (a duplicate key)");
        }
    }
    // An unquoted month (`start = 2025-01`) is, to the parser, a TOML date cut short: say what
    // the format wants, with the text as written.
    if message.starts_with("invalid date") {
        let written = e.span().and_then(|span| {
            let rest = source.text.get(span.start..)?;
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '.')))
                .unwrap_or(rest.len());
            Some(&rest[..end]).filter(|w| !w.is_empty() && w.len() <= 40)
        });
        let month = |w: &str| w.len() == 7 && w.char_indices().all(|(i, c)| (i == 4) == (c == '-'));
        message = match written {
            Some(w) if month(w) => format!(
                "`{w}` is not quoted: a month is a quoted string, write \"{w}\" (unquoted, TOML reads it as the start of a date YYYY-MM-DD)"
            ),
            Some(w) => format!(
                "`{w}` is not a TOML date, and a month is a quoted string \"YYYY-MM\", e.g. \"2025-01\""
            ),
            None => message,
        };
    }
    let file = source.path.clone();
    if message.starts_with("unknown field") {
        ScenarioError::UnknownField {
            file,
            line,
            column,
            key,
            message: super::suggest::unknown_field(&message),
        }
    } else {
        ScenarioError::Syntax {
            file,
            line,
            column,
            key,
            message,
        }
    }
}

/// Key path of the innermost key or value of `text` whose span holds the byte `offset`, for a
/// text that parses as TOML (a type error of the typed pass points into such a text).
fn key_at(text: &str, offset: usize) -> Option<String> {
    use toml::de::{DeTable, DeValue};
    use toml::Spanned;

    /// The best match so far: the narrowest span, and the deeper path among equals.
    type Best = Option<(usize, usize, KeyPath)>;

    fn consider(span: std::ops::Range<usize>, offset: usize, path: &KeyPath, best: &mut Best) {
        if span.start <= offset && offset < span.end.max(span.start + 1) {
            let width = span.end - span.start;
            let better = match best {
                None => true,
                Some((w, depth, _)) => width < *w || (width == *w && path.len() > *depth),
            };
            if better {
                *best = Some((width, path.len(), path.clone()));
            }
        }
    }

    fn table(t: &DeTable<'_>, offset: usize, path: &mut KeyPath, best: &mut Best) {
        for (k, v) in t.iter() {
            path.push(k.get_ref().to_string());
            consider(k.span(), offset, path, best);
            value(v, offset, path, best);
            path.pop();
        }
    }

    fn value(v: &Spanned<DeValue<'_>>, offset: usize, path: &mut KeyPath, best: &mut Best) {
        consider(v.span(), offset, path, best);
        match v.get_ref() {
            DeValue::Table(t) => table(t, offset, path, best),
            DeValue::Array(a) => {
                for (i, item) in a.iter().enumerate() {
                    path.push(format!("[{i}]"));
                    value(item, offset, path, best);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    let root = DeTable::parse(text).ok()?;
    let mut best = None;
    table(root.get_ref(), offset, &mut Vec::new(), &mut best);
    best.map(|(_, _, path)| display_key(&path))
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// Line of the deepest part of `path` present in `text`.
pub(crate) fn line_of_key(text: &str, path: &[String]) -> Option<usize> {
    use toml::de::{DeTable, DeValue};
    let root = DeTable::parse(text).ok()?;
    let mut best = None;
    let mut table = Some(root.get_ref());
    let mut array: Option<&toml::de::DeArray<'_>> = None;
    for seg in path {
        let next = if let Some(index) = seg.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            let i: usize = index.parse().ok()?;
            array.and_then(|a| a.get(i))
        } else {
            table.and_then(|t| {
                t.iter()
                    .find(|(k, _)| k.get_ref().as_ref() == seg.as_str())
                    .map(|(_, v)| v)
            })
        };
        let Some(value) = next else { break };
        best = Some(value.span().start);
        table = None;
        array = None;
        match value.get_ref() {
            DeValue::Table(t) => table = Some(t),
            DeValue::Array(a) => array = Some(a),
            _ => {}
        }
    }
    best.map(|offset| line_col(text, offset).0)
}
