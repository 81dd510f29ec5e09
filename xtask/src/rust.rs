//! `core/tests/generated_coverage.rs`: names every operation's typed Rust method, so that the
//! test crate stops compiling when one is missing or renamed.

use std::fmt::Write;

use pterodactyl_client::ops::Operation;

use crate::banner;

pub fn generate(ops: &[Operation]) -> String {
    let mut out = banner("//");
    out.push_str(
        "//! Every operation of the table has a typed Rust method: this file names each one (the\n\
         //! `rust` field of its declaration), so it fails to compile when one is missing.\n\n\
         #[test]\n\
         fn every_operation_has_a_typed_rust_method() {\n\
         \x20   let methods: &[(&str, usize)] = &[\n",
    );
    for op in ops {
        let _ = writeln!(
            out,
            "        (\"{}\", std::mem::size_of_val(&pterodactyl_client::{})),",
            op.id, op.rust
        );
    }
    out.push_str(
        "    ];\n\
         \x20   assert_eq!(methods.len(), pterodactyl_client::ops::all().len());\n\
         \x20   for ((id, _), op) in methods.iter().zip(pterodactyl_client::ops::all()) {\n\
         \x20       assert_eq!(*id, op.id);\n\
         \x20   }\n\
         }\n",
    );
    out
}
