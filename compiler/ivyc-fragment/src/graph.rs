//! The sort graph of a verification condition: one node per infinite sort,
//! one edge `S → T` per function (declared or Skolem) taking an `S` and
//! returning a `T`, or conditional term over an `S` variable of sort `T`,
//! each edge with its origin; and the extraction of explicit
//! cycles (one per non-trivial strongly connected component) with petgraph.

use crate::origin::Origin;
use ivyc_base::{Span, Symbol};
use ivyc_logic::{SortId, SymId};
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use std::collections::{HashMap, HashSet, VecDeque};

/// A declared function of the signature that occurs in the query.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FunctionEdge {
    /// The symbol as it occurs in the query (possibly an SSA copy `f#2`).
    pub sym: SymId,
    /// The user-facing name (`#k` suffix of SSA copies removed).
    pub name: Symbol,
    /// All argument sorts and the result sort (for `f : node × id → id`).
    pub arg_sorts: Vec<Symbol>,
    pub ret_sort: Symbol,
    /// `SymbolDecl.span`: the declaration.
    pub decl_span: Option<Span>,
    /// The first application of the function in the query.
    pub use_span: Option<Span>,
    /// The formula containing that first application.
    pub used_in: Option<Origin>,
}

/// How a quantifier is written in the source. A Skolemised quantifier is
/// written `exists` in a positive position of a hypothesis, or `forall` in
/// a negative one (under `~`, left of `->`, or in the negated goal); a
/// universal one dually.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Written {
    Exists,
    Forall,
}

impl Written {
    pub fn keyword(self) -> &'static str {
        match self {
            Written::Exists => "exists",
            Written::Forall => "forall",
        }
    }
}

/// A Skolem function: an existential (after polarity) quantifier under
/// universal ones becomes a function from the universals' sorts to the sort
/// of the existential variable.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SkolemEdge {
    /// The existentially quantified variable and its sort.
    pub var: Symbol,
    pub var_sort: Symbol,
    /// The span of the quantified term (`exists Y:id. ...`).
    pub quant_span: Option<Span>,
    /// How that quantifier is written.
    pub written: Written,
    /// The universally quantified variable responsible for this edge (its
    /// sort is the edge's source) and the span of its quantifier (`None` for
    /// a free variable of a hypothesis, which is implicitly universal).
    pub universal: Symbol,
    pub universal_sort: Symbol,
    pub universal_span: Option<Span>,
    /// How the universal variable's quantifier is written (`Exists` if it is
    /// universal only because it is negated).
    pub universal_written: Written,
    /// The sorts of all arguments of the Skolem function, in scope order.
    pub arg_sorts: Vec<Symbol>,
    /// The property the quantifier belongs to.
    pub property: Option<Origin>,
    /// Whether the quantifier is in the goal (and hence negated).
    pub in_goal: bool,
}

/// A conditional term `t if c else u` (not boolean) that mentions a
/// universally quantified variable. Ivy's stratification graph
/// (`ivy_fragment.py`, `map_fmla`) treats the term as its variable branch
/// with every variable below it as an argument, like a function from the
/// variable's sort to the term's sort; used as the argument of a function,
/// relation or equality at the variable's own sort it closes a cycle
/// (`p(X) -> p(X if q(X) else n)`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IteEdge {
    /// The universally quantified variable and its sort (the edge's source).
    pub var: Symbol,
    pub var_sort: Symbol,
    /// The sort of the conditional term (the edge's target).
    pub sort: Symbol,
    /// The conditional term.
    pub span: Option<Span>,
    /// The formula the term is in.
    pub property: Option<Origin>,
    /// Whether the term is in the goal.
    pub in_goal: bool,
}

/// Why an edge of the sort graph exists.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EdgeOrigin {
    Function(FunctionEdge),
    Skolem(SkolemEdge),
    Ite(IteEdge),
}

/// One edge `from → to` of the sort graph.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SortEdge {
    pub from: SortId,
    pub to: SortId,
    pub from_name: Symbol,
    pub to_name: Symbol,
    pub origin: EdgeOrigin,
}

/// A cycle of the sort graph as a closed path: `edges[i].to ==
/// edges[i+1].from` and the last edge returns to `edges[0].from`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cycle {
    pub edges: Vec<SortEdge>,
    /// The terms that close the cycle of Ivy's finer graph (argument
    /// positions, `crate::feu`) that decided the verdict, with what each
    /// does: attached to the first cycle of a verdict, empty otherwise.
    pub ivy_terms: Vec<(Span, String)>,
}

impl Cycle {
    /// The sorts along the cycle, first sort repeated at the end
    /// (`[node, id, node]`).
    pub fn sorts(&self) -> Vec<SortId> {
        let mut out: Vec<SortId> = self.edges.iter().map(|e| e.from).collect();
        if let Some(e) = self.edges.first() {
            out.push(e.from);
        }
        out
    }

    /// The names of [`Cycle::sorts`].
    pub fn sort_names(&self) -> Vec<Symbol> {
        let mut out: Vec<Symbol> = self.edges.iter().map(|e| e.from_name).collect();
        if let Some(e) = self.edges.first() {
            out.push(e.from_name);
        }
        out
    }

    /// `node → id → node`
    pub fn path_string(&self) -> String {
        self.sort_names()
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" → ")
    }
}

/// The sort graph. Nodes are sorts; edges are kept in insertion order (the
/// order in which the query mentions them), duplicates removed. Only cycles
/// through at least one *infinite* sort (uninterpreted, `int`, `nat`; see
/// [`SortGraph::set_infinite`]) count: a cycle among finite sorts only
/// (enumerations, bit vectors, bool) is harmless.
#[derive(Clone, Debug, Default)]
pub struct SortGraph {
    graph: DiGraph<SortId, usize>,
    nodes: HashMap<SortId, NodeIndex>,
    edges: Vec<SortEdge>,
    seen: HashSet<SortEdge>,
    infinite: HashSet<SortId>,
}

impl SortGraph {
    pub fn new() -> SortGraph {
        SortGraph::default()
    }

    fn node(&mut self, s: SortId) -> NodeIndex {
        if let Some(&n) = self.nodes.get(&s) {
            return n;
        }
        let n = self.graph.add_node(s);
        self.nodes.insert(s, n);
        n
    }

    /// Adds an edge unless an identical one exists.
    pub fn add_edge(&mut self, edge: SortEdge) {
        if self.seen.contains(&edge) {
            return;
        }
        let a = self.node(edge.from);
        let b = self.node(edge.to);
        self.graph.add_edge(a, b, self.edges.len());
        self.seen.insert(edge.clone());
        self.edges.push(edge);
    }

    /// Marks a sort as infinite (a sort whose variables are tracked).
    pub fn set_infinite(&mut self, s: SortId) {
        self.infinite.insert(s);
    }

    pub fn is_infinite(&self, s: SortId) -> bool {
        self.infinite.contains(&s)
    }

    /// All edges, in insertion order.
    pub fn edges(&self) -> &[SortEdge] {
        &self.edges
    }

    /// The sorts that are sources or targets of some edge.
    pub fn sorts(&self) -> Vec<SortId> {
        let mut v: Vec<SortId> = self.nodes.keys().copied().collect();
        v.sort();
        v
    }

    /// `(from, to)` pairs of all edges (with repetitions for parallel edges).
    pub fn edge_pairs(&self) -> Vec<(SortId, SortId)> {
        self.edges.iter().map(|e| (e.from, e.to)).collect()
    }

    /// The underlying petgraph graph (edge weights index [`SortGraph::edges`]).
    pub fn petgraph(&self) -> &DiGraph<SortId, usize> {
        &self.graph
    }

    pub fn is_acyclic(&self) -> bool {
        self.cycles().is_empty()
    }

    /// One explicit cycle per strongly connected component that contains a
    /// cycle (more than one sort, or a self-loop) through an infinite sort.
    /// Each cycle is a shortest cycle through the smallest infinite sort of
    /// its component, and each step uses the first-inserted edge between
    /// the two sorts. Cycles are ordered by their first edge.
    pub fn cycles(&self) -> Vec<Cycle> {
        let mut out: Vec<(usize, Cycle)> = Vec::new();
        for scc in tarjan_scc(&self.graph) {
            let members: HashSet<NodeIndex> = scc.iter().copied().collect();
            let Some(&start) = scc
                .iter()
                .filter(|&&n| self.infinite.contains(&self.graph[n]))
                .min_by_key(|&&n| self.graph[n])
            else {
                continue;
            };
            if let Some(path) = self.shortest_cycle(start, &members) {
                let edges: Vec<SortEdge> = path
                    .iter()
                    .map(|&e| self.edges[self.graph[e]].clone())
                    .collect();
                let first = path.iter().map(|&e| self.graph[e]).min().unwrap_or(0);
                out.push((
                    first,
                    Cycle {
                        edges,
                        ivy_terms: Vec::new(),
                    },
                ));
            }
        }
        out.sort_by_key(|(k, _)| *k);
        out.into_iter().map(|(_, c)| c).collect()
    }

    /// The first-inserted edge index from `a` to `b`.
    fn best_edge(&self, a: NodeIndex, b: NodeIndex) -> Option<EdgeIndex> {
        self.graph
            .edges(a)
            .filter(|e| e.target() == b)
            .min_by_key(|e| *e.weight())
            .map(|e| e.id())
    }

    /// BFS from `start` back to `start` inside `members`.
    fn shortest_cycle(
        &self,
        start: NodeIndex,
        members: &HashSet<NodeIndex>,
    ) -> Option<Vec<EdgeIndex>> {
        if let Some(e) = self.best_edge(start, start) {
            return Some(vec![e]);
        }
        let mut prev: HashMap<NodeIndex, NodeIndex> = HashMap::new();
        let mut queue = VecDeque::new();
        queue.push_back(start);
        let mut last = None;
        'bfs: while let Some(n) = queue.pop_front() {
            // Deterministic order: successors by first edge index.
            let mut succs: Vec<(usize, NodeIndex)> = self
                .graph
                .edges(n)
                .map(|e| (*e.weight(), e.target()))
                .collect();
            succs.sort();
            for (_, m) in succs {
                if !members.contains(&m) {
                    continue;
                }
                if m == start {
                    last = Some(n);
                    break 'bfs;
                }
                if m != start && !prev.contains_key(&m) {
                    prev.insert(m, n);
                    queue.push_back(m);
                }
            }
        }
        let mut node = last?;
        let mut rev = vec![self.best_edge(node, start)?];
        while node != start {
            let p = *prev.get(&node)?;
            rev.push(self.best_edge(p, node)?);
            node = p;
        }
        rev.reverse();
        Some(rev)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(a: u32, b: u32, name: &str) -> SortEdge {
        let s = |i: u32| Symbol::intern(&format!("s{i}"));
        SortEdge {
            from: SortId(a),
            to: SortId(b),
            from_name: s(a),
            to_name: s(b),
            origin: EdgeOrigin::Function(FunctionEdge {
                sym: SymId(0),
                name: Symbol::intern(name),
                arg_sorts: vec![s(a)],
                ret_sort: s(b),
                decl_span: None,
                use_span: None,
                used_in: None,
            }),
        }
    }

    fn graph() -> SortGraph {
        let mut g = SortGraph::new();
        for i in 1..=4 {
            g.set_infinite(SortId(i));
        }
        g
    }

    #[test]
    fn shortest_cycle_through_smallest_sort() {
        let mut g = graph();
        // 1 → 2 → 3 → 1 and the shortcut 2 → 1; 4 → 1 is not on a cycle.
        g.add_edge(edge(1, 2, "a"));
        g.add_edge(edge(2, 3, "b"));
        g.add_edge(edge(3, 1, "c"));
        g.add_edge(edge(2, 1, "d"));
        g.add_edge(edge(4, 1, "e"));
        g.add_edge(edge(1, 2, "a"));
        assert_eq!(g.edges().len(), 5);
        let cs = g.cycles();
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].sorts(), vec![SortId(1), SortId(2), SortId(1)]);
        assert_eq!(cs[0].path_string(), "s1 → s2 → s1");
    }

    #[test]
    fn finite_only_cycles_do_not_count() {
        let mut g = graph();
        g.add_edge(edge(7, 7, "a"));
        g.add_edge(edge(7, 8, "b"));
        g.add_edge(edge(8, 7, "c"));
        assert!(g.is_acyclic());
        // Through the infinite sort 1, the cycle starts there.
        g.add_edge(edge(8, 1, "d"));
        g.add_edge(edge(1, 7, "e"));
        let cs = g.cycles();
        assert_eq!(cs.len(), 1);
        assert_eq!(
            cs[0].sorts(),
            vec![SortId(1), SortId(7), SortId(8), SortId(1)]
        );
    }

    #[test]
    fn acyclic_and_self_loops() {
        let mut g = graph();
        g.add_edge(edge(1, 2, "a"));
        g.add_edge(edge(2, 3, "b"));
        assert!(g.is_acyclic());
        g.add_edge(edge(3, 3, "c"));
        let cs = g.cycles();
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].sorts(), vec![SortId(3), SortId(3)]);
    }
}
