//! How a layer looks: its symbols (single, categorised by a field, graduated by a numeric
//! field), its labels and the scales it shows at. Shared by the window, every export and the
//! GeoPackage's `layer_styles` table (as QGIS QML, see [`super::qml`]).
//!
//! One [`Symbol`] serves every geometry: areas are filled with `fill` at `opacity` (or hatched)
//! and outlined; lines are drawn with the outline; points get the `shape` of `size_mm`, filled
//! with `fill` (opaque) and outlined.

use super::{Layer, Site, palette};
use serde::{Deserialize, Serialize};

mod classes;

use classes::FALLBACK;
pub use classes::{Classifier, FidClasses, breaks, categorise, graduate, ramp_at};

/// A point symbol's shape (QGIS `SimpleMarker` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Shape {
    Circle,
    Square,
    Triangle,
    Diamond,
    Star,
}

impl Shape {
    pub const ALL: [Shape; 5] = [
        Shape::Circle,
        Shape::Square,
        Shape::Triangle,
        Shape::Diamond,
        Shape::Star,
    ];

    pub fn qgis(self) -> &'static str {
        match self {
            Shape::Circle => "circle",
            Shape::Square => "square",
            Shape::Triangle => "triangle",
            Shape::Diamond => "diamond",
            Shape::Star => "star",
        }
    }

    pub fn from_qgis(s: &str) -> Option<Shape> {
        Shape::ALL.into_iter().find(|x| x.qgis() == s)
    }

    /// The outline of the shape around (x, y), `r` its half size, y down (page or screen).
    pub fn outline(self, x: f64, y: f64, r: f64) -> Vec<(f64, f64)> {
        match self {
            Shape::Circle => (0..24)
                .map(|i| {
                    let a = f64::from(i) / 24.0 * std::f64::consts::TAU;
                    (x + r * a.cos(), y + r * a.sin())
                })
                .collect(),
            Shape::Square => vec![
                (x - r, y - r),
                (x + r, y - r),
                (x + r, y + r),
                (x - r, y + r),
            ],
            // As QGIS draws them: the triangle's base at the half size below, the diamond's
            // points on the half size.
            Shape::Triangle => vec![(x, y - r), (x + r, y + r), (x - r, y + r)],
            Shape::Diamond => vec![(x, y - r), (x + r, y), (x, y + r), (x - r, y)],
            Shape::Star => (0..10)
                .map(|i| {
                    let a =
                        -std::f64::consts::FRAC_PI_2 + f64::from(i) * std::f64::consts::PI / 5.0;
                    let rr = if i % 2 == 0 { r } else { r * 0.38 };
                    (x + rr * a.cos(), y + rr * a.sin())
                })
                .collect(),
        }
    }
}

/// An outline's pen (QGIS pen styles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Dash {
    Solid,
    Dash,
    Dot,
    DashDot,
    /// No outline.
    NoPen,
}

impl Dash {
    pub const ALL: [Dash; 5] = [
        Dash::Solid,
        Dash::Dash,
        Dash::Dot,
        Dash::DashDot,
        Dash::NoPen,
    ];

    pub fn qgis(self) -> &'static str {
        match self {
            Dash::Solid => "solid",
            Dash::Dash => "dash",
            Dash::Dot => "dot",
            Dash::DashDot => "dash dot",
            Dash::NoPen => "no",
        }
    }

    pub fn from_qgis(s: &str) -> Option<Dash> {
        Dash::ALL.into_iter().find(|x| x.qgis() == s)
    }

    /// Dash pattern in multiples of the line width (none: solid or no pen).
    pub fn pattern(self) -> Option<[f64; 4]> {
        match self {
            Dash::Dash => Some([4.0, 2.0, 4.0, 2.0]),
            Dash::Dot => Some([1.0, 2.0, 1.0, 2.0]),
            Dash::DashDot => Some([4.0, 2.0, 1.0, 2.0]),
            Dash::Solid | Dash::NoPen => None,
        }
    }
}

/// How an area is filled (QGIS brush styles): solid, not at all, or hatched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Brush {
    Solid,
    NoBrush,
    Horizontal,
    Vertical,
    Cross,
    /// Lines from top left to bottom right ("\").
    BDiagonal,
    /// Lines from bottom left to top right ("/").
    FDiagonal,
    DiagonalX,
}

impl Brush {
    pub const ALL: [Brush; 8] = [
        Brush::Solid,
        Brush::NoBrush,
        Brush::Horizontal,
        Brush::Vertical,
        Brush::Cross,
        Brush::BDiagonal,
        Brush::FDiagonal,
        Brush::DiagonalX,
    ];

    pub fn qgis(self) -> &'static str {
        match self {
            Brush::Solid => "solid",
            Brush::NoBrush => "no",
            Brush::Horizontal => "horizontal",
            Brush::Vertical => "vertical",
            Brush::Cross => "cross",
            Brush::BDiagonal => "b_diagonal",
            Brush::FDiagonal => "f_diagonal",
            Brush::DiagonalX => "diagonal_x",
        }
    }

    pub fn from_qgis(s: &str) -> Option<Brush> {
        Brush::ALL.into_iter().find(|x| x.qgis() == s)
    }

    /// The hatch lines' directions as (dx, dy) on the page, y down (none: not hatched).
    pub fn hatch(self) -> &'static [(f64, f64)] {
        match self {
            Brush::Horizontal => &[(1.0, 0.0)],
            Brush::Vertical => &[(0.0, 1.0)],
            Brush::Cross => &[(1.0, 0.0), (0.0, 1.0)],
            Brush::BDiagonal => &[(1.0, 1.0)],
            Brush::FDiagonal => &[(1.0, -1.0)],
            Brush::DiagonalX => &[(1.0, 1.0), (1.0, -1.0)],
            Brush::Solid | Brush::NoBrush => &[],
        }
    }
}

/// One symbol (see the module's note on how each geometry uses it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Symbol {
    pub fill: [u8; 3],
    /// Opacity of an area's fill or hatch, 0–1.
    pub opacity: f32,
    pub brush: Brush,
    /// Outline colour and its opacity (RGBA).
    pub outline: [u8; 4],
    pub outline_mm: f32,
    pub dash: Dash,
    pub shape: Shape,
    /// A point symbol's size (its width), mm.
    pub size_mm: f32,
}

impl Symbol {
    /// A plain symbol of colour `c`: the area filled at 30 %, outlined in `c`.
    pub fn plain(c: [u8; 3]) -> Symbol {
        Symbol {
            fill: c,
            opacity: 0.3,
            brush: Brush::Solid,
            outline: [c[0], c[1], c[2], 255],
            outline_mm: 0.4,
            dash: Dash::Solid,
            shape: Shape::Circle,
            size_mm: 3.0,
        }
    }

    /// This symbol with another fill colour (the outline follows when it was the fill's).
    pub fn with_colour(&self, c: [u8; 3]) -> Symbol {
        let mut s = self.clone();
        if s.outline[..3] == s.fill {
            s.outline = [c[0], c[1], c[2], s.outline[3]];
        }
        s.fill = c;
        s
    }
}

/// A value of a feature's field.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Text(String),
    Num(f64),
}

impl Value {
    /// The text a category matches: numbers without a needless ".0".
    pub fn key(&self) -> Option<String> {
        match self {
            Value::Null => None,
            Value::Text(t) => Some(t.clone()),
            Value::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(format!("{}", *n as i64)),
            Value::Num(n) => Some(format!("{n}")),
        }
    }

    pub fn num(&self) -> Option<f64> {
        match self {
            Value::Num(n) if n.is_finite() => Some(*n),
            Value::Text(t) => t.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    pub value: String,
    pub label: String,
    pub symbol: Symbol,
    /// Drawn (QGIS's `render`).
    pub shown: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Class {
    pub lower: f64,
    pub upper: f64,
    pub label: String,
    pub symbol: Symbol,
    pub shown: bool,
}

/// How the classes of a graduated style are cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    EqualInterval,
    Quantile,
}

impl Method {
    pub fn qgis(self) -> &'static str {
        match self {
            Method::EqualInterval => "EqualInterval",
            Method::Quantile => "Quantile",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Renderer {
    Single(Symbol),
    /// By the text of `field`; features matching no category get `other` (none: not drawn).
    Categorised {
        field: String,
        categories: Vec<Category>,
        other: Option<Category>,
    },
    /// By the number in `field`; features outside every class (or without a number) are not
    /// drawn, as in QGIS.
    Graduated {
        field: String,
        method: Method,
        /// The colour ramp, first class to last.
        ramp: [[u8; 3]; 2],
        classes: Vec<Class>,
    },
}

/// What a layer's labels show and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labels {
    /// The field shown (none: no labels).
    pub field: Option<String>,
    pub size_pt: f32,
    pub colour: [u8; 3],
    /// The halo (QGIS's buffer) around the text: its width in mm (0: none) and colour.
    pub halo_mm: f32,
    pub halo_colour: [u8; 3],
    /// Labels show only at this scale (1:N) and closer (none: at every scale).
    pub min_scale: Option<f64>,
}

impl Default for Labels {
    fn default() -> Labels {
        Labels {
            field: Some("name".into()),
            size_pt: 8.0,
            colour: [0x22, 0x22, 0x22],
            halo_mm: 0.6,
            halo_colour: [0xff, 0xff, 0xff],
            min_scale: None,
        }
    }
}

/// A layer's whole look.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerStyle {
    pub renderer: Renderer,
    pub labels: Labels,
    /// The layer shows only at scales between 1:`min_scale` (farthest out) and
    /// 1:`max_scale` (closest in); none: no limit (QGIS's minScale / maxScale).
    pub min_scale: Option<f64>,
    pub max_scale: Option<f64>,
}

/// The colours of new categories: ColorBrewer's qualitative schemes (Cynthia Brewer, Mark
/// Harrower, Penn State; Apache-2.0), those of Dark2, Set1, Set2 and Paired that stay at least
/// ΔE 20 (CIELAB) from every planning layer's own colour, at least 2:1 in contrast on the pale
/// land, and at least ΔE 15 from each other (the test below holds them to it). More categories
/// than colours take them again in turn.
pub const CATEGORY_COLOURS: [[u8; 3]; 8] = [
    [0xe7, 0x29, 0x8a], // Dark2 magenta
    [0x66, 0xa6, 0x1e], // Dark2 green
    [0x75, 0x70, 0xb3], // Dark2 violet
    [0xe4, 0x1a, 0x1c], // Set1 red
    [0x8d, 0xa0, 0xcb], // Set2 blue
    [0xfc, 0x8d, 0x62], // Set2 salmon
    [0xf7, 0x81, 0xbf], // Set1 pink
    [0x33, 0xa0, 0x2c], // Paired green
];

/// The grey of "all other values".
pub const OTHER_COLOUR: [u8; 3] = [0x9e, 0x9e, 0x9e];

impl LayerStyle {
    /// The look of a planning layer with no style of its own: its colour and symbol.
    pub fn default_for(layer: Layer) -> LayerStyle {
        let c = palette::layer(layer);
        let shape = match layer {
            Layer::IndustrialZones | Layer::ProtectedAreas | Layer::ResidentialAreas => {
                Shape::Square
            }
            Layer::IndustrialClusters | Layer::ProposedClusters => Shape::Circle,
            Layer::CraftVillages => Shape::Triangle,
            Layer::IndustrialCentres => Shape::Diamond,
        };
        let mut s = Symbol::plain(c);
        s.shape = shape;
        s.outline_mm = 0.5;
        if layer == Layer::ProposedClusters {
            s.opacity = 0.15;
            s.dash = Dash::Dash;
        }
        LayerStyle {
            renderer: Renderer::Single(s),
            labels: Labels::default(),
            min_scale: None,
            max_scale: None,
        }
    }

    /// The look of a reference layer with no style of its own: its colour, no labels.
    pub fn default_reference(c: [u8; 3]) -> LayerStyle {
        let mut s = Symbol::plain(c);
        s.outline_mm = 0.15;
        s.outline[3] = 220;
        s.opacity = 0.35;
        s.size_mm = 1.0;
        s.shape = Shape::Square;
        LayerStyle {
            renderer: Renderer::Single(s),
            labels: Labels {
                field: None,
                ..Labels::default()
            },
            min_scale: None,
            max_scale: None,
        }
    }

    /// The field the renderer reads, if any.
    pub fn field(&self) -> Option<&str> {
        match &self.renderer {
            Renderer::Single(_) => None,
            Renderer::Categorised { field, .. } | Renderer::Graduated { field, .. } => Some(field),
        }
    }

    /// The symbol of a feature whose field holds `v` (none: not drawn).
    pub fn symbol_for(&self, v: &Value) -> Option<&Symbol> {
        let i = self.class_of(v)?;
        self.symbols().get(i).copied()
    }

    /// Every symbol, in the order [`LayerStyle::class_of`] counts: categories then "all
    /// other values", or the classes.
    pub fn symbols(&self) -> Vec<&Symbol> {
        match &self.renderer {
            Renderer::Single(s) => vec![s],
            Renderer::Categorised {
                categories, other, ..
            } => categories
                .iter()
                .chain(other.iter())
                .map(|c| &c.symbol)
                .collect(),
            Renderer::Graduated { classes, .. } => classes.iter().map(|c| &c.symbol).collect(),
        }
    }

    /// The index in [`LayerStyle::symbols`] of the symbol of a feature whose field holds `v`
    /// (none: not drawn).
    pub fn class_of(&self, v: &Value) -> Option<usize> {
        match &self.renderer {
            Renderer::Single(_) => Some(0),
            Renderer::Categorised {
                categories, other, ..
            } => {
                let key = v.key();
                match categories
                    .iter()
                    .position(|c| key.as_deref() == Some(c.value.as_str()))
                {
                    Some(i) => categories[i].shown.then_some(i),
                    None => other.as_ref().filter(|o| o.shown).map(|_| categories.len()),
                }
            }
            Renderer::Graduated { classes, .. } => {
                let n = v.num()?;
                classes
                    .iter()
                    .enumerate()
                    .position(|(i, c)| {
                        (if i == 0 { n >= c.lower } else { n > c.lower }) && n <= c.upper
                    })
                    .filter(|i| classes[*i].shown)
            }
        }
    }

    /// The symbol of site `s` (none: the style does not draw it). A site whose value falls in
    /// no category or class when the style has no "all other values" (a renamed site, a value
    /// new since the style was made) is drawn in the grey fallback rather than vanishing;
    /// only a category or class the planner hid hides its sites.
    pub fn symbol_of_site(&self, s: &Site) -> Option<&Symbol> {
        let v = self.field().map_or(Value::Null, |f| site_value(s, f));
        match self.symbol_for(&v) {
            Some(sym) => Some(sym),
            None if self.falls_outside(&v) => Some(&FALLBACK),
            None => None,
        }
    }

    /// Whether `v` falls in no category or class at all (not a hidden one).
    pub fn falls_outside(&self, v: &Value) -> bool {
        match &self.renderer {
            Renderer::Single(_) => false,
            Renderer::Categorised {
                categories, other, ..
            } => {
                let key = v.key();
                other.is_none()
                    && !categories
                        .iter()
                        .any(|c| key.as_deref() == Some(c.value.as_str()))
            }
            Renderer::Graduated { classes, .. } => match v.num() {
                None => true,
                Some(n) => !classes.iter().enumerate().any(|(i, c)| {
                    (if i == 0 { n >= c.lower } else { n > c.lower }) && n <= c.upper
                }),
            },
        }
    }

    /// How many of `sites` fall in no category or class (drawn in the fallback grey).
    pub fn count_outside<'a>(&self, sites: impl Iterator<Item = &'a Site>) -> usize {
        sites
            .filter(|s| {
                let v = self.field().map_or(Value::Null, |f| site_value(s, f));
                self.falls_outside(&v)
            })
            .count()
    }

    /// The symbol of the legend's first line and of a single-symbol style.
    pub fn main_symbol(&self) -> &Symbol {
        match &self.renderer {
            Renderer::Single(s) => s,
            Renderer::Categorised {
                categories, other, ..
            } => categories
                .first()
                .map(|c| &c.symbol)
                .or(other.as_ref().map(|o| &o.symbol))
                .unwrap_or(&FALLBACK),
            Renderer::Graduated { classes, .. } => {
                classes.first().map(|c| &c.symbol).unwrap_or(&FALLBACK)
            }
        }
    }

    /// The legend's lines: (label, symbol), in order; "all other values" last.
    pub fn legend(&self) -> Vec<(String, &Symbol)> {
        match &self.renderer {
            Renderer::Single(s) => vec![(String::new(), s)],
            Renderer::Categorised {
                categories, other, ..
            } => categories
                .iter()
                .chain(other.iter())
                .filter(|c| c.shown)
                .map(|c| {
                    let l = if c.label.is_empty() {
                        c.value.clone()
                    } else {
                        c.label.clone()
                    };
                    (l, &c.symbol)
                })
                .collect(),
            Renderer::Graduated { classes, .. } => classes
                .iter()
                .filter(|c| c.shown)
                .map(|c| (c.label.clone(), &c.symbol))
                .collect(),
        }
    }

    /// Whether the layer shows at scale 1:`denominator` (QGIS: maxScale < d ≤ minScale).
    pub fn shows_at(&self, denominator: f64) -> bool {
        self.min_scale.is_none_or(|m| denominator <= m)
            && self.max_scale.is_none_or(|m| denominator > m)
    }

    /// Whether labels show at scale 1:`denominator`.
    pub fn labels_at(&self, denominator: f64) -> bool {
        self.labels.field.is_some() && self.labels.min_scale.is_none_or(|m| denominator <= m)
    }

    /// Every symbol of the style.
    pub fn symbols_mut(&mut self) -> Vec<&mut Symbol> {
        match &mut self.renderer {
            Renderer::Single(s) => vec![s],
            Renderer::Categorised {
                categories, other, ..
            } => categories
                .iter_mut()
                .chain(other.iter_mut())
                .map(|c| &mut c.symbol)
                .collect(),
            Renderer::Graduated { classes, .. } => {
                classes.iter_mut().map(|c| &mut c.symbol).collect()
            }
        }
    }
}

/// The fields of a planning layer's sites a style may use: (column, numeric).
pub const SITE_FIELDS: [(&str, bool); 18] = [
    ("name", false),
    ("kind", false),
    ("status", false),
    ("district_2006", false),
    ("commune_2006", false),
    ("unit_2025", false),
    ("planned_phase", false),
    ("main_industries", false),
    ("craft", false),
    ("location_precision", false),
    ("area_ha", true),
    ("investment_bn_vnd", true),
    ("jobs", true),
    ("occupancy_pct", true),
    ("occupancy_year", true),
    ("decision_year", true),
    ("green_buffer_m", true),
    ("pollution_class", true),
];

/// The value of a site's field `field` (Null for a field it lacks or leaves empty).
pub fn site_value(s: &Site, field: &str) -> Value {
    let text = |t: &str| {
        if t.is_empty() {
            Value::Null
        } else {
            Value::Text(t.to_string())
        }
    };
    let num = |n: Option<f64>| n.map_or(Value::Null, Value::Num);
    match field {
        "name" => text(&s.name),
        "kind" => text(&s.kind),
        "status" => text(s.status_text()),
        "district_2006" => text(&s.district_2006),
        "commune_2006" => text(&s.commune_2006),
        "unit_2025" => text(&s.unit_2025),
        "planned_phase" => s.planned_phase.map_or(Value::Null, |p| text(p.as_str())),
        "main_industries" => text(&s.main_industries),
        "craft" => text(&s.craft),
        "location_precision" => text(s.location_precision.as_str()),
        "area_ha" => num(s.area_ha),
        "investment_bn_vnd" => num(s.investment_bn_vnd),
        "jobs" => num(s.jobs.map(|j| j as f64)),
        "occupancy_pct" => num(s.occupancy_pct),
        "occupancy_year" => num(s.occupancy_year.map(f64::from)),
        "decision_year" => num(s.decision_year.map(f64::from)),
        "green_buffer_m" => num(s.green_buffer_m),
        "pollution_class" => num(s.pollution_class.map(f64::from)),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    fn lab(c: [u8; 3]) -> [f64; 3] {
        let lin = |v: u8| {
            let c = f64::from(v) / 255.0;
            if c > 0.04045 {
                ((c + 0.055) / 1.055).powf(2.4)
            } else {
                c / 12.92
            }
        };
        let (r, g, b) = (lin(c[0]), lin(c[1]), lin(c[2]));
        let x = (r * 0.4124 + g * 0.3576 + b * 0.1805) / 0.95047;
        let y = r * 0.2126 + g * 0.7152 + b * 0.0722;
        let z = (r * 0.0193 + g * 0.1192 + b * 0.9505) / 1.08883;
        let f = |t: f64| {
            if t > 0.008856 {
                t.cbrt()
            } else {
                7.787 * t + 16.0 / 116.0
            }
        };
        [
            116.0 * f(y) - 16.0,
            500.0 * (f(x) - f(y)),
            200.0 * (f(y) - f(z)),
        ]
    }

    fn delta_e(a: [u8; 3], b: [u8; 3]) -> f64 {
        let (a, b) = (lab(a), lab(b));
        ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
    }

    fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
        let lum = |c: [u8; 3]| {
            let lin = |v: u8| {
                let c = f64::from(v) / 255.0;
                if c > 0.04045 {
                    ((c + 0.055) / 1.055).powf(2.4)
                } else {
                    c / 12.92
                }
            };
            0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
        };
        let (x, y) = (lum(a), lum(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn a_site_in_no_category_is_drawn_grey_and_counted_a_hidden_one_is_not_drawn() {
        use crate::model::Site;
        let a = Site::new(Layer::ProposedClusters, "Hà Khánh", Status::Proposed);
        let mut b = Site::new(Layer::ProposedClusters, "Lê Lợi", Status::Proposed);
        let values = [site_value(&a, "name"), site_value(&b, "name")];
        let mut st = LayerStyle::default_for(Layer::ProposedClusters);
        st.renderer = categorise("name", &values, &Symbol::plain([1, 2, 3]));
        if let Renderer::Categorised { other, .. } = &mut st.renderer {
            *other = None;
        }
        assert_ne!(st.symbol_of_site(&b), Some(&FALLBACK));
        // Renamed: its value is in no category, and there is no "all other values".
        b.name = "Lê Lợi mở rộng".into();
        assert_eq!(st.symbol_of_site(&b), Some(&FALLBACK));
        assert_eq!(st.count_outside([&a, &b].into_iter()), 1);
        // A category the planner hid hides its site.
        if let Renderer::Categorised { categories, .. } = &mut st.renderer {
            categories[0].shown = false;
        }
        assert_eq!(st.symbol_of_site(&a), None);
    }

    #[test]
    fn category_colours_stay_apart_from_the_layers_and_each_other_and_show_on_the_land() {
        for c in CATEGORY_COLOURS {
            for l in Layer::ALL {
                let d = delta_e(c, palette::layer(l));
                assert!(d >= 20.0, "{c:?} is ΔE {d:.1} from {l:?}");
            }
            let k = contrast(c, palette::LAND);
            assert!(k >= 2.0, "{c:?} is {k:.2}:1 on the land");
        }
        for (i, a) in CATEGORY_COLOURS.iter().enumerate() {
            for b in &CATEGORY_COLOURS[i + 1..] {
                assert!(delta_e(*a, *b) >= 15.0, "{a:?} and {b:?}");
            }
        }
    }

    #[test]
    fn categories_match_text_and_whole_numbers_and_others_fall_to_the_grey() {
        let base = Symbol::plain([1, 2, 3]);
        let r = categorise(
            "status",
            &[
                Value::Text("planned".into()),
                Value::Num(5.0),
                Value::Text("existing".into()),
                Value::Null,
            ],
            &base,
        );
        let style = LayerStyle {
            renderer: r,
            ..LayerStyle::default_for(Layer::IndustrialClusters)
        };
        let planned = style.symbol_for(&Value::Text("planned".into())).unwrap();
        let five = style.symbol_for(&Value::Num(5.0)).unwrap();
        let other = style.symbol_for(&Value::Text("closed".into())).unwrap();
        assert_ne!(planned.fill, five.fill);
        assert_eq!(other.fill, OTHER_COLOUR);
        assert_eq!(style.symbol_for(&Value::Null).unwrap().fill, OTHER_COLOUR);
        assert_eq!(style.legend().len(), 4);
        assert_eq!(style.legend()[3].0, "all other values");
    }

    #[test]
    fn equal_intervals_and_quantiles_cut_as_qgis_does() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(
            breaks(&v, 3, Method::EqualInterval),
            vec![1.0, 4.0, 7.0, 10.0]
        );
        // QGIS 3.22 (QgsClassificationQuantile) on 1..10 in 4 classes: 3.25, 5.5, 7.75.
        assert_eq!(
            breaks(&v, 4, Method::Quantile),
            vec![1.0, 3.25, 5.5, 7.75, 10.0]
        );
        let r = graduate(
            "jobs",
            &v,
            3,
            Method::EqualInterval,
            [[255, 255, 255], [0, 0, 0]],
            &Symbol::plain([9, 9, 9]),
        );
        let style = LayerStyle {
            renderer: r,
            ..LayerStyle::default_for(Layer::IndustrialClusters)
        };
        assert_eq!(
            style.symbol_for(&Value::Num(1.0)).unwrap().fill,
            [255, 255, 255]
        );
        assert_eq!(style.symbol_for(&Value::Num(10.0)).unwrap().fill, [0, 0, 0]);
        assert_eq!(
            style.symbol_for(&Value::Num(5.0)).unwrap().fill,
            [128, 128, 128]
        );
        assert!(style.symbol_for(&Value::Num(11.0)).is_none());
        assert!(style.symbol_for(&Value::Null).is_none());
        assert_eq!(style.legend()[0].0, "1 – 4");
    }

    #[test]
    fn scale_ranges_follow_qgis() {
        let mut s = LayerStyle::default_for(Layer::CraftVillages);
        assert!(s.shows_at(5_000_000.0));
        s.min_scale = Some(500_000.0);
        s.max_scale = Some(1_000.0);
        assert!(s.shows_at(500_000.0));
        assert!(!s.shows_at(500_001.0));
        assert!(!s.shows_at(1_000.0));
        s.labels.min_scale = Some(100_000.0);
        assert!(s.labels_at(50_000.0));
        assert!(!s.labels_at(200_000.0));
    }

    #[test]
    fn many_features_are_classified_as_one_is() {
        let base = Symbol::plain([1, 2, 3]);
        let style = LayerStyle {
            renderer: categorise(
                "loai",
                &[Value::Text("rừng".into()), Value::Text("lúa".into())],
                &base,
            ),
            ..LayerStyle::default_reference([1, 2, 3])
        };
        let mut c = Classifier::new(&style);
        let mut table = FidClasses::default();
        let values = [
            (1, Value::Text("lúa".into())),
            (2, Value::Text("rừng".into())),
            (3, Value::Text("lúa".into())),
            (4, Value::Null),
            (40_000_000_000, Value::Text("rừng".into())),
        ];
        for (fid, v) in &values {
            assert_eq!(c.class(v), style.class_of(v));
            table.set(*fid, c.class(v));
        }
        assert_eq!(table.get(1), Some(0));
        assert_eq!(table.get(2), Some(1));
        assert_eq!(table.get(3), Some(0));
        assert_eq!(table.get(4), Some(2), "all other values");
        assert_eq!(table.get(40_000_000_000), Some(1), "a sparse fid");
        assert_eq!(table.get(5), None);
        assert_eq!(table.get(-1), None);
    }

    #[test]
    fn site_values_by_field() {
        let mut s = Site::new(Layer::IndustrialClusters, "Kim Sen", Status::Proposed);
        s.jobs = Some(1200);
        assert_eq!(site_value(&s, "status"), Value::Text("proposed".into()));
        assert_eq!(site_value(&s, "jobs"), Value::Num(1200.0));
        assert_eq!(site_value(&s, "kind"), Value::Null);
        assert_eq!(site_value(&s, "no_such"), Value::Null);
    }
}
