"""The sender the rate limit counts: an IPv4 address, or the /64 an IPv6 subscriber holds."""

from __future__ import annotations

import pytest

from chalicelib.security import client_key, sender_network


def test_every_address_in_one_ipv6_slash_64_is_one_sender():
    assert client_key("2001:db8:1:2::1") == client_key("2001:DB8:1:2:ffff:ffff:ffff:fffe")
    assert sender_network("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64"


def test_neighbouring_ipv6_networks_are_different_senders():
    assert client_key("2001:db8:1:2::1") != client_key("2001:db8:1:3::1")


def test_ipv4_addresses_count_one_by_one():
    assert client_key("203.0.113.7") != client_key("203.0.113.8")
    assert sender_network("203.0.113.7") == "203.0.113.7"


def test_an_ipv4_mapped_ipv6_address_is_the_ipv4_sender():
    assert client_key("::ffff:203.0.113.7") == client_key("203.0.113.7")


@pytest.mark.parametrize("odd", ["not an address", "fe80::1%eth0", " 203.0.113.7 "])
def test_odd_source_addresses_still_get_a_key(odd):
    assert client_key(odd)


def test_no_source_address_means_no_limit_key():
    assert client_key(None) is None and client_key("") is None
