//! The seed documents' story, end to end: list servers, look at one, start it, send a command,
//! manage its allocations, rename it, change a startup variable and read the activity log.
//!
//! ```sh
//! PTERO_URL=http://127.0.0.1:8080 PTERO_KEY=ptlc_... cargo run -p pterodactyl-client --example story
//! ```

use std::time::Duration;

use pterodactyl_client::{Client, Error, ListActivity, ListServers};

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Error> {
    let url = std::env::var("PTERO_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into());
    let key = std::env::var("PTERO_KEY").map_err(|_| Error::InvalidInput("set PTERO_KEY".into()))?;
    let id = std::env::var("PTERO_SERVER").unwrap_or_else(|_| "d3aac109".into());
    let client = Client::builder(&url, &key).timeout(Duration::from_secs(10)).build()?;

    println!("== Servers on {url}");
    for server in client.servers().iter(&ListServers::new().per_page(2))? {
        let s = server?;
        println!("  {:<10} {:<20} node={}", s.identifier, s.name, s.node);
    }

    let server = client.server(&id);
    let details = server.details()?;
    println!("\n== {} ({})", details.name, details.uuid);
    println!(
        "  owner: {}  permissions: {}",
        details.meta.is_server_owner,
        details.meta.user_permissions.join(",")
    );
    println!(
        "  limits: {} MiB RAM, {} MiB disk, {}% CPU",
        details.limits.memory, details.limits.disk, details.limits.cpu
    );

    let stats = server.resources()?;
    println!("  state: {}", stats.current_state);

    println!("\n== Power and console");
    server.start()?;
    println!("  start sent; state now {}", server.resources()?.current_state);
    for _ in 0..50 {
        if server.resources()?.current_state == "running" {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    server.command("say Hello from pterodactyl-client")?;
    println!("  command sent to a {} server", server.resources()?.current_state);

    println!("\n== Allocations");
    let allocations = server.allocations();
    for a in allocations.list()? {
        println!("  #{:<4} {}:{:<6} primary={} notes={:?}", a.id, a.ip, a.port, a.is_default, a.notes);
    }
    let new = allocations.assign()?;
    println!("  assigned #{} port {}", new.id, new.port);
    let noted = allocations.set_notes(new.id, Some("Voice chat"))?;
    println!("  notes on #{}: {:?}", noted.id, noted.notes);
    let primary = allocations.set_primary(new.id)?;
    println!("  #{} is now primary ({})", primary.id, primary.is_default);
    let original = allocations.list()?.into_iter().find(|a| a.id != new.id).map(|a| a.id);
    if let Some(old) = original {
        allocations.set_primary(old)?;
        println!("  #{old} is primary again");
    }
    match allocations.delete(new.id) {
        Ok(()) => println!("  deleted #{}", new.id),
        Err(e) => println!("  could not delete #{}: {e}", new.id),
    }

    println!("\n== Settings and startup");
    server.settings().rename("Survival (Season 2)", Some("Renamed by the story example"))?;
    println!("  renamed to {:?}", server.details()?.name);
    let var = server.startup().set_variable("SERVER_JARFILE", "paper.jar")?;
    println!("  {} = {:?}", var.env_variable, var.server_value);
    println!("  startup: {}", var.meta.startup_command);
    match server.startup().set_variable("SERVER_JARFILE", "not a jar") {
        Err(Error::Api { status, errors }) => {
            println!(
                "  refused as expected ({status}): {}",
                errors.first().map(|e| e.detail.as_str()).unwrap_or("")
            )
        }
        other => println!("  unexpected: {other:?}"),
    }

    println!("\n== Activity (newest first)");
    for entry in server.activity().list(&ListActivity::new().newest_first().per_page(8))?.data {
        println!("  {}  {}", entry.timestamp, entry.event);
    }
    if let Some(rl) = client.rate_limit() {
        println!("\nrate limit: {}/{} left", rl.remaining, rl.limit);
    }
    Ok(())
}
