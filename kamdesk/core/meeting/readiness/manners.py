"""6 Bad manners: each attendee's form of address, language, etiquette."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamdesk.core.i18n import _
from kamdesk.core.meeting import substance
from kamdesk.core.meeting.readiness.report import (
    Level,
)
from kamdesk.core.meeting.readiness.rules import (
    RuleBase,
)

if TYPE_CHECKING:
    pass


class MannersRules(RuleBase):
    def manners(self) -> None:
        words = self.words.person_field
        for person in self.ctx.attendees:
            strict = person.vip or person.kol
            level = Level.BLOCK if strict else Level.WARN
            who = person.name + (" (VIP/KOL)" if strict else "")
            self.text(
                6,
                f"manners.address.{person.key}",
                person.form_of_address,
                words,
                _("How do you address {name}? Add the form of address or title.").format(name=who),
                _("The form of address for {name}").format(name=person.name),
                _(
                    "write the title and name as you will say them, e.g. 'Pani Dyrektor', 'Dr Rossi'."
                ),
                _("{name}: form of address known.").format(name=person.name),
                f"stakeholder:{person.key}.form_of_address",
            )
            language_ok = _("{name}: preferred language known.").format(name=person.name)
            if substance.names_language(person.language):  # "it" and "hu" are words too
                self.add(
                    6,
                    f"manners.language.{person.key}",
                    Level.OK,
                    language_ok,
                    f"stakeholder:{person.key}.language",
                )
            else:
                self.text(
                    6,
                    f"manners.language.{person.key}",
                    person.language,
                    words,
                    _("Which language does {name} prefer?").format(name=who),
                    _("{name}'s language").format(name=person.name),
                    _("give a language, e.g. 'pl' or 'Polish'."),
                    language_ok,
                    f"stakeholder:{person.key}.language",
                )
            self.text(
                6,
                f"manners.pronunciation.{person.key}",
                person.pronunciation,
                words,
                _("Note how to spell and pronounce {name}'s name.").format(name=who),
                _("The pronunciation of {name}").format(name=person.name),
                _("write it as it sounds, e.g. 'WOO-kash VROO-bel'."),
                _("{name}: pronunciation noted.").format(name=person.name),
                f"stakeholder:{person.key}.pronunciation",
                level,
            )
            self.text(
                6,
                f"manners.etiquette.{person.key}",
                person.etiquette,
                words,
                _("Note the etiquette to observe with {name}.").format(name=who),
                _("The etiquette for {name}").format(name=person.name),
                _("e.g. 'formal titles, no first names, punctual to the minute'."),
                _("{name}: etiquette noted.").format(name=person.name),
                f"stakeholder:{person.key}.etiquette",
                level,
            )
        self.tick(
            6,
            "etiquette_reviewed",
            _("Review forms of address and etiquette, then tick 'etiquette reviewed'."),
            _("The etiquette tick no longer counts: attendees or their details changed since."),
            _("Etiquette reviewed."),
        )

    # -- 7 poor product knowledge --
