"""1 Arriving late: the leave-by time, travel, the place, the way in (in person, video, phone)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from kamdesk.core.account import analytics
from kamdesk.core.i18n import _
from kamdesk.core.meeting import substance
from kamdesk.core.meeting.readiness.report import (
    Level,
    short,
)
from kamdesk.core.meeting.readiness.rules import (
    RuleBase,
)

if TYPE_CHECKING:
    pass


class LateRules(RuleBase):
    def late(self) -> None:
        mt = self.ctx.meeting
        start = mt.starts_at
        self.need(
            1,
            "late.start_time",
            start is not None,
            _("Set the meeting's start time."),
            _("Starts {when}.").format(when=self.fmt.datetime(start) if start else ""),
            "meeting.starts_at",
        )
        self.need(
            1,
            "late.duration",
            mt.duration_min is not None,
            _("Set how long the meeting lasts, to plan what comes after."),
            _("Lasts {n} minutes.").format(n=mt.duration_min),
            "meeting.duration_min",
        )
        if start is not None and start < self.now:
            held = self.ctx.held
            self.add(
                1,
                "late.in_past",
                Level.WARN if held else Level.BLOCK,
                _("This meeting took place on {when}; its notes are written.").format(
                    when=self.fmt.date(start.date())
                )
                if held
                else _(
                    "This meeting's start time ({when}) has passed: set its new time if it moved, or write its notes."
                ).format(when=self.fmt.datetime(start)),
                "meeting.starts_at",
                can_block=not held,
            )
        if mt.mode == "in_person":
            self.in_person()
        elif mt.mode == "video":
            link = (mt.video_link or "").strip()
            if not link:
                self.add(
                    1,
                    "late.video_link",
                    Level.BLOCK,
                    _("Add the video call link."),
                    "meeting.video_link",
                )
            elif not substance.link_parses(link):
                self.add(
                    1,
                    "substance.late.video_link",
                    Level.BLOCK,
                    _(
                        "“{link}” is not a link that opens: paste the full address from the invitation (https://…)."
                    ).format(link=short(link, 40)),
                    "meeting.video_link",
                )
            else:
                self.add(1, "late.video_link", Level.OK, _("Video link set."), "meeting.video_link")
            self.tick(
                1,
                "route_checked",
                _("Test the link and your equipment, then tick 'route checked'."),
                _(
                    "The connection tick no longer counts: the link or time changed since. Test again."
                ),
                _("Connection tested."),
            )
        else:
            self.phone()

    def in_person(self) -> None:
        mt = self.ctx.meeting
        start = mt.starts_at
        self.text(
            1,
            "late.location",
            mt.location,
            self.words.place,
            _("Set where the meeting takes place."),
            _("The place"),
            _(
                "give an address or a room someone could find, e.g. 'al. Zwycięstwa 41, Gdańsk, room 2'."
            ),
            _("Place: {where}.").format(where=mt.location),
            "meeting.location",
        )
        leave = analytics.leave_by(mt, self.settings.default_buffer_min)
        self._travel(leave)
        if leave is not None and start is not None and leave < self.now < start:
            self.add(
                1,
                "late.leave_now",
                Level.WARN,
                _("You should have left at {time}.").format(time=self.fmt.time(leave)),
                "meeting.travel_min",
                can_block=False,
            )
        self.tick(
            1,
            "route_checked",
            _("Check the route and the venue, then tick 'route checked'."),
            _("The route tick no longer counts: time, place or travel changed since. Check again."),
            _("Route checked."),
        )

    def _travel(self, leave: dt.datetime | None) -> None:
        """The travel time of a meeting in person (none on site), and a buffer."""
        mt = self.ctx.meeting
        buffer = mt.buffer_min if mt.buffer_min is not None else self.settings.default_buffer_min
        if mt.on_site:
            self.add(
                1,
                "late.travel_time",
                Level.OK,
                _("On site: no travel needed."),
                "meeting.travel_min",
            )
        elif mt.travel_min is None:
            self.add(
                1,
                "late.travel_time",
                Level.BLOCK,
                _("Add a travel time for this in-person meeting."),
                "meeting.travel_min",
            )
        elif mt.travel_min <= 0:
            self.add(
                1,
                "substance.late.travel_time",
                Level.BLOCK,
                _(
                    "Travel time is 0 minutes for an in-person meeting: enter the door-to-door time, or mark the place 'on site' if you are already there."
                ),
                "meeting.travel_min",
            )
        else:
            self.add(
                1,
                "late.travel_time",
                Level.OK,
                _("Leave by {time} ({travel} min travel + {buffer} min buffer).").format(
                    time=self.fmt.time(leave) if leave else "",
                    travel=mt.travel_min,
                    buffer=buffer,
                ),
                "meeting.travel_min",
            )
            if buffer <= 0:
                self.add(
                    1,
                    "late.buffer",
                    Level.WARN,
                    _("No buffer: add a few minutes for parking, security and reception."),
                    "meeting.buffer_min",
                    can_block=False,
                )

    def phone(self) -> None:
        mt = self.ctx.meeting
        digits = self.settings.phone_min_digits
        callable_ = [p for p in self.ctx.attendees if substance.phone_digits(p.phone) >= digits]
        if substance.phone_digits(mt.phone) >= digits:
            ok = _("Number to call: {number}.").format(number=mt.phone)
        elif callable_:
            ok = _("Number to call: {name}, {number}.").format(
                name=callable_[0].name, number=callable_[0].phone
            )
        else:
            ok = ""
        self.need(
            1,
            "late.number_to_call",
            bool(ok),
            _(
                "Which number do you call, or will they call you on? Add it to the meeting, or an attendee's phone (at least {n} digits)."
            ).format(n=digits),
            ok,
            "meeting.phone",
        )
        missing = [p.name for p in self.ctx.attendees if p not in callable_]
        self.need(
            1,
            "late.phone_numbers",
            not missing,
            _("No phone number for: {names}.").format(names=", ".join(missing)),
            _("Phone numbers at hand."),
            "meeting.attendees",
            Level.WARN,
        )

    # -- 2 arguing --
