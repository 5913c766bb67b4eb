"""Command line under CPython: train, evaluate, predict image files.

    PYTHONPATH=pysrc python3 -m digitlab train [--learning-rate 1 --iterations 20 ...] [--out FILE]
    PYTHONPATH=pysrc python3 -m digitlab evaluate [--weights FILE]
    PYTHONPATH=pysrc python3 -m digitlab predict IMAGE [IMAGE ...]

`predict` needs Pillow to decode PNG/JPEG; everything else is standard library.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from .config import HYPERPARAMETERS, ConfigError, TrainConfig
from .data import BundleError, decode_bundle
from .metrics import accuracy, probabilities
from .model import TrainingDiverged, predict_proba, train
from .preprocess import NotADigit, guess_ink_is_dark, preprocess_gray
from .sparse import Design
from .weights import Weights, WeightsError, from_training, load_weights

PROJECT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = PROJECT / "site" / "data" / "mnist01.bin"
DEFAULT_WEIGHTS = PROJECT / "weights" / "mnist01.json"


class CliError(Exception):
    """A user mistake: printed as one line, exit status 1."""


def load_designs(path: Path) -> tuple[Design, Design, str]:
    try:
        blob = Path(path).read_bytes()
        bundle = decode_bundle(blob)
    except (OSError, BundleError) as exc:
        raise CliError(f"cannot read data bundle {path}: {exc}") from None
    train_set = Design(bundle.train.pixels, bundle.train.labels)
    test_set = Design(bundle.test.pixels, bundle.test.labels)
    return train_set, test_set, hashlib.sha256(blob).hexdigest()


def train_weights(config: TrainConfig, data: Path, log=print) -> Weights:
    train_set, test_set, sha256 = load_designs(data)
    last = None
    try:
        for last in train(train_set, test_set, config):
            log(
                f"iter {last.iteration:4d}  loss {last.loss:.5f}  train {last.train_accuracy:.4f}  "
                f"test {last.test_accuracy:.4f}  {last.elapsed * 1000:7.0f} ms"
            )
    except TrainingDiverged as exc:
        raise CliError(str(exc)) from None
    return from_training(last, config, "cpython", sha256)


def cmd_train(args) -> None:
    try:
        config = TrainConfig(**{h.name: getattr(args, h.name) for h in HYPERPARAMETERS})
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    weights = train_weights(config, args.data, log=print if not args.quiet else lambda *_: None)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(weights.to_json() + "\n")
    print(f"wrote {args.out}: test accuracy {weights.meta['test_accuracy']:.4f}")


def read_weights(path: Path) -> Weights:
    try:
        return load_weights(path)
    except OSError as exc:
        raise CliError(f"cannot read weights {path}: {exc.strerror or exc}") from None
    except WeightsError as exc:
        raise CliError(f"bad weights {path}: {exc}") from None


def cmd_evaluate(args) -> None:
    weights = read_weights(args.weights)
    train_set, test_set, _ = load_designs(args.data)
    for name, design in (("train", train_set), ("test", test_set)):
        p1 = probabilities(design, weights.w, weights.b)
        wrong = design.n - round(accuracy(p1, design.labels) * design.n)
        print(f"{name}: accuracy {accuracy(p1, design.labels):.4f} ({wrong} wrong of {design.n})")


def read_image(path: Path) -> list[float]:
    """Any image Pillow opens, to the 784 model inputs; dark-on-light or light-on-dark detected."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.load()
            gray = image.convert("RGBA")
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CliError(f"{path}: not an image Pillow can read ({exc.__class__.__name__})") from None
    # Transparent areas are paper: flatten on white before judging polarity.
    paper = Image.new("RGBA", gray.size, "white")
    flat = Image.alpha_composite(paper, gray).convert("L")
    pixels = flat.tobytes()
    try:
        return preprocess_gray(pixels, *flat.size, ink_is_dark=guess_ink_is_dark(pixels, *flat.size)).image
    except NotADigit as exc:
        raise CliError(f"{path}: {exc}") from None


def cmd_predict(args) -> None:
    weights = read_weights(args.weights)
    failed = False
    for path in args.images:
        try:
            x = read_image(Path(path))
        except CliError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed = True
            continue
        p1 = predict_proba(weights.w, weights.b, x)
        print(f"{path}: {int(p1 >= 0.5)}  p(1)={p1:.4f}")
    if failed:
        raise SystemExit(1)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="digitlab", description="Logistic regression on MNIST 0 vs 1.")
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train on the bundled train split, write a weights file")
    for h in HYPERPARAMETERS:
        t.add_argument(h.flag, type=h.kind, default=h.default, help=f"{h.help} (default {h.default})")
    t.add_argument("--data", type=Path, default=DEFAULT_DATA)
    t.add_argument("--out", type=Path, default=DEFAULT_WEIGHTS)
    t.add_argument("--quiet", action="store_true")
    t.set_defaults(func=cmd_train)
    e = sub.add_parser("evaluate", help="accuracy of a weights file on the bundled splits")
    e.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS)
    e.add_argument("--data", type=Path, default=DEFAULT_DATA)
    e.set_defaults(func=cmd_evaluate)
    p = sub.add_parser("predict", help="read digits from PNG/JPEG files")
    p.add_argument("images", nargs="+")
    p.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS)
    p.set_defaults(func=cmd_predict)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
