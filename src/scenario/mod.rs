//! Planning scenarios and the numbers they produce: pure data and pure functions.
//!
//! A scenario says when each site opens, how industrial output grows per period, and what the
//! industrial-extension (khuyến công) programme puts in and draws in. The scenario itself is
//! plain data in [`crate::model::scenario`] (re-exported here); this module computes with it.
//! The figures the 2007 report gives come from the project ([`DocumentFigures`], a table of
//! the file) with their paragraph; everything else is entered by the planner, marked as an
//! assumption, or computed, and every number says which.

pub mod document;

use crate::model::figures::{DocumentFigures, Figure};
pub use crate::model::scenario::{
    DEFAULT_PRIORITY_DISTRICTS, GrowthPeriod, PHASED_LAYERS, ProgrammeYear, RATE_MAX, RATE_MIN,
    Scenario, ScenarioError, SectorShares, SitePhase, YEAR_MAX, YEAR_MIN, now_utc_iso, unique_name,
};
use crate::model::{Layer, Phase, Project, Site};
use std::collections::BTreeMap;

/// First and last year of the projections.
pub const FIRST_YEAR: i32 = crate::model::years::FIRST;
pub const LAST_YEAR: i32 = crate::model::years::LAST;

/// Where a number comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Stated in the 2007 report, at the given paragraph (e.g. "¶4").
    Document(&'static str),
    /// A figure of the report (at the paragraph) that the planner corrected in the project.
    Corrected(&'static str),
    /// Entered by the planner.
    Entered,
    /// Computed from other numbers.
    Computed,
    /// Computed from an input the planner marked as an assumption.
    Assumption,
    /// Computed from figures of the document at the given paragraph.
    Derived(&'static str),
    /// Nothing to compute it from yet (e.g. no growth rate entered for the year).
    Missing,
}

impl Source {
    /// The label in `lang` (English: [`Source::label`]).
    pub fn text(&self, lang: crate::lang::Language) -> String {
        if lang == crate::lang::Language::En {
            return self.label();
        }
        match self {
            Source::Document(p) => format!("tài liệu {p}"),
            Source::Corrected(p) => format!("tài liệu {p}, đã sửa"),
            Source::Entered => "nhập".into(),
            Source::Computed => "tính toán".into(),
            Source::Assumption => "giả định".into(),
            Source::Derived(p) => format!("tính từ {p}"),
            Source::Missing => "chưa nhập tốc độ".into(),
        }
    }

    /// Whether the value is one of the report's figures (as given or corrected).
    pub fn is_document(&self) -> bool {
        matches!(self, Source::Document(_) | Source::Corrected(_))
    }

    /// The source of a figure of `figures`: the report, or the planner's correction of it.
    pub fn of_figure(figures: &DocumentFigures, f: Figure) -> Source {
        if figures.is_corrected(f) {
            Source::Corrected(f.paragraph())
        } else {
            Source::Document(f.paragraph())
        }
    }

    pub fn label(&self) -> String {
        match self {
            Source::Document(p) => format!("document {p}"),
            Source::Corrected(p) => format!("document {p}, corrected"),
            Source::Entered => "entered".into(),
            Source::Computed => "computed".into(),
            Source::Assumption => "assumption".into(),
            Source::Derived(p) => format!("computed from {p}"),
            Source::Missing => "no rate entered".into(),
        }
    }
}

/// Industrial production value of one year.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputYear {
    pub year: i32,
    /// bn VND; `None` where no rate was entered to carry the series.
    pub total_bn_vnd: Option<f64>,
    pub source: Source,
    /// Growth over the previous year, %.
    pub growth_pct: Option<f64>,
    /// By ownership (state, non-state, FDI) once base shares are set.
    pub sectors_bn_vnd: Option<[f64; 3]>,
}

/// Industrial production value 2005–2020: the report's 2005 (derived), 2006 and 2007 (as the
/// project holds them, see [`DocumentFigures`]), then the scenario's period growth rates.
pub fn output_series(s: &Scenario, figures: &DocumentFigures) -> Vec<OutputYear> {
    let mut out: Vec<OutputYear> = Vec::new();
    let output_2006 = figures.get(Figure::Output2006);
    let target_2007 = figures.get(Figure::Output2007Target);
    let shares = s
        .sector_shares
        .map(|sh| [sh.state_pct, sh.non_state_pct, sh.fdi_pct]);
    let mut sectors: Option<[f64; 3]> = shares.map(|sh| sh.map(|p| p / 100.0 * output_2006));
    out.push(OutputYear {
        year: 2005,
        total_bn_vnd: Some(figures.output_2005()),
        source: Source::Derived(Figure::Output2006.paragraph()),
        growth_pct: None,
        sectors_bn_vnd: None,
    });
    out.push(OutputYear {
        year: 2006,
        total_bn_vnd: Some(output_2006),
        source: Source::of_figure(figures, Figure::Output2006),
        growth_pct: Some(figures.get(Figure::Growth2006)),
        sectors_bn_vnd: sectors,
    });
    let mut prev = output_2006;
    let growth = figures.sector_growth_2007();
    sectors = sectors.map(|[a, b, c]| {
        [
            a * (1.0 + growth[0] / 100.0),
            b * (1.0 + growth[1] / 100.0),
            c * (1.0 + growth[2] / 100.0),
        ]
    });
    out.push(OutputYear {
        year: 2007,
        total_bn_vnd: Some(target_2007),
        source: Source::of_figure(figures, Figure::Output2007Target),
        growth_pct: Some((target_2007 / prev - 1.0) * 100.0),
        sectors_bn_vnd: sectors,
    });
    prev = target_2007;
    let mut carried = true;
    for year in 2008..=LAST_YEAR {
        let rate = s.rate_for(year);
        match (carried, rate) {
            (true, Some(r)) => {
                let v = prev * (1.0 + r / 100.0);
                sectors = sectors.map(|x| x.map(|v| v * (1.0 + r / 100.0)));
                out.push(OutputYear {
                    year,
                    total_bn_vnd: Some(v),
                    source: Source::Computed,
                    growth_pct: Some(r),
                    sectors_bn_vnd: sectors,
                });
                prev = v;
            }
            _ => {
                carried = false;
                out.push(OutputYear {
                    year,
                    total_bn_vnd: None,
                    source: Source::Missing,
                    growth_pct: None,
                    sectors_bn_vnd: None,
                });
            }
        }
    }
    out
}

/// One year of the extension programme with its leverage (social capital per VND of funds).
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeRow {
    pub year: i32,
    pub projects: Option<i64>,
    pub total_capital_bn_vnd: Option<f64>,
    pub funds_bn_vnd: Option<f64>,
    pub social_capital_bn_vnd: Option<f64>,
    pub leverage: Option<f64>,
    pub source: Source,
    pub note: &'static str,
}

/// The programme by year: the report's 2006 results and 2007 plan (as the project holds
/// them), then the planner's years.
pub fn programme_rows(s: &Scenario, figures: &DocumentFigures) -> Vec<ProgrammeRow> {
    let mut rows = document::programme(figures);
    for y in &s.programme {
        let leverage = match (y.social_capital_bn_vnd, y.funds_bn_vnd) {
            (Some(c), Some(f)) if f > 0.0 => Some(c / f),
            _ => None,
        };
        rows.push(ProgrammeRow {
            year: y.year,
            projects: y.projects,
            total_capital_bn_vnd: y.total_capital_bn_vnd,
            funds_bn_vnd: y.funds_bn_vnd,
            social_capital_bn_vnd: y.social_capital_bn_vnd,
            leverage,
            source: Source::Entered,
            note: "",
        });
    }
    rows.sort_by_key(|r| r.year);
    rows
}

/// The phase a site opening in `year` belongs to.
pub fn phase_of_year(year: i32) -> Option<Phase> {
    match year {
        ..=2010 => Some(Phase::P2006_2010),
        2011..=2015 => Some(Phase::P2011_2015),
        2016..=2020 => Some(Phase::P2016_2020),
        _ => None,
    }
}

/// Land of a site for the indicators: its polygon's area, else what the scenario enters.
pub fn land_ha(s: &Scenario, site: &Site) -> Option<f64> {
    site.area_ha
        .or_else(|| s.phase_of(site.layer, site.fid).and_then(|p| p.land_ha))
}

/// The indicators of a scenario in one year.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicators {
    pub year: i32,
    pub output_bn_vnd: Option<f64>,
    pub output_source: Source,
    pub growth_pct: Option<f64>,
    pub sectors_bn_vnd: Option<[f64; 3]>,
    /// Zones and clusters (established and proposed) open by `year`.
    pub operating_clusters: usize,
    /// Their land (ha) where known, and how many have no known land.
    pub operating_land_ha: f64,
    pub operating_land_unknown: usize,
    pub land_by_district_ha: BTreeMap<String, f64>,
    pub land_by_phase_ha: BTreeMap<Phase, f64>,
    pub proposed_opened: usize,
    pub proposed_total: usize,
    pub programme: Option<ProgrammeRow>,
    /// Sites open by `year` in the priority districts.
    pub priority_sites: usize,
}

fn is_cluster_layer(l: Layer) -> bool {
    matches!(
        l,
        Layer::IndustrialZones | Layer::IndustrialClusters | Layer::ProposedClusters
    )
}

/// Computes the indicators of `s` for `year` over the sites of `project`.
///
/// ```
/// use qn_planner::model::Project;
/// use qn_planner::scenario::{Scenario, Source, indicators};
/// let p = Project::default();
/// let s = Scenario::new("Thử", &p);
/// // 2006 and 2007 are the document's own figures (¶4, ¶10); later years need growth rates.
/// let i = indicators(&s, &p, 2006);
/// assert_eq!(i.output_bn_vnd, Some(16_869.0));
/// assert!(matches!(i.output_source, Source::Document(_)));
/// assert_eq!(indicators(&s, &p, 2012).output_bn_vnd, None);
/// ```
pub fn indicators(s: &Scenario, project: &Project, year: i32) -> Indicators {
    let series = output_series(s, &project.figures);
    let out = series.iter().find(|o| o.year == year);
    let mut ind = Indicators {
        year,
        output_bn_vnd: out.and_then(|o| o.total_bn_vnd),
        output_source: out.map(|o| o.source.clone()).unwrap_or(Source::Missing),
        growth_pct: out.and_then(|o| o.growth_pct),
        sectors_bn_vnd: out.and_then(|o| o.sectors_bn_vnd),
        operating_clusters: 0,
        operating_land_ha: 0.0,
        operating_land_unknown: 0,
        land_by_district_ha: BTreeMap::new(),
        land_by_phase_ha: BTreeMap::new(),
        proposed_opened: 0,
        proposed_total: project.sites_of(Layer::ProposedClusters).count(),
        programme: programme_rows(s, &project.figures)
            .into_iter()
            .find(|r| r.year == year),
        priority_sites: 0,
    };
    for site in &project.sites {
        let Some(open) = s.open_year(site.layer, site.fid) else {
            continue;
        };
        if open > year {
            continue;
        }
        if s.priority_districts.contains(&site.district_2006) {
            ind.priority_sites += 1;
        }
        if site.layer == Layer::ProposedClusters {
            ind.proposed_opened += 1;
        }
        if !is_cluster_layer(site.layer) {
            continue;
        }
        ind.operating_clusters += 1;
        match land_ha(s, site) {
            Some(a) => {
                ind.operating_land_ha += a;
                let district = if site.district_2006.is_empty() {
                    "—".to_string()
                } else {
                    site.district_2006.clone()
                };
                *ind.land_by_district_ha.entry(district).or_default() += a;
                if let Some(p) = phase_of_year(open) {
                    *ind.land_by_phase_ha.entry(p).or_default() += a;
                }
            }
            None => ind.operating_land_unknown += 1,
        }
    }
    ind
}

/// One row of the indicator table: its name, and per year the value and its source.
pub type IndicatorRow = (Indicator, Vec<(Option<f64>, CellSource)>);

/// A row of the indicator table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indicator {
    Output,
    OutputReported,
    Growth,
    /// Output by ownership: 0 state, 1 non-state, 2 FDI.
    OutputBySector(usize),
    Operating,
    OperatingLand,
    OperatingLandUnknown,
    LandOpened(Phase),
    ProposedOpened,
    ExtensionProjects,
    ExtensionFunds,
    SocialCapital,
    Leverage,
    PrioritySites,
}

impl Indicator {
    /// The name in `lang` (English: the CSV's and the CLI's).
    pub fn name(self, lang: crate::lang::Language) -> String {
        let vi = lang == crate::lang::Language::Vi;
        let t = |v: &str, e: &str| if vi { v.to_string() } else { e.to_string() };
        match self {
            Indicator::Output => t("Giá trị SXCN (tỷ đồng)", "industrial output (bn VND)"),
            Indicator::OutputReported => t(
                "Giá trị SXCN đã công bố (tỷ đồng)",
                "industrial output, reported (bn VND)",
            ),
            Indicator::Growth => t("Tăng trưởng (%/năm)", "growth (%/yr)"),
            Indicator::OutputBySector(0) => {
                t("GTSX khu vực nhà nước (tỷ đồng)", "output, state (bn VND)")
            }
            Indicator::OutputBySector(1) => t(
                "GTSX ngoài nhà nước (tỷ đồng)",
                "output, non-state (bn VND)",
            ),
            Indicator::OutputBySector(_) => t("GTSX khu vực FDI (tỷ đồng)", "output, FDI (bn VND)"),
            Indicator::Operating => t("Khu, cụm đang hoạt động", "zones and clusters in operation"),
            Indicator::OperatingLand => t("Diện tích đã biết (ha)", "their land, known (ha)"),
            Indicator::OperatingLandUnknown => t(
                "Số khu, cụm chưa có diện tích",
                "of which with no known land",
            ),
            Indicator::LandOpened(p) => {
                if vi {
                    format!("Diện tích mở giai đoạn {} (ha)", p.as_str())
                } else {
                    format!("land opened in {} (ha)", p.as_str())
                }
            }
            Indicator::ProposedOpened => t(
                "Tỉ lệ cụm dự kiến đã mở (%)",
                "proposed clusters opened (%)",
            ),
            Indicator::ExtensionProjects => t("Dự án khuyến công", "extension projects"),
            Indicator::ExtensionFunds => {
                t("Kinh phí khuyến công (tỷ đồng)", "extension funds (bn VND)")
            }
            Indicator::SocialCapital => t(
                "Vốn xã hội thu hút (tỷ đồng)",
                "social capital drawn in (bn VND)",
            ),
            Indicator::Leverage => t(
                "Số vốn thu hút trên 1 đồng khuyến công",
                "leverage (VND per VND of funds)",
            ),
            Indicator::PrioritySites => t("Địa điểm ở vùng ưu tiên", "sites in priority districts"),
        }
    }

    /// The unit, as `actuals` stores it (the part of the English name in brackets).
    pub fn unit(self) -> String {
        let n = self.name(crate::lang::Language::En);
        n.rsplit_once('(')
            .map(|(_, u)| u.trim_end_matches(')').to_string())
            .unwrap_or_default()
    }

    /// The key of its actual values in `actuals` (output: the key of `actuals.csv`; others
    /// their English name in snake_case).
    pub fn actual_key(self) -> String {
        if self == Indicator::Output {
            return "industrial_output_value".into();
        }
        self.name(crate::lang::Language::En)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect::<String>()
            .split('_')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("_")
    }

    /// Every row of the table, in order.
    pub fn all() -> Vec<Indicator> {
        let mut v = vec![
            Indicator::Output,
            Indicator::OutputReported,
            Indicator::Growth,
            Indicator::OutputBySector(0),
            Indicator::OutputBySector(1),
            Indicator::OutputBySector(2),
            Indicator::Operating,
            Indicator::OperatingLand,
            Indicator::OperatingLandUnknown,
        ];
        v.extend(Phase::ALL.map(Indicator::LandOpened));
        v.extend([
            Indicator::ProposedOpened,
            Indicator::ExtensionProjects,
            Indicator::ExtensionFunds,
            Indicator::SocialCapital,
            Indicator::Leverage,
            Indicator::PrioritySites,
        ]);
        v
    }

    /// The indicator whose actual values are stored under `key`.
    pub fn of_actual_key(key: &str) -> Option<Indicator> {
        Indicator::all().into_iter().find(|i| i.actual_key() == key)
    }
}

/// English, for the CSV and the CLI.
impl std::fmt::Display for Indicator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name(crate::lang::Language::En))
    }
}

/// Where a value of the indicator table comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum CellSource {
    Of(Source),
    /// Reported after 2007, on the source's price basis (as the source states it).
    Reported(String),
    /// The sector shares of the base year are not set.
    NoShares,
    /// Nothing (no value).
    Blank,
}

impl CellSource {
    pub fn text(&self, lang: crate::lang::Language) -> String {
        let vi = lang == crate::lang::Language::Vi;
        match self {
            CellSource::Of(s) => s.text(lang),
            CellSource::Reported(basis) if vi => {
                format!("đã công bố, {}", price_basis_text(lang, basis))
            }
            CellSource::Reported(basis) => format!("reported, {basis}"),
            CellSource::NoShares if vi => "chưa đặt tỉ trọng năm gốc".into(),
            CellSource::NoShares => "no base-year shares set".into(),
            CellSource::Blank => String::new(),
        }
    }
}

/// The price basis of a reported value in `lang`: the wordings of the seeded reports
/// (`maps/seed/actuals.csv`) have their Vietnamese; another text is shown as written.
pub fn price_basis_text(lang: crate::lang::Language, basis: &str) -> String {
    if lang == crate::lang::Language::En {
        return basis.to_string();
    }
    let known = [
        ("constant 1994 prices", "giá cố định 1994"),
        (
            "constant 2010 prices (GRDP basis)",
            "giá so sánh 2010 (theo GRDP)",
        ),
        ("current prices", "giá hiện hành"),
        (
            "current prices (not stated)",
            "giá hiện hành (nguồn không nói rõ)",
        ),
        ("nominal", "giá danh nghĩa"),
        ("index (IIP)", "chỉ số (IIP)"),
        ("not stated", "nguồn không nói rõ"),
        (
            "not stated (GRDP value added)",
            "nguồn không nói rõ (giá trị tăng thêm GRDP)",
        ),
        (
            "not stated (index type not named)",
            "nguồn không nói rõ (không nêu loại chỉ số)",
        ),
        (
            "not stated (provincial statistics office; IIP vs value added not specified)",
            "nguồn không nói rõ (cục thống kê tỉnh; không rõ IIP hay giá trị tăng thêm)",
        ),
        (
            "not stated (1994 prices in same article)",
            "nguồn không nói rõ (bài cùng nguồn dùng giá 1994)",
        ),
    ];
    known
        .iter()
        .find(|(e, _)| *e == basis)
        .map(|(_, v)| v.to_string())
        .unwrap_or_else(|| basis.to_string())
}

/// Rows of the indicator table (for the panel, CSV and `qn-planner report`): name, unit,
/// value per year, and the source of each value.
pub fn indicator_table(s: &Scenario, project: &Project, years: &[i32]) -> Vec<IndicatorRow> {
    let inds: Vec<Indicators> = years.iter().map(|y| indicators(s, project, *y)).collect();
    let computed = || CellSource::Of(Source::Computed);
    let programme = |i: &Indicators| {
        i.programme
            .as_ref()
            .map(|p| CellSource::Of(p.source.clone()))
            .unwrap_or(CellSource::Blank)
    };
    Indicator::all()
        .into_iter()
        .map(|ind| {
            let cells = inds
                .iter()
                .map(|i| match ind {
                    Indicator::Output => (i.output_bn_vnd, CellSource::Of(i.output_source.clone())),
                    // Plan against what was reported for the same year (whole-year values
                    // only; the price basis is the source's and is named in the source column).
                    Indicator::OutputReported => match reported_output(project, i.year) {
                        Some(a) => (a.value, CellSource::Reported(a.price_basis.clone())),
                        None => (None, CellSource::Blank),
                    },
                    Indicator::Growth => (i.growth_pct, CellSource::Of(i.output_source.clone())),
                    Indicator::OutputBySector(k) => match i.sectors_bn_vnd {
                        Some(s) => (Some(s[k.min(2)]), CellSource::Of(Source::Assumption)),
                        None => (None, CellSource::NoShares),
                    },
                    Indicator::Operating => (Some(i.operating_clusters as f64), computed()),
                    Indicator::OperatingLand => (Some(i.operating_land_ha), computed()),
                    Indicator::OperatingLandUnknown => {
                        (Some(i.operating_land_unknown as f64), computed())
                    }
                    Indicator::LandOpened(p) => (
                        Some(i.land_by_phase_ha.get(&p).copied().unwrap_or(0.0)),
                        computed(),
                    ),
                    Indicator::ProposedOpened => (
                        (i.proposed_total > 0)
                            .then(|| 100.0 * i.proposed_opened as f64 / i.proposed_total as f64),
                        computed(),
                    ),
                    Indicator::ExtensionProjects => (
                        i.programme
                            .as_ref()
                            .and_then(|p| p.projects)
                            .map(|n| n as f64),
                        programme(i),
                    ),
                    Indicator::ExtensionFunds => (
                        i.programme.as_ref().and_then(|p| p.funds_bn_vnd),
                        programme(i),
                    ),
                    Indicator::SocialCapital => (
                        i.programme.as_ref().and_then(|p| p.social_capital_bn_vnd),
                        programme(i),
                    ),
                    Indicator::Leverage => {
                        (i.programme.as_ref().and_then(|p| p.leverage), programme(i))
                    }
                    Indicator::PrioritySites => (Some(i.priority_sites as f64), computed()),
                })
                .collect();
            (ind, cells)
        })
        .collect()
}

/// The reported (not entered) industrial output of `year`, when a whole-year value exists.
pub fn reported_output(project: &Project, year: i32) -> Option<&crate::model::Actual> {
    project.actuals.iter().find(|a| {
        a.indicator == "industrial_output_value"
            && a.kind == crate::model::ActualKind::Reported
            && a.year == Some(year)
            && a.value.is_some()
    })
}

/// The indicator table as CSV (comma-separated, one row per indicator, a value and a source
/// column per year).
pub fn indicator_csv(s: &Scenario, project: &Project, years: &[i32]) -> String {
    use crate::model::text::csv_row;
    let mut header = vec!["indicator".to_string()];
    for y in years {
        header.push(y.to_string());
        header.push(format!("{y} source"));
    }
    let mut out = csv_row(&header);
    for (name, vals) in indicator_table(s, project, years) {
        let mut row = vec![name.to_string()];
        for (v, src) in vals {
            row.push(
                v.map(|v| {
                    format!("{v:.3}")
                        .trim_end_matches('0')
                        .trim_end_matches('.')
                        .to_string()
                })
                .unwrap_or_default(),
            );
            row.push(src.text(crate::lang::Language::En));
        }
        out.push_str(&csv_row(&row));
    }
    out
}

/// Sites whose opening year differs between two scenarios.
pub fn phase_differences(a: &Scenario, b: &Scenario, project: &Project) -> Vec<(Layer, i64)> {
    project
        .sites
        .iter()
        .filter(|s| a.open_year(s.layer, s.fid) != b.open_year(s.layer, s.fid))
        .map(|s| (s.layer, s.fid))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_reproduces_the_document() {
        let s = Scenario::new("t", &Project::default());
        let o = output_series(&s, &DocumentFigures::default());
        // 2005 from 2006 and +20.68 % (¶4).
        assert!(
            (o[0].total_bn_vnd.unwrap() - 13_978.3).abs() < 0.1,
            "{:?}",
            o[0]
        );
        assert_eq!(o[1].total_bn_vnd, Some(16_869.0));
        // 2007 = 20,150 (¶10) is +19.45 %, inside the stated +19 to +20 %.
        let g = o[2].growth_pct.unwrap();
        assert!((19.0..=20.0).contains(&g), "{g}");
        assert!((16_869.0 * 1.19..=16_869.0 * 1.20).contains(&o[2].total_bn_vnd.unwrap()));
        // No rate entered: no invented years.
        assert!(o[3..].iter().all(|y| y.total_bn_vnd.is_none()));
        // Leverage 109.4 on 850 m VND of funds: about 93 bn VND of social capital (¶7).
        let p = programme_rows(&s, &DocumentFigures::default());
        let y2006 = p.iter().find(|r| r.year == 2006).unwrap();
        assert!((y2006.social_capital_bn_vnd.unwrap() - 93.0).abs() < 0.1);
        assert_eq!(y2006.leverage, Some(109.4));
        let y2007 = p.iter().find(|r| r.year == 2007).unwrap();
        assert_eq!(y2007.projects, Some(79));
        assert!((y2007.leverage.unwrap() - 424.379 / 6.029).abs() < 1e-9);
        assert!(o[1].source == Source::Document("¶4") && y2007.source == Source::Document("¶8"));
    }

    /// A planner's correction of a figure carries through the series and says so.
    #[test]
    fn corrected_figures_drive_the_engine_and_are_marked() {
        let s = Scenario::new("t", &Project::default());
        let mut f = DocumentFigures::default();
        f.set(Figure::Output2007Target, 20_000.0);
        f.set(Figure::Extension2007Funds, 5.0);
        let o = output_series(&s, &f);
        assert_eq!(o[2].total_bn_vnd, Some(20_000.0));
        assert_eq!(o[2].source, Source::Corrected("¶10"));
        assert_eq!(o[1].source, Source::Document("¶4"), "2006 is untouched");
        let p = programme_rows(&s, &f);
        let y2007 = p.iter().find(|r| r.year == 2007).unwrap();
        assert_eq!(y2007.funds_bn_vnd, Some(5.0));
        assert!((y2007.leverage.unwrap() - 424.379 / 5.0).abs() < 1e-9);
        assert_eq!(y2007.source, Source::Corrected("¶8"));
        assert!(
            y2007
                .source
                .text(crate::lang::Language::Vi)
                .contains("đã sửa")
        );
    }

    #[test]
    fn entered_rates_carry_the_series_and_sectors_follow_shares() {
        let mut s = Scenario::new("t", &Project::default());
        s.growth = vec![
            GrowthPeriod {
                key: String::new(),
                from: 2008,
                to: 2010,
                rate_pct: 15.0,
            },
            GrowthPeriod {
                key: String::new(),
                from: 2011,
                to: 2015,
                rate_pct: 10.0,
            },
        ];
        s.sector_shares = Some(SectorShares {
            state_pct: 60.0,
            non_state_pct: 25.0,
            fdi_pct: 15.0,
        });
        assert!(s.validate(&[]).is_empty());
        let o = output_series(&s, &DocumentFigures::default());
        let v2010 = o
            .iter()
            .find(|y| y.year == 2010)
            .unwrap()
            .total_bn_vnd
            .unwrap();
        assert!((v2010 - 20_150.0 * 1.15f64.powi(3)).abs() < 1e-6);
        let v2015 = o
            .iter()
            .find(|y| y.year == 2015)
            .unwrap()
            .total_bn_vnd
            .unwrap();
        assert!((v2015 - v2010 * 1.1f64.powi(5)).abs() < 1e-6);
        assert!(
            o.iter()
                .find(|y| y.year == 2016)
                .unwrap()
                .total_bn_vnd
                .is_none()
        );
        let sec2006 = o[1].sectors_bn_vnd.unwrap();
        assert!((sec2006[0] - 0.6 * 16_869.0).abs() < 1e-9);
        // 2007 by sector uses the document's sector targets (¶10).
        let sec2007 = o[2].sectors_bn_vnd.unwrap();
        assert!((sec2007[1] - 0.25 * 16_869.0 * 1.22).abs() < 1e-9);
    }

    #[test]
    fn bad_input_is_refused_with_reasons() {
        let mut s = Scenario::new("Phương án A", &Project::default());
        s.growth = vec![
            GrowthPeriod {
                key: String::new(),
                from: 2008,
                to: 2012,
                rate_pct: 120.0,
            },
            GrowthPeriod {
                key: String::new(),
                from: 2010,
                to: 2015,
                rate_pct: 10.0,
            },
            GrowthPeriod {
                key: String::new(),
                from: 2003,
                to: 2004,
                rate_pct: 5.0,
            },
        ];
        s.programme = vec![ProgrammeYear {
            key: String::new(),
            year: 2009,
            projects: Some(3),
            total_capital_bn_vnd: Some(-1.0),
            funds_bn_vnd: None,
            social_capital_bn_vnd: None,
        }];
        s.sector_shares = Some(SectorShares {
            state_pct: 50.0,
            non_state_pct: 20.0,
            fdi_pct: 10.0,
        });
        let errs = s.validate(&["phuong an a"]);
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"name"), "{errs:?}");
        assert!(errs.iter().any(|e| e.reason.contains("120")));
        assert!(errs.iter().any(|e| e.reason.contains("overlap")));
        assert!(errs.iter().any(|e| e.reason.contains("2003")));
        assert!(fields.contains(&"programme") && fields.contains(&"sector_shares"));
    }

    #[test]
    fn indicators_follow_the_phasing() {
        let sites = crate::model::seed::seed_sites().unwrap();
        let mut project = Project::default();
        for (i, mut s) in sites.into_iter().enumerate() {
            s.fid = i as i64 + 1;
            project.sites.push(s);
        }
        let mut s = Scenario::new("t", &project);
        let hk = project.sites.iter().find(|x| x.name == "Hà Khánh").unwrap();
        s.set_open_year(hk.layer, hk.fid, Some(2012));
        s.phasing
            .iter_mut()
            .find(|p| p.fid == hk.fid)
            .unwrap()
            .land_ha = Some(120.0);
        let i2010 = indicators(&s, &project, 2010);
        let i2015 = indicators(&s, &project, 2015);
        assert_eq!(i2010.proposed_opened, 0);
        assert_eq!(i2015.proposed_opened, 1);
        assert_eq!(i2015.proposed_total, 10);
        // 4 zones + 8 clusters established, + Hà Khánh by 2015.
        assert_eq!(i2010.operating_clusters, 12);
        assert_eq!(i2015.operating_clusters, 13);
        assert_eq!(i2015.land_by_phase_ha.get(&Phase::P2011_2015), Some(&120.0));
        assert_eq!(i2015.land_by_district_ha.get("Hạ Long"), Some(&120.0));
        let csv = indicator_csv(&s, &project, &[2010, 2015]);
        assert!(csv.starts_with("indicator,2010,2010 source,2015,2015 source\n"));
        assert!(
            csv.contains("proposed clusters opened (%),0,computed,10,computed"),
            "{csv}"
        );
    }
}
