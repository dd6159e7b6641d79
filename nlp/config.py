"""Reading the files in `configs/`: the one place behaviour that users tune comes from."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from nlp.errors import ErrorCode, GovReportError
from nlp.settings import get_settings

__all__ = ["config_path", "load_yaml"]

# libyaml's parser where PyYAML was built with it: the same data, ten times faster than the pure-Python one
# (which spent a fifth of a second of a one-file `govreport extract` on configs/).
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def config_path(name: str, *, config_dir: Path | None = None) -> Path:
    return (config_dir or get_settings().config_dir) / name


@lru_cache(maxsize=32)
def _load_yaml_cached(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise GovReportError(
            ErrorCode.CONFIG_INVALID, f"cannot read {path.name}: {exc}", source=str(path)
        ) from exc
    if not isinstance(data, dict):
        raise GovReportError(ErrorCode.CONFIG_INVALID, f"{path.name} must hold a mapping", source=str(path))
    return data


def load_yaml(name: str, *, config_dir: Path | None = None) -> dict[str, Any]:
    """The parsed YAML file `name` of the config folder (cached; treat it as read-only)."""
    return _load_yaml_cached(config_path(name, config_dir=config_dir).resolve())
