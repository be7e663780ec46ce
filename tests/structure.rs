//! The domain never draws: only `src/app/` and `src/main.rs` may use egui, eframe or rfd.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn domain_code_does_not_use_the_ui_crates() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut checked = 0;
    for f in files {
        let rel = f
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with("app/") || rel == "main.rs" {
            continue;
        }
        checked += 1;
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for krate in ["egui", "eframe", "egui_plot", "egui_extras", "rfd"] {
                let used =
                    code.contains(&format!("{krate}::")) && !code.contains(&format!("_{krate}::"));
                assert!(
                    !used,
                    "src/{rel}:{}: domain code uses {krate}: {line}",
                    n + 1
                );
            }
        }
    }
    assert!(checked >= 8, "only {checked} domain files found");
}
