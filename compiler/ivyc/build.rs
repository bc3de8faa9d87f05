//! Build script of the ivyc CLI: when ivyc-smt links a Z3 library of its
//! own (the PyPI wheel, see compiler/ivyc-smt/build.rs), the ivyc binary
//! and its test binaries find it at run time through an rpath.

fn main() {
    println!("cargo:rerun-if-env-changed=DEP_IVYC_Z3_LIB_DIR");
    if let Ok(dir) = std::env::var("DEP_IVYC_Z3_LIB_DIR") {
        println!("cargo:rustc-link-arg-bins=-Wl,-rpath,{dir}");
        println!("cargo:rustc-link-arg-tests=-Wl,-rpath,{dir}");
    }
}
