//! The headless commands: exit codes, messages and output.

use std::process::Command;

fn qn() -> Command {
    Command::new(env!("CARGO_BIN_EXE_qn-planner"))
}

#[test]
fn init_and_info_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gpkg");
    let out = qn().arg("init").arg(&path).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A second init refuses to overwrite, with a one-line reason.
    let again = qn().arg("init").arg(&path).output().unwrap();
    assert!(!again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("--force"));
    assert!(
        qn().arg("init")
            .arg(&path)
            .arg("--force")
            .status()
            .unwrap()
            .success()
    );

    let out = qn().arg("info").arg(&path).arg("--json").output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let layers = v["layers"].as_array().unwrap();
    let get = |t: &str| layers.iter().find(|l| l["table"] == t).unwrap().clone();
    assert_eq!(get("industrial_zones")["count"], 4);
    assert_eq!(get("industrial_clusters")["count"], 8);
    assert_eq!(get("proposed_clusters")["count"], 10);
    assert_eq!(get("craft_villages")["count"], 4);
    assert_eq!(get("industrial_centres")["count"], 5);
    assert_eq!(get("centre_plants")["count"], 13);
    let ext = get("industrial_clusters")["extent"]
        .as_array()
        .unwrap()
        .clone();
    let ext: Vec<f64> = ext.iter().map(|x| x.as_f64().unwrap()).collect();
    assert!(
        ext[0] > 106.4 && ext[2] < 108.2 && ext[1] > 20.6 && ext[3] < 21.8,
        "{ext:?}"
    );
    assert_eq!(get("industrial_zones")["identifier"], "Khu công nghiệp");

    let text = qn().arg("info").arg(&path).output().unwrap();
    assert!(text.status.success());
    let s = String::from_utf8(text.stdout).unwrap();
    assert!(
        s.contains("proposed_clusters") && s.contains("Cụm công nghiệp dự kiến"),
        "{s}"
    );
}

#[test]
fn errors_exit_non_zero_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.gpkg");
    std::fs::write(&bad, "hello").unwrap();
    // A command that failed: status 1 and one line saying why.
    for args in [
        vec!["info".to_string(), bad.display().to_string()],
        vec![
            "info".to_string(),
            dir.path().join("none.gpkg").display().to_string(),
        ],
    ] {
        let out = qn().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("qn-planner: "), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // A wrong command line: status 2, what is wrong, and where to read more.
    for args in [
        vec!["info"],
        vec!["init", "--frobnicate", "x.gpkg"],
        vec!["--nope"],
        vec!["pack", "p.gpkg", "out.pdf", "--dpi", "100"],
        vec!["export", "p.gpkg", "out.png", "--year", "1990"],
        vec!["export", "p.gpkg", "out.png", "--landscape", "--portrait"],
        vec!["import", "p.gpkg", "in.geojson", "--map", "name=ten"],
        vec!["report", "p.gpkg", "--date", "2024-01-01"],
        vec!["report", "p.gpkg", "--rules", "--date", "2024-02-30"],
    ] {
        let out = qn().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(err.contains("--help"), "{args:?}: {err}");
    }
    assert!(!std::path::Path::new("x.gpkg").exists());
    assert_eq!(std::fs::read(&bad).unwrap(), b"hello");
}

#[test]
fn every_command_has_help_and_the_exit_codes_are_documented() {
    let top = qn().arg("--help").output().unwrap();
    assert_eq!(top.status.code(), Some(0));
    let text = String::from_utf8_lossy(&top.stdout);
    assert!(text.contains("Exit status: 0 done; 1 failed"), "{text}");
    for cmd in [
        "init",
        "info",
        "report",
        "export",
        "pack",
        "import",
        "export-layer",
    ] {
        let out = qn().args([cmd, "--help"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{cmd}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(&format!("qn-planner {cmd}")), "{cmd}: {text}");
        assert!(
            text.contains("The project (a qn-planner GeoPackage)"),
            "{cmd}: {text}"
        );
    }
}

#[test]
fn a_reader_that_closes_the_pipe_ends_the_report_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gpkg");
    assert!(qn().arg("init").arg(&path).status().unwrap().success());
    // 1,500 proposed clusters, judged on --date: far more output than a pipe holds.
    let csv = dir.path().join("many.csv");
    let mut text = String::from("ten,lon,lat\n");
    for i in 0..1500 {
        text.push_str(&format!(
            "Cụm {i},{:.5},{:.5}\n",
            107.0 + f64::from(i) * 0.0003,
            21.0 + f64::from(i % 50) * 0.001
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let imported = qn()
        .arg("import")
        .arg(&path)
        .arg(&csv)
        .args(["--into", "proposed_clusters", "--map", "name=ten"])
        .output()
        .unwrap();
    assert!(imported.status.success(), "{imported:?}");
    // `report --rules --csv | head -1`: the reader takes one line and goes away.
    let mut child = qn()
        .args(["report", "--rules", "--csv", "--date", "2025-01-01"])
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("site_table,fid,name"), "{first}");
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}

#[test]
fn report_prints_indicators_and_rules() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gpkg");
    assert!(qn().arg("init").arg(&path).status().unwrap().success());
    let out = qn().arg("report").arg(&path).output().unwrap();
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("Quy hoạch 2007 (tham chiếu)"), "{s}");
    assert!(
        s.contains("16869") && s.contains("20150") && s.contains("(document ¶4)"),
        "{s}"
    );
    assert!(
        s.contains("2010: plan — (no rate entered) vs reported 27812 bn VND (constant 1994 prices"),
        "{s}"
    );
    let csv = qn().arg("report").arg(&path).arg("--csv").output().unwrap();
    assert!(csv.status.success());
    let c = String::from_utf8(csv.stdout).unwrap();
    assert!(c.starts_with("indicator,2005,2005 source,"));
    assert!(c.contains("industrial output, reported (bn VND)"));
    // Rules: a report, so exit 0 even with failed rules; every judged site is listed.
    let rules = qn()
        .arg("report")
        .arg(&path)
        .arg("--rules")
        .arg("--csv")
        .output()
        .unwrap();
    assert!(rules.status.success());
    let r = String::from_utf8(rules.stdout).unwrap();
    assert!(r.starts_with(
        "site_table,fid,name,year,check,rule_key,verdict,detail,citation,accepted_reason\n"
    ));
    assert!(
        r.contains("industrial_clusters,2,Hải Hòa,2006,ccn_area,,no rule in force"),
        "{r}"
    );
    let bad = qn()
        .arg("report")
        .arg(&path)
        .arg("--scenario")
        .arg("nope")
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no scenario named"));
}

/// `report --by unit2025` (issue 29): the planning sites grouped by their commune-level unit
/// of 1 July 2025, with its code; the sites whose unit is not known listed last, never
/// guessed; `--by district2006` by the plan's own districts; `--csv` for a spreadsheet.
#[test]
fn report_by_unit2025_groups_the_sites_by_today_s_units() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("p.gpkg");
    let f = f.to_str().unwrap();
    assert!(qn().args(["init", f]).status().unwrap().success());
    let out = qn()
        .args(["report", f, "--by", "unit2025"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let line = |start: &str| {
        text.lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("{start} in\n{text}"))
            .to_string()
    };
    let cao_xanh = line("Phường Cao Xanh");
    assert!(
        cao_xanh.contains("06658") && cao_xanh.contains("Hà Khánh"),
        "{cao_xanh}"
    );
    // Hoành Bồ's Lê Lợi, in Hạ Long since 2019, is in a ward of 2025.
    assert!(line("Phường Hoành Bồ").contains("Lê Lợi"));
    let unknown = line("(not known)");
    assert!(unknown.contains("Bến Đục"), "{unknown}");
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("(not known)"))
            .count(),
        1
    );
    let out = qn()
        .args(["report", f, "--by", "district2006", "--csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(
        csv.starts_with("district_2006,code,sites,area_ha,"),
        "{csv}"
    );
    assert!(csv.lines().any(|l| l.starts_with("Hoành Bồ,")), "{csv}");
    // A grouping that does not exist is refused by name.
    let out = qn().args(["report", f, "--by", "huyen"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
