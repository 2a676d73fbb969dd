"""ringfence.toml: control parameters, tagging conventions and suppressions, strictly validated.

    [params.NET-07]
    approved_egress = ["203.0.113.0/24", "pl-0a1b2c3d"]

    [tiers]
    tag_keys = ["Tier"]
    words = { dmz = "public", db = "data" }
    use_name_tag = true

    [environments]
    tag_keys = ["Environment"]
    production_values = ["prod", "production"]

    [[suppressions]]
    control = "NET-01"
    resource = "arn:aws:ec2:*:*:security-group/sg-0bastion*"
    reason = "break-glass bastion, SEC-123"
    owner = "platform@example.com"
    expires = 2027-03-31

Every key is checked: an unknown key or a value of the wrong type is refused with the key's name
and what was expected.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ringfence.catalogue import load_catalogue
from ringfence.checks.suppressions import Suppression
from ringfence.checks.tiers import TIER_WORDS, EnvironmentConvention, TierConvention

DEFAULT_CONFIG_NAME = "ringfence.toml"
TIER_VALUES = ("public", "private", "data")

# Element types of list parameters whose default is empty (the catalogue cannot show them).
_LIST_ELEMENTS: dict[str, str] = {
    "approved_egress": "str",
    "mtls_endpoints": "str",
    "data_buckets": "str",
    "allowed_regions": "str",
    "udp_exceptions": "udp_exception",
}
_NULLABLE_STR = {"trust_bundle"}


class ConfigError(ValueError):
    """The configuration file is unusable; the message names the key and what was expected."""


@dataclass(frozen=True)
class Settings:
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    tiers: TierConvention = field(default_factory=TierConvention)
    environments: EnvironmentConvention = field(default_factory=EnvironmentConvention)
    suppressions: tuple[Suppression, ...] = ()
    source: Path | None = None


def load_settings(path: str | Path | None = None, *, cwd: Path | None = None) -> Settings:
    """The settings of `path`, or of ./ringfence.toml when it exists, or the defaults."""
    if path is None:
        candidate = (cwd or Path.cwd()) / DEFAULT_CONFIG_NAME
        if not candidate.is_file():
            return Settings()
        path = candidate
    file = Path(path)
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"the configuration file {file} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the configuration file {file}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file} is not valid TOML: {exc}") from None
    try:
        return _parse(raw, file)
    except ConfigError as exc:
        raise ConfigError(f"{file}: {exc}") from None


def _parse(raw: Mapping[str, Any], file: Path) -> Settings:
    _only_keys(raw, {"params", "tiers", "environments", "suppressions"}, "")
    return Settings(
        params=_parse_params(_table(raw, "params")),
        tiers=_parse_tiers(_table(raw, "tiers")),
        environments=_parse_environments(_table(raw, "environments")),
        suppressions=_parse_suppressions(raw.get("suppressions", [])),
        source=file,
    )


def _table(raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"'{key}' must be a table, not {_kind(value)}")
    return value


def _only_keys(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            prefix = f"{where}." if where else ""
            raise ConfigError(f"unknown key '{prefix}{key}'; expected one of {', '.join(sorted(allowed))}")


def _parse_params(table: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    catalogue = load_catalogue()
    out: dict[str, dict[str, Any]] = {}
    for control_id, values in table.items():
        control = catalogue.get(control_id.upper())
        if control is None:
            raise ConfigError(f"unknown control 'params.{control_id}'")
        if not control.params:
            raise ConfigError(f"control {control.id} takes no parameters ('params.{control_id}')")
        if not isinstance(values, Mapping):
            raise ConfigError(f"'params.{control_id}' must be a table, not {_kind(values)}")
        _only_keys(values, set(control.params), f"params.{control_id}")
        out[control.id] = {
            name: _check_param(f"params.{control_id}.{name}", name, value, control.params[name])
            for name, value in values.items()
        }
    return out


def _check_param(key: str, name: str, value: Any, default: Any) -> Any:
    if name in _NULLABLE_STR:
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"'{key}' must be a string (a file path), not {_kind(value)}")
        return value
    if isinstance(default, bool):
        return _expect(key, value, bool, "true or false")
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"'{key}' must be a whole number >= 0, not {value!r}")
        return value
    if isinstance(default, str):
        return _expect(key, value, str, "a string")
    if isinstance(default, list):
        if not isinstance(value, list):
            raise ConfigError(f"'{key}' must be a list, not {_kind(value)}")
        element = _LIST_ELEMENTS.get(name) or _element_kind(default)
        return [_check_element(f"{key}[{i}]", item, element) for i, item in enumerate(value)]
    return value


def _element_kind(default: list[Any]) -> str:
    if default and all(isinstance(v, int) and not isinstance(v, bool) for v in default):
        return "int"
    return "str"


def _check_element(key: str, item: Any, element: str) -> Any:
    if element == "int":
        if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item <= 65535:
            raise ConfigError(f"'{key}' must be a port number (0-65535), not {item!r}")
        return item
    if element == "udp_exception":
        if not isinstance(item, Mapping):
            raise ConfigError(f"'{key}' must be a table {{port = N, cidr = \"...\"}}, not {_kind(item)}")
        _only_keys(item, {"port", "cidr"}, key)
        port, cidr = item.get("port"), item.get("cidr")
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise ConfigError(f"'{key}.port' must be a port number (0-65535), not {port!r}")
        if not isinstance(cidr, str):
            raise ConfigError(f"'{key}.cidr' must be a CIDR string, not {cidr!r}")
        return {"port": port, "cidr": cidr}
    return _expect(key, item, str, "a string")


def _expect(key: str, value: Any, kind: type, described: str) -> Any:
    if not isinstance(value, kind):
        raise ConfigError(f"'{key}' must be {described}, not {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list"}
    if isinstance(value, Mapping):
        return "a table"
    return names.get(type(value), type(value).__name__)


def _strings(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"'{key}' must be a list of strings")
    return tuple(value)


def _parse_tiers(table: Mapping[str, Any]) -> TierConvention:
    _only_keys(table, {"tag_keys", "words", "use_name_tag"}, "tiers")
    default = TierConvention()
    words: dict[str, str] = dict(TIER_WORDS)
    if "words" in table:
        given = table["words"]
        if not isinstance(given, Mapping):
            raise ConfigError(f"'tiers.words' must be a table of word = tier, not {_kind(given)}")
        words = {}
        for word, tier in given.items():
            if tier not in TIER_VALUES:
                raise ConfigError(
                    f"'tiers.words.{word}' must be one of {', '.join(TIER_VALUES)}, not {tier!r}"
                )
            words[word.lower()] = tier
    return TierConvention(
        tag_keys=_strings("tiers.tag_keys", table["tag_keys"]) if "tag_keys" in table else default.tag_keys,
        words=words,
        use_name_tag=_expect("tiers.use_name_tag", table.get("use_name_tag", True), bool, "true or false"),
    )


def _parse_environments(table: Mapping[str, Any]) -> EnvironmentConvention:
    _only_keys(table, {"tag_keys", "production_values"}, "environments")
    default = EnvironmentConvention()
    return EnvironmentConvention(
        tag_keys=_strings("environments.tag_keys", table["tag_keys"])
        if "tag_keys" in table
        else default.tag_keys,
        production_values=(
            _strings("environments.production_values", table["production_values"])
            if "production_values" in table
            else default.production_values
        ),
    )


def _parse_suppressions(raw: Any) -> tuple[Suppression, ...]:
    if not isinstance(raw, list):
        raise ConfigError("'suppressions' must be an array of tables ([[suppressions]])")
    catalogue = load_catalogue()
    out: list[Suppression] = []
    for i, item in enumerate(raw):
        key = f"suppressions[{i}]"
        if not isinstance(item, Mapping):
            raise ConfigError(f"'{key}' must be a table")
        _only_keys(item, {"control", "resource", "reason", "owner", "expires", "account", "region"}, key)
        for required in ("control", "resource", "reason", "owner", "expires"):
            if required not in item:
                raise ConfigError(f"'{key}' needs '{required}' (control, resource, reason, owner, expires)")
        control = _expect(f"{key}.control", item["control"], str, "a control id")
        if control != "*" and control.upper() not in catalogue:
            raise ConfigError(f"'{key}.control' names an unknown control {control!r}")
        expires = item["expires"]
        if isinstance(expires, str):
            try:
                expires = dt.date.fromisoformat(expires)
            except ValueError:
                raise ConfigError(f"'{key}.expires' must be a date (YYYY-MM-DD), not {expires!r}") from None
        if isinstance(expires, dt.datetime):
            expires = expires.date()
        if not isinstance(expires, dt.date):
            raise ConfigError(f"'{key}.expires' must be a date (YYYY-MM-DD), not {_kind(expires)}")
        reason = _expect(f"{key}.reason", item["reason"], str, "a string")
        owner = _expect(f"{key}.owner", item["owner"], str, "a string")
        if not reason.strip() or not owner.strip():
            raise ConfigError(f"'{key}' needs a non-empty reason and owner")
        out.append(
            Suppression(
                control=control.upper(),
                resource=_expect(f"{key}.resource", item["resource"], str, "a resource id pattern"),
                reason=reason,
                owner=owner,
                expires=expires,
                account=_optional_str(f"{key}.account", item.get("account")),
                region=_optional_str(f"{key}.region", item.get("region")),
            )
        )
    return tuple(out)


def _optional_str(key: str, value: Any) -> str | None:
    if value is None:
        return None
    return str(_expect(key, value, str, "a string"))
