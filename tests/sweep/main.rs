//! The syntax sweep (issue 17): every tag of every AST node-kind enum that
//! `ivyc_sema::treatment` classifies has a short Ivy program here that
//! contains it; the test parses the program, checks the tag occurs in the
//! tree, runs the real `ivyc` on it and checks the treatment: meaning or
//! no effect → no `unsupported` diagnostic and the expected exit;
//! unsupported → an `unsupported` error; warned → that warning. A tag
//! without a program fails the test (docs/testing.md, "The syntax sweep").

#[path = "../common/mod.rs"]
mod common;

use ivyc_base::FileId;
use ivyc_sema::treatment::{self, Treatment};

/// Declarations most programs below use (after the `#lang` line).
const PRELUDE: &str = "type t\nrelation r(X:t)\nindividual c : t\n";

/// `(enum, tag, language version, program after the prelude, exit of
/// `ivyc check`)`. `None` for the program: the grammar never builds this
/// node (checked against `grammar.lalrpop`).
type Case = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    i32,
);

const CASES: &[Case] = &[
    // Declarations.
    ("DeclKind", "Include", "1.7", Some("include order\n"), 0),
    ("DeclKind", "Using", "1.7", Some("using foo\n"), 0),
    ("DeclKind", "Type", "1.7", Some("type u = {a, b}\n"), 0),
    ("DeclKind", "Variant", "1.7", Some("variant v of t\n"), 0),
    ("DeclKind", "Interpret", "1.7", Some("type n\ninterpret n -> int\n"), 0),
    ("DeclKind", "Relation", "1.7", Some("relation q(X:t, Y:t)\n"), 0),
    ("DeclKind", "Function", "1.7", Some("function f(X:t) : t\n"), 0),
    ("DeclKind", "Individual", "1.7", Some("individual d : t\n"), 0),
    ("DeclKind", "Var", "1.7", Some("var v : t\n"), 0),
    ("DeclKind", "Destructor", "1.7", Some("type s\ndestructor fld(X:s) : t\n"), 0),
    ("DeclKind", "Constructor", "1.7", Some("type s = struct { fld : t }\nconstructor mk : s\n"), 0),
    ("DeclKind", "Parameter", "1.7", Some("parameter p : t\n"), 0),
    ("DeclKind", "Derived", "1.7", Some("derived dr(X:t) = r(X)\n"), 0),
    ("DeclKind", "Definition", "1.7", Some("relation q(X:t)\ndefinition q(X) = r(X)\n"), 0),
    ("DeclKind", "Axiom", "1.7", Some("axiom [ax] r(c)\n"), 0),
    ("DeclKind", "Property", "1.7", Some("axiom r(c)\nproperty [pr] r(c)\n"), 0),
    ("DeclKind", "Conjecture", "1.7", Some("conjecture r(c) | ~r(c)\n"), 0),
    ("DeclKind", "Init", "1.6", Some("init ~r(X)\n"), 0),
    ("DeclKind", "PrivateName", "1.6", Some("object o = { individual z : t }\nprivate o\n"), 0),
    ("DeclKind", "Invariant", "1.7", Some("invariant r(c) | ~r(c)\n"), 0),
    ("DeclKind", "Schema", "1.7", Some("schema sc = {\n    type s\n    property [q] true\n}\n"), 0),
    ("DeclKind", "Theorem", "1.7", Some("theorem [th] {\n    relation p\n    property p -> p\n}\n"), 0),
    ("DeclKind", "Proof", "1.7", Some("axiom r(c)\nproperty [pf] r(c)\nproof [pf] { showgoals }\n"), 0),
    ("DeclKind", "Instantiate", "1.7", Some("module m = { individual z : t }\ninstance i : m\n"), 0),
    ("DeclKind", "Autoinstance", "1.7", Some("module m(x) = {\n    type this\n    function get(B:this) : x\n}\nautoinstance box[x] : m(x)\nindividual w : box[t]\ninvariant w.get = w.get\n"), 0),
    ("DeclKind", "Module", "1.7", Some("module m(x) = { individual z : x }\n"), 0),
    ("DeclKind", "Object", "1.7", Some("object o = { individual z : t }\n"), 0),
    ("DeclKind", "Macro", "1.7", Some("macro mc(x) = { x := c }\n"), 0),
    ("DeclKind", "Action", "1.7", Some("export action a(x:t) = { r(x) := true }\n"), 0),
    ("DeclKind", "Mixin", "1.7", Some("action a = {}\naction b = {}\nmixin b before a\n"), 0),
    ("DeclKind", "Monitor", "1.7", Some("export action a = {}\nbefore a { r(c) := true }\n"), 0),
    ("DeclKind", "Around", "1.7", Some("export action a = {}\naround a { r(c) := true; ... r(c) := false }\n"), 0),
    ("DeclKind", "AfterInit", "1.7", Some("after init { r(X) := false }\n"), 0),
    ("DeclKind", "ImplementType", "1.7", Some("type s\ntype u\nimplement type s with u\n"), 0),
    ("DeclKind", "Isolate", "1.7", Some("object o = { individual z : t }\nisolate iso = o\n"), 0),
    ("DeclKind", "IsolateObject", "1.7", Some("isolate iso = { individual z : t }\n"), 0),
    ("DeclKind", "Extract", "1.7", Some("export action a = {}\nextract ex = a\n"), 0),
    ("DeclKind", "ExtractObject", "1.7", Some("extract ex = {\n    export action a = { assert false }\n}\n"), 0),
    ("DeclKind", "ImportExport", "1.7", Some("action a = {}\nexport a\n"), 0),
    ("DeclKind", "Delegate", "1.7", Some("action a = {}\ndelegate a\n"), 0),
    ("DeclKind", "Section", "1.7", Some("object o = {\n    specification { individual z : t }\n}\n"), 0),
    ("DeclKind", "Alias", "1.7", Some("alias tt = t\nindividual d : tt\n"), 0),
    ("DeclKind", "Attribute", "1.7", Some("attribute method = ic\n"), 0),
    ("DeclKind", "Native", "1.7", Some("<<<\n#include <vector>\n>>>\n"), 0),
    ("DeclKind", "Progress", "1.7", Some("progress pg = r(c)\n"), 0),
    ("DeclKind", "Concept", "1.7", Some("concept cc(X) = r(X)\n"), 0),
    ("DeclKind", "Rely", "1.7", Some("rely r(c)\n"), 0),
    ("DeclKind", "Mixord", "1.7", Some("action a = {}\naction b = {}\naction e = {}\nmixin b before a\nmixin e before a\nmixord b -> e\n"), 0),
    ("DeclKind", "Unprovable", "1.8", Some("unprovable invariant r(c)\n"), 0),
    ("DeclKind", "Subclass", "1.8", Some("class cl = { }\nsubclass sub of cl = { }\n"), 0),
    ("DeclKind", "Field", "1.8", Some("class cl = { field fl : t }\n"), 0),
    ("DeclKind", "Error", "1.7", Some("relation ( \n"), 2),
    // Statements (in an exported action `a`).
    ("StmtKind", "Assume", "1.7", Some("export action a = { assume r(c) }\n"), 0),
    ("StmtKind", "Assert", "1.7", Some("export action a = { assert r(c) | ~r(c) }\n"), 0),
    ("StmtKind", "Assign", "1.7", Some("export action a = { r(X) := false }\n"), 0),
    ("StmtKind", "Havoc", "1.7", Some("export action a = { c := * }\n"), 0),
    ("StmtKind", "TupleAssign", "1.7", Some("action two returns (x:t, y:t) = { x := c; y := c }\nexport action a = { var p : t; var q : t; (p, q) := two }\n"), 0),
    ("StmtKind", "Expr", "1.7", Some("action b = {}\nexport action a = { b }\n"), 0),
    ("StmtKind", "Call", "1.7", Some("action b = {}\nexport action a = { call b }\n"), 0),
    ("StmtKind", "If", "1.7", Some("export action a = { if r(c) { r(c) := false } }\n"), 0),
    ("StmtKind", "IfStar", "1.7", Some("export action a = { if * { r(c) := false } else { r(c) := true } }\n"), 0),
    ("StmtKind", "While", "1.7", Some("export action a = { while r(c) { r(c) := false } }\n"), 0),
    ("StmtKind", "Instantiate", "1.7", Some("macro mc(x) = { x := false }\nexport action a = { instantiate mc(r(c)) }\n"), 0),
    ("StmtKind", "For", "1.8", Some("object idx = {\n    type this\n    interpret this -> int\n    action next(x:this) returns (y:this) = { y := x + 1 }\n}\nobject coll = {\n    function size : idx\n    action begin returns (i:idx) = { i := 0 }\n    action end returns (i:idx) = { i := size }\n    action value(i:idx) returns (v:t) = { v := c }\n}\nexport action a = { for it:idx, x:t in coll { r(x) := true } }\n"), 0),
    ("StmtKind", "Local", "1.7", Some("export action a = { local y:t { y := c } }\n"), 0),
    ("StmtKind", "Var", "1.7", Some("export action a = { var y : t := c; r(y) := true }\n"), 0),
    ("StmtKind", "Thunk", "1.7", Some("export action a = { thunk [k] f(x:t) : t := { } }\n"), 2),
    ("StmtKind", "Let", "1.7", Some("export action a = { let d = c { r(d) := true } }\n"), 2),
    ("StmtKind", "Block", "1.7", Some("export action a = { { r(c) := true } }\n"), 0),
    ("StmtKind", "Unprovable", "1.8", Some("export action a = { unprovable assert r(c) }\n"), 0),
    ("StmtKind", "Debug", "1.8", Some("export action a = { debug \"hello\" with x = c }\n"), 0),
    ("StmtKind", "Error", "1.7", Some("export action a = { r(c) := := }\n"), 2),
    // Expressions (in an invariant unless noted).
    ("ExprKind", "App", "1.7", Some("invariant r(c) -> r(c)\n"), 0),
    ("ExprKind", "Dot", "1.7", Some("type s = struct { fld : t }\nfunction g(X:t) : s\ninvariant g(c).fld = g(c).fld\n"), 0),
    ("ExprKind", "Var", "1.7", Some("invariant r(X) -> r(X)\n"), 0),
    ("ExprKind", "Num", "1.7", Some("type n\ninterpret n -> int\nindividual k : n\ninvariant k + 1 > k\n"), 0),
    ("ExprKind", "Str", "1.7", Some("type str\ninterpret str -> strlit\nindividual k : str\ninvariant k = \"x\" | k ~= \"x\"\n"), 0),
    ("ExprKind", "True", "1.7", Some("invariant true\n"), 0),
    ("ExprKind", "False", "1.7", Some("invariant false -> r(c)\n"), 0),
    ("ExprKind", "Old", "1.7", Some("export action a = { r(c) := true; assert old r(c) -> r(c) }\n"), 0),
    ("ExprKind", "Unary", "1.7", Some("invariant ~(r(c) & ~r(c))\n"), 0),
    ("ExprKind", "Binary", "1.7", Some("invariant r(c) | ~r(c)\n"), 0),
    ("ExprKind", "Ite", "1.7", Some("individual d : t\ninvariant (c if r(c) else d) = (c if r(c) else d)\n"), 0),
    ("ExprKind", "Annot", "1.7", Some("invariant r(X:t) -> r(X)\n"), 0),
    ("ExprKind", "Isa", "1.7", Some("type v\nvariant w of v\nindividual e : v\ninvariant (e isa w) -> (e isa w)\n"), 0),
    ("ExprKind", "Quant", "1.7", Some("invariant forall X:t. r(X) -> r(X)\n"), 0),
    ("ExprKind", "NamedBinder", "1.7", Some("invariant ($l X. r(X))(c) -> true\n"), 2),
    ("ExprKind", "Paren", "1.7", Some("invariant (r(c)) | ~r(c)\n"), 0),
    ("ExprKind", "Error", "1.7", Some("invariant r(c) & \n"), 2),
    ("UnOp", "Not", "1.7", Some("invariant ~false\n"), 0),
    ("UnOp", "Globally", "1.7", Some("temporal property globally r(c)\ninvariant globally r(c)\n"), 2),
    ("UnOp", "Eventually", "1.7", Some("invariant eventually r(c)\n"), 2),
    // Conditions.
    ("Cond", "Expr", "1.7", Some("export action a = { if r(c) { } }\n"), 0),
    ("Cond", "Assign", "1.7", Some("type v\nvariant w of v\nindividual e : v\nexport action a = { if y:w := e { } }\n"), 0),
    ("Cond", "Some", "1.7", Some("export action a = { if some y:t. r(y) { r(y) := false } }\n"), 0),
    // Definition right-hand sides.
    ("DefnRhs", "Expr", "1.7", Some("function f(X:t) : bool = r(X)\n"), 0),
    ("DefnRhs", "Some", "1.7", Some("relation q(X:t, Y:t)\naxiom q(X, X)\nfunction f(X:t) : t = some Y:t. q(X, Y)\n"), 0),
    ("DefnRhs", "Native", "1.7", Some("function f(X:t) : t = <<< x >>>\n"), 2),
    // Action bodies.
    ("ActionBody", "Block", "1.7", Some("export action a = {}\nafter a { r(c) := true }\n"), 0),
    ("ActionBody", "Native", "1.7", Some("action a = { <<< puts(\"a\"); >>> }\n"), 0),
    // Proof steps (in the proof of a property).
    ("ProofStepKind", "Apply", "1.7", Some("axiom [ax] r(c)\nproperty r(c)\nproof { apply ax }\n"), 0),
    ("ProofStepKind", "Witness", "1.7", Some("axiom r(c)\nproperty exists X. r(X)\nproof { instantiate with X = c }\n"), 0),
    ("ProofStepKind", "ShowGoals", "1.7", Some("axiom r(c)\nproperty r(c)\nproof { showgoals }\n"), 0),
    ("ProofStepKind", "DeferGoal", "1.7", Some("axiom r(c)\nproperty r(c)\nproof { defergoal }\n"), 0),
    ("ProofStepKind", "Spoil", "1.7", Some("axiom r(c)\nproperty r(c)\nproof { spoil r }\n"), 2),
    ("ProofStepKind", "Tactic", "1.7", Some("axiom r(c)\nproperty r(c)\nproof { tactic skolemize }\n"), 0),
    ("ProofStepKind", "Property", "1.7", Some("axiom r(c)\nproperty r(c)\nproof { property r(c) }\n"), 0),
    ("ProofStepKind", "Function", "1.7", Some("axiom r(c)\nproperty r(c)\nproof { function f(X:t) : t = X }\n"), 0),
    ("ProofStepKind", "Theorem", "1.7", Some("axiom r(c)\nproperty r(c)\nproof { theorem [th] r(c) }\n"), 0),
    ("ProofStepKind", "Proof", "1.7", Some("axiom r(c)\nproperty r(c)\nproof { property [x] r(c) proof { showgoals }; proof [x] { showgoals } }\n"), 0),
    ("ProofStepKind", "Unfold", "1.7", Some("definition d = r(c)\naxiom r(c)\nproperty d\nproof { unfold with d }\n"), 0),
    ("ProofStepKind", "Forget", "1.7", Some("axiom [ax] r(c)\nproperty r(c)\nproof { forget ax }\n"), 0),
    ("ProofStepKind", "Let", "1.7", Some("axiom r(c)\nproperty r(c)\nproof { let X = c }\n"), 0),
    ("ProofStepKind", "If", "1.7", Some("axiom r(c)\nproperty r(c)\nproof { showgoals; if r(c) { showgoals } else { showgoals } }\n"), 0),
    ("ProofStepKind", "Group", "1.7", Some("axiom r(c)\nproperty r(c)\nproof { showgoals }\n"), 0),
    ("ProofStepKind", "Error", "1.7", Some("axiom r(c)\nproperty r(c)\nproof { apply := }\n"), 2),
    // Tactic items.
    ("TacticItem", "Invariant", "1.7", Some("temporal property [g] globally r(c)\nproof { tactic invariance with invariant [i] r(c) }\n"), 0),
    ("TacticItem", "Definition", "1.7", Some("temporal property [g] globally r(c)\nproof { tactic invariance with definition f(X:t) = r(X) }\n"), 0),
    ("TacticItem", "Trigger", "1.8", Some("axiom [ax] r(X)\nproperty r(c)\nproof { tactic auto_inst with trigger ax with r(X) }\n"), 0),
    // Interpretations.
    ("InterpretTarget", "Oper", "1.7", Some("type n\ninterpret n -> int\n"), 0),
    ("InterpretTarget", "Range", "1.7", Some("type n\ninterpret n -> {0..3}\n"), 0),
    ("InterpretTarget", "Enum", "1.7", Some("type n\ninterpret n -> {x, y}\n"), 0),
    // Schema items (in a theorem).
    ("SchemaItemKind", "Function", "1.7", Some("theorem [th] {\n    function f(X:t) : t\n    property f(c) = f(c)\n}\n"), 0),
    ("SchemaItemKind", "Individual", "1.7", Some("theorem [th] {\n    individual i : t\n    property i = i\n}\n"), 0),
    ("SchemaItemKind", "Relation", "1.7", Some("theorem [th] {\n    relation p\n    property p -> p\n}\n"), 0),
    ("SchemaItemKind", "Type", "1.7", Some("theorem [th] {\n    type s\n    property forall X:s. X = X\n}\n"), 0),
    ("SchemaItemKind", "Property", "1.7", Some("theorem [th] {\n    property true\n}\n"), 0),
    ("SchemaItemKind", "Theorem", "1.7", Some("theorem [th] {\n    theorem [inner] true\n    property true\n}\n"), 0),
    ("SchemaItemKind", "Definition", "1.7", Some("theorem [th] {\n    function f(X:t) : t\n    definition f(X) = X\n}\n"), 0),
    ("SchemaItemKind", "Nested", "1.7", Some("theorem [th] {\n    {\n        property true\n    }\n    property true\n}\n"), 0),
];

/// Whether `{:#?}` output of a tree shows the variant `tag` (a line that is
/// `[field: ]Tag(`, `Tag {`, `Tag,` or `Tag`). Variant names shared by two
/// enums are not told apart: the snippet's comment in `CASES` says where
/// the tag is.
fn shows_tag(debug: &str, tag: &str) -> bool {
    debug.lines().any(|l| {
        let l = l.trim();
        let l = match l.split_once(": ") {
            Some((f, rest)) if f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => rest,
            _ => l,
        };
        l == tag
            || l.strip_prefix(tag)
                .is_some_and(|r| r == "(" || r == " {" || r == ",")
    })
}

/// The `#lang` line and the prelude.
const PRELUDE_LINES: usize = 4;

/// The line of the first label of the first diagnostic headed `head`
/// (codespan's `┌─ file:LINE:COL`), 0 if there is none.
fn label_line(output: &str, head: &str) -> usize {
    let Some(at) = output.find(head) else {
        return 0;
    };
    output[at..]
        .lines()
        .find_map(|l| l.trim().strip_prefix("┌─ "))
        .and_then(|loc| loc.rsplit(':').nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[test]
fn every_node_kind_has_a_treatment_that_holds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let grammar = std::fs::read_to_string(
        common::repo_root().join("compiler/ivyc-syntax/src/grammar.lalrpop"),
    )
    .expect("grammar");
    let mut failures = Vec::new();
    for (en, tag, tr) in treatment::all() {
        let Some(&(_, _, version, snippet, exit)) = CASES.iter().find(|c| c.0 == en && c.1 == tag)
        else {
            failures.push(format!(
                "{en}::{tag}: no program in tests/sweep/main.rs CASES"
            ));
            continue;
        };
        let Some(snippet) = snippet else {
            if grammar.contains(&format!("{en}::{tag}")) {
                failures.push(format!(
                    "{en}::{tag}: the grammar builds it now: add a program"
                ));
            }
            continue;
        };
        let src = format!("#lang ivy{version}\n{PRELUDE}{snippet}");
        let (file, _) = ivyc_syntax::parse(FileId(0), &src);
        if !shows_tag(&format!("{file:#?}"), tag) {
            failures.push(format!(
                "{en}::{tag}: the program does not contain it:\n{src}"
            ));
            continue;
        }
        let path = dir.path().join(format!("{en}_{tag}.ivy"));
        std::fs::write(&path, &src).expect("write");
        let (code, out, err) = common::ivyc(&["check".as_ref(), path.as_os_str()]);
        let all = format!("{out}{err}");
        let unsupported = all.contains("error[unsupported]");
        let problem = match tr {
            Treatment::Meaning | Treatment::NoEffect(_) if unsupported => {
                Some("an `unsupported` diagnostic".to_string())
            }
            Treatment::Unsupported if !unsupported => Some("no `unsupported` diagnostic".into()),
            Treatment::Unsupported if label_line(&all, "error[unsupported]") <= PRELUDE_LINES => {
                Some("the `unsupported` label is not on the construct's program".into())
            }
            Treatment::Warned(c) if !all.contains(&format!("warning[{c}]")) => {
                Some(format!("no `{c}` warning"))
            }
            _ if code != exit => Some(format!("exit {code}, expected {exit}")),
            _ => None,
        };
        if let Some(p) = problem {
            failures.push(format!("{en}::{tag} ({tr:?}): {p}\n{src}\n{all}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n----\n"));
}
