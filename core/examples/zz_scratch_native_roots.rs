fn main() {
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let _c = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_x").unwrap();
        println!("build: {:?}", t.elapsed());
    }
}
