//! The benchmarks' command line: a folder, numeric options (`--runs 3`, `1_000_000` allowed),
//! and the `qn-planner` binary cargo built with the benchmark.
// Each benchmark uses its part of it.
#![allow(dead_code)]

use std::path::PathBuf;

/// The `qn-planner` binary cargo built with the benchmarks (a release build under `cargo bench`).
pub const QN_PLANNER: &str = env!("CARGO_BIN_EXE_qn-planner");

pub struct Args {
    /// The folder (made if missing).
    pub dir: PathBuf,
    /// The `qn-planner` built with this benchmark.
    pub qn: String,
    nums: Vec<(String, u64)>,
}

impl Args {
    /// Reads the command line: a folder and the numeric options named in `options` (with
    /// their leading `--`); `usage` is said when the folder is missing.
    pub fn parse(usage: &str, options: &[&str]) -> Result<Args, String> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let mut dir: Option<PathBuf> = None;
        let mut nums = Vec::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if a == "--bench" {
                // `cargo bench` passes it to every benchmark; these have no harness.
                continue;
            } else if options.contains(&a.as_str()) {
                let n = it
                    .next()
                    .and_then(|v| v.replace('_', "").parse().ok())
                    .ok_or_else(|| format!("{a} needs a number"))?;
                nums.push((a.clone(), n));
            } else if !a.starts_with("--") {
                dir = Some(PathBuf::from(a));
            } else {
                return Err(format!("unknown option {a}"));
            }
        }
        let dir = dir.ok_or_else(|| format!("usage: {usage}"))?;
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let qn = QN_PLANNER.to_string();
        Ok(Args { dir, qn, nums })
    }

    /// The value of option `name`, else `default`.
    pub fn num(&self, name: &str, default: u64) -> u64 {
        self.nums
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map_or(default, |(_, v)| *v)
    }
}
