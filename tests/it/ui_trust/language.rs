//! One language at a time: a Vietnamese screen shows no raw key and no English.

use super::*;

/// Every text of the window's accessibility tree (labels and values).
fn screen_texts(h: &Harness<'static, QnApp>) -> Vec<String> {
    let mut out = Vec::new();
    use egui_kittest::kittest::NodeT;
    for n in h.query_all(egui_kittest::kittest::by()) {
        let a = n.accesskit_node();
        if let Some(l) = a.label() {
            out.push(l.to_string());
        }
        if let Some(v) = a.value() {
            out.push(v.to_string());
        }
    }
    out
}

/// What in a Vietnamese screen's text is a key of ours or English: snake_case identifiers,
/// our own file names, and common English words.
fn not_vietnamese(texts: &[String]) -> Vec<String> {
    const ENGLISH: [&str; 14] = [
        "the", "is", "not", "of", "and", "computed", "seeded", "with", "from", "set", "by", "must",
        "outside", "entered",
    ];
    let mut bad = Vec::new();
    for t in texts {
        for w in t.split(|c: char| c.is_whitespace() || "()[]{},;:«»“”\"'·—–/".contains(c))
        {
            let w = w.trim_matches(|c: char| c == '.' || c == '!' || c == '?');
            let snake = w.contains('_')
                && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && w.chars().any(|c| c.is_ascii_lowercase());
            let ours = w.ends_with(".md") || w.ends_with(".csv") && w.contains("rules");
            let english = ENGLISH.iter().any(|e| w.eq_ignore_ascii_case(e));
            if snake || ours || english {
                bad.push(format!("{w:?} in {t:?}"));
            }
        }
    }
    bad.sort();
    bad.dedup();
    bad
}

/// A Vietnamese screen shows no key of ours (snake_case identifiers, our own file names) and no
/// English words: the main window with a site's form, each tab of the scenario window with the
/// reference scenario active, the rules window, the attribute table, the export window and the
/// import window. Kept out on purpose: sites' location sources and rules' sources, citations
/// quoted as their sources give them (addresses, page titles).
#[test]
fn a_vietnamese_screen_shows_no_raw_key_nor_english() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, file) = session(&dir, "lang.gpkg");
    let mut h = harness(Some(file));
    let (l, f) = select(&mut h, "Hà Khánh");
    h.state_mut().settle_checks();
    h.run();
    let cited = h
        .state()
        .project()
        .site(l, f)
        .unwrap()
        .location_source
        .clone();
    let shown = |h: &Harness<'static, QnApp>| -> Vec<String> {
        screen_texts(h)
            .into_iter()
            .filter(|t| !cited.starts_with(t.trim_end()) || t.trim().is_empty())
            .collect()
    };
    assert_eq!(
        not_vietnamese(&shown(&h)),
        Vec::<String>::new(),
        "main window and form"
    );
    h.get_by_role_and_label(Role::Button, "Kịch bản").click();
    h.run();
    let reference = h.state().project().reference_scenario().unwrap().id;
    h.state_mut().set_compared(vec![reference]);
    for tab in ["Soạn kịch bản", "Chỉ tiêu", "Biểu đồ", "So sánh"] {
        h.get_all_by_label(tab).next().unwrap().click();
        h.run();
        if tab == "Soạn kịch bản" {
            // Make the reference scenario the active one (the map follows it).
            h.state_mut().set_active_scenario(Some(reference));
            h.run();
        }
        if tab == "Chỉ tiêu" {
            // Open the list of what was reported after 2007 (closed by default).
            h.get_by_label_contains("Số liệu đã công bố sau 2007")
                .click();
            h.run();
            h.get_by_label_contains("toàn tỉnh");
        }
        assert_eq!(
            not_vietnamese(&shown(&h)),
            Vec::<String>::new(),
            "scenario tab {tab}"
        );
    }
    h.key_press(egui::Key::Escape);
    h.run();
    h.get_by_role_and_label(Role::Button, "Quy định").click();
    h.run();
    // The notes are on screen (and so checked below).
    h.get_by_label_contains("Dải cây xanh quanh KCN/CCN");
    // A rule's source is a citation, quoted as its source gives it (addresses, paths).
    let sources: Vec<String> = h
        .state()
        .project()
        .rules
        .iter()
        .map(|r| r.source.clone())
        .collect();
    let texts: Vec<String> = shown(&h)
        .into_iter()
        .filter(|t| {
            !sources
                .iter()
                .any(|s| s.contains(t.trim()) && !t.trim().is_empty())
        })
        .collect();
    assert_eq!(
        not_vietnamese(&texts),
        Vec::<String>::new(),
        "rules window, notes included"
    );
    h.key_press(egui::Key::Escape);
    h.run();

    // The attribute table (every site's notes; their location sources are citations).
    let sources: Vec<String> = h
        .state()
        .project()
        .sites
        .iter()
        .map(|s| s.location_source.clone())
        .collect();
    h.get_by_label("Bảng thuộc tính").click();
    h.run();
    h.run();
    let texts: Vec<String> = shown(&h)
        .into_iter()
        .filter(|t| {
            !sources
                .iter()
                .any(|s| !t.trim().is_empty() && s.contains(t.trim()))
        })
        .collect();
    assert_eq!(
        not_vietnamese(&texts),
        Vec::<String>::new(),
        "attribute table"
    );
    h.key_press(egui::Key::Escape);
    h.run();

    // The export window.
    h.get_by_label("Tệp").click();
    h.run();
    h.get_by_label("Xuất bản đồ…").click();
    h.run();
    h.run();
    h.get_by_label("Khổ giấy");
    assert_eq!(
        not_vietnamese(&shown(&h)),
        Vec::<String>::new(),
        "export window"
    );
    h.key_press(egui::Key::Escape);
    h.run();

    // The import window, with a file read and its first records shown.
    let input = dir.path().join("khu.geojson");
    std::fs::write(
        &input,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ten":"Khu thử"},"geometry":{"type":"Point","coordinates":[107.1,21.0]}}]}"#,
    )
    .unwrap();
    h.state_mut().import_file(input);
    for _ in 0..100 {
        h.run_steps(3);
        if h.query_by_label_contains("1 đối tượng").is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(30));
    }
    h.get_by_label_contains("1 đối tượng");
    assert_eq!(
        not_vietnamese(&shown(&h)),
        Vec::<String>::new(),
        "import window"
    );

    // What is wrong inside a file is said in Vietnamese too: a truncated GeoJSON, a CSV whose
    // coordinate is no number.
    for (name, text, says) in [
        (
            "cut.geojson",
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ten":"A"},"geometry":{"type":"Point","coordinates":[107.1,21.0]}},"#,
            "tệp kết thúc",
        ),
        ("so.csv", "ten,lon,lat\nA,abc,21.0\n", "không phải là số"),
    ] {
        let input = dir.path().join(name);
        std::fs::write(&input, text).unwrap();
        h.state_mut().import_file(input);
        for _ in 0..100 {
            h.run_steps(3);
            if h.query_by_label_contains(says).is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(30));
        }
        h.get_by_label_contains(says);
        assert_eq!(not_vietnamese(&shown(&h)), Vec::<String>::new(), "{name}");
    }
}
