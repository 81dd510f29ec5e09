//! The seed documents' story, end to end: list servers, look at one, start it, send a command,
//! manage its allocations, rename it, change a startup variable and read the activity log. A
//! second act makes a backup, a schedule with a task, a subuser, and writes and reads a file.
//!
//! ```sh
//! PTERO_URL=http://127.0.0.1:8080 PTERO_KEY=ptlc_... cargo run -p pterodactyl-client --example story
//! ```

use std::time::Duration;

use pterodactyl_client::{
    Client, Error, ListActivity, ListBackups, ListServers, NewBackup, ScheduleParams, ServerHandle,
    TaskParams,
};

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

    second_act(&server)?;
    console_act(&server)?;

    if let Some(rl) = client.rate_limit() {
        println!("\nrate limit: {}/{} left", rl.remaining, rl.limit);
    }
    Ok(())
}

/// The second act: a backup, an hourly schedule, a new subuser, and a file written and read back.
fn second_act(server: &ServerHandle<'_>) -> Result<(), Error> {
    println!("\n== Backups");
    let backups = server.backups();
    let backup = backups.create(&NewBackup::new().name("Before the update").ignore("*.log"))?;
    println!("  started {:?} ({})", backup.name, backup.uuid);
    let page = backups.list(&ListBackups::new())?;
    for b in &page.data {
        let state = match (b.is_completed(), b.is_successful) {
            (false, _) => "running",
            (true, true) => "done",
            (true, false) => "failed",
        };
        println!("  {}  {:<20} {:<8} {} bytes", b.uuid, b.name, state, b.bytes);
    }
    if let Some(count) = page.meta.backup_count() {
        println!("  {count} count against the server's backup limit");
    }

    println!("\n== Schedules");
    let schedules = server.schedules();
    let hourly = schedules.create(&ScheduleParams::new("Hourly reminder", "0", "*", "*", "*", "*"))?;
    let task = schedules.tasks().create(hourly.id, &TaskParams::command("say Vote for us!"))?;
    let action = task.action.as_str();
    println!("  schedule #{} {:?}: task #{} {action} {:?}", hourly.id, hourly.name, task.id, task.payload);
    for s in schedules.list()? {
        let c = &s.cron;
        println!(
            "  #{:<3} {:<18} {} {} {} {} {}  active={} tasks={}",
            s.id,
            s.name,
            c.minute,
            c.hour,
            c.day_of_month,
            c.month,
            c.day_of_week,
            s.is_active,
            s.tasks().len()
        );
    }

    println!("\n== Subusers");
    let users = server.users();
    let added = users.create("moderator@example.com", &["control.console", "file.read"])?;
    println!("  added {} ({})", added.email, added.permissions.join(","));
    for u in users.list()? {
        println!("  {:<24} {}", u.email, u.permissions.join(","));
    }

    println!("\n== Files");
    let files = server.files();
    files.write("/motd.txt", b"Welcome to Survival!\n")?;
    println!("  wrote /motd.txt; it reads {:?}", files.contents_text("/motd.txt")?);
    for f in files.list(None)? {
        let kind = if f.is_directory() { "dir " } else { "file" };
        println!("  {kind} {:<10} {:>8} bytes  {}", f.mode, f.size, f.name);
    }
    Ok(())
}

/// The console: the live Wings websocket. A power action and a command go in; the status
/// changes, the boot output and the command's echo come out.
fn console_act(server: &ServerHandle<'_>) -> Result<(), Error> {
    use pterodactyl_client::{Event, PowerSignal};
    use std::time::Instant;
    println!("\n== Live console");
    let console = server.console()?;
    let deadline = Instant::now() + Duration::from_secs(15);
    let (mut powered, mut commanded) = (false, false);
    while let Some(event) = console.next_event(Some(deadline.saturating_duration_since(Instant::now())))? {
        match event {
            Event::Status(state) => {
                println!("  [status] {state}");
                if !powered {
                    let signal = if state == "offline" { PowerSignal::Start } else { PowerSignal::Restart };
                    console.set_state(signal)?;
                    powered = true;
                } else if state == "running" && !commanded {
                    console.send_command("say Hello from the Rust console")?;
                    commanded = true;
                }
            }
            Event::Output(line) => {
                println!("  {line}");
                if line == "> say Hello from the Rust console" {
                    break;
                }
            }
            _ => {}
        }
    }
    console.close();
    Ok(())
}
