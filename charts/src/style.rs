//! What every chart shares: status and seed colours, the font, the SVG canvas, the chart's frame and
//! mesh (the one set-up every chart uses), the row chart, the legend, the error.

use plotters::chart::MeshStyle;
use plotters::coord::ranged1d::{AsRangedCoord, Ranged, ValueFormatter};
use plotters::prelude::*;

use scenarios::summary::Status;

pub const PASS: RGBColor = RGBColor(46, 125, 50);
pub const WARN: RGBColor = RGBColor(230, 120, 0);
pub const FAIL: RGBColor = RGBColor(198, 40, 40);
pub const SKIP: RGBColor = RGBColor(140, 140, 140);
pub const INK: RGBColor = RGBColor(40, 40, 40);
pub const FONT: &str = "sans-serif";
/// Seed lines: distinct, readable on white.
pub const SEED_COLORS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
];

/// A chart that could not be drawn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChartError {
    #[error("drawing a chart: {0}")]
    Plot(String),
}

pub type Svg = Result<String, ChartError>;

pub fn status_color(s: Status) -> RGBColor {
    match s {
        Status::Pass => PASS,
        Status::Warn => WARN,
        Status::Fail => FAIL,
        Status::Skip => SKIP,
    }
}

pub fn plot_err<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> ChartError {
    ChartError::Plot(e.to_string())
}

/// Draws a chart's series legend in the house style at `position`.
pub fn legend<'a, DB, CT>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Result<(), ChartError>
where
    DB: DrawingBackend + 'a,
    CT: CoordTranslate,
{
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(INK)
        .label_font((FONT, 11))
        .draw()
        .map_err(plot_err)
}

/// Draws into an SVG string of `size` pixels (white background).
pub fn svg<E: From<ChartError>>(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>) -> Result<(), E>,
) -> Result<String, E> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        draw(&root)?;
        root.present().map_err(plot_err)?;
    }
    Ok(out)
}

/// A chart's frame: its caption and the room its axis labels get, on the house margin and font.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'t> {
    pub title: &'t str,
    /// The caption's font size.
    pub caption: u32,
    /// Pixels under the plot for the x labels.
    pub x_area: u32,
    /// Pixels left of the plot for the y labels.
    pub y_area: u32,
}

/// A chart on an SVG canvas with `X` × `Y` coordinates.
pub type Chart<'a, 'b, X, Y> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<X, Y>>;

/// The house chart set-up, the one place it is written: caption, margin and label areas on `root`,
/// with `x` × `y` coordinates. Draw the mesh with [`mesh`].
pub fn frame<'a, 'b, X: AsRangedCoord, Y: AsRangedCoord>(
    root: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    frame: &Frame<'_>,
    x: X,
    y: Y,
) -> Result<Chart<'a, 'b, X::CoordDescType, Y::CoordDescType>, ChartError> {
    ChartBuilder::on(root)
        .caption(frame.title, (FONT, frame.caption))
        .margin(6)
        .x_label_area_size(frame.x_area)
        .y_label_area_size(frame.y_area)
        .build_cartesian_2d(x, y)
        .map_err(plot_err)
}

/// The house mesh of `chart`: light lines at most 2 between labels, labels and axis titles in the
/// house font. The caller adds its labels and descriptions, then draws it.
pub fn mesh<'a, 'm, 'b, X, Y, XT, YT>(
    chart: &'m mut Chart<'a, 'b, X, Y>,
) -> MeshStyle<'a, 'm, X, Y, SVGBackend<'b>>
where
    X: Ranged<ValueType = XT> + ValueFormatter<XT>,
    Y: Ranged<ValueType = YT> + ValueFormatter<YT>,
{
    let mut mesh = chart.configure_mesh();
    mesh.max_light_lines(2)
        .label_style((FONT, 12))
        .axis_desc_style((FONT, 12));
    mesh
}

/// The house horizontal-bar chart's coordinates: a value on x, one labelled row per bar on y.
pub type Rows<'a, 'b> = Chart<
    'a,
    'b,
    plotters::coord::types::RangedCoordf64,
    plotters::coord::ranged1d::SegmentedCoord<plotters::coord::types::RangedCoordusize>,
>;

/// What a row chart shows, beside its bars.
pub struct RowAxes<'l> {
    pub title: &'l str,
    /// One label per row, top to bottom.
    pub labels: &'l [String],
    /// Pixels for the labels.
    pub label_width: u32,
    /// The x axis runs from 0 to this.
    pub max: f64,
    pub x_desc: Option<&'l str>,
    pub x_label: &'l dyn Fn(&f64) -> String,
}

/// The house horizontal-bar chart: caption, axes, row labels and light x mesh drawn; the caller
/// draws its bars (rows `i..i + 1` of the segmented y axis).
pub fn rows_chart<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    axes: &RowAxes<'_>,
) -> Result<Rows<'a, 'b>, ChartError> {
    use plotters::coord::ranged1d::SegmentValue;
    let n = axes.labels.len();
    let at = Frame {
        title: axes.title,
        caption: 15,
        x_area: 28,
        y_area: axes.label_width,
    };
    let mut chart = frame(root, &at, 0.0..axes.max.max(1e-9), (0..n).into_segmented())?;
    let y_label = |v: &SegmentValue<usize>| match v {
        SegmentValue::CenterOf(i) => axes.labels.get(*i).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    let mut mesh = mesh(&mut chart);
    mesh.disable_y_mesh()
        .x_label_formatter(axes.x_label)
        .y_label_formatter(&y_label)
        .y_labels(n + 1);
    if let Some(d) = axes.x_desc {
        mesh.x_desc(d);
    }
    mesh.draw().map_err(plot_err)?;
    Ok(chart)
}

/// The house row bar: row `i` of a row chart, from `from` to `to` on x, `top`/`bottom` pixels in.
pub fn row_bar(
    i: usize,
    from: f64,
    to: f64,
    color: RGBColor,
    (top, bottom): (u32, u32),
) -> Rectangle<(f64, plotters::coord::ranged1d::SegmentValue<usize>)> {
    use plotters::coord::ranged1d::SegmentValue;
    let mut r = Rectangle::new(
        [
            (from, SegmentValue::Exact(i)),
            (to, SegmentValue::Exact(i + 1)),
        ],
        color.filled(),
    );
    r.set_margin(top, bottom, 0, 0);
    r
}

/// A vertical mark across row `i` of a row chart at `x`.
pub fn row_mark(
    i: usize,
    x: f64,
    style: ShapeStyle,
) -> PathElement<(f64, plotters::coord::ranged1d::SegmentValue<usize>)> {
    use plotters::coord::ranged1d::SegmentValue;
    PathElement::new(
        vec![(x, SegmentValue::Exact(i)), (x, SegmentValue::Exact(i + 1))],
        style,
    )
}
