//! Z3 parameter settings: parsing `name=value` lists (the `IVYC_Z3_PARAMS`
//! environment variable and the hidden `--z3-params` flag, for
//! experiments), ivyc's default settings, and applying them as Z3 global
//! parameters — as ms-ivy does with `z3.set_param` — before any solver is
//! created. See docs/smt.md ("Solver configuration").

use std::fmt;

/// One Z3 parameter: a dotted name (`smt.macro_finder`, `sat.random_seed`,
/// `timeout`, ...) and its value as written (`true`, `3`, `0.5`, a symbol).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Z3Param {
    pub name: String,
    pub value: String,
}

impl Z3Param {
    pub fn new(name: &str, value: &str) -> Z3Param {
        Z3Param {
            name: name.to_string(),
            value: value.to_string(),
        }
    }
}

impl fmt::Display for Z3Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, self.value)
    }
}

/// Why a parameter list could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamError {
    /// An item without `=`.
    MissingValue(String),
    /// `=value` with no name, or a name with characters Z3 never uses.
    BadName(String),
    /// `name=` with nothing after the `=`.
    EmptyValue(String),
    /// Z3 does not know the parameter (or refused the value).
    Rejected { param: String, reason: String },
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamError::MissingValue(s) => write!(f, "`{s}`: expected NAME=VALUE"),
            ParamError::BadName(s) => write!(
                f,
                "`{s}`: a parameter name is letters, digits, `_` and `.` (e.g. smt.macro_finder)"
            ),
            ParamError::EmptyValue(s) => write!(f, "`{s}`: the value is empty"),
            ParamError::Rejected { param, reason } => {
                write!(f, "Z3 rejected the parameter `{param}`: {reason}")
            }
        }
    }
}

/// Parses `name=value` items separated by whitespace or commas. An empty
/// text is an empty list.
pub fn parse_params(text: &str) -> Result<Vec<Z3Param>, ParamError> {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|item| !item.is_empty())
        .map(|item| {
            let (name, value) = item
                .split_once('=')
                .ok_or_else(|| ParamError::MissingValue(item.to_string()))?;
            let valid = !name.is_empty()
                && !name.starts_with('.')
                && !name.ends_with('.')
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
            if !valid {
                return Err(ParamError::BadName(item.to_string()));
            }
            if value.is_empty() {
                return Err(ParamError::EmptyValue(item.to_string()));
            }
            Ok(Z3Param::new(name, value))
        })
        .collect()
}

/// Settings `b` overrides `a` by name (the later setting of a name wins);
/// the result keeps the order of first appearance.
pub fn merge_params(a: &[Z3Param], b: &[Z3Param]) -> Vec<Z3Param> {
    let mut out: Vec<Z3Param> = Vec::with_capacity(a.len() + b.len());
    for p in a.iter().chain(b) {
        match out.iter_mut().find(|q| q.name == p.name) {
            Some(q) => q.value = p.value.clone(),
            None => out.push(p.clone()),
        }
    }
    out
}

/// Sets `params` as Z3 global parameters (process-wide; they apply to the
/// solvers created afterwards) and checks that Z3 took each one: Z3 only
/// warns about an unknown name, so the value is read back.
pub fn apply_global(params: &[Z3Param]) -> Result<(), ParamError> {
    for p in params {
        let set = std::panic::catch_unwind(|| z3::set_global_param(&p.name, &p.value));
        if set.is_err() {
            return Err(ParamError::Rejected {
                param: p.to_string(),
                reason: "Z3 reported an error".into(),
            });
        }
        let back = z3::get_global_param(&p.name);
        if back.is_none() {
            return Err(ParamError::Rejected {
                param: p.to_string(),
                reason: "unknown parameter".into(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect: &[(&str, &str)]) {
        let got = parse_params(text).expect("parses");
        let want: Vec<Z3Param> = expect.iter().map(|(n, v)| Z3Param::new(n, v)).collect();
        assert_eq!(got, want, "{text}");
    }

    #[test]
    fn parses_lists() {
        check("", &[]);
        check("   ", &[]);
        check("smt.macro_finder=true", &[("smt.macro_finder", "true")]);
        check(
            "smt.macro_finder=true smt.mbqi=false,  sat.random_seed=3",
            &[
                ("smt.macro_finder", "true"),
                ("smt.mbqi", "false"),
                ("sat.random_seed", "3"),
            ],
        );
        check(
            "\tsmt.qi.eager_threshold=10.5\n",
            &[("smt.qi.eager_threshold", "10.5")],
        );
    }

    #[test]
    fn rejects_malformed_items() {
        assert_eq!(
            parse_params("smt.mbqi"),
            Err(ParamError::MissingValue("smt.mbqi".into()))
        );
        assert_eq!(parse_params("=1"), Err(ParamError::BadName("=1".into())));
        assert_eq!(
            parse_params("a-b=1"),
            Err(ParamError::BadName("a-b=1".into()))
        );
        assert_eq!(
            parse_params(".x=1"),
            Err(ParamError::BadName(".x=1".into()))
        );
        assert_eq!(
            parse_params("smt.mbqi="),
            Err(ParamError::EmptyValue("smt.mbqi=".into()))
        );
    }

    #[test]
    fn later_settings_win() {
        let a = parse_params("smt.macro_finder=true smt.mbqi=true").expect("parses");
        let b = parse_params("smt.mbqi=false auto_config=false").expect("parses");
        let m = merge_params(&a, &b);
        assert_eq!(
            m,
            vec![
                Z3Param::new("smt.macro_finder", "true"),
                Z3Param::new("smt.mbqi", "false"),
                Z3Param::new("auto_config", "false"),
            ]
        );
    }

    #[test]
    fn unknown_parameters_are_rejected_by_z3() {
        let bad = [Z3Param::new("smt.no_such_parameter_xyz", "true")];
        assert!(matches!(
            apply_global(&bad),
            Err(ParamError::Rejected { .. })
        ));
    }
}
