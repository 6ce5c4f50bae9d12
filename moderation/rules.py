"""The house rules as typed configuration: categories, thresholds, actions and routing.

Built from a plain mapping (the parsed rules.yaml) so this module stays free of file I/O;
`houserules.config` reads the file and reports errors with the file name.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from moderation.comment import Surface
from moderation.verdict import Action, Category


class CategoryRule(BaseModel):
    """How one category is handled once a detector scores it at or above `threshold`.

    `comms_from`, where set, is a lower score from which a finding that did not reach
    `threshold` still goes to the comms queue, for a person to judge, instead of being
    dropped: the doubtful middle is read, never hidden."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    threshold: float = Field(ge=0.0, le=1.0)
    action: Action
    mention_action: Action | None = None
    comms: bool = False
    referral: str = ""
    comms_from: float | None = Field(default=None, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _comms_from_is_below_threshold(self) -> CategoryRule:
        if self.comms_from is not None and self.comms_from >= self.threshold:
            raise ValueError(
                f"comms_from ({self.comms_from}) must be below threshold ({self.threshold})"
            )
        return self

    def action_on(self, surface: Surface) -> Action:
        if surface is Surface.MENTION and self.mention_action is not None:
            return self.mention_action
        return self.action


class HouseRules(BaseModel):
    """The rule set a council runs. `version` is recorded on every verdict."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = Field(min_length=1)
    hiding: Literal["automatic", "review_first"] = "automatic"
    rumour_questions: Action = Action.COMMS
    categories: dict[Category, CategoryRule]

    @model_validator(mode="after")
    def _every_category_has_a_rule(self) -> HouseRules:
        missing = [c.value for c in Category if c not in self.categories]
        if missing:
            raise ValueError(f"categories: no rule for {', '.join(missing)}")
        return self

    def rule(self, category: Category) -> CategoryRule:
        return self.categories[category]

    @classmethod
    def from_mapping(cls, data: Any) -> HouseRules:
        return cls.model_validate(data)
