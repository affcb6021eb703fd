"""Everything a person reads, in Swedish first and English second."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_time

MESSAGES: dict[str, dict[str, str]] = {
    "sv": {
        "event_not_found": "Vi hittar ingen träff med den adressen. Kontrollera länken du fick.",
        "registration_closed": "Anmälan är stängd. Sista dag att anmäla sig var {last_day}.",
        "invalid_input": "Några uppgifter behöver rättas innan anmälan kan skickas.",
        "malformed_request": "Anmälan gick inte att läsa: {detail}.",
        "unsupported_media_type": (
            "Skicka anmälan som ett formulär (application/x-www-form-urlencoded) eller som JSON (application/json)."
        ),
        "payload_too_large": "Anmälan är för stor. Korta ner texterna och försök igen (högst 16 kB).",
        "busy": "Just nu anmäler sig många samtidigt. Inget har sparats – vänta en liten stund och försök igen.",
        "forbidden": "Den här begäran är inte tillåten.",
        "unavailable": "Anmälan kan inte tas emot just nu. Inget har sparats – försök igen om en stund.",
    },
    "en": {
        "event_not_found": "We cannot find a meeting at that address. Please check the link you were given.",
        "registration_closed": "Registration is closed. The last day to sign up was {last_day}.",
        "invalid_input": "Some answers need correcting before the registration can be sent.",
        "malformed_request": "The registration could not be read: {detail}.",
        "unsupported_media_type": (
            "Send the registration as a form (application/x-www-form-urlencoded) or as JSON (application/json)."
        ),
        "payload_too_large": "The registration is too large. Shorten the texts and try again (at most 16 kB).",
        "busy": "Many people are signing up right now. Nothing was saved – please wait a moment and try again.",
        "forbidden": "This request is not allowed.",
        "unavailable": "Registrations cannot be received right now. Nothing was saved – please try again shortly.",
    },
}

FIELD_MESSAGES: dict[str, dict[str, str]] = {
    "sv": {
        "required": "Fyll i det här fältet.",
        "not_text": "Skriv text här.",
        "too_long": "Skriv högst {max} tecken.",
        "control_characters": "Ta bort radbrytningar och andra osynliga tecken.",
        "invalid_email": "Skriv en giltig e-postadress, till exempel namn@exempel.se.",
        "invalid_choice": "Välj ett av alternativen.",
        "choose_one": "Välj ett av alternativen.",
    },
    "en": {
        "required": "Please fill in this field.",
        "not_text": "Please enter text here.",
        "too_long": "Please use at most {max} characters.",
        "control_characters": "Please remove line breaks and other invisible characters.",
        "invalid_email": "Please enter a valid email address, for example name@example.com.",
        "invalid_choice": "Please choose one of the options.",
        "choose_one": "Please choose one of the options.",
    },
}

LABELS: dict[str, dict[str, str]] = {
    "sv": {
        "name": "Namn",
        "email": "E-postadress",
        "organisation": "Organisation eller verksamhet",
        "sector": "Typ av verksamhet",
        "sector.company": "Företag",
        "sector.association": "Förening eller ideell organisation",
        "sector.public": "Offentlig verksamhet",
        "sector.other": "Annat",
        "meal": "Vill du äta den enklare måltiden?",
        "yes": "Ja",
        "no": "Nej",
        "diet": "Specialkost eller allergier",
        "access_needs": "Behöver du något för att kunna delta (till exempel hörslinga eller tillgänglig entré)?",
        "attended_before": "Var du med på den första träffen?",
        "interests": "Vilka arbetsgrupper är du intresserad av?",
        "message": "Något annat du vill säga till arrangörerna?",
        "required": "obligatoriskt",
        "optional": "frivilligt",
        "submit": "Skicka anmälan",
        "when": "När",
        "where": "Var",
        "meal_from": "Enklare måltid från {time}",
        "meeting_at": "Mötet börjar {time}",
        "deadline": "Anmäl dig senast {last_day}",
        "welcome": "Alla är välkomna, oavsett om du var med på den första träffen eller inte.",
        "seats_left": "{seats} platser kvar.",
        "waitlist_note": "Alla platser är tagna. Anmäler du dig nu hamnar du på väntelistan.",
        "errors_heading": "Anmälan kunde inte skickas",
        "closed_heading": "Anmälan är stängd",
        "closed_contact": "Frågor? Kontakta arrangören: {contact}",
        "thanks_heading": "Tack för din anmälan!",
        "thanks_confirmed": "Du har en plats. En bekräftelse skickas till din e-post.",
        "thanks_waitlisted": "Alla platser är tagna, så du står på väntelistan. Vi hör av oss om en plats blir ledig.",
        "thanks_email_note": "Bekräftelsen kan dröja några minuter. Kolla skräpposten om den inte kommer.",
        "language_switch": "In English",
        "not_found_heading": "Träffen hittades inte",
        "back_to_form": "Tillbaka till anmälan",
    },
    "en": {
        "name": "Name",
        "email": "Email address",
        "organisation": "Organisation",
        "sector": "Type of organisation",
        "sector.company": "Company",
        "sector.association": "Association or non-profit",
        "sector.public": "Public sector",
        "sector.other": "Other",
        "meal": "Would you like the simple meal?",
        "yes": "Yes",
        "no": "No",
        "diet": "Dietary requirements or allergies",
        "access_needs": "Do you need anything to take part (for example a hearing loop or step-free access)?",
        "attended_before": "Did you attend the first meeting?",
        "interests": "Which working groups are you interested in?",
        "message": "Anything else you want to tell the organisers?",
        "required": "required",
        "optional": "optional",
        "submit": "Send registration",
        "when": "When",
        "where": "Where",
        "meal_from": "Simple meal from {time}",
        "meeting_at": "The meeting starts at {time}",
        "deadline": "Sign up no later than {last_day}",
        "welcome": "Everyone is welcome, whether or not you attended the first meeting.",
        "seats_left": "{seats} seats left.",
        "waitlist_note": "All seats are taken. If you sign up now you will be put on the waiting list.",
        "errors_heading": "The registration could not be sent",
        "closed_heading": "Registration is closed",
        "closed_contact": "Questions? Contact the organiser: {contact}",
        "thanks_heading": "Thank you for signing up!",
        "thanks_confirmed": "You have a seat. A confirmation is on its way to your email.",
        "thanks_waitlisted": (
            "All seats are taken, so you are on the waiting list. We will be in touch if a seat opens up."
        ),
        "thanks_email_note": "The confirmation may take a few minutes. Check your spam folder if it does not arrive.",
        "language_switch": "På svenska",
        "not_found_heading": "Meeting not found",
        "back_to_form": "Back to the registration form",
    },
}


def message(code: str, language: str, **params: Any) -> str:
    template = MESSAGES.get(language, MESSAGES["sv"]).get(code) or MESSAGES["sv"].get(code, code)
    return template.format(**params) if params else template


def field_message(code: str, language: str, **params: Any) -> str:
    template = FIELD_MESSAGES.get(language, FIELD_MESSAGES["sv"]).get(code, code)
    return template.format(**params) if params else template


def labels(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["sv"])


def long_date(day: date | datetime, language: str) -> str:
    """'måndag 24 maj 2027' / 'Monday 24 May 2027'."""
    return format_date(day, "EEEE d MMMM y", locale=language)


def day_and_month(day: date, language: str) -> str:
    """'15 maj' / '15 May': how the municipality writes a deadline."""
    return format_date(day, "d MMMM", locale=language)


def clock(moment: datetime, language: str) -> str:
    """'17.00' in Swedish, '17:00' in English."""
    return format_time(moment, "HH.mm" if language == "sv" else "HH:mm", locale=language)
