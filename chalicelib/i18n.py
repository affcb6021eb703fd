"""Everything a person reads: the gettext catalogues and the dates, in Swedish first and English second.

The texts are written in English in the code and the templates (the msgids); the Swedish lives in
`locale/sv/LC_MESSAGES/messages.po`, compiled to `messages.mo` by `make` (never committed). `make messages`
extracts the texts and updates the catalogue; tests/unit/test_catalogue.py fails on a text without Swedish
and on a Swedish text the code no longer uses.
"""

from __future__ import annotations

import functools
import gettext
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_time

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


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """N_ for a text with a count: translated where shown by `plural(...)`."""
    return singular, plural


@functools.cache
def translator(language: str) -> gettext.NullTranslations:
    """`.gettext(text)` and `.ngettext(singular, plural, n)` in the language (Swedish unless English)."""
    if language == "en":
        return gettext.NullTranslations()
    with catalogue_path("sv").open("rb") as compiled:
        return gettext.GNUTranslations(compiled)


def plural(language: str, forms: tuple[str, str], count: int, **params: Any) -> str:
    """A text from an `Nn_` table, for `count`, with its placeholders filled (`count` among them)."""
    return translator(language).ngettext(*forms, count).format(count=count, **params)


# Codes that travel as data (errors.py's codes and forms.py's field problems) and what they say.
ERROR_MESSAGES: dict[str, str] = {
    "event_not_found": N_("We cannot find a meeting at that address. Please check the link you were given."),
    "registration_not_found": N_("We cannot find that registration. It may have been cancelled."),
    "registration_closed": N_("Registration is closed. The last day to sign up was {last_day}."),
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
}


def message(code: str, language: str, **params: Any) -> str:
    """An error code's message (`ERROR_MESSAGES`), in the language."""
    text = translator(language).gettext(ERROR_MESSAGES[code])
    return text.format(**params) if params else text


def field_message(code: str, language: str, **params: Any) -> str:
    """A field problem's message (`FIELD_MESSAGES`), in the language."""
    text = translator(language).gettext(FIELD_MESSAGES[code])
    return text.format(**params) if params else text


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
        "diet_hint": "Bara om du ska äta. Uppgiften används bara för att beställa maten.",
        "diet_consent": "Jag samtycker till att uppgiften om specialkost sparas för att ordna maten. "
        "Den kan säga något om hälsa eller tro, därför frågar vi.",
        "diet_consent_label": "Samtycke för specialkost",
        "privacy_notice": "{controller} ansvarar för uppgifterna. De används bara för att planera träffen och "
        "kontakta dig om den, och delas bara med arrangörerna (antal och specialkost med den som lagar maten). "
        "Specialkost och behov raderas {sensitive} dagar efter träffen, hela anmälan efter {days} dagar.",
        "access_needs": "Behöver du något för att kunna delta (till exempel hörslinga eller tillgänglig entré)?",
        "attended_before": "Var du med på den första träffen?",
        "interests": "Vilka arbetsgrupper är du intresserad av?",
        "message": "Något annat du vill säga till arrangörerna?",
        "website": "Lämna det här fältet tomt",
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
        "waitlist_full_heading": "Väntelistan är full",
        "thanks_confirmed": "Du har en plats. En bekräftelse skickas till din e-post.",
        "thanks_waitlisted": "Alla platser är tagna, så du står på väntelistan. Vi hör av oss om en plats blir ledig.",
        "thanks_pending": "Vi håller en plats åt dig. Öppna mejlet vi har skickat och bekräfta med länken i det, "
        "annars går platsen vidare till någon annan.",
        "thanks_email_note": "Bekräftelsen kan dröja några minuter. Kolla skräpposten om den inte kommer.",
        "language_switch": "In English",
        "not_found_heading": "Träffen hittades inte",
        "back_to_form": "Tillbaka till anmälan",
        "meal_chosen": "Måltid från {time}",
        "manage_heading": "Din anmälan",
        "privacy_link": "Så hanterar vi dina personuppgifter",
        "privacy_heading": "Så hanterar vi dina personuppgifter",
        "privacy_controller_title": "Vem ansvarar",
        "privacy_controller": "{controller} är personuppgiftsansvarig för anmälningarna till kommunens träffar.",
        "privacy_purpose_title": "Varför",
        "privacy_purpose": "Vi använder uppgifterna för att planera träffen (platser, mat, tillgänglighet, "
        "arbetsgrupper) och för att kontakta dig om den: bekräftelse, påminnelse och ändringar.",
        "privacy_basis_title": "Rättslig grund",
        "privacy_basis": "Allmänt intresse: kommunens arbete för social hållbarhet. Uppgiften om specialkost "
        "sparas bara med ditt uttryckliga samtycke, eftersom den kan säga något om hälsa eller tro.",
        "privacy_recipients_title": "Vem får ta del av uppgifterna",
        "privacy_recipients": "Arrangörerna av träffen. Den som lagar maten får antal och specialkost, utan namn. "
        "Uppgifterna lagras hos Amazon Web Services i EU.",
        "privacy_retention_title": "Hur länge",
        "privacy_retention": "Specialkost och behov för att delta raderas {sensitive} dagar efter träffen. "
        "Hela anmälan raderas {days} dagar efter träffen.",
        "privacy_rights_title": "Dina rättigheter",
        "privacy_rights": "Du kan avboka själv med länken i bekräftelsemejlet. Du har rätt att få veta vilka "
        "uppgifter vi har om dig, att få dem rättade eller raderade, och att klaga hos "
        "Integritetsskyddsmyndigheten (IMY). Kontakta {controller} eller arrangören.",
        "csv.name": "Namn",
        "csv.meal": "Måltid",
        "csv.access": "Behov för att delta",
        "csv.attended": "Var med förra gången",
        "csv.interests": "Arbetsgrupper",
        "csv.message": "Meddelande",
        "csv.registered": "Anmäld",
        "csv.checked_in": "Incheckad",
        # The console's people, door list and check-in pages.
        "people.heading": "Deltagare: {title}",
        "people.organisation": "Organisation",
        "people.status.confirmed": "Har plats",
        "people.status.pending": "Plats hålls, ej bekräftad",
        "people.status.waitlisted": "På väntelistan",
        "people.status.cancelled": "Avbokad",
        "people.meals": "Äter (med plats)",
        "people.checked_in": "Incheckade",
        "people.find_heading": "Sök och filtrera",
        "people.search_label": "Sök på namn, organisation eller e-postadress",
        "people.filter_status": "Status",
        "people.filter_status.live": "Alla utom avbokade",
        "people.filter_status.confirmed": "Har plats",
        "people.filter_status.pending": "Plats hålls, ej bekräftad",
        "people.filter_status.waitlisted": "På väntelistan",
        "people.filter_status.cancelled": "Avbokade",
        "people.filter_status.all": "Alla, även avbokade",
        "people.any": "Alla",
        "people.meal_yes": "Äter",
        "people.meal_no": "Äter inte",
        "people.show": "Visa",
        "people.showing": "Visar {shown} av {total} anmälda.",
        "people.showing_found": "{shown} hittade.",
        "people.none": "Ingen matchar sökningen.",
        "people.back_to_people": "Alla deltagare",
        "people.where_heading": "Anmälan",
        "people.held_until": "hålls till {until}",
        "people.updated": "Senast ändrad",
        "people.answers_heading": "Svar",
        "people.language": "Språk",
        "people.language.sv": "Svenska",
        "people.language.en": "Engelska",
        "people.email_heading": "E-post till personen",
        "people.email_latest": "Senaste mejlet",
        "people.email_attempts": "Försök att skicka",
        "people.email_due": "Nästa försök",
        "people.email_kept": "Historiken sparas lika länge som anmälan och raderas med personen. "
        "Mejlens innehåll sparas inte.",
        "people.history_heading": "Alla mejl, det senaste först",
        "people.history_when": "När",
        "people.history_kind": "Mejl",
        "people.history_result": "Hur det gick",
        "people.history_none": "Inga mejl skickade ännu.",
        "people.email_kind.resend": "Bekräftelse skickad igen",
        "people.email_kind.ses_notice": "Besked från mottagarens e-postserver",
        "people.email_result.sent": "skickat",
        "people.email_result.failed": "misslyckades",
        "people.email_result.suppressed": "inte skickat: adressen studsar eller har anmält skräppost",
        "people.email_result.limited": "inte skickat: för många mejl till adressen samma dag",
        "people.email_result.bounced": "studsade: adressen finns inte",
        "people.email_result.complained": "anmält som skräppost",
        "people.email_kind.confirmation": "Bekräftelse",
        "people.email_kind.promotion": "Plats från väntelistan",
        "people.email_kind.cancellation": "Avbokningsbekräftelse",
        "people.email_kind.left_waitlist": "Lämnat väntelistan",
        "people.email_kind.cancelled_hold": "Avbokad innan platsen bekräftades",
        "people.email_kind.already_registered": "Redan anmäld",
        "people.email_kind.reminder": "Påminnelse",
        "people.email_state.sending": "på väg",
        "people.email_state.sent": "skickat",
        "people.email_state.failed": "försenat, försöker igen",
        "people.email_state.gave_up": "gick inte att skicka",
        "people.email_state.suppressed": "inte skickat: adressen studsar eller har anmält skräppost",
        "people.email_state.limited": "inte skickat: för många mejl till adressen samma dag",
        "people.cancel_heading": "Avboka",
        "people.cancel_tell_legend": "Ska personen få veta?",
        "people.cancel_tell": "Ja, skicka en avbokningsbekräftelse",
        "people.cancel_silent": "Nej, avboka utan att mejla",
        "people.cancel_note_seat": "Platsen går till den som står först på väntelistan, och hen får ett mejl om det.",
        "people.cancel_note_waiting": "Personen tas bort från väntelistan.",
        "people.cancel_button": "Avboka {name}",
        "people.cancel_started": "Träffen har börjat, så anmälan kan inte längre avbokas.",
        "people.cancelled_told": "Anmälan är avbokad och personen får en bekräftelse.",
        "people.cancelled_silent": "Anmälan är avbokad. Inget mejl skickas till personen.",
        "people.already_cancelled": "Anmälan var redan avbokad. Inget har ändrats.",
        "people.promote_heading": "Flytta upp från väntelistan",
        "people.promote_note": "Personen får en ledig plats före dem som står före på väntelistan, och ett mejl om "
        "det.",
        "people.promote_button": "Flytta upp {name}",
        "people.promote_done": "{name} har flyttats upp från väntelistan och får ett mejl om det.",
        "people.promote_not_waiting": "Personen står inte längre på väntelistan. Inget har ändrats.",
        "people.promote_no_seat": "Det finns ingen ledig plats, så ingen har flyttats upp. Höj antalet platser för "
        "träffen först om fler ska få plats.",
        "people.promote_needs_seat": "Det finns ingen ledig plats just nu. Höj antalet platser för träffen om "
        "personen ska få en.",
        "people.promote_started": "Träffen har börjat, så ingen kan flyttas upp från väntelistan.",
        "people.resend_heading": "Skicka bekräftelsen igen",
        "people.resend_note": "Personen får mejlet som gäller för anmälan just nu, med länken för att ändra eller "
        "avboka.",
        "people.resend_button": "Skicka bekräftelsen igen till {name}",
        "people.resend_done": "Bekräftelsen skickas igen.",
        "people.resend_on_its_way": "Ett mejl till personen är redan på väg. Inget nytt har skickats.",
        "people.resend_not_live": "Anmälan är avbokad, så det finns ingen bekräftelse att skicka.",
        "people.resend_started": "Träffen har börjat, så ingen bekräftelse skickas.",
        "people.resend_suppressed": "Adressen har studsat eller anmält mejl som skräp, så inget skickas dit.",
        "people.resend_limited": "Adressen har fått så många mejl som tillåts i dag. Försök igen i morgon.",
        "people.promoted": "{name} fick platsen från väntelistan och får ett mejl om det.",
        "people.checked_in_now": "{name} är incheckad.",
        "people.check_in_undone": "Incheckningen av {name} är ångrad.",
        "people.arrived": "{arrived} av {seated} med plats har kommit.",
        "check_in.heading": "Incheckning",
        "check_in.search_label": "Sök deltagare",
        "check_in.search_hint": "Skriv minst två bokstäver av namn, organisation eller e-postadress.",
        "check_in.search_button": "Sök",
        "check_in.button": "Checka in",
        "check_in.button_label": "Checka in {name}",
        "check_in.undo": "Ångra",
        "check_in.undo_label": "Ångra incheckningen av {name}",
        "check_in.present_at": "Incheckad {time}",
        "door.heading": "Dörrlista: {title}",
        "door.total": "{total} personer med plats.",
        "door.meals": "{meals} äter.",
        "door.print_hint": "Skriv ut sidan (Ctrl+P eller Cmd+P). Listan är sorterad efter förnamn, med Å, Ä och "
        "Ö sist.",
        "door.here": "Här",
        "door.arrived": "Incheckad",
        "door.not_arrived": "Inte incheckad",
        "door.held": "plats hålls, ej bekräftad",
        "audit.downloaded_csv": "Laddade ner deltagarlistan (CSV)",
        "audit.opened_door_list": "Öppnade dörrlistan",
        "audit.cancelled_told": "Avbokade en anmälan (personen fick mejl)",
        "audit.cancelled_silent": "Avbokade en anmälan (utan mejl)",
        "audit.checked_in": "Checkade in",
        "audit.check_in_undone": "Ångrade en incheckning",
        "audit.added_by_hand": "Lade till en anmälan för hand",
        "audit.promoted": "Flyttade upp en anmälan från väntelistan",
        "audit.resent_confirmation": "Skickade bekräftelsen igen",
        "add.heading": "Lägg till en person",
        "add.heading_walk_in": "Lägg till någon vid dörren",
        "add.intro": "För den som anmäler sig per telefon eller på annat sätt, också efter sista anmälningsdagen. "
        "Personen får samma bekräftelse som vid en egen anmälan. Finns ingen plats hamnar personen på väntelistan.",
        "add.intro_walk_in": "För den som kommer utan att ha anmält sig. Personen checkas in direkt om det finns "
        "en plats och får samma bekräftelse som vid en egen anmälan.",
        "add.button": "Lägg till",
        "add.button_walk_in": "Lägg till och checka in",
        "add.see_existing": "Visa anmälan",
        "add.link": "Lägg till en person (telefonanmälan)",
        "add.link_walk_in": "Lägg till någon som inte är anmäld",
        "add.waitlisted": "{name} är tillagd på väntelistan: det finns ingen ledig plats.",
        "digest.subject": "Anmälningar till {title}: {confirmed} anmälda",
        "digest.final_subject": "Slutlig deltagarlista: {title}",
        "digest.heading": "Läget för {title}",
        "digest.final_heading": "Anmälan har stängt: slutlig deltagarlista för {title}",
        "digest.counts": "Anmälda: {confirmed}. Väntelista: {waitlisted}. Avbokade: {cancelled}.",
        "digest.seats_left": "Lediga platser: {seats}.",
        "digest.pending": "Platser som hålls tills personen bekräftat sin e-postadress: {pending}.",
        "digest.deadline": "Dagar kvar till sista anmälningsdag: {days}.",
        "digest.meals": "Måltider: {meals}",
        "digest.diets": "Specialkost",
        "digest.access": "Behov för att delta",
        "digest.changes": "Nytt sedan förra utskicket",
        "digest.changes_all": "Alla anmälningar hittills",
        "digest.new": "Nya anmälningar",
        "digest.cancelled": "Avbokningar",
        "digest.promoted": "Fått plats från väntelistan",
        "digest.organisations": "Organisationer ({count})",
        "digest.sectors": "Typ av verksamhet",
        "digest.interests": "Intresse för arbetsgrupper",
        "digest.email_problems": "Mejl som inte gått fram",
        "digest.live_link": "Se deltagarlistan som den ser ut just nu i Signup för arrangörer",
        "digest.live_link_note": "Du loggar in med den e-postadress som står som arrangör för träffen. Listan "
        "visar namn, specialkost och behov, så bara den som loggar in ser den.",
        "digest.attachment": "Hela deltagarlistan finns bifogad (öppnas i Excel).",
        "digest.none": "Inga",
        "email_state.failed": "försenat, försöker igen",
        "email_state.gave_up": "gick inte att skicka",
        "email_state.suppressed": "adressen studsar eller har anmält skräppost",
        "email_state.limited": "för många mejl till adressen i dag",
        "reminder.subject": "Påminnelse: {title}, {date}",
        "mail_reminder": "Välkommen! Här är en påminnelse om träffen.",
        "status": "Status",
        "status.confirmed": "Du har en plats",
        "status.waitlisted": "På väntelistan",
        "status.cancelled": "Avbokad",
        "status.pending": "Plats hålls, inte bekräftad än",
        "confirm_heading": "Bekräfta din plats",
        "confirm_text": "Vi håller platsen åt dig till {until}. Tryck på knappen så är platsen din.",
        "confirm_button": "Bekräfta min plats",
        "confirmed_heading": "Din plats är bekräftad",
        "confirmed_text": "Välkommen! En bekräftelse med kalenderfil kommer i nästa mejl från oss.",
        "already_confirmed_text": "Platsen var redan bekräftad. Inget mer behöver göras.",
        "released_heading": "Tiden för att bekräfta har gått ut",
        "released_text": "Platsen gick vidare till nästa person på väntelistan. Du kan anmäla dig igen så länge "
        "anmälan är öppen.",
        "not_held_text": "Det finns ingen plats att bekräfta för den här anmälan.",
        "cancel_hint": "Kan du inte komma? Avboka, så kan någon annan få platsen.",
        "cancel_button": "Avboka min anmälan",
        "cancelled_heading": "Din anmälan är avbokad",
        "cancelled_text": (
            "Tack för att du hörde av dig. Vill du komma ändå kan du anmäla dig igen så länge anmälan är öppen."
        ),
        "already_cancelled_text": "Anmälan var redan avbokad. Inget mer behöver göras.",
        "link_invalid_heading": "Länken fungerar inte",
        "link_invalid_text": "Länken är ofullständig eller ändrad. Använd länken i ditt bekräftelsemejl, "
        "eller kontakta arrangören.",
        "link_expired_heading": "Länken har gått ut",
        "link_expired_text": "Träffen är över, så länken går inte längre att använda.",
        "thanks_email_limited": (
            "Din anmälan är sparad. Vi har redan skickat flera mejl till den adressen i dag, så ingen bekräftelse "
            "skickas nu. Frågor? Kontakta arrangören."
        ),
        "thanks_email_delayed": (
            "Bekräftelsemejlet är försenat. Din anmälan är sparad och mejlet skickas så snart det går."
        ),
        "mail_greeting": "Hej {name}!",
        "mail_confirmed": "Tack för din anmälan. Du har en plats på träffen.",
        "mail_waitlisted": "Tack för din anmälan. Alla platser är tagna, så du står på väntelistan. "
        "Blir en plats ledig får du ett nytt mejl.",
        "mail_promoted": "En plats har blivit ledig och den är din. Välkommen!",
        "mail_pending": "Tack för din anmälan. Vi håller en plats åt dig, och den blir din när du har bekräftat "
        "att den här e-postadressen är din.",
        "mail_promoted_pending": "En plats har blivit ledig och vi håller den åt dig.",
        "mail_confirm_hold": "Bekräfta senast {until} genom att öppna länken och trycka på knappen. Annars går "
        "platsen till nästa person på väntelistan.",
        "mail_confirm_link": "Bekräfta din plats",
        "mail_your_answers": "Det här svarade du",
        "mail_free_text_behind_link": "Det du skrev med egna ord (till exempel specialkost) står inte i mejlet. "
        "Du ser det via länken nedan.",
        "mail_manage": "Se, ändra eller avboka din anmälan",
        "mail_manage_hint": "Kan du inte komma? Avboka gärna, så kan någon på väntelistan få platsen.",
        "mail_contact": "Frågor? Svara på det här mejlet eller skriv till {contact}.",
        "mail_calendar": "Lägg in träffen i din kalender med den bifogade filen.",
        "mail_cancelled": "Din anmälan är avbokad. Tack för att du sa till, då kan någon annan få platsen.",
        "mail_left_waitlist": "Du har lämnat väntelistan. Du får inga fler mejl om träffen.",
        "mail_calendar_removed": "Har du lagt in träffen i din kalender tar den bifogade filen bort den.",
        "mail_sign_up_again": "Ångrar du dig? Anmäl dig igen via formuläret så länge anmälan är öppen.",
        "mail_already_registered": "Någon – kanske du själv – försökte just anmäla den här e-postadressen till "
        "träffen igen. Du är redan anmäld, och ingenting i din anmälan har ändrats.",
        "mail_already_status": "Din anmälan just nu: {status}.",
        "mail_already_change": "Se eller ändra dina svar här",
        "mail_already_not_you": "Var det inte du? Då behöver du inte göra något: ingen annan kan se eller ändra "
        "din anmälan utan länken i det här mejlet.",
        "edit_heading": "Ändra dina svar",
        "edit_hint": "Ändra det som behövs och spara. E-postadressen går inte att ändra här.",
        "edit_email": "E-postadress: {email}",
        "save_button": "Spara ändringarna",
        "saved_heading": "Dina svar är sparade",
        "nothing_changed_heading": "Ingenting har ändrats",
        "saved_text": "Tack! Ändringarna är sparade.",
        "edit_closed": "Anmälan är stängd, så svaren går inte längre att ändra här. Behöver du ändra något? "
        "Kontakta arrangören.",
        "event_started_text": "Träffen har redan börjat, så anmälan går inte längre att avboka här. "
        "Kontakta arrangören om något har ändrats.",
        "console.title": "Signup för arrangörer",
        "console.skip": "Hoppa till innehållet",
        "console.sign_in_heading": "Logga in på Signup",
        "console.sign_in_intro": "Skriv din e-postadress. Är du arrangör av en träff eller administratör får du "
        "ett mejl med en länk som loggar in dig. Du behöver inget lösenord.",
        "console.send_link": "Skicka en inloggningslänk",
        "console.signed_out": "Du är utloggad.",
        "console.check_email_heading": "Titta i din e-post",
        "console.check_email_text": "Hör adressen till en arrangör eller en administratör har vi skickat en "
        "inloggningslänk till den. Länken gäller i {minutes} minuter och fungerar en gång.",
        "console.check_email_device": "Du loggas in i den webbläsare där du trycker på knappen på sidan som "
        "länken öppnar, även på en annan enhet än den här.",
        "console.check_email_missing": "Inget mejl efter några minuter? Titta i skräpposten och kontrollera att "
        "du skrev den adress som står som arrangör för din träff.",
        "console.ask_again": "Be om en ny länk",
        "console.limited_heading": "Vänta en stund",
        "console.limited_address": "Vi har redan skickat flera inloggningslänkar till den här adressen den senaste "
        "timmen. Använd länken i det senaste mejlet, eller försök igen om en timme.",
        "console.limited_sender": "Många har bett om inloggningslänkar från din uppkoppling den senaste timmen. "
        "Försök igen om en stund.",
        "console.limited_admin": "Brådskar det? En administratör kan ändå göra en inloggningslänk åt dig med "
        "kommandot ./signup console link ADRESS.",
        "console.button_heading": "Logga in på Signup",
        "console.button_text": "Tryck på knappen för att logga in i den här webbläsaren. Länken fungerar en gång.",
        "console.button": "Logga in",
        "console.link_used_heading": "Länken är redan använd",
        "console.link_used_text": "En inloggningslänk fungerar bara en gång. Be om en ny länk.",
        "console.link_expired_heading": "Länken har gått ut",
        "console.link_expired_text": "En inloggningslänk gäller i {minutes} minuter. Be om en ny länk.",
        "console.link_unknown_heading": "Länken fungerar inte",
        "console.link_unknown_text": "Länken är ofullständig eller ändrad. Kopiera hela länken från mejlet, "
        "eller be om en ny.",
        "console.signed_in_as": "Inloggad som {email}",
        "console.administrator": "administratör",
        "console.sign_out": "Logga ut",
        "console.sign_out_everywhere": "Logga ut på alla enheter",
        "console.nav_events": "Träffar",
        "console.all_events": "Alla träffar",
        "console.your_events": "Dina träffar",
        "console.no_events": "Det finns ingen träff där du står som arrangör.",
        "console.upcoming": "Kommande träffar",
        "console.past": "Tidigare träffar",
        "console.col_event": "Träff",
        "console.col_date": "Datum",
        "console.col_seats": "Platser tagna",
        "console.col_waiting": "Väntelista",
        "console.col_deadline": "Sista anmälningsdag",
        "console.col_days_left": "Dagar kvar",
        "console.seats_of": "{taken} av {capacity}",
        "console.closed": "Stängd",
        "console.open": "Öppen",
        "console.event_status": "Anmälan",
        "console.counts_heading": "Anmälningar",
        "console.confirmed": "Har plats",
        "console.pending": "Varav platser som hålls tills personen bekräftat",
        "console.waitlisted": "På väntelistan",
        "console.seats_left": "Lediga platser",
        "console.capacity": "Platser",
        "console.no_limit": "ingen gräns",
        "console.tools_heading": "Gör",
        "console.people": "Deltagare",
        "console.export_csv": "Ladda ner deltagarlistan (CSV för Excel)",
        "console.door_list": "Dörrlista att skriva ut",
        "console.check_in": "Incheckning vid dörren",
        "console.audit": "Händelselogg",
        "console.public_form": "Anmälningsformuläret som deltagarna ser",
        "console.audit_heading": "Händelselogg: {title}",
        "console.audit_note": "Loggen sparas lika länge som träffens uppgifter: till {days} dagar efter träffen.",
        "console.audit_empty": "Inget har loggats ännu.",
        "console.col_when": "När",
        "console.col_who": "Vem",
        "console.col_what": "Vad",
        "console.col_detail": "Detaljer",
        "console.back_to_event": "Tillbaka till träffen",
        "console.back_to_events": "Alla träffar",
        "console.forbidden_heading": "Ingenting har ändrats",
        "console.forbidden_text": "Formuläret var för gammalt eller kom inte från Signup. Gå tillbaka, ladda om "
        "sidan och försök igen.",
        "console.organiser_moved_heading": "Deltagarlistan finns nu i Signup för arrangörer",
        "console.organiser_moved_text": "Länkar till deltagarlistan har ersatts av en inloggning. Logga in med din "
        "e-postadress, så ser du deltagarna i dina träffar.",
        "console.mail_subject": "Logga in på Signup",
        "console.mail_text": "Någon – förhoppningsvis du – bad om att få logga in på Signup för arrangörer med "
        "den här e-postadressen.",
        "console.mail_link": "Logga in på Signup",
        "console.mail_valid": "Länken gäller i {minutes} minuter och fungerar en gång. Du loggas in i den "
        "webbläsare där du trycker på knappen på sidan som öppnas.",
        "console.mail_not_you": "Bad du inte om att logga in? Då kan du strunta i mejlet. Ingen kan logga in utan "
        "länken.",
        "audit.signed_in": "Loggade in",
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
        "diet_hint": "Only if you will eat. It is used only to order the food.",
        "diet_consent": "I agree that my dietary information is stored to arrange the food. "
        "It can reveal health or belief, which is why we ask.",
        "diet_consent_label": "Consent for dietary information",
        "privacy_notice": "{controller} is responsible for this information. It is used only to plan the meeting "
        "and to contact you about it, and shared only with the organisers (numbers and diets with the caterer). "
        "Diets and access needs are deleted {sensitive} days after the meeting, the whole registration after "
        "{days} days.",
        "access_needs": "Do you need anything to take part (for example a hearing loop or step-free access)?",
        "attended_before": "Did you attend the first meeting?",
        "interests": "Which working groups are you interested in?",
        "message": "Anything else you want to tell the organisers?",
        "website": "Leave this field empty",
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
        "waitlist_full_heading": "The waiting list is full",
        "thanks_confirmed": "You have a seat. A confirmation is on its way to your email.",
        "thanks_waitlisted": (
            "All seats are taken, so you are on the waiting list. We will be in touch if a seat opens up."
        ),
        "thanks_pending": "We are holding a seat for you. Open the email we sent and confirm with the link in it, "
        "otherwise the seat goes to someone else.",
        "thanks_email_note": "The confirmation may take a few minutes. Check your spam folder if it does not arrive.",
        "language_switch": "På svenska",
        "not_found_heading": "Meeting not found",
        "back_to_form": "Back to the registration form",
        "meal_chosen": "Meal from {time}",
        "manage_heading": "Your registration",
        "privacy_link": "How we handle your personal data",
        "privacy_heading": "How we handle your personal data",
        "privacy_controller_title": "Who is responsible",
        "privacy_controller": "{controller} is the data controller for registrations to the municipality's meetings.",
        "privacy_purpose_title": "Why",
        "privacy_purpose": "We use the information to plan the meeting (seats, food, accessibility, working groups) "
        "and to contact you about it: confirmation, reminder and changes.",
        "privacy_basis_title": "Legal basis",
        "privacy_basis": "Public interest: the municipality's work for social sustainability. Dietary information is "
        "stored only with your explicit consent, because it can reveal health or belief.",
        "privacy_recipients_title": "Who sees the information",
        "privacy_recipients": "The meeting's organisers. The caterer gets numbers and diets, without names. "
        "The information is stored with Amazon Web Services in the EU.",
        "privacy_retention_title": "How long",
        "privacy_retention": "Diets and access needs are deleted {sensitive} days after the meeting. "
        "The whole registration is deleted {days} days after the meeting.",
        "privacy_rights_title": "Your rights",
        "privacy_rights": "You can cancel yourself with the link in the confirmation email. You have the right to "
        "know what we hold about you, to have it corrected or erased, and to complain to the Swedish Authority "
        "for Privacy Protection (IMY). Contact {controller} or the organiser.",
        "csv.name": "Name",
        "csv.meal": "Meal",
        "csv.access": "Access needs",
        "csv.attended": "Attended before",
        "csv.interests": "Working groups",
        "csv.message": "Message",
        "csv.registered": "Registered",
        "csv.checked_in": "Checked in",
        # The console's people, door list and check-in pages.
        "people.heading": "People: {title}",
        "people.organisation": "Organisation",
        "people.status.confirmed": "Has a seat",
        "people.status.pending": "Seat held, not confirmed",
        "people.status.waitlisted": "On the waiting list",
        "people.status.cancelled": "Cancelled",
        "people.meals": "Eating (with a seat)",
        "people.checked_in": "Checked in",
        "people.find_heading": "Search and filter",
        "people.search_label": "Search by name, organisation or email address",
        "people.filter_status": "Status",
        "people.filter_status.live": "Everyone but the cancelled",
        "people.filter_status.confirmed": "Has a seat",
        "people.filter_status.pending": "Seat held, not confirmed",
        "people.filter_status.waitlisted": "On the waiting list",
        "people.filter_status.cancelled": "Cancelled",
        "people.filter_status.all": "Everyone, cancelled too",
        "people.any": "Any",
        "people.meal_yes": "Eating",
        "people.meal_no": "Not eating",
        "people.show": "Show",
        "people.showing": "Showing {shown} of {total} registered.",
        "people.showing_found": "{shown} found.",
        "people.none": "Nobody matches the search.",
        "people.back_to_people": "All people",
        "people.where_heading": "Registration",
        "people.held_until": "held until {until}",
        "people.updated": "Last changed",
        "people.answers_heading": "Answers",
        "people.language": "Language",
        "people.language.sv": "Swedish",
        "people.language.en": "English",
        "people.email_heading": "Email to the person",
        "people.email_latest": "Latest email",
        "people.email_attempts": "Attempts to send",
        "people.email_due": "Next attempt",
        "people.email_kept": "The history is kept as long as the registration and erased with the person. "
        "The emails' contents are not kept.",
        "people.history_heading": "Every email, newest first",
        "people.history_when": "When",
        "people.history_kind": "Email",
        "people.history_result": "How it went",
        "people.history_none": "No emails sent yet.",
        "people.email_kind.resend": "Confirmation sent again",
        "people.email_kind.ses_notice": "Notice from the recipient's mail server",
        "people.email_result.sent": "sent",
        "people.email_result.failed": "failed",
        "people.email_result.suppressed": "not sent: the address bounces or reported spam",
        "people.email_result.limited": "not sent: too many emails to the address that day",
        "people.email_result.bounced": "bounced: the address does not exist",
        "people.email_result.complained": "reported as spam",
        "people.email_kind.confirmation": "Confirmation",
        "people.email_kind.promotion": "Seat from the waiting list",
        "people.email_kind.cancellation": "Cancellation receipt",
        "people.email_kind.left_waitlist": "Left the waiting list",
        "people.email_kind.cancelled_hold": "Cancelled before the seat was confirmed",
        "people.email_kind.already_registered": "Already registered",
        "people.email_kind.reminder": "Reminder",
        "people.email_state.sending": "on its way",
        "people.email_state.sent": "sent",
        "people.email_state.failed": "delayed, retrying",
        "people.email_state.gave_up": "could not be sent",
        "people.email_state.suppressed": "not sent: the address bounces or reported spam",
        "people.email_state.limited": "not sent: too many emails to the address that day",
        "people.cancel_heading": "Cancel",
        "people.cancel_tell_legend": "Should the person be told?",
        "people.cancel_tell": "Yes, send a cancellation receipt",
        "people.cancel_silent": "No, cancel without an email",
        "people.cancel_note_seat": "The seat goes to the first person on the waiting list, who gets an email about it.",
        "people.cancel_note_waiting": "The person is taken off the waiting list.",
        "people.cancel_button": "Cancel {name}",
        "people.cancel_started": "The meeting has started, so the registration can no longer be cancelled.",
        "people.cancelled_told": "The registration is cancelled and the person gets a receipt.",
        "people.cancelled_silent": "The registration is cancelled. No email goes to the person.",
        "people.already_cancelled": "The registration was already cancelled. Nothing has changed.",
        "people.promote_heading": "Move up from the waiting list",
        "people.promote_note": "The person gets a free seat ahead of anyone before them on the waiting list, and an "
        "email about it.",
        "people.promote_button": "Move {name} up",
        "people.promote_done": "{name} has been moved up from the waiting list and gets an email about it.",
        "people.promote_not_waiting": "The person is no longer on the waiting list. Nothing has changed.",
        "people.promote_no_seat": "There is no free seat, so nobody was moved up. Raise the meeting's capacity "
        "first if more people should get a seat.",
        "people.promote_needs_seat": "There is no free seat just now. Raise the meeting's capacity if this person "
        "should get one.",
        "people.promote_started": "The meeting has started, so nobody can be moved up from the waiting list.",
        "people.resend_heading": "Send the confirmation again",
        "people.resend_note": "The person gets the email for where the registration stands now, with the link to "
        "change or cancel.",
        "people.resend_button": "Send the confirmation to {name} again",
        "people.resend_done": "The confirmation is being sent again.",
        "people.resend_on_its_way": "An email to this person is already on its way. Nothing new was sent.",
        "people.resend_not_live": "The registration is cancelled, so there is no confirmation to send.",
        "people.resend_started": "The meeting has started, so no confirmation is sent.",
        "people.resend_suppressed": "The address bounced or reported email as spam, so nothing is sent to it.",
        "people.resend_limited": "The address has had as many emails as allowed today. Try again tomorrow.",
        "people.promoted": "{name} got the seat from the waiting list and gets an email about it.",
        "people.checked_in_now": "{name} is checked in.",
        "people.check_in_undone": "The check-in of {name} is undone.",
        "people.arrived": "{arrived} of {seated} with a seat have arrived.",
        "check_in.heading": "Check-in",
        "check_in.search_label": "Find a person",
        "check_in.search_hint": "Type at least two letters of the name, organisation or email address.",
        "check_in.search_button": "Search",
        "check_in.button": "Check in",
        "check_in.button_label": "Check in {name}",
        "check_in.undo": "Undo",
        "check_in.undo_label": "Undo the check-in of {name}",
        "check_in.present_at": "Checked in {time}",
        "door.heading": "Door list: {title}",
        "door.total": "{total} people with a seat.",
        "door.meals": "{meals} eating.",
        "door.print_hint": "Print the page (Ctrl+P or Cmd+P). The list is in Swedish alphabetical order of first "
        "name, with Å, Ä and Ö last.",
        "door.here": "Here",
        "door.arrived": "Checked in",
        "door.not_arrived": "Not checked in",
        "door.held": "seat held, not confirmed",
        "audit.downloaded_csv": "Downloaded the list of people (CSV)",
        "audit.opened_door_list": "Opened the door list",
        "audit.cancelled_told": "Cancelled a registration (the person was emailed)",
        "audit.cancelled_silent": "Cancelled a registration (no email)",
        "audit.checked_in": "Checked in",
        "audit.check_in_undone": "Undid a check-in",
        "audit.added_by_hand": "Added a registration by hand",
        "audit.promoted": "Moved a registration up from the waiting list",
        "audit.resent_confirmation": "Sent the confirmation again",
        "add.heading": "Add a person",
        "add.heading_walk_in": "Add someone at the door",
        "add.intro": "For someone who signs up by phone or some other way, also after the last day to sign up. "
        "They get the same confirmation as when signing up themselves. Without a free seat they join the "
        "waiting list.",
        "add.intro_walk_in": "For someone who comes without having signed up. They are checked in at once if there "
        "is a seat, and get the same confirmation as when signing up themselves.",
        "add.button": "Add",
        "add.button_walk_in": "Add and check in",
        "add.see_existing": "See the registration",
        "add.link": "Add a person (a phone sign-up)",
        "add.link_walk_in": "Add someone who has not signed up",
        "add.waitlisted": "{name} is added to the waiting list: there is no free seat.",
        "digest.subject": "Registrations for {title}: {confirmed} signed up",
        "digest.final_subject": "Final attendee list: {title}",
        "digest.heading": "Where {title} stands",
        "digest.final_heading": "Registration has closed: final attendee list for {title}",
        "digest.counts": "Signed up: {confirmed}. Waiting list: {waitlisted}. Cancelled: {cancelled}.",
        "digest.seats_left": "Seats left: {seats}.",
        "digest.pending": "Seats held until the person confirms their email address: {pending}.",
        "digest.deadline": "Days left until the last day to sign up: {days}.",
        "digest.meals": "Meals: {meals}",
        "digest.diets": "Dietary requirements",
        "digest.access": "Access needs",
        "digest.changes": "New since the last digest",
        "digest.changes_all": "All registrations so far",
        "digest.new": "New registrations",
        "digest.cancelled": "Cancellations",
        "digest.promoted": "Moved up from the waiting list",
        "digest.organisations": "Organisations ({count})",
        "digest.sectors": "Type of organisation",
        "digest.interests": "Interest in working groups",
        "digest.email_problems": "Emails that did not arrive",
        "digest.live_link": "See the attendee list as it stands now in Signup for organisers",
        "digest.live_link_note": "You sign in with the email address listed as organiser of the meeting. The "
        "list shows names, diets and access needs, so only someone who signs in sees it.",
        "digest.attachment": "The full attendee list is attached (opens in Excel).",
        "digest.none": "None",
        "email_state.failed": "delayed, retrying",
        "email_state.gave_up": "could not be sent",
        "email_state.suppressed": "the address bounces or reported spam",
        "email_state.limited": "too many emails to the address today",
        "reminder.subject": "Reminder: {title}, {date}",
        "mail_reminder": "Welcome! Here is a reminder about the meeting.",
        "status": "Status",
        "status.confirmed": "You have a seat",
        "status.waitlisted": "On the waiting list",
        "status.cancelled": "Cancelled",
        "status.pending": "Seat held, not yet confirmed",
        "confirm_heading": "Confirm your seat",
        "confirm_text": "We are holding the seat for you until {until}. Press the button and it is yours.",
        "confirm_button": "Confirm my seat",
        "confirmed_heading": "Your seat is confirmed",
        "confirmed_text": "Welcome! A confirmation with a calendar file follows in our next email.",
        "already_confirmed_text": "The seat was already confirmed. Nothing more needs to be done.",
        "released_heading": "The time to confirm has run out",
        "released_text": "The seat went to the next person on the waiting list. You can sign up again while "
        "registration is open.",
        "not_held_text": "There is no seat to confirm for this registration.",
        "cancel_hint": "Can't come? Cancel, so that someone else can have the seat.",
        "cancel_button": "Cancel my registration",
        "cancelled_heading": "Your registration is cancelled",
        "cancelled_text": (
            "Thank you for letting us know. If you can come after all, sign up again while registration is open."
        ),
        "already_cancelled_text": "The registration was already cancelled. Nothing more needs doing.",
        "link_invalid_heading": "The link does not work",
        "link_invalid_text": "The link is incomplete or has been changed. Use the link in your confirmation email, "
        "or contact the organiser.",
        "link_expired_heading": "The link has expired",
        "link_expired_text": "The meeting is over, so the link can no longer be used.",
        "thanks_email_limited": (
            "Your registration is saved. We have already sent several emails to that address today, so no "
            "confirmation is sent now. Questions? Contact the organiser."
        ),
        "thanks_email_delayed": (
            "The confirmation email is delayed. Your registration is saved and the email will be sent as soon as "
            "possible."
        ),
        "mail_greeting": "Hello {name},",
        "mail_confirmed": "Thank you for signing up. You have a seat at the meeting.",
        "mail_waitlisted": "Thank you for signing up. All seats are taken, so you are on the waiting list. "
        "If a seat opens up you will get another email.",
        "mail_promoted": "A seat has opened up and it is yours. Welcome!",
        "mail_pending": "Thank you for signing up. We are holding a seat for you; it is yours once you have "
        "confirmed that this email address is yours.",
        "mail_promoted_pending": "A seat has opened up and we are holding it for you.",
        "mail_confirm_hold": "Confirm by {until} by opening the link and pressing the button. Otherwise the seat "
        "goes to the next person on the waiting list.",
        "mail_confirm_link": "Confirm your seat",
        "mail_your_answers": "Your answers",
        "mail_free_text_behind_link": "What you wrote in your own words (such as dietary needs) is not repeated "
        "in this email. You can see it through the link below.",
        "mail_manage": "See, change or cancel your registration",
        "mail_manage_hint": "Can't come? Please cancel, so someone on the waiting list can have the seat.",
        "mail_contact": "Questions? Reply to this email or write to {contact}.",
        "mail_calendar": "Add the meeting to your calendar with the attached file.",
        "mail_cancelled": (
            "Your registration is cancelled. Thank you for letting us know: now someone else can have the seat."
        ),
        "mail_left_waitlist": "You have left the waiting list. You will get no more emails about the meeting.",
        "mail_calendar_removed": "If you added the meeting to your calendar, the attached file removes it.",
        "mail_sign_up_again": "Changed your mind? Sign up again through the form while registration is open.",
        "mail_already_registered": "Someone – perhaps you – just tried to sign this email address up for the "
        "meeting again. You are already registered, and nothing in your registration has changed.",
        "mail_already_status": "Your registration now: {status}.",
        "mail_already_change": "See or change your answers here",
        "mail_already_not_you": "Was it not you? Then you need do nothing: nobody can see or change your "
        "registration without the link in this email.",
        "edit_heading": "Change your answers",
        "edit_hint": "Change what you need and save. The email address cannot be changed here.",
        "edit_email": "Email address: {email}",
        "save_button": "Save the changes",
        "saved_heading": "Your answers are saved",
        "nothing_changed_heading": "Nothing was changed",
        "saved_text": "Thank you! The changes are saved.",
        "edit_closed": "Registration is closed, so the answers can no longer be changed here. Need to change "
        "something? Contact the organiser.",
        "event_started_text": "The meeting has already started, so the registration can no longer be cancelled "
        "here. Contact the organiser if something has changed.",
        "console.title": "Signup for organisers",
        "console.skip": "Skip to the content",
        "console.sign_in_heading": "Sign in to Signup",
        "console.sign_in_intro": "Enter your email address. If you organise a meeting or are an administrator, "
        "you will get an email with a link that signs you in. No password is needed.",
        "console.send_link": "Send a sign-in link",
        "console.signed_out": "You are signed out.",
        "console.check_email_heading": "Check your email",
        "console.check_email_text": "If the address belongs to an organiser or an administrator, we have sent a "
        "sign-in link to it. The link works for {minutes} minutes, once.",
        "console.check_email_device": "You will be signed in in the browser where you press the button on the "
        "page the link opens, even on another device than this one.",
        "console.check_email_missing": "No email after a few minutes? Look in your spam folder and check that you "
        "typed the address listed as organiser of your meeting.",
        "console.ask_again": "Ask for a new link",
        "console.limited_heading": "Please wait a while",
        "console.limited_address": "We have already sent several sign-in links to this address in the last hour. "
        "Use the link in the latest email, or try again in an hour.",
        "console.limited_sender": "Many sign-in links have been asked for from your connection in the last hour. "
        "Please try again in a while.",
        "console.limited_admin": "In a hurry? An administrator can still make a sign-in link for you with the "
        "command ./signup console link EMAIL.",
        "console.button_heading": "Sign in to Signup",
        "console.button_text": "Press the button to sign in in this browser. The link works once.",
        "console.button": "Sign in",
        "console.link_used_heading": "The link has already been used",
        "console.link_used_text": "A sign-in link works only once. Ask for a new link.",
        "console.link_expired_heading": "The link has expired",
        "console.link_expired_text": "A sign-in link works for {minutes} minutes. Ask for a new link.",
        "console.link_unknown_heading": "The link does not work",
        "console.link_unknown_text": "The link is incomplete or has been changed. Copy the whole link from the "
        "email, or ask for a new one.",
        "console.signed_in_as": "Signed in as {email}",
        "console.administrator": "administrator",
        "console.sign_out": "Sign out",
        "console.sign_out_everywhere": "Sign out on all devices",
        "console.nav_events": "Meetings",
        "console.all_events": "All meetings",
        "console.your_events": "Your meetings",
        "console.no_events": "There is no meeting that lists you as organiser.",
        "console.upcoming": "Upcoming meetings",
        "console.past": "Past meetings",
        "console.col_event": "Meeting",
        "console.col_date": "Date",
        "console.col_seats": "Seats taken",
        "console.col_waiting": "Waiting list",
        "console.col_deadline": "Last day to sign up",
        "console.col_days_left": "Days left",
        "console.seats_of": "{taken} of {capacity}",
        "console.closed": "Closed",
        "console.open": "Open",
        "console.event_status": "Registration",
        "console.counts_heading": "Registrations",
        "console.confirmed": "Have a seat",
        "console.pending": "Of those, seats held until the person confirms",
        "console.waitlisted": "On the waiting list",
        "console.seats_left": "Seats left",
        "console.capacity": "Seats",
        "console.no_limit": "no limit",
        "console.tools_heading": "Do",
        "console.people": "Attendees",
        "console.export_csv": "Download the attendee list (CSV for Excel)",
        "console.door_list": "Door list to print",
        "console.check_in": "Check-in at the door",
        "console.audit": "Audit log",
        "console.public_form": "The registration form attendees see",
        "console.audit_heading": "Audit log: {title}",
        "console.audit_note": "The log is kept as long as the meeting's data: until {days} days after the meeting.",
        "console.audit_empty": "Nothing has been logged yet.",
        "console.col_when": "When",
        "console.col_who": "Who",
        "console.col_what": "What",
        "console.col_detail": "Details",
        "console.back_to_event": "Back to the meeting",
        "console.back_to_events": "All meetings",
        "console.forbidden_heading": "Nothing was changed",
        "console.forbidden_text": "The form was too old or did not come from Signup. Go back, reload the page and "
        "try again.",
        "console.organiser_moved_heading": "The attendee list is now in Signup for organisers",
        "console.organiser_moved_text": "Links to the attendee list have been replaced by signing in. Sign in with "
        "your email address to see the attendees of your meetings.",
        "console.mail_subject": "Sign in to Signup",
        "console.mail_text": "Someone – hopefully you – asked to sign in to Signup for organisers with this email "
        "address.",
        "console.mail_link": "Sign in to Signup",
        "console.mail_valid": "The link works for {minutes} minutes, once. You will be signed in in the browser "
        "where you press the button on the page that opens.",
        "console.mail_not_you": "Did not ask to sign in? Then you can ignore this email. Nobody can sign in without "
        "the link.",
        "audit.signed_in": "Signed in",
    },
}


def labels(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["sv"])


def long_date(day: date | datetime, language: str) -> str:
    """'måndag 24 maj 2027' / 'Monday 24 May 2027'."""
    return format_date(day, "EEEE d MMMM y", locale=language)


def day_and_month(day: date, language: str) -> str:
    """'15 maj' / '15 May': how the municipality writes a deadline."""
    return format_date(day, "d MMMM", locale=language)


def date_and_clock(moment: datetime, language: str) -> str:
    """'måndag 24 maj 2027 kl. 17.00' / 'Monday 24 May 2027 at 17:00' (the moment as given, local)."""
    joiner = " kl. " if language == "sv" else " at "
    return long_date(moment, language) + joiner + clock(moment, language)


def clock(moment: datetime, language: str) -> str:
    """'17.00' in Swedish, '17:00' in English."""
    return format_time(moment, "HH.mm" if language == "sv" else "HH:mm", locale=language)


# -- the console's event pages: the validator's problems by code, warnings, labels ------------------
# One validator (chalicelib/events.py) judges the TOML file and the console's form; the command line
# prints its English sentence, the console these, in the page's language.
EVENT_PROBLEMS: dict[str, dict[str, str]] = {
    "sv": {
        "not_toml": "Filen är inte giltig TOML: {error}",
        "empty_file": "Klistra in eller ladda upp en TOML-fil.",
        "too_long": "Texten är för lång (högst {limit} tecken).",
        "unknown_key": "Okänd nyckel. Kontrollera stavningen.",
        "id_format": "Använd 1–64 små bokstäver a–z, siffror och bindestreck, och börja med en bokstav eller "
        "siffra (till exempel natverk-maj-2027).",
        "id_taken": "Det finns redan en träff med den adressen. Välj en annan.",
        "missing": "Fyll i fältet.",
        "not_text": "Fyll i en text.",
        "translated_shape": "Skriv en text, eller en tabell med sv och en.",
        "unknown_language": "Okänt språk ({languages}). Använd sv eller en.",
        "swedish_required": "Den svenska texten behövs.",
        "local_datetime": "Skriv datum och klockslag, till exempel 2027-05-24 18:00.",
        "no_such_time": "Klockslaget {when} finns inte den dagen (klockan ställs om). Välj en annan tid.",
        "unknown_zone": "Okänd tidszon {zone}. Skriv till exempel Europe/Stockholm.",
        "ends_before_start": "Slutet måste vara efter starten.",
        "deadline_after_start": "Sista anmälningsdag kan inte vara efter att träffen börjar.",
        "deadline_offset": "Skriv lokal tid utan tidszon, till exempel 2027-05-15T12:00:00.",
        "deadline_format": "Skriv ett datum, till exempel 2027-05-15 (öppet till och med 23.59 den dagen).",
        "seats": "Skriv ett heltal, minst 1. Lämna tomt om antalet platser inte är begränsat.",
        "below_seats_taken": "{taken} platser är redan tagna. Antalet platser kan inte bli färre än så: "
        "ingen förlorar en plats de har fått.",
        "whole_number": "Skriv ett heltal från {at_least} till {at_most}.",
        "waitlist_needs_capacity": "En väntelista behöver ett antal platser: utan gräns väntar ingen.",
        "boolean": "Välj ja eller nej.",
        "hours_without_confirm": "Används bara när e-postadressen ska bekräftas.",
        "email_list": "Skriv minst en e-postadress.",
        "not_email": "{address} är inte en e-postadress.",
        "status_value": "Status måste vara open (öppen) eller closed (stängd).",
        "reminders_shape": 'Skriv påminnelser som en tabell: days_before = [2], at = "09:00".',
        "reminder_days": "Skriv hela dagar från 0 till 60, till exempel 7, 2.",
        "clock": "Skriv ett klockslag, till exempel 09:00.",
        "digest_shape": 'Skriv sammanställningen som en tabell: hour = 7, send = "changes", language = "sv".',
        "hour": "Välj en timme från 0 till 23.",
        "digest_mode": "Välj när sammanställningen skickas.",
        "language": "Välj svenska eller engelska.",
        "questions_shape": "Skriv frågorna som en tabell, till exempel diet = true.",
        "unknown_question": "Okänd fråga.",
        "interests_shape": "Skriv ett intresseområde per rad: Svenskt namn | English name.",
        "interest_id": "Rad {line}: namnet behöver minst en bokstav eller siffra.",
        "interest_twice": "Rad {line}: området finns redan på en tidigare rad.",
        "interest_name": "Rad {line}: det svenska namnet behövs.",
        "interest_key": "Rad {line}: skriv bara svenskt och engelskt namn, åtskilda av |.",
        "import_other_id": "Filen beskriver en annan träff. Här kan bara {id} läsas in.",
        "organisers_admin_only": "Bara en administratör kan ändra vilka som är arrangörer.",
    },
    "en": {
        "not_toml": "The file is not valid TOML: {error}",
        "empty_file": "Paste or upload a TOML file.",
        "too_long": "The text is too long (at most {limit} characters).",
        "unknown_key": "Unknown key. Check the spelling.",
        "id_format": "Use 1–64 lower-case letters a–z, digits and hyphens, starting with a letter or digit "
        "(for example network-may-2027).",
        "id_taken": "There is already a meeting at that address. Choose another.",
        "missing": "Fill in this field.",
        "not_text": "Fill in a text.",
        "translated_shape": "Write a text, or a table with sv and en.",
        "unknown_language": "Unknown language ({languages}). Use sv or en.",
        "swedish_required": "The Swedish text is required.",
        "local_datetime": "Write a date and time, for example 2027-05-24 18:00.",
        "no_such_time": "The time {when} does not exist that day (the clocks change). Choose another time.",
        "unknown_zone": "Unknown time zone {zone}. Write for example Europe/Stockholm.",
        "ends_before_start": "The end must be after the start.",
        "deadline_after_start": "The last day to sign up cannot be after the meeting starts.",
        "deadline_offset": "Write a local time without a time zone, for example 2027-05-15T12:00:00.",
        "deadline_format": "Write a date, for example 2027-05-15 (open through 23:59 that day).",
        "seats": "Write a whole number, at least 1. Leave it empty if seats are not limited.",
        "below_seats_taken": "{taken} seats are already taken. The number of seats cannot go below that: "
        "nobody loses a seat they were given.",
        "whole_number": "Write a whole number from {at_least} to {at_most}.",
        "waitlist_needs_capacity": "A waiting list needs a number of seats: without a limit nobody waits.",
        "boolean": "Choose yes or no.",
        "hours_without_confirm": "Only used when the email address must be confirmed.",
        "email_list": "Write at least one email address.",
        "not_email": "{address} is not an email address.",
        "status_value": "The status must be open or closed.",
        "reminders_shape": 'Write reminders as a table: days_before = [2], at = "09:00".',
        "reminder_days": "Write whole days from 0 to 60, for example 7, 2.",
        "clock": "Write a time of day, for example 09:00.",
        "digest_shape": 'Write the digest as a table: hour = 7, send = "changes", language = "sv".',
        "hour": "Choose an hour from 0 to 23.",
        "digest_mode": "Choose when the digest is sent.",
        "language": "Choose Swedish or English.",
        "questions_shape": "Write the questions as a table, for example diet = true.",
        "unknown_question": "Unknown question.",
        "interests_shape": "Write one interest area a line: Svenskt namn | English name.",
        "interest_id": "Line {line}: the name needs at least one letter or digit.",
        "interest_twice": "Line {line}: the area is already on an earlier line.",
        "interest_name": "Line {line}: the Swedish name is required.",
        "interest_key": "Line {line}: write only the Swedish and the English name, separated by |.",
        "import_other_id": "The file describes another meeting. Only {id} can be imported here.",
        "organisers_admin_only": "Only an administrator can change who the organisers are.",
    },
}

EVENT_WARNINGS: dict[str, dict[str, str]] = {
    "sv": {
        "deadline_passed": "Anmälan står som öppen, men sista anmälningsdagen har passerat: ingen kan anmäla "
        "sig. Flytta sista dagen om fler ska kunna anmäla sig.",
        "closed_before_deadline": "Anmälan är stängd fast sista anmälningsdagen inte har passerat.",
        "full_without_waitlist": "Alla platser är tagna och träffen har ingen väntelista: formuläret är stängt.",
        "meal_without_time": "Frågan om måltid ställs inte förrän träffen har en tid för måltiden.",
        "interests_without_areas": "Frågan om intresseområden ställs inte förrän det finns minst ett område.",
        "hold_past_start": "En plats hålls i {hours} timmar för den som ska bekräfta sin adress: den som anmäler "
        "sig sista dagen kan ha en hållen plats när träffen börjar.",
        "meal_far_from_meeting": "Måltiden ligger långt från själva träffen. Kontrollera datum och tid.",
    },
    "en": {
        "deadline_passed": "Registration is marked open, but the last day to sign up has passed: nobody can sign "
        "up. Move the last day if more people should be able to sign up.",
        "closed_before_deadline": "Registration is closed although the last day to sign up has not passed.",
        "full_without_waitlist": "Every seat is taken and the meeting has no waiting list: the form is closed.",
        "meal_without_time": "The meal question is not asked until the meeting has a time for the meal.",
        "interests_without_areas": "The interest question is not asked until there is at least one area.",
        "hold_past_start": "A seat is held for {hours} hours for someone who must confirm their address: someone "
        "who signs up on the last day may still hold a seat when the meeting starts.",
        "meal_far_from_meeting": "The meal is far from the meeting itself. Check the date and time.",
    },
}


def event_problem(code: str, language: str, **params: Any) -> str:
    """A problem with an event's description (chalicelib/events.py's codes), for the console."""
    template = EVENT_PROBLEMS.get(language, EVENT_PROBLEMS["sv"]).get(code) or EVENT_PROBLEMS["sv"].get(code, code)
    values = {key: ", ".join(value) if isinstance(value, list) else value for key, value in params.items()}
    return template.format(**values) if values else template


def event_warning(code: str, language: str, **params: Any) -> str:
    template = EVENT_WARNINGS.get(language, EVENT_WARNINGS["sv"])[code]
    return template.format(**params) if params else template


# The console's event pages (create, edit, preview, quick changes, import/export): merged into LABELS.
EVENT_PAGE_LABELS: dict[str, dict[str, str]] = {
    "sv": {
        "ev.new_heading": "Ny träff",
        "ev.edit_heading": "Ändra träffen",
        "ev.changes_heading": "Anmälan, sista dag och platser",
        "ev.import_heading": "Läs in en träff från en TOML-fil",
        "ev.summary_heading": "Träffen kunde inte sparas",
        "ev.change_summary_heading": "Ändringen kunde inte göras",
        "ev.section_basics": "Om träffen",
        "ev.section_time": "Tid och plats",
        "ev.section_registration": "Anmälan",
        "ev.section_questions": "Frågor i formuläret",
        "ev.section_mail": "Påminnelser och sammanställning",
        "ev.optional": "frivilligt",
        "ev.required": "obligatoriskt",
        "ev.field.id": "Adress (id)",
        "ev.hint.id": "Blir en del av formulärets adress: /events/id/form. Små bokstäver a–z, siffror och "
        "bindestreck. Kan inte ändras senare.",
        "ev.field.title_sv": "Namn på svenska",
        "ev.field.title_en": "Namn på engelska",
        "ev.field.description_sv": "Beskrivning på svenska",
        "ev.field.description_en": "Beskrivning på engelska",
        "ev.field.starts_at": "Börjar",
        "ev.field.ends_at": "Slutar",
        "ev.field.meal_at": "Måltiden börjar",
        "ev.hint.meal_at": "Till exempel 2027-05-24 17:00. Lämna tomt om ingen måltid serveras.",
        "ev.hint.datetime": "Datum och klockslag, till exempel 2027-05-24 18:00.",
        "ev.field.venue": "Plats",
        "ev.field.address": "Adress",
        "ev.field.timezone": "Tidszon",
        "ev.field.deadline_date": "Sista anmälningsdag",
        "ev.hint.deadline_date": "Till exempel 2027-05-15. Anmälan är öppen till och med 23.59 den dagen.",
        "ev.field.deadline_time": "Stänger redan klockan",
        "ev.hint.deadline_time": "Till exempel 12:00. Lämna tomt för att stänga 23.59.",
        "ev.hint.reminder_at": "Till exempel 09:00.",
        "ev.field.capacity": "Antal platser",
        "ev.hint.capacity": "Lämna tomt om antalet inte är begränsat.",
        "ev.field.waitlist_limit": "Platser på väntelistan",
        "ev.hint.waitlist_limit": "Lämna tomt för lika många som antalet platser. 0 betyder ingen väntelista.",
        "ev.field.confirm_address": "Platsen gäller först när personen har bekräftat sin e-postadress",
        "ev.field.confirm_within_hours": "Timmar att bekräfta",
        "ev.hint.confirm_within_hours": "Från 1 till 168. Lämna tomt för 24 timmar.",
        "ev.field.organisers": "Arrangörer (e-postadresser)",
        "ev.hint.organisers": "En adress per rad. Arrangörerna kan logga in och sköta träffen.",
        "ev.organisers_admin_only": "Bara en administratör kan ändra arrangörerna.",
        "ev.field.interests": "Intresseområden",
        "ev.hint.interests": "Ett område per rad: Svenskt namn | English name.",
        "ev.field.questions": "Frågor i formuläret",
        "ev.question.meal": "Måltid",
        "ev.question.diet": "Specialkost",
        "ev.question.access_needs": "Behov av anpassning",
        "ev.question.attended_before": "Om personen har varit med förut",
        "ev.question.interests": "Intresse för arbetsgrupper",
        "ev.question.message": "Meddelande till arrangören",
        "ev.field.reminder_days": "Påminnelse, antal dagar före",
        "ev.hint.reminder_days": "Till exempel 7, 2. Lämna tomt för ingen påminnelse.",
        "ev.field.reminder_at": "Påminnelsen skickas klockan",
        "ev.field.digest_hour": "Sammanställningen skickas klockan (timme, 0–23)",
        "ev.field.digest_send": "Sammanställning till arrangörerna",
        "ev.digest.changes": "När något har ändrats",
        "ev.digest.daily": "Varje dag",
        "ev.digest.off": "Aldrig",
        "ev.field.digest_language": "Sammanställningens språk",
        "ev.language.sv": "Svenska",
        "ev.language.en": "Engelska",
        "ev.field.caterer": "Cateringens e-postadress",
        "ev.hint.caterer": "Får antalet måltider och specialkost. Lämna tomt om ingen catering.",
        "ev.field.toml": "TOML-fil",
        "ev.field.form": "Formuläret",
        "ev.field.new_capacity": "Nytt antal platser",
        "ev.field.new_deadline_date": "Ny sista anmälningsdag",
        "ev.field.new_deadline_time": "Stänger redan klockan",
        "ev.field.new_organisers": "Arrangörer (e-postadresser)",
        "ev.create": "Skapa träffen",
        "ev.save": "Spara ändringarna",
        "ev.preview": "Förhandsvisa formuläret",
        "ev.preview_heading": "Förhandsvisning av formuläret",
        "ev.preview_note": "Så här ser anmälningsformuläret ut med det du har skrivit. Inget är sparat än, och "
        "förhandsvisningen tar inte emot anmälningar.",
        "ev.preview_frame": "Förhandsvisning av anmälningsformuläret",
        "ev.warnings_heading": "Kontrollera",
        "ev.status_open": "Anmälan är öppen.",
        "ev.status_closed": "Anmälan är stängd.",
        "ev.close": "Stäng anmälan nu",
        "ev.reopen": "Öppna anmälan igen",
        "ev.close_hint": "När anmälan är stängd kan ingen anmäla sig. De som redan är anmälda behåller sina platser.",
        "ev.deadline_now": "Nu: sista dag {last_day}.",
        "ev.move_deadline": "Flytta sista dagen",
        "ev.capacity_now": "Nu: {taken} av {capacity} platser tagna, {waiting} på väntelistan.",
        "ev.capacity_unlimited": "Nu: {taken} platser tagna, inget tak.",
        "ev.change_capacity": "Ändra antalet platser",
        "ev.hint.capacity_change": "Fler platser: de första på väntelistan får platserna direkt, i tur och "
        "ordning, och ett mejl om det. Färre än de platser som redan är tagna går inte.",
        "ev.save_organisers": "Spara arrangörerna",
        "ev.export_heading": "Exportera och importera",
        "ev.export": "Ladda ner träffen som TOML-fil",
        "ev.import_label": "Klistra in en TOML-fil",
        "ev.upload_label": "eller välj en fil",
        "ev.import": "Läs in filen",
        "ev.import_new_hint": "Samma format som ./signup event put. Filen prövas med samma regler som formuläret.",
        "ev.import_replace_hint": "Filen ersätter träffens beskrivning (samma id). Anmälningarna ligger kvar.",
        "ev.created": "Träffen är skapad.",
        "ev.saved": "Ändringarna är sparade.",
        "ev.changed_meanwhile": "Någon annan sparade ändringar i träffen medan du skrev, så dina ändringar är inte "
        "sparade. Formuläret visar det du skrev: jämför med träffens sida och spara igen om det ska gälla.",
        "ev.promoted": "Flyttade upp från väntelistan: {count}. De har fått ett mejl om sin plats.",
        "ev.new_link": "Ny träff",
        "ev.import_link": "Läs in en träff från en TOML-fil",
        "ev.edit_link": "Ändra träffen",
        "ev.changes_link": "Anmälan, sista dag och platser",
        "ev.back": "Tillbaka till träffen",
        "ev.back_to_events": "Tillbaka till träffarna",
        "audit.event_created": "Skapade träffen",
        "audit.event_edited": "Ändrade träffen",
        "audit.event_imported": "Läste in träffen från en TOML-fil",
        "audit.event_exported": "Laddade ner träffen som TOML-fil",
        "audit.capacity_changed": "Ändrade antalet platser",
        "audit.deadline_moved": "Flyttade sista anmälningsdagen",
        "audit.registration_closed": "Stängde anmälan",
        "audit.registration_reopened": "Öppnade anmälan igen",
        "audit.organisers_named": "Ändrade arrangörerna",
    },
    "en": {
        "ev.new_heading": "New meeting",
        "ev.edit_heading": "Edit the meeting",
        "ev.changes_heading": "Registration, last day and seats",
        "ev.import_heading": "Import a meeting from a TOML file",
        "ev.summary_heading": "The meeting could not be saved",
        "ev.change_summary_heading": "The change could not be made",
        "ev.section_basics": "About the meeting",
        "ev.section_time": "Time and place",
        "ev.section_registration": "Registration",
        "ev.section_questions": "Questions on the form",
        "ev.section_mail": "Reminders and digest",
        "ev.optional": "optional",
        "ev.required": "required",
        "ev.field.id": "Address (id)",
        "ev.hint.id": "Becomes part of the form's address: /events/id/form. Lower-case letters a–z, digits and "
        "hyphens. Cannot be changed later.",
        "ev.field.title_sv": "Name in Swedish",
        "ev.field.title_en": "Name in English",
        "ev.field.description_sv": "Description in Swedish",
        "ev.field.description_en": "Description in English",
        "ev.field.starts_at": "Starts",
        "ev.field.ends_at": "Ends",
        "ev.field.meal_at": "The meal starts",
        "ev.hint.meal_at": "For example 2027-05-24 17:00. Leave empty if no meal is served.",
        "ev.hint.datetime": "Date and time, for example 2027-05-24 18:00.",
        "ev.field.venue": "Venue",
        "ev.field.address": "Address",
        "ev.field.timezone": "Time zone",
        "ev.field.deadline_date": "Last day to sign up",
        "ev.hint.deadline_date": "For example 2027-05-15. Registration is open through 23:59 that day.",
        "ev.field.deadline_time": "Closes already at",
        "ev.hint.deadline_time": "For example 12:00. Leave empty to close at 23:59.",
        "ev.hint.reminder_at": "For example 09:00.",
        "ev.field.capacity": "Number of seats",
        "ev.hint.capacity": "Leave empty if seats are not limited.",
        "ev.field.waitlist_limit": "Places on the waiting list",
        "ev.hint.waitlist_limit": "Leave empty for as many as there are seats. 0 means no waiting list.",
        "ev.field.confirm_address": "A seat counts only once the person has confirmed their email address",
        "ev.field.confirm_within_hours": "Hours to confirm",
        "ev.hint.confirm_within_hours": "From 1 to 168. Leave empty for 24 hours.",
        "ev.field.organisers": "Organisers (email addresses)",
        "ev.hint.organisers": "One address a line. Organisers can sign in and run the meeting.",
        "ev.organisers_admin_only": "Only an administrator can change the organisers.",
        "ev.field.interests": "Interest areas",
        "ev.hint.interests": "One area a line: Svenskt namn | English name.",
        "ev.field.questions": "Questions on the form",
        "ev.question.meal": "Meal",
        "ev.question.diet": "Dietary requirements",
        "ev.question.access_needs": "Access needs",
        "ev.question.attended_before": "Whether the person has attended before",
        "ev.question.interests": "Interest in working groups",
        "ev.question.message": "Message to the organiser",
        "ev.field.reminder_days": "Reminder, days before",
        "ev.hint.reminder_days": "For example 7, 2. Leave empty for no reminder.",
        "ev.field.reminder_at": "The reminder is sent at",
        "ev.field.digest_hour": "The digest is sent at (hour, 0–23)",
        "ev.field.digest_send": "Digest to the organisers",
        "ev.digest.changes": "When something has changed",
        "ev.digest.daily": "Every day",
        "ev.digest.off": "Never",
        "ev.field.digest_language": "The digest's language",
        "ev.language.sv": "Swedish",
        "ev.language.en": "English",
        "ev.field.caterer": "The caterer's email address",
        "ev.hint.caterer": "Gets the number of meals and dietary needs. Leave empty if there is no caterer.",
        "ev.field.toml": "TOML file",
        "ev.field.form": "The form",
        "ev.field.new_capacity": "New number of seats",
        "ev.field.new_deadline_date": "New last day to sign up",
        "ev.field.new_deadline_time": "Closes already at",
        "ev.field.new_organisers": "Organisers (email addresses)",
        "ev.create": "Create the meeting",
        "ev.save": "Save the changes",
        "ev.preview": "Preview the form",
        "ev.preview_heading": "Preview of the form",
        "ev.preview_note": "This is how the registration form looks with what you have written. Nothing is saved "
        "yet, and the preview accepts no registrations.",
        "ev.preview_frame": "Preview of the registration form",
        "ev.warnings_heading": "Please check",
        "ev.status_open": "Registration is open.",
        "ev.status_closed": "Registration is closed.",
        "ev.close": "Close registration now",
        "ev.reopen": "Reopen registration",
        "ev.close_hint": "While registration is closed nobody can sign up. Those already signed up keep their seats.",
        "ev.deadline_now": "Now: last day {last_day}.",
        "ev.move_deadline": "Move the last day",
        "ev.capacity_now": "Now: {taken} of {capacity} seats taken, {waiting} on the waiting list.",
        "ev.capacity_unlimited": "Now: {taken} seats taken, no limit.",
        "ev.change_capacity": "Change the number of seats",
        "ev.hint.capacity_change": "More seats: the first on the waiting list get them at once, in order, and "
        "an email saying so. Fewer than the seats already taken is not possible.",
        "ev.save_organisers": "Save the organisers",
        "ev.export_heading": "Export and import",
        "ev.export": "Download the meeting as a TOML file",
        "ev.import_label": "Paste a TOML file",
        "ev.upload_label": "or choose a file",
        "ev.import": "Import the file",
        "ev.import_new_hint": "The same format as ./signup event put. The file is judged by the same rules as the "
        "form.",
        "ev.import_replace_hint": "The file replaces the meeting's description (same id). Registrations stay.",
        "ev.created": "The meeting is created.",
        "ev.saved": "The changes are saved.",
        "ev.changed_meanwhile": "Someone else saved changes to the meeting while you were writing, so your changes "
        "are not saved. The form shows what you wrote: compare it with the meeting's page and save again if it "
        "should apply.",
        "ev.promoted": "Moved up from the waiting list: {count}. They have been emailed about their seat.",
        "ev.new_link": "New meeting",
        "ev.import_link": "Import a meeting from a TOML file",
        "ev.edit_link": "Edit the meeting",
        "ev.changes_link": "Registration, last day and seats",
        "ev.back": "Back to the meeting",
        "ev.back_to_events": "Back to the meetings",
        "audit.event_created": "Created the meeting",
        "audit.event_edited": "Edited the meeting",
        "audit.event_imported": "Imported the meeting from a TOML file",
        "audit.event_exported": "Downloaded the meeting as a TOML file",
        "audit.capacity_changed": "Changed the number of seats",
        "audit.deadline_moved": "Moved the last day to sign up",
        "audit.registration_closed": "Closed registration",
        "audit.registration_reopened": "Reopened registration",
        "audit.organisers_named": "Changed the organisers",
    },
}
for _language, _labels in EVENT_PAGE_LABELS.items():
    LABELS[_language].update(_labels)
