//! A scenario's merged key tree held in memory, whose numbers can be set by dotted key before
//! it is validated: how a sensitivity study makes its design points without writing TOML.

use super::error::ScenarioError;
use super::load::{display_key, KeyPath, Merged, Source};
use super::raw::RawScenario;
use crate::sim::Scenario;
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// A scenario file (or built-in scenario) and its `extends` chain, merged key by key but not
/// yet validated, with numbers set in memory by [`ScenarioSource::set`].
///
/// [`ScenarioSource::build`] validates it exactly as the loader validates a file, so a value
/// set here is refused where a file writing it would be; a refusal of a key set here names
/// the source as `<target> with values set in memory`.
///
/// # Examples
///
/// ```
/// use geoalign::scenario_file::ScenarioSource;
/// let mut source = ScenarioSource::load("builtin:csto-slow-decline").unwrap();
/// source.set("parameters.noise", 0.05).unwrap();
/// source.set("drivers.institutions.CSTO.credibility[-1].value", 0.2).unwrap();
/// let scenario = source.build().unwrap();
/// assert_eq!(scenario.world().parameters().noise, 0.05);
///
/// let err = source.set("parameters.no_such_key", 1.0).unwrap_err();
/// assert!(err.to_string().contains("`parameters.no_such_key`: unknown field"), "{err}");
/// assert!(source.set("powers.Russia.coercion", 7.0).is_ok()); // refused by `build`:
/// assert!(source.build().unwrap_err().to_string().contains("powers.Russia.coercion"));
/// ```
#[derive(Clone, Debug)]
pub struct ScenarioSource {
    merged: Merged,
    /// Where keys set in memory come from, in messages.
    label: PathBuf,
    /// Index in `merged.sources` of the in-memory source, once a key has been set.
    overrides: Option<usize>,
}

/// One segment of a dotted key: a table key, or an array element (negative from the end).
enum Segment<'a> {
    Key(&'a str),
    Index(i64),
}

impl ScenarioSource {
    /// Load `target`: a scenario file, or `builtin:NAME` for an embedded scenario.
    ///
    /// # Errors
    ///
    /// Whatever [`Scenario::from_file`] refuses at reading and merging (an unreadable file, a
    /// syntax or unknown key, a broken `extends` chain); the model's rules are checked by
    /// [`ScenarioSource::build`].
    pub fn load(target: &str) -> Result<ScenarioSource, ScenarioError> {
        let merged = match super::builtin::builtin_text(target) {
            Some(text) => Merged::from_text(text, Path::new(target))?,
            None if target.starts_with("builtin:") => {
                return Err(ScenarioError::Io {
                    file: PathBuf::from(target),
                    source: std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "no such built-in scenario",
                    ),
                })
            }
            None => Merged::from_file(Path::new(target))?,
        };
        Ok(ScenarioSource {
            merged,
            label: PathBuf::from(format!("{target} with values set in memory")),
            overrides: None,
        })
    }

    /// Set the number at `key`, a dotted key of the scenario format (`parameters.noise`,
    /// `powers.Russia.coercion`); a segment `name[i]` picks element `i` (negative: from the
    /// end) of an array the scenario already has, e.g.
    /// `drivers.institutions.CSTO.credibility[-1].value`. Segments are split at every `.`, so
    /// a name holding a dot cannot be reached. Setting `value`, `scale` or `add` of a driver
    /// path point replaces the point's form: `[-1].value` makes the last point absolute even
    /// where the file writes it as `add`.
    ///
    /// # Errors
    ///
    /// [`ScenarioError::UnknownField`] when the key is not one of the format (with the
    /// format's list of the keys expected there), names an element past the end of its array,
    /// or indexes something that is not an array; [`ScenarioError::Syntax`] when the key holds
    /// a table or text rather than a number. Rules of the model (ranges, sums) are checked by
    /// [`ScenarioSource::build`].
    pub fn set(&mut self, key: &str, value: f64) -> Result<(), ScenarioError> {
        let label = self.label.clone();
        let refuse = |message: String| ScenarioError::UnknownField {
            file: label.clone(),
            line: None,
            column: None,
            key: Some(key.to_string()),
            message,
        };
        let segments = parse_key(key).ok_or_else(|| {
            refuse("expected a dotted key whose indices are whole numbers, e.g. a.b[-1].c".into())
        })?;
        // Set in place, with a copy of the top-level entry the key is under (`parameters`,
        // `events`, …) put back if the key is refused: a refused key leaves the source as it
        // was, and a calibration setting ten keys does not copy the whole tree ten times.
        let Some(Segment::Key(first)) = segments.first() else {
            return Err(refuse("a key must start with a name".into()));
        };
        let first = first.to_string();
        let saved = self.merged.table.get(&first).cloned();
        let restore = |table: &mut Table| match saved {
            Some(value) => {
                table.insert(first, value);
            }
            None => {
                table.remove(&first);
            }
        };
        let mut path = KeyPath::new();
        if let Err(message) = assign(
            &mut self.merged.table,
            &segments,
            Value::Float(value),
            &mut path,
        ) {
            restore(&mut self.merged.table);
            return Err(refuse(message));
        }
        // The typed pass of the loader, on the part of the tree the key is in (the whole array
        // for an indexed key): unknown keys and wrong types are refused as in a file.
        let sparse = sparse_tree(&self.merged.table, &path);
        if let Err(e) = Value::Table(sparse).try_into::<RawScenario>() {
            restore(&mut self.merged.table);
            let message = e.message().trim().to_string();
            let file = self.label.clone();
            let key = Some(key.to_string());
            return Err(if message.starts_with("unknown field") {
                ScenarioError::UnknownField {
                    file,
                    line: None,
                    column: None,
                    key,
                    message: super::suggest::unknown_field(&message),
                }
            } else {
                ScenarioError::Syntax {
                    file,
                    line: None,
                    column: None,
                    key,
                    message,
                }
            });
        }
        let index = *self.overrides.get_or_insert_with(|| {
            self.merged.sources.push(Source {
                path: self.label.clone(),
                text: String::new(),
            });
            self.merged.sources.len() - 1
        });
        self.merged.set_origin(&path, index);
        Ok(())
    }

    /// Validate the scenario and build it, as [`Scenario::from_file`] does.
    pub fn build(&self) -> Result<Scenario, ScenarioError> {
        self.build_with_warnings().map(|loaded| loaded.scenario)
    }

    /// Validate the scenario and build it with its located warnings, as
    /// [`Scenario::from_file_with_warnings`] does.
    pub fn build_with_warnings(&self) -> Result<super::Loaded, ScenarioError> {
        super::chain::build(&self.merged)
    }
}

/// The segments of `key`, or `None` if an index is not a whole number or a segment is empty.
fn parse_key(key: &str) -> Option<Vec<Segment<'_>>> {
    let mut segments = Vec::new();
    for part in key.split('.') {
        let (name, indices) = match part.find('[') {
            Some(at) => part.split_at(at),
            None => (part, ""),
        };
        if name.is_empty() {
            return None;
        }
        segments.push(Segment::Key(name));
        let mut rest = indices;
        while !rest.is_empty() {
            let (index, after) = rest.strip_prefix('[')?.split_once(']')?;
            segments.push(Segment::Index(index.trim().parse().ok()?));
            rest = after;
        }
    }
    Some(segments)
}

/// Put `value` at `segments` (starting with a key) in `table`, creating missing tables on the
/// way (a key the base leaves out may be set, as a file could write it); pushes the key path
/// written onto `path`, indices counted from the front. Arrays are never created or extended.
/// The keys of a driver path point, one of which it gives.
const POINT_FORMS: [&str; 3] = ["value", "scale", "add"];

fn assign(
    table: &mut Table,
    segments: &[Segment<'_>],
    value: Value,
    path: &mut KeyPath,
) -> Result<(), String> {
    let Some((Segment::Key(name), rest)) = segments.split_first() else {
        return Err("a key must start with a name".into());
    };
    path.push(name.to_string());
    match rest.first() {
        None => {
            // A driver point gives one of `value`, `scale` and `add`: setting one replaces the
            // point's form, so `…[-1].value` also works on a point written relatively.
            if path.first().is_some_and(|d| d == "drivers") && POINT_FORMS.contains(name) {
                table.retain(|k, _| !POINT_FORMS.contains(&k));
            }
            table.insert(name.to_string(), value);
            Ok(())
        }
        Some(Segment::Key(_)) => match table
            .entry(name.to_string())
            .or_insert_with(|| Value::Table(Table::new()))
        {
            Value::Table(inner) => assign(inner, rest, value, path),
            _ => Err(format!(
                "`{}` holds a value, not a table of keys",
                display_key(path)
            )),
        },
        Some(Segment::Index(_)) => match table.get_mut(*name) {
            Some(Value::Array(array)) => assign_element(array, rest, value, path),
            Some(_) => Err(not_an_array(path)),
            None => Err(format!(
                "the scenario has no `{}`, so there is no element of it to set",
                display_key(path)
            )),
        },
    }
}

/// [`assign`] for `segments` starting with an index into `array`.
fn assign_element(
    array: &mut [Value],
    segments: &[Segment<'_>],
    value: Value,
    path: &mut KeyPath,
) -> Result<(), String> {
    let Some((Segment::Index(i), rest)) = segments.split_first() else {
        return Err("an index must follow an array".into());
    };
    let len = array.len();
    let at = if *i < 0 { len as i64 + i } else { *i };
    let Some(element) = usize::try_from(at).ok().filter(|&a| a < len) else {
        return Err(format!(
            "`{}` has {len} element{}; there is no element [{i}]",
            display_key(path),
            if len == 1 { "" } else { "s" }
        ));
    };
    path.push(format!("[{element}]"));
    let slot = &mut array[element];
    match (rest.first(), slot) {
        (None, slot) => {
            *slot = value;
            Ok(())
        }
        (Some(Segment::Key(_)), Value::Table(inner)) => assign(inner, rest, value, path),
        (Some(Segment::Index(_)), Value::Array(inner)) => assign_element(inner, rest, value, path),
        (Some(Segment::Key(_)), _) => Err(format!(
            "`{}` holds a value, not a table of keys",
            display_key(path)
        )),
        (Some(Segment::Index(_)), _) => Err(not_an_array(path)),
    }
}

fn not_an_array(path: &[String]) -> String {
    format!(
        "`{}` is not an array of the scenario; `name[i]` picks an element of one it has (e.g. drivers.institutions.CSTO.credibility[-1].value)",
        display_key(path)
    )
}

/// The tables along `path` in `table`, holding only the branch of `path`, down to its value or
/// to the first array on the way (whole).
fn sparse_tree(table: &Table, path: &[String]) -> Table {
    let mut out = Table::new();
    if let Some((first, rest)) = path.split_first() {
        match table.get(first) {
            Some(Value::Table(inner)) if !rest.is_empty() => {
                out.insert(first.clone(), Value::Table(sparse_tree(inner, rest)));
            }
            Some(value) => {
                out.insert(first.clone(), value.clone());
            }
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::ScenarioSource;

    /// A refused key leaves the source as it was: the tree after a good key and three refused
    /// ones (an unknown field in an existing table, an element past the end of an array, a key
    /// under a top-level table the scenario does not have) is the tree after the good key
    /// alone, entry for entry and in order.
    #[test]
    fn a_refused_key_leaves_the_tree_as_it_was() {
        let mut once = ScenarioSource::load("builtin:csto-slow-decline").unwrap();
        once.set("parameters.noise", 0.04).unwrap();
        let mut refused = once.clone();
        for key in [
            "parameters.no_such_key",
            "drivers.institutions.CSTO.credibility[99].value",
            "no_such_table.value",
        ] {
            assert!(refused.set(key, 1.0).is_err(), "{key}");
        }
        assert_eq!(refused.merged.table, once.merged.table);
        let keys = |s: &ScenarioSource| s.merged.table.keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&refused), keys(&once));
        assert_eq!(
            serde_json::to_string(&refused.build().unwrap()).unwrap(),
            serde_json::to_string(&once.build().unwrap()).unwrap()
        );
    }
}
