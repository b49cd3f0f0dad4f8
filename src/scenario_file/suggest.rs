//! Did-you-mean: the name or key nearest to one that names nothing, when it is close enough to
//! be a slip of the keyboard rather than another thing.

/// Smallest similarity (1 − edit distance / length of the longer name, counting a swap of two
/// neighbouring letters as one edit) of a suggestion: one slip in four letters. One dropped,
/// doubled or swapped letter in a name of four letters or more passes (`Kazakstan` →
/// `Kazakhstan` 0.9, `noize` → `noise` 0.8, `CTSO` → `CSTO` 0.75), while the names of one
/// world stay apart (`Kyrgyzstan` and `Kazakhstan` 0.5, `EU` and `US` 0.5), and a name of one
/// or two letters, where any one edit makes another name, is never suggested.
pub(crate) const CLOSE: f64 = 0.75;

/// The candidate most similar to `name`, if it is at least [`CLOSE`] and not `name` itself:
/// `Kazakhstan` for `Kazakstan` among the states, nothing for `A` among `B` and `C` (the tests
/// below).
pub(crate) fn nearest<S: AsRef<str>>(
    name: &str,
    candidates: impl IntoIterator<Item = S>,
) -> Option<S> {
    let mut best: Option<(f64, S)> = None;
    for candidate in candidates {
        let c = candidate.as_ref();
        if c == name {
            continue;
        }
        let similarity = strsim::normalized_damerau_levenshtein(name, c);
        // Ties keep the first candidate, so a suggestion follows the file's order.
        if similarity >= CLOSE && best.as_ref().is_none_or(|(b, _)| similarity > *b) {
            best = Some((similarity, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// The TOML reader's "unknown field `capacty`, expected one of `capacity`, `coercion`, …"
/// with the nearest expected key after the unknown one: "unknown field `capacty` (did you mean
/// `capacity`?), expected one of …". Any other message is returned as it is.
pub(crate) fn unknown_field(message: &str) -> String {
    let ticked = |s: &str| -> Vec<String> {
        s.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((name, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    match nearest(name, ticked(expected)) {
        Some(near) => format!("unknown field `{name}` (did you mean `{near}`?){expected}"),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{nearest, unknown_field};

    #[test]
    fn an_unknown_field_names_the_expected_key_it_is_close_to() {
        assert_eq!(
            unknown_field("unknown field `capacty`, expected one of `capacity`, `coercion`"),
            "unknown field `capacty` (did you mean `capacity`?), expected one of `capacity`, `coercion`"
        );
        let far = "unknown field `bogus`, expected `kind` or `at`";
        assert_eq!(unknown_field(far), far);
        assert_eq!(unknown_field("invalid type"), "invalid type");
    }

    #[test]
    fn a_slip_in_a_name_is_suggested_and_another_name_is_not() {
        let states = [
            "Kazakhstan",
            "Kyrgyzstan",
            "Tajikistan",
            "Latvia",
            "Lithuania",
        ];
        assert_eq!(nearest("Kazakstan", states), Some("Kazakhstan"));
        assert_eq!(nearest("Kyrgystan", states), Some("Kyrgyzstan"));
        assert_eq!(nearest("Mongolia", states), None);
        assert_eq!(nearest("noize", ["noise", "peer_weight"]), Some("noise"));
        assert_eq!(nearest("CTSO", ["CSTO", "EAEU"]), Some("CSTO"));
        assert_eq!(nearest("A", ["B", "C"]), None);
        assert_eq!(nearest("EU", ["US"]), None);
        assert_eq!(nearest("Russia", ["Russia"]), None);
    }
}
