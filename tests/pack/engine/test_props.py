from hypothesis import given
from hypothesis import strategies as st
from pulumi_policy.proxy import UNKNOWN_OBJECT_VALUE, UNKNOWN_STRING_VALUE, unknown_checking_proxy
from residency_pack.engine.props import (
    UNKNOWN,
    as_string_list,
    contains_unknown,
    get,
    is_unknown,
    iter_strings,
    unwrap,
)

BAG = {
    "bucket": "b",
    "tags": {"data-classification": "us-user-data"},
    "kmsKeyId": UNKNOWN_STRING_VALUE,
    "rules": [{"destination": {"bucket": UNKNOWN_STRING_VALUE}}, {"destination": {"bucket": "x"}}],
    "lifecycle": UNKNOWN_OBJECT_VALUE,
}


def test_unwrap_turns_every_unknown_into_the_sentinel_through_the_sdk_proxy():
    plain = unwrap(unknown_checking_proxy(BAG))
    assert plain["kmsKeyId"] is UNKNOWN
    assert plain["lifecycle"] is UNKNOWN
    assert plain["rules"][0]["destination"]["bucket"] is UNKNOWN
    assert plain["rules"][1]["destination"]["bucket"] == "x"
    assert type(plain) is dict and type(plain["rules"]) is list


def test_get_reads_paths_and_stops_at_unknowns_without_raising():
    proxied = unknown_checking_proxy(BAG)
    assert get(proxied, "tags", "data-classification") == "us-user-data"
    assert get(proxied, "kmsKeyId") is UNKNOWN
    assert get(proxied, "lifecycle", "rules", 0) is UNKNOWN
    assert get(proxied, "rules", 1, "destination", "bucket") == "x"
    assert get(proxied, "rules", 5, default="none") == "none"
    assert get(proxied, "bucket", "deeper") is None
    assert get(proxied, "rules", "notanindex") is None


def test_iter_strings_lists_known_leaves_with_paths():
    leaves = dict(iter_strings(unknown_checking_proxy(BAG)))
    assert leaves[("rules", 1, "destination", "bucket")] == "x"
    assert ("kmsKeyId",) not in leaves


def test_is_unknown_and_contains_unknown():
    assert is_unknown(UNKNOWN) and is_unknown(UNKNOWN_STRING_VALUE)
    assert not is_unknown("us-east-1")
    assert contains_unknown(unknown_checking_proxy(BAG))
    assert not contains_unknown({"a": [1, "b"]})


def test_as_string_list_reads_lists_json_strings_and_unknowns():
    assert as_string_list(["111111111111"]) == ["111111111111"]
    assert as_string_list('["111111111111","222222222222"]') == ["111111111111", "222222222222"]
    assert as_string_list("ocid1.tenancy.oc1..aaa") == ["ocid1.tenancy.oc1..aaa"]
    assert as_string_list(UNKNOWN_STRING_VALUE) is UNKNOWN
    assert as_string_list(None) == []


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.sampled_from([UNKNOWN_STRING_VALUE, UNKNOWN_OBJECT_VALUE]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values, st.lists(st.one_of(st.text(max_size=4), st.integers(-3, 3)), max_size=4))
def test_reading_never_raises_on_any_bag(value, path):
    proxied = unknown_checking_proxy({"v": value})
    get(proxied, "v", *path)
    list(iter_strings(proxied))
    unwrap(proxied)
    contains_unknown(proxied)


def _unwrap_the_general_way(value):
    """unwrap without its exact-type shortcuts: the reference the shortcuts must agree with."""
    from residency_pack.engine import props

    value = props._target(value)
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, dict | props._DictProxy):
        return {k: _unwrap_the_general_way(props._target_item(value, k)) for k in value}
    if isinstance(value, list | props._ListProxy):
        return [_unwrap_the_general_way(props._target_index(value, i)) for i in range(len(value))]
    return value


@given(json_values | st.integers())
def test_unwraps_shortcuts_give_what_the_general_way_gives(value):
    from pulumi_policy.secret import Secret

    for bag in ({"v": value}, unknown_checking_proxy({"v": value, "s": Secret(value)})):
        fast, general = unwrap(bag), _unwrap_the_general_way(bag)
        assert fast == general
        assert repr(fast) == repr(general)  # same types too (True is not 1, UNKNOWN is UNKNOWN)
