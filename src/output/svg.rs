//! SVG charts (plotters, SVG backend only: text is written as SVG text, no font files needed).

use super::{io_error, write_atomic, OutputError};
use crate::analysis::ensemble::{CstoFuture, CstoFutures, Summary};
use crate::analysis::outcome::{CSTO_FUTURE_OUTCOMES, YES};
use crate::model::StateId;
use plotters::prelude::*;
use std::path::Path;

/// Colours of the components, by power position; autonomy is grey. Chosen to be told apart
/// in print and by most colour-blind readers (Okabe–Ito palette).
const PALETTE: [RGBColor; 8] = [
    RGBColor(213, 94, 0),
    RGBColor(230, 159, 0),
    RGBColor(0, 114, 178),
    RGBColor(86, 180, 233),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(240, 228, 66),
    RGBColor(0, 0, 0),
];
const AUTONOMY: RGBColor = RGBColor(170, 170, 170);

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

/// Draw state `state`'s alignment over time: the mean shares stacked (they sum to 1), and for
/// each share a hatched band from its 5 % to its 95 % quantile, drawn around the share's upper
/// edge in the stack, so the spread of every share can be read where the share is drawn.
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
    let mut svg = String::new();
    draw_alignment(&mut svg, path, s, state)?;
    Ok(svg)
}

fn draw_alignment(
    svg: &mut String,
    path: &Path,
    s: &Summary,
    state: StateId,
) -> Result<(), OutputError> {
    let name = s
        .states
        .get(state.index())
        .ok_or_else(|| io_error(path, format!("no state with index {}", state.index())))?;
    let p = s.powers.len();
    // The recorded steps, each at its own date (one step in `record_every` and the horizon).
    let recorded: Vec<u32> = s.recorded_steps().collect();
    let at = |k: usize| year_at(s, recorded[k]);
    let points = recorded.len();
    let title = format!(
        "{name}: alignment under \"{}\" ({} runs; a model implication, not a forecast)",
        s.scenario, s.runs
    );
    time_chart(
        svg,
        path,
        s,
        &title,
        "share of alignment (stacked means)",
        |chart, side| {
            // Cumulative means: upper[k] is the top of component c at the k-th recorded step.
            let mut lower = vec![0.0; points];
            for (c, (component, label)) in s.named_components().enumerate() {
                let stats: Vec<_> = recorded
                    .iter()
                    .map(|&t| s.alignment(t as usize, state, component))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| io_error(path, "summary shape"))?;
                let upper: Vec<f64> = lower
                    .iter()
                    .zip(&stats)
                    .map(|(l, st)| (l + st.mean).min(1.0))
                    .collect();
                let col = colour(c, p);
                let mut poly: Vec<(f64, f64)> = (0..points).map(|k| (at(k), upper[k])).collect();
                poly.extend((0..points).rev().map(|k| (at(k), lower[k])));
                let label = label.to_string();
                chart
                    .draw_series(std::iter::once(Polygon::new(poly, col.mix(0.55).filled())))
                    .map_err(|e| chart_error(path, e))?
                    .label(label)
                    .legend(move |(x, y)| {
                        Rectangle::new([(x, y - 5), (x + 12, y + 5)], col.filled())
                    });
                // The share's 5–95 % band, placed around its upper edge.
                let mut band: Vec<(f64, f64)> = (0..points)
                    .map(|k| {
                        let st = &stats[k];
                        (
                            at(k),
                            (upper[k] + st.quantiles.q95 - st.mean).clamp(0.0, 1.0),
                        )
                    })
                    .collect();
                band.extend((0..points).rev().map(|k| {
                    let st = &stats[k];
                    (
                        at(k),
                        (upper[k] - (st.mean - st.quantiles.q05)).clamp(0.0, 1.0),
                    )
                }));
                if c < p {
                    chart
                        .draw_series(std::iter::once(Polygon::new(band, col.mix(0.9).filled())))
                        .map_err(|e| chart_error(path, e))?;
                    chart
                        .draw_series(LineSeries::new(
                            (0..points).map(|k| (at(k), upper[k])),
                            BLACK.mix(0.6).stroke_width(1),
                        ))
                        .map_err(|e| chart_error(path, e))?;
                }
                lower = upper;
            }
            // Legend top-down in stack order reversed, so it reads like the stack (autonomy on top).
            let items: Vec<(String, RGBAColor)> = (0..=p)
                .rev()
                .map(|c| {
                    let label = s
                        .powers
                        .get(c)
                        .map_or(crate::model::AUTONOMY, String::as_str);
                    (label.to_string(), colour(c, p).mix(0.55))
                })
                .collect();
            legend(
                side,
                &items,
                &[
                    "Areas: mean share,",
                    "stacked (sum = 1).",
                    "Dark band at each",
                    "edge: 5-95 % of runs",
                    "of that share.",
                ],
            )
            .map_err(|e| chart_error(path, e))?;
            Ok(())
        },
    )
}

/// A legend drawn in its own area beside the plot, so it never hides data.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    items: &[(String, RGBAColor)],
    notes: &[&str],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let font = ("sans-serif", 14).into_font();
    let mut y = 30;
    for (label, col) in items {
        area.draw(&Rectangle::new([(10, y - 6), (24, y + 6)], col.filled()))?;
        area.draw(&Text::new(label.clone(), (32, y - 7), font.clone()))?;
        y += 22;
    }
    y += 12;
    let small = ("sans-serif", 12).into_font().color(&BLACK.mix(0.7));
    for line in notes {
        area.draw(&Text::new(line.to_string(), (10, y), small.clone()))?;
        y += 16;
    }
    Ok(())
}

/// Colours of an outcome's categories, by category position: blue, orange, green for the
/// three CSTO futures, then the rest of the palette.
const CATEGORY_COLOURS: [usize; 8] = [2, 0, 4, 1, 3, 5, 6, 7];

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
    let root = SVGBackend::with_string(svg, (960, 540)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| chart_error(path, e))?;
    let runs = summaries.first().map_or(0, |s| s.runs);
    let root = root
        .titled(
            &format!("Classified {what} by scenario run ({runs} runs each; model implications, not forecasts)"),
            ("sans-serif", 18),
        )
        .map_err(|e| chart_error(path, e))?;
    let (plot, side) = root.split_horizontally(760);
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(48)
        .build_cartesian_2d(-0.5..groups as f64 - 0.5, 0.0..1.0)
        .map_err(|e| chart_error(path, e))?;
    let names: Vec<String> = summaries.iter().map(|s| s.scenario.clone()).collect();
    let formatter = |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 {
            names.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .x_labels(groups * 2 + 1)
        .x_label_formatter(&formatter)
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
    let items: Vec<(String, RGBAColor)> = categories
        .iter()
        .enumerate()
        .map(|(k, c)| (c.label.clone(), colour_of(k).to_rgba()))
        .collect();
    legend(
        &side,
        &items,
        &[
            "Classified outcome",
            "at the horizon.",
            "Bars: probability;",
            "whiskers: Wilson",
            "95 % interval.",
        ],
    )
    .map_err(|e| chart_error(path, e))?;
    root.present().map_err(|e| chart_error(path, e))?;
    Ok(())
}

/// The SVG text of `outcomes-over-time.svg`: for each outcome that keeps a series, P(yes by
/// date) (its last category for an outcome without a `yes`) as a line, with its Wilson 95 %
/// interval as a band of the same colour; `path` names the chart in errors.
pub(crate) fn render_over_time(path: &Path, s: &Summary) -> Result<String, OutputError> {
    let mut svg = String::new();
    draw_over_time(&mut svg, path, s)?;
    Ok(svg)
}

fn draw_over_time(svg: &mut String, path: &Path, s: &Summary) -> Result<(), OutputError> {
    let year = |step: u32| year_at(s, step);
    let title = format!(
        "P(outcome by date) under \"{}\" ({} runs; model implications, not forecasts)",
        s.scenario, s.runs
    );
    time_chart(svg, path, s, &title, "probability", |chart, side| {
        let mut items = Vec::new();
        let series = s.outcomes.iter().filter(|o| !o.over_time.is_empty());
        for (k, outcome) in series.enumerate() {
            let category = if outcome.categories.iter().any(|c| c == YES) {
                YES
            } else {
                outcome.categories.last().map_or("", String::as_str)
            };
            let Some(points) = s.probability_by_date(&outcome.name, category) else {
                continue;
            };
            let col = PALETTE[k % PALETTE.len()];
            let band: Vec<(f64, f64)> = points
                .iter()
                .map(|(t, p)| (year(*t), p.high))
                .chain(points.iter().rev().map(|(t, p)| (year(*t), p.low)))
                .collect();
            chart
                .draw_series(std::iter::once(Polygon::new(band, col.mix(0.2).filled())))
                .map_err(|e| chart_error(path, e))?;
            chart
                .draw_series(LineSeries::new(
                    points.iter().map(|(t, p)| (year(*t), p.estimate)),
                    col.stroke_width(2),
                ))
                .map_err(|e| chart_error(path, e))?;
            items.push((outcome.name.clone(), col.to_rgba()));
        }
        legend(
            side,
            &items,
            &[
                "Line: share of runs",
                "judged yes by the date;",
                "band: Wilson 95 %",
                "interval.",
            ],
        )
        .map_err(|e| chart_error(path, e))?;
        Ok(())
    })
}

/// The chart of a quantity in [0, 1] over a summary's horizon: a white 960 × 540 canvas with
/// `title`, a plot on the left 760 pixels with the years on the x axis and `y_desc` on the y
/// axis, and a side panel for the legend; `draw` fills the plot and the panel.
fn time_chart<F>(
    svg: &mut String,
    path: &Path,
    s: &Summary,
    title: &str,
    y_desc: &str,
    draw: F,
) -> Result<(), OutputError>
where
    F: FnOnce(
        &mut ChartContext<
            '_,
            SVGBackend<'_>,
            Cartesian2d<
                plotters::coord::types::RangedCoordf64,
                plotters::coord::types::RangedCoordf64,
            >,
        >,
        &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    ) -> Result<(), OutputError>,
{
    let year = |step: u32| year_at(s, step);
    let root = SVGBackend::with_string(svg, (960, 540)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| chart_error(path, e))?;
    let root = root
        .titled(title, ("sans-serif", 18))
        .map_err(|e| chart_error(path, e))?;
    let (plot, side) = root.split_horizontally(760);
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(48)
        .build_cartesian_2d(year(0)..year(s.steps.max(1)), 0.0..1.0)
        .map_err(|e| chart_error(path, e))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .x_desc("year")
        .y_desc(y_desc)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .draw()
        .map_err(|e| chart_error(path, e))?;
    draw(&mut chart, &side)?;
    root.present().map_err(|e| chart_error(path, e))?;
    Ok(())
}

/// The date of `step` of `s` as a decimal year (January 2025 is 2025.0).
fn year_at(s: &Summary, step: u32) -> f64 {
    let year0 = f64::from(s.start.year()) + (f64::from(s.start.month()) - 1.0) / 12.0;
    year0 + f64::from(step) / 12.0
}
