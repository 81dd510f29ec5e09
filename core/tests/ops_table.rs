//! The operations table matches `shared/reference/operations.tsv` row for row.

use pterodactyl_client::ops;

#[test]
fn table_matches_operations_tsv() {
    let tsv_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/reference/operations.tsv");
    let tsv = std::fs::read_to_string(tsv_path).expect("shared/reference/operations.tsv beside the project");
    let rows: Vec<Vec<&str>> = tsv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(rows.len(), 69);
    assert_eq!(ops::all().len(), rows.len(), "one table row per operation");
    for (row, op) in rows.iter().zip(ops::all()) {
        assert_eq!(op.id, row[0]);
        assert_eq!(op.method.as_str(), row[1], "{}", op.id);
        assert_eq!(op.path, row[2], "{}", op.id);
        assert_eq!(op.success.to_string(), row[3], "{}", op.id);
        let permission = if row[4] == "-" { None } else { Some(row[4]) };
        assert_eq!(op.permission, permission, "{}", op.id);
    }
}

#[test]
fn ids_are_unique_and_findable() {
    let mut ids: Vec<&str> = ops::all().iter().map(|o| o.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), ops::all().len());
    assert!(ops::find("server.allocations.set_primary").is_some());
    assert!(ops::find("server.nope").is_none());
}
