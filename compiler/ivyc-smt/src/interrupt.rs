//! Interrupting Z3 from another thread: while a closure runs Z3 on the
//! calling thread, a watcher thread polls a cancellation flag and, once
//! it is set, interrupts the thread's Z3 context, so a query in progress
//! ends at once as `unknown` (the language server cancels a verification
//! when the document changes).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How often the watcher looks at the flag.
const POLL: Duration = Duration::from_millis(5);

/// Runs `f` (which uses the calling thread's Z3 context); if `cancel` is
/// set before `f` returns, the context is interrupted: the solver call in
/// progress returns `unknown` and later ones too, until the flag is
/// cleared by the caller.
pub fn with_interrupt<R>(cancel: &AtomicBool, f: impl FnOnce() -> R) -> R {
    let ctx = z3::Context::thread_local();
    let handle = ctx.handle();
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            while !done.load(Ordering::Acquire) {
                if cancel.load(Ordering::Acquire) {
                    handle.interrupt();
                    // Interrupt again while `f` runs: a query started
                    // after the first interrupt is stopped too.
                    std::thread::sleep(POLL);
                    continue;
                }
                std::thread::sleep(POLL);
            }
        });
        let r = f();
        done.store(true, Ordering::Release);
        r
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Instant;
    use z3::ast::Bool;

    /// Pigeonhole: `n + 1` pigeons in `n` holes, hard for CDCL.
    fn pigeonhole(s: &z3::Solver, n: usize) {
        let p: Vec<Vec<Bool>> = (0..=n)
            .map(|i| {
                (0..n)
                    .map(|j| Bool::new_const(format!("p_{i}_{j}")))
                    .collect()
            })
            .collect();
        for row in &p {
            s.assert(Bool::or(row));
        }
        for j in 0..n {
            let hole: Vec<&Bool> = p.iter().filter_map(|row| row.get(j)).collect();
            for (a, x) in hole.iter().enumerate() {
                for y in &hole[a + 1..] {
                    s.assert(!(*x & *y));
                }
            }
        }
    }

    #[test]
    fn a_cancelled_query_stops_soon() {
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        let setter = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            flag.store(true, Ordering::Release);
        });
        let start = Instant::now();
        let answer = with_interrupt(&cancel, || {
            let s = z3::Solver::new();
            pigeonhole(&s, 12);
            s.check()
        });
        let took = start.elapsed();
        setter.join().expect("setter");
        assert_eq!(answer, z3::SatResult::Unknown);
        assert!(took < Duration::from_secs(10), "took {took:?}");
    }

    #[test]
    fn an_uncancelled_query_is_unchanged() {
        let cancel = AtomicBool::new(false);
        let answer = with_interrupt(&cancel, || {
            let s = z3::Solver::new();
            pigeonhole(&s, 3);
            s.check()
        });
        assert_eq!(answer, z3::SatResult::Unsat);
    }
}
