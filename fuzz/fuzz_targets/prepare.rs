//! `cargo +nightly fuzz run prepare`: see `pterodactyl_fuzz::prepare`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pterodactyl_fuzz::prepare(data));
