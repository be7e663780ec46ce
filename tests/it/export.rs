//! Print exports: SVG that parses and re-renders, PDFs with their pages and embedded fonts,
//! PNGs of the right pixel size, a true scale bar, labels that never overlap.

use qn_planner::export::{Composer, MapSpec, Paper, pack, render};
use qn_planner::io::crs::geodesic_distance_m;
use qn_planner::lang::Language;
use qn_planner::model::Project;
use qn_planner::store::ProjectFile;
use std::process::Command;

fn project() -> (tempfile::TempDir, std::path::PathBuf, Project) {
    let (dir, path) = crate::common::temp_project("e.gpkg");
    let p = ProjectFile::open(&path).unwrap().read_project().unwrap();
    (dir, path, p)
}

fn count(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

#[test]
fn the_svg_keeps_its_text_and_re_renders() {
    let (_d, _p, project) = project();
    let c = Composer::new().unwrap();
    let page = c
        .map_page(
            &project,
            &MapSpec::new(
                "Quy hoạch khu, cụm công nghiệp tỉnh Quảng Ninh",
                Language::Vi,
            ),
        )
        .unwrap();
    assert!(page.svg.contains("<text"), "text stays text");
    assert!(
        page.svg
            .contains("Quy hoạch khu, cụm công nghiệp tỉnh Quảng Ninh")
    );
    assert!(page.svg.contains("Hải Hòa") && page.svg.contains("Móng Cái"));
    let tree = render::tree(&page).unwrap();
    assert!((tree.size().width() - 297.0 / 25.4 * 96.0).abs() < 1.0);
    let png = render::png(&page, 96).unwrap();
    assert_eq!(&png[1..4], b"PNG");
}

#[test]
fn png_sizes_follow_paper_and_dpi() {
    let (_d, _p, project) = project();
    let c = Composer::new().unwrap();
    for (paper, landscape, dpi, size) in [
        (Paper::A4, true, 150, (1754, 1240)),
        (Paper::A4, false, 150, (1240, 1754)),
        (Paper::A3, true, 150, (2480, 1754)),
        (Paper::A4, true, 300, (3508, 2480)),
    ] {
        let mut spec = MapSpec::new("t", Language::En);
        spec.paper = paper;
        spec.landscape = landscape;
        let page = c.map_page(&project, &spec).unwrap();
        assert_eq!(render::pixel_size(&page, dpi), size);
        if dpi == 150 {
            let png = render::png(&page, dpi).unwrap();
            // IHDR: width and height, big-endian, at bytes 16..24.
            let w = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
            let h = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
            assert_eq!((w, h), size);
        }
    }
}

#[test]
fn the_scale_bar_is_true_within_one_percent_at_the_centre() {
    let (_d, _p, project) = project();
    let c = Composer::new().unwrap();
    for paper in [Paper::A4, Paper::A3] {
        let mut spec = MapSpec::new("t", Language::Vi);
        spec.paper = paper;
        let page = c.map_page(&project, &spec).unwrap();
        let bar = page.scale_bar.unwrap();
        // The bar's length on paper, laid centred on the map's centre, measured on the ground.
        let half = bar.length_mm / 2.0 * bar.proj_m_per_mm;
        let a = c
            .tm3()
            .lonlat_from_tm3(bar.centre[0] - half, bar.centre[1])
            .unwrap();
        let b = c
            .tm3()
            .lonlat_from_tm3(bar.centre[0] + half, bar.centre[1])
            .unwrap();
        let ground = geodesic_distance_m(a, b);
        let err = (ground - bar.label_m).abs() / bar.label_m;
        assert!(
            err < 0.01,
            "{paper:?}: bar says {} m, ground {ground:.1} m ({:.3} %)",
            bar.label_m,
            err * 100.0
        );
    }
}

#[test]
fn no_two_labels_overlap_nor_the_legend_at_a4_and_a3() {
    let (_d, _p, project) = project();
    let c = Composer::new().unwrap();
    for paper in [Paper::A4, Paper::A3] {
        for landscape in [true, false] {
            let mut spec = MapSpec::new("t", Language::Vi);
            spec.paper = paper;
            spec.landscape = landscape;
            let page = c.map_page(&project, &spec).unwrap();
            let labels = &page.label_boxes;
            assert!(
                labels.len() >= 25,
                "{paper:?}: only {} labels",
                labels.len()
            );
            let legend = page.legend_box.unwrap();
            for (i, (ta, a)) in labels.iter().enumerate() {
                assert!(!a.intersects(&legend), "'{ta}' overlaps the legend");
                for (tb, b) in &labels[i + 1..] {
                    assert!(!a.intersects(b), "{paper:?}: '{ta}' overlaps '{tb}'");
                }
            }
        }
    }
}

#[test]
fn a_single_map_pdf_has_one_page_and_embeds_its_font() {
    let (_d, _p, project) = project();
    let c = Composer::new().unwrap();
    let page = c
        .map_page(&project, &MapSpec::new("t", Language::Vi))
        .unwrap();
    let pdf = render::pdf(std::slice::from_ref(&page)).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(
        count(&pdf, b"/Type /Page\n") + count(&pdf, b"/Type /Page/") + count(&pdf, b"/Type /Page>"),
        1
    );
    assert!(count(&pdf, b"/FontFile2") >= 1, "the font is embedded");
    assert!(count(&pdf, b"NotoSans") >= 1);
}

#[test]
fn the_meeting_pack_has_a_cover_a_map_per_phase_tables_charts_rules_and_sources() {
    let (_d, _p, project) = project();
    let c = Composer::new().unwrap();
    let s = project.reference_scenario().unwrap().clone();
    let pages = pack::meeting_pack(
        &c,
        &project,
        &s,
        Language::Vi,
        "e.gpkg",
        "2026-11-26",
        Paper::A4,
        &[],
    )
    .unwrap();
    assert_eq!(pages.len(), 8);
    assert!(pages[1].svg.contains("2006–2010") && pages[3].svg.contains("2016–2020"));
    assert!(pages[4].svg.contains("Giá trị SXCN (tỷ đồng)"));
    assert!(pages[7].svg.contains("khuyencongquangninh.net.vn"));
    // One language: the Vietnamese pack's sources say "tính toán", not "computed" (the
    // licences' own credit lines, "Made with Natural Earth", stay as written).
    assert!(
        pages[4].svg.contains("tính toán") && pages[4].svg.contains("chưa đặt tỉ trọng năm gốc")
    );
    for p in &pages {
        for english in [
            "computed",
            "no base-year",
            "entered",
            "Shorelines",
            "Locator",
            "document ¶",
        ] {
            assert!(!p.svg.contains(english), "{english:?} in a Vietnamese pack");
        }
    }
    for p in &pages {
        render::tree(p).unwrap();
        assert!(
            !p.svg.contains('✔') && !p.svg.contains('✘'),
            "no glyph the font lacks"
        );
    }
    let pdf = render::pdf(&pages).unwrap();
    assert!(count(&pdf, b"/Count 8") == 1, "a page tree of 8 pages");
    // Where poppler is installed (CI installs it), it agrees.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pack.pdf");
    render::write_atomic(&out, &pdf).unwrap();
    if let Ok(info) = Command::new("pdfinfo").arg(&out).output() {
        let text = String::from_utf8_lossy(&info.stdout);
        let pages_line = text
            .lines()
            .find(|l| l.starts_with("Pages:"))
            .unwrap_or_default();
        assert_eq!(pages_line.split_whitespace().nth(1), Some("8"), "{text}");
        assert!(text.contains("(A4)"), "{text}");
        let fonts = Command::new("pdffonts").arg(&out).output().unwrap();
        let f = String::from_utf8_lossy(&fonts.stdout);
        assert!(
            f.contains("NotoSans-Regular") && f.contains(" yes yes "),
            "{f}"
        );
    } else {
        assert!(
            std::env::var_os("QN_REQUIRE_GDAL").is_none(),
            "poppler-utils required in CI"
        );
    }
}

#[test]
fn the_cli_writes_each_format_whole_or_not_at_all() {
    let (dir, path, _p) = project();
    let qn = env!("CARGO_BIN_EXE_qn-planner");
    for ext in ["png", "svg", "pdf"] {
        let out = dir.path().join(format!("map.{ext}"));
        let st = Command::new(qn)
            .args(["export"])
            .arg(&path)
            .arg(&out)
            .args([
                "--paper",
                "a4",
                "--landscape",
                "--dpi",
                "100",
                "--title",
                "Thử xuất bản đồ",
            ])
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
        assert!(std::fs::metadata(&out).unwrap().len() > 10_000);
    }
    let svg = std::fs::read_to_string(dir.path().join("map.svg")).unwrap();
    assert!(svg.contains("Thử xuất bản đồ"));
    // A folder that does not exist: an error, and no file left behind.
    let bad = dir.path().join("nope").join("map.pdf");
    let st = Command::new(qn)
        .arg("export")
        .arg(&path)
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!st.status.success());
    assert!(!bad.exists());
    // Bad options are refused with a reason.
    for args in [
        vec!["--dpi", "5"],
        vec!["--paper", "a5"],
        vec!["--year", "1990"],
    ] {
        let st = Command::new(qn)
            .arg("export")
            .arg(&path)
            .arg(dir.path().join("x.png"))
            .args(&args)
            .output()
            .unwrap();
        // A wrong command line: status 2, clap's message.
        assert_eq!(st.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&st.stderr).starts_with("error: "));
    }
    let pack = dir.path().join("pack.pdf");
    let st = Command::new(qn)
        .arg("pack")
        .arg(&path)
        .arg(&pack)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    assert!(std::fs::read(&pack).unwrap().starts_with(b"%PDF-"));
}

/// Reference layers are drawn into the map frame, under the planning layers, listed in the
/// legend, and the same whether the PNG is drawn directly or from the self-contained SVG.
#[test]
fn reference_layers_are_drawn_in_the_frame_and_listed_in_the_legend() {
    use qn_planner::export::ReferenceDraw;
    let (dir, path, project) = project();
    // One large parcel (drawn as its outline and fill) and 2,000 tiny ones (drawn as dots).
    let mut features = vec![
        serde_json::json!({"type": "Feature", "properties": {"ten": "Khu lớn"},
        "geometry": {"type": "Polygon", "coordinates": [[[107.0, 21.0], [107.3, 21.0], [107.3, 21.2], [107.0, 21.2], [107.0, 21.0]]]}}),
    ];
    for i in 0..2000 {
        let (x, y) = (
            106.6 + (i % 50) as f64 * 0.01,
            21.1 + (i / 50) as f64 * 0.005,
        );
        features.push(serde_json::json!({"type": "Feature", "properties": {"ten": format!("Thửa {i}")},
            "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + 0.0002, y], [x + 0.0002, y + 0.0002], [x, y]]]}}));
    }
    let mut pf = ProjectFile::open(&path).unwrap();
    crate::common::import_geojson(
        &mut pf,
        dir.path(),
        "thua.geojson",
        &serde_json::json!({"type": "FeatureCollection", "features": features}).to_string(),
        "Thửa đất đo đạc",
        "#d01c8b",
    );
    let c = Composer::new().unwrap();
    let mut spec = MapSpec::new("t", Language::Vi);
    spec.raster_dpi = 96;
    let plain = render::png(&c.map_page(&project, &spec).unwrap(), 96).unwrap();
    spec.reference = ReferenceDraw::all_of(&pf).unwrap();
    assert_eq!(spec.reference.len(), 1);
    let page = c.map_page(&project, &spec).unwrap();
    assert!(page.svg.contains("Thửa đất đo đạc"), "listed in the legend");
    let with = render::png(&page, 96).unwrap();
    let decode = |b: &[u8]| tiny_skia::Pixmap::decode_png(b).unwrap();
    let (a, b) = (decode(&plain), decode(&with));
    let r = page.raster.as_ref().unwrap();
    let px = |mm: f64| (mm / 25.4 * 96.0).round() as i64;
    let (x0, y0, x1, y1) = (
        px(r.x_mm),
        px(r.y_mm),
        px(r.x_mm + r.w_mm),
        px(r.y_mm + r.h_mm),
    );
    let legend_x = px(f64::from(page.legend_box.unwrap().min[0])) - 1;
    assert!(legend_x > x1);
    let (mut inside, mut outside) = (0, 0);
    for (i, (p, q)) in a.pixels().iter().zip(b.pixels()).enumerate() {
        if p != q {
            let (x, y) = ((i as u32 % a.width()) as i64, (i as u32 / a.width()) as i64);
            if x >= x0 - 1 && x <= x1 + 1 && y >= y0 - 1 && y <= y1 + 1 {
                inside += 1;
            } else if x < legend_x {
                // (The legend column changes: it gains a line and the inset moves down.)
                outside += 1;
            }
        }
    }
    assert!(
        inside > 2000,
        "the layer shows in the frame ({inside} pixels)"
    );
    assert_eq!(outside, 0, "nothing drawn outside the map frame");
    // The same page as one self-contained SVG (the image embedded) renders the same.
    let svg = page.full_svg().unwrap().into_owned();
    assert!(svg.contains("data:image/png;base64,"));
    let embedded = qn_planner::export::Page {
        svg,
        raster: None,
        ..page.clone()
    };
    let e = decode(&render::png(&embedded, 96).unwrap());
    let differ = e
        .pixels()
        .iter()
        .zip(b.pixels())
        .filter(|(p, q)| p != q)
        .count();
    assert!(
        differ * 200 < b.pixels().len(),
        "{differ} pixels differ between the direct and the embedded image"
    );
    let pdf = render::pdf(std::slice::from_ref(&page)).unwrap();
    assert_eq!(&pdf[..5], b"%PDF-");
}

/// Every paper size and orientation: the map frame takes the page's height (nothing blank
/// below the legend or the frame but the foot), and beyond the detailed base map the land is
/// grey and the sea blue — a point in China, one in Hải Dương and one in the Gulf of Tonkin
/// (all outside the detailed data's box) are checked on the rendered PNG.
#[test]
fn every_paper_and_orientation_fills_its_page_and_shows_land_beyond_the_data_as_land() {
    use qn_planner::io::crs::Tm3;
    use qn_planner::model::palette;
    let (_d, _p, project) = project();
    let c = Composer::new().unwrap();
    let tm3 = Tm3::new().unwrap();
    let dpi = 72;
    let mut seen = std::collections::BTreeSet::new();
    for paper in [Paper::A4, Paper::A3] {
        for landscape in [true, false] {
            let mut spec = MapSpec::new("t", Language::Vi);
            spec.paper = paper;
            spec.landscape = landscape;
            let page = c.map_page(&project, &spec).unwrap();
            let frame = page.map_frame.unwrap();
            let legend = page.legend_box.unwrap();
            let lowest = f64::from(frame.max[1].max(legend.max[1]));
            // Page margin 10 mm + foot 9 mm + 5 mm between: nothing larger left blank.
            assert!(
                page.height_mm - lowest <= 25.0,
                "{paper:?} landscape={landscape}: {:.0} mm blank under the map",
                page.height_mm - lowest
            );
            // The province fills the frame one way (its width or its height, within 10 %).
            let bar = page.scale_bar.as_ref().unwrap();
            let (fw, fh) = (
                f64::from(frame.max[0] - frame.min[0]),
                f64::from(frame.max[1] - frame.min[1]),
            );
            let (pmin, pmax) = c.province_bounds();
            let (ew, eh) = (
                (pmax[0] - pmin[0]) / bar.proj_m_per_mm,
                (pmax[1] - pmin[1]) / bar.proj_m_per_mm,
            );
            assert!(
                ew <= fw && eh <= fh && (ew / fw > 0.9 || eh / fh > 0.9),
                "{paper:?} landscape={landscape}: province {ew:.0}×{eh:.0} mm in a {fw:.0}×{fh:.0} mm frame"
            );
            let png = render::png(&page, dpi).unwrap();
            let img = tiny_skia::Pixmap::decode_png(&png).unwrap();
            let colour_at = |lon: f64, lat: f64| -> Option<[u8; 3]> {
                let (e, n) = tm3.tm3_from_lonlat(lon, lat).unwrap();
                let x =
                    f64::from(frame.min[0]) + fw / 2.0 + (e - bar.centre[0]) / bar.proj_m_per_mm;
                let y =
                    f64::from(frame.min[1]) + fh / 2.0 - (n - bar.centre[1]) / bar.proj_m_per_mm;
                let inside = x > f64::from(frame.min[0]) + 2.0
                    && x < f64::from(frame.max[0]) - 2.0
                    && y > f64::from(frame.min[1]) + 2.0
                    && y < f64::from(frame.max[1]) - 2.0;
                if !inside {
                    return None;
                }
                let px = |mm: f64| (mm / 25.4 * f64::from(dpi)).round() as u32;
                let p = img.pixel(px(x), px(y)).unwrap();
                Some([p.red(), p.green(), p.blue()])
            };
            let near = |a: [u8; 3], b: [u8; 3]| a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 6);
            let mut checked = 0;
            for (what, lon, lat, want) in [
                ("China (Guangxi)", 107.6, 22.0, palette::NEIGHBOUR_LAND),
                (
                    "China, by the border",
                    107.6,
                    21.74,
                    palette::NEIGHBOUR_LAND,
                ),
                ("Gulf of Tonkin, south", 107.5, 20.55, palette::SEA),
                ("Hải Dương", 106.25, 20.95, palette::NEIGHBOUR_LAND),
                ("Bắc Giang", 106.35, 21.15, palette::NEIGHBOUR_LAND),
                ("Gulf of Tonkin", 108.45, 20.9, palette::SEA),
                ("Gulf of Tonkin, north", 108.3, 21.3, palette::SEA),
            ] {
                if let Some(got) = colour_at(lon, lat) {
                    checked += 1;
                    seen.insert(what);
                    assert!(
                        near(got, want),
                        "{paper:?} landscape={landscape}: {what} drawn {got:?}, want {want:?}"
                    );
                }
            }
            assert!(
                checked >= 1,
                "{paper:?} landscape={landscape}: no probe in the frame"
            );
        }
    }
    assert!(
        seen.len() >= 3
            && seen.iter().any(|w| w.starts_with("Gulf"))
            && seen.iter().any(|w| w.starts_with("China")),
        "probes seen: {seen:?}"
    );
}

/// `export --year Y` without `--scenario` draws year Y of the reference scenario and says so in
/// the subtitle (it used to ignore the year without a word).
#[test]
fn a_year_alone_uses_the_reference_scenario_and_says_so() {
    let (dir, path, project) = project();
    let reference = project.reference_scenario().unwrap().name.clone();
    let out = dir.path().join("y.svg");
    let st = Command::new(env!("CARGO_BIN_EXE_qn-planner"))
        .arg("export")
        .arg(&path)
        .arg(&out)
        .args(["--year", "2015"])
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(
        svg.contains(&format!("{reference} — 2015")),
        "subtitle names the scenario and year"
    );
    assert!(
        svg.contains("dùng kịch bản tham chiếu") || svg.contains("so the reference scenario"),
        "subtitle says the reference scenario was used by default"
    );
    // The scenario's year is drawn: sites not open by 2015 are faded, and the legend says so.
    assert!(svg.contains("Chưa mở (mờ)") || svg.contains("Not yet open (faded)"));
}

#[test]
fn one_export_path_writes_each_format_whole_and_a_pack() {
    use qn_planner::export::{MapFormat, PackSpec, write_map, write_pack};
    let (dir, _path, project) = project();
    let c = Composer::new().unwrap();
    let spec = MapSpec::new("Thử một đường xuất", Language::Vi);
    for (f, magic) in [
        (MapFormat::Png, &b"\x89PNG"[..]),
        (MapFormat::Svg, &b"<svg"[..]),
        (MapFormat::Pdf, &b"%PDF"[..]),
    ] {
        let out = dir.path().join(format!("m.{}", f.ext()));
        assert_eq!(MapFormat::from_path(&out), Some(f));
        let n = write_map(&c, &project, &spec, f, 60, &out).unwrap();
        let bytes = std::fs::read(&out).unwrap();
        assert_eq!(bytes.len(), n);
        assert!(bytes.starts_with(magic), "{f:?}");
    }
    assert_eq!(MapFormat::from_path(std::path::Path::new("m.jpg")), None);
    // A folder that does not exist: an error, and nothing left behind.
    let nowhere = dir.path().join("khong-co").join("m.png");
    assert!(write_map(&c, &project, &spec, MapFormat::Png, 60, &nowhere).is_err());
    assert!(!nowhere.parent().unwrap().exists());
    let s = project.reference_scenario().unwrap();
    let pack_out = dir.path().join("hop.pdf");
    let (pages, n) = write_pack(
        &c,
        &project,
        &PackSpec {
            scenario: s,
            lang: Language::Vi,
            file_label: "e.gpkg",
            date: "2026-12-03",
            paper: Paper::A4,
            reference: &[],
        },
        &pack_out,
    )
    .unwrap();
    assert_eq!(pages, 8);
    assert_eq!(std::fs::metadata(&pack_out).unwrap().len() as usize, n);
}

/// Issue 26 §1: a map of Vietnam is shown with its Hoàng Sa and Trường Sa archipelagos. The
/// locator of every export draws their islands in Vietnam's colour (a marker each: 7 of Hoàng
/// Sa, 12 of Trường Sa, Natural Earth 1:10m) and names them, with "Biển Đông" and "VIỆT NAM"
/// on Vietnam's land: in the SVG, the pixels of the PNG and the text of the PDF.
#[test]
fn the_locator_shows_hoang_sa_and_truong_sa_as_vietnams_and_names_them() {
    let (dir, path, _) = project();
    let p = path.to_str().unwrap();
    let out = |ext: &str| dir.path().join(format!("bản đồ.{ext}"));
    for ext in ["svg", "png", "pdf"] {
        let st = Command::new(env!("CARGO_BIN_EXE_qn-planner"))
            .args(["export", p, out(ext).to_str().unwrap(), "--dpi", "200"])
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
    }
    let svg = std::fs::read_to_string(out("svg")).unwrap();
    let names = [
        "Quần đảo Hoàng Sa",
        "Quần đảo Trường Sa",
        "Biển Đông",
        "VIỆT NAM",
    ];
    for name in names {
        assert!(svg.contains(name), "the SVG does not name {name}");
    }
    let markers: Vec<(f64, f64)> = svg
        .split("<circle ")
        .skip(1)
        .filter(|c| c.contains(r##"r="0.45" fill="#e8dfc8""##))
        .map(|c| {
            let num = |k: &str| {
                let from = c.find(k).unwrap() + k.len();
                c[from..].split('"').next().unwrap().parse::<f64>().unwrap()
            };
            (num("cx=\""), num("cy=\""))
        })
        .collect();
    assert_eq!(markers.len(), 7 + 12, "the islands of both archipelagos");
    let png = tiny_skia::Pixmap::load_png(out("png")).unwrap();
    for (x, y) in &markers {
        let (px, py) = ((x / 25.4 * 200.0) as u32, (y / 25.4 * 200.0) as u32);
        let want = [0xe8u8, 0xdf, 0xc8];
        let stroke = [0x6bu8, 0x5a, 0x3a];
        // The marker's fill or its outline within its radius (0.45 mm, 3.5 px): markers of
        // neighbouring islands overlap where the locator is small. (24 levels apart at most:
        // the sea and the land are further from both.)
        let drawn = (-2i32..=2).any(|dx| {
            (-2i32..=2).any(|dy| {
                let c = png
                    .pixel(px.saturating_add_signed(dx), py.saturating_add_signed(dy))
                    .unwrap()
                    .demultiply();
                let near = |w: [u8; 3]| {
                    [c.red(), c.green(), c.blue()]
                        .iter()
                        .zip(w)
                        .all(|(a, b)| a.abs_diff(b) <= 24)
                };
                near(want) || near(stroke)
            })
        });
        assert!(drawn, "no island drawn at ({x}, {y}) mm of the PNG");
    }
    match Command::new("pdftotext").arg(out("pdf")).arg("-").output() {
        Ok(o) => {
            let text = String::from_utf8_lossy(&o.stdout);
            for name in names {
                assert!(text.contains(name), "the PDF's text does not name {name}");
            }
        }
        Err(e) if std::env::var_os("QN_REQUIRE_GDAL").is_none() => {
            eprintln!("skipped the PDF text: pdftotext: {e}");
        }
        Err(e) => panic!("pdftotext (poppler-utils): {e}"),
    }
}

/// A reference layer labelled by a field in its style (issue 29): the exported map writes the
/// labels as text, centred on the features, the largest first, none over another label, a
/// planning site's symbol or the frame's edge; without a label field, none.
#[test]
fn reference_layers_are_labelled_by_their_style_s_field_without_overlaps() {
    use qn_planner::export::ReferenceDraw;
    let (dir, path, project) = project();
    // A large area in the hills west of Ba Chẽ, where no site or town is labelled.
    let mut features = vec![
        serde_json::json!({"type": "Feature", "properties": {"ten": "Khu đất lớn"},
        "geometry": {"type": "Polygon", "coordinates": [[[107.0, 21.27], [107.2, 21.27], [107.2, 21.37], [107.0, 21.37], [107.0, 21.27]]]}}),
    ];
    for i in 0..400 {
        let (x, y) = (
            106.6 + (i % 20) as f64 * 0.004,
            21.1 + (i / 20) as f64 * 0.004,
        );
        features.push(serde_json::json!({"type": "Feature", "properties": {"ten": format!("Thửa {i}")},
            "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + 0.001, y], [x + 0.001, y + 0.001], [x, y]]]}}));
    }
    let mut pf = ProjectFile::open(&path).unwrap();
    crate::common::import_geojson(
        &mut pf,
        dir.path(),
        "thua.geojson",
        &serde_json::json!({"type": "FeatureCollection", "features": features}).to_string(),
        "Thửa đất đo đạc",
        "#d01c8b",
    );
    let c = Composer::new().unwrap();
    let mut spec = MapSpec::new("t", Language::Vi);
    spec.raster_dpi = 96;
    spec.reference = ReferenceDraw::all_of(&pf).unwrap();
    let page = c.map_page(&project, &spec).unwrap();
    assert!(
        !page.svg.contains(">Khu đất lớn<"),
        "no label field, no labels"
    );
    // The label field set as the style panel sets it.
    let table = spec.reference[0].table.clone();
    let mut style = spec.reference[0].style.clone().unwrap_or_else(|| {
        qn_planner::model::style::LayerStyle::default_reference([0xd0, 0x1c, 0x8b])
    });
    style.labels.field = Some("ten".into());
    pf.put_style(&table, Some(&style)).unwrap();
    spec.reference = ReferenceDraw::all_of(&pf).unwrap();
    let page = c.map_page(&project, &spec).unwrap();
    assert!(
        page.svg.contains(">Khu đất lớn</text>"),
        "the largest feature is labelled"
    );
    let small = page.svg.matches(">Thửa ").count() / 2; // halo and text
    assert!(small >= 1, "some parcels are labelled");
    assert!(
        small < 400,
        "not every parcel: they would overlap ({small})"
    );
    // Rendered, the labels do not overlap: the page still renders whole.
    let png = render::png(&page, 96).unwrap();
    assert_eq!(&png[1..4], b"PNG");
}
