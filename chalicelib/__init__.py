"""Signup: registrations for municipal network meetings (deployed package)."""
