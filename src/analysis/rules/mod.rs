//! Judging a site against the rules in force on the date being planned. Pure functions: the
//! rules, the project and the date come in, verdicts with the figure, the limit and the
//! citation go out. A failed rule is a warning the planner may accept with a reason.

use crate::io::crs::Tm3;
use crate::model::rules::{CheckKind, Rule};
use crate::model::{Layer, Project, Site, Status, geodesic_area_ha};
use crate::scenario::Scenario;
use geo::{BooleanOps, Contains, Distance, Euclidean, MapCoords};
use geo_types::{Geometry, MultiPolygon};

mod detail;

pub use detail::{AreaWhy, Detail, Scope, Unleased};

/// Outcome of one rule for one site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    /// The rule does not concern this site (e.g. an occupancy test for an existing cluster).
    NotApplicable,
    /// A figure the rule needs is missing (area, occupancy, buffer width, pollution class…).
    NoData,
    /// No rule of this kind was found in force on the date.
    NoRule,
}

impl Verdict {
    /// The verdict in the planner's language.
    pub fn label(self, lang: crate::lang::Language) -> &'static str {
        let vi = lang == crate::lang::Language::Vi;
        let t = |v: &'static str, e: &'static str| if vi { v } else { e };
        match self {
            Verdict::Pass => t("đạt", "pass"),
            Verdict::Fail => t("không đạt", "fail"),
            Verdict::NotApplicable => t("không áp dụng", "not applicable"),
            Verdict::NoData => t("thiếu số liệu", "no data"),
            Verdict::NoRule => t("không có quy định", "no rule in force"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::NotApplicable => "not applicable",
            Verdict::NoData => "no data",
            Verdict::NoRule => "no rule in force",
        }
    }
}

/// One verdict with its explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleResult {
    pub check: CheckKind,
    /// The rule's key (empty for `NoRule`).
    pub rule_key: String,
    pub verdict: Verdict,
    /// The figure against the limit: worded per language by [`Detail::text`].
    pub detail: Detail,
    pub citation: String,
}

impl RuleResult {
    /// Key under which an acceptance of a failed rule is stored with the site.
    pub fn acceptance_key(&self) -> String {
        format!("rule:{}", self.rule_key)
    }

    pub fn accepted_reason<'a>(&self, site: &'a Site) -> Option<&'a str> {
        let key = self.acceptance_key();
        site.accepted_warnings
            .iter()
            .find(|a| a.check == key)
            .map(|a| a.reason.as_str())
    }
}

/// One planning site judged for a compliance report: the year and date it is judged on
/// (`None`: the scenario does not schedule it, it has no decision year and no date was given
/// for such sites) and every rule's verdict.
#[derive(Debug, Clone)]
pub struct SiteCompliance {
    pub layer: crate::model::Layer,
    pub fid: i64,
    pub name: String,
    pub judged: Option<(i32, String)>,
    /// Judged on the date given for unscheduled sites rather than on its own year.
    pub by_given_date: bool,
    pub results: Vec<RuleResult>,
    /// The acceptance reason of each result (empty where none), in the order of `results`.
    pub accepted: Vec<String>,
}

/// What a compliance report counts, the same in the window, the CLI and the meeting pack.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Sites judged.
    pub judged: usize,
    /// Sites with no year to judge by.
    pub not_judged: usize,
    /// Failed rules without an accepted reason.
    pub failed: usize,
    /// Failed rules the planner accepted with a reason.
    pub accepted: usize,
    /// Rules that lack data to decide.
    pub missing: usize,
}

impl SiteCompliance {
    /// The failed results not accepted, with their index.
    pub fn failed(&self) -> impl Iterator<Item = &RuleResult> {
        self.results
            .iter()
            .zip(&self.accepted)
            .filter(|(r, a)| r.verdict == Verdict::Fail && a.is_empty())
            .map(|(r, _)| r)
    }
}

/// Every planning site that rules concern, judged under `scenario`: in the year it opens there,
/// else its decision year, else on `unscheduled_on` when given. The one compliance computation
/// (the window's Compliance tab, `report --rules` and the meeting pack use it).
///
/// ```
/// use qn_planner::analysis::rules::compliance;
/// use qn_planner::model::{Layer, Project, Site, Status, rules::seed_rules};
/// let mut cluster = Site::new(Layer::ProposedClusters, "Cụm thử", Status::Proposed);
/// cluster.fid = 1;
/// let p = Project { sites: vec![cluster], rules: seed_rules().unwrap(), ..Default::default() };
/// // Not scheduled and no decision year: not judged, unless a date is given for such sites.
/// assert_eq!(compliance(&p, None, None, None).1.not_judged, 1);
/// let (sites, tally) = compliance(&p, None, Some("2025-01-01"), None);
/// assert_eq!(tally.judged, 1);
/// assert!(sites[0].by_given_date);
/// ```
pub fn compliance(
    project: &Project,
    scenario: Option<&Scenario>,
    unscheduled_on: Option<&str>,
    tm3: Option<&Tm3>,
) -> (Vec<SiteCompliance>, Tally) {
    let mut out = Vec::new();
    let mut t = Tally::default();
    for site in project
        .sites
        .iter()
        .filter(|x| x.layer.is_planning() && !checks_for(x.layer).is_empty())
    {
        let (judged, by_given_date) = match (judging_year(site, scenario), unscheduled_on) {
            (Some(y), _) => (Some((y, date_of_year(y))), false),
            (None, Some(d)) => (
                Some((
                    d.get(..4).and_then(|y| y.parse().ok()).unwrap_or_default(),
                    d.to_string(),
                )),
                true,
            ),
            (None, None) => (None, false),
        };
        let results = match &judged {
            Some((_, date)) => evaluate(site, &project.rules, project, scenario, date, tm3),
            None => Vec::new(),
        };
        let accepted: Vec<String> = results
            .iter()
            .map(|r| r.accepted_reason(site).unwrap_or_default().to_string())
            .collect();
        if judged.is_some() {
            t.judged += 1;
        } else {
            t.not_judged += 1;
        }
        for (r, a) in results.iter().zip(&accepted) {
            match r.verdict {
                Verdict::Fail if a.is_empty() => t.failed += 1,
                Verdict::Fail => t.accepted += 1,
                Verdict::NoData => t.missing += 1,
                _ => {}
            }
        }
        out.push(SiteCompliance {
            layer: site.layer,
            fid: site.fid,
            name: site.name.clone(),
            judged,
            by_given_date,
            results,
            accepted,
        });
    }
    (out, t)
}

/// The date a planning year is judged on: its last day.
pub fn date_of_year(year: i32) -> String {
    format!("{year:04}-12-31")
}

/// The checks that concern a site of `layer`.
pub fn checks_for(layer: Layer) -> &'static [CheckKind] {
    match layer {
        Layer::IndustrialClusters | Layer::ProposedClusters => &[
            CheckKind::CcnArea,
            CheckKind::CcnOccupancy,
            CheckKind::GreenBuffer,
            CheckKind::IsolationDistance,
            CheckKind::ProtectedOverlap,
        ],
        Layer::IndustrialZones => &[
            CheckKind::KcnOccupancy,
            CheckKind::KcnPhaseSize,
            CheckKind::GreenBuffer,
            CheckKind::IsolationDistance,
            CheckKind::ProtectedOverlap,
        ],
        Layer::CraftVillages | Layer::IndustrialCentres => {
            &[CheckKind::IsolationDistance, CheckKind::ProtectedOverlap]
        }
        Layer::ProtectedAreas | Layer::ResidentialAreas => &[],
    }
}

/// The year a site is judged in: its opening year in the scenario, else its decision year.
pub fn judging_year(site: &Site, scenario: Option<&Scenario>) -> Option<i32> {
    scenario
        .and_then(|s| s.open_year(site.layer, site.fid))
        .or(site.decision_year)
}

fn area_of(site: &Site, scenario: Option<&Scenario>) -> Option<f64> {
    site.area_ha.or_else(|| {
        scenario
            .and_then(|s| s.phase_of(site.layer, site.fid))
            .and_then(|p| p.land_ha)
    })
}

fn is_new(site: &Site) -> bool {
    matches!(site.status, Status::Proposed | Status::Approved)
}

fn fmt_opt(v: Option<f64>, unit: &str) -> String {
    v.map(|x| format!("{x} {unit}"))
        .unwrap_or_else(|| "—".into())
}

/// Judges `site` against the enabled rules in force on `date` (`YYYY-MM-DD`).
pub fn evaluate(
    site: &Site,
    rules: &[Rule],
    project: &Project,
    scenario: Option<&Scenario>,
    date: &str,
    tm3: Option<&Tm3>,
) -> Vec<RuleResult> {
    let mut out = Vec::new();
    for &check in checks_for(site.layer) {
        let in_force: Vec<&Rule> = rules
            .iter()
            .filter(|r| r.enabled && r.check == check && r.in_force_on(date))
            .collect();
        if in_force.is_empty() {
            out.push(RuleResult {
                check,
                rule_key: String::new(),
                verdict: Verdict::NoRule,
                detail: Detail::NoRuleInForce {
                    date: date.to_string(),
                },
                citation: String::new(),
            });
            continue;
        }
        for rule in in_force {
            let (verdict, detail) = judge(site, rule, project, scenario, date, tm3);
            out.push(RuleResult {
                check,
                rule_key: rule.key.clone(),
                verdict,
                detail,
                citation: rule.citation(),
            });
        }
    }
    out
}

fn judge(
    site: &Site,
    rule: &Rule,
    project: &Project,
    scenario: Option<&Scenario>,
    date: &str,
    tm3: Option<&Tm3>,
) -> (Verdict, Detail) {
    let p = &rule.params;
    match rule.check {
        CheckKind::CcnArea => {
            let Some(area) = area_of(site, scenario) else {
                return (Verdict::NoData, Detail::NoArea);
            };
            let mountain = p.mountain_districts.contains(&site.district_2006);
            let craft = site.kind.contains("làng nghề");
            let min = if mountain || craft {
                p.min_ha_mountain_or_craft.or(p.min_ha)
            } else {
                p.min_ha
            };
            let max = if site.is_expansion {
                p.max_ha_expansion.or(p.max_ha)
            } else {
                p.max_ha
            };
            let mut why = Vec::new();
            if site.is_expansion {
                why.push(AreaWhy::Expansion);
            }
            if mountain {
                why.push(AreaWhy::Mountain);
            }
            if craft {
                why.push(AreaWhy::Craft);
            }
            let limits = Detail::Area {
                area,
                min,
                max,
                why,
            };
            let ok = min.is_none_or(|m| area >= m) && max.is_none_or(|m| area <= m);
            (if ok { Verdict::Pass } else { Verdict::Fail }, limits)
        }
        CheckKind::CcnOccupancy | CheckKind::KcnOccupancy => {
            let zone = rule.check == CheckKind::KcnOccupancy;
            if site.is_expansion {
                let need = p.expansion_min_occupancy_pct.or(p.min_occupancy_pct);
                let Some(need) = need else {
                    return (Verdict::NotApplicable, Detail::NoExpansionTest);
                };
                return match site.occupancy_pct {
                    None => (Verdict::NoData, Detail::ExpansionNeedsOccupancy),
                    Some(o) => (
                        if o >= need {
                            Verdict::Pass
                        } else {
                            Verdict::Fail
                        },
                        Detail::ExpansionOccupancy { leased: o, need },
                    ),
                };
            }
            if !is_new(site) {
                return (Verdict::NotApplicable, Detail::ExistingNotExpansion);
            }
            let year: i32 = date[..4].parse().unwrap_or(i32::MAX);
            // The existing sites the test looks at: zones province-wide, clusters in the district.
            let peers: Vec<&Site> = project
                .sites
                .iter()
                .filter(|o| {
                    if zone {
                        o.layer == Layer::IndustrialZones
                    } else {
                        matches!(o.layer, Layer::IndustrialClusters | Layer::ProposedClusters)
                            && o.district_2006 == site.district_2006
                    }
                })
                .filter(|o| !(o.layer == site.layer && o.fid == site.fid))
                .filter(|o| matches!(o.status, Status::Established | Status::InOperation))
                .filter(|o| o.occupancy_pct.is_some() && o.occupancy_year.is_none_or(|y| y <= year))
                .collect();
            let scope = if zone {
                Scope::ProvinceZones
            } else {
                Scope::DistrictClusters(site.district_2006.clone())
            };
            if peers.is_empty() {
                return (Verdict::NoData, Detail::NoOccupancyMeasured(scope));
            }
            let weights: Vec<(f64, Option<f64>)> = peers
                .iter()
                .map(|o| (o.occupancy_pct.unwrap_or(0.0), area_of(o, scenario)))
                .collect();
            let all_areas = weights.iter().all(|(_, a)| a.is_some());
            let avg = if all_areas {
                let total: f64 = weights.iter().map(|(_, a)| a.unwrap_or(0.0)).sum();
                if total > 0.0 {
                    weights
                        .iter()
                        .map(|(o, a)| o * a.unwrap_or(0.0))
                        .sum::<f64>()
                        / total
                } else {
                    weights.iter().map(|(o, _)| o).sum::<f64>() / weights.len() as f64
                }
            } else {
                weights.iter().map(|(o, _)| o).sum::<f64>() / weights.len() as f64
            };
            let unleased: Option<f64> = all_areas.then(|| {
                weights
                    .iter()
                    .map(|(o, a)| a.unwrap_or(0.0) * (1.0 - o / 100.0))
                    .sum()
            });
            let need = p.min_occupancy_pct.unwrap_or(0.0);
            let by_share = avg > need || (zone && avg >= need);
            let by_unleased = match (p.unleased_below_ha, unleased) {
                (Some(limit), Some(u)) => u < limit,
                _ => false,
            };
            let detail = Detail::Occupancy {
                scope,
                avg,
                need,
                at_least: zone,
                unleased: match (p.unleased_below_ha, unleased) {
                    (Some(limit), Some(ha)) => Unleased::Known { ha, limit },
                    (Some(limit), None) => Unleased::Unknown { limit },
                    _ => Unleased::NotInRule,
                },
            };
            (
                if by_share || by_unleased {
                    Verdict::Pass
                } else {
                    Verdict::Fail
                },
                detail,
            )
        }
        CheckKind::KcnPhaseSize => {
            let Some(area) = area_of(site, scenario) else {
                return (Verdict::NoData, Detail::NoAreaForPhases);
            };
            let Some(max) = p.max_phase_ha else {
                return (Verdict::NotApplicable, Detail::NoPhaseSize);
            };
            if area > max {
                (Verdict::Fail, Detail::PhasesNeeded { area, max })
            } else {
                (Verdict::Pass, Detail::OnePhase { area, max })
            }
        }
        CheckKind::GreenBuffer => {
            let Some(min) = p.min_buffer_m else {
                return (Verdict::NotApplicable, Detail::NoWidth);
            };
            match site.green_buffer_m {
                None => (Verdict::NoData, Detail::EnterGreenStrip { min }),
                Some(w) => (
                    if w >= min {
                        Verdict::Pass
                    } else {
                        Verdict::Fail
                    },
                    Detail::GreenStrip { width: w, min },
                ),
            }
        }
        CheckKind::IsolationDistance => {
            let Some(class) = site.pollution_class else {
                return (Verdict::NoData, Detail::EnterPollutionClass);
            };
            let Some(need) = p
                .class_distance_m
                .get(usize::from(class).saturating_sub(1))
                .copied()
            else {
                return (Verdict::NotApplicable, Detail::NoDistanceForClass(class));
            };
            let residential: Vec<&Geometry<f64>> = project
                .sites
                .iter()
                .filter(|o| o.layer == Layer::ResidentialAreas)
                .filter_map(|o| o.geom.as_ref())
                .collect();
            if residential.is_empty() {
                return (Verdict::NoData, Detail::NoResidentialArea);
            }
            let (Some(tm3), Some(g)) = (tm3, site.geom.as_ref()) else {
                return (Verdict::NoData, Detail::NoPosition);
            };
            let project_g = |g: &Geometry<f64>| {
                g.map_coords(|c| {
                    tm3.tm3_from_lonlat(c.x, c.y)
                        .map(|(x, y)| geo_types::Coord { x, y })
                        .unwrap_or(c)
                })
            };
            let sg = project_g(g);
            let d = residential
                .iter()
                .map(|r| Euclidean.distance(&sg, &project_g(r)))
                .fold(f64::INFINITY, f64::min);
            (
                if d >= need {
                    Verdict::Pass
                } else {
                    Verdict::Fail
                },
                Detail::Isolation {
                    class,
                    distance: d,
                    need,
                },
            )
        }
        CheckKind::ProtectedOverlap => {
            let protected: Vec<&Site> = project
                .sites
                .iter()
                .filter(|o| o.layer == Layer::ProtectedAreas && o.is_area())
                .collect();
            if protected.is_empty() {
                return (Verdict::NoData, Detail::NoProtectedArea);
            }
            let Some(g) = &site.geom else {
                return (Verdict::NoData, Detail::NoPosition);
            };
            let _ = date;
            for o in protected {
                let Some(og) = &o.geom else { continue };
                let omp = to_mp(og);
                match g {
                    Geometry::Point(pt) => {
                        if omp.contains(pt) {
                            return (
                                Verdict::Fail,
                                Detail::InsideProtected {
                                    name: o.name.clone(),
                                },
                            );
                        }
                    }
                    other => {
                        let inter = to_mp(other).intersection(&omp);
                        let a = geodesic_area_ha(&Geometry::MultiPolygon(inter)).unwrap_or(0.0);
                        if a >= crate::analysis::checks::MIN_REPORTED_HA {
                            return (
                                Verdict::Fail,
                                Detail::AreaInsideProtected {
                                    ha: a,
                                    name: o.name.clone(),
                                },
                            );
                        }
                    }
                }
            }
            (Verdict::Pass, Detail::OutsideProtected)
        }
    }
}

fn to_mp(g: &Geometry<f64>) -> MultiPolygon<f64> {
    match g {
        Geometry::Polygon(p) => MultiPolygon(vec![p.clone()]),
        Geometry::MultiPolygon(m) => m.clone(),
        _ => MultiPolygon(vec![]),
    }
}

/// A citation with its confidence mark spelled out (the bundled font has no ✔/✘, and a reader
/// needs the words anyway), in Vietnamese when `vi`.
pub fn citation_words(vi: bool, c: &str) -> String {
    let w = |v: &'static str, e: &'static str| if vi { v } else { e };
    c.replace("(✔)", w("(đã đọc văn bản)", "(read in the text)"))
        .replace("(~)", w("(nguồn thứ cấp)", "(secondary source)"))
        .replace("(✘)", w("(chưa xác nhận)", "(unconfirmed)"))
        .replace('✘', w("chưa xác nhận", "unconfirmed"))
        .replace('✔', w("đã đọc", "read"))
        .replace('→', "->")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rules::seed_rules;
    use geo_types::{LineString, Polygon};

    /// A square of about `ha` hectares at (lon, lat) (0.01° ≈ 115 ha at 21° N).
    fn square_ha(lon: f64, lat: f64, ha: f64) -> Geometry<f64> {
        let d = 0.01 * (ha / 115.1).sqrt();
        Geometry::Polygon(Polygon::new(
            LineString::from(vec![
                (lon, lat),
                (lon + d, lat),
                (lon + d, lat + d),
                (lon, lat + d),
                (lon, lat),
            ]),
            vec![],
        ))
    }

    fn cluster(ha: f64, district: &str) -> Site {
        let mut s = Site::new(Layer::ProposedClusters, "Cụm thử", Status::Proposed);
        s.fid = 1;
        s.geom = Some(square_ha(107.2, 21.2, ha));
        s.area_ha = s.geom.as_ref().and_then(geodesic_area_ha);
        s.district_2006 = district.into();
        s
    }

    fn verdict(results: &[RuleResult], check: CheckKind) -> Vec<(String, Verdict)> {
        results
            .iter()
            .filter(|r| r.check == check)
            .map(|r| (r.rule_key.clone(), r.verdict))
            .collect()
    }

    #[test]
    fn compliance_counts_the_same_for_every_report() {
        let rules = seed_rules().unwrap();
        let mut failing = cluster(60.0, "Hạ Long");
        failing.decision_year = Some(2012);
        let mut accepted = cluster(60.0, "Hạ Long");
        accepted.fid = 2;
        accepted.decision_year = Some(2012);
        accepted
            .accepted_warnings
            .push(crate::model::AcceptedWarning {
                check: "rule:ccn_area_qd105_2009".into(),
                reason: "mở rộng đã được phê duyệt".into(),
            });
        let mut unscheduled = cluster(60.0, "Hạ Long");
        unscheduled.fid = 3;
        let p = Project {
            sites: vec![failing, accepted, unscheduled],
            rules,
            ..Default::default()
        };
        let (sites, t) = compliance(&p, None, None, None);
        assert_eq!((t.judged, t.not_judged), (2, 1));
        assert_eq!((t.failed, t.accepted), (1, 1));
        assert_eq!(sites[0].failed().count(), 1);
        assert_eq!(
            sites[1].failed().count(),
            0,
            "accepted: not counted as failed"
        );
        assert!(sites[2].judged.is_none() && sites[2].results.is_empty());
        // With a date for unscheduled sites, the third is judged by the rules of that date.
        let (sites, t) = compliance(&p, None, Some("2012-06-30"), None);
        assert_eq!((t.judged, t.not_judged, t.failed), (3, 0, 2));
        assert!(sites[2].by_given_date);
        assert_eq!(sites[2].judged, Some((2012, "2012-06-30".to_string())));
    }

    #[test]
    fn a_60_ha_cluster_in_2012_passes_only_as_an_expansion() {
        let rules = seed_rules().unwrap();
        let p = Project::default();
        let mut s = cluster(60.0, "Hạ Long");
        let r = evaluate(&s, &rules, &p, None, &date_of_year(2012), None);
        assert_eq!(
            verdict(&r, CheckKind::CcnArea),
            [("ccn_area_qd105_2009".to_string(), Verdict::Fail)]
        );
        s.is_expansion = true;
        let r = evaluate(&s, &rules, &p, None, &date_of_year(2012), None);
        assert_eq!(
            verdict(&r, CheckKind::CcnArea),
            [("ccn_area_qd105_2009".to_string(), Verdict::Pass)]
        );
        let detail = &r
            .iter()
            .find(|x| x.check == CheckKind::CcnArea)
            .unwrap()
            .detail
            .to_string();
        assert!(
            detail.contains("expansion") && detail.contains("75"),
            "{detail}"
        );
    }

    #[test]
    fn a_small_cluster_passes_in_a_mountainous_district_under_nd68_and_fails_elsewhere() {
        // NĐ 68/2017 as RULES.md gives it: 10–75 ha, ≥5 ha in mountainous districts. A 6 ha
        // cluster (4 ha would fail even there: the minimum is 5 ha).
        let rules = seed_rules().unwrap();
        let p = Project::default();
        let date = date_of_year(2018);
        let mountain = evaluate(&cluster(6.0, "Ba Chẽ"), &rules, &p, None, &date, None);
        assert_eq!(
            verdict(&mountain, CheckKind::CcnArea),
            [("ccn_area_nd68_2017".to_string(), Verdict::Pass)]
        );
        let lowland = evaluate(&cluster(6.0, "Hạ Long"), &rules, &p, None, &date, None);
        assert_eq!(
            verdict(&lowland, CheckKind::CcnArea),
            [("ccn_area_nd68_2017".to_string(), Verdict::Fail)]
        );
        let four = evaluate(&cluster(4.0, "Ba Chẽ"), &rules, &p, None, &date, None);
        assert_eq!(
            verdict(&four, CheckKind::CcnArea),
            [("ccn_area_nd68_2017".to_string(), Verdict::Fail)]
        );
    }

    #[test]
    fn the_rule_in_force_is_chosen_by_date_and_gaps_are_said_plainly() {
        let rules = seed_rules().unwrap();
        let p = Project::default();
        let s = cluster(30.0, "Hạ Long");
        let r2007 = evaluate(&s, &rules, &p, None, &date_of_year(2007), None);
        assert_eq!(
            verdict(&r2007, CheckKind::CcnArea),
            [(String::new(), Verdict::NoRule)]
        );
        assert!(r2007[0].detail.to_string().contains("no national rule"));
        let r2025 = evaluate(&s, &rules, &p, None, &date_of_year(2025), None);
        assert_eq!(
            verdict(&r2025, CheckKind::CcnArea),
            [("ccn_area_nd32_2024".to_string(), Verdict::Pass)]
        );
    }

    #[test]
    fn the_10_m_green_strip() {
        let rules = seed_rules().unwrap();
        let p = Project::default();
        let mut s = cluster(30.0, "Hạ Long");
        let date = date_of_year(2022);
        let none = evaluate(&s, &rules, &p, None, &date, None);
        assert_eq!(
            verdict(&none, CheckKind::GreenBuffer),
            [("green_buffer_qcvn01_2021".to_string(), Verdict::NoData)]
        );
        s.green_buffer_m = Some(8.0);
        let narrow = evaluate(&s, &rules, &p, None, &date, None);
        assert_eq!(verdict(&narrow, CheckKind::GreenBuffer)[0].1, Verdict::Fail);
        s.green_buffer_m = Some(10.0);
        let ok = evaluate(&s, &rules, &p, None, &date, None);
        assert_eq!(verdict(&ok, CheckKind::GreenBuffer)[0].1, Verdict::Pass);
        // Before QCVN 01:2019 no strip rule was found.
        let early = evaluate(&s, &rules, &p, None, &date_of_year(2015), None);
        assert_eq!(
            verdict(&early, CheckKind::GreenBuffer)[0].1,
            Verdict::NoRule
        );
    }

    #[test]
    fn isolation_distance_and_protected_overlap_use_the_planners_layers() {
        let rules = seed_rules().unwrap();
        let tm3 = Tm3::new().unwrap();
        let mut s = cluster(30.0, "Hạ Long");
        s.pollution_class = Some(2); // class II: 500 m
        let mut home = Site::new(Layer::ResidentialAreas, "Khu dân cư", Status::Established);
        home.fid = 1;
        // 0.003° (≈ 311 m) east of the cluster's east edge.
        let d = 0.01 * (30.0f64 / 115.1).sqrt();
        home.geom = Some(square_ha(107.2 + d + 0.003, 21.2, 5.0));
        let mut zone = Site::new(Layer::ProtectedAreas, "Vùng lõi thử", Status::Established);
        zone.fid = 1;
        zone.geom = Some(square_ha(107.2 + d / 2.0, 21.2, 30.0));
        let p = Project {
            sites: vec![home, zone],
            ..Default::default()
        };
        let r = evaluate(&s, &rules, &p, None, &date_of_year(2022), Some(&tm3));
        let iso = r
            .iter()
            .find(|x| x.check == CheckKind::IsolationDistance)
            .unwrap();
        assert_eq!(iso.verdict, Verdict::Fail, "{}", iso.detail);
        let d = iso.detail.to_string();
        assert!(
            d.contains("311 m") || d.contains("310 m") || d.contains("312 m"),
            "{}",
            iso.detail
        );
        s.pollution_class = Some(3); // class III: 300 m
        let r = evaluate(&s, &rules, &p, None, &date_of_year(2022), Some(&tm3));
        assert_eq!(
            r.iter()
                .find(|x| x.check == CheckKind::IsolationDistance)
                .unwrap()
                .verdict,
            Verdict::Pass
        );
        let prot = r
            .iter()
            .find(|x| x.check == CheckKind::ProtectedOverlap)
            .unwrap();
        assert_eq!(prot.verdict, Verdict::Fail);
        assert!(
            prot.detail.to_string().contains("ha inside"),
            "{}",
            prot.detail
        );
    }

    #[test]
    fn every_detail_reads_in_vietnamese() {
        let rules = seed_rules().unwrap();
        let tm3 = Tm3::new().unwrap();
        let mut details = Vec::new();
        for (ha, district, exp, buffer, class) in [
            (60.0, "Hạ Long", false, None, None),
            (60.0, "Ba Chẽ", true, Some(8.0), Some(2)),
            (600.0, "Hạ Long", true, Some(12.0), Some(5)),
        ] {
            let mut s = cluster(ha, district);
            s.is_expansion = exp;
            s.green_buffer_m = buffer;
            s.pollution_class = class;
            for layer in [Layer::ProposedClusters, Layer::IndustrialZones] {
                s.layer = layer;
                for year in [2007, 2012, 2016, 2022, 2025] {
                    for r in evaluate(
                        &s,
                        &rules,
                        &Project::default(),
                        None,
                        &date_of_year(year),
                        Some(&tm3),
                    ) {
                        details.push(r.detail);
                    }
                }
            }
        }
        assert!(details.len() > 50);
        for d in details {
            let vi = d.text(crate::lang::Language::Vi);
            for english in [
                "against", "enter ", "the rule", "area", "inside", "leased", "strip", "no ",
            ] {
                assert!(!vi.contains(english), "untranslated '{english}' in: {vi}");
            }
        }
    }

    #[test]
    fn occupancy_before_a_new_cluster() {
        let rules = seed_rules().unwrap();
        let mut existing = Site::new(Layer::IndustrialClusters, "Cụm cũ", Status::Established);
        existing.fid = 7;
        existing.district_2006 = "Hạ Long".into();
        existing.area_ha = Some(40.0);
        existing.occupancy_pct = Some(45.0);
        existing.occupancy_year = Some(2021);
        let s = cluster(30.0, "Hạ Long");
        let p = Project {
            sites: vec![existing.clone()],
            ..Default::default()
        };
        // NĐ 66/2020: >50 % or unleased < 50 ha. 45 % leased of 40 ha leaves 22 ha: passes.
        let r = evaluate(&s, &rules, &p, None, &date_of_year(2022), None);
        assert_eq!(
            verdict(&r, CheckKind::CcnOccupancy),
            [("ccn_occupancy_nd66_2020".to_string(), Verdict::Pass)]
        );
        let mut big = existing;
        big.area_ha = Some(200.0); // 110 ha unleased
        let p = Project {
            sites: vec![big],
            ..Default::default()
        };
        let r = evaluate(&s, &rules, &p, None, &date_of_year(2022), None);
        assert_eq!(verdict(&r, CheckKind::CcnOccupancy)[0].1, Verdict::Fail);
    }
}
