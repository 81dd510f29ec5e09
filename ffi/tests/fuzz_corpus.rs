//! Replays every file of `fuzz/corpus/<target>/` through the fuzz targets' bodies
//! (`fuzz/src/lib.rs`), on stable: a crash that fuzzing found once (its input is added to the
//! corpus) stays fixed, on every machine, in `make test`. `make fuzz` (nightly) explores further.

#[path = "../../fuzz/src/lib.rs"]
mod targets;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

/// Runs every file of the target's corpus; fails naming each file that panicked.
fn replay(target: &str, body: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} holds no seed", dir.display());
    let mut failed = Vec::new();
    for file in &files {
        let data = std::fs::read(file).expect("a corpus file");
        if catch_unwind(AssertUnwindSafe(|| body(&data))).is_err() {
            failed.push(file.display().to_string());
        }
    }
    assert!(failed.is_empty(), "{} of {} inputs failed:\n{}", failed.len(), files.len(), failed.join("\n"));
}

#[test]
fn the_answer_corpus_passes() {
    replay("answer", targets::answer);
}

#[test]
fn the_error_document_corpus_passes() {
    replay("error_document", targets::error_document);
}

#[test]
fn the_prepare_corpus_passes() {
    replay("prepare", targets::prepare);
}

#[test]
fn the_options_corpus_passes() {
    replay("options", targets::options);
}

#[test]
fn the_c_api_corpus_passes() {
    replay("c_api", targets::c_api);
}
