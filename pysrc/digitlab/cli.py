"""Command line under CPython: train, evaluate, predict image files.

    PYTHONPATH=pysrc python3 -m digitlab train [--pair 0-1] [--method lbfgs --iterations 30 ...] [--out FILE]
    PYTHONPATH=pysrc python3 -m digitlab train-pairs [--out weights/pairs.json]
    PYTHONPATH=pysrc python3 -m digitlab train-ten [--every 1 --iterations 30 --l2 0.00125] [--out weights/ten.json]
    PYTHONPATH=pysrc python3 -m digitlab evaluate [--weights FILE]
    PYTHONPATH=pysrc python3 -m digitlab predict IMAGE [IMAGE ...]

`predict` needs Pillow to decode PNG/JPEG; everything else is standard library.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import softmax
from .config import HYPERPARAMETERS, ConfigError, TrainConfig
from .data import PAIRS, BundleError, pair_name, read_pair, read_ten
from .metrics import accuracy, probabilities
from .model import TrainingDiverged, predict_proba, train
from .preprocess import NotADigit, guess_ink_is_dark, preprocess_gray
from .sparse import Design
from .weights import Weights, WeightsError, digits_of, from_training, load_weights, pairs_to_json, ten_from_training

PROJECT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = PROJECT / "site" / "data"
DEFAULT_WEIGHTS = PROJECT / "weights" / "mnist01.json"
DEFAULT_PAIRS = PROJECT / "weights" / "pairs.json"
DEFAULT_TEN = PROJECT / "weights" / "ten.json"


class CliError(Exception):
    """A user mistake: printed as one line, exit status 1."""


def parse_pair(text: str) -> tuple[int, int]:
    try:
        a, b = (int(part) for part in text.split("-"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a pair like 3-5") from None
    if not (0 <= a < b <= 9):
        raise argparse.ArgumentTypeError(f"{text!r}: two different digits, smaller first, like 3-5")
    return a, b


def load_designs(folder: Path, pair: tuple[int, int] = (0, 1)) -> tuple[Design, Design, str]:
    try:
        bundle, sha256 = read_pair(folder, *pair)
    except (OSError, BundleError) as exc:
        raise CliError(f"cannot read the data for {pair_name(*pair)} in {folder}: {exc}") from None
    train_set = Design(bundle.train.pixels, bundle.train.labels)
    test_set = Design(bundle.test.pixels, bundle.test.labels)
    return train_set, test_set, sha256


def train_weights(config: TrainConfig, data: Path, pair: tuple[int, int] = (0, 1), log=print) -> Weights:
    train_set, test_set, sha256 = load_designs(data, pair)
    last = None
    try:
        for last in train(train_set, test_set, config):
            log(
                f"iter {last.iteration:4d}  loss {last.loss:.5f}  train {last.train_accuracy:.4f}  "
                f"test {last.test_accuracy:.4f}  {last.elapsed * 1000:7.0f} ms"
            )
    except TrainingDiverged as exc:
        raise CliError(str(exc)) from None
    return from_training(last, config, "cpython", sha256, digits=list(pair))


def config_from(args) -> TrainConfig:
    try:
        return TrainConfig(**{h.name: getattr(args, h.name) for h in HYPERPARAMETERS})
    except ConfigError as exc:
        raise CliError(str(exc)) from None


def cmd_train(args) -> None:
    weights = train_weights(config_from(args), args.data, args.pair, log=print if not args.quiet else lambda *_: None)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(weights.to_json() + "\n")
    print(f"wrote {args.out}: test accuracy {weights.meta['test_accuracy']:.4f}")


def cmd_train_pairs(args) -> None:
    """Every pair's weights with the same settings, in one compact file (float32 weights)."""
    config, pairs = config_from(args), {}
    for pair in PAIRS:
        weights = train_weights(config, args.data, pair, log=lambda *_: None)
        meta = {key: weights.meta[key] for key in ("digits", "data_sha256", "train_accuracy", "test_accuracy", "alpha")}
        pairs[pair_name(*pair)] = Weights(weights.w, weights.b, meta)
        print(f"{pair_name(*pair)}: test accuracy {meta['test_accuracy']:.4f}", flush=True)
    record = {key: value for key, value in weights.meta.items() if key in ("trained", "trained_by", "trained_at")}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(pairs_to_json(pairs, record) + "\n")
    print(f"wrote {args.out}")


def cmd_train_ten(args) -> None:
    """The ten-digit softmax model on the train split (every `every`-th image of each digit), written packed."""
    config = config_from(args)
    try:
        bundle, sha256 = read_ten(args.data, args.every)
    except (OSError, BundleError) as exc:
        raise CliError(f"cannot read the ten digits' data in {args.data}: {exc}") from None
    train_set = Design(bundle.train.pixels, bundle.train.labels)
    test_set = Design(bundle.test.pixels, bundle.test.labels)
    last = None
    try:
        for last in softmax.train(train_set, test_set, config):
            if not args.quiet:
                print(f"iteration {last.iteration}: loss {last.loss:.4f}, test accuracy {last.test_accuracy:.4f}")
    except (TrainingDiverged, ValueError) as exc:
        raise CliError(str(exc)) from None
    weights = ten_from_training(last, config, "cpython", sha256, training_images=train_set.n)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(weights.to_json(packed=True) + "\n")
    print(f"wrote {args.out}: test accuracy {last.test_accuracy:.4f} on {test_set.n} images")


def read_weights(path: Path) -> Weights:
    try:
        return load_weights(path)
    except OSError as exc:
        raise CliError(f"cannot read weights {path}: {exc.strerror or exc}") from None
    except WeightsError as exc:
        raise CliError(f"bad weights {path}: {exc}") from None


def load_bundle(folder: Path, pair: tuple[int, int]):
    try:
        return read_pair(folder, *pair)[0]
    except (OSError, BundleError) as exc:
        raise CliError(f"cannot read the data for {pair_name(*pair)} in {folder}: {exc}") from None


def cmd_evaluate(args) -> None:
    weights = read_weights(args.weights)
    train_set, test_set, _ = load_designs(args.data, digits_of(weights))
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
        low, high = digits_of(weights)
        print(f"{path}: {high if p1 >= 0.5 else low}  p({high})={p1:.4f}")
    if failed:
        raise SystemExit(1)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="digitlab", description="Logistic regression on two MNIST digits.")
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train one pair on its bundled train split, write a weights file")
    t.add_argument("--pair", type=parse_pair, default=(0, 1), help="two digits, smaller first (default 0-1)")
    t.add_argument("--out", type=Path, default=DEFAULT_WEIGHTS)
    t.add_argument("--quiet", action="store_true")
    t.set_defaults(func=cmd_train)
    every = sub.add_parser("train-pairs", help="train all 45 pairs, write them to one compact file")
    every.add_argument("--out", type=Path, default=DEFAULT_PAIRS)
    every.set_defaults(func=cmd_train_pairs)
    ten = sub.add_parser("train-ten", help="train the ten-digit (softmax) model, write it packed")
    ten.add_argument("--out", type=Path, default=DEFAULT_TEN)
    ten.add_argument("--every", type=int, default=1, help="train on every n-th image of each digit (1: all)")
    ten.add_argument("--quiet", action="store_true")
    ten.set_defaults(func=cmd_train_ten)
    for command in (t, every, ten):
        for h in HYPERPARAMETERS:
            choices = [value for value, _ in h.choices] or None
            command.add_argument(
                h.flag, type=h.kind, default=h.default, choices=choices, help=f"{h.help} ({h.default})"
            )
        command.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the digit files")
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
