//! `cargo +nightly fuzz run answer`: see `pterodactyl_fuzz::answer`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pterodactyl_fuzz::answer(data));
