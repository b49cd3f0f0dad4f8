//! Reading scenario files: size and encoding checks, `extends` chains merged key by key, and
//! mapping a key path back to the file and line that set it.

use super::error::ScenarioError;
use super::raw::RawScenario;
use super::{MAX_EXTENDS_DEPTH, MAX_FILE_BYTES};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// One scenario text and where it came from.
#[derive(Debug)]
pub(crate) struct Source {
    pub path: PathBuf,
    pub text: String,
}

/// The merged key tree of a scenario and its `extends` chain, with the origin of every key.
#[derive(Debug, Default)]
pub(crate) struct Merged {
    pub sources: Vec<Source>,
    pub table: Table,
    /// Key path → index into `sources` of the file that last set it.
    origins: HashMap<String, usize>,
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

impl Merged {
    /// Load `path` and everything it extends.
    pub fn from_file(path: &Path) -> Result<Self, ScenarioError> {
        let mut merged = Merged::default();
        let table = merged.load_file(path, &mut Vec::new())?;
        merged.table = table;
        Ok(merged)
    }

    /// Load a scenario given as text; `name` is used in messages and to resolve `extends`
    /// (relative to its parent directory).
    pub fn from_text(text: &str, name: &Path) -> Result<Self, ScenarioError> {
        let mut merged = Merged::default();
        let table = merged.load_source(
            Source {
                path: name.to_path_buf(),
                text: text.to_string(),
            },
            &mut Vec::new(),
        )?;
        merged.table = table;
        Ok(merged)
    }

    fn load_file(&mut self, path: &Path, stack: &mut Vec<PathBuf>) -> Result<Table, ScenarioError> {
        let text = read_limited(path)?;
        self.load_source(
            Source {
                path: path.to_path_buf(),
                text,
            },
            stack,
        )
    }

    fn load_source(
        &mut self,
        source: Source,
        stack: &mut Vec<PathBuf>,
    ) -> Result<Table, ScenarioError> {
        let identity = std::fs::canonicalize(&source.path).unwrap_or_else(|_| source.path.clone());
        if stack.contains(&identity) {
            let mut chain = stack.clone();
            chain.push(identity);
            return Err(ScenarioError::ExtendsCycle {
                file: source.path,
                chain,
            });
        }
        if stack.len() >= MAX_EXTENDS_DEPTH {
            return Err(ScenarioError::ExtendsTooDeep {
                file: source.path,
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
        let extends = match table.remove("extends") {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };

        let index = self.sources.len();
        let dir = source
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        self.sources.push(source);
        stack.push(identity);

        let mut base = match extends {
            None => Table::new(),
            Some(target) => match crate::worlds::builtin_text(&target) {
                Some(text) => self.load_source(
                    Source {
                        path: PathBuf::from(&target),
                        text: text.to_string(),
                    },
                    stack,
                )?,
                None => self.load_file(&dir.join(&target), stack)?,
            },
        };
        stack.pop();
        merge(&mut base, table, &mut Vec::new(), index, &mut self.origins);
        Ok(base)
    }

    /// The file that set `path` (or its nearest ancestor), and the line of the deepest part of
    /// `path` found in that file.
    pub fn locate(&self, path: &[String]) -> (PathBuf, Option<usize>) {
        let index = (0..=path.len())
            .rev()
            .find_map(|n| self.origins.get(&display_key(&path[..n])).copied())
            .unwrap_or(0);
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
    let io = |source| ScenarioError::Io {
        file: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        let size = std::fs::metadata(path)
            .map(|m| m.len())
            .unwrap_or(bytes.len() as u64);
        return Err(ScenarioError::TooLarge {
            file: path.to_path_buf(),
            size,
            limit: MAX_FILE_BYTES,
        });
    }
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
    let (line, column) = match e.span() {
        Some(span) => {
            let (l, c) = line_col(&source.text, span.start);
            (Some(l), Some(c))
        }
        None => (None, None),
    };
    let message = e.message().trim().to_string();
    let file = source.path.clone();
    if message.starts_with("unknown field") {
        ScenarioError::UnknownField {
            file,
            line,
            column,
            message,
        }
    } else {
        ScenarioError::Syntax {
            file,
            line,
            column,
            message,
        }
    }
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
fn line_of_key(text: &str, path: &[String]) -> Option<usize> {
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
