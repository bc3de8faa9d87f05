//! Assembling a program: components (protocol fragments with invariants
//! that hold, sometimes perturbed so that they do not), random noise,
//! calls between components, objects and isolates, then printing it all as
//! Ivy text.

use crate::components;
use crate::features::Features;
use crate::fmla::{block_body, Callee, Env, Gen, Pol};
use crate::rng::Rng;
use crate::sig::{Sig, SortId, SortKind, Sym, Ty};

/// An action of a component.
#[derive(Clone, Debug)]
pub struct Action {
    pub name: String,
    pub params: Vec<(String, Ty)>,
    pub returns: Option<(String, Ty)>,
    /// Statements, each one or more lines.
    pub body: Vec<Vec<String>>,
    pub exported: bool,
}

impl Action {
    pub fn new(name: &str, params: Vec<(String, Ty)>, body: Vec<Vec<String>>) -> Action {
        Action {
            name: name.to_string(),
            params,
            returns: None,
            body,
            exported: true,
        }
    }

    fn header(&self, sig: &Sig) -> String {
        let mut h = format!("action {}", self.name);
        if !self.params.is_empty() {
            let ps: Vec<String> = self
                .params
                .iter()
                .map(|(n, t)| format!("{n}:{}", sig.ty_name(*t)))
                .collect();
            h.push_str(&format!("({})", ps.join(", ")));
        }
        if let Some((r, t)) = &self.returns {
            h.push_str(&format!(" returns ({r}:{})", sig.ty_name(*t)));
        }
        h
    }

    /// Number of leading `require` statements.
    fn requires(&self) -> usize {
        self.body
            .iter()
            .take_while(|s| s.len() == 1 && s[0].starts_with("require "))
            .count()
    }
}

/// A protocol fragment: its state, initialisation, actions and invariants.
#[derive(Clone, Debug, Default)]
pub struct Component {
    /// What it is, for the header comment.
    pub kind: String,
    /// `intact` or what was perturbed.
    pub note: String,
    pub object: Option<String>,
    pub isolated: bool,
    /// Declarations other than actions (relations, axioms, ...).
    pub decls: Vec<String>,
    pub init: Vec<Vec<String>>,
    pub actions: Vec<Action>,
    pub invariants: Vec<String>,
    /// `before NAME` / `after NAME` monitors: header and statements.
    pub monitors: Vec<(String, Vec<Vec<String>>)>,
    /// Its state symbols (ids into `Sig::syms`).
    pub syms: Vec<usize>,
    /// When written as a module (named by `object`): its instances.
    pub instances: Vec<String>,
}

/// State shared while building one program.
pub struct Builder<'a> {
    pub sig: Sig,
    pub rng: Rng,
    pub feat: &'a Features,
}

impl Builder<'_> {
    pub fn gen(&mut self) -> Gen<'_> {
        Gen {
            sig: &mut self.sig,
            rng: &mut self.rng,
            asserts: self.feat.asserts,
            locals: self.feat.locals,
            if_some: self.feat.if_some,
            ite_vars: self.feat.ite_vars,
        }
    }

    /// An uninterpreted sort: an existing one, or a new one (at most
    /// `max` in all).
    pub fn usort(&mut self, max: usize) -> SortId {
        let existing = self.sig.uninterpreted();
        if existing.is_empty() || (existing.len() < max && self.rng.chance(35)) {
            let base = *self
                .rng
                .pick(&[
                    "node", "client", "server", "key", "value", "round", "id", "msg", "proc",
                    "item",
                ])
                .unwrap_or(&"node");
            return self.sig.add_sort(base, SortKind::Uninterpreted);
        }
        *self.rng.pick(&existing).unwrap_or(&0)
    }

    /// An uninterpreted sort other than `not`, new if needed.
    pub fn other_usort(&mut self, not: SortId) -> SortId {
        let others: Vec<SortId> = self
            .sig
            .uninterpreted()
            .into_iter()
            .filter(|&s| s != not)
            .collect();
        if others.is_empty() || (others.len() < 3 && self.rng.chance(30)) {
            let base = *self
                .rng
                .pick(&["key", "value", "round", "msg", "slot", "item"])
                .unwrap_or(&"key");
            return self.sig.add_sort(base, SortKind::Uninterpreted);
        }
        *self.rng.pick(&others).unwrap_or(&0)
    }

    /// An enumerated sort with at least `n` values.
    pub fn enum_sort(&mut self, n: usize) -> SortId {
        let existing: Vec<SortId> = (0..self.sig.sorts.len())
            .filter(|&s| matches!(self.sig.kind(s), Some(SortKind::Enum(v)) if v.len() >= n))
            .collect();
        if let Some(&s) = self.rng.pick(&existing) {
            if self.rng.chance(60) {
                return s;
            }
        }
        let pools: &[(&str, &[&str])] = &[
            ("phase", &["idle", "busy", "halted"]),
            ("stage", &["start", "middle", "finish"]),
            ("color", &["red", "green", "blue"]),
            ("level", &["low", "mid", "high"]),
            ("mode", &["off", "on", "standby"]),
        ];
        let choices: Vec<&(&str, &[&str])> = pools
            .iter()
            .filter(|(_, vs)| vs.iter().all(|v| !self.sig.is_used(v)))
            .collect();
        let (base, values) = match self.rng.pick(&choices) {
            Some(c) => (c.0, c.1.iter().map(|v| v.to_string()).collect::<Vec<_>>()),
            None => {
                let k = self.sig.sorts.len();
                (
                    "tag",
                    vec![format!("t{k}a"), format!("t{k}b"), format!("t{k}c")],
                )
            }
        };
        self.sig.add_sort(base, SortKind::Enum(values))
    }

    /// The sort interpreted as `nat` or `int` (one per program).
    pub fn num_sort(&mut self) -> SortId {
        for s in 0..self.sig.sorts.len() {
            if self.sig.is_num(s) {
                return s;
            }
        }
        let nat = self.rng.chance(50);
        let base = *self
            .rng
            .pick(&["counter", "time", "nat_t", "num"])
            .unwrap_or(&"counter");
        self.sig.add_sort(base, SortKind::Num { nat })
    }

    /// Declares a state symbol of `comp` and returns its name.
    pub fn symbol(
        &mut self,
        comp: &mut Component,
        pool: &[&str],
        args: Vec<SortId>,
        result: Ty,
    ) -> String {
        let base = *self.rng.pick(pool).unwrap_or(&"r");
        let name = self.sig.fresh(base);
        let id = self.sig.add_sym(Sym {
            name: name.clone(),
            object: comp.object.clone(),
            args: args.clone(),
            result,
            rigid: false,
            open: true,
        });
        comp.syms.push(id);
        let vars = formal_vars(&self.sig, &args);
        let decl = match (result, args.is_empty()) {
            (Ty::Bool, true) => {
                if self.rng.chance(50) {
                    format!("relation {name}")
                } else {
                    format!("individual {name} : bool")
                }
            }
            (Ty::Bool, false) => format!("relation {name}({})", vars.join(", ")),
            (Ty::S(s), true) => format!("individual {name} : {}", self.sig.sort_name(s)),
            (Ty::S(s), false) => format!(
                "function {name}({}) : {}",
                vars.join(", "),
                self.sig.sort_name(s)
            ),
        };
        comp.decls.push(decl);
        name
    }

    /// A fresh action name from a pool.
    pub fn action_name(&mut self, pool: &[&str]) -> String {
        let base = *self.rng.pick(pool).unwrap_or(&"step");
        self.sig.fresh(base)
    }

    /// A parameter name for sort `s`, distinct from `taken`.
    pub fn param(&mut self, s: Ty, taken: &[(String, Ty)]) -> String {
        let initial: String = self.sig.ty_name(s).chars().take(1).collect();
        let mut k = 0;
        loop {
            let name = if k == 0 {
                initial.clone()
            } else {
                format!("{initial}{k}")
            };
            if !taken.iter().any(|(n, _)| *n == name) && !self.sig.is_used(&name) {
                return name;
            }
            k += 1;
        }
    }
}

/// `X:node, Y:key` style formal arguments of a declaration.
fn formal_vars(sig: &Sig, args: &[SortId]) -> Vec<String> {
    let letters = ["X", "Y", "Z", "W"];
    args.iter()
        .enumerate()
        .map(|(i, &s)| {
            let v = letters
                .get(i)
                .map(|l| l.to_string())
                .unwrap_or_else(|| format!("X{i}"));
            format!("{v}:{}", sig.sort_name(s))
        })
        .collect()
}

/// Generates program `index` of the run with `seed`.
pub fn generate(seed: u64, index: u64, feat: &Features) -> String {
    let mut b = Builder {
        sig: Sig::default(),
        rng: Rng::new(seed, index),
        feat,
    };
    let lang = if feat.lang18 && b.rng.chance(10) {
        "ivy1.8"
    } else {
        "ivy1.7"
    };

    // components
    let mut comps: Vec<Component> = Vec::new();
    let n = b.rng.range(1, 3);
    for _ in 0..n {
        if let Some(c) = components::any(&mut b) {
            comps.push(c);
        }
    }
    if comps.is_empty() {
        if let Some(c) = components::mutex(&mut b) {
            comps.push(c);
        }
    }
    if feat.non_stratified && b.rng.chance(8) {
        if let Some(c) = components::cycle(&mut b) {
            comps.push(c);
        }
    }

    // objects and isolates
    if feat.objects {
        for c in comps.iter_mut() {
            if b.rng.chance(30) {
                place_in_object(&mut b, c);
            }
        }
    }

    // helper actions called by exported ones
    if feat.calls {
        for c in comps.iter_mut() {
            wrap_some(&mut b, c);
        }
        if comps.len() >= 2 && b.rng.chance(20) {
            cross_call(&mut b, &mut comps);
        }
    }
    if feat.monitors {
        for c in comps.iter_mut() {
            requires_to_monitors(&mut b, c);
        }
    }

    // noise: extra state, statements, actions and invariants
    if feat.noise && b.rng.chance(75) {
        noise(&mut b, &mut comps);
    }

    print(&b, seed, index, lang, &comps)
}

/// With the `drivers` feature, for a component in an object (not a module):
/// the names of some exported actions without results that its private
/// `impl` object calls instead of the program exporting them.
fn driven_actions(b: &Builder, drv: &mut Rng, c: &Component) -> Vec<String> {
    if !b.feat.drivers || c.object.is_none() || !c.instances.is_empty() || !drv.chance(60) {
        return Vec::new();
    }
    c.actions
        .iter()
        .filter(|a| a.exported && a.returns.is_none())
        .filter(|_| drv.chance(60))
        .map(|a| a.name.clone())
        .collect()
}

/// Moves a component into `object NAME = { ... }`, maybe with an isolate.
fn place_in_object(b: &mut Builder, c: &mut Component) {
    let base = match c.kind.as_str() {
        "mutex" => "mutex",
        "channel" => "chan",
        "phase" => "ctl",
        "counter" => "clk",
        "owner" => "store",
        "consensus" => "cons",
        "order" => "maxer",
        _ => "part",
    };
    if b.feat.modules && b.rng.chance(30) {
        // a module instantiated once or twice; nothing outside refers to
        // its state
        let name = b.sig.fresh(&format!("{base}_mod"));
        let n = b.rng.range(1, 2);
        for k in 1..=n {
            let inst = b.sig.fresh(&format!("{base}{k}"));
            c.instances.push(inst);
        }
        for &i in &c.syms {
            if let Some(s) = b.sig.syms.get_mut(i) {
                s.object = Some(name.clone());
                s.open = false;
            }
        }
        c.object = Some(name);
        return;
    }
    let name = b.sig.fresh(base);
    for &i in &c.syms {
        if let Some(s) = b.sig.syms.get_mut(i) {
            s.object = Some(name.clone());
        }
    }
    c.object = Some(name);
    c.isolated = b.feat.isolates && b.rng.chance(50);
}

/// Moves the `require`s of some exported actions into a `before` monitor.
fn requires_to_monitors(b: &mut Builder, c: &mut Component) {
    for a in c.actions.iter_mut() {
        let reqs = a.requires();
        if !a.exported || reqs == 0 || !b.rng.chance(12) {
            continue;
        }
        let moved: Vec<Vec<String>> = a.body.drain(..reqs).collect();
        if a.body.is_empty() {
            a.body.push(vec!["assume true".into()]);
        }
        c.monitors.push((format!("before {}", a.name), moved));
        c.note
            .push_str(&format!("; require of {} in a before monitor", a.name));
    }
}

/// Splits some exported actions into an exported wrapper and a helper
/// holding the body (the wrapper copies the helper's `require`s, or not).
fn wrap_some(b: &mut Builder, c: &mut Component) {
    let mut added = Vec::new();
    for a in c.actions.iter_mut() {
        if !a.exported || !b.rng.chance(12) {
            continue;
        }
        let helper_name = b.sig.fresh(&format!("do_{}", a.name));
        let mut helper = a.clone();
        helper.name = helper_name.clone();
        helper.exported = false;
        let mut body: Vec<Vec<String>> = Vec::new();
        let reqs = a.requires();
        if reqs > 0 && b.rng.chance(70) {
            body.extend(a.body.iter().take(reqs).cloned());
        } else if reqs > 0 {
            c.note
                .push_str(&format!("; wrapper {} does not copy the require", a.name));
        }
        let args: Vec<String> = a.params.iter().map(|(n, _)| n.clone()).collect();
        let call = if args.is_empty() {
            helper_name.clone()
        } else {
            format!("{helper_name}({})", args.join(", "))
        };
        body.push(vec![if b.rng.chance(60) {
            format!("call {call}")
        } else {
            call
        }]);
        a.body = body;
        added.push(helper);
    }
    // helpers are declared before their callers
    for h in added.into_iter().rev() {
        c.actions.insert(0, h);
    }
}

/// An exported action of one component also calls an action of another.
fn cross_call(b: &mut Builder, comps: &mut [Component]) {
    let n = comps.len();
    let callee_c = b.rng.below(n);
    let mut caller_c = b.rng.below(n);
    if caller_c == callee_c {
        caller_c = (caller_c + 1) % n;
    }
    if !comps[callee_c].instances.is_empty() || !comps[caller_c].instances.is_empty() {
        return;
    }
    let Some(callee) = b
        .rng
        .pick(&comps[callee_c].actions)
        .cloned()
        .filter(|a| a.returns.is_none())
    else {
        return;
    };
    let callee_obj = comps[callee_c].object.clone();
    let caller_obj = comps[caller_c].object.clone();
    let exported: Vec<usize> = (0..comps[caller_c].actions.len())
        .filter(|&i| comps[caller_c].actions[i].exported)
        .collect();
    let Some(&ai) = b.rng.pick(&exported) else {
        return;
    };
    let qualified = match &callee_obj {
        Some(o) if callee_obj != caller_obj => format!("{o}.{}", callee.name),
        _ => callee.name.clone(),
    };
    let caller = &mut comps[caller_c].actions[ai];
    let mut args = Vec::new();
    for (_, t) in &callee.params {
        let same: Vec<String> = caller
            .params
            .iter()
            .filter(|(_, pt)| pt == t)
            .map(|(pn, _)| pn.clone())
            .collect();
        match b.rng.pick(&same) {
            Some(p) if b.rng.chance(70) => args.push(p.clone()),
            _ => {
                // not a name the body already uses (for a local, say)
                let mut taken = caller.params.clone();
                let mut p = b.param(*t, &taken);
                while caller
                    .body
                    .iter()
                    .flatten()
                    .any(|l| crate::fmla::mentions(l, &p))
                {
                    taken.push((p.clone(), *t));
                    p = b.param(*t, &taken);
                }
                caller.params.push((p.clone(), *t));
                args.push(p);
            }
        }
    }
    let call = if args.is_empty() {
        qualified
    } else {
        format!("{qualified}({})", args.join(", "))
    };
    let at = b.rng.range(caller.requires(), caller.body.len());
    caller.body.insert(at, vec![format!("call {call}")]);
    let note = format!("; {} calls {}", caller.name, callee.name);
    comps[caller_c].note.push_str(&note);
}

/// Adds the noise component and sprinkles random statements and invariants
/// over the components that are not isolated.
fn noise(b: &mut Builder, comps: &mut Vec<Component>) {
    let mut c = Component {
        kind: "noise".into(),
        note: "random".into(),
        ..Component::default()
    };
    let nrel = b.rng.range(1, 3);
    for _ in 0..nrel {
        let arity = b.rng.range(0, 2);
        let args: Vec<SortId> = (0..arity).map(|_| noise_sort(b)).collect();
        b.symbol(
            &mut c,
            &[
                "flag", "marked", "seen", "ready", "linked", "joined", "active", "alive", "tagged",
                "pinged",
            ],
            args,
            Ty::Bool,
        );
    }
    if b.rng.chance(50) {
        let t = if b.rng.chance(25) {
            Ty::Bool
        } else {
            Ty::S(noise_sort(b))
        };
        b.symbol(&mut c, &["cur", "last", "chosen", "top", "mark"], vec![], t);
    }
    let own: Vec<usize> = c.syms.clone();
    // what noise may read: its own state and that of components that are
    // not isolated
    let mut visible = own.clone();
    for comp in comps.iter() {
        if !comp.isolated {
            visible.extend(comp.syms.iter().copied());
        }
    }
    visible.retain(|&i| b.sig.syms.get(i).is_some_and(|s| s.open));
    let meddle = b.rng.chance(10);

    // initialisation
    for &i in &own {
        let Some(sym) = b.sig.syms.get(i).cloned() else {
            continue;
        };
        let vars: Vec<String> = ["X", "Y", "Z"]
            .iter()
            .take(sym.args.len())
            .map(|v| v.to_string())
            .collect();
        let lhs = if vars.is_empty() {
            sym.name.clone()
        } else {
            format!("{}({})", sym.name, vars.join(", "))
        };
        match sym.result {
            Ty::Bool => match b.rng.below(10) {
                0..=6 => c.init.push(vec![format!("{lhs} := false")]),
                7 => c.init.push(vec![format!("{lhs} := true")]),
                _ => {}
            },
            Ty::S(s) => {
                if b.rng.chance(50) {
                    let mut env = Env::new(None);
                    if let Some(t) = b.gen().term(&mut env, s, 0) {
                        c.init.push(vec![format!("{lhs} := {t}")]);
                    }
                }
            }
        }
    }

    // an optional helper the noise actions call
    let mut callees = Vec::new();
    if b.feat.calls && b.rng.chance(40) {
        let s = noise_sort(b);
        let name = b.action_name(&["aux", "helper", "update", "touch"]);
        let p = b.param(Ty::S(s), &[]);
        let mut env = Env::new(None);
        env.syms = visible.clone();
        env.writable = own.clone();
        env.consts.push((p.clone(), Ty::S(s)));
        let mut body = Vec::new();
        let mut returns = None;
        if b.rng.chance(50) {
            let r = b.gen().open(&mut env, 1, Pol::Pos);
            body.push(vec![format!("require {r}")]);
        }
        if b.rng.chance(30) {
            let r = b.sig.fresh("res");
            let rt = Ty::S(noise_sort(b));
            env.consts.push((r.clone(), rt));
            env.assignable.push(r.clone());
            returns = Some((r, rt));
        }
        let n = b.rng.range(1, 2);
        body.extend(b.gen().stmts(&mut env, n, 1));
        if let Some((r, Ty::S(rs))) = &returns {
            if let Some(t) = b.gen().closed_term(&mut env, *rs, 0) {
                body.push(vec![format!("{r} := {t}")]);
            }
        }
        callees.push(Callee {
            name: name.clone(),
            params: vec![Ty::S(s)],
            returns: returns.as_ref().map(|(_, t)| *t),
        });
        c.actions.push(Action {
            name,
            params: vec![(p, Ty::S(s))],
            returns,
            body,
            exported: false,
        });
    }

    // exported noise actions
    let nact = b.rng.range(1, 2);
    for _ in 0..nact {
        let name = b.action_name(&["poke", "step", "flip", "shuffle", "touch", "probe"]);
        let np = b.rng.range(0, 2);
        let mut params: Vec<(String, Ty)> = Vec::new();
        for _ in 0..np {
            let t = Ty::S(noise_sort(b));
            let p = b.param(t, &params);
            params.push((p, t));
        }
        let mut env = Env::new(None);
        env.syms = visible.clone();
        env.writable = own.clone();
        if meddle {
            env.writable = visible.clone();
        }
        env.consts = params.clone();
        env.callees = callees.clone();
        let mut body = Vec::new();
        if b.rng.chance(40) {
            let r = b.gen().open(&mut env, 1, Pol::Pos);
            body.push(vec![format!("require {r}")]);
        }
        let n = b.rng.range(1, 3);
        body.extend(b.gen().stmts(&mut env, n, 2));
        c.actions.push(Action::new(&name, params, body));
    }

    // statements injected into components' actions
    for comp in comps.iter_mut() {
        if comp.isolated || !b.rng.chance(25) {
            continue;
        }
        let exported: Vec<usize> = (0..comp.actions.len())
            .filter(|&i| comp.actions[i].exported)
            .collect();
        let Some(&ai) = b.rng.pick(&exported) else {
            continue;
        };
        let mut env = Env::new(comp.object.clone());
        env.syms = visible.clone();
        env.writable = own.clone();
        env.consts = comp.actions[ai].params.clone();
        let s = b.gen().stmts(&mut env, 1, 1);
        let a = &mut comp.actions[ai];
        let at = b.rng.range(a.requires(), a.body.len());
        for (k, st) in s.into_iter().enumerate() {
            a.body.insert(at + k, st);
        }
        comp.note.push_str("; noise statement injected");
    }

    // invariants
    let ninv = match b.rng.below(20) {
        0..=9 => 0,
        10..=16 => 1,
        _ => 2,
    };
    for _ in 0..ninv {
        let mut env = Env::new(None);
        env.syms = visible.clone();
        env.num_vars = b.rng.chance(10);
        let f = b.gen().clause(&mut env);
        c.invariants.push(f);
    }
    if meddle {
        c.note.push_str("; writes component state");
    }
    comps.push(c);
}

/// A sort for noise state: usually uninterpreted, sometimes enumerated or
/// numeric.
fn noise_sort(b: &mut Builder) -> SortId {
    let existing: Vec<SortId> = (0..b.sig.sorts.len())
        .filter(|&s| !b.sig.is_num(s) || b.rng.chance(20))
        .collect();
    match b.rng.pick(&existing) {
        Some(&s) => s,
        None => b.usort(3),
    }
}

fn print(b: &Builder, seed: u64, index: u64, lang: &str, comps: &[Component]) -> String {
    let sig = &b.sig;
    let mut out: Vec<String> = vec![
        format!("#lang {lang}"),
        format!("# generated by ivyc-progen: seed {seed}, index {index}"),
    ];
    for c in comps {
        let place = match (&c.object, c.isolated) {
            (Some(m), _) if !c.instances.is_empty() => {
                format!(" as module {m} ({})", c.instances.join(", "))
            }
            (Some(o), true) => format!(" in isolated object {o}"),
            (Some(o), false) => format!(" in object {o}"),
            _ => String::new(),
        };
        out.push(format!("# {}{place}: {}", c.kind, c.note));
    }
    out.push(String::new());
    for s in &sig.sorts {
        match &s.kind {
            SortKind::Uninterpreted => out.push(format!("type {}", s.name)),
            SortKind::Enum(vs) => out.push(format!("type {} = {{{}}}", s.name, vs.join(", "))),
            SortKind::Num { nat } => {
                out.push(format!("type {}", s.name));
                out.push(format!(
                    "interpret {} -> {}",
                    s.name,
                    if *nat { "nat" } else { "int" }
                ));
            }
        }
    }
    let mut rng = b.rng.clone();
    // The `drivers` choices, from a stream of their own (see Features).
    let mut drv = Rng::new(seed ^ 0x6472_6976_6572_7321, index);
    let mut exports_after: Vec<String> = Vec::new();
    let mut labels = 0;
    for c in comps {
        out.push(String::new());
        let mut body: Vec<String> = Vec::new();
        body.extend(c.decls.iter().cloned());
        if !c.init.is_empty() {
            body.push(String::new());
            body.push("after init {".into());
            body.extend(block_body(c.init.clone()));
            body.push("}".into());
        }
        let inline_exports = c.object.is_none() && rng.chance(30);
        let exports_inside = c.object.is_some() && rng.chance(40);
        let driven = driven_actions(b, &mut drv, c);
        for a in c.actions.iter().filter(|a| !driven.contains(&a.name)) {
            body.push(String::new());
            let prefix = if a.exported && inline_exports {
                "export "
            } else {
                ""
            };
            body.push(format!("{prefix}{} = {{", a.header(sig)));
            body.extend(block_body(a.body.clone()));
            body.push("}".into());
            if a.exported && !c.instances.is_empty() {
                for inst in &c.instances {
                    exports_after.push(format!("export {inst}.{}", a.name));
                }
            } else if a.exported && !inline_exports {
                if exports_inside {
                    body.push(format!("export {}", a.name));
                } else {
                    let q = match &c.object {
                        Some(o) => format!("{o}.{}", a.name),
                        None => a.name.clone(),
                    };
                    exports_after.push(format!("export {q}"));
                }
            }
        }
        for a in c.actions.iter().filter(|a| driven.contains(&a.name)) {
            body.push(String::new());
            body.push(format!("{} = {{", a.header(sig)));
            body.extend(block_body(a.body.clone()));
            body.push("}".into());
        }
        if let (Some(o), false) = (&c.object, driven.is_empty()) {
            body.push(String::new());
            body.push("# the environment: calls these actions instead of exporting them".into());
            body.push("object impl = {".into());
            for a in c.actions.iter().filter(|a| driven.contains(&a.name)) {
                let mut fire = a.clone();
                fire.name = format!("fire_{}", a.name);
                let args: Vec<&str> = a.params.iter().map(|(n, _)| n.as_str()).collect();
                let call = if args.is_empty() {
                    format!("call {o}.{}", a.name)
                } else {
                    format!("call {o}.{}({})", a.name, args.join(", "))
                };
                body.push(format!("    {} = {{", fire.header(sig)));
                body.push(format!("        {call}"));
                body.push("    }".into());
            }
            body.push("}".into());
        }
        for (header, stmts) in &c.monitors {
            body.push(String::new());
            body.push(format!("{header} {{"));
            body.extend(block_body(stmts.clone()));
            body.push("}".into());
        }
        if !c.invariants.is_empty() {
            body.push(String::new());
        }
        for f in &c.invariants {
            let kw = if rng.chance(10) {
                "conjecture"
            } else {
                "invariant"
            };
            if rng.chance(50) {
                labels += 1;
                let label = format!("inv{labels}");
                body.push(format!("{kw} [{label}] {f}"));
            } else {
                body.push(format!("{kw} {f}"));
            }
        }
        match &c.object {
            Some(m) if !c.instances.is_empty() => {
                out.push(format!("module {m} = {{"));
                for l in body {
                    if l.is_empty() {
                        out.push(l);
                    } else {
                        out.push(format!("    {l}"));
                    }
                }
                out.push("}".into());
                for inst in &c.instances {
                    out.push(format!("instance {inst} : {m}"));
                }
            }
            Some(o) => {
                out.push(format!("object {o} = {{"));
                for l in body {
                    if l.is_empty() {
                        out.push(l);
                    } else {
                        out.push(format!("    {l}"));
                    }
                }
                out.push("}".into());
                if c.isolated {
                    out.push(format!("isolate iso_{o} = {o}"));
                }
            }
            None => out.extend(body),
        }
    }
    if !exports_after.is_empty() {
        out.push(String::new());
        out.extend(exports_after);
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}
