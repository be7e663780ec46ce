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
    for args in [
        vec!["info".to_string(), bad.display().to_string()],
        vec![
            "info".to_string(),
            dir.path().join("none.gpkg").display().to_string(),
        ],
        vec!["info".to_string()],
        vec![
            "init".to_string(),
            "--frobnicate".to_string(),
            "x.gpkg".to_string(),
        ],
        vec!["--nope".to_string()],
    ] {
        let out = qn().args(&args).output().unwrap();
        assert!(!out.status.success(), "{args:?} succeeded");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("qn-planner: "), "{args:?}: {err}");
    }
    assert_eq!(std::fs::read(&bad).unwrap(), b"hello");
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
