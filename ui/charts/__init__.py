"""Charts: pure functions frame -> Vega-Lite spec (a plain dict), one idiom for every screen,
every user-visible word from `tr`.

    tr = lambda key: catalog[key]            # "charts.layer" -> "Layer" / "层"
    show(st, grad_norm_chart(sim.history, tr))

Playground charts take Simulation.history (tidy: step, layer, metric, value) or
sim.analysis.views frames; Compare, Explorer and FAQ charts take their screen's frames. On
nothing to draw every chart returns a placeholder chart saying so, never None; the one None is an
accuracy chart where no accuracy exists (a regression task). A chart sends at most base.MAX_ROWS
rows (thinned in pandas first), finite values only, in named `datasets`; `show` hands it to
Streamlit as Arrow tables (ui.charts.spec). The tests validate every spec against the Vega-Lite
schema; benchmarks/bench_charts.py measures this idiom against Altair's.

The stability rule. The browser keeps a chart's Vega view and only swaps its data in when a new
spec differs from the one on screen in its `datasets` alone; any other change re-embeds the
chart (compile, parse, a new view), which a burst redrawing the Playground's charts would pay
every time. So, for a spec redrawn by a burst, everything outside `datasets` depends only on the
configuration and the language, never on how far training got:
  1. No title, subtitle, legend or label carries the step or a measured number (titles say
     "at the latest step"; the status panel shows the step).
  2. Every scale domain is fixed (0..1, layers 1..L), comes from the whole history so that it
     only ever widens (the gradient norm's log axis), snaps outward to a coarse grid
     (base.nice_ceil), or is left to the data (no domain in the spec: the data carries the ends,
     e.g. the heatmap's `reach` rows, the distributions' zeros margin).
  3. Whatever moves with training is data: bands, guides, reach rows, divergence marks.
tests/app/test_chart_stability.py checks each point on every Playground chart, burst after burst.

What a chart shows now. The spec's `description` (Vega's accessible name) is fixed by the rule
above: title, subtitle, and where to read more. The live sentence (ui.charts.words: "layer 1's
gradient norm is 1.7e-8 times the output layer's") is caption text under the chart, replaced
with it during a burst, so a screen reader and a sighted reader get the same words. Streamlit
1.67's `vega_lite_chart(alt=...)` does not avoid the rebuild: its frontend writes `alt` into the
spec as `description` before keying the Vega view on that spec, so a live alt rebuilds the chart
just as a live description would (check again when Streamlit keys the view on the spec alone).
Its numbers: `numbers.show_numbers` / `table_of(latest=True)`, a collapsed table of each series'
latest row, built from the spec's own datasets. The Playground builds a table only while its
expander is open (ui.playground.board: the expander is a widget, so the server knows).
"""

from ui.charts.base import MAX_ROWS, thin
from ui.charts.distributions import distributions_chart, pick_layers
from ui.charts.gradients import grad_norm_chart, update_ratio_chart
from ui.charts.heatmap import grad_heatmap_chart
from ui.charts.spec import Spec, placeholder, show, with_arrow_data
from ui.charts.surface import decision_chart
from ui.charts.training import accuracy_chart, activation_chart, loss_chart, unit_health_chart

# Every catalog key the charts use, for the catalogs ([charts] in locales/*.toml) and a test.
# Keys whose text has {placeholders} are filled with str.format by the chart.
CHART_KEYS: tuple[str, ...] = (
    "charts.no_data",
    "charts.layer",
    "charts.output",
    "charts.step",
    "charts.underflow",
    # a. gradient norm per layer
    "charts.grad_norm_title",
    "charts.grad_norm_subtitle",
    "charts.band_note",  # {low} {high}
    "charts.band_vanishing",
    "charts.band_healthy",
    "charts.band_exploding",
    "charts.norm_axis",
    "charts.grad_norm",
    "charts.signal_norm",
    # b. heatmap
    "charts.heatmap_title",
    "charts.heatmap_subtitle",
    "charts.log10_grad",
    # c. loss and accuracy
    "charts.loss_title",
    "charts.loss_axis",
    "charts.loss",
    "charts.accuracy_title",
    "charts.accuracy",
    "charts.split",
    "charts.train",
    "charts.test",
    "charts.diverged",
    # d. activations and units
    "charts.act_title",
    "charts.act_subtitle",
    "charts.act_axis",
    "charts.act_mean",
    "charts.act_std",
    "charts.units_title",
    "charts.saturation",
    "charts.dead",
    "charts.share",
    "charts.unit_kind",
    "charts.unit_problem",
    "charts.units_relu_note",
    # e. update ratio
    "charts.update_title",
    "charts.update_subtitle",
    "charts.update_axis",
    "charts.update_ratio",
    "charts.update_guide",
    # f. decision boundary / fit
    "charts.surface_title_cls",
    "charts.surface_title_reg",
    "charts.x1",
    "charts.x2",
    "charts.prob_class1",
    "charts.confidence",
    "charts.class",
    "charts.prediction",
    "charts.target",
    # g. distributions
    "charts.dist_title_activation",
    "charts.dist_title_gradient",
    "charts.dist_subtitle",
    "charts.dist_axis_activation",
    "charts.dist_axis_gradient",
    "charts.share_entries",
    "charts.bin_from",
    "charts.bin_to",
    "charts.zeros",
)

__all__ = [
    "CHART_KEYS",
    "MAX_ROWS",
    "Spec",
    "accuracy_chart",
    "activation_chart",
    "decision_chart",
    "distributions_chart",
    "grad_heatmap_chart",
    "grad_norm_chart",
    "loss_chart",
    "pick_layers",
    "placeholder",
    "show",
    "thin",
    "unit_health_chart",
    "update_ratio_chart",
    "with_arrow_data",
]
