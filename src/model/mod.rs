//! Plain data of a project: the planning layers and their sites, scenarios, rules, actual
//! values, the report's figures and the change log's operations. No I/O, no UI.

pub mod admin;
pub mod figures;
pub mod labels;
pub mod oplog;
pub mod palette;
pub mod rules;
pub mod scenario;
pub mod seed;
pub mod select;
pub mod style;
pub mod text;
pub mod validate;
pub mod value;
pub mod years;

pub use labels::{EARLIER_LOCATION, EARLIER_LOCATION_VI};

use geo_types::Geometry;

/// The five planning layers. Each is a feature table in the GeoPackage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    IndustrialZones,
    IndustrialClusters,
    ProposedClusters,
    CraftVillages,
    IndustrialCentres,
    /// Areas the planner loads or draws that must stay free of industry (e.g. the Hạ Long Bay
    /// core zone). None is shipped: the official boundaries are not in any open package.
    ProtectedAreas,
    /// Residential areas the planner marks, for the isolation-distance rule.
    ResidentialAreas,
}

impl Layer {
    pub const ALL: [Layer; 7] = [
        Layer::IndustrialZones,
        Layer::IndustrialClusters,
        Layer::ProposedClusters,
        Layer::CraftVillages,
        Layer::IndustrialCentres,
        Layer::ProtectedAreas,
        Layer::ResidentialAreas,
    ];

    /// The five planning layers of the source document (not the planner's context layers).
    pub const PLANNING: [Layer; 5] = [
        Layer::IndustrialZones,
        Layer::IndustrialClusters,
        Layer::ProposedClusters,
        Layer::CraftVillages,
        Layer::IndustrialCentres,
    ];

    pub fn is_planning(self) -> bool {
        Layer::PLANNING.contains(&self)
    }

    /// Whether the layer holds areas only (protected and residential areas): its table is a
    /// MULTIPOLYGON layer. Planning layers hold a point, a boundary or both.
    pub fn holds_areas_only(self) -> bool {
        !self.is_planning()
    }

    /// The MULTIPOLYGON table that holds the boundaries of a planning layer's sites, linked
    /// to the point table by `site_key` (`None` for the area-only layers).
    pub fn boundary_table(self) -> Option<&'static str> {
        match self {
            Layer::IndustrialZones => Some("industrial_zones_boundary"),
            Layer::IndustrialClusters => Some("industrial_clusters_boundary"),
            Layer::ProposedClusters => Some("proposed_clusters_boundary"),
            Layer::CraftVillages => Some("craft_villages_boundary"),
            Layer::IndustrialCentres => Some("centre_plants_boundary"),
            Layer::ProtectedAreas | Layer::ResidentialAreas => None,
        }
    }

    /// Name of the feature table that holds the layer's sites. For the industrial centres the
    /// sites are the plants (`centre_plants`); the five centres are in `industrial_centres`.
    pub fn table(self) -> &'static str {
        match self {
            Layer::IndustrialZones => "industrial_zones",
            Layer::IndustrialClusters => "industrial_clusters",
            Layer::ProposedClusters => "proposed_clusters",
            Layer::CraftVillages => "craft_villages",
            Layer::IndustrialCentres => "centre_plants",
            Layer::ProtectedAreas => "protected_areas",
            Layer::ResidentialAreas => "residential_areas",
        }
    }

    pub fn from_table(t: &str) -> Option<Layer> {
        Layer::ALL.into_iter().find(|l| l.table() == t)
    }

    /// Label priority: lower numbers keep their labels when space runs out.
    pub fn label_priority(self) -> u8 {
        match self {
            Layer::IndustrialZones => 1,
            Layer::IndustrialClusters => 2,
            Layer::ProposedClusters => 3,
            Layer::CraftVillages => 4,
            Layer::IndustrialCentres => 5,
            Layer::ProtectedAreas => 6,
            Layer::ResidentialAreas => 7,
        }
    }
}

/// Planning status of a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Established,
    Proposed,
    Approved,
    InOperation,
    /// A value written by another program that qn-planner does not know (kept as it is in
    /// [`Site::unread`], shown and reported, never lost).
    Unknown,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Established,
        Status::Proposed,
        Status::Approved,
        Status::InOperation,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Established => "established",
            Status::Proposed => "proposed",
            Status::Approved => "approved",
            Status::InOperation => "in operation",
            Status::Unknown => "",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Not yet decided: drawn so that nobody takes it for an existing site.
    pub fn is_planned(self) -> bool {
        matches!(self, Status::Proposed)
    }
}

/// Planning phase of the 2006–2015 plan with its view to 2020.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    P2006_2010,
    P2011_2015,
    P2016_2020,
}

impl Phase {
    pub const ALL: [Phase; 3] = [Phase::P2006_2010, Phase::P2011_2015, Phase::P2016_2020];

    pub const fn as_str(self) -> &'static str {
        match self {
            Phase::P2006_2010 => "2006-2010",
            Phase::P2011_2015 => "2011-2015",
            Phase::P2016_2020 => "2016-2020",
        }
    }

    pub fn parse(s: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A check result the planner accepted, with the reason, stored with the feature.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AcceptedWarning {
    /// The check's key, e.g. "overlap".
    pub check: String,
    pub reason: String,
}

/// The districts of Quảng Ninh in 2006 (FACTS.md), for the district choice.
pub const DISTRICTS_2006: [&str; 14] = [
    "Hạ Long",
    "Móng Cái",
    "Cẩm Phả",
    "Uông Bí",
    "Đông Triều",
    "Yên Hưng",
    "Hoành Bồ",
    "Vân Đồn",
    "Cô Tô",
    "Tiên Yên",
    "Đầm Hà",
    "Hải Hà",
    "Bình Liêu",
    "Ba Chẽ",
];

/// How precisely a site's position is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Precision {
    /// The position of the site itself.
    Site,
    /// The centre of the ward or commune the site lies in.
    CommuneCentre,
    /// Approximate: a nearby centroid or an unconfirmed identification.
    Approximate,
    /// No public source gives a position; the record has no geometry.
    NotLocated,
    /// Drawn, moved or reshaped by a planner: a draft, not a surveyed position.
    Drafted,
    /// A value written by another program that qn-planner does not know (see
    /// [`Site::unread`]).
    Unknown,
}

impl Precision {
    pub const fn as_str(self) -> &'static str {
        match self {
            Precision::Site => "site",
            Precision::CommuneCentre => "ward/commune centre",
            Precision::Approximate => "approximate",
            Precision::NotLocated => "not located",
            Precision::Drafted => "drafted",
            Precision::Unknown => "",
        }
    }

    pub fn parse(s: &str) -> Option<Precision> {
        match s {
            "site" => Some(Precision::Site),
            "ward/commune centre" => Some(Precision::CommuneCentre),
            "approximate" => Some(Precision::Approximate),
            "not located" => Some(Precision::NotLocated),
            "drafted" => Some(Precision::Drafted),
            _ => None,
        }
    }
}

/// One record of a planning layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Feature id in its table (0 before it is stored): local to this file, never shared.
    pub fid: i64,
    /// Stable key of the record (a UUID), the same in every copy of the project; it links the
    /// site's location to its boundary. Empty until the record is first stored.
    pub key: String,
    pub layer: Layer,
    /// Name, NFC Vietnamese.
    pub name: String,
    /// Kind, e.g. "cụm công nghiệp chế biến thủy sản".
    pub kind: String,
    pub status: Status,
    /// District as of 2006 (empty when unknown).
    pub district_2006: String,
    /// Commune or ward as of 2006 (empty when unknown; a "?" marks an unconfirmed one).
    pub commune_2006: String,
    /// The commune-level unit it lies in since 1 July 2025 (Resolution 1679/NQ-UBTVQH15), by
    /// name ("Phường Hà Tu"); empty when unknown.
    pub unit_2025: String,
    /// Where `unit_2025` comes from: derived from the 2006 commune through the official
    /// old → new mapping, or set by a planner (who, when).
    pub unit_2025_source: String,
    /// Paragraph(s) of the 2007 source document, e.g. "¶9".
    pub source_para: String,
    pub location_precision: Precision,
    /// Where the position comes from.
    pub location_source: String,
    /// The craft of a craft village or craft-village cluster.
    pub craft: String,
    /// For plants of the industrial centres: the key of their centre.
    pub centre_key: String,
    pub notes: String,
    /// WGS84 lon/lat geometry: a point when seeded, a polygon once drawn; `None` = not located.
    pub geom: Option<Geometry<f64>>,
    pub planned_phase: Option<Phase>,
    /// Geodesic area of the polygon in hectares (computed, never entered).
    pub area_ha: Option<f64>,
    pub main_industries: String,
    pub investment_bn_vnd: Option<f64>,
    pub jobs: Option<i64>,
    /// Year of the decision that established or approved the site.
    pub decision_year: Option<i32>,
    pub accepted_warnings: Vec<AcceptedWarning>,
    /// The site is an expansion of an existing zone or cluster (size and occupancy rules).
    pub is_expansion: bool,
    /// Share of the industrial land leased (lấp đầy), %, and the year it was measured.
    pub occupancy_pct: Option<f64>,
    pub occupancy_year: Option<i32>,
    /// Width of the green buffer strip planned around the site, m.
    pub green_buffer_m: Option<f64>,
    /// Pollution class of the industry (I = 1 … V = 5), for isolation distances.
    pub pollution_class: Option<u8>,
    /// Values in the file that qn-planner does not know (a status, precision or phase written
    /// by another program), by field: shown and reported as they are, and written back
    /// unchanged unless the planner sets the field.
    pub unread: Vec<(String, String)>,
}

/// What a planner did to a site's geometry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftAction {
    /// Placed a new point.
    Placed,
    /// Drew a new polygon, or a boundary for a site that had none.
    Drawn,
    /// Moved the geometry as a whole.
    Moved,
    /// Moved, added or removed vertices.
    Reshaped,
}

impl DraftAction {
    pub const fn as_str(self) -> &'static str {
        match self {
            DraftAction::Placed => "placed",
            DraftAction::Drawn => "drawn",
            DraftAction::Moved => "moved",
            DraftAction::Reshaped => "reshaped",
        }
    }
}

impl Site {
    /// Records that a planner changed the geometry: precision "drafted", source
    /// "ACTION by AUTHOR on DATE", and the earlier precision and source kept as a line of the
    /// notes ("Earlier location: …") — a drafted position never claims to be surveyed.
    /// Repeating the same action (each frame of a drag) changes nothing more.
    /// The texts are written in `lang`, the language the planner works in.
    pub fn record_drafting(
        &mut self,
        action: DraftAction,
        author: &str,
        date: &str,
        lang: crate::lang::Language,
    ) {
        let source = labels::drafting_source(action, author, date, lang);
        if self.location_source == source && self.location_precision == Precision::Drafted {
            return;
        }
        let earlier = self.location_source.trim();
        if !earlier.is_empty() {
            let line = format!(
                "{}: {} — {earlier}",
                labels::earlier_location(lang),
                self.location_precision.label(lang)
            );
            if !self.notes.lines().any(|l| l == line) {
                if !self.notes.is_empty() && !self.notes.ends_with('\n') {
                    self.notes.push('\n');
                }
                self.notes.push_str(&line);
            }
        }
        self.location_precision = Precision::Drafted;
        self.location_source = source;
    }

    /// A new, empty record of `layer` (fid 0 until stored).
    pub fn new(layer: Layer, name: &str, status: Status) -> Site {
        Site {
            fid: 0,
            key: String::new(),
            layer,
            name: name.to_string(),
            kind: String::new(),
            status,
            district_2006: String::new(),
            commune_2006: String::new(),
            unit_2025: String::new(),
            unit_2025_source: String::new(),
            source_para: String::new(),
            location_precision: Precision::NotLocated,
            location_source: String::new(),
            craft: String::new(),
            centre_key: String::new(),
            notes: String::new(),
            geom: None,
            planned_phase: None,
            area_ha: None,
            main_industries: String::new(),
            investment_bn_vnd: None,
            jobs: None,
            decision_year: None,
            accepted_warnings: Vec::new(),
            is_expansion: false,
            occupancy_pct: None,
            occupancy_year: None,
            green_buffer_m: None,
            pollution_class: None,
            unread: Vec::new(),
        }
    }

    /// The text of `field` as the file holds it when qn-planner does not know the value.
    pub fn unread_value(&self, field: &str) -> Option<&str> {
        self.unread
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, v)| v.as_str())
    }

    /// The status as stored: its name, or the unknown text read.
    pub fn status_text(&self) -> &str {
        match self.status {
            Status::Unknown => self.unread_value("status").unwrap_or(""),
            s => s.as_str(),
        }
    }

    /// The location precision as stored (see [`Self::status_text`]).
    pub fn precision_text(&self) -> &str {
        match self.location_precision {
            Precision::Unknown => self.unread_value("location_precision").unwrap_or(""),
            p => p.as_str(),
        }
    }

    /// The planned phase as stored (empty for none; see [`Self::status_text`]).
    pub fn phase_text(&self) -> &str {
        match self.planned_phase {
            Some(p) => p.as_str(),
            None => self.unread_value("planned_phase").unwrap_or(""),
        }
    }

    pub fn is_located(&self) -> bool {
        self.geom.is_some()
    }

    /// Whether the site has an area (a polygon) rather than a point.
    pub fn is_area(&self) -> bool {
        matches!(
            self.geom,
            Some(Geometry::Polygon(_)) | Some(Geometry::MultiPolygon(_))
        )
    }
}

/// A new record key: a random (version 4) UUID in lower-case hex.
pub fn new_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Geodesic area of a lon/lat geometry in hectares (`None` for points and lines).
///
/// Rings are oriented first (exterior counter-clockwise): on the ellipsoid a clockwise ring
/// encloses the rest of the Earth, which is not what a planner drew.
pub fn geodesic_area_ha(g: &Geometry<f64>) -> Option<f64> {
    use geo::{GeodesicArea, Orient, orient::Direction};
    match g {
        Geometry::Polygon(p) => {
            Some(p.orient(Direction::Default).geodesic_area_unsigned() / 10_000.0)
        }
        Geometry::MultiPolygon(mp) => Some(
            mp.0.iter()
                .map(|p| p.orient(Direction::Default).geodesic_area_unsigned())
                .sum::<f64>()
                / 10_000.0,
        ),
        _ => None,
    }
}

/// The geometry with exterior rings counter-clockwise and holes clockwise (as RFC 7946 and
/// most GIS expect); other geometries unchanged.
pub fn oriented(mut g: Geometry<f64>) -> Geometry<f64> {
    // In place (as `geo::Orient` with `Direction::Default` orients, without copying).
    use geo::Winding;
    let orient = |p: &mut geo_types::Polygon<f64>| {
        p.exterior_mut(|r| r.make_ccw_winding());
        p.interiors_mut(|rs| rs.iter_mut().for_each(|r| r.make_cw_winding()));
    };
    match &mut g {
        Geometry::Polygon(p) => orient(p),
        Geometry::MultiPolygon(mp) => mp.0.iter_mut().for_each(orient),
        _ => {}
    }
    g
}

/// One of the five industrial centres of ¶3; the plants that make it up are sites of the
/// `IndustrialCentres` layer with its `key` as `centre_key`.
#[derive(Debug, Clone, PartialEq)]
pub struct Centre {
    pub fid: i64,
    pub key: String,
    pub name: String,
    pub name_en: String,
    pub source_para: String,
    pub notes: String,
    /// The located plants' points (`None` when no plant is located).
    pub geom: Option<Geometry<f64>>,
}

/// An actual (reported or entered) value of an indicator in one year.
#[derive(Debug, Clone, PartialEq)]
pub struct Actual {
    /// Stable key of the row (a UUID; empty until the edit that stores it gives one).
    pub key: String,
    /// Indicator key, e.g. `industrial_output_value`.
    pub indicator: String,
    /// The period as reported: "2010", "2006-2010", "2012 (Q1)"…
    pub period: String,
    /// The calendar year when the value covers exactly one whole year; `None` otherwise.
    pub year: Option<i32>,
    /// `None` for events (a decision, an establishment) that carry no number.
    pub value: Option<f64>,
    pub unit: String,
    pub price_basis: String,
    pub scope: String,
    /// Where the value comes from (a citation, or "entered by …").
    pub source: String,
    pub quote: String,
    pub kind: ActualKind,
}

/// Where an actual value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActualKind {
    /// Entered by a planner.
    Entered,
    /// Reported by a public source after 2007 (seeded with its citation).
    Reported,
    /// Another word found in the file (written by another program): kept as it is.
    Other(String),
}

impl ActualKind {
    pub fn as_str(&self) -> &str {
        match self {
            ActualKind::Entered => "entered",
            ActualKind::Reported => "reported",
            ActualKind::Other(s) => s,
        }
    }

    pub fn parse(s: &str) -> ActualKind {
        match s {
            "entered" => ActualKind::Entered,
            "reported" => ActualKind::Reported,
            other => ActualKind::Other(other.to_string()),
        }
    }
}

/// Everything a project holds, as read from its GeoPackage.
#[derive(Debug, Clone, Default)]
pub struct Project {
    pub sites: Vec<Site>,
    pub centres: Vec<Centre>,
    pub scenarios: Vec<scenario::Scenario>,
    pub actuals: Vec<Actual>,
    pub rules: Vec<rules::Rule>,
    /// The report's figures the scenario engine starts from.
    pub figures: figures::DocumentFigures,
    /// The layers' own styles, keyed by table (a planning layer's point table or a reference
    /// layer's table); a layer without one has its default look.
    pub styles: std::collections::BTreeMap<String, style::LayerStyle>,
}

impl Project {
    /// One line for each value another program wrote that qn-planner does not know (English,
    /// for the command line): it is read and drawn as it is, and said.
    pub fn unread_notes(&self) -> Vec<String> {
        self.sites
            .iter()
            .flat_map(|s| {
                s.unread.iter().map(move |(f, v)| {
                    format!(
                        "{} «{}»: {f} «{v}» is not a value qn-planner knows; kept as it is",
                        s.layer.table(),
                        s.name
                    )
                })
            })
            .collect()
    }

    pub fn sites_of(&self, layer: Layer) -> impl Iterator<Item = &Site> {
        self.sites.iter().filter(move |s| s.layer == layer)
    }

    pub fn site(&self, layer: Layer, fid: i64) -> Option<&Site> {
        self.sites.iter().find(|s| s.layer == layer && s.fid == fid)
    }

    /// Puts `site` in place of the record with its layer and fid, or adds it.
    pub fn put(&mut self, site: Site) {
        match self
            .sites
            .iter_mut()
            .find(|s| s.layer == site.layer && s.fid == site.fid)
        {
            Some(slot) => *slot = site,
            None => self.sites.push(site),
        }
    }

    pub fn scenario(&self, id: i64) -> Option<&scenario::Scenario> {
        self.scenarios.iter().find(|s| s.id == id)
    }

    pub fn scenario_by_name(&self, name: &str) -> Option<&scenario::Scenario> {
        self.scenarios
            .iter()
            .find(|s| text::fold(&s.name) == text::fold(name))
    }

    pub fn reference_scenario(&self) -> Option<&scenario::Scenario> {
        self.scenarios.iter().find(|s| s.is_reference)
    }

    pub fn remove(&mut self, layer: Layer, fid: i64) -> Option<Site> {
        let i = self
            .sites
            .iter()
            .position(|s| s.layer == layer && s.fid == fid)?;
        Some(self.sites.remove(i))
    }

    /// Sites whose name matches `query` (accent-insensitive), best matches first.
    pub fn search(&self, query: &str) -> Vec<&Site> {
        let mut hits: Vec<&Site> = self
            .sites
            .iter()
            .filter(|s| text::matches(&s.name, query))
            .collect();
        hits.sort_by_key(|s| {
            (
                text::match_rank(&s.name, query),
                s.layer,
                text::fold(&s.name),
            )
        });
        hits
    }
}

#[cfg(test)]
mod drafting_tests {
    use super::*;
    use crate::lang::Language;

    #[test]
    fn a_drafting_edit_never_claims_a_surveyed_position_and_keeps_the_earlier_source() {
        let mut s = Site::new(Layer::IndustrialClusters, "Hà Khánh", Status::InOperation);
        s.location_precision = Precision::CommuneCentre;
        s.location_source = "centroid of the ward polygon (Map Maker Vietnam)".into();
        s.notes = "¶9".into();
        s.record_drafting(
            DraftAction::Moved,
            "Nguyễn Thị Lan",
            "2026-12-02",
            Language::En,
        );
        assert_eq!(s.location_precision, Precision::Drafted);
        assert_eq!(s.location_source, "moved by Nguyễn Thị Lan on 2026-12-02");
        assert_eq!(
            s.notes,
            "¶9\nEarlier location: ward/commune centre — centroid of the ward polygon (Map Maker Vietnam)"
        );
        // Every frame of the same drag: nothing more.
        let once = s.clone();
        s.record_drafting(
            DraftAction::Moved,
            "Nguyễn Thị Lan",
            "2026-12-02",
            Language::En,
        );
        assert_eq!(s, once);
        // Reshaped the next day: the earlier drafting is kept as history too.
        s.record_drafting(DraftAction::Reshaped, " ", "2026-12-03", Language::En);
        assert_eq!(
            s.location_source,
            "reshaped by an unnamed planner on 2026-12-03"
        );
        assert_eq!(s.notes.lines().count(), 3);
        assert!(
            s.notes
                .ends_with("drafted by a planner — moved by Nguyễn Thị Lan on 2026-12-02")
        );
        // In Vietnamese, the planner's language, the same record reads in Vietnamese.
        let mut v = Site::new(Layer::IndustrialClusters, "Hà Khánh", Status::InOperation);
        v.location_precision = Precision::CommuneCentre;
        v.location_source = "Tâm phường Hà Khánh".into();
        v.record_drafting(
            DraftAction::Moved,
            "Nguyễn Thị Lan",
            "2026-12-02",
            Language::Vi,
        );
        assert_eq!(
            v.location_source,
            "di chuyển bởi Nguyễn Thị Lan ngày 2026-12-02"
        );
        assert_eq!(v.notes, "Vị trí trước: tâm phường/xã — Tâm phường Hà Khánh");
        // A new point has no earlier source: no history line.
        let mut p = Site::new(Layer::ProposedClusters, "Cụm mới", Status::Proposed);
        p.record_drafting(DraftAction::Placed, "Lan", "2026-12-02", Language::En);
        assert_eq!(p.notes, "");
        assert_eq!(
            Precision::parse(Precision::Drafted.as_str()),
            Some(Precision::Drafted)
        );
    }
}

#[cfg(test)]
mod actual_kind_tests {
    use super::ActualKind;

    #[test]
    fn a_kind_another_program_wrote_is_kept_as_it_is() {
        for k in ["entered", "reported", "Ước tính"] {
            assert_eq!(ActualKind::parse(k).as_str(), k);
        }
        assert_eq!(ActualKind::parse("entered"), ActualKind::Entered);
        assert_eq!(
            ActualKind::parse("estimated"),
            ActualKind::Other("estimated".into())
        );
    }
}
