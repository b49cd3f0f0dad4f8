//! SVG charts (plotters, SVG backend only: text is written as SVG text, no font files needed).
//!
//! Every chart is drawn for a report page: 960 pixels wide, a title and a subtitle above the
//! plot, a legend in its own panel beside it (never over the data), and a caption saying that
//! it shows simulated distributions under the scenario's assumptions, not forecasts. Charts
//! over time draw each series as a line with its band as a light fill of the same colour, on
//! a y axis fitted to the data with a minimum span ([`fitted`]) so that run-to-run noise is
//! not magnified into a trend.

use super::{io_error, write_atomic, OutputError};
use crate::analysis::ensemble::{Component, CstoFuture, CstoFutures, Stats, Summary};
use crate::analysis::outcome::{CSTO_FUTURE_OUTCOMES, YES};
use crate::model::{InstitutionId, StateId, YearMonth};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::ops::Range;
use std::path::Path;

/// Colours of the components, by power position (Russia, China, USA, EU, Türkiye, Iran in
/// the embedded world); autonomy is dark grey. Okabe–Ito colours ordered so that the powers
/// most often drawn side by side (Russia and China, the USA and the EU) differ in hue, not
/// only in shade: told apart in print and by most colour-blind readers.
const PALETTE: [RGBColor; 8] = [
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(0, 114, 178),   // blue
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
    RGBColor(180, 160, 30),  // dark yellow (the palette's yellow is too light for a line)
];
const AUTONOMY: RGBColor = RGBColor(110, 110, 110);

/// The colour of alignment component `component` of a world of `powers` powers: the power's
/// position in [`PALETTE`], autonomy grey; the same in every chart of the world.
pub(crate) fn colour(component: usize, powers: usize) -> RGBColor {
    if component == powers {
        AUTONOMY
    } else {
        PALETTE[component % PALETTE.len()]
    }
}

fn chart_error(path: &Path, e: impl std::fmt::Display) -> OutputError {
    io_error(path, format!("cannot draw the chart: {e}"))
}

/// The size of every chart but [`institutions`]: a report page's width.
pub(crate) const SIZE: (u32, u32) = (960, 540);
/// Width of the legend panel at the right of a chart.
pub(crate) const SIDE: u32 = 260;
/// Font sizes in pixels as the SVG states them (legible on a page 960 pixels wide).
const TITLE_FONT: f64 = 21.0;
const SUBTITLE_FONT: f64 = 15.0;
const LABEL_FONT: f64 = 15.0;
const LEGEND_FONT: f64 = 16.0;
const NOTE_FONT: f64 = 14.0;

/// The sans-serif font of `px` pixels: plotters writes a size of `size / 1.24` into the
/// SVG, so the size asked for is scaled up to give `px`.
fn font(px: f64) -> FontDesc<'static> {
    ("sans-serif", px * 1.24).into_font()
}

/// How many characters of a `px`-pixel sans-serif font fit `width` pixels (an estimate:
/// 0.56 em a character, about DejaVu Sans's width for names and numbers).
fn chars_in(width: u32, px: f64) -> usize {
    (f64::from(width) / (0.56 * px)) as usize
}
/// The caption under every chart.
pub(crate) const CAPTION: &str =
    "Simulated distributions under the scenario's assumptions: model implications, not forecasts.";

/// A drawing area of an SVG chart.
pub(crate) type Area<'b> = DrawingArea<SVGBackend<'b>, Shift>;
/// A plot with decimal years on the x axis.
pub(crate) type TimePlot<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// `text` cut to what fits `width` pixels at `px` pixels ([`chars_in`]), ending in "…" when
/// cut.
fn fit_text(text: &str, width: u32, px: f64) -> String {
    let max = chars_in(width, px);
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// `text` broken into lines of at most `width` characters at spaces (never before a "%").
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line)
                if word.starts_with('%')
                    || line.chars().count() + 1 + word.chars().count() <= width =>
            {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// Fill `root` white and draw the title, the subtitle (grey) and the caption (grey, at the
/// bottom); the area between them is returned for the plot and its legend.
pub(crate) fn frame<'b>(
    path: &Path,
    root: &Area<'b>,
    title: &str,
    subtitle: &str,
) -> Result<Area<'b>, OutputError> {
    let (w, h) = root.dim_in_pixel();
    let err = |e| chart_error(path, e);
    root.fill(&WHITE).map_err(err)?;
    let title_style = font(TITLE_FONT);
    root.draw(&Text::new(
        fit_text(title, w - 24, TITLE_FONT),
        (12, 8),
        title_style,
    ))
    .map_err(err)?;
    let grey = font(SUBTITLE_FONT).color(&BLACK.mix(0.7));
    root.draw(&Text::new(
        fit_text(subtitle, w - 24, SUBTITLE_FONT),
        (12, 38),
        grey.clone(),
    ))
    .map_err(err)?;
    let caption = font(NOTE_FONT).color(&BLACK.mix(0.6));
    root.draw(&Text::new(
        fit_text(CAPTION, w - 24, NOTE_FONT),
        (12, h as i32 - 22),
        caption,
    ))
    .map_err(err)?;
    Ok(root.margin(62, 28, 0, 0))
}

/// The y range that shows the values from `lo` to `hi`: padded by 6 % of their span, at
/// least `min_span` wide (centred on the data, so that a change smaller than `min_span`
/// stays small on the page), and within `bounds`. An empty span (`lo > hi`, no data) gives
/// `bounds`.
///
/// A chart of shares uses a minimum span of 0.10: noise of a point or two stays a ripple,
/// and a chart of a state whose shares keep within 0.30–0.36 is drawn on 0.28–0.38, not 0–1.
pub(crate) fn fitted(lo: f64, hi: f64, min_span: f64, bounds: (f64, f64)) -> Range<f64> {
    if lo > hi || !lo.is_finite() || !hi.is_finite() {
        return bounds.0..bounds.1;
    }
    let pad = (hi - lo) * 0.06;
    let (mut a, mut b) = (lo - pad, hi + pad);
    if b - a < min_span {
        let mid = (a + b) / 2.0;
        a = mid - min_span / 2.0;
        b = mid + min_span / 2.0;
    }
    if a < bounds.0 {
        b += bounds.0 - a;
        a = bounds.0;
    }
    if b > bounds.1 {
        a -= b - bounds.1;
        b = bounds.1;
    }
    a.max(bounds.0)..b
}

/// The top of a y axis of shares or probabilities: a little above 1, so that a line at 1 is
/// drawn whole, not cut in half by the edge of the plot.
const TOP: f64 = 1.02;

/// Decimals of the y labels for a range of `span`: 2 down to a span of 0.1, then 3.
fn decimals(span: f64) -> usize {
    if span >= 0.1 {
        2
    } else {
        3
    }
}

/// The date of step `step` from `start` as a decimal year (January 2025 is 2025.0).
pub(crate) fn year_of(start: YearMonth, step: u32) -> f64 {
    f64::from(start.year()) + (f64::from(start.month()) - 1.0) / 12.0 + f64::from(step) / 12.0
}

/// The label of decimal year `x`: the year for a horizon of more than three years, else the
/// year and month.
fn date_label(x: f64, span: f64) -> String {
    if span > 3.0 {
        format!("{:.0}", x)
    } else {
        let months = (x * 12.0).round() as i64;
        format!("{}-{:02}", months.div_euclid(12), months.rem_euclid(12) + 1)
    }
}

/// The axes of a plot over time in `area`: decimal `years` on the x axis (about
/// `x_labels` date labels), `y` on the y axis described by `y_desc`, y labels with a sign
/// when `signed`; light horizontal grid lines only.
pub(crate) fn time_axes<'a, 'b>(
    path: &Path,
    area: &'a Area<'b>,
    years: Range<f64>,
    y: Range<f64>,
    y_desc: &str,
    signed: bool,
    x_labels: usize,
) -> Result<TimePlot<'a, 'b>, OutputError> {
    let span = years.end - years.start;
    let digits = decimals(y.end - y.start);
    // No more date labels than fit side by side ("2025" or "2025-01", and a gap).
    let label_px = 0.58 * LABEL_FONT * if span > 3.0 { 4.0 } else { 7.0 } + 24.0;
    let room = f64::from(area.dim_in_pixel().0.saturating_sub(100));
    let x_labels = x_labels.min((room / label_px) as usize).max(2);
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .margin_right(16)
        .x_label_area_size(46)
        .y_label_area_size(72)
        .build_cartesian_2d(years, y)
        .map_err(|e| chart_error(path, e))?;
    let label = font(LABEL_FONT);
    let x_fmt = |x: &f64| date_label(*x, span);
    let y_fmt = |v: &f64| {
        // No "-0.000" at the zero line.
        let v = if v.abs() < 0.5 * 10f64.powi(-(digits as i32)) {
            0.0
        } else {
            *v
        };
        if signed && v > 0.0 {
            format!("+{v:.digits$}")
        } else {
            format!("{v:.digits$}")
        }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.12))
        .x_labels(x_labels)
        .y_labels(8)
        .x_label_style(label.clone())
        .y_label_style(label.clone())
        .axis_desc_style(label)
        .x_desc("date")
        .y_desc(y_desc)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .draw()
        .map_err(|e| chart_error(path, e))?;
    Ok(chart)
}

/// One series of a chart over time: its name, colour, and per date (decimal year) the
/// central value and the band's low and high.
pub(crate) struct Series {
    /// The name in the legend.
    pub(crate) name: String,
    /// Line and band colour.
    pub(crate) colour: RGBColor,
    /// `(year, value, low, high)` per date.
    pub(crate) points: Vec<(f64, f64, f64, f64)>,
}

impl Series {
    /// The lowest low and the highest high.
    fn extent(&self) -> (f64, f64) {
        self.points
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                (lo.min(p.2), hi.max(p.3))
            })
    }
}

/// The lowest low and highest high of `series`.
pub(crate) fn extent(series: &[Series]) -> (f64, f64) {
    series
        .iter()
        .map(Series::extent)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (a, b)| {
            (lo.min(a), hi.max(b))
        })
}

/// A note naming the series whose lines lie on each other (means within 1 % of the y range
/// `span`), so that a hidden line is not taken for a missing one: "NATO and EU coincide."
/// per group equal at every date, "A lies under B from 2026." for a line that ends under a
/// later-drawn one; `None` when no two coincide.
pub(crate) fn coinciding(series: &[Series], span: f64) -> Option<String> {
    let tol = 0.01 * span;
    let same = |a: &Series, b: &Series| {
        a.points.len() == b.points.len()
            && a.points
                .iter()
                .zip(&b.points)
                .all(|(p, q)| (p.1 - q.1).abs() < tol)
    };
    // Each series joins the group of the first earlier series it lies on.
    let mut groups: Vec<Vec<&str>> = Vec::new();
    let mut leader: Vec<usize> = Vec::new();
    for (j, s) in series.iter().enumerate() {
        match (0..j).find(|&i| same(&series[i], s)) {
            Some(i) => {
                let g = leader[i];
                groups[g].push(&s.name);
                leader.push(g);
            }
            None => {
                leader.push(groups.len());
                groups.push(vec![&s.name]);
            }
        }
    }
    let mut notes: Vec<String> = groups
        .iter()
        .filter(|g| g.len() > 1)
        .map(|g| {
            let (last, first) = g.split_last().unwrap_or((&"", &[]));
            format!("{} and {last} coincide.", first.join(", "))
        })
        .collect();
    // A line that joins a later-drawn one for the last quarter of the dates or more ends
    // under it: say from when, so that it is not read as ending there.
    for (i, a) in series.iter().enumerate() {
        for b in &series[i + 1..] {
            if a.points.len() != b.points.len() || same(a, b) {
                continue;
            }
            let equal_tail = a
                .points
                .iter()
                .zip(&b.points)
                .rev()
                .take_while(|(p, q)| (p.1 - q.1).abs() < tol)
                .count();
            let n = a.points.len();
            if equal_tail > 0 && 4 * equal_tail >= n {
                let first = a.points[n - equal_tail].0;
                let whole = a.points[n - 1].0 - a.points[0].0;
                notes.push(format!(
                    "{} lies under {} from {}.",
                    a.name,
                    b.name,
                    date_label(first, whole)
                ));
                break;
            }
        }
    }
    (!notes.is_empty()).then(|| notes.join(" "))
}

/// Draw every series' band as a light fill of its colour, then every line on top, so that
/// no band hides a line and a band never reads as a series of its own.
pub(crate) fn draw_series(
    path: &Path,
    chart: &mut TimePlot<'_, '_>,
    series: &[Series],
) -> Result<(), OutputError> {
    for s in series {
        let band: Vec<(f64, f64)> = s
            .points
            .iter()
            .map(|p| (p.0, p.3))
            .chain(s.points.iter().rev().map(|p| (p.0, p.2)))
            .collect();
        chart
            .draw_series(std::iter::once(Polygon::new(
                band,
                s.colour.mix(0.16).filled(),
            )))
            .map_err(|e| chart_error(path, e))?;
    }
    for s in series {
        chart
            .draw_series(LineSeries::new(
                s.points.iter().map(|p| (p.0, p.1)),
                s.colour.stroke_width(3),
            ))
            .map_err(|e| chart_error(path, e))?;
    }
    Ok(())
}

/// A horizontal line at `y` across the plot (the zero of a difference).
pub(crate) fn draw_rule(
    path: &Path,
    chart: &mut TimePlot<'_, '_>,
    years: Range<f64>,
    y: f64,
) -> Result<(), OutputError> {
    chart
        .draw_series(LineSeries::new(
            [(years.start, y), (years.end, y)],
            BLACK.mix(0.7).stroke_width(1),
        ))
        .map_err(|e| chart_error(path, e))?;
    Ok(())
}

/// How a legend marks an item: a line (a series over time) or a box (a bar).
#[derive(Clone, Copy)]
pub(crate) enum Swatch {
    Line,
    Box,
}

/// A legend drawn in its own area beside the plot, so it never hides data: `items` with
/// their colours, then `notes` (each wrapped to the panel) in small grey type.
pub(crate) fn legend(
    path: &Path,
    area: &Area<'_>,
    items: &[(String, RGBAColor)],
    swatch: Swatch,
    notes: &[String],
) -> Result<(), OutputError> {
    let err = |e| chart_error(path, e);
    let (w, _) = area.dim_in_pixel();
    // Long names set every name a size smaller; a name longer still takes two lines (broken
    // at a space or after a hyphen), the second cut to the panel if need be.
    let width = w.saturating_sub(44);
    let longest = items
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let size = if longest > chars_in(width, LEGEND_FONT) && longest <= chars_in(width, NOTE_FONT) {
        NOTE_FONT
    } else {
        LEGEND_FONT
    };
    let style = font(size);
    let mut y = 24;
    for (label, col) in items {
        match swatch {
            Swatch::Line => area
                .draw(&PathElement::new(
                    vec![(6, y), (30, y)],
                    col.stroke_width(4),
                ))
                .map_err(err)?,
            Swatch::Box => area
                .draw(&Rectangle::new([(8, y - 7), (28, y + 7)], col.filled()))
                .map_err(err)?,
        }
        let broken = if label.chars().count() <= chars_in(width, size) {
            vec![label.clone()]
        } else {
            wrap(&label.replace('-', "- "), chars_in(width, size).max(6))
        };
        let mut lines = vec![broken[0].replace("- ", "-")];
        if broken.len() > 1 {
            let rest = broken[1..].join(" ").replace("- ", "-");
            lines.push(fit_text(&rest, width, size));
        }
        for (k, line) in lines.iter().enumerate() {
            area.draw(&Text::new(
                line.clone(),
                (38, y - 10 + 20 * k as i32),
                style.clone(),
            ))
            .map_err(err)?;
        }
        y += 26 + 20 * (lines.len() as i32 - 1);
    }
    y += 10;
    let small = font(NOTE_FONT).color(&BLACK.mix(0.7));
    let chars = chars_in(w.saturating_sub(20), NOTE_FONT);
    for note in notes {
        for line in wrap(note, chars.max(10)) {
            area.draw(&Text::new(line, (8, y), small.clone()))
                .map_err(err)?;
            y += 18;
        }
        y += 6;
    }
    Ok(())
}

/// Whether state `state` of `s` moves: some run's share of some component differs from the
/// start at some recorded step. A fixed state (the model's fixed points, such as the Baltic
/// states of the embedded world: alignment and ties never move) does not, so it gets no
/// chart.
pub(crate) fn moves(s: &Summary, state: StateId) -> bool {
    let start: Vec<Option<Stats>> = s
        .named_components()
        .map(|(c, _)| s.alignment(0, state, c))
        .collect();
    s.recorded_steps().any(|t| {
        s.named_components().zip(&start).any(|((c, _), first)| {
            let (Some(now), Some(first)) = (s.alignment(t as usize, state, c), first) else {
                return false;
            };
            now.sd > 0.0 || now.mean != first.mean
        })
    })
}

/// Components whose 95 % quantile stays below this share at every date are not drawn in an
/// alignment chart (lines near zero would only crowd each other); the legend names them.
pub(crate) const NEGLIGIBLE_SHARE: f64 = 0.02;

/// Draw state `state`'s alignment over time: one line per component (each power, then
/// autonomy) for its mean over runs, with the band from its 5 % to its 95 % quantile as a
/// light fill of the same colour; the y axis fitted to the data (at least 0.10 wide, so that
/// noise of a point or two stays a ripple). Components whose 95 % quantile stays below 0.02
/// throughout are left out and named in the legend. A fixed state draws as flat lines; the
/// output sets skip it.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::Ensemble;
/// let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 3).run().unwrap();
/// let path = std::env::temp_dir().join(format!("geoalign-doc-chart-{}.svg", std::process::id()));
/// let armenia = summary.state("Armenia").unwrap();
/// geoalign::output::alignment_chart(&path, &summary, armenia).unwrap();
/// assert!(std::fs::read_to_string(&path).unwrap().starts_with("<svg"));
/// ```
pub fn alignment_chart(path: &Path, s: &Summary, state: StateId) -> Result<(), OutputError> {
    // A summary read from elsewhere may claim any horizon: checked before one is allocated.
    s.verify().map_err(OutputError::Inconsistent)?;
    write_atomic(path, render_alignment(path, s, state)?.as_bytes())
}

/// The SVG text of [`alignment_chart`] for a summary that passed [`Summary::verify`]; `path`
/// names the chart in errors.
pub(crate) fn render_alignment(
    path: &Path,
    s: &Summary,
    state: StateId,
) -> Result<String, OutputError> {
    let name = s
        .states
        .get(state.index())
        .ok_or_else(|| io_error(path, format!("no state with index {}", state.index())))?;
    let p = s.powers.len();
    let recorded: Vec<u32> = s.recorded_steps().collect();
    let mut drawn = Vec::new();
    let mut omitted = Vec::new();
    for (c, (component, label)) in s.named_components().enumerate() {
        let series = Series {
            name: label.to_string(),
            colour: colour(c, p),
            points: recorded
                .iter()
                .map(|&t| {
                    let st = s.alignment(t as usize, state, component)?;
                    Some((
                        year_of(s.start, t),
                        st.mean,
                        st.quantiles.q05,
                        st.quantiles.q95,
                    ))
                })
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| io_error(path, "summary shape"))?,
        };
        if series.extent().1 < NEGLIGIBLE_SHARE && !matches!(component, Component::Autonomy) {
            omitted.push(series.name);
        } else {
            drawn.push(series);
        }
    }
    let (lo, hi) = extent(&drawn);
    let y = fitted(lo, hi, 0.10, (0.0, TOP));
    let years = year_of(s.start, 0)..year_of(s.start, s.steps.max(1));
    let mut notes = vec![
        "Line: mean over runs; band: 5-95 % of runs.".to_string(),
        "The y axis shows only the range the shares cover.".to_string(),
    ];
    notes.extend(coinciding(&drawn, y.end - y.start));
    if !omitted.is_empty() {
        notes.push(format!(
            "Not drawn (below {NEGLIGIBLE_SHARE} throughout): {}.",
            omitted.join(", ")
        ));
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        let body = frame(
            path,
            &root,
            &format!("{name}: alignment over time"),
            &format!("Scenario \"{}\", {} runs", s.scenario, s.runs),
        )?;
        let (plot, side) = body.split_horizontally(SIZE.0 - SIDE);
        let mut chart = time_axes(path, &plot, years, y, "share of alignment", false, 11)?;
        draw_series(path, &mut chart, &drawn)?;
        let items: Vec<(String, RGBAColor)> = drawn
            .iter()
            .map(|d| (d.name.clone(), d.colour.to_rgba()))
            .collect();
        legend(path, &side, &items, Swatch::Line, &notes)?;
        root.present().map_err(|e| chart_error(path, e))?;
    }
    Ok(svg)
}

/// The SVG text of `institutions.svg` for a summary with institutions: per institution its
/// credibility and its cohesion over time (mean over runs with the 5–95 % band, two panels
/// side by side), and below them per member the probability of having been suspended and of
/// having exited at some step up to the horizon, with Wilson 95 % intervals. The summary
/// counts membership at the horizon only, so the members' panel is not over time; members
/// never suspended nor exited in any run are left out and counted in a note.
pub(crate) fn render_institutions(path: &Path, s: &Summary) -> Result<String, OutputError> {
    let recorded: Vec<u32> = s.recorded_steps().collect();
    let measure = |of: &dyn Fn(usize, InstitutionId) -> Option<Stats>| {
        s.named_institutions()
            .enumerate()
            .map(|(k, (i, name))| {
                let points = recorded
                    .iter()
                    .map(|&t| {
                        let st = of(t as usize, i)?;
                        Some((
                            year_of(s.start, t),
                            st.mean,
                            st.quantiles.q05,
                            st.quantiles.q95,
                        ))
                    })
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| io_error(path, "summary shape"))?;
                Ok(Series {
                    name: name.to_string(),
                    colour: PALETTE[k % PALETTE.len()],
                    points,
                })
            })
            .collect::<Result<Vec<Series>, OutputError>>()
    };
    let credibility = measure(&|t, i| s.credibility(t, i))?;
    let cohesion = measure(&|t, i| s.cohesion(t, i))?;
    // Members with a suspension or an exit in some run, in institution and member order.
    let mut rows = Vec::new();
    let mut quiet = 0;
    for (i, institution) in s.named_institutions() {
        for (m, member) in s.named_members(i) {
            let Some((suspended, exited)) = s.membership(i, m) else {
                continue;
            };
            if suspended.count == 0 && exited.count == 0 {
                quiet += 1;
            } else {
                rows.push((format!("{institution}: {member}"), suspended, exited));
            }
        }
    }
    // At most 12 rows: the most likely to be suspended or exit first.
    let shown = rows.len().min(12);
    let mut by_chance = rows.clone();
    by_chance.sort_by(|a, b| {
        b.1.estimate
            .max(b.2.estimate)
            .total_cmp(&a.1.estimate.max(a.2.estimate))
    });
    let keep: Vec<String> = by_chance.iter().take(shown).map(|r| r.0.clone()).collect();
    let left_out = rows.len() - shown;
    rows.retain(|r| keep.contains(&r.0));

    let height = 540 + 60 + 30 * shown.max(1) as u32;
    let years = year_of(s.start, 0)..year_of(s.start, s.steps.max(1));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (SIZE.0, height)).into_drawing_area();
        let body = frame(
            path,
            &root,
            "Institutions over time",
            &format!("Scenario \"{}\", {} runs", s.scenario, s.runs),
        )?;
        let (top, bottom) = body.split_vertically(440);
        let (plots, side) = top.split_horizontally(SIZE.0 - SIDE);
        let halves = plots.split_evenly((1, 2));
        let mut notes = vec!["Line: mean over runs; band: 5-95 % of runs.".to_string()];
        for (area, (series, what)) in halves
            .iter()
            .zip([(&credibility, "credibility"), (&cohesion, "cohesion")])
        {
            let (lo, hi) = extent(series);
            let y = fitted(lo, hi, 0.10, (0.0, TOP));
            if let Some(note) = coinciding(series, y.end - y.start) {
                notes.push(format!("{}: {note}", capitalised(what)));
            }
            let mut chart = time_axes(path, area, years.clone(), y, what, false, 6)?;
            draw_series(path, &mut chart, series)?;
        }
        let items: Vec<(String, RGBAColor)> = credibility
            .iter()
            .map(|d| (d.name.clone(), d.colour.to_rgba()))
            .collect();
        legend(path, &side, &items, Swatch::Line, &notes)?;
        members(path, &bottom, &rows, quiet, left_out)?;
        root.present().map_err(|e| chart_error(path, e))?;
    }
    Ok(svg)
}

/// `word` with its first letter in upper case.
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The members' panel of [`render_institutions`]: a pair of horizontal bars per row
/// (suspended, exited) with Wilson whiskers.
fn members(
    path: &Path,
    area: &Area<'_>,
    rows: &[(
        String,
        crate::analysis::ensemble::Proportion,
        crate::analysis::ensemble::Proportion,
    )],
    quiet: usize,
    left_out: usize,
) -> Result<(), OutputError> {
    let err = |e| chart_error(path, e);
    let (plot, side) = area.split_horizontally(SIZE.0 - SIDE);
    let suspended = PALETTE[5];
    let exited = PALETTE[0];
    let n = rows.len().max(1);
    let mut chart = ChartBuilder::on(&plot)
        .margin(10)
        .margin_right(16)
        .caption(
            "Members: P(suspended / exited at some step up to the horizon)",
            font(LABEL_FONT + 1.0),
        )
        .x_label_area_size(40)
        .y_label_area_size(200)
        .build_cartesian_2d(0.0..1.0, -0.5..n as f64 - 0.5)
        .map_err(err)?;
    let label = font(LABEL_FONT);
    let names: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let y_fmt = |y: &f64| {
        let i = y.round();
        if (y - i).abs() < 1e-6 && i >= 0.0 {
            // Top row first.
            names
                .get(n - 1 - i as usize)
                .map(|s| fit_text(s, 190, LABEL_FONT))
                .unwrap_or_default()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.12))
        .y_labels(2 * n + 1)
        .x_labels(6)
        .x_label_style(label.clone())
        .y_label_style(label.clone())
        .axis_desc_style(label)
        .x_desc("probability")
        .y_label_formatter(&y_fmt)
        .x_label_formatter(&|x| format!("{x:.1}"))
        .draw()
        .map_err(err)?;
    for (k, (_, s, e)) in rows.iter().enumerate() {
        let y = (n - 1 - k) as f64;
        for (p, col, dy) in [(s, suspended, 0.18), (e, exited, -0.18)] {
            chart
                .draw_series([
                    Rectangle::new(
                        [(0.0, y + dy - 0.15), (p.estimate, y + dy + 0.15)],
                        col.filled(),
                    )
                    .into_dyn(),
                    PathElement::new(
                        vec![(p.low, y + dy), (p.high, y + dy)],
                        BLACK.stroke_width(2),
                    )
                    .into_dyn(),
                ])
                .map_err(err)?;
        }
    }
    let mut notes = vec![
        "Whiskers: Wilson 95 % interval. Counted at the horizon only (not by date).".to_string(),
    ];
    if quiet > 0 {
        notes.push(format!(
            "Not shown: {quiet} member{} never suspended nor exited in any run.",
            if quiet == 1 { "" } else { "s" }
        ));
    }
    if left_out > 0 {
        notes.push(format!("{left_out} less likely rows left out."));
    }
    legend(
        path,
        &side,
        &[
            ("suspended".to_string(), suspended.to_rgba()),
            ("exited".to_string(), exited.to_rgba()),
        ],
        Swatch::Box,
        &notes,
    )
}

/// Colours of an outcome's categories, by category position: blue, orange, green for the
/// three CSTO futures, then the rest of the palette.
const CATEGORY_COLOURS: [usize; 8] = [2, 0, 3, 4, 1, 5, 6, 7];

/// Draw the CSTO futures' probabilities as grouped bars ([`outcome_chart`] of the
/// [`CstoFutures`] outcome): one group per scenario run, one bar per classified future, with
/// its Wilson 95 % interval as a whisker.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::Ensemble;
/// let s = Ensemble::new(geoalign::presets::csto_futures()[0].clone(), 3).run().unwrap();
/// let path = std::env::temp_dir().join(format!("geoalign-doc-futures-{}.svg", std::process::id()));
/// geoalign::output::futures_chart(&path, &[s]).unwrap();
/// assert!(std::fs::read_to_string(&path).unwrap().contains("slow decline"));
/// ```
pub fn futures_chart(path: &Path, summaries: &[Summary]) -> Result<(), OutputError> {
    write_atomic(path, render_futures(path, summaries)?.as_bytes())
}

/// The SVG text of [`futures_chart`]; `path` names the chart in errors. The futures declared
/// as outcomes ([`CSTO_FUTURE_OUTCOMES`]) when the summaries count them, else the classifier's.
pub(crate) fn render_futures(path: &Path, summaries: &[Summary]) -> Result<String, OutputError> {
    let declared = summaries
        .iter()
        .any(|s| s.outcome(CSTO_FUTURE_OUTCOMES[0]).is_some());
    let bars: Vec<Bar> = if declared {
        CstoFuture::ALL
            .iter()
            .zip(CSTO_FUTURE_OUTCOMES)
            .map(|(f, name)| Bar {
                outcome: name.to_string(),
                category: YES.to_string(),
                label: f.name().to_string(),
            })
            .collect()
    } else {
        category_bars(summaries, CstoFutures::NAME)
    };
    let mut svg = String::new();
    draw_outcomes(&mut svg, path, summaries, &bars, "CSTO outcome")?;
    Ok(svg)
}

/// One bar of each group of an outcome chart: the probability of `category` of `outcome`.
struct Bar {
    outcome: String,
    category: String,
    label: String,
}

/// A bar per category of the outcome named `outcome`.
fn category_bars(summaries: &[Summary], outcome: &str) -> Vec<Bar> {
    summaries
        .iter()
        .find_map(|s| s.outcome(outcome))
        .map(|o| o.categories.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|c| Bar {
            outcome: outcome.to_string(),
            category: c.clone(),
            label: c,
        })
        .collect()
}

/// Draw the probabilities of the categories of the outcome named `outcome` as grouped bars:
/// one group per summary (scenario run), one bar per category, with its Wilson 95 %
/// interval as a whisker; `what` names the outcome in the title ("Classified {what} by
/// scenario run"). A summary without the outcome leaves its group empty.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::Ensemble;
/// let s = Ensemble::new(geoalign::presets::eurasia_2025(), 3).run().unwrap();
/// let path = std::env::temp_dir().join(format!("geoalign-doc-outcome-{}.svg", std::process::id()));
/// geoalign::output::outcome_chart(&path, &[s], "csto-futures", "CSTO future").unwrap();
/// assert!(std::fs::read_to_string(&path).unwrap().contains("partial revitalization"));
/// ```
pub fn outcome_chart(
    path: &Path,
    summaries: &[Summary],
    outcome: &str,
    what: &str,
) -> Result<(), OutputError> {
    let mut svg = String::new();
    let bars = category_bars(summaries, outcome);
    draw_outcomes(&mut svg, path, summaries, &bars, what)?;
    write_atomic(path, svg.as_bytes())
}

fn draw_outcomes(
    svg: &mut String,
    path: &Path,
    summaries: &[Summary],
    categories: &[Bar],
    what: &str,
) -> Result<(), OutputError> {
    let colour_of = |k: usize| PALETTE[CATEGORY_COLOURS[k % CATEGORY_COLOURS.len()]];
    let groups = summaries.len().max(1);
    let runs = summaries.first().map_or(0, |s| s.runs);
    let root = SVGBackend::with_string(svg, SIZE).into_drawing_area();
    let body = frame(
        path,
        &root,
        &format!("Classified {what} at the horizon, by scenario"),
        &format!("{runs} runs each"),
    )?;
    let (plot, side) = body.split_horizontally(SIZE.0 - SIDE);
    let mut chart = ChartBuilder::on(&plot)
        .margin(10)
        .margin_right(16)
        .x_label_area_size(40)
        .y_label_area_size(72)
        .build_cartesian_2d(-0.5..groups as f64 - 0.5, 0.0..1.0)
        .map_err(|e| chart_error(path, e))?;
    let label = font(LABEL_FONT);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.12))
        .x_labels(groups * 2 + 1)
        .y_label_style(label.clone())
        .axis_desc_style(label)
        // The scenario names are drawn below, wrapped to their group's width.
        .x_label_formatter(&|_| String::new())
        .y_label_formatter(&|y| format!("{y:.1}"))
        .y_desc("probability")
        .draw()
        .map_err(|e| chart_error(path, e))?;
    // Bars of 0.26 for up to three categories (the three futures fill 0.78 of a group),
    // narrower for more, centred on the group.
    let width = 0.78 / categories.len().max(3) as f64;
    let centre = (categories.len() as f64 - 1.0) / 2.0;
    for (k, bar) in categories.iter().enumerate() {
        let col = colour_of(k);
        let offset = (k as f64 - centre) * width;
        let mut bars = Vec::new();
        let mut whiskers = Vec::new();
        for (g, s) in summaries.iter().enumerate() {
            let Some(p) = s.probability(&bar.outcome, &bar.category) else {
                continue;
            };
            let x0 = g as f64 + offset - width / 2.0 + 0.01;
            let x1 = g as f64 + offset + width / 2.0 - 0.01;
            bars.push(Rectangle::new([(x0, 0.0), (x1, p.estimate)], col.filled()));
            let xm = g as f64 + offset;
            whiskers.push(PathElement::new(
                vec![(xm, p.low), (xm, p.high)],
                BLACK.stroke_width(2),
            ));
            whiskers.push(PathElement::new(
                vec![(xm - 0.04, p.low), (xm + 0.04, p.low)],
                BLACK.stroke_width(2),
            ));
            whiskers.push(PathElement::new(
                vec![(xm - 0.04, p.high), (xm + 0.04, p.high)],
                BLACK.stroke_width(2),
            ));
        }
        chart.draw_series(bars).map_err(|e| chart_error(path, e))?;
        chart
            .draw_series(whiskers)
            .map_err(|e| chart_error(path, e))?;
    }
    // Each group's scenario name under it, on as many lines as its width needs.
    let group_px = f64::from(SIZE.0 - SIDE - 100) / groups as f64;
    let chars = chars_in(group_px as u32, LABEL_FONT);
    let centred = font(LABEL_FONT)
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Top));
    for (g, s) in summaries.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(g as f64, 0.0));
        for (k, line) in wrap(&s.scenario, chars.max(8))
            .into_iter()
            .take(2)
            .enumerate()
        {
            root.draw(&Text::new(
                line,
                (x, y + 8 + 18 * k as i32),
                centred.clone(),
            ))
            .map_err(|e| chart_error(path, e))?;
        }
    }
    let items: Vec<(String, RGBAColor)> = categories
        .iter()
        .enumerate()
        .map(|(k, c)| (c.label.clone(), colour_of(k).to_rgba()))
        .collect();
    legend(
        path,
        &side,
        &items,
        Swatch::Box,
        &["Bars: probability of the classified outcome at the horizon; whiskers: Wilson 95 % interval.".to_string()],
    )?;
    root.present().map_err(|e| chart_error(path, e))?;
    Ok(())
}

/// The SVG text of `outcomes-over-time.svg`: for each outcome that keeps a series, P(yes by
/// date) (its last category for an outcome without a `yes`) as a line, with its Wilson 95 %
/// interval as a band of the same colour, on a probability axis from 0 fitted to the
/// highest interval (at least 0.10); `path` names the chart in errors.
pub(crate) fn render_over_time(path: &Path, s: &Summary) -> Result<String, OutputError> {
    let year = |step: u32| year_of(s.start, step);
    let mut series = Vec::new();
    for (k, outcome) in s
        .outcomes
        .iter()
        .filter(|o| !o.over_time.is_empty())
        .enumerate()
    {
        let category = if outcome.categories.iter().any(|c| c == YES) {
            YES
        } else {
            outcome.categories.last().map_or("", String::as_str)
        };
        let Some(points) = s.probability_by_date(&outcome.name, category) else {
            continue;
        };
        // A CSTO future keeps its colour of the futures chart; other outcomes take the
        // colours after them.
        let position = CSTO_FUTURE_OUTCOMES
            .iter()
            .position(|&f| f == outcome.name)
            .unwrap_or(CSTO_FUTURE_OUTCOMES.len() + k);
        series.push(Series {
            name: outcome.name.clone(),
            colour: PALETTE[CATEGORY_COLOURS[position % CATEGORY_COLOURS.len()]],
            points: points
                .iter()
                .map(|(t, p)| (year(*t), p.estimate, p.low, p.high))
                .collect(),
        });
    }
    let (_, hi) = extent(&series);
    let y = fitted(0.0, hi, 0.10, (0.0, TOP));
    let y_span = y.end - y.start;
    let years = year(0)..year(s.steps.max(1));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        let body = frame(
            path,
            &root,
            "P(outcome by date)",
            &format!("Scenario \"{}\", {} runs", s.scenario, s.runs),
        )?;
        let (plot, side) = body.split_horizontally(SIZE.0 - SIDE);
        let mut chart = time_axes(path, &plot, years, y, "probability", false, 11)?;
        draw_series(path, &mut chart, &series)?;
        let items: Vec<(String, RGBAColor)> = series
            .iter()
            .map(|d| (d.name.clone(), d.colour.to_rgba()))
            .collect();
        let mut notes = vec![
            "Line: share of runs judged yes by the date; band: Wilson 95 % interval.".to_string(),
        ];
        notes.extend(coinciding(&series, y_span));
        legend(path, &side, &items, Swatch::Line, &notes)?;
        root.present().map_err(|e| chart_error(path, e))?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitted_range_spans_the_data_with_a_minimum_width_within_bounds() {
        // Shares within 0.30–0.36: drawn on 0.28–0.38, not 0–1.
        let r = fitted(0.30, 0.36, 0.10, (0.0, 1.0));
        assert!(
            (r.start - 0.28).abs() < 1e-9 && (r.end - 0.38).abs() < 1e-9,
            "{r:?}"
        );
        // A wide span is padded, not widened to the bounds.
        let r = fitted(0.1, 0.8, 0.10, (0.0, 1.0));
        assert!(
            r.start < 0.1 && r.start > 0.0 && r.end > 0.8 && r.end < 1.0,
            "{r:?}"
        );
        // Near a bound the minimum span is shifted inside it.
        let r = fitted(0.001, 0.002, 0.10, (0.0, 1.0));
        assert!(r.start == 0.0 && (r.end - 0.1).abs() < 1e-9, "{r:?}");
        // No data: the bounds.
        assert_eq!(
            fitted(f64::INFINITY, f64::NEG_INFINITY, 0.1, (0.0, 1.0)),
            0.0..1.0
        );
    }

    #[test]
    fn wrap_breaks_at_spaces_and_never_before_a_percent_sign() {
        assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrap("Wilson 95 % interval", 9), ["Wilson 95 %", "interval"]);
    }
}
