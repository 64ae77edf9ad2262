"""Our module names are ours alone: no installed package has the name of a plugin (Pelican imports
plugins by their bare names, from PLUGIN_PATHS) or of our packages (tier 1)."""

from __future__ import annotations

import importlib.machinery
import sys
from pathlib import Path

from support import ROOT


def our_names() -> list[str]:
    plugins = [path.stem for path in (ROOT / "plugins").glob("*.py")] + [
        path.parent.name for path in (ROOT / "plugins").glob("*/__init__.py")
    ]
    return sorted(plugins + ["cafetech", "cafetech_dev", "tasks", "pelicanconf", "publishconf"])


def test_no_installed_module_has_the_name_of_a_plugin_or_of_our_packages():
    ours = {str(ROOT), str(ROOT / "plugins"), "", "."}
    elsewhere = [entry for entry in sys.path if str(Path(entry).resolve()) not in ours and entry not in ours]
    names = our_names()
    assert {"search", "feeds", "photos", "build_speed", "cafetech"} <= set(names)
    taken = {name: spec.origin for name in names if (spec := importlib.machinery.PathFinder.find_spec(name, elsewhere)) is not None}
    assert taken == {}, f"installed modules shadow ours (rename ours): {taken}"
    assert set(names).isdisjoint(sys.stdlib_module_names) and set(names).isdisjoint(sys.builtin_module_names)
    # The check can see an installed module: Pelican is one.
    assert importlib.machinery.PathFinder.find_spec("pelican", elsewhere) is not None
