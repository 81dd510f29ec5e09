//! `cargo +nightly fuzz run c_api`: see `pterodactyl_fuzz::c_api`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pterodactyl_fuzz::c_api(data));
