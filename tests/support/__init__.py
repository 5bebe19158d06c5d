"""Test support: starting the real servers, and the REQUIRE_* skip policy."""
