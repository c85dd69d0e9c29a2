"""Events of phase 5, capture and retreat: places that changed hands, garrisons that fell
back or were destroyed."""

from __future__ import annotations

from dataclasses import dataclass

from frontlines.engine.rules.capture import CaptureResult
from frontlines.engine.rules.combat import BattleResult
from frontlines.engine.scenario.base import FactionId, LocationId
from frontlines.engine.state import State
from frontlines.engine.world import World


@dataclass(frozen=True)
class Capture:
    """A place changed hands: after a battle, or entered where nobody defended it."""

    turn: int
    location: LocationId
    place: str
    by: str
    from_faction: str
    by_id: FactionId
    from_id: FactionId
    fought: bool  # whether a battle was fought for it this turn

    def describe(self) -> str:
        """The capture as one line of the news log."""
        return f"{self.place} is taken by {self.by} from {self.from_faction}."


@dataclass(frozen=True)
class Retreat:
    """A defeated garrison fell back, or was destroyed with nowhere to go."""

    turn: int
    location: LocationId
    place: str
    faction: str
    to: str | None
    strength: float
    lost: float
    faction_id: FactionId
    to_id: LocationId | None

    def describe(self) -> str:
        """The retreat (or the destruction) as one line of the news log."""
        if self.to is None:
            return (
                f"Forces of {self.faction} at {self.place} have nowhere to fall back to and are "
                f"destroyed ({self.lost:.1f} lost)."
            )
        return (
            f"Forces of {self.faction} fall back from {self.place} to {self.to} with "
            f"{self.strength:.1f} ({self.lost:.1f} lost on the way)."
        )


CaptureEvent = Capture | Retreat


def capture_events(
    world: World, battles: BattleResult, cap: CaptureResult, after: State, run: int, turn: int
) -> list[CaptureEvent]:
    """Each capture of game ``run``, followed by the retreats of the side that lost it."""
    place, fname, lid, fid = (
        world.location_names,
        world.faction_names,
        world.location_ids,
        world.faction_ids,
    )
    events: list[CaptureEvent] = []
    taken = cap.captured[run].nonzero()[0]
    if not taken.size:
        return events
    # The run's rows at the captured places, read once as Python values.
    olds = cap.old_controller[run, taken].tolist()
    news = after.controller[run, taken].tolist()
    fights = battles.battle[run, taken].tolist()
    refuges = cap.retreat_to[run, taken].tolist()
    retreats = cap.retreated[run][:, taken].T.tolist()  # per captured place, per faction
    losses = cap.destroyed[run][:, taken].T.tolist()
    for k, loc in enumerate(taken.tolist()):
        old, new, to = olds[k], news[k], refuges[k]
        events.append(
            Capture(
                turn, lid[loc], place[loc], fname[new], fname[old], fid[new], fid[old], fights[k]
            )
        )
        for f, (retreated, destroyed) in enumerate(zip(retreats[k], losses[k], strict=True)):
            if not (retreated + destroyed > 0):  # (a NaN is no retreat, as in numpy)
                continue
            events.append(
                Retreat(
                    turn,
                    lid[loc],
                    place[loc],
                    fname[f],
                    place[to] if to >= 0 else None,
                    retreated,
                    destroyed,
                    fid[f],
                    lid[to] if to >= 0 else None,
                )
            )
    return events
