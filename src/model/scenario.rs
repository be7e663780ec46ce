//! A planning scenario as data: when each site opens, how industrial output grows per period,
//! the base-year shares by ownership, the extension programme's later years and the priority
//! districts, with the checks of what a planner enters. The numbers a scenario produces are
//! computed in [`crate::scenario`].

use super::{Layer, Project};

/// Years a planner may enter.
pub const YEAR_MIN: i32 = super::years::SCENARIO_MIN;
pub const YEAR_MAX: i32 = super::years::ENTRY_MAX;
/// Growth rates a planner may enter, in % per year.
pub const RATE_MIN: f64 = -50.0;
pub const RATE_MAX: f64 = 100.0;

/// When a site opens in a scenario, and its land when it has no polygon.
#[derive(Debug, Clone, PartialEq)]
pub struct SitePhase {
    pub layer: Layer,
    pub fid: i64,
    /// `None`: not in this scenario.
    pub open_year: Option<i32>,
    /// Land in ha entered for a site without a polygon.
    pub land_ha: Option<f64>,
}

/// A constant annual growth rate of industrial output over `from..=to`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GrowthPeriod {
    /// Stable key of its row (a UUID; empty until the edit that stores it gives one).
    pub key: String,
    pub from: i32,
    pub to: i32,
    pub rate_pct: f64,
}

/// Base-year (2006) shares of output by ownership: an assumption, since the document gives
/// none. Percentages summing to 100.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SectorShares {
    pub state_pct: f64,
    pub non_state_pct: f64,
    pub fdi_pct: f64,
}

/// One year of the industrial-extension programme as entered by the planner.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProgrammeYear {
    /// Stable key of its row (a UUID; empty until the edit that stores it gives one).
    pub key: String,
    pub year: i32,
    pub projects: Option<i64>,
    pub total_capital_bn_vnd: Option<f64>,
    pub funds_bn_vnd: Option<f64>,
    pub social_capital_bn_vnd: Option<f64>,
}

/// A planning scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Row id in `scenarios` (0 before it is stored).
    pub id: i64,
    /// Stable key, the same in every copy of the file (a UUID; empty until the edit that
    /// stores it gives one).
    pub key: String,
    pub name: String,
    pub description: String,
    pub author_notes: String,
    /// ISO 8601 UTC, set by the store.
    pub created: String,
    pub modified: String,
    pub is_reference: bool,
    pub phasing: Vec<SitePhase>,
    pub growth: Vec<GrowthPeriod>,
    pub sector_shares: Option<SectorShares>,
    /// Programme years after those the document gives (2006, 2007).
    pub programme: Vec<ProgrammeYear>,
    /// Districts counted as priority areas (highlands, border, islands; ¶10).
    pub priority_districts: Vec<String>,
}

/// Priority districts offered by default. The document (¶10) names highlands, border areas and
/// islands but no districts: these are the districts on the China border (Móng Cái, Hải Hà,
/// Bình Liêu), the island districts (Vân Đồn, Cô Tô) and the mountain districts Ba Chẽ and
/// Bình Liêu — an assumption the planner edits.
pub const DEFAULT_PRIORITY_DISTRICTS: [&str; 6] = [
    "Móng Cái",
    "Hải Hà",
    "Bình Liêu",
    "Ba Chẽ",
    "Vân Đồn",
    "Cô Tô",
];

/// The layers whose sites are zones or clusters (land, phasing).
pub const PHASED_LAYERS: [Layer; 5] = [
    Layer::IndustrialZones,
    Layer::IndustrialClusters,
    Layer::ProposedClusters,
    Layer::CraftVillages,
    Layer::IndustrialCentres,
];

/// A refused scenario value, with the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    pub field: String,
    /// The reason in English (the command line's language).
    pub reason: String,
    /// The same reason in Vietnamese.
    pub reason_vi: String,
}

impl ScenarioError {
    /// The reason in the UI language.
    pub fn text(&self, lang: crate::lang::Language) -> &str {
        match lang {
            crate::lang::Language::Vi => &self.reason_vi,
            crate::lang::Language::En => &self.reason,
        }
    }
}

/// `base`, or `base 2`, `base 3`… : the first name no scenario of `project` has.
pub fn unique_name(project: &Project, base: &str) -> String {
    (1..)
        .map(|n| {
            if n == 1 {
                base.to_string()
            } else {
                format!("{base} {n}")
            }
        })
        .find(|name| project.scenario_by_name(name).is_none())
        .unwrap_or_else(|| base.to_string())
}

impl Scenario {
    /// A copy to work on, as a new record: not stored yet (id 0), not the reference, named
    /// `name`; the edit that stores it stamps it created and modified. Everything it plans is
    /// copied.
    pub fn duplicate(&self, name: &str) -> Scenario {
        Scenario {
            id: 0,
            // A new record: the edit that stores it gives it and its rows new keys.
            key: String::new(),
            is_reference: false,
            name: name.to_string(),
            // Stamped by the edit that stores it (`Edit::scenario`).
            created: String::new(),
            modified: String::new(),
            growth: self
                .growth
                .iter()
                .map(|g| GrowthPeriod {
                    key: String::new(),
                    ..g.clone()
                })
                .collect(),
            programme: self
                .programme
                .iter()
                .map(|y| ProgrammeYear {
                    key: String::new(),
                    ..y.clone()
                })
                .collect(),
            ..self.clone()
        }
    }

    /// A new scenario: established sites open by 2006 (¶9), the rest not scheduled.
    pub fn new(name: &str, project: &Project) -> Scenario {
        Scenario {
            id: 0,
            key: String::new(),
            name: name.to_string(),
            description: String::new(),
            author_notes: String::new(),
            created: String::new(),
            modified: String::new(),
            is_reference: false,
            phasing: project
                .sites
                .iter()
                .filter(|s| s.layer.is_planning())
                .map(|s| SitePhase {
                    layer: s.layer,
                    fid: s.fid,
                    open_year: (s.status == super::Status::Established)
                        .then_some(super::years::BASE),
                    land_ha: None,
                })
                .collect(),
            growth: Vec::new(),
            sector_shares: None,
            programme: Vec::new(),
            priority_districts: DEFAULT_PRIORITY_DISTRICTS
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }

    /// The year `site` opens in this scenario (`None`: not in it).
    pub fn open_year(&self, layer: Layer, fid: i64) -> Option<i32> {
        self.phase_of(layer, fid).and_then(|p| p.open_year)
    }

    pub fn phase_of(&self, layer: Layer, fid: i64) -> Option<&SitePhase> {
        self.phasing
            .iter()
            .find(|p| p.layer == layer && p.fid == fid)
    }

    /// Sets the opening year of a site (adding its row when missing).
    pub fn set_open_year(&mut self, layer: Layer, fid: i64, year: Option<i32>) {
        match self
            .phasing
            .iter_mut()
            .find(|p| p.layer == layer && p.fid == fid)
        {
            Some(p) => p.open_year = year,
            None => self.phasing.push(SitePhase {
                layer,
                fid,
                open_year: year,
                land_ha: None,
            }),
        }
    }

    /// The growth rate entered for `year`, if a period covers it.
    pub fn rate_for(&self, year: i32) -> Option<f64> {
        self.growth
            .iter()
            .find(|g| (g.from..=g.to).contains(&year))
            .map(|g| g.rate_pct)
    }

    /// Checks everything a planner can enter; `others` are the names of the other scenarios.
    pub fn validate(&self, others: &[&str]) -> Vec<ScenarioError> {
        let mut out = Vec::new();
        let mut err = |field: &str, reason: String, reason_vi: String| {
            out.push(ScenarioError {
                field: field.into(),
                reason,
                reason_vi,
            })
        };
        let name = self.name.trim();
        if name.is_empty() {
            err(
                "name",
                "the name is empty".into(),
                "tên không được để trống".into(),
            );
        } else if others
            .iter()
            .any(|o| super::text::fold(o) == super::text::fold(name))
        {
            err(
                "name",
                format!("a scenario named “{name}” already exists"),
                format!("đã có kịch bản tên «{name}»"),
            );
        }
        let year_ok = |y: i32| (YEAR_MIN..=YEAR_MAX).contains(&y);
        for g in &self.growth {
            if !year_ok(g.from) || !year_ok(g.to) || g.from > g.to {
                err(
                    "growth",
                    format!(
                        "period {}–{} must lie in {YEAR_MIN}–{YEAR_MAX}, first year first",
                        g.from, g.to
                    ),
                    format!(
                        "giai đoạn {}–{} phải nằm trong {YEAR_MIN}–{YEAR_MAX}, năm đầu trước",
                        g.from, g.to
                    ),
                );
            }
            if g.from <= 2007 {
                err(
                    "growth",
                    format!(
                        "period {}–{}: 2005–2007 come from the document; start in 2008 or later",
                        g.from, g.to
                    ),
                    format!(
                        "giai đoạn {}–{}: 2005–2007 lấy từ báo cáo; hãy bắt đầu từ 2008",
                        g.from, g.to
                    ),
                );
            }
            if !g.rate_pct.is_finite() || !(RATE_MIN..=RATE_MAX).contains(&g.rate_pct) {
                err(
                    "growth",
                    format!(
                        "growth {} % is outside {RATE_MIN}…+{RATE_MAX} %",
                        g.rate_pct
                    ),
                    format!(
                        "tăng trưởng {} % nằm ngoài {RATE_MIN}…+{RATE_MAX} %",
                        g.rate_pct
                    ),
                );
            }
        }
        for (i, a) in self.growth.iter().enumerate() {
            for b in &self.growth[i + 1..] {
                if a.from <= b.to && b.from <= a.to {
                    err(
                        "growth",
                        format!(
                            "periods {}–{} and {}–{} overlap",
                            a.from, a.to, b.from, b.to
                        ),
                        format!(
                            "giai đoạn {}–{} và {}–{} chồng nhau",
                            a.from, a.to, b.from, b.to
                        ),
                    );
                }
            }
        }
        if let Some(s) = self.sector_shares {
            let parts = [s.state_pct, s.non_state_pct, s.fdi_pct];
            if parts
                .iter()
                .any(|p| !p.is_finite() || *p < 0.0 || *p > 100.0)
            {
                err(
                    "sector_shares",
                    "each share must be 0–100 %".into(),
                    "mỗi tỷ trọng phải trong khoảng 0–100 %".into(),
                );
            } else if (parts.iter().sum::<f64>() - 100.0).abs() > 0.5 {
                let sum = parts.iter().sum::<f64>();
                err(
                    "sector_shares",
                    format!("shares sum to {sum:.1} %, not 100 %"),
                    format!("tổng tỷ trọng là {sum:.1} %, không phải 100 %"),
                );
            }
        }
        for p in &self.phasing {
            if let Some(y) = p.open_year
                && !year_ok(y)
            {
                err(
                    "phasing",
                    format!("opening year {y} is outside {YEAR_MIN}–{YEAR_MAX}"),
                    format!("năm mở {y} nằm ngoài {YEAR_MIN}–{YEAR_MAX}"),
                );
            }
            if let Some(a) = p.land_ha
                && (!a.is_finite() || a < 0.0)
            {
                err(
                    "phasing",
                    format!("land {a} ha must be 0 or more"),
                    format!("diện tích {a} ha phải từ 0 trở lên"),
                );
            }
        }
        for y in &self.programme {
            if !year_ok(y.year) || y.year <= 2007 {
                err(
                    "programme",
                    format!(
                        "programme year {} must be 2008–{YEAR_MAX} (2006–2007 come from the document)",
                        y.year
                    ),
                    format!(
                        "năm chương trình {} phải trong 2008–{YEAR_MAX} (2006–2007 lấy từ báo cáo)",
                        y.year
                    ),
                );
            }
            for (what, what_vi, v) in [
                ("total capital", "tổng vốn", y.total_capital_bn_vnd),
                ("funds", "kinh phí khuyến công", y.funds_bn_vnd),
                ("social capital", "vốn xã hội", y.social_capital_bn_vnd),
            ] {
                if let Some(v) = v
                    && (!v.is_finite() || v < 0.0)
                {
                    err(
                        "programme",
                        format!("{what} {v} must be 0 or more"),
                        format!("{what_vi} {v} phải từ 0 trở lên"),
                    );
                }
            }
            if let Some(n) = y.projects
                && n < 0
            {
                err(
                    "programme",
                    format!("{n} projects must be 0 or more"),
                    format!("số dự án {n} phải từ 0 trở lên"),
                );
            }
        }
        out
    }
}

/// The current time as ISO 8601 UTC ("2026-11-26T18:59:10Z"), for created/modified stamps.
pub fn now_utc_iso() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}
