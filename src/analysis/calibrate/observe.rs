//! The observation model (docs/model.md §13.1): what each kind of target is in the model's
//! state, the error model that compares the two, and the skill of a prediction against two
//! null models.

use super::targets::{Bound, Observable, Partner, Quantity};
use crate::model::{Channel, World, YearMonth};
use crate::sim::{Recorder, RunState};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The error model: on the logit scale for shares, `e = (logit m − logit o) / σ_q`, with both
/// clamped to `[floor, 1 − floor]`; for participation (0 or 1, the model's a share of runs)
/// `e = (m − o) / σ`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorModel {
    /// `σ` per quantity, in the order of [`Quantity::ALL`].
    pub sigma: [f64; 5],
    /// The clamp of shares before the logit.
    pub floor: f64,
}

impl Default for ErrorModel {
    /// Judgements, each the size of the disagreement between published sources for the
    /// quantity (docs/model.md §13.1):
    /// * trade shares `σ = 0.3` on the logit (about ±30 % of a small share): partner-reported
    ///   and mirror statistics of Central Asian trade differ by that much (data/README.md);
    /// * remittances as a share of GDP `σ = 0.2`: the World Bank's estimates are revised by
    ///   about a fifth between editions;
    /// * the share of remittances from a partner `σ = 0.3`: the Central Bank of Russia counts
    ///   transfers through money-transfer systems, not all flows;
    /// * migrants' destinations `σ = 0.5`: survey-based and sparse;
    /// * participation `σ = 0.5`: a model that misses the status in every run is 2 σ off.
    ///
    /// `floor = 0.005`: the data are written to three or four decimals, and a share below
    /// half a percent is noise in every source used.
    fn default() -> Self {
        ErrorModel {
            sigma: [0.3, 0.2, 0.3, 0.5, 0.5],
            floor: 0.005,
        }
    }
}

impl ErrorModel {
    /// The standardised residual of model value `m` against observation `o`.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::calibrate::{ErrorModel, Quantity};
    /// let e = ErrorModel::default();
    /// assert_eq!(e.residual(Quantity::TradeShare, 0.2, 0.2), 0.0);
    /// // A share twice the observed one is about 2.6 σ off on the logit scale.
    /// assert!((e.residual(Quantity::TradeShare, 0.2, 0.1) - 2.7).abs() < 0.1);
    /// ```
    pub fn residual(&self, q: Quantity, m: f64, o: f64) -> f64 {
        let s = self.sigma[q as usize];
        match q {
            Quantity::Participation => (m - o) / s,
            _ => {
                let logit = |x: f64| {
                    let x = x.clamp(self.floor, 1.0 - self.floor);
                    (x / (1.0 - x)).ln()
                };
                (logit(m) - logit(o)) / s
            }
        }
    }

    /// What an observation of model value `m` shows, given a standard normal draw `z`: for a
    /// share, `logistic(logit m + σ_q z)` (`m` clamped as in [`ErrorModel::residual`]); for
    /// participation, `m + σ z` clamped to [0, 1].
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::calibrate::{ErrorModel, Quantity};
    /// let e = ErrorModel::default();
    /// assert!((e.observe(Quantity::TradeShare, 0.2, 0.0) - 0.2).abs() < 1e-12);
    /// assert!(e.observe(Quantity::TradeShare, 0.2, 1.0) > 0.2);
    /// ```
    pub fn observe(&self, q: Quantity, m: f64, z: f64) -> f64 {
        let s = self.sigma[q as usize];
        match q {
            Quantity::Participation => (m + s * z).clamp(0.0, 1.0),
            _ => {
                let x = m.clamp(self.floor, 1.0 - self.floor);
                let l = (x / (1.0 - x)).ln() + s * z;
                1.0 / (1.0 + (-l).exp())
            }
        }
    }

    /// The distance of `model` (one value per target) to the targets of the years `keep`:
    /// the root of the mean, over the quantities observed, of each quantity's mean squared
    /// residual. Each quantity weighs the same whatever its number of rows (trade shares have
    /// seven partners a year; remittances one or two). Infinite when a kept target has no
    /// model value (NaN) or nothing is kept.
    pub fn distance(&self, targets: &[Bound], model: &[f64], keep: impl Fn(i32) -> bool) -> f64 {
        let mut sums = [(0.0f64, 0usize); 5];
        for (b, &m) in targets.iter().zip(model) {
            if !keep(b.target.year) {
                continue;
            }
            if !m.is_finite() {
                return f64::INFINITY;
            }
            let e = self.residual(b.target.quantity, m, b.target.value);
            let slot = &mut sums[b.target.quantity as usize];
            slot.0 += e * e;
            slot.1 += 1;
        }
        let used: Vec<f64> = sums
            .iter()
            .filter(|s| s.1 > 0)
            .map(|s| s.0 / s.1 as f64)
            .collect();
        if used.is_empty() {
            f64::INFINITY
        } else {
            (used.iter().sum::<f64>() / used.len() as f64).sqrt()
        }
    }
}

/// A recorder that keeps, for every target, the mean of the model's value over the months of
/// the target's year (step 0 counts for its own month's year).
#[derive(Clone, Debug)]
pub struct Observer<'a> {
    targets: &'a [Bound],
    start: YearMonth,
    first_year: i32,
    /// Target indices per year from `first_year`.
    by_year: Vec<Vec<usize>>,
    /// Delivery at step 0, power-major as [`RunState::delivery`].
    start_delivery: Vec<f64>,
    sums: Vec<f64>,
    months: Vec<u32>,
}

impl<'a> Observer<'a> {
    /// An observer of `targets` for runs that start at `start`.
    pub fn new(targets: &'a [Bound], start: YearMonth) -> Observer<'a> {
        let first_year = targets.iter().map(|b| b.target.year).min().unwrap_or(0);
        let last = targets.iter().map(|b| b.target.year).max().unwrap_or(0);
        let mut by_year = vec![Vec::new(); (last - first_year + 1).max(0) as usize];
        for (i, b) in targets.iter().enumerate() {
            by_year[(b.target.year - first_year) as usize].push(i);
        }
        Observer {
            targets,
            start,
            first_year,
            by_year,
            start_delivery: Vec::new(),
            sums: vec![0.0; targets.len()],
            months: vec![0; targets.len()],
        }
    }

    /// Forget the run observed, for the next.
    pub fn clear(&mut self) {
        self.sums.fill(0.0);
        self.months.fill(0);
        self.start_delivery.clear();
    }

    /// Each target's mean over its year's months (NaN for a target none of whose months was
    /// recorded).
    pub fn values(&self) -> Vec<f64> {
        self.sums
            .iter()
            .zip(&self.months)
            .map(|(&s, &n)| if n > 0 { s / f64::from(n) } else { f64::NAN })
            .collect()
    }
}

impl Recorder for Observer<'_> {
    fn record(&mut self, step: u32, world: &World, rs: &RunState) {
        if step == 0 {
            self.start_delivery.clone_from(&rs.delivery);
        }
        let year = self.start.add_months(step).year();
        let Some(list) = usize::try_from(year - self.first_year)
            .ok()
            .and_then(|y| self.by_year.get(y))
        else {
            return;
        };
        for &i in list {
            self.sums[i] += model_value(world, rs, &self.start_delivery, &self.targets[i]);
            self.months[i] += 1;
        }
    }
}

/// The model's value of target `b` in run state `rs` (docs/model.md §13.1).
///
/// * Trade share with a power: the tie on trade, `x_ip,trade`; with `rest`: `1 − Σ_p x_ip,trade`.
/// * Remittances as a share of GDP: `Σ_p x_ip,rem · d_p,rem(t) / d_p,rem(0) + o_i` — the
///   start's ties are the measured inflows, and the inflow moves with the tie (feedback,
///   events) and with the power's delivery relative to the start (a remittance shock, a war's
///   drain); `o_i` ([`Bound::outside`]) is the inflow from outside the world's powers, held at
///   its start.
/// * Share of remittances from a power: that power's term over the whole, `o_i` included.
/// * Share of migrants in a power: the same on the labour channel.
/// * Participation: 1 when active, else 0.
pub fn model_value(world: &World, rs: &RunState, start_delivery: &[f64], b: &Bound) -> f64 {
    let powers = world.powers().len();
    let tie =
        |p: usize, c: Channel| rs.ties[(b.state.index() * powers + p) * Channel::COUNT + c.index()];
    let delivered = |p: usize, c: Channel| {
        let k = p * Channel::COUNT + c.index();
        let d0 = start_delivery.get(k).copied().unwrap_or(0.0);
        if d0 > 0.0 {
            tie(p, c) * rs.delivery[k] / d0
        } else {
            tie(p, c)
        }
    };
    let share = |partner: Partner, c: Channel, outside: f64| {
        let total: f64 = (0..powers).map(|p| delivered(p, c)).sum::<f64>() + outside;
        match partner {
            Partner::Power(p) if total > 0.0 => delivered(p.index(), c) / total,
            _ => 0.0,
        }
    };
    match b.what {
        Observable::Participation(inst, slot) => rs.participation[inst.index()][slot].weight(),
        Observable::Quantity(Quantity::TradeShare, Partner::Power(p)) => {
            tie(p.index(), Channel::Trade)
        }
        Observable::Quantity(Quantity::TradeShare, _) => {
            (1.0 - (0..powers).map(|p| tie(p, Channel::Trade)).sum::<f64>()).max(0.0)
        }
        Observable::Quantity(Quantity::RemittancesGdp, _) => ((0..powers)
            .map(|p| delivered(p, Channel::Remittances))
            .sum::<f64>()
            + b.outside)
            .min(1.0),
        Observable::Quantity(Quantity::RemittancesFrom, partner) => {
            share(partner, Channel::Remittances, b.outside)
        }
        Observable::Quantity(Quantity::MigrantsIn, partner) => share(partner, Channel::Labour, 0.0),
        Observable::Quantity(Quantity::Participation, _) => f64::NAN,
    }
}

/// One line of the skill table: mean absolute errors on the validation years of the model's
/// prediction and of two null models, and the skill `1 − error(model) / error(null)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SkillRow {
    /// The quantity, or `overall`.
    pub quantity: String,
    /// Validation observations compared (those with a value at the last fitted year, which
    /// both nulls need).
    pub observations: usize,
    /// Mean absolute error of the model's prediction.
    pub model: f64,
    /// Of "nothing changes": every value frozen at the last fitted year.
    pub frozen: f64,
    /// Of "trend": the fitted years' least-squares line, extended and clamped to [0, 1].
    pub trend: f64,
    /// `1 − model / frozen` (positive: the model beats the null).
    pub skill_frozen: f64,
    /// `1 − model / trend`.
    pub skill_trend: f64,
    /// The model's mean absolute error on the fitted years (in-sample), for comparison.
    pub model_fitted: f64,
    /// The share of the validation observations inside their 90 % observation band (the
    /// posterior predictive passed through the error model); 0.9 if model and error model
    /// were right. NaN until the calibration fills it ([`super::Calibration::run`]).
    pub coverage: f64,
}

/// The skill of `prediction` (one value per target) on the years `validate`, against nulls
/// built from the data of the years `fit`. The overall line averages the quantities' errors
/// with equal weight, as the distance does.
pub fn skill(
    targets: &[Bound],
    prediction: &[f64],
    fit: (i32, i32),
    validate: (i32, i32),
) -> Vec<SkillRow> {
    type Key<'a> = (&'a str, Quantity, &'a str);
    let mut history: BTreeMap<Key, Vec<(i32, f64)>> = BTreeMap::new();
    for b in targets
        .iter()
        .filter(|b| (fit.0..=fit.1).contains(&b.target.year))
    {
        let t = &b.target;
        history
            .entry((t.state.as_str(), t.quantity, t.partner.as_str()))
            .or_default()
            .push((t.year, t.value));
    }
    #[derive(Default)]
    struct Sums {
        model: f64,
        frozen: f64,
        trend: f64,
        n: usize,
        fitted: f64,
        n_fitted: usize,
    }
    let mut acc: BTreeMap<Quantity, Sums> = BTreeMap::new();
    for (b, &m) in targets.iter().zip(prediction) {
        let t = &b.target;
        if !m.is_finite() {
            continue;
        }
        let a = acc.entry(t.quantity).or_default();
        if (fit.0..=fit.1).contains(&t.year) {
            a.fitted += (m - t.value).abs();
            a.n_fitted += 1;
        }
        if !(validate.0..=validate.1).contains(&t.year) {
            continue;
        }
        let Some(h) = history.get(&(t.state.as_str(), t.quantity, t.partner.as_str())) else {
            continue;
        };
        let Some(&(_, last)) = h.iter().find(|(y, _)| *y == fit.1) else {
            continue;
        };
        let trend = trend_at(h, t.year).unwrap_or(last).clamp(0.0, 1.0);
        a.model += (m - t.value).abs();
        a.frozen += (last - t.value).abs();
        a.trend += (trend - t.value).abs();
        a.n += 1;
    }
    let mean = |s: f64, n: usize| if n > 0 { s / n as f64 } else { f64::NAN };
    let row =
        |quantity: String, n: usize, model: f64, frozen: f64, trend: f64, fitted: f64| SkillRow {
            quantity,
            observations: n,
            model,
            frozen,
            trend,
            skill_frozen: 1.0 - model / frozen,
            skill_trend: 1.0 - model / trend,
            model_fitted: fitted,
            coverage: f64::NAN,
        };
    let mut rows: Vec<SkillRow> = acc
        .iter()
        .filter(|(_, a)| a.n > 0)
        .map(|(q, a)| {
            row(
                q.name().to_string(),
                a.n,
                mean(a.model, a.n),
                mean(a.frozen, a.n),
                mean(a.trend, a.n),
                mean(a.fitted, a.n_fitted),
            )
        })
        .collect();
    if !rows.is_empty() {
        let k = rows.len() as f64;
        let avg = |f: fn(&SkillRow) -> f64| rows.iter().map(f).sum::<f64>() / k;
        let overall = row(
            "overall".into(),
            rows.iter().map(|r| r.observations).sum(),
            avg(|r| r.model),
            avg(|r| r.frozen),
            avg(|r| r.trend),
            avg(|r| r.model_fitted),
        );
        rows.push(overall);
    }
    rows
}

/// The least-squares line through `points`, at `year`; `None` with fewer than two years.
fn trend_at(points: &[(i32, f64)], year: i32) -> Option<f64> {
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as f64;
    let mx = points.iter().map(|p| f64::from(p.0)).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (f64::from(p.0) - mx).powi(2)).sum();
    let sxy: f64 = points
        .iter()
        .map(|p| (f64::from(p.0) - mx) * (p.1 - my))
        .sum();
    (sxx > 0.0).then(|| my + sxy / sxx * (f64::from(year) - mx))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::calibrate::Targets;
    use crate::sim::RunState;
    use std::fmt::Write as _;

    /// The rows of `text` (after the header) bound to the embedded world, read from a file
    /// named `name`.
    fn bound(name: &str, text: &str) -> Vec<Bound> {
        let world = crate::presets::eurasia_2025().world().clone();
        let dir = std::env::temp_dir().join(format!("geoalign-observe-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        let header = "state,year,quantity,partner,value,source,verified,note\n";
        std::fs::write(&path, format!("{header}{text}")).unwrap();
        Targets::read(&path, None)
            .unwrap()
            .bind(&world, 2013, |_| true)
            .unwrap()
            .0
    }

    /// A share rising 0.01 a year from 0.20 in 2014: "trend" is exact, "nothing changes" is
    /// off by 0.01 × years after 2019, and a prediction off by 0.005 everywhere has skill
    /// 1 − 0.005 / 0.03 against the frozen null on 2020–2024.
    #[test]
    fn skill_against_the_two_nulls() {
        let mut text = String::new();
        for year in 2014..=2024 {
            let v = 0.20 + 0.01 * f64::from(year - 2014);
            writeln!(text, "Kazakhstan,{year},trade_share,China,{v},t,no,").unwrap();
        }
        let bound = bound("skill.csv", &text);
        let prediction: Vec<f64> = bound.iter().map(|b| b.target.value + 0.005).collect();
        let rows = skill(&bound, &prediction, (2014, 2019), (2020, 2024));
        let r = &rows[0];
        assert_eq!((r.quantity.as_str(), r.observations), ("trade_share", 5));
        assert!((r.model - 0.005).abs() < 1e-12);
        // Frozen at 2019 (0.25): errors 0.01 … 0.05, mean 0.03.
        assert!((r.frozen - 0.03).abs() < 1e-12, "{}", r.frozen);
        assert!(r.trend < 1e-12, "{}", r.trend);
        assert!((r.skill_frozen - (1.0 - 0.005 / 0.03)).abs() < 1e-9);
        // Against an exact trend the model has no skill: hugely negative, reported as is.
        assert!(r.skill_trend < -1e6 || r.skill_trend == f64::NEG_INFINITY);
        assert_eq!(rows.last().unwrap().quantity, "overall");
    }

    /// The inflows from outside the world's powers (docs/model.md §13.1): with the start year's
    /// observed total given, the model's total rises by what no power sends and Russia's share
    /// falls to its part of that total; without it, Russia's share of a state whose only
    /// remittance tie is Russia's would be its share of the powers' ties alone.
    #[test]
    fn inflows_from_outside_the_powers_join_the_whole() {
        let world = crate::presets::eurasia_2025().world().clone();
        let rs = RunState::new(&world);
        let kz = world.state_id("Kazakhstan").unwrap();
        let ties: f64 = world
            .power_ids()
            .map(|p| world.tie(kz, p, Channel::Remittances))
            .sum();
        let rows = "Kazakhstan,2014,remittances_gdp,all,0.1,t,no,\nKazakhstan,2014,remittances_from,Russia,0.5,t,no,\n";
        let off = bound("outside-off.csv", rows);
        let on = bound(
            "outside-on.csv",
            &format!(
                "{rows}Kazakhstan,2013,remittances_gdp,all,{},t,no,\n",
                ties + 0.05
            ),
        );
        assert!(off.iter().all(|b| b.outside == 0.0));
        assert!((on[0].outside - 0.05).abs() < 1e-12, "{}", on[0].outside);
        let value = |b: &Bound| model_value(&world, &rs, &rs.delivery, b);
        assert!((value(&on[0]) - (value(&off[0]) + 0.05)).abs() < 1e-12);
        assert!(
            value(&on[1]) < value(&off[1]),
            "{} {}",
            value(&on[1]),
            value(&off[1])
        );
    }

    #[test]
    fn distance_weighs_each_quantity_alike() {
        let e = ErrorModel::default();
        let mut text = String::new();
        for p in ["Russia", "China", "EU", "USA", "Turkiye", "Iran"] {
            writeln!(text, "Kazakhstan,2015,trade_share,{p},0.1,t,no,").unwrap();
        }
        writeln!(text, "Kazakhstan,2015,remittances_gdp,all,0.1,t,no,").unwrap();
        let bound = bound("distance.csv", &text);
        // Six trade rows exact, the one remittance row off: the distance is the remittance
        // residual over √2 (two quantities), not over √7.
        let mut model = vec![0.1; 7];
        model[6] = 0.2;
        let r = e.residual(Quantity::RemittancesGdp, 0.2, 0.1);
        let d = e.distance(&bound, &model, |_| true);
        assert!((d - r / 2f64.sqrt()).abs() < 1e-12, "{d} {r}");
        model[6] = f64::NAN;
        assert_eq!(e.distance(&bound, &model, |_| true), f64::INFINITY);
        assert_eq!(e.distance(&bound, &model, |y| y == 2016), f64::INFINITY);
    }
}
