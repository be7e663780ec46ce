//! The print layout of issue 26 §2: a chosen scale that is true on paper (a 10 km bar measured
//! in the PNG's pixels), a map fitted to a site, the title block, the draft mark and the grid,
//! all set from the command line, kept in the project, and refused clearly when wrong.

use qn_planner::export::{Composer, Extent, Grid, MapSpec, Paper, PrintLayout, render};
use qn_planner::lang::Language;
use qn_planner::store::ProjectFile;
use std::path::Path;
use std::process::{Command, Output};

fn project() -> (tempfile::TempDir, std::path::PathBuf) {
    crate::common::temp_project("kế hoạch.gpkg")
}

fn qn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qn-planner"))
        .args(args)
        .env(
            "QN_PLANNER_HOME",
            std::env::temp_dir().join("qn-print-layout-home"),
        )
        .output()
        .unwrap()
}

fn said(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The PDF's text (pdftotext), or `None` where poppler is missing and not required.
fn pdf_text(path: &Path) -> Option<String> {
    match Command::new("pdftotext").arg(path).arg("-").output() {
        Ok(o) => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        Err(e) if std::env::var_os("QN_REQUIRE_GDAL").is_none() => {
            eprintln!("skipped the PDF text: pdftotext: {e}");
            None
        }
        Err(e) => panic!("pdftotext (poppler-utils): {e}"),
    }
}

/// The centres (px) of the dark vertical runs on row `y` between `x0` and `x1`.
fn dark_runs(pm: &tiny_skia::Pixmap, y: u32, x0: u32, x1: u32) -> Vec<f64> {
    let mut runs = Vec::new();
    let mut start = None;
    for x in x0..=x1 {
        let c = pm.pixel(x, y).unwrap().demultiply();
        let dark = u32::from(c.red()) + u32::from(c.green()) + u32::from(c.blue()) < 3 * 96;
        match (dark, start) {
            (true, None) => start = Some(x),
            (false, Some(s)) => {
                runs.push(f64::from(s + x - 1) / 2.0);
                start = None;
            }
            _ => {}
        }
    }
    runs
}

#[test]
fn a_10_km_scale_bar_at_1_to_100000_and_300_dpi_is_1181_px() {
    let (_d, path) = project();
    let pf = ProjectFile::open(&path).unwrap();
    let project = pf.read_project().unwrap();
    let c = Composer::new().unwrap();
    for (paper, landscape) in [(Paper::A3, true), (Paper::A2, false)] {
        let layout = PrintLayout {
            paper,
            landscape,
            scale: Some(100_000),
            extent: Extent::Site {
                name: "Cái Lân".into(),
                margin_m: 1_000.0,
            },
            ..PrintLayout::default()
        };
        let mut spec = MapSpec::new("t", Language::Vi);
        layout.fill_spec(&mut spec, &project, c.tm3()).unwrap();
        let page = c.map_page(&project, &spec).unwrap();
        let bar = page.scale_bar.unwrap();
        assert_eq!(bar.label_m, 10_000.0, "{paper:?}: a 10 km bar");
        assert_eq!(bar.scale, 100_000.0);
        assert!(page.svg.contains("Tỷ lệ 1:100.000"), "the written scale");
        let pm = render::pixels(&page, 300).unwrap();
        let px = |mm: f64| mm / 25.4 * 300.0;
        // Under the bar only its ticks are drawn: measure between the first and the last.
        let row = px(bar.y_mm + 2.0) as u32;
        let runs = dark_runs(
            &pm,
            row,
            px(bar.x_mm - 3.0) as u32,
            px(bar.x_mm + bar.length_mm + 1.5) as u32,
        );
        assert_eq!(
            runs.len(),
            3,
            "{paper:?}: ticks at 0, 5 and 10 km: {runs:?}"
        );
        let measured = runs[2] - runs[0];
        eprintln!("{paper:?}: the 10 km bar measures {measured:.1} px at 300 dpi (1,181.1 wanted)");
        assert!(
            (measured - 1181.0).abs() <= 2.0,
            "{paper:?}: 10 km at 1:100.000 and 300 dpi measures {measured} px"
        );
    }
}

#[test]
fn a_map_fitted_to_a_site_is_centred_on_it() {
    let (_d, path) = project();
    let project = ProjectFile::open(&path).unwrap().read_project().unwrap();
    let c = Composer::new().unwrap();
    let layout = PrintLayout {
        scale: Some(50_000),
        extent: Extent::Site {
            name: "cai lan".into(),
            margin_m: 500.0,
        },
        ..PrintLayout::default()
    };
    let mut spec = MapSpec::new("t", Language::Vi);
    layout.fill_spec(&mut spec, &project, c.tm3()).unwrap();
    let site = qn_planner::export::layout::find_site(&project, "Cái Lân").unwrap();
    let geo_types::Geometry::Point(p) = site.geom.clone().unwrap() else {
        panic!("Cái Lân is seeded as a point")
    };
    let (e, n) = c.tm3().tm3_from_lonlat(p.x(), p.y()).unwrap();
    let page = c.map_page(&project, &spec).unwrap();
    let bar = page.scale_bar.unwrap();
    assert!(
        (bar.centre[0] - e).abs() < 1.0 && (bar.centre[1] - n).abs() < 1.0,
        "centred on Cái Lân: {:?} vs ({e}, {n})",
        bar.centre
    );
    assert_eq!(bar.proj_m_per_mm, 50.0, "1:50.000 is 50 m to the mm");
    // The frame shows exactly what the window outlines.
    let (min, max, _) = c.print_frame(&project, &spec);
    let f = page.map_frame.unwrap();
    let w_mm = f64::from(f.max[0] - f.min[0]);
    assert!(((max[0] - min[0]) / w_mm - 50.0).abs() < 0.01);
    // Unfitted, a sheet's scale is the round one just above what fits the province.
    let mut spec = MapSpec::new("t", Language::Vi);
    PrintLayout::default()
        .fill_spec(&mut spec, &project, c.tm3())
        .unwrap();
    let s = c.print_frame(&project, &spec).2;
    assert_eq!(s % 5_000.0, 0.0, "a round scale: {s}");
}

#[test]
fn the_cli_sets_the_layout_keeps_it_and_the_next_export_looks_the_same() {
    let (dir, path) = project();
    let p = path.to_str().unwrap();
    let out = |n: &str| dir.path().join(n);
    let o = qn(&[
        "export",
        p,
        out("một.pdf").to_str().unwrap(),
        "--paper",
        "a3",
        "--scale",
        "1:100.000",
        "--extent",
        "site:Cái Lân",
        "--title",
        "Bản đồ cụm công nghiệp Cái Lân",
        "--issuer",
        "UBND TỈNH QUẢNG NINH — SỞ CÔNG THƯƠNG",
        "--author",
        "Nguyễn Thị Lan",
        "--note",
        "Ranh giới cụm là gần đúng.",
        "--draft",
        "--grid",
        "metres",
    ]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(
        said(&o).contains("scale 1:100.000, A3 landscape"),
        "{}",
        said(&o)
    );
    // The next export, given nothing, looks the same.
    let o = qn(&["export", p, out("hai.pdf").to_str().unwrap()]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(
        said(&o).contains("scale 1:100.000, A3 landscape"),
        "{}",
        said(&o)
    );
    let kept = PrintLayout::load(&ProjectFile::open(&path).unwrap())
        .unwrap()
        .0;
    assert_eq!(kept.scale, Some(100_000));
    assert_eq!(kept.paper, Paper::A3);
    assert_eq!(kept.grid, Grid::Metres);
    assert!(kept.draft);
    assert_eq!(
        kept.extent,
        Extent::Site {
            name: "Cái Lân".into(),
            margin_m: 1_000.0
        }
    );
    for f in ["một.pdf", "hai.pdf"] {
        let Some(text) = pdf_text(&out(f)) else {
            return;
        };
        for want in [
            "UBND TỈNH QUẢNG NINH — SỞ CÔNG THƯƠNG",
            "Bản đồ cụm công nghiệp Cái Lân",
            "Tỷ lệ 1:100.000",
            "VN-2000, KTT 107°45′, múi 3°",
            "Nguyễn Thị Lan",
            "Ranh giới cụm là gần đúng.",
            "DỰ THẢO",
            "Cái Lân",
            "Quần đảo Hoàng Sa",
        ] {
            assert!(text.contains(want), "{f}: no “{want}” in\n{text}");
        }
        // The grid's labels: VN-2000 northings around Cái Lân (≈ 2 320 000 m).
        assert!(
            text.contains("2\u{202f}320\u{202f}000") || text.contains("2 320 000"),
            "{f}: no grid label in\n{text}"
        );
    }
    // Taken back: no draft, the whole province fitted, no grid.
    let o = qn(&[
        "export",
        p,
        out("ba.pdf").to_str().unwrap(),
        "--no-draft",
        "--scale",
        "fit",
        "--extent",
        "province",
        "--grid",
        "off",
        "--portrait",
    ]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(said(&o).contains("A3 portrait"), "{}", said(&o));
    assert!(!said(&o).contains("scale 1:100.000"), "{}", said(&o));
    if let Some(text) = pdf_text(&out("ba.pdf")) {
        assert!(!text.contains("DỰ THẢO"), "the draft mark is gone");
        assert!(text.contains("Nguyễn Thị Lan"), "the author stays");
    }
}

#[test]
fn wrong_layout_options_are_refused_and_write_nothing() {
    let (dir, path) = project();
    let p = path.to_str().unwrap();
    let target = dir.path().join("x.png");
    let t = target.to_str().unwrap();
    for (args, status, says) in [
        (
            vec!["--extent", "site:Không Có"],
            1,
            "no site named “Không Có”",
        ),
        (vec!["--scale", "1:10"], 2, "between 1:500"),
        (vec!["--scale", "nhiều"], 2, "a scale is a number"),
        (vec!["--extent", "1,2,3"], 1, "four numbers"),
        (
            vec!["--margin", "500"],
            1,
            "--margin goes with --extent site:NAME",
        ),
        (vec!["--paper", "b5"], 2, "use a4, a3, a2, a1 or a0"),
        (vec!["--grid", "utm"], 2, "use off, metres or degrees"),
        (vec!["--draft", "--no-draft"], 2, "cannot be used with"),
    ] {
        let mut all = vec!["export", p, t];
        all.extend(&args);
        let o = qn(&all);
        assert_eq!(o.status.code(), Some(status), "{args:?}: {}", said(&o));
        assert!(said(&o).contains(says), "{args:?}: {}", said(&o));
        assert!(!target.exists(), "{args:?} wrote a file");
    }
    // Nothing was kept either.
    let f = ProjectFile::open(&path).unwrap();
    assert_eq!(f.meta(qn_planner::export::layout::STORE_KEY).unwrap(), None);
}

#[test]
fn a_kept_layout_this_version_cannot_read_gives_the_default_and_says_so() {
    let (dir, path) = project();
    {
        let mut f = ProjectFile::open(&path).unwrap();
        f.set_meta(qn_planner::export::layout::STORE_KEY, "{\"paper\": \"b5\"}")
            .unwrap();
    }
    let out = dir.path().join("m.svg");
    let o = qn(&["export", path.to_str().unwrap(), out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(
        said(&o).contains("the stored print layout could not be read"),
        "{}",
        said(&o)
    );
    assert!(said(&o).contains("A4 landscape"), "{}", said(&o));
}

/// The atlas: one sheet per located site of a layer, each with its card (the rows, the phasing
/// in every scenario, the rules with their citations, the source paragraph), bookmarked by
/// name in page order; --site takes some sites in the order given, --scale fixes the scale.
#[test]
fn the_atlas_makes_a_bookmarked_sheet_per_site_with_its_card() {
    let (dir, path) = project();
    let p = path.to_str().unwrap();
    let out = dir.path().join("tập bản đồ.pdf");
    let o = qn(&["atlas", p, "proposed_clusters", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", said(&o));
    let project = ProjectFile::open(&path).unwrap().read_project().unwrap();
    let mut names: Vec<String> = project
        .sites_of(qn_planner::model::Layer::ProposedClusters)
        .filter(|s| s.geom.is_some())
        .map(|s| s.name.clone())
        .collect();
    assert!(names.len() >= 5, "the seed has located proposed clusters");
    names.sort_by_key(|n| qn_planner::model::text::fold(n));
    assert!(
        said(&o).contains(&format!("{} site sheets", names.len())),
        "{}",
        said(&o)
    );
    let pdf = std::fs::read(&out).unwrap();
    let count = |needle: &[u8]| pdf.windows(needle.len()).filter(|w| *w == needle).count();
    assert_eq!(
        count(b"/Type /Page") - count(b"/Type /Pages"),
        names.len(),
        "a page per site"
    );
    // The bookmarks, in page order (poppler's pdftohtml lists a PDF's outline).
    match Command::new("pdftohtml")
        .args(["-xml", "-stdout", "-i", "-q"])
        .arg(&out)
        .output()
    {
        Ok(o) => {
            let xml = String::from_utf8_lossy(&o.stdout);
            let marks: Vec<(String, String)> = xml
                .split("<item page=\"")
                .skip(1)
                .map(|s| {
                    let (page, rest) = s.split_once("\">").unwrap();
                    (
                        page.to_string(),
                        rest.split("</item>").next().unwrap().to_string(),
                    )
                })
                .collect();
            let want: Vec<(String, String)> = names
                .iter()
                .enumerate()
                .map(|(i, n)| ((i + 1).to_string(), n.clone()))
                .collect();
            assert_eq!(marks, want, "a bookmark per site, by name, in page order");
        }
        Err(e) if std::env::var_os("QN_REQUIRE_GDAL").is_none() => {
            eprintln!("skipped the bookmarks: pdftohtml: {e}")
        }
        Err(e) => panic!("pdftohtml (poppler-utils): {e}"),
    }
    if let Some(text) = pdf_text(&out) {
        for want in [
            "Phân kỳ theo kịch bản",
            "Quy hoạch 2007 (tham chiếu)",
            "Quy định",
            "báo cáo 2007, ¶",
            "Trạng thái",
            "dự kiến",
            "Quần đảo Trường Sa",
        ] {
            assert!(text.contains(want), "no “{want}” in the atlas");
        }
        for n in &names {
            assert!(text.contains(n.as_str()), "no sheet of {n}");
        }
    }
    // Two named sites, in the order given, at 1:25.000.
    let two = dir.path().join("hai.pdf");
    let o = qn(&[
        "atlas",
        p,
        "Cụm công nghiệp dự kiến",
        two.to_str().unwrap(),
        "--site",
        &names[1],
        "--site",
        &names[0],
        "--scale",
        "1:25.000",
    ]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(said(&o).contains("2 site sheets"), "{}", said(&o));
    if let Some(text) = pdf_text(&two) {
        assert!(text.contains("Tỷ lệ 1:25.000"));
        let (a, b) = (
            text.find(names[1].as_str()).unwrap(),
            text.find(names[0].as_str()).unwrap(),
        );
        assert!(a < b, "the order given");
    }
}

#[test]
fn a_wrong_atlas_is_refused_and_writes_nothing() {
    let (dir, path) = project();
    let p = path.to_str().unwrap();
    let out = dir.path().join("x.pdf");
    let o_ = out.to_str().unwrap();
    for (args, status, says) in [
        (vec!["atlas", p, "roads", o_], 1, "not a planning layer"),
        (
            vec!["atlas", p, "industrial_zones", o_, "--site", "Hà Khánh"],
            1,
            "is in proposed_clusters, not in industrial_zones",
        ),
        (
            vec!["atlas", p, "industrial_zones", o_, "--site", "Không Có"],
            1,
            "no site named",
        ),
        (
            vec!["atlas", p, "industrial_zones", "x.png"],
            1,
            "an atlas is a .pdf",
        ),
        (
            vec!["atlas", p, "industrial_zones", o_, "--scale", "0"],
            2,
            "the scale must lie between",
        ),
        (
            vec!["atlas", p, "industrial_zones", o_, "--scenario", "Không có"],
            1,
            "no scenario named",
        ),
    ] {
        let o = qn(&args);
        assert_eq!(o.status.code(), Some(status), "{args:?}: {}", said(&o));
        assert!(said(&o).contains(says), "{args:?}: {}", said(&o));
        assert!(!out.exists(), "{args:?} wrote a file");
    }
}

fn legend_names(svg: &str) -> Vec<&'static str> {
    [
        "Khu công nghiệp",
        "Cụm công nghiệp",
        "Cụm công nghiệp dự kiến",
        "Làng nghề",
        "Trung tâm công nghiệp",
        "Thành phố, thị xã, thị trấn",
        "Vị trí gần đúng / tâm phường, xã",
        "Biên giới Việt – Trung",
        "Ranh giới tỉnh",
    ]
    .into_iter()
    .filter(|n| svg.contains(&format!(">{n}</text>")))
    .collect()
}

/// The legend lists what the map shows and nothing else: the whole province every layer and
/// line; the 1:100.000 sheet around Cái Lân neither the border nor the craft villages, which lie
/// outside it.
#[test]
fn the_legend_lists_only_what_the_map_shows() {
    let (_d, path) = project();
    let project = ProjectFile::open(&path).unwrap().read_project().unwrap();
    let c = Composer::new().unwrap();
    let mut spec = MapSpec::new("t", Language::Vi);
    PrintLayout::default()
        .fill_spec(&mut spec, &project, c.tm3())
        .unwrap();
    let whole = c.map_page(&project, &spec).unwrap();
    assert_eq!(
        legend_names(&whole.svg),
        [
            "Khu công nghiệp",
            "Cụm công nghiệp",
            "Cụm công nghiệp dự kiến",
            "Làng nghề",
            "Trung tâm công nghiệp",
            "Thành phố, thị xã, thị trấn",
            "Vị trí gần đúng / tâm phường, xã",
            "Biên giới Việt – Trung",
            "Ranh giới tỉnh",
        ]
    );
    let layout = PrintLayout {
        scale: Some(100_000),
        extent: Extent::Site {
            name: "Cái Lân".into(),
            margin_m: 0.0,
        },
        ..PrintLayout::default()
    };
    let mut spec = MapSpec::new("t", Language::Vi);
    layout.fill_spec(&mut spec, &project, c.tm3()).unwrap();
    let near = c.map_page(&project, &spec).unwrap();
    let names = legend_names(&near.svg);
    for shown in [
        "Khu công nghiệp",
        "Cụm công nghiệp dự kiến",
        "Trung tâm công nghiệp",
    ] {
        assert!(names.contains(&shown), "{shown} is on the map: {names:?}");
    }
    for absent in ["Làng nghề", "Biên giới Việt – Trung"] {
        assert!(
            !names.contains(&absent),
            "{absent} is not on the map: {names:?}"
        );
    }
}

/// A categorised style with large markers: in the legend each category's symbol is drawn
/// small enough that rows never touch (measured on the PNG: a white pixel row between any two
/// symbols of the legend's symbol column).
#[test]
fn legend_symbols_of_a_categorised_style_never_touch() {
    use qn_planner::model::style::{LayerStyle, Symbol, Value, categorise, site_value};
    let (_d, path) = project();
    let mut project = ProjectFile::open(&path).unwrap().read_project().unwrap();
    let layer = qn_planner::model::Layer::ProposedClusters;
    let values: Vec<Value> = project
        .sites_of(layer)
        .map(|s| site_value(s, "name"))
        .collect();
    let mut base = Symbol::plain([0, 0, 0]);
    base.size_mm = 8.0;
    let mut style = LayerStyle::default_for(layer);
    style.renderer = categorise("name", &values, &base);
    project.styles.insert(layer.table().to_string(), style);
    let c = Composer::new().unwrap();
    let mut spec = MapSpec::new("t", Language::Vi);
    PrintLayout::default()
        .fill_spec(&mut spec, &project, c.tm3())
        .unwrap();
    let page = c.map_page(&project, &spec).unwrap();
    let dpi = 300;
    let pm = render::pixels(&page, dpi).unwrap();
    let px = |mm: f32| (f64::from(mm) / 25.4 * f64::from(dpi)) as u32;
    let lb = page.legend_box.unwrap();
    // The categories' symbol column: 5–13 mm from the legend's left edge (their symbols are
    // centred 9 mm in), below its heading.
    let (x0, x1) = (px(lb.min[0] + 5.0), px(lb.min[0] + 13.0));
    let (y0, y1) = (px(lb.min[1] + 7.5), px(lb.max[1] - 0.5));
    let mut inked: Vec<bool> = Vec::new();
    for y in y0..y1 {
        inked.push((x0..x1).any(|x| {
            let c = pm.pixel(x, y).unwrap().demultiply();
            u32::from(c.red()) + u32::from(c.green()) + u32::from(c.blue()) < 3 * 235
        }));
    }
    // Runs of inked rows: one per symbol, each apart from the next.
    let runs = inked.windows(2).filter(|w| w[0] && !w[1]).count();
    let n_categories = 1 + project.sites_of(layer).count().min(13);
    eprintln!("{runs} separate symbols for {n_categories} categories");
    assert!(
        runs >= n_categories.min(14),
        "{runs} separate symbols in the legend for {n_categories} rows: symbols touch"
    );
}

/// A reference layer is listed in the legend by its title only where the frame holds some of
/// its features; an empty one never.
#[test]
fn a_reference_layer_is_listed_by_its_title_only_where_the_map_shows_it() {
    let (dir, path) = project();
    let p = path.to_str().unwrap();
    let input = dir.path().join("kcn_tcvn3.geojson");
    std::fs::write(
        &input,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ten":"Thửa 1"},"geometry":{"type":"Polygon","coordinates":[[[107.95,21.50],[107.97,21.50],[107.97,21.52],[107.95,21.50]]]}}]}"#,
    )
    .unwrap();
    let o = qn(&[
        "import",
        p,
        input.to_str().unwrap(),
        "--name",
        "Thửa đất Móng Cái",
    ]);
    assert!(o.status.success(), "{}", said(&o));
    let svg = |name: &str, args: &[&str]| {
        let out = dir.path().join(name);
        let mut all = vec!["export", p, out.to_str().unwrap()];
        all.extend_from_slice(args);
        let o = qn(&all);
        assert!(o.status.success(), "{}", said(&o));
        std::fs::read_to_string(out).unwrap()
    };
    let whole = svg("whole.svg", &[]);
    assert!(
        whole.contains(">Thửa đất Móng Cái</text>"),
        "listed on the province map"
    );
    assert!(!whole.contains("ref_kcn"), "never by its table's name");
    let near = svg(
        "near.svg",
        &["--scale", "100000", "--extent", "site:Cái Lân"],
    );
    assert!(
        !near.contains(">Thửa đất Móng Cái</text>"),
        "not listed where the map does not show it"
    );
}
