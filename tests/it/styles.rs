//! Layer styles: QML from QGIS 3.22 in, our QML out and back, undo, the `layer_styles` table
//! as GDAL and QGIS read it, and the styles in the exported maps.

use crate::common;
use crate::common::new_project;

use qn_planner::edit::{Edit, History};
use qn_planner::model::Layer;
use qn_planner::model::style::{
    Brush, Dash, LayerStyle, Method, Renderer, Shape, Value, categorise,
};
use qn_planner::store::ProjectFile;
use std::path::{Path, PathBuf};
use std::process::Command;

const QN: &str = env!("CARGO_BIN_EXE_qn-planner");

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/qml")
        .join(name)
}

fn style_cmd(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(QN).arg("style").args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn styles_of(path: &Path) -> std::collections::BTreeMap<String, LayerStyle> {
    ProjectFile::open(path)
        .unwrap()
        .read_project()
        .unwrap()
        .styles
}

#[test]
fn styles_written_by_qgis_3_22_import_with_their_categories_and_colours() {
    let dir = tempfile::tempdir().unwrap();
    let p = new_project(dir.path(), "p.gpkg");
    let ps = p.to_str().unwrap();

    let (ok, out, err) = style_cmd(&[
        ps,
        "proposed_clusters",
        "--from",
        data("categorised_fill.qml").to_str().unwrap(),
    ]);
    assert!(ok, "{out}{err}");
    assert!(!out.contains("ignored"), "{out}");
    let s = &styles_of(&p)["proposed_clusters"];
    let Renderer::Categorised {
        field,
        categories,
        other,
    } = &s.renderer
    else {
        panic!("{s:?}")
    };
    assert_eq!(field, "status");
    let got: Vec<(&str, &str, [u8; 3])> = categories
        .iter()
        .map(|c| (c.value.as_str(), c.label.as_str(), c.symbol.fill))
        .collect();
    assert_eq!(
        got,
        vec![
            ("existing", "Hiện có", [213, 94, 0]),
            ("planned", "planned", [0, 114, 178]),
            ("proposed", "proposed", [0, 158, 115]),
        ]
    );
    let c = &categories[0].symbol;
    assert_eq!(c.outline, [51, 51, 51, 255]);
    assert_eq!(c.outline_mm, 0.4);
    assert_eq!(c.opacity, 1.0);
    let other = other.as_ref().unwrap();
    assert_eq!(other.label, "all other values");
    assert_eq!(other.symbol.fill, [0x99, 0x99, 0x99]);
    assert_eq!(other.symbol.brush, Brush::FDiagonal);
    assert_eq!(other.symbol.dash, Dash::Dash);
    assert_eq!(s.labels.field.as_deref(), Some("name"));
    assert!((s.labels.size_pt - 9.0).abs() < 1e-4);
    assert_eq!(s.labels.colour, [0x20, 0x20, 0x20]);
    assert!((s.labels.halo_mm - 1.2).abs() < 1e-6);
    assert_eq!(s.labels.min_scale, Some(250_000.0));
    assert_eq!(
        (s.min_scale, s.max_scale),
        (Some(2_000_000.0), Some(1_000.0))
    );

    let (ok, out, err) = style_cmd(&[
        ps,
        "industrial_zones",
        "--from",
        data("graduated_fill.qml").to_str().unwrap(),
    ]);
    assert!(ok, "{out}{err}");
    let s = &styles_of(&p)["industrial_zones"];
    let Renderer::Graduated {
        field,
        method,
        ramp,
        classes,
    } = &s.renderer
    else {
        panic!("{s:?}")
    };
    assert_eq!((field.as_str(), *method), ("area_ha", Method::Quantile));
    assert_eq!(*ramp, [[255, 245, 235], [127, 39, 4]]);
    let got: Vec<(f64, f64, [u8; 3])> = classes
        .iter()
        .map(|c| (c.lower, c.upper, c.symbol.fill))
        .collect();
    assert_eq!(
        got,
        vec![
            (0.0, 10.0, [255, 245, 235]),
            (10.0, 50.0, [253, 141, 60]),
            (50.0, 200.0, [127, 39, 4]),
        ]
    );
    assert_eq!(
        s.labels.field, None,
        "the graduated style turned its labels off"
    );

    let (ok, out, err) = style_cmd(&[
        ps,
        "Làng nghề",
        "--from",
        data("single_star.qml").to_str().unwrap(),
    ]);
    assert!(ok, "{out}{err}");
    let s = &styles_of(&p)["craft_villages"];
    let Renderer::Single(sym) = &s.renderer else {
        panic!("{s:?}")
    };
    assert_eq!(
        (sym.shape, sym.size_mm, sym.fill),
        (Shape::Star, 4.0, [0xe6, 0x9f, 0x00])
    );
    assert_eq!(sym.outline, [0, 0, 0, 255]);

    let (ok, out, err) = style_cmd(&[
        ps,
        "industrial_clusters",
        "--from",
        data("categorised_marker.qml").to_str().unwrap(),
    ]);
    assert!(ok, "{out}{err}");
    let s = &styles_of(&p)["industrial_clusters"];
    let shapes: Vec<Shape> = s.legend().iter().map(|(_, s)| s.shape).collect();
    assert_eq!(shapes, vec![Shape::Square, Shape::Triangle, Shape::Diamond]);

    // Outside the subset: reported, the rest (labels, scales) applied, the renderer kept.
    let (ok, out, err) = style_cmd(&[
        ps,
        "industrial_clusters",
        "--from",
        data("rule_based.qml").to_str().unwrap(),
    ]);
    assert!(ok, "{out}{err}");
    assert!(
        out.lines().any(|l| l == "ignored: rule-based renderer"),
        "{out}"
    );
    let after = &styles_of(&p)["industrial_clusters"];
    assert_eq!(after.renderer, s.renderer);
    assert_eq!(after.labels.field.as_deref(), Some("name"));
}

#[test]
fn a_bad_style_is_refused_with_a_reason_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = new_project(dir.path(), "p.gpkg");
    let ps = p.to_str().unwrap();
    let good = data("categorised_fill.qml");
    assert!(style_cmd(&[ps, "proposed_clusters", "--from", good.to_str().unwrap()]).0);
    let before = std::fs::read(&p).unwrap();
    let text = std::fs::read_to_string(&good).unwrap();
    let cases = [
        ("not-xml.qml", "<qgis><renderer-v2".to_string(), "not XML"),
        (
            "no-field.qml",
            text.replace("attr=\"status\"", "attr=\"phase_name\""),
            "\"phase_name\", which layer proposed_clusters does not have",
        ),
        (
            "colour.qml",
            text.replace("213,94,0,255", "orange-ish"),
            "a colour that cannot be read: \"orange-ish\"",
        ),
        ("sld.qml", "<StyledLayerDescriptor/>".into(), "not <qgis>"),
    ];
    for (name, body, says) in cases {
        let f = dir.path().join(name);
        std::fs::write(&f, body).unwrap();
        let (ok, out, err) = style_cmd(&[ps, "proposed_clusters", "--from", f.to_str().unwrap()]);
        assert!(!ok, "{name}: {out}");
        assert!(err.contains(says), "{name}: {err}");
        assert!(err.contains(name), "{name} names the file: {err}");
        assert_eq!(
            std::fs::read(&p).unwrap(),
            before,
            "{name} changed the file"
        );
    }
    let (ok, _, err) = style_cmd(&[ps, "no_such_layer", "--to", "/tmp/x.qml"]);
    assert!(!ok && err.contains("no layer no_such_layer"), "{err}");
}

#[test]
fn our_style_goes_out_as_qml_and_comes_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let p = new_project(dir.path(), "p.gpkg");
    let ps = p.to_str().unwrap();
    let mut pf = ProjectFile::open(&p).unwrap();
    let mut project = pf.read_project().unwrap();
    let mut base = LayerStyle::default_for(Layer::IndustrialClusters);
    let values: Vec<Value> = project
        .sites_of(Layer::IndustrialClusters)
        .map(|s| qn_planner::model::style::site_value(s, "district_2006"))
        .collect();
    base.renderer = categorise("district_2006", &values, base.main_symbol());
    if let Renderer::Categorised { categories, .. } = &mut base.renderer {
        categories[0].symbol.brush = Brush::Cross;
        categories[0].symbol.shape = Shape::Star;
        categories[0].label = "Hạ Long <& \"TP\">".into();
    }
    base.labels.min_scale = Some(300_000.0);
    base.min_scale = Some(3_000_000.0);
    Edit::Style {
        table: "industrial_clusters".into(),
        before: None,
        after: Some(Box::new(base.clone())),
    }
    .apply(&mut pf, &mut project)
    .unwrap();
    drop(pf);
    for layer in ["industrial_clusters", "industrial_clusters_boundary"] {
        let qml = dir.path().join(format!("{layer}.qml"));
        let (ok, out, err) = style_cmd(&[ps, layer, "--to", qml.to_str().unwrap()]);
        assert!(ok, "{out}{err}");
        // Back to the default look, then the file in again.
        let mut pf = ProjectFile::open(&p).unwrap();
        let mut project = pf.read_project().unwrap();
        Edit::Style {
            table: "industrial_clusters".into(),
            before: Some(Box::new(base.clone())),
            after: None,
        }
        .apply(&mut pf, &mut project)
        .unwrap();
        drop(pf);
        assert!(styles_of(&p).is_empty());
        let (ok, out, err) = style_cmd(&[ps, layer, "--from", qml.to_str().unwrap()]);
        assert!(ok, "{out}{err}");
        assert!(!out.contains("ignored"), "{out}");
        assert_eq!(
            styles_of(&p)["industrial_clusters"],
            base,
            "through {layer}"
        );
    }
}

#[test]
fn undo_takes_a_style_change_back_in_the_file_too() {
    let dir = tempfile::tempdir().unwrap();
    let p = new_project(dir.path(), "p.gpkg");
    let mut pf = ProjectFile::open(&p).unwrap();
    let mut project = pf.read_project().unwrap();
    let mut h = History::default();
    let mut style = LayerStyle::default_for(Layer::CraftVillages);
    if let Renderer::Single(s) = &mut style.renderer {
        s.fill = [1, 2, 3];
    }
    // A colour dragged in three steps of one gesture is one undo step.
    for (i, c) in [[10, 0, 0], [20, 0, 0], [30, 0, 0]].into_iter().enumerate() {
        let mut next = style.clone();
        if let Renderer::Single(s) = &mut next.renderer {
            s.fill = c;
        }
        h.apply(
            Edit::Style {
                table: "craft_villages".into(),
                before: project.styles.get("craft_villages").cloned().map(Box::new),
                after: Some(Box::new(next)),
            },
            Some(7),
            &mut pf,
            &mut project,
        )
        .unwrap_or_else(|e| panic!("step {i}: {e}"));
    }
    assert_eq!(h.undo_len(), 1);
    assert_eq!(
        pf.read_styles().unwrap()["craft_villages"]
            .main_symbol()
            .fill,
        [30, 0, 0]
    );
    assert!(h.undo(&mut pf, &mut project).unwrap());
    assert!(project.styles.is_empty());
    assert!(pf.read_styles().unwrap().is_empty());
    assert!(pf.style_qml("craft_villages").unwrap().is_none());
    assert!(h.redo(&mut pf, &mut project).unwrap());
    assert_eq!(
        pf.read_styles().unwrap()["craft_villages"]
            .main_symbol()
            .fill,
        [30, 0, 0]
    );
    // An edit made against a stale style is refused.
    let stale = Edit::Style {
        table: "craft_villages".into(),
        before: None,
        after: Some(Box::new(style)),
    };
    assert!(stale.apply(&mut pf, &mut project).is_err());
}

#[test]
#[ignore = "needs GDAL (ogrinfo, its Python tools)"]
fn the_layer_styles_table_passes_gdals_validator() {
    if !common::have_gdal() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = new_project(dir.path(), "p.gpkg");
    let ps = p.to_str().unwrap();
    for (layer, qml) in [
        ("proposed_clusters", "categorised_fill.qml"),
        ("industrial_zones", "graduated_fill.qml"),
    ] {
        assert!(style_cmd(&[ps, layer, "--from", data(qml).to_str().unwrap()]).0);
    }
    common::assert_valid_gpkg(&p, "a project with layer styles");
    let out = Command::new("ogrinfo")
        .args(["-ro", "-q", "-sql"])
        .arg("SELECT f_table_name, useAsDefault FROM layer_styles ORDER BY f_table_name")
        .arg(&p)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for t in [
        "industrial_zones",
        "industrial_zones_boundary",
        "proposed_clusters",
        "proposed_clusters_boundary",
    ] {
        assert!(
            text.contains(&format!("f_table_name (String) = {t}\n")),
            "{t} in {text}"
        );
    }
}

const QGIS_SCRIPT: &str = r#"
import sys
from qgis.core import (QgsApplication, QgsVectorLayer, QgsProject, QgsRenderContext,
                       QgsExpressionContext, QgsExpressionContextUtils)
app = QgsApplication([], False); app.initQgis()
path = sys.argv[1]
for t in ["proposed_clusters", "proposed_clusters_boundary", "craft_villages"]:
    l = QgsVectorLayer(f"{path}|layername={t}", t, "ogr")
    QgsProject.instance().addMapLayer(l)
for t in ["proposed_clusters", "proposed_clusters_boundary", "craft_villages"]:
    l = QgsProject.instance().mapLayersByName(t)[0]
    r = l.renderer()
    print("layer", t, r.type(), "labels", l.labelsEnabled())
    if r.type() == "categorizedSymbol":
        for c in r.categories():
            print("category", t, repr(c.value()), c.symbol().color().name(),
                  c.symbol().symbolLayer(0).layerType())
    ctx = QgsRenderContext()
    ctx.setExpressionContext(QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(l)))
    r.startRender(ctx, l.fields())
    for f in l.getFeatures():
        ctx.expressionContext().setFeature(f)
        s = r.symbolForFeature(f, ctx)
        print("feature", t, f.id(), s.color().name() if s else None)
    r.stopRender(ctx)
app.exitQgis()
"#;

#[test]
#[ignore = "needs QGIS (python3-qgis)"]
fn qgis_opens_the_file_in_our_style() {
    if !common::have_qgis() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = new_project(dir.path(), "p.gpkg");
    // A proposed cluster with a boundary, which QGIS colours by its site's status.
    let gj = dir.path().join("a.geojson");
    std::fs::write(
        &gj,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Thử nghiệm"},"geometry":{"type":"Polygon","coordinates":[[[107.0,21.0],[107.02,21.0],[107.02,21.02],[107.0,21.02],[107.0,21.0]]]}}]}"#,
    )
    .unwrap();
    let imported = Command::new(QN)
        .arg("import")
        .arg(&p)
        .arg(&gj)
        .args(["--into", "proposed_clusters"])
        .output()
        .unwrap();
    assert!(imported.status.success());
    let mut pf = ProjectFile::open(&p).unwrap();
    let mut project = pf.read_project().unwrap();
    let base = LayerStyle::default_for(Layer::ProposedClusters);
    let mut style = base.clone();
    style.renderer = categorise(
        "status",
        &[
            Value::Text("proposed".into()),
            Value::Text("approved".into()),
        ],
        base.main_symbol(),
    );
    Edit::Style {
        table: "proposed_clusters".into(),
        before: None,
        after: Some(Box::new(style.clone())),
    }
    .apply(&mut pf, &mut project)
    .unwrap();
    let mut star = LayerStyle::default_for(Layer::CraftVillages);
    if let Renderer::Single(s) = &mut star.renderer {
        s.shape = Shape::Star;
        s.fill = [0x12, 0x34, 0x56];
    }
    Edit::Style {
        table: "craft_villages".into(),
        before: None,
        after: Some(Box::new(star)),
    }
    .apply(&mut pf, &mut project)
    .unwrap();
    drop(pf);
    let stdout = common::run_pyqgis(QGIS_SCRIPT, &[p.as_os_str()]);
    let hex = |c: [u8; 3]| format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
    let Renderer::Categorised {
        categories, other, ..
    } = &style.renderer
    else {
        unreachable!()
    };
    let approved = hex(categories[0].symbol.fill);
    let proposed = hex(categories[1].symbol.fill);
    for l in [
        "layer proposed_clusters categorizedSymbol labels True",
        "layer proposed_clusters_boundary categorizedSymbol labels True",
        "layer craft_villages singleSymbol labels True",
        &format!("category proposed_clusters 'approved' {approved} SimpleMarker"),
        &format!("category proposed_clusters 'proposed' {proposed} SimpleMarker"),
        &format!(
            "category proposed_clusters '' {} SimpleMarker",
            hex(other.as_ref().unwrap().symbol.fill)
        ),
        &format!("category proposed_clusters_boundary 'proposed' {proposed} SimpleFill"),
        "feature proposed_clusters_boundary 1 ".to_string().as_str(),
        "feature craft_villages 1 #123456",
    ] {
        assert!(stdout.lines().any(|x| x.starts_with(l)), "{l} in\n{stdout}");
    }
    // Every seeded proposed cluster is "proposed", the imported boundary's site too.
    assert!(
        stdout
            .lines()
            .filter(|x| x.starts_with("feature proposed_clusters"))
            .all(|x| x.ends_with(&proposed)),
        "{stdout}"
    );
}

/// Pixels (x, y) of a PNG that are exactly `rgb`, and the image's width.
fn pixels_of(png: &[u8], rgb: [u8; 3]) -> (Vec<(u32, u32)>, u32) {
    let pm = tiny_skia::Pixmap::decode_png(png).unwrap();
    let w = pm.width();
    let hits = pm
        .pixels()
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue()] == rgb && c.alpha() == 255
        })
        .map(|(i, _)| (i as u32 % w, i as u32 / w))
        .collect();
    (hits, w)
}

/// Where lon/lat lies on a map page drawn at `dpi` (from its frame and its scale bar's
/// centre and scale), in pixels.
fn pixel_at(page: &qn_planner::export::Page, dpi: u32, lon: f64, lat: f64) -> (i64, i64) {
    let frame = page.map_frame.unwrap();
    let bar = page.scale_bar.unwrap();
    let (e, n) = qn_planner::io::crs::Tm3::new()
        .unwrap()
        .tm3_from_lonlat(lon, lat)
        .unwrap();
    let px_per_mm = f64::from(dpi) / 25.4;
    let x = f64::from(frame.min[0] + frame.max[0]) / 2.0 + (e - bar.centre[0]) / bar.proj_m_per_mm;
    let y = f64::from(frame.min[1] + frame.max[1]) / 2.0 - (n - bar.centre[1]) / bar.proj_m_per_mm;
    ((x * px_per_mm) as i64, (y * px_per_mm) as i64)
}

#[test]
fn a_categorised_style_colours_the_exported_map_where_the_sites_are() {
    use qn_planner::export::{Composer, MapSpec, render};
    let dir = tempfile::tempdir().unwrap();
    let p = new_project(dir.path(), "p.gpkg");
    let mut pf = ProjectFile::open(&p).unwrap();
    let mut project = pf.read_project().unwrap();
    let composer = Composer::new().unwrap();
    let spec = MapSpec::new("Kiểm tra kiểu dáng", qn_planner::lang::Language::Vi);
    let dpi = 150;
    let magenta = [255, 0, 255];
    let before = render::png(&composer.map_page(&project, &spec).unwrap(), dpi).unwrap();
    assert!(pixels_of(&before, magenta).0.is_empty());

    // Industrial zones by status: "established" magenta squares, the rest "all other values".
    let base = LayerStyle::default_for(Layer::IndustrialZones);
    let values: Vec<Value> = project
        .sites_of(Layer::IndustrialZones)
        .map(|s| qn_planner::model::style::site_value(s, "status"))
        .collect();
    let mut style = base.clone();
    style.renderer = categorise("status", &values, base.main_symbol());
    let Renderer::Categorised { categories, .. } = &mut style.renderer else {
        unreachable!()
    };
    let established = categories
        .iter_mut()
        .find(|c| c.value == "established")
        .expect("seeded zones that are established");
    established.symbol.fill = magenta;
    established.symbol.size_mm = 4.0;
    established.symbol.shape = Shape::Square;
    Edit::Style {
        table: "industrial_zones".into(),
        before: None,
        after: Some(Box::new(style)),
    }
    .apply(&mut pf, &mut project)
    .unwrap();
    let page = composer.map_page(&project, &spec).unwrap();
    let after = render::png(&page, dpi).unwrap();
    let (hits, _) = pixels_of(&after, magenta);
    assert!(!hits.is_empty(), "no magenta in the styled map");

    // Every established zone's symbol is magenta where it lies on the page; nothing
    // magenta lies far from one (the legend's swatch aside).
    let px_per_mm = f64::from(dpi) / 25.4;
    let mut sites = Vec::new();
    for s in project.sites_of(Layer::IndustrialZones) {
        if s.status.as_str() != "established" {
            continue;
        }
        let Some(g) = &s.geom else { continue };
        use geo::Centroid;
        let c = match g {
            geo_types::Geometry::Point(p) => *p,
            other => other.centroid().unwrap(),
        };
        sites.push(pixel_at(&page, dpi, c.x(), c.y()));
    }
    assert!(!sites.is_empty());
    for (sx, sy) in &sites {
        assert!(
            hits.iter()
                .any(|(x, y)| (i64::from(*x) - sx).abs() <= 3 && (i64::from(*y) - sy).abs() <= 3),
            "no magenta at the zone at pixel {sx},{sy}"
        );
    }
    let legend = page.legend_box.unwrap();
    let in_legend = |x: u32, y: u32| {
        let (x, y) = (f64::from(x) / px_per_mm, f64::from(y) / px_per_mm);
        x >= f64::from(legend.min[0])
            && x <= f64::from(legend.max[0])
            && y >= f64::from(legend.min[1])
            && y <= f64::from(legend.max[1])
    };
    let stray = hits
        .iter()
        .filter(|(x, y)| !in_legend(*x, *y))
        .filter(|(x, y)| {
            !sites.iter().any(|(sx, sy)| {
                (i64::from(*x) - sx).abs() <= 16 && (i64::from(*y) - sy).abs() <= 16
            })
        })
        .count();
    assert_eq!(stray, 0, "magenta away from every established zone");
    assert!(
        hits.iter().any(|(x, y)| in_legend(*x, *y)),
        "the legend shows the category's swatch"
    );
}

#[test]
fn a_categorised_reference_layer_is_drawn_in_its_classes_small_and_large() {
    use qn_planner::export::{Composer, MapSpec, ReferenceDraw, render};
    let dir = tempfile::tempdir().unwrap();
    let p = new_project(dir.path(), "p.gpkg");
    // Parcels of two land uses: tiny ones (a few pixels at 300 dpi, drawn straight into the
    // pixels) and large ones (drawn by the general rasteriser).
    let parcels = [
        (107.00, 21.10, 0.0006, "rừng"),
        (107.20, 21.15, 0.0006, "lúa"),
        (107.40, 21.05, 0.03, "rừng"),
        (107.60, 21.20, 0.03, "lúa"),
    ];
    let features: Vec<String> = parcels
        .iter()
        .map(|(x, y, d, kind)| {
            format!(
                r#"{{"type":"Feature","properties":{{"loai":"{kind}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]}}}}"#,
                x + d,
                x + d,
                y + d,
                y + d
            )
        })
        .collect();
    let gj = dir.path().join("thua.geojson");
    std::fs::write(
        &gj,
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        ),
    )
    .unwrap();
    let out = Command::new(QN)
        .arg("import")
        .arg(&p)
        .arg(&gj)
        .args(["--layer", "Thửa đất"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut pf = ProjectFile::open(&p).unwrap();
    let mut project = pf.read_project().unwrap();
    let table = pf.reference_layers().unwrap()[0].table.clone();
    let (magenta, cyan) = ([255, 0, 255], [0, 255, 255]);
    let mut style = LayerStyle::default_reference([1, 2, 3]);
    style.renderer = categorise(
        "loai",
        &[Value::Text("rừng".into()), Value::Text("lúa".into())],
        style.main_symbol(),
    );
    let Renderer::Categorised { categories, .. } = &mut style.renderer else {
        unreachable!()
    };
    for c in categories.iter_mut() {
        let colour = if c.value == "rừng" { magenta } else { cyan };
        c.symbol.fill = colour;
        c.symbol.opacity = 1.0;
        c.symbol.outline = [colour[0], colour[1], colour[2], 255];
    }
    Edit::Style {
        table: table.clone(),
        before: None,
        after: Some(Box::new(style)),
    }
    .apply(&mut pf, &mut project)
    .unwrap();
    let composer = Composer::new().unwrap();
    let mut spec = MapSpec::new("Thửa đất", qn_planner::lang::Language::Vi);
    spec.reference = ReferenceDraw::all_of(&pf).unwrap();
    assert!(spec.reference[0].style.is_some());
    let dpi = 300;
    spec.raster_dpi = dpi;
    let page = composer.map_page(&project, &spec).unwrap();
    let png = render::png(&page, dpi).unwrap();
    let at = |lon: f64, lat: f64| pixel_at(&page, dpi, lon, lat);
    for colour in [magenta, cyan] {
        let (hits, _) = pixels_of(&png, colour);
        for (x, y, d, kind) in parcels {
            let want = if kind == "rừng" { magenta } else { cyan };
            if want != colour {
                continue;
            }
            let (cx, cy) = at(x + d / 2.0, y + d / 2.0);
            assert!(
                hits.iter()
                    .any(|(hx, hy)| (i64::from(*hx) - cx).abs() <= 3
                        && (i64::from(*hy) - cy).abs() <= 3),
                "no {kind} colour at the parcel at {x},{y} (size {d}°)"
            );
        }
    }
}
