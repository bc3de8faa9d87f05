//! The whole verify pipeline: check, lower, obligations, fragment check and
//! discharge with Z3 (50 ms per query, at most 8 obligations per input).
#![no_main]
use ivyc_logic::Solver;
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

thread_local! {
    static Z3: RefCell<ivyc_smt::Z3Solver> = RefCell::new(ivyc_smt::Z3Solver::new());
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut sources = ivyc_base::SourceMap::new();
    let root = sources.add("fuzz.ivy", text);
    let mut loader = ivyc_sema::MemoryLoader::new();
    let (program, _errors) = ivyc_sema::check(root, &mut sources, &mut loader);
    let Some(program) = program else { return };
    let Ok(units) = ivyc_sema::lower::lower_units(&program) else {
        return;
    };
    for unit in &units {
        for ob in ivyc_vc::obligations(&unit.system).into_iter().take(8) {
            let origins = ivyc_fragment::Origins::none();
            if ivyc_fragment::check(&ob.sig, &ob.hypotheses, &ob.goal, &origins).is_err() {
                continue;
            }
            Z3.with(|z3| {
                let _ = z3.borrow_mut().check(&ob.sig, &ob.hypotheses, &ob.goal, 50);
            });
        }
    }
});
