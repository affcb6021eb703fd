"""The public contract as OpenAPI 3.1, served at /openapi.json (and fuzzed by the tests)."""

from __future__ import annotations

from typing import Any

from .fields import EMAIL_MAX, FREE_TEXT_MAX, SECTORS, SINGLE_LINE_MAX

_YES_NO = {"oneOf": [{"type": "boolean"}, {"type": "string", "enum": ["yes", "no"]}]}


def _registration_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["name", "email", "organisation", "sector"],
        "properties": {
            "name": {"type": "string", "maxLength": SINGLE_LINE_MAX},
            "email": {"type": "string", "format": "email", "maxLength": EMAIL_MAX},
            "organisation": {"type": "string", "maxLength": SINGLE_LINE_MAX},
            "sector": {"type": "string", "enum": list(SECTORS)},
            "meal": _YES_NO,
            "diet": {"type": "string", "maxLength": FREE_TEXT_MAX},
            "diet_consent": _YES_NO,
            "access_needs": {"type": "string", "maxLength": FREE_TEXT_MAX},
            "attended_before": _YES_NO,
            "interests": {"type": "array", "items": {"type": "string"}},
            "message": {"type": "string", "maxLength": FREE_TEXT_MAX},
            "language": {"type": "string", "enum": ["sv", "en"]},
            "redirect": {"type": "string", "description": "Form posts only: a thank-you page on an allowed origin"},
        },
    }


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def document() -> dict[str, Any]:
    event_id = {"name": "event_id", "in": "path", "required": True, "schema": {"type": "string"}}
    lang = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": ["sv", "en"]}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Signup", "version": "1", "description": "Registrations for municipal network meetings."},
        "paths": {
            "/events/{event_id}": {
                "get": {
                    "summary": "Public facts about an event",
                    "parameters": [event_id, lang],
                    "responses": {"200": {"description": "The event"}, "404": _error("No such event")},
                }
            },
            "/events/{event_id}/form": {
                "get": {
                    "summary": "The hosted, embeddable registration form",
                    "parameters": [event_id, lang],
                    "responses": {"200": {"description": "HTML form"}, "404": {"description": "HTML page"}},
                }
            },
            "/events/{event_id}/registrations": {
                "post": {
                    "summary": "Register for an event",
                    "parameters": [event_id, lang],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": _registration_schema()},
                            "application/x-www-form-urlencoded": {"schema": _registration_schema()},
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "Registered",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Registered"}}},
                        },
                        "200": {"description": "Already registered: the existing registration"},
                        "303": {"description": "Form posts: to the thank-you page"},
                        "400": _error("Malformed body"),
                        "403": _error("Posted from a site that may not"),
                        "404": _error("No such event"),
                        "409": _error("Registration is closed, or every seat and the waiting list are taken"),
                        "413": _error("Body over 16 kB"),
                        "415": _error("Neither JSON nor a form"),
                        "422": _error("Invalid answers; `fields` says which"),
                        "429": _error("Too many registrations from one sender"),
                        "503": _error("Try again shortly; nothing was stored"),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Registered": {
                    "type": "object",
                    "required": ["registration_id", "status"],
                    "properties": {
                        "registration_id": {"type": "string"},
                        "status": {"type": "string", "enum": ["confirmed", "pending", "waitlisted"]},
                        "email": {"type": "string", "enum": ["sent", "failed", "suppressed", "limited"]},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message", "fields"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                            },
                        }
                    },
                },
            }
        },
    }
