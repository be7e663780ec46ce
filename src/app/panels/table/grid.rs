//! The rows of an attribute table held column by column (a text column is one buffer and its
//! ends; a number column a vector), so 200,000 features of a reference layer take a few
//! megabytes, and what the table shows (filtered, sorted) is worked out once per change of
//! filter, sort or data, never per frame.

use crate::model::style::Value;
use crate::model::text::fold;
use std::cmp::Ordering;

/// The values of one column.
#[derive(Debug, Clone)]
pub enum ColumnData {
    /// Numbers; NaN is empty.
    Num(Vec<f64>),
    /// Texts end to end; row `i` is `buf[ends[i-1]..ends[i]]`.
    Text { buf: String, ends: Vec<u32> },
}

/// One column: the field it shows, its heading, its values, and (made when first filtered or
/// sorted on) its texts folded (no case, no diacritics).
#[derive(Debug, Clone)]
pub struct GridColumn {
    pub field: String,
    pub heading: String,
    pub data: ColumnData,
    /// Decimals a number is shown with (`None`: as many as it has, at most 6).
    pub decimals: Option<usize>,
    folded: Option<(String, Vec<u32>)>,
}

impl GridColumn {
    pub fn numeric(&self) -> bool {
        matches!(self.data, ColumnData::Num(_))
    }
}

fn slice<'a>(buf: &'a str, ends: &[u32], row: usize) -> &'a str {
    let start = if row == 0 { 0 } else { ends[row - 1] as usize };
    let end = ends[row] as usize;
    buf.get(start..end).unwrap_or("")
}

/// A table's rows, column by column, with the fid of each row.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    pub fids: Vec<i64>,
    pub columns: Vec<GridColumn>,
}

/// Builds a [`Grid`] row by row; a column holding only numbers (or nothing) becomes a number
/// column, any text makes it a text column (numbers written as text there).
pub struct GridBuilder {
    fids: Vec<i64>,
    cols: Vec<BuildColumn>,
}

struct BuildColumn {
    field: String,
    heading: String,
    buf: String,
    ends: Vec<u32>,
    nums: Vec<f64>,
    /// Whether a number, a text was met; a column is of numbers when it held numbers and no
    /// text (or was declared so).
    had_num: bool,
    had_text: bool,
    numeric: bool,
    decimals: Option<usize>,
}

impl GridBuilder {
    /// `columns`: (field, heading).
    pub fn new(columns: Vec<(String, String)>) -> GridBuilder {
        GridBuilder {
            fids: Vec::new(),
            cols: columns
                .into_iter()
                .map(|(field, heading)| BuildColumn {
                    field,
                    heading,
                    buf: String::new(),
                    ends: Vec::new(),
                    nums: Vec::new(),
                    had_num: false,
                    had_text: false,
                    numeric: false,
                    decimals: None,
                })
                .collect(),
        }
    }

    /// Shows column `col`'s numbers with `d` decimals.
    pub fn decimals(&mut self, col: usize, d: usize) {
        if let Some(c) = self.cols.get_mut(col) {
            c.decimals = Some(d);
        }
    }

    /// Column `col` holds numbers (a planning layer's counts), even when all are empty.
    pub fn numbers(&mut self, col: usize) {
        if let Some(c) = self.cols.get_mut(col) {
            c.numeric = true;
        }
    }

    pub fn push(&mut self, fid: i64, values: &[Value]) {
        self.fids.push(fid);
        for (i, c) in self.cols.iter_mut().enumerate() {
            match values.get(i).unwrap_or(&Value::Null) {
                Value::Null => c.nums.push(f64::NAN),
                Value::Num(x) => {
                    c.had_num = true;
                    c.nums.push(*x);
                    c.buf.push_str(&crate::io::table_out::number_text(*x));
                }
                Value::Text(t) => {
                    c.had_text = true;
                    c.nums.push(f64::NAN);
                    c.buf.push_str(t);
                }
            }
            c.ends.push(u32::try_from(c.buf.len()).unwrap_or(u32::MAX));
        }
    }

    pub fn finish(self) -> Grid {
        Grid {
            fids: self.fids,
            columns: self
                .cols
                .into_iter()
                .map(|c| GridColumn {
                    field: c.field,
                    heading: c.heading,
                    data: if (c.numeric || c.had_num) && !c.had_text {
                        ColumnData::Num(c.nums)
                    } else {
                        ColumnData::Text {
                            buf: c.buf,
                            ends: c.ends,
                        }
                    },
                    decimals: c.decimals,
                    folded: None,
                })
                .collect(),
        }
    }
}

/// A column's filter as typed: text is looked for anywhere (without case or diacritics); on
/// a number column `>5`, `>=5`, `<5`, `<=5`, `=5`, `<>5` and `5..10` compare, anything else is
/// looked for in the number as written.
#[derive(Debug, Clone, PartialEq)]
enum Filter {
    Contains(String),
    Compare(Ordering, bool, f64),
    NotEqual(f64),
    Between(f64, f64),
}

fn number(t: &str) -> Option<f64> {
    crate::model::validate::parse_real(t).ok().flatten()
}

fn parse_filter(text: &str, numeric: bool) -> Option<Filter> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if numeric {
        let ops: [(&str, Ordering, bool); 5] = [
            (">=", Ordering::Greater, true),
            ("<=", Ordering::Less, true),
            (">", Ordering::Greater, false),
            ("<", Ordering::Less, false),
            ("=", Ordering::Equal, true),
        ];
        if let Some(rest) = t.strip_prefix("<>")
            && let Some(v) = number(rest)
        {
            return Some(Filter::NotEqual(v));
        }
        for (p, o, eq) in ops {
            if let Some(rest) = t.strip_prefix(p)
                && let Some(v) = number(rest)
            {
                return Some(Filter::Compare(o, eq, v));
            }
        }
        if let Some((a, b)) = t.split_once("..")
            && let (Some(a), Some(b)) = (number(a), number(b))
        {
            return Some(Filter::Between(a.min(b), a.max(b)));
        }
    }
    Some(Filter::Contains(fold(t)))
}

impl Grid {
    pub fn len(&self) -> usize {
        self.fids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fids.is_empty()
    }

    /// Bytes held on the heap (the values, and the folded texts made for filters and sorts).
    pub fn heap_bytes(&self) -> usize {
        let mut n = self.fids.capacity() * 8;
        for c in &self.columns {
            n += match &c.data {
                ColumnData::Num(v) => v.capacity() * 8,
                ColumnData::Text { buf, ends } => buf.capacity() + ends.capacity() * 4,
            };
            if let Some((b, e)) = &c.folded {
                n += b.capacity() + e.capacity() * 4;
            }
        }
        n
    }

    /// The cell as the table shows it.
    pub fn text(&self, col: usize, row: usize) -> std::borrow::Cow<'_, str> {
        let decimals = self.columns.get(col).and_then(|c| c.decimals);
        match self.columns.get(col).map(|c| &c.data) {
            Some(ColumnData::Num(v)) => match (v.get(row), decimals) {
                (Some(x), Some(d)) if !x.is_nan() => format!("{x:.d$}").into(),
                (Some(x), None) if !x.is_nan() => crate::io::table_out::number_text(*x).into(),
                _ => "".into(),
            },
            Some(ColumnData::Text { buf, ends }) if row < ends.len() => {
                slice(buf, ends, row).into()
            }
            _ => "".into(),
        }
    }

    /// The cell's value (for export and totals).
    pub fn value(&self, col: usize, row: usize) -> Value {
        match self.columns.get(col).map(|c| &c.data) {
            Some(ColumnData::Num(v)) => match v.get(row) {
                Some(x) if !x.is_nan() => Value::Num(*x),
                _ => Value::Null,
            },
            Some(ColumnData::Text { buf, ends }) if row < ends.len() => {
                let t = slice(buf, ends, row);
                if t.is_empty() {
                    Value::Null
                } else {
                    Value::Text(t.to_string())
                }
            }
            _ => Value::Null,
        }
    }

    /// Folds every text column (on the worker that read the rows, so that the first filter
    /// or sort of a large layer costs the window nothing).
    pub fn fold_all(&mut self) {
        for c in 0..self.columns.len() {
            self.fold_column(c);
        }
    }

    /// Folds the texts of column `col` once (for filters and sorting).
    fn fold_column(&mut self, col: usize) {
        let Some(c) = self.columns.get_mut(col) else {
            return;
        };
        if c.folded.is_some() {
            return;
        }
        if let ColumnData::Text { buf, ends } = &c.data {
            let mut out = String::with_capacity(buf.len());
            let mut fends = Vec::with_capacity(ends.len());
            for row in 0..ends.len() {
                out.push_str(&fold(slice(buf, ends, row)));
                fends.push(u32::try_from(out.len()).unwrap_or(u32::MAX));
            }
            c.folded = Some((out, fends));
        }
    }

    /// The rows to show, in order: those that pass every column's filter (`filters[i]` for
    /// column `i`) and `keep` (given the row's fid), sorted by column `sort` (ascending or
    /// not; empty cells last), else in fid order.
    pub fn order(
        &mut self,
        filters: &[String],
        sort: Option<(usize, bool)>,
        keep: &dyn Fn(i64) -> bool,
    ) -> Vec<u32> {
        let parsed: Vec<(usize, Filter)> = filters
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let numeric = self.columns.get(i)?.numeric();
                parse_filter(t, numeric).map(|f| (i, f))
            })
            .collect();
        for (i, f) in &parsed {
            if matches!(f, Filter::Contains(_)) {
                self.fold_column(*i);
            }
        }
        if let Some((c, _)) = sort {
            self.fold_column(c);
        }
        let pass = |row: usize| -> bool {
            parsed.iter().all(|(i, f)| {
                let c = &self.columns[*i];
                match (&c.data, f) {
                    (ColumnData::Num(v), Filter::Compare(o, eq, x)) => {
                        let y = v[row];
                        !y.is_nan() && (y.partial_cmp(x) == Some(*o) || (*eq && y == *x))
                    }
                    (ColumnData::Num(v), Filter::NotEqual(x)) => !v[row].is_nan() && v[row] != *x,
                    (ColumnData::Num(v), Filter::Between(a, b)) => v[row] >= *a && v[row] <= *b,
                    (ColumnData::Num(v), Filter::Contains(t)) => {
                        !v[row].is_nan()
                            && crate::io::table_out::number_text(v[row]).contains(t.as_str())
                    }
                    (ColumnData::Text { .. }, Filter::Contains(t)) => c
                        .folded
                        .as_ref()
                        .is_some_and(|(b, e)| slice(b, e, row).contains(t.as_str())),
                    (ColumnData::Text { .. }, _) => true,
                }
            })
        };
        let mut rows: Vec<u32> = (0..self.len())
            .filter(|&r| pass(r) && keep(self.fids[r]))
            .map(|r| r as u32)
            .collect();
        match sort {
            Some((c, asc)) if c < self.columns.len() => {
                let col = &self.columns[c];
                let cmp = |a: &u32, b: &u32| -> Ordering {
                    let (a, b) = (*a as usize, *b as usize);
                    match &col.data {
                        ColumnData::Num(v) => match (v[a].is_nan(), v[b].is_nan()) {
                            (true, true) => Ordering::Equal,
                            (true, false) => Ordering::Greater,
                            (false, true) => Ordering::Less,
                            _ => {
                                let o = v[a].total_cmp(&v[b]);
                                if asc { o } else { o.reverse() }
                            }
                        },
                        ColumnData::Text { .. } => {
                            let (buf, ends) = match &col.folded {
                                Some((b, e)) => (b.as_str(), e.as_slice()),
                                None => return Ordering::Equal,
                            };
                            let (x, y) = (slice(buf, ends, a), slice(buf, ends, b));
                            match (x.is_empty(), y.is_empty()) {
                                (true, true) => Ordering::Equal,
                                (true, false) => Ordering::Greater,
                                (false, true) => Ordering::Less,
                                _ => {
                                    let o = x.cmp(y);
                                    if asc { o } else { o.reverse() }
                                }
                            }
                        }
                    }
                };
                // Stable: equal values keep fid order.
                rows.sort_by(cmp);
            }
            _ => {}
        }
        rows
    }

    /// The sum of each number column over `rows` (`None` for text columns).
    pub fn totals(&self, rows: &[u32]) -> Vec<Option<f64>> {
        self.columns
            .iter()
            .map(|c| match &c.data {
                ColumnData::Num(v) => {
                    let mut any = false;
                    let mut sum = 0.0;
                    for &r in rows {
                        let x = v[r as usize];
                        if !x.is_nan() {
                            any = true;
                            sum += x;
                        }
                    }
                    any.then_some(sum)
                }
                ColumnData::Text { .. } => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> Grid {
        let mut b = GridBuilder::new(vec![
            ("name".into(), "Tên".into()),
            ("area".into(), "Diện tích".into()),
            ("code".into(), "Mã".into()),
        ]);
        let t = |s: &str| Value::Text(s.into());
        b.push(1, &[t("Thửa Hà Khánh"), Value::Num(12.5), Value::Num(7.0)]);
        b.push(2, &[t("Đất rừng"), Value::Null, t("A7")]);
        b.push(3, &[t("thua Cẩm Phả"), Value::Num(3.0), Value::Num(8.0)]);
        b.push(4, &[Value::Null, Value::Num(40.0), Value::Null]);
        b.finish()
    }

    #[test]
    fn columns_take_the_type_of_their_values() {
        let g = grid();
        assert!(!g.columns[0].numeric());
        assert!(g.columns[1].numeric());
        // One text in a column of numbers makes it a text column, the numbers written out.
        assert!(!g.columns[2].numeric());
        assert_eq!(g.text(2, 0), "7");
        assert_eq!(g.text(1, 1), "");
        assert_eq!(g.value(0, 3), Value::Null);
    }

    #[test]
    fn filters_sort_and_totals_work_on_what_is_shown() {
        let mut g = grid();
        let all = |_: i64| true;
        let none = vec![String::new(); 3];
        assert_eq!(g.order(&none, None, &all), [0, 1, 2, 3]);
        // Without diacritics or case.
        let f = vec!["THUA".to_string(), String::new(), String::new()];
        assert_eq!(g.order(&f, None, &all), [0, 2]);
        // Number filters; empty cells never pass a comparison.
        let f = |a: &str| vec![String::new(), a.to_string(), String::new()];
        assert_eq!(g.order(&f(">=12,5"), None, &all), [0, 3]);
        assert_eq!(g.order(&f("<12.5"), None, &all), [2]);
        assert_eq!(g.order(&f("3..13"), None, &all), [0, 2]);
        assert_eq!(g.order(&f("<>40"), None, &all), [0, 2]);
        // Sorted, empty last both ways; a text column sorts without diacritics.
        assert_eq!(g.order(&none, Some((1, true)), &all), [2, 0, 3, 1]);
        assert_eq!(g.order(&none, Some((1, false)), &all), [3, 0, 2, 1]);
        assert_eq!(g.order(&none, Some((0, true)), &all), [1, 2, 0, 3]);
        // The selection, as a keep function over fids.
        assert_eq!(g.order(&none, None, &|fid| fid % 2 == 0), [1, 3]);
        let shown = g.order(&f(">1"), None, &all);
        assert_eq!(g.totals(&shown), [None, Some(55.5), None]);
        // Nothing to add up: no total (not a "-0").
        assert_eq!(g.totals(&[1]), [None, None, None]);
    }
}
