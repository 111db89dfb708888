from __future__ import annotations

import tomllib
from typing import Any

import pytest

from openrd.domain.sites import BUILTIN_SITES, SiteConfigError, SiteProfile, sites_from_mapping

ACTIONS = [
    "SendVerificationCodeForEnableRD",
    "EnableResourceDirectory",
    "SendVerificationCodeForBindSecureMobilePhone",
    "BindSecureMobilePhone",
    "InitResourceDirectory",
    "CreateResourceAccount",
]


def test_builtin_sites() -> None:
    assert set(BUILTIN_SITES) == {"cn", "intl"}
    cn, intl = BUILTIN_SITES["cn"], BUILTIN_SITES["intl"]
    assert cn.name == "cn"
    assert intl.name == "intl"
    assert cn.language == "zh"
    assert intl.language == "en"
    assert cn.quota_time_zone == intl.quota_time_zone == "Asia/Shanghai"


def test_builtin_sites_are_read_only() -> None:
    with pytest.raises(TypeError):
        BUILTIN_SITES["x"] = BUILTIN_SITES["cn"]  # type: ignore[index]


@pytest.mark.parametrize("cc", ["1", "44", "81", "852", "886", "853", "7", "0", "8", "860", "1234"])
def test_cn_accepts_only_86_and_intl_everything_else(cc: str) -> None:
    assert not BUILTIN_SITES["cn"].allows_country_code(cc)
    assert BUILTIN_SITES["intl"].allows_country_code(cc)


def test_86() -> None:
    assert BUILTIN_SITES["cn"].allows_country_code("86")
    assert not BUILTIN_SITES["intl"].allows_country_code("86")


@pytest.mark.parametrize("action", ACTIONS)
def test_builtin_sites_allow_every_action(action: str) -> None:
    assert BUILTIN_SITES["cn"].allows_action(action)
    assert BUILTIN_SITES["intl"].allows_action(action)


def test_allows_country_code_exclusion_wins_over_wildcard_and_list() -> None:
    profile = SiteProfile(
        name="x",
        country_codes=frozenset({"*", "44"}),
        excluded_country_codes=frozenset({"44"}),
        disallowed_actions=frozenset({"BindSecureMobilePhone"}),
        quota_time_zone="UTC",
        language="en",
    )
    assert not profile.allows_country_code("44")
    assert profile.allows_country_code("81")
    assert not profile.allows_action("BindSecureMobilePhone")
    assert profile.allows_action("SendVerificationCodeForEnableRD")


CONTRACT_EXAMPLE = """
[sites.jp]
country_codes = ["81"]            # or ["*"]
excluded_country_codes = []        # e.g. ["86"] for intl
disallowed_actions = ["SendVerificationCodeForBindSecureMobilePhone", "BindSecureMobilePhone"]
quota_time_zone = "Asia/Tokyo"
language = "en"
"""


def test_new_site_from_contract_example() -> None:
    sites = sites_from_mapping(tomllib.loads(CONTRACT_EXAMPLE))
    assert set(sites) == {"cn", "intl", "jp"}
    assert sites["cn"] == BUILTIN_SITES["cn"]
    assert sites["intl"] == BUILTIN_SITES["intl"]
    jp = sites["jp"]
    assert jp == SiteProfile(
        name="jp",
        country_codes=frozenset({"81"}),
        excluded_country_codes=frozenset(),
        disallowed_actions=frozenset({"SendVerificationCodeForBindSecureMobilePhone", "BindSecureMobilePhone"}),
        quota_time_zone="Asia/Tokyo",
        language="en",
    )
    assert jp.allows_country_code("81")
    assert not jp.allows_country_code("86")
    assert not jp.allows_action("BindSecureMobilePhone")
    assert jp.allows_action("SendVerificationCodeForEnableRD")


def test_new_site_defaults() -> None:
    sites = sites_from_mapping(tomllib.loads('[sites.world]\ncountry_codes = ["*"]\n'))
    assert sites["world"] == SiteProfile(
        name="world",
        country_codes=frozenset({"*"}),
        excluded_country_codes=frozenset(),
        disallowed_actions=frozenset(),
        quota_time_zone="Asia/Shanghai",
        language="en",
    )
    assert sites["world"].allows_country_code("86")


def test_override_builtin_inherits_unchanged_keys() -> None:
    doc = tomllib.loads(
        """
        [sites.cn]
        disallowed_actions = ["CreateResourceAccount"]

        [sites.intl]
        quota_time_zone = "UTC"
        excluded_country_codes = ["86", "852"]
        """
    )
    sites = sites_from_mapping(doc)
    cn, intl = sites["cn"], sites["intl"]
    assert cn.country_codes == frozenset({"86"})
    assert cn.language == "zh"
    assert cn.quota_time_zone == "Asia/Shanghai"
    assert not cn.allows_action("CreateResourceAccount")
    assert cn.allows_action("BindSecureMobilePhone")
    assert intl.country_codes == frozenset({"*"})
    assert intl.language == "en"
    assert intl.quota_time_zone == "UTC"
    assert not intl.allows_country_code("852")
    assert not intl.allows_country_code("86")
    assert intl.allows_country_code("44")


def test_override_replaces_lists_and_empty_table_keeps_builtin() -> None:
    doc = tomllib.loads(
        """
        [sites.intl]
        excluded_country_codes = []
        language = "zh"
        [sites.cn]
        """
    )
    sites = sites_from_mapping(doc)
    assert sites["intl"].allows_country_code("86")
    assert sites["intl"].language == "zh"
    assert sites["cn"] == BUILTIN_SITES["cn"]


def test_empty_document_and_custom_base() -> None:
    assert sites_from_mapping({}) == dict(BUILTIN_SITES)
    assert sites_from_mapping(tomllib.loads("")) == dict(BUILTIN_SITES)
    assert sites_from_mapping({"sites": {}}) == dict(BUILTIN_SITES)
    base = {"only": BUILTIN_SITES["cn"]}
    sites = sites_from_mapping({"sites": {"only": {"language": "en"}, "cn": {"country_codes": ["1"]}}}, base=base)
    assert set(sites) == {"only", "cn"}
    assert sites["only"].name == "only"
    assert sites["only"].language == "en"
    assert sites["only"].country_codes == frozenset({"86"})
    # "cn" is not in this base, so it is a new site with the defaults.
    assert sites["cn"].language == "en"
    assert sites["cn"].country_codes == frozenset({"1"})


def test_result_is_a_fresh_dict() -> None:
    sites = sites_from_mapping({})
    sites["x"] = BUILTIN_SITES["cn"]
    assert "x" not in BUILTIN_SITES


@pytest.mark.parametrize(
    ("doc", "fragments"),
    [
        ({"site": {}}, ["top-level", "'site'"]),
        ({"sites": ["jp"]}, ["'sites'", "table"]),
        ({"sites": {"jp": "81"}}, ["'jp'", "table"]),
        ({"sites": {"": {"country_codes": ["81"]}}}, ["''", "name"]),
        ({"sites": {"j p": {"country_codes": ["81"]}}}, ["'j p'", "name"]),
        ({"sites": {"jp": {"country_codes": ["81"], "colour": "red"}}}, ["'jp'", "'colour'", "unknown"]),
        ({"sites": {"jp": {"countrycodes": ["81"]}}}, ["'jp'", "'countrycodes'"]),
        ({"sites": {"jp": {}}}, ["'jp'", "'country_codes'", "required"]),
        ({"sites": {"jp": {"language": "en"}}}, ["'jp'", "'country_codes'", "required"]),
        ({"sites": {"jp": {"country_codes": "81"}}}, ["'jp'", "'country_codes'", "array"]),
        ({"sites": {"jp": {"country_codes": [81]}}}, ["'jp'", "'country_codes'", "81"]),
        ({"sites": {"jp": {"country_codes": []}}}, ["'jp'", "'country_codes'", "empty"]),
        ({"sites": {"jp": {"country_codes": ["+81"]}}}, ["'jp'", "'country_codes'", "'+81'"]),
        ({"sites": {"jp": {"country_codes": ["12345"]}}}, ["'jp'", "'country_codes'", "'12345'"]),
        ({"sites": {"jp": {"country_codes": ["\uff18\uff11"]}}}, ["'jp'", "'country_codes'"]),
        ({"sites": {"jp": {"country_codes": [""]}}}, ["'jp'", "'country_codes'"]),
        ({"sites": {"jp": {"country_codes": ["any"]}}}, ["'jp'", "'country_codes'", "'any'"]),
        ({"sites": {"cn": {"country_codes": ["86", " 1"]}}}, ["'cn'", "'country_codes'"]),
        ({"sites": {"intl": {"excluded_country_codes": "86"}}}, ["'intl'", "'excluded_country_codes'", "array"]),
        ({"sites": {"intl": {"excluded_country_codes": ["*"]}}}, ["'intl'", "'excluded_country_codes'", "'*'"]),
        ({"sites": {"intl": {"excluded_country_codes": [86]}}}, ["'intl'", "'excluded_country_codes'"]),
        ({"sites": {"cn": {"disallowed_actions": "BindSecureMobilePhone"}}}, ["'cn'", "'disallowed_actions'"]),
        ({"sites": {"cn": {"disallowed_actions": [1]}}}, ["'cn'", "'disallowed_actions'"]),
        ({"sites": {"cn": {"disallowed_actions": [""]}}}, ["'cn'", "'disallowed_actions'"]),
        ({"sites": {"cn": {"disallowed_actions": ["Bind Phone"]}}}, ["'cn'", "'disallowed_actions'"]),
        ({"sites": {"cn": {"quota_time_zone": 8}}}, ["'cn'", "'quota_time_zone'", "string"]),
        ({"sites": {"cn": {"quota_time_zone": "Mars/Olympus"}}}, ["'cn'", "'quota_time_zone'", "Mars/Olympus"]),
        ({"sites": {"cn": {"quota_time_zone": "Asia"}}}, ["'cn'", "'quota_time_zone'"]),
        ({"sites": {"cn": {"quota_time_zone": ""}}}, ["'cn'", "'quota_time_zone'"]),
        ({"sites": {"cn": {"quota_time_zone": "../../etc/passwd"}}}, ["'cn'", "'quota_time_zone'"]),
        ({"sites": {"cn": {"quota_time_zone": "/etc/localtime"}}}, ["'cn'", "'quota_time_zone'"]),
        ({"sites": {"cn": {"language": "fr"}}}, ["'cn'", "'language'", "'fr'"]),
        ({"sites": {"cn": {"language": "ZH"}}}, ["'cn'", "'language'"]),
        ({"sites": {"cn": {"language": ["zh"]}}}, ["'cn'", "'language'"]),
    ],
)
def test_validation_errors(doc: dict[str, Any], fragments: list[str]) -> None:
    with pytest.raises(SiteConfigError) as info:
        sites_from_mapping(doc)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message


def test_validation_error_from_toml_text() -> None:
    doc = tomllib.loads('[sites.jp]\ncountry_codes = ["81"]\nlanguage = "ja"\n')
    with pytest.raises(SiteConfigError, match=r"site 'jp': key 'language'"):
        sites_from_mapping(doc)


def test_site_config_error_is_value_error() -> None:
    assert issubclass(SiteConfigError, ValueError)
