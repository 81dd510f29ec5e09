//! `cargo +nightly fuzz run error_document`: see `pterodactyl_fuzz::error_document`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pterodactyl_fuzz::error_document(data));
