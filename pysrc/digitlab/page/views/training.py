"""Training: the hyperparameter form, the weight map (or the ten templates), progress, and the curves of the
runs behind the weights in use. Views only write."""

from __future__ import annotations

import time

from ...config import HYPERPARAMETERS
from ...lab import Lab
from ...render import diverging_rgba
from ...session import Activity, Session
from ..dom import document, element, js_object, put_pixels, window


class Form:
    """The hyperparameter fields (written into the page by build.py from config.HYPERPARAMETERS); a kind of
    model may have defaults of its own (Lab.defaults: the ten digits'), set when the model changes to it."""

    def __init__(self):
        self.fields = {h.key: element(h.key) for h in HYPERPARAMETERS}
        self.defaults = Lab.defaults  # view-only: the defaults the fields were last set to (build.py wrote these)

    def render(self, session: Session) -> None:
        if session.lab.defaults is self.defaults:
            return
        self.defaults = session.lab.defaults
        for h in HYPERPARAMETERS:
            value = self.defaults.get(h.name, h.default)
            self.fields[h.key].value = value if h.kind is str else f"{value:g}"

    def values(self) -> dict[str, str]:
        return {key: field.value for key, field in self.fields.items()}

    def set(self, values: dict) -> None:
        """Fields set to the given texts (a lesson's settings), their old marks of invalid gone."""
        for key, value in values.items():
            self.fields[key].value = value
            self.fields[key].removeAttribute("aria-invalid")

    def mark_valid(self, field) -> None:
        field.removeAttribute("aria-invalid")

    def mark_invalid(self, keys) -> None:
        for key, field in self.fields.items():
            if key in keys:
                field.setAttribute("aria-invalid", "true")
            else:
                field.removeAttribute("aria-invalid")


class Training:
    """Section 6: the weight map of the weights in use; while a run goes its progress; the curve of the runs
    behind the weights in use (session.log), each run's start marked."""

    CHART_EVERY = 0.2  # seconds: pictures cost ~10 ms, an iteration ~60 ms

    def __init__(self):
        self.progress = element("progress")
        self.weight_map = element("weight-map")
        self.weight_scale = element("weight-scale")
        self.loss_chart, self.accuracy_chart = element("loss-chart"), element("accuracy-chart")
        self.note = element("runs-note")
        self.drawn_at = self.weights_at = 0.0  # view-only: when the curves and weights were last drawn
        self.templates: list = []  # the ten digits' canvases, made on first use

    def render(self, session: Session) -> None:
        """The curves of the log, at most every CHART_EVERY seconds while a run is under way."""
        running = session.activity in (Activity.TRAINING, Activity.TEACHING)
        if running and time.perf_counter() - self.drawn_at < self.CHART_EVERY:
            return
        self.drawn_at = time.perf_counter()
        log = session.log
        self.note.textContent = runs_note(log)
        if not any(segment.points for segment in log.segments):
            for chart in (self.loss_chart, self.accuracy_chart):
                window.digitlab.placeholder(chart, "Press “Train in browser” to watch it learn")
                chart.setAttribute("aria-label", f"{chart.dataset.testid}: no run behind the weights in use.")
            return
        draw_curves(log, self.loss_chart, self.accuracy_chart)

    def show_weights(self, rows, scale: float) -> None:
        """The weight map of a single row of weights (a pair's), or one template per row, at full colour from
        ±scale: one scale for every map of the model, so that smaller weights look fainter."""
        self.weight_scale.textContent = f"±{scale:.3g}"
        if len(rows) > 1:
            self.show_templates(rows, scale)
            return
        put_pixels(self.weight_map, diverging_rgba(rows[0], scale)[0], 28, 28)

    def show_templates(self, W, scale: float) -> None:
        if not self.templates:
            for digit in range(10):
                figure, canvas, caption = (document.createElement(t) for t in ("figure", "canvas", "figcaption"))
                caption.textContent = f"w{digit}"
                canvas.setAttribute("aria-label", f"The weights of the digit {digit}")
                figure.append(canvas, caption)
                element("templates").append(figure)
                self.templates.append(canvas)
        for canvas, row in zip(self.templates, W):
            put_pixels(canvas, diverging_rgba(row, scale)[0], 28, 28)

    def show_progress(self, progress, scale: float) -> None:
        """The bar after every iteration; the run's weights every CHART_EVERY seconds and at its end."""
        self.progress.max = progress.iterations
        self.progress.value = progress.iteration
        if progress.done or time.perf_counter() - self.weights_at >= self.CHART_EVERY:
            self.weights_at = time.perf_counter()
            self.show_weights(progress.w if isinstance(progress.w[0], list) else [progress.w], scale)

    def end(self, how: str, iterations: int, elapsed: float) -> None:
        """Record what the run did on the progress element (data-runs counts finished runs)."""
        record = self.progress.dataset
        record.runs = str(int(record.runs) + 1)
        record.how = how
        record.iterations = str(iterations)
        record.elapsedMs = f"{elapsed * 1000:.1f}"


class WeightMap:
    """Section 6's picture of the weights in use (during a run, Training shows the run's; after one, in use again)."""

    def __init__(self, training: Training):
        self.training = training

    def render(self, session: Session) -> None:
        self.training.show_weights(session.weights.rows, session.lab.weight_scale)


def runs_note(log) -> str:
    """What the curves show: the runs that led to the weights in use, and a last one that led to none, if any."""
    kept = [segment for segment in log.segments if segment.failed is None and segment.points]
    failed = log.segments[-1].failed if log.segments else None
    if kept:
        objectives = [point[4] for segment in kept for point in segment.points]
        rises = sum(1 for before, after in zip(objectives, objectives[1:]) if after > before)
        said = (
            f"The curves show the {len(kept)} run{'s' if len(kept) > 1 else ''} behind the weights in use "
            f"({kept[-1].last} iterations in all); each run's start is marked."
        )
        if rises:
            said += f" The objective (training loss + L2 penalty) rose at {rises} of them: steps that overshot."
    else:
        said = (
            "No run drawn here led to the weights in use."
            if failed
            else ("No run in this page led to the weights in use. Press Train in browser.")
        )
    if failed:
        said += f" The last run {failed}: it was stopped, and its weights were not kept."
    return said


LOSS_CAP = 1e4  # losses above this are drawn at the top edge, marked off the scale


def draw_curves(log, loss_chart, accuracy_chart) -> None:
    """Loss (log scale) and accuracy over the iterations of every run in the log, train and test."""
    series = {name: [] for name in ("loss", "test_loss", "accuracy", "test_accuracy")}
    for segment in log.segments:
        for k, point in enumerate(segment.points):
            x = segment.first + segment.skip + k
            for name, value in zip(series, point[:4]):
                series[name].append([x, value])
    starts = [{"x": s.first, "label": s.how} for s in log.segments]
    diverged = next((s.diverged for s in log.segments if s.diverged), None)  # drawn up to where it blew up
    last = max(log.iterations, diverged[0] if diverged else 0, 1)
    losses = [v for name in ("loss", "test_loss") for _, v in series[name]]
    marker = None
    if diverged:
        iteration, loss = diverged
        shown = loss if loss == loss and loss < LOSS_CAP else LOSS_CAP  # NaN and infinity at the top
        series["loss"].append([iteration, shown])
        losses.append(shown)
        marker = {"x": iteration, "y": shown, "label": f"diverged: loss {loss:.3g}"}
    low, high = max(min(losses) * 0.8, 1e-6), min(max(max(losses) * 1.25, 1e-5), LOSS_CAP * 1.25)
    loss_spec = {"yMin": low, "yMax": high, "log": True, "yTitle": "loss (log scale)", "marker": marker}
    accuracies = [v for name in ("accuracy", "test_accuracy") for _, v in series[name]]
    accuracy_spec = {"yMin": min(min(accuracies), 0.9), "yMax": 1, "yTitle": "accuracy"}
    for chart, spec, names in (
        (loss_chart, loss_spec, ("loss", "test_loss")),
        (accuracy_chart, accuracy_spec, ("accuracy", "test_accuracy")),
    ):
        lines = [
            {"name": "train", "colour": "--train", "points": series[names[0]]},
            {"name": "test", "colour": "--test", "points": series[names[1]]},
        ]
        window.digitlab.lineChart(
            chart, js_object({**spec, "series": lines, "xMax": last, "xTitle": "iteration", "starts": starts})
        )
        chart.setAttribute("aria-label", summary(spec["yTitle"], series[names[0]], series[names[1]], last, diverged))


def summary(what: str, train: list, test: list, last: int, diverged) -> str:
    text = (
        f"{what[0].upper() + what[1:]} over {last} iteration{'' if last == 1 else 's'}: "
        f"train {train[0][1]:.4g} to {train[-1][1]:.4g}, test {test[0][1]:.4g} to {test[-1][1]:.4g}."
    )
    if diverged and what.startswith("loss"):
        text += f" Diverged at iteration {diverged[0]} (loss {diverged[1]:.4g})."
    return text
