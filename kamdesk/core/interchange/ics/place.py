"""Where a meeting is, and who comes: from one VEVENT.

- **Place**: LOCATION, the conference properties of Google and Microsoft, URL, and the first
  link to a known video host in the DESCRIPTION give the mode (video, phone, in person, or
  None when the file says nothing about the place), the location and the video link. An
  online meeting without a link is said in a note.
- **Attendees** (ATTENDEE and ORGANIZER; rooms and resources left out), each once, by
  address or else by folded name.
- Files that kamdesk exported itself give back the objective, commitment and agenda from
  their DESCRIPTION (:func:`kamdesk_description`).
"""

from __future__ import annotations

import re

from icalendar import Component

from kamdesk.core.interchange.ics.model import Attendee, as_list, text_of
from kamdesk.core.storage import search

# Hosts of video meetings whose links may be taken from an invitation's text.
_VIDEO_HOSTS = (
    "zoom.us",
    "zoom.com",
    "teams.microsoft.com",
    "teams.live.com",
    "meet.google.com",
    "webex.com",
    "meet.jit.si",
    "whereby.com",
    "gotomeeting.com",
    "gotomeet.me",
    "skype.com",
    "bluejeans.com",
    "chime.aws",
)
_URL = re.compile(r"https?://[^\s<>\"'()\[\]{}\\]+", re.IGNORECASE)
_ONLINE_WORDS = re.compile(
    r"\b(microsoft teams|teams[- ](meeting|besprechung|call)|zoom|google meet|webex|skype|"
    r"jitsi|whereby|online[- ]meeting)\b",
    re.IGNORECASE,
)


def _video_host(url: str) -> bool:
    host = re.sub(r"^https?://", "", url, flags=re.IGNORECASE).split("/", 1)[0].split(":")[0]
    host = host.lower().split("@")[-1]
    return any(host == h or host.endswith("." + h) for h in _VIDEO_HOSTS)


def _first_url(text: str, known_host: bool) -> str | None:
    for match in _URL.finditer(text):
        url = match.group().rstrip(".,;:!?>")
        if url.lower().startswith("https://") and (not known_host or _video_host(url)):
            return url
    return None


def place(event: Component) -> tuple[str | None, str | None, str | None, list[str]]:
    """(mode, location, video link, notes) from LOCATION, conference properties and links;
    the mode is None when the file says nothing about the place."""
    location = text_of(event.get("LOCATION")).strip() or None
    notes: list[str] = []
    link = None
    for name in ("X-GOOGLE-CONFERENCE", "CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL"):
        for value in as_list(event.get(name)):
            link = link or _first_url(text_of(value), known_host=False)
    if location and _URL.fullmatch(location):  # a bare link is not a place
        link, location = link or location, None
    for value in as_list(event.get("URL")):
        link = link or _first_url(text_of(value), known_host=True)
    link = link or _first_url(text_of(event.get("DESCRIPTION")), known_host=True)
    online = bool(link) or any(
        _ONLINE_WORDS.search(text_of(v))
        for v in (
            location,
            event.get("X-MICROSOFT-LOCATIONDISPLAYNAME"),
        )
    )
    online = online or event.get("X-MICROSOFT-ONLINEMEETINGINFORMATION") is not None
    if online:
        if not link:
            notes.append("an online meeting, but the file has no link for it: add the link")
        return "video", location, link, notes
    if location and re.fullmatch(r"(tel:)?\+?[\d\s()./-]{6,}", location, re.IGNORECASE):
        return "phone", location, None, notes
    return ("in_person" if location else None), location, None, notes


_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+")


def people(event: Component) -> tuple[Attendee, ...]:
    found: list[Attendee] = []
    seen: set[str] = set()
    for name, organizer in (("ORGANIZER", True), ("ATTENDEE", False)):
        for prop in as_list(event.get(name)):
            params = getattr(prop, "params", {}) or {}
            if text_of(params.get("CUTYPE")).strip().upper() in ("ROOM", "RESOURCE"):
                continue
            address = re.sub(r"^\s*mailto:", "", text_of(prop), flags=re.IGNORECASE).strip()
            email = address if _EMAIL.fullmatch(address) else None
            cn = text_of(params.get("CN")).strip().strip('"').strip() or None
            if cn and email and cn.casefold() == email.casefold():
                cn = None
            if not cn and not email:
                continue
            ident = (email or "").casefold() or f"name:{search.fold(cn or '')}"
            if ident in seen:
                continue
            seen.add(ident)
            found.append(Attendee(cn, email, organizer))
    return tuple(found)


def kamdesk_description(
    text: str,
) -> tuple[str | None, str | None, tuple[str, ...], tuple[str, ...]]:
    """What our own export wrote into DESCRIPTION (core.calendar): objective, commitment,
    agenda and the attendees it had no address for."""
    objective = commitment = None
    agenda: list[str] = []
    also: list[str] = []
    in_agenda = False
    for line in text.splitlines():
        if line.startswith("Objective: "):
            objective, in_agenda = line.removeprefix("Objective: ").strip(), False
        elif line.startswith("Commitment to ask for: "):
            commitment = line.removeprefix("Commitment to ask for: ").strip()
            in_agenda = False
        elif line == "Agenda:":
            in_agenda = True
        elif line.startswith("Also attending: "):
            also += [n.strip() for n in line.removeprefix("Also attending: ").split(", ")]
            in_agenda = False
        elif in_agenda and (item := re.match(r"\d+\. (.*)", line)):
            agenda.append(item.group(1))
    return objective or None, commitment or None, tuple(agenda), tuple(n for n in also if n)
