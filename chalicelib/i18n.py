"""Everything a person reads: the gettext catalogues and the dates, in Swedish first and English second.

The texts are written in English in the code and the templates (the msgids); the Swedish lives in
`locale/sv/LC_MESSAGES/messages.po`, compiled to `messages.mo` by `make` (never committed). `make messages`
extracts the texts and updates the catalogue; tests/unit/test_catalogue.py fails on a text without Swedish
and on a Swedish text the code no longer uses.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from gettext import NullTranslations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
# English is the language of the msgids: it needs no catalogue.
TRANSLATED = ("sv",)


def catalogue_path(language: str, suffix: str = ".mo", locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def check_catalogues(locale_dir: Path = LOCALE_DIR) -> None:
    """A clear refusal instead of English pages where Swedish ones belong: the compiled catalogue must be
    there, and (in a checkout, where the .po is) no older than its source."""
    for language in TRANSLATED:
        compiled, source = catalogue_path(language, ".mo", locale_dir), catalogue_path(language, ".po", locale_dir)
        if not compiled.exists():
            raise RuntimeError(f"{compiled} is missing: run `make messages-compile` (make run/test/package do it)")
        if source.exists() and source.stat().st_mtime > compiled.stat().st_mtime:
            raise RuntimeError(f"{compiled} is older than {source.name}: run `make messages-compile`")


check_catalogues()


def N_(message: str) -> str:
    """Marks a text for extraction where it is stored (a table of codes); it is translated where shown."""
    return message


def Nc_(context: str, message: str) -> tuple[str, str]:
    """N_ for a text whose English means two things (a context tells them apart): shown with `pgettext(*entry)`."""
    return context, message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """N_ for a text with a count: translated where shown by `plural(...)`."""
    return singular, plural


def other_language(language: str) -> str:
    """The language a page's switch offers: English on a Swedish page, Swedish on any other."""
    return "en" if language == "sv" else "sv"


@functools.cache
def translator(language: str) -> NullTranslations:
    """`.gettext(text)` and `.ngettext(singular, plural, n)` in the language (Swedish unless English)."""
    import gettext  # on first use, not at import: a cold start imports only what it needs

    if language == "en":
        return gettext.NullTranslations()
    with catalogue_path("sv").open("rb") as compiled:
        return gettext.GNUTranslations(compiled)


def plural(language: str, forms: tuple[str, str], count: int, **params: Any) -> str:
    """A text from an `Nn_` table, for `count`, with its placeholders filled (`count` among them)."""
    return translator(language).ngettext(*forms, count).format(**{"count": count, **params})


class Counts(NamedTuple):
    """A count with its noun (or adjective), said inside a sentence: "1 dag" / "2 dagar", "1 ny" / "2 nya".
    One text per noun for every sentence that says it, and the way to say two counts in one sentence (one
    ngettext has one count).
    Python: `plural(language, COUNTED.days, n)`; templates: `counted(COUNTED.days, n)`."""

    days: tuple[str, str]
    minutes: tuple[str, str]
    people: tuple[str, str]
    organisations: tuple[str, str]
    places: tuple[str, str]
    new: tuple[str, str]


COUNTED = Counts(
    days=Nn_("{count} day", "{count} days"),
    minutes=Nn_("{count} minute", "{count} minutes"),
    people=Nn_("{count} person", "{count} people"),
    organisations=Nn_("{count} organisation", "{count} organisations"),
    places=Nn_("{count} place", "{count} places"),
    # English says "1 new" and "2 new"; Swedish "1 ny" and "2 nya".
    new=Nn_("{count} new", "{count} new"),
)


# Codes that travel as data (errors.py's codes and forms.py's field problems) and what they say.
ERROR_MESSAGES: dict[str, str] = {
    "event_not_found": N_("We cannot find a meeting at that address. Please check the link you were given."),
    "registration_not_found": N_("We cannot find that registration. It may have been cancelled."),
    "registration_closed": N_("Registration is closed. The last day to sign up was {last_day}."),
    "event_cancelled": N_("The meeting is cancelled, so it is not possible to sign up. Nothing was saved."),
    "waitlist_full": N_(
        "The waiting list is full. Every seat and every place on the waiting list is taken, so we cannot accept more "
        "registrations. Nothing was saved. Questions? Contact the organiser."
    ),
    "invalid_input": N_("Some answers need correcting before the registration can be sent."),
    "malformed_request": N_("The registration could not be read: {detail}."),
    "unsupported_media_type": N_(
        "Send the registration as a form (application/x-www-form-urlencoded) or as JSON (application/json)."
    ),
    "payload_too_large": N_("The registration is too large. Shorten the texts and try again (at most 16 kB)."),
    "busy": N_("Many people are signing up right now. Nothing was saved – please wait a moment and try again."),
    "forbidden": N_("This request is not allowed."),
    "too_many_requests": N_(
        "Many registrations have come from your connection in a short time. Wait ten minutes and try again – nothing "
        "was saved."
    ),
    "forbidden_origin": N_(
        "Registrations can only be sent from the municipality's website or our own form. Nothing was saved – use the "
        "link on the municipality's page."
    ),
    "unavailable": N_("Registrations cannot be received right now. Nothing was saved – please try again shortly."),
    "event_started": N_(
        "The meeting has already started, so the registration can no longer be cancelled. Contact the organiser."
    ),
    "registered_before": N_("That email address is already registered for the meeting. Nothing new was saved."),
    "not_checked_in": N_(
        "This person has no seat at the meeting (on the waiting list or cancelled), so they cannot be checked in."
    ),
}

FIELD_MESSAGES: dict[str, str] = {
    "required": N_("Please fill in this field."),
    "consent_needed": N_("Tick the consent if we are to store your dietary information, or leave the field empty."),
    "not_text": N_("Please enter text here."),
    "too_long": N_("Please use at most {max} characters."),
    "control_characters": N_("Please remove line breaks and other invisible characters."),
    "invisible_characters": N_(
        "Please remove invisible characters, such as characters that reverse the text direction or zero-width "
        "spaces. Typing the text instead of pasting it helps."
    ),
    "encoded_word": N_("Please type the text as it should read, without encoded characters such as =?utf-8?q?…?=."),
    "web_address": N_("Please remove the web address (such as www… or https://…). This field cannot contain links."),
    "email_not_ascii": N_(
        "We cannot send email to an address with letters such as å, ä, ö or other special characters before the @. "
        "Please use an address with only a–z, digits and . _ - + before the @."
    ),
    "invalid_email": N_("Please enter a valid email address, for example name@example.com."),
    "invalid_choice": N_("Please choose one of the options."),
    "choose_one": N_("Please choose one of the options."),
    "form_expired": N_("The form has been open a long time. Your answers are kept – check them and send again."),
    "form_used": N_("This form has already been sent once. Your answers are kept – check them and send again."),
    "honeypot_filled": N_("This field catches automated posts. Clear it and send again."),
    "question_consent_needed": N_("Tick the consent if we are to store your answer, or leave the question unanswered."),
    "choose_at_least_one": N_("Please choose at least one of the options."),
    "too_many_choices": N_("Please choose at most {max} of the options."),
    "not_whole_number": N_("Please enter a whole number, for example 3."),
    "number_too_small": N_("Please enter a number of {min} or more."),
    "number_too_large": N_("Please enter a number of {max} or less."),
    "choice_full": N_("That option is full. Please choose another."),
}


def message(code: str, language: str, **params: Any) -> str:
    """An error code's message (`ERROR_MESSAGES`), in the language."""
    text = translator(language).gettext(ERROR_MESSAGES[code])
    return text.format(**params) if params else text


def field_message(code: str, language: str, **params: Any) -> str:
    """A field problem's message (`FIELD_MESSAGES`), in the language."""
    text = translator(language).gettext(FIELD_MESSAGES[code])
    return text.format(**params) if params else text


# How a date is written: CLDR's wide weekday and month names in the form a date uses (its "format" context,
# what Babel's `EEEE` and `MMMM` print), Monday first as `date.weekday()` counts. Data, not translations: they
# stay out of the catalogue. Three fixed patterns in two languages need no date library (Babel cost a cold
# start 30 ms of CPU for its first Swedish date and the zip 0.33 MB); tests/unit/test_dates.py compares these
# with Babel's, day by day and minute by minute.
WEEKDAY_NAMES: dict[str, tuple[str, ...]] = {
    "sv": ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "sv": (
        "januari", "februari", "mars", "april", "maj", "juni",
        "juli", "augusti", "september", "oktober", "november", "december",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip
# Between the hours and the minutes: "17.00" in Swedish (as Swedish writes the time of day), "17:00" in English.
CLOCK_SEPARATORS: dict[str, str] = {"sv": ".", "en": ":"}


def long_date(day: date | datetime, language: str) -> str:
    """'måndag 24 maj 2027' / 'Monday 24 May 2027' (a datetime's own date, as given: no time zone conversion)."""
    return f"{WEEKDAY_NAMES[language][day.weekday()]} {day_and_month(day, language)} {day.year}"


def day_and_month(day: date, language: str) -> str:
    """'15 maj' / '15 May': how the municipality writes a deadline."""
    return f"{day.day} {MONTH_NAMES[language][day.month - 1]}"


def date_and_clock(moment: datetime, language: str) -> str:
    """'måndag 24 maj 2027 kl. 17.00' / 'Monday 24 May 2027 at 17:00' (the moment as given, local)."""
    text = translator(language).gettext("{date} at {time}")
    return text.format(date=long_date(moment, language), time=clock(moment, language))


def clock(moment: datetime, language: str) -> str:
    """'17.00' in Swedish, '17:00' in English (the moment's own hour and minute, as given)."""
    return f"{moment.hour:02d}{CLOCK_SEPARATORS[language]}{moment.minute:02d}"


# The registration form's fields (fields.py's names) as the form and the pages name them.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "name": Nc_("form field", "Name"),
    "email": Nc_("form field", "Email address"),
    "organisation": Nc_("form field", "Organisation"),
    "sector": Nc_("form field", "Type of organisation"),
    "meal": Nc_("form field", "Would you like the simple meal?"),
    "diet": Nc_("form field", "Dietary requirements or allergies"),
    "diet_consent": Nc_(
        "form field",
        "I agree that my dietary information is stored to arrange the food. It can reveal health or belief, which is "
        "why we ask.",
    ),
    "access_needs": Nc_(
        "form field", "Do you need anything to take part (for example a hearing loop or step-free access)?"
    ),
    "attended_before": Nc_("form field", "Did you attend the first meeting?"),
    "interests": Nc_("form field", "Which working groups are you interested in?"),
    "share_with_group": Nc_("form field", "Share my contact details with my working group"),
    "message": Nc_("form field", "Anything else you want to tell the organisers?"),
    "website": Nc_("form field", "Leave this field empty"),
}

# A yes/no question's answers (keyed by fields.YesNo's values).
CHOICE_NAMES: dict[str, str] = {
    "yes": N_("Yes"),
    "no": N_("No"),
}


def yes_or_no(tr: NullTranslations, answer: bool | None) -> str:
    """A yes/no answer as a person reads it ("Ja"/"Nej" by a Swedish `tr`); "" when none was given."""
    if answer is None:
        return ""
    return tr.gettext(CHOICE_NAMES["yes" if answer else "no"])


# A registration's status, as the person and the digest read it.
STATUS_NAMES: dict[str, str] = {
    "confirmed": N_("You have a seat"),
    "waitlisted": N_("On the waiting list"),
    "cancelled": N_("Cancelled"),
    "pending": N_("Seat held, not yet confirmed"),
}

# Why an email did not reach someone (the digest).
EMAIL_PROBLEMS: dict[str, str] = {
    "failed": N_("delayed, retrying"),
    "gave_up": N_("could not be sent"),
    "suppressed": N_("the address bounces or reported spam"),
    "limited": N_("too many emails to the address today"),
}

# The console's people pages: a person's status, the status filter, language, emails.
PERSON_STATUS: dict[str, str] = {
    "confirmed": N_("Has a seat"),
    "pending": N_("Seat held, not confirmed"),
    "waitlisted": N_("On the waiting list"),
    "cancelled": N_("Cancelled"),
}

STATUS_FILTERS: dict[str, tuple[str, str]] = {
    "live": Nc_("status filter", "Everyone but the cancelled"),
    "confirmed": Nc_("status filter", "Has a seat"),
    "pending": Nc_("status filter", "Seat held, not confirmed"),
    "waitlisted": Nc_("status filter", "On the waiting list"),
    "cancelled": Nc_("status filter", "Cancelled"),
    "all": Nc_("status filter", "Everyone, cancelled too"),
}

# The languages (events.LANGUAGES): a person's, and the one an event's digest is written in.
LANGUAGE_NAMES: dict[str, str] = {
    "sv": N_("Swedish"),
    "en": N_("English"),
}

EMAIL_KINDS: dict[str, str] = {
    "confirmation": N_("Confirmation"),
    "promotion": N_("Seat from the waiting list"),
    "cancellation": N_("Cancellation receipt"),
    "left_waitlist": N_("Left the waiting list"),
    "cancelled_hold": N_("Cancelled before the seat was confirmed"),
    "already_registered": N_("Already registered"),
    "reminder": N_("Reminder"),
    "resend": N_("Confirmation sent again"),
    "ses_notice": N_("Notice from the recipient's mail server"),
    "notice_cancelled": N_("Meeting cancelled"),
    "notice_changed": N_("Time or place changed"),
    "notice_message": N_("Message from the organisers"),
    "invitation": N_("Invitation from the network"),
    "working_group": N_("Your working group"),
}

EMAIL_STATES: dict[str, str] = {
    "sending": N_("on its way"),
    "sent": N_("sent"),
    "failed": N_("delayed, retrying"),
    "gave_up": N_("could not be sent"),
    "suppressed": N_("not sent: the address bounces or reported spam"),
    "limited": N_("not sent: too many emails to the address that day"),
}

# How one line of a person's email history went (email_history.py's results).
EMAIL_RESULTS: dict[str, str] = {
    "sent": N_("sent"),
    "failed": N_("failed"),
    "suppressed": N_("not sent: the address bounces or reported spam"),
    "limited": N_("not sent: too many emails to the address that day"),
    "bounced": N_("bounced: the address does not exist"),
    "complained": N_("reported as spam"),
}

# The audit log's actions (what the console's routes record).
AUDIT_ACTIONS: dict[str, tuple[str, str]] = {
    "downloaded_csv": Nc_("audit", "Downloaded the list of people (CSV)"),
    "opened_door_list": Nc_("audit", "Opened the door list"),
    "cancelled_told": Nc_("audit", "Cancelled a registration (the person was emailed)"),
    "cancelled_silent": Nc_("audit", "Cancelled a registration (no email)"),
    "checked_in": Nc_("audit", "Checked in"),
    "check_in_undone": Nc_("audit", "Undid a check-in"),
    "merged_organisations": Nc_("audit", "Merged two organisations of the network"),
    "added_by_hand": Nc_("audit", "Added a registration by hand"),
    "promoted": Nc_("audit", "Moved a registration up from the waiting list"),
    "resent_confirmation": Nc_("audit", "Sent the confirmation again"),
    "signed_in": Nc_("audit", "Signed in"),
    "event_created": Nc_("audit", "Created the meeting"),
    "event_edited": Nc_("audit", "Edited the meeting"),
    "event_imported": Nc_("audit", "Imported the meeting from a TOML file"),
    "event_exported": Nc_("audit", "Downloaded the meeting as a TOML file"),
    "capacity_changed": Nc_("audit", "Changed the number of seats"),
    "deadline_moved": Nc_("audit", "Moved the last day to sign up"),
    "registration_closed": Nc_("audit", "Closed registration"),
    "registration_reopened": Nc_("audit", "Reopened registration"),
    "organisers_named": Nc_("audit", "Changed the organisers"),
    "event_cancelled": Nc_("audit", "Cancelled the meeting"),
    "message_sent": Nc_("audit", "Sent a message to those signed up"),
    "question_added": Nc_("audit", "Added a question to the form"),
    "question_edited": Nc_("audit", "Changed a question on the form"),
    "question_moved": Nc_("audit", "Moved a question on the form"),
    "question_removed": Nc_("audit", "Removed a question from the form"),
    "invitations_sent": Nc_("audit", "Invited the network's members"),
    "groups_proposed": Nc_("audit", "Proposed working groups"),
    "groups_saved": Nc_("audit", "Moved people between working groups"),
    "groups_downloaded": Nc_("audit", "Downloaded the working groups (CSV)"),
    "groups_sent": Nc_("audit", "Sent each working group its members"),
}

# The console's event form: optional questions, digest modes, fields and hints (the digest's language: LANGUAGE_NAMES).
EVENT_QUESTIONS: dict[str, tuple[str, str]] = {
    "meal": Nc_("event question", "Meal"),
    "diet": Nc_("event question", "Dietary requirements"),
    "access_needs": Nc_("event question", "Access needs"),
    "attended_before": Nc_("event question", "Whether the person has attended before"),
    "interests": Nc_("event question", "Interest in working groups"),
    "message": Nc_("event question", "Message to the organiser"),
}

DIGEST_MODES: dict[str, str] = {
    "changes": N_("When something has changed"),
    "daily": N_("Every day"),
    "off": N_("Never"),
}

EVENT_FIELD_LABELS: dict[str, str] = {
    "id": N_("Address (id)"),
    "title_sv": N_("Name in Swedish"),
    "title_en": N_("Name in English"),
    "description_sv": N_("Description in Swedish"),
    "description_en": N_("Description in English"),
    "starts_at": N_("Starts"),
    "ends_at": N_("Ends"),
    "meal_at": N_("The meal starts"),
    "venue": N_("Venue"),
    "address": N_("Address"),
    "timezone": N_("Time zone"),
    "deadline_date": N_("Last day to sign up"),
    "deadline_time": N_("Closes already at"),
    "capacity": N_("Number of seats"),
    "waitlist_limit": N_("Places on the waiting list"),
    "confirm_address": N_("A seat counts only once the person has confirmed their email address"),
    "confirm_within_hours": N_("Hours to confirm"),
    "organisers": N_("Organisers (email addresses)"),
    "interests": N_("Interest areas"),
    "questions": N_("Questions on the form"),
    "reminder_days": N_("Reminder, days before"),
    "reminder_at": N_("The reminder is sent at"),
    "digest_hour": N_("The digest is sent at (hour, 0–23)"),
    "digest_send": N_("Digest to the organisers"),
    "digest_language": N_("The digest's language"),
    "caterer": N_("The caterer's email address"),
    "series": N_("Network (series of meetings)"),
    "toml": N_("TOML file"),
    "form": N_("The form"),
    "new_capacity": N_("New number of seats"),
    "new_deadline_date": N_("New last day to sign up"),
    "new_deadline_time": N_("Closes already at"),
    "new_organisers": N_("Organisers (email addresses)"),
}

EVENT_FIELD_HINTS: dict[str, str] = {
    "id": N_(
        "Becomes part of the form's address: /events/id/form. Lower-case letters a–z, digits and hyphens. Cannot be "
        "changed later."
    ),
    "meal_at": N_("For example 2027-05-24 17:00. Leave empty if no meal is served."),
    "datetime": N_("Date and time, for example 2027-05-24 18:00."),
    "deadline_date": N_("For example 2027-05-15. Registration is open through 23:59 that day."),
    "deadline_time": N_("For example 12:00. Leave empty to close at 23:59."),
    "reminder_at": N_("For example 09:00."),
    "capacity": N_("Leave empty if seats are not limited."),
    "waitlist_limit": N_("Leave empty for as many as there are seats. 0 means no waiting list."),
    "confirm_within_hours": N_("From 1 to 168. Leave empty for 24 hours."),
    "organisers": N_("One address a line. Organisers can sign in and run the meeting."),
    "interests": N_("One area a line: Svenskt namn | English name."),
    "reminder_days": N_("For example 7, 2. Leave empty for no reminder."),
    "caterer": N_("Gets the number of meals and dietary needs. Leave empty if there is no caterer."),
    "series": N_(
        "The same name on every meeting of the series, for example natverk-social-hallbarhet: then people and "
        "organisations are recognised from one meeting to the next. Leave empty for a single meeting."
    ),
    "capacity_change": N_(
        "More seats: the first on the waiting list get them at once, in order, and an email saying so. Fewer than "
        "the seats already taken is not possible."
    ),
}

# A problem with an event's description (chalicelib/events.py's codes), for the console; the command line prints
# the validator's own English sentence.
EVENT_PROBLEMS: dict[str, str | tuple[str, str]] = {
    "not_toml": N_("The file is not valid TOML: {error}"),
    "empty_file": N_("Paste or upload a TOML file."),
    "too_long": N_("The text is too long (at most {limit} characters)."),
    "unknown_key": N_("Unknown key. Check the spelling."),
    "id_format": N_(
        "Use 1–64 lower-case letters a–z, digits and hyphens, starting with a letter or digit (for example "
        "network-may-2027)."
    ),
    "id_taken": N_("There is already a meeting at that address. Choose another."),
    "missing": N_("Fill in this field."),
    "not_text": N_("Fill in a text."),
    "translated_shape": N_("Write a text, or a table with sv and en."),
    "unknown_language": N_("Unknown language ({languages}). Use sv or en."),
    "swedish_required": N_("The Swedish text is required."),
    "local_datetime": N_("Write a date and time, for example 2027-05-24 18:00."),
    "no_such_time": N_("The time {when} does not exist that day (the clocks change). Choose another time."),
    "unknown_zone": N_("Unknown time zone {zone}. Write for example Europe/Stockholm."),
    "ends_before_start": N_("The end must be after the start."),
    "deadline_after_start": N_("The last day to sign up cannot be after the meeting starts."),
    "deadline_offset": N_("Write a local time without a time zone, for example 2027-05-15T12:00:00."),
    "deadline_format": N_("Write a date, for example 2027-05-15 (open through 23:59 that day)."),
    "seats": N_("Write a whole number, at least 1. Leave it empty if seats are not limited."),
    "below_seats_taken": Nn_(
        "{taken} seat is already taken. The number of seats cannot go below that: nobody loses a seat they were given.",
        "{taken} seats are already taken. The number of seats cannot go below that: nobody loses a seat they "
        "were given.",
    ),
    "whole_number": N_("Write a whole number from {at_least} to {at_most}."),
    "waitlist_needs_capacity": N_("A waiting list needs a number of seats: without a limit nobody waits."),
    "boolean": N_("Choose yes or no."),
    "hours_without_confirm": N_("Only used when the email address must be confirmed."),
    "email_list": N_("Write at least one email address."),
    "not_email": N_("{address} is not an email address."),
    "one_caterer": N_("Write one email address: the caterer gets one email."),
    "status_value": N_("The status must be open or closed."),
    "reminders_shape": N_('Write reminders as a table: days_before = [2], at = "09:00".'),
    "reminder_days": N_("Write whole days from 0 to 60, for example 7, 2."),
    "clock": N_("Write a time of day, for example 09:00."),
    "digest_shape": N_('Write the digest as a table: hour = 7, send = "changes", language = "sv".'),
    "hour": N_("Choose an hour from 0 to 23."),
    "digest_mode": N_("Choose when the digest is sent."),
    "language": N_("Choose Swedish or English."),
    "questions_shape": N_("Write the questions as a table, for example diet = true."),
    "unknown_question": N_("Unknown question."),
    "interests_shape": N_("Write one interest area a line: Svenskt namn | English name."),
    "interest_id": N_("Line {line}: the name needs at least one letter or digit."),
    "interest_twice": N_("Line {line}: the area is already on an earlier line."),
    "interest_name": N_("Line {line}: the Swedish name is required."),
    "interest_key": N_("Line {line}: write only the Swedish and the English name, separated by |."),
    "import_other_id": N_("The file describes another meeting. Only {id} can be imported here."),
    "organisers_admin_only": N_("Only an administrator can change who the organisers are."),
    "questions_twice": N_(
        "Switch the fixed questions either under [questions] or under [standard_questions], not both."
    ),
    "too_many_questions": N_("At most {max} questions of your own."),
    "question_shape": N_("Write each question as a [[questions]] table with id, type and label."),
    "question_id": N_("Use 1–40 lower-case letters a–z, digits and underscores, starting with a letter."),
    "question_id_consent": N_("A question's id must not end in _consent (that name is used for its consent)."),
    "question_twice": N_("The id {id} is already used by an earlier question."),
    "question_type": N_(
        "Choose a question type: short_text, long_text, one_choice, several_choices, yes_no or number."
    ),
    "question_key_for_type": N_("Not used by a question of type {type}."),
    "min_above_max": N_("The largest number cannot be less than the smallest."),
    "choices_shape": N_('Write the options as a list, for example [{ id = "a", sv = "…", en = "…" }].'),
    "too_many_question_choices": N_("At most {max} options."),
    "choice_id": N_("The option's id: use lower-case letters a–z, digits and hyphens."),
    "choice_twice": N_("The option {id} is already there."),
    "choice_name": N_("The option's Swedish name is required."),
    "show_when_shape": N_(
        'Write the condition as a table, for example { question = "workshop", equals = "robotics" }.'
    ),
    "show_when_question": N_("The condition must be about a yes/no or choice question above this one ({known})."),
    "show_when_value": N_("The condition must be one of the answers {allowed}, or a list of them."),
}

EVENT_WARNINGS: dict[str, str | tuple[str, str]] = {
    "deadline_passed": N_(
        "Registration is marked open, but the last day to sign up has passed: nobody can sign up. Move the last day "
        "if more people should be able to sign up."
    ),
    "closed_before_deadline": N_("Registration is closed although the last day to sign up has not passed."),
    "full_without_waitlist": N_("Every seat is taken and the meeting has no waiting list: the form is closed."),
    "meal_without_time": N_("The meal question is not asked until the meeting has a time for the meal."),
    "interests_without_areas": N_("The interest question is not asked until there is at least one area."),
    "hold_past_start": Nn_(
        "A seat is held for {hours} hour for someone who must confirm their address: someone who signs up on the "
        "last day may still hold a seat when the meeting starts.",
        "A seat is held for {hours} hours for someone who must confirm their address: someone who signs up on "
        "the last day may still hold a seat when the meeting starts.",
    ),
    "meal_far_from_meeting": N_("The meal is far from the meeting itself. Check the date and time."),
}


def event_problem(code: str, language: str, **params: Any) -> str:
    """A problem with an event's description (chalicelib/events.py's codes), for the console."""
    values = {key: ", ".join(value) if isinstance(value, list) else value for key, value in params.items()}
    return _counted(EVENT_PROBLEMS[code], language, values)


def event_warning(code: str, language: str, **params: Any) -> str:
    return _counted(EVENT_WARNINGS[code], language, params)


# The one number a counted problem or warning is about.
_COUNTS = ("taken", "hours")


def _counted(entry: str | tuple[str, str], language: str, params: dict[str, Any]) -> str:
    if isinstance(entry, tuple):
        return plural(language, entry, next(params[name] for name in _COUNTS if name in params), **params)
    text = translator(language).gettext(entry)
    return text.format(**params) if params else text


# What the templates look codes up in (Jinja2 globals): `{{ _(STATUS_NAMES[status]) }}`,
# `{{ pgettext(*FIELD_LABELS[name]) }}` for a table of `Nc_` entries.
TEMPLATE_TABLES: dict[str, Any] = {
    "FIELD_LABELS": FIELD_LABELS,
    "CHOICE_NAMES": CHOICE_NAMES,
    "LANGUAGE_NAMES": LANGUAGE_NAMES,
    "STATUS_NAMES": STATUS_NAMES,
    "EMAIL_PROBLEMS": EMAIL_PROBLEMS,
    "EVENT_QUESTIONS": EVENT_QUESTIONS,
    "DIGEST_MODES": DIGEST_MODES,
    "EVENT_FIELD_LABELS": EVENT_FIELD_LABELS,
    "EVENT_FIELD_HINTS": EVENT_FIELD_HINTS,
    "COUNTED": COUNTED,
}
