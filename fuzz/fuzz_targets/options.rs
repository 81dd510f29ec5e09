//! `cargo +nightly fuzz run options`: see `pterodactyl_fuzz::options`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pterodactyl_fuzz::options(data));
