//! Parses every file of the ms-ivy 1.7 standard library, when it is
//! installed (directory from `IVY_STDLIB_DIR`, else the default venv path);
//! skipped otherwise. The files themselves are not part of this repository.
#![allow(clippy::unwrap_used)]

use ivyc_base::FileId;

#[test]
fn ms_ivy_stdlib_parses() {
    let dir = std::env::var("IVY_STDLIB_DIR")
        .unwrap_or_else(|_| "/tmp/ivy/lib/python3.10/site-packages/ivy/include/1.7".to_string());
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipping: {dir} not found");
        return;
    };
    let mut n = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("ivy") {
            continue;
        }
        let src = std::fs::read_to_string(&path).unwrap();
        let (file, errors) = ivyc_syntax::parse(FileId(0), &src);
        let real: Vec<_> = errors.iter().filter(|e| !e.is_warning()).collect();
        assert!(real.is_empty(), "{}: {real:#?}", path.display());
        assert!(!file.decls.is_empty(), "{}", path.display());
        n += 1;
    }
    eprintln!("parsed {n} files from {dir}");
}
