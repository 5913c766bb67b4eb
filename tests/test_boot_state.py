"""boot.py: the page's start state, prepared ahead (in the snapshot) only ever used for the same files."""

from pathlib import Path

import pytest

from digitlab import boot

SITE = Path(__file__).resolve().parents[1] / "site"
WEIGHTS = Path(__file__).resolve().parents[1] / "weights"


def shipped_files(name: str) -> bytes:
    # build.py puts weights/mnist01.json at weights.json and weights/ten.json beside it
    if name == boot.WEIGHTS_FILE:
        return (WEIGHTS / "mnist01.json").read_bytes()
    if name == boot.TEN_FILE:
        return (WEIGHTS / "ten.json").read_bytes()
    return (SITE / name).read_bytes()


@pytest.fixture(autouse=True)
def nothing_prepared():
    boot._built.clear()
    yield
    boot._built.clear()


def test_a_prepared_state_is_used_for_the_same_files_and_handed_out_once():
    boot.prepare(shipped_files)
    state, prepared = boot.start_state(shipped_files)
    assert prepared
    again, prepared_again = boot.start_state(shipped_files)
    assert not prepared_again and again.lab is not state.lab  # the page changes its Lab: never shared


def test_changed_files_are_built_afresh_not_taken_from_the_prepared_state():
    boot.prepare(shipped_files)

    def newer_weights(name: str) -> bytes:
        data = shipped_files(name)
        return data.replace(b'"b":', b'"b": ', 1) if name == boot.WEIGHTS_FILE else data

    def one_digit_changed(name: str) -> bytes:  # the same size
        data = bytearray(shipped_files(name))
        if name == boot.WEIGHTS_FILE:
            at = data.index(b'"b":') + 5
            at += next(i for i, c in enumerate(data[at:]) if chr(c).isdigit())
            data[at] = ord("7") if data[at] != ord("7") else ord("3")
        return bytes(data)

    for changed in (newer_weights, one_digit_changed):
        assert changed(boot.WEIGHTS_FILE) != shipped_files(boot.WEIGHTS_FILE)
        _, prepared = boot.start_state(changed)
        assert not prepared


def test_the_prepared_state_is_what_building_gives():
    boot.prepare(shipped_files)
    prepared, _ = boot.start_state(shipped_files)
    built, was_prepared = boot.start_state(shipped_files)
    assert not was_prepared
    assert prepared.shipped.w == built.shipped.w and prepared.shipped.b == built.shipped.b
    assert prepared.ten.W == built.ten.W and prepared.lab.ten_weights is prepared.ten
    assert prepared.lab.test_report().accuracy == built.lab.test_report().accuracy
    assert prepared.lab.bundle.test.pixels == built.lab.bundle.test.pixels


def test_the_snapshot_imports_every_core_module_but_the_command_line():
    from digitlab import snapshot

    core = {f"digitlab.{p.stem}" for p in (Path(boot.__file__).parent).glob("*.py")} - {"digitlab.__init__"}
    assert set(snapshot.digitlab_modules()) == core - snapshot.NOT_IN_THE_PAGE
