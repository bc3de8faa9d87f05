//! One small snapshot per language construct: the AST of a tiny program
//! (compact s-expression form from `ivyc_syntax::pretty`), parsed without
//! errors; plus a few full `Debug` snapshots to pin down spans.
#![allow(clippy::unwrap_used)]

mod common;
use common::parse_ok;

macro_rules! construct {
    ($name:ident, $src:expr) => {
        #[test]
        fn $name() {
            let decls = parse_ok($src);
            assert!(!decls.is_empty());
            insta::assert_snapshot!(ivyc_syntax::pretty::decls(&decls));
        }
    };
}

construct!(include_and_using, "include order\nusing foo");
construct!(type_uninterpreted, "type t\nfinite type u\nghost type g");
construct!(type_enum, "type color = {red, green, blue}");
construct!(type_struct, "type pt = struct { x : nat, y(X:t) : bool }");
construct!(type_range, "type small = {0..3}");
construct!(type_this, "object o = { type this }");
construct!(variant_of, "type a\nvariant b of a = struct { f : a }");
construct!(interpret_forms, "interpret t -> int\ninterpret u -> bv[8]\ninterpret v -> {0..5}\ninterpret w -> {x, y}\ninterpret + -> <<< plus >>>\ninterpret s -> strlit");
construct!(
    relation_decls,
    "relation r(X:t, Y:t), s\nrelation (X:t < Y:t)\nrelation q(x:t) = x = x"
);
construct!(function_decls, "function f(X:t) : t\nfunction g(X:t) : bool = X = X\nfunction h : t = some Y:t. p(Y) in Y else 0");
construct!(individual_and_var, "individual x : t, y : u\nvar v : t");
construct!(
    destructor_constructor,
    "destructor d(X:t) : u\nconstructor c(X:u) : t"
);
construct!(parameter_decl, "parameter p : t = 5\nparameter q : bool");
construct!(derived_decl, "derived d(X:t) = r(X) & s");
construct!(definition_forms, "definition f(X:t) = X + 1\ndefinition g = f(1)\nexplicit definition [lab] h(x:t) = x\ndefinition { k = 2 }");
construct!(axiom_property_conjecture, "axiom [ax] forall X. r(X)\nproperty r(x) named y\nconjecture [c1] ~r(X)\ntemporal property [tp] globally p");
construct!(
    invariant_forms,
    "invariant r(X) -> s(X)\ninvariant [inv1] x = y\nexplicit invariant p"
);
construct!(schema_and_theorem, "schema trans = { type t function x : t property x = x }\ntheorem [t1] { individual a : t property a = a } proof { apply trans }\ntheorem thm(x:t) = { property x = x }");
construct!(proof_decl, "property [p1] q\nproof [p1] { instantiate [i] trans with x = y; showgoals; defergoal }\nproof [other] apply foo <x/y>");
construct!(tactic_proof, "property p proof { tactic skolemize; tactic l2s with invariant [i] q; spoil a.b; forget x, y; let X = 1; unfold f with g }");
construct!(proof_steps_misc, "property p proof { property [a] q proof { assume h } function f(X:t) : t theorem [th] { property r }; if c { showgoals } else { defergoal } }");
construct!(instance_forms, "instance foo : bar(t, +, X, true)\ninstantiate baz\ninstantiate a.b(x)\nautoinstance arr : array(idx, elem)");
construct!(
    module_decl,
    "module m(t, x) = { relation r(X:t) }\nmodule isolate n(t) with m = { type u }"
);
construct!(object_decls, "object o = { individual x : t }\nobject p(self:id) = { relation r }\nobject o = { ... relation s }\nclass c = { type u }");
construct!(isolate_forms, "isolate iso = o, p with q\ntrusted isolate t2 = this\nisolate i3(x:t) = { relation r } with a.b\ntrusted isolate i4 = { }");
construct!(
    extract_forms,
    "extract code = o, p\nextract impl(me:id) = { relation r } with this"
);
construct!(sections, "specification { relation r }\nimplementation { type t }\nprivate { individual x : t }\nglobal { type g }\ncommon { type c }");
construct!(actions_basic, "action a\naction b(x:t) returns (y:t)\nimport action c(x:t)\nexport action d = { }\naction e = *\nmethod m(x:t) = { }");
construct!(
    action_native,
    "action send(x:t) = { <<< printf(\"hi\"); >>> }"
);
construct!(
    import_export_delegate,
    "export a.b\nimport c\ndelegate a, b -> c\ndelegate d"
);
construct!(monitors, "before a.b(x:t) { require x = x }\nafter c { }\nafter d(y:t) returns (z:t) { z := y }\nimplement e(x:t) { }\nimplement type t with u");
construct!(around_monitor, "around a { assume p; ... assert q }");
construct!(
    after_init,
    "after init { r(X) := false }\nafter init(x:t) { }"
);
construct!(
    mixins,
    "mixin a before b\nmixin c after d.e\nexecute f before g"
);
construct!(alias_attribute, "alias foo = bar.baz\nattribute method = convert\nattribute o.p.weight = \"5\"\nattribute q = true");
construct!(
    native_top_and_macro,
    "<<< #include <stdio.h> >>>\nmacro m(x) = { y := x }"
);
construct!(
    progress_rely_mixord,
    "progress p = q\nrely a -> b\nrely c\nmixord x -> y"
);
construct!(
    stmt_assignments,
    "action a = { x := 1; r(X,Y) := X = Y; x := *; (a, b) := f(x); o.f := g(y) }"
);
construct!(stmt_if_else, "action a = { if x = 0 { y := 1 } else if x = 1 { y := 2 } else { y := 3 }; if * { y := 4 } else { y := 5 } if c {} else y := 6 }");
construct!(stmt_if_some, "action a = { if some x:t. p(x) { y := x } else { y := 0 }; if some (x:t, z:u) q(x,z) minimizing x { } }");
construct!(stmt_while, "action a = { while i < n invariant [l] i <= n proof apply foo invariant j = j decreases n - i { i := i + 1 } }");
construct!(
    stmt_local_var,
    "action a = { local x:t, y:u { x := y }; var z : t := 1; var w := 2; var v : t }"
);
construct!(
    stmt_calls,
    "action a = { call b(x); call y, z := c(x); d.e(1); f; instantiate m(x) }"
);
construct!(
    stmt_checks,
    "action a = { require x > 0; ensure [e1] y = x; assume z; assert w proof apply foo }"
);
construct!(
    stmt_blocks_let_thunk,
    "action a = { { x := 1 }; let p = q { x := 2 } thunk [th] f(x:t) : u := { y := x } }"
);
construct!(expr_forms, "axiom [e] forall X:t. exists Y. (f(X).g = Y:t) & old r(X) & ~(a -> b <-> c) & (x if p else y) ~= z & $ l . q & X isa u");
construct!(
    subscripted_names,
    "type arr[t]\nrelation r(X:arr[t.idx])\ninstance x : y(z[this])"
);
construct!(
    quoted_names_and_labels,
    "individual \"hello\" : t\nproperty [this] true"
);
construct!(
    unicode_temporal,
    "temporal property \u{25A1} p -> \u{25C7} q"
);

#[test]
fn spans_in_debug_form() {
    let decls = parse_ok("relation r(X:t)\naction a(x:t) = { x := x + 1 }");
    insta::assert_debug_snapshot!(decls);
}

#[test]
fn lang_line_and_file_span() {
    let (f, errs) = common::parse_raw("#lang ivy1.7\ntype t\n");
    assert!(errs.is_empty());
    insta::assert_debug_snapshot!(f);
}

#[test]
fn version_1_8_for_and_process() {
    let (f, errs) = common::parse_raw(
        "#lang ivy1.8\nprocess p(self:id) = { common { type c } }\naction a = { for it:idx, v:t in arr invariant v = v { s := s + v } }\n",
    );
    assert!(errs.is_empty(), "{errs:?}");
    insta::assert_snapshot!(ivyc_syntax::pretty::file(&f));
}

#[test]
fn for_is_a_name_in_1_7() {
    let decls = parse_ok("relation for\nindividual process : t");
    assert_eq!(decls.len(), 2);
}
