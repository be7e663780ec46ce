//! `qn-planner report FILE`: the scenario's indicator table by year, or with `--rules` each
//! site's verdict under each rule in force, with citations.

use super::{note_unread, today};
use qn_planner::store::ProjectFile;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct ReportArgs {
    /// The project (a qn-planner GeoPackage).
    file: PathBuf,
    /// The scenario (default: the reference one).
    #[arg(long)]
    scenario: Option<String>,
    /// As CSV.
    #[arg(long)]
    csv: bool,
    /// Judge each planning site under the rules in force, with citations.
    #[arg(long)]
    rules: bool,
    /// With --rules: the date (YYYY-MM-DD) whose rules judge the sites the scenario does
    /// not schedule and that have no decision year (default: today).
    #[arg(long, requires = "rules", value_parser = parse_date_arg)]
    date: Option<String>,
    /// The planning sites grouped by their 2025 commune-level unit, their 2006 district or
    /// their 2006 commune: how many, land, investment, jobs and names.
    #[arg(long, conflicts_with_all = ["rules", "scenario"], value_parser = ["unit2025", "district2006", "commune2006"])]
    by: Option<String>,
}

pub fn run(a: ReportArgs) -> Result<(), String> {
    if let Some(by) = a.by.as_deref() {
        return report_by(&a.file, by, a.csv);
    }
    report(&a.file, a.scenario.as_deref(), a.csv, a.rules, a.date)
}

/// `report --by`: the planning sites grouped by unit or district.
fn report_by(path: &Path, by: &str, csv: bool) -> Result<(), String> {
    use qn_planner::analysis::units::{GroupBy, group_sites};
    let g = GroupBy::parse(by)
        .ok_or_else(|| format!("--by {by}: unit2025, district2006 or commune2006"))?;
    let pf = ProjectFile::open(path).map_err(|e| e.to_string())?;
    let project = pf.read_project().map_err(|e| e.to_string())?;
    note_unread(&project);
    let groups = group_sites(&project, g);
    let heading = match g {
        GroupBy::Unit2025 => "unit_2025",
        GroupBy::District2006 => "district_2006",
        GroupBy::Commune2006 => "commune_2006",
    };
    if csv {
        let mut w = csv::Writer::from_writer(Vec::new());
        let row = |w: &mut csv::Writer<Vec<u8>>, r: Vec<String>| {
            w.write_record(r).map_err(|e| e.to_string())
        };
        row(
            &mut w,
            [
                heading,
                "code",
                "sites",
                "area_ha",
                "sites_without_area",
                "investment_bn_vnd",
                "jobs",
                "names",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        )?;
        for x in &groups {
            row(
                &mut w,
                vec![
                    x.name.clone(),
                    x.code.clone().unwrap_or_default(),
                    x.sites.len().to_string(),
                    format!("{:.2}", x.area_ha),
                    x.without_area.to_string(),
                    format!("{:.1}", x.investment_bn_vnd),
                    x.jobs.to_string(),
                    x.sites.join("; "),
                ],
            )?;
        }
        let bytes = w.into_inner().map_err(|e| e.to_string())?;
        out_raw!("{}", String::from_utf8_lossy(&bytes));
        return Ok(());
    }
    out!("{}: planning sites by {heading}", path.display());
    out!(
        "{:<28} {:>6} {:>5} {:>10} {:>10} {:>7}  sites",
        heading,
        "code",
        "n",
        "land ha",
        "bn VND",
        "jobs"
    );
    for x in &groups {
        let name = if x.name.is_empty() {
            "(not known)".to_string()
        } else {
            x.name.clone()
        };
        let land = if x.without_area > 0 {
            format!("{:.1}+{}?", x.area_ha, x.without_area)
        } else {
            format!("{:.1}", x.area_ha)
        };
        out!(
            "{:<28} {:>6} {:>5} {:>10} {:>10.1} {:>7}  {}",
            name,
            x.code.as_deref().unwrap_or(""),
            x.sites.len(),
            land,
            x.investment_bn_vnd,
            x.jobs,
            x.sites.join("; ")
        );
    }
    if g == GroupBy::Unit2025 {
        out!(
            "units of 1 July 2025 (Resolution 1679/NQ-UBTVQH15), derived from each site's 2006 commune unless a planner chose it; land: known ha + sites with no boundary yet"
        );
    }
    Ok(())
}

fn parse_date_arg(s: &str) -> Result<String, String> {
    match qn_planner::model::validate::parse_date(s) {
        Ok(Some(d)) => Ok(d),
        Ok(None) => Err("a date is needed (YYYY-MM-DD)".into()),
        Err(e) => Err(e.to_string()),
    }
}

fn report(
    path: &Path,
    scenario: Option<&str>,
    csv: bool,
    rules: bool,
    date: Option<String>,
) -> Result<(), String> {
    let file = path.display().to_string();
    let pf = ProjectFile::open(path).map_err(|e| e.to_string())?;
    let project = pf.read_project().map_err(|e| e.to_string())?;
    note_unread(&project);
    let s = match scenario {
        Some(name) => project.scenario_by_name(name).ok_or_else(|| {
            let names: Vec<&str> = project.scenarios.iter().map(|s| s.name.as_str()).collect();
            format!(
                "no scenario named “{name}” (scenarios: {})",
                names.join(", ")
            )
        })?,
        None => project
            .reference_scenario()
            .or(project.scenarios.first())
            .ok_or("the project has no scenario")?,
    };
    if rules {
        return report_rules(&file, &project, s, csv, &date.unwrap_or_else(today));
    }
    let years: Vec<i32> =
        (qn_planner::scenario::FIRST_YEAR..=qn_planner::scenario::LAST_YEAR).collect();
    if csv {
        out_raw!(
            "{}",
            qn_planner::scenario::indicator_csv(s, &project, &years)
        );
        return Ok(());
    }
    out!(
        "{file}: scenario “{}”{}",
        s.name,
        if s.is_reference { " (reference)" } else { "" }
    );
    out!(
        "{:>4}  {:>10} {:<20} {:>7}  {:>8} {:>10} {:>9}  {:>7} {:>9} {:>9}",
        "year",
        "output",
        "(source)",
        "growth",
        "clusters",
        "land ha",
        "proposed",
        "funds",
        "leverage",
        "priority"
    );
    for y in years {
        let i = qn_planner::scenario::indicators(s, &project, y);
        let num =
            |v: Option<f64>, d: usize| v.map(|x| format!("{x:.d$}")).unwrap_or_else(|| "—".into());
        let land = if i.operating_land_unknown > 0 {
            format!("{:.0}+{}?", i.operating_land_ha, i.operating_land_unknown)
        } else {
            format!("{:.0}", i.operating_land_ha)
        };
        out!(
            "{:>4}  {:>10} {:<20} {:>7}  {:>8} {:>10} {:>9}  {:>7} {:>9} {:>9}",
            y,
            num(i.output_bn_vnd, 0),
            format!("({})", i.output_source.label()),
            num(i.growth_pct, 2),
            i.operating_clusters,
            land,
            format!("{}/{}", i.proposed_opened, i.proposed_total),
            num(i.programme.as_ref().and_then(|p| p.funds_bn_vnd), 3),
            num(i.programme.as_ref().and_then(|p| p.leverage), 1),
            i.priority_sites
        );
    }
    out!(
        "output in bn VND (giá trị sản xuất công nghiệp); land: known ha + sites with no known land; \
         funds: extension funds, bn VND; leverage: social capital per VND of funds"
    );
    for y in qn_planner::scenario::FIRST_YEAR..=qn_planner::scenario::LAST_YEAR {
        if let Some(a) = qn_planner::scenario::reported_output(&project, y) {
            let plan = qn_planner::scenario::indicators(s, &project, y).output_bn_vnd;
            out!(
                "{y}: plan {} vs reported {} bn VND ({}; {}) — {}",
                plan.map(|p| format!("{p:.0}"))
                    .unwrap_or_else(|| "— (no rate entered)".into()),
                a.value.map(|v| format!("{v:.0}")).unwrap_or_default(),
                a.price_basis,
                a.scope,
                a.source
            );
        }
    }
    Ok(())
}

/// `report --rules`: every planning site judged by the rules in force in the year it opens in
/// the scenario (else its decision year). A report: failed rules do not make it fail.
fn report_rules(
    file: &str,
    project: &qn_planner::model::Project,
    s: &qn_planner::scenario::Scenario,
    csv: bool,
    unscheduled_on: &str,
) -> Result<(), String> {
    let tm3 = qn_planner::io::crs::Tm3::new().map_err(|e| e.to_string())?;
    if csv {
        out!("site_table,fid,name,year,check,rule_key,verdict,detail,citation,accepted_reason");
    } else {
        out!("{file}: rules for scenario “{}”", s.name);
    }
    // A site the scenario does not schedule and that has no decision year is judged by the
    // rules in force on `unscheduled_on` (--date, default today).
    let (sites, tally) =
        qn_planner::analysis::rules::compliance(project, Some(s), Some(unscheduled_on), Some(&tm3));
    for c in &sites {
        let Some((year, date)) = &c.judged else {
            continue;
        };
        if !csv {
            out!(
                "{} ({} fid {}), judged on {date}{}",
                c.name,
                c.layer.table(),
                c.fid,
                if c.by_given_date {
                    " (not scheduled in this scenario and no decision year: the rules of --date)"
                } else {
                    ""
                }
            );
        }
        for (r, acc) in c.results.iter().zip(&c.accepted) {
            if csv {
                out_raw!(
                    "{}",
                    qn_planner::model::text::csv_row([
                        c.layer.table(),
                        &c.fid.to_string(),
                        &c.name,
                        &year.to_string(),
                        r.check.as_str(),
                        &r.rule_key,
                        r.verdict.as_str(),
                        &r.detail.to_string(),
                        &r.citation,
                        acc,
                    ])
                );
            } else {
                out!(
                    "  {:<19} {:<16} {}{}{}",
                    r.check.as_str(),
                    r.verdict.as_str(),
                    r.detail,
                    if r.citation.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", r.citation)
                    },
                    if acc.is_empty() {
                        String::new()
                    } else {
                        format!(" [accepted: {acc}]")
                    }
                );
            }
        }
    }
    if !csv {
        out!(
            "{} failed rule(s) not accepted, {} accepted with a reason",
            tally.failed,
            tally.accepted
        );
    }
    Ok(())
}
