//! Limits the shared library's dynamic symbol table to the `ptero_*` functions (see
//! `pterodactyl.map`), so the Rust runtime and the TLS stack inside it can never clash with a
//! host program's own symbols, and names it `libpterodactyl.so` (its SONAME; `PTERODACTYL_SONAME`
//! overrides it), so a program linked against it looks it up by name wherever it was linked from.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=pterodactyl.map");
    // The shipped library (scripts/dist.sh) is named `libpterodactyl.so.0` with the version in
    // its file name; a development build keeps the plain name, so that programs linked against
    // target/debug find it there.
    println!("cargo:rerun-if-env-changed=PTERODACTYL_SONAME");
    let soname = std::env::var("PTERODACTYL_SONAME").unwrap_or_else(|_| "libpterodactyl.so".into());
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    // GNU ld, gold, lld and mold read version scripts; Apple's and Microsoft's linkers do not.
    if matches!(os.as_str(), "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly")
        && env != "msvc"
    {
        let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
        println!("cargo:rustc-cdylib-link-arg=-Wl,--version-script={dir}/pterodactyl.map");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
    }
}
