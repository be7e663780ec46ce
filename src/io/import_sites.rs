//! Importing outside features as sites of a planning layer: each feature becomes a [`Site`]
//! whose fields are filled from the source fields the planner maps. Nothing is written here:
//! the sites go into the project as one [`crate::edit::Edit::Sites`], one transaction and one
//! undo step.

use super::crs::{Crs, Transformer};
use super::import::{ImportError, Reader, Source, Value, bad, check_geometry};
use super::problem::{At, Problem};
use crate::model::{Layer, Precision, Site, Status};
use geo_types::Geometry;

/// The fields of a site an import can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteField {
    Name,
    Kind,
    District,
    MainIndustries,
    Craft,
    Notes,
    InvestmentBnVnd,
    Jobs,
    DecisionYear,
}

impl SiteField {
    pub const ALL: [SiteField; 9] = [
        SiteField::Name,
        SiteField::Kind,
        SiteField::District,
        SiteField::MainIndustries,
        SiteField::Craft,
        SiteField::Notes,
        SiteField::InvestmentBnVnd,
        SiteField::Jobs,
        SiteField::DecisionYear,
    ];

    /// The key used on the command line (`--map name=ten,jobs=lao_dong`).
    pub fn key(self) -> &'static str {
        match self {
            SiteField::Name => "name",
            SiteField::Kind => "kind",
            SiteField::District => "district",
            SiteField::MainIndustries => "industries",
            SiteField::Craft => "craft",
            SiteField::Notes => "notes",
            SiteField::InvestmentBnVnd => "investment",
            SiteField::Jobs => "jobs",
            SiteField::DecisionYear => "year",
        }
    }

    /// The site field it fills, as [`crate::model::validate::set_site_field`] names it: the
    /// one place a typed or imported value is parsed and checked.
    pub fn site_field(self) -> &'static str {
        match self {
            SiteField::Name => "name",
            SiteField::Kind => "kind",
            SiteField::District => "district_2006",
            SiteField::MainIndustries => "main_industries",
            SiteField::Craft => "craft",
            SiteField::Notes => "notes",
            SiteField::InvestmentBnVnd => "investment_bn_vnd",
            SiteField::Jobs => "jobs",
            SiteField::DecisionYear => "decision_year",
        }
    }

    pub fn parse(key: &str) -> Option<SiteField> {
        SiteField::ALL.into_iter().find(|f| f.key() == key)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            SiteField::Name => "Tên",
            SiteField::Kind => "Loại hình",
            SiteField::District => "Huyện (2006)",
            SiteField::MainIndustries => "Ngành nghề chính",
            SiteField::Craft => "Nghề",
            SiteField::Notes => "Ghi chú",
            SiteField::InvestmentBnVnd => "Vốn đầu tư (tỷ đồng)",
            SiteField::Jobs => "Lao động",
            SiteField::DecisionYear => "Năm quyết định",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            SiteField::Name => "Name",
            SiteField::Kind => "Kind",
            SiteField::District => "District (2006)",
            SiteField::MainIndustries => "Main industries",
            SiteField::Craft => "Craft",
            SiteField::Notes => "Notes",
            SiteField::InvestmentBnVnd => "Investment (bn VND)",
            SiteField::Jobs => "Jobs",
            SiteField::DecisionYear => "Decision year",
        }
    }

    /// Source field names that fill this field when nothing is chosen (compared folded).
    fn usual_names(self) -> &'static [&'static str] {
        match self {
            SiteField::Name => &["ten", "name", "ten_khu", "ten_cum", "ten_lang"],
            SiteField::Kind => &["loai", "loai_hinh", "kind", "type"],
            SiteField::District => &["huyen", "district", "quan_huyen"],
            SiteField::MainIndustries => &["nganh", "nganh_nghe", "industries"],
            SiteField::Craft => &["nghe", "craft"],
            SiteField::Notes => &["ghi_chu", "ghi chu", "notes", "note"],
            SiteField::InvestmentBnVnd => &["von", "von_dau_tu", "investment"],
            SiteField::Jobs => &["lao_dong", "jobs"],
            SiteField::DecisionYear => &["nam", "nam_qd", "year", "decision_year"],
        }
    }
}

/// Layers an import can fill (the industrial centres' plants need their centre, so not those).
pub const TARGET_LAYERS: [Layer; 6] = [
    Layer::IndustrialZones,
    Layer::IndustrialClusters,
    Layer::ProposedClusters,
    Layer::CraftVillages,
    Layer::ProtectedAreas,
    Layer::ResidentialAreas,
];

/// More than this many sites is not a planning layer: import it as a reference layer.
pub const MAX_SITES: usize = 20_000;

/// The usual mapping for source `fields`: each site field to the first source field with one
/// of its usual names.
pub fn default_mapping(fields: &[String]) -> Vec<(SiteField, String)> {
    let folded: Vec<String> = fields
        .iter()
        .map(|f| crate::model::text::fold(f).replace(' ', "_"))
        .collect();
    SiteField::ALL
        .into_iter()
        .filter_map(|sf| {
            sf.usual_names()
                .iter()
                .find_map(|n| {
                    let n = n.replace(' ', "_");
                    folded.iter().position(|f| *f == n)
                })
                .map(|i| (sf, fields[i].clone()))
        })
        .collect()
}

/// The status new sites of `layer` get: proposed for proposed clusters, else established.
pub fn default_status(layer: Layer) -> Status {
    match layer {
        Layer::ProposedClusters => Status::Proposed,
        _ => Status::Established,
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Int(i) => i.to_string(),
        Value::Real(r) => r.to_string(),
        Value::Text(t) => t.trim().to_string(),
    }
}

/// What reading the source for a planning layer gave.
#[derive(Debug, Clone, PartialEq)]
pub struct SitesRead {
    pub sites: Vec<Site>,
    pub crs: Crs,
    /// The text encoding of an office file, and why.
    pub encoding: Option<super::encoding::Choice>,
    /// What reading noticed and did (Z values dropped, capitals recased…).
    pub notes: Vec<String>,
}

/// What the features of an input become: sites of `layer` with `status`, their fields filled
/// by `mapping` (a name is required), their provenance written in `lang`.
#[derive(Debug, Clone)]
pub struct SiteTarget<'a> {
    pub layer: Layer,
    pub status: Status,
    pub mapping: &'a [(SiteField, String)],
    pub lang: crate::lang::Language,
}

/// Reads every feature of `source` as a new site of `target`. Points, polygons and
/// multipolygons only. With no `crs`, the declared system or a guess from the first features'
/// ranges. `progress(read, share of the input)` is called as it goes; `cancel` stops it.
pub fn read_sites(
    source: &Source,
    crs: Option<Crs>,
    target: &SiteTarget<'_>,
    cancel: &std::sync::atomic::AtomicBool,
    progress: &mut dyn FnMut(u64, f64),
) -> Result<SitesRead, ImportError> {
    let SiteTarget {
        layer,
        status,
        mapping,
        lang,
    } = *target;
    if !TARGET_LAYERS.contains(&layer) {
        return Err(bad(
            At::TargetLayer,
            Problem::LayerNotImportable(layer.name_en().to_string()),
        ));
    }
    let Some((_, name_field)) = mapping.iter().find(|(f, _)| *f == SiteField::Name) else {
        return Err(bad(At::FieldMapping, Problem::NoNameField));
    };
    let mut r = Reader::open(source)?;
    let ((crs, _), pending) = super::import::choose_crs(&mut r, source, crs)?;
    let t = Transformer::new(crs).map_err(|e| ImportError::Crs(e.to_string()))?;
    let file = source
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut sites = Vec::new();
    let mut pending = pending.into_iter();
    let mut n = 0u64;
    loop {
        let feat = match pending.next() {
            Some(f) => f,
            None => match r.next_raw()? {
                Some(f) => f,
                None => break,
            },
        };
        n += 1;
        if n.is_multiple_of(200) {
            if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                return Err(ImportError::Cancelled);
            }
            progress(n, r.fraction());
        }
        let at = r.at(n);
        if sites.len() >= MAX_SITES {
            return Err(bad(at, Problem::TooManySites(MAX_SITES)));
        }
        let get = |field: &str| {
            feat.attrs
                .iter()
                .find(|(k, _)| k == field)
                .map(|(_, v)| v.clone())
                .unwrap_or(Value::Null)
        };
        let name = text(&get(name_field));
        if name.is_empty() {
            return Err(bad(at, Problem::EmptyName(name_field.clone())));
        }
        let mut s = Site::new(layer, &name, status);
        for (f, src) in mapping {
            if *f == SiteField::Name {
                continue;
            }
            // Parsed and checked where the form and the table parse what is typed.
            crate::model::validate::set_site_field(&mut s, f.site_field(), &text(&get(src)))
                .map_err(|e| {
                    bad(
                        r.at(n),
                        Problem::FieldRefused {
                            field: src.clone(),
                            reason: e.reason,
                        },
                    )
                })?;
        }
        if let Some(g) = feat.geom {
            check_geometry(&g).map_err(|m| bad(r.at(n), m))?;
            let g = match g {
                Geometry::MultiPoint(mp) if mp.0.len() == 1 => Geometry::Point(mp.0[0]),
                g @ (Geometry::Point(_) | Geometry::Polygon(_) | Geometry::MultiPolygon(_)) => g,
                other => {
                    return Err(bad(
                        r.at(n),
                        Problem::NotASite(super::import::geometry_type_name(&other).to_string()),
                    ));
                }
            };
            let g = super::import::to_wgs84(g, &t, r.at(n))?;
            s.geom = Some(g);
            s.location_precision = Precision::Site;
        }
        // Provenance in the planner's language, like every text the app writes.
        s.location_source = match lang {
            crate::lang::Language::En => {
                format!("Imported from {file}, {} ({})", at.text(lang), crs.name())
            }
            crate::lang::Language::Vi => {
                format!("Nhập từ {file}, {} ({})", at.text(lang), crs.name())
            }
        };
        sites.push(s);
    }
    progress(n, 1.0);
    Ok(SitesRead {
        sites,
        crs,
        encoding: r.encoding(),
        notes: r.notes(),
    })
}
