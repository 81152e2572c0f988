"""Scenes switch through the registry: no scene module imports another one, and every scene
class is registered under the name the others open it by. The modules are the scenes folder's
files, not a list kept by hand, so a new module cannot escape the rule."""

import ast
import importlib
from pathlib import Path

import pytest

import wargame.client.scenes as scenes
from wargame.client.app import Scene, scene_class

SCENES_DIR = Path(scenes.__file__).parent
SCENE_MODULES = sorted(p.stem for p in SCENES_DIR.glob("*.py") if p.stem != "__init__")


def imported_modules(path: Path) -> set[str]:
    """The sibling modules a module imports (`from .x import ...`, `from . import x`), anywhere in it."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                out.add(node.module.split(".")[0])
            else:
                out.update(a.name for a in node.names)
    return out


def test_the_scenes_folder_is_read():
    assert {"game", "net_game", "results"} <= set(SCENE_MODULES)


@pytest.mark.parametrize("module", SCENE_MODULES)
def test_no_scene_module_imports_another(module):
    assert imported_modules(SCENES_DIR / f"{module}.py") & set(SCENE_MODULES) == set()


def test_the_package_registers_every_scene_module():
    assert sorted(scenes.__all__) == SCENE_MODULES


@pytest.mark.parametrize("module", SCENE_MODULES)
def test_every_scene_is_registered_under_its_module_name(module):
    mod = importlib.import_module(f"{scenes.__name__}.{module}")
    classes = [v for v in vars(mod).values()
               if isinstance(v, type) and issubclass(v, Scene) and v.__module__ == mod.__name__]
    assert len(classes) == 1
    assert scene_class(module) is classes[0]


def test_an_unknown_scene_is_a_clear_error():
    with pytest.raises(KeyError, match="no scene named 'nowhere'; scenes are briefing, game"):
        scene_class("nowhere")
