"""How good the weights are: accuracy, the confusion matrix and the gallery of mistakes; for two classes
also precision and recall at a threshold, the ROC curve and calibration. Views only write."""

from __future__ import annotations

from ...render import ink_rgba
from ...session import Session
from ...words import a
from ..dom import document, element, js_object, put_pixels, window

GALLERY_FIRST = 24


class Judgement:
    """Section 7: test accuracy, the confusion matrix and the gallery of mistakes (a pair's at the session's
    threshold, named beside them)."""

    def __init__(self):
        self.threshold = element("threshold")
        self.threshold_value = element("threshold-value")
        self.accuracy = element("test-accuracy")
        self.cells = {f"{t}-{r}": element(f"cm-{t}-{r}") for t in (0, 1) for r in (0, 1)}
        self.table = element("confusion-ten")
        self.gallery = element("misclassified")

    def chosen_threshold(self) -> float:
        return float(self.threshold.value)

    def render(self, session: Session) -> None:
        lab, test, threshold = session.lab, session.lab.bundle.test, session.threshold
        report = lab.test_report(threshold)
        self.threshold.value = str(threshold)
        self.threshold_value.textContent = f"{threshold:.2f}"
        self.accuracy.dataset.value = repr(report.accuracy)
        said = f"{report.accuracy * 100:.2f}% ({test.n - len(report.mistakes)} of {test.n:,})"
        if lab.threshold and threshold != 0.5:  # two accuracies on screen: each names its threshold
            at_half = lab.test_report().accuracy * 100
            said += f" at threshold {threshold:.2f}; {at_half:.2f}% at 0.50, where the verdict reads"
        self.accuracy.textContent = said
        if lab.threshold:
            for (truth, read), cell in zip(((t, r) for t in (0, 1) for r in (0, 1)), self.cells.values()):
                cell.textContent = str(report.confusion[truth][read])
        else:
            self.show_table(report)
        self.show_mistakes(session, report.mistakes)

    def show_table(self, report) -> None:
        """The confusion of every digit with every other, and each digit's share read right."""
        for part in [*self.table.querySelectorAll("thead, tbody")]:
            part.remove()
        head, body = document.createElement("thead"), document.createElement("tbody")
        head.append(self.row(["", *(f"read {d}" for d in range(10)), "right"], header=True))
        for digit, counts in enumerate(report.confusion):
            cells = [f"true {digit}", *map(str, counts), f"{report.per_label[digit]:.1%}"]
            body.append(self.row(cells, right=digit))
        self.table.append(head, body)

    def row(self, cells, header=False, right=None):
        row = document.createElement("tr")
        for k, text in enumerate(cells):
            cell = document.createElement("th" if header or k == 0 else "td")
            cell.textContent = text
            if right is not None and k == right + 1:
                cell.className = "right"
            elif text == "0":
                cell.className = "empty"
            row.append(cell)
        return row

    def show_mistakes(self, session: Session, mistakes) -> None:
        """The first GALLERY_FIRST mistakes (all of them once asked), each a button that puts it on the pad."""
        self.gallery.replaceChildren()
        self.gallery.dataset.count = str(len(mistakes))
        if not mistakes:
            self.gallery.textContent = "None: every test digit is read right at this threshold."
        shown = mistakes if session.all_mistakes else mistakes[:GALLERY_FIRST]
        for mistake in shown:
            self.gallery.append(self.figure(session, mistake))
        if len(shown) < len(mistakes):
            more = document.createElement("button")
            more.type = "button"
            more.dataset.testid = "show-all-mistakes"
            more.textContent = f"Show all {len(mistakes)}"
            self.gallery.append(more)

    def figure(self, session: Session, mistake):
        index, digit, p = mistake.index, mistake.truth, mistake.p
        figure = document.createElement("figure")
        figure.dataset.index = str(index)
        figure.dataset.p1 = repr(p)
        button = document.createElement("button")
        button.type = "button"
        button.className = "mistake"
        larger = session.digits[-1]
        said = f"p({larger}) = {p:.3f}" if session.lab.threshold else f"read {mistake.read}, p = {p:.3f}"
        button.setAttribute("aria-label", f"Test image {index}, {a(digit)}, {said}: on the pad")
        canvas = document.createElement("canvas")
        put_pixels(canvas, ink_rgba(session.lab.bundle.test.image_bytes(index)), 28, 28)
        button.append(canvas)
        caption = document.createElement("figcaption")
        read = f"p({larger})={p:.3f}" if session.lab.threshold else f"read {mistake.read} ({p:.2f})"
        caption.textContent = f"is {digit}, {read}"
        figure.append(button, caption)
        return figure


class Quality:
    """Section 7 beyond accuracy: precision, recall and F1 at the threshold; ROC with AUC; calibration with Brier."""

    def __init__(self):
        self.rates, self.auc, self.brier = element("rates"), element("auc"), element("brier")
        self.roc, self.calibration = element("roc-chart"), element("calibration-chart")

    def render(self, session: Session) -> None:
        if not session.lab.threshold:
            return  # a threshold, ROC and calibration are about two classes
        threshold, digits = session.threshold, session.digits
        quality = session.lab.test_quality(threshold)
        rates = quality.rates
        self.rates.textContent = (
            f"precision {rates.precision:.3f}, recall {rates.recall:.3f}, F1 {rates.f1:.3f} "
            f"(calling {a(digits[1])} when p({digits[1]}) ≥ {threshold:.2f})"
        )
        self.auc.dataset.value = repr(quality.auc)
        self.auc.textContent = f"{quality.auc:.4f}"
        self.brier.dataset.value = repr(quality.brier)
        self.brier.textContent = f"{quality.brier:.4f}"
        here = {"x": quality.operating_point[0], "y": quality.operating_point[1], "label": f"threshold {threshold:.2f}"}
        diagonal = {"colour": "--faint", "points": [[0, 0], [1, 1]], "dashed": True}
        roc = {"colour": "--one", "points": [list(point) for point in quality.roc]}
        self.plot(self.roc, [diagonal, roc], [here], "false positive rate", "true positive rate")
        dots = [{"x": p, "y": share, "colour": "--one"} for p, share, _ in quality.reliability]
        self.plot(self.calibration, [diagonal], dots, f"predicted p({digits[1]})", f"share that are {digits[1]}s")
        self.roc.setAttribute(
            "aria-label",
            f"ROC curve, area {quality.auc:.4f}; at threshold {threshold:.2f} "
            f"{here['y']:.3f} of {digits[1]}s and {here['x']:.3f} of {digits[0]}s are called {digits[1]}.",
        )
        self.calibration.setAttribute("aria-label", f"Reliability diagram, Brier score {quality.brier:.4f}.")

    def plot(self, canvas, lines: list, marks: list, x_title: str, y_title: str) -> None:
        spec = {"lines": lines, "marks": marks, "xMin": 0, "xMax": 1, "yMin": 0, "yMax": 1}
        window.digitlab.plot(canvas, js_object({**spec, "xTitle": x_title, "yTitle": y_title}))
