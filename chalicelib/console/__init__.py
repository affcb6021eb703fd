"""The organiser console: sign-in, access and the people of an event (plain functions, no AWS)."""
