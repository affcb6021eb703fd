"""What the organisers tell an event's registrants (a notice's kind), apart from notices.py: the templates
compare with it by name (`notice.kind == NoticeKind.CANCELLED`), and the template environment, built for
the first page of a cold start, should not import the notices' rules to know five names."""

from enum import StrEnum


class NoticeKind(StrEnum):
    CANCELLED = "cancelled"
    CHANGED = "changed"
    MESSAGE = "message"
    INVITATION = "invitation"  # to the series' members not signed up yet (see invitations.py)
    WORKING_GROUPS = "working_groups"  # each person told their working group and who is in it
