//! Rendered diagnostics for distinct syntax errors: each test asserts the
//! exact list of error codes and snapshots the plain-text rendering.
#![allow(clippy::unwrap_used)]

mod common;
use common::render;

macro_rules! diag {
    ($name:ident, $src:expr, [$($code:expr),* $(,)?]) => {
        #[test]
        fn $name() {
            let src: &str = $src;
            let (codes, text) = render(src);
            let want: Vec<&str> = vec![$($code),*];
            assert_eq!(codes, want, "rendered:\n{text}");
            insta::assert_snapshot!(text);
        }
    };
}

const H: &str = "#lang ivy1.7\n";

diag!(missing_lang, "type t\n", ["missing-lang"]);
diag!(
    unsupported_version,
    "#lang ivy1.2\ntype t\n",
    ["unsupported-lang-version"]
);
diag!(
    newer_version,
    "#lang ivy1.9\ntype t\n",
    ["newer-lang-version"]
);
diag!(
    invariant_in_1_6,
    "#lang ivy1.6\ntype t\nrelation r(X:t)\ninvariant r(X)\n",
    ["not-in-lang-version"]
);
diag!(
    require_in_1_6,
    "#lang ivy1.6\naction a = { require true }\n",
    ["syntax-error"]
);
diag!(
    ensures_in_1_7,
    "#lang ivy1.7\naction a = { ensures true }\n",
    ["not-in-lang-version"]
);
diag!(
    var_in_1_5,
    "#lang ivy1.5\ntype t\naction a(y:t) = { var x := y }\n",
    ["not-in-lang-version"]
);
diag!(
    function_in_1_4,
    "#lang ivy1.4\ntype t\nfunction f(X:t) : t\n",
    ["syntax-error"]
);
diag!(malformed_lang, "#lang python\ntype t\n", ["malformed-lang"]);
diag!(
    invalid_character,
    &format!("{H}type t @\nrelation r\n"),
    ["invalid-character"]
);
diag!(
    invalid_unicode_run,
    &format!("{H}type t €€\n"),
    ["invalid-character"]
);
diag!(
    unterminated_string,
    &format!("{H}individual x : t\naxiom x = \"abc\n"),
    ["unterminated-string"]
);
diag!(
    unterminated_native,
    &format!("{H}<<< int x;\n"),
    ["unterminated-native"]
);
diag!(
    unclosed_paren,
    &format!("{H}relation r(X:t\n"),
    ["unclosed-delimiter"]
);
diag!(
    unclosed_brace,
    &format!("{H}object o = {{\n  type t\n"),
    ["unclosed-delimiter"]
);
diag!(
    stray_closing_brace,
    &format!("{H}type t\n}}\ntype u\n"),
    ["unexpected-closing-delimiter"]
);
diag!(
    keyword_as_name,
    &format!("{H}relation action(X:t)\n"),
    ["syntax-error"]
);
diag!(
    capital_name_declared,
    &format!("{H}type T\n"),
    ["syntax-error"]
);
diag!(
    eq_instead_of_assign,
    &format!("{H}action a = {{ var x = 1 }}\n"),
    ["syntax-error"]
);
diag!(
    missing_semicolon,
    &format!("{H}action a = {{ x := 1 y := 2 }}\n"),
    ["syntax-error"]
);
diag!(
    removed_init_decl,
    &format!("{H}init r(X)\n"),
    ["not-in-lang-version"]
);
diag!(
    for_not_keyword,
    &format!("{H}action a = {{ for x in y {{ }} }}\n"),
    ["syntax-error"]
);
diag!(
    missing_type_after_colon,
    &format!("{H}individual x :\ntype t\n"),
    ["syntax-error"]
);
diag!(
    missing_operand,
    &format!("{H}axiom a & \nrelation r\n"),
    ["syntax-error"]
);
diag!(
    double_operator,
    &format!("{H}axiom a & & b\n"),
    ["syntax-error"]
);
diag!(
    missing_dot_in_forall,
    &format!("{H}axiom forall X p(X)\n"),
    ["syntax-error"]
);
diag!(
    unexpected_eof_in_decl,
    &format!("{H}type t = "),
    ["unexpected-eof"]
);
diag!(empty_enum, &format!("{H}type t = {{}}\n"), ["syntax-error"]);
diag!(
    assign_in_definition,
    &format!("{H}definition f(x:t) := x\n"),
    ["syntax-error"]
);
diag!(
    action_empty_parens,
    &format!("{H}action a() = {{ }}\n"),
    ["syntax-error"]
);
diag!(
    lowercase_binder,
    &format!("{H}axiom forall x. p(x)\n"),
    ["syntax-error"]
);
diag!(
    if_without_braces,
    &format!("{H}action a = {{ if x x := 1 }}\n"),
    ["syntax-error"]
);
diag!(
    else_without_if,
    &format!("{H}action a = {{ else {{ }} }}\n"),
    ["syntax-error"]
);
diag!(
    schema_without_conclusion,
    &format!("{H}schema s = {{ type t }}\n"),
    ["schema-missing-conclusion"]
);
diag!(
    label_not_closed,
    &format!("{H}invariant [foo x = y\n"),
    ["syntax-error"]
);
diag!(
    isolate_missing_eq,
    &format!("{H}isolate iso o, p\n"),
    ["syntax-error"]
);
diag!(
    instance_bad_arg,
    &format!("{H}instance x : m(1 + 2)\n"),
    ["syntax-error"]
);
diag!(
    interpret_missing_arrow,
    &format!("{H}interpret t int\n"),
    ["syntax-error"]
);
diag!(
    nesting_too_deep_parens,
    &format!("{H}axiom {}x{}\n", "(".repeat(300), ")".repeat(300)),
    ["nesting-too-deep"]
);
diag!(
    nesting_too_deep_ops,
    &format!("{H}axiom {}x\n", "~".repeat(300)),
    ["nesting-too-deep"]
);
diag!(
    top_level_semicolon,
    &format!("{H}type t;\ntype u\n"),
    ["syntax-error"]
);
diag!(
    statement_at_top_level,
    &format!("{H}x := 1\n"),
    ["syntax-error"]
);
diag!(several_independent_errors,
      &format!("{H}type t\nrelation r(X:t\nindividual x : t\naxiom x = = x\nfunction f(X:t) : \ntype u\naction a = {{ x := ; y := 1 }}\n"),
      ["unclosed-delimiter", "syntax-error", "syntax-error", "syntax-error"]);
diag!(errors_in_nested_objects,
      &format!("{H}object o = {{\n  relation r(\n  object p = {{ type 1 = }}\n  individual x : t\n}}\ntype ok\n"),
      ["syntax-error", "syntax-error"]);
