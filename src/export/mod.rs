//! Print-quality maps: a page is composed once as SVG (text as text, in the bundled Noto Sans),
//! then rendered to PNG with resvg or to PDF with svg2pdf (fonts embedded). Never draws on
//! screen; the window and the CLI both call it.
//!
//! This file holds what a page is asked for and what comes out (`MapSpec`, `Page`, the
//! errors) and the one export path (`write_map`, `write_pack`). The rest, one idea per file:
//! `compose` lays out a map page (title, frame, scale bar, north arrow, labels, foot);
//! `draw` draws inside the frame (base map, reference layers as an image, sites); `legend`
//! draws the layers' symbols, the legend and the locator inset; `pack` builds the meeting
//! pack; `render` turns a page into PNG or PDF and writes it whole or not at all.

pub mod atlas;
mod compose;
mod draw;
mod frame;
pub mod layout;
mod legend;
mod metrics;
pub mod pack;
mod ref_labels;
mod reference;
pub mod render;
mod sheet;
mod style_svg;

pub use compose::Composer;
pub use layout::{Extent, Grid, Paper, PrintLayout};

use crate::analysis::labels::Bbox;
use crate::lang::Language;
use crate::model::{Layer, Project, palette};
use crate::scenario::Scenario;
use thiserror::Error;

pub const NOTO_SANS: &[u8] = include_bytes!("../../assets/NotoSans-Regular.ttf");
pub const NOTO_SANS_BOLD: &[u8] = include_bytes!("../../assets/NotoSans-Bold.ttf");

#[derive(Debug, Error)]
pub enum ExportError {
    #[error("{0}")]
    Crs(#[from] crate::io::crs::CrsError),
    #[error("{0}")]
    BaseMap(#[from] crate::io::basemap::BaseMapError),
    #[error("the SVG page could not be read back: {0}")]
    Svg(String),
    #[error("PDF: {0}")]
    Pdf(String),
    #[error("PNG: {0}")]
    Png(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("{0}")]
    Invalid(String),
    #[error("{0} dpi is outside 36–1200")]
    DpiOutside(u32),
}

impl ExportError {
    /// The message in `lang`, for the window (the CLI prints the English `Display`).
    pub fn text(&self, lang: crate::lang::Language) -> String {
        use crate::lang::Language;
        match (self, lang) {
            (_, Language::En) => self.to_string(),
            (ExportError::Io { path, source }, Language::Vi) => {
                format!("{path}: không ghi được tệp ({source})")
            }
            (ExportError::Invalid(m), Language::Vi) => format!("không xuất được: {m}"),
            (ExportError::DpiOutside(d), Language::Vi) => {
                format!("{d} dpi nằm ngoài khoảng 36–1200")
            }
            (e, Language::Vi) => format!("không xuất được bản đồ ({e})"),
        }
    }
}

/// The file formats of a map export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapFormat {
    Png,
    Svg,
    Pdf,
}

impl MapFormat {
    pub fn ext(self) -> &'static str {
        match self {
            MapFormat::Png => "png",
            MapFormat::Svg => "svg",
            MapFormat::Pdf => "pdf",
        }
    }

    /// The format an output path asks for by its extension.
    pub fn from_path(path: &std::path::Path) -> Option<MapFormat> {
        let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
        [MapFormat::Png, MapFormat::Svg, MapFormat::Pdf]
            .into_iter()
            .find(|f| f.ext() == ext)
    }
}

/// Composes the map of `spec`, renders it as `format` (`dpi` for a PNG) and writes it whole to
/// `out` (a temporary file renamed into place). Returns the bytes written. The one export path
/// of the window and the command line.
pub fn write_map(
    composer: &Composer,
    project: &Project,
    spec: &MapSpec,
    format: MapFormat,
    dpi: u32,
    out: &std::path::Path,
) -> Result<usize, ExportError> {
    let timing = std::env::var_os("QN_PLANNER_TIMING").is_some();
    let t0 = std::time::Instant::now();
    let page = composer.map_page(project, spec)?;
    let composed = t0.elapsed();
    let bytes = match format {
        MapFormat::Png => {
            let pm = render::pixels(&page, dpi)?;
            let drawn = t0.elapsed();
            let b = render::encode_png(&pm)?;
            if timing {
                eprintln!(
                    "qn-planner: export composed in {} ms, drawn in {} ms, PNG encoded in {} ms",
                    composed.as_millis(),
                    (drawn - composed).as_millis(),
                    (t0.elapsed() - drawn).as_millis()
                );
            }
            b
        }
        MapFormat::Svg => {
            render::tree(&page)?;
            page.full_svg()?.into_owned().into_bytes()
        }
        MapFormat::Pdf => render::pdf(std::slice::from_ref(&page))?,
    };
    render::write_atomic(out, &bytes)?;
    Ok(bytes.len())
}

/// The locator inset alone (Vietnam with Hoàng Sa and Trường Sa, Biển Đông, Quảng Ninh's
/// box), `w_mm` × `h_mm` at `dpi`: what presentation mode shows in a corner.
pub fn locator_image(
    w_mm: f64,
    h_mm: f64,
    lang: Language,
    dpi: u32,
) -> Result<tiny_skia::Pixmap, ExportError> {
    let svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w_mm}mm" height="{h_mm}mm" viewBox="0 0 {w_mm} {h_mm}" font-family="Noto Sans">{}</svg>"##,
        legend::locator_svg(
            &crate::io::basemap::locator_countries(),
            0.0,
            0.0,
            w_mm,
            h_mm,
            lang
        )
    );
    let page = Page {
        svg,
        width_mm: w_mm,
        height_mm: h_mm,
        label_boxes: Vec::new(),
        legend_box: None,
        map_frame: None,
        scale_bar: None,
        raster: None,
    };
    render::pixels(&page, dpi)
}

/// What a meeting pack is made for: the scenario, the language, the file and date on its
/// pages, the paper and the reference layers drawn.
pub struct PackSpec<'a> {
    pub scenario: &'a crate::scenario::Scenario,
    pub lang: Language,
    pub file_label: &'a str,
    pub date: &'a str,
    pub paper: Paper,
    pub reference: &'a [ReferenceDraw],
}

/// Composes the meeting pack of `spec`, renders it as one PDF and writes it whole to `out`.
/// Returns (pages, bytes written).
pub fn write_pack(
    composer: &Composer,
    project: &Project,
    spec: &PackSpec<'_>,
    out: &std::path::Path,
) -> Result<(usize, usize), ExportError> {
    let pages = pack::meeting_pack(
        composer,
        project,
        spec.scenario,
        spec.lang,
        spec.file_label,
        spec.date,
        spec.paper,
        spec.reference,
    )?;
    let bytes = render::pdf(&pages)?;
    render::write_atomic(out, &bytes)?;
    Ok((pages.len(), bytes.len()))
}

/// What to put on a map page.
#[derive(Debug, Clone)]
pub struct MapSpec {
    pub paper: Paper,
    pub landscape: bool,
    pub title: String,
    pub subtitle: String,
    /// Map extent in EPSG:5899 metres (min, max); `None`: the whole province.
    pub extent: Option<([f64; 2], [f64; 2])>,
    pub layers: Vec<Layer>,
    pub show_towns: bool,
    pub scenario: Option<Scenario>,
    pub year: Option<i32>,
    pub file_label: String,
    pub date: String,
    pub lang: Language,
    /// Reference layers drawn under the planning layers, bottom first.
    pub reference: Vec<ReferenceDraw>,
    /// Resolution of the image the reference layers are drawn into: the PNG's dpi, or
    /// [`VECTOR_RASTER_DPI`] for SVG and PDF.
    pub raster_dpi: u32,
    /// The scale's denominator; `None`: the extent fitted, at a round scale.
    pub scale: Option<f64>,
    /// The official sheet: issuing body, title block, written scale (else the plain page of
    /// the meeting pack).
    pub title_block: bool,
    pub issuer: String,
    pub author: String,
    pub note: String,
    pub draft: bool,
    pub grid: Grid,
    /// An atlas sheet's card, drawn beside the map in the legend's place.
    pub card: Option<atlas::Card>,
    /// The site the sheet is about, outlined.
    pub highlight: Option<(Layer, i64)>,
}

/// The resolution of the reference-layer image inside SVG and PDF maps: fine enough for
/// print (each dot stays a quarter of a millimetre), small enough to embed quickly.
pub const VECTOR_RASTER_DPI: u32 = 200;

/// A reference layer to draw: a feature table of a project file, in its colour.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceDraw {
    pub path: std::path::PathBuf,
    pub table: String,
    pub name: String,
    pub color: [u8; 3],
    /// Its own style (none: drawn in `color`), and its geometry.
    pub style: Option<crate::model::style::LayerStyle>,
    pub kind: crate::store::qml::GeomKind,
    /// Where its features lie, so the legend lists it only when the frame holds some.
    pub bounds: RefBounds,
}

/// Where a reference layer's features lie (lon/lat).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum RefBounds {
    /// Not looked up: the layer is listed.
    #[default]
    Unknown,
    /// No feature: never listed.
    Empty,
    /// (min lon, min lat, max lon, max lat).
    Box(f64, f64, f64, f64),
}

impl RefBounds {
    /// The bounds of every feature table of `file`, by table.
    pub fn of_file(
        file: &crate::store::ProjectFile,
    ) -> Result<std::collections::HashMap<String, RefBounds>, ExportError> {
        let infos = file
            .layer_infos()
            .map_err(|e| ExportError::Invalid(e.to_string()))?;
        Ok(infos
            .into_iter()
            .map(|i| {
                let b = match (i.count, i.extent) {
                    (0, _) => RefBounds::Empty,
                    (_, Some((x0, y0, x1, y1))) => RefBounds::Box(x0, y0, x1, y1),
                    (_, None) => RefBounds::Unknown,
                };
                (i.table, b)
            })
            .collect())
    }
}

impl ReferenceDraw {
    /// Every reference layer of `file`, in import order.
    pub fn all_of(file: &crate::store::ProjectFile) -> Result<Vec<ReferenceDraw>, ExportError> {
        let bad = |e: crate::store::StoreError| ExportError::Invalid(e.to_string());
        let layers = file.reference_layers().map_err(bad)?;
        let mut styles = file.read_styles().map_err(bad)?;
        let bounds = RefBounds::of_file(file)?;
        let mut out = Vec::new();
        for l in layers {
            let kind = file
                .style_target(&l.table)
                .map_err(bad)?
                .map_or(crate::store::qml::GeomKind::Polygon, |t| t.kind);
            out.push(ReferenceDraw {
                path: file.path().to_path_buf(),
                color: palette::parse_hex(&l.color).unwrap_or([0x7a, 0x51, 0x95]),
                style: styles.remove(&l.table),
                kind,
                bounds: bounds.get(&l.table).copied().unwrap_or_default(),
                table: l.table,
                name: l.name,
            });
        }
        Ok(out)
    }
}

impl MapSpec {
    /// A4 landscape of the whole province with every planning layer.
    pub fn new(title: &str, lang: Language) -> MapSpec {
        MapSpec {
            paper: Paper::A4,
            landscape: true,
            title: title.to_string(),
            subtitle: String::new(),
            extent: None,
            layers: Layer::PLANNING.to_vec(),
            show_towns: true,
            scenario: None,
            year: None,
            file_label: String::new(),
            date: String::new(),
            lang,
            reference: Vec::new(),
            raster_dpi: VECTOR_RASTER_DPI,
            scale: None,
            title_block: false,
            issuer: String::new(),
            author: String::new(),
            note: String::new(),
            draft: false,
            grid: Grid::Off,
            card: None,
            highlight: None,
        }
    }

    pub fn page_mm(&self) -> (f64, f64) {
        let (w, h) = self.paper.portrait_mm();
        if self.landscape { (h, w) } else { (w, h) }
    }
}

/// The scale bar as drawn, for checking it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScaleBar {
    /// Where the bar starts on the page (mm) and its length.
    pub x_mm: f64,
    pub y_mm: f64,
    pub length_mm: f64,
    pub label_m: f64,
    /// Ground metres per mm of paper at the map's centre (geodesic).
    pub ground_m_per_mm: f64,
    /// The map's centre (EPSG:5899) and metres of projection per mm of paper.
    pub centre: [f64; 2],
    pub proj_m_per_mm: f64,
    /// The scale's denominator the page states (projection metres per paper metre).
    pub scale: f64,
}

/// A composed page.
#[derive(Debug, Clone)]
pub struct Page {
    pub svg: String,
    pub width_mm: f64,
    pub height_mm: f64,
    /// Boxes of the placed labels and of the legend (mm), for checks.
    pub label_boxes: Vec<(String, Bbox)>,
    pub legend_box: Option<Bbox>,
    /// The map frame on the page (mm), on map pages.
    pub map_frame: Option<Bbox>,
    pub scale_bar: Option<ScaleBar>,
    /// The reference layers, drawn as an image into the map frame under the planning
    /// layers (`svg` holds everything else).
    pub raster: Option<Raster>,
}

/// An image that belongs in a page's SVG at byte `at`, covering the map frame.
#[derive(Debug, Clone)]
pub struct Raster {
    pub pixmap: tiny_skia::Pixmap,
    /// Where the image goes in the SVG text, and what reopens the SVG there (its root
    /// element, the clip definitions and the map's clip group), for drawing what lies
    /// above the image separately.
    pub at: usize,
    pub reopen: String,
    /// Its place on the page, mm.
    pub x_mm: f64,
    pub y_mm: f64,
    pub w_mm: f64,
    pub h_mm: f64,
}

impl Page {
    /// The whole page as SVG, the reference image embedded as a PNG.
    pub fn full_svg(&self) -> Result<std::borrow::Cow<'_, str>, ExportError> {
        let Some(r) = &self.raster else {
            return Ok(std::borrow::Cow::Borrowed(&self.svg));
        };
        use base64::Engine;
        let png = r
            .pixmap
            .encode_png()
            .map_err(|e| ExportError::Png(e.to_string()))?;
        let image = format!(
            r##"<image x="{}" y="{}" width="{}" height="{}" preserveAspectRatio="none" image-rendering="optimizeSpeed" href="data:image/png;base64,{}"/>"##,
            r.x_mm,
            r.y_mm,
            r.w_mm,
            r.h_mm,
            base64::engine::general_purpose::STANDARD.encode(png)
        );
        let mut out = String::with_capacity(self.svg.len() + image.len());
        out.push_str(&self.svg[..r.at]);
        out.push_str(&image);
        out.push_str(&self.svg[r.at..]);
        Ok(std::borrow::Cow::Owned(out))
    }

    /// The SVG split at the image: what lies under it and what lies over it, each a whole
    /// document (none when there is no image).
    pub fn split_svg(&self) -> Option<(String, String)> {
        let r = self.raster.as_ref()?;
        let under = format!("{}</g></svg>", &self.svg[..r.at]);
        let over = format!("{}{}", r.reopen, &self.svg[r.at..]);
        Some((under, over))
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn tr(lang: Language, vi: &'static str, en: &'static str) -> &'static str {
    match lang {
        Language::Vi => vi,
        Language::En => en,
    }
}

/// Width in mm of text in the bundled font (for the pack's tables).
pub fn text_width_mm(text: &str, size_mm: f64, bold: bool) -> f64 {
    metrics::Metrics::new()
        .map(|m| m.width(text, size_mm, bold))
        .unwrap_or(text.len() as f64 * size_mm * 0.55)
}
