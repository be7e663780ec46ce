//! What a verdict says: the figures of a check against the rule's limits, as data and as a
//! sentence in either language.

use super::*;

/// Why a site is on the side of a rule it is: typed, worded once per language.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    NoRuleInForce {
        date: String,
    },
    /// No area, for a size rule (the site needs a boundary or land in the scenario).
    NoArea,
    /// No area, for the phase-size rule.
    NoAreaForPhases,
    Area {
        area: f64,
        min: Option<f64>,
        max: Option<f64>,
        why: Vec<AreaWhy>,
    },
    NoExpansionTest,
    ExpansionNeedsOccupancy,
    ExpansionOccupancy {
        leased: f64,
        need: f64,
    },
    ExistingNotExpansion,
    NoOccupancyMeasured(Scope),
    Occupancy {
        scope: Scope,
        avg: f64,
        need: f64,
        at_least: bool,
        unleased: Unleased,
    },
    NoPhaseSize,
    PhasesNeeded {
        area: f64,
        max: f64,
    },
    OnePhase {
        area: f64,
        max: f64,
    },
    NoWidth,
    EnterGreenStrip {
        min: f64,
    },
    GreenStrip {
        width: f64,
        min: f64,
    },
    EnterPollutionClass,
    NoDistanceForClass(u8),
    NoResidentialArea,
    NoPosition,
    Isolation {
        class: u8,
        distance: f64,
        need: f64,
    },
    NoProtectedArea,
    InsideProtected {
        name: String,
    },
    AreaInsideProtected {
        ha: f64,
        name: String,
    },
    OutsideProtected,
}

/// Why a size limit other than the plain one applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaWhy {
    Expansion,
    Mountain,
    Craft,
}

/// Which existing sites an occupancy test looks at.
#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    ProvinceZones,
    /// The clusters of a district (empty: the site has no district).
    DistrictClusters(String),
}

/// The unleased-land alternative of an occupancy test.
#[derive(Debug, Clone, PartialEq)]
pub enum Unleased {
    NotInRule,
    Known { ha: f64, limit: f64 },
    Unknown { limit: f64 },
}

impl Scope {
    fn text(&self, vi: bool) -> String {
        match (self, vi) {
            (Scope::ProvinceZones, false) => "the province's industrial zones".into(),
            (Scope::ProvinceZones, true) => "các khu công nghiệp của tỉnh".into(),
            (Scope::DistrictClusters(d), false) if d.is_empty() => {
                "the clusters of the district".into()
            }
            (Scope::DistrictClusters(d), true) if d.is_empty() => {
                "các cụm công nghiệp của huyện".into()
            }
            (Scope::DistrictClusters(d), false) => format!("the clusters of {d}"),
            (Scope::DistrictClusters(d), true) => format!("các cụm công nghiệp của {d}"),
        }
    }
}

impl Detail {
    /// The detail in `lang` (English for the CLI and the CSV).
    pub fn text(&self, lang: crate::lang::Language) -> String {
        let vi = lang == crate::lang::Language::Vi;
        let t = |v: &str, e: &str| if vi { v.to_string() } else { e.to_string() };
        let q = |name: &str| {
            if vi {
                format!("«{name}»")
            } else {
                format!("“{name}”")
            }
        };
        match self {
            Detail::NoRuleInForce { date } => {
                if vi {
                    format!("không tìm thấy quy định quốc gia loại này có hiệu lực ngày {date}")
                } else {
                    format!("no national rule of this kind was found in force on {date}")
                }
            }
            Detail::NoArea => t(
                "chưa có diện tích: vẽ ranh giới hoặc nhập diện tích trong kịch bản",
                "no area: draw the boundary or enter the land in the scenario",
            ),
            Detail::NoAreaForPhases => t("chưa có diện tích", "no area"),
            Detail::Area {
                area,
                min,
                max,
                why,
            } => {
                let why: Vec<&str> = why
                    .iter()
                    .map(|w| match (w, vi) {
                        (AreaWhy::Expansion, false) => "expansion",
                        (AreaWhy::Expansion, true) => "mở rộng",
                        (AreaWhy::Mountain, false) => "mountainous district",
                        (AreaWhy::Mountain, true) => "huyện miền núi",
                        (AreaWhy::Craft, false) => "craft-village cluster",
                        (AreaWhy::Craft, true) => "cụm công nghiệp làng nghề",
                    })
                    .collect();
                format!(
                    "{area:.1} ha {} {}–{}{}",
                    if vi {
                        "so với giới hạn"
                    } else {
                        "against"
                    },
                    min.map(|m| format!("{m}")).unwrap_or_else(|| "0".into()),
                    fmt_opt(*max, "ha"),
                    if why.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", why.join(", "))
                    }
                )
            }
            Detail::NoExpansionTest => t(
                "quy định không đặt điều kiện cho việc mở rộng",
                "the rule sets no test for an expansion",
            ),
            Detail::ExpansionNeedsOccupancy => t(
                "mở rộng: nhập tỉ lệ lấp đầy (%) và năm đo",
                "expansion: enter the site's occupancy (% leased) and the year measured",
            ),
            Detail::ExpansionOccupancy { leased, need } => {
                if vi {
                    format!("mở rộng: {leased:.0} % đã cho thuê so với tối thiểu {need} %")
                } else {
                    format!("expansion: {leased:.0} % leased against at least {need} %")
                }
            }
            Detail::ExistingNotExpansion => t(
                "địa điểm hiện có, không phải mở rộng",
                "an existing site that is not an expansion",
            ),
            Detail::NoOccupancyMeasured(scope) => {
                if vi {
                    format!("chưa có số liệu lấp đầy của {}", scope.text(vi))
                } else {
                    format!("no occupancy measured for {}", scope.text(vi))
                }
            }
            Detail::Occupancy {
                scope,
                avg,
                need,
                at_least,
                unleased,
            } => {
                let against = match (vi, at_least) {
                    (false, true) => "at least ",
                    (false, false) => "more than ",
                    (true, true) => "tối thiểu ",
                    (true, false) => "trên ",
                };
                let unleased = match (unleased, vi) {
                    (Unleased::NotInRule, _) => String::new(),
                    (Unleased::Known { ha, limit }, false) => {
                        format!("; or unleased land {ha:.0} ha against less than {limit} ha")
                    }
                    (Unleased::Known { ha, limit }, true) => {
                        format!("; hoặc đất chưa cho thuê {ha:.0} ha so với dưới {limit} ha")
                    }
                    (Unleased::Unknown { limit }, false) => format!(
                        "; unleased land unknown (areas missing) against less than {limit} ha"
                    ),
                    (Unleased::Unknown { limit }, true) => format!(
                        "; chưa biết đất chưa cho thuê (thiếu diện tích) so với dưới {limit} ha"
                    ),
                };
                format!(
                    "{}: {avg:.0} % {} {against}{need} %{unleased}",
                    scope.text(vi),
                    if vi {
                        "đã cho thuê so với"
                    } else {
                        "leased against"
                    }
                )
            }
            Detail::NoPhaseSize => t(
                "quy định không đặt quy mô giai đoạn",
                "the rule sets no phase size",
            ),
            Detail::PhasesNeeded { area, max } => {
                if vi {
                    format!(
                        "{area:.0} ha: phải xây dựng theo giai đoạn, mỗi giai đoạn tối đa {max} ha"
                    )
                } else {
                    format!("{area:.0} ha: must be built in phases of at most {max} ha each")
                }
            }
            Detail::OnePhase { area, max } => {
                if vi {
                    format!("{area:.0} ha, trong một giai đoạn tối đa {max} ha")
                } else {
                    format!("{area:.0} ha, within one phase of at most {max} ha")
                }
            }
            Detail::NoWidth => t("quy định không đặt chiều rộng", "the rule sets no width"),
            Detail::EnterGreenStrip { min } => {
                if vi {
                    format!("nhập chiều rộng dải cây xanh dự kiến (tối thiểu {min} m)")
                } else {
                    format!("enter the planned green strip width (at least {min} m)")
                }
            }
            Detail::GreenStrip { width, min } => {
                if vi {
                    format!("dải cây xanh {width} m so với tối thiểu {min} m")
                } else {
                    format!("green strip {width} m against at least {min} m")
                }
            }
            Detail::EnterPollutionClass => t(
                "nhập cấp ô nhiễm của ngành (I–V)",
                "enter the industry's pollution class (I–V)",
            ),
            Detail::NoDistanceForClass(c) => {
                if vi {
                    format!("quy định không cho khoảng cách với cấp {c}")
                } else {
                    format!("the rule gives no distance for class {c}")
                }
            }
            Detail::NoResidentialArea => t(
                "chưa đánh dấu khu dân cư (lớp Khu dân cư)",
                "no residential area is marked (Residential areas layer)",
            ),
            Detail::NoPosition => t("địa điểm chưa có vị trí", "the site has no position"),
            Detail::Isolation {
                class,
                distance,
                need,
            } => {
                let roman = ["I", "II", "III", "IV", "V"][usize::from((*class).clamp(1, 5)) - 1];
                if vi {
                    format!(
                        "cấp {roman}: khu dân cư gần nhất {distance:.0} m so với tối thiểu {need} m"
                    )
                } else {
                    format!(
                        "class {roman}: nearest residential area {distance:.0} m against at least {need} m"
                    )
                }
            }
            Detail::NoProtectedArea => t(
                "chưa nạp hoặc vẽ vùng bảo vệ (lớp Vùng bảo vệ)",
                "no protected area is loaded or drawn (Protected areas layer)",
            ),
            Detail::InsideProtected { name } => {
                if vi {
                    format!("địa điểm nằm trong {}", q(name))
                } else {
                    format!("the site lies inside {}", q(name))
                }
            }
            Detail::AreaInsideProtected { ha, name } => {
                if vi {
                    format!("{ha:.2} ha nằm trong {}", q(name))
                } else {
                    format!("{ha:.2} ha inside {}", q(name))
                }
            }
            Detail::OutsideProtected => t("ngoài mọi vùng bảo vệ", "outside every protected area"),
        }
    }
}

/// English, for the command line and the CSV.
impl std::fmt::Display for Detail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(crate::lang::Language::En))
    }
}
