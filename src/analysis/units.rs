//! The planning sites grouped by where they lie: their 2025 commune-level unit, their 2006
//! district or their 2006 commune — how many, their land, investment and jobs, and their
//! names — for `report --by` and the tables a planner sends today.

use crate::model::{Layer, Project, Site};

/// What the sites are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Unit2025,
    District2006,
    Commune2006,
}

impl GroupBy {
    pub fn parse(s: &str) -> Option<GroupBy> {
        match s {
            "unit2025" => Some(GroupBy::Unit2025),
            "district2006" => Some(GroupBy::District2006),
            "commune2006" => Some(GroupBy::Commune2006),
            _ => None,
        }
    }

    fn key(self, s: &Site) -> &str {
        match self {
            GroupBy::Unit2025 => &s.unit_2025,
            GroupBy::District2006 => &s.district_2006,
            GroupBy::Commune2006 => &s.commune_2006,
        }
    }
}

/// One group: its name (empty: not known), the 2025 unit's code, and its sites' totals.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub name: String,
    pub code: Option<String>,
    pub sites: Vec<String>,
    /// Known land (ha) and how many sites have none yet.
    pub area_ha: f64,
    pub without_area: usize,
    pub investment_bn_vnd: f64,
    pub jobs: i64,
}

/// The sites of the five planning layers grouped by `by`, groups by name (Vietnamese order
/// without diacritics), the sites whose key is not known last.
pub fn group_sites(project: &Project, by: GroupBy) -> Vec<Group> {
    let units = crate::model::admin::shipped();
    let mut groups: Vec<Group> = Vec::new();
    for s in project
        .sites
        .iter()
        .filter(|s| Layer::PLANNING.contains(&s.layer))
    {
        let name = by.key(s).trim().to_string();
        let g = match groups.iter_mut().position(|g| g.name == name) {
            Some(i) => &mut groups[i],
            None => {
                let code = (by == GroupBy::Unit2025)
                    .then(|| {
                        units.and_then(|u| {
                            u.of(crate::model::admin::Era::Y2025)
                                .find(|x| x.name == name)
                                .map(|x| x.code.clone())
                        })
                    })
                    .flatten();
                groups.push(Group {
                    name: name.clone(),
                    code,
                    sites: Vec::new(),
                    area_ha: 0.0,
                    without_area: 0,
                    investment_bn_vnd: 0.0,
                    jobs: 0,
                });
                groups.last_mut().expect("just pushed")
            }
        };
        g.sites.push(s.name.clone());
        match s.area_ha {
            Some(a) if a.is_finite() => g.area_ha += a,
            _ => g.without_area += 1,
        }
        g.investment_bn_vnd += s.investment_bn_vnd.unwrap_or(0.0);
        g.jobs += s.jobs.unwrap_or(0);
    }
    groups.sort_by(|a, b| {
        (a.name.is_empty(), crate::model::text::fold(&a.name))
            .cmp(&(b.name.is_empty(), crate::model::text::fold(&b.name)))
    });
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_s_sites_group_by_their_2025_units_and_the_unknown_come_last() {
        let project = Project {
            sites: crate::model::seed::seed_sites().unwrap(),
            ..Project::default()
        };
        let groups = group_sites(&project, GroupBy::Unit2025);
        let total: usize = groups.iter().map(|g| g.sites.len()).sum();
        let planning = project
            .sites
            .iter()
            .filter(|s| Layer::PLANNING.contains(&s.layer))
            .count();
        assert_eq!(total, planning, "every planning site in one group");
        let last = groups.last().unwrap();
        assert_eq!(last.name, "", "the sites of unknown unit come last");
        assert!(last.sites.iter().any(|n| n == "Bến Đục"));
        let cao_xanh = groups.iter().find(|g| g.name == "Phường Cao Xanh").unwrap();
        assert!(cao_xanh.sites.iter().any(|n| n == "Hà Khánh"));
        assert_eq!(cao_xanh.code.as_deref(), Some("06658"));
        let by_district = group_sites(&project, GroupBy::District2006);
        assert!(by_district.iter().any(|g| g.name == "Hoành Bồ"));
    }
}
