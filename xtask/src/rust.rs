//! `core/tests/generated_coverage.rs`: names every operation's typed Rust method, blocking and
//! async, so that the test crate stops compiling when one is missing or renamed.

use std::fmt::Write;

use pterodactyl_client::ops::Operation;

use crate::banner;

pub fn generate(ops: &[Operation]) -> String {
    let mut out = banner("//");
    out.push_str(
        "//! Every operation of the table has a typed Rust method, blocking and async: this file names\n\
         //! each one (the `rust` field of its declaration) for both clients, so it fails to compile\n\
         //! when one is missing.\n\n\
         use pterodactyl_client::{AsyncClient, Client};\n\n\
         #[test]\n\
         fn every_operation_has_a_typed_rust_method() {\n\
         \x20   let methods: &[(&str, usize, usize)] = &[\n",
    );
    for op in ops {
        // `Client::permissions` hangs off each client; every other method off a handle that is
        // generic over its client (`ServerHandle::<AsyncClient>::power`).
        let (blocking, asynchronous) = match op.rust.split_once("::") {
            Some(("Client", method)) => (format!("Client::{method}"), format!("AsyncClient::{method}")),
            Some((handle, method)) => {
                (format!("{handle}::<Client>::{method}"), format!("{handle}::<AsyncClient>::{method}"))
            }
            None => (op.rust.to_owned(), op.rust.to_owned()),
        };
        let _ = writeln!(
            out,
            "        (\"{}\", std::mem::size_of_val(&pterodactyl_client::{blocking}), \
             std::mem::size_of_val(&pterodactyl_client::{asynchronous})),",
            op.id
        );
    }
    out.push_str(
        "    ];\n\
         \x20   assert_eq!(methods.len(), pterodactyl_client::ops::all().len());\n\
         \x20   for ((id, _, _), op) in methods.iter().zip(pterodactyl_client::ops::all()) {\n\
         \x20       assert_eq!(*id, op.id);\n\
         \x20   }\n\
         }\n",
    );
    out
}
