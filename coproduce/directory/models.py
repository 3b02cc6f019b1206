"""The services directory, shaped on Open Referral HSDS 3.0 (docs.openreferral.org).

Each model is one HSDS object with a UUID id, as HSDS requires. The columns are the HSDS
fields the product uses (for search, matching and pages); every other HSDS property of an
imported record — deprecated fields, child arrays we do not model such as funding, cost
options, languages or accessibility — is kept verbatim in `extra`, so an imported file comes
back out of the export without loss. What we need beyond HSDS (childcare on site, capacity
to take referrals, the partnerships a service belongs to, "last checked") are plain
columns, exported under our own extension keys.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coproduce.core.models import VersionedModel
from coproduce.programmes.models import Organisation, Partnership


class HsdsRecord(VersionedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    extra = models.JSONField(
        default=dict, blank=True, help_text="HSDS properties this product does not use, kept for export."
    )

    class Meta:
        abstract = True


class Taxonomy(HsdsRecord):
    name = models.CharField(max_length=200)
    description = models.TextField()
    uri = models.URLField(max_length=500, blank=True)
    taxonomy_version = models.CharField("version", max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(HsdsRecord):
    """A term; our barrier and need taxonomy is published as one taxonomy whose codes are `plans.Barrier` values."""

    taxonomy_detail = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, null=True, blank=True, related_name="terms")
    taxonomy_name = models.CharField(
        "taxonomy", max_length=200, blank=True, help_text="HSDS `taxonomy`: the name of the taxonomy, as free text."
    )
    code = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=200)
    description = models.TextField()
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children")
    language = models.CharField(max_length=20, blank=True)
    term_uri = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return self.name


class DirectoryOrganisation(HsdsRecord):
    """An HSDS organization. `member` links it to the partner agency it is, when it is one of ours."""

    name = models.CharField(max_length=200)
    alternate_name = models.CharField(max_length=200, blank=True)
    description = models.TextField()
    email = models.EmailField(blank=True)
    website = models.URLField(max_length=500, blank=True)
    uri = models.URLField(max_length=500, blank=True)
    parent_organization = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    member = models.OneToOneField(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_entry",
        help_text="The partner agency in this programme, if it is one.",
    )
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Service(HsdsRecord):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")

    organization = models.ForeignKey(
        DirectoryOrganisation, on_delete=models.CASCADE, null=True, blank=True, related_name="services"
    )
    name = models.CharField(max_length=200)
    alternate_name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    application_process = models.TextField(blank=True)
    eligibility_description = models.TextField(blank=True)
    fees_description = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    alert = models.TextField(blank=True)
    last_modified = models.DateTimeField(null=True, blank=True)
    # Beyond HSDS 3.0: what the programme needs to match and refer.
    partnerships: "models.ManyToManyField[Partnership, models.Model]" = models.ManyToManyField(
        Partnership, blank=True, related_name="services", help_text="The local partnerships this service is part of."
    )
    childcare_on_site = models.BooleanField(default=False)
    takes_referrals = models.BooleanField(
        default=False, help_text="Accepts consented referrals through Coproduce (a partner agency)."
    )
    places_available = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Places free for new referrals now. Empty when not known."
    )
    capacity_updated_at = models.DateTimeField(null=True, blank=True)
    response_working_days = models.PositiveSmallIntegerField(
        default=5, help_text="Working days to answer a referral before it shows as overdue."
    )
    last_checked_on = models.DateField(null=True, blank=True)
    last_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.name


class Location(HsdsRecord):
    class LocationType(models.TextChoices):
        PHYSICAL = "physical", _("A place you can visit")
        POSTAL = "postal", _("A postal address")
        VIRTUAL = "virtual", _("Online or by phone")

    organization = models.ForeignKey(
        DirectoryOrganisation, on_delete=models.CASCADE, null=True, blank=True, related_name="locations"
    )
    location_type = models.CharField(max_length=10, choices=LocationType.choices)
    name = models.CharField(max_length=200, blank=True)
    alternate_name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.CharField(max_length=100, blank=True)
    external_identifier_type = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name", "id"]
        # The rules of coproduce/directory/coordinates.py, kept by the database too.
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="directory_location_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
                name="directory_location_longitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="directory_location_both_coordinates_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.id)


class Address(HsdsRecord):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=200, blank=True)
    address_1 = models.CharField(max_length=200)
    address_2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    state_province = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2)
    address_type = models.CharField(max_length=10, choices=Location.LocationType.choices)

    class Meta:
        ordering = ["address_1", "id"]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return f"{self.address_1}, {self.city} {self.postal_code}"


class ServiceAtLocation(HsdsRecord):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["service", "id"]

    def __str__(self) -> str:
        return f"{self.service} at {self.location}"


class Contact(HsdsRecord):
    organization = models.ForeignKey(
        DirectoryOrganisation, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts")
    name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name or str(self.id)


class Phone(HsdsRecord):
    organization = models.ForeignKey(
        DirectoryOrganisation, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField(max_length=50)
    extension = models.CharField(max_length=20, blank=True)
    type = models.CharField(max_length=20, blank=True, help_text="RFC 6350: voice, text, cell, fax, textphone…")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["number", "id"]

    def __str__(self) -> str:
        return self.number


class Schedule(HsdsRecord):
    """When a service is open, as an iCalendar-style rule. Matching reads `byday`, `opens_at` and `closes_at`."""

    class Frequency(models.TextChoices):
        WEEKLY = "WEEKLY", _("Weekly")
        MONTHLY = "MONTHLY", _("Monthly")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    freq = models.CharField(max_length=10, choices=Frequency.choices, blank=True)
    byday = models.CharField(max_length=50, blank=True, help_text="Days as iCal codes, like MO,TU,WE.")
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description or f"{self.byday} {self.opens_at}–{self.closes_at}"


class ServiceArea(HsdsRecord):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="service_areas")
    name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=20, blank=True)
    uri = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name or str(self.id)


class Attribute(HsdsRecord):
    """Tags any HSDS record with a taxonomy term; `link_entity` names the table of `link_id`."""

    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.CASCADE, related_name="attributes")
    # The record the attribute belongs to (the object it was nested in), whatever link_id/link_entity say.
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="attributes")
    organization = models.ForeignKey(
        DirectoryOrganisation, on_delete=models.CASCADE, null=True, blank=True, related_name="attributes"
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="attributes")
    link_id = models.UUIDField(null=True, blank=True)
    link_entity = models.CharField(max_length=50, blank=True)
    link_type = models.CharField(max_length=100, blank=True)
    value = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["link_entity", "link_id"])]

    def __str__(self) -> str:
        return f"{self.link_entity} {self.link_id}: {self.taxonomy_term}"
