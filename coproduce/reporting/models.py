"""Rollups of the funder's statistics: per partnership, the counts `programme_statistics` makes from
the records, kept so that a page need not count a million participants (docs/performance.md).

They are derived data, never edited by hand: coproduce/reporting/rollups.py rebuilds a partnership's
rows whenever its records changed, and the pages say how old they are. Nothing here is about a
person: counts and a sum per partnership, small numbers included (suppression is applied when the
figures are shown, as for the live counts).
"""

from django.db import models

from coproduce.programmes.models import Partnership


class PartnershipRollup(models.Model):
    """One partnership's rollup: when it was made, what the records were, and its approved spend.

    `as_of` is the day the counts were made on: things dated on or before it are counted by year
    (`RollupCount.day` empty), anything dated later by its own day, so the counts answer "on or
    before today" exactly for any day from `as_of` on.
    """

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, primary_key=True, related_name="statistics_rollup"
    )
    fingerprint = models.CharField(
        max_length=300, help_text="The partnership's records as they were counted (rollups.fingerprints)."
    )
    as_of = models.DateField()
    computed_at = models.DateTimeField(help_text="When the counts were made from the records.")
    checked_at = models.DateTimeField(help_text="When the records were last found unchanged since (or made).")
    approved_spend = models.DecimalField(max_digits=14, decimal_places=2)

    def __str__(self) -> str:
        return f"Statistics of partnership {self.partnership_id} as of {self.checked_at:%Y-%m-%d %H:%M}"


class RollupCount(models.Model):
    """People of one partnership counted by a year (and, for dates after `as_of`, a day).

    `joined` and `active`: participants who joined then (and of them, those taking part now).
    `first_paid` and `first_fitting`: participants whose first job start, or first job start that
    fits, was then. A person is counted once, on their first, so the counts add up over days and
    years to the number of people in paid work (in a fitting job) on or before any day.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    day = models.DateField(null=True, blank=True)
    joined = models.PositiveIntegerField(default=0)
    active = models.PositiveIntegerField(default=0)
    first_paid = models.PositiveIntegerField(default=0)
    first_fitting = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["partnership", "year"], name="rollup_count_area_year")]

    def __str__(self) -> str:
        return f"Partnership {self.partnership_id}, {self.day or self.year}"
