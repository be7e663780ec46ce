//! Plain data of a project: the planning layers and their sites. No I/O, no UI.

pub mod seed;
pub mod text;

use geo_types::Geometry;

/// The five planning layers. Each is a feature table in the GeoPackage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    IndustrialZones,
    IndustrialClusters,
    ProposedClusters,
    CraftVillages,
    IndustrialCentres,
}

impl Layer {
    pub const ALL: [Layer; 5] = [
        Layer::IndustrialZones,
        Layer::IndustrialClusters,
        Layer::ProposedClusters,
        Layer::CraftVillages,
        Layer::IndustrialCentres,
    ];

    /// Name of the feature table that holds the layer's sites. For the industrial centres the
    /// sites are the plants (`centre_plants`); the five centres are in `industrial_centres`.
    pub fn table(self) -> &'static str {
        match self {
            Layer::IndustrialZones => "industrial_zones",
            Layer::IndustrialClusters => "industrial_clusters",
            Layer::ProposedClusters => "proposed_clusters",
            Layer::CraftVillages => "craft_villages",
            Layer::IndustrialCentres => "centre_plants",
        }
    }

    pub fn from_table(t: &str) -> Option<Layer> {
        Layer::ALL.into_iter().find(|l| l.table() == t)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Layer::IndustrialZones => "Khu công nghiệp",
            Layer::IndustrialClusters => "Cụm công nghiệp",
            Layer::ProposedClusters => "Cụm công nghiệp dự kiến",
            Layer::CraftVillages => "Làng nghề",
            Layer::IndustrialCentres => "Trung tâm công nghiệp",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Layer::IndustrialZones => "Industrial zones",
            Layer::IndustrialClusters => "Industrial clusters",
            Layer::ProposedClusters => "Proposed clusters",
            Layer::CraftVillages => "Craft villages",
            Layer::IndustrialCentres => "Industrial centres",
        }
    }

    /// Label priority: lower numbers keep their labels when space runs out.
    pub fn label_priority(self) -> u8 {
        match self {
            Layer::IndustrialZones => 1,
            Layer::IndustrialClusters => 2,
            Layer::ProposedClusters => 3,
            Layer::CraftVillages => 4,
            Layer::IndustrialCentres => 5,
        }
    }
}

/// Planning status of a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Established,
    Proposed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Established => "established",
            Status::Proposed => "proposed",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "established" => Some(Status::Established),
            "proposed" => Some(Status::Proposed),
            _ => None,
        }
    }
}

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
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Site => "site",
            Precision::CommuneCentre => "ward/commune centre",
            Precision::Approximate => "approximate",
            Precision::NotLocated => "not located",
        }
    }

    pub fn parse(s: &str) -> Option<Precision> {
        match s {
            "site" => Some(Precision::Site),
            "ward/commune centre" => Some(Precision::CommuneCentre),
            "approximate" => Some(Precision::Approximate),
            "not located" => Some(Precision::NotLocated),
            _ => None,
        }
    }
}

/// One record of a planning layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Feature id in its table (0 before it is stored).
    pub fid: i64,
    pub layer: Layer,
    /// Name, NFC Vietnamese.
    pub name: String,
    /// Kind, e.g. "cụm công nghiệp chế biến thủy sản".
    pub kind: String,
    pub status: Status,
    /// District as of 2006 (empty when unknown).
    pub district_2006: String,
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
}

impl Site {
    pub fn is_located(&self) -> bool {
        self.geom.is_some()
    }
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

/// Everything a project holds, as read from its GeoPackage.
#[derive(Debug, Clone, Default)]
pub struct Project {
    pub sites: Vec<Site>,
    pub centres: Vec<Centre>,
}

impl Project {
    pub fn sites_of(&self, layer: Layer) -> impl Iterator<Item = &Site> {
        self.sites.iter().filter(move |s| s.layer == layer)
    }

    pub fn site(&self, layer: Layer, fid: i64) -> Option<&Site> {
        self.sites.iter().find(|s| s.layer == layer && s.fid == fid)
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
