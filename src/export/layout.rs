//! The print layout a planner sets once and the project keeps: paper, orientation, a chosen
//! scale or an extent to fit, the title block's texts (issuing body, title, author, a free
//! note), the draft mark and the coordinate grid. Stored as JSON in the project's `qn_meta`
//! (key [`STORE_KEY`]) so the next export, from the window or the command line, looks the same.

use super::{ExportError, MapSpec};
use crate::io::crs::Tm3;
use crate::model::{Layer, Project, Site};
use serde::{Deserialize, Serialize};

/// A box on the ground, EPSG:5899 metres (min, max).
pub type GroundBox = ([f64; 2], [f64; 2]);

/// The `qn_meta` key the layout is kept under.
pub const STORE_KEY: &str = "print_layout";

/// The issuing body a new project's maps carry until the planner sets theirs.
pub const DEFAULT_ISSUER: &str = "UBND TỈNH QUẢNG NINH — SỞ CÔNG THƯƠNG";

/// The title a new project's maps carry.
pub const DEFAULT_TITLE: &str = "Quy hoạch khu, cụm công nghiệp tỉnh Quảng Ninh";

/// The scales offered by name; any other is typed.
pub const SCALES: [u32; 4] = [25_000, 50_000, 100_000, 200_000];

/// The smallest and largest scale denominators accepted.
pub const SCALE_MIN: u32 = 500;
pub const SCALE_MAX: u32 = 5_000_000;

/// The margin around a site when the map is fitted to it, metres.
pub const DEFAULT_SITE_MARGIN_M: f64 = 1_000.0;

/// Paper sizes (ISO 216), portrait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    A4,
    A3,
    A2,
    A1,
    A0,
}

impl Paper {
    pub const ALL: [Paper; 5] = [Paper::A4, Paper::A3, Paper::A2, Paper::A1, Paper::A0];

    pub fn parse(s: &str) -> Option<Paper> {
        Paper::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(s.trim()))
    }

    pub fn name(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::A3 => "A3",
            Paper::A2 => "A2",
            Paper::A1 => "A1",
            Paper::A0 => "A0",
        }
    }

    /// Width and height in mm, portrait.
    pub fn portrait_mm(self) -> (f64, f64) {
        match self {
            Paper::A4 => (210.0, 297.0),
            Paper::A3 => (297.0, 420.0),
            Paper::A2 => (420.0, 594.0),
            Paper::A1 => (594.0, 841.0),
            Paper::A0 => (841.0, 1189.0),
        }
    }

    /// How much larger the page's type and panels are than on A4 (the square root of the
    /// size ratio, as sheet maps grow their lettering).
    pub fn type_scale(self) -> f64 {
        (self.portrait_mm().0 / 210.0).sqrt()
    }
}

/// What the map frame shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Extent {
    /// The whole province.
    Province,
    /// The window's view when the layout was last set from the window (EPSG:5899 metres).
    View { min: [f64; 2], max: [f64; 2] },
    /// A rectangle drawn on the map or typed (EPSG:5899 metres).
    Rect { min: [f64; 2], max: [f64; 2] },
    /// A site by name, with a margin around it (metres).
    Site { name: String, margin_m: f64 },
}

/// The coordinate grid drawn over the map, labelled at the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Grid {
    Off,
    /// VN-2000 / TM-3 metres (EPSG:5899).
    Metres,
    /// Longitude and latitude.
    Degrees,
}

impl Grid {
    pub fn parse(s: &str) -> Option<Grid> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" | "none" => Some(Grid::Off),
            "metres" | "meters" | "m" | "vn2000" => Some(Grid::Metres),
            "degrees" | "deg" | "lonlat" => Some(Grid::Degrees),
            _ => None,
        }
    }
}

/// The print layout of a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrintLayout {
    pub paper: Paper,
    pub landscape: bool,
    /// The scale's denominator (100000 for 1:100.000); `None`: fit the extent.
    pub scale: Option<u32>,
    pub extent: Extent,
    /// The issuing body, e.g. "UBND TỈNH QUẢNG NINH — SỞ CÔNG THƯƠNG" (lines split at " — ").
    pub issuer: String,
    pub title: String,
    pub author: String,
    /// A free text box in the title block.
    pub note: String,
    /// The "DỰ THẢO" (draft) mark across the map.
    pub draft: bool,
    pub grid: Grid,
}

impl Default for PrintLayout {
    fn default() -> Self {
        PrintLayout {
            paper: Paper::A4,
            landscape: true,
            scale: None,
            extent: Extent::Province,
            issuer: DEFAULT_ISSUER.into(),
            title: DEFAULT_TITLE.into(),
            author: String::new(),
            note: String::new(),
            draft: false,
            grid: Grid::Off,
        }
    }
}

impl PrintLayout {
    /// The layout kept as `json`; a value this version cannot read gives the default layout
    /// and the reason, never an error that stops an export.
    pub fn from_json(json: &str) -> (PrintLayout, Option<String>) {
        match serde_json::from_str::<PrintLayout>(json) {
            Ok(l) => (l.normalised(), None),
            Err(e) => (
                PrintLayout::default(),
                Some(format!(
                    "the stored print layout could not be read ({e}); the default layout is used"
                )),
            ),
        }
    }

    /// The layout kept in `file` (the default when none is), and why a kept one was not
    /// readable.
    pub fn load(
        file: &crate::store::ProjectFile,
    ) -> Result<(PrintLayout, Option<String>), crate::store::StoreError> {
        Ok(match file.meta(STORE_KEY)? {
            Some(json) => PrintLayout::from_json(&json),
            None => (PrintLayout::default(), None),
        })
    }

    /// Keeps the layout in `file` (one statement, its own transaction).
    pub fn save(
        &self,
        file: &mut crate::store::ProjectFile,
    ) -> Result<(), crate::store::StoreError> {
        file.set_meta(STORE_KEY, &self.to_json())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Texts in NFC, a scale within bounds, finite coordinates.
    pub fn normalised(mut self) -> PrintLayout {
        use unicode_normalization::UnicodeNormalization;
        for t in [
            &mut self.issuer,
            &mut self.title,
            &mut self.author,
            &mut self.note,
        ] {
            *t = t.nfc().collect();
        }
        if let Some(s) = self.scale
            && !(SCALE_MIN..=SCALE_MAX).contains(&s)
        {
            self.scale = None;
        }
        match &mut self.extent {
            Extent::View { min, max } | Extent::Rect { min, max } => {
                if !min.iter().chain(max.iter()).all(|v| v.is_finite())
                    || max[0] <= min[0]
                    || max[1] <= min[1]
                {
                    self.extent = Extent::Province;
                } else {
                    // To the metre: plenty for a print's extent, and kept exactly.
                    for v in min.iter_mut().chain(max.iter_mut()) {
                        *v = v.round();
                    }
                }
            }
            Extent::Site { name, margin_m } => {
                *name = name.nfc().collect();
                if !margin_m.is_finite() || *margin_m < 0.0 {
                    *margin_m = DEFAULT_SITE_MARGIN_M;
                }
                *margin_m = margin_m.round();
            }
            Extent::Province => {}
        }
        self
    }

    /// Sets the page of `spec` from this layout: paper, orientation, scale, the ground extent
    /// (a site's resolved in `project`), the title block's texts and marks.
    pub fn fill_spec(
        &self,
        spec: &mut MapSpec,
        project: &Project,
        tm3: &Tm3,
    ) -> Result<(), ExportError> {
        spec.paper = self.paper;
        spec.landscape = self.landscape;
        spec.scale = self.scale.map(f64::from);
        spec.extent = self.ground_extent(project, tm3)?;
        spec.title_block = true;
        spec.issuer = self.issuer.clone();
        if !self.title.trim().is_empty() {
            spec.title = self.title.clone();
        }
        spec.author = self.author.clone();
        spec.note = self.note.clone();
        spec.draft = self.draft;
        spec.grid = self.grid;
        Ok(())
    }

    /// The ground (EPSG:5899 metres) the extent names; `None`: the province.
    pub fn ground_extent(
        &self,
        project: &Project,
        tm3: &Tm3,
    ) -> Result<Option<GroundBox>, ExportError> {
        match &self.extent {
            Extent::Province => Ok(None),
            Extent::View { min, max } | Extent::Rect { min, max } => Ok(Some((*min, *max))),
            Extent::Site { name, margin_m } => {
                let site = find_site(project, name)?;
                let (min, max) = site_bounds(site, tm3)?;
                Ok(Some((
                    [min[0] - margin_m, min[1] - margin_m],
                    [max[0] + margin_m, max[1] + margin_m],
                )))
            }
        }
    }
}

/// The site named `name` (exactly, else ignoring case and accents); a name two sites share
/// is refused, naming their layers.
pub fn find_site<'a>(project: &'a Project, name: &str) -> Result<&'a Site, ExportError> {
    use unicode_normalization::UnicodeNormalization;
    let want: String = name.trim().nfc().collect();
    let all = || {
        Layer::ALL
            .into_iter()
            .flat_map(move |l| project.sites_of(l))
    };
    let exact: Vec<&Site> = all().filter(|s| s.name == want).collect();
    let found: Vec<&Site> = if exact.is_empty() {
        let key = crate::model::text::fold(&want);
        all()
            .filter(|s| crate::model::text::fold(&s.name) == key)
            .collect()
    } else {
        exact
    };
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(ExportError::Invalid(format!("no site named “{want}”"))),
        many => Err(ExportError::Invalid(format!(
            "{} sites are named “{want}” (in {}): name the one to map by drawing a rectangle or giving its coordinates",
            many.len(),
            many.iter()
                .map(|s| s.layer.name_en())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The bounds of a site's geometry in EPSG:5899 metres.
pub(super) fn site_bounds(site: &Site, tm3: &Tm3) -> Result<([f64; 2], [f64; 2]), ExportError> {
    use geo::CoordsIter;
    let Some(g) = &site.geom else {
        return Err(ExportError::Invalid(format!(
            "“{}” has no position on the map",
            site.name
        )));
    };
    let (mut min, mut max) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for c in g.coords_iter() {
        let (e, n) = tm3.tm3_from_lonlat(c.x, c.y)?;
        min = [min[0].min(e), min[1].min(n)];
        max = [max[0].max(e), max[1].max(n)];
    }
    if !min[0].is_finite() {
        return Err(ExportError::Invalid(format!(
            "“{}” has an empty geometry",
            site.name
        )));
    }
    Ok((min, max))
}

/// Parses a scale as typed: "100000", "1:100000", "1:100.000", "100 000", "1/50,000".
pub fn parse_scale(s: &str) -> Result<u32, String> {
    let t = s.trim();
    let t = t
        .strip_prefix("1:")
        .or_else(|| t.strip_prefix("1/"))
        .unwrap_or(t);
    let digits: String = t
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}' | '\u{202f}' | '_'))
        .collect();
    let n: u32 = digits
        .parse()
        .map_err(|_| format!("{s}: a scale is a number such as 100000 or 1:100.000"))?;
    if !(SCALE_MIN..=SCALE_MAX).contains(&n) {
        return Err(format!(
            "1:{n}: the scale must lie between 1:{SCALE_MIN} and 1:{SCALE_MAX}"
        ));
    }
    Ok(n)
}

/// Parses an extent as given on the command line: `province`, `site:NAME`, or a rectangle
/// `minE,minN,maxE,maxN` in VN-2000 / TM-3 metres (EPSG:5899) or `minLon,minLat,maxLon,maxLat`
/// in degrees (told apart by their size).
pub fn parse_extent(s: &str, margin_m: f64, tm3: &Tm3) -> Result<Extent, String> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("province") {
        return Ok(Extent::Province);
    }
    if let Some(name) = t.strip_prefix("site:") {
        let name = name.trim().trim_matches('"');
        if name.is_empty() {
            return Err("site: needs a site's name, e.g. site:\"Cái Lân\"".into());
        }
        return Ok(Extent::Site {
            name: name.to_string(),
            margin_m,
        });
    }
    let v: Vec<f64> = t
        .strip_prefix("rect:")
        .unwrap_or(t)
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| {
            format!("{s}: use province, site:NAME or minE,minN,maxE,maxN (VN-2000 metres) or minLon,minLat,maxLon,maxLat")
        })?;
    let [a, b, c, d] = v[..] else {
        return Err(format!("{s}: a rectangle is four numbers"));
    };
    if !v.iter().all(|x| x.is_finite()) || c <= a || d <= b {
        return Err(format!(
            "{s}: the rectangle's minimum must lie below and left of its maximum"
        ));
    }
    let degrees = v.iter().all(|x| x.abs() <= 180.0);
    let (min, max) = if degrees {
        if !(b.abs() <= 90.0 && d.abs() <= 90.0) {
            return Err(format!("{s}: a latitude lies outside ±90°"));
        }
        // The projected box of the four corners.
        let mut min = [f64::INFINITY; 2];
        let mut max = [f64::NEG_INFINITY; 2];
        for (lon, lat) in [(a, b), (c, b), (c, d), (a, d)] {
            let (e, n) = tm3.tm3_from_lonlat(lon, lat).map_err(|e| e.to_string())?;
            min = [min[0].min(e), min[1].min(n)];
            max = [max[0].max(e), max[1].max(n)];
        }
        (min, max)
    } else {
        ([a, b], [c, d])
    };
    Ok(Extent::Rect { min, max })
}

/// A scale written the Vietnamese way: "1:100.000".
pub fn written_scale(n: f64) -> String {
    format!("1:{}", grouped(n, '.'))
}

/// A whole number with its thousands apart: `grouped(2330000.0, ' ')` is "2 330 000".
pub fn grouped(v: f64, sep: char) -> String {
    let n = v.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// The scale a fitted map is given: the fitted scale rounded up to a round number (so the
/// extent still fits and the written scale is exact), 1:1.000 steps below 1:50.000, 1:5.000
/// steps above.
pub fn round_scale_up(raw: f64) -> f64 {
    if !raw.is_finite() || raw <= 0.0 {
        return 100_000.0;
    }
    let step = if raw < 50_000.0 { 1_000.0 } else { 5_000.0 };
    ((raw / step).ceil() * step).max(step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_parse_as_planners_type_them() {
        for s in ["100000", "1:100000", "1:100.000", "100 000", "1/100,000"] {
            assert_eq!(parse_scale(s), Ok(100_000), "{s}");
        }
        assert!(parse_scale("1:10").is_err());
        assert!(parse_scale("abc").is_err());
        assert!(parse_scale("1:0").is_err());
    }

    #[test]
    fn a_scale_is_written_with_dots() {
        assert_eq!(written_scale(100_000.0), "1:100.000");
        assert_eq!(written_scale(25_000.0), "1:25.000");
        assert_eq!(written_scale(1_250_000.0), "1:1.250.000");
        assert_eq!(written_scale(500.0), "1:500");
    }

    #[test]
    fn a_fitted_scale_is_rounded_up() {
        assert_eq!(round_scale_up(123_456.0), 125_000.0);
        assert_eq!(round_scale_up(125_000.0), 125_000.0);
        assert_eq!(round_scale_up(24_100.0), 25_000.0);
    }

    #[test]
    fn extents_parse_from_the_command_line() {
        let tm3 = Tm3::new().unwrap();
        assert_eq!(parse_extent("province", 0.0, &tm3), Ok(Extent::Province));
        assert_eq!(
            parse_extent("site:\"Cái Lân\"", 500.0, &tm3),
            Ok(Extent::Site {
                name: "Cái Lân".into(),
                margin_m: 500.0
            })
        );
        assert_eq!(
            parse_extent("400000,2300000,450000,2340000", 0.0, &tm3),
            Ok(Extent::Rect {
                min: [400_000.0, 2_300_000.0],
                max: [450_000.0, 2_340_000.0]
            })
        );
        let Ok(Extent::Rect { min, max }) = parse_extent("107.0,20.9,107.2,21.1", 0.0, &tm3) else {
            panic!("degrees")
        };
        assert!(
            min[0] > 300_000.0 && max[1] < 2_400_000.0,
            "{min:?} {max:?}"
        );
        assert!(parse_extent("1,2,3", 0.0, &tm3).is_err());
        assert!(parse_extent("5,5,1,1", 0.0, &tm3).is_err());
        assert!(parse_extent("site:", 0.0, &tm3).is_err());
    }

    #[test]
    fn a_layout_round_trips_and_a_bad_one_falls_back() {
        let l = PrintLayout {
            paper: Paper::A3,
            scale: Some(100_000),
            extent: Extent::Site {
                name: "Cái Lân".into(),
                margin_m: 800.0,
            },
            draft: true,
            grid: Grid::Degrees,
            author: "Nguyễn Thị Lan".into(),
            ..PrintLayout::default()
        };
        assert_eq!(PrintLayout::from_json(&l.to_json()), (l, None));
        let (d, why) = PrintLayout::from_json("{\"paper\": \"b5\"}");
        assert_eq!(d, PrintLayout::default());
        assert!(why.is_some());
        // Fields this version does not know are kept out, those it lacks take defaults.
        let (p, why) = PrintLayout::from_json("{\"draft\": true}");
        assert!(p.draft && why.is_none() && p.paper == Paper::A4);
    }
}
