"""Charts: pure functions DataFrame -> Vega-Lite spec (a plain dict), every user-visible word
from `tr`.

    tr = lambda key: catalog[key]            # "charts.layer" -> "Layer" / "层"
    st.vega_lite_chart(grad_norm_chart(sim.history, tr), width="stretch")

History charts take Simulation.history (tidy: step, layer, metric, value); network charts
take sim.analysis.views frames. On an empty history every chart returns a placeholder chart saying
there
is nothing yet, never None; the one None is accuracy_chart on a regression history (no
accuracy exists). Every chart is a single or layered view (stretches to the container's width)
and sends at most base.MAX_ROWS rows (thinned in pandas first), finite values only, in named
`datasets` as lists of rows. The specs are written as dicts (ui.charts.spec), not built with
Altair: building ten Altair charts took ~0.6 s per redraw. The tests validate every spec against
the Vega-Lite schema.
"""

from ui.charts.base import MAX_ROWS, thin
from ui.charts.gradients import grad_heatmap_chart, grad_norm_chart, update_ratio_chart
from ui.charts.network import decision_chart, distributions_chart, pick_layers
from ui.charts.spec import Spec, placeholder
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
    "thin",
    "unit_health_chart",
    "update_ratio_chart",
]
